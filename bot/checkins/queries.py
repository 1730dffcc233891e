"""Check-in rows: a patient's answers, where they are in the questions, and what was missed.

A ``CheckIn`` row is the whole state of one check-in conversation (its step
and the answers so far), so a restart between two button presses loses
nothing. The same table holds outcome follow-ups and free-text reports, told
apart by ``kind``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, bindparam, exists, or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import CheckIn, Course, MessageKind, Patient, ScheduledMessage, SessionStatus, TreatmentSession
from bot.core.patients import LIVE_STATUSES


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
    >= 3.35, PostgreSQL) hands back the stored row in the same statement: a
    re-read after it was a sizeable share of each press under load
    (``bench/load.py``). ``populate_existing`` refreshes a copy the session
    already holds, as the re-read did. The statement is built once per set of
    changed columns and reused with new values (``_transition_statement``).
    """
    statement = _transition_statement(frozenset(values))
    params = {"checkin_id": checkin_id, "expected": expected, **{f"new_{k}": v for k, v in values.items()}}
    row: CheckIn | None = (await session.exec(statement, params=params)).scalars().first()
    return row


@cache
def _transition_statement(columns: frozenset[str]) -> Any:
    """The conditional UPDATE of ``transition`` for these columns, values left as parameters."""
    table = CheckIn.__table__  # type: ignore[attr-defined]
    return (
        update(CheckIn)
        .where(col(CheckIn.id) == bindparam("checkin_id"))
        .where(col(CheckIn.step) == bindparam("expected"))
        .where(col(CheckIn.status).in_((CheckInStatus.OPEN, CheckInStatus.ANSWERED)))
        .values({name: bindparam(f"new_{name}", type_=table.c[name].type) for name in sorted(columns)})
        .returning(CheckIn)
        .execution_options(populate_existing=True, synchronize_session=False)
    )


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


_FOR_PRESS = (  # built once: every press runs it, only the two ids change
    select(Patient, CheckIn, TreatmentSession, Course)
    .select_from(Patient)
    .outerjoin(CheckIn, col(CheckIn.id) == bindparam("checkin_id"))
    .outerjoin(TreatmentSession, col(TreatmentSession.id) == col(CheckIn.session_id))
    .outerjoin(Course, col(Course.id) == col(TreatmentSession.course_id))
    .where(col(Patient.telegram_user_id) == bindparam("user_id"))
    .where(col(Patient.status).in_(LIVE_STATUSES))
    .order_by(col(Patient.id).desc())
    .limit(1)
)


async def for_press(session: AsyncSession, user_id: int, checkin_id: int) -> PressContext:
    """The user's current enrolment, the check-in and what it is about, in one SELECT.

    Equivalent to ``patients.current_for_user`` plus a read of the check-in,
    its session and course, but one round trip instead of several: every
    button press pays this, and per-statement cost dominated the bot under load
    (``bench/load.py``). The check-in is joined on its id alone, so it comes
    back whoever it belongs to; the caller still compares owners. No
    enrolment means no row, and then the check-in does not matter. The
    statement is built once (``_FOR_PRESS``), not per press.
    """
    row = (await session.exec(_FOR_PRESS, params={"user_id": user_id, "checkin_id": checkin_id})).first()
    if row is None:
        return PressContext(None, None, None)
    patient, checkin, treatment, course = row
    if checkin is None:
        return PressContext(patient, None, None)
    if treatment is None:
        return PressContext(patient, checkin, await about(session, checkin))
    return PressContext(patient, checkin, await _about(session, checkin, treatment, course))


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
    statement = (
        select(CheckIn.soreness)
        .where(CheckIn.patient_id == checkin.patient_id)
        .where(col(CheckIn.soreness).is_not(None))
        .where(CheckIn.kind == CheckInKind.CHECKIN)
        .where(col(CheckIn.answered_at).is_not(None))
        .order_by(col(CheckIn.answered_at).desc())
    )
    if checkin.session_id is None:
        return None  # answers about another injection say nothing about this one
    statement = statement.where(CheckIn.session_id == checkin.session_id)
    if checkin.id is not None:
        statement = statement.where(col(CheckIn.id) != checkin.id)
    return (await session.exec(statement)).first()


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
