"""Session reminders: the text and buttons a patient gets before each session, and their sender.

The dispatcher (``jobs``) calls ``send_reminder`` for each due ``reminder`` row;
the reminder's buttons (Confirm / Need to reschedule) are handled in
``bot.courses.reminder_handlers``, which redraws the same text.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.core.callbacks import Action, encode
from bot.core.clinic_config import Clinic
from bot.core.models import Course, Patient, SessionStatus, TreatmentSession
from bot.core.services import Services
from jobs.senders import SendContext, SendResult, Sent, Skipped
from messages.render import format_when


def reminder_text(services: Services, patient: Patient, clinic: Clinic | None, area: str,
                  row: TreatmentSession) -> str:
    """The reminder as the patient reads it: their language, their timezone."""
    key = "reminders.upcoming_confirmed" if row.status == SessionStatus.CONFIRMED else "reminders.upcoming"
    area_name = clinic.area_name(area, patient.language) if clinic and area in clinic.protocols else area
    return services.text(
        key, patient.language, clinic,
        area=area_name, number=row.number, clinic_name=clinic.name if clinic else "",
        when=format_when(row.scheduled_at, ZoneInfo(patient.timezone), patient.language),
    )


def reminder_keyboard(services: Services, patient: Patient, clinic: Clinic | None,
                      row: TreatmentSession) -> InlineKeyboardMarkup:
    """Confirm (unless already confirmed) and Need to reschedule."""
    buttons = []
    if row.status != SessionStatus.CONFIRMED:
        buttons.append(InlineKeyboardButton(services.text("reminders.button_confirm", patient.language, clinic),
                                            callback_data=encode(Action.REMINDER, "ok", row.id or 0)))
    buttons.append(InlineKeyboardButton(services.text("reminders.button_reschedule", patient.language, clinic),
                                        callback_data=encode(Action.REMINDER, "rs", row.id or 0)))
    return InlineKeyboardMarkup([[button] for button in buttons])


async def send_reminder(ctx: SendContext) -> SendResult:
    """A session reminder with Confirm / Need to reschedule, if the session is still ahead."""
    patient = ctx.patient
    if patient is None or patient.chat_id is None or ctx.message.session_id is None:
        return Skipped("no_recipient", cancel=True)
    async with ctx.session() as session:
        row = await session.get(TreatmentSession, ctx.message.session_id)
        course = await session.get(Course, row.course_id) if row is not None else None
    if row is None or course is None or row.status not in (SessionStatus.PLANNED, SessionStatus.CONFIRMED):
        return Skipped("session_not_upcoming", cancel=True)
    if row.scheduled_at <= ctx.now:
        return Skipped("session_started")
    sent = await ctx.bot.send_message(
        patient.chat_id,
        reminder_text(ctx.services, patient, ctx.clinic, course.area, row),
        parse_mode=ParseMode.HTML,
        reply_markup=reminder_keyboard(ctx.services, patient, ctx.clinic, row),
    )
    return Sent(sent.message_id)
