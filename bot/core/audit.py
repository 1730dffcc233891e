"""The audit trail: one ``AuditEvent`` row (and one log line) per thing that happened.

Callers pass ids, kinds and levels in ``details``; never message bodies or answers.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.logging import get_logger
from bot.core.models import AuditEvent

log = get_logger("aftercare.audit")


def record(
    session: AsyncSession,
    event: str,
    *,
    clinic_id: str | None = None,
    patient_label: str | None = None,
    actor: str = "system",
    level: str = "info",
    **details: Any,
) -> AuditEvent:
    """Add an audit row to ``session`` (committed with the caller's change) and log it."""
    correlation_id = structlog.contextvars.get_contextvars().get("correlation_id")
    row = AuditEvent(
        clinic_id=clinic_id,
        patient_label=patient_label,
        actor=actor,
        event=event,
        level=level,
        correlation_id=correlation_id,
        details=details,
    )
    session.add(row)
    log_method = getattr(log, level if level in {"debug", "info", "warning", "error"} else "info")
    log_method(event, clinic=clinic_id, patient=patient_label, actor=actor, **details)
    return row


def staff_actor(user_id: int) -> str:
    return f"staff:{user_id}"
