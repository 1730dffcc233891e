"""The sandbox rejects what Telegram rejects, with Telegram's status and wording."""

from __future__ import annotations

import pytest

from tgsandbox import Sandbox

from .conftest import RawApi

KEYBOARD = {"inline_keyboard": [[{"text": "Yes", "callback_data": "v1:yes"}]]}


async def test_send_message_round_trip_in_each_encoding(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7, "Ann")
    for encoding in ("json", "form", "get"):
        status, body = await api.call(
            "sendMessage", encoding=encoding, chat_id=7, text=f"hi {encoding}", reply_markup=KEYBOARD
        )
        assert status == 200 and body["ok"], body
        assert body["result"]["text"] == f"hi {encoding}"
        assert body["result"]["chat"] == {"id": 7, "type": "private", "first_name": "Ann"}
        assert body["result"]["reply_markup"] == KEYBOARD
    assert [m.text for m in patient.messages()] == ["hi json", "hi form", "hi get"]
    assert patient.last_message() is not None
    assert patient.last_message().callback_data == {"Yes": "v1:yes"}  # type: ignore[union-attr]


async def test_method_names_are_case_insensitive_and_unknown_ones_404(api: RawApi) -> None:
    assert (await api.ok("GETME"))["username"] == "aftercare_sandbox_bot"
    assert await api.error("sendCarrierPigeon") == (404, "Not Found")


async def test_configured_tokens_reject_others_with_401(http: object) -> None:
    import aiohttp

    assert isinstance(http, aiohttp.ClientSession)
    async with Sandbox(tokens=["1:good"]) as box:
        raw = RawApi(http, box.url)
        assert (await raw.ok("getMe", token="1:good"))["id"] == 1000001
        assert await raw.error("getMe", token="2:bad") == (401, "Unauthorized")


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("", "Bad Request: message text is empty"),
        ("   \n ", "Bad Request: message text is empty"),
        ("x" * 4097, "Bad Request: message is too long"),
        ("<b></b>", "Bad Request: message text is empty"),
    ],
)
async def test_text_length_limits(sandbox: Sandbox, api: RawApi, text: str, description: str) -> None:
    sandbox.user(7)
    assert await api.error("sendMessage", chat_id=7, text=text, parse_mode="HTML") == (
        400,
        description,
    )


async def test_limit_counts_characters_after_entity_parsing(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    text = "<b>" + "é" * 4096 + "</b>"  # 4096 characters, more bytes, plus tags
    result = await api.ok("sendMessage", chat_id=7, text=text, parse_mode="HTML")
    assert len(result["text"]) == 4096


async def test_missing_text_is_empty_text(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    assert await api.error("sendMessage", chat_id=7) == (400, "Bad Request: message text is empty")


async def test_callback_data_over_64_bytes_is_rejected(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    ok = {"inline_keyboard": [[{"text": "a", "callback_data": "x" * 64}]]}
    await api.ok("sendMessage", chat_id=7, text="fits", reply_markup=ok)
    for data in ("x" * 65, "é" * 33, ""):  # 65 bytes, 66 bytes (33 chars), empty
        markup = {"inline_keyboard": [[{"text": "a", "callback_data": data}]]}
        assert await api.error("sendMessage", chat_id=7, text="t", reply_markup=markup) == (
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        )


async def test_inline_button_without_action_is_rejected(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    markup = {"inline_keyboard": [[{"text": "just text"}]]}
    status, description = await api.error("sendMessage", chat_id=7, text="t", reply_markup=markup)
    assert status == 400 and "Text buttons are unallowed" in description


async def test_unknown_chat_and_blocked_user(sandbox: Sandbox, api: RawApi) -> None:
    assert await api.error("sendMessage", chat_id=999, text="hi") == (
        400,
        "Bad Request: chat not found",
    )
    patient = sandbox.user(7)
    patient.block()
    assert await api.error("sendMessage", chat_id=7, text="hi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    patient.unblock()
    await api.ok("sendMessage", chat_id=7, text="hi again")


async def test_edit_errors(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    sent = await api.ok("sendMessage", chat_id=7, text="<b>Q</b>", parse_mode="HTML", reply_markup=KEYBOARD)
    message_id = sent["message_id"]
    assert await api.error("editMessageText", chat_id=7, message_id=999, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    status, description = await api.error(
        "editMessageText",
        chat_id=7,
        message_id=message_id,
        text="<b>Q</b>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    assert status == 400 and description.startswith("Bad Request: message is not modified: ")
    # same text but the keyboard goes away: that is a modification, as on Telegram
    edited = await api.ok("editMessageText", chat_id=7, message_id=message_id, text="<b>Q</b>", parse_mode="HTML")
    assert "reply_markup" not in edited and "edit_date" in edited
    status, description = await api.error("editMessageReplyMarkup", chat_id=7, message_id=message_id)
    assert description.startswith("Bad Request: message is not modified")
    await api.ok("editMessageReplyMarkup", chat_id=7, message_id=message_id, reply_markup=KEYBOARD)
    message = sandbox.user(7).messages()[0]
    assert message.edited and len(message.versions) == 3 and message.buttons == [["Yes"]]


async def test_delete_message(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    sent = await api.ok("sendMessage", chat_id=7, text="bye")
    assert await api.ok("deleteMessage", chat_id=7, message_id=sent["message_id"]) is True
    assert patient.messages() == []
    assert patient.messages(include_deleted=True)[0].deleted
    assert await api.error("deleteMessage", chat_id=7, message_id=sent["message_id"]) == (
        400,
        "Bad Request: message to delete not found",
    )


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_is_rejected(sandbox: Sandbox, api: RawApi, html: str, detail: str) -> None:
    sandbox.user(7)
    status, description = await api.error("sendMessage", chat_id=7, text=html, parse_mode="HTML")
    assert status == 400
    assert description.startswith("Bad Request: can't parse entities: ")
    assert detail in description


async def test_html_is_stored_raw_and_plain(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    html = (
        '<b>Day 2</b> &amp; <a href="https://x.example/?a=1&amp;b=2">link</a> '
        '<pre><code class="language-py">x &lt; 1</code></pre> <tg-spoiler>s</tg-spoiler>'
    )
    result = await api.ok("sendMessage", chat_id=7, text=html, parse_mode="HTML")
    assert result["text"] == "Day 2 & link x < 1 s"
    types = [(e["type"], e["offset"], e["length"]) for e in result["entities"]]
    assert types == [("bold", 0, 5), ("text_link", 8, 4), ("pre", 13, 5), ("spoiler", 19, 1)]
    assert result["entities"][1]["url"] == "https://x.example/?a=1&b=2"
    assert result["entities"][2]["language"] == "py"
    message = patient.last_message()
    assert message is not None and message.html == html and message.text == "Day 2 & link x < 1 s"


async def test_markdown_v2_reserved_characters(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    _status, description = await api.error("sendMessage", chat_id=7, text="Done.", parse_mode="MarkdownV2")
    assert "Character '.' is reserved" in description
    result = await api.ok("sendMessage", chat_id=7, text=r"*Done*\.", parse_mode="MarkdownV2")
    assert result["text"] == "Done." and result["entities"][0]["type"] == "bold"


async def test_reply_to_missing_message(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    assert await api.error("sendMessage", chat_id=7, text="x", reply_to_message_id=50) == (
        400,
        "Bad Request: message to be replied not found",
    )
    first = await api.ok("sendMessage", chat_id=7, text="first")
    reply = await api.ok(
        "sendMessage",
        chat_id=7,
        text="second",
        reply_parameters={"message_id": first["message_id"]},
    )
    assert reply["reply_to_message"]["text"] == "first"


async def test_answer_callback_query_is_recorded_once(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    await api.ok("sendMessage", chat_id=7, text="Pain?", reply_markup=KEYBOARD)
    query_id = await patient.press("Yes")
    assert await api.ok("answerCallbackQuery", callback_query_id=query_id, text="Thanks", show_alert=True) is True
    answers = patient.callback_answers()
    assert answers == [
        {
            "callback_query_id": query_id,
            "data": "v1:yes",
            "user_id": 7,
            "chat_id": 7,
            "message_id": 1,
            "text": "Thanks",
            "show_alert": True,
        }
    ]
    status, description = await api.error("answerCallbackQuery", callback_query_id=query_id)
    assert status == 400 and "query ID is invalid" in description
