"""Injected faults: 429, 5xx, late answers and dropped connections, storms."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tgsandbox import Sandbox

from .conftest import RawApi


async def test_next_request_gets_429_then_recovers(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    sandbox.inject("429", retry_after=3)
    status, body = await api.call("sendMessage", chat_id=7, text="x")
    assert status == 429
    assert body["description"] == "Too Many Requests: retry after 3"
    assert body["parameters"] == {"retry_after": 3}
    await api.ok("sendMessage", chat_id=7, text="x")
    assert sandbox.stats()["too_many_requests"] == 1
    assert sandbox.chat(7).messages()[0].text == "x"


async def test_faults_can_target_a_method_and_count(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    sandbox.inject("5xx", count=2, method="editMessageText", status=502)
    sent = await api.ok("sendMessage", chat_id=7, text="a")  # other methods unaffected
    for _ in range(2):
        assert await api.error("editMessageText", chat_id=7, message_id=sent["message_id"], text="b") == (
            502,
            "Bad Gateway",
        )
    await api.ok("editMessageText", chat_id=7, message_id=sent["message_id"], text="b")


async def test_faults_default_to_sparing_get_updates(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.inject("500")
    assert await api.ok("getUpdates") == []
    assert await api.error("getMe") == (500, "Internal Server Error")
    sandbox.inject("500", method="*")
    assert (await api.call("getUpdates"))[0] == 500


async def test_timeout_fault_answers_late_without_sending(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.user(7)
    sandbox.inject("timeout", delay=0.5)
    url = f"{sandbox.url}/bot1:x/sendMessage"
    with pytest.raises(asyncio.TimeoutError):
        async with http.post(url, json={"chat_id": 7, "text": "slow"}, timeout=aiohttp.ClientTimeout(total=0.2)):
            pass
    assert sandbox.chat(7).messages() == []
    await asyncio.sleep(0.4)


async def test_timeout_fault_with_execute_models_a_lost_answer(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    sandbox.inject("timeout", delay=0.3, execute=True)
    started = time.monotonic()
    result = await api.ok("sendMessage", chat_id=7, text="late")
    assert time.monotonic() - started >= 0.3
    assert result["text"] == "late"
    assert [m.text for m in sandbox.chat(7).messages()] == ["late"]


async def test_drop_closes_the_connection(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.user(7)
    sandbox.inject("drop", execute=True)
    with pytest.raises(aiohttp.ClientError):
        async with http.post(
            f"{sandbox.url}/bot1:x/sendMessage", json={"chat_id": 7, "text": "sent but unanswered"}
        ) as response:
            await response.read()
    assert [m.text for m in sandbox.chat(7).messages()] == ["sent but unanswered"]


async def test_fault_for_one_chat_only(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    sandbox.user(8)
    sandbox.inject("429", chat_id=8)
    await api.ok("sendMessage", chat_id=7, text="fine")
    assert (await api.call("sendMessage", chat_id=8, text="x"))[0] == 429


async def test_storm_rejects_every_send_for_a_while(sandbox: Sandbox, api: RawApi) -> None:
    sandbox.user(7)
    sandbox.storm(0.4, retry_after=2)
    for _ in range(3):
        status, body = await api.call("sendMessage", chat_id=7, text="x")
        assert status == 429 and body["parameters"]["retry_after"] == 2
    await api.ok("getMe")  # not a send
    await asyncio.sleep(0.45)
    await api.ok("sendMessage", chat_id=7, text="x")
    assert sandbox.stats()["too_many_requests"] == 3


async def test_stop_cuts_injected_delays_short() -> None:
    box = Sandbox(limits=False)
    await box.start()
    box.user(7)
    box.inject("timeout", delay=30)
    async with aiohttp.ClientSession() as session:
        request = asyncio.create_task(session.post(f"{box.url}/bot1:x/sendMessage", json={"chat_id": 7, "text": "x"}))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await box.stop()
        assert time.monotonic() - started < 3
        try:
            response = await asyncio.wait_for(request, 3)
        except aiohttp.ClientError:
            return  # the connection went away with the server: also fine
        assert response.status == 504  # the delayed answer was cut short, nothing was sent
        response.release()
