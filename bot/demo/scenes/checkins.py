"""Check-ins after an injection: an ordinary one with advice, then an urgent one that reaches staff.

Runs after the reminders scene: on session day the clinic marks the injection
given (``/done`` in the staff chat) and the check-ins follow at the protocol's
offsets (6 hours, 1 day, ...).
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.models import MessageKind, Patient
from bot.demo.director import Director
from bot.demo.scenes import course


async def checkin_scene(demo: Director) -> None:
    demo.transcript.heading("Check-ins: an ordinary one with aftercare advice, then an urgent one with a staff alert")
    await _injection_given(demo)
    await _advance_to_next_checkin(demo, "six hours after the injection: the first check-in")
    for label in ("4", "Mild", "✅ None of these · Done", "Skip"):
        await demo.tap(demo.patient, label)
    await demo.expect(demo.patient, "rehabilitation exercises")
    await _advance_to_next_checkin(demo, "the next day: the day-1 check-in")
    for label in ("6", "Moderate", "▫️ Injection site hot to the touch", "▫️ Redness spreading or increasing",
                  "✅ Done"):
        await demo.tap(demo.patient, label)
    await demo.expect(demo.patient, "contact your provider today")
    await demo.expect(demo.staff_chat, "URGENT")
    clinic = next(iter(demo.services.clinics))
    await demo.advance(clinic.timing.realert_every.approx_timedelta() + timedelta(seconds=1),
                       note="nobody has acknowledged the alert yet: it is posted again")
    await demo.expect(demo.staff_chat, "Not acknowledged yet")
    await demo.tap(demo.staff, "Acknowledge", chat=demo.staff_chat)
    await demo.expect(demo.staff_chat, "Acknowledged by")


async def _patient(demo: Director) -> Patient:
    patient = await course.current_patient(demo)
    if patient is None:
        raise RuntimeError("the check-in scene needs the patient enrolled by the enrolment scene")
    return patient


async def _injection_given(demo: Director) -> None:
    """Move to the next session's day and have the clinic record the injection with /done."""
    patient = await _patient(demo)
    upcoming = await course.next_session(demo)
    if upcoming is None:
        raise RuntimeError("the check-in scene needs a planned session")
    await demo.advance_to(upcoming.scheduled_at + timedelta(minutes=20),
                          note=f"session day: {patient.label} has injection session {upcoming.number}")
    await demo.say(demo.staff, f"/done {patient.label}", chat=demo.staff_chat, expect="Check-ins count from then")


async def _advance_to_next_checkin(demo: Director, note: str) -> None:
    """Move the clock to the next pending check-in and wait (bounded) for its first question."""
    due = await course.next_due(demo, MessageKind.CHECKIN)
    if due is None:
        raise RuntimeError("no check-in is planned")
    mark = demo.patient.mark()
    await demo.advance_to(due + timedelta(seconds=1), note=note)
    await demo.patient.wait_for_message("How sore", timeout=20, after=mark)
    await demo.settle()
