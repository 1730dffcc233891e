"""The dispatcher: one JobQueue job that sends every ScheduledMessage when it comes due.

The database is the source of truth; APScheduler (PTB's JobQueue) is only
the alarm clock. Shape (docs/DESIGN.md, Scheduling):

1. One one-shot job is armed for the earliest ``pending`` ``due_at``; any code
   that creates or moves a row earlier calls ``poke(due_at)`` (the planner
   does it after commit). A repeating safety job (every ``safety_interval``)
   pokes too, refreshes this process's claims and takes over orphans, so a
   lost poke or a row written by another process (CLI, second replica) waits
   at most that long.
2. When the job fires it claims due rows in batches (``jobs.claims``, with
   ``SKIP LOCKED`` on PostgreSQL), applies the patient's status and the
   misfire policy (``bot.domain.misfire``), sends the rest through the
   per-kind senders the features wrote (``jobs.senders``, handed over by
   ``bot.wiring``) concurrently under PTB's
   ``AIORateLimiter`` (~29/s, 429 ``retry_after`` honoured) and
   ``ChatSpacer`` (1/s per chat), records each outcome at once, yields, and
   claims the next batch. Small batches keep few rows in flight when a
   process dies: those are the only possible duplicates.
3. Then it re-arms for the next due row. A catch-up pass runs at start.

Delivery semantics per kind (at-least-once or at-most-once, and why) are
``jobs.policy``'s. A crash is detected by the lease: a row ``sending`` for longer than ``lease``
(refreshed every ``safety_interval`` while in flight) is an orphan; on SQLite
(one process per file) every ``sending`` row at start is one. A graceful stop
waits ``stop_grace`` for sends in flight and gives unsent claims back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from sqlmodel import col, select
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, Job

from bot.core.logging import get_logger
from bot.core.models import MessageStatus, Patient, PatientStatus
from bot.core.services import Services
from bot.domain import misfire
from jobs import claims, recording
from jobs.claims import Due, Outcome
from jobs.pacing import ChatSpacer
from jobs.policy import PATIENT_KINDS, retry_when_unsure
from jobs.recording import BlockedHook
from jobs.senders import SendContext, Senders, Sent
from jobs.telegram_send import RetryPolicy, outcome_for_error

log = get_logger("aftercare.dispatch")
_JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True}


@dataclass(frozen=True)
class DispatchConfig:
    """Tuning knobs; tests and the benchmarks shrink them."""

    batch_size: int = 50
    concurrency: int = 16
    lease: timedelta = timedelta(seconds=90)  # > 2 heartbeats (safety_interval) of slack
    safety_interval: float = 30.0
    per_chat_gap: float = 1.0
    stop_grace: float = 5.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)


class Dispatcher:
    """Sends due ScheduledMessages; one per process, reachable as ``services.dispatcher``."""

    def __init__(self, services: Services, application: Application[Any, Any, Any, Any, Any, Any],
                 senders: Senders, *, on_blocked: BlockedHook | None = None,
                 config: DispatchConfig | None = None) -> None:
        self.services = services
        self.application = application
        self.senders = dict(senders)
        self.on_blocked = on_blocked
        self.config = config or DispatchConfig()
        self.stats: Counter[str] = Counter()
        self._spacer = ChatSpacer(self.config.per_chat_gap)
        self._job: Job[Any] | None = None
        self._armed_at: datetime | None = None
        self._safety: Job[Any] | None = None
        self._running = False
        self._again = False
        self._stopping = True
        self._inflight: dict[int, Due] = {}
        self._started: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[Any] | None = None
        self._slots: asyncio.Semaphore | None = None
        self.last_tick: float | None = None  # time.monotonic() of the last job run (for /healthz)

    # ---- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Resolve orphans, start the safety job, run the catch-up pass."""
        self._stopping = False
        self._slots = asyncio.Semaphore(self.config.concurrency)
        self.services.dispatcher = self
        now = self.services.clock.now()
        before = None if self.services.db.is_sqlite else now - self.config.lease
        async with self.services.db.session() as session:
            requeued, failed = await claims.recover_orphans(session, before)
        if requeued or failed:
            log.warning("dispatch_orphans_resolved", requeued=requeued, failed=failed)
        self._safety = self._queue().run_repeating(
            self._on_safety, interval=self.config.safety_interval, first=self.config.safety_interval,
            name="aftercare.dispatch.safety", job_kwargs=_JOB_KWARGS)
        self.poke()

    async def stop(self) -> None:
        """Stop claiming; let sends in flight finish (``stop_grace``); give the rest back."""
        self._stopping = True
        for job in (self._job, self._safety):
            if job is not None:
                with contextlib.suppress(JobLookupError):  # already fired (see _arm)
                    job.schedule_removal()
        self._job = self._safety = None
        if self._running:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), self.config.stop_grace)
        if self._running and self._task is not None:
            self._task.cancel()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), 2.0)
        await self._give_back()
        if self.services.dispatcher is self:
            self.services.dispatcher = None

    async def _abandon(self) -> None:
        """After an unexpected error: hand claims back, or at least stop keeping them alive.

        If even that fails (database down), forgetting them lets the lease expire
        and orphan recovery resolve them, instead of heartbeating them forever.
        """
        try:
            await self._give_back()
        except Exception:
            log.exception("dispatch_give_back_failed", claims=len(self._inflight))
        finally:
            self._inflight.clear()
            self._started.clear()

    async def _give_back(self) -> None:
        leftovers = list(self._inflight.values())
        if not leftovers:
            return
        unstarted = [due for due in leftovers if due.id not in self._started]
        async with self.services.db.session() as session:
            await claims.release(session, unstarted)
            for due in leftovers:
                if due.id in self._started:
                    outcome = (Outcome(MessageStatus.PENDING, "interrupted; requeued", retry_at=due.due_at)
                               if retry_when_unsure(due.kind) else Outcome(MessageStatus.FAILED, "interrupted"))
                    await claims.finish(session, due, outcome, self.services.clock.now())
        self._inflight.clear()
        self._started.clear()

    def _queue(self) -> Any:
        queue = self.application.job_queue
        if queue is None:
            raise RuntimeError("the dispatcher needs PTB's JobQueue (python-telegram-bot[job-queue])")
        return queue

    # ---- arming --------------------------------------------------------------------------
    def poke(self, due_at: datetime | None = None) -> None:
        """Make sure the dispatcher runs by ``due_at`` (default: now). Cheap; call freely."""
        self._arm(due_at)

    @property
    def armed_at(self) -> datetime | None:
        return self._armed_at

    async def is_idle(self) -> bool:
        """True when no pass is running and no row is due (``pending`` or ``sending``) at the clock's now.

        For whoever moves the clock and must then know that everything due has gone
        out (the demo): a silence on the wire says nothing while a send waits for the
        database, the rate limiter or the per-chat spacer.
        """
        if self._running:
            return False
        async with self.services.db.session() as session:
            return not await claims.any_due(session, self.services.clock.now())

    def _arm(self, at: datetime | None) -> None:
        if self._stopping:
            return
        now = self.services.clock.now()
        when = now if at is None else max(at, now)
        # Keep an armed job that fires by ``when``, unless its time has already passed on the
        # service clock without it firing (the demo's clock jumps forward; real time does not).
        if self._job is not None and self._armed_at is not None and now < self._armed_at <= when:
            return
        if self._job is not None:
            # A one-shot job that already fired is gone from APScheduler's store before PTB
            # runs its callback; removing it again raises JobLookupError.
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
        delay = (when - now).total_seconds()
        self._job = self._queue().run_once(self._on_job, when=delay, name="aftercare.dispatch",
                                           job_kwargs=_JOB_KWARGS)
        self._armed_at = when

    async def _on_safety(self, _context: CallbackContext[Any, Any, Any, Any]) -> None:
        self.last_tick = time.monotonic()
        now = self.services.clock.now()
        try:
            async with self.services.db.session() as session:
                await claims.heartbeat(session, list(self._inflight), now)
                requeued, failed = await claims.recover_orphans(session, now - self.config.lease)
            if requeued or failed:
                log.warning("dispatch_orphans_resolved", requeued=requeued, failed=failed)
        except Exception:
            log.exception("dispatch_safety_failed")
        self.poke()

    async def _on_job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        self.last_tick = time.monotonic()
        if context.job is self._job:
            self._job, self._armed_at = None, None
        if self._running:
            self._again = True
            return
        self._running, self._task = True, asyncio.current_task()
        self._idle.clear()
        try:
            await self._drain_until_quiet()
        finally:
            self._running, self._task = False, None
            self._idle.set()

    async def _drain_until_quiet(self) -> None:
        while not self._stopping:
            self._again = False
            try:
                await self._drain()
            except Exception:
                log.exception("dispatch_failed")
                await self._abandon()
                self._arm(self.services.clock.now() + timedelta(seconds=5))
                return
            if not self._again:
                return

    # ---- one pass ------------------------------------------------------------------------
    async def _drain(self) -> None:
        """Claim and send batches until nothing is due, then re-arm for the next due row."""
        processed = 0
        while not self._stopping:
            async with self.services.db.session() as session:
                batch = await claims.claim_due(session, self.services.clock.now(), self.config.batch_size)
            if not batch:
                break
            processed += len(batch)
            await self._run_batch(batch)
            await asyncio.sleep(0)
        if self._stopping:
            return
        async with self.services.db.session() as session:
            next_at = await claims.next_due_at(session)
        if processed:
            log.info("dispatch_drained", processed=processed, next_due=next_at.isoformat() if next_at else None)
        if next_at is not None:
            self._arm(next_at)

    async def _run_batch(self, batch: list[Due]) -> None:
        for due in batch:
            self._inflight[due.id] = due
        patients = await self._patients(batch)
        now = self.services.clock.now()
        early: dict[tuple[MessageStatus, str], list[Due]] = defaultdict(list)
        lanes: dict[tuple[str, int], list[Due]] = defaultdict(list)
        for due in batch:
            patient = patients.get(due.patient_id) if due.patient_id is not None else None
            verdict = self._precheck(due, patient, now)
            if verdict is not None:
                early[(verdict.status, verdict.reason or "")].append(due)
            elif patient is not None and patient.chat_id is not None and due.kind in PATIENT_KINDS:
                lanes[("chat", patient.chat_id)].append(due)
            else:
                lanes[("row", due.id)].append(due)
        await self._record_early(early)
        await asyncio.gather(*(self._run_lane(items, patients) for items in lanes.values()))

    async def _patients(self, batch: list[Due]) -> dict[int, Patient]:
        ids = {due.patient_id for due in batch if due.patient_id is not None}
        if not ids:
            return {}
        async with self.services.db.session() as session:
            rows = (await session.exec(select(Patient).where(col(Patient.id).in_(ids)))).all()
        return {row.id: row for row in rows if row.id is not None}

    def _precheck(self, due: Due, patient: Patient | None, now: datetime) -> Outcome | None:
        """Cancel, skip or let through, before any network call (patient status, misfire)."""
        if due.kind in PATIENT_KINDS:
            if patient is None or patient.status in (PatientStatus.STOPPED, PatientStatus.DELETED):
                return Outcome(MessageStatus.CANCELLED, "patient_inactive")
            if patient.status == PatientStatus.PAUSED and (patient.paused_until is None
                                                           or patient.paused_until > now):
                return Outcome(MessageStatus.SKIPPED, "patient_paused")
        clinic = self.services.clinics.get(due.clinic_id)
        late_limit = clinic.timing.checkin_late_limit.approx_timedelta() if clinic else misfire.DEFAULT_LATE_LIMIT
        try:
            decision = misfire.decide(due.kind, due.due_at, now, session_at=_session_at(due), late_limit=late_limit)
        except ValueError as error:  # a kind this version does not know: never loop on it
            return Outcome(MessageStatus.FAILED, f"not dispatchable: {error}")
        return None if decision.send else Outcome(MessageStatus.SKIPPED, f"misfire:{decision.reason}")

    async def _record_early(self, early: recording.Early) -> None:
        await recording.record_early(self.services, self.stats, early)
        for dues in early.values():
            for due in dues:
                self._inflight.pop(due.id, None)

    async def _run_lane(self, items: list[Due], patients: dict[int, Patient]) -> None:
        """One chat's rows, in order and paced; other chats run alongside."""
        for due in items:
            if self._stopping:
                return
            patient = patients.get(due.patient_id) if due.patient_id is not None else None
            outcome = await self._attempt(due, patient)
            await self._record(due, outcome, patient)

    async def _attempt(self, due: Due, patient: Patient | None) -> Outcome:
        send = self.senders.get(due.kind)
        if send is None:
            return Outcome(MessageStatus.FAILED, f"no sender for kind {due.kind!r}")
        assert self._slots is not None
        async with self._slots:
            if patient is not None and patient.chat_id is not None and due.kind in PATIENT_KINDS:
                await self._spacer.wait(patient.chat_id)
            now = self.services.clock.now()
            context = SendContext(self.application.bot, self.services, due, patient,
                                  self.services.clinics.get(due.clinic_id), now)
            self._started.add(due.id)
            try:
                result = await send(context)
            except Exception as exc:
                if not isinstance(exc, TelegramError):
                    log.exception("sender_failed", kind=due.kind, message=due.id)
                return outcome_for_error(exc, due, self.services.clock.now(), self.config.retry)
        if isinstance(result, Sent):
            return Outcome(MessageStatus.SENT, telegram_message_id=result.telegram_message_id)
        status = MessageStatus.CANCELLED if result.cancel else MessageStatus.SKIPPED
        return Outcome(status, result.reason)

    async def _record(self, due: Due, outcome: Outcome, patient: Patient | None) -> None:
        try:
            recorded = await recording.record(self.services, due, outcome, patient, self.on_blocked)
        finally:
            self._inflight.pop(due.id, None)
            self._started.discard(due.id)
        if recorded:
            recording.count(self.stats, due, outcome, self.services.clock.now())


def _session_at(due: Due) -> datetime | None:
    value = due.payload.get("session_at")
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
