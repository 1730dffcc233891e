"""The check-in press's reads and writes on Core rows, on each backend.

The press path reads the patient and the check-in as plain columns made into
objects outside the session (``bot.core.rows``) and stores each answer with one
conditional UPDATE: these tests hold it to what the ORM gave before, with the
values read back through the ORM as the truth.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect as sa_inspect
from sqlmodel import select

from bot.checkins import queries as checkins
from bot.checkins.queries import CheckInKind, CheckInStatus, Step
from bot.core.db import Database
from bot.core.models import CheckIn, Patient, PatientStatus, ScheduledMessage, SessionStatus, TreatmentSession
from bot.core.rows import Shape
from tests.support.clock import pinned_clock
from tests.support.factories import make_course, make_patient, make_services

USER = 7101


async def _checkin(db: Database, patient: Patient, **fields: object) -> CheckIn:
    async with db.session() as session:
        row = CheckIn(patient_id=patient.id or 0, step=Step.SORENESS, **fields)  # type: ignore[arg-type]
        session.add(row)
    return row


async def _stored(db: Database, checkin_id: int) -> CheckIn:
    async with db.session() as session:
        row = await session.get(CheckIn, checkin_id)
        assert row is not None
        return row


def _values(row: object, model: type) -> dict[str, object]:
    return {key: getattr(row, key) for key in Shape(model).keys}


async def test_a_press_reads_the_patient_check_in_and_injection_as_the_orm_does(db: Database) -> None:
    clock = pinned_clock()
    services = make_services(db, clock=clock)
    patient = await make_patient(db, user_id=USER)
    injected = clock.now() - timedelta(days=2)
    course = await make_course(services, patient, [(injected, SessionStatus.DONE)], area="shoulder", sync=False)
    async with db.session() as session:
        session_id = (await session.exec(select(TreatmentSession.id).where(
            TreatmentSession.course_id == course.id))).one()
    checkin = await _checkin(db, patient, session_id=session_id, signs=["fever"], soreness=4)

    async with db.session() as session:
        found = await checkins.for_press(session, USER, checkin.id or 0)
        assert found.patient is not None and found.checkin is not None
        assert found.patient not in session and found.checkin not in session  # nothing for the unit of work
    assert _values(found.patient, Patient) == _values(patient, Patient)
    assert _values(found.checkin, CheckIn) == _values(await _stored(db, checkin.id or 0), CheckIn)
    assert found.about == checkins.About("shoulder", 1, injected, course.id, None)


async def test_a_press_by_someone_not_enrolled_or_on_an_unknown_check_in_finds_nothing_to_change(
    db: Database,
) -> None:
    patient = await make_patient(db, user_id=USER)
    async with db.session() as session:
        assert await checkins.for_press(session, USER + 1, 1) == checkins.PressContext(None, None, None)
        unknown = await checkins.for_press(session, USER, 999_999)
    assert unknown.checkin is None and unknown.patient is not None and unknown.patient.id == patient.id
    stopped = await make_patient(db, user_id=USER + 2, status=PatientStatus.STOPPED)
    await _checkin(db, stopped)
    async with db.session() as session:
        assert (await checkins.for_press(session, USER + 2, 1)).patient is None


async def test_a_follow_up_press_names_the_offset_the_clinic_wrote(db: Database) -> None:
    clock = pinned_clock()
    patient = await make_patient(db, user_id=USER)
    await make_course(make_services(db, clock=clock), patient, [(clock.now(), SessionStatus.DONE)], sync=False)
    async with db.session() as session:
        session_id = (await session.exec(select(TreatmentSession.id))).one()
        message = ScheduledMessage(patient_id=patient.id, clinic_id=patient.clinic_id, kind="followup",
                                   dedupe_key="followup:test", due_at=clock.now(), payload={"offset": "P3M"})
        session.add(message)
        await session.flush()
        message_id = message.id
    followup = await _checkin(db, patient, session_id=session_id, kind=CheckInKind.FOLLOWUP,
                              scheduled_message_id=message_id)
    plain = await _checkin(db, patient, session_id=session_id, scheduled_message_id=message_id)
    async with db.session() as session:
        assert (await checkins.for_press(session, USER, followup.id or 0)).about.followup_offset == "P3M"  # type: ignore[union-attr]
        assert (await checkins.for_press(session, USER, plain.id or 0)).about.followup_offset is None  # type: ignore[union-attr]


async def test_an_answer_is_stored_once_and_a_repeat_of_the_same_step_changes_nothing(db: Database) -> None:
    patient = await make_patient(db, user_id=USER)
    checkin = await _checkin(db, patient)
    async with db.session() as session:
        first = await checkins.transition(session, checkin.id or 0, Step.SORENESS, soreness=6, step=Step.SWELLING)
        repeat = await checkins.transition(session, checkin.id or 0, Step.SORENESS, soreness=2, step=Step.SWELLING)
    assert repeat is None
    assert first is not None and (first.soreness, first.step) == (6, Step.SWELLING)
    stored = await _stored(db, checkin.id or 0)
    assert _values(first, CheckIn) == _values(stored, CheckIn)


async def test_an_answer_refreshes_the_copy_the_session_holds_and_writes_it_only_once(db: Database) -> None:
    patient = await make_patient(db, user_id=USER)
    checkin = await _checkin(db, patient)
    async with db.session() as session:
        held = await session.get(CheckIn, checkin.id)
        updated = await checkins.transition(session, checkin.id or 0, Step.SORENESS, soreness=3, step=Step.SWELLING)
        assert updated is held and held is not None and held.soreness == 3
        assert not sa_inspect(held).modified  # nothing left for the session to write again


async def test_a_closed_check_in_takes_no_answer(db: Database) -> None:
    patient = await make_patient(db, user_id=USER)
    missed = await _checkin(db, patient, status=CheckInStatus.MISSED)
    async with db.session() as session:
        assert await checkins.transition(session, missed.id or 0, Step.SORENESS, soreness=3) is None
    assert (await _stored(db, missed.id or 0)).soreness is None
