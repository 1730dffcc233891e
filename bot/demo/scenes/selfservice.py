"""Self-service: /status, /history with its chart, /pause and /resume in English, then /language to Spanish.

Runs after the enrolment and check-in scenes and uses the patient they left.
Run on its own (or before those scenes exist) it writes what it needs straight
into the database, and says so in the transcript: an enrolled patient whose
first session was two days ago, and two answered check-ins for the chart.
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

WAIT = 15.0


async def selfservice_scene(demo: Director) -> None:
    demo.transcript.heading("Self-service: /status, /history, /pause and /resume, then /language (Spanish)")
    patient = await _ensure_patient(demo)
    await _ensure_answers(demo, patient)
    await _say(demo, "/status", "Next session")
    await _say(demo, "/history", lambda m: m.kind == "photo" or "chart appears" in m.text)
    await _say(demo, "/pause", "For how long")
    await _press(demo, "3 days", "Paused until")
    await _say(demo, "/status", "paused")
    await _say(demo, "/resume", "Welcome back")
    await _say(demo, "/language", "Choose your language")
    await _press(demo, "Español", "español")
    await _say(demo, "/status", "Próxima sesión")


async def _say(demo: Director, text: str, reply: MessagePredicate) -> None:
    """Send, then wait (bounded) for the reply: it can trail a rate-limit pause or the chart drawing."""
    mark = demo.patient.mark()
    await demo.say(demo.patient, text)
    await demo.patient.wait_for_message(reply, timeout=WAIT, after=mark)
    await demo.settle()


async def _press(demo: Director, label: str, reply: MessagePredicate) -> None:
    mark = demo.patient.mark()
    await demo.press(demo.patient, label)
    await demo.patient.wait_for_message(reply, timeout=WAIT, after=mark)
    await demo.settle()


async def _ensure_patient(demo: Director) -> Patient:
    """The patient the enrolment scene left, or one written directly (noted in the transcript)."""
    async with demo.services.db.session() as session:
        found = await patients.current_for_user(session, demo.patient.id)
        if found is not None:
            return found
        clinic = next(iter(demo.services.clinics))
        patient = Patient(clinic_id=clinic.id, label=await patients.next_label(session, clinic.id, clinic.label_prefix),
                          telegram_user_id=demo.patient.id, chat_id=demo.patient.id, first_name="Alex",
                          language="en", timezone=clinic.timezone, consent_at=demo.clock.now())
        session.add(patient)
        await session.flush()
        await _course(demo, session, patient)
    demo.transcript.note("set up directly in the database: an enrolled knee patient, session 1 two days ago")
    return patient


async def _course(demo: Director, session: AsyncSession, patient: Patient) -> None:
    now = demo.clock.now()
    course = Course(patient_id=patient.id or 0, clinic_id=patient.clinic_id, area="knee", planned_sessions=4)
    session.add(course)
    await session.flush()
    given = now - timedelta(days=2)
    for number in range(1, 5):
        at = given + timedelta(weeks=4 * (number - 1))
        done = number == 1
        session.add(TreatmentSession(course_id=course.id or 0, number=number, scheduled_at=at,
                                     status=SessionStatus.DONE if done else SessionStatus.PLANNED,
                                     done_at=at if done else None))
    await session.flush()
    await sync_course_messages(session, demo.services, course.id or 0)


async def _ensure_answers(demo: Director, patient: Patient) -> None:
    """Two answered check-ins after the last session given, unless the check-in scene left some.

    Nothing is invented before a session has been given (the enrolment scene alone leaves
    the first session ahead): then /history honestly says the chart comes later.
    """
    async with demo.services.db.session() as session:
        answered = (await session.exec(select(CheckIn).where(CheckIn.patient_id == patient.id,
                                                             col(CheckIn.soreness).is_not(None)))).first()
        if answered is not None:
            return
        course = (await session.exec(select(Course).where(Course.patient_id == patient.id)
                                     .order_by(col(Course.id).desc()))).first()
        sessions = (await session.exec(select(TreatmentSession).where(
            TreatmentSession.course_id == (course.id if course else -1),
            TreatmentSession.status == SessionStatus.DONE))).all()
        if not sessions:
            return  # nothing given yet: /history says the chart comes after the first answer
        given = max(s.done_at or s.scheduled_at for s in sessions)
        for hours, soreness, swelling, level in ((6, 6, "moderate", "watch"), (24, 4, "mild", "ok")):
            at = min(given + timedelta(hours=hours), demo.clock.now())
            session.add(CheckIn(patient_id=patient.id or 0, status="answered", soreness=soreness, swelling=swelling,
                                level=level, created_at=at, answered_at=at))
    demo.transcript.note("set up directly in the database: two answered check-ins")
