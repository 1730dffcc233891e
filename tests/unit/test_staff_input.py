"""What staff type: labels, session numbers, ``--clinic``, booking and "given at" times (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.datetime_input import InputError, Problem
from bot.domain.staff_input import (
    normalise_label,
    parse_booking_time,
    parse_given_time,
    parse_session_number,
    split_clinic,
)
from bot.staff.staff_actions import split_done_args
from messages.render import default_catalog, placeholders

NEW_YORK = ZoneInfo("America/New_York")
MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)  # Sat Dec 5, 13:00 in New York


def ny(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("R-0042", "R-0042"), ("r-0042", "R-0042"), (" k-7 ", "K-7"), ("ABC-12345678", "ABC-12345678"),
    ("5001", None), ("123456789", None), ("R0042", None), ("R-", None), ("ABCD-1", None), ("", None),
    ("R-00x2", None),
])
def test_labels(text: str, expected: str | None) -> None:
    assert normalise_label(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1), ("12", 12), ("#3", 3), ("0", None), ("-1", None), ("two", None), ("123", None), ("", None),
])
def test_session_numbers(text: str, expected: int | None) -> None:
    assert parse_session_number(text) == expected


@pytest.mark.parametrize(("args", "clinic", "rest", "missing"), [
    (["R-1", "--clinic", "Hill"], "hill", ["R-1"], False),
    (["--clinic=hill", "R-1"], "hill", ["R-1"], False),
    (["—clinic", "hill"], "hill", [], False),
    (["R-1"], None, ["R-1"], False),
    (["R-1", "--clinic"], None, ["R-1"], True),
])
def test_clinic_argument(args: list[str], clinic: str | None, rest: list[str], missing: bool) -> None:
    parsed = split_clinic(args)
    assert (parsed.clinic_id, parsed.rest, parsed.missing_value) == (clinic, rest, missing)


@pytest.mark.parametrize(("args", "expected"), [
    ([], (None, None)), (["2"], (2, None)), (["2", "yesterday", "9am"], (2, "yesterday 9am")),
    (["10:30"], (None, "10:30")), (["yesterday", "10:30"], (None, "yesterday 10:30")),
])
def test_done_arguments(args: list[str], expected: tuple[int | None, str | None]) -> None:
    assert split_done_args(args) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Dec 7 10:30", ny(2026, 12, 7, 10, 30)),
    ("2026-12-07 10:30", ny(2026, 12, 7, 10, 30)),
    ("2026-12-07T10:30", ny(2026, 12, 7, 10, 30)),
    ("2026-12-07T10:30+01:00", datetime(2026, 12, 7, 9, 30, tzinfo=UTC)),
    ("tomorrow 9am", ny(2026, 12, 6, 9, 0)),
    ("monday 14:00", ny(2026, 12, 7, 14, 0)),
    ("14:00", ny(2026, 12, 5, 14, 0)),
])
def test_booking_times_read_on_the_clinic_clock(text: str, expected: datetime) -> None:
    assert parse_booking_time(text, tz=NEW_YORK, lang="en", now=NOW) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("someday", Problem.UNPARSEABLE), ("Dec 7", Problem.NO_TIME), ("31/02 10:00", Problem.INVALID_DATE),
    ("2020-01-01 10:00", Problem.PAST), ("2026-12-01T10:00+00:00", Problem.PAST),
    ("2029-01-01T10:00+00:00", Problem.TOO_FAR),
])
def test_bad_booking_times(text: str, problem: Problem) -> None:
    found = parse_booking_time(text, tz=NEW_YORK, lang="en", now=NOW)
    assert isinstance(found, InputError) and found.problem == problem


@pytest.mark.parametrize(("text", "expected"), [
    ("10:30", ny(2026, 12, 5, 10, 30)),
    ("9am", ny(2026, 12, 5, 9, 0)),
    ("today 8:15", ny(2026, 12, 5, 8, 15)),
    ("yesterday 16:00", ny(2026, 12, 4, 16, 0)),
    ("monday 10:00", ny(2026, 11, 30, 10, 0)),  # the latest Monday
    ("last sat 10:00", ny(2026, 12, 5, 10, 0)),  # today is Saturday
    ("Dec 3 10:30", ny(2026, 12, 3, 10, 30)),
    ("Dec 6 10:30", ny(2025, 12, 6, 10, 30)),  # the latest Dec 6 was last year
    ("2026-12-03 10:30", ny(2026, 12, 3, 10, 30)),
    ("2026-12-05T17:00+00:00", datetime(2026, 12, 5, 17, 0, tzinfo=UTC)),
])
def test_given_times_lie_in_the_past(text: str, expected: datetime) -> None:
    assert parse_given_time(text, tz=NEW_YORK, lang="en", now=NOW) == expected


def test_given_times_in_spanish() -> None:
    now = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)
    madrid = parse_given_time("ayer 10 de la mañana", tz=MADRID, lang="es", now=now)
    assert madrid == datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert parse_given_time("3/12 10:30", tz=MADRID, lang="es", now=now) == datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(("text", "problem"), [
    ("15:00", Problem.TOO_FAR), ("tomorrow 10:00", Problem.TOO_FAR), ("mañana 10:00", Problem.TOO_FAR),
    ("yesterday", Problem.NO_TIME), ("blah", Problem.UNPARSEABLE), ("31/02 10:00", Problem.INVALID_DATE),
    ("2024-01-01T10:00+00:00", Problem.PAST),
])
def test_bad_given_times(text: str, problem: Problem) -> None:
    found = parse_given_time(text, tz=NEW_YORK, lang="en", now=NOW)
    assert isinstance(found, InputError) and found.problem == problem, found


def test_staff_texts_have_the_same_keys_and_placeholders_in_every_language() -> None:
    catalog = default_catalog()
    english = {key for key in catalog.keys("en") if key.startswith("staff.")}
    spanish = {key for key in catalog.keys("es") if key.startswith("staff.")}
    assert english == spanish
    for key in english:
        assert placeholders(catalog.template(key, "en")) == placeholders(catalog.template(key, "es")), key
