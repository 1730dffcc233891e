"""/start without an invite, /help, unknown commands, non-text messages, and errors."""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.core import patients
from bot.core.clinic_config import Clinic
from bot.core.logging import get_logger
from bot.core.models import Patient
from bot.core.services import services
from messages.render import LANGUAGES

log = get_logger("aftercare.handlers")


async def current_patient(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Patient | None:
    user = update.effective_user
    if user is None:
        return None
    async with services(context).db.session() as session:
        return await patients.current_for_user(session, user.id)


async def reply_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The patient's chosen language, else their Telegram app's, else English."""
    patient = await current_patient(update, context)
    if patient is not None:
        return patient.language
    code = (update.effective_user.language_code or "") if update.effective_user else ""
    return code[:2] if code[:2] in LANGUAGES else "en"


async def start_without_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A bare /start: greet enrolled patients, explain invites to everyone else."""
    message = update.effective_message
    assert message is not None
    svc = services(context)
    patient = await current_patient(update, context)
    if patient is not None:
        clinic = svc.clinics.get(patient.clinic_id)
        await message.reply_html(svc.text("common.welcome_back", patient.language, clinic,
                                          clinic_name=clinic.name if clinic else ""))
        return
    language = await reply_language(update, context)
    await message.reply_html(svc.text("common.start_no_invite", language))


def help_text(svc: Any, language: str, clinic: Clinic | None, staff: bool = False) -> str:
    parts = [svc.text("common.help", language, clinic)]
    if clinic is not None:
        parts.append(svc.text("common.contact", language, clinic, phone=clinic.contact.phone,
                              hours=clinic.contact.hours, after_hours=clinic.contact.after_hours,
                              emergency=clinic.emergency_number))
    parts.append(svc.text("common.disclaimer", language, clinic))
    if staff:
        parts.append(svc.text("common.help_staff", language, clinic))
    return "\n\n".join(parts)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    svc = services(context)
    patient = await current_patient(update, context)
    clinic = svc.clinics.get(patient.clinic_id) if patient else None
    language = patient.language if patient else await reply_language(update, context)
    user_id = update.effective_user.id if update.effective_user else None
    is_staff = bool(svc.clinics.staff_clinics(user_id))
    await message.reply_html(help_text(svc, language, clinic, staff=is_staff))


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
        CommandHandler("start", start_without_invite),
        CommandHandler("help", help_command),
        CallbackQueryHandler(unclaimed_button),
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL & filters.UpdateType.MESSAGE,
            non_text,
        ),
    ]


def escape(text: str) -> str:
    return html.escape(text, quote=False)
