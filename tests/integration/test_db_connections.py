"""The database handle's connection reuse: what the lean press path relies on, on each backend.

A pooled connection comes back without an open transaction whether the last
session committed, only read, or was left with uncommitted writes; a
PostgreSQL connection the server ended is replaced at checkout; a chat's
conversation state is created and replaced in one statement.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import select

from bot.core import chat_state
from bot.core.db import Database, async_url
from bot.core.models import ChatState

CHAT = 4242


async def _backend_pid(db: Database) -> int:
    async with db.session() as session:
        return int((await (await session.connection()).execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _states(db: Database) -> list[tuple[str, str, dict[str, object], int | None, int | None]]:
    async with db.session() as session:
        rows = (await session.exec(select(ChatState).where(ChatState.chat_id == CHAT))).all()
        return [(r.flow, r.step, r.data, r.user_id, r.message_id) for r in rows]


async def test_chat_state_is_created_then_replaced_keeping_a_known_user(db: Database) -> None:
    async with db.session() as session:
        await chat_state.put(session, CHAT, "checkin_note", "note", {"checkin_id": 1}, user_id=77, message_id=5)
    assert await _states(db) == [("checkin_note", "note", {"checkin_id": 1}, 77, 5)]
    async with db.session() as session:
        await chat_state.put(session, CHAT, "pause", "duration")
    assert await _states(db) == [("pause", "duration", {}, 77, None)]


async def test_chat_state_put_on_a_row_the_session_holds_changes_that_row(db: Database) -> None:
    async with db.session() as session:
        await chat_state.put(session, CHAT, "enrolment", "consent", user_id=77)
    async with db.session() as session:
        held = await chat_state.get(session, CHAT)
        assert held is not None
        await chat_state.put(session, CHAT, "enrolment", "area", {"a": 1})
        assert (held.step, held.data) == ("area", {"a": 1})  # the session's copy is not stale
    assert await _states(db) == [("enrolment", "area", {"a": 1}, 77, None)]


async def test_uncommitted_writes_never_reach_the_next_session(db: Database) -> None:
    async with db.engine.connect() as connection:  # writes, then goes back to the pool without a commit
        await connection.execute(text(
            "INSERT INTO chat_state (chat_id, flow, step, data, updated_at) "
            "VALUES (:c, 'x', 'y', '{}', CURRENT_TIMESTAMP)"), {"c": CHAT})
    assert await _states(db) == []
    async with db.session() as session:  # and the connection is usable for the next writer
        await chat_state.put(session, CHAT, "x", "z")
    assert await _states(db) == [("x", "z", {}, None, None)]


async def test_a_connection_the_server_ended_is_replaced_at_checkout(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("nothing ends an SQLite connection from outside")
    first = await _backend_pid(db)
    killer = create_async_engine(async_url(db.url))
    try:
        async with killer.connect() as connection:
            # With a timeout the call returns once the backend has exited, not when it was signalled:
            # until then its socket may not yet carry the farewell the checkout looks for.
            await connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": first})
    finally:
        await killer.dispose()
    for _ in range(3):
        assert await _backend_pid(db) != first


async def test_statements_report_rows_counts_and_errors_as_the_driver_does(db: Database) -> None:
    """Every statement's results, whatever the backend (on SQLite: one trip to the driver's thread each)."""
    async with db.engine.connect() as connection:
        await connection.execute(text("CREATE TEMPORARY TABLE t (n INTEGER, v TEXT UNIQUE)"))
        await connection.execute(text("INSERT INTO t (n, v) VALUES (:n, :v)"),
                                 [{"n": 1, "v": "a"}, {"n": 2, "v": "b"}, {"n": 3, "v": "c"}])
        updated = await connection.execute(text("UPDATE t SET v = v || '!' WHERE v <> 'a'"))
        assert updated.rowcount == 2
        rows = (await connection.execute(text("SELECT v FROM t ORDER BY n"))).scalars().all()
        assert rows == ["a", "b!", "c!"]
        assert (await connection.execute(text("SELECT v FROM t WHERE v = 'none'"))).first() is None
        with pytest.raises(IntegrityError):
            await connection.execute(text("INSERT INTO t (n, v) VALUES (4, 'a')"))
        await connection.rollback()
