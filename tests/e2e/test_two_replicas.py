"""Two real ``aftercare run`` processes on one PostgreSQL database send each message exactly once.

The two replicas also long-poll getUpdates with the same token; the sandbox,
like Telegram, answers the older poll with 409 Conflict and PTB retries. That
noise is expected here (production runs one poller, or webhooks) and is not
what this test is about: the dispatchers' claims are.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import update
from sqlmodel import col

from bot.core.clock import SystemClock
from bot.core.db import Database
from bot.core.migrate import upgrade
from bot.core.models import MessageKind, MessageStatus, ScheduledMessage
from tests.support.clinic import clinic_data, registry, with_protocol
from tests.support.databases import POSTGRES_ENV, fresh_database
from tests.support.factories import make_course, make_patient, make_services, messages_of
from tests.support.harness import TOKEN
from tgsandbox import Sandbox

pytestmark = pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"{POSTGRES_ENV} is not set")
PATIENTS = 200
FIRST_USER = 700_000
STARTUP = 120.0  # seconds a cold ``aftercare run`` may take on a loaded machine
SAFETY_CHECK = timedelta(seconds=30)  # the dispatcher's safety check interval (DispatchConfig)


async def _make_reminders_due(db: Database, at: datetime) -> None:
    """Move every pending reminder to ``at``, as another process (the CLI, a replica) would."""
    async with db.session() as session:
        await session.exec(update(ScheduledMessage)
                           .where(col(ScheduledMessage.kind) == MessageKind.REMINDER,
                                  col(ScheduledMessage.status) == MessageStatus.PENDING)
                           .values(due_at=at))


class Replica:
    """One ``python -m bot run`` child; keeps its JSON log lines."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.events: list[dict[str, Any]] = []
        self.started = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            try:
                entry = json.loads(raw)
            except ValueError:
                entry = None
            if not isinstance(entry, dict):  # a start-up error's one line, kept for the failure message
                entry = {"line": raw.decode(errors="replace").strip()}
            self.events.append(entry)
            if entry.get("event") == "bot_started":
                self.started.set()

    def processed(self) -> int:
        return sum(int(e.get("processed", 0)) for e in self.events if e.get("event") == "dispatch_drained")

    async def kill(self) -> None:
        """SIGKILL: every message is already recorded, and a graceful stop waits out the long poll."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()
        await asyncio.wait_for(self._reader, 5)


async def _spawn(env: dict[str, str], port: int) -> Replica:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env={**env, "AFTERCARE_HTTP_PORT": str(port)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    return Replica(process)


@pytest.mark.timeout(300)  # a slow cold start (STARTUP) plus the safety check, on a loaded machine
async def test_two_replicas_send_every_message_exactly_once(tmp_path: Path) -> None:
    data = with_protocol(clinic_data(quiet_hours={"start": "00:00", "end": "00:00"}),
                         reminders_before=["PT50S"])
    config = tmp_path / "clinic.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with fresh_database("postgresql", tmp_path) as url:
        upgrade(url)  # `aftercare run` migrates only SQLite by itself
        db = Database(url)
        sandbox = await Sandbox(limits=False).start()
        replicas: list[Replica] = []
        try:
            # The replicas are real processes on the wall clock, so the course is planned on it too:
            # far ahead at first, so that however slowly the replicas start, nothing is due before
            # both are up; then every reminder is made due at one moment both will be armed for.
            services = make_services(db, registry(data), clock=SystemClock())
            session_at = services.clock.now() + timedelta(hours=2)
            for index in range(PATIENTS):
                sandbox.user(user_id=FIRST_USER + index)
                patient = await make_patient(db, user_id=FIRST_USER + index, label=f"R-{index + 1:04d}")
                await make_course(services, patient, [session_at])
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")},
                   "AFTERCARE_BOT_TOKEN": TOKEN, "AFTERCARE_DATABASE_URL": url,
                   "AFTERCARE_TELEGRAM_API_URL": sandbox.url, "AFTERCARE_CLINIC_CONFIG": str(config),
                   "AFTERCARE_LOG_FORMAT": "json", "AFTERCARE_HTTP_HOST": "127.0.0.1"}
            replicas = [await _spawn(env, 0), await _spawn(env, 0)]
            try:
                await asyncio.wait_for(asyncio.gather(*(r.started.wait() for r in replicas)), STARTUP)
            except TimeoutError:
                raise AssertionError(f"replicas did not start: {[r.events[-3:] for r in replicas]}") from None
            due = services.clock.now() + SAFETY_CHECK + timedelta(seconds=10)
            await _make_reminders_due(db, due)  # each replica's safety check arms it for ``due`` first

            async def all_sent() -> bool:
                rows = [row for row in await messages_of(db) if row.kind == MessageKind.REMINDER]
                return len(rows) == PATIENTS and all(row.status == MessageStatus.SENT for row in rows)

            for _ in range(600):  # up to ~60 s after they fell due
                if await all_sent():
                    break
                await asyncio.sleep(0.1)
            assert await all_sent()
            await asyncio.sleep(1.0)  # anything sent twice would arrive by now
        finally:
            for replica in replicas:
                await replica.kill()
            await sandbox.stop()
            await db.dispose()
        per_chat = Counter(e.chat_id for e in sandbox.events(kinds=["bot_message"]))
        reminded = {chat for chat in per_chat if chat is not None and chat >= FIRST_USER}
        assert len(reminded) == PATIENTS
        assert max(per_chat[chat] for chat in reminded) == 1
        assert sandbox.stats()["duplicates"] == {}
        shares = [replica.processed() for replica in replicas]
        assert sum(shares) == PATIENTS and min(shares) > 0, shares  # both replicas really dispatched
