"""The reads behind the Today page, one clinic at a time, as plain frozen dataclasses.

"Today" is the clinic's calendar day (staff work from the clinic's clock).
Each list is one query joined to ``patient`` for the clinic filter and the
label, so a busy clinic still gets the page in a handful of round trips.
Erased patients are never listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import CheckIn, Course, Patient, PatientStatus, SessionStatus, TreatmentSession
from bot.domain.durations import resolve_local
from bot.staff.staff_views import AlertView, CheckInView, open_alerts

LEVEL_ORDER = {"emergency": 0, "urgent": 1, "watch": 2, "ok": 3}
SCHEDULED_KINDS = ("checkin", "followup")
WAITING_STATUSES = ("open", "missed")


@dataclass(frozen=True)
class LabelledCheckIn:
    label: str
    checkin: CheckInView


@dataclass(frozen=True)
class DaySession:
    label: str
    area: str
    number: int
    status: str
    at: datetime


@dataclass(frozen=True)
class Today:
    day: date
    alerts: tuple[AlertView, ...]
    answered: tuple[LabelledCheckIn, ...]
    unanswered: tuple[LabelledCheckIn, ...]
    sessions: tuple[DaySession, ...]


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local calendar day (DST-safe), in UTC."""
    return resolve_local(datetime.combine(day, time(0, 0)), tz).astimezone(UTC)


def by_urgency(alerts: list[AlertView]) -> list[AlertView]:
    """Emergencies, then urgent, then the rest; oldest first within a level."""
    return sorted(alerts, key=lambda alert: (LEVEL_ORDER.get(alert.level, 9), alert.at))


async def today(session: AsyncSession, clinic_id: str, tz: ZoneInfo, now: datetime) -> Today:
    local_day = now.astimezone(tz).date()
    start = day_start(local_day, tz)
    yesterday = day_start(local_day - timedelta(days=1), tz)
    after_tomorrow = day_start(local_day + timedelta(days=2), tz)
    return Today(
        day=local_day,
        alerts=tuple(by_urgency(await open_alerts(session, clinic_id))),
        answered=tuple(await answered_between(session, clinic_id, start, day_start(local_day + timedelta(days=1), tz))),
        unanswered=tuple(await unanswered_since(session, clinic_id, yesterday, now)),
        sessions=tuple(await sessions_between(session, clinic_id, start, after_tomorrow)),
    )


def _checkin_query(clinic_id: str) -> Any:
    """Check-ins of the clinic's (not erased) patients, with label and session number."""
    return (select(CheckIn, Patient.label, TreatmentSession.number)
            .join(Patient, col(Patient.id) == col(CheckIn.patient_id))
            .join(TreatmentSession, col(TreatmentSession.id) == col(CheckIn.session_id), isouter=True)
            .where(Patient.clinic_id == clinic_id, Patient.status != PatientStatus.DELETED))


def _view(row: CheckIn, number: int | None) -> CheckInView:
    return CheckInView(
        id=row.id or 0, at=row.answered_at or row.created_at, kind=row.kind, status=row.status,
        session_number=number, soreness=row.soreness, swelling=row.swelling, function=row.function,
        signs=tuple(row.signs or ()), level=row.level, note=row.note,
    )


async def answered_between(session: AsyncSession, clinic_id: str, start: datetime,
                           end: datetime) -> list[LabelledCheckIn]:
    """Check-ins (and free-text reports) answered in ``[start, end)``, newest first."""
    statement = (_checkin_query(clinic_id)
                 .where(col(CheckIn.answered_at) >= start, col(CheckIn.answered_at) < end)
                 .order_by(col(CheckIn.answered_at).desc()))
    return [LabelledCheckIn(label, _view(row, number)) for row, label, number in (await session.exec(statement)).all()]


async def unanswered_since(session: AsyncSession, clinic_id: str, since: datetime,
                           now: datetime) -> list[LabelledCheckIn]:
    """Scheduled check-ins sent since ``since`` that have no answer yet (still open, or overtaken)."""
    statement = (_checkin_query(clinic_id)
                 .where(col(CheckIn.kind).in_(SCHEDULED_KINDS), col(CheckIn.status).in_(WAITING_STATUSES))
                 .where(col(CheckIn.answered_at).is_(None), col(CheckIn.soreness).is_(None))
                 .where(col(CheckIn.created_at) >= since, col(CheckIn.created_at) <= now)
                 .order_by(col(CheckIn.created_at)))
    return [LabelledCheckIn(label, _view(row, number)) for row, label, number in (await session.exec(statement)).all()]


async def sessions_between(session: AsyncSession, clinic_id: str, start: datetime, end: datetime) -> list[DaySession]:
    """Sessions scheduled (or given) in ``[start, end)``, cancelled ones left out, in time order."""
    statement = (
        select(TreatmentSession, Course.area, Patient.label)
        .join(Course, col(Course.id) == col(TreatmentSession.course_id))
        .join(Patient, col(Patient.id) == col(Course.patient_id))
        .where(Patient.clinic_id == clinic_id, Patient.status != PatientStatus.DELETED)
        .where(TreatmentSession.status != SessionStatus.CANCELLED)
        .where(or_(
            (col(TreatmentSession.scheduled_at) >= start) & (col(TreatmentSession.scheduled_at) < end),
            (col(TreatmentSession.done_at) >= start) & (col(TreatmentSession.done_at) < end),
        ))
    )
    rows = [DaySession(label, area, row.number, str(row.status), row.done_at or row.scheduled_at)
            for row, area, label in (await session.exec(statement)).all()]
    return sorted(rows, key=lambda found: (found.at, found.label))
