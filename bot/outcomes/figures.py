"""A clinic's outcomes per treated area: the SQL figures of ``queries`` laid out for a page or a file.

The database computes every figure; this module only arranges them: one
``AreaOutcomes`` per area of the clinic's protocols (and any area found in
the data that the clinic file no longer lists), with the check-in days and
follow-up offsets the protocol plans shown even where no answer exists yet,
so a gap reads as a gap. Shared by the console page, its charts and
``aftercare outcomes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clinic_config import Clinic
from bot.domain.durations import DurationError, IsoDuration
from bot.domain.message_plan import days_since
from bot.domain.periods import Period
from bot.outcomes import queries
from bot.outcomes.queries import AlertCount, CheckInFigures, Scope, Spread

ALERT_LEVELS = ("emergency", "urgent")
FUNCTIONS = ("better", "same", "worse")
_ANCHOR = datetime(2001, 1, 15, 12, tzinfo=UTC)  # the day of an offset in days and hours does not depend on it
_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Offset:
    """A check-in offset of the protocol (``PT6H``) and the day after the injection it falls on (0)."""

    offset: str
    day: int | None  # None: an offset that no longer parses (old data)
    days: float  # its length in days, for a chart's x axis


@dataclass(frozen=True)
class SessionRow:
    """Soreness after one session number, by check-in offset (missing: no answer there)."""

    number: int
    by_offset: dict[str, Spread]


@dataclass(frozen=True)
class FollowupRow:
    offset: str
    pain: Spread | None
    function: dict[str, int]  # better / same / worse -> answers

    @property
    def function_answers(self) -> int:
        return sum(self.function.values())


@dataclass(frozen=True)
class AlertRow:
    level: str
    count: AlertCount
    waited: Spread | None  # seconds from alert to acknowledgement


@dataclass(frozen=True)
class Rate:
    answered: int
    sent: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.answered / self.sent if self.sent else None


@dataclass(frozen=True)
class AreaOutcomes:
    area: str
    offsets: list[Offset]
    sessions: list[SessionRow]
    followups: list[FollowupRow]
    checkins: Rate
    followup_rate: Rate
    injections: int
    alerts: list[AlertRow]

    @property
    def answers(self) -> int:
        """Answered soreness and follow-up pain values: zero means there is nothing to chart."""
        return (sum(s.n for row in self.sessions for s in row.by_offset.values())
                + sum(row.pain.n for row in self.followups if row.pain is not None))

    @property
    def has_data(self) -> bool:
        return bool(self.answers or self.checkins.sent or self.followup_rate.sent or self.injections
                    or any(row.count.alerts for row in self.alerts))


@dataclass(frozen=True)
class ClinicOutcomes:
    clinic_id: str
    period: Period
    areas: list[AreaOutcomes]

    @property
    def answers(self) -> int:
        return sum(area.answers for area in self.areas)

    def as_json(self) -> dict[str, Any]:
        return {"clinic": self.clinic_id, "period": self.period.as_json(),
                "areas": [_area_json(area) for area in self.areas]}


@dataclass(frozen=True)
class _Found:
    """What the queries returned, keyed by area first."""

    checkins: CheckInFigures
    injections: dict[str, int]
    alerts: dict[tuple[str, str], AlertCount]
    waited: dict[tuple[str, str], Spread]

    def areas(self) -> set[str]:
        c = self.checkins
        tables = (c.soreness, c.pain, c.function, c.rates, self.alerts, self.waited)
        return {key[0] for table in tables for key in table} | set(self.injections)


async def outcomes(session: AsyncSession, clinic: Clinic, area: str | None = None,
                   period: Period | None = None) -> ClinicOutcomes:
    """Every figure for ``clinic`` (one ``area`` or all), rows counted when their time is in ``period``."""
    scope = Scope(clinic.id, area, period or Period())
    found = _Found(await queries.checkin_figures(session, scope), await queries.injections(session, scope),
                   await queries.alert_counts(session, scope), await queries.acknowledgement_times(session, scope))
    names = [area] if area is not None else [*clinic.protocols, *sorted(found.areas() - set(clinic.protocols))]
    return ClinicOutcomes(clinic.id, scope.period, [_lay_out(clinic, name, found) for name in names])


def _lay_out(clinic: Clinic, name: str, found: _Found) -> AreaOutcomes:
    soreness, pain, function = found.checkins.soreness, found.checkins.pain, found.checkins.function
    offsets = _ordered(_protocol(clinic, name, "checkins_after") | {o for (a, _, o) in soreness if a == name})
    numbers = sorted({number for (a, number, _) in soreness if a == name})
    sessions = [SessionRow(n, {o: s for (a, num, o), s in soreness.items() if a == name and num == n})
                for n in numbers]
    later = _ordered(_protocol(clinic, name, "followups_after_last") | {o for (a, o) in pain if a == name}
                     | {o for (a, o, _) in function if a == name})
    followups = [FollowupRow(o.offset, pain.get((name, o.offset)),
                             {f: function.get((name, o.offset, f), 0) for f in FUNCTIONS}) for o in later]
    levels = [*ALERT_LEVELS, *sorted({lv for (a, lv) in found.alerts if a == name} - set(ALERT_LEVELS))]
    injections = found.injections.get(name, 0)
    none_raised = AlertCount(0, 0, 0.0 if injections else None)
    alerts = [AlertRow(lv, found.alerts.get((name, lv), none_raised), found.waited.get((name, lv))) for lv in levels]
    rates = found.checkins.rates
    return AreaOutcomes(name, offsets, sessions, followups, Rate(*rates.get((name, "checkin"), (0, 0))),
                        Rate(*rates.get((name, "followup"), (0, 0))), injections, alerts)


def _protocol(clinic: Clinic, area: str, field: str) -> set[str]:
    protocol = clinic.protocols.get(area)
    return {str(offset) for offset in getattr(protocol, field)} if protocol is not None else set()


def _offset(text: str) -> Offset:
    try:
        duration = IsoDuration.parse(text)
    except DurationError:
        return Offset(text, None, float("inf"))
    length = duration.approx_timedelta().total_seconds() / 86400
    return Offset(text, days_since(_ANCHOR, duration, _UTC), length)


def _ordered(offsets: set[str]) -> list[Offset]:
    """Shortest first; an offset that no longer parses (it came from old data) goes last."""
    return sorted((_offset(text) for text in offsets), key=lambda o: (o.days, o.offset))


def _spread(spread: Spread | None) -> dict[str, Any] | None:
    if spread is None:
        return None
    values = {"n": spread.n, "median": spread.median, "q1": spread.q1, "q3": spread.q3, "p90": spread.p90}
    return {key: value for key, value in values.items() if value is not None}


def _area_json(area: AreaOutcomes) -> dict[str, Any]:
    return {
        "area": area.area,
        "checkin_offsets": [{"offset": o.offset, "day": o.day} for o in area.offsets],
        "soreness": [{"session": row.number, "by_offset": {o: _spread(s) for o, s in row.by_offset.items()}}
                     for row in area.sessions],
        "followups": [{"offset": row.offset, "pain": _spread(row.pain), "function": row.function}
                      for row in area.followups],
        "answer_rates": {
            "checkins": {"answered": area.checkins.answered, "sent": area.checkins.sent},
            "followups": {"answered": area.followup_rate.answered, "sent": area.followup_rate.sent},
        },
        "injections": area.injections,
        "alerts": [{"level": row.level, "alerts": row.count.alerts, "per_100_injections": row.count.per_100,
                    "acknowledged": row.count.acknowledged, "seconds_to_acknowledge": _spread(row.waited)}
                   for row in area.alerts],
    }
