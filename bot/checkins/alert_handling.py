"""Handling an alert past Acknowledge: take it, write notes on it, resolve it with an outcome.

One set of operations for both surfaces (the staff chat's buttons and the
console's forms), so a press in Telegram and a form in the browser write the
same rows and the same audit events. Each runs in the caller's transaction:

- ``take``: "assigned to me". Taking acknowledges too (if nobody had), and
  stops the re-alerts. The first taker wins; a second is told who has it.
- ``add_note``: a free-text note (several per alert, each with its author).
- ``resolve``: the outcome (called the patient, advised a visit, sent to
  emergency care, no action needed) and an optional note; it acknowledges an
  alert nobody had, and stops the re-alerts. An alert is resolved once.

Notes and the outcome are health data: they are stored (and erased with the
patient by ``/delete``) but never logged; the audit events carry the alert id
only. Who did it is the staff member's Telegram id (``staff:<id>``) and the
name they go by, shown in the chat and on the console's alert page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.checkins import alert_queries as alerts
from bot.core import audit
from bot.core.models import Alert, AlertNote, AlertOutcome, Patient

NOTE_LIMIT = 2000
"""Characters kept of one note: room for a phone call's summary, not a record dump."""


@dataclass(frozen=True)
class Staffer:
    """Who acts: Telegram user id, the name shown to colleagues, and the channel for the audit trail."""

    user_id: int
    name: str
    channel: str  # "telegram" or "console"


class HandlingError(Exception):
    """A refused step, with a text key the surface phrases (``alerts.<key>`` / ``console.<key>``)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def outcome_of(value: object) -> AlertOutcome:
    """A form's or button's outcome value; anything else is refused, not guessed."""
    try:
        return AlertOutcome(str(value))
    except ValueError:
        raise HandlingError("outcome_required") from None


def note_of(value: object) -> str:
    """Typed text trimmed to ``NOTE_LIMIT``; empty stays empty (the caller decides if that is allowed)."""
    return value.strip()[:NOTE_LIMIT] if isinstance(value, str) else ""


async def _fresh(session: AsyncSession, alert: Alert) -> Alert:
    """The row as another staff member's step left it (``alert`` may come from an earlier session)."""
    found = await session.get(Alert, alert.id, populate_existing=True)
    return found if found is not None else alert


async def _record(session: AsyncSession, alert: Alert, who: Staffer, event: str, **details: Any) -> None:
    patient = await session.get(Patient, alert.patient_id)
    audit.record(session, event, clinic_id=alert.clinic_id, patient_label=patient.label if patient else None,
                 actor=audit.staff_actor(who.user_id), alert=alert.id, alert_level=alert.level,
                 channel=who.channel, **details)


async def acknowledge(session: AsyncSession, alert: Alert, who: Staffer, now: datetime) -> bool:
    """Acknowledge the alert; the first one wins, stops its re-alerts and is audited. False if someone was first."""
    if not await alerts.acknowledge(session, alert.id or 0, who.user_id, now, who.name):
        return False
    await alerts.cancel_pending_realerts(session, alert.id or 0)
    await _record(session, alert, who, "alert_acknowledged")
    return True


async def _acknowledge_too(session: AsyncSession, alert: Alert, who: Staffer, now: datetime) -> None:
    """Taking or resolving an alert nobody acknowledged acknowledges it, once, with its own event."""
    if not await acknowledge(session, alert, who, now):
        await alerts.cancel_pending_realerts(session, alert.id or 0)


async def take(session: AsyncSession, alert: Alert, who: Staffer, now: datetime) -> None:
    """Assign the alert to ``who``; refused if it is resolved or someone else has it."""
    if alert.resolved_at is not None:
        raise HandlingError("already_resolved", name=alert.resolved_name or "–")
    if alert.taken_by == who.user_id:
        return
    statement = (update(Alert).where(col(Alert.id) == alert.id)
                 .where(col(Alert.taken_by).is_(None), col(Alert.resolved_at).is_(None))
                 .values(taken_by=who.user_id, taken_name=who.name, taken_at=now))
    if not (await session.exec(statement)).rowcount:
        fresh = await _fresh(session, alert)
        if fresh.resolved_at is not None:
            raise HandlingError("already_resolved", name=fresh.resolved_name or "–")
        raise HandlingError("already_taken", name=fresh.taken_name or "–")
    await _acknowledge_too(session, alert, who, now)
    await _record(session, alert, who, "alert_taken")


async def add_note(session: AsyncSession, alert: Alert, who: Staffer, text: str, now: datetime) -> AlertNote:
    """A note on the alert (allowed after resolution too: what happened next)."""
    if not text:
        raise HandlingError("note_required")
    note = AlertNote(alert_id=alert.id or 0, author_id=who.user_id, author_name=who.name, text=text, at=now)
    session.add(note)
    await _record(session, alert, who, "alert_note_added")
    return note


async def resolve(session: AsyncSession, alert: Alert, who: Staffer, outcome: AlertOutcome, note: str,
                  now: datetime) -> None:
    """Close the alert with its outcome (and a note, if any); refused if it is already resolved."""
    statement = (update(Alert).where(col(Alert.id) == alert.id).where(col(Alert.resolved_at).is_(None))
                 .values(resolved_by=who.user_id, resolved_name=who.name, resolved_at=now,
                         outcome=str(outcome), outcome_note=note or None))
    if not (await session.exec(statement)).rowcount:
        raise HandlingError("already_resolved", name=(await _fresh(session, alert)).resolved_name or "–")
    await _acknowledge_too(session, alert, who, now)
    await _record(session, alert, who, "alert_resolved")


async def add_outcome_note(session: AsyncSession, alert: Alert, who: Staffer, text: str) -> bool:
    """The note typed after choosing an outcome in the chat; False if the alert already has one."""
    if not text or alert.resolved_at is None or alert.outcome_note:
        return False
    alert.outcome_note = text
    alert.note_prompt_id = None
    await _record(session, alert, who, "alert_resolution_noted")
    return True


async def notes(session: AsyncSession, alert_id: int) -> list[AlertNote]:
    statement = select(AlertNote).where(AlertNote.alert_id == alert_id).order_by(col(AlertNote.at), col(AlertNote.id))
    return list((await session.exec(statement)).all())


async def awaiting_note(session: AsyncSession, clinic_id: str, prompt_message_id: int) -> Alert | None:
    """The resolved alert whose "reply with a note" prompt is this staff-chat message."""
    statement = (select(Alert).where(Alert.clinic_id == clinic_id)
                 .where(col(Alert.note_prompt_id) == prompt_message_id))
    return (await session.exec(statement)).first()
