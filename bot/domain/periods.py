"""A reporting period typed by a person: whole days on the clinic's calendar.

Outcome figures and their filters (``aftercare outcomes --since``, the
console's outcomes page) take dates, not instants: a clinician asks about
"March", not about "March 1st 05:00 UTC". ``since`` starts at the clinic's
midnight of that date; ``until`` is inclusive, so the period ends at the
clinic's midnight after it. Either may be left out (open-ended). Bad input
raises ``PeriodError`` naming the field, for one clear line in the CLI and
an error beside the form in the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EARLIEST_YEAR, LATEST_YEAR = 1970, 9998


class PeriodError(ValueError):
    """``field`` is ``since`` or ``until``; ``problem`` is ``not_a_date`` or ``reversed``."""

    def __init__(self, field: str, problem: str, value: str = "") -> None:
        super().__init__(f"{field}: {problem} ({value!r})" if value else f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.value = value


@dataclass(frozen=True)
class Period:
    """Dates as typed (``None`` = open) and the UTC instants they mean: ``start <= t < end``."""

    since: date | None = None
    until: date | None = None
    start: datetime | None = None
    end: datetime | None = None

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.until is not None

    def as_json(self) -> dict[str, str | None]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


def parse_day(field: str, text: str) -> date:
    """``YYYY-MM-DD`` (what a browser's date input sends), or ``PeriodError``."""
    typed = text.strip()
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        raise PeriodError(field, "not_a_date", typed) from None
    if len(typed) != 10 or not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise PeriodError(field, "not_a_date", typed)
    return day


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` on ``zone``'s clock, in UTC (a midnight skipped by DST: just after)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def period(since: str | None, until: str | None, zone: ZoneInfo) -> Period:
    """The period from the typed dates (empty or ``None`` = open); ``until`` counts as a whole day."""
    first = parse_day("since", since) if since and since.strip() else None
    last = parse_day("until", until) if until and until.strip() else None
    if first is not None and last is not None and first > last:
        raise PeriodError("until", "reversed", last.isoformat())
    return Period(
        since=first, until=last,
        start=midnight(first, zone) if first is not None else None,
        end=midnight(last + timedelta(days=1), zone) if last is not None else None,
    )
