"""Telegram unreachable while the bot runs: one warning per failed poll with the reason, no tracebacks.

The Bot API (the sandbox) goes away after start-up, so its loopback port is
dead; the bot keeps polling with PTB's backoff. The logs are captured exactly
as production writes them. ``/healthz`` names the reason, and when the API is
back one ``telegram_reachable`` line says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from bot.ptb.request import TelegramWatch, telegram_watch
from bot.web.runtime import HttpServer
from tests.support.factories import wait_until
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.logcapture import CapturedLogs, captured_logs
from tgsandbox import Sandbox

WAIT = 30.0
FAILED_POLLS = 4  # 1 + 1.5 + 2.25 s of backoff between them


def _watch(harness: Harness) -> TelegramWatch:
    found = telegram_watch(harness.runtime.application.bot)
    assert found is not None
    return found


async def _healthz(harness: Harness) -> tuple[int, dict[str, object]]:
    url = f"http://127.0.0.1:{harness.services.http_port}/healthz"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http, http.get(url) as response:
        return response.status, json.loads(await response.text())


def _outage_lines(logs: CapturedLogs, since: int) -> list[dict[str, object]]:
    return logs.events()[since:]


async def test_an_unreachable_api_logs_one_line_per_failed_poll_and_healthz_says_why(tmp_path: Path) -> None:
    with captured_logs() as logs:
        sandbox = Sandbox()
        await sandbox.start()
        port = urlsplit(sandbox.url).port
        async with running_bot(sqlite_url(tmp_path), sandbox=sandbox) as harness:
            server = next(c for c in harness.runtime.components if isinstance(c, HttpServer))
            server.policy.probe_after, server.policy.telegram_max_age = 3600.0, 0.0  # judge by the polls alone
            await wait_until(lambda: _commands_published(logs), within=WAIT)
            before = len(logs.events())
            await sandbox.stop()  # nothing listens on the API's port any more

            async def polls_failed() -> bool:
                return len(logs.named("telegram_poll_failed")) >= FAILED_POLLS

            await wait_until(polls_failed, within=WAIT)
            status, body = await _healthz(harness)
            outage = _outage_lines(logs, before)

            back = Sandbox(port=port)
            await back.start()
            try:
                async def reachable() -> bool:
                    return bool(logs.named("telegram_reachable"))

                await wait_until(reachable, within=WAIT)
                assert _watch(harness).failures == 0
            finally:
                await back.stop()

    assert not [e for e in outage if "exception" in e or e.get("level") in ("error", "critical")], outage
    failed = [e for e in outage if e.get("event") == "telegram_poll_failed"]
    warnings = [e for e in outage if e.get("level") != "info"]
    assert len(failed) >= FAILED_POLLS and warnings == failed, [e.get("event") for e in warnings]
    assert [e["retry_in_s"] for e in failed[:4]] == [1.0, 1.5, 2.25, 3.38]
    assert [e["failed_polls"] for e in failed] == list(range(1, len(failed) + 1))
    assert all("ConnectError" in str(e["reason"]) and "TEST-TOKEN-shaped" not in str(e["reason"]) for e in failed)
    assert status == 503 and body["failing"] == ["telegram"]
    assert "ConnectError" in str(body["telegram"]), body
    assert set(body) == {"status", "database", "scheduler", "telegram", "failing"}
    (back_again,) = logs.named("telegram_reachable")
    assert int(str(back_again["failed_calls"])) >= FAILED_POLLS
    assert "TEST-TOKEN-shaped" not in logs.text


async def _commands_published(logs: CapturedLogs) -> bool:
    return bool(logs.named("commands_published"))
