"""The console's pure parts: session cookies, the schedule preview, durations in words, audit masking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.durations import IsoDuration
from bot.web.console.preview import preview
from bot.web.console.sessions import MAX_LIFETIME, SessionCodec, open_session
from bot.web.console.views_audit import MASK, masked, shown_actor
from tests.support.clinic import registry

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
MADRID = ZoneInfo("Europe/Madrid")


def test_a_session_cookie_round_trips_and_any_change_voids_it() -> None:
    codec = SessionCodec(b"k" * 32)
    staff = open_session(900001, "riverside", 7, "es", "Ana <b>", NOW)
    value = codec.dump(staff)
    assert codec.load(value) == staff
    payload, signature = value.split(".")
    assert codec.load(f"{payload}x.{signature}") is None
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert codec.load(f"{payload}.{flipped}") is None
    assert SessionCodec(b"other key").load(value) is None
    for junk in ("", "abc", "a.b.c", "e30." + signature, "x" * 5000):
        assert codec.load(junk) is None


def test_sessions_end_when_idle_and_after_the_maximum_lifetime() -> None:
    staff = open_session(1, "c", 1, "en", "", NOW)
    idle = timedelta(minutes=60)
    assert staff.fresh(NOW + timedelta(minutes=59), idle)
    assert not staff.fresh(NOW + timedelta(minutes=61), idle)
    busy = staff
    for step in range(1, 20):
        busy = busy.touched(NOW + timedelta(minutes=45 * step))
    assert busy.fresh(NOW + timedelta(minutes=45 * 15), idle)
    assert not busy.fresh(NOW + MAX_LIFETIME + timedelta(minutes=1), idle)


def test_preview_lists_sessions_reminders_checkins_and_followups_in_order() -> None:
    clinic = registry()["riverside"]
    knee = clinic.protocol("knee")
    first = datetime(2026, 3, 23, 8, 0, tzinfo=MADRID).astimezone(UTC)  # Monday 08:00 in Madrid
    items = preview(knee, first, 2, MADRID, clinic.quiet_hours, NOW)
    kinds = [item.kind for item in items]
    assert kinds.count("session") == 2
    assert kinds.count("reminder") == 2 * len(knee.reminders_before)
    assert kinds.count("checkin") == 2 * len(knee.checkins_after)
    assert kinds.count("followup") == len(knee.followups_after_last)
    assert [item.at for item in items] == sorted(item.at for item in items)
    sessions = [item.at.astimezone(MADRID) for item in items if item.kind == "session"]
    assert [(s.hour, s.minute) for s in sessions] == [(8, 0), (8, 0)]  # 4 weeks later, across the DST change
    early = next(i for i in items if i.kind == "reminder" and i.offset == IsoDuration(seconds=7200))
    evening = early.at.astimezone(MADRID)
    assert early.moved == "earlier" and (evening.hour, evening.minute) == (20, 59)  # 06:00 is quiet, 08:00 too late
    assert early.moved_from is not None and early.moved_from.astimezone(MADRID).hour == 6


def test_preview_leaves_out_reminders_already_due() -> None:
    clinic = registry()["riverside"]
    soon = NOW + timedelta(hours=30)
    items = preview(clinic.protocol("knee"), soon, 1, ZoneInfo("UTC"), None, NOW)
    assert [i.offset for i in items if i.kind == "reminder"] == [IsoDuration(seconds=7200)]


@pytest.mark.parametrize(("actor", "shown"), [
    ("staff:900001", "staff:900001"), ("user:5001", f"user:{MASK}"), ("telegram:-100900", f"telegram:{MASK}"),
    ("patient", "patient"), ("cli", "cli"),
])
def test_audit_actors_keep_staff_ids_only(actor: str, shown: str) -> None:
    assert shown_actor(actor) == shown


def test_audit_details_mask_patient_telegram_ids_wherever_they_are() -> None:
    details = {"telegram_user_id": 1, "from_chat": "x", "alert": 12, "echo": [8675309, "8675309"],
               "nested": {"who": 8675309, "count": 3}, "flag": True}
    assert masked(details, {"8675309"}) == {
        "telegram_user_id": MASK, "from_chat": MASK, "alert": 12, "echo": [MASK, MASK],
        "nested": {"who": MASK, "count": 3}, "flag": True}
