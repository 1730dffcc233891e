"""Typed words: a check-in's optional note, and anything a patient writes outside a conversation.

A patient may write "my lips are swelling and I can't breathe" at any time,
not only when asked, or put it in a photo's caption (``read_words`` serves
both, see ``bot.checkins.media``). Such text is triaged by the same rules as the buttons
(``checkin_outcome``), in the patient's language, and gets the same outcomes.
When the wording was vague ("the knee feels a bit warm"), the sign still
counts at its full level (escalate when in doubt) and the patient is asked
the follow-up question with Yes / No / Not sure; the answer is recorded and
passed to staff, it never withdraws an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.checkins import alert_queries as alerts
from bot.checkins import alert_texts
from bot.checkins import outcome as checkin_outcome
from bot.checkins import queries as checkins
from bot.checkins.queries import NOTE_FLOW, CheckInKind, CheckInStatus, Step
from bot.checkins.views import Texts, confirm_view, contact_params, view
from bot.core import audit, chat_state, patients
from bot.core.logging import bind_patient, get_logger
from bot.core.models import ChatState, CheckIn, Patient
from bot.core.services import Services, services
from bot.core.triage_wordings import clinic_wordings, urgent_by_any_clinic
from bot.domain.triage import Level, Sign, TriageResult
from bot.domain.triage_text import read_text
from bot.ptb.chat import reply_language

log = get_logger("aftercare.checkin")
MAX_NOTE = 2000
CONFIRM_ANSWERS = ("yes", "no", "unsure")


async def on_note(update: Update, context: ContextTypes.DEFAULT_TYPE, state: ChatState | None) -> None:
    """The note after the checklist: store it, triage it with the answers, then the outcome."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or state is None:
        return
    svc = services(context)
    checkin_id = int(state.data.get("checkin_id", 0) or 0)
    async with svc.db.session() as session:
        await chat_state.clear(session, chat.id, NOTE_FLOW)
        patient = await patients.current_for_user(session, update.effective_user.id) if update.effective_user else None
        checkin = await checkins.transition(session, checkin_id, Step.NOTE, note=(message.text or "")[:MAX_NOTE],
                                            step=Step.DONE)
        if patient is None or checkin is None or checkin.patient_id != patient.id:
            checkin = None
        else:
            result = await checkin_outcome.assess(session, svc, checkin, patient)
            await checkin_outcome.record(session, svc, checkin, patient, result)
    if checkin is None or patient is None:
        await on_free_text(update, context, None)  # the check-in moved on: read it as a new report
        return
    bind_patient(patient.clinic_id, patient.label)
    await _close_message(svc, context, checkin, patient)
    await checkin_outcome.respond(svc, context.bot, checkin.id or 0, patient, result)


async def _close_message(svc: Services, context: ContextTypes.DEFAULT_TYPE, checkin: CheckIn,
                         patient: Patient) -> None:
    """Show the finished check-in (answers and note, no buttons) in its own message."""
    if checkin.telegram_message_id is None or patient.chat_id is None:
        return
    async with svc.db.session() as session:
        about = await checkins.about(session, checkin)
    shown = view(svc, svc.clinics.get(patient.clinic_id), patient.language, ZoneInfo(patient.timezone),
                 checkin, about)
    try:
        await context.bot.edit_message_text(shown.text, chat_id=patient.chat_id,
                                            message_id=checkin.telegram_message_id, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # cosmetic: the answers are stored, the outcome still goes out
        log.info("checkin_edit_failed", error=type(exc).__name__)


@dataclass(frozen=True)
class Heard:
    """What became of a patient's words: the report stored and its level (both ``None`` for a question)."""

    checkin_id: int | None
    level: Level | None


async def on_free_text(update: Update, context: ContextTypes.DEFAULT_TYPE, _state: ChatState | None) -> None:
    """Text outside any conversation: a report to triage, or a friendly pointer."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    text = (message.text or "").strip()
    async with svc.db.session() as session:
        patient = await patients.current_for_user(session, user.id)
    if patient is None or patient.chat_id is None:
        language = await reply_language(update, context)
        await message.reply_html(svc.text(_unenrolled_reply(svc, text, language), language))
        return
    bind_patient(patient.clinic_id, patient.label)
    if await read_words(svc, context, message, patient, text) is None:
        clinic = svc.clinics.get(patient.clinic_id)
        await message.reply_html(Texts(svc, clinic, patient.language)("free_text_general",
                                                                           **contact_params(clinic, patient.language)))


async def read_words(svc: Services, context: ContextTypes.DEFAULT_TYPE, message: Message, patient: Patient,
                     text: str) -> Heard | None:
    """Triage an enrolled patient's words and answer them: every typed message and every caption.

    Stores the report, replies with its outcome (urgent and emergency through
    the escalation outbox) and asks the follow-up question for doubtful signs.
    ``None`` when the words report nothing and ask nothing the bot can read:
    the caller chooses that reply.
    """
    t = Texts(svc, svc.clinics.get(patient.clinic_id), patient.language)
    reading = read_text(text, patient.language, clinic_wordings(t.clinic))
    if not reading.says_anything:
        return None
    if reading.asks_when_to_call and not reading.reports_something:
        await message.reply_html(t.when_to_call())  # a question about "what if": guidance, no report, no alert
        return Heard(None, None)
    checkin_id, result = await _store_report(svc, patient, text)
    lead = t("free_text_ok") if not result.signs else t("free_text_thanks")
    await checkin_outcome.respond(svc, context.bot, checkin_id, patient, result, lead=lead)
    if result.asks_when_to_call and not result.escalates:
        await message.reply_html(t.when_to_call())
    if result.needs_follow_up:
        await _ask_follow_up(svc, context, patient, checkin_id, list(result.doubtful_signs or result.signs))
    return Heard(checkin_id, result.level)


async def _store_report(svc: Services, patient: Patient, text: str) -> tuple[int, TriageResult]:
    """Triage the words, then insert the report with its level in one statement."""
    async with svc.db.session() as session:
        last = await checkins.last_done_session(session, patient.id or 0)
        checkin = CheckIn(patient_id=patient.id or 0, session_id=last.id if last else None,
                          kind=CheckInKind.FREE_TEXT, status=CheckInStatus.ANSWERED, step=Step.DONE,
                          note=text[:MAX_NOTE], created_at=svc.clock.now())
        result = await checkin_outcome.assess(session, svc, checkin, patient)
        for name, value in checkin_outcome.verdict(checkin, result, svc.clock.now()).items():
            setattr(checkin, name, value)
        if result.needs_follow_up:
            checkin.step = Step.CONFIRM
        session.add(checkin)
        await session.flush()
        checkin_outcome.report_received(session, checkin, patient, result)  # a new report is always news
        return checkin.id or 0, result


async def _ask_follow_up(svc: Services, context: ContextTypes.DEFAULT_TYPE, patient: Patient, checkin_id: int,
                         doubtful: list[Sign]) -> None:
    shown = confirm_view(svc, svc.clinics.get(patient.clinic_id), patient.language, checkin_id, doubtful)
    sent = await context.bot.send_message(patient.chat_id or 0, shown.text, parse_mode=ParseMode.HTML,
                                          reply_markup=shown.keyboard)
    async with svc.db.session() as session:
        row = await session.get(CheckIn, checkin_id)
        if row is not None:
            row.telegram_message_id = sent.message_id


async def on_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, checkin_id: int, answer: str) -> None:
    """Yes / No / Not sure to the follow-up question: thank, record, and tell staff."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    async with svc.db.session() as session:
        patient = await patients.current_for_user(session, query.from_user.id)
        row = await checkins.get(session, checkin_id)
        valid = patient is not None and row is not None and row.patient_id == patient.id
        updated = (await checkins.transition(session, checkin_id, Step.CONFIRM, step=Step.DONE)
                   if valid and answer in CONFIRM_ANSWERS else None)
        if updated is not None and patient is not None:
            audit.record(session, "follow_up_answered", clinic_id=patient.clinic_id, patient_label=patient.label,
                         actor="patient", checkin=checkin_id, answer=answer)
    language = patient.language if patient else "en"
    if updated is None or patient is None:
        await query.answer(svc.text("common.expired_button", language))
        return
    await query.answer()
    t = Texts(svc, svc.clinics.get(patient.clinic_id), patient.language)
    reply = (t("follow_up_denied", **contact_params(t.clinic, t.language)) if answer == "no"
             else t("follow_up_confirmed"))
    try:
        await query.edit_message_text(reply, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.info("confirm_edit_failed", error=type(exc).__name__)
    await _tell_staff(svc, context, patient, checkin_id, answer)


async def _tell_staff(svc: Services, context: ContextTypes.DEFAULT_TYPE, patient: Patient, checkin_id: int,
                      answer: str) -> None:
    """Add the patient's answer under the alert it belongs to (if the report raised one)."""
    async with svc.db.session() as session:
        raised = await alerts.for_checkin(session, checkin_id)
        posts = await alerts.staff_posts(session, raised[-1].id or 0) if raised else []
    clinic = svc.clinics.get(patient.clinic_id)
    if not raised or clinic is None:
        return
    language = alert_texts.staff_language(clinic)
    said = svc.text(f"alerts.follow_up_answer_{answer}", language, clinic)
    text = svc.text("alerts.follow_up_answer", language, clinic, label=patient.label, answer=said)
    reply_to = posts[0].telegram_message_id if posts else None
    try:
        await context.bot.send_message(clinic.staff.chat_id, text, parse_mode=ParseMode.HTML,
                                       reply_to_message_id=reply_to, allow_sending_without_reply=True)
    except TelegramError as exc:  # the alert itself is delivered and re-posted independently
        log.warning("follow_up_relay_failed", error=type(exc).__name__)


def _unenrolled_reply(svc: Services, text: str, language: str) -> str:
    """Someone with no live enrolment (never enrolled, or stopped): an emergency pointer if it sounds urgent."""
    urgent = urgent_by_any_clinic(svc.clinics, text, language)
    return "common.red_flag_no_patient" if urgent else "common.not_understood"
