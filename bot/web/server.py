"""The bot's one HTTP server: an aiohttp application assembled from route setups.

Health, metrics, the Telegram webhook and the web console each live in their
own module exposing ``setup(app, ctx)``; the wiring module (``bot.wiring``)
lists them and ``build_web_app`` mounts them in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.core.logging import get_logger
from bot.core.services import Services
from bot.ptb.request import TelegramWatch, telegram_watch

log = get_logger("aftercare.web")



@dataclass
class HealthPolicy:
    """When the process counts as unhealthy; tests shrink these to see failures quickly."""

    telegram_max_age: float = 180.0  # seconds without any answer from the Bot API
    probe_after: float = 60.0  # a quiet bot (webhook mode) calls getMe after this long
    scheduler_max_age: float = 300.0  # the dispatcher's ``last_tick`` may be this old
    database_timeout: float = 5.0  # a ping slower than this is a failed ping
    overdue_after: float = 60.0  # a pending message this long past due is "overdue" in /metrics


@dataclass
class LivePolicy:
    """The console's live Today page (``bot.web.console.live_feed``); tests shrink the times."""

    interval: float = 1.0  # seconds between polls of the database while some page listens
    heartbeat: float = 15.0  # a comment line on an idle stream, so proxies keep it open
    signout_every: float = 10.0  # seconds between sign-out checks of the open streams
    max_streams: int = 200  # per server; more get 503 and fall back to reloading
    per_login: int = 4  # open Today tabs of one sign-in


@dataclass
class WebContext:
    """What every route needs: the process's services and the PTB application."""

    services: Services
    application: Application[Any, Any, Any, Any, Any, Any]
    health: HealthPolicy = field(default_factory=HealthPolicy)
    live: LivePolicy = field(default_factory=LivePolicy)
    telegram: TelegramWatch | None = None

    @classmethod
    def of(cls, services: Services, application: Application[Any, Any, Any, Any, Any, Any]) -> WebContext:
        return cls(services, application, telegram=telegram_watch(application.bot))


CONTEXT = web.AppKey("aftercare.context", WebContext)


def context(request: web.Request) -> WebContext:
    return request.app[CONTEXT]


RouteSetup = Callable[[web.Application, WebContext], None]
"""A route module's ``setup(app, ctx)``: adds its routes (and startup hooks, if any)."""


def build_web_app(ctx: WebContext, routes: Sequence[RouteSetup]) -> web.Application:
    """One aiohttp application with every route setup applied in order."""
    app = web.Application(client_max_size=1024 * 1024)
    app[CONTEXT] = ctx
    for setup in routes:
        setup(app, ctx)
    return app
