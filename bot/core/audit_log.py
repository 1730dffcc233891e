"""Reading the audit trail: the queries behind ``aftercare logs`` (and anything else that lists events).

The statements are plain ``select`` objects, so the CLI runs them on a
synchronous session and the bot could run them on an async one. Every filter
combination is served by an index on ``(column, at)`` or ``at`` walked
backwards, which keeps "the newest 50" fast on millions of rows (see
``bench/logs.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from bot.core.models import AuditEvent

_DURATION = re.compile(r"(\d+)([smhdw])")
LEVELS = ("debug", "info", "warning", "error", "critical")
_ALIASES = {"warn": "warning", "err": "error", "fatal": "critical"}


_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400}


MAX_AGO = timedelta(days=100 * 366)
"""A duration ago is at most a century: more is a typo, and would overflow date arithmetic."""


def parse_moment(option: str, value: str, now: datetime, zone: tzinfo = UTC) -> datetime:
    """``2h``/``30m``/``7d``/``1h30m`` ago, or an ISO time; else a one-line ``ValueError``.

    An ISO time without an offset is on ``zone``'s clock: UTC for the CLI (its
    table is in UTC), the clinic's for the console (whose pages show clinic time).
    """
    text = value.strip().lower()
    if text and _DURATION.sub("", text) == "":
        return now - _ago(option, value, text)
    try:
        moment = datetime.fromisoformat(value.strip())
        return (moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"{option}: expected an ISO time (2025-03-01T08:00) or a duration (30m, 2h, 7d), "
                         f"got {value[:40]!r}") from None


def _ago(option: str, value: str, text: str) -> timedelta:
    seconds = sum(int(number[-20:]) * _UNIT_SECONDS[unit] if len(number.lstrip("0")) <= 20 else 10**30
                  for number, unit in _DURATION.findall(text))
    if seconds > MAX_AGO.total_seconds():
        raise ValueError(f"{option}: {value[:40]!r} is more than {MAX_AGO.days // 366} years ago")
    return timedelta(seconds=seconds)


def normalise_level(level: str) -> str:
    """``WARN`` -> ``warning``; raises ``ValueError`` for anything that is not a level."""
    name = _ALIASES.get(level.strip().lower(), level.strip().lower())
    if name not in LEVELS:
        raise ValueError(f"unknown level {level!r} (use one of {', '.join(LEVELS)})")
    return name


def levels_from(minimum: str) -> tuple[str, ...]:
    """The levels at or above ``minimum``: ``--level warning`` also shows errors."""
    return LEVELS[LEVELS.index(normalise_level(minimum)):]


@dataclass(frozen=True)
class AuditFilter:
    """What to show; ``None``/empty means "any". ``since`` is inclusive, ``until`` exclusive."""

    clinic_id: str | None = None
    patient_label: str | None = None
    events: tuple[str, ...] = ()
    min_level: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def conditions(self) -> Iterable[Any]:
        if self.clinic_id is not None:
            yield col(AuditEvent.clinic_id) == self.clinic_id
        if self.patient_label is not None:
            yield col(AuditEvent.patient_label) == self.patient_label.upper()
        if len(self.events) == 1:
            yield col(AuditEvent.event) == self.events[0]
        elif self.events:
            yield col(AuditEvent.event).in_(self.events)
        if self.min_level is not None:
            wanted = levels_from(self.min_level)
            if wanted != LEVELS:
                yield col(AuditEvent.level).in_(wanted)
        if self.since is not None:
            yield col(AuditEvent.at) >= self.since
        if self.until is not None:
            yield col(AuditEvent.at) < self.until

    def matches(self, row: AuditEvent) -> bool:
        """The same test as ``conditions``, on a loaded row."""
        return (
            (self.clinic_id is None or row.clinic_id == self.clinic_id)
            and (self.patient_label is None or row.patient_label == self.patient_label.upper())
            and (not self.events or row.event in self.events)
            and (self.min_level is None or row.level in levels_from(self.min_level))
            and (self.since is None or _aware(row.at) >= self.since)
            and (self.until is None or _aware(row.at) < self.until)
        )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def newest(flt: AuditFilter, limit: int) -> Any:
    """The ``limit`` newest matching events, newest first (callers print them reversed)."""
    return (
        select(AuditEvent)
        .where(*flt.conditions())
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    )


def between_ids(above: int, up_to: int) -> Any:
    """All events with ``above < id <= up_to``, oldest first; ``--follow`` filters them with ``matches``.

    A primary-key range and no other condition: SQLite's planner (without
    ANALYZE statistics) would otherwise walk a filter's index for every poll.
    """
    return (
        select(AuditEvent)
        .where(col(AuditEvent.id) > above, col(AuditEvent.id) <= up_to)
        .order_by(col(AuditEvent.id))
    )


def highest_id() -> Any:
    """The newest row id in the whole table (primary-key lookup, no filter)."""
    return select(func.max(AuditEvent.id))


def recorded_clinics() -> Any:
    """The clinic ids the trail holds, in order: what ``--clinic`` can match."""
    return select(AuditEvent.clinic_id).where(col(AuditEvent.clinic_id).is_not(None)).distinct().order_by(
        col(AuditEvent.clinic_id))


def recorded_events() -> Any:
    """The event names the trail holds, in order: what ``--event`` can match."""
    return select(AuditEvent.event).distinct().order_by(col(AuditEvent.event))
