"""The dispatcher's SQL: claim due rows atomically, record outcomes, recover orphans.

Claiming is atomic, so two dispatchers (two replicas, or a replica and
a restarted one) can never both own a row:

- PostgreSQL: ``SELECT id ... FOR UPDATE SKIP LOCKED`` then ``UPDATE ...
  RETURNING`` in the same transaction: concurrent claimers skip each other's
  rows instead of waiting for them.
- SQLite: the same without the lock clause; SQLite runs one writer at a time
  and the UPDATE re-checks ``status = 'pending'``, so a row another process
  took in between is simply not returned.

Every outcome update is guarded by ``status = 'sending'`` so a row never goes
back from ``sent``. All times are the caller's clock (``services.clock``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import MessageStatus, ScheduledMessage
from jobs.policy import at_least_once_kinds

_T = ScheduledMessage.__table__  # type: ignore[attr-defined]
_C: Any = _T.c


@dataclass(frozen=True)
class Due:
    """A claimed row, detached from any database session."""

    id: int
    patient_id: int | None
    clinic_id: str
    session_id: int | None
    kind: str
    dedupe_key: str
    due_at: datetime
    attempts: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """How a claimed row ends: a final status, or ``pending`` again with ``retry_at``."""

    status: MessageStatus
    reason: str | None = None
    telegram_message_id: int | None = None
    retry_at: datetime | None = None
    count_attempt: bool = True
    blocked: bool = False


async def _run(session: AsyncSession, statement: Any) -> Any:
    """Core statements on the session's connection (SQLModel's ``exec`` is for ORM selects)."""
    connection = await session.connection()
    return await connection.execute(statement)


_DUE_COLUMNS = (_C.id, _C.patient_id, _C.clinic_id, _C.session_id, _C.kind, _C.dedupe_key,
                _C.due_at, _C.attempts, _C.payload)


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[Due]:
    """Move up to ``limit`` due ``pending`` rows to ``sending`` (earliest first) and return them.

    Two statements in one transaction: pick ids (locked with SKIP LOCKED on
    PostgreSQL), then flip them guarded by ``status = 'pending'``. Not one
    ``UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)``:
    PostgreSQL may re-run such a sub-select and claim more than ``limit``.
    """
    candidates = (
        select(_C.id)
        .where(_C.status == MessageStatus.PENDING, _C.due_at <= now)
        .order_by(_C.due_at, _C.id)
        .limit(limit)
    )
    if (await session.connection()).dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list((await _run(session, candidates)).scalars())
    if not ids:
        return []
    statement = (
        update(_T)
        .where(_C.id.in_(ids), _C.status == MessageStatus.PENDING)
        .values(status=MessageStatus.SENDING, claimed_at=now, attempts=_C.attempts + 1)
        .returning(*_DUE_COLUMNS)
    )
    rows = (await _run(session, statement)).all()
    return sorted((Due(*row) for row in rows), key=lambda due: (due.due_at, due.id))


async def next_due_at(session: AsyncSession) -> datetime | None:
    """The earliest ``pending`` due time (served by the (status, due_at) index)."""
    statement = select(func.min(_C.due_at)).where(_C.status == MessageStatus.PENDING)
    value = (await _run(session, statement)).scalar_one_or_none()
    return value if isinstance(value, datetime) else None


async def finish(session: AsyncSession, due: Due, outcome: Outcome, now: datetime) -> bool:
    """Record ``outcome`` for a row this dispatcher claimed; False if it was no longer ours."""
    values: dict[str, Any] = {"status": outcome.status, "claimed_at": None,
                              "last_error": outcome.reason[:255] if outcome.reason else None}
    if outcome.status == MessageStatus.SENT:
        values["sent_at"] = now
        values["telegram_message_id"] = outcome.telegram_message_id
    if outcome.status == MessageStatus.PENDING:
        values["due_at"] = outcome.retry_at or now
        if not outcome.count_attempt:
            values["attempts"] = max(due.attempts - 1, 0)
    statement = (
        update(_T).where(_C.id == due.id, _C.status == MessageStatus.SENDING).values(**values)
    )
    result = await _run(session, statement)
    return bool(result.rowcount)


async def finish_many(session: AsyncSession, dues: list[Due], status: MessageStatus, reason: str) -> None:
    """One statement for many rows ending the same way (a batch of misfires, say)."""
    if not dues:
        return
    statement = (
        update(_T)
        .where(_C.id.in_([due.id for due in dues]), _C.status == MessageStatus.SENDING)
        .values(status=status, claimed_at=None, last_error=reason[:255])
    )
    await _run(session, statement)


async def release(session: AsyncSession, dues: list[Due]) -> None:
    """Give back rows claimed but never attempted (shutdown): pending, attempt not counted."""
    for due in dues:
        statement = (
            update(_T)
            .where(_C.id == due.id, _C.status == MessageStatus.SENDING)
            .values(status=MessageStatus.PENDING, claimed_at=None, attempts=max(due.attempts - 1, 0))
        )
        await _run(session, statement)


async def heartbeat(session: AsyncSession, ids: list[int], now: datetime) -> None:
    """Keep this process's in-flight claims fresh so another replica never takes them over."""
    if ids:
        await _run(
            session,
            update(_T).where(_C.id.in_(ids), _C.status == MessageStatus.SENDING).values(claimed_at=now)
        )


async def recover_orphans(session: AsyncSession, claimed_before: datetime | None) -> tuple[int, int]:
    """Resolve ``sending`` rows of dead processes by kind (see ``jobs.policy``).

    ``claimed_before`` None takes every ``sending`` row (SQLite at start-up).
    Returns (requeued, failed).
    """
    orphan = _C.status == MessageStatus.SENDING
    if claimed_before is not None:
        orphan = and_(orphan, or_(_C.claimed_at.is_(None), _C.claimed_at < claimed_before))
    retry_kinds = at_least_once_kinds()
    requeued = await _run(
        session,
        update(_T).where(orphan, _C.kind.in_(retry_kinds))
        .values(status=MessageStatus.PENDING, claimed_at=None, last_error="interrupted; requeued")
    )
    failed = await _run(
        session,
        update(_T).where(orphan, _C.kind.not_in(retry_kinds))
        .values(status=MessageStatus.FAILED, claimed_at=None, last_error="interrupted")
    )
    return int(requeued.rowcount or 0), int(failed.rowcount or 0)


async def any_due(session: AsyncSession, now: datetime) -> bool:
    """Whether a row due by ``now`` is still waiting (``pending``) or in flight (``sending``)."""
    statement = select(_C.id).where(
        _C.status.in_((MessageStatus.PENDING, MessageStatus.SENDING)), _C.due_at <= now,
    ).limit(1)
    return (await _run(session, statement)).first() is not None
