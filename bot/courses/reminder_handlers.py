"""Reminder buttons: Confirm, Need to reschedule, and the preferred time the patient types.

Payloads (``bot.core.callbacks``, action ``rem``): ``1:rem:ok:<session id>``
confirms, ``1:rem:rs:<session id>`` starts the reschedule flow,
``1:rem:call:<session id>`` asks the clinic to call instead of typing a time.
A button is honoured only from the patient whose session it is; anything else
(stale, forged, another patient's) gets ``common.expired_button``.

Rescheduling never moves the booking by itself: the patient's wish (a time
read by ``bot.domain.datetime_input``, else their words as typed) goes to the
clinic's staff chat, and staff move the session (``course_ops``). The typed
text is also read for warning signs; if it mentions any, it is handed on as a
free-text report so triage sees it (a patient may write "can't come, the knee
is hot and red").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.core import audit, chat_state, patients
from bot.core.callbacks import Action, decode, encode, pattern
from bot.core.clinic_config import Clinic
from bot.core.logging import get_logger
from bot.core.models import ChatState, Course, Patient, TreatmentSession
from bot.core.services import Services, services
from bot.courses import course_ops
from bot.courses.reminders import reminder_keyboard, reminder_text
from bot.domain.datetime_input import HELP_EXAMPLES, ParsedMoment, parse_session_time
from bot.domain.triage_text import read_text
from bot.ptb.text_router import Next
from messages.render import Safe, format_when

log = get_logger("aftercare.reminders")
FLOW = "reschedule"
_SUBACTIONS = frozenset({"ok", "rs", "call"})
_NOTE_LIMIT = 300


@dataclass(frozen=True)
class Owned:
    """A session the pressing/typing patient owns, with what rendering it needs."""

    patient: Patient
    row: TreatmentSession
    course: Course
    clinic: Clinic | None


async def _owned(svc: Services, user_id: int, session_id: int) -> Owned | None:
    async with svc.db.session() as session:
        patient = await patients.current_for_user(session, user_id)
        row = await session.get(TreatmentSession, session_id)
        course = await session.get(Course, row.course_id) if row is not None else None
    if patient is None or row is None or course is None or course.patient_id != patient.id:
        return None
    return Owned(patient, row, course, svc.clinics.get(patient.clinic_id))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    data = decode(query.data)
    session_id = data.int_arg(1) if data is not None else None
    owned = None
    if data is not None and data.arg(0) in _SUBACTIONS and session_id is not None:
        owned = await _owned(svc, query.from_user.id, session_id)
    if data is None or owned is None:
        language = owned.patient.language if owned else (query.from_user.language_code or "en")[:2]
        await query.answer(svc.text("common.expired_button", language), show_alert=True)
        return
    action = data.arg(0)
    if action == "ok":
        await _confirm(query, svc, owned)
    elif owned.row.status not in course_ops.UPCOMING or owned.row.scheduled_at <= svc.clock.now():
        await query.answer(svc.text("reminders.session_gone", owned.patient.language, owned.clinic))
    elif action == "rs":
        await _ask_time(query, context, svc, owned)
    else:
        await query.answer()
        await _request(context, svc, owned, None, query.message.chat.id if query.message else None)


async def _confirm(query: CallbackQuery, svc: Services, owned: Owned) -> None:
    """Confirm (idempotent), then show the reminder as confirmed."""
    language = owned.patient.language
    async with svc.db.session() as session:
        patient = await session.get(Patient, owned.patient.id)
        try:
            assert patient is not None
            result = await course_ops.confirm_session(session, svc, patient, session_id=owned.row.id)
            toast = "reminders.confirmed_toast" if result.changed else "reminders.already_confirmed_toast"
        except course_ops.CourseOpError as error:
            started = isinstance(error, course_ops.SessionStarted)
            toast = "reminders.session_started" if started else "reminders.session_gone"
        row = await session.get(TreatmentSession, owned.row.id)
    await query.answer(svc.text(toast, language, owned.clinic))
    if row is None:
        return
    gone = toast in {"reminders.session_started", "reminders.session_gone"}
    keyboard = None if gone else reminder_keyboard(svc, owned.patient, owned.clinic, row)
    await _edit(query, reminder_text(svc, owned.patient, owned.clinic, owned.course.area, row), keyboard)


async def _edit(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """Edit the reminder in place; a repeat press that changes nothing is fine."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def _ask_time(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, svc: Services, owned: Owned) -> None:
    patient, clinic = owned.patient, owned.clinic
    chat_id = patient.chat_id or query.from_user.id
    async with svc.db.session() as session:
        await chat_state.put(session, chat_id, FLOW, "when", {"session_id": owned.row.id},
                             user_id=query.from_user.id)
    await query.answer()
    examples = HELP_EXAMPLES.get(patient.language) or HELP_EXAMPLES["en"]
    button = InlineKeyboardButton(svc.text("reminders.button_contact_me", patient.language, clinic),
                                  callback_data=encode(Action.REMINDER, "call", owned.row.id or 0))
    await context.bot.send_message(
        chat_id, svc.text("reminders.ask_time", patient.language, clinic, example=examples[0]),
        parse_mode=ParseMode.HTML, reply_markup=InlineKeyboardMarkup([[button]]),
    )


async def on_preferred_time(update: Update, context: ContextTypes.DEFAULT_TYPE, state: ChatState | None) -> Next | None:
    """The patient typed when would suit them (or anything else for the clinic); signs in it are triaged too."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or state is None:
        return None
    svc = services(context)
    session_id = state.data.get("session_id")
    owned = await _owned(svc, user.id, session_id) if isinstance(session_id, int) else None
    if owned is None:
        async with svc.db.session() as session:
            await chat_state.clear(session, state.chat_id, FLOW)
        await message.reply_html(svc.text("common.expired_button", (user.language_code or "en")[:2]))
        return None
    text = (message.text or "").strip()
    await _request(context, svc, owned, text, state.chat_id)
    return Next.FREE_TEXT if text and read_text(text, owned.patient.language).findings else None


async def _request(context: ContextTypes.DEFAULT_TYPE, svc: Services, owned: Owned, text: str | None,
                   chat_id: int | None) -> None:
    """Record the wish, tell the staff chat, reassure the patient."""
    patient, clinic = owned.patient, owned.clinic
    parsed = (parse_session_time(text, tz=ZoneInfo(patient.timezone), lang=patient.language,
                                 now=svc.clock.now()) if text else None)
    preference = "time" if isinstance(parsed, ParsedMoment) else ("note" if text else "none")
    async with svc.db.session() as session:
        if chat_id is not None:
            await chat_state.clear(session, chat_id, FLOW)
        audit.record(session, "reschedule_requested", clinic_id=patient.clinic_id, patient_label=patient.label,
                     actor="patient", session_number=owned.row.number, preference=preference)
    if clinic is not None:
        await _notify_staff(context, svc, owned, clinic, parsed, text)
    if chat_id is not None:
        if isinstance(parsed, ParsedMoment):
            reply = svc.text("reminders.reschedule_noted_time", patient.language, clinic,
                             when=format_when(parsed.at, ZoneInfo(patient.timezone), patient.language))
        else:
            reply = svc.text("reminders.reschedule_noted", patient.language, clinic)
        await context.bot.send_message(chat_id, reply, parse_mode=ParseMode.HTML)


async def _notify_staff(context: ContextTypes.DEFAULT_TYPE, svc: Services, owned: Owned, clinic: Clinic,
                        parsed: Any, text: str | None) -> None:
    language, zone = clinic.default_language, clinic.tz
    params: dict[str, Any] = {
        "label": owned.patient.label, "number": owned.row.number,
        "area": clinic.area_name(owned.course.area, language) if owned.course.area in clinic.protocols
        else owned.course.area,
        "when": format_when(owned.row.scheduled_at, zone, language),
    }
    if isinstance(parsed, ParsedMoment):
        key, params["preferred"] = "reminders.staff_reschedule", format_when(parsed.at, zone, language)
    elif text:
        note = svc.text("reminders.staff_preferred_note", language, clinic, note=text[:_NOTE_LIMIT])
        key, params["preferred"] = "reminders.staff_reschedule", Safe(note)
    else:
        key = "reminders.staff_reschedule_contact"
    try:
        await context.bot.send_message(clinic.staff.chat_id, svc.text(key, language, clinic, **params),
                                       parse_mode=ParseMode.HTML)
    except TelegramError as error:
        log.warning("staff_notify_failed", clinic=clinic.id, error_type=type(error).__name__)


def buttons() -> list[BaseHandler[Any, Any, Any]]:
    """Confirm / Need to reschedule under a reminder (the typed preferred time comes via the text router)."""
    return [CallbackQueryHandler(on_button, pattern=pattern(Action.REMINDER))]
