"""Reporting periods: whole days on the clinic's calendar, typed as YYYY-MM-DD (outcomes filters)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.periods import Period, PeriodError, period

NEW_YORK = ZoneInfo("America/New_York")


def test_no_dates_is_all_time() -> None:
    assert period(None, "", NEW_YORK) == Period()
    assert not Period().bounded


def test_dates_are_clinic_midnights_and_until_is_inclusive() -> None:
    found = period("2026-03-02", "2026-03-03", NEW_YORK)
    assert (found.since, found.until) == (date(2026, 3, 2), date(2026, 3, 3))
    assert found.start == datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # midnight in New York, EST
    assert found.end == datetime(2026, 3, 4, 5, 0, tzinfo=UTC)  # the midnight after the last day


def test_a_day_across_the_spring_clock_change_is_23_hours() -> None:
    found = period("2026-03-08", "2026-03-08", NEW_YORK)
    assert found.start is not None and found.end is not None
    assert (found.end - found.start).total_seconds() == 23 * 3600


def test_one_sided_periods() -> None:
    assert period("2026-01-01", None, NEW_YORK).end is None
    assert period(None, "2026-01-01", NEW_YORK).start is None


@pytest.mark.parametrize("typed", ["2026-13-01", "01/02/2026", "yesterday", "2026-1-5", "0001-01-01",
                                   "2026-02-30", "20260102"])
def test_what_is_not_a_date_names_the_field(typed: str) -> None:
    with pytest.raises(PeriodError) as raised:
        period(typed, None, NEW_YORK)
    assert (raised.value.field, raised.value.problem, raised.value.value) == ("since", "not_a_date", typed)


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(PeriodError) as raised:
        period("2026-05-01", "2026-04-30", NEW_YORK)
    assert (raised.value.field, raised.value.problem) == ("until", "reversed")


def test_the_same_day_twice_is_one_day() -> None:
    found = period(" 2026-05-01 ", "2026-05-01", NEW_YORK)
    assert found.since == found.until == date(2026, 5, 1)
