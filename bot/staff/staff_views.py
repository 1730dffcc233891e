"""What clinic staff read: the patient list and one patient's timeline, as plain data.

Shared by the Telegram staff commands, the CLI (``aftercare patients``,
``aftercare patient``) and the web console, so everything here returns frozen
dataclasses of ids, labels, levels and UTC datetimes, never Telegram types or
ORM rows that would lazily load after their session closed. Phrasing and
timezones are the caller's business.

The list is built with a fixed number of queries per clinic (patients,
courses, sessions, latest check-ins, open alerts), not one per patient, so a
clinic with hundreds of patients still answers ``/patients`` quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.charts import ChartData, ChartLabels, ChartPoint, SessionMark, swelling_score
from bot.core.models import Alert, CheckIn, Course, Patient, PatientMedia, SessionStatus, TreatmentSession
from bot.core.patients import LIVE_STATUSES

UPCOMING = (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
T = TypeVar("T")


@dataclass(frozen=True)
class PatientRow:
    """One line of ``/patients``: where a patient is in their course and what needs attention."""

    label: str
    status: str
    area: str | None
    sessions_done: int
    sessions_planned: int
    next_session_number: int | None
    next_session_at: datetime | None
    last_checkin_at: datetime | None
    last_checkin_level: str | None
    open_alerts: int
    flags: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """JSON-ready (ISO 8601 UTC times) for ``aftercare patients --json`` and the console."""
        data = asdict(self)
        for key in ("next_session_at", "last_checkin_at"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        data["flags"] = list(self.flags)
        return data


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; ``number`` counts from 0 and is clamped into range."""

    items: Sequence[T]
    number: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number + 1 < self.pages


def paginate(rows: Sequence[T], number: int, size: int) -> Page[T]:
    pages = max((len(rows) + size - 1) // size, 1)
    number = min(max(number, 0), pages - 1)
    return Page(rows[number * size:(number + 1) * size], number, pages, len(rows))


@dataclass(frozen=True)
class SessionView:
    number: int
    status: str
    scheduled_at: datetime
    done_at: datetime | None

    @property
    def at(self) -> datetime:
        """When it happened (done) or is planned to."""
        return self.done_at or self.scheduled_at


@dataclass(frozen=True)
class CheckInView:
    """A check-in, follow-up or free-text report; answers are ``None`` when not given."""

    id: int
    at: datetime
    kind: str
    status: str
    session_number: int | None
    soreness: int | None
    swelling: str | None
    function: str | None
    signs: tuple[str, ...]
    level: str | None
    note: str | None

    @property
    def answered(self) -> bool:
        return any(v not in (None, "") for v in (self.soreness, self.swelling, self.function, self.note)) \
            or bool(self.signs)


@dataclass(frozen=True)
class AlertView:
    id: int
    at: datetime
    level: str
    signs: tuple[str, ...]
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    realert_count: int
    label: str = ""
    taken_name: str | None = None
    taken_at: datetime | None = None
    resolved_at: datetime | None = None
    outcome: str | None = None

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def state(self) -> str:
        """Where handling stands: ``open``, ``acknowledged``, ``taken`` or ``resolved``."""
        if self.resolved_at is not None:
            return "resolved"
        if self.taken_at is not None:
            return "taken"
        return "open" if self.open else "acknowledged"


@dataclass(frozen=True)
class MediaView:
    """A photo, voice note, video or file the patient sent; ``caption_level`` is ``None`` when no caption was read."""

    id: int
    at: datetime
    kind: str
    caption_level: str | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "session" | "checkin" | "alert" | "media"
    item: SessionView | CheckInView | AlertView | MediaView


@dataclass(frozen=True)
class Timeline:
    """Everything staff see about one patient, oldest first within each list."""

    label: str
    clinic_id: str
    status: str
    timezone: str
    language: str
    flags: tuple[str, ...]
    area: str | None
    planned_sessions: int
    sessions: tuple[SessionView, ...] = ()
    checkins: tuple[CheckInView, ...] = ()
    alerts: tuple[AlertView, ...] = ()
    created_at: datetime | None = field(default=None)
    media: tuple[MediaView, ...] = ()

    def entries(self) -> list[TimelineEntry]:
        """Sessions, check-ins, alerts and files merged in time order (a session before its check-ins)."""
        merged = [TimelineEntry(s.at, "session", s) for s in self.sessions]
        merged += [TimelineEntry(c.at, "checkin", c) for c in self.checkins]
        merged += [TimelineEntry(a.at, "alert", a) for a in self.alerts]
        merged += [TimelineEntry(m.at, "media", m) for m in self.media]
        order = {"session": 0, "media": 1, "checkin": 2, "alert": 3}
        return sorted(merged, key=lambda entry: (entry.at, order[entry.kind]))

    def chart_points(self) -> list[ChartPoint]:
        """Answered soreness/swelling values: exactly what the chart plots."""
        return [ChartPoint(c.at, c.soreness, swelling_score(c.swelling)) for c in self.checkins
                if c.soreness is not None or swelling_score(c.swelling) is not None]

    def session_marks(self) -> list[SessionMark]:
        """The injections given (done sessions): the chart's vertical lines."""
        return [SessionMark(s.at, s.number) for s in self.sessions if s.status == SessionStatus.DONE]

    def chart_data(self, labels: ChartLabels, language: str) -> ChartData:
        """Chart input in the patient's timezone, with the reader's labels and date language."""
        return ChartData(self.chart_points(), self.session_marks(), ZoneInfo(self.timezone), language, labels)


# --- the patient list ---------------------------------------------------------------


async def patient_rows(session: AsyncSession, clinic_id: str) -> list[PatientRow]:
    """Active and paused patients of a clinic, by label."""
    statement = (select(Patient).where(Patient.clinic_id == clinic_id)
                 .where(col(Patient.status).in_(LIVE_STATUSES)).order_by(col(Patient.label)))
    patients = list((await session.exec(statement)).all())
    ids = [p.id for p in patients if p.id is not None]
    if not ids:
        return []
    courses = await _latest_courses(session, ids)
    sessions = await _sessions_by_course(session, [c.id for c in courses.values() if c.id is not None])
    checkins = await _latest_checkins(session, ids)
    alerts = await _open_alert_counts(session, clinic_id, ids)
    return [_row(p, courses.get(p.id or 0), sessions, checkins.get(p.id or 0), alerts.get(p.id or 0, 0))
            for p in patients]


def _row(patient: Patient, course: Course | None, sessions: dict[int, list[TreatmentSession]],
         checkin: CheckIn | None, open_alerts: int) -> PatientRow:
    rows = sessions.get(course.id or 0, []) if course is not None else []
    upcoming = sorted((s for s in rows if s.status in UPCOMING), key=lambda s: s.scheduled_at)
    following = upcoming[0] if upcoming else None
    return PatientRow(
        label=patient.label, status=str(patient.status), area=course.area if course else None,
        sessions_done=sum(1 for s in rows if s.status == SessionStatus.DONE),
        sessions_planned=course.planned_sessions if course else 0,
        next_session_number=following.number if following else None,
        next_session_at=following.scheduled_at if following else None,
        last_checkin_at=(checkin.answered_at or checkin.created_at) if checkin else None,
        last_checkin_level=checkin.level if checkin else None,
        open_alerts=open_alerts, flags=tuple(patient.flags or ()),
    )


async def _latest_courses(session: AsyncSession, patient_ids: list[int]) -> dict[int, Course]:
    newest = (select(func.max(Course.id)).where(col(Course.patient_id).in_(patient_ids))
              .group_by(col(Course.patient_id)))
    rows = await session.exec(select(Course).where(col(Course.id).in_(newest.scalar_subquery())))
    return {course.patient_id: course for course in rows.all()}


async def _sessions_by_course(session: AsyncSession, course_ids: list[int]) -> dict[int, list[TreatmentSession]]:
    found: dict[int, list[TreatmentSession]] = {}
    if not course_ids:
        return found
    rows = await session.exec(select(TreatmentSession).where(col(TreatmentSession.course_id).in_(course_ids)))
    for row in rows.all():
        found.setdefault(row.course_id, []).append(row)
    return found


def _answered_clause() -> Any:
    return or_(col(CheckIn.answered_at).is_not(None), col(CheckIn.level).is_not(None))


async def _latest_checkins(session: AsyncSession, patient_ids: list[int]) -> dict[int, CheckIn]:
    """Each patient's newest check-in that has an answer (or a triage level)."""
    newest = (select(func.max(CheckIn.id)).where(col(CheckIn.patient_id).in_(patient_ids))
              .where(_answered_clause()).group_by(col(CheckIn.patient_id)))
    rows = await session.exec(select(CheckIn).where(col(CheckIn.id).in_(newest.scalar_subquery())))
    return {checkin.patient_id: checkin for checkin in rows.all()}


async def _open_alert_counts(session: AsyncSession, clinic_id: str, patient_ids: list[int]) -> dict[int, int]:
    statement = (
        select(Alert.patient_id, func.count())
        .where(Alert.clinic_id == clinic_id, col(Alert.patient_id).in_(patient_ids))
        .where(col(Alert.acknowledged_at).is_(None))
        .group_by(col(Alert.patient_id))
    )
    return {patient_id: int(count) for patient_id, count in (await session.exec(statement)).all()}


# --- one patient ---------------------------------------------------------------------


async def find_patient(session: AsyncSession, clinic_id: str, label: str) -> Patient | None:
    """The clinic's patient with this label (any status); labels are case-insensitive."""
    statement = select(Patient).where(Patient.clinic_id == clinic_id, Patient.label == label.upper())
    return (await session.exec(statement)).first()


async def timeline(session: AsyncSession, clinic_id: str, label: str) -> Timeline | None:
    """The patient's latest course, every check-in and every alert; ``None`` for an unknown label."""
    patient = await find_patient(session, clinic_id, label)
    if patient is None or patient.id is None:
        return None
    course = (await session.exec(select(Course).where(Course.patient_id == patient.id)
                                 .order_by(col(Course.id).desc()))).first()
    rows = (await _sessions_by_course(session, [course.id])).get(course.id, []) if course and course.id else []
    sessions = tuple(SessionView(s.number, str(s.status), s.scheduled_at, s.done_at)
                     for s in sorted(rows, key=lambda s: s.number))
    return Timeline(
        label=patient.label, clinic_id=patient.clinic_id, status=str(patient.status),
        timezone=patient.timezone, language=patient.language, flags=tuple(patient.flags or ()),
        area=course.area if course else None, planned_sessions=course.planned_sessions if course else 0,
        sessions=sessions, checkins=tuple(await _checkins(session, patient.id)),
        alerts=tuple(await _alerts(session, patient)), created_at=patient.created_at,
        media=tuple(await _media(session, patient.id)),
    )


async def _checkins(session: AsyncSession, patient_id: int) -> list[CheckInView]:
    """Answered check-ins and the ones that went unanswered; a still-open unanswered one is left out."""
    statement = (select(CheckIn, TreatmentSession.number)
                 .join(TreatmentSession, col(TreatmentSession.id) == col(CheckIn.session_id), isouter=True)
                 .where(CheckIn.patient_id == patient_id).order_by(col(CheckIn.id)))
    views = []
    for checkin, number in (await session.exec(statement)).all():
        view = CheckInView(
            id=checkin.id or 0, at=checkin.answered_at or checkin.created_at, kind=checkin.kind,
            status=checkin.status, session_number=number, soreness=checkin.soreness, swelling=checkin.swelling,
            function=checkin.function, signs=tuple(checkin.signs or ()), level=checkin.level, note=checkin.note,
        )
        if view.answered or view.status != "open":
            views.append(view)
    return sorted(views, key=lambda view: view.at)


async def _media(session: AsyncSession, patient_id: int) -> list[MediaView]:
    statement = select(PatientMedia).where(PatientMedia.patient_id == patient_id).order_by(col(PatientMedia.id))
    return [MediaView(m.id or 0, m.received_at, m.kind, m.caption_level) for m in (await session.exec(statement)).all()]


async def _alerts(session: AsyncSession, patient: Patient) -> list[AlertView]:
    statement = select(Alert).where(Alert.patient_id == patient.id).order_by(col(Alert.id))
    return [alert_view(alert, patient.label) for alert in (await session.exec(statement)).all()]


def alert_view(alert: Alert, label: str) -> AlertView:
    return AlertView(alert.id or 0, alert.created_at, alert.level, tuple(alert.signs or ()), alert.acknowledged_at,
                     alert.acknowledged_by, alert.realert_count, label, taken_name=alert.taken_name,
                     taken_at=alert.taken_at, resolved_at=alert.resolved_at, outcome=alert.outcome)


async def open_alerts(session: AsyncSession, clinic_id: str) -> list[AlertView]:
    """Alerts nobody has acknowledged yet, emergencies first, then oldest first."""
    statement = (select(Alert, Patient.label).join(Patient, col(Patient.id) == col(Alert.patient_id))
                 .where(Alert.clinic_id == clinic_id).where(col(Alert.acknowledged_at).is_(None))
                 .order_by(col(Alert.id)))
    views = [alert_view(alert, label) for alert, label in (await session.exec(statement)).all()]
    return sorted(views, key=lambda view: (view.level != "emergency", view.at))
