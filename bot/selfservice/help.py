"""/help: what the bot does, the clinic's contact and disclaimer, and the staff commands for staff."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.clinic_config import Clinic
from bot.core.services import Services, services
from bot.ptb.chat import current_patient, reply_language


def help_text(svc: Services, language: str, clinic: Clinic | None, staff: bool = False) -> str:
    parts = [svc.text("common.help", language, clinic)]
    if clinic is not None:
        contact = clinic.contact_in(language)
        parts.append(svc.text("common.contact", language, clinic, phone=contact.phone, hours=contact.hours,
                              after_hours=contact.after_hours, emergency=clinic.emergency_number))
    parts.append(svc.text("common.disclaimer", language, clinic))
    if staff:
        parts.append(svc.text("common.help_staff", language, clinic))
    return "\n\n".join(parts)


async def answer_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    svc = services(context)
    patient = await current_patient(update, context)
    clinic = svc.clinics.get(patient.clinic_id) if patient else None
    language = patient.language if patient else await reply_language(update, context)
    user_id = update.effective_user.id if update.effective_user else None
    is_staff = bool(svc.clinics.staff_clinics(user_id))
    await message.reply_html(help_text(svc, language, clinic, staff=is_staff))
