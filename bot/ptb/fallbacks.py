"""The catch-alls, registered last: unknown commands, non-text messages, stale buttons, errors."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.core.logging import get_logger
from bot.core.services import services
from bot.ptb.chat import reply_language

log = get_logger("aftercare.handlers")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or (update.effective_chat and update.effective_chat.type != "private"):
        return
    language = await reply_language(update, context)
    await message.reply_html(services(context).text("common.unknown_command", language))


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes: the bot reads text only, and says so."""
    message = update.effective_message
    if message is None:
        return
    language = await reply_language(update, context)
    await message.reply_html(services(context).text("common.text_only", language))


async def unclaimed_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no feature claims (old version, forged, truncated): stop the spinner, say so."""
    query = update.callback_query
    if query is None:
        return
    language = await reply_language(update, context)
    await query.answer(services(context).text("common.expired_button", language))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (without message content) and tell the user something went wrong."""
    error = context.error
    log.error("handler_failed", error_type=type(error).__name__,
              update_id=getattr(update, "update_id", None), exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, Forbidden):
        return
    try:
        language = await reply_language(update, context)
        await context.bot.send_message(
            update.effective_chat.id,
            services(context).text("common.error", language),
            parse_mode=ParseMode.HTML,
        )
    except (TelegramError, Exception) as exc:  # the apology itself must never crash the bot
        log.warning("error_reply_failed", error_type=type(exc).__name__)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Catch-alls: registered last so feature handlers see updates first."""
    return [
        CallbackQueryHandler(unclaimed_button),
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL & filters.UpdateType.MESSAGE,
            non_text,
        ),
    ]
