"""The check-in feature's senders: post-injection check-ins, outcome follow-ups and the one nudge.

Sending a check-in creates its ``CheckIn`` row (reused if the dispatcher
retries the same ``ScheduledMessage``), closes the patient's older open
check-ins (missed, or incomplete if half answered), sends the first question
and schedules one NUDGE ``timing.nudge_after`` later (moved out of quiet
hours). The nudge goes only if the check-in is still open.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import ReplyParameters
from telegram.constants import ParseMode

from bot.checkins import alert_queries as alerts
from bot.checkins import escalation
from bot.checkins import outcome as checkin_outcome
from bot.checkins import queries as checkins
from bot.checkins.queries import NOTE_FLOW, CheckInKind, CheckInStatus, Step
from bot.checkins.views import Texts, view
from bot.core import audit, chat_state
from bot.core.models import CheckIn, MessageKind, Patient, ScheduledMessage
from bot.domain.quiet_hours import next_allowed
from bot.domain.triage import TriageResult
from jobs.notify import notify_dispatcher_after_commit
from jobs.senders import SendContext, SendResult, Sent, Skipped

FIRST_STEP = {CheckInKind.CHECKIN: Step.SORENESS, CheckInKind.FOLLOWUP: Step.PAIN}


async def send_checkin(ctx: SendContext) -> SendResult:
    """Soreness, swelling, red flags, note: the first question, with its buttons."""
    return await _send_questions(ctx, CheckInKind.CHECKIN)


async def send_followup(ctx: SendContext) -> SendResult:
    """Weeks after the last session: pain now, and function better / same / worse."""
    return await _send_questions(ctx, CheckInKind.FOLLOWUP)


async def _send_questions(ctx: SendContext, kind: CheckInKind) -> SendResult:
    patient = ctx.patient
    if patient is None or patient.chat_id is None or patient.id is None:
        return Skipped("no_recipient", cancel=True)
    async with ctx.session() as session:
        checkin = await checkins.for_message(session, ctx.message.id)
        if checkin is None:
            checkin = CheckIn(patient_id=patient.id, session_id=ctx.message.session_id,
                              scheduled_message_id=ctx.message.id, kind=kind, step=FIRST_STEP[kind],
                              status=CheckInStatus.OPEN, created_at=ctx.now)
            session.add(checkin)
            await session.flush()
            await checkins.close_older(session, patient.id, checkin.id or 0)
            await chat_state.clear(session, patient.chat_id, NOTE_FLOW)
        elif checkin.status != CheckInStatus.OPEN:
            return Skipped("already_answered")
        about = await checkins.about(session, checkin)
    shown = view(ctx.services, ctx.clinic, patient.language, ZoneInfo(patient.timezone), checkin, about)
    sent = await ctx.bot.send_message(patient.chat_id, shown.text, parse_mode=ParseMode.HTML,
                                      reply_markup=shown.keyboard)
    await _after_sent(ctx, patient, checkin.id or 0, sent.message_id)
    return Sent(sent.message_id)


async def _after_sent(ctx: SendContext, patient: Patient, checkin_id: int, message_id: int) -> None:
    """Remember the message (to edit it later) and plan the one nudge."""
    async with ctx.session() as session:
        row = await session.get(CheckIn, checkin_id)
        if row is not None:
            row.telegram_message_id = message_id
        due = nudge_time(ctx, patient)
        if due is None:
            return
        nudge = ScheduledMessage(patient_id=patient.id, clinic_id=patient.clinic_id,
                                 session_id=ctx.message.session_id, kind=MessageKind.NUDGE,
                                 dedupe_key=f"checkin:{checkin_id}:nudge", due_at=due,
                                 payload={"checkin_id": checkin_id})
        if await alerts.insert_message(session, nudge):
            notify_dispatcher_after_commit(session, ctx.services, due)


def nudge_time(ctx: SendContext, patient: Patient) -> datetime | None:
    if ctx.clinic is None:
        return None
    zone = ZoneInfo(patient.timezone)
    return next_allowed(ctx.clinic.timing.nudge_after.apply(ctx.now, zone), ctx.clinic.quiet_hours, zone)


async def send_nudge(ctx: SendContext) -> SendResult:
    """One gentle reminder, as a reply to the check-in it is about, if that is still unanswered.

    A half-answered check-in is nudged too, to finish: its red-flag checklist,
    the part that matters most, comes last. If what it holds already triages
    urgent or emergency (severe swelling, or red flags ticked without pressing
    Done), the patient and staff are alerted now rather than never.
    """
    patient = ctx.patient
    checkin_id = ctx.message.payload.get("checkin_id")
    if patient is None or patient.chat_id is None or not isinstance(checkin_id, int):
        return Skipped("no_recipient", cancel=True)
    async with ctx.session() as session:
        checkin = await checkins.get(session, checkin_id)
        provisional = (await checkin_outcome.assess(session, ctx.services, checkin, patient)
                       if checkin is not None and checkin.soreness is not None else None)
    if checkin is None or checkin.status != CheckInStatus.OPEN:
        return Skipped("answered", cancel=True)
    if provisional is not None and provisional.escalates:
        await _escalate_unfinished(ctx, patient, checkin, provisional)
    t = Texts(ctx.services, ctx.clinic, patient.language)
    started = checkin.soreness is not None  # half answered: ask to finish (the red flags come last)
    text = f"{t('nudge_partial' if started else 'nudge')}\n\n{t.contact()}"
    reply = (ReplyParameters(checkin.telegram_message_id, allow_sending_without_reply=True)
             if checkin.telegram_message_id else None)
    sent = await ctx.bot.send_message(patient.chat_id, text, parse_mode=ParseMode.HTML, reply_parameters=reply)
    return Sent(sent.message_id)


async def _escalate_unfinished(ctx: SendContext, patient: Patient, checkin: CheckIn, result: TriageResult) -> None:
    """Answers left half-way that already need a person: alert as if Done had been pressed."""
    async with ctx.session() as session:
        audit.record(session, "checkin_unfinished_escalated", clinic_id=patient.clinic_id,
                     patient_label=patient.label, checkin=checkin.id, triage=str(result.level))
    await escalation.raise_alert(ctx.services, ctx.bot, checkin.id or 0, result.level, result.signs)
