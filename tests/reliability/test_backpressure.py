"""Back-pressure: with 10,000 reminders due and Telegram's flood limits on, an urgent report still gets through at once.

The dispatcher can only send about 29 messages a second, so 10,000 due
reminders take almost six minutes to drain. docs/CLINICAL.md: "An urgent or
emergency answer always produces the patient message and the staff alert,
even when Telegram rate-limits"; docs/DESIGN.md: "Escalations skip every queue".
Here a patient writes "I have a fever of 39 and pus from the knee" two
seconds into that backlog; the patient's instructions and the staff alert
must both overtake it.

What is asserted is the order, not a time (these machines are shared and
noisy): between the patient's message and each reply, the dispatcher may have
sent a few dozen reminders (those already in flight and the next second's
worth), never the thousands still waiting. The delays are printed from the
sandbox's own clock; the requirement (2 s) is measured on a quiet machine.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import insert

from bot.core.models import (
    Course,
    MessageKind,
    MessageStatus,
    Patient,
    ScheduledMessage,
    SessionStatus,
    TreatmentSession,
)
from tests.reliability.ward import ward_clinics
from tests.support.clinic import CLINIC_ID
from tests.support.clock import PINNED_NOW
from tests.support.harness import Harness, running_bot
from tgsandbox import Sandbox

BACKLOG = 10_000
OVERTAKEN = 200  # reminders the replies may trail: ~7 s at the flood limit, against 9,900 still queued
REPORT = "I have a fever of 39 and pus from the knee"


@pytest.fixture
async def flooded(database_url: str) -> AsyncIterator[Harness]:
    """A migrated database holding 10,000 due reminders, then the bot started on it (flood limits on)."""
    from bot.core.db import Database
    from bot.core.migrate import upgrade

    upgrade(database_url)
    db = Database(database_url)
    try:
        await _backlog(db, BACKLOG)
    finally:
        await db.dispose()
    sandbox = await Sandbox(limits=True).start()
    try:
        for index in range(BACKLOG + 1):
            sandbox.state.add_user(800_000 + index, f"P{index}")
        async with running_bot(database_url, clinics=ward_clinics(), sandbox=sandbox) as harness:
            yield harness
    finally:
        await sandbox.stop()


async def _backlog(db: object, count: int) -> None:
    """Patients 1..count with a session in two days and its reminder due now; patient count+1 had an injection.

    Written with a few multi-row INSERTs (explicit ids, fresh database) because 40,000 ORM objects would
    take longer than the test itself.
    """
    now = PINNED_NOW  # the bot starts on the pinned clock just after: every reminder is due
    ahead, done = now + timedelta(days=2), now - timedelta(hours=20)
    total = count + 1
    patients = [{"id": i, "clinic_id": CLINIC_ID, "label": f"B-{i:05d}", "telegram_user_id": 800_000 + i - 1,
                 "chat_id": 800_000 + i - 1, "first_name": "P", "language": "en", "timezone": "America/New_York",
                 "status": "active", "flags": [], "created_at": now} for i in range(1, total + 1)]
    courses = [{"id": i, "patient_id": i, "clinic_id": CLINIC_ID, "area": "knee", "planned_sessions": 3,
                "status": "active", "created_at": now} for i in range(1, total + 1)]
    sessions = [{"id": i, "course_id": i, "number": 1, "scheduled_at": ahead if i <= count else done,
                 "status": SessionStatus.PLANNED if i <= count else SessionStatus.DONE,
                 "done_at": None if i <= count else done} for i in range(1, total + 1)]
    messages = [{"patient_id": i, "clinic_id": CLINIC_ID, "session_id": i, "kind": MessageKind.REMINDER,
                 "dedupe_key": f"bp:{i}", "due_at": now, "status": MessageStatus.PENDING, "attempts": 0,
                 "payload": {"session_at": ahead.isoformat()}, "created_at": now} for i in range(1, count + 1)]
    async with db.session() as session:  # type: ignore[attr-defined]
        connection = await session.connection()
        for model, rows in ((Patient, patients), (Course, courses), (TreatmentSession, sessions),
                            (ScheduledMessage, messages)):
            table = model.__table__  # type: ignore[union-attr]
            for start in range(0, len(rows), 2000):
                await connection.execute(insert(table), rows[start:start + 2000])
        if connection.dialect.name == "postgresql":
            for table in ("patient", "course", "session"):
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


async def test_an_urgent_report_skips_a_10k_backlog_under_flood_limits(flooded: Harness) -> None:
    h = flooded
    sandbox = h.sandbox
    staff = h.staff_group()
    patient = sandbox.user(800_000 + BACKLOG, "Urgent")

    def reminders_out(until: float | None = None) -> int:
        return sum(1 for e in sandbox.events(kinds=["bot_message"])
                   if e.chat_id and 800_000 <= e.chat_id < 800_000 + BACKLOG and (until is None or e.at <= until))

    deadline = time.monotonic() + 20
    while reminders_out() < 40:  # the backlog is draining at the flood limit
        assert time.monotonic() < deadline, "the dispatcher never started on the backlog"
        await sandbox.state.notifier.wait(0.5)
    sent = await patient.send_text(REPORT)
    told = await patient.wait_for_message("contact your provider today", timeout=15)
    alert = await staff.wait_for_message("URGENT", timeout=15)
    at_report = reminders_out(sent.at)
    before_patient, before_staff = reminders_out(told.at) - at_report, reminders_out(alert.at) - at_report
    out = reminders_out()
    flood = sandbox.stats()
    print(f"\n[back-pressure] reminders out when measured: {out}/{BACKLOG}; "
          f"patient reply after {told.at - sent.at:.3f} s ({before_patient} reminders in between), "
          f"staff alert after {alert.at - sent.at:.3f} s ({before_staff} in between); "
          f"sandbox 429s so far: {flood['too_many_requests']} (flood limiter: {flood['flood_rejections']}); "
          f"limits={flood['limits']['enabled']}")
    assert flood["limits"]["enabled"], "the test must run with Telegram's flood limits on"
    assert out < BACKLOG // 10, "the backlog was not a backlog any more when the report came in"
    assert before_patient < OVERTAKEN, f"the patient's reply waited behind {before_patient} reminders"
    assert before_staff < OVERTAKEN, f"the staff alert waited behind {before_staff} reminders"
