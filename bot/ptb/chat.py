"""What handlers of every feature ask about the chat in front of them: who is it, which language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core import patients
from bot.core.models import Patient
from bot.core.services import services
from messages.render import LANGUAGES


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

