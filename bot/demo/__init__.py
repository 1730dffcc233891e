"""``aftercare demo``: the whole bot, offline, on a simulated clock.

Starts the built-in Bot API sandbox on 127.0.0.1 and the real bot against it on a
temporary SQLite database, plays the scenes, prints the conversation, exits 0.
With ``--serve`` it then adds simulated patients with months of history
(``bot.demo.cohort``, written straight into the database, so the printed
transcript is the same) and keeps the web console running.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.core.clinic_config import EXAMPLE_CONFIG, load_clinics
from bot.core.clock import ShiftedClock
from bot.core.db import Database
from bot.core.logging import configure
from bot.core.migrate import upgrade
from bot.core.services import Services
from bot.core.settings import Settings
from bot.demo.director import Director
from bot.demo.transcript import Transcript
from bot.runtime import BotRuntime
from tgsandbox import Sandbox
from tgsandbox.limits import FloodLimits

Scene = Callable[[Director], Awaitable[None]]
DEMO_START = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 09:00 at the example clinic
PATIENT_ID = 7001
DEMO_TOKEN = "424242:DEMO"


def scenes() -> list[Scene]:
    """The scenes in order; a capability shows up here when it exists."""
    from bot.demo.scenes import basics, checkins, course, enrolment, selfservice, staff

    return [
        basics.basics_scene,
        enrolment.enrolment_scene,
        course.reminders_scene,
        checkins.checkin_scene,
        staff.staff_scene,
        selfservice.selfservice_scene,
        course.rest_of_course_scene,
    ]


async def run_demo(build_runtime: Callable[[Services], BotRuntime], json_output: bool = False,
                   serve: bool = False) -> None:
    """Play every scene against a runtime from ``build_runtime`` (``bot.wiring.build_runtime``)."""
    configure("json", "CRITICAL")
    logging.getLogger().setLevel(logging.CRITICAL)
    clinics = load_clinics(EXAMPLE_CONFIG)
    clinic = next(iter(clinics))
    staff_id = clinic.staff.user_ids[0]
    with tempfile.TemporaryDirectory(prefix="aftercare-demo-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        await asyncio.to_thread(upgrade, url)
        # Telegram's overall limit stays on; weeks of one chat happen in a minute here, so the
        # per-chat limit is scaled up with the simulated clock.
        async with Sandbox(limits=FloodLimits(chat_capacity=30, chat_rate=30)) as sandbox:
            settings = Settings(
                _env_file=None,
                bot_token=DEMO_TOKEN, database_url=url, telegram_api_url=sandbox.url,
                http_host="127.0.0.1", http_port=0 if not serve else 8080, clinic_config=EXAMPLE_CONFIG,
            )
            clock = ShiftedClock(DEMO_START)
            services = Services(settings=settings, clinics=clinics, db=Database(url), clock=clock)
            runtime = build_runtime(services)
            await runtime.start()
            try:
                director = Director(
                    sandbox=sandbox, runtime=runtime, clock=clock,
                    transcript=Transcript(json_output=json_output),
                    patient=sandbox.user(PATIENT_ID, "Alex", language_code="en"),
                    staff=sandbox.user(staff_id, "Dr. Rivera", language_code="en"),
                    staff_chat=sandbox.group(clinic.staff.chat_id, f"{clinic.name} staff"),
                )
                for scene in scenes():
                    await scene(director)
                if serve:
                    director.transcript.note("demo is serving; press Ctrl-C to stop")
                    from bot.demo.cohort_store import seed_demo_cohort
                    from bot.web.console.demo import serve_console

                    await seed_demo_cohort(services, clinic)  # history for the outcomes page, never messaged

                    await serve_console(services, clinic, staff_id, "Dr. Rivera",
                                        sys.stderr if json_output else sys.stdout)
            finally:
                await runtime.stop()
                await services.db.dispose()
