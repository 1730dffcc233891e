"""The course plan: which reminders, check-ins and follow-ups, when, under which key."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.clinic_config import Protocol, QuietHours
from bot.core.models import MessageKind
from bot.domain.durations import IsoDuration
from bot.domain.message_plan import (
    KINDS,
    MAX_KEY_LENGTH,
    PlannedMessage,
    days_since,
    dedupe_key,
    plan_messages,
)
from bot.domain.quiet_hours import is_quiet
from bot.domain.schedule import SessionInfo, initial_sessions, reschedule_following

NY = ZoneInfo("America/New_York")
NIGHT = QuietHours(start=time(21), end=time(8))


def local(y: int, mo: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = NY) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(UTC)


def knee(**overrides: object) -> Protocol:
    fields: dict[str, object] = {
        "name": {"en": "Knee"},
        "sessions": {"min": 3, "max": 6, "default": 4},
        "interval": "P4W",
        "reminders_before": ["P2D", "PT2H"],
        "checkins_after": ["PT6H", "P1D", "P3D", "P7D"],
        "followups_after_last": ["P6W", "P3M", "P6M"],
    }
    return Protocol.model_validate(fields | overrides)


def by_key(plan: list[PlannedMessage]) -> dict[str, PlannedMessage]:
    return {message.dedupe_key: message for message in plan}


def wall(moment: datetime) -> datetime:
    return moment.astimezone(NY).replace(tzinfo=None)


def test_kinds_match_the_model() -> None:
    assert {kind.value for kind in MessageKind} == KINDS


def test_reminders_before_upcoming_sessions() -> None:
    sessions = initial_sessions(local(2026, 4, 7, 10), IsoDuration.parse("P4W"), 2, NY)
    plan = plan_messages(12, sessions, knee(), NY, NIGHT, now=local(2026, 3, 1, 9))
    assert [(m.kind, m.dedupe_key, wall(m.due_at)) for m in plan] == [
        ("reminder", "c12:s1:reminder:P2D", datetime(2026, 4, 5, 10)),
        ("reminder", "c12:s1:reminder:PT2H", datetime(2026, 4, 7, 8)),
        ("reminder", "c12:s2:reminder:P2D", datetime(2026, 5, 3, 10)),
        ("reminder", "c12:s2:reminder:PT2H", datetime(2026, 5, 5, 8)),
    ]
    first = plan[0]
    assert first.session_number == 1
    assert first.payload == {
        "offset": "P2D",
        "session_at": "2026-04-07T14:00:00+00:00",
        "nominal_at": "2026-04-05T14:00:00+00:00",
        "shifted": None,
    }


def test_reminder_pushed_into_its_session_is_pulled_back_before_quiet_hours() -> None:
    # 08:00 session, quiet 21:00-08:00: 06:00 would wait until 08:00 = the session itself.
    session = SessionInfo(1, local(2026, 4, 7, 8))
    plan = by_key(plan_messages(1, [session], knee(), NY, NIGHT, now=local(2026, 3, 1, 9)))
    early = plan["c1:s1:reminder:PT2H"]
    assert wall(early.due_at) == datetime(2026, 4, 6, 20, 59)
    assert early.payload["shifted"] == "earlier"


def test_reminder_moved_later_when_still_before_the_session() -> None:
    session = SessionInfo(1, local(2026, 4, 7, 9, 30))
    plan = by_key(plan_messages(1, [session], knee(), NY, NIGHT, now=local(2026, 3, 1, 9)))
    late = plan["c1:s1:reminder:PT2H"]
    assert wall(late.due_at) == datetime(2026, 4, 7, 8)
    assert late.payload["shifted"] == "later"


def test_redundant_reminder_is_dropped() -> None:
    # Both would be pulled back to 20:59 the evening before; only the longer one stays.
    protocol = knee(reminders_before=["PT10H", "PT2H"])
    session = SessionInfo(1, local(2026, 4, 7, 7))
    keys = [m.dedupe_key for m in plan_messages(1, [session], protocol, NY, NIGHT, local(2026, 3, 1, 9))]
    assert keys == ["c1:s1:reminder:PT10H"]


def test_past_reminders_are_omitted() -> None:
    session = SessionInfo(1, local(2026, 4, 7, 10))
    plan = plan_messages(1, [session], knee(), NY, NIGHT, now=local(2026, 4, 6, 12))
    assert [m.dedupe_key for m in plan] == ["c1:s1:reminder:PT2H"]
    assert plan_messages(1, [session], knee(), NY, NIGHT, now=local(2026, 4, 7, 9)) == []


def test_checkins_after_a_done_session() -> None:
    done = SessionInfo(1, local(2026, 4, 7, 16), status="done", done_at=local(2026, 4, 7, 16, 20))
    plan = plan_messages(5, [done, SessionInfo(2, local(2026, 5, 5, 16))], knee(), NY, NIGHT,
                         now=local(2026, 4, 20, 9))  # fmt: skip
    checkins = [m for m in plan if m.kind == "checkin"]
    assert [(m.dedupe_key, wall(m.due_at), m.payload["days_since"]) for m in checkins] == [
        ("c5:s1:checkin:PT6H", datetime(2026, 4, 8, 8), 0),  # 22:20 is quiet -> 08:00
        ("c5:s1:checkin:P1D", datetime(2026, 4, 8, 16, 20), 1),
        ("c5:s1:checkin:P3D", datetime(2026, 4, 10, 16, 20), 3),
        ("c5:s1:checkin:P1W", datetime(2026, 4, 14, 16, 20), 7),  # P7D == P1W
    ]
    assert checkins[0].payload["shifted"] == "later"
    assert checkins[0].payload["anchor_at"] == "2026-04-07T20:20:00+00:00"
    # past check-ins stay in the plan: the misfire policy decides at dispatch
    assert all(m.due_at < local(2026, 4, 20, 9) for m in checkins)
    assert not [m for m in plan if m.kind == "followup"]


def test_followups_once_the_last_session_is_done() -> None:
    sessions = [
        SessionInfo(1, local(2026, 1, 5, 10), status="done", done_at=local(2026, 1, 5, 10)),
        SessionInfo(2, local(2026, 2, 2, 10), status="missed"),
        SessionInfo(3, local(2026, 3, 2, 10), status="done", done_at=local(2026, 3, 2, 11)),
        SessionInfo(4, local(2026, 3, 30, 10), status="cancelled"),
    ]
    plan = plan_messages(3, sessions, knee(), NY, NIGHT, now=local(2026, 3, 3, 9))
    followups = [m for m in plan if m.kind == "followup"]
    assert [(m.dedupe_key, wall(m.due_at), m.session_number) for m in followups] == [
        ("c3:followup:P6W", datetime(2026, 4, 13, 11), 3),
        ("c3:followup:P3M", datetime(2026, 6, 2, 11), 3),
        ("c3:followup:P6M", datetime(2026, 9, 2, 11), 3),
    ]
    assert followups[1].payload["days_since"] == 92
    assert not [m for m in plan if m.kind == "reminder"]


def test_moving_a_session_keeps_the_keys_and_moves_the_times() -> None:
    interval = IsoDuration.parse("P4W")
    sessions = initial_sessions(local(2026, 4, 7, 10), interval, 3, NY)
    now = local(2026, 3, 1, 9)
    before = by_key(plan_messages(8, sessions, knee(), NY, NIGHT, now))
    moved = reschedule_following(sessions, 2, local(2026, 5, 8, 15), interval, NY)
    after = by_key(plan_messages(8, moved, knee(), NY, NIGHT, now))
    assert before.keys() == after.keys()
    assert before["c8:s1:reminder:P2D"] == after["c8:s1:reminder:P2D"]
    assert wall(after["c8:s2:reminder:PT2H"].due_at) == datetime(2026, 5, 8, 13)
    assert wall(after["c8:s3:reminder:P2D"].due_at) == datetime(2026, 6, 3, 15)


def test_duplicate_offsets_plan_once() -> None:
    protocol = knee(reminders_before=["P14D", "P2W"], checkins_after=[], followups_after_last=[])
    plan = plan_messages(1, [SessionInfo(1, local(2026, 4, 7, 10))], protocol, NY, None,
                         local(2026, 3, 1, 9))  # fmt: skip
    assert [m.dedupe_key for m in plan] == ["c1:s1:reminder:P2W"]


def test_duplicate_session_numbers_are_rejected() -> None:
    session = SessionInfo(1, local(2026, 4, 7, 10))
    with pytest.raises(ValueError, match="unique"):
        plan_messages(1, [session, session], knee(), NY, NIGHT, local(2026, 3, 1, 9))


def test_dedupe_key_shape_and_limit() -> None:
    offset = IsoDuration.parse("P1Y2M3DT4H5M6S")
    assert dedupe_key(2**63 - 1, "reminder", offset, 12) == (
        "c9223372036854775807:s12:reminder:P1Y2M3DT4H5M6S"
    )
    assert len(dedupe_key(2**63 - 1, "reminder", offset, 12)) <= MAX_KEY_LENGTH
    assert dedupe_key(4, "followup", IsoDuration.parse("P6W")) == "c4:followup:P6W"
    with pytest.raises(ValueError, match="longer"):
        dedupe_key(1, "x" * 100, offset)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [("PT6H", 0), ("PT30H", 1), ("P1D", 1), ("P7D", 7), ("P6W", 42), ("P1M", 31)],
)
def test_days_since(offset: str, expected: int) -> None:
    assert days_since(local(2026, 1, 10, 20), IsoDuration.parse(offset), NY) == expected


# --- properties -------------------------------------------------------------------------

ZONES = sorted(available_timezones())
offsets = st.lists(
    st.sampled_from(["PT5S", "PT30M", "PT2H", "PT6H", "PT12H", "P1D", "P2D", "P3D", "P7D"]),
    max_size=4,
)
clock = st.builds(time, st.integers(0, 23), st.sampled_from([0, 30]))


@st.composite
def courses(draw: st.DrawFn) -> tuple[list[SessionInfo], ZoneInfo, datetime]:
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 60 * 24 * 700)))
    count = draw(st.integers(1, 5))
    done = draw(st.integers(0, count))
    sessions = initial_sessions(start, IsoDuration.parse(draw(st.sampled_from(["P1W", "P4W"]))), count, tz)
    statuses = ["done"] * done + [draw(st.sampled_from(["planned", "confirmed"])) for _ in range(count - done)]
    late = [timedelta(minutes=draw(st.integers(0, 300))) for _ in sessions]
    sessions = [
        replace(s, status=status, done_at=s.scheduled_at + delay if status == "done" else None)
        for s, status, delay in zip(sessions, statuses, late, strict=True)
    ]
    now = start + timedelta(hours=draw(st.integers(-200, 24 * 200)))
    return sessions, tz, now


@settings(max_examples=150, deadline=None)
@given(courses(), offsets, offsets, clock, clock)
def test_plan_properties(
    course: tuple[list[SessionInfo], ZoneInfo, datetime],
    reminders: list[str],
    checkins: list[str],
    start: time,
    end: time,
) -> None:
    sessions, tz, now = course
    protocol = knee(reminders_before=reminders, checkins_after=checkins)
    quiet = (start, end)
    plan = plan_messages(42, sessions, protocol, tz, quiet, now)
    assert plan == plan_messages(42, list(reversed(sessions)), protocol, tz, quiet, now)
    keys = [m.dedupe_key for m in plan]
    assert len(keys) == len(set(keys))
    assert all(len(key) <= MAX_KEY_LENGTH for key in keys)
    assert plan == sorted(plan, key=lambda m: (m.due_at, m.dedupe_key))
    by_number = {s.number: s for s in sessions}
    for message in plan:
        assert not is_quiet(message.due_at, quiet, tz)
        assert message.due_at.tzinfo is UTC
        session = by_number[message.session_number or 0]
        if message.kind == "reminder":
            assert now <= message.due_at < session.scheduled_at
        else:
            assert session.done_at is not None and message.due_at >= session.done_at
