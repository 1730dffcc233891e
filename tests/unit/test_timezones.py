"""Typed timezones: IANA names in any case, whole-hour offsets, clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.timezones import (
    COMMON_TIMEZONES,
    ParsedZone,
    TimezoneError,
    parse_timezone,
    utc_offset_label,
)


@pytest.mark.parametrize(
    ("text", "name", "fixed"),
    [
        ("Europe/Madrid", "Europe/Madrid", False),
        ("europe/madrid", "Europe/Madrid", False),
        ("  EUROPE/MADRID ", "Europe/Madrid", False),
        ("america/new york", "America/New_York", False),
        ("Madrid", "Europe/Madrid", False),
        ("new york", "America/New_York", False),
        ("Mexico City", "America/Mexico_City", False),
        ("UTC+2", "Etc/GMT-2", True),
        ("utc + 2", "Etc/GMT-2", True),
        ("GMT-3", "Etc/GMT+3", True),
        ("-0300", "Etc/GMT+3", True),
        ("+05:00", "Etc/GMT-5", True),
        ("UTC\u22125", "Etc/GMT+5", True),
        ("+14", "Etc/GMT-14", True),
        ("-12:00", "Etc/GMT+12", True),
        ("UTC", "UTC", True),
        ("gmt", "UTC", True),
        ("Z", "UTC", True),
        ("+00:00", "UTC", True),
        ("Etc/GMT-2", "Etc/GMT-2", True),
    ],
)
def test_accepted(text: str, name: str, fixed: bool) -> None:
    assert parse_timezone(text) == ParsedZone(name, fixed)
    assert parse_timezone(text).zone == ZoneInfo(name)


@pytest.mark.parametrize(
    ("text", "reason", "suggestion"),
    [
        ("", "empty", None),
        ("   ", "empty", None),
        ("Mars/Olympus", "unknown", None),
        ("eastern", "unknown", None),
        ("UTC+15", "out_of_range", None),
        ("-13", "out_of_range", None),
        ("+05:30", "partial_hour_offset", "Asia/Kolkata"),
        ("+0545", "partial_hour_offset", "Asia/Kathmandu"),
        ("-03:30", "partial_hour_offset", "America/St_Johns"),
        ("+02:15", "partial_hour_offset", None),
        ("+02:75", "unknown", None),
        ("buenos aires", "ambiguous", "America/Argentina/Buenos_Aires"),
    ],
)
def test_refused(text: str, reason: str, suggestion: str | None) -> None:
    with pytest.raises(TimezoneError) as caught:
        parse_timezone(text)
    assert caught.value.reason == reason
    if suggestion:
        assert suggestion in caught.value.suggestions
        assert all(ZoneInfo(name) for name in caught.value.suggestions)


def test_offset_zone_has_the_typed_offset_all_year() -> None:
    zone = parse_timezone("UTC+2").zone
    for month in (1, 7):
        assert datetime(2026, month, 1, tzinfo=UTC).astimezone(zone).utcoffset() == timedelta(hours=2)


def test_common_timezones_are_valid_and_unique() -> None:
    names = [name for name, _ in COMMON_TIMEZONES]
    assert 6 <= len(names) <= 12 and len(set(names)) == len(names)
    for name, label in COMMON_TIMEZONES:
        assert parse_timezone(name).name == name
        assert label


def test_utc_offset_label() -> None:
    assert utc_offset_label("Europe/Madrid", datetime(2026, 1, 1, tzinfo=UTC)) == "UTC+01:00"
    assert utc_offset_label("Europe/Madrid", datetime(2026, 7, 1, tzinfo=UTC)) == "UTC+02:00"
    assert utc_offset_label("America/St_Johns", datetime(2026, 1, 1, tzinfo=UTC)) == "UTC-03:30"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(available_timezones())), st.sampled_from([str.lower, str.upper, str]))
def test_every_iana_name_round_trips_in_any_case(name: str, case: object) -> None:
    typed = case(name)  # type: ignore[operator]
    parsed = parse_timezone(typed)
    # GMT, GMT+0, GMT-0 ... read as the UTC offset they are.
    same_as_utc = datetime(2026, 1, 1, tzinfo=ZoneInfo(name)).utcoffset() == timedelta(0)
    assert parsed.name.lower() == name.lower() or (parsed.name == "UTC" and same_as_utc)
    ZoneInfo(parsed.name)


@settings(max_examples=100, deadline=None)
@given(st.integers(-12, 14), st.sampled_from(["UTC{:+d}", "GMT{:+d}", "{:+03d}:00", "{:+03d}00"]))
def test_whole_hour_offsets(hours: int, pattern: str) -> None:
    parsed = parse_timezone(pattern.format(hours))
    assert parsed.fixed_offset
    offset = datetime(2026, 3, 1, tzinfo=UTC).astimezone(parsed.zone).utcoffset()
    assert offset == timedelta(hours=hours)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
def test_never_crashes(text: str) -> None:
    try:
        parsed = parse_timezone(text)
    except TimezoneError as error:
        assert error.reason in {"empty", "unknown", "ambiguous", "out_of_range", "partial_hour_offset"}
    else:
        ZoneInfo(parsed.name)
