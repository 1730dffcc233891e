"""The bot in this process, for the console benchmarks: sandbox, runtime, a signed-in browser, an event reader.

The console benchmarks time code paths inside the bot's process (a query, a
page, the live feed), so unlike ``bench/load.py`` they cannot use a child
process. This module starts the real runtime (``bot.wiring.build_runtime``)
against a local sandbox, signs a staff member in the way a link from
``/console`` would (the link is issued straight from the database: no chat is
needed to measure a page) and reads the console's event stream. It is kept
apart from the test suite's helpers on purpose: benchmarks are tools and must
not break when a test helper changes. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import yaml

from bench.support import BENCH_STAFF
from bot.core.clinic_config import EXAMPLE_CONFIG, ClinicRegistry, parse_clinics
from bot.core.db import Database
from bot.core.migrate import upgrade
from bot.core.models import Patient
from bot.core.services import Services
from bot.core.settings import Settings
from bot.runtime import BotRuntime
from bot.staff import console_login
from bot.wiring import build_runtime
from tgsandbox import Sandbox

STAFF_USER_ID = 900001
WAIT = 30.0


def clinics(*, second: bool = False) -> ClinicRegistry:
    """The example clinic with the bench's staff; with ``second``, Hillside too (H-labels, its own staff)."""
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["clinics"][0]["staff"] = dict(BENCH_STAFF)
    if second:
        other = copy.deepcopy(data["clinics"][0])
        other.update(id="hillside", name="Hillside Physio", label_prefix="H", timezone="Europe/Madrid",
                     staff={"chat_id": -100901, "user_ids": [900101]})
        data["clinics"].append(other)
    return parse_clinics(data, "<bench>")


@dataclass
class InProcessBot:
    """A running bot: its sandbox, services and runtime."""

    sandbox: Sandbox
    services: Services
    runtime: BotRuntime

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.services.http_port}"


@asynccontextmanager
async def running_bot(database_url: str, *, registry: ClinicRegistry | None = None,
                      secret_key: str = "bench") -> AsyncIterator[InProcessBot]:
    """Migrate the database, start a sandbox and the whole runtime (HTTP on a free port); stop both after."""
    upgrade(database_url)
    async with Sandbox(limits=False) as box:
        settings = Settings(_env_file=None, bot_token="123456:BENCH", database_url=database_url,
                            telegram_api_url=box.url, http_host="127.0.0.1", http_port=0, log_level="WARNING",
                            secret_key=secret_key)
        services = Services(settings=settings, clinics=registry or clinics(), db=Database(database_url))
        runtime = build_runtime(services)
        await runtime.start()
        try:
            yield InProcessBot(box, services, runtime)
        finally:
            await runtime.stop()
            await services.db.dispose()


async def add_patient(db: Database, *, label: str, user_id: int, clinic_id: str = "riverside") -> Patient:
    """A patient row, enough for alerts and pages to refer to."""
    patient = Patient(clinic_id=clinic_id, label=label, telegram_user_id=user_id, chat_id=user_id,
                      first_name="Pat", language="en", timezone="America/New_York")
    async with db.session() as session:
        session.add(patient)
        await session.flush()
        await session.refresh(patient)
    return patient


class ConsoleBrowser:
    """An HTTP client with cookies, signed in to the console as a Riverside staff member."""

    def __init__(self, bot: InProcessBot) -> None:
        self.bot = bot
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=WAIT))

    async def __aenter__(self) -> ConsoleBrowser:
        try:
            await self._sign_in()
        except BaseException:
            await self.http.close()
            raise
        return self

    async def _sign_in(self) -> None:
        """Open a fresh link and press "Sign in" (the link's token is the form's only credential)."""
        async with self.bot.db.session() as session:
            link = await console_login.issue_link(session, self.bot.services, "riverside", STAFF_USER_ID,
                                                  language="en", staff_name="Bench")
        async with self.http.get(link.url) as landing:
            await landing.read()
        async with self.http.post(link.url, allow_redirects=False) as signed:
            if landing.status != 200 or signed.status != 303:
                raise RuntimeError(f"signing in answered {landing.status}, then {signed.status}")

    async def __aexit__(self, *_exc: object) -> None:
        await self.http.close()

    async def get(self, path: str) -> int:
        """GET a console page to the end; its status."""
        async with self.http.get(self.bot.base + path, allow_redirects=False) as response:
            await response.read()
            return response.status


class EventReader:
    """One open ``/console/events`` stream, read an event name at a time, every wait bounded."""

    def __init__(self, browser: ConsoleBrowser) -> None:
        self.browser = browser
        self.response: aiohttp.ClientResponse | None = None

    async def __aenter__(self) -> EventReader:
        self.response = await self.browser.http.get(
            self.browser.bot.base + "/console/events", headers={"Accept": "text/event-stream"},
            timeout=aiohttp.ClientTimeout(total=None, sock_read=None))
        if self.response.status != 200:
            raise RuntimeError(f"the event stream answered {self.response.status}")
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.response is not None:
            self.response.close()

    async def wait_for(self, event: str, within: float = WAIT) -> None:
        """Read until an event named ``event`` has arrived whole (heartbeats and others are skipped)."""
        assert self.response is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        name = None
        while True:
            raw = await asyncio.wait_for(self.response.content.readline(), max(0.0, deadline - loop.time()))
            if not raw:
                raise RuntimeError("the event stream ended")
            line = raw.decode().rstrip("\n")
            if line.startswith("event:"):
                name = line.partition(":")[2].strip()
            elif line == "":
                if name == event:
                    return
                name = None


def server_app(bot: InProcessBot) -> Any:
    """The aiohttp application the runtime serves (to reach the console's sub-application state)."""
    from bot.web.runtime import HttpServer

    server = next(c for c in bot.runtime.components if isinstance(c, HttpServer))
    runner = server._runner
    if runner is None:
        raise RuntimeError("the HTTP server is not running")
    return runner.app
