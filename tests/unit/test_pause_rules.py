"""Reading a typed pause length, and what a pause holds back (``bot.domain.pause``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.pause import MAX_PAUSE, holds, is_paused, parse_pause

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "expected"), [
    ("3 days", timedelta(days=3)), ("3d", timedelta(days=3)), ("3 D", timedelta(days=3)),
    ("1 week", timedelta(weeks=1)), ("2 weeks", timedelta(weeks=2)), ("1w", timedelta(weeks=1)),
    ("a week", timedelta(weeks=1)), ("one day", timedelta(days=1)), ("12 hours", timedelta(hours=12)),
    ("12h", timedelta(hours=12)), ("for 2 days", timedelta(days=2)), ("3 days.", timedelta(days=3)),
    ("3 días", timedelta(days=3)), ("3 dias", timedelta(days=3)), ("1 semana", timedelta(weeks=1)),
    ("una semana", timedelta(weeks=1)), ("un día", timedelta(days=1)), ("24 horas", timedelta(hours=24)),
    ("durante 2 semanas", timedelta(weeks=2)), ("90 days", MAX_PAUSE),
])
def test_readable_durations(typed: str, expected: timedelta) -> None:
    assert parse_pause(typed) == expected


@pytest.mark.parametrize("typed", ["", "3", "days", "soon", "0 days", "91 days", "30 minutes", "13 weeks",
                                   "3 fortnights", "2 weeks please", "-3 days", "three days"])
def test_unreadable_or_out_of_range_durations(typed: str) -> None:
    assert parse_pause(typed) is None


def test_a_pause_is_in_force_until_its_end_or_until_resumed() -> None:
    assert is_paused("paused", None, NOW)
    assert is_paused("paused", NOW + timedelta(seconds=1), NOW)
    assert not is_paused("paused", NOW, NOW)
    assert not is_paused("active", None, NOW)


@pytest.mark.parametrize(("kind", "held"), [("reminder", True), ("checkin", True), ("nudge", True),
                                            ("followup", True), ("realert", False), ("digest", False)])
def test_a_pause_holds_patient_messages_but_never_escalations(kind: str, held: bool) -> None:
    assert holds(kind, "paused", None, NOW) is held
    assert not holds(kind, "active", None, NOW)
