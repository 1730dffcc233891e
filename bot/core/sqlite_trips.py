"""One trip to aiosqlite's thread per SQLite statement, instead of four.

SQLAlchemy's aiosqlite adapter runs a statement as separate calls into the
driver's worker thread: open a cursor, execute, fetch the rows, close the
cursor, each a queue hand-off and a wake-up of the event loop. On SQLite the
bot's sessions take turns (``bot.core.db._SessionTurns``), so these hand-offs
are the critical path of every button press; on a busy machine each one also
waits for the scheduler, and under load the SQLite bot spent most of its time
waiting rather than computing (``bench/load.py``).

``OneTripCursor`` does the same work as one function run in the worker
thread: cursor, execute, description, row count, last row id, all rows,
close. Results, errors (the same ``sqlite3`` exceptions, translated by
SQLAlchemy as before) and transaction behaviour are unchanged; server-side
cursors (not used by the bot) keep the stock class. ``use_one_trip_cursors``
switches a freshly opened connection over (from the engine's ``connect``
event); the connection class differs from the stock one only in which cursor
class it names, so nothing else about the connection changes.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor
from sqlalchemy.util import EMPTY_DICT


class _Ran:
    """What a finished statement left behind: stands in for the driver's (already closed) cursor."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self) -> None:
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def close(self) -> None:
        """Nothing to close: the driver's cursor was closed in the worker thread."""


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> tuple[Any, ...]:
    """In the worker thread: the whole statement, start to finish."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor, with each statement one call into the worker thread."""

    __slots__ = ()
    _awaitable_cursor_close = False  # ``_Ran.close`` is a plain no-op

    def __init__(self, adapt_connection: Any) -> None:  # no trip: the driver's cursor is made in ``_run``
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Ran()  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        return await self._trip(operation, seq_of_parameters, many=True)

    async def _trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            driver: Any = self._connection  # an aiosqlite.Connection: its worker queue and sqlite3 connection
            ran: Any = self._cursor
            ran.description, ran.rowcount, ran.lastrowid, rows = await driver._execute(
                _run, driver._conn, operation, parameters, many)
            self._rows = collections.deque(rows) if rows is not None else collections.deque()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """The stock adapted connection, naming ``OneTripCursor`` for ordinary cursors."""

    __slots__ = ()
    _cursor_cls = OneTripCursor


def use_one_trip_cursors(dbapi_connection: Any) -> None:
    """Switch a new aiosqlite connection to one-trip cursors (same object, same state)."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = OneTripConnection
