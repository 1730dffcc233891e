"""The reads behind one alert's page: what the patient reported, what the bot told them, the history.

The history is rebuilt from what is stored, never from memory or logs: the
alert row (raised, patient told, acknowledged, taken, resolved and by whom),
its staff-chat posts (``alert:<id>:staff`` and each ``alert:<id>:realert:N``
with the time it was delivered) and its notes. Only the signed-in member's
clinic is read: another clinic's alert id is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.checkins import alert_handling
from bot.checkins import alert_queries as alerts
from bot.core.models import Alert, AlertNote, MessageStatus, Patient, ScheduledMessage, TreatmentSession
from bot.staff.staff_views import AlertView, CheckInView, alert_view


@dataclass(frozen=True)
class HistoryEntry:
    """One step: ``kind`` names it (``raised``, ``told``, ``posted``, ``realert``, ``acknowledged``,
    ``taken``, ``note``, ``resolved``); ``who`` is a staff name, ``text`` a note, ``number`` a re-alert's."""

    at: datetime
    kind: str
    who: str | None = None
    text: str | None = None
    number: int | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class AlertPage:
    alert: AlertView
    label: str
    patient_language: str
    checkin: CheckInView | None  # the answers (its note is ``words``, shown on its own)
    words: str | None  # what the patient typed: a message, or a check-in's note
    history: tuple[HistoryEntry, ...]


async def alert_page(session: AsyncSession, clinic_id: str, alert_id: int) -> AlertPage | None:
    alert = await alerts.get(session, alert_id)
    if alert is None or alert.clinic_id != clinic_id:
        return None
    patient = await session.get(Patient, alert.patient_id)
    if patient is None:
        return None
    checkin = await alerts.checkin_of(session, alert)
    number = None
    if checkin is not None and checkin.session_id is not None:
        found = await session.get(TreatmentSession, checkin.session_id)
        number = found.number if found is not None else None
    view = None
    if checkin is not None:
        view = CheckInView(id=checkin.id or 0, at=checkin.answered_at or checkin.created_at, kind=checkin.kind,
                           status=checkin.status, session_number=number, soreness=checkin.soreness,
                           swelling=checkin.swelling, function=checkin.function, signs=tuple(checkin.signs or ()),
                           level=checkin.level, note=None)
    posts = await _posts(session, alert_id)
    notes = await alert_handling.notes(session, alert_id)
    return AlertPage(alert_view(alert, patient.label), patient.label, patient.language, view,
                     checkin.note if checkin is not None else None, tuple(history(alert, posts, notes)))


async def _posts(session: AsyncSession, alert_id: int) -> list[ScheduledMessage]:
    statement = (select(ScheduledMessage)
                 .where(col(ScheduledMessage.dedupe_key).startswith(alerts.prefix(alert_id)))
                 .where(ScheduledMessage.status == MessageStatus.SENT)
                 .order_by(col(ScheduledMessage.id)))
    return list((await session.exec(statement)).all())


def history(alert: Alert, posts: list[ScheduledMessage], notes: list[AlertNote]) -> list[HistoryEntry]:
    """Every step of the alert in time order (steps at the same instant keep the order they happen in)."""
    steps = [HistoryEntry(alert.created_at, "raised")]
    if alert.patient_notified_at is not None:
        steps.append(HistoryEntry(alert.patient_notified_at, "told"))
    for post in posts:
        target = post.payload.get("target")
        at = post.sent_at or post.due_at
        if target == alerts.STAFF:
            steps.append(HistoryEntry(at, "posted"))
        elif target == alerts.REALERT:
            number = post.payload.get("number")
            steps.append(HistoryEntry(at, "realert", number=number if isinstance(number, int) else None))
    if alert.acknowledged_at is not None:
        steps.append(HistoryEntry(alert.acknowledged_at, "acknowledged", who=alert.acknowledged_name))
    if alert.taken_at is not None:
        steps.append(HistoryEntry(alert.taken_at, "taken", who=alert.taken_name))
    steps += [HistoryEntry(note.at, "note", who=note.author_name, text=note.text) for note in notes]
    if alert.resolved_at is not None:
        steps.append(HistoryEntry(alert.resolved_at, "resolved", who=alert.resolved_name, text=alert.outcome_note,
                                  outcome=alert.outcome))
    return sorted(steps, key=lambda step: step.at)
