"""The check-in's step table, button parsing, the digest time and the advice of the day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.checkins.handlers import Press, changes_for, parse
from bot.checkins.queries import CheckInStatus, Step, is_unanswered
from bot.checkins.views import known_signs
from bot.core.models import CheckIn
from bot.staff.digest import next_digest_at
from tests.support.clinic import clinic_data, registry


def _checkin(**fields: object) -> CheckIn:
    return CheckIn(patient_id=1, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("data", "expected"), [
    ("1:ci:12:s:7", Press(12, "s", "7")),
    ("1:ci:12:t:fever", Press(12, "t", "fever")),
    ("1:fu:3:f:better", Press(3, "f", "better")),
    ("1:ci:12:zz:1", None),  # unknown step code
    ("1:ci:x:s:1", None),  # not an id
    ("0:ci:12:s:1", None),  # another version
    ("1:ack:12", None),  # another feature's button
    (None, None),
])
def test_parse(data: str | None, expected: Press | None) -> None:
    assert parse(data) == expected


@pytest.mark.parametrize(("step", "press", "expected"), [
    (Step.SORENESS, Press(1, "s", "7"), {"soreness": 7, "step": Step.SWELLING}),
    (Step.SORENESS, Press(1, "s", "11"), None),
    (Step.SORENESS, Press(1, "s", "-1"), None),
    (Step.SWELLING, Press(1, "w", "severe"), {"swelling": "severe", "step": Step.SIGNS}),
    (Step.SWELLING, Press(1, "w", "huge"), None),
    (Step.SIGNS, Press(1, "t", "pus"), {"signs": ["pus"]}),
    (Step.SIGNS, Press(1, "t", "moderate_swelling"), None),  # not on the checklist
    (Step.SIGNS, Press(1, "d", ""), {"step": Step.NOTE}),
    (Step.NOTE, Press(1, "k", ""), {"step": Step.DONE}),
    (Step.PAIN, Press(1, "p", "0"), {"soreness": 0, "step": Step.FUNCTION}),
    (Step.FUNCTION, Press(1, "f", "worse"), {"function": "worse", "step": Step.DONE}),
    (Step.FUNCTION, Press(1, "f", "great"), None),
])
def test_changes_for(step: Step, press: Press, expected: dict[str, object] | None) -> None:
    assert changes_for(_checkin(step=step), press) == expected


def test_toggling_a_sign_twice_unticks_it() -> None:
    ticked = _checkin(step=Step.SIGNS, signs=["fever", "pus"])
    assert changes_for(ticked, Press(1, "t", "fever")) == {"signs": ["pus"]}


def test_unknown_stored_signs_are_ignored() -> None:
    assert [s.value for s in known_signs(["pus", "retired_sign"])] == ["pus"]


NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("checkin", "unanswered"), [
    (_checkin(status=CheckInStatus.MISSED, created_at=NOW), True),
    (_checkin(status=CheckInStatus.OPEN, created_at=NOW - timedelta(hours=9)), True),
    (_checkin(status=CheckInStatus.OPEN, created_at=NOW - timedelta(hours=1)), False),  # nudge not yet ignored
    (_checkin(status=CheckInStatus.OPEN, soreness=4, created_at=NOW - timedelta(hours=9)), False),
    (_checkin(status=CheckInStatus.ANSWERED, created_at=NOW - timedelta(hours=9)), False),
])
def test_is_unanswered(checkin: CheckIn, unanswered: bool) -> None:
    assert is_unanswered(checkin, NOW, timedelta(hours=8)) is unanswered


def test_next_digest_is_the_next_eight_oclock_in_clinic_time() -> None:
    clinic = registry(clinic_data())["riverside"]  # America/New_York, digest_at 08:00
    before = datetime(2026, 3, 10, 11, 59, tzinfo=UTC)  # 07:59 EDT
    assert next_digest_at(clinic, before) == datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    at = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # exactly 08:00: that one is due now, plan the next
    assert next_digest_at(clinic, at) == datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
    spring = datetime(2026, 3, 7, 14, 0, tzinfo=UTC)  # Saturday before the clock change
    assert next_digest_at(clinic, spring) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 08:00 EDT
