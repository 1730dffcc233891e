"""Session times keep the interval on the patient's wall clock; rescheduling re-spaces."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.models import SessionStatus
from bot.domain.durations import IsoDuration, add_months, resolve_local
from bot.domain.schedule import (
    SESSION_STATUSES,
    SessionInfo,
    initial_sessions,
    reschedule_following,
    session_times,
    shift,
)

NY = ZoneInfo("America/New_York")
P4W = IsoDuration.parse("P4W")


def local(y: int, mo: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = NY) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(UTC)


def walls(times: list[datetime], tz: ZoneInfo = NY) -> list[datetime]:
    return [t.astimezone(tz).replace(tzinfo=None) for t in times]


def test_statuses_match_the_model() -> None:
    assert {s.value for s in SessionStatus} == SESSION_STATUSES


@pytest.mark.parametrize(
    ("first", "interval", "count", "expected_walls"),
    [
        # every 4 weeks at 10:00 local, across the March DST change
        (
            local(2026, 2, 20, 10),
            P4W,
            4,
            [datetime(2026, 2, 20, 10), datetime(2026, 3, 20, 10), datetime(2026, 4, 17, 10),
             datetime(2026, 5, 15, 10)],
        ),
        # across the November change
        (
            local(2026, 10, 15, 9, 30),
            P4W,
            2,
            [datetime(2026, 10, 15, 9, 30), datetime(2026, 11, 12, 9, 30)],
        ),
        # a session on a non-existent time moves past the gap, the next is back at 02:30
        (
            local(2026, 2, 8, 2, 30),
            P4W,
            3,
            [datetime(2026, 2, 8, 2, 30), datetime(2026, 3, 8, 3, 30), datetime(2026, 4, 5, 2, 30)],
        ),
        # monthly from the 31st: clamps, then comes back to the 31st (no drift)
        (
            local(2026, 1, 31, 10),
            IsoDuration.parse("P1M"),
            3,
            [datetime(2026, 1, 31, 10), datetime(2026, 2, 28, 10), datetime(2026, 3, 31, 10)],
        ),
        (local(2026, 1, 5, 10), P4W, 1, [datetime(2026, 1, 5, 10)]),
        (local(2026, 1, 5, 10), P4W, 0, []),
    ],
)  # fmt: skip
def test_session_times_table(
    first: datetime, interval: IsoDuration, count: int, expected_walls: list[datetime]
) -> None:
    times = session_times(first, interval, count, NY)
    assert walls(times) == expected_walls
    assert all(t.tzinfo is UTC for t in times)


def test_spring_forward_keeps_wall_clock_not_elapsed_time() -> None:
    first, second = session_times(local(2026, 2, 20, 10), P4W, 2, NY)
    assert second - first == timedelta(weeks=4) - timedelta(hours=1)


@pytest.mark.parametrize(
    ("interval", "count"), [("P0D", 2), ("-P4W", 2), ("P4W", -1)]
)
def test_session_times_rejects_nonsense(interval: str, count: int) -> None:
    with pytest.raises(ValueError):
        session_times(local(2026, 1, 5, 10), IsoDuration.parse(interval), count, NY)


def test_session_times_rejects_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        session_times(datetime(2026, 1, 5, 10), P4W, 2, NY)


def test_initial_sessions_are_numbered_from_one() -> None:
    sessions = initial_sessions(local(2026, 1, 5, 10), P4W, 3, NY)
    assert [s.number for s in sessions] == [1, 2, 3]
    assert {s.status for s in sessions} == {"planned"}


def _course(*statuses: str) -> list[SessionInfo]:
    times = session_times(local(2026, 1, 5, 10), P4W, len(statuses), NY)
    return [
        SessionInfo(number=n, scheduled_at=at, status=status)
        for n, (at, status) in enumerate(zip(times, statuses, strict=True), start=1)
    ]


def test_reschedule_moves_later_planned_sessions_with_the_interval() -> None:
    course = _course("done", "planned", "planned", "planned")
    moved = reschedule_following(course, 2, local(2026, 2, 5, 15), P4W, NY)
    assert moved[0] == course[0]
    assert walls([s.scheduled_at for s in moved[1:]]) == [
        datetime(2026, 2, 5, 15), datetime(2026, 3, 5, 15), datetime(2026, 4, 2, 15)
    ]  # fmt: skip


def test_reschedule_keeps_confirmed_sessions_and_anchors_on_them() -> None:
    course = _course("planned", "planned", "confirmed", "planned")
    moved = reschedule_following(course, 1, local(2026, 1, 7, 10), P4W, NY)
    assert moved[2] == course[2]  # confirmed: untouched
    assert walls([moved[1].scheduled_at])[0] == datetime(2026, 2, 4, 10)
    # session 4 follows the confirmed session 3, not the moved session 1
    assert moved[3].scheduled_at == session_times(course[2].scheduled_at, P4W, 2, NY)[1]


def test_reschedule_leaves_cancelled_alone_but_counts_their_slot() -> None:
    course = _course("planned", "cancelled", "planned")
    moved = reschedule_following(course, 1, local(2026, 1, 12, 10), P4W, NY)
    assert moved[1] == course[1]
    assert walls([moved[2].scheduled_at])[0] == datetime(2026, 3, 9, 10)


def test_reschedule_unknown_session() -> None:
    with pytest.raises(ValueError, match="no session number 9"):
        reschedule_following(_course("planned"), 9, local(2026, 1, 12, 10), P4W, NY)


def test_session_info_validates() -> None:
    with pytest.raises(ValueError, match="status"):
        SessionInfo(1, local(2026, 1, 5, 10), status="later")
    with pytest.raises(ValueError, match="naive"):
        SessionInfo(1, datetime(2026, 1, 5, 10))


# --- properties across random zones and DST changes --------------------------------------

ZONES = sorted(available_timezones())
INTERVALS = [IsoDuration.parse(text) for text in ("P1W", "P2W", "P3W", "P4W", "P1M", "P6W", "P5D")]


def _exists(naive: datetime, tz: ZoneInfo) -> bool:
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def _transitions(tz: ZoneInfo, year: int) -> list[datetime]:
    """Local dates (at midnight) on which the zone's UTC offset changes during ``year``."""
    out = []
    day = datetime(year, 1, 1, 12, tzinfo=UTC)
    previous = day.astimezone(tz).utcoffset()
    for _ in range(366):
        day += timedelta(days=1)
        offset = day.astimezone(tz).utcoffset()
        if offset != previous:
            out.append(day.astimezone(tz).replace(tzinfo=None, hour=0, minute=0))
        previous = offset
    return out


@st.composite
def first_sessions(draw: st.DrawFn) -> tuple[datetime, ZoneInfo]:
    """A first session in a random zone, often placed so a later one hits a DST day."""
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    year = draw(st.integers(2001, 2036))
    clock = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    changes = _transitions(tz, year)
    near_a_change = draw(st.booleans())
    if changes and near_a_change:
        target = draw(st.sampled_from(changes)).date()
        day = target - timedelta(weeks=draw(st.integers(0, 5)) * 4)
    else:
        day = draw(st.dates(date(year, 1, 1), date(year, 12, 31)))
    return resolve_local(datetime.combine(day, clock), tz).astimezone(UTC), tz


@settings(max_examples=150, deadline=None)
@given(first_sessions(), st.sampled_from(INTERVALS), st.integers(1, 6))
def test_session_times_hold_the_wall_clock(
    first: tuple[datetime, ZoneInfo], interval: IsoDuration, count: int
) -> None:
    start, tz = first
    times = session_times(start, interval, count, tz)
    assert len(times) == count
    assert times == sorted(times) and len(set(times)) == count
    start_wall = start.astimezone(tz).replace(tzinfo=None)
    for n, moment in enumerate(times):
        wall = moment.astimezone(tz).replace(tzinfo=None, fold=0)
        assert _exists(wall, tz) or moment.astimezone(tz).fold == 1  # never a skipped time
        day = add_months(start_wall.date(), n * interval.months) + timedelta(days=n * interval.days)
        wanted = datetime.combine(day, start_wall.time())
        if _exists(wanted, tz):
            assert wall == wanted  # same local time of day
        else:
            assert wall == resolve_local(wanted, tz).replace(tzinfo=None)  # pushed past the gap
            assert wall > wanted


@settings(max_examples=100, deadline=None)
@given(first_sessions(), st.sampled_from(INTERVALS), st.integers(2, 6), st.data())
def test_reschedule_matches_a_fresh_schedule(
    first: tuple[datetime, ZoneInfo], interval: IsoDuration, count: int, data: st.DataObject
) -> None:
    start, tz = first
    course = initial_sessions(start, interval, count, tz)
    k = data.draw(st.integers(1, count))
    new_time = start + timedelta(hours=data.draw(st.integers(-500, 500)))
    moved = reschedule_following(course, k, new_time, interval, tz)
    assert [s.number for s in moved] == [s.number for s in course]
    assert moved[: k - 1] == course[: k - 1]
    fresh = session_times(new_time, interval, count - k + 1, tz)
    assert [s.scheduled_at for s in moved[k - 1 :]] == fresh


# --- shift: calendar on the wall clock, clock part elapsed ---------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # 23:00 EST + PT6H across the spring-forward night = 06:00 EDT (six real hours)
        (local(2026, 3, 7, 23), "PT6H", local(2026, 3, 8, 6)),
        # P1D keeps the wall clock: 10:00 -> 10:00 (23 real hours)
        (local(2026, 3, 7, 10), "P1D", local(2026, 3, 8, 10)),
        (local(2026, 3, 9, 10), "-P2D", local(2026, 3, 7, 10)),
        (local(2026, 3, 9, 10), "-PT2H", local(2026, 3, 9, 8)),
        # a day that lands in the gap moves past it
        (local(2026, 3, 7, 2, 30), "P1D", local(2026, 3, 8, 3, 30)),
    ],
)
def test_shift_table(start: datetime, duration: str, expected: datetime) -> None:
    assert shift(start, IsoDuration.parse(duration), NY) == expected


def test_shift_keeps_the_second_pass_of_a_repeated_hour() -> None:
    second_pass = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 01:00 EST, after 01:00 EDT
    assert shift(second_pass, IsoDuration(), NY) == second_pass
    assert shift(second_pass, IsoDuration(seconds=60), NY) == second_pass + timedelta(minutes=1)


@settings(max_examples=150, deadline=None)
@given(first_sessions(), st.integers(0, 10**6), st.booleans())
def test_shift_clock_part_is_elapsed(first: tuple[datetime, ZoneInfo], seconds: int, back: bool) -> None:
    start, tz = first
    moved = shift(start, IsoDuration(seconds=seconds, negative=back), tz)
    assert moved - start == timedelta(seconds=-seconds if back else seconds)
