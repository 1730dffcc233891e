"""getUpdates long polling and webhook delivery, with Telegram's semantics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from aiohttp import web

from tgsandbox import Sandbox, SandboxConfig

from .conftest import RawApi


async def test_long_poll_returns_as_soon_as_an_update_arrives(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7, "Ann")
    started = time.monotonic()
    poll = asyncio.create_task(api.ok("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await patient.send_text("/start abc")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.5
    assert len(updates) == 1
    message = updates[0]["message"]
    assert message["text"] == "/start abc"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["id"] == 7 and message["chat"]["id"] == 7


async def test_empty_poll_waits_for_its_timeout(api: RawApi) -> None:
    started = time.monotonic()
    assert await api.ok("getUpdates", timeout=0.3) == []
    assert 0.25 < time.monotonic() - started < 2


async def test_offset_confirms_and_limit_caps(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    for n in range(3):
        await patient.send_text(f"m{n}")
    updates = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in updates] == ["m0", "m1"]
    again = await api.ok("getUpdates")  # not confirmed yet: delivered again
    assert [u["update_id"] for u in again] == [u["update_id"] for u in updates] + [updates[-1]["update_id"] + 1]
    rest = await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1)
    assert [u["message"]["text"] for u in rest] == ["m2"]
    assert await api.ok("getUpdates", offset=rest[-1]["update_id"] + 1) == []


async def test_a_second_poller_terminates_the_first_with_409(sandbox: Sandbox, api: RawApi) -> None:
    first = asyncio.create_task(api.call("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(api.call("getUpdates", timeout=0.2))
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409 and "terminated by other getUpdates request" in body["description"]
    assert (await second)[0] == 200


async def test_user_actions_produce_the_right_update_kinds(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    staff_group = sandbox.group(-1001234, title="Staff")
    mine = await patient.send_text("hello")
    await patient.edit_text(mine.message_id, "hello!")
    await patient.send_sticker()
    await patient.send_photo(b"img", caption="my knee")
    await patient.send_text("in the group", chat=staff_group)
    patient.block()
    updates = await api.ok("getUpdates")
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message", "edited_message", "message", "message", "message", "my_chat_member"]
    assert updates[1]["edited_message"]["text"] == "hello!"
    assert "edit_date" in updates[1]["edited_message"]
    assert "sticker" in updates[2]["message"]
    assert updates[3]["message"]["caption"] == "my knee" and updates[3]["message"]["photo"]
    assert updates[4]["message"]["chat"] == {"id": -1001234, "type": "supergroup", "title": "Staff"}
    assert updates[5]["my_chat_member"]["new_chat_member"]["status"] == "kicked"


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], dict[str, object]]]]]:
    """A tiny webhook endpoint on loopback that records what it receives."""
    received: list[tuple[dict[str, str], dict[str, object]]] = []
    failures = {"left": 0}

    async def hook(request: web.Request) -> web.Response:
        if failures["left"] > 0:
            failures["left"] -= 1
            return web.Response(status=500)
        received.append((dict(request.headers), await request.json()))
        return web.Response(text="ok")

    async def fail(request: web.Request) -> web.Response:
        failures["left"] = int(request.query["n"])
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_post("/fail", fail)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", received
    finally:
        await runner.cleanup()


async def _until(check: Callable[[], bool], within: float = 3.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_webhook_delivery_with_secret_and_409_on_get_updates(
    sandbox: Sandbox,
    api: RawApi,
    receiver: tuple[str, list[tuple[dict[str, str], dict[str, object]]]],
    http: aiohttp.ClientSession,
) -> None:
    root, received = receiver
    patient = sandbox.user(7)
    await patient.send_text("queued before the webhook")
    assert await api.ok("setWebhook", url=f"{root}/hook", secret_token="s3cr3t_-X") is True
    await patient.send_text("after")
    await _until(lambda: len(received) == 2)
    assert [r[1]["message"]["text"] for r in received] == [  # type: ignore[index]
        "queued before the webhook",
        "after",
    ]
    assert all(r[0]["X-Telegram-Bot-Api-Secret-Token"] == "s3cr3t_-X" for r in received)
    status, body = await api.call("getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    info = await api.ok("getWebhookInfo")
    assert info["url"] == f"{root}/hook" and info["pending_update_count"] == 0

    # a failing endpoint is retried (bounded), then succeeds
    await http.post(f"{root}/fail", params={"n": "2"})
    await patient.send_text("retried")
    await _until(lambda: len(received) == 3)
    info = await api.ok("getWebhookInfo")
    assert "500" in info["last_error_message"]
    assert sandbox.stats()["webhook"]["failed_attempts"] == 2

    assert await api.ok("deleteWebhook") is True
    await patient.send_text("polled")
    updates = await api.ok("getUpdates")
    assert [u["message"]["text"] for u in updates] == ["polled"]


async def test_webhook_gives_up_after_bounded_attempts(
    api: RawApi, receiver: tuple[str, list[tuple[dict[str, str], dict[str, object]]]]
) -> None:
    _root, received = receiver
    config = SandboxConfig(webhook_attempts=2, webhook_backoff=0.01)
    async with Sandbox(config) as box:
        raw = RawApi(api.session, box.url)
        patient = box.user(7)
        await raw.ok("setWebhook", url="http://127.0.0.1:9/nothing-listens-here")
        await patient.send_text("lost")
        await _until(lambda: box.stats()["webhook"]["dropped"] == 1)
        info = await raw.ok("getWebhookInfo")
        assert info["pending_update_count"] == 0 and info["last_error_message"]
        assert box.stats()["webhook"]["failed_attempts"] == 2
        assert received == []


async def test_drop_pending_updates(sandbox: Sandbox, api: RawApi) -> None:
    patient = sandbox.user(7)
    await patient.send_text("old")
    assert await api.ok("deleteWebhook", drop_pending_updates=True) is True
    assert await api.ok("getUpdates") == []
