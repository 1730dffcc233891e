"""The bot's one HTTP server: an aiohttp application assembled from route modules.

Health, metrics, the Telegram webhook and (later) the web console each live in
their own module exposing ``setup(app, ctx)``; this file only lists them. A new
feature adds its module name to ``ROUTE_MODULES`` and touches nothing else.
Optional modules (the console) are skipped while they do not exist yet, the
same way the CLI and the handler list treat features still being built.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.core.logging import get_logger
from bot.core.services import Services
from bot.ptb.request import TelegramWatch, telegram_watch

log = get_logger("aftercare.web")

ROUTE_MODULES: tuple[str, ...] = ("bot.web.health", "bot.web.metrics_view", "bot.web.webhook", "bot.web.console")


@dataclass
class HealthPolicy:
    """When the process counts as unhealthy; tests shrink these to see failures quickly."""

    telegram_max_age: float = 180.0  # seconds without any answer from the Bot API
    probe_after: float = 60.0  # a quiet bot (webhook mode) calls getMe after this long
    scheduler_max_age: float = 300.0  # the dispatcher's ``last_tick`` may be this old
    database_timeout: float = 5.0  # a ping slower than this is a failed ping
    overdue_after: float = 60.0  # a pending message this long past due is "overdue" in /metrics


@dataclass
class WebContext:
    """What every route needs: the process's services and the PTB application."""

    services: Services
    application: Application[Any, Any, Any, Any, Any, Any]
    health: HealthPolicy = field(default_factory=HealthPolicy)
    telegram: TelegramWatch | None = None

    @classmethod
    def of(cls, services: Services, application: Application[Any, Any, Any, Any, Any, Any]) -> WebContext:
        return cls(services, application, telegram=telegram_watch(application.bot))


CONTEXT = web.AppKey("aftercare.context", WebContext)


def context(request: web.Request) -> WebContext:
    return request.app[CONTEXT]


def route_modules() -> list[Any]:
    """The route modules to mount, in order."""
    return [importlib.import_module(name) for name in ROUTE_MODULES]


def build_web_app(ctx: WebContext, modules: list[Any] | None = None) -> web.Application:
    """One aiohttp application; each module adds its routes (and startup hooks, if any)."""
    app = web.Application(client_max_size=1024 * 1024)
    app[CONTEXT] = ctx
    for module in route_modules() if modules is None else modules:
        module.setup(app, ctx)
    return app
