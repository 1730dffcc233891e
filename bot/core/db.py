"""Database engine and sessions: SQLite (aiosqlite) by default, PostgreSQL (psycopg) in production.

Settings carry plain SQLAlchemy URLs (``sqlite:///./aftercare.db``,
``postgresql://user@host/db``); the async and sync driver names are filled in
here so operators never have to know them.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolResetState
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.logging import get_logger
from bot.core.sqlite_trips import use_one_trip_cursors

log = get_logger("aftercare.db")


class DatabaseUrlError(ValueError):
    """The configured database URL cannot be used."""


_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
REPORT_WORK_MEM = "64MB"


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(f"cannot parse database URL {url!r}") from None
    backend = parsed.get_backend_name()
    if backend == "postgres":
        parsed = parsed.set(drivername="postgresql")
    elif backend not in _ASYNC_DRIVERS:
        raise DatabaseUrlError(f"unsupported database {backend!r} (use sqlite:/// or postgresql://)")
    return parsed


def async_url(url: str) -> URL:
    parsed = _parse(url)
    return parsed.set(drivername=_ASYNC_DRIVERS[parsed.get_backend_name()])


def sync_url(url: str) -> URL:
    parsed = _parse(url)
    return parsed.set(drivername=_SYNC_DRIVERS[parsed.get_backend_name()])


def dialect_of(session: AsyncSession) -> str:
    """``"sqlite"`` or ``"postgresql"``: the backend the session's statements go to."""
    return session.sync_session.get_bind().dialect.name


def dialect_insert(dialect: str) -> Any:
    """The dialect's ``insert``, the one that has ``on_conflict_do_nothing`` and ``on_conflict_do_update``.

    SQLite and PostgreSQL spell ``INSERT ... ON CONFLICT`` alike, but SQLAlchemy
    builds it only from each dialect's own ``insert``.
    """
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def is_sqlite(url: str) -> bool:
    return _parse(url).get_backend_name() == "sqlite"


BUSY_TIMEOUT_MS = 5000
CHECKPOINT_BUSY_MS = 200
"""How long one WAL truncation waits for another process's reader or writer before trying later."""
CHECKPOINT_RETRIES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
"""Seconds between further truncation attempts after an erasure (about two minutes in all)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Every connection: a busy timeout, WAL, NORMAL sync, foreign keys, and ``secure_delete``.

    ``secure_delete`` overwrites deleted rows and freed pages with zeros, so an
    erased patient's name or note does not linger in a page's free space. Some
    builds (Debian's) default it on, others (macOS, Windows, many wheels) off.
    """
    cursor = dbapi_connection.cursor()
    # The busy timeout first: switching to WAL needs a lock, and without the timeout a connection
    # opened while another process writes (the CLI beside the bot) failed at once with "database is locked".
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _rollback_if_open(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """Pool reset on return for SQLite: roll back only a transaction that is actually open.

    SQLAlchemy's default rolls back every returned connection, which for
    aiosqlite is one more trip to the driver's thread after each committed
    session, for nothing: after a commit, or a session that only read, the
    driver has no transaction open (``in_transaction``). A connection whose
    state cannot be read is rolled back as before.
    """
    if state.terminate_only or not state.asyncio_safe:
        return  # a connection being discarded: the pool closes it, nothing to roll back
    driver = getattr(dbapi_connection, "_connection", None)
    if getattr(driver, "in_transaction", True):
        dbapi_connection.rollback()


def _drop_if_closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """PostgreSQL checkout: replace a pooled connection the server has closed, without a round trip.

    ``pool_pre_ping`` sends ``SELECT 1`` and waits for the answer on every
    checkout, which under load was one extra round trip per session
    (``bench/load.py``). An idle connection in the pool has nothing to read
    unless the server wrote to it, and a server that ends a connection
    (restart, ``pg_terminate_backend``, idle timeout) writes its farewell and
    closes the socket: so a readable socket, or one psycopg already knows is
    broken, means "take a new connection", which the pool does on
    ``DisconnectionError``. A connection cut silently (a network partition)
    fails on first use, as it would between a ping and the query anyway.
    """
    driver = getattr(dbapi_connection, "_connection", None)
    if driver is None:
        return
    if driver.closed or driver.broken:
        raise DisconnectionError("connection closed")
    try:
        readable, _, _ = select.select([driver.fileno()], [], [], 0)
    except Exception as exc:  # psycopg's own error for a connection without a socket, OSError, ...
        raise DisconnectionError("connection socket unusable") from exc
    if readable:
        raise DisconnectionError("the server closed or wrote to an idle connection")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine with SQLite in WAL mode or a pooled PostgreSQL connection."""
    target = async_url(url)
    # SQL errors would otherwise print bound values (names, notes) into logs and tracebacks.
    kwargs.setdefault("hide_parameters", True)
    if target.get_backend_name() == "sqlite":
        kwargs.setdefault("pool_reset_on_return", None)  # done by _rollback_if_open, only when needed
        engine = create_async_engine(target, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "connect", lambda connection, _record: use_one_trip_cursors(connection))
        if kwargs["pool_reset_on_return"] is None:
            event.listen(engine.sync_engine, "reset", _rollback_if_open)
        return engine
    kwargs.setdefault("pool_size", 10)
    engine = create_async_engine(target, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine.sync_engine, "checkout", _drop_if_closed_by_server)
    return engine


class _SessionTurns:
    """One SQLite session at a time per process: a FIFO asyncio lock, re-entrant within a task.

    SQLite has a single writer. Left to itself, a transaction holds the write
    lock across awaits while other handlers' writers wait in SQLite's busy
    handler (sleep-polling up to 100 ms, failing with "database is locked"
    after ``busy_timeout``): under a crowd of patients throughput collapsed
    and answers were lost (``bench/load.py``,
    ``tests/reliability/test_sqlite_contention.py``). Waiting here instead
    wakes the next session the moment one ends. Sessions never span network
    calls (the codebase's rule), so a turn is short. A session opened inside
    another in the same task (helpers that open their own) passes straight
    through rather than waiting for itself.
    """

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._owner: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            yield
            return
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:  # a Database reused by another event loop (tests)
            self._lock, self._loop = asyncio.Lock(), loop
        async with self._lock:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None


class Database:
    """The app's handle on the database: one engine, short-lived sessions."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        self._turns = _SessionTurns() if self.is_sqlite else None
        self._wal_retry: asyncio.Task[None] | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session committed on success and rolled back on error.

        On SQLite, sessions of this process take turns (see ``_SessionTurns``).
        """
        async with self._turn(), self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def report(self, *, large: bool = True) -> AsyncIterator[AsyncSession]:
        """A read-only session for reports, rolled back at the end.

        It does not take a SQLite turn: a reader in WAL mode runs beside the
        writer, so a clinician's report never makes an urgent alert wait for
        its turn. On PostgreSQL a ``large`` report (across many rows: outcomes)
        gets more sort and hash memory (``work_mem``, for this transaction
        only), so grouping 200,000 check-ins stays in memory; a small frequent
        read (the live console's poll) skips that extra statement. Never write
        through it.
        """
        async with self._sessions() as session:
            if large and not self.is_sqlite:
                await (await session.connection()).execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
            try:
                yield session
            finally:
                await session.rollback()

    def _turn(self) -> AbstractAsyncContextManager[None]:
        return self._turns.hold() if self._turns is not None else nullcontext()

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def truncate_wal(self) -> bool:
        """Copy SQLite's write-ahead log into the database file and empty it (one short attempt).

        The WAL keeps whole page images of past transactions, erased rows
        included, until a checkpoint. TRUNCATE needs a moment when no
        connection reads an older snapshot: this process's sessions are held
        off by taking a turn, another process's reader or writer is waited for
        ``CHECKPOINT_BUSY_MS`` at most. Runs in aiosqlite's thread, not on the
        event loop. ``False`` when something kept the WAL busy; always ``True``
        on PostgreSQL, which has no such file to empty.
        """
        if not self.is_sqlite:
            return True
        async with self._turn(), self.engine.connect() as connection:
            await connection.exec_driver_sql(f"PRAGMA busy_timeout={CHECKPOINT_BUSY_MS}")
            try:
                outcome = (await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).one()
            finally:
                await connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return int(outcome[0]) == 0  # (busy, WAL frames, frames copied)

    async def forget_erased(self) -> bool:
        """After an erasure, leave no copy of the erased rows in the WAL; ``True`` if done already.

        One attempt now; if the WAL is busy, further attempts run in the
        background (``CHECKPOINT_RETRIES``) so the caller does not wait, and a
        warning is logged if they all fail (the next erasure tries again, and
        SQLite's own checkpoints overwrite the file as it is reused).
        """
        if await self.truncate_wal():
            return True
        if self._wal_retry is None or self._wal_retry.done():
            self._wal_retry = asyncio.create_task(self._retry_truncate(), name="aftercare.wal-truncate")
        return False

    async def settle(self) -> None:
        """Wait for the background truncation attempts, if any (a command that exits right after)."""
        if self._wal_retry is not None:
            await asyncio.shield(self._wal_retry)

    async def _retry_truncate(self) -> None:
        for attempt, delay in enumerate(CHECKPOINT_RETRIES, start=2):
            await asyncio.sleep(delay)
            try:
                if await self.truncate_wal():
                    log.info("wal_truncated", attempt=attempt)
                    return
            except Exception as exc:  # a database error must not kill the retries silently
                log.warning("wal_truncate_failed", error_type=type(exc).__name__)
        log.warning("wal_truncate_incomplete", hint="another process kept the SQLite WAL busy; "
                                                    "erased rows stay in aftercare.db-wal until the next checkpoint")

    async def dispose(self) -> None:
        if self._wal_retry is not None and not self._wal_retry.done():
            self._wal_retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._wal_retry
        await self.engine.dispose()
