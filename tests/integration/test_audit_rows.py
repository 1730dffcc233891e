"""Audit rows, written as plain INSERTs: committed with the caller's change, visible to its reads, gone on error."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.core import audit
from bot.core.db import Database
from bot.core.models import AuditEvent, ChatState


async def _events(db: Database) -> list[tuple[str, str | None, dict[str, object]]]:
    async with db.session() as session:
        rows = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
        return [(r.event, r.patient_label, r.details) for r in rows]


async def test_rows_are_committed_in_order_with_the_callers_change(db: Database) -> None:
    async with db.session() as session:
        audit.record(session, "first", clinic_id="riverside", patient_label="R-0001", step="soreness")
        await session.exec(select(ChatState))  # a read of another table lets the rows wait
        audit.record(session, "second", clinic_id="riverside", patient_label="R-0001")
    assert await _events(db) == [("first", "R-0001", {"step": "soreness"}), ("second", "R-0001", {})]


async def test_the_session_reads_its_own_rows(db: Database) -> None:
    async with db.session() as session:
        audit.record(session, "seen", clinic_id="riverside", patient_label="R-0002")
        found = (await session.exec(select(AuditEvent).where(AuditEvent.event == "seen"))).all()
        assert [row.patient_label for row in found] == ["R-0002"]


async def test_a_failed_change_leaves_no_row(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.session() as session:
            audit.record(session, "never", clinic_id="riverside")
            raise RuntimeError("the change failed")
    async with db.session() as session:
        audit.record(session, "after", clinic_id="riverside")
    assert [event for event, _label, _details in await _events(db)] == ["after"]
