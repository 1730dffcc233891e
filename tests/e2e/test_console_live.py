"""Today, live: the console's event stream carries new alerts to an open page, for its own clinic only.

A patient reports a red flag through the sandbox, the real bot raises the
alert, and a signed-in Riverside member's open stream receives the alerts
section and the window title with the new count, while an alert at Hillside
(another clinic on the same bot) never reaches it. The stream needs a live
session, ends when the session is signed out, is bounded, sends heartbeats,
and never holds up the server's shutdown.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.web.runtime import HttpServer
from tests.support.checkin_factories import patient_scene
from tests.support.console import ConsoleClient, patient_with_history, signed_in, two_clinics
from tests.support.databases import POSTGRES_ENV, fresh_database
from tests.support.factories import make_patient
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.sse import WAIT, EventStream
from tests.support.staff_factories import add_alert

MARK = re.compile(r'data-mark="([0-9.]+)"')
TITLE_ONE = "(1) Today – Riverside Sports & Spine Clinic"


def server_of(harness: Harness) -> HttpServer:
    return next(c for c in harness.runtime.components if isinstance(c, HttpServer))


@pytest.fixture
async def clinics(database_url: str) -> AsyncIterator[Harness]:
    """Two clinics on one bot (SQLite, and PostgreSQL when configured); Hillside has H-0001."""
    async with running_bot(database_url, clinics=two_clinics()) as harness:
        harness.sandbox.set_limits(chat_capacity=60)
        yield harness


async def test_a_red_flag_reported_in_telegram_reaches_the_open_today_page(clinics: Harness) -> None:
    scene = await patient_scene(clinics, user_id=5101)
    hillside = await make_patient(clinics.db, clinic_id="hillside", label="H-0001", user_id=7101)
    async with ConsoleClient(clinics) as browser:
        today = await signed_in(clinics, browser)
        assert "<title>Today – Riverside Sports &amp; Spine Clinic</title>" in today.text
        assert '<meta http-equiv="refresh" content="60">' in today.text.split("<noscript>")[1]
        mark = MARK.search(today.text)
        assert mark is not None
        async with EventStream(browser, f"/console/events?mark={mark.group(1)}") as stream:
            assert stream.status == 200
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            first = await stream.next()
            assert first is not None and first.lines == ["retry: 5000"]

            await add_alert(clinics.db, hillside, clinics.services.clock.now(), level="emergency")
            await scene.user.send_text("my lips are swelling and I can't breathe")
            await scene.staff_chat.wait_for_message("EMERGENCY", timeout=WAIT)
            event = await stream.wait_for(lambda e: e.event == "alerts")
            update = event.json
            assert update["title"] == TITLE_ONE and update["open"] == 1
            assert scene.patient.label in update["html"] and "emergency" in update["html"]
            assert 'name="csrf"' in update["html"] and browser.csrf in update["html"]
            assert update["news"] == "1 open alert"
            assert all("H-0001" not in e.data for e in stream.seen), "another clinic's alert leaked"
        again = await browser.get("/console/")
        assert f"<title>{TITLE_ONE.replace('&', '&amp;')}</title>" in again.text
        assert event.id is not None and f'data-mark="{event.id}"' in again.text


async def test_the_stream_needs_a_live_session_and_is_bounded(clinics: Harness) -> None:
    server_of(clinics).ctx.live.per_login = 1
    async with ConsoleClient(clinics) as stranger, EventStream(stranger) as refused:
        assert refused.status == 401
        assert not refused.headers["Content-Type"].startswith("text/event-stream")
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        async with EventStream(browser) as first, EventStream(browser) as second:
            assert first.status == 200
            assert second.status == 503 and second.headers["Retry-After"] == "60"


async def test_an_open_stream_gets_heartbeats_and_ends_on_sign_out(clinics: Harness) -> None:
    policy = server_of(clinics).ctx.live
    policy.heartbeat, policy.signout_every = 0.3, 0.2
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        async with EventStream(browser) as stream:
            await stream.wait_for(lambda e: e.comment == "keep-alive")
            assert (await browser.post("/console/logout")).status == 200
            ended = await stream.wait_for(lambda e: e.event == "end")
            assert ended.data == "signed_out"
            assert await stream.next() is None


async def test_a_reconnecting_page_gets_only_what_changed(clinics: Harness) -> None:
    await patient_with_history(clinics)
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        async with EventStream(browser) as stream:
            current = await stream.wait_for(lambda e: e.event == "alerts")
            assert "R-0001" in current.json["html"] and current.json["open"] == 1
        server_of(clinics).ctx.live.heartbeat = 0.3
        assert current.id is not None
        async with EventStream(browser, headers={"Last-Event-ID": current.id}) as resumed:
            await resumed.wait_for(lambda e: e.comment == "keep-alive")
            assert not any(e.event == "alerts" for e in resumed.seen)


async def test_open_streams_do_not_hold_up_shutdown(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=two_clinics()) as harness, ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        async with EventStream(browser) as one, EventStream(browser) as two:
            assert one.status == two.status == 200
            await one.next()
            await two.next()
            started = time.monotonic()
            await asyncio.wait_for(server_of(harness).stop(), WAIT)
            assert time.monotonic() - started < 1.5, "shutdown waited on the open streams"
            for stream in (one, two):
                assert await _drain(stream) == "closed"


async def _drain(stream: EventStream, limit: int = 5) -> str:
    """Read what is left of a stream: "closed" if it ends within a few events (each wait bounded)."""
    for _ in range(limit):
        if await stream.next(within=2) is None:
            return "closed"
    return "still open"


@pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"needs {POSTGRES_ENV} (replicas share PostgreSQL)")
async def test_an_alert_raised_by_one_replica_reaches_a_page_served_by_the_other(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        async with AsyncExitStack() as stack:
            raising = await stack.enter_async_context(running_bot(url, secret_key="shared-secret"))
            serving = await stack.enter_async_context(running_bot(url, secret_key="shared-secret"))
            scene = await patient_scene(raising, user_id=5401)
            browser = await stack.enter_async_context(ConsoleClient(serving))
            today = await signed_in(serving, browser)
            mark = MARK.search(today.text)
            assert mark is not None
            stream = await stack.enter_async_context(EventStream(browser, f"/console/events?mark={mark.group(1)}"))
            await scene.user.send_text("my lips are swelling and I can't breathe")
            event = await stream.wait_for(lambda e: e.event == "alerts")
            assert scene.patient.label in event.json["html"] and event.json["open"] == 1
