"""The check-in conversation: one message, edited in place, one question per press.

Post-injection check-in: soreness 0-10 -> swelling -> red-flag checklist
(toggles, then Done) -> optional note (typed, or Skip) -> outcome.
Outcome follow-up: pain 0-10 -> function better/same/worse -> outcome.

Every step lives in the ``CheckIn`` row (``step`` and the answers) and every
button carries the check-in id and the step it answers, so a restart between
presses loses nothing and a stale or doubled press is answered "already done"
/ "expired" instead of changing anything (``checkins.transition``).

Safety: the red flags are triaged as soon as Done is pressed. Urgent and
emergency answers are acted on at once (no note step first); only ok and
watch answers are asked for a note, and a note that raises the level
escalates then.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.checkins import alert_handlers, notes
from bot.checkins import outcome as checkin_outcome
from bot.checkins import queries as checkins
from bot.checkins.queries import NOTE_FLOW, CheckInStatus, Step
from bot.checkins.views import CONFIRM, DONE, FUNCTION, FUNCTIONS, PAIN, SKIP, SORE, SWELL, TOGGLE, view
from bot.core import audit, chat_state
from bot.core.callbacks import Action, decode, pattern
from bot.core.logging import bind_patient, get_logger
from bot.core.models import CheckIn, Patient
from bot.core.services import Services, services
from bot.domain.triage import CHECKLIST_SIGNS, Swelling, TriageResult

log = get_logger("aftercare.checkin")

_STEP_OF: dict[str, Step] = {
    SORE: Step.SORENESS, SWELL: Step.SWELLING, TOGGLE: Step.SIGNS, DONE: Step.SIGNS,
    SKIP: Step.NOTE, PAIN: Step.PAIN, FUNCTION: Step.FUNCTION, CONFIRM: Step.CONFIRM,
}


@dataclass(frozen=True)
class Press:
    checkin_id: int
    code: str
    value: str


def parse(data: str | None) -> Press | None:
    """A check-in or follow-up button, or None for anything stale or forged."""
    parsed = decode(data)
    if parsed is None or parsed.action not in (Action.CHECKIN, Action.FOLLOWUP):
        return None
    checkin_id = parsed.int_arg(0)
    code = parsed.arg(1)
    if checkin_id is None or code not in _STEP_OF:
        return None
    return Press(checkin_id, code, parsed.arg(2))


def changes_for(checkin: CheckIn, press: Press) -> dict[str, Any] | None:
    """The row update one press makes (including the next step), or None if the value is invalid."""
    code, value = press.code, press.value
    if code in (SORE, PAIN):
        if not value.isdigit() or not 0 <= int(value) <= 10:
            return None
        return {"soreness": int(value), "step": Step.SWELLING if code == SORE else Step.FUNCTION}
    if code == SWELL:
        return {"swelling": value, "step": Step.SIGNS} if value in set(Swelling) else None
    if code == TOGGLE:
        if value not in {sign.value for sign in CHECKLIST_SIGNS}:
            return None
        chosen = [s for s in checkin.signs if s != value]
        return {"signs": chosen if value in checkin.signs else [*chosen, value]}
    if code == FUNCTION:
        return {"function": value, "step": Step.DONE} if value in FUNCTIONS else None
    if code in (DONE, SKIP):
        return {"step": Step.NOTE if code == DONE else Step.DONE}
    return None


async def expired(query: CallbackQuery, svc: Services, language: str, key: str = "common.expired_button") -> None:
    await query.answer(svc.text(key, language), show_alert=False)


@dataclass
class _Applied:
    """What one press did: a refusal to show, or the stored row (and an outcome to deliver)."""

    language: str
    patient: Patient | None = None
    refusal: str | None = None
    updated: CheckIn | None = None
    lagging: CheckIn | None = None  # refused as a repeat, but the screen may be behind the row
    result: TriageResult | None = None
    about: checkins.About | None = None  # what the check-in is about, read once per press


async def _apply(svc: Services, user_id: int, press: Press, language: str) -> _Applied:
    """Check the press against the stored check-in and store it (no network calls in here).

    One conditional UPDATE stores the answer and, for the last press of the
    questions, the triage's verdict and the step after it: the row as read
    holds everything triage reads (the last press changes only the step or
    the follow-up's function), so the verdict is known before the write.
    """
    async with svc.db.session() as session:
        found = await checkins.for_press(session, user_id, press.checkin_id)
        patient, checkin, about = found.patient, found.checkin, found.about
        refusal = _refusal(patient, checkin, press)
        if refusal is not None or patient is None or checkin is None:
            return _Applied(patient.language if patient else language, refusal=refusal or "common.expired_button")
        bind_patient(patient.clinic_id, patient.label)
        changes = changes_for(checkin, press)
        if changes is None:  # an invalid value (forged data): no empty UPDATE
            return _Applied(patient.language, patient, "common.expired_button", about=about)
        result = await _triage_last_answer(session, svc, checkin, patient, press, about, changes)
        updated = await checkins.transition(session, checkin.id or 0, _STEP_OF[press.code], **changes)
        if updated is None:
            return _Applied(patient.language, patient, "common.expired_button", lagging=checkin, about=about)
        audit.record(session, "checkin_answer", clinic_id=patient.clinic_id, patient_label=patient.label,
                     actor="patient", kind=updated.kind, step=_STEP_OF[press.code], checkin=updated.id)
        if result is not None:
            if press.code != SKIP and checkin_outcome.is_news(checkin, result):
                checkin_outcome.report_received(session, updated, patient, result)
            result = await _note_or_outcome(session, updated, patient, result)
        return _Applied(patient.language, patient, updated=updated, result=result, about=about)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any check-in / follow-up button: check it still applies, store the answer, show the next step."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    press = parse(query.data)
    language = (query.from_user.language_code or "en")[:2]
    if press is None:
        await expired(query, svc, language)
        return
    if press.code == CONFIRM:
        await notes.on_confirm(update, context, press.checkin_id, press.value)
        return
    applied = await _apply(svc, query.from_user.id, press, language)
    patient, updated = applied.patient, applied.updated
    if applied.refusal is not None or patient is None or updated is None:
        await expired(query, svc, applied.language, applied.refusal or "common.expired_button")
        if applied.lagging is not None and patient is not None:  # an edit failed earlier: catch the screen up
            await _show_best_effort(svc, query, applied.lagging, patient, applied.about)
        return
    # The answer is stored: the spinner and the edit are cosmetic and must never stop the outcome,
    # above all an escalation (urgent answers always reach patient and staff).
    with contextlib.suppress(TelegramError):
        await query.answer()
    await _show_best_effort(svc, query, updated, patient, applied.about)
    if applied.result is not None:
        await checkin_outcome.respond(svc, context.bot, updated.id or 0, patient, applied.result,
                                      known=(updated, applied.about) if applied.about else None)


async def _show_best_effort(svc: Services, query: CallbackQuery, checkin: CheckIn, patient: Patient,
                            about: checkins.About | None = None) -> None:
    """Edit the check-in message; a failure only leaves it behind, and the next press catches it up."""
    try:
        await show(svc, query, checkin, patient, about)
    except TelegramError as exc:
        log.info("checkin_edit_failed", error=type(exc).__name__)


def _refusal(patient: Patient | None, checkin: CheckIn | None, press: Press) -> str | None:
    """Why a press cannot count (as a text key), or None if it may."""
    if patient is None or checkin is None or checkin.patient_id != patient.id:
        return "common.expired_button"
    if checkin.status in (CheckInStatus.MISSED, CheckInStatus.INCOMPLETE):
        return "checkin.superseded"
    if checkin.step == Step.DONE or (checkin.step == Step.NOTE and press.code != SKIP):
        return "checkin.already_done"
    return None


async def _triage_last_answer(
    session: AsyncSession, svc: Services, checkin: CheckIn, patient: Patient, press: Press,
    about: checkins.About | None, changes: dict[str, Any],
) -> TriageResult | None:
    """Done / Skip / the last follow-up answer: triage, adding the verdict and next step to ``changes``.

    Urgent and emergency answers skip the note step; Skip changes nothing that
    was not already recorded at Done.
    """
    if press.code not in (DONE, SKIP, FUNCTION):
        return None
    result = await checkin_outcome.assess(session, svc, checkin, patient, about)
    if press.code != SKIP:
        changes.update(checkin_outcome.verdict(checkin, result, svc.clock.now()))
    if press.code != DONE or result.escalates:
        changes["step"] = Step.DONE
    return result


async def _note_or_outcome(
    session: AsyncSession, checkin: CheckIn, patient: Patient, result: TriageResult,
) -> TriageResult | None:
    """After Done with nothing urgent, wait for the note (no outcome yet); otherwise the outcome is due."""
    if checkin.step == Step.NOTE:
        await chat_state.put(session, patient.chat_id or 0, NOTE_FLOW, Step.NOTE, {"checkin_id": checkin.id},
                             user_id=patient.telegram_user_id, message_id=checkin.telegram_message_id)
        return None  # the outcome follows the note (or Skip)
    await chat_state.clear(session, patient.chat_id or 0, NOTE_FLOW)
    return result


async def show(svc: Services, query: CallbackQuery, checkin: CheckIn, patient: Patient,
               about: checkins.About | None = None) -> None:
    """Edit the pressed message to the check-in's current step.

    ``about`` is passed when the caller read it in its own transaction: a
    second session per press was most of the bot's database cost under load
    (``bench/load.py``).
    """
    if about is None:
        async with svc.db.session() as session:
            about = await checkins.about(session, checkin)
    clinic = svc.clinics.get(patient.clinic_id)
    shown = view(svc, clinic, patient.language, ZoneInfo(patient.timezone), checkin, about)
    try:
        await query.edit_message_text(shown.text, parse_mode=ParseMode.HTML, reply_markup=shown.keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


def buttons() -> list[BaseHandler[Any, Any, Any]]:
    """Check-in and follow-up buttons, the staff Acknowledge button (typed text comes via the text router)."""
    return [
        CallbackQueryHandler(on_button, pattern=pattern(Action.CHECKIN)),
        CallbackQueryHandler(on_button, pattern=pattern(Action.FOLLOWUP)),
        CallbackQueryHandler(alert_handlers.on_acknowledge, pattern=pattern(Action.ACK_ALERT)),
    ]
