"""Escalations are retried until delivered: 5xx, a 429 storm, and a crash before the first send."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.checkins import escalation
from bot.checkins.queries import CheckInKind, CheckInStatus, Step
from bot.core.models import CheckIn, MessageKind, MessageStatus, ScheduledMessage
from bot.domain.triage import Level, Sign
from jobs.dispatcher import DispatchConfig
from tests.support.checkin_factories import WAIT, Scene, alerts_of, checkin_bot, patient_scene
from tests.support.factories import wait_until
from tests.support.harness import Harness

URGENT_TEXT = "I have a fever of 39.5 and pus from the injection site"


@pytest.fixture
async def h(database_url: str) -> AsyncIterator[Harness]:
    """The bot on each configured backend (SQLite; PostgreSQL in CI)."""
    async with checkin_bot(database_url) as running:
        yield running


@pytest.fixture
async def scene(h: Harness) -> Scene:
    return await patient_scene(h)


async def _escalation_rows(h: Harness) -> list[ScheduledMessage]:
    async with h.db.session() as session:
        statement = select(ScheduledMessage).where(ScheduledMessage.kind == MessageKind.ESCALATION)
        return list((await session.exec(statement.order_by(col(ScheduledMessage.id)))).all())


async def _both_arrive(scene: Scene) -> None:
    """Both messages in the chats, and both outbox rows recorded as sent (bounded waits)."""
    await scene.user.wait_for_message("contact your provider today", timeout=WAIT * 2)
    await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT * 2)

    async def all_sent() -> bool:
        rows = await _escalation_rows(scene.harness)
        return len(rows) == 2 and all(row.status == MessageStatus.SENT for row in rows)

    await wait_until(all_sent, within=WAIT)


async def test_server_errors_are_retried_until_both_messages_arrive(scene: Scene) -> None:
    h = scene.harness
    h.sandbox.inject("5xx", 3, method="sendMessage")
    await scene.user.send_text(URGENT_TEXT)
    await _both_arrive(scene)
    rows = await _escalation_rows(h)
    assert {row.status for row in rows} == {MessageStatus.SENT}
    assert sum(row.attempts for row in rows) >= 4, "three failed attempts, two successes"
    assert h.sandbox.faults.triggered["5xx"] == 3


async def test_a_429_storm_delays_but_never_drops_the_escalation(scene: Scene) -> None:
    h = scene.harness
    h.sandbox.storm(4.0, retry_after=1)
    await scene.user.send_text(URGENT_TEXT)
    await _both_arrive(scene)
    assert h.sandbox.faults.triggered["storm"] >= 2
    assert {row.status for row in await _escalation_rows(h)} == {MessageStatus.SENT}
    alert = (await alerts_of(h, scene.patient))[0]
    assert alert.patient_notified_at is not None and alert.last_posted_at is not None


async def test_a_crash_before_the_first_send_is_recovered_at_restart(scene: Scene) -> None:
    """The outbox rows are written ``sending`` before any network call; a new process sends them.

    SQLite (one process per file) requeues every ``sending`` row at start; PostgreSQL requeues
    claims older than the dispatcher's lease, so the test ages the dead process's claim.
    """
    h = scene.harness
    async with h.db.session() as session:
        checkin = CheckIn(patient_id=scene.patient.id or 0, kind=CheckInKind.FREE_TEXT, note=URGENT_TEXT,
                          status=CheckInStatus.ANSWERED, step=Step.DONE, level="urgent")
        session.add(checkin)
        await session.flush()
        created = await escalation._create(session, h.services, checkin.id or 0, Level.URGENT, [Sign.PUS])
    assert created is not None
    assert {row.status for row in await _escalation_rows(h)} == {MessageStatus.SENDING}
    async with h.db.session() as session:  # the dead process's claim is older than the lease
        for row in (await session.exec(select(ScheduledMessage).where(
                ScheduledMessage.kind == MessageKind.ESCALATION))).all():
            row.claimed_at = h.services.clock.now() - DispatchConfig().lease - timedelta(seconds=1)
    await h.restart()
    await _both_arrive(scene)
    assert {row.status for row in await _escalation_rows(h)} == {MessageStatus.SENT}
