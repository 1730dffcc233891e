"""The outcome figures' SQL: every count, rate and quantile is computed by the database.

What counts (docs/CONSOLE.md, "Outcomes", says the same for staff):

- A **check-in** or **follow-up** is one the protocol planned: its
  ``check_in`` row was created when the bot sent the question of a course
  message, whose key names the offset (``c12:s3:checkin:P1D``,
  ``c12:followup:P6W``; see ``bot.domain.message_plan``). Watch re-checks
  are left out: only patients who were already sore get them, so they would
  tilt the figures. Free-text reports are not check-ins.
- **Soreness** by check-in offset (the clinic's check-in days: ``PT6H`` is
  day 0, ``P3D`` day 3), area and session number: every answered soreness,
  even when the patient stopped before the last question.
- **Follow-ups**: pain (stored in ``soreness``) and function by offset.
- **Answered** means the questions were finished (``status = answered``);
  sent means the row exists.
- **Injections** are sessions marked done; **alerts** are grouped by the
  area of the patient's course (one course per enrolment).
- **Period**: each row counts when its own time falls inside it: the
  question's send time (``check_in.created_at``), the injection's
  ``done_at``, the alert's ``created_at``.

Check-ins are read once per page: one statement turns them into a small
histogram (a CTE) and derives every check-in figure from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, Integer, Select, String, case, cast, func, literal_column, null, select, union_all
from sqlalchemy.engine import Row
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CTE
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.checkins.queries import CheckInKind, CheckInStatus
from bot.core.models import Alert, CheckIn, Course, ScheduledMessage, SessionStatus, TreatmentSession
from bot.domain.periods import Period
from bot.outcomes.sql import MEDIAN_P90, QUARTILES, quantiles, seconds_between, text_after

PLANNED_KINDS = (CheckInKind.CHECKIN, CheckInKind.FOLLOWUP)
OFFSET = case((col(CheckIn.kind) == CheckInKind.CHECKIN, text_after(col(ScheduledMessage.dedupe_key), ":checkin:")),
              else_=text_after(col(ScheduledMessage.dedupe_key), ":followup:"))
"""The planned offset of a course check-in or follow-up, from its message's key (constant markers: cheaper)."""


@dataclass(frozen=True)
class Scope:
    """Which rows: one clinic, optionally one area, within a period."""

    clinic_id: str
    area: str | None = None
    period: Period = field(default_factory=Period)


@dataclass(frozen=True)
class Spread:
    """``n`` values and their quartiles (or median and 90th percentile: ``q1``/``q3`` unused)."""

    n: int
    median: float
    q1: float | None = None
    q3: float | None = None
    p90: float | None = None


@dataclass
class CheckInFigures:
    """Everything computed from check-ins, keyed by area first."""

    soreness: dict[tuple[str, int, str], Spread]  # (area, session number, offset)
    pain: dict[tuple[str, str], Spread]  # (area, offset)
    function: dict[tuple[str, str, str], int]  # (area, offset, better|same|worse) -> answers
    rates: dict[tuple[str, str], tuple[int, int]]  # (area, checkin|followup) -> (answered, sent)


async def _rows(session: AsyncSession, statement: Executable) -> Sequence[Row[Any]]:
    """Core statements run on the session's connection (the ORM session is for model rows)."""
    connection = await session.connection()
    return (await connection.execute(statement)).all()


def _within(query: Select[Any], moment: Any, scope: Scope) -> Select[Any]:
    if scope.area is not None:
        query = query.where(col(Course.area) == scope.area)
    if scope.period.start is not None:
        query = query.where(moment >= scope.period.start)
    if scope.period.end is not None:
        query = query.where(moment < scope.period.end)
    return query


def _asked(scope: Scope) -> CTE:
    """Planned check-ins and follow-ups as a histogram: one row per distinct combination, and how many."""
    rows = (select(col(Course.area).label("area"), col(CheckIn.kind).label("kind"),
                   col(TreatmentSession.number).label("number"), OFFSET.label("offset"),
                   col(CheckIn.soreness).label("value"), col(CheckIn.function).label("function"),
                   case((col(CheckIn.status) == CheckInStatus.ANSWERED, 1), else_=0).label("answered"))
            .select_from(CheckIn)
            .join(ScheduledMessage, col(ScheduledMessage.id) == col(CheckIn.scheduled_message_id))
            .join(TreatmentSession, col(TreatmentSession.id) == col(CheckIn.session_id))
            .join(Course, col(Course.id) == col(TreatmentSession.course_id))
            .where(col(Course.clinic_id) == scope.clinic_id, col(CheckIn.kind).in_(PLANNED_KINDS)))
    found = _within(rows, col(CheckIn.created_at), scope).subquery("planned")
    # Grouped outside: PostgreSQL would not see the key expression in SELECT and GROUP BY as one.
    # A key without the marker (a watch re-check, "checkin:12:recheck") has no offset and is left out.
    keys = [found.c.area, found.c.kind, found.c.number, found.c.offset, found.c.value, found.c.function,
            found.c.answered]
    return select(*keys, func.count().label("c")).where(found.c.offset.is_not(None)).group_by(*keys).cte("asked")


def _spread_branch(asked: CTE, kind: str, groups: tuple[str, ...]) -> Select[Any]:
    histogram = (select(*(asked.c[g] for g in groups), asked.c.value, func.sum(asked.c.c).label("c"))
                 .where(asked.c.kind == kind, asked.c.value.is_not(None))
                 .group_by(*(asked.c[g] for g in groups), asked.c.value)).subquery()
    spread = quantiles(histogram, groups, QUARTILES).subquery()
    number = spread.c.number if "number" in groups else cast(null(), Integer)
    return select(literal_column(f"'{kind}'").label("figure"), spread.c.area, number.label("number"),
                  spread.c.offset, cast(null(), String).label("label"), spread.c.n.label("n"),
                  spread.c.q1, spread.c.median, spread.c.q3, cast(null(), Integer).label("answered"))


def _count_branch(asked: CTE, figure: str, label: ColumnElement[Any], offset: ColumnElement[Any],
                  *where: ColumnElement[bool]) -> Select[Any]:
    total = cast(func.sum(asked.c.c), Integer)
    answered = cast(func.sum(asked.c.c * asked.c.answered), Integer)
    nothing = cast(null(), Float)
    return (select(literal_column(f"'{figure}'").label("figure"), asked.c.area,
                   cast(null(), Integer).label("number"), offset.label("offset"), label.label("label"),
                   total.label("n"), nothing.label("q1"), nothing.label("median"), nothing.label("q3"),
                   answered.label("answered"))
            .where(*where).group_by(asked.c.area, offset, label))


async def checkin_figures(session: AsyncSession, scope: Scope) -> CheckInFigures:
    """Soreness, pain, function and answer rates in one statement (check-ins are scanned once)."""
    asked = _asked(scope)
    statement = union_all(
        _spread_branch(asked, "checkin", ("area", "number", "offset")),
        _spread_branch(asked, "followup", ("area", "offset")),
        _count_branch(asked, "function", asked.c.function, asked.c.offset,
                      asked.c.kind == CheckInKind.FOLLOWUP, asked.c.function.is_not(None)),
        _count_branch(asked, "rate", asked.c.kind, cast(null(), String)),
    )
    found = CheckInFigures({}, {}, {}, {})
    for r in await _rows(session, statement):
        if r.figure == "checkin":
            found.soreness[(r.area, r.number, r.offset)] = Spread(r.n, r.median, r.q1, r.q3)
        elif r.figure == "followup":
            found.pain[(r.area, r.offset)] = Spread(r.n, r.median, r.q1, r.q3)
        elif r.figure == "function":
            found.function[(r.area, r.offset, r.label)] = r.n
        else:
            found.rates[(r.area, r.label)] = (r.answered, r.n)
    return found


def _alert_rows(scope: Scope, *columns: ColumnElement[Any]) -> Select[Any]:
    query = (select(*columns).select_from(Alert).join(Course, col(Course.patient_id) == col(Alert.patient_id))
             .where(col(Alert.clinic_id) == scope.clinic_id))
    return _within(query, col(Alert.created_at), scope)


def _injection_counts(scope: Scope) -> Any:
    columns: list[Any] = [col(Course.area).label("area"), func.count().label("injections")]
    query = (select(*columns).select_from(TreatmentSession)
             .join(Course, col(Course.id) == col(TreatmentSession.course_id))
             .where(col(Course.clinic_id) == scope.clinic_id, col(TreatmentSession.status) == SessionStatus.DONE)
             .group_by(col(Course.area)))
    return _within(query, col(TreatmentSession.done_at), scope).subquery("injections")


@dataclass(frozen=True)
class AlertCount:
    alerts: int
    acknowledged: int
    per_100: float | None  # None when the area had no injection in the period


async def injections(session: AsyncSession, scope: Scope) -> dict[str, int]:
    counted = _injection_counts(scope)
    return {r.area: r.injections for r in await _rows(session, select(counted))}


async def alert_counts(session: AsyncSession, scope: Scope) -> dict[tuple[str, str], AlertCount]:
    """``(area, level)`` -> alerts raised, how many were acknowledged, and alerts per 100 injections."""
    area: ColumnElement[str] = col(Course.area).label("area")
    level: ColumnElement[str] = col(Alert.level).label("level")
    raised = (_alert_rows(scope, area, level, func.count().label("alerts"),
                          func.count(col(Alert.acknowledged_at)).label("acknowledged"))
              .group_by(col(Course.area), col(Alert.level)).subquery("raised"))
    counted = _injection_counts(scope)
    per_100 = cast(raised.c.alerts, Float) * 100.0 / cast(func.nullif(counted.c.injections, 0), Float)
    query = select(raised.c.area, raised.c.level, raised.c.alerts, raised.c.acknowledged,
                   per_100.label("per_100")).select_from(raised).outerjoin(counted, counted.c.area == raised.c.area)
    return {(r.area, r.level): AlertCount(r.alerts, r.acknowledged, r.per_100)
            for r in await _rows(session, query)}


async def acknowledgement_times(session: AsyncSession, scope: Scope) -> dict[tuple[str, str], Spread]:
    """``(area, level)`` -> median and 90th percentile of seconds from alert to acknowledgement."""
    waited = seconds_between(col(Alert.acknowledged_at), col(Alert.created_at))
    rows = (_alert_rows(scope, col(Course.area).label("area"), col(Alert.level).label("level"),
                        waited.label("value")).where(col(Alert.acknowledged_at).is_not(None)).subquery())
    histogram = (select(rows.c.area, rows.c.level, rows.c.value, func.count().label("c"))
                 .group_by(rows.c.area, rows.c.level, rows.c.value)).subquery()
    found = await _rows(session, quantiles(histogram, ("area", "level"), MEDIAN_P90))
    return {(r.area, r.level): Spread(r.n, r.median, p90=r.p90) for r in found}
