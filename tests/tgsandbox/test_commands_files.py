"""Command menus per scope and language; file uploads as multipart."""

from __future__ import annotations

import aiohttp

from tgsandbox import Sandbox

from .conftest import RawApi

PATIENT = [{"command": "status", "description": "Your course"}]
STAFF = [{"command": "alerts", "description": "Open alerts"}]


async def test_commands_are_stored_per_scope_and_language(sandbox: Sandbox, api: RawApi) -> None:
    assert await api.ok("setMyCommands", commands=PATIENT) is True
    es = [{"command": "estado", "description": "Tu curso"}]
    assert await api.ok("setMyCommands", commands=es, language_code="es", encoding="form") is True
    staff_scope = {"type": "chat", "chat_id": -1001}
    assert await api.ok("setMyCommands", commands=STAFF, scope=staff_scope) is True

    assert await api.ok("getMyCommands") == PATIENT
    assert await api.ok("getMyCommands", language_code="es") == es
    assert await api.ok("getMyCommands", scope=staff_scope) == STAFF
    assert await api.ok("getMyCommands", scope={"type": "all_group_chats"}) == []
    assert sandbox.commands({"type": "chat", "chat_id": -1001}) == STAFF
    assert sandbox.commands(language_code="es") == es

    assert await api.ok("deleteMyCommands", scope=staff_scope) is True
    assert await api.ok("getMyCommands", scope=staff_scope) == []
    assert await api.ok("getMyCommands") == PATIENT


async def test_invalid_commands_are_rejected(api: RawApi) -> None:
    bad_name = [{"command": "Bad-Name", "description": "x"}]
    assert await api.error("setMyCommands", commands=bad_name) == (400, "Bad Request: BOT_COMMAND_INVALID")
    assert (await api.call("setMyCommands", commands=PATIENT, scope={"type": "chat"}))[0] == 400


async def test_multipart_send_photo_and_document(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    patient = sandbox.user(7)
    form = aiohttp.FormData()
    form.add_field("chat_id", "7")
    form.add_field("caption", "<b>Your</b> plan")
    form.add_field("parse_mode", "HTML")
    form.add_field("reply_markup", '{"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}')
    form.add_field("photo", b"\x89PNG-fake", filename="plan.png", content_type="image/png")
    async with http.post(f"{sandbox.url}/bot1:x/sendPhoto", data=form) as response:
        body = await response.json()
    assert response.status == 200, body
    result = body["result"]
    assert result["caption"] == "Your plan" and result["photo"][0]["file_size"] == 9
    assert result["caption_entities"] == [{"type": "bold", "offset": 0, "length": 4}]

    form = aiohttp.FormData()
    form.add_field("chat_id", "7")
    form.add_field("document", "attach://export")
    form.add_field("export", b'{"a": 1}', filename="export.json", content_type="application/json")
    async with http.post(f"{sandbox.url}/bot1:x/sendDocument", data=form) as response:
        document = (await response.json())["result"]["document"]
    assert document["file_name"] == "export.json" and document["mime_type"] == "application/json"

    photo, doc = patient.messages()
    assert photo.kind == "photo" and photo.photo == b"\x89PNG-fake" and photo.caption == "Your plan"
    assert photo.html == "<b>Your</b> plan" and photo.buttons == [["OK"]]
    assert doc.document == b'{"a": 1}' and doc.file is not None
    assert doc.file.filename == "export.json"

    # the stored file can be fetched back like from Telegram's file endpoint
    async with http.post(f"{sandbox.url}/bot1:x/getFile", json={"file_id": document["file_id"]}) as response:
        path = (await response.json())["result"]["file_path"]
    async with http.get(f"{sandbox.base_file_url}1:x/{path}") as response:
        assert await response.read() == b'{"a": 1}'


async def test_send_photo_without_file_and_caption_limit(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    assert await api.error("sendPhoto", chat_id=7) == (400, "Bad Request: there is no photo in the request")
    assert await api.error("sendPhoto", chat_id=7, photo="https://x.example/a.jpg", caption="c" * 1025) == (
        400,
        "Bad Request: message caption is too long",
    )
    result = await api.ok("sendPhoto", chat_id=7, photo="https://x.example/a.jpg")
    reused = await api.ok("sendPhoto", chat_id=7, photo=result["photo"][0]["file_id"])
    assert reused["photo"][0]["file_id"] == result["photo"][0]["file_id"]


async def test_chat_action_and_profile_texts(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    assert await api.ok("sendChatAction", chat_id=7, action="typing") is True
    assert sandbox.chat(7).chat_actions() == ["typing"]
    assert (await api.error("sendChatAction", chat_id=7, action="dancing"))[0] == 400
    assert await api.ok("setMyDescription", description="Aftercare for your course") is True
    assert await api.ok("getMyDescription") == {"description": "Aftercare for your course"}
    assert await api.ok("close") is True and await api.ok("logOut") is True
