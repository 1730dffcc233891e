"""Check-in rows: a patient's answers, where they are in the questions, and what was missed.

A ``CheckIn`` row is the whole state of one check-in conversation (its step
and the answers so far), so a restart between two button presses loses
nothing. The same table holds outcome follow-ups and free-text reports, told
apart by ``kind``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, bindparam, exists, or_
from sqlalchemy import select as select_columns
from sqlalchemy.orm.util import identity_key
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import CheckIn, Course, MessageKind, Patient, ScheduledMessage, SessionStatus, TreatmentSession
from bot.core.patients import LIVE_STATUSES
from bot.core.rows import Shape, one_of, split


class CheckInKind(StrEnum):
    CHECKIN = "checkin"
    FOLLOWUP = "followup"
    FREE_TEXT = "free_text"


class CheckInStatus(StrEnum):
    OPEN = "open"  # waiting for (more) answers
    ANSWERED = "answered"  # the questions are done; a note may still come
    MISSED = "missed"  # a newer check-in came before any answer
    INCOMPLETE = "incomplete"  # a newer check-in came before the last answer


class Step(StrEnum):
    SORENESS = "soreness"
    SWELLING = "swelling"
    SIGNS = "signs"
    NOTE = "note"
    PAIN = "pain"
    FUNCTION = "function"
    CONFIRM = "confirm"  # free text: the follow-up question about doubtful signs
    DONE = "done"


# Hot paths name the tables' own columns: a mapped attribute anywhere in a statement would run it through
# the ORM's compile and loading steps on every execution, for rows read as plain values.
_PATIENT: Any = Patient.__table__  # type: ignore[attr-defined]
_CHECK_IN: Any = CheckIn.__table__  # type: ignore[attr-defined]
_SESSION: Any = TreatmentSession.__table__  # type: ignore[attr-defined]
_COURSE: Any = Course.__table__  # type: ignore[attr-defined]
_MESSAGE: Any = ScheduledMessage.__table__  # type: ignore[attr-defined]
CHECKIN = Shape(CheckIn)
PATIENT = Shape(Patient)

NOTE_FLOW = "checkin_note"
"""``ChatState.flow`` while a check-in waits for the optional typed note."""

SCHEDULED_KINDS = (CheckInKind.CHECKIN, CheckInKind.FOLLOWUP)
"""Kinds the bot asks for on a schedule; only these can go unanswered."""


async def get(session: AsyncSession, checkin_id: int) -> CheckIn | None:
    return await session.get(CheckIn, checkin_id)


async def for_message(session: AsyncSession, scheduled_message_id: int) -> CheckIn | None:
    """The check-in a scheduled message created (so a re-sent row reuses it)."""
    statement = select(CheckIn).where(CheckIn.scheduled_message_id == scheduled_message_id)
    return (await session.exec(statement)).first()


async def close_older(session: AsyncSession, patient_id: int, newer_than_id: int) -> None:
    """Mark the patient's earlier open check-ins missed (or incomplete if half answered).

    Only the newest check-in takes answers; an older one left open would leave
    the patient two conversations at once.
    """
    base = (
        update(CheckIn)
        .where(col(CheckIn.patient_id) == patient_id)
        .where(col(CheckIn.id) < newer_than_id)
        .where(col(CheckIn.status) == CheckInStatus.OPEN)
        .where(col(CheckIn.kind).in_(SCHEDULED_KINDS))
    )
    unanswered = col(CheckIn.soreness).is_(None)
    await session.exec(base.where(unanswered).values(status=CheckInStatus.MISSED))
    await session.exec(base.where(~unanswered).values(status=CheckInStatus.INCOMPLETE))


async def transition(session: AsyncSession, checkin_id: int, expected: Step, **values: Any) -> CheckIn | None:
    """Apply one answer if the check-in is still at ``expected``; None for a stale or doubled press.

    A conditional UPDATE rather than read-then-write, so two presses (or two
    replicas) racing on the same step cannot both win. ``RETURNING`` (SQLite
    >= 3.35, PostgreSQL) hands back the stored row in the same statement. The
    row comes back as a Core row made into an object outside the session
    (``bot.core.rows``): the ORM's bulk UPDATE and its loading were a sizeable
    share of each press under load (``bench/load.py``). A copy the session
    already holds is refreshed and returned instead, so it never goes stale.
    The statement is built once per set of changed columns.
    """
    statement = _transition_statement(frozenset(values))
    params = {"checkin_id": checkin_id, "expected": expected, **{f"new_{k}": v for k, v in values.items()}}
    row = (await session.exec(statement, params=params)).first()
    return None if row is None else _held_or_loaded(session, checkin_id, row)


async def store(session: AsyncSession, checkin_id: int, **values: Any) -> None:
    """Write ``values`` to a check-in whatever its step (after ``transition`` has decided who won)."""
    statement = _store_statement(frozenset(values))
    await session.exec(statement, params={"checkin_id": checkin_id, **{f"new_{k}": v for k, v in values.items()}})


def _held_or_loaded(session: AsyncSession, checkin_id: int, values: Sequence[Any]) -> CheckIn:
    held = session.sync_session.identity_map.get(identity_key(CheckIn, checkin_id))
    if isinstance(held, CheckIn):
        CHECKIN.refresh(held, values)
        return held
    return CHECKIN.load(values)


def _update(columns: frozenset[str]) -> Any:
    """``UPDATE check_in SET <columns> WHERE id = :checkin_id``, the new values left as parameters."""
    return (
        update(_CHECK_IN)
        .where(_CHECK_IN.c.id == bindparam("checkin_id"))
        .values({name: bindparam(f"new_{name}", type_=_CHECK_IN.c[name].type) for name in sorted(columns)})
    )


@cache
def _transition_statement(columns: frozenset[str]) -> Any:
    """The conditional UPDATE of ``transition`` for these columns."""
    return (
        _update(columns)
        .where(_CHECK_IN.c.step == bindparam("expected"))
        .where(one_of(_CHECK_IN.c.status, (CheckInStatus.OPEN, CheckInStatus.ANSWERED)))
        .returning(*CHECKIN.columns)
    )


@cache
def _store_statement(columns: frozenset[str]) -> Any:
    return _update(columns)


def is_unanswered(checkin: CheckIn, now: datetime, grace: timedelta) -> bool:
    """Missed outright, or still open with no answer ``grace`` after it was sent."""
    if checkin.status == CheckInStatus.MISSED:
        return True
    no_answer = checkin.soreness is None  # the first question (soreness, or pain in follow-ups)
    return checkin.status == CheckInStatus.OPEN and no_answer and checkin.created_at + grace <= now


async def unanswered_streak(session: AsyncSession, patient_id: int, now: datetime, grace: timedelta) -> int:
    """How many of the patient's latest scheduled check-ins in a row went unanswered."""
    statement = (
        select(CheckIn)
        .where(CheckIn.patient_id == patient_id)
        .where(col(CheckIn.kind).in_(SCHEDULED_KINDS))
        .order_by(col(CheckIn.id).desc())
        .limit(20)
    )
    streak = 0
    for checkin in (await session.exec(statement)).all():
        if checkin.created_at + grace > now and checkin.status == CheckInStatus.OPEN:
            continue  # too recent to count either way
        if not is_unanswered(checkin, now, grace):
            break
        streak += 1
    return streak


@dataclass(frozen=True)
class About:
    """What a check-in is about: area, injection session and when it was given."""

    area_id: str
    session_number: int | None
    injected_at: datetime | None
    course_id: int | None = None
    followup_offset: str | None = None  # a follow-up's offset as the clinic wrote it (``P3M``)

    def days_since(self, moment: datetime, zone: ZoneInfo) -> int | None:
        """Calendar days between the injection and ``moment`` on the patient's wall."""
        if self.injected_at is None:
            return None
        return (moment.astimezone(zone).date() - self.injected_at.astimezone(zone).date()).days

    def hours_since(self, moment: datetime) -> float | None:
        if self.injected_at is None:
            return None
        return max((moment - self.injected_at).total_seconds() / 3600, 0.0)


async def about(session: AsyncSession, checkin: CheckIn) -> About:
    """The injection a check-in is about (its own session, else the patient's latest done one).

    The usual case (the check-in names its session) is one joined SELECT of the
    session and its course rather than two lookups: this runs on every button
    press (``bench/load.py``).
    """
    treatment, course = await _session_and_course(session, checkin.session_id)
    if treatment is None:
        treatment = await last_done_session(session, checkin.patient_id)
        course = None
    return await _about(session, checkin, treatment, course)


@dataclass(frozen=True)
class PressContext:
    """What a button press is checked against: the user's current enrolment and the pressed check-in."""

    patient: Patient | None
    checkin: CheckIn | None
    about: About | None


_FOR_PRESS: Any = (  # built once: every press runs it, only the two ids change
    select_columns(
        *PATIENT.columns, *CHECKIN.columns,
        _SESSION.c.id, _SESSION.c.number, _SESSION.c.done_at, _SESSION.c.scheduled_at,
        _COURSE.c.id, _COURSE.c.area, _MESSAGE.c.payload,
    )
    .select_from(_PATIENT)
    .outerjoin(_CHECK_IN, _CHECK_IN.c.id == bindparam("checkin_id"))
    .outerjoin(_SESSION, _SESSION.c.id == _CHECK_IN.c.session_id)
    .outerjoin(_COURSE, _COURSE.c.id == _SESSION.c.course_id)
    .outerjoin(_MESSAGE, (_MESSAGE.c.id == _CHECK_IN.c.scheduled_message_id)
               & (_CHECK_IN.c.kind == CheckInKind.FOLLOWUP))
    .where(_PATIENT.c.telegram_user_id == bindparam("user_id"))
    .where(one_of(_PATIENT.c.status, LIVE_STATUSES))
    .order_by(_PATIENT.c.id.desc())
    .limit(1)
)


async def for_press(session: AsyncSession, user_id: int, checkin_id: int) -> PressContext:
    """The user's current enrolment, the check-in and what it is about, in one SELECT.

    Equivalent to ``patients.current_for_user`` plus a read of the check-in,
    its session, course and (for a follow-up) planned message, but one round
    trip instead of several, read as plain columns made into objects outside
    the session (``bot.core.rows``): every button press pays this, and
    per-statement and ORM loading cost dominated the bot under load
    (``bench/load.py``). The check-in is joined on its id alone, so it comes
    back whoever it belongs to; the caller still compares owners. No enrolment
    means no row, and then the check-in does not matter.
    """
    row = (await session.exec(_FOR_PRESS, params={"user_id": user_id, "checkin_id": checkin_id})).first()
    if row is None:
        return PressContext(None, None, None)
    patient_values, checkin_values, (session_id, number, done_at, scheduled_at, course_id, area, payload) = split(
        row, len(PATIENT), len(CHECKIN))
    patient = PATIENT.load(patient_values)
    if checkin_values[0] is None:  # no check-in with that id
        return PressContext(patient, None, None)
    checkin = CHECKIN.load(checkin_values)
    if session_id is None or course_id is None:  # a report about no session of its own: the latest one
        return PressContext(patient, checkin, await about(session, checkin))
    offset = (payload or {}).get("offset")
    return PressContext(patient, checkin, About(area, number, done_at or scheduled_at, course_id,
                                                offset if isinstance(offset, str) else None))


async def _session_and_course(
    session: AsyncSession, session_id: int | None
) -> tuple[TreatmentSession | None, Course | None]:
    """A treatment session and its course in one query (either may be missing)."""
    if session_id is None:
        return None, None
    statement = (
        select(TreatmentSession, Course)
        .outerjoin(Course, col(Course.id) == col(TreatmentSession.course_id))
        .where(TreatmentSession.id == session_id)
    )
    row = (await session.exec(statement)).first()
    return (row[0], row[1]) if row is not None else (None, None)


async def _about(
    session: AsyncSession, checkin: CheckIn, treatment: TreatmentSession | None, course: Course | None
) -> About:
    """Fill in the course (looked up, else the patient's latest) and build the ``About``."""
    if course is None and treatment is not None:
        course = await session.get(Course, treatment.course_id)
    if course is None:
        course = await latest_course(session, checkin.patient_id)
    injected = (treatment.done_at or treatment.scheduled_at) if treatment is not None else None
    return About(course.area if course else "", treatment.number if treatment else None, injected,
                 course.id if course else None, await _followup_offset(session, checkin))


async def _followup_offset(session: AsyncSession, checkin: CheckIn) -> str | None:
    """The offset of the planned follow-up this check-in answers, so its header names it as configured."""
    if checkin.kind != CheckInKind.FOLLOWUP or checkin.scheduled_message_id is None:
        return None
    message = await session.get(ScheduledMessage, checkin.scheduled_message_id)
    offset = message.payload.get("offset") if message is not None else None
    return offset if isinstance(offset, str) else None


async def previous_soreness(session: AsyncSession, checkin: CheckIn) -> int | None:
    """The last soreness the patient gave before this report (for "not easing" / "worse")."""
    if checkin.session_id is None:
        return None  # answers about another injection say nothing about this one
    params = {"patient_id": checkin.patient_id, "session_id": checkin.session_id, "checkin_id": checkin.id or 0}
    soreness: int | None = (await session.exec(_PREVIOUS_SORENESS, params=params)).scalar()
    return soreness


_PREVIOUS_SORENESS: Any = (  # built once: every Done and Skip press runs it
    select_columns(_CHECK_IN.c.soreness)
    .where(_CHECK_IN.c.patient_id == bindparam("patient_id"))
    .where(_CHECK_IN.c.session_id == bindparam("session_id"))
    .where(_CHECK_IN.c.id != bindparam("checkin_id"))  # 0 (no row has it) for a report not stored yet
    .where(_CHECK_IN.c.soreness.is_not(None))
    .where(_CHECK_IN.c.kind == CheckInKind.CHECKIN)
    .where(_CHECK_IN.c.answered_at.is_not(None))
    .order_by(_CHECK_IN.c.answered_at.desc())
    .limit(1)
)


async def latest_course(session: AsyncSession, patient_id: int) -> Course | None:
    statement = select(Course).where(Course.patient_id == patient_id).order_by(col(Course.id).desc())
    return (await session.exec(statement)).first()


async def last_done_session(session: AsyncSession, patient_id: int) -> TreatmentSession | None:
    """The latest injection the patient had: a free-text report is read against it."""
    statement = (
        select(TreatmentSession)
        .join(Course, col(Course.id) == col(TreatmentSession.course_id))
        .where(Course.patient_id == patient_id)
        .where(TreatmentSession.status == SessionStatus.DONE)
        .order_by(col(TreatmentSession.scheduled_at).desc())
    )
    return (await session.exec(statement)).first()


def still_wanted() -> ColumnElement[bool]:
    """A ``ScheduledMessage`` filter: drops the nudge of a check-in that no longer waits for answers.

    A nudge is planned when its check-in is sent and stays pending until it is
    due, when the sender skips it if the check-in was answered (or superseded).
    Until then it is not something the bot will send: what staff read as
    "planned" and the pending-messages gauge both filter with this.
    """
    open_checkin = exists().where(
        col(CheckIn.id) == col(ScheduledMessage.payload)["checkin_id"].as_integer(),
        col(CheckIn.status) == CheckInStatus.OPEN,
    )
    return or_(col(ScheduledMessage.kind) != MessageKind.NUDGE, open_checkin)
