"""Alert handling in the staff chat: Take, Resolve with an outcome and a note typed as a reply, and roles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.core.clinic_config import ClinicRegistry
from bot.core.models import AlertOutcome
from tests.support.checkin_factories import (
    NO_QUIET,
    WAIT,
    Scene,
    alerts_of,
    audit_events,
    checkin_bot,
    edited_to,
    patient_scene,
)
from tests.support.clinic import OTHER_STAFF_USER_ID, STAFF_CHAT_ID, STAFF_USER_ID, clinic_data, registry
from tests.support.harness import Harness
from tests.support.logcapture import captured_logs
from tgsandbox import Message

VIEWER_ID = 900077
EMERGENCY_WORDS = "my lips are swelling and I can't breathe"


def clinics_with_a_viewer() -> ClinicRegistry:
    """The example clinic, re-alerts every 2 s, two clinicians and one viewer."""
    data = clinic_data(quiet_hours=NO_QUIET)
    clinic = data["clinics"][0]
    clinic["timing"]["realert_every"] = "PT2S"
    clinic["staff"] = {"chat_id": STAFF_CHAT_ID,
                       "user_ids": [STAFF_USER_ID, {"id": OTHER_STAFF_USER_ID, "role": "clinician"},
                                    {"id": VIEWER_ID, "role": "viewer"}]}
    return registry(data)


@pytest.fixture
async def h(database_url: str) -> AsyncIterator[Harness]:
    async with checkin_bot(database_url, clinics=clinics_with_a_viewer()) as running:
        yield running


@pytest.fixture
async def scene(h: Harness) -> Scene:
    return await patient_scene(h)


async def _alert(scene: Scene) -> Message:
    await scene.user.send_text(EMERGENCY_WORDS)
    return await scene.staff_chat.wait_for_message("EMERGENCY", timeout=WAIT)


async def test_take_then_resolve_with_a_note_edits_the_post_and_stops_realerts(scene: Scene) -> None:
    h = scene.harness
    post = await _alert(scene)
    assert post.buttons == [["Acknowledge", "Take", "Resolve"]]
    staff = h.staff()

    taken = await staff.press("Take", post)
    assert "It is yours" in (await scene.staff_chat.wait_for_callback_answer(taken, timeout=WAIT)).get("text", "")
    shown = await scene.staff_chat.wait_for_message(edited_to("Taken by Sam"), edits=True, after=post, timeout=WAIT)
    assert "Acknowledged by Sam" in shown.text and shown.buttons == [["Resolve"]]
    posts = len(scene.staff_chat.messages())
    await asyncio.sleep(3)  # longer than realert_every: taking stops the re-alerts
    assert len(scene.staff_chat.messages()) == posts

    await staff.press("Resolve", post)
    picker = await scene.staff_chat.wait_for_message("How did the alert for", timeout=WAIT)
    assert picker.reply_to_message_id == post.message_id
    assert picker.buttons == [["called the patient", "advised a visit"],
                              ["sent to emergency care", "no action needed"], ["Cancel"]]
    await staff.press("called the patient", picker)
    prompt = await scene.staff_chat.wait_for_message(edited_to("Reply to this message with a note"), edits=True,
                                                     after=picker, timeout=WAIT)
    assert prompt.buttons == [["Skip"]]
    resolved = await scene.staff_chat.wait_for_message(edited_to("Resolved by Sam"), edits=True, after=picker,
                                                       timeout=WAIT)
    assert resolved.message_id == post.message_id
    assert "called the patient" in resolved.text and not resolved.buttons

    with captured_logs() as logs:
        await staff.send_text("Spoke to her; she is on her way to the ER", chat=scene.staff_chat,
                              reply_to=prompt.message_id)
        await scene.staff_chat.wait_for_message(edited_to("note saved"), edits=True, after=prompt, timeout=WAIT)
        noted = await scene.staff_chat.wait_for_message(edited_to("Resolution note"), edits=True, after=prompt,
                                                        timeout=WAIT)
    assert logs.named("alert_resolution_noted") and "on her way" not in logs.text, "a note is never logged"
    assert "she is on her way to the ER" in noted.text

    stored = (await alerts_of(h, scene.patient))[0]
    assert (stored.taken_by, stored.resolved_by, stored.acknowledged_by) == (STAFF_USER_ID,) * 3
    assert stored.outcome == AlertOutcome.CALLED and stored.outcome_note == "Spoke to her; she is on her way to the ER"
    for event in ("alert_acknowledged", "alert_taken", "alert_resolved", "alert_resolution_noted"):
        assert len(await audit_events(h, event)) == 1, event
    assert all("ER" not in str(e.details) for e in await audit_events(h, "alert_resolution_noted"))


async def test_second_taker_is_told_who_has_it_and_skip_leaves_no_note(scene: Scene) -> None:
    h = scene.harness
    post = await _alert(scene)
    first = await h.staff().press("Take", post)
    await scene.staff_chat.wait_for_callback_answer(first, timeout=WAIT)
    colleague = h.sandbox.user(user_id=OTHER_STAFF_USER_ID, first_name="Alex")
    again = await colleague.press_data(post.callback_data["Take"], post.message_id, chat=scene.staff_chat)
    assert "Already taken by Sam" in (await scene.staff_chat.wait_for_callback_answer(again, timeout=WAIT))["text"]

    await colleague.press_data(post.callback_data["Resolve"], post.message_id, chat=scene.staff_chat)
    picker = await scene.staff_chat.wait_for_message("How did the alert for", timeout=WAIT)
    await colleague.press("no action needed", picker)
    await scene.staff_chat.wait_for_message(edited_to("Reply to this message"), edits=True, after=picker,
                                            timeout=WAIT)
    await colleague.press("Skip", picker)
    await scene.staff_chat.wait_for_message(lambda m: m.message_id == picker.message_id and not m.buttons
                                            and "resolved: no action needed" in m.text,
                                            edits=True, after=picker, timeout=WAIT)
    stored = (await alerts_of(h, scene.patient))[0]
    assert stored.resolved_name == "Alex" and stored.outcome == AlertOutcome.NO_ACTION
    assert stored.outcome_note is None and stored.note_prompt_id is None


async def test_a_viewer_is_refused_every_button_and_changing_command(scene: Scene) -> None:
    h = scene.harness
    post = await _alert(scene)
    viewer = h.sandbox.user(user_id=VIEWER_ID, first_name="Vic", language_code="en")
    for label in ("Acknowledge", "Take", "Resolve"):
        pressed = await viewer.press_data(post.callback_data[label], post.message_id, chat=scene.staff_chat)
        answer = await scene.staff_chat.wait_for_callback_answer(pressed, timeout=WAIT)
        assert answer.get("text") == "Your role is viewer: you can read alerts but not act on them.", label
    stored = (await alerts_of(h, scene.patient))[0]
    assert stored.acknowledged_at is None and stored.taken_at is None and stored.resolved_at is None
    assert len(await audit_events(h, "alert_action_refused")) == 3

    await viewer.send_text(f"/book {scene.patient.label} tomorrow 10:00")
    refusal = await viewer.wait_for_message("Your role is viewer", timeout=WAIT)
    assert "A clinician can do this" in refusal.text
    await viewer.send_text("/alerts")
    listing = await viewer.wait_for_message(scene.patient.label, timeout=WAIT)
    assert "EMERGENCY" in listing.text.upper() or scene.patient.label in listing.text
