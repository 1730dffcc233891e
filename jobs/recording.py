"""What the dispatcher writes after each attempt: the row's final state, its side effects, counts and logs.

Split from ``jobs.dispatcher`` so the engine (claiming, arming, pacing,
sending) and the bookkeeping of an outcome read separately. Everything here
runs after the network call, in its own short transaction: a send is never
held up by a database write, and a failure to record is logged, not raised
(the lease and orphan recovery take care of the row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import audit, metrics
from bot.core.logging import get_logger
from bot.core.models import MessageStatus, Patient
from bot.core.services import Services
from jobs import claims
from jobs.claims import Due, Outcome
from jobs.policy import PATIENT_KINDS

log = get_logger("aftercare.dispatch")

BlockedHook = Callable[[AsyncSession, Services, Patient], Awaitable[object]]
"""Called (in the recording transaction) when Telegram says a patient blocked the bot."""

Early = dict[tuple[MessageStatus, str], list[Due]]
"""Rows settled before any send (patient inactive or paused, misfired), by (status, reason)."""


async def record(services: Services, due: Due, outcome: Outcome, patient: Patient | None,
                 on_blocked: BlockedHook | None) -> bool:
    """Store one attempt's outcome and its side effects; False (logged) if the write failed."""
    try:
        async with services.db.session() as session:
            await claims.finish(session, due, outcome, services.clock.now())
            await side_effects(session, services, due, outcome, patient, on_blocked)
    except Exception:
        log.exception("dispatch_record_failed", message=due.id, status=str(outcome.status))
        return False
    return True


def count(stats: Counter[str], due: Due, outcome: Outcome, now: datetime) -> None:
    """Counters, metrics and the log line of a recorded outcome."""
    stats[str(outcome.status)] += 1
    if outcome.status == MessageStatus.SENT:
        metrics.observe_sent(due.kind, (now - due.due_at).total_seconds())
    elif outcome.status == MessageStatus.FAILED:
        metrics.observe_failed(due.kind)
    if outcome.status == MessageStatus.PENDING:
        stats["retried"] += 1
        log.info("message_retry", kind=due.kind, message=due.id, attempt=due.attempts, reason=outcome.reason)
    elif outcome.status != MessageStatus.SENT:
        log.info("message_not_sent", kind=due.kind, message=due.id, status=str(outcome.status),
                 reason=outcome.reason)


async def side_effects(session: AsyncSession, services: Services, due: Due, outcome: Outcome,
                       patient: Patient | None, on_blocked: BlockedHook | None) -> None:
    """The blocked-patient hook and the audit row, in the transaction that records the outcome."""
    label = patient.label if patient is not None else None
    if outcome.blocked and patient is not None and due.kind in PATIENT_KINDS and on_blocked is not None:
        fresh = await session.get(Patient, patient.id)
        if fresh is not None:
            await on_blocked(session, services, fresh)
    if outcome.status == MessageStatus.SENT:
        audit.record(session, "message_sent", clinic_id=due.clinic_id, patient_label=label,
                     kind=due.kind, message=due.id, attempts=due.attempts)
    elif outcome.status == MessageStatus.SKIPPED:
        audit.record(session, "message_skipped", clinic_id=due.clinic_id, patient_label=label,
                     kind=due.kind, message=due.id, reason=outcome.reason)
    elif outcome.status == MessageStatus.FAILED:
        audit.record(session, "message_failed", clinic_id=due.clinic_id, patient_label=label,
                     level="warning", kind=due.kind, message=due.id, attempts=due.attempts,
                     reason=outcome.reason)


async def record_early(services: Services, stats: Counter[str], early: Early) -> None:
    """Settle the rows that were not sent at all, one statement per (status, reason)."""
    if not early:
        return
    async with services.db.session() as session:
        for (status, reason), dues in early.items():
            await claims.finish_many(session, dues, status, reason)
    for (status, reason), dues in early.items():
        stats[str(status)] += len(dues)
        log.info("dispatch_not_sent", status=str(status), reason=reason, count=len(dues))
