"""Starting and stopping everything one bot process runs, in the right order.

Used by ``aftercare run``, the demo and the end-to-end tests alike, so the
tests exercise the same start-up path as production.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Any, Protocol

import httpx
from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.core.logging import get_logger
from bot.core.services import Services
from bot.ptb.application import build_application

log = get_logger("aftercare.runtime")


class Component(Protocol):
    """A part of the process with a lifetime: scheduler, HTTP server, ..."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class StartupError(Exception):
    """The bot cannot start; the message is the one line shown to the operator."""


def _components(services: Services, application: Application[Any, Any, Any, Any, Any, Any]) -> list[Component]:
    """Scheduler jobs, the HTTP server and the command menus, started in this order."""
    from bot.ptb import commands_menu
    from bot.web import runtime as web_runtime
    from jobs import runtime as jobs_runtime

    return [
        *jobs_runtime.components(services, application),
        *web_runtime.components(services, application),
        *commands_menu.components(services, application),
    ]


class BotRuntime:
    """The PTB application plus the components that live beside it."""

    def __init__(self, services: Services, *, poll_interval: float = 0.0) -> None:
        self.services = services
        self.application = build_application(services)
        self.components = _components(services, self.application)
        self._poll_interval = poll_interval
        self._started: list[Component] = []

    async def start(self) -> None:
        try:
            await self.application.initialize()
        except InvalidToken:
            raise StartupError("Telegram rejected the bot token (AFTERCARE_BOT_TOKEN)") from None
        except (NetworkError, httpx.HTTPError, OSError) as exc:
            api = self.services.settings.telegram_api_url
            raise StartupError(f"cannot reach the Telegram Bot API at {api} ({exc})") from None
        self.services.bot_username = self.application.bot.username or self.services.bot_username
        await self.application.start()
        if self.application.updater is not None:
            await self.application.updater.start_polling(
                poll_interval=self._poll_interval, allowed_updates=Update.ALL_TYPES, timeout=10
            )
        try:
            for component in self.components:
                await component.start()
                self._started.append(component)
        except BaseException:
            await self.stop()  # e.g. the HTTP port is taken: leave nothing half-running
            raise
        log.info("bot_started", username=self.services.bot_username,
                 mode="webhook" if self.application.updater is None else "polling")

    async def stop(self) -> None:
        for component in reversed(self._started):
            with contextlib.suppress(Exception):
                await component.stop()
        self._started.clear()
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        with contextlib.suppress(TelegramError, RuntimeError):
            await self.application.shutdown()
        log.info("bot_stopped")


async def serve_until_signalled(runtime: BotRuntime) -> None:
    """Run until SIGINT or SIGTERM, then shut down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runtime.start()
    try:
        await stop.wait()
    finally:
        await runtime.stop()
