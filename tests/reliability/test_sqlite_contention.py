"""SQLite under concurrent handlers: writers queue in the event loop instead of failing "database is locked".

SQLite has one writer at a time. With PTB handling 64 updates at once, a
write transaction holds the lock across several awaits (each statement is a
hop to aiosqlite's thread, and other handlers run in between); every other
writer then waits inside SQLite's busy handler, which polls with sleeps of up
to 100 ms and gives up after ``busy_timeout`` (5 s) with "database is
locked": the handler fails and the patient's answer is lost with an apology.
``bench/load.py`` showed it at 1,000 concurrent patients (28 updates/s, CPU
40 % idle-waiting, handler failures). The fix serialises SQLite sessions in
the process with an asyncio lock (FIFO, woken at once, re-entrant within a
task), so the lock is never contended inside SQLite.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlmodel import update

from bot.core.db import Database
from bot.core.migrate import upgrade
from bot.core.models import Patient

WRITERS = 22
HOLD = 0.25  # seconds each transaction keeps the write lock: 22 x 0.25 s > the 5 s busy timeout


async def test_concurrent_write_transactions_queue_instead_of_failing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'contention.db'}"
    upgrade(url)
    db = Database(url)
    try:
        async with db.session() as session:
            patient = Patient(clinic_id="riverside", label="C-0001", telegram_user_id=1, chat_id=1)
            session.add(patient)
        failures: list[str] = []

        async def writer(number: int) -> None:
            try:
                async with db.session() as session:
                    await session.exec(update(Patient).where(Patient.id == patient.id)  # type: ignore[arg-type]
                                       .values(first_name=f"w{number}"))
                    await asyncio.sleep(HOLD)  # other handlers run while this one holds the write lock
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}")

        started = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*(writer(n) for n in range(WRITERS))), 60)
        print(f"\n[sqlite contention] {WRITERS} writers in {time.monotonic() - started:.1f} s, "
              f"failures: {len(failures)} {sorted(set(failures))}")
        assert failures == []
    finally:
        await db.dispose()


async def test_a_session_inside_a_session_of_the_same_task_does_not_deadlock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested.db'}"
    upgrade(url)
    db = Database(url)
    try:
        async def nested() -> int:
            async with db.session() as outer:
                outer.add(Patient(clinic_id="riverside", label="C-0002", telegram_user_id=2, chat_id=2))
                async with db.session() as inner:  # e.g. an audit helper opening its own session
                    inner.add(Patient(clinic_id="riverside", label="C-0003", telegram_user_id=3, chat_id=3))
            return 2

        assert await asyncio.wait_for(nested(), 10) == 2
    finally:
        await db.dispose()
