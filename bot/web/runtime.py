"""The HTTP server as a runtime component of ``bot.runtime.BotRuntime``.

It starts after the PTB application (so a webhook delivery always finds a
running bot), binds ``AFTERCARE_HTTP_HOST:AFTERCARE_HTTP_PORT`` (port 0 picks a
free one; the bound port is left in ``services.http_port``), then
registers the webhook when configured. While it runs it keeps ``/healthz``'s
knowledge of Telegram fresh with a getMe when the bot has been quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.lifecycle import StartupError
from bot.core.logging import get_logger
from bot.core.services import Services
from bot.web import webhook
from bot.web.server import HealthPolicy, RouteSetup, WebContext, build_web_app

log = get_logger("aftercare.web")


class HttpServer:
    """Health, metrics, webhook (and the console) on one aiohttp server."""

    def __init__(self, services: Services, application: Application[Any, Any, Any, Any, Any, Any],
                 routes: Sequence[RouteSetup]) -> None:
        self.ctx = WebContext.of(services, application)
        self.routes = tuple(routes)
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._probe: asyncio.Task[None] | None = None

    @property
    def policy(self) -> HealthPolicy:
        return self.ctx.health

    async def start(self) -> None:
        settings = self.ctx.services.settings
        runner = web.AppRunner(build_web_app(self.ctx, self.routes), access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        except OSError as exc:
            await runner.cleanup()
            raise StartupError(f"cannot serve HTTP on {settings.http_host}:{settings.http_port} "
                               f"(AFTERCARE_HTTP_HOST/AFTERCARE_HTTP_PORT): {exc.strerror or exc}") from None
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self.ctx.services.http_port = self.port
        self._probe = asyncio.get_running_loop().create_task(self._keep_telegram_fresh(), name="telegram-probe")
        if settings.webhook_enabled:
            try:
                await webhook.register(self.ctx)
            except TelegramError as exc:
                await self.stop()
                raise StartupError(f"Telegram refused the webhook {settings.webhook_url}: {exc.message}") from None
        log.info("http_started", host=settings.http_host, port=self.port, webhook=settings.webhook_enabled)

    async def stop(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe
            self._probe = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
            self.ctx.services.http_port = None
            log.info("http_stopped")

    async def _keep_telegram_fresh(self) -> None:
        """getMe when nothing else has reached Telegram for ``probe_after`` seconds (webhook mode, idle)."""
        watch = self.ctx.telegram
        if watch is None:
            return
        while True:
            await asyncio.sleep(max(0.05, self.policy.probe_after / 2))
            age = watch.age()
            if age is not None and age < self.policy.probe_after:
                continue
            try:
                await self.ctx.application.bot.get_me()
            except Exception as exc:  # the watch recorded it; /healthz will say so
                log.warning("telegram_probe_failed", error_type=type(exc).__name__)

