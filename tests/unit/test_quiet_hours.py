"""Quiet hours: table cases for the usual windows and DST nights, then properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.clinic_config import QuietHours
from bot.domain.quiet_hours import (
    QuietSpec,
    first_instant_at_or_after,
    is_quiet,
    last_allowed_before,
    next_allowed,
    window,
)

NY = ZoneInfo("America/New_York")
MADRID = ZoneInfo("Europe/Madrid")
NIGHT = (time(21, 0), time(8, 0))
LUNCH = (time(13, 0), time(14, 0))


def local(y: int, mo: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = NY, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz, fold=fold).astimezone(UTC)


@pytest.mark.parametrize(
    ("moment", "quiet", "expected"),
    [
        # outside: unchanged
        (local(2026, 5, 4, 12), NIGHT, local(2026, 5, 4, 12)),
        (local(2026, 5, 4, 8), NIGHT, local(2026, 5, 4, 8)),
        (local(2026, 5, 4, 20, 59), NIGHT, local(2026, 5, 4, 20, 59)),
        # evening part of a window crossing midnight -> next morning
        (local(2026, 5, 4, 21), NIGHT, local(2026, 5, 5, 8)),
        (local(2026, 5, 4, 23, 30), NIGHT, local(2026, 5, 5, 8)),
        # early-morning part -> same morning
        (local(2026, 5, 5, 0), NIGHT, local(2026, 5, 5, 8)),
        (local(2026, 5, 5, 7, 59), NIGHT, local(2026, 5, 5, 8)),
        # same-day window
        (local(2026, 5, 4, 13), LUNCH, local(2026, 5, 4, 14)),
        (local(2026, 5, 4, 13, 45), LUNCH, local(2026, 5, 4, 14)),
        (local(2026, 5, 4, 14), LUNCH, local(2026, 5, 4, 14)),
        (local(2026, 5, 4, 22), LUNCH, local(2026, 5, 4, 22)),
        # start == end: no quiet hours at all
        (local(2026, 5, 4, 3), (time(8), time(8)), local(2026, 5, 4, 3)),
        (local(2026, 5, 4, 3), None, local(2026, 5, 4, 3)),
        # the clinic model works as well as a tuple
        (local(2026, 5, 4, 22), QuietHours(), local(2026, 5, 5, 8)),
        # the night clocks spring forward (NY 2026-03-08 02:00 -> 03:00): 8:00 EDT
        (local(2026, 3, 7, 22), NIGHT, local(2026, 3, 8, 8)),
        # the night clocks fall back (NY 2026-11-01 02:00 -> 01:00): 8:00 EST
        (local(2026, 10, 31, 22), NIGHT, local(2026, 11, 1, 8)),
        # end time inside the spring gap: the first instant after the gap (03:00 EDT)
        (local(2026, 3, 8, 1), (time(21), time(2, 30)), local(2026, 3, 8, 3)),
    ],
)
def test_next_allowed_table(moment: datetime, quiet: QuietSpec, expected: datetime) -> None:
    assert next_allowed(moment, quiet, NY) == expected


def test_end_at_the_start_of_a_gap() -> None:
    # Madrid's gap is 02:00 -> 03:00 on 2026-03-29: quiet hours ending 02:00 end at 03:00.
    moment = local(2026, 3, 29, 1, tz=MADRID)
    assert next_allowed(moment, (time(22), time(2)), MADRID) == local(2026, 3, 29, 3, tz=MADRID)


def test_next_allowed_uses_the_given_zone() -> None:
    # 22:00 UTC is 23:00 in Madrid (quiet) but 18:00 in New York (allowed).
    moment = datetime(2026, 1, 10, 22, 0, tzinfo=UTC)
    assert next_allowed(moment, NIGHT, NY) == moment
    assert next_allowed(moment, NIGHT, MADRID) == local(2026, 1, 11, 8, tz=MADRID)


def test_repeated_hour_is_quiet_twice_and_never_goes_back() -> None:
    # Window 21:00-01:30 on the fall-back night: 01:10 (second pass, EST) is quiet
    # again and must end at the *second* 01:30, not the earlier first one.
    quiet = (time(21), time(1, 30))
    second_pass = local(2026, 11, 1, 1, 10, fold=1)
    assert is_quiet(second_pass, quiet, NY)
    assert next_allowed(second_pass, quiet, NY) == local(2026, 11, 1, 1, 30, fold=1)
    first_pass = local(2026, 11, 1, 1, 40)
    assert not is_quiet(first_pass, quiet, NY)


@pytest.mark.parametrize(
    ("moment", "quiet", "expected"),
    [
        (local(2026, 5, 4, 12), NIGHT, local(2026, 5, 4, 12)),
        (local(2026, 5, 5, 6), NIGHT, local(2026, 5, 4, 20, 59)),
        (local(2026, 5, 4, 23), NIGHT, local(2026, 5, 4, 20, 59)),
        (local(2026, 5, 4, 13, 30), LUNCH, local(2026, 5, 4, 12, 59)),
    ],
)
def test_last_allowed_before_table(moment: datetime, quiet: tuple[time, time], expected: datetime) -> None:
    assert last_allowed_before(moment, quiet, NY) == expected


def test_is_quiet_boundaries() -> None:
    assert is_quiet(local(2026, 5, 4, 21), NIGHT, NY)
    assert not is_quiet(local(2026, 5, 4, 8), NIGHT, NY)
    assert is_quiet(local(2026, 5, 4, 13), LUNCH, NY)
    assert not is_quiet(local(2026, 5, 4, 14), LUNCH, NY)
    assert window((time(9), time(9))) is None


def test_first_instant_at_or_after() -> None:
    assert first_instant_at_or_after(datetime(2026, 3, 8, 2, 30), NY) == local(2026, 3, 8, 3)
    assert first_instant_at_or_after(datetime(2026, 11, 1, 1, 30), NY) == local(2026, 11, 1, 1, 30)
    assert first_instant_at_or_after(datetime(2026, 6, 1, 9, 15), NY) == local(2026, 6, 1, 9, 15)
    # Samoa skipped 2011-12-30 entirely.
    apia = ZoneInfo("Pacific/Apia")
    assert first_instant_at_or_after(datetime(2011, 12, 30, 9), apia) == local(2011, 12, 31, 0, tz=apia)


def test_naive_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        next_allowed(datetime(2026, 1, 1, 12), NIGHT, NY)


# --- properties -------------------------------------------------------------------------

ZONES = sorted(available_timezones())
clock_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 30, 45, 59]))
# Instants between 2000 and 2037, biased to the spring/autumn DST months.
moments = st.one_of(
    st.datetimes(datetime(2000, 1, 1), datetime(2037, 12, 31)),
    st.builds(
        lambda year, month, day, minute: datetime(year, month, day) + timedelta(minutes=minute),
        st.integers(2000, 2037),
        st.sampled_from([3, 4, 9, 10, 11]),
        st.integers(1, 28),
        st.integers(0, 48 * 60),
    ),
).map(lambda naive: naive.replace(tzinfo=UTC))


@settings(max_examples=200, deadline=None)
@given(moments, clock_times, clock_times, st.sampled_from(ZONES))
def test_next_allowed_properties(moment: datetime, start: time, end: time, zone: str) -> None:
    tz, quiet = ZoneInfo(zone), (start, end)
    result = next_allowed(moment, quiet, tz)
    assert result >= moment
    assert not is_quiet(result, quiet, tz)
    if not is_quiet(moment, quiet, tz):
        assert result == moment
    else:
        # The first allowed instant: everything between is quiet.
        probe = moment
        while probe < result:
            assert is_quiet(probe, quiet, tz)
            probe += timedelta(minutes=17)
        assert result.second == 0


@settings(max_examples=150, deadline=None)
@given(moments, clock_times, clock_times, st.sampled_from(ZONES))
def test_last_allowed_before_properties(moment: datetime, start: time, end: time, zone: str) -> None:
    tz, quiet = ZoneInfo(zone), (start, end)
    result = last_allowed_before(moment, quiet, tz)
    if result is None:
        return
    assert result <= moment
    assert not is_quiet(result, quiet, tz)
    if not is_quiet(moment, quiet, tz):
        assert result == moment


@settings(max_examples=150, deadline=None)
@given(
    st.dates(date(2000, 1, 1), date(2037, 12, 31)),
    clock_times,
    st.sampled_from(ZONES),
)
def test_first_instant_is_first(day: date, clock: time, zone: str) -> None:
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, clock)
    instant = first_instant_at_or_after(naive, tz)
    assert instant.astimezone(tz).replace(tzinfo=None) >= naive
    assert (instant - timedelta(seconds=1)).astimezone(tz).replace(tzinfo=None) < naive
