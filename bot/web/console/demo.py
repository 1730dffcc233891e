"""``aftercare demo --serve``: after the script, a console sign-in link for the demo's staff member.

In real life the link comes from ``/console`` in Telegram and lasts ten
minutes. The demo's staff member lives inside the sandbox, so the demo mints
the link itself (the same ``issue_link``), valid for as long as anyone is
likely to keep the demo running, and still single use: on a terminal,
pressing Enter prints a fresh one (another browser, or after signing out).
The demo runs until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from typing import TextIO

from bot.core.clinic_config import Clinic
from bot.core.services import Services
from bot.staff.console_login import issue_link

DEMO_LINK_VALIDITY = timedelta(days=7)


async def demo_link(services: Services, clinic: Clinic, staff_user_id: int, staff_name: str) -> str:
    async with services.db.session() as session:
        issued = await issue_link(session, services, clinic.id, staff_user_id, language=clinic.default_language,
                                  staff_name=staff_name, valid_for=DEMO_LINK_VALIDITY)
    return issued.url


async def serve_console(services: Services, clinic: Clinic, staff_user_id: int, staff_name: str,
                        out: TextIO) -> None:
    """Print a sign-in link, then one more per Enter (on a terminal), until cancelled."""
    interactive = sys.stdin.isatty()
    hint = " Press Enter for another link, Ctrl-C to stop." if interactive else " Ctrl-C stops the demo."
    print(f"\nWeb console for {clinic.name}: open this link in a browser (it works once):", file=out)
    print(f"    {await demo_link(services, clinic, staff_user_id, staff_name)}", file=out)
    print(f"   {hint}", file=out, flush=True)
    wanted: asyncio.Queue[None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def enter_pressed() -> None:
        sys.stdin.readline()
        wanted.put_nowait(None)

    if interactive:
        loop.add_reader(sys.stdin.fileno(), enter_pressed)
    try:
        while True:
            await wanted.get()
            print(f"    {await demo_link(services, clinic, staff_user_id, staff_name)}", file=out, flush=True)
    finally:
        if interactive:
            loop.remove_reader(sys.stdin.fileno())
