"""The misfire policy table, row by row, plus its edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.models import MessageKind
from bot.domain.misfire import Action, decide

DUE = datetime(2026, 4, 7, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("kind", "late", "session_in", "action", "reason"),
    [
        ("reminder", timedelta(0), 2 * H, Action.SEND, "on_time"),
        ("reminder", timedelta(minutes=30), 2 * H, Action.SEND, "late_within_limit"),
        ("reminder", H, timedelta(0), Action.SKIP, "session_started"),
        ("reminder", H, -H, Action.SKIP, "session_started"),
        ("reminder", 12 * H, 30 * H, Action.SEND, "late_within_limit"),
        ("reminder", 13 * H, 30 * H, Action.SKIP, "too_late"),
        ("reminder", 13 * H, None, Action.SKIP, "too_late"),
        ("reminder", 3 * H, None, Action.SEND, "late_within_limit"),
        ("checkin", 12 * H, None, Action.SEND, "late_within_limit"),
        ("checkin", 12 * H + timedelta(seconds=1), None, Action.SKIP, "too_late"),
        ("checkin", -H, None, Action.SEND, "on_time"),
        ("nudge", 11 * H, None, Action.SEND, "late_within_limit"),
        ("nudge", 13 * H, None, Action.SKIP, "too_late"),
        ("followup", timedelta(days=7), None, Action.SEND, "late_within_limit"),
        ("followup", timedelta(days=7, minutes=1), None, Action.SKIP, "too_late"),
        ("realert", timedelta(days=30), None, Action.SEND, "always_send"),
        ("digest", 12 * H, None, Action.SEND, "late_within_limit"),
        ("digest", 13 * H, None, Action.SKIP, "too_late"),
    ],
)
def test_policy_table(
    kind: str, late: timedelta, session_in: timedelta | None, action: Action, reason: str
) -> None:
    now = DUE + late
    session_at = None if session_in is None else now + session_in
    decision = decide(kind, DUE, now, session_at=session_at)
    assert (decision.action, decision.reason) == (action, reason)
    assert decision.send is (action is Action.SEND)


def test_late_limit_is_configurable() -> None:
    assert decide("checkin", DUE, DUE + 3 * H, late_limit=2 * H).action is Action.SKIP
    assert decide("checkin", DUE, DUE + 3 * H, late_limit=4 * H).action is Action.SEND
    # the follow-up and digest limits are fixed
    assert decide("followup", DUE, DUE + 3 * H, late_limit=H).action is Action.SEND


def test_enum_kinds_and_errors() -> None:
    assert decide(MessageKind.REALERT, DUE, DUE).action is Action.SEND
    with pytest.raises(ValueError, match="unknown message kind"):
        decide("fax", DUE, DUE)
    with pytest.raises(ValueError, match="naive"):
        decide("checkin", datetime(2026, 1, 1), DUE)
    with pytest.raises(ValueError, match="negative"):
        decide("checkin", DUE, DUE, late_limit=-H)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([kind.value for kind in MessageKind]),
    st.integers(-10**6, 10**7),
    st.integers(-10**6, 10**6) | st.none(),
)
def test_every_kind_decides_and_lateness_is_monotonic(
    kind: str, late_seconds: int, session_seconds: int | None
) -> None:
    now = DUE + timedelta(seconds=late_seconds)
    session_at = None if session_seconds is None else DUE + timedelta(seconds=session_seconds)
    decision = decide(kind, DUE, now, session_at=session_at)
    if kind == "realert":
        assert decision.send
    if decision.action is Action.SKIP and decision.reason == "too_late":
        later = now + timedelta(hours=1)
        assert not decide(kind, DUE, later, session_at=session_at).send
