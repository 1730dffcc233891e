"""Course operations shared by the bot, the CLI and the web console.

Each operation validates, writes, records an audit event and re-syncs the
course's scheduled messages, all in the caller's ``AsyncSession`` (so a
handler can combine several in one transaction), and returns a result or
raises a ``CourseOpError`` whose ``reason`` is one line a person can read and
whose ``code`` is stable for translations. The time rules are the pure ones of
``bot.domain.schedule``; this module is the IO around them.

Typical use::

    async with services.db.session() as s:
        result = await course_ops.book_session(s, services, patient, when, actor=staff_actor(uid))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import audit
from bot.core.clinic_config import Clinic, Protocol
from bot.core.models import Course, Patient, PatientStatus, SessionStatus, TreatmentSession
from bot.core.services import Services
from bot.courses.planner import cancel_patient_messages, sync_course_messages
from bot.domain.schedule import SessionInfo, initial_sessions, reschedule_following

UPCOMING = (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
MAX_AHEAD = timedelta(days=730)
DONE_CLOCK_SKEW = timedelta(minutes=5)
ACTIVE_COURSE = "active"


class CourseOpError(Exception):
    """An operation that cannot be done; ``reason`` is for people, ``code`` for programs."""

    code = "course_op"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NoActiveCourse(CourseOpError):
    code = "no_course"


class SessionNotFound(CourseOpError):
    code = "no_session"


class InvalidSessionState(CourseOpError):
    code = "bad_state"


class SessionStarted(InvalidSessionState):
    code = "session_started"


class InvalidTime(CourseOpError):
    code = "bad_time"


class CourseFull(CourseOpError):
    code = "course_full"


class PatientInactive(CourseOpError):
    code = "patient_inactive"


@dataclass(frozen=True)
class SessionResult:
    """The session an operation acted on, after it; ``changed`` is False for a repeat."""

    patient_label: str
    course_id: int
    number: int
    session_id: int
    scheduled_at: datetime
    status: str
    changed: bool = True
    moved: tuple[int, ...] = ()  # numbers of later sessions re-spaced by a reschedule


async def active_course(session: AsyncSession, patient: Patient) -> Course:
    """The patient's newest active course, or ``NoActiveCourse``."""
    statement = (
        select(Course)
        .where(Course.patient_id == patient.id, Course.status == ACTIVE_COURSE)
        .order_by(col(Course.id).desc())
    )
    course = (await session.exec(statement)).first()
    if course is None:
        raise NoActiveCourse(f"{patient.label} has no active course")
    return course


async def course_sessions(session: AsyncSession, course_id: int) -> list[TreatmentSession]:
    statement = select(TreatmentSession).where(TreatmentSession.course_id == course_id)
    return sorted((await session.exec(statement)).all(), key=lambda row: row.number)


def _clinic(services: Services, patient: Patient) -> Clinic:
    clinic = services.clinics.get(patient.clinic_id)
    if clinic is None:
        raise CourseOpError(f"clinic {patient.clinic_id!r} is not in the configuration")
    return clinic


def _protocol(services: Services, patient: Patient, course: Course) -> Protocol:
    clinic = _clinic(services, patient)
    if course.area not in clinic.protocols:
        raise CourseOpError(f"area {course.area!r} is no longer configured for {clinic.id}")
    return clinic.protocol(course.area)


def _require_live(patient: Patient) -> None:
    if patient.status in (PatientStatus.STOPPED, PatientStatus.DELETED):
        raise PatientInactive(f"{patient.label} has stopped the programme")


def _require_future(when: datetime, now: datetime) -> None:
    if when.tzinfo is None:
        raise InvalidTime("the time has no timezone")
    if when <= now:
        raise InvalidTime("that time is in the past")
    if when > now + MAX_AHEAD:
        raise InvalidTime("that time is more than two years ahead")


def _find(rows: list[TreatmentSession], number: int | None, statuses: tuple[str, ...],
          what: str) -> TreatmentSession:
    """Session ``number`` (or the first in ``statuses`` when None), checked against ``statuses``."""
    if number is None:
        found = next((row for row in rows if row.status in statuses), None)
        if found is None:
            raise SessionNotFound(f"no session to {what}")
        return found
    found = next((row for row in rows if row.number == number), None)
    if found is None:
        raise SessionNotFound(f"there is no session {number}")
    if found.status not in statuses:
        raise InvalidSessionState(f"session {number} is {found.status}; cannot {what} it")
    return found


async def _finish(
    session: AsyncSession, services: Services, patient: Patient, course: Course,
    row: TreatmentSession, event: str, actor: str, moved: list[int] | None = None, **details: Any,
) -> SessionResult:
    """Flush, audit, re-sync messages and describe the session acted on."""
    await session.flush()
    if moved:
        details["moved"] = moved
    audit.record(session, event, clinic_id=patient.clinic_id, patient_label=patient.label, actor=actor,
                 session_number=row.number, course=course.id, **details)
    await sync_course_messages(session, services, course.id or 0)
    return SessionResult(patient.label, course.id or 0, row.number, row.id or 0, row.scheduled_at,
                         str(row.status), moved=tuple(moved or ()))


def _respace(rows: list[TreatmentSession], target: TreatmentSession, when: datetime,
             protocol: Protocol, tz: ZoneInfo) -> list[int]:
    """Move ``target`` to ``when`` and re-space later planned sessions; returns the ones moved."""
    infos = [SessionInfo(r.number, r.scheduled_at, str(r.status), r.done_at) for r in rows]
    laid_out = {info.number: info for info in
                reschedule_following(infos, target.number, when, protocol.interval, tz)}
    kept = sorted((i for i in laid_out.values() if i.status != SessionStatus.CANCELLED), key=lambda i: i.number)
    for before, after in pairwise(kept):
        if after.scheduled_at <= before.scheduled_at:
            raise InvalidTime(f"session {before.number} would not come before session {after.number}")
    moved = []
    for row in rows:
        new_at = laid_out[row.number].scheduled_at
        if new_at != row.scheduled_at:
            row.scheduled_at = new_at
            if row is not target:
                moved.append(row.number)
    return moved


async def book_session(
    session: AsyncSession, services: Services, patient: Patient, when: datetime, *, actor: str = "system"
) -> SessionResult:
    """Book the next session at ``when``.

    No sessions yet: the whole planned course is laid out from ``when``. An
    upcoming session exists: the earliest moves to ``when`` (later planned ones
    keep their spacing). All sessions are behind: the next number is added, up
    to the protocol's maximum.
    """
    _require_live(patient)
    _require_future(when, services.clock.now())
    course = await active_course(session, patient)
    protocol = _protocol(services, patient, course)
    tz = ZoneInfo(patient.timezone)
    rows = await course_sessions(session, course.id or 0)
    upcoming = [row for row in rows if row.status in UPCOMING]
    if upcoming:
        target = upcoming[0]
        moved = _respace(rows, target, when, protocol, tz)
        _unconfirm(target)
        return await _finish(session, services, patient, course, target, "session_booked", actor, moved=moved)
    first_number = (rows[-1].number + 1) if rows else 1
    count = max(course.planned_sessions - first_number + 1, 1)
    if first_number + count - 1 > protocol.sessions.max:
        raise CourseFull(f"{patient.label} already has {len(rows)} sessions (maximum {protocol.sessions.max})")
    created = [
        TreatmentSession(course_id=course.id or 0, number=info.number + first_number - 1,
                         scheduled_at=info.scheduled_at)
        for info in initial_sessions(when, protocol.interval, count, tz)
    ]
    session.add_all(created)
    course.planned_sessions = max(course.planned_sessions, created[-1].number)
    return await _finish(session, services, patient, course, created[0], "session_booked", actor,
                         created=len(created))


def _unconfirm(row: TreatmentSession) -> None:
    """A moved session needs the patient's confirmation again."""
    row.status = SessionStatus.PLANNED
    row.confirmed_at = None


async def reschedule_session(
    session: AsyncSession, services: Services, patient: Patient, number: int, when: datetime,
    *, actor: str = "system",
) -> SessionResult:
    """Move upcoming session ``number`` to ``when``; later planned sessions keep their spacing."""
    _require_live(patient)
    _require_future(when, services.clock.now())
    course = await active_course(session, patient)
    protocol = _protocol(services, patient, course)
    rows = await course_sessions(session, course.id or 0)
    target = _find(rows, number, UPCOMING, "reschedule")
    moved = _respace(rows, target, when, protocol, ZoneInfo(patient.timezone))
    _unconfirm(target)
    return await _finish(session, services, patient, course, target, "session_rescheduled", actor, moved=moved)


async def cancel_session(
    session: AsyncSession, services: Services, patient: Patient, number: int, *, actor: str = "system"
) -> SessionResult:
    """Cancel upcoming session ``number``; its reminders are withdrawn."""
    course = await active_course(session, patient)
    target = _find(await course_sessions(session, course.id or 0), number, UPCOMING, "cancel")
    target.status = SessionStatus.CANCELLED
    return await _finish(session, services, patient, course, target, "session_cancelled", actor)


async def mark_done(
    session: AsyncSession, services: Services, patient: Patient, number: int | None = None,
    at: datetime | None = None, *, actor: str = "system",
) -> SessionResult:
    """Record that a session was given at ``at`` (default now); its check-ins count from then.

    Without ``number``: the earliest upcoming session, or, when none is booked,
    a new one given at ``at`` (a clinic that books by phone and only tells the
    bot afterwards).
    """
    _require_live(patient)
    now = services.clock.now()
    given_at = at or now
    if given_at.tzinfo is None or given_at > now + DONE_CLOCK_SKEW:
        raise InvalidTime("a session cannot be marked done in the future")
    course = await active_course(session, patient)
    rows = await course_sessions(session, course.id or 0)
    if number is None and not any(row.status in UPCOMING for row in rows):
        target = _append_session(course, rows, given_at, _protocol(services, patient, course))
        session.add(target)
    else:
        target = _find(rows, number, (*UPCOMING, SessionStatus.MISSED), "mark done")
    target.status = SessionStatus.DONE
    target.done_at = given_at
    return await _finish(session, services, patient, course, target, "session_done", actor)


def _append_session(course: Course, rows: list[TreatmentSession], at: datetime,
                    protocol: Protocol) -> TreatmentSession:
    number = (rows[-1].number + 1) if rows else 1
    if number > protocol.sessions.max:
        raise CourseFull(f"the course already has {len(rows)} sessions (maximum {protocol.sessions.max})")
    course.planned_sessions = max(course.planned_sessions, number)
    return TreatmentSession(course_id=course.id or 0, number=number, scheduled_at=at)


async def mark_missed(
    session: AsyncSession, services: Services, patient: Patient, number: int | None = None,
    *, actor: str = "system",
) -> SessionResult:
    """Record a no-show (default: the earliest upcoming session); its reminders stop."""
    course = await active_course(session, patient)
    target = _find(await course_sessions(session, course.id or 0), number, UPCOMING, "mark missed")
    target.status = SessionStatus.MISSED
    return await _finish(session, services, patient, course, target, "session_missed", actor)


async def confirm_session(
    session: AsyncSession, services: Services, patient: Patient, *, number: int | None = None,
    session_id: int | None = None, actor: str = "patient",
) -> SessionResult:
    """The patient confirms they will come; repeating it is harmless (``changed=False``)."""
    course = await active_course(session, patient)
    rows = await course_sessions(session, course.id or 0)
    if session_id is not None:
        by_id = next((row for row in rows if row.id == session_id), None)
        if by_id is None:
            raise SessionNotFound("that session is not in your course")
        number = by_id.number
    target = _find(rows, number, UPCOMING, "confirm")
    if target.scheduled_at <= services.clock.now():
        raise SessionStarted(f"session {target.number} has already started")
    if target.status == SessionStatus.CONFIRMED:
        return SessionResult(patient.label, course.id or 0, target.number, target.id or 0,
                             target.scheduled_at, str(target.status), changed=False)
    target.status = SessionStatus.CONFIRMED
    target.confirmed_at = services.clock.now()
    return await _finish(session, services, patient, course, target, "session_confirmed", actor)


BLOCKED_FLAG = "blocked"


async def stop_patient(
    session: AsyncSession, services: Services, patient: Patient, *, actor: str = "patient",
    reason: str = "patient_request",
) -> int:
    """End the programme: courses stopped, pending messages cancelled; returns how many."""
    patient.status = PatientStatus.STOPPED
    patient.paused_until = None
    for course in (await session.exec(select(Course).where(Course.patient_id == patient.id))).all():
        if course.status == ACTIVE_COURSE:
            course.status = "stopped"
    cancelled = await cancel_patient_messages(session, patient.id or 0, f"stopped:{reason}")
    audit.record(session, "patient_stopped", clinic_id=patient.clinic_id, patient_label=patient.label,
                 actor=actor, reason=reason, cancelled=cancelled)
    return cancelled


async def pause_patient(
    session: AsyncSession, services: Services, patient: Patient, until: datetime | None = None,
    *, actor: str = "patient",
) -> None:
    """Hold reminders and check-ins (they are skipped while paused, not queued up for later)."""
    _require_live(patient)
    if until is not None and until <= services.clock.now():
        raise InvalidTime("the pause would already be over")
    patient.status = PatientStatus.PAUSED
    patient.paused_until = until
    audit.record(session, "patient_paused", clinic_id=patient.clinic_id, patient_label=patient.label,
                 actor=actor, until=until.isoformat() if until else None)


async def resume_patient(
    session: AsyncSession, services: Services, patient: Patient, *, actor: str = "patient"
) -> None:
    """Back to active; messages cancelled while blocked are planned again (future ones only)."""
    _require_live(patient)
    was_blocked = BLOCKED_FLAG in patient.flags
    patient.status = PatientStatus.ACTIVE
    patient.paused_until = None
    patient.flags = [flag for flag in patient.flags if flag != BLOCKED_FLAG]
    audit.record(session, "patient_resumed", clinic_id=patient.clinic_id, patient_label=patient.label,
                 actor=actor, was_blocked=was_blocked)
    for course in (await session.exec(
        select(Course).where(Course.patient_id == patient.id, Course.status == ACTIVE_COURSE)
    )).all():
        await sync_course_messages(session, services, course.id or 0)


async def mark_blocked(session: AsyncSession, services: Services, patient: Patient) -> int:
    """Telegram says the patient blocked the bot: pause them and cancel what was queued.

    Idempotent (a second 403 from a message already in flight changes nothing).
    Returns the number of messages cancelled.
    """
    if patient.status in (PatientStatus.STOPPED, PatientStatus.DELETED):
        return 0
    first_time = BLOCKED_FLAG not in patient.flags
    patient.status = PatientStatus.PAUSED
    patient.paused_until = None
    if first_time:
        patient.flags = [*patient.flags, BLOCKED_FLAG]
    cancelled = await cancel_patient_messages(session, patient.id or 0, "blocked")
    if first_time or cancelled:
        audit.record(session, "patient_blocked", clinic_id=patient.clinic_id, patient_label=patient.label,
                     level="warning", cancelled=cancelled)
    return cancelled
