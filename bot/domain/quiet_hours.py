"""Quiet hours: when the bot holds routine messages back, in the patient's own clock.

A window is ``[start, end)`` in local wall-clock time. ``start < end`` is a
same-day window (13:00-14:00); ``start > end`` crosses midnight (21:00-08:00);
``start == end`` means the clinic has no quiet hours. A moment is quiet when
its local time of day falls in the window, so the repeated hour of an autumn
clock change is judged by what the clock on the patient's wall shows, twice.

Routine messages due inside the window wait for its end (``next_allowed``);
reminders that must not slip past their session can instead be pulled back to
the last minute before the window began (``last_allowed_before``). Escalations
never come through here (docs/CLINICAL.md: quiet hours delay reminders, never
escalation messages).

DST: an end time skipped by a spring-forward gap (end 02:30 on a night that
jumps 02:00 -> 03:00) ends the window at the first instant after the gap
(03:00 local), because that is the first minute the patient's clock reads
02:30 or later. Everything returned is an aware UTC datetime.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class QuietHours(Protocol):
    """Anything with a ``start`` and an ``end`` time of day, like a clinic's ``quiet_hours:`` block."""

    @property
    def start(self) -> time: ...

    @property
    def end(self) -> time: ...


QuietSpec = QuietHours | tuple[time, time] | None
"""What callers may pass: the clinic's quiet hours, a ``(start, end)`` pair, or ``None``."""

# Enough days to step past any real-world gap (Samoa skipped a whole day in 2011).
_SEARCH_DAYS = 4
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Window:
    """A normalised quiet window; never empty (an empty one is ``None`` instead)."""

    start: time
    end: time

    def contains(self, clock: time) -> bool:
        """Whether a local time of day (seconds count) is inside ``[start, end)``."""
        clock = clock.replace(tzinfo=None, fold=0)
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end


def window(quiet: QuietSpec) -> Window | None:
    """Normalise any accepted spelling of quiet hours; ``None`` when there are none."""
    if quiet is None:
        return None
    start, end = quiet if isinstance(quiet, tuple) else (quiet.start, quiet.end)
    start, end = _strip(start), _strip(end)
    return None if start == end else Window(start, end)


def _strip(clock: time) -> time:
    return clock.replace(tzinfo=None, fold=0)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given to quiet-hours code; pass an aware UTC datetime")


def is_quiet(moment: datetime, quiet: QuietSpec, tz: ZoneInfo) -> bool:
    """Whether ``moment`` falls inside quiet hours as seen on the patient's clock."""
    _require_aware(moment)
    span = window(quiet)
    return span is not None and span.contains(moment.astimezone(tz).time())


def first_instant_at_or_after(naive: datetime, tz: ZoneInfo) -> datetime:
    """The first UTC instant at which the clock in ``tz`` reads ``naive`` or later.

    For an ordinary or ambiguous wall time that is its (first) occurrence; for a
    time skipped by a DST gap it is the end of the gap, found by bisection
    between the two readings PEP 495 gives a non-existent time.
    """
    early = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if early.astimezone(tz).replace(tzinfo=None) == naive.replace(fold=0):
        return early
    later = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = sorted((int(later.timestamp()), math.ceil(early.timestamp())))
    # Invariant: the clock reads < naive at ``low`` and >= naive at ``high``.
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _instants(day: date, clock: time, tz: ZoneInfo) -> list[datetime]:
    """Every instant the local clock starts showing ``clock`` on ``day`` (two if repeated)."""
    naive = datetime.combine(day, clock)
    first = first_instant_at_or_after(naive, tz)
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    repeated = second != first and second.astimezone(tz).replace(tzinfo=None) == naive
    return [first, second] if repeated else [first]


def next_allowed(moment: datetime, quiet: QuietSpec, tz: ZoneInfo) -> datetime:
    """``moment`` itself when outside quiet hours, else the instant the window ends.

    The result is never earlier than ``moment`` and never inside quiet hours.
    """
    _require_aware(moment)
    span = window(quiet)
    if span is None or not span.contains(moment.astimezone(tz).time()):
        return moment
    today = moment.astimezone(tz).date()
    for ahead in range(_SEARCH_DAYS):
        for candidate in _instants(today + timedelta(days=ahead), span.end, tz):
            if candidate > moment and not span.contains(candidate.astimezone(tz).time()):
                return candidate
    raise AssertionError(f"no end of quiet hours found after {moment.isoformat()} in {tz}")


def last_allowed_before(moment: datetime, quiet: QuietSpec, tz: ZoneInfo) -> datetime | None:
    """``moment`` itself when outside quiet hours, else the last minute before the window began.

    ``None`` when that minute is itself quiet (only possible when a DST gap
    swallows the whole allowed stretch), so callers can drop the message.
    """
    _require_aware(moment)
    span = window(quiet)
    if span is None or not span.contains(moment.astimezone(tz).time()):
        return moment
    today = moment.astimezone(tz).date()
    for back in range(_SEARCH_DAYS):
        starts = _instants(today - timedelta(days=back), span.start, tz)
        began = [instant for instant in starts if instant <= moment]
        if began:
            candidate = (max(began) - _MINUTE).astimezone(UTC)
            if span.contains(candidate.astimezone(tz).time()):
                return None
            return candidate
    return None
