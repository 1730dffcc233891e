"""A small ward of enrolled patients for whole-system reliability tests, and the checks every test repeats.

The scheduling engineer's tests (``tests/e2e/test_dispatch_*``) inject one
fault into one message. Reliability tests need the whole system busy at
once: a dozen patients with check-ins coming due, one patient in the middle
of answering, a stranger asking for /help, while the sandbox fails. The
ward builds that scene straight into the database (like
``tests.support.factories``) and offers the invariants the issue asks for:

- every due message is delivered exactly once or recorded as failed with a
  reason (``settle_rows`` + ``delivery_report``);
- no answer is lost (``checkin_of``);
- the bot still answers (``assert_answers_help``);
- no handler crashed (``ErrorRecorder``).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import httpx
from sqlmodel import col, select
from telegram.ext import Application, ContextTypes

from bot.core.models import CheckIn, MessageKind, MessageStatus, Patient, ScheduledMessage, SessionStatus
from jobs.dispatcher import DispatchConfig, Dispatcher
from jobs.telegram_send import RetryPolicy
from tests.support.clinic import clinic_data, registry
from tests.support.factories import make_course, make_patient
from tests.support.harness import Harness
from tgsandbox import Message, SandboxGroup, SandboxUser

WAIT = 15.0  # generous: a 2-core CI box running PostgreSQL beside the bot
QUESTION = "How sore is the treated area"
NEXT_QUESTION = "How much swelling"
FINAL = (MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED, MessageStatus.SKIPPED)
FIRST_USER = 610_000


def ward_clinics(**timing: str) -> Any:
    """The example clinic with no quiet hours (tests run at any hour) and the given timings."""
    base = clinic_data()["clinics"][0]["timing"]
    return registry(clinic_data(quiet_hours={"start": "00:00", "end": "00:00"}, timing={**base, **timing}))


class ErrorRecorder:
    """An extra PTB error handler: any exception escaping a handler is a test failure.

    PTB calls every registered error handler, so the bot's own ``on_error``
    (log + apology) still runs; this one only remembers what happened.
    """

    def __init__(self) -> None:
        self.errors: list[tuple[str, str, int | None]] = []

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        self.errors.append((type(error).__name__, str(error)[:200], getattr(update, "update_id", None)))

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> ErrorRecorder:
        application.add_error_handler(self)
        return self

    def clear(self) -> None:
        self.errors.clear()


@dataclass
class Bed:
    """One patient: the sandbox user (their phone) and the database row."""

    user: SandboxUser
    patient: Patient
    session_id: int | None


@dataclass
class Ward:
    harness: Harness
    beds: list[Bed]
    staff_chat: SandboxGroup
    errors: ErrorRecorder
    rows: list[int] = field(default_factory=list)  # ScheduledMessage ids this test made due

    @property
    def sandbox(self) -> Any:
        return self.harness.sandbox

    def bed(self, index: int) -> Bed:
        return self.beds[index]

    async def due_checkins(self, beds: list[Bed] | None = None, in_seconds: float = 0.3,
                           tag: str = "r") -> list[int]:
        """One check-in per patient, due in ``in_seconds``; returns the row ids and pokes the dispatcher."""
        due_at = self.harness.services.clock.now() + timedelta(seconds=in_seconds)
        rows = [ScheduledMessage(patient_id=bed.patient.id, clinic_id=bed.patient.clinic_id,
                                 session_id=bed.session_id, kind=MessageKind.CHECKIN,
                                 dedupe_key=f"rel:{tag}:{bed.patient.id}", due_at=due_at)
                for bed in (self.beds if beds is None else beds)]
        async with self.harness.db.session() as session:
            session.add_all(rows)
        ids = [row.id or 0 for row in rows]
        self.rows.extend(ids)
        assert self.harness.services.dispatcher is not None
        self.harness.services.dispatcher.poke(due_at)
        return ids


async def open_ward(harness: Harness, patients: int, *, first_user: int = FIRST_USER) -> Ward:
    """``patients`` enrolled patients, each with session 1 done 20 hours ago and session 2 ahead."""
    beds: list[Bed] = []
    done = harness.services.clock.now() - timedelta(hours=20)
    for index in range(patients):
        user_id = first_user + index
        user = harness.sandbox.user(user_id=user_id, first_name=f"P{index}", language_code="en")
        row = await make_patient(harness.db, user_id=user_id, label=f"W-{index:04d}")
        course = await make_course(harness.services, row, [(done, SessionStatus.DONE),
                                                           (done + timedelta(days=28), SessionStatus.PLANNED)],
                                   planned_sessions=3, sync=False)
        beds.append(Bed(user, row, await _first_session(harness, course.id)))
    errors = ErrorRecorder().install(harness.runtime.application)
    return Ward(harness, beds, harness.staff_group(), errors)


async def _first_session(harness: Harness, course_id: int | None) -> int | None:
    from bot.core.models import TreatmentSession

    async with harness.db.session() as session:
        statement = (select(TreatmentSession.id).where(TreatmentSession.course_id == course_id)
                     .order_by(col(TreatmentSession.number)))
        return (await session.exec(statement)).first()


async def fast_dispatch(harness: Harness, **changes: Any) -> Dispatcher:
    """Restart the dispatcher with quick retries (and any other ``DispatchConfig`` changes).

    A restart rather than a field swap, because the safety job's interval is
    fixed when the dispatcher starts.
    """
    dispatcher = harness.services.dispatcher
    assert isinstance(dispatcher, Dispatcher)
    await dispatcher.stop()
    retry = changes.pop("retry", RetryPolicy(max_attempts=6, base=0.2, cap=1.0))
    dispatcher.config = replace(DispatchConfig(), retry=retry, **changes)
    await dispatcher.start()
    return dispatcher


def shrink_read_timeout(harness: Harness, seconds: float) -> None:
    """Make the bot give up on a slow Bot API answer after ``seconds`` (default 15 s) for sends.

    PTB reads its default timeouts from the httpx client on every request, so
    changing the client's timeout is enough; getUpdates has its own client and
    keeps its long-poll timeout.
    """
    request: Any = harness.runtime.application.bot.request
    request._client.timeout = httpx.Timeout(connect=5.0, read=seconds, write=5.0, pool=5.0)


async def settle_rows(harness: Harness, ids: list[int], within: float = WAIT) -> dict[int, ScheduledMessage]:
    """Wait until every row in ``ids`` has a final status; fail listing the stragglers."""
    deadline = time.monotonic() + within
    while True:
        async with harness.db.session() as session:
            rows = (await session.exec(select(ScheduledMessage).where(col(ScheduledMessage.id).in_(ids)))).all()
        found = {row.id or 0: row for row in rows}
        open_rows = [r for r in found.values() if r.status not in FINAL]
        if not open_rows and len(found) == len(ids):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"rows not final after {within}s: "
                                 f"{[(r.id, r.status, r.attempts, r.last_error) for r in open_rows]}")
        await asyncio.sleep(0.1)


def questions_in(user: SandboxUser) -> list[Message]:
    """Check-in question messages the bot sent this patient (by their first version's text)."""
    return [m for m in user.messages(include_deleted=True) if m.versions and QUESTION in m.versions[0].text]


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    duplicates: dict[int, int] = field(default_factory=dict)  # chat id -> extra copies
    missing: list[int] = field(default_factory=list)  # SENT rows whose chat got nothing
    phantom: list[int] = field(default_factory=list)  # FAILED rows whose chat got a question anyway

    @property
    def extra_copies(self) -> int:
        return sum(self.duplicates.values())

    def line(self) -> str:
        return (f"sent={self.sent} failed={len(self.failed)} duplicates={self.extra_copies} "
                f"{self.duplicates or ''} missing={self.missing or 0} phantom={self.phantom or 0}")


def delivery_report(ward: Ward, rows: dict[int, ScheduledMessage]) -> DeliveryReport:
    """Compare the database's verdict on each check-in row with what each patient's phone shows."""
    report = DeliveryReport()
    by_patient = {bed.patient.id: bed for bed in ward.beds}
    for row in rows.values():
        bed = by_patient[row.patient_id]
        copies = len(questions_in(bed.user))
        if row.status == MessageStatus.SENT:
            report.sent += 1
            if copies == 0:
                report.missing.append(row.id or 0)
            elif copies > 1:
                report.duplicates[bed.user.chat_id] = copies - 1
        else:
            assert row.last_error, f"row {row.id} ended {row.status} without a reason"
            report.failed.append((row.id or 0, row.last_error))
            if copies:
                report.phantom.append(row.id or 0)
    return report


async def checkin_of(harness: Harness, patient: Patient, message_id: int | None = None) -> CheckIn | None:
    """The check-in shown in ``message_id`` (else the patient's latest): where a press must have landed."""
    async with harness.db.session() as session:
        statement = select(CheckIn).where(CheckIn.patient_id == patient.id).order_by(col(CheckIn.id).desc())
        if message_id is not None:
            statement = statement.where(CheckIn.telegram_message_id == message_id)
        return (await session.exec(statement)).first()


async def assert_answers_help(user: SandboxUser, within: float = WAIT) -> Message:
    """The bot is alive and responsive after the fault: /help gets the help text."""
    user.skip_pending()
    await user.send_text("/help")
    reply: Message = await user.wait_for_message("What I do", timeout=within)
    return reply


def sandbox_statuses(ward: Ward) -> Counter[str]:
    return Counter(ward.sandbox.stats()["responses"])
