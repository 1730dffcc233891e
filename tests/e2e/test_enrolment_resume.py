"""Enrolment survives a restart mid-conversation, and re-checks time that passed while it waited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import ShiftedClock
from tests.support.clock import pinned_clock
from tests.support.enrolment import by_data, expect, local_day, new_invite, stored_patient, stored_sessions
from tests.support.harness import Harness, running_bot


@pytest.fixture
async def shifted(tmp_path: Path) -> AsyncIterator[tuple[Harness, ShiftedClock]]:
    clock = pinned_clock()
    async with running_bot(f"sqlite:///{tmp_path / 'aftercare.db'}", clock=clock) as running:
        running.sandbox.set_limits(chat_capacity=60)
        yield running, clock


async def test_a_restart_mid_conversation_resumes_where_the_patient_was(harness: Harness) -> None:
    harness.sandbox.set_limits(chat_capacity=60)
    patient = harness.patient(5301, first_name="Rita", language_code="es")
    await patient.send_text(f"/start {await new_invite(harness, area='knee')}")
    await expect(patient, "Elija su idioma")
    await patient.press("Español")
    await expect(patient, "¿Acepta participar")
    await patient.press("Acepto")
    await expect(patient, "Pregunta 1 de 3")
    await patient.press("No")
    question = await expect(patient, "Pregunta 2 de 3")

    await harness.restart()  # a deploy or a crash between two answers

    await patient.press("No", question)
    await expect(patient, "Pregunta 3 de 3")
    await patient.press("No")
    await expect(patient, "¿En qué huso horario")

    await harness.restart()  # and again where the patient types

    await patient.send_text("Europe/Madrid")
    await expect(patient, "¿Cuándo es su primera sesión?")
    await patient.send_text("mañana 9:30")
    await expect(patient, "¿Es correcto?")
    await patient.press("Sí, es correcto")
    await expect(patient, "¡Ya está inscrito/a, Rita!")
    stored = await stored_patient(harness, patient.id)
    assert stored is not None and stored.language == "es" and stored.timezone == "Europe/Madrid"
    first = (await stored_sessions(harness, stored.id or 0))[0].astimezone(ZoneInfo("Europe/Madrid"))
    assert (first.hour, first.minute) == (9, 30)


async def test_a_first_session_that_passed_while_confirming_is_asked_again(
    shifted: tuple[Harness, ShiftedClock],
) -> None:
    harness, clock = shifted
    patient = harness.patient(5302)
    await patient.send_text(f"/start {await new_invite(harness, area='knee')}")
    for prompt, press in (("choose your language", "English"), ("Do you agree", "I agree"),
                          ("Question 1", "No"), ("Question 2", "No"), ("Question 3", "No"),
                          ("Which time zone", "Same as clinic: New York (ET)")):
        await expect(patient, prompt)
        await patient.press(press)
    await expect(patient, "When is your first session")
    await patient.press(by_data(f"1:first:day:{local_day(harness, 2):%Y%m%d}"))
    await expect(patient, "What time")
    await patient.press(by_data("1:first:time:0900"))
    await expect(patient, "Is that right")

    clock.advance(timedelta(days=3))  # the patient came back to the chat days later
    await patient.press("Yes, that's right")

    again = await expect(patient, "That time has already passed")
    assert "When is your first session" in again.text
    assert await stored_patient(harness, patient.id) is None
