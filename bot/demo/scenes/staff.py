"""Clinic staff in their staff chat: /invite with a QR code, /done on session day, /patient with the chart.

Runs after the enrolment scene and acts on the patient it left (``R-0001``).
Run on its own (or before that scene exists) it writes an enrolled patient
straight into the database, and says so in the transcript. The patient's
check-in answers after the injection are written directly too (answering
with buttons is the check-in scene's part), again with a note.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.demo.director import Director
from bot.models import CheckIn, Course, Patient, SessionStatus, TreatmentSession
from bot.sandbox.user import MessagePredicate
from bot.store import patients
from jobs.planner import sync_course_messages

WAIT = 20.0
NEAR = timedelta(days=3)
UPCOMING = (SessionStatus.PLANNED, SessionStatus.CONFIRMED)


async def staff_scene(demo: Director) -> None:
    demo.transcript.heading("Clinic staff: /invite, /done on session day, /patient with the chart")
    label = await _ensure_patient(demo)
    await _say(demo, "/invite knee", lambda m: m.kind == "photo")
    await _to_session_day(demo, label)
    await _say(demo, f"/done {label}", "Check-ins count from then")
    await demo.advance(timedelta(hours=7), note="seven hours later: the first check-in is due")
    await _ensure_answers(demo, label)
    await _say(demo, "/patients", "Patients ·")
    await _say(demo, f"/patient {label}", lambda m: m.kind == "photo" or "no chart" in m.text)


async def _say(demo: Director, text: str, reply: MessagePredicate) -> None:
    """A staff command in the staff chat, then a bounded wait for its reply (a chart takes a moment)."""
    mark = demo.staff_chat.mark()
    await demo.say(demo.staff, text, chat=demo.staff_chat)
    await demo.staff_chat.wait_for_message(reply, timeout=WAIT, after=mark)
    await demo.settle()


async def _patient(session: AsyncSession, demo: Director) -> Patient | None:
    return await patients.current_for_user(session, demo.patient.id)


async def _ensure_patient(demo: Director) -> str:
    """The label of the demo patient, enrolled directly if no earlier scene did."""
    async with demo.services.db.session() as session:
        found = await _patient(session, demo)
        if found is not None:
            return found.label
        clinic = next(iter(demo.services.clinics))
        patient = Patient(clinic_id=clinic.id, label=await patients.next_label(session, clinic.id, clinic.label_prefix),
                          telegram_user_id=demo.patient.id, chat_id=demo.patient.id, first_name="Alex",
                          language="en", timezone=clinic.timezone, consent_at=demo.clock.now())
        session.add(patient)
        await session.flush()
        course = Course(patient_id=patient.id or 0, clinic_id=clinic.id, area="knee", planned_sessions=4)
        session.add(course)
        await session.flush()
        first = demo.clock.now() + timedelta(days=2)
        session.add_all([TreatmentSession(course_id=course.id or 0, number=number,
                                          scheduled_at=first + timedelta(weeks=4 * (number - 1)))
                         for number in range(1, 5)])
        await session.flush()
        await sync_course_messages(session, demo.services, course.id or 0)
    demo.transcript.note(f"set up directly in the database: {patient.label}, knee, first session in two days")
    return patient.label


async def _to_session_day(demo: Director, label: str) -> None:
    """Move the clock to the next session; one weeks away is first re-booked for later today."""
    upcoming = await _next_session(demo)
    if upcoming is not None and upcoming.scheduled_at - demo.clock.now() > NEAR:
        clinic = next(iter(demo.services.clinics))
        soon = (demo.clock.now() + timedelta(hours=3)).astimezone(clinic.tz)
        await _say(demo, f"/book {label} {soon:%H}:00", "booked")
        upcoming = await _next_session(demo)
    if upcoming is not None and upcoming.scheduled_at > demo.clock.now():
        await demo.advance(upcoming.scheduled_at - demo.clock.now() + timedelta(minutes=20),
                           note=f"session day: the patient comes in for session {upcoming.number}")


async def _next_session(demo: Director) -> TreatmentSession | None:
    async with demo.services.db.session() as session:
        patient = await _patient(session, demo)
        statement = (select(TreatmentSession).join(Course, col(Course.id) == col(TreatmentSession.course_id))
                     .where(Course.patient_id == (patient.id if patient else -1))
                     .where(col(TreatmentSession.status).in_(UPCOMING))
                     .order_by(col(TreatmentSession.scheduled_at)))
        return (await session.exec(statement)).first()


async def _ensure_answers(demo: Director, label: str) -> None:
    """The patient's answers to the check-in after this injection (the check-in scene shows answering)."""
    now = demo.clock.now()
    async with demo.services.db.session() as session:
        patient = await _patient(session, demo)
        given = (await session.exec(
            select(TreatmentSession).join(Course, col(Course.id) == col(TreatmentSession.course_id))
            .where(Course.patient_id == (patient.id if patient else -1), TreatmentSession.status == "done")
            .order_by(col(TreatmentSession.done_at).desc()))).first()
        if patient is None or given is None or given.done_at is None:
            return
        rows = list((await session.exec(select(CheckIn).where(CheckIn.patient_id == patient.id)
                                        .where(col(CheckIn.created_at) >= given.done_at)
                                        .order_by(col(CheckIn.id)))).all())
        if any(row.soreness is not None for row in rows):
            return
        row = rows[-1] if rows else CheckIn(patient_id=patient.id or 0, session_id=given.id, created_at=now)
        row.soreness, row.swelling, row.level = 6, "mild", "ok"
        row.status, row.step, row.answered_at = "answered", "done", now
        session.add(row)
    demo.transcript.note(f"{label} answers the check-in (soreness 6, mild swelling), written directly")
