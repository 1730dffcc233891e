"""Urgent and emergency reports: what the patient is told, what staff see, re-alerts, acknowledgement."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.checkins import escalation
from bot.core.models import MessageKind, MessageStatus, PatientStatus
from tests.support.checkin_factories import (
    WAIT,
    Scene,
    alerts_of,
    audit_events,
    checkin_bot,
    checkin_clinics,
    checkins_of,
    due_message,
    edited_to,
    has_button,
    patient_scene,
)
from tests.support.clinic import STAFF_USER_ID
from tests.support.clock import PINNED_NOW
from tests.support.factories import messages_of, wait_until
from tests.support.harness import Harness, sqlite_url
from tgsandbox import Message


@pytest.fixture
async def h(database_url: str) -> AsyncIterator[Harness]:
    """The bot on each configured backend (SQLite; PostgreSQL in CI)."""
    async with checkin_bot(database_url, realert_every="PT2S") as running:
        yield running


@pytest.fixture
async def scene(h: Harness) -> Scene:
    return await patient_scene(h)


async def _report_pus_in_checkin(scene: Scene) -> Message:
    user = scene.user
    question = await scene.send_checkin()
    await user.press("3", question)
    await user.wait_for_message(edited_to("swelling"), edits=True, after=question, timeout=WAIT)
    await user.press("Mild", question)
    await user.wait_for_message(edited_to("Do you have any"), edits=True, after=question, timeout=WAIT)
    await user.press(lambda b: "Pus or discharge" in b["text"], question)
    await user.wait_for_message(has_button("✅ Done"), edits=True, after=question, timeout=WAIT)
    await user.press("✅ Done", question)
    return question


async def test_urgent_checkin_alerts_staff_realerts_until_acknowledged(scene: Scene) -> None:
    h = scene.harness
    question = await _report_pus_in_checkin(scene)
    told = await scene.user.wait_for_message("contact your provider today", timeout=WAIT)
    for detail in ("+1 555 010 2030", "Mon-Fri 8:00-18:00", "+1 555 010 2099"):
        assert detail in told.text
    assert "Anything else" not in scene.user.chat.messages[question.message_id].text, "no note step when urgent"
    alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    for detail in (scene.patient.label, "Knee · session 1", "Soreness: 3/10", "Swelling: Mild", "pus or discharge"):
        assert detail in alert.text
    assert alert.buttons == [["Acknowledge", "Take", "Resolve"]]
    realert = await scene.staff_chat.wait_for_message("Not acknowledged yet", timeout=WAIT)
    assert scene.patient.label in realert.text and realert.buttons == [["Acknowledge", "Take", "Resolve"]]

    outsider = h.sandbox.user(user_id=777001, first_name="Visitor")
    refused = await outsider.press("Acknowledge", alert)
    answer = await scene.staff_chat.wait_for_callback_answer(refused, timeout=WAIT)
    assert answer.get("text") == "Only clinic staff can do this."
    assert len(await audit_events(h, "alert_ack_refused")) == 1
    assert (await alerts_of(h, scene.patient))[0].acknowledged_at is None

    staff = h.staff()
    pressed = await staff.press("Acknowledge", realert)
    assert "Acknowledged" in (await scene.staff_chat.wait_for_callback_answer(pressed, timeout=WAIT)).get("text", "")
    for post in (alert, realert):
        shown = await scene.staff_chat.wait_for_message(edited_to("Acknowledged by Sam"), edits=True, after=post,
                                                       timeout=WAIT)
        assert shown.buttons == [["Take", "Resolve"]], "still to be taken and resolved"
    stored = (await alerts_of(h, scene.patient))[0]
    assert stored.acknowledged_by == STAFF_USER_ID and stored.acknowledged_at is not None
    assert stored.realert_count >= 1
    posts = len(scene.staff_chat.messages())
    await asyncio.sleep(3)  # longer than realert_every: nothing more once acknowledged
    assert len(scene.staff_chat.messages()) == posts
    assert len(await audit_events(h, "alert_acknowledged")) == 1


async def test_second_acknowledgement_is_told_it_is_taken(scene: Scene) -> None:
    await _report_pus_in_checkin(scene)
    alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    first = await scene.harness.staff().press("Acknowledge", alert)
    await scene.staff_chat.wait_for_callback_answer(first, timeout=WAIT)
    colleague = scene.harness.sandbox.user(user_id=900002, first_name="Alex")
    again = await colleague.press_data(alert.callback_data["Acknowledge"], alert.message_id, chat=scene.staff_chat)
    answer = await scene.staff_chat.wait_for_callback_answer(again, timeout=WAIT)
    assert "Already acknowledged" in answer.get("text", "")
    assert (await alerts_of(scene.harness, scene.patient))[0].acknowledged_by == STAFF_USER_ID


async def test_emergency_free_text_puts_the_emergency_number_first(scene: Scene) -> None:
    await scene.user.send_text("my lips are swelling and I can't breathe")
    told = await scene.user.wait_for_message("911", timeout=WAIT)
    assert told.text.startswith("🚨 Call 911 now.")
    assert told.text.index("911") < told.text.index("+1 555 010 2030")
    alert = await scene.staff_chat.wait_for_message("EMERGENCY", timeout=WAIT)
    assert "my lips are swelling" in alert.text and "possible allergic reaction" in alert.text
    stored = await alerts_of(scene.harness, scene.patient)
    assert [a.level for a in stored] == ["emergency"]


async def test_no_fever_does_not_escalate(scene: Scene) -> None:
    await scene.user.send_text("no fever")
    reply = await scene.user.wait_for_message(timeout=WAIT)
    assert "found none" in reply.text and "+1 555 010 2030" in reply.text
    await asyncio.sleep(0.5)
    assert await alerts_of(scene.harness, scene.patient) == []
    assert scene.staff_chat.messages() == []


async def test_vague_wording_escalates_and_asks_the_follow_up(scene: Scene) -> None:
    await scene.user.send_text("I think the knee feels a bit warm maybe")
    await scene.user.wait_for_message("contact your provider today", timeout=WAIT)
    question = await scene.user.wait_for_message("To be sure I understood", timeout=WAIT)
    alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    await scene.user.press("No, none of these", question)
    await scene.user.wait_for_message(edited_to("Thank you for clarifying"), edits=True, after=question,
                                      timeout=WAIT)
    relay = await scene.staff_chat.wait_for_message("answered the follow-up question", timeout=WAIT)
    assert "no, none of these" in relay.text and relay.reply_to_message_id == alert.message_id
    assert (await checkins_of(scene.harness, scene.patient))[-1].kind == "free_text"


async def test_non_patients_reporting_red_flags_are_pointed_to_care(h: Harness) -> None:
    stranger = h.sandbox.user(user_id=6001, first_name="Sam")
    await stranger.send_text("hello there")
    assert "not sure what you mean" in (await stranger.wait_for_message(timeout=WAIT)).text
    await stranger.send_text("I have a fever and pus")
    reply = await stranger.wait_for_message(timeout=WAIT)
    assert "contact your clinic or doctor today" in reply.text and "not enrolled" in reply.text


def _quiet_now(zone: str) -> dict[str, str]:
    hour = PINNED_NOW.astimezone(ZoneInfo(zone)).hour
    return {"start": f"{(hour - 1) % 24:02d}:00", "end": f"{(hour + 2) % 24:02d}:00"}


async def test_urgent_goes_out_while_paused_and_in_quiet_hours(tmp_path: Path) -> None:
    clinics = checkin_clinics(quiet=_quiet_now("America/New_York"))
    async with checkin_bot(sqlite_url(tmp_path), clinics=clinics) as h:
        scene = await patient_scene(h, status=PatientStatus.PAUSED)
        await due_message(h, scene.patient, MessageKind.CHECKIN)

        async def routine_held() -> bool:
            rows = await messages_of(h.db, scene.patient.id)
            return any(r.kind == MessageKind.CHECKIN and r.status == MessageStatus.SKIPPED for r in rows)

        await wait_until(routine_held, within=WAIT)  # the pause is in force for routine messages...
        await scene.user.send_text("I have a fever of 39.4 and chills")
        told = await scene.user.wait_for_message("contact your provider today", timeout=WAIT)
        assert "+1 555 010 2030" in told.text
        alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
        assert "fever or chills" in alert.text  # ...but never for an escalation
        assert not [m for m in scene.user.messages() if "How sore" in m.text]


async def test_spanish_free_text_is_read_and_answered_in_spanish(h: Harness) -> None:
    scene = await patient_scene(h, user_id=5003, language="es")
    await scene.user.send_text("sin fiebre, solo un poco de dolor")
    calm = await scene.user.wait_for_message(timeout=WAIT)
    assert "Llame" not in calm.text
    await scene.user.send_text("se me hinchan los labios y no puedo respirar")
    told = await scene.user.wait_for_message("911", timeout=WAIT)
    assert told.text.startswith("🚨 Llame al 911 ahora.")
    assert [a.level for a in await alerts_of(h, scene.patient)] == ["emergency"]


async def test_a_staff_post_stuck_behind_the_chat_limit_is_handed_to_the_dispatcher(
    scene: Scene, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The update handler stops waiting for the staff post (PTB queues group posts at ~20 a minute);
    the dispatcher, which keeps its claims alive, delivers it, once."""
    monkeypatch.setattr(escalation, "IMMEDIATE_WAIT", 0.5)
    scene.harness.sandbox.inject("timeout", method="sendMessage", chat_id=scene.staff_chat.id, delay=5.0)
    await scene.user.send_text("I have a fever and pus from the knee")
    await scene.user.wait_for_message("contact your provider today", timeout=WAIT)
    alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    assert "fever" in alert.text
    await asyncio.sleep(1.0)  # a second post, if any, would arrive by now
    posts = [m for m in scene.staff_chat.messages() if "URGENT" in m.text and "Not acknowledged yet" not in m.text]
    assert len(posts) == 1
    rows = [r for r in await messages_of(scene.harness.db) if r.kind == MessageKind.ESCALATION]
    assert {r.status for r in rows} == {MessageStatus.SENT} and max(r.attempts for r in rows) == 2
