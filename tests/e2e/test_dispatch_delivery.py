"""Check-ins on time, never twice across a restart, crash leftovers, quiet hours, misfires after downtime."""

from __future__ import annotations

from datetime import time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from bot.core.models import MessageKind, MessageStatus, Patient, ScheduledMessage
from bot.courses import course_ops
from tests.support.clock import PINNED_NOW, pinned_clock
from tests.support.factories import (
    add_message,
    install_probe_senders,
    make_course,
    make_patient,
    messages_of,
    scheduling_clinics,
    wait_until,
)
from tests.support.harness import Harness, running_bot, sqlite_url

CHECKIN_TEXT = "[checkin] #"
NUDGE_TEXT = "[nudge] #"


@pytest.fixture(autouse=True)
def _probe_senders(monkeypatch: pytest.MonkeyPatch) -> None:
    install_probe_senders(monkeypatch)


async def _mark_done(h: Harness, patient: Patient, number: int | None = None) -> None:
    async with h.db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        await course_ops.mark_done(session, h.services, fresh, number, actor="staff:test")


async def _statuses(h: Harness, patient_id: int | None) -> dict[str, str]:
    return {row.dedupe_key: row.status for row in await messages_of(h.db, patient_id)}


def _all_final(rows: list[ScheduledMessage]) -> bool:
    return all(row.status not in (MessageStatus.PENDING, MessageStatus.SENDING) for row in rows)


async def test_checkins_arrive_on_time_and_once_across_a_restart(tmp_path: Path) -> None:
    clinics = scheduling_clinics(checkins_after=["PT2S", "PT4S", "PT6S"], followups_after_last=[])
    async with running_bot(sqlite_url(tmp_path), clinics=clinics) as h:
        user = h.patient()
        patient = await make_patient(h.db)
        await make_course(h.services, patient, [h.services.clock.now() + timedelta(days=1)])
        await _mark_done(h, patient)
        await user.wait_for_message(CHECKIN_TEXT, timeout=5)
        await h.restart()  # a deploy between the first and the second check-in
        await user.wait_for_message(CHECKIN_TEXT, timeout=5)
        await user.wait_for_message(CHECKIN_TEXT, timeout=5)
        rows = await wait_until(lambda: _sent_rows(h, patient.id, 3))
        assert len([m for m in user.messages() if CHECKIN_TEXT in m.text]) == 3
        for row in rows:
            assert row.sent_at is not None and timedelta(0) <= row.sent_at - row.due_at < timedelta(seconds=1.5)


async def test_messages_due_together_for_one_chat_are_paced(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics()) as h:
        user, other = h.patient(user_id=5001), h.patient(user_id=5002)
        patient, neighbour = await make_patient(h.db, user_id=5001), await make_patient(h.db, user_id=5002)
        due = h.services.clock.now() + timedelta(milliseconds=300)
        for row_patient in (patient, patient, patient, neighbour):
            await add_message(h.db, row_patient, MessageKind.CHECKIN, due)
        assert h.services.dispatcher is not None
        h.services.dispatcher.poke(due)
        first, *rest = [await user.wait_for_message(CHECKIN_TEXT, timeout=5) for _ in range(3)]
        neighbours = await other.wait_for_message(CHECKIN_TEXT, timeout=5)
        gaps = [b.at - a.at for a, b in pairwise([first, *rest])]
        assert all(gap >= 0.95 for gap in gaps), gaps  # one message a second per chat
        assert neighbours.at - first.at < 0.5  # other chats are not held up


async def _sent_rows(h: Harness, patient_id: int | None, count: int) -> list[ScheduledMessage]:
    rows = [r for r in await messages_of(h.db, patient_id) if r.status == MessageStatus.SENT]
    return rows if len(rows) == count else []


async def test_rows_left_sending_by_a_crash_follow_their_delivery_semantics(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics()) as h:
        user = h.patient()
        patient = await make_patient(h.db)
        await h.runtime.stop()  # the process "dies" with two rows claimed mid-send
        now = h.services.clock.now()
        checkin = await add_message(h.db, patient, MessageKind.CHECKIN, now - timedelta(seconds=5),
                                    status=MessageStatus.SENDING, days_since=0)
        nudge = await add_message(h.db, patient, MessageKind.NUDGE, now - timedelta(seconds=5),
                                  status=MessageStatus.SENDING)
        await h.restart()
        await user.wait_for_message(CHECKIN_TEXT, timeout=5)  # at-least-once: sent again
        rows = {row.id: row for row in await wait_until(lambda: _final(h, patient.id))}
        assert rows[checkin.id].status == MessageStatus.SENT
        assert (rows[nudge.id].status, rows[nudge.id].last_error) == (MessageStatus.FAILED, "interrupted")
        assert not [m for m in user.messages() if NUDGE_TEXT in m.text]  # at-most-once: not resent


async def _final(h: Harness, patient_id: int | None) -> list[ScheduledMessage]:
    rows = await messages_of(h.db, patient_id)
    return rows if _all_final(rows) else []


def _quiet_window_around_now() -> tuple[str, str]:
    """Quiet hours covering the pinned clock's minute in UTC (and not 12 hours away)."""
    now = PINNED_NOW
    start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    return start.strftime("%H:%M"), end.strftime("%H:%M")


async def test_quiet_hours_hold_checkins_in_the_patients_own_timezone(tmp_path: Path) -> None:
    start, end = _quiet_window_around_now()
    clinics = scheduling_clinics(quiet=(start, end), checkins_after=["PT2S"], followups_after_last=[])
    async with running_bot(sqlite_url(tmp_path), clinics=clinics) as h:
        asleep = await make_patient(h.db, user_id=5001, timezone="UTC")
        awake = await make_patient(h.db, user_id=5002, timezone="Etc/GMT-12")  # UTC+12: midday there
        sleeper, riser = h.patient(user_id=5001), h.patient(user_id=5002)
        for patient in (asleep, awake):
            await make_course(h.services, patient, [h.services.clock.now() + timedelta(days=1)])
            await _mark_done(h, patient)
        await riser.wait_for_message(CHECKIN_TEXT, timeout=6)
        (held,) = [r for r in await messages_of(h.db, asleep.id) if r.kind == MessageKind.CHECKIN]
        assert held.status == MessageStatus.PENDING
        assert held.due_at.time().replace(second=0) == time.fromisoformat(end)  # the end of quiet hours
        assert held.payload["shifted"] == "later"
        assert sleeper.messages() == []


async def test_misfire_policy_after_the_bot_was_down(tmp_path: Path) -> None:
    clock = pinned_clock()
    clinics = scheduling_clinics(reminders_before=["PT20S"], checkins_after=["PT5S", "PT13H"],
                                 followups_after_last=[])
    async with running_bot(sqlite_url(tmp_path), clinics=clinics, clock=clock) as h:
        user = h.patient()
        patient = await make_patient(h.db)
        now = clock.now()
        course = await make_course(h.services, patient, [(now, "done"), now + timedelta(seconds=30)])
        keys = set(await _statuses(h, patient.id))
        assert keys == {f"c{course.id}:s1:checkin:PT5S", f"c{course.id}:s1:checkin:PT13H",
                        f"c{course.id}:s2:reminder:PT20S"}
        await h.runtime.stop()
        clock.advance(timedelta(hours=14))  # down for 14 hours
        await h.restart()
        await user.wait_for_message(CHECKIN_TEXT, timeout=5)
        rows = {row.dedupe_key: row for row in await wait_until(lambda: _final(h, patient.id))}
        assert rows[f"c{course.id}:s1:checkin:PT13H"].status == MessageStatus.SENT  # 1 h late: sent
        late = rows[f"c{course.id}:s1:checkin:PT5S"]
        assert (late.status, late.last_error) == (MessageStatus.SKIPPED, "misfire:too_late")
        reminder = rows[f"c{course.id}:s2:reminder:PT20S"]
        assert (reminder.status, reminder.last_error) == (MessageStatus.SKIPPED, "misfire:session_started")
        assert len(user.messages()) == 1


async def test_the_dispatcher_is_idle_only_when_nothing_due_is_left_to_send(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics()) as h:
        user = h.patient(user_id=5001)
        patient = await make_patient(h.db, user_id=5001)
        dispatcher = h.dispatcher
        await add_message(h.db, patient, MessageKind.CHECKIN, h.services.clock.now() + timedelta(days=1))
        assert await dispatcher.is_idle()  # due tomorrow: nothing to do now
        for _ in range(2):
            await add_message(h.db, patient, MessageKind.CHECKIN, h.services.clock.now())
        assert not await dispatcher.is_idle()  # due, though nobody has poked yet
        dispatcher.poke()
        await user.wait_for_message(CHECKIN_TEXT, timeout=5)
        assert not await dispatcher.is_idle()  # the second waits a second for the chat's next slot
        await wait_until(dispatcher.is_idle, within=5)
        assert len([m for m in user.messages() if CHECKIN_TEXT in m.text]) == 2
