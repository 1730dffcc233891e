"""The planner and course operations against a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core.db import Database
from bot.core.models import AuditEvent, MessageKind, MessageStatus, Patient, PatientStatus, SessionStatus
from bot.core.services import Services
from bot.courses import course_ops
from bot.courses.planner import cancel_patient_messages, sync_course_messages
from tests.support.clinic import clinic_data, registry
from tests.support.factories import add_message, make_course, make_patient, make_services, messages_of, sessions_of

NOW = datetime(2026, 4, 6, 14, 0, tzinfo=UTC)  # a Monday, 10:00 in New York (no DST change near)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def services(db: Database) -> Services:
    data = clinic_data(quiet_hours={"start": "00:00", "end": "00:00"})
    return make_services(db, registry(data), FixedClock(NOW))


def by_key(rows: list) -> dict[str, object]:  # type: ignore[type-arg]
    return {row.dedupe_key: row for row in rows}


async def test_new_course_gets_reminders_for_every_future_session(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    course = await make_course(services, patient, [NOW + timedelta(days=7), NOW + timedelta(days=35)])
    rows = by_key(await messages_of(db, patient.id))
    assert set(rows) == {f"c{course.id}:s1:reminder:P2D", f"c{course.id}:s1:reminder:PT2H",
                         f"c{course.id}:s2:reminder:P2D", f"c{course.id}:s2:reminder:PT2H"}
    first = rows[f"c{course.id}:s1:reminder:P2D"]
    assert first.due_at == NOW + timedelta(days=5)  # type: ignore[attr-defined]
    assert all(row.status == MessageStatus.PENDING for row in rows.values())  # type: ignore[attr-defined]


async def test_sync_is_idempotent(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    course = await make_course(services, patient, [NOW + timedelta(days=7)])
    async with db.session() as session:
        again = await sync_course_messages(session, services, course.id or 0)
    assert (again.inserted, again.moved, again.revived, again.cancelled) == (0, 0, 0, 0)
    assert len(await messages_of(db, patient.id)) == 2


async def test_reschedule_moves_pending_rows_in_place(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    course = await make_course(services, patient, [NOW + timedelta(days=7), NOW + timedelta(days=35)])
    before = by_key(await messages_of(db, patient.id))
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        result = await course_ops.reschedule_session(session, services, fresh, 1, NOW + timedelta(days=10))
    assert result.moved == (2,)  # the planned session 2 keeps its four-week spacing
    after = by_key(await messages_of(db, patient.id))
    assert set(after) == set(before)
    key = f"c{course.id}:s1:reminder:P2D"
    assert after[key].id == before[key].id  # type: ignore[attr-defined]
    assert after[key].due_at == NOW + timedelta(days=8)  # type: ignore[attr-defined]
    sessions = await sessions_of(db, course.id)
    assert sessions[1].scheduled_at == NOW + timedelta(days=38)


async def test_cancel_and_done_and_missed_reshape_the_plan(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    course = await make_course(services, patient, [NOW + timedelta(hours=1), NOW + timedelta(days=28)])
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        await course_ops.cancel_session(session, services, fresh, 2)
        await course_ops.mark_done(session, services, fresh, 1, at=NOW)
    rows = by_key(await messages_of(db, patient.id))
    assert rows[f"c{course.id}:s2:reminder:P2D"].status == MessageStatus.CANCELLED  # type: ignore[attr-defined]
    checkins = {k: r for k, r in rows.items() if r.kind == MessageKind.CHECKIN}  # type: ignore[attr-defined]
    assert rows[f"c{course.id}:s1:checkin:PT6H"].due_at == NOW + timedelta(hours=6)  # type: ignore[attr-defined]
    assert len(checkins) == 4
    followups = [r for r in rows.values() if r.kind == MessageKind.FOLLOWUP]  # type: ignore[attr-defined]
    assert len(followups) == 3  # nothing upcoming any more: outcome follow-ups are planned
    async with db.session() as session:
        events = [e.event for e in (await session.exec(select(AuditEvent))).all()]
    assert events == ["session_cancelled", "session_done"]


async def test_sent_reminder_for_a_moved_session_gets_a_second_generation(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    course = await make_course(services, patient, [NOW + timedelta(days=3)])
    key = f"c{course.id}:s1:reminder:P2D"
    async with db.session() as session:
        row = next(r for r in await messages_of(db, patient.id) if r.dedupe_key == key)
        row.status = MessageStatus.SENT
        session.add(row)
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        await course_ops.reschedule_session(session, services, fresh, 1, NOW + timedelta(days=6))
    rows = by_key(await messages_of(db, patient.id))
    assert rows[key].status == MessageStatus.SENT  # type: ignore[attr-defined]
    assert rows[f"{key}#2"].status == MessageStatus.PENDING  # type: ignore[attr-defined]
    assert rows[f"{key}#2"].due_at == NOW + timedelta(days=4)  # type: ignore[attr-defined]


async def test_stop_cancels_pending_but_keeps_history_and_other_kinds(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    await make_course(services, patient, [NOW + timedelta(days=7)])
    sent = await add_message(db, patient, MessageKind.CHECKIN, NOW - timedelta(days=1), status=MessageStatus.SENT)
    realert = await add_message(db, patient, MessageKind.REALERT, NOW + timedelta(minutes=5))
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        cancelled = await course_ops.stop_patient(session, services, fresh)
    assert cancelled == 2
    rows = {row.id: row for row in await messages_of(db, patient.id)}
    assert rows[sent.id].status == MessageStatus.SENT
    assert rows[realert.id].status == MessageStatus.PENDING  # the staff's open alert still re-alerts
    assert sum(row.status == MessageStatus.CANCELLED for row in rows.values()) == 2
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        with pytest.raises(course_ops.PatientInactive):
            assert fresh is not None
            await course_ops.book_session(session, services, fresh, NOW + timedelta(days=9))


async def test_blocked_then_resumed_patient_gets_future_messages_back(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    await make_course(services, patient, [NOW + timedelta(days=7)])
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        assert await course_ops.mark_blocked(session, services, fresh) == 2
        assert fresh.status == PatientStatus.PAUSED and "blocked" in fresh.flags
    assert {r.status for r in await messages_of(db, patient.id)} == {MessageStatus.CANCELLED}
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        await course_ops.resume_patient(session, services, fresh)
        assert fresh.flags == []
    assert {r.status for r in await messages_of(db, patient.id)} == {MessageStatus.PENDING}


async def test_booking_lays_out_a_course_and_validates_input(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    course = await make_course(services, patient, [], planned_sessions=3)
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        with pytest.raises(course_ops.InvalidTime):
            await course_ops.book_session(session, services, fresh, NOW - timedelta(hours=1))
        result = await course_ops.book_session(session, services, fresh, NOW + timedelta(days=2))
        with pytest.raises(course_ops.SessionNotFound):
            await course_ops.reschedule_session(session, services, fresh, 9, NOW + timedelta(days=3))
        with pytest.raises(course_ops.InvalidTime):
            await course_ops.mark_done(session, services, fresh, 1, at=NOW + timedelta(days=1))
    assert result.number == 1
    sessions = await sessions_of(db, course.id)
    assert [s.scheduled_at - sessions[0].scheduled_at for s in sessions] == [
        timedelta(0), timedelta(weeks=4), timedelta(weeks=8)]
    assert len(await messages_of(db, patient.id)) == 6


async def test_confirm_is_idempotent_and_refuses_past_sessions(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    await make_course(services, patient, [NOW + timedelta(days=3), NOW - timedelta(hours=1)])
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        first = await course_ops.confirm_session(session, services, fresh, number=1)
        second = await course_ops.confirm_session(session, services, fresh, number=1)
        with pytest.raises(course_ops.SessionStarted):
            await course_ops.confirm_session(session, services, fresh, number=2)
    assert (first.changed, second.changed) == (True, False)
    assert (await sessions_of(db, first.course_id))[0].status == SessionStatus.CONFIRMED


async def test_cancel_patient_messages_counts_only_pending(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    await add_message(db, patient, MessageKind.CHECKIN, NOW, status=MessageStatus.SENDING)
    await add_message(db, patient, MessageKind.NUDGE, NOW)
    async with db.session() as session:
        assert await cancel_patient_messages(session, patient.id or 0, "test") == 1


async def test_a_move_that_would_overtake_a_confirmed_session_is_refused(services: Services, db: Database) -> None:
    patient = await make_patient(db)
    course = await make_course(services, patient, [NOW + timedelta(days=3), NOW + timedelta(days=31)])
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        await course_ops.confirm_session(session, services, fresh, number=2)
    async with db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        with pytest.raises(course_ops.InvalidTime, match="session 1 would not come before session 2"):
            await course_ops.reschedule_session(session, services, fresh, 1, NOW + timedelta(days=40))
    assert [s.scheduled_at for s in await sessions_of(db, course.id)] == [NOW + timedelta(days=3),
                                                                         NOW + timedelta(days=31)]
