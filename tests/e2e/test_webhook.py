"""Webhook mode end to end: the sandbox delivers updates by POSTing to the bot's HTTP server.

The bot registers its webhook (with the secret) at start; the sandbox then
refuses getUpdates and pushes every update to that URL with Telegram's secret
header. Anyone else posting to the URL gets 403 and a warning in the log,
and nothing they sent reaches the handlers or the log.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.support.harness import Harness, running_bot
from tests.support.logcapture import CapturedLogs, captured_logs
from tgsandbox import Sandbox

SECRET = "s3cret_Token-42"
MARKER = "WEBHOOK-BODY-MARKER-7731"
INTRUDER_ID = 777001


def _free_port() -> int:
    """The webhook URL must name the port before the server binds it (a small, accepted race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook_bot(tmp_path: Path) -> AsyncIterator[tuple[Harness, str, CapturedLogs]]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    with captured_logs() as logs:
        async with running_bot(f"sqlite:///{tmp_path / 'aftercare.db'}", http_port=port,
                               webhook_url=url, webhook_secret=SECRET) as harness:
            yield harness, url, logs


def _forged_update() -> dict[str, object]:
    user = {"id": INTRUDER_ID, "is_bot": False, "first_name": "Mallory"}
    return {"update_id": 990001, "message": {
        "message_id": 1, "date": 1_700_000_000, "chat": {"id": INTRUDER_ID, "type": "private"}, "from": user,
        "text": f"/help {MARKER}", "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }}


async def _post(url: str, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session, \
            session.post(url, json=_forged_update(), headers=headers) as response:
        return response.status


async def test_bot_registers_its_webhook_and_answers_through_it(
        webhook_bot: tuple[Harness, str, CapturedLogs]) -> None:
    harness, url, _logs = webhook_bot
    sandbox: Sandbox = harness.sandbox
    assert harness.runtime.application.updater is None  # no polling in webhook mode
    info = sandbox.core.webhook.info()
    assert info["url"] == url
    assert sandbox.core.webhook.secret_token == SECRET
    assert "callback_query" in info["allowed_updates"]

    patient = harness.patient()
    await patient.send_text("/help")
    reply = await patient.wait_for_message(timeout=10)
    assert "/status" in reply.text
    assert sandbox.core.webhook.delivered >= 1
    assert sandbox.core.webhook.failed_attempts == 0


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                     {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}],
                         ids=["missing", "wrong", "longer"])
async def test_requests_without_the_secret_are_refused_and_logged(
        webhook_bot: tuple[Harness, str, CapturedLogs], headers: dict[str, str]) -> None:
    harness, url, logs = webhook_bot
    intruder = harness.sandbox.user(user_id=INTRUDER_ID, first_name="Mallory")
    assert await _post(url, headers) == 403

    # A genuine update sent afterwards is handled; the forged one (queued first, had it been
    # accepted) never was.
    patient = harness.patient()
    await patient.send_text("/help")
    await patient.wait_for_message(timeout=10)
    assert intruder.messages() == []
    rejected = logs.named("webhook_rejected")
    assert len(rejected) == 1
    assert rejected[0]["level"] == "warning"
    assert MARKER not in logs.text and "Mallory" not in logs.text


async def test_the_right_secret_from_outside_the_sandbox_is_accepted(
        webhook_bot: tuple[Harness, str, CapturedLogs]) -> None:
    harness, url, _logs = webhook_bot
    intruder = harness.sandbox.user(user_id=INTRUDER_ID, first_name="Mallory")
    assert await _post(url, {"X-Telegram-Bot-Api-Secret-Token": SECRET}) == 200
    reply = await intruder.wait_for_message(timeout=10)
    assert "/status" in reply.text


async def test_a_body_that_is_not_an_update_gets_400(webhook_bot: tuple[Harness, str, CapturedLogs]) -> None:
    _harness, url, logs = webhook_bot
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session, \
            session.post(url, data=f"not json {MARKER}",
                         headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
        assert response.status == 400
    assert logs.named("webhook_bad_update")
    assert MARKER not in logs.text
    assert json.dumps(MARKER) not in logs.text
