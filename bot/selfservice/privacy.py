"""A patient's right to a copy (/export) and to erasure (/delete).

Both work per Telegram user across every enrolment they ever had (several
clinics, or re-enrolment after /stop), so a stopped patient can still export
and erase.

Deletion policy (documented in docs/ARCHITECTURE.md, "Privacy"):

- Erased outright: check-ins (answers, notes, signs), alerts (with staff notes
  and outcome), scheduled
  messages, sessions, courses, the files the patient sent (Telegram file ids;
  the bot never held their content) and the chat's conversation state.
- Invites used by the patient stay (the clinic issued them and a used token
  must stay unusable) but lose their link to the patient.
- The ``patient`` row becomes a tombstone: Telegram ids, name, language,
  timezone, screening flags, consent and pause are cleared, ``status`` is
  ``deleted``; only ``clinic_id``, ``label`` and the enrolment/deletion times
  remain, so the label is never handed to another patient.
- Audit trail: earlier events about the patient keep what happened and who
  did it (event, actor, time) but lose the label and their details; any event
  whose details or actor mention the patient's Telegram ids is cleared the same
  way. One new ``patient_deleted`` event names the label. The label is a
  clinic-side pseudonym: after erasure nothing in the database links it to a
  Telegram account, a name or health data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, or_
from sqlmodel import SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import audit
from bot.core.models import (
    Alert,
    AlertNote,
    AuditEvent,
    ChatState,
    CheckIn,
    Course,
    Invite,
    Patient,
    PatientMedia,
    PatientStatus,
    ScheduledMessage,
    TreatmentSession,
)

EXPORT_FORMAT = "aftercare-export/1"
ERASED_TABLES = frozenset({"alert", "alert_note", "check_in", "scheduled_message", "session", "course", "chat_state",
                           "patient_media"})
DETACHED_TABLES = frozenset({"invite"})
TOMBSTONE_TABLES = frozenset({"patient", "audit_event"})
"""Every table holding patient data is in one of these sets (a test checks new tables)."""


_STAFF_FIELDS = ("acknowledged_by", "acknowledged_name", "taken_by", "taken_name", "resolved_by", "resolved_name")
"""Who on staff handled an alert: the clinic's business, not part of the patient's copy."""


@dataclass(frozen=True)
class Erased:
    clinic_id: str
    label: str
    already: bool = False  # it was a tombstone before: nothing was left to erase


async def user_patients(session: AsyncSession, telegram_user_id: int) -> list[Patient]:
    """Every enrolment of this Telegram user that still holds data, newest first."""
    statement = (select(Patient).where(Patient.telegram_user_id == telegram_user_id)
                 .where(Patient.status != PatientStatus.DELETED).order_by(col(Patient.id).desc()))
    return list((await session.exec(statement)).all())


def _dump(row: SQLModel, *drop: str) -> dict[str, Any]:
    data = row.model_dump(mode="json")
    for name in drop:
        data.pop(name, None)
    return data


async def _rows(session: AsyncSession, model: type[Any], *where: Any) -> list[Any]:
    return list((await session.exec(select(model).where(*where).order_by(col(model.id)))).all())


async def _enrolment(session: AsyncSession, patient: Patient) -> dict[str, Any]:
    courses = []
    for course in await _rows(session, Course, Course.patient_id == patient.id):
        sessions = await _rows(session, TreatmentSession, TreatmentSession.course_id == course.id)
        courses.append({**_dump(course), "sessions": [_dump(s) for s in sessions]})
    alerts = [{**_dump(a, *_STAFF_FIELDS), "acknowledged": a.acknowledged_at is not None,
               "notes": [{"at": n.at.isoformat(), "text": n.text}
                         for n in await _rows(session, AlertNote, AlertNote.alert_id == a.id)]}
              for a in await _rows(session, Alert, Alert.patient_id == patient.id)]
    events = await _rows(session, AuditEvent, AuditEvent.clinic_id == patient.clinic_id,
                         AuditEvent.patient_label == patient.label)
    return {
        "patient": _dump(patient),
        "courses": courses,
        "check_ins": [_dump(c) for c in await _rows(session, CheckIn, CheckIn.patient_id == patient.id)],
        "alerts": alerts,
        "media": [_dump(m) for m in await _rows(session, PatientMedia, PatientMedia.patient_id == patient.id)],
        "scheduled_messages": [_dump(m, "last_error") for m in
                               await _rows(session, ScheduledMessage, ScheduledMessage.patient_id == patient.id)],
        "invites": [_dump(i, "token_hash", "created_by") for i in
                    await _rows(session, Invite, Invite.patient_id == patient.id)],
        "audit_events": [{"at": e.at.isoformat(), "event": e.event, "actor": e.actor.split(":")[0]}
                         for e in events],
    }


async def export_user(
    session: AsyncSession, telegram_user_id: int, chat_id: int, now: datetime
) -> dict[str, Any] | None:
    """Everything held about the user as JSON-ready data, or ``None`` if nothing is."""
    patients = await user_patients(session, telegram_user_id)
    state = await session.get(ChatState, chat_id)
    if not patients and state is None:
        return None
    return {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "telegram_user_id": telegram_user_id,
        "enrolments": [await _enrolment(session, patient) for patient in patients],
        "chat_state": _dump(state) if state is not None else None,
    }


async def erase_user(session: AsyncSession, telegram_user_id: int, chat_id: int, now: datetime) -> list[Erased]:
    """Erase everything about the user (policy above); returns the labels that were tombstoned."""
    patients = await user_patients(session, telegram_user_id)
    return await _erase(session, patients, {chat_id}, {telegram_user_id, chat_id}, now, actor="patient")


async def erase_label(session: AsyncSession, clinic_id: str, label: str, now: datetime, *,
                      actor: str) -> Erased | None:
    """Erase one enrolment by its label (policy above), e.g. again after a backup was restored.

    ``None`` when the clinic has no such label; a tombstone is left alone (``already``).
    """
    statement = select(Patient).where(Patient.clinic_id == clinic_id, Patient.label == label)
    patient = (await session.exec(statement)).first()
    if patient is None:
        return None
    if patient.status == PatientStatus.DELETED:
        return Erased(clinic_id, label, already=True)
    chats = {c for c in (patient.chat_id,) if c is not None}
    ids = {i for i in (patient.telegram_user_id, patient.chat_id) if i is not None}
    return (await _erase(session, [patient], chats, ids, now, actor=actor))[0]


async def _erase(session: AsyncSession, patients: list[Patient], chat_ids: set[int], telegram_ids: set[int],
                 now: datetime, *, actor: str) -> list[Erased]:
    if chat_ids:
        await session.exec(delete(ChatState).where(col(ChatState.chat_id).in_(chat_ids)))
    ids = [p.id for p in patients if p.id is not None]
    if ids:
        await _erase_course_data(session, ids)
    erased = []
    for patient in patients:
        await _scrub_audit(session, patient.clinic_id, patient.label)
        _tombstone(patient, now)
        erased.append(Erased(patient.clinic_id, patient.label))
    if telegram_ids:
        await _scrub_mentions(session, telegram_ids)
    for item in erased:
        audit.record(session, "patient_deleted", clinic_id=item.clinic_id, patient_label=item.label, actor=actor)
    return erased


async def _erase_course_data(session: AsyncSession, patient_ids: list[int]) -> None:
    course_ids = select(Course.id).where(col(Course.patient_id).in_(patient_ids))
    session_ids = select(TreatmentSession.id).where(col(TreatmentSession.course_id).in_(course_ids))
    alert_ids = select(Alert.id).where(col(Alert.patient_id).in_(patient_ids))
    await session.exec(delete(AlertNote).where(col(AlertNote.alert_id).in_(alert_ids)))
    await session.exec(delete(Alert).where(col(Alert.patient_id).in_(patient_ids)))
    await session.exec(delete(PatientMedia).where(col(PatientMedia.patient_id).in_(patient_ids)))
    await session.exec(delete(CheckIn).where(col(CheckIn.patient_id).in_(patient_ids)))
    await session.exec(delete(ScheduledMessage).where(
        col(ScheduledMessage.patient_id).in_(patient_ids) | col(ScheduledMessage.session_id).in_(session_ids)))
    await session.exec(delete(TreatmentSession).where(col(TreatmentSession.id).in_(session_ids)))
    await session.exec(delete(Course).where(col(Course.patient_id).in_(patient_ids)))
    for invite in await _rows(session, Invite, col(Invite.patient_id).in_(patient_ids)):
        invite.patient_id = None
    await session.flush()


def _tombstone(patient: Patient, now: datetime) -> None:
    defaults = Patient(clinic_id=patient.clinic_id, label=patient.label)
    patient.telegram_user_id = None
    patient.chat_id = None
    patient.first_name = None
    patient.language = defaults.language
    patient.timezone = defaults.timezone
    patient.flags = []
    patient.consent_at = None
    patient.paused_until = None
    patient.status = PatientStatus.DELETED
    patient.deleted_at = now


async def _scrub_audit(session: AsyncSession, clinic_id: str, label: str) -> None:
    """Earlier events about the patient keep what happened, not about whom or with what details."""
    for event in await _rows(session, AuditEvent, AuditEvent.clinic_id == clinic_id, AuditEvent.patient_label == label):
        event.patient_label = None
        event.details = {}


async def _scrub_mentions(session: AsyncSession, values: set[int]) -> None:
    """Clear any audit event whose details or actor carry the patient's Telegram ids."""
    texts = [str(abs(value)) for value in values]
    pattern = re.compile(r"(?<!\d)(" + "|".join(texts) + r")(?!\d)")
    mentions = [cast(AuditEvent.details, String).contains(t) | col(AuditEvent.actor).contains(t) for t in texts]
    for event in await _rows(session, AuditEvent, or_(*mentions)):
        if pattern.search(event.actor):
            event.actor = "patient"
        if event.details and pattern.search(json.dumps(event.details)):
            event.details = {}

