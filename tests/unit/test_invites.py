"""Invite tokens and links: shape, hashing, request validation; enrolment rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.durations import IsoDuration
from bot.domain.enrolment import duration_parts, first_session_problem, next_screening_question
from bot.enrolment.invites import InviteRequestError, deep_link, hash_token, is_well_formed, new_token, validate_request
from tests.support.clinic import registry

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
CLINIC = registry()["riverside"]


def test_tokens_are_long_random_and_fit_telegram_start_parameters() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token)
        assert len(token) * 6 >= 128  # base64url: 6 bits a character
        assert is_well_formed(token)


def test_only_the_sha256_of_a_token_is_stored() -> None:
    token = new_token()
    assert hash_token(token) == hash_token(token)
    assert re.fullmatch(r"[0-9a-f]{64}", hash_token(token))
    assert token not in hash_token(token)


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "has space in it12345", "ünïcode-token-123456",
                                   "semi;colon-12345678"])
def test_malformed_tokens_are_rejected_by_shape(token: str) -> None:
    assert not is_well_formed(token)


def test_deep_link_names_the_bot() -> None:
    assert deep_link("@riverside_bot", "abc") == "https://t.me/riverside_bot?start=abc"
    with pytest.raises(InviteRequestError):
        deep_link("not a username", "abc")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"area": "elbow"}, "no area 'elbow'"),
        ({"sessions": 2}, "sessions must be 3..6"),
        ({"sessions": 7}, "sessions must be 3..6"),
        ({"area": None, "sessions": 4}, "--sessions needs --area"),
        ({"first_session_at": NOW - timedelta(minutes=1)}, "is in the past"),
        ({"first_session_at": NOW + timedelta(days=400)}, "more than a year ahead"),
        ({"expires": IsoDuration(days=0)}, "must be a positive duration"),
        ({"expires": IsoDuration(days=2, negative=True)}, "must be a positive duration"),
        ({"expires": IsoDuration(months=13)}, "longer than a year"),
    ],
)
def test_bad_invite_requests_are_one_line_errors(changes: dict[str, object], message: str) -> None:
    request: dict[str, object] = {"area": "knee", "sessions": None, "first_session_at": None,
                                  "expires": IsoDuration(days=14), **changes}
    area = request.pop("area")
    with pytest.raises(InviteRequestError, match=re.escape(message)):
        validate_request(CLINIC, area, now=NOW, **request)  # type: ignore[arg-type]


def test_a_good_request_passes() -> None:
    validate_request(CLINIC, "knee", sessions=6, first_session_at=NOW + timedelta(days=3),
                     expires=IsoDuration(days=14), now=NOW)


def test_first_session_window() -> None:
    assert first_session_problem(NOW, NOW) == "past"
    assert first_session_problem(NOW + timedelta(minutes=1), NOW) is None
    assert first_session_problem(NOW + timedelta(days=366), NOW) is None
    assert first_session_problem(NOW + timedelta(days=367), NOW) == "too_far"


def test_screening_order() -> None:
    assert next_screening_question([]).key == "bleeding"  # type: ignore[union-attr]
    assert next_screening_question(["bleeding"]).key == "infection"  # type: ignore[union-attr]
    assert next_screening_question(["bleeding", "infection", "allergy"]) is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("P4W", [("week", 4)]),
        ("P2D", [("day", 2)]),
        ("P10D", [("day", 10)]),
        ("P7D", [("day", 7)]),
        ("P2W", [("week", 2)]),
        ("PT6H", [("hour", 6)]),
        ("P3M", [("month", 3)]),
        ("P12M", [("year", 1)]),
        ("P1M2W", [("month", 1), ("week", 2)]),
        ("P1DT6H", [("day", 1), ("hour", 6)]),
        ("PT1H30M5S", [("hour", 1), ("minute", 30), ("second", 5)]),
    ],
)
def test_durations_in_words(text: str, parts: list[tuple[str, int]]) -> None:
    assert duration_parts(IsoDuration.parse(text)) == parts
