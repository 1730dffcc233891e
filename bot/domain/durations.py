"""ISO 8601 durations as clinics write them (``P2D``, ``PT6H``, ``P3M``, ``PT5S``).

Offsets are applied the way people read them: the calendar part (years, months,
weeks, days) moves the wall-clock date in the patient's timezone, so "two days
before a 10:00 session" is 10:00 local even across a DST change; the clock part
(hours, minutes, seconds) is elapsed time, so "6 hours after the injection" is
six real hours.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_ISO = re.compile(
    r"^(?P<sign>[-+])?P"
    r"(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


MAX_SPAN_SECONDS = 100 * 366 * 86_400
"""No duration this project reads is longer than a century; anything above is a typo, and would
overflow date arithmetic long before it meant anything (``P99999999999D``)."""


class DurationError(ValueError):
    """Raised for text that is not an ISO 8601 duration this project accepts."""


@dataclass(frozen=True, order=True)
class IsoDuration:
    """A signed duration split into a calendar part and an elapsed-time part."""

    months: int = 0
    days: int = 0
    seconds: int = 0
    negative: bool = False

    @classmethod
    def parse(cls, text: str) -> IsoDuration:
        """Parse ``P1Y2M3W4DT5H6M7S`` (any part optional, optional leading sign)."""
        cleaned = text.strip().upper() if isinstance(text, str) else ""
        match = _ISO.match(cleaned)
        if match is None or cleaned.lstrip("+-") == "P" or cleaned.endswith("T"):
            raise DurationError(f"{text!r} is not an ISO 8601 duration (e.g. P2D, PT6H, P4W)")
        if any(len(value.lstrip("0")) > 12 for value in match.groupdict().values() if value):
            raise DurationError(f"{text!r} is longer than 100 years")
        parts = {k: int(v) if v else 0 for k, v in match.groupdict().items() if k != "sign"}
        parsed = cls(
            months=parts["years"] * 12 + parts["months"],
            days=parts["weeks"] * 7 + parts["days"],
            seconds=parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"],
            negative=match.group("sign") == "-",
        )
        if parsed.approx_seconds > MAX_SPAN_SECONDS:
            raise DurationError(f"{text!r} is longer than 100 years")
        return parsed

    @property
    def is_zero(self) -> bool:
        return self.months == 0 and self.days == 0 and self.seconds == 0

    @property
    def approx_seconds(self) -> int:
        """Unsigned length in seconds (a month counts as 30 days), safe to compare at any size."""
        return (self.months * 30 + self.days) * 86_400 + self.seconds

    def approx_timedelta(self) -> timedelta:
        """Length for sorting and sanity checks (a month counts as 30 days)."""
        span = timedelta(days=self.months * 30 + self.days, seconds=self.seconds)
        return -span if self.negative else span

    def __neg__(self) -> IsoDuration:
        return IsoDuration(self.months, self.days, self.seconds, not self.negative)

    def __str__(self) -> str:
        if self.is_zero:
            return "PT0S"
        out = "-P" if self.negative else "P"
        years, months = divmod(self.months, 12)
        weeks, days = divmod(self.days, 7)
        if days == 0 and weeks and not (years or months):
            out += f"{weeks}W"
        else:
            days += weeks * 7
            out += f"{years}Y" * bool(years) + f"{months}M" * bool(months) + f"{days}D" * bool(days)
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if self.seconds:
            out += "T" + f"{hours}H" * bool(hours) + f"{minutes}M" * bool(minutes)
            out += f"{seconds}S" * bool(seconds)
        return out

    def apply(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """Shift an aware UTC ``moment`` by this duration as seen in ``tz``; returns UTC."""
        sign = -1 if self.negative else 1
        local = moment.astimezone(tz)
        if self.months or self.days:
            shifted = add_months(local.date(), sign * self.months) + timedelta(days=sign * self.days)
            local = resolve_local(datetime.combine(shifted, local.time()), tz)
        return local.astimezone(UTC) + timedelta(seconds=sign * self.seconds)


def add_months(day: date, months: int) -> date:
    """Calendar month arithmetic, clamping to the month's last day (Jan 31 + 1M = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def resolve_local(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach ``tz`` to a wall-clock time; a time skipped by DST moves forward past the gap.

    Ambiguous times (the repeated hour in autumn) take the first occurrence.
    """
    aware = naive.replace(tzinfo=tz, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip == naive:
        return aware
    # Non-existent local time: read with the pre-gap offset it lands past the gap
    # (02:30 on a spring-forward night becomes 03:30).
    return aware.astimezone(UTC).astimezone(tz)
