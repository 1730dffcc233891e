"""Telegram errors from the sandbox: 5xx retried, 429 honoured, dropped answers, a blocked patient."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.models import AuditEvent, MessageKind, MessageStatus, Patient, PatientStatus, ScheduledMessage
from jobs.dispatcher import Dispatcher
from jobs.telegram_send import RetryPolicy
from tests.support.factories import (
    add_message,
    install_probe_senders,
    make_course,
    make_patient,
    messages_of,
    reload,
    scheduling_clinics,
    wait_until,
)
from tests.support.harness import Harness, running_bot, sqlite_url

CHECKIN_TEXT = "[checkin] #"
NUDGE_TEXT = "[nudge] #"


@pytest.fixture(autouse=True)
def _probe_senders(monkeypatch: pytest.MonkeyPatch) -> None:
    install_probe_senders(monkeypatch)


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics()) as running:
        dispatcher = running.services.dispatcher
        assert isinstance(dispatcher, Dispatcher)
        dispatcher.config = replace(dispatcher.config, retry=RetryPolicy(max_attempts=3, base=0.3))
        yield running


async def _final(h: Harness, row_id: int | None) -> ScheduledMessage | None:
    row: ScheduledMessage | None = await reload(h.db, ScheduledMessage, row_id)
    return row if row is not None and row.status not in (MessageStatus.PENDING, MessageStatus.SENDING) else None


async def _due_checkin(h: Harness, patient: Patient, kind: str = MessageKind.CHECKIN) -> ScheduledMessage:
    return await add_message(h.db, patient, kind, h.services.clock.now() + timedelta(milliseconds=300),
                             days_since=0)


async def _poke(h: Harness) -> None:
    assert h.services.dispatcher is not None
    h.services.dispatcher.poke()


async def test_server_errors_are_retried_with_backoff(h: Harness) -> None:
    user = h.patient()
    patient = await make_patient(h.db)
    h.sandbox.inject("5xx", count=2, method="sendMessage", status=502)
    row = await _due_checkin(h, patient)
    await _poke(h)
    await user.wait_for_message(CHECKIN_TEXT, timeout=6)
    final = await wait_until(lambda: _final(h, row.id))
    assert (final.status, final.attempts) == (MessageStatus.SENT, 3)
    assert len(user.messages()) == 1


async def test_retries_are_capped_then_failed_with_the_reason(h: Harness) -> None:
    user = h.patient()
    patient = await make_patient(h.db)
    h.sandbox.inject("5xx", count=10, method="sendMessage", status=500)
    row = await _due_checkin(h, patient)
    await _poke(h)
    final = await wait_until(lambda: _final(h, row.id), within=8)
    assert final.status == MessageStatus.FAILED and final.attempts == 3
    assert final.last_error.startswith("gave up after 3 attempts: NetworkError")
    h.sandbox.clear_faults()
    assert user.messages() == []
    async with h.db.session() as session:
        events = (await session.exec(select(AuditEvent).where(AuditEvent.event == "message_failed"))).all()
    assert [e.details["kind"] for e in events] == ["checkin"]


async def test_flood_control_retry_after_is_honoured(h: Harness) -> None:
    user = h.patient()
    patient = await make_patient(h.db)
    h.sandbox.inject("429", count=2, method="sendMessage", retry_after=1)
    row = await _due_checkin(h, patient)
    await _poke(h)
    message = await user.wait_for_message(CHECKIN_TEXT, timeout=8)
    final = await wait_until(lambda: _final(h, row.id))
    assert final.status == MessageStatus.SENT and final.sent_at is not None
    assert final.sent_at - final.due_at >= timedelta(seconds=2)  # waited retry_after twice
    assert h.sandbox.stats()["too_many_requests"] >= 2
    assert len([m for m in user.messages() if m.text == message.text]) == 1


async def test_an_answer_lost_after_delivery_follows_each_kinds_semantics(h: Harness) -> None:
    user = h.patient()
    patient = await make_patient(h.db)
    h.sandbox.inject("drop", count=1, method="sendMessage", execute=True)
    nudge = await _due_checkin(h, patient, MessageKind.NUDGE)
    await _poke(h)
    final = await wait_until(lambda: _final(h, nudge.id))
    assert final.status == MessageStatus.FAILED and final.last_error.startswith("ambiguous")
    h.sandbox.inject("drop", count=1, method="sendMessage", execute=True)
    checkin = await _due_checkin(h, patient)
    await _poke(h)
    final = await wait_until(lambda: _final(h, checkin.id))
    assert final.status == MessageStatus.SENT
    texts = [m.text for m in user.messages()]
    assert sum(NUDGE_TEXT in t for t in texts) == 1  # at-most-once: delivered, not repeated
    assert sum(CHECKIN_TEXT in t for t in texts) == 2  # at-least-once: repeated when in doubt


async def test_blocked_patient_is_paused_and_nothing_more_is_sent(h: Harness) -> None:
    user = h.patient()
    patient = await make_patient(h.db)
    now = h.services.clock.now()
    await make_course(h.services, patient, [now + timedelta(days=1), now + timedelta(days=29)])
    user.block(notify=False)
    row = await _due_checkin(h, patient)
    await _poke(h)
    final = await wait_until(lambda: _final(h, row.id))
    assert final.status == MessageStatus.FAILED and "blocked" in (final.last_error or "")
    fresh: Patient = await reload(h.db, Patient, patient.id)
    assert fresh.status == PatientStatus.PAUSED and "blocked" in fresh.flags
    rows = await messages_of(h.db, patient.id)
    assert {r.status for r in rows if r.id != row.id} == {MessageStatus.CANCELLED}
    async with h.db.session() as session:
        events = [e.event for e in (await session.exec(select(AuditEvent))).all()]
    assert "patient_blocked" in events
