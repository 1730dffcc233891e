"""The bot's clock in tests: pinned to a chosen instant, so no test depends on when the suite runs.

The clock starts at ``PINNED_NOW`` and then runs at real speed: a check-in due
in ``PT2S`` still arrives two seconds later, while the date, the hour, the day
of the week and the clinic's quiet hours are the same on every run. A test that
is about the hour (quiet hours, midnight, a DST change) passes its own instant.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.clock import ShiftedClock

PINNED_NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
"""A Wednesday, 10:00 at the example clinic (New York) and 16:00 in Madrid: working hours in both,
outside quiet hours, far from midnight and from any DST change."""


def pinned_clock(at: datetime = PINNED_NOW) -> ShiftedClock:
    """A clock that reads ``at`` now and moves on with real time (and with ``advance``)."""
    return ShiftedClock(at)

