"""``aftercare demo --serve`` prints a console link that works while the demo runs.

The whole demo takes most of a minute, so this runs the part ``--serve`` adds
(``bot.web.console.demo.serve_console``) against the test bot: the printed
link must sign a browser in as the demo's staff member, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re

from bot.web.console.demo import serve_console
from tests.support.clinic import STAFF_USER_ID
from tests.support.console import LINK, ConsoleClient
from tests.support.factories import wait_until
from tests.support.harness import Harness


async def test_served_demo_prints_a_working_single_use_link(harness: Harness) -> None:
    out = io.StringIO()
    task = asyncio.create_task(serve_console(harness.services, harness.clinic, STAFF_USER_ID, "Dr. Rivera", out))
    try:
        async def printed() -> re.Match[str] | None:
            return LINK.search(out.getvalue())

        found = await wait_until(printed, within=10)
        assert found is not None and "works once" in out.getvalue()
        async with ConsoleClient(harness) as browser, ConsoleClient(harness) as second:
            today = await browser.sign_in(found.group(0))
            assert today.status == 200 and "Dr. Rivera" in today.text and "Riverside" in today.text
            assert (await second.post(found.group(0), csrf=False)).status == 410
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
