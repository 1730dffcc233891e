"""What the patient gets when context changes a report: a "what if" question, someone beside them, fainting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.support.checkin_factories import (
    WAIT,
    Scene,
    alerts_of,
    checkin_bot,
    edited_to,
    has_button,
    patient_scene,
)
from tests.support.harness import Harness


@pytest.fixture
async def h(database_url: str) -> AsyncIterator[Harness]:
    async with checkin_bot(database_url) as running:
        yield running


@pytest.fixture
async def scene(h: Harness) -> Scene:
    return await patient_scene(h)


async def test_a_what_if_question_gets_the_when_to_call_guidance_and_no_alert(scene: Scene) -> None:
    await scene.user.send_text("should I call if the knee gets hot or I get a fever?")
    guidance = await scene.user.wait_for_message("When to get help", timeout=WAIT)
    assert "Call <b>911</b>" in guidance.html or "Call 911" in guidance.text
    assert "+1 555 010 2030" in guidance.text and "38" in guidance.text and "fainting" in guidance.text
    await asyncio.sleep(0.5)
    assert await alerts_of(scene.harness, scene.patient) == []
    assert scene.staff_chat.messages() == []


async def test_spanish_what_if_question_is_answered_in_spanish(h: Harness) -> None:
    scene = await patient_scene(h, user_id=5004, language="es")
    await scene.user.send_text("¿a qué número llamo si tengo fiebre?")
    guidance = await scene.user.wait_for_message("Cuándo pedir ayuda", timeout=WAIT)
    assert "911" in guidance.text
    await asyncio.sleep(0.5)
    assert await alerts_of(h, scene.patient) == []


async def test_someone_fainting_beside_the_patient_gets_the_emergency_answer(scene: Scene) -> None:
    await scene.user.send_text("my husband just fainted next to me")
    told = await scene.user.wait_for_message("911", timeout=WAIT)
    assert told.text.startswith("🚨 Call 911 now.")
    alert = await scene.staff_chat.wait_for_message("EMERGENCY", timeout=WAIT)
    assert "fainting" in alert.text


async def test_someone_elses_past_illness_raises_nothing(scene: Scene) -> None:
    await scene.user.send_text("my daughter had chills at the weekend, is my session still on Friday?")
    reply = await scene.user.wait_for_message(timeout=WAIT)
    assert "found none" in reply.text
    await asyncio.sleep(0.5)
    assert await alerts_of(scene.harness, scene.patient) == []


async def test_the_checklist_has_a_fainting_line_that_raises_an_emergency(scene: Scene) -> None:
    user = scene.user
    question = await scene.send_checkin()
    await user.press("2", question)
    await user.wait_for_message(edited_to("swelling"), edits=True, after=question, timeout=WAIT)
    await user.press("None", question)
    checklist = await user.wait_for_message(edited_to("Do you have any"), edits=True, after=question, timeout=WAIT)
    assert any("Fainted, passed out or collapsed" in label for row in checklist.buttons for label in row)
    await user.press(lambda b: "Fainted" in b["text"], question)
    await user.wait_for_message(has_button("✅ Done"), edits=True, after=question, timeout=WAIT)
    await user.press("✅ Done", question)
    await user.wait_for_message("911", timeout=WAIT)
    alert = await scene.staff_chat.wait_for_message("EMERGENCY", timeout=WAIT)
    assert "fainting" in alert.text
