"""The audit trail: one ``AuditEvent`` row (and one log line) per thing that happened.

Callers pass ids, kinds and levels in ``details``; never message bodies or answers.

Rows are written as plain INSERTs, not through the ORM's unit of work: every
button press records one, and building, flushing and (on PostgreSQL)
refreshing an ORM object for a row nobody reads back was a measurable share
of each press (``bench/load.py``). ``record`` stays synchronous: the rows wait
in the session and are inserted, all in one statement, just before its commit
or a statement that could read them, so whatever the session reads sees them,
as with an ORM autoflush, and a rollback drops them with the caller's change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import event as sa_event
from sqlalchemy import insert
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.logging import get_logger
from bot.core.models import AuditEvent

log = get_logger("aftercare.audit")
_PENDING = "aftercare.audit_rows"
_INSERT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]  # built once, reused for every row


def record(
    session: AsyncSession,
    event: str,
    *,
    clinic_id: str | None = None,
    patient_label: str | None = None,
    actor: str = "system",
    level: str = "info",
    **details: Any,
) -> None:
    """Add an audit row to ``session`` (committed with the caller's change) and log it."""
    correlation_id = structlog.contextvars.get_contextvars().get("correlation_id")
    session.info.setdefault(_PENDING, []).append({
        "at": datetime.now(UTC),
        "clinic_id": clinic_id,
        "patient_label": patient_label,
        "actor": actor,
        "event": event,
        "level": level,
        "correlation_id": correlation_id,
        "details": details,
    })
    log_method = getattr(log, level if level in {"debug", "info", "warning", "error"} else "info")
    log_method(event, clinic=clinic_id, patient=patient_label, actor=actor, **details)


def _write_pending(session: Session) -> None:
    """Insert the rows ``record`` left in ``session`` (one statement for all of them)."""
    rows = session.info.pop(_PENDING, None)
    if rows:
        session.execute(_INSERT, rows)


@sa_event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    """Before a statement that could read the rows; an ORM statement about other tables lets them wait.

    A Done press records two events around a read of earlier check-ins: they
    go in together, one INSERT instead of two. Anything not plainly about
    other mapped tables (text, Core statements, a query of ``AuditEvent``)
    gets the rows first.
    """
    if _PENDING not in state.session.info:
        return  # nothing waiting (the usual case before the first ``record``): no need to look at the statement
    mappers = state.all_mappers
    if mappers and all(mapper.class_ is not AuditEvent for mapper in mappers):
        return
    _write_pending(state.session)


@sa_event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _write_pending(session)


@sa_event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING, None)


def staff_actor(user_id: int) -> str:
    return f"staff:{user_id}"
