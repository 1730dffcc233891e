"""Rows keyed by ``dedupe_key`` are planned once, even by two processes at the same moment.

Two replicas start together and both plan the clinic's next digest; a retried
sender plans its follow-up row again. The second attempt must find the row,
not fail on the unique key (which stopped a replica's start-up).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from bot.checkins import alert_queries as alerts
from bot.core.db import Database
from bot.core.models import MessageKind, ScheduledMessage
from bot.staff.digest import ensure_digests
from tests.support.clinic import CLINIC_ID
from tests.support.clock import pinned_clock
from tests.support.factories import make_services


def _digest_row(key: str) -> ScheduledMessage:
    return ScheduledMessage(clinic_id=CLINIC_ID, kind=MessageKind.DIGEST, dedupe_key=key,
                            due_at=pinned_clock().now() + timedelta(hours=1), payload={"date": "x"})


async def _rows(db: Database) -> list[ScheduledMessage]:
    async with db.session() as session:
        return list((await session.exec(select(ScheduledMessage))).all())


async def test_a_row_already_planned_is_not_planned_again(db: Database) -> None:
    async with db.session() as session:
        first = _digest_row("digest:test:1")
        assert await alerts.insert_message(session, first)
        assert first.id is not None
    async with db.session() as session:
        assert not await alerts.insert_message(session, _digest_row("digest:test:1"))
    rows = await _rows(db)
    assert [(r.id, r.dedupe_key, r.payload) for r in rows] == [(first.id, "digest:test:1", {"date": "x"})]


async def test_a_second_planner_waiting_on_an_uncommitted_row_plans_nothing(db: Database) -> None:
    inserted = asyncio.Event()
    release = asyncio.Event()

    async def first_planner() -> bool:
        async with db.session() as session:
            planned = await alerts.insert_message(session, _digest_row("digest:test:2"))
            inserted.set()
            await release.wait()  # still uncommitted while the second planner tries
            return planned

    async def second_planner() -> bool:
        await inserted.wait()
        async with db.session() as session:
            return await alerts.insert_message(session, _digest_row("digest:test:2"))

    first = asyncio.create_task(first_planner())
    second = asyncio.create_task(second_planner())
    await inserted.wait()
    await asyncio.sleep(0.2)  # the second planner reaches the database (PostgreSQL: blocks on the key)
    release.set()
    assert list(await asyncio.wait_for(asyncio.gather(first, second), 10)) == [True, False]
    assert [r.dedupe_key for r in await _rows(db)] == ["digest:test:2"]


async def test_two_processes_planning_digests_together_both_succeed_with_one_row(db: Database) -> None:
    services = [make_services(db), make_services(Database(db.url))]
    try:
        await asyncio.gather(*(ensure_digests(s) for s in services))
    finally:
        await services[1].db.dispose()
    digests = [r for r in await _rows(db) if r.kind == MessageKind.DIGEST]
    assert len(digests) == 1 and digests[0].dedupe_key.startswith(f"digest:{CLINIC_ID}:")
