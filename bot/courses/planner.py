"""ScheduledMessage rows from the pure message plan: the only writer of course messages.

``sync_course_messages`` is called after anything that changes a course
(enrolment, booking, rescheduling, cancelling, done, missed, resume). It asks
``bot.domain.message_plan`` what the course should send and reconciles the
table with that answer, keyed by ``dedupe_key``:

- a planned key with no row: inserted ``pending``;
- a ``pending`` row whose time or payload changed: moved in place;
- a ``pending`` row no longer planned: ``cancelled`` (reason ``not_planned``);
- ``sending`` rows are in flight and ``sent`` rows are history: never touched;
- a ``cancelled`` row planned again in the future (a resumed patient), or a
  ``skipped``/``failed`` one whose time changed, goes back to ``pending``;
- a reminder already ``sent`` for another appointment time (the session was
  moved after its reminder went out) gets a new row ``<key>#2``, ``#3``...,
  so the patient is reminded of the new time too.

Only the kinds the plan produces (reminder, check-in, follow-up) are
reconciled; nudges, re-alerts and digests belong to their own features.
After the caller's transaction commits, the dispatcher is poked when the
earliest changed row is due sooner than it is armed for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import (
    Course,
    MessageKind,
    MessageStatus,
    Patient,
    PatientStatus,
    ScheduledMessage,
    TreatmentSession,
)
from bot.core.services import Services
from bot.domain.message_plan import PlannedMessage, plan_messages
from bot.domain.schedule import SessionInfo
from jobs.notify import notify_dispatcher_after_commit
from jobs.policy import PATIENT_KINDS

PLANNED_KINDS = (MessageKind.REMINDER, MessageKind.CHECKIN, MessageKind.FOLLOWUP)
CLOSED_COURSE_STATUSES = frozenset({"stopped", "cancelled"})
_GENERATION = "#"


@dataclass
class SyncResult:
    """What one reconciliation changed (for tests, logs and the dispatcher poke)."""

    inserted: int = 0
    moved: int = 0
    revived: int = 0
    cancelled: int = 0
    earliest: datetime | None = None
    keys: list[str] = field(default_factory=list)

    def touch(self, due_at: datetime, key: str) -> None:
        self.keys.append(key)
        if self.earliest is None or due_at < self.earliest:
            self.earliest = due_at


def base_key(dedupe_key: str) -> str:
    return dedupe_key.split(_GENERATION, 1)[0]


def _generation(dedupe_key: str) -> int:
    _, _, suffix = dedupe_key.partition(_GENERATION)
    return int(suffix) if suffix.isdigit() else 1


async def sync_course_messages(session: AsyncSession, services: Services, course_id: int) -> SyncResult:
    """Reconcile the course's reminder/check-in/follow-up rows with its plan (see module doc)."""
    course = await session.get(Course, course_id)
    if course is None:
        raise LookupError(f"no course {course_id}")
    patient = await session.get(Patient, course.patient_id)
    rows = list((await session.exec(
        select(TreatmentSession).where(TreatmentSession.course_id == course_id)
    )).all())
    now = services.clock.now()
    planned = _plan(services, course, patient, rows, now)
    existing = await _existing(session, course)
    session_ids = {row.number: row.id for row in rows}
    result = _reconcile(session, course, planned, existing, session_ids, now)
    await session.flush()
    notify_dispatcher_after_commit(session, services, result.earliest)
    return result


def _plan(
    services: Services, course: Course, patient: Patient | None,
    rows: Sequence[TreatmentSession], now: datetime,
) -> list[PlannedMessage]:
    """The plan, or nothing for a closed course or a patient who left."""
    clinic = services.clinics.get(course.clinic_id)
    if clinic is None or course.area not in clinic.protocols or course.status in CLOSED_COURSE_STATUSES:
        return []
    if patient is None or patient.status in (PatientStatus.STOPPED, PatientStatus.DELETED):
        return []
    infos = [SessionInfo(row.number, row.scheduled_at, str(row.status), row.done_at) for row in rows]
    return plan_messages(course.id or 0, infos, clinic.protocol(course.area), ZoneInfo(patient.timezone),
                         clinic.quiet_hours, now)


async def _existing(session: AsyncSession, course: Course) -> dict[str, ScheduledMessage]:
    """The newest row per base key of this course's planned kinds."""
    prefix = f"c{course.id}:"
    statement = (
        select(ScheduledMessage)
        .where(ScheduledMessage.patient_id == course.patient_id)
        .where(col(ScheduledMessage.kind).in_(PLANNED_KINDS))
        .where(col(ScheduledMessage.dedupe_key).startswith(prefix))
    )
    newest: dict[str, ScheduledMessage] = {}
    for row in (await session.exec(statement)).all():
        key = base_key(row.dedupe_key)
        current = newest.get(key)
        if current is None or _generation(row.dedupe_key) > _generation(current.dedupe_key):
            newest[key] = row
    return newest


def _reconcile(
    session: AsyncSession, course: Course, planned: Iterable[PlannedMessage],
    existing: dict[str, ScheduledMessage], session_ids: dict[int, int | None], now: datetime,
) -> SyncResult:
    result = SyncResult()
    wanted: set[str] = set()
    for message in planned:
        wanted.add(message.dedupe_key)
        number = message.session_number
        session_id = session_ids.get(number) if number is not None else None
        row = existing.get(message.dedupe_key)
        if row is None:
            session.add(_new_row(course, message, message.dedupe_key, session_id))
            result.inserted += 1
            result.touch(message.due_at, message.dedupe_key)
        else:
            _update_existing(session, course, row, message, session_id, now, result)
    for key, row in existing.items():
        if key not in wanted and row.status == MessageStatus.PENDING:
            row.status = MessageStatus.CANCELLED
            row.last_error = "not_planned"
            result.cancelled += 1
    return result


def _update_existing(
    session: AsyncSession, course: Course, row: ScheduledMessage, message: PlannedMessage,
    session_id: int | None, now: datetime, result: SyncResult,
) -> None:
    changed = row.due_at != message.due_at or row.payload != message.payload or row.session_id != session_id
    status = row.status
    if status == MessageStatus.PENDING and changed:
        _assign(row, message, session_id)
        result.moved += 1
        result.touch(message.due_at, row.dedupe_key)
    elif status == MessageStatus.SENT and _for_another_appointment(row, message):
        key = f"{message.dedupe_key}{_GENERATION}{_generation(row.dedupe_key) + 1}"
        session.add(_new_row(course, message, key, session_id))
        result.inserted += 1
        result.touch(message.due_at, key)
    elif status in (MessageStatus.CANCELLED, MessageStatus.SKIPPED, MessageStatus.FAILED) and (
        message.due_at > now and (status == MessageStatus.CANCELLED or row.due_at != message.due_at)
    ):
        _assign(row, message, session_id)
        row.status = MessageStatus.PENDING
        row.attempts = 0
        row.last_error = None
        result.revived += 1
        result.touch(message.due_at, row.dedupe_key)


def _for_another_appointment(row: ScheduledMessage, message: PlannedMessage) -> bool:
    """A sent reminder whose session has since moved: the new time deserves its own reminder."""
    return message.kind == MessageKind.REMINDER and row.payload.get("session_at") != message.payload.get(
        "session_at"
    )


def _assign(row: ScheduledMessage, message: PlannedMessage, session_id: int | None) -> None:
    row.due_at = message.due_at
    row.payload = dict(message.payload)
    row.session_id = session_id


def _new_row(course: Course, message: PlannedMessage, key: str, session_id: int | None) -> ScheduledMessage:
    return ScheduledMessage(
        patient_id=course.patient_id,
        clinic_id=course.clinic_id,
        session_id=session_id,
        kind=message.kind,
        dedupe_key=key,
        due_at=message.due_at,
        payload=dict(message.payload),
    )


async def cancel_patient_messages(
    session: AsyncSession, patient_id: int, reason: str, kinds: Iterable[str] = PATIENT_KINDS
) -> int:
    """Cancel every pending patient-facing message of a patient (/stop, blocked); returns how many.

    Rows already ``sending`` finish normally; staff-facing kinds (re-alerts of an
    open alert, digests) are not the patient's to cancel unless ``kinds`` says so.
    """
    statement: Any = (
        update(ScheduledMessage)
        .where(col(ScheduledMessage.patient_id) == patient_id)
        .where(col(ScheduledMessage.status) == MessageStatus.PENDING)
        .where(col(ScheduledMessage.kind).in_([str(kind) for kind in kinds]))
        .values(status=MessageStatus.CANCELLED, last_error=reason[:255])
        .execution_options(synchronize_session=False)
    )
    outcome = await session.exec(statement)
    return int(outcome.rowcount or 0)
