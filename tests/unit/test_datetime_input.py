"""Typed first-session times: formats per language, errors, DST, and a fuzz pass."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.datetime_input import (
    HELP_EXAMPLES,
    MAX_AHEAD,
    InputError,
    ParsedMoment,
    Problem,
    parse_session_time,
)
from bot.domain.durations import resolve_local

NY = ZoneInfo("America/New_York")
MADRID = ZoneInfo("Europe/Madrid")
# Wednesday 2026-03-04, 10:00 in New York.
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


def parse(text: str, lang: str = "en", tz: ZoneInfo = NY, now: datetime = NOW) -> ParsedMoment | InputError:
    return parse_session_time(text, tz=tz, lang=lang, now=now)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("2026-12-03 10:30", "en", datetime(2026, 12, 3, 10, 30)),
        ("2026-12-03T10:30", "es", datetime(2026, 12, 3, 10, 30)),
        ("2026/12/03 10:30", "en", datetime(2026, 12, 3, 10, 30)),
        ("3/12 10:30", "en", datetime(2026, 3, 12, 10, 30)),  # month/day
        ("3/12 10:30", "es", datetime(2026, 12, 3, 10, 30)),  # day/month
        ("12/3/2026 10:30", "en", datetime(2026, 12, 3, 10, 30)),
        ("3.12.26 10:30", "es", datetime(2026, 12, 3, 10, 30)),
        ("25/12 10:00", "en", datetime(2026, 12, 25, 10)),  # only one reading is a date
        ("1/2 9:00", "en", datetime(2027, 1, 2, 9)),  # passed this year -> next year
        ("Dec 3 10:30", "en", datetime(2026, 12, 3, 10, 30)),
        ("December 3rd, 2026 at 10:30 p.m.", "en", datetime(2026, 12, 3, 22, 30)),
        ("3 dic 10:30", "es", datetime(2026, 12, 3, 10, 30)),
        ("3 de diciembre de 2026 a las 10h30", "es", datetime(2026, 12, 3, 10, 30)),
        ("3 mar 10:00", "es", datetime(2027, 3, 3, 10)),  # "mar" next to a day is March
        ("mar 9 10:00", "en", datetime(2026, 3, 9, 10)),
        ("tomorrow 9am", "en", datetime(2026, 3, 5, 9)),
        ("tomorrow at 9", "en", datetime(2026, 3, 5, 9)),
        ("mañana 9:00", "es", datetime(2026, 3, 5, 9)),
        ("manana a las 9 de la mañana", "es", datetime(2026, 3, 5, 9)),
        ("mañana a las 5 de la tarde", "es", datetime(2026, 3, 5, 17)),
        ("pasado mañana 10h", "es", datetime(2026, 3, 6, 10)),
        ("the day after tomorrow 2pm", "en", datetime(2026, 3, 6, 14)),
        ("today 4:15 pm", "en", datetime(2026, 3, 4, 16, 15)),
        ("hoy 16:15", "es", datetime(2026, 3, 4, 16, 15)),
        ("next monday 14:00", "en", datetime(2026, 3, 9, 14)),
        ("monday 14:00", "en", datetime(2026, 3, 9, 14)),
        ("Wednesday 14:00", "en", datetime(2026, 3, 11, 14)),  # never today
        ("lunes 14:00", "es", datetime(2026, 3, 9, 14)),
        ("el próximo miércoles a las 14:00", "es", datetime(2026, 3, 11, 14)),
        ("mar 14:00", "es", datetime(2026, 3, 10, 14)),  # bare "mar" is martes
        ("Thu Dec 3 10:30", "en", datetime(2026, 12, 3, 10, 30)),
        ("10:30am", "en", datetime(2026, 3, 4, 10, 30)),  # still ahead today
        ("9:30am", "en", datetime(2026, 3, 5, 9, 30)),  # passed today -> tomorrow
        ("noon tomorrow", "en", datetime(2026, 3, 5, 12)),
        ("12am tomorrow", "en", datetime(2026, 3, 5, 0)),
        ("12 pm tomorrow", "en", datetime(2026, 3, 5, 12)),
    ],
)
def test_accepted_formats(text: str, lang: str, expected: datetime) -> None:
    result = parse(text, lang)
    assert isinstance(result, ParsedMoment), result
    assert result.local.replace(tzinfo=None) == expected
    assert result.at == result.local.astimezone(UTC) and result.at.tzinfo is UTC
    assert not result.adjusted and not result.ambiguous


@pytest.mark.parametrize(
    ("text", "lang", "problem"),
    [
        ("", "en", Problem.UNPARSEABLE),
        ("hello", "en", Problem.UNPARSEABLE),
        ("soon please", "es", Problem.UNPARSEABLE),
        ("10:00 11:00", "en", Problem.UNPARSEABLE),
        ("x" * 200, "en", Problem.UNPARSEABLE),
        ("Dec 3", "en", Problem.NO_TIME),
        ("mañana", "es", Problem.NO_TIME),
        ("Feb 30 10:00", "en", Problem.INVALID_DATE),
        ("13/13 10:00", "en", Problem.INVALID_DATE),
        ("Wed Dec 3 10:30", "en", Problem.INVALID_DATE),  # Dec 3 2026 is a Thursday
        ("tomorrow 25:00", "en", Problem.INVALID_DATE),
        ("tomorrow 13pm", "en", Problem.INVALID_DATE),
        ("today 9:00", "en", Problem.PAST),
        ("hoy 9:00", "es", Problem.PAST),
        ("2025-12-03 10:30", "en", Problem.PAST),
        ("2027-06-01 10:00", "en", Problem.TOO_FAR),
        ("Dec 3 2030 10:00", "en", Problem.TOO_FAR),
    ],
)
def test_refused(text: str, lang: str, problem: Problem) -> None:
    result = parse(text, lang)
    assert isinstance(result, InputError), result
    assert result.problem is problem
    assert result.detail


def test_non_existent_time_is_moved_forward_and_flagged() -> None:
    result = parse("2026-03-08 02:30")
    assert isinstance(result, ParsedMoment)
    assert result.adjusted
    assert result.local.replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)
    madrid = parse("29/3 2:15", "es", MADRID)
    assert isinstance(madrid, ParsedMoment) and madrid.adjusted
    assert madrid.local.replace(tzinfo=None) == datetime(2026, 3, 29, 3, 15)


def test_repeated_time_takes_the_first_and_is_flagged() -> None:
    result = parse("Nov 1 1:30am")
    assert isinstance(result, ParsedMoment)
    assert result.ambiguous and not result.adjusted
    assert result.at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT


def test_the_same_text_means_the_patients_local_time() -> None:
    ny = parse("tomorrow 9:00", tz=NY)
    madrid = parse("tomorrow 9:00", tz=MADRID)
    assert isinstance(ny, ParsedMoment) and isinstance(madrid, ParsedMoment)
    assert ny.at - madrid.at == timedelta(hours=6)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_help_examples_parse(lang: str) -> None:
    for example in HELP_EXAMPLES[lang]:
        result = parse(example, lang, now=datetime(2026, 1, 2, 12, tzinfo=UTC))
        assert isinstance(result, ParsedMoment), (example, result)


# --- properties -------------------------------------------------------------------------

ZONES = sorted(available_timezones())


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.integers(-30, 400),
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    st.sampled_from(["en", "es"]),
    st.sampled_from(["iso", "numeric"]),
)
def test_round_trip_of_formatted_dates(zone: str, days: int, clock: time, lang: str, style: str) -> None:
    tz = ZoneInfo(zone)
    day = NOW.astimezone(tz).date() + timedelta(days=days)
    if style == "iso":
        text = f"{day:%Y-%m-%d} {clock:%H:%M}"
    elif lang == "en":
        text = f"{day.month}/{day.day}/{day.year} {clock:%H:%M}"
    else:
        text = f"{day.day}/{day.month}/{day.year} {clock:%H:%M}"
    result = parse(text, lang, tz)
    wanted = resolve_local(datetime.combine(day, clock), tz)
    at = wanted.astimezone(UTC)
    if at <= NOW:
        assert isinstance(result, InputError) and result.problem is Problem.PAST
    elif at - NOW > MAX_AHEAD:
        assert isinstance(result, InputError) and result.problem is Problem.TOO_FAR
    else:
        assert isinstance(result, ParsedMoment)
        assert result.at == at
        assert result.adjusted == (wanted.replace(tzinfo=None) != datetime.combine(day, clock))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["en", "es"]), st.sampled_from(ZONES))
def test_never_crashes(text: str, lang: str, zone: str) -> None:
    result = parse(text, lang, ZoneInfo(zone))
    if isinstance(result, ParsedMoment):
        assert NOW < result.at <= NOW + MAX_AHEAD
    else:
        assert isinstance(result.problem, Problem)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["tomorrow", "mañana", "monday", "lunes", "Dec 3", "3 dic", "", "today"]),
    st.integers(0, 23),
    st.sampled_from([0, 30]),
    st.sampled_from(ZONES),
)
def test_phrases_with_times(phrase: str, hour: int, minute: int, zone: str) -> None:
    text = f"{phrase} {hour}:{minute:02d}".strip()
    result = parse(text, "es" if phrase in {"mañana", "lunes", "3 dic"} else "en", ZoneInfo(zone))
    if isinstance(result, ParsedMoment):
        local = result.local
        assert (local.hour, local.minute) == (hour, minute) or result.adjusted
    else:
        assert result.problem in {Problem.PAST, Problem.TOO_FAR}
        assert phrase in {"today", "Dec 3", "3 dic"} or result.problem is Problem.TOO_FAR

