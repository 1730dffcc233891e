"""The HTTP control API and the standalone ``python -m tgsandbox`` process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from tgsandbox import Sandbox, SandboxClient, WaitTimeout

from .conftest import RawApi

ROOT = Path(__file__).resolve().parents[2]


async def test_client_drives_users_and_reads_results(sandbox: Sandbox, api: RawApi) -> None:
    async with SandboxClient(sandbox.url) as client:
        user = await client.create_user(4242, "Remote", language_code="de")
        assert user == {"id": 4242, "is_bot": False, "first_name": "Remote", "language_code": "de"}
        group = await client.create_group(-100777, "Staff")
        assert group["type"] == "supergroup"

        sent = await client.send_text(4242, "/start tok")
        assert sent["text"] == "/start tok" and sent["from"] == "user"
        update = (await api.ok("getUpdates"))[0]
        assert update["message"]["entities"][0]["type"] == "bot_command"

        keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
        await api.ok("sendMessage", chat_id=4242, text="Welcome", reply_markup=keyboard)
        message = await client.wait_for_message(4242, contains="Welcome", timeout=2)
        assert message["buttons"] == [["OK"]] and message["callback_data"] == {"OK": "ok"}
        with pytest.raises(WaitTimeout):
            await client.wait_for_message(4242, after=message["seq"], timeout=0.1)

        query_id = await client.press(4242, "OK")
        forged = await client.press(4242, callback_data="zz", message_id=message["message_id"])
        assert query_id != forged
        await api.ok("answerCallbackQuery", callback_query_id=query_id, text="done")
        answers = await client.callback_answers(user_id=4242)
        assert [a["text"] for a in answers] == ["done"]

        assert [m["text"] for m in await client.messages(4242)] == ["Welcome"]
        both = await client.messages(4242, include_user=True)
        assert [m["from"] for m in both] == ["user", "bot"]
        assert await client.messages(4242, since=message["seq"]) == []

        await client.block(4242)
        assert (await api.call("sendMessage", chat_id=4242, text="x"))[0] == 403
        await client.unblock(4242)

        await client.inject("429", retry_after=2, method="sendMessage")
        status, body = await api.call("sendMessage", chat_id=4242, text="x")
        assert status == 429 and body["parameters"]["retry_after"] == 2
        await client.storm(5)
        assert (await api.call("sendMessage", chat_id=4242, text="x"))[0] == 429
        await client.clear_faults()
        await api.ok("sendMessage", chat_id=4242, text="x")

        limits = await client.set_limits(enabled=True, chat_capacity=1, chat_rate=0.5)
        assert limits["chat_capacity"] == 1
        await api.ok("sendMessage", chat_id=4242, text="x")
        assert (await api.call("sendMessage", chat_id=4242, text="y"))[0] == 429

        stats = await client.stats()
        assert stats["too_many_requests"] == 3
        assert stats["sent_texts"]["4242"] == {"Welcome": 1, "x": 2}
        assert stats["duplicates"] == {"4242": {"x": 2}}
        assert stats["requests"]["sendMessage"] >= 6
        kinds = {e["kind"] for e in await client.events(chat_id=4242)}
        assert {"user_message", "bot_message", "user_press", "callback_answer"} <= kinds


async def test_control_errors_are_json(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{sandbox.url}/sandbox/users/1/send", json={"text": "x"}) as response:
        assert response.status == 404 and not (await response.json())["ok"]
    async with http.post(f"{sandbox.url}/sandbox/faults", json={"kind": "meteor"}) as response:
        assert response.status == 400 and "unknown fault kind" in (await response.json())["error"]
    async with http.post(f"{sandbox.url}/sandbox/limits", json={"speed": 1}) as response:
        assert response.status == 400


async def test_standalone_process_serves_until_sigterm(http: aiohttp.ClientSession) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tgsandbox",
        "--port",
        "0",
        "--no-limits",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 15)).decode()
        assert line.startswith("sandbox listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        api = RawApi(http, url)
        assert (await api.ok("getMe"))["is_bot"] is True
        async with SandboxClient(url) as client:
            await client.create_user(1, "Ann")
            for n in range(5):  # --no-limits: no 429 however fast
                await api.ok("sendMessage", chat_id=1, text=f"m{n}")
            assert len(await client.messages(1)) == 5
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
