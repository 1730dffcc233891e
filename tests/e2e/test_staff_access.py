"""Who may use the staff tools: listed staff in a private chat or their clinic's staff chat, nobody else.

A refusal is one neutral line that reveals nothing about patients (no label,
no count), changes nothing, and leaves a ``staff_refused`` audit event.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.callbacks import Action, encode
from tests.support.clinic import CLINIC_ID, STAFF_USER_ID, clinic_data, registry
from tests.support.harness import Harness, running_bot
from tests.support.staff_factories import (
    Scenario,
    add_alert,
    ask,
    audit_events,
    invites,
    patient_mid_course,
    sessions_now,
)

REFUSED = "This command is for clinic staff."
COMMANDS = (
    "/invite knee", "/invite", "/book R-0001 tomorrow 10:00", "/reschedule R-0001 2 tomorrow 10:00",
    "/cancel_session R-0001 2", "/done R-0001", "/missed R-0001", "/patients", "/patient R-0001", "/alerts",
)


@pytest.fixture
def harness(harness: Harness) -> Harness:
    harness.sandbox.set_limits(chat_capacity=60)
    return harness


async def _scenario(harness: Harness) -> Scenario:
    scenario = await patient_mid_course(harness.services, user_id=5001)
    await add_alert(harness.db, scenario.patient, harness.services.clock.now(), signs=["fever"])
    return scenario


async def _assert_untouched(harness: Harness, scenario: Scenario, before: Any, refusals: int) -> None:
    assert await sessions_now(harness.db, scenario.course.id) == before
    assert await invites(harness.db) == []
    events = await audit_events(harness.db)
    assert [e.event for e in events] == ["staff_refused"] * refusals
    assert all(e.actor.startswith("user:") and "staff" not in e.actor for e in events)


@pytest.mark.parametrize("who", ["stranger", "enrolled patient"])
async def test_every_staff_command_is_refused_in_a_private_chat(harness: Harness, who: str) -> None:
    scenario = await _scenario(harness)
    before = await sessions_now(harness.db, scenario.course.id)
    user = harness.patient(user_id=5999 if who == "stranger" else 5001)
    for command in COMMANDS:
        reply = await ask(user, command)
        assert reply.text == REFUSED, command
        assert reply.kind == "text" and not reply.buttons, command
    await _assert_untouched(harness, scenario, before, len(COMMANDS))
    (first, *_) = await audit_events(harness.db, "staff_refused")
    assert first.details == {"command": "invite", "chat_type": "private"}


async def test_a_guest_in_the_staff_chat_is_refused(harness: Harness) -> None:
    scenario = await _scenario(harness)
    before = await sessions_now(harness.db, scenario.course.id)
    group, guest = harness.staff_group(), harness.patient(user_id=5998, first_name="Guest")
    for command in COMMANDS:
        reply = await ask(guest, command, group)
        assert reply.text == REFUSED, command
        assert "R-0001" not in reply.text
    await _assert_untouched(harness, scenario, before, len(COMMANDS))
    assert {e.clinic_id for e in await audit_events(harness.db, "staff_refused")} == {CLINIC_ID}


async def test_staff_in_another_group_are_refused(harness: Harness) -> None:
    scenario = await _scenario(harness)
    before = await sessions_now(harness.db, scenario.course.id)
    elsewhere = harness.sandbox.group(chat_id=-100777, title="Book club")
    reply = await ask(harness.staff(), "/patients", elsewhere)
    assert reply.text == REFUSED
    await _assert_untouched(harness, scenario, before, 1)


async def test_staff_buttons_are_refused_to_anyone_else(harness: Harness) -> None:
    for number in range(1, 11):
        await patient_mid_course(harness.services, label=f"R-{number:04d}", user_id=6000 + number)
    group, staff = harness.staff_group(), harness.staff()
    listing = await ask(staff, "/patients", group)
    assert listing.buttons == [["Next ▶"]]
    guest = harness.patient(user_id=5998)
    query = await guest.press("Next ▶", listing, chat=group)
    answer = await group.wait_for_callback_answer(query, timeout=10)
    assert answer["text"] == REFUSED
    assert group.chat.messages[listing.message_id].text == listing.text  # not paged for the guest
    stranger = harness.patient(user_id=5999)
    await stranger.send_text("hello")
    await stranger.wait_for_message(timeout=10)
    query = await stranger.press_data(encode(Action.STAFF, "inv", CLINIC_ID, "knee"))
    answer = await stranger.wait_for_callback_answer(query, timeout=10)
    assert answer["text"] == REFUSED
    assert await invites(harness.db) == []
    assert len(await audit_events(harness.db, "staff_refused")) == 2


async def test_staff_of_two_clinics_name_one_in_private_and_get_theirs_in_a_staff_chat(tmp_path: Any) -> None:
    data = clinic_data()
    hillside = dict(data["clinics"][0], id="hillside", name="Hillside Clinic", label_prefix="H")
    hillside["staff"] = {"chat_id": -100901, "user_ids": [STAFF_USER_ID]}
    data["clinics"].append(hillside)
    async with running_bot(f"sqlite:///{tmp_path / 'two.db'}", clinics=registry(data)) as harness:
        await patient_mid_course(harness.services, label="R-0001")
        staff = harness.staff()
        ask_which = await ask(staff, "/patients")
        assert "several clinics (riverside, hillside)" in ask_which.text
        assert "/patients --clinic riverside" in ask_which.text
        assert "Riverside" in (await ask(staff, "/patients --clinic riverside")).text
        assert "No active patients" in (await ask(staff, "/patients —clinic=hillside")).text
        assert "not staff at a clinic “nowhere”" in (await ask(staff, "/patients --clinic nowhere")).text
        in_group = await ask(staff, "/patient R-0001", harness.staff_group())
        assert in_group.text.startswith("R-0001 · active")
        hillside_chat = harness.sandbox.group(chat_id=-100901, title="Hillside staff")
        assert "no patient R-0001" in (await ask(staff, "/patient R-0001", hillside_chat)).text
