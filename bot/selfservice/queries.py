"""What a patient's own commands read: course overview, next check-in, answers so far.

Changes (pause, resume, stop) go through ``bot.courses.course_ops`` so the bot, the
CLI and the console share one audited path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import (
    CheckIn,
    Course,
    MessageKind,
    MessageStatus,
    ScheduledMessage,
    SessionStatus,
    TreatmentSession,
)

UPCOMING = (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
CHECKIN_KINDS = (MessageKind.CHECKIN, MessageKind.FOLLOWUP)


@dataclass(frozen=True)
class Overview:
    """The newest course and its sessions (oldest first), or ``course=None`` before booking."""

    course: Course | None
    sessions: list[TreatmentSession]

    @property
    def next_session(self) -> TreatmentSession | None:
        return next((s for s in self.sessions if s.status in UPCOMING), None)

    @property
    def done_sessions(self) -> list[TreatmentSession]:
        return [s for s in self.sessions if s.status == SessionStatus.DONE]


async def overview(session: AsyncSession, patient_id: int) -> Overview:
    statement = select(Course).where(Course.patient_id == patient_id).order_by(col(Course.id).desc())
    course = (await session.exec(statement)).first()
    if course is None or course.id is None:
        return Overview(None, [])
    sessions = await session.exec(
        select(TreatmentSession).where(TreatmentSession.course_id == course.id)
        .order_by(col(TreatmentSession.scheduled_at), col(TreatmentSession.number))
    )
    return Overview(course, list(sessions.all()))


async def next_checkin(session: AsyncSession, patient_id: int, now: datetime) -> ScheduledMessage | None:
    """The earliest pending check-in or follow-up still ahead (overdue rows are the dispatcher's now)."""
    statement = (
        select(ScheduledMessage)
        .where(ScheduledMessage.patient_id == patient_id, ScheduledMessage.status == MessageStatus.PENDING)
        .where(col(ScheduledMessage.due_at) >= now)
        .where(col(ScheduledMessage.kind).in_(CHECKIN_KINDS))
        .order_by(col(ScheduledMessage.due_at))
    )
    return (await session.exec(statement)).first()


def has_answers(check_in: CheckIn) -> bool:
    return any(value not in (None, "", []) for value in
               (check_in.soreness, check_in.swelling, check_in.function, check_in.note, check_in.signs))


def answered_at(check_in: CheckIn) -> datetime:
    return check_in.answered_at or check_in.created_at


async def answered_check_ins(session: AsyncSession, patient_id: int) -> list[CheckIn]:
    """Check-ins (and free-text reports) with at least one answer, oldest first."""
    rows = await session.exec(select(CheckIn).where(CheckIn.patient_id == patient_id).order_by(col(CheckIn.id)))
    return sorted((c for c in rows.all() if has_answers(c)), key=answered_at)
