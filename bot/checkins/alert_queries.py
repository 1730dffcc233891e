"""Alert rows and the staff-chat messages that show them.

An alert's messages are the ``ScheduledMessage`` rows keyed ``alert:<id>:...``
(the first post, each re-alert, the patient's message). Their
``telegram_message_id`` lets an acknowledgement edit every post, and their
status is the delivery record: nothing about an alert lives only in memory.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.db import dialect_insert, dialect_of
from bot.core.models import Alert, CheckIn, MessageStatus, ScheduledMessage

PATIENT = "patient"
STAFF = "staff"
REALERT = "realert"


def key(alert_id: int, target: str, number: int | None = None) -> str:
    """``alert:12:staff``, ``alert:12:patient``, ``alert:12:realert:3``."""
    suffix = f":{number}" if number is not None else ""
    return f"alert:{alert_id}:{target}{suffix}"


def prefix(alert_id: int) -> str:
    return f"alert:{alert_id}:"


async def get(session: AsyncSession, alert_id: int) -> Alert | None:
    return await session.get(Alert, alert_id)


async def for_checkin(session: AsyncSession, checkin_id: int) -> list[Alert]:
    statement = select(Alert).where(Alert.check_in_id == checkin_id).order_by(col(Alert.id))
    return list((await session.exec(statement)).all())


async def checkin_of(session: AsyncSession, alert: Alert) -> CheckIn | None:
    return await session.get(CheckIn, alert.check_in_id) if alert.check_in_id else None


async def acknowledge(session: AsyncSession, alert_id: int, user_id: int, at: datetime,
                      name: str | None = None) -> bool:
    """Record the acknowledgement; False if someone else got there first (double press, two staff)."""
    statement = (
        update(Alert)
        .where(col(Alert.id) == alert_id)
        .where(col(Alert.acknowledged_at).is_(None))
        .values(acknowledged_by=user_id, acknowledged_at=at, acknowledged_name=name)
    )
    result = await session.exec(statement)
    return bool(result.rowcount)


async def cancel_pending_realerts(session: AsyncSession, alert_id: int) -> None:
    """An acknowledged (taken, resolved) alert is not repeated."""
    statement = (
        update(ScheduledMessage)
        .where(col(ScheduledMessage.dedupe_key).startswith(prefix(alert_id) + REALERT))
        .where(col(ScheduledMessage.status) == MessageStatus.PENDING)
        .values(status=MessageStatus.CANCELLED, last_error="acknowledged")
    )
    await session.exec(statement)


async def staff_posts(session: AsyncSession, alert_id: int) -> list[ScheduledMessage]:
    """Every delivered staff-chat message of this alert (first post and re-alerts)."""
    statement = (
        select(ScheduledMessage)
        .where(col(ScheduledMessage.dedupe_key).startswith(prefix(alert_id)))
        .where(col(ScheduledMessage.telegram_message_id).is_not(None))
        .order_by(col(ScheduledMessage.id))
    )
    rows = (await session.exec(statement)).all()
    return [row for row in rows if row.payload.get("target") != PATIENT]


async def open_alerts(session: AsyncSession, clinic_id: str) -> list[Alert]:
    statement = (
        select(Alert)
        .where(Alert.clinic_id == clinic_id)
        .where(col(Alert.acknowledged_at).is_(None))
        .order_by(col(Alert.id))
    )
    return list((await session.exec(statement)).all())


async def insert_message(session: AsyncSession, row: ScheduledMessage) -> bool:
    """Add a row unless its dedupe key exists already (a retried sender, a second replica).

    One ``INSERT ... ON CONFLICT (dedupe_key) DO NOTHING``: a read and then an
    insert let two replicas planning the same row at the same moment both see
    nothing and the second fail on the unique key, which stopped its start-up.
    """
    values = row.model_dump(exclude={"id"})
    statement = (dialect_insert(dialect_of(session))(ScheduledMessage).values(values)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(col(ScheduledMessage.id)))
    row.id = (await session.exec(statement)).scalar_one_or_none()
    return row.id is not None

