"""Escalation: an urgent or emergency report reaches the patient and the staff chat, whatever happens.

``raise_alert`` writes the ``Alert`` and its messages as ``ScheduledMessage``
rows in one transaction (an outbox), then sends both at once, straight to the
Bot API, outside the dispatcher's queue, quiet hours and pause:

- ``alert:<id>:patient`` (kind ``escalation``): "contact your provider today"
  or "call <emergency number> now";
- ``alert:<id>:staff`` (kind ``escalation``): the summary with Acknowledge;
- ``alert:<id>:realert:1`` (kind ``realert``): due ``timing.realert_every``
  later; each re-alert schedules the next until someone acknowledges.

Delivery guarantee: the two escalation rows are created ``sending`` (claimed
by this process) before the first network call. A send that fails (429, 5xx,
timeout, network) puts its row back to ``pending`` with a short retry time
and pokes the dispatcher, whose ``escalation`` sender repeats it until it is
delivered (``jobs.policy.UNTIL_DELIVERED_KINDS`` never give up; misfire never
skips them; pause and quiet hours do not apply to them). A crash between
commit and send leaves the rows ``sending``; the dispatcher's orphan recovery
requeues them (at-least-once: a duplicate "call your provider" beats none).

The immediate send waits at most ``IMMEDIATE_WAIT``: Telegram lets a group
chat receive about 20 posts a minute, and PTB's rate limiter queues the rest.
A burst of alerts must neither hold the update handler (and the patient's
next message) nor keep a claim the dispatcher's orphan recovery would take for
a crash; past the wait the row goes to the dispatcher like any failed send.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError, TimedOut
from telegram.ext import ExtBot

from bot.checkins import alert_queries as alerts
from bot.checkins import alert_texts
from bot.core import audit, metrics
from bot.core.logging import get_logger
from bot.core.models import Alert, CheckIn, MessageKind, MessageStatus, Patient, ScheduledMessage
from bot.core.services import Services
from bot.domain.triage import Level, Sign
from jobs import claims
from jobs.claims import Due, Outcome
from jobs.notify import notify_dispatcher_after_commit
from jobs.senders import SendContext, SendResult, Sent, Skipped
from jobs.telegram_send import RetryPolicy, outcome_for_error

log = get_logger("aftercare.escalation")
IMMEDIATE_RETRIES = 1  # PTB's rate limiter may wait out one 429 before the outbox takes over
IMMEDIATE_WAIT = 30.0  # seconds; well inside the dispatcher's claim lease (90 s)


async def raise_alert(svc: Services, bot: Bot, checkin_id: int, level: Level, signs: Sequence[Sign]) -> int | None:
    """Alert staff and tell the patient; None if this check-in already has an alert this serious."""
    async with svc.db.session() as session:
        created = await _create(session, svc, checkin_id, level, signs)
    if created is None:
        return None
    alert_id, row_ids = created
    await asyncio.gather(*(deliver_now(svc, bot, row_id) for row_id in row_ids))
    return alert_id


async def _create(
    session: AsyncSession, svc: Services, checkin_id: int, level: Level, signs: Sequence[Sign]
) -> tuple[int, list[int]] | None:
    checkin = await session.get(CheckIn, checkin_id)
    patient = await session.get(Patient, checkin.patient_id) if checkin is not None else None
    if checkin is None or patient is None:
        return None
    earlier = await alerts.for_checkin(session, checkin_id)
    if any(Level(alert.level).at_least(level) for alert in earlier):
        return None
    now = svc.clock.now()
    alert = Alert(clinic_id=patient.clinic_id, patient_id=patient.id or 0, check_in_id=checkin_id,
                  level=level, signs=[sign.value for sign in signs], created_at=now)
    session.add(alert)
    await session.flush()
    alert_id = alert.id or 0
    rows = [_row(patient, alert_id, target, MessageKind.ESCALATION, now, MessageStatus.SENDING)
            for target in (alerts.PATIENT, alerts.STAFF)]
    clinic = svc.clinics.get(patient.clinic_id)
    every = clinic.timing.realert_every.approx_timedelta() if clinic else timedelta(minutes=15)
    realert = _row(patient, alert_id, alerts.REALERT, MessageKind.REALERT, now + every, MessageStatus.PENDING,
                   number=1)
    session.add_all([*rows, realert])
    await session.flush()
    audit.record(session, "alert_raised", clinic_id=patient.clinic_id, patient_label=patient.label,
                 level="warning", alert=alert_id, alert_level=str(level), checkin=checkin_id)
    metrics.observe_alert(str(level))
    notify_dispatcher_after_commit(session, svc, realert.due_at)
    return alert_id, [row.id or 0 for row in rows]


def _row(patient: Patient, alert_id: int, target: str, kind: MessageKind, due_at: datetime,
         status: MessageStatus, number: int | None = None) -> ScheduledMessage:
    claimed = status == MessageStatus.SENDING
    return ScheduledMessage(
        patient_id=patient.id, clinic_id=patient.clinic_id, kind=kind,
        dedupe_key=alerts.key(alert_id, target, number), due_at=due_at, status=status,
        attempts=1 if claimed else 0, claimed_at=due_at if claimed else None,
        payload={"alert_id": alert_id, "target": target, **({"number": number} if number else {})},
    )


async def deliver_now(svc: Services, bot: Bot, row_id: int) -> bool:
    """Send one claimed escalation row right away; on failure hand it to the dispatcher."""
    async with svc.db.session() as session:
        row = await session.get(ScheduledMessage, row_id)
        if row is None or row.status != MessageStatus.SENDING:
            return False
        due = _due(row)
    try:
        message_id = await _send_within(svc, bot, due)
    except Exception as exc:  # every failure goes to the outbox; none may lose the escalation
        if not isinstance(exc, TelegramError):
            log.exception("escalation_send_failed", message=due.id)
        await _hand_over(svc, due, exc)
        return False
    async with svc.db.session() as session:
        await claims.finish(session, due, Outcome(MessageStatus.SENT, telegram_message_id=message_id),
                            svc.clock.now())
    return True


async def _send_within(svc: Services, bot: Bot, due: Due) -> int:
    """``send_escalation``, given up after ``IMMEDIATE_WAIT`` as a timeout (maybe sent: retried, at least once)."""
    try:
        return await asyncio.wait_for(send_escalation(svc, bot, due, rate_limit_args=IMMEDIATE_RETRIES),
                                      IMMEDIATE_WAIT)
    except TimeoutError:
        raise TimedOut(f"no answer within {IMMEDIATE_WAIT:.0f}s; handed to the dispatcher") from None


def _due(row: ScheduledMessage) -> Due:
    return Due(row.id or 0, row.patient_id, row.clinic_id, row.session_id, row.kind, row.dedupe_key,
               row.due_at, row.attempts, dict(row.payload))


async def _hand_over(svc: Services, due: Due, exc: Exception) -> None:
    """The immediate send failed: the row goes back to ``pending`` for the dispatcher to retry."""
    now = svc.clock.now()
    outcome = outcome_for_error(exc, due, now, RetryPolicy(base=1.0))
    async with svc.db.session() as session:
        await claims.finish(session, due, outcome, now)
        if outcome.status == MessageStatus.FAILED:
            audit.record(session, "escalation_failed", clinic_id=due.clinic_id, level="error",
                         message=due.id, target=due.payload.get("target"), reason=outcome.reason)
    log.warning("escalation_retry", message=due.id, target=due.payload.get("target"),
                status=str(outcome.status), error=type(exc).__name__)
    if outcome.status == MessageStatus.PENDING and svc.dispatcher is not None:
        svc.dispatcher.poke(outcome.retry_at)


async def send_escalation(svc: Services, bot: Bot, due: Due, **extra: Any) -> int:
    """Render and send one escalation row (patient or staff); returns the Telegram message id."""
    async with svc.db.session() as session:
        alert = await session.get(Alert, int(due.payload.get("alert_id", 0)))
        patient = await session.get(Patient, alert.patient_id) if alert is not None else None
        if alert is None or patient is None:
            raise LookupError(f"escalation {due.id} has no alert or patient")
        clinic = svc.clinics.get(alert.clinic_id)
        if due.payload.get("target") == alerts.PATIENT:
            chat_id = patient.chat_id
            text = alert_texts.patient_text(svc, clinic, patient.language, alert.level)
            keyboard: InlineKeyboardMarkup | None = None
        else:
            chat_id = clinic.staff.chat_id if clinic is not None else None
            text = await alert_texts.staff_text(session, svc, alert, realert=_realert_number(due))
            keyboard = alert_texts.alert_keyboard(svc, clinic, alert)
    if chat_id is None:
        raise LookupError(f"escalation {due.id} has no chat to go to")
    if not isinstance(bot, ExtBot):
        extra.pop("rate_limit_args", None)
    sent = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard, **extra)
    await _mark_delivered(svc, alert.id or 0, str(due.payload.get("target")))
    return sent.message_id


def _realert_number(due: Due) -> int | None:
    number = due.payload.get("number")
    return int(number) if due.kind == MessageKind.REALERT and isinstance(number, int) else None


async def _mark_delivered(svc: Services, alert_id: int, target: str) -> None:
    now = svc.clock.now()
    async with svc.db.session() as session:
        alert = await session.get(Alert, alert_id)
        if alert is None:
            return
        if target == alerts.PATIENT:
            alert.patient_notified_at = alert.patient_notified_at or now
        else:
            alert.last_posted_at = now


async def send_escalation_row(ctx: SendContext) -> SendResult:
    """The dispatcher's retry of an escalation whose immediate send failed."""
    return Sent(await send_escalation(ctx.services, ctx.bot, ctx.message))


async def send_realert(ctx: SendContext) -> SendResult:
    """Re-post an unacknowledged alert and schedule the next one."""
    async with ctx.session() as session:
        alert = await session.get(Alert, int(ctx.message.payload.get("alert_id", 0)))
        if alert is None:
            return Skipped("no_alert", cancel=True)
        if alert.acknowledged_at is not None or alert.taken_at is not None or alert.resolved_at is not None:
            return Skipped("acknowledged", cancel=True)
    message_id = await send_escalation(ctx.services, ctx.bot, ctx.message)
    await _next_realert(ctx.services, alert.id or 0, _realert_number(ctx.message) or 1)
    return Sent(message_id)


async def _next_realert(svc: Services, alert_id: int, number: int) -> None:
    async with svc.db.session() as session:
        alert = await session.get(Alert, alert_id)
        patient = await session.get(Patient, alert.patient_id) if alert is not None else None
        if alert is None or patient is None or alert.acknowledged_at is not None or alert.resolved_at is not None:
            return
        alert.realert_count = max(alert.realert_count, number)
        clinic = svc.clinics.get(alert.clinic_id)
        every = clinic.timing.realert_every.approx_timedelta() if clinic else timedelta(minutes=15)
        row = _row(patient, alert_id, alerts.REALERT, MessageKind.REALERT, svc.clock.now() + every,
                   MessageStatus.PENDING, number=number + 1)
        if await alerts.insert_message(session, row):
            notify_dispatcher_after_commit(session, svc, row.due_at)
        audit.record(session, "alert_reposted", clinic_id=alert.clinic_id, patient_label=patient.label,
                     level="warning", alert=alert_id, realert=number)
