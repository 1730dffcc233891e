"""SQLite after an erasure: deleted bytes are zeroed and the WAL is emptied, even with another reader about.

The end-to-end test (``tests/e2e/test_erasure_on_disk.py``) greps the files
after a real ``/delete``; these pin down the two mechanisms on their own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.core import db as db_module
from bot.core.db import Database
from tests.support.factories import wait_until

WAIT = 10.0
SECRET = "Zorbalinde-secret-note"


class _RecordingConnection:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def cursor(self) -> Any:
        owner = self

        class Cursor:
            def execute(self, statement: str) -> None:
                owner.statements.append(statement)

            def close(self) -> None:
                pass

        return Cursor()


def test_every_connection_turns_secure_delete_on() -> None:
    """Not left to the build's default: Debian's SQLite has it on, macOS's and most wheels' off."""
    connection = _RecordingConnection()
    db_module._sqlite_pragmas(connection, None)
    assert "PRAGMA secure_delete=ON" in connection.statements


async def test_secure_delete_is_on_for_pooled_connections(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        async with database.engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA secure_delete")).scalar() == 1
    finally:
        await database.dispose()


async def _write_and_delete(database: Database) -> None:
    async with database.session() as session:
        await session.exec(text("CREATE TABLE note (body TEXT)"))  # type: ignore[call-overload]
        await session.exec(text("INSERT INTO note VALUES (:body)").bindparams(body=SECRET))  # type: ignore[call-overload]
    async with database.session() as session:
        await session.exec(text("DELETE FROM note"))  # type: ignore[call-overload]


def _on_disk(path: Path) -> list[str]:
    return [p.name for p in (path, path.with_name(path.name + "-wal")) if p.exists()
            and SECRET.encode() in p.read_bytes()]


async def test_erased_rows_leave_the_wal_at_once_when_nobody_else_reads(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    database = Database(f"sqlite:///{path}")
    try:
        await _write_and_delete(database)
        assert _on_disk(path) == ["a.db-wal"]  # what the erasure has to deal with
        assert await database.forget_erased() is True
        assert _on_disk(path) == []
        assert path.with_name("a.db-wal").stat().st_size == 0
    finally:
        await database.dispose()


async def test_a_reader_in_another_process_delays_the_truncation_but_does_not_stop_it(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    database = Database(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)  # e.g. `aftercare logs --follow` mid-read
    try:
        async with database.session() as session:
            await session.exec(text("CREATE TABLE filler (x INTEGER)"))  # type: ignore[call-overload]
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM filler").fetchall()  # holds a snapshot older than what follows
        await _write_and_delete(database)
        assert await database.forget_erased() is False  # refused quickly: the patient is not kept waiting
        async with database.session() as session:  # the bot carries on meanwhile
            await session.exec(text("INSERT INTO filler VALUES (1)"))  # type: ignore[call-overload]
        other.execute("COMMIT")
        async def clean() -> bool:
            return not _on_disk(path)

        await wait_until(clean, within=WAIT)  # the background retry, about half a second later
    finally:
        other.close()
        await database.dispose()
