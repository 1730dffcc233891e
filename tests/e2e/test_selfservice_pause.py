"""/pause and /resume end to end, in English and Spanish: buttons, typed durations, staff, scheduler."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.core.models import AuditEvent, MessageKind, MessageStatus, Patient, PatientStatus, ScheduledMessage
from tests.support.factories import add_message
from tests.support.harness import Harness
from tests.support.selfservice_seed import seed_patient, set_status

WAIT = 10.0
LANGUAGES = ["en", "es"]
BUTTONS = {"en": [["1 day", "3 days", "1 week"], ["Until I resume"]],
           "es": [["1 día", "3 días", "1 semana"], ["Hasta que los reactive"]]}
PAUSED = {"en": "Paused until", "es": "En pausa hasta"}


async def _patient_row(harness: Harness, patient_id: int | None) -> Patient:
    async with harness.db.session() as session:
        row = await session.get(Patient, patient_id)
    assert row is not None
    return row


@pytest.mark.parametrize("language", LANGUAGES)
async def test_pause_with_a_button_pauses_and_tells_staff(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, language=language)
    staff = harness.staff_group()
    user = harness.patient(language_code=language)
    await user.send_text("/pause")
    prompt = await user.wait_for_message(timeout=WAIT)
    assert prompt.buttons == BUTTONS[language]
    before = harness.services.clock.now()
    await user.press(BUTTONS[language][0][1])
    done = await user.wait_for_message(PAUSED[language], timeout=WAIT)
    assert {"en": "urgent reports are always answered", "es": "avisos urgentes siempre"}[language] in done.text
    row = await _patient_row(harness, seeded.patient.id)
    assert row.status == PatientStatus.PAUSED and row.paused_until is not None
    assert timedelta(days=3) <= row.paused_until - before <= timedelta(days=3, minutes=1)
    notice = await staff.wait_for_message(seeded.patient.label, timeout=WAIT)
    assert "paused reminders and check-ins until" in notice.text
    async with harness.db.session() as session:
        events = (await session.exec(select(AuditEvent).where(AuditEvent.event == "patient_paused"))).all()
    assert [e.patient_label for e in events] == [seeded.patient.label]


@pytest.mark.parametrize(("language", "typed", "days"), [
    ("en", "/pause 1 week", 7), ("es", "/pause 3 días", 3), ("en", "/pause 3d", 3), ("es", "/pause una semana", 7),
])
async def test_pause_with_a_typed_duration(harness: Harness, language: str, typed: str, days: int) -> None:
    seeded = await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    before = harness.services.clock.now()
    await user.send_text(typed)
    await user.wait_for_message(PAUSED[language], timeout=WAIT)
    row = await _patient_row(harness, seeded.patient.id)
    assert row.paused_until is not None
    assert timedelta(days=days) <= row.paused_until - before <= timedelta(days=days, minutes=1)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_duration_typed_after_the_prompt_and_a_bad_one_first(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    await user.send_text("/pause")
    await user.wait_for_message(timeout=WAIT)
    await user.send_text("3 fortnights")
    hint = await user.wait_for_message(timeout=WAIT)
    assert {"en": "didn't understand that duration", "es": "No he entendido esa duración"}[language] in hint.text
    await user.send_text({"en": "2 weeks", "es": "2 semanas"}[language])
    await user.wait_for_message(PAUSED[language], timeout=WAIT)
    row = await _patient_row(harness, seeded.patient.id)
    assert row.status == PatientStatus.PAUSED and row.paused_until is not None


@pytest.mark.parametrize("language", LANGUAGES)
async def test_pause_until_resumed_then_resume(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, language=language)
    staff = harness.staff_group()
    user = harness.patient(language_code=language)
    await user.send_text("/pause")
    await user.wait_for_message(timeout=WAIT)
    await user.press(BUTTONS[language][1][0])
    await user.wait_for_message({"en": "Paused until you /resume", "es": "En pausa hasta que use /resume"}[language],
                                timeout=WAIT)
    await user.send_text("/pause")
    already = await user.wait_for_message(timeout=WAIT)
    assert {"en": "already paused", "es": "ya están en pausa"}[language] in already.text
    await user.send_text("/resume")
    back = await user.wait_for_message(timeout=WAIT)
    assert {"en": "Welcome back", "es": "Bienvenido/a de nuevo"}[language] in back.text
    row = await _patient_row(harness, seeded.patient.id)
    assert row.status == PatientStatus.ACTIVE and row.paused_until is None
    await staff.wait_for_message(lambda m: "resumed" in m.text and seeded.patient.label in m.text, timeout=WAIT)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_resume_when_not_paused_and_commands_when_not_enrolled(harness: Harness, language: str) -> None:
    await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    await user.send_text("/resume")
    assert {"en": "aren't paused", "es": "no están en pausa"}[language] in \
        (await user.wait_for_message(timeout=WAIT)).text
    stranger = harness.patient(user_id=5096, language_code=language)
    for command in ("/pause", "/resume"):
        await stranger.send_text(command)
        reply = await stranger.wait_for_message(timeout=WAIT)
        assert {"en": "not enrolled", "es": "no está inscrito"}[language] in reply.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_cancel_leaves_the_pause_prompt(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    await user.send_text("/pause")
    await user.wait_for_message(timeout=WAIT)
    await user.send_text("/cancel")
    cancelled = await user.wait_for_message(timeout=WAIT)
    assert {"en": "Cancelled", "es": "Cancelado"}[language] in cancelled.text
    row = await _patient_row(harness, seeded.patient.id)
    assert row.status == PatientStatus.ACTIVE


async def test_status_shows_the_pause_and_a_lapsed_pause_counts_as_over(harness: Harness) -> None:
    seeded = await seed_patient(harness.services, language="en")
    user = harness.patient()
    until = harness.services.clock.now() + timedelta(days=3)
    await set_status(harness.services, seeded.patient, PatientStatus.PAUSED, until)
    await user.send_text("/status")
    status = await user.wait_for_message(timeout=WAIT)
    assert "paused</b> until" not in status.text and "paused until" in status.text
    assert "(skipped while paused)" in status.text  # the next check-in falls inside the pause
    await set_status(harness.services, seeded.patient, PatientStatus.PAUSED,
                     harness.services.clock.now() - timedelta(minutes=1))
    await user.send_text("/status")
    assert "Reminders and check-ins: on" in (await user.wait_for_message(timeout=WAIT)).text


async def test_reminders_due_while_paused_are_skipped_not_sent(harness: Harness) -> None:
    seeded = await seed_patient(harness.services, language="en")
    user = harness.patient()
    await user.send_text("/pause 1 day")
    await user.wait_for_message("Paused until", timeout=WAIT)
    reminder = await add_message(harness.db, seeded.patient, MessageKind.REMINDER,
                                 harness.services.clock.now() + timedelta(seconds=1))
    assert harness.services.dispatcher is not None
    harness.services.dispatcher.poke(reminder.due_at)
    row = await _wait_for_status(harness, reminder.id, {MessageStatus.SKIPPED, MessageStatus.SENT})
    assert row.status == MessageStatus.SKIPPED
    assert row.last_error == "patient_paused"
    assert [m.text for m in user.messages()][-1].startswith("Paused until")


async def _wait_for_status(harness: Harness, message_id: int | None, wanted: set[str]) -> ScheduledMessage:
    deadline = time.monotonic() + WAIT
    while True:
        async with harness.db.session() as session:
            row = await session.get(ScheduledMessage, message_id)
        assert row is not None
        if row.status in wanted or time.monotonic() > deadline:
            return row
        await asyncio.sleep(0.1)


@pytest.mark.parametrize(("language", "report"), [
    ("en", "I have a fever of 39 and the knee is red and hot"),
    ("es", "tengo fiebre de 39 y la rodilla está roja y caliente"),
])
async def test_an_urgent_report_while_paused_is_still_answered(harness: Harness, language: str, report: str) -> None:
    seeded = await seed_patient(harness.services, language=language)
    staff = harness.staff_group()
    user = harness.patient(language_code=language)
    await user.send_text("/pause")
    await user.wait_for_message(timeout=WAIT)
    await user.press(BUTTONS[language][1][0])
    await user.wait_for_message(PAUSED[language], timeout=WAIT)
    await user.send_text(report)
    answer = await user.wait_for_message(harness.clinic.contact.phone, timeout=WAIT)
    assert answer.text
    await staff.wait_for_message(lambda m: seeded.patient.label in m.text and "paused" not in m.text, timeout=WAIT)


async def test_a_symptom_typed_at_the_pause_prompt_is_triaged_not_taken_for_a_duration(harness: Harness) -> None:
    seeded = await seed_patient(harness.services, language="en")
    staff = harness.staff_group()
    user = harness.patient()
    await user.send_text("/pause")
    await user.wait_for_message(timeout=WAIT)
    await user.send_text("I have a fever of 39 and the knee is red and hot")
    await user.wait_for_message(harness.clinic.contact.phone, timeout=WAIT)
    await staff.wait_for_message(seeded.patient.label, timeout=WAIT)
    assert (await _patient_row(harness, seeded.patient.id)).status == PatientStatus.ACTIVE
    assert not any("didn't understand that duration" in m.text for m in user.messages())
