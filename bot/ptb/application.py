"""Builds the PTB ``Application``: the Bot API endpoint, rate limiter, update processing.

The handlers come from the wiring module (``bot.wiring``), in priority order,
the way PTB's examples wire theirs in ``main()``; this module knows no feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, BaseHandler, TypeHandler

from bot.core import metrics
from bot.core.logging import bind_contextvars, clear_contextvars, new_correlation_id
from bot.core.services import SERVICES_KEY, Services
from bot.ptb import fallbacks
from bot.ptb.commands_menu import MENUS_KEY, Menus
from bot.ptb.job_queue import LoggedJobQueue
from bot.ptb.request import ObservedRequest, TelegramWatch
from bot.ptb.update_processor import PerChatUpdateProcessor


async def _begin_update(update: object, _context: Any) -> None:
    """Give every update a correlation id for the logs it causes."""
    clear_contextvars()
    bind_contextvars(correlation_id=new_correlation_id(),
                     update_id=update.update_id if isinstance(update, Update) else None)
    metrics.observe_update(update)


def build_application(
    services: Services, handlers: Sequence[BaseHandler[Any, Any, Any]], menus: Menus, *, token: str | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The application with ``handlers`` in order (the first match in the group wins)."""
    settings = services.settings
    api = settings.telegram_api_url
    watch = TelegramWatch()
    builder = (
        ApplicationBuilder()
        .token(token or (settings.bot_token.get_secret_value() if settings.bot_token else ""))
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(AIORateLimiter(overall_max_rate=29, overall_time_period=1, max_retries=5))
        .concurrent_updates(PerChatUpdateProcessor(64))
        .job_queue(LoggedJobQueue())  # each job run gets its own correlation id in the logs
        # Observed transports: /healthz knows when Telegram last answered (bot/ptb/request.py).
        .request(ObservedRequest(watch, connect_timeout=10, read_timeout=15, write_timeout=15))
        .get_updates_request(ObservedRequest(watch, connection_pool_size=1, read_timeout=35))
    )
    if settings.webhook_enabled:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[SERVICES_KEY] = services
    application.bot_data[MENUS_KEY] = menus
    application.add_handler(TypeHandler(object, _begin_update), group=-100)
    application.add_handlers(list(handlers))
    application.add_error_handler(fallbacks.on_error)
    return application
