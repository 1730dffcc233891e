"""Webhook mode: Telegram POSTs updates to ``AFTERCARE_WEBHOOK_URL`` on this server.

The URL is public, so the only thing telling Telegram's requests from anyone
else's is the secret Telegram echoes in ``X-Telegram-Bot-Api-Secret-Token``
(set with ``setWebhook(secret_token=...)``). A request without exactly that
header gets 403 and a warning in the log; its body is never read or logged.
Accepted updates go to PTB's ``update_queue``, the same queue polling feeds,
so every handler behaves the same in both modes.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.core.logging import get_logger
from bot.web.server import WebContext, context

log = get_logger("aftercare.web.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    """The local path to serve: the public URL's path (a reverse proxy must keep it)."""
    return urlsplit(url).path or "/"


def _secret(ctx: WebContext) -> str:
    secret = ctx.services.settings.webhook_secret
    if secret is None or not secret.get_secret_value():
        raise RuntimeError("webhook mode without AFTERCARE_WEBHOOK_SECRET (Settings should have refused it)")
    return secret.get_secret_value()


async def receive(request: web.Request) -> web.Response:
    ctx = context(request)
    given = request.headers.get(SECRET_HEADER)
    if given is None or not hmac.compare_digest(given.encode(), _secret(ctx).encode()):
        log.warning("webhook_rejected", reason="no secret header" if given is None else "wrong secret",
                    remote=request.remote, path=request.path)
        return web.Response(status=403, text="forbidden")
    try:
        data = await request.json()
        update = Update.de_json(data, ctx.application.bot) if isinstance(data, dict) else None
    except Exception as exc:  # malformed JSON or not an Update: say so, never echo it
        log.warning("webhook_bad_update", error_type=type(exc).__name__)
        update = None
    if update is None:
        return web.Response(status=400, text="not a Telegram update")
    await ctx.application.update_queue.put(update)
    return web.Response(status=200)


async def register(ctx: WebContext) -> None:
    """Tell Telegram where to deliver, with the secret; pending updates are kept, not dropped."""
    settings = ctx.services.settings
    assert settings.webhook_url is not None
    await ctx.application.bot.set_webhook(
        settings.webhook_url, secret_token=_secret(ctx), allowed_updates=Update.ALL_TYPES
    )
    parts = urlsplit(settings.webhook_url)
    log.info("webhook_set", host=parts.hostname, path=parts.path or "/")


def setup(app: web.Application, ctx: WebContext) -> None:
    settings = ctx.services.settings
    if settings.webhook_enabled and settings.webhook_url:
        app.router.add_post(webhook_path(settings.webhook_url), receive)
