"""``/book``, ``/reschedule``, ``/cancel_session``, ``/done``, ``/missed`` as clinic staff use them.

Each happy path checks what staff read and what changed: the session, the
patient's scheduled messages (reminders follow, check-ins count from the
injection), and an audit event naming the staff member. Bad arguments get a
line saying what to fix and change nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.core.models import MessageStatus, ScheduledMessage, SessionStatus
from tests.support.clinic import STAFF_USER_ID
from tests.support.factories import make_course, make_patient, sessions_of
from tests.support.harness import Harness
from tests.support.staff_factories import Scenario, ask, audit_events, patient_mid_course, sessions_now

ACTOR = f"staff:{STAFF_USER_ID}"


@pytest.fixture
def harness(harness: Harness) -> Harness:
    harness.sandbox.set_limits(chat_capacity=60)
    return harness


async def messages_for(harness: Harness, session_id: int | None, kind: str) -> list[ScheduledMessage]:
    statement = select(ScheduledMessage).where(ScheduledMessage.session_id == session_id,
                                               ScheduledMessage.kind == kind)
    async with harness.db.session() as session:
        return list((await session.exec(statement)).all())


def iso_local(moment: datetime, harness: Harness) -> str:
    """``2026-12-03 10:30`` on the clinic's clock, as staff type it."""
    return moment.astimezone(harness.clinic.tz).strftime("%Y-%m-%d %H:%M")


async def only_event(harness: Harness, event: str) -> Any:
    (found,) = await audit_events(harness.db, event)
    assert found.actor == ACTOR and found.patient_label == "R-0001"
    return found


async def test_book_lays_out_the_course_and_its_reminders(harness: Harness) -> None:
    patient = await make_patient(harness.db, label="R-0001")
    course = await make_course(harness.services, patient, [], planned_sessions=4)
    target = (harness.services.clock.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    reply = await ask(harness.staff(), f"/book r-0001 {iso_local(target, harness)}")
    assert reply.text.startswith("✅ R-0001: session 1 booked for ")
    assert "Reminders follow." in reply.text
    rows = await sessions_of(harness.db, course.id)
    assert [row.number for row in rows] == [1, 2, 3, 4]
    assert rows[0].scheduled_at == target
    reminders = await messages_for(harness, rows[0].id, "reminder")
    assert reminders and all(r.status == MessageStatus.PENDING and r.due_at < target for r in reminders)
    assert (await only_event(harness, "session_booked")).details["created"] == 4


async def test_reschedule_moves_the_session_and_keeps_later_spacing(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    old = scenario.sessions[2].scheduled_at - scenario.sessions[1].scheduled_at
    target = (scenario.sessions[1].scheduled_at + timedelta(days=3)).replace(second=0, microsecond=0)
    reply = await ask(harness.staff(), f"/reschedule R-0001 2 {iso_local(target, harness)}")
    assert reply.text.startswith("✅ R-0001: session 2 moved to ")
    assert "Later sessions moved to keep their spacing: 3." in reply.text
    rows = await sessions_of(harness.db, scenario.course.id)
    assert rows[1].scheduled_at == target
    assert rows[2].scheduled_at - rows[1].scheduled_at == old
    due = [r.payload["session_at"] for r in await messages_for(harness, rows[1].id, "reminder")
           if r.status == MessageStatus.PENDING]
    assert due and all(datetime.fromisoformat(at) == target for at in due)
    await only_event(harness, "session_rescheduled")


async def test_cancel_session_withdraws_its_reminders(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    third = scenario.sessions[2]
    assert any(r.status == MessageStatus.PENDING for r in await messages_for(harness, third.id, "reminder"))
    reply = await ask(harness.staff(), "/cancel_session R-0001 3")
    assert reply.text.startswith("✅ R-0001: session 3 (")
    assert "cancelled; its reminders are withdrawn" in reply.text
    rows = await sessions_of(harness.db, scenario.course.id)
    assert rows[2].status == SessionStatus.CANCELLED
    assert all(r.status != MessageStatus.PENDING for r in await messages_for(harness, third.id, "reminder"))
    await only_event(harness, "session_cancelled")


async def test_done_now_starts_the_checkins_from_now(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    before = harness.services.clock.now()
    reply = await ask(harness.staff(), "/done R-0001", harness.staff_group())
    assert reply.text.startswith("✅ R-0001: session 2 given ")
    assert "Check-ins count from then." in reply.text
    second = (await sessions_of(harness.db, scenario.course.id))[1]
    assert second.status == SessionStatus.DONE and second.done_at is not None
    assert before <= second.done_at <= harness.services.clock.now()
    checkins = await messages_for(harness, second.id, "checkin")
    assert len(checkins) == 4
    assert {datetime.fromisoformat(r.payload["anchor_at"]) for r in checkins} == {second.done_at}
    await only_event(harness, "session_done")


async def test_done_at_a_stated_time(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services, done=0,
                                        first_at=harness.services.clock.now() + timedelta(hours=1))
    given = (harness.services.clock.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    reply = await ask(harness.staff(), f"/done R-0001 1 {iso_local(given, harness)}")
    assert reply.text.startswith("✅ R-0001: session 1 given ")
    first = (await sessions_of(harness.db, scenario.course.id))[0]
    assert first.done_at == given
    checkins = await messages_for(harness, first.id, "checkin")
    assert min(datetime.fromisoformat(r.payload["nominal_at"]) for r in checkins) == given + timedelta(hours=6)


async def test_missed_stops_the_reminders(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    reply = await ask(harness.staff(), "/missed R-0001")
    assert reply.text.startswith("✅ R-0001: session 2 (")
    assert "marked missed" in reply.text
    second = (await sessions_of(harness.db, scenario.course.id))[1]
    assert second.status == SessionStatus.MISSED
    assert all(r.status != MessageStatus.PENDING for r in await messages_for(harness, second.id, "reminder"))
    await only_event(harness, "session_missed")


async def test_replies_in_the_staff_members_language(harness: Harness) -> None:
    await patient_mid_course(harness.services)
    staff = harness.sandbox.user(user_id=STAFF_USER_ID, first_name="Sam", language_code="es")
    reply = await ask(staff, "/missed R-0001")
    assert reply.text.startswith("✅ R-0001: sesión 2 (")
    assert "no acudida" in reply.text
    assert "Uso: /book ETIQUETA FECHA HORA" in (await ask(staff, "/book")).text


BAD_ARGUMENTS = [
    ("/book", "Usage: /book LABEL DATE TIME, e.g. /book R-0042 Dec 3 10:30"),
    ("/book R-0001", "Usage: /book LABEL DATE TIME"),
    ("/book R-0099 tomorrow 10:00", "There is no patient R-0099 at this clinic."),
    ("/book 5001 tomorrow 10:00", "“5001” is not a patient label. Use the clinic label, e.g. R-0042."),
    ("/book R-0001 someday", "I could not read “someday” as a date and time. Try e.g. Dec 3 10:30"),
    ("/book R-0001 Dec 3", "“Dec 3” has no time of day."),
    ("/book R-0001 31/02 10:00", "“31/02 10:00” is not a real date or time."),
    ("/book R-0001 2020-01-01 10:00", "“2020-01-01 10:00” is in the past."),
    ("/reschedule R-0001 2", "Usage: /reschedule LABEL SESSION DATE TIME"),
    ("/reschedule R-0001 two tomorrow 10:00", "“two” is not a session number"),
    ("/reschedule R-0001 9 tomorrow 10:00", "R-0001 has no session 9: sessions are 1–3."),
    ("/reschedule R-0001 1 tomorrow 10:00", "Session 1 of R-0001 is done, so it cannot be changed that way."),
    ("/cancel_session R-0001", "Usage: /cancel_session LABEL SESSION"),
    ("/cancel_session R-0001 0", "“0” is not a session number"),
    ("/cancel_session R-0001 4", "R-0001 has no session 4: sessions are 1–3."),
    ("/done", "Usage: /done LABEL [SESSION] [WHEN]"),
    ("/done R-0001 tomorrow 10:00", "“tomorrow 10:00” is still in the future"),
    ("/done R-0001 1", "Session 1 of R-0001 is done"),
    ("/done R-0001 7", "R-0001 has no session 7"),
    ("/missed", "Usage: /missed LABEL [SESSION]"),
    ("/missed R-0001 2 3", "Usage: /missed LABEL [SESSION]"),
    ("/missed R-0002", "There is no patient R-0002"),
]


async def test_bad_arguments_get_a_clear_reply_and_change_nothing(harness: Harness) -> None:
    scenario: Scenario = await patient_mid_course(harness.services)
    before = await sessions_now(harness.db, scenario.course.id)
    staff = harness.staff()
    for command, expected in BAD_ARGUMENTS:
        reply = await ask(staff, command)
        assert expected in reply.text, (command, reply.text)
        assert "✅" not in reply.text
    assert await sessions_now(harness.db, scenario.course.id) == before
    assert [e.event for e in await audit_events(harness.db)] == []


async def test_a_stopped_patient_cannot_be_booked(harness: Harness) -> None:
    await make_patient(harness.db, label="R-0001", status="stopped")
    reply = await ask(harness.staff(), "/book R-0001 tomorrow 10:00")
    assert reply.text == "R-0001 has left the programme; nothing was changed."
