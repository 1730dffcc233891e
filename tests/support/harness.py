"""The real bot, end to end: PTB ``Application`` + scheduler + database against the sandbox.

Tests act as patients and staff through the sandbox's user side, exactly as a
person would: send ``/start <token>``, press buttons, wait for messages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.clinic_config import Clinic, ClinicRegistry
from bot.core.clock import Clock
from bot.core.db import Database
from bot.core.migrate import upgrade
from bot.core.services import Services
from bot.core.settings import Settings
from bot.runtime import BotRuntime
from bot.wiring import build_runtime
from jobs.dispatcher import Dispatcher
from tests.support.clinic import CLINIC_ID, STAFF_CHAT_ID, STAFF_USER_ID, registry
from tests.support.clock import pinned_clock
from tgsandbox import Sandbox
from tgsandbox.limits import FloodLimits

TOKEN = "123456:TEST-TOKEN-shaped-like-BotFathers-abc"  # <bot id>:<35 characters>, like a real one


@dataclass
class Harness:
    sandbox: Sandbox
    services: Services
    runtime: BotRuntime
    database_url: str
    settings: Settings
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def clinic(self) -> Clinic:
        return self.services.clinics[CLINIC_ID]

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def dispatcher(self) -> Dispatcher:
        """The running bot's dispatcher, with its tuning knobs and counters."""
        found = self.services.dispatcher
        assert isinstance(found, Dispatcher), "the bot is not running"
        return found

    def patient(self, user_id: int = 5001, first_name: str = "Pat", language_code: str = "en") -> Any:
        return self.sandbox.user(user_id=user_id, first_name=first_name, language_code=language_code)

    def staff(self, user_id: int = STAFF_USER_ID) -> Any:
        return self.sandbox.user(user_id=user_id, first_name="Sam", language_code="en")

    def staff_group(self) -> Any:
        return self.sandbox.group(chat_id=STAFF_CHAT_ID, title="Riverside staff")

    async def restart(self) -> None:
        """Stop the bot process and start a new one on the same database (a deploy or crash)."""
        await self.runtime.stop()
        await self.services.db.dispose()
        self.services = _services(self.settings, self.services.clinics, self.services.clock)
        self.runtime = build_runtime(self.services)
        await self.runtime.start()


def _services(settings: Settings, clinics: ClinicRegistry, clock: Clock) -> Services:
    return Services(settings=settings, clinics=clinics, db=Database(settings.database_url), clock=clock)


def test_settings(sandbox: Sandbox, database_url: str, **overrides: Any) -> Settings:
    defaults: dict[str, Any] = {"http_host": "127.0.0.1", "http_port": 0, "log_format": "json"}
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=database_url,
        telegram_api_url=sandbox.url,
        **{**defaults, **overrides},
    )


@asynccontextmanager
async def running_bot(
    database_url: str,
    *,
    clinics: ClinicRegistry | None = None,
    clock: Clock | None = None,
    sandbox: Sandbox | None = None,
    **settings_overrides: Any,
) -> AsyncIterator[Harness]:
    """Start sandbox (unless given) and bot; stop both afterwards."""
    own_sandbox = sandbox is None
    # Telegram's global limit stays on; the per-chat burst is raised because tests click
    # faster than people. Flood-control tests set strict limits themselves.
    box = sandbox or Sandbox(limits=FloodLimits(chat_capacity=60))
    if own_sandbox:
        await box.start()
    upgrade(database_url)
    settings = test_settings(box, database_url, **settings_overrides)
    services = _services(settings, clinics or registry(), clock or pinned_clock())
    runtime = build_runtime(services)
    await runtime.start()
    harness = Harness(box, services, runtime, database_url, settings)
    try:
        yield harness
    finally:
        await harness.runtime.stop()
        await harness.services.db.dispose()
        if own_sandbox:
            await box.stop()


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'aftercare.db'}"
