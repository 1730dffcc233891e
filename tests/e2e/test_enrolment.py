"""Enrolment end to end, as the patient sees it: invite link to course plan, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.core.models import AuditEvent, ChatState, Invite, ScheduledMessage
from tests.support.enrolment import (
    by_data,
    enrol,
    expect,
    local_day,
    new_invite,
    plain,
    stored_patient,
    stored_sessions,
)
from tests.support.harness import Harness


@pytest.fixture
def harness(harness: Harness) -> Harness:
    """A patient presses faster than a person can: allow the burst (the limiter stays on)."""
    harness.sandbox.set_limits(chat_capacity=60)
    return harness


async def audit_events(harness: Harness) -> list[AuditEvent]:
    async with harness.db.session() as session:
        return list((await session.exec(select(AuditEvent))).all())


async def test_happy_path_in_english_with_buttons(harness_any_db: Harness) -> None:
    harness = harness_any_db
    patient = harness.patient(first_name="Ana")
    token = await new_invite(harness, area=None)
    await patient.send_text(f"/start {token}")

    language = await expect(patient, "choose your language")
    assert language.buttons == [["English", "Español"]]
    await patient.press("English")

    consent = await expect(patient, "Do you agree")
    assert consent.buttons == [["I agree", "I don't agree"]]
    assert all(shown in consent.text for shown in (
        "Riverside Sports & Spine Clinic", "not a substitute for professional medical advice",
        "+1 555 010 2030", "911", "/delete"))
    await patient.press("I agree")

    for number, topic in ((1, "bleeding disorder"), (2, "active infection"), (3, "allergic")):
        assert topic in (await expect(patient, f"Question {number} of 3")).text
        await patient.press("No")

    await pick_area_zone_and_date(harness, patient)

    plan = await expect(patient, "You're enrolled, Ana!")
    assert "Knee course with Riverside" in plan.text and "4 sessions, every 4 weeks" in plan.text
    assert all(f"\n{n}. " in plan.text for n in (1, 2, 3, 4))
    assert "Reminders 2 days and 2 hours before each session" in plan.text
    assert "Check-ins 6 hours, 1 day, 3 days, and 7 days after each injection" in plan.text
    assert "Follow-ups 6 weeks, 3 months, and 6 months after your last session" in plan.text
    assert "9:00 PM and 8:00 AM" in plain(plan)
    basics = await expect(patient, "What to expect after an injection")
    assert all(shown in basics.text for shown in (
        "first 1–3 days", "Avoid strenuous activity", "weeks to months", "/status", "/pause",
        "anti-inflammatory"))  # the last: the clinic's own extra advice

    await check_stored_enrolment(harness, patient.user.id)


async def pick_area_zone_and_date(harness: Harness, patient: Any) -> None:
    """Area, timezone and first session by buttons, checking what each prompt offers."""
    area = await expect(patient, "Which area")
    assert "that's noted" in area.text
    await patient.press("Knee")

    zone = await expect(patient, "Which time zone")
    assert zone.buttons[0] == ["Same as clinic: New York (ET)"]
    await patient.press("Same as clinic: New York (ET)")

    ask = await expect(patient, "When is your first session")
    assert ask.buttons[0][0] == "Today" and ask.buttons[-1] == ["Not booked yet"]
    await patient.press(by_data(f"1:first:day:{local_day(harness, 5):%Y%m%d}"))
    await expect(patient, "What time")
    await patient.press(by_data("1:first:time:1000"))

    confirm = await expect(patient, "Is that right")
    assert "10:00 AM, New York (ET) time" in plain(confirm)
    await patient.press("Yes, that's right")


async def check_stored_enrolment(harness: Harness, user_id: int) -> None:
    """Patient, used invite, scheduled messages and one audit row per step; no flow state left."""
    stored = await stored_patient(harness, user_id)
    assert stored is not None
    assert stored.label == "R-0001" and stored.language == "en"
    assert stored.timezone == "America/New_York" and stored.flags == []
    assert stored.consent_at is not None and stored.first_name == "Ana"
    async with harness.db.session() as session:
        assert (await session.exec(select(ChatState))).first() is None
        invite = (await session.exec(select(Invite))).one()
        assert invite.used_at is not None and invite.patient_id == stored.id
        pending = (await session.exec(select(ScheduledMessage))).all()
    assert len(pending) >= 8  # two reminders for each of four sessions
    events = [event.event for event in await audit_events(harness)]
    for name in ("enrolment_started", "enrolment_language_chosen", "enrolment_consent_given",
                 "enrolment_screening_completed", "enrolment_area_chosen", "enrolment_timezone_set",
                 "enrolment_first_session_set", "enrolment_completed"):
        assert name in events


async def test_sessions_are_stored_in_utc_every_interval_in_local_time(harness: Harness) -> None:
    patient = harness.patient()
    stored = await enrol(harness, patient)
    times = await stored_sessions(harness, stored.id or 0)
    zone = ZoneInfo("America/New_York")
    assert len(times) == 4
    assert all(at.tzinfo is not None and at.utcoffset() == timedelta(0) for at in times)
    local = [at.astimezone(zone) for at in times]
    assert {(moment.hour, moment.minute) for moment in local} == {(10, 0)}
    assert local[0].date() == local_day(harness, 3)
    assert all((b.date() - a.date()).days == 28 for a, b in pairwise(local))


def next_us_dst_start(after: date) -> date:
    """The next second Sunday of March (US clocks go forward) at least three weeks away."""
    for year in (after.year, after.year + 1):
        march_8 = date(year, 3, 8)
        start = march_8 + timedelta(days=(6 - march_8.weekday()) % 7)
        if start > after + timedelta(days=21):
            return start
    raise AssertionError("unreachable")


async def test_the_interval_holds_in_local_time_across_a_dst_change(harness: Harness) -> None:
    zone = ZoneInfo("America/New_York")
    change = next_us_dst_start(harness.services.clock.now().astimezone(zone).date())
    first = datetime.combine(change - timedelta(days=14), time(10, 0), zone).astimezone(UTC)
    stored = await enrol(harness, harness.patient(5104), first_session_at=first)
    times = await stored_sessions(harness, stored.id or 0)
    local = [at.astimezone(zone) for at in times]
    assert [(m.hour, m.minute) for m in local] == [(10, 0)] * 4
    assert [m.date() for m in local] == [change + timedelta(days=d) for d in (-14, 14, 42, 70)]
    assert times[1] - times[0] == timedelta(days=28, hours=-1)  # an hour less of real time


async def test_happy_path_in_spanish_typing_timezone_and_date(harness: Harness) -> None:
    patient = harness.patient(user_id=5101, first_name="Lucía", language_code="es")
    staff = harness.staff_group()
    token = await new_invite(harness, area="low_back")
    await patient.send_text(f"/start {token}")
    assert "Elija su idioma" in (await expect(patient, "Elija su idioma")).text
    await patient.press("Español")
    consent = await expect(patient, "¿Acepta participar")
    assert "no sustituye el consejo" in consent.text and "Fuera de horario" in consent.text
    await patient.press("Acepto")
    await expect(patient, "Pregunta 1 de 3")
    await patient.press("Sí")
    await expect(patient, "Pregunta 2 de 3")
    await patient.press("No")
    await expect(patient, "Pregunta 3 de 3")
    await patient.press("No")
    zone = await expect(patient, "¿En qué huso horario")
    assert "Hable de esto con su profesional" in zone.text
    await patient.send_text("madrid")
    ask = await expect(patient, "¿Cuándo es su primera sesión?")
    assert "Huso horario: Madrid" in ask.text
    day = (harness.services.clock.now() + timedelta(days=10)).astimezone(ZoneInfo("Europe/Madrid")).date()
    await patient.send_text(f"{day.day}/{day.month} 17:30")
    confirm = await expect(patient, "¿Es correcto?")
    assert "17:30, hora de Madrid" in plain(confirm)
    await patient.press("Sí, es correcto")
    plan = await expect(patient, "¡Ya está inscrito/a, Lucía!")
    assert "Zona lumbar" in plan.text and "4 sesiones, cada 4 semanas" in plan.text
    assert "Recordatorios 2 días y 2 horas antes de cada sesión" in plan.text
    assert "Qué esperar después de una inyección" in (await expect(patient, "Qué esperar")).text
    stored = await stored_patient(harness, patient.user.id)
    assert stored is not None
    assert stored.language == "es" and stored.timezone == "Europe/Madrid"
    assert stored.flags == ["screen_bleeding"]
    first = (await stored_sessions(harness, stored.id or 0))[0].astimezone(ZoneInfo("Europe/Madrid"))
    assert (first.date(), first.hour, first.minute) == (day, 17, 30)
    screening = [e for e in await audit_events(harness) if e.event == "enrolment_screening_completed"]
    assert screening[0].details == {"invite_id": screening[0].details["invite_id"], "flagged": True}
    note = await staff.wait_for_message("answered yes at screening", timeout=10)
    assert stored.label in note.text and "bleeding disorder / blood thinners" in note.text
    assert "Lucía" not in note.text  # the staff chat gets the label, never the name


async def test_invite_with_booked_session_skips_area_and_date(harness: Harness) -> None:
    patient = harness.patient(user_id=5102)
    booked = (harness.services.clock.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    stored = await enrol(harness, patient, area="shoulder", first_session_at=booked, sessions=5)
    times = await stored_sessions(harness, stored.id or 0)
    assert times[0] == booked and len(times) == 5
    plan = patient.messages()[-2]
    assert "Shoulder course" in plan.text and "5 sessions" in plan.text


async def test_not_booked_yet_creates_a_course_without_sessions(harness: Harness) -> None:
    patient = harness.patient(user_id=5103)
    token = await new_invite(harness)
    await patient.send_text(f"/start {token}")
    await expect(patient, "choose your language")
    await patient.press("English")
    await expect(patient, "Do you agree")
    await patient.press("I agree")
    for _ in range(3):
        await expect(patient, "Question")
        await patient.press("No")
    await expect(patient, "Which time zone")
    await patient.send_text("UTC+2")
    ask = await expect(patient, "When is your first session")
    assert "doesn't follow daylight saving" in ask.text
    await patient.press("Not booked yet")
    plan = await expect(patient, "You're enrolled")
    assert "Your clinic will book your first session" in plan.text
    stored = await stored_patient(harness, patient.user.id)
    assert stored is not None and stored.timezone == "Etc/GMT-2"
    assert await stored_sessions(harness, stored.id or 0) == []
