"""``/healthz`` and ``/metrics`` of a running bot, over real HTTP on 127.0.0.1.

The database outage is real: on SQLite the database directory disappears (and
the pool is dropped); on PostgreSQL the database stops accepting connections
and its sessions are terminated. Health must go 503 naming "database", then
recover by itself once the database is back.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.core import metrics
from bot.web.runtime import HttpServer
from tests.support.databases import POSTGRES_ENV, backends, fresh_database
from tests.support.harness import Harness, running_bot
from tgsandbox import Sandbox

Outage = Callable[[bool], Awaitable[None]]


async def _get(harness: Harness, path: str) -> tuple[int, str]:
    port = harness.services.http_port
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session, \
            session.get(f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.text()


async def _health(harness: Harness) -> tuple[int, dict[str, Any]]:
    import json

    status, body = await _get(harness, "/healthz")
    return status, json.loads(body)


def _samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _sqlite_outage(directory: Path, harness_ref: list[Harness]) -> Outage:
    away = directory.with_name(directory.name + ".away")

    async def toggle(down: bool) -> None:
        if down:
            await asyncio.to_thread(directory.rename, away)  # new connections now fail ...
            await harness_ref[0].db.engine.dispose()  # ... and pooled ones are closed
        else:
            await asyncio.to_thread(away.rename, directory)

    return toggle


def _postgres_outage(url: str) -> Outage:
    name = make_url(url).database
    admin_url = make_url(os.environ[POSTGRES_ENV]).set(drivername="postgresql+psycopg")

    def run(down: bool) -> None:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if down else "true"}'))
                if down:
                    connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                            "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        finally:
            engine.dispose()

    async def toggle(down: bool) -> None:
        await asyncio.to_thread(run, down)

    return toggle


@pytest.fixture(params=backends())
async def bot_with_outage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Harness, Outage]]:
    """A running bot and a switch that takes its database away (True) and brings it back (False)."""
    if request.param == "sqlite":
        directory = tmp_path / "data"
        directory.mkdir()
        ref: list[Harness] = []
        async with running_bot(f"sqlite:///{directory / 'aftercare.db'}") as harness:
            ref.append(harness)
            yield harness, _sqlite_outage(directory, ref)
        return
    with fresh_database("postgresql", tmp_path) as url:
        outage = _postgres_outage(url)
        async with running_bot(url) as harness:
            try:
                yield harness, outage
            finally:
                await outage(False)


async def _wait_for_status(harness: Harness, wanted: int, attempts: int = 50) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for _ in range(attempts):
        status, body = await _health(harness)
        if status == wanted:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"/healthz never answered {wanted}; last body {body}")


async def test_healthz_follows_the_database_down_and_back(bot_with_outage: tuple[Harness, Outage]) -> None:
    harness, outage = bot_with_outage
    status, body = await _health(harness)
    assert (status, body) == (200, {"status": "ok", "database": "ok", "scheduler": "ok", "telegram": "ok"})

    await outage(True)
    body = await _wait_for_status(harness, 503)
    assert body["status"] == "fail"
    assert body["failing"] == ["database"]
    assert body["database"] != "ok"
    assert body["scheduler"] == "ok" and body["telegram"] == "ok"

    await outage(False)
    body = await _wait_for_status(harness, 200)
    assert body == {"status": "ok", "database": "ok", "scheduler": "ok", "telegram": "ok"}


async def test_healthz_reports_telegram_silence(harness: Harness) -> None:
    server = next(c for c in harness.runtime.components if isinstance(c, HttpServer))
    server.policy.probe_after = 3600.0  # no getMe probe to rescue it
    server.policy.telegram_max_age = 0.0
    status, body = await _health(harness)
    assert status == 503
    assert body["failing"] == ["telegram"]
    assert body["telegram"].startswith("no answer for")
    server.policy.telegram_max_age = 180.0
    assert (await _health(harness))[0] == 200


async def test_metrics_exposes_every_metric_name(harness: Harness) -> None:
    status, body = await _get(harness, "/metrics")
    assert status == 200
    for name in (
        "aftercare_messages_sent_total", "aftercare_messages_failed_total", "aftercare_dispatch_lateness_seconds",
        "aftercare_messages_pending", "aftercare_messages_overdue", "aftercare_checkins_total",
        "aftercare_alerts_open", "aftercare_updates_handled_total", "aftercare_telegram_requests_total",
        "aftercare_database_up",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in body, name
    samples = _samples(body)
    assert samples[("aftercare_database_up", ())] == 1.0
    assert samples[("aftercare_messages_pending", (("kind", "reminder"),))] == 0.0


async def test_metrics_count_a_sent_message_and_the_update_that_caused_it(harness: Harness) -> None:
    before = _samples((await _get(harness, "/metrics"))[1])
    patient = harness.patient()
    await patient.send_text("/help")
    await patient.wait_for_message(timeout=10)
    metrics.observe_sent("reminder", 2.5)  # what the dispatcher calls after each delivery

    after = _samples((await _get(harness, "/metrics"))[1])

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("aftercare_messages_sent_total", kind="reminder") == 1.0
    assert delta("aftercare_dispatch_lateness_seconds_count") == 1.0
    assert delta("aftercare_dispatch_lateness_seconds_bucket", le="5.0") == 1.0
    assert delta("aftercare_dispatch_lateness_seconds_bucket", le="2.0") == 0.0
    assert delta("aftercare_updates_handled_total", type="message") == 1.0
    assert delta("aftercare_telegram_requests_total", method="sendMessage", outcome="ok") >= 1.0


async def test_a_taken_port_stops_start_up_with_one_line(tmp_path: Path) -> None:
    import socket

    from bot.core.lifecycle import StartupError

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with Sandbox() as sandbox:
            with pytest.raises(StartupError) as raised:
                async with running_bot(f"sqlite:///{tmp_path / 'aftercare.db'}", sandbox=sandbox, http_port=port):
                    pass  # pragma: no cover - start-up must fail
    message = str(raised.value)
    assert f"cannot serve HTTP on 127.0.0.1:{port}" in message and "\n" not in message
