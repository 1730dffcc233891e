"""Starting and stopping everything one bot process runs, in the right order.

``bot.wiring.build_runtime`` assembles a ``BotRuntime``; ``aftercare run``, the
demo and the end-to-end tests all start it the same way, so the tests exercise
the production start-up path.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Sequence
from typing import Any

import httpx
from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.core.lifecycle import Component, StartupError
from bot.core.logging import get_logger
from bot.core.services import Services
from bot.ptb.polling import PollingErrors, quieten_ptb
from bot.ptb.request import telegram_watch

log = get_logger("aftercare.runtime")


class BotRuntime:
    """The PTB application plus the components that live beside it."""

    def __init__(self, services: Services, application: Application[Any, Any, Any, Any, Any, Any],
                 components: Sequence[Component], *, poll_interval: float = 0.0) -> None:
        self.services = services
        self.application = application
        self.components = list(components)
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
        token = self.application.bot.token
        quieten_ptb(token)  # network failures as one line each, never a traceback or the token
        if self.application.updater is not None:
            await self.application.updater.start_polling(
                poll_interval=self._poll_interval, allowed_updates=Update.ALL_TYPES, timeout=10,
                error_callback=PollingErrors(telegram_watch(self.application.bot), token),
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
