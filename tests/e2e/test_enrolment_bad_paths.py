"""Enrolment when things go wrong: every bad path gets a friendly reply and changes nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.core.clock import ShiftedClock
from bot.core.models import AuditEvent, ChatState, Invite, Patient
from tests.support.enrolment import (
    by_data,
    enrol,
    expect,
    local_day,
    new_invite,
    plain,
    stored_patient,
)
from tests.support.harness import Harness

EXPIRED = "This button has expired"
STEPS = ("language", "consent", "screening", "area", "timezone", "first_session", "confirm")


@pytest.fixture
def harness(harness: Harness) -> Harness:
    """A test presses faster than a person can: allow the burst (the limiter stays on)."""
    harness.sandbox.set_limits(chat_capacity=60)
    return harness


async def reach(harness: Harness, user: Any, step: str, token: str | None = None) -> str:
    """Start enrolling ``user`` (area chosen by the patient) and stop when ``step`` is asked."""
    token = token or await new_invite(harness, area=None)
    await user.send_text(f"/start {token}")
    script: list[tuple[str, str, Any]] = [
        ("language", "choose your language", "English"),
        ("consent", "Do you agree", "I agree"),
        ("screening", "Question 1 of 3", "No"),
        ("screening", "Question 2 of 3", "No"),
        ("screening", "Question 3 of 3", "No"),
        ("area", "Which area", "Knee"),
        ("timezone", "Which time zone", "Same as clinic: New York (ET)"),
        ("first_session", "When is your first session",
         by_data(f"1:first:day:{local_day(harness, 4):%Y%m%d}")),
        ("first_time", "What time", by_data("1:first:time:1100")),
        ("confirm", "Is that right", None),
    ]
    for name, prompt, press in script:
        await expect(user, prompt)
        if name == step:
            return token
        await user.press(press)
    raise AssertionError(f"unknown step {step}")


async def state_of(harness: Harness, chat_id: int, step: str | None = None) -> ChatState | None:
    """The chat's flow state; with ``step``, once it has reached that step (bounded wait).

    The bot sends a prompt, then stores it as live, so a test that reads the
    database right after seeing the prompt may need a moment.
    """
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        async with harness.db.session() as session:
            state = (await session.exec(select(ChatState).where(ChatState.chat_id == chat_id))).first()
        if step is None or (state is not None and state.step == step):
            return state
        assert asyncio.get_running_loop().time() < deadline, f"state never reached {step}"
        await asyncio.sleep(0.02)


async def rows(harness: Harness, model: Any) -> list[Any]:
    async with harness.db.session() as session:
        return list((await session.exec(select(model))).all())


async def answer_text(user: Any, query_id: str) -> str:
    answer = await user.wait_for_callback_answer(query_id, timeout=10)
    return str(answer.get("text") or "")


async def test_used_token_is_refused_kindly(harness: Harness) -> None:
    first, second = harness.patient(5201), harness.patient(5202, first_name="Bo")
    token = await new_invite(harness)
    await first.send_text(f"/start {token}")
    await expect(first, "choose your language")
    async with harness.db.session() as session:
        invite = (await session.exec(select(Invite))).one()
        invite.used_at = harness.services.clock.now()
    await second.send_text(f"/start {token}")
    reply = await expect(second, "already been used")
    assert "Riverside Sports & Spine Clinic: +1 555 010 2030" in reply.text
    assert reply.buttons == [] and await state_of(harness, second.id) is None


async def test_expired_token_is_refused_kindly(harness: Harness) -> None:
    patient = harness.patient(5203)
    token = await new_invite(harness, now=harness.services.clock.now() - timedelta(days=15))
    await patient.send_text(f"/start {token}")
    assert "has expired" in (await expect(patient, "expired")).text
    assert await state_of(harness, patient.id) is None


@pytest.mark.parametrize("token", ["abc", "x" * 40, "with!bang-and-more-chars"])
async def test_malformed_or_unknown_token_is_refused_kindly(harness: Harness, token: str) -> None:
    patient = harness.patient(5204, language_code="es")
    await patient.send_text(f"/start {token}")
    reply = await expect(patient, "no es válido")
    assert "pida uno nuevo a su clínica" in reply.text
    assert await state_of(harness, patient.id) is None
    rejected = [e for e in await rows(harness, AuditEvent) if e.event == "invite_rejected"]
    assert rejected[0].details["reason"] in ("malformed", "unknown")


async def test_unknown_command_mid_flow_changes_nothing(harness: Harness) -> None:
    patient = harness.patient(5205)
    await reach(harness, patient, "consent")
    before = await state_of(harness, patient.id, "consent")
    await patient.send_text("/frobnicate")
    assert "don't know that command" in (await expect(patient, "command")).text
    after = await state_of(harness, patient.id)
    assert before is not None and after is not None
    assert (after.step, after.message_id, after.data) == (before.step, before.message_id, before.data)
    await patient.press("I agree")
    await expect(patient, "Question 1 of 3")


async def test_text_where_a_button_was_expected_asks_again_with_buttons(harness: Harness) -> None:
    patient = harness.patient(5206)
    await reach(harness, patient, "screening")
    question = patient.messages()[-1]
    await patient.send_text("no")
    again = await expect(patient, "Please answer with one of the buttons")
    assert "Question 1 of 3" in again.text and again.buttons == [["Yes", "No"]]
    query = await patient.press_data("1:scr:bleeding:n", question.message_id)
    assert EXPIRED in await answer_text(patient, query)
    await patient.press("No", again)
    await expect(patient, "Question 2 of 3")


async def test_impossible_past_far_and_unreadable_dates_are_explained(harness: Harness) -> None:
    patient = harness.patient(5207)
    await reach(harness, patient, "first_session")
    for typed, reply in (("31/2 10:00", "doesn't exist"), ("2020-01-01 10:00", "already passed"),
                         ("2031-01-01 10:00", "more than a year ahead"), ("2020-01-01", "already passed"),
                         ("whenever suits", "couldn't read that date")):
        await patient.send_text(typed)
        message = await expect(patient, reply)
        assert "When is your first session" in message.text and message.buttons
    state = await state_of(harness, patient.id, "first_session")
    assert state is not None and state.data["first_at"] is None


async def test_a_first_session_that_passes_before_the_answer_is_confirmed_is_asked_again(harness: Harness) -> None:
    patient = harness.patient(5213)
    await reach(harness, patient, "confirm")  # session 1 picked four days ahead, 11:00
    clock = harness.services.clock
    assert isinstance(clock, ShiftedClock)
    clock.advance(timedelta(days=5))  # the patient comes back to the confirmation too late
    await patient.press("Yes, that's right")
    again = await expect(patient, "That time has already passed.")
    assert "When is your first session" in again.text and again.buttons
    state = await state_of(harness, patient.id, "first_session")
    assert state is not None and state.data["first_at"] is None
    assert await stored_patient(harness, patient.id) is None


async def test_a_date_without_time_asks_for_the_time(harness: Harness) -> None:
    patient = harness.patient(5208)
    await reach(harness, patient, "first_session")
    day = local_day(harness, 9)
    await patient.send_text(f"{day:%Y-%m-%d}")
    await expect(patient, "What time on")
    await patient.send_text("after lunch")
    assert "Type it like 10:30" in (await expect(patient, "couldn't read that time")).text
    await patient.send_text("9")  # a bare hour on the chosen day, read back before it is kept
    assert "9:00 AM" in plain(await expect(patient, "Is that right"))


async def test_unknown_and_partial_hour_timezones_are_explained(harness: Harness) -> None:
    patient = harness.patient(5209)
    await reach(harness, patient, "timezone")
    await patient.send_text("Atlantis/Lost")
    unknown = await expect(patient, "I don't know the time zone")
    assert "“Atlantis/Lost”" in unknown.text and unknown.buttons
    await patient.send_text("UTC+15")
    await expect(patient, "UTC offsets run from UTC-12 to UTC+14")
    await patient.send_text("+05:30")
    suggested = await expect(patient, "Offsets with minutes")
    assert suggested.buttons == [["Asia/Kolkata", "Asia/Colombo"]]
    state = await state_of(harness, patient.id, "timezone")
    assert state is not None and state.data["timezone"] is None
    await patient.press("Asia/Kolkata")
    assert "Time zone: Kolkata" in (await expect(patient, "When is your first session")).text


async def test_an_enrolled_patient_starting_again_is_told_so(harness: Harness) -> None:
    patient = harness.patient(5210)
    await enrol(harness, patient)
    token = await new_invite(harness)
    await patient.send_text(f"/start {token}")
    assert "already enrolled" in (await expect(patient, "already enrolled")).text
    assert await state_of(harness, patient.id) is None
    assert len(await rows(harness, Patient)) == 1
    assert sum(invite.used_at is None for invite in await rows(harness, Invite)) == 1


async def test_a_stale_button_from_an_old_message_has_expired(harness: Harness) -> None:
    patient = harness.patient(5211)
    await reach(harness, patient, "area")
    language_prompt = patient.messages()[0]
    before = await state_of(harness, patient.id, "area")
    query = await patient.press_data("1:lang:es", language_prompt.message_id)
    assert EXPIRED in await answer_text(patient, query)
    forged = await patient.press_data("1:area:elbow")
    assert EXPIRED in await answer_text(patient, forged)
    after = await state_of(harness, patient.id)
    assert before is not None and after is not None and after.data == before.data
    assert after.data["language"] == "en"


async def test_the_same_button_pressed_twice_counts_once(harness: Harness) -> None:
    patient = harness.patient(5212)
    await reach(harness, patient, "consent")
    consent = patient.messages()[-1]
    first = await patient.press_data(consent.callback_data["I agree"], consent.message_id)
    second = await patient.press_data(consent.callback_data["I agree"], consent.message_id)
    assert await answer_text(patient, first) == ""
    assert EXPIRED in await answer_text(patient, second)
    await expect(patient, "Question 1 of 3")
    questions = [m for m in patient.messages() if "Question 1 of 3" in m.text]
    assert len(questions) == 1
    consents = [e for e in await rows(harness, AuditEvent) if e.event == "enrolment_consent_given"]
    assert len(consents) == 1


async def test_refusing_consent_stores_nothing_but_the_refusal(harness: Harness) -> None:
    patient = harness.patient(5213)
    token = await reach(harness, patient, "consent")
    await patient.press("I don't agree")
    reply = await expect(patient, "I haven't kept any of your details")
    assert "open your invite link again" in reply.text
    assert await state_of(harness, patient.id) is None
    assert await rows(harness, Patient) == []
    events = [e.event for e in await rows(harness, AuditEvent)]
    assert "enrolment_consent_refused" in events
    assert (await rows(harness, Invite))[0].used_at is None
    await patient.send_text(f"/start {token}")  # changed their mind: the link still works
    await expect(patient, "choose your language")


@pytest.mark.parametrize("step", STEPS)
async def test_cancel_leaves_at_any_step_and_keeps_the_invite(harness: Harness, step: str) -> None:
    patient = harness.patient(5214)
    token = await reach(harness, patient, step)
    await patient.send_text("/cancel")
    assert "nothing was saved" in (await expect(patient, "Enrolment cancelled")).text
    assert await state_of(harness, patient.id) is None
    assert await rows(harness, Patient) == []
    await patient.send_text("/cancel")
    await expect(patient, "nothing to cancel")
    await patient.send_text(f"/start {token}")
    await expect(patient, "choose your language")


async def test_opening_the_link_again_mid_flow_resumes(harness: Harness) -> None:
    patient = harness.patient(5215)
    token = await reach(harness, patient, "area")
    await patient.send_text(f"/start {token}")
    again = await expect(patient, "Let's continue where we left off")
    assert "Which area" in again.text
    await patient.press("Shoulder", again)
    await expect(patient, "Which time zone")


async def test_two_people_with_one_link_only_one_enrols(harness: Harness) -> None:
    first, second = harness.patient(5216), harness.patient(5217)
    token = await reach(harness, first, "confirm")
    await reach(harness, second, "confirm", token=token)
    await first.press("Yes, that's right")
    await expect(first, "You're enrolled")
    await second.press("Yes, that's right")
    assert "already been used" in (await expect(second, "already been used")).text
    assert await stored_patient(harness, second.id) is None
    assert await state_of(harness, second.id) is None
    assert [p.telegram_user_id for p in await rows(harness, Patient)] == [first.id]


async def test_audit_trail_has_no_answers_or_telegram_ids(harness: Harness) -> None:
    patient = harness.patient(5218, first_name="Zed")
    await enrol(harness, patient, flagged=True)
    stored = await stored_patient(harness, patient.id)
    assert stored is not None and sorted(stored.flags) == [
        "screen_allergy", "screen_bleeding", "screen_infection"]
    async with harness.db.session() as session:
        statement = select(AuditEvent).order_by(col(AuditEvent.id))
        events = list((await session.exec(statement)).all())
    dumped = " ".join(f"{e.event} {e.actor} {e.details}" for e in events)
    for secret in (str(patient.id), "Zed", "bleeding", "infection", "allergy"):
        assert secret not in dumped
    assert {"enrolment_screening_completed", "enrolment_completed"} <= {e.event for e in events}
