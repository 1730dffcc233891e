"""Check-ins after an injection: an ordinary one with advice, then an urgent one that reaches staff.

Runs after the enrolment scene (a patient with a planned course). If no
session has been given yet, the scene moves the clock to the first session
and records it as done directly in the database (the staff scene shows the
``/done`` command); if no patient exists (the scene run on its own), one is
enrolled directly too. Both shortcuts are announced in the transcript.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlmodel import col, select

from bot import course_ops
from bot.demo.director import Director
from bot.models import Course, Patient, SessionStatus, TreatmentSession
from bot.sandbox.user import ChatView, SandboxUser
from bot.store import patients

WAIT = 20.0
UPCOMING = (SessionStatus.PLANNED, SessionStatus.CONFIRMED)


async def checkin_scene(demo: Director) -> None:
    demo.transcript.heading("Check-ins: an ordinary one with aftercare advice, then an urgent one with a staff alert")
    await _ensure_injection(demo)
    await _advance_to_next_checkin(demo, "six hours after the injection: the first check-in")
    for label in ("4", "Mild", "✅ None of these · Done", "Skip"):
        await _tap(demo, demo.patient, label)
    await _expect(demo, demo.patient, "rehabilitation exercises")
    await _advance_to_next_checkin(demo, "the next day: the day-1 check-in")
    for label in ("6", "Moderate", "▫️ Injection site hot to the touch", "▫️ Redness spreading or increasing",
                  "✅ Done"):
        await _tap(demo, demo.patient, label)
    await _expect(demo, demo.patient, "contact your provider today")
    await _expect(demo, demo.staff_chat, "URGENT")
    clinic = next(iter(demo.services.clinics))
    await demo.advance(clinic.timing.realert_every.approx_timedelta() + timedelta(seconds=1),
                       note="nobody has acknowledged the alert yet: it is posted again")
    await _expect(demo, demo.staff_chat, "Not acknowledged yet")
    await _tap(demo, demo.staff, "Acknowledge", chat=demo.staff_chat)
    await _expect(demo, demo.staff_chat, "Acknowledged by")


async def _tap(demo: Director, user: SandboxUser, label: str, chat: ChatView | None = None) -> None:
    """Press ``label`` once the bot shows it (replies can trail a rate-limit pause; bounded wait)."""
    view = chat if chat is not None else user
    deadline = time.monotonic() + WAIT
    while not any(label in message.callback_data for message in view.messages()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot never showed a {label!r} button")
        await asyncio.sleep(0.1)
    await demo.press(user, label, chat=chat)


async def _expect(demo: Director, view: ChatView, text: str) -> None:
    """Wait (bounded) until the bot has said ``text`` in ``view`` (sent or edited), then print it."""
    deadline = time.monotonic() + WAIT
    while not any(text in message.text for message in view.messages()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot never said {text!r}")
        await asyncio.sleep(0.1)
    await demo.settle()


async def _advance_to_next_checkin(demo: Director, note: str) -> None:
    """Move the clock to the next pending check-in and wait (bounded) for its first question."""
    from bot.models import MessageKind, MessageStatus, ScheduledMessage

    patient = await _patient(demo)
    async with demo.services.db.session() as session:
        statement = (select(ScheduledMessage.due_at)
                     .where(ScheduledMessage.patient_id == (patient.id if patient else -1))
                     .where(ScheduledMessage.kind == MessageKind.CHECKIN)
                     .where(ScheduledMessage.status == MessageStatus.PENDING)
                     .order_by(col(ScheduledMessage.due_at)))
        due = (await session.exec(statement)).first()
    if due is None:
        return
    mark = demo.patient.mark()
    await demo.advance(max(due - demo.clock.now(), timedelta(0)) + timedelta(seconds=1), note=note)
    await demo.patient.wait_for_message("How sore", timeout=WAIT, after=mark)
    await demo.settle()


async def _patient(demo: Director) -> Patient | None:
    async with demo.services.db.session() as session:
        return await patients.current_for_user(session, demo.patient.id)


async def _ensure_injection(demo: Director) -> None:
    """A patient with a session given: the one the enrolment scene booked, or one set up directly."""
    patient = await _patient(demo) or await _enrol_directly(demo)
    async with demo.services.db.session() as session:
        rows = (await session.exec(
            select(TreatmentSession).join(Course, col(Course.id) == col(TreatmentSession.course_id))
            .where(Course.patient_id == patient.id).order_by(col(TreatmentSession.number)))).all()
    if any(row.status == SessionStatus.DONE for row in rows):
        return
    upcoming = next((row for row in rows if row.status in UPCOMING), None)
    if upcoming is not None and upcoming.scheduled_at > demo.clock.now():
        await demo.advance(upcoming.scheduled_at - demo.clock.now() + timedelta(minutes=20),
                           note=f"session day: {patient.label} has injection session {upcoming.number}")
    async with demo.services.db.session() as session:
        fresh = await session.get(Patient, patient.id)
        assert fresh is not None
        done = await course_ops.mark_done(session, demo.services, fresh, actor="demo")
    demo.transcript.note(f"session {done.number} recorded as given, directly in the database "
                         "(staff use /done; see the staff scene)")


async def _enrol_directly(demo: Director) -> Patient:
    clinic = next(iter(demo.services.clinics))
    async with demo.services.db.session() as session:
        patient = Patient(clinic_id=clinic.id, label=await patients.next_label(session, clinic.id, clinic.label_prefix),
                          telegram_user_id=demo.patient.id, chat_id=demo.patient.id, first_name="Alex",
                          language="en", timezone=clinic.timezone, consent_at=demo.clock.now())
        session.add(patient)
        await session.flush()
        course = Course(patient_id=patient.id or 0, clinic_id=clinic.id, area="knee", planned_sessions=4)
        session.add(course)
        await session.flush()
        session.add(TreatmentSession(course_id=course.id or 0, number=1,
                                     scheduled_at=demo.clock.now() + timedelta(hours=1)))
    demo.transcript.note(f"set up directly in the database: {patient.label}, knee, session 1 in an hour")
    return patient
