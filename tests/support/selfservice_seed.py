"""A patient part-way through a course, written straight into the database.

Self-service tests need history to show: one session given two days ago, three
booked ahead, two answered check-ins (one with a note full of HTML-ish
characters), an alert, an audit trail and the invite they joined with. Built
on ``tests.support.factories`` (patients, courses, synced messages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.models import Alert, AuditEvent, CheckIn, Course, Invite, Patient, SessionStatus
from bot.core.services import Services
from tests.support.factories import make_course, make_patient, sessions_of

NOTE = "Knee <b>stiff</b> & sore_ish *today* zq17"
FIRST_NAME = "Zyx<Ann>&_*"


@dataclass
class Seeded:
    patient: Patient
    course: Course
    done_at: datetime
    next_session_at: datetime
    check_ins: list[CheckIn] = field(default_factory=list)


async def seed_patient(
    services: Services, *, user_id: int = 5001, language: str = "en", now: datetime | None = None,
    timezone: str = "America/New_York", first_name: str = FIRST_NAME, with_answers: bool = True,
    note: str = NOTE, flags: tuple[str, ...] = ("blood_thinners",),
) -> Seeded:
    """An enrolled patient with session 1 done two days ago and sessions 2-4 booked."""
    now = now or services.clock.now()
    patient = await make_patient(services.db, user_id=user_id, language=language, timezone=timezone)
    async with services.db.session() as session:
        row = await session.get(Patient, patient.id)
        assert row is not None
        row.first_name = first_name
        row.flags = list(flags)
    patient.first_name = first_name
    done_at = (now - timedelta(days=2)).replace(microsecond=0)
    ahead = (now + timedelta(days=26)).replace(microsecond=0)
    course = await make_course(services, patient, [
        (done_at, SessionStatus.DONE), ahead, ahead + timedelta(weeks=4), ahead + timedelta(weeks=8),
    ], planned_sessions=4)
    seeded = Seeded(patient, course, done_at, ahead)
    if with_answers:
        seeded.check_ins = await _answers(services, patient, course, done_at, note)
    await _paper_trail(services, patient)
    return seeded


async def _answers(services: Services, patient: Patient, course: Course, done_at: datetime,
                   note: str) -> list[CheckIn]:
    first_session = (await sessions_of(services.db, course.id))[0]
    rows = [
        CheckIn(patient_id=patient.id or 0, session_id=first_session.id, status="answered", soreness=6,
                swelling="moderate", level="watch", matched=["soreness_high"],
                created_at=done_at + timedelta(hours=6), answered_at=done_at + timedelta(hours=6, minutes=5)),
        CheckIn(patient_id=patient.id or 0, session_id=first_session.id, status="answered", soreness=4,
                swelling="mild", note=note, level="ok",
                created_at=done_at + timedelta(days=1), answered_at=done_at + timedelta(days=1, minutes=3)),
    ]
    async with services.db.session() as session:
        session.add_all(rows)
        await session.flush()
        session.add(Alert(clinic_id=patient.clinic_id, patient_id=patient.id or 0, check_in_id=rows[0].id,
                          level="watch", signs=["soreness_high"]))
    return rows


async def _paper_trail(services: Services, patient: Patient) -> None:
    """An invite the patient used and audit rows about them (one carelessly naming their id)."""
    async with services.db.session() as session:
        session.add(Invite(token_hash=f"hash-{patient.id}-{patient.label}", clinic_id=patient.clinic_id,
                           area="knee", expires_at=services.clock.now() + timedelta(days=7),
                           used_at=services.clock.now(), patient_id=patient.id))
        session.add(AuditEvent(clinic_id=patient.clinic_id, patient_label=patient.label, actor="patient",
                               event="enrolment_completed", details={"area": "knee", "flags": 1}))
        session.add(AuditEvent(clinic_id=patient.clinic_id, actor=f"user:{patient.telegram_user_id}",
                               event="invite_opened", details={"telegram_user_id": patient.telegram_user_id}))


async def set_status(services: Services, patient: Patient, status: str, until: datetime | None = None) -> None:
    async with services.db.session() as session:
        row = await session.get(Patient, patient.id)
        assert row is not None
        row.status = status
        row.paused_until = until
