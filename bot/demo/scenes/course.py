"""The course on the simulated clock: reminders before every session, check-ins after, follow-ups.

``reminders_scene`` runs right after enrolment and shows the two reminders
before the first session (Confirm). ``rest_of_course_scene`` runs last: for each
remaining session the reminders, the staff's ``/done`` and the first check-in,
then the outcome follow-ups after the last session. The clock jumps straight to
each message's due time, as the scheduler would see it in real life.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from bot.core import patients
from bot.core.models import (
    Course,
    MessageKind,
    MessageStatus,
    Patient,
    ScheduledMessage,
    SessionStatus,
    TreatmentSession,
)
from bot.demo.director import Director

CONFIRM = "✅ Confirm"
UPCOMING = (SessionStatus.PLANNED, SessionStatus.CONFIRMED)


async def reminders_scene(demo: Director) -> None:
    demo.transcript.heading("Reminders before the first session: two days and two hours before")
    session = await next_session(demo)
    if session is None:
        return
    await _reminders_for(demo, session)


async def rest_of_course_scene(demo: Director) -> None:
    demo.transcript.heading("The rest of the course: reminders, staff /done on session day, check-in, follow-ups")
    patient = await current_patient(demo)
    if patient is not None and patient.language != "en":
        await demo.say(demo.patient, "/language")
        await demo.tap(demo.patient, "English")
    while (session := await next_session(demo)) is not None:
        await _reminders_for(demo, session)
        await demo.advance_to(session.scheduled_at + timedelta(minutes=30),
                              note=f"session {session.number}: the injection is given")
        label = await _label(demo)
        await demo.say(demo.staff, f"/done {label}", chat=demo.staff_chat)
        due = await next_due(demo, MessageKind.CHECKIN)
        if due is not None:
            mark = demo.patient.mark()
            await demo.advance_to(due, note="a few hours later: the check-in")
            await demo.patient.wait_for_message(lambda m: "2" in m.callback_data, timeout=20, after=mark)
            for answer in ("2", "None", "✅ None of these · Done", "Skip"):
                await demo.tap(demo.patient, answer)
    for _ in range(3):
        due = await next_due(demo, MessageKind.FOLLOWUP)
        if due is None:
            break
        mark = demo.patient.mark()
        await demo.advance_to(due, note="after the last session: an outcome follow-up")
        await demo.patient.wait_for_message(lambda m: "1" in m.callback_data, timeout=20, after=mark)
        await demo.tap(demo.patient, "1")
        await demo.tap(demo.patient, "Better")


async def _reminders_for(demo: Director, session: TreatmentSession) -> None:
    due = await next_due(demo, MessageKind.REMINDER)
    while due is not None and due < session.scheduled_at:
        await demo.advance_to(due, note=f"a reminder for session {session.number} is due")
        await demo.expect(demo.patient, "Session reminder")
        latest = demo.patient.last_message()
        if latest is not None and CONFIRM in latest.callback_data:
            await demo.tap(demo.patient, CONFIRM)
        due = await next_due(demo, MessageKind.REMINDER)


async def current_patient(demo: Director) -> Patient | None:
    async with demo.services.db.session() as session:
        return await patients.current_for_user(session, demo.patient.id)


async def _label(demo: Director) -> str:
    patient = await current_patient(demo)
    return patient.label if patient is not None else ""


async def next_session(demo: Director) -> TreatmentSession | None:
    patient = await current_patient(demo)
    if patient is None:
        return None
    async with demo.services.db.session() as session:
        statement = (
            select(TreatmentSession)
            .join(Course, col(Course.id) == col(TreatmentSession.course_id))
            .where(Course.patient_id == patient.id, col(TreatmentSession.status).in_(UPCOMING))
            .order_by(col(TreatmentSession.scheduled_at))
        )
        return (await session.exec(statement)).first()


async def next_due(demo: Director, kind: MessageKind) -> datetime | None:
    patient = await current_patient(demo)
    if patient is None:
        return None
    async with demo.services.db.session() as session:
        statement = (
            select(ScheduledMessage.due_at)
            .where(ScheduledMessage.patient_id == patient.id, ScheduledMessage.kind == kind,
                   ScheduledMessage.status == MessageStatus.PENDING)
            .order_by(col(ScheduledMessage.due_at))
        )
        return (await session.exec(statement)).first()
