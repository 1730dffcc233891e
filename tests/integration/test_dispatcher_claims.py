"""Claiming, recording and orphan recovery on a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.core.db import Database
from bot.core.models import MessageKind, MessageStatus
from jobs import claims
from jobs.claims import Outcome
from tests.support.factories import add_message, make_patient, messages_of

NOW = datetime(2026, 4, 6, 14, 0, tzinfo=UTC)


async def test_concurrent_claimers_never_share_a_row(db: Database) -> None:
    patient = await make_patient(db)
    for index in range(120):
        await add_message(db, patient, MessageKind.CHECKIN, NOW - timedelta(seconds=index))
    await add_message(db, patient, MessageKind.CHECKIN, NOW + timedelta(minutes=1))  # not due yet
    engines = [Database(db.url) for _ in range(4)]

    go = asyncio.Event()

    async def claimer(database: Database) -> list[int]:
        assert await database.ping()  # connect before the race starts
        await go.wait()
        mine: list[int] = []
        while True:
            async with database.session() as session:
                batch = await claims.claim_due(session, NOW, 7)
                await asyncio.sleep(0.005)  # hold the claim open: others must skip, not share
            if not batch:
                return mine
            mine += [due.id for due in batch]

    try:
        racing = asyncio.gather(*(claimer(engine) for engine in engines))
        await asyncio.sleep(0.2)
        go.set()
        results = await racing
    finally:
        for engine in engines:
            await engine.dispose()
    everything = [row_id for result in results for row_id in result]
    assert len(everything) == len(set(everything)) == 120
    if not db.is_sqlite:  # SKIP LOCKED shares the work; SQLite serialises writers, so one may win all
        assert sum(bool(result) for result in results) >= 2
    statuses = [row.status for row in await messages_of(db, patient.id)]
    assert statuses.count(MessageStatus.SENDING) == 120
    assert statuses.count(MessageStatus.PENDING) == 1


async def test_claim_is_earliest_first_and_counts_attempts(db: Database) -> None:
    patient = await make_patient(db)
    late = await add_message(db, patient, MessageKind.CHECKIN, NOW - timedelta(minutes=1))
    early = await add_message(db, patient, MessageKind.REMINDER, NOW - timedelta(minutes=5), session_at="x")
    async with db.session() as session:
        batch = await claims.claim_due(session, NOW, 1)
        assert await claims.next_due_at(session) == late.due_at
    assert [due.id for due in batch] == [early.id]
    assert batch[0].attempts == 1 and batch[0].payload == {"session_at": "x"}
    assert batch[0].due_at == early.due_at


async def test_outcomes_only_apply_to_rows_still_sending(db: Database) -> None:
    patient = await make_patient(db)
    await add_message(db, patient, MessageKind.CHECKIN, NOW - timedelta(minutes=1))
    async with db.session() as session:
        (due,) = await claims.claim_due(session, NOW, 10)
    async with db.session() as session:
        retry_at = NOW + timedelta(seconds=30)
        assert await claims.finish(session, due, Outcome(MessageStatus.PENDING, "5xx", retry_at=retry_at), NOW)
        assert not await claims.finish(session, due, Outcome(MessageStatus.SENT, telegram_message_id=9), NOW)
    (row,) = await messages_of(db, patient.id)
    assert (row.status, row.due_at, row.last_error, row.attempts) == (MessageStatus.PENDING, retry_at, "5xx", 1)


async def test_orphans_are_resolved_by_delivery_semantics(db: Database) -> None:
    patient = await make_patient(db)
    kinds = (MessageKind.REMINDER, MessageKind.CHECKIN, MessageKind.NUDGE)
    for kind in kinds:
        await add_message(db, patient, kind, NOW - timedelta(minutes=10))
    async with db.session() as session:
        await claims.claim_due(session, NOW - timedelta(minutes=5), 10)
    fresh = await add_message(db, patient, MessageKind.CHECKIN, NOW - timedelta(minutes=1))
    async with db.session() as session:
        await claims.claim_due(session, NOW, 10)  # claimed just now: a live process owns it
    async with db.session() as session:
        requeued, failed = await claims.recover_orphans(session, NOW - timedelta(minutes=2))
    assert (requeued, failed) == (2, 1)
    rows = {row.kind if row.id != fresh.id else "fresh": row.status for row in await messages_of(db, patient.id)}
    assert rows == {MessageKind.REMINDER: MessageStatus.PENDING, MessageKind.CHECKIN: MessageStatus.PENDING,
                    MessageKind.NUDGE: MessageStatus.FAILED, "fresh": MessageStatus.SENDING}


async def test_release_and_heartbeat(db: Database) -> None:
    patient = await make_patient(db)
    await add_message(db, patient, MessageKind.CHECKIN, NOW - timedelta(minutes=1))
    await add_message(db, patient, MessageKind.CHECKIN, NOW - timedelta(minutes=1))
    async with db.session() as session:
        first, second = await claims.claim_due(session, NOW, 10)
    async with db.session() as session:
        await claims.release(session, [first])
        await claims.heartbeat(session, [second.id], NOW + timedelta(minutes=5))
        requeued, _ = await claims.recover_orphans(session, NOW + timedelta(minutes=4))
    assert requeued == 0  # the heartbeat kept the second claim alive
    rows = {row.id: row for row in await messages_of(db, patient.id)}
    assert (rows[first.id].status, rows[first.id].attempts) == (MessageStatus.PENDING, 0)
    assert rows[second.id].claimed_at == NOW + timedelta(minutes=5)
