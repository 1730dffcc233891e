"""Waking the dispatcher for rows a transaction wrote, once that transaction has committed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.services import Services


def notify_dispatcher_after_commit(session: AsyncSession, services: Services, due_at: datetime | None) -> None:
    """Re-arm the dispatcher once this transaction commits (never for a rolled-back one).

    Poking before the commit would let the dispatcher look before the row is
    visible and go back to sleep until its next safety check.
    """
    dispatcher = services.dispatcher
    if dispatcher is None or due_at is None:
        return

    def _after_commit(_session: Any) -> None:
        dispatcher.poke(due_at)

    event.listen(session.sync_session, "after_commit", _after_commit, once=True)
