"""The patient/staff side: pressing buttons, waiting for replies, blocking, groups."""

from __future__ import annotations

import asyncio
import time

import pytest

from tgsandbox import Sandbox, WaitTimeout

from .conftest import RawApi

CHECKIN = {
    "inline_keyboard": [
        [{"text": "😀 Fine", "callback_data": "c1:ok"}, {"text": "😣 Pain", "callback_data": "c1:pain"}],
        [{"text": "Call us", "url": "https://clinic.example"}],
    ]
}


async def test_wait_for_message_consumes_messages_in_order(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    for text in ("one", "two", "three"):
        await api.ok("sendMessage", chat_id=7, text=text)
    assert (await patient.wait_for_message()).text == "one"
    assert (await patient.wait_for_message("three")).text == "three"
    with pytest.raises(WaitTimeout):
        await patient.wait_for_message(timeout=0.05)


async def test_wait_for_message_wakes_on_arrival(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)

    async def later() -> None:
        await asyncio.sleep(0.1)
        await api.ok("sendMessage", chat_id=7, text="<i>late</i>", parse_mode="HTML")

    task = asyncio.create_task(later())
    started = time.monotonic()
    message = await patient.wait_for_message(lambda m: "late" in m.text, timeout=3)
    assert time.monotonic() - started < 1
    assert message.html == "<i>late</i>" and message.text == "late"
    await task


async def test_timeout_error_lists_what_arrived(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    await api.ok("sendMessage", chat_id=7, text="Something else", reply_markup=CHECKIN)
    with pytest.raises(AssertionError) as caught:
        await patient.wait_for_message("Welcome", timeout=0.1)
    assert "'Something else'" in str(caught.value) and "Fine" in str(caught.value)
    assert isinstance(caught.value, TimeoutError)


async def test_wait_for_edits(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    sent = await api.ok("sendMessage", chat_id=7, text="Pain?", reply_markup=CHECKIN)
    first = await patient.wait_for_message()
    await api.ok("editMessageText", chat_id=7, message_id=sent["message_id"], text="Thanks")
    edited = await patient.wait_for_message(edits=True, after=first)
    assert edited is first and edited.text == "Thanks" and edited.edited
    assert [v.text for v in edited.versions] == ["Pain?", "Thanks"]
    assert edited.buttons == []  # edit without reply_markup removes the keyboard


async def test_press_by_label_produces_a_callback_query(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7, "Ann")
    sent = await api.ok("sendMessage", chat_id=7, text="How is the knee?", reply_markup=CHECKIN)
    message = await patient.wait_for_message()
    assert message.buttons == [["😀 Fine", "😣 Pain"], ["Call us"]]
    assert message.callback_data == {"😀 Fine": "c1:ok", "😣 Pain": "c1:pain"}
    query_id = await patient.press("😣 Pain")
    other_id = await patient.press(lambda b: b.get("callback_data") == "c1:ok", message)
    assert query_id != other_id
    updates = await api.ok("getUpdates")
    query = updates[0]["callback_query"]
    assert query["id"] == query_id and query["data"] == "c1:pain"
    assert query["from"]["id"] == 7 and query["message"]["message_id"] == sent["message_id"]
    assert query["message"]["reply_markup"] == CHECKIN and query["chat_instance"]
    with pytest.raises(AssertionError, match="no callback_data"):
        await patient.press("Call us")
    with pytest.raises(AssertionError, match="no inline button"):
        await patient.press("Nope")


async def test_press_forged_data_and_wait_for_the_answer(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    sent = await api.ok("sendMessage", chat_id=7, text="x", reply_markup=CHECKIN)
    query_id = await patient.press_data("v9:forged", sent["message_id"])

    async def bot_answers() -> None:
        await asyncio.sleep(0.05)
        await api.ok("answerCallbackQuery", callback_query_id=query_id, text="Expired")

    task = asyncio.create_task(bot_answers())
    answer = await patient.wait_for_callback_answer(query_id, timeout=2)
    assert answer["text"] == "Expired" and answer["data"] == "v9:forged"
    await task


async def test_block_gives_403_and_my_chat_member(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    patient.block()
    assert (await api.call("sendMessage", chat_id=7, text="reminder"))[0] == 403
    patient.unblock()
    updates = await api.ok("getUpdates")
    statuses = [u["my_chat_member"]["new_chat_member"]["status"] for u in updates]
    assert statuses == ["kicked", "member"]


async def test_staff_group(sandbox: Sandbox, api: RawApi) -> None:
    group = sandbox.group(-1001500, title="Riverside staff")
    nurse = sandbox.user(9, "Sam")
    await api.ok(
        "sendMessage",
        chat_id=-1001500,
        text="Alert: Ann reports pain",
        reply_markup={"inline_keyboard": [[{"text": "Take", "callback_data": "a:1"}]]},
    )
    alert = await group.wait_for_message("Alert")
    query_id = await nurse.press("Take", chat=group)
    await nurse.send_text("/ack@aftercare_sandbox_bot 1", chat=group)
    updates = await api.ok("getUpdates")
    assert updates[0]["callback_query"]["message"]["chat"]["id"] == -1001500
    command = updates[1]["message"]
    assert command["entities"][0]["length"] == len("/ack@aftercare_sandbox_bot")
    await api.ok("answerCallbackQuery", callback_query_id=query_id, text="Taken")
    assert group.callback_answers()[0]["text"] == "Taken"
    assert nurse.callback_answers()[0]["message_id"] == alert.message_id
    assert nurse.messages() == []  # nothing in Sam's private chat
    history = group.history()
    assert [m.from_bot for m in history] == [True, False]
    assert group.title == "Riverside staff"


async def test_same_user_handle_is_reused(sandbox: Sandbox) -> None:
    first = sandbox.user(7, "Ann")
    again = sandbox.user(7, "Ann")
    assert first is again and sandbox.get_user(7) is first and sandbox.chat(7) is first
    auto = sandbox.user()
    assert auto.id != 7 and auto.id > 0


async def test_event_log_has_sequence_numbers_and_clock_times(api: RawApi) -> None:
    async with Sandbox(limits=False, clock=lambda: 1_700_000_000.0) as box:
        raw = RawApi(api.session, box.url)
        patient = box.user(7)
        await patient.send_text("hi")
        sent = await raw.ok("sendMessage", chat_id=7, text="hello")
        assert sent["date"] == 1_700_000_000
        await raw.ok("editMessageText", chat_id=7, message_id=sent["message_id"], text="hello!")
        await raw.ok("sendChatAction", chat_id=7, action="typing")
        events = box.events()
        assert [e.kind for e in events] == ["user_message", "bot_message", "bot_edit", "chat_action"]
        assert [e.seq for e in events] == [1, 2, 3, 4]
        assert all(e.at == 1_700_000_000.0 for e in events)
        assert [e.kind for e in box.events(2)] == ["bot_edit", "chat_action"]
        assert [e.method for e in box.events(kinds=["bot_message"])] == ["sendMessage"]
        assert box.stats()["requests"] == {
            "sendMessage": 1,
            "editMessageText": 1,
            "sendChatAction": 1,
        }
