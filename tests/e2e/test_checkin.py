"""Check-ins as a patient lives them: one message edited in place, advice at the end, sooner check-ins."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.models import MessageKind
from tests.support.checkin_factories import (
    WAIT,
    Scene,
    alerts_of,
    checkin_bot,
    checkins_of,
    due_message,
    edited_to,
    has_button,
    patient_scene,
)
from tests.support.harness import Harness


@pytest.fixture
async def h(database_url: str) -> AsyncIterator[Harness]:
    """The bot on each configured backend (SQLite; PostgreSQL in CI)."""
    async with checkin_bot(database_url, watch_recheck_after="PT2S") as running:
        yield running


@pytest.fixture
async def scene(h: Harness) -> Scene:
    return await patient_scene(h)


async def test_ordinary_checkin_edits_one_message_and_ends_with_advice(scene: Scene) -> None:
    user = scene.user
    question = await scene.send_checkin()
    assert "Check-in · Knee, session 1" in question.text
    assert "+1 555 010 2030" in question.text  # every symptom question says how to reach a person
    await user.press("3", question)
    await user.wait_for_message(edited_to("How much swelling"), edits=True, after=question, timeout=WAIT)
    await user.press("Mild", question)
    await user.wait_for_message(edited_to("Do you have any of these"), edits=True, after=question, timeout=WAIT)
    await user.press("✅ None of these · Done", question)
    await user.wait_for_message(edited_to("Anything else"), edits=True, after=question, timeout=WAIT)
    await user.press("Skip", question)
    outcome = await user.wait_for_message("expected course", timeout=WAIT)
    assert "Thank you" not in outcome.text  # the summary above already says the answers are saved
    assert "rest from strenuous activity" in outcome.text
    assert "gentle" in outcome.text and "rehabilitation exercises" in outcome.text
    final = user.chat.messages[question.message_id]
    assert "Soreness: 3/10" in final.text and "Swelling: Mild" in final.text
    assert "Thank you, your answers are saved." in final.text
    assert not final.buttons, "a finished check-in keeps no buttons"
    assert [m for m in user.messages() if "How sore" in m.versions[0].text] == [question]
    stored = (await checkins_of(scene.harness, scene.patient))[-1]
    assert (stored.soreness, stored.swelling, stored.level) == (3, "mild", "ok")
    assert await alerts_of(scene.harness, scene.patient) == []
    assert scene.staff_chat.messages() == []


async def test_ticked_sign_toggles_off_again(scene: Scene) -> None:
    user = scene.user
    question = await scene.send_checkin()
    await user.press("2", question)
    await user.wait_for_message(edited_to("swelling"), edits=True, after=question, timeout=WAIT)
    await user.press("None", question)
    await user.wait_for_message(edited_to("Do you have any"), edits=True, after=question, timeout=WAIT)
    await user.press(lambda b: "Injection site hot" in b["text"], question)
    ticked = await user.wait_for_message(has_button("☑️ Injection site hot"), edits=True, after=question,
                                         timeout=WAIT)
    assert has_button("✅ Done")(ticked)
    await user.press(lambda b: "Injection site hot" in b["text"], question)
    await user.wait_for_message(has_button("✅ None of these"), edits=True, after=ticked, timeout=WAIT)
    await user.press("✅ None of these · Done", question)
    await user.wait_for_message(edited_to("Anything else"), edits=True, after=question, timeout=WAIT)
    assert await alerts_of(scene.harness, scene.patient) == []


async def test_note_is_stored_and_a_worrying_note_escalates(scene: Scene) -> None:
    user = scene.user
    question = await scene.send_checkin()
    await user.press("4", question)
    await user.wait_for_message(edited_to("swelling"), edits=True, after=question, timeout=WAIT)
    await user.press("Mild", question)
    await user.wait_for_message(edited_to("Do you have any"), edits=True, after=question, timeout=WAIT)
    await user.press("✅ None of these · Done", question)
    await user.wait_for_message(edited_to("Anything else"), edits=True, after=question, timeout=WAIT)
    await user.send_text("there is some pus coming out of one spot")
    urgent = await user.wait_for_message("contact your provider today", timeout=WAIT)
    assert "+1 555 010 2099" in urgent.text
    alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    assert "pus" in alert.text
    stored = (await checkins_of(scene.harness, scene.patient))[-1]
    assert stored.note == "there is some pus coming out of one spot" and stored.level == "urgent"


async def test_watch_answer_schedules_a_sooner_checkin(scene: Scene) -> None:
    user = scene.user
    question = await scene.send_checkin()
    await user.press("9", question)
    await user.wait_for_message(edited_to("swelling"), edits=True, after=question, timeout=WAIT)
    await user.press("Moderate", question)
    await user.wait_for_message(edited_to("Do you have any"), edits=True, after=question, timeout=WAIT)
    await user.press("✅ None of these · Done", question)
    await user.wait_for_message(edited_to("Anything else"), edits=True, after=question, timeout=WAIT)
    await user.press("Skip", question)
    outcome = await user.wait_for_message("more than we usually expect", timeout=WAIT)
    assert "+1 555 010 2030" in outcome.text and "check in with you again" in outcome.text
    again = await user.wait_for_message("How sore", timeout=WAIT)
    assert again.message_id != question.message_id
    assert await alerts_of(scene.harness, scene.patient) == []


async def test_double_and_stale_presses_change_nothing(scene: Scene) -> None:
    user = scene.user
    question = await scene.send_checkin()
    await user.press("5", question)
    await user.wait_for_message(edited_to("swelling"), edits=True, after=question, timeout=WAIT)
    stale = await user.press_data(f"1:ci:{(await checkins_of(scene.harness, scene.patient))[-1].id}:s:8",
                                  question.message_id)
    answer = await user.wait_for_callback_answer(stale, timeout=WAIT)
    assert "already" in answer.get("text", "") or "expired" in answer.get("text", "")
    forged = await user.press_data("1:ci:999999:s:1", question.message_id)
    answer = await user.wait_for_callback_answer(forged, timeout=WAIT)
    assert "expired" in answer.get("text", "")
    assert (await checkins_of(scene.harness, scene.patient))[-1].soreness == 5


async def test_checkin_survives_a_restart_between_presses(scene: Scene) -> None:
    user = scene.user
    question = await scene.send_checkin()
    await user.press("6", question)
    await user.wait_for_message(edited_to("swelling"), edits=True, after=question, timeout=WAIT)
    await scene.harness.restart()
    await user.press("Mild", question)
    await user.wait_for_message(edited_to("Do you have any"), edits=True, after=question, timeout=WAIT)
    stored = (await checkins_of(scene.harness, scene.patient))[-1]
    assert (stored.soreness, stored.swelling, stored.step) == (6, "mild", "signs")


async def test_outcome_followup_asks_pain_and_function(scene: Scene) -> None:
    user = scene.user
    question = await scene.send_checkin(MessageKind.FOLLOWUP)
    assert "How are you doing" in question.text
    await user.press("2", question)
    await user.wait_for_message(edited_to("daily life"), edits=True, after=question, timeout=WAIT)
    await user.press("Better", question)
    thanks = await user.wait_for_message("Thank you!", timeout=WAIT)
    assert "rehabilitation exercises" in thanks.text
    stored = (await checkins_of(scene.harness, scene.patient))[-1]
    assert (stored.kind, stored.soreness, stored.function, stored.level) == ("followup", 2, "better", "ok")


async def test_spanish_patient_gets_spanish_checkin(h: Harness) -> None:
    scene = await patient_scene(h, user_id=5002, language="es")
    await due_message(h, scene.patient, MessageKind.CHECKIN)
    question = await scene.user.wait_for_message("¿Cuánto le duele", timeout=WAIT)
    assert "Seguimiento · Rodilla, sesión 1" in question.text
