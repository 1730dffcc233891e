"""The pseudonymous CSV export's five tables, read from the database for one clinic.

What goes in and what stays out is decided here (docs/EXPORT.md lists every
column): patients by clinic label only (no name, no Telegram user or chat
id); check-ins with their answers but **without the typed notes**, which are
free text and can name people ("my husband Tom drove me"), so a file meant
to be pseudonymous could not promise to be; a ``has_note`` column says a
note exists, to be read in the console. Staff appear as ``staff-N``, their
position in the clinic's ``staff.user_ids`` (the clinic can map it back,
the file alone cannot), or ``staff-former`` for someone no longer listed.
Times are UTC, ISO 8601 with the offset, to the second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, String, cast, select
from sqlmodel import col

from bot.checkins.queries import CheckInKind
from bot.core.clinic_config import Clinic
from bot.core.models import Alert, AlertNote, CheckIn, Course, Patient, ScheduledMessage, TreatmentSession
from bot.outcomes.sql import seconds_between

Cell = str | int | None
Row = tuple[Any, ...]
_PAYLOAD = col(ScheduledMessage.payload)
OFFSET = _PAYLOAD["offset"].as_string()
DAY = _PAYLOAD["days_since"].as_integer()  # the day after the injection as the patient was told it
RECHECK_OF = _PAYLOAD["recheck_of"].as_integer()


@dataclass(frozen=True)
class Table:
    """One CSV file: its name, header row and data rows (already plain cells)."""

    name: str
    header: tuple[str, ...]
    rows: list[Row]


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment is not None else None


def joined(stored: str | None) -> str:
    """A JSON list as stored (read as text: most are empty, and decoding 400,000 would cost seconds), ``;``-joined."""
    if not stored or stored == "[]":
        return ""
    values: Sequence[str] = json.loads(stored)
    return ";".join(values)


def as_text(column: Any) -> Any:
    """A JSON column read as its stored text."""
    return cast(column, String)


def staff_label(clinic: Clinic, user_id: int | None) -> str | None:
    """``staff-N`` (1-based position in the clinic's staff list), ``staff-former``, or nothing."""
    if user_id is None:
        return None
    ids = clinic.staff.user_ids
    return f"staff-{ids.index(user_id) + 1}" if user_id in ids else "staff-former"


def _course_of_patient() -> Any:
    return col(Course.patient_id) == col(Patient.id)


def _select(*columns: Any) -> Select[Any]:
    """``select`` over model attributes, typed loosely: the rows are turned into plain cells at once."""
    return select(*columns)


def _rows(connection: Connection, query: Select[Any]) -> list[Any]:
    return list(connection.execute(query).all())


def patients(connection: Connection, clinic: Clinic) -> Table:
    query = (_select(Patient.label, Patient.status, Course.area, Course.planned_sessions, Course.status,
                    Patient.language, Patient.timezone, as_text(Patient.flags), Patient.consent_at, Patient.deleted_at)
             .select_from(Patient).outerjoin(Course, _course_of_patient())
             .where(col(Patient.clinic_id) == clinic.id).order_by(col(Patient.id)))
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5] if r[1] != "deleted" else None,
             r[6] if r[1] != "deleted" else None, joined(r[7]), iso(r[8]), iso(r[9]))
            for r in _rows(connection, query)]
    return Table("patients.csv", ("patient", "status", "area", "planned_sessions", "course_status", "language",
                                  "timezone", "flags", "enrolled_at", "deleted_at"), rows)


def sessions(connection: Connection, clinic: Clinic) -> Table:
    query = (_select(Patient.label, Course.area, TreatmentSession.number, TreatmentSession.status,
                    TreatmentSession.scheduled_at, TreatmentSession.confirmed_at, TreatmentSession.done_at)
             .select_from(TreatmentSession).join(Course, col(Course.id) == col(TreatmentSession.course_id))
             .join(Patient, _course_of_patient()).where(col(Course.clinic_id) == clinic.id)
             .order_by(col(Patient.id), col(TreatmentSession.number)))
    rows = [(r[0], r[1], r[2], r[3], iso(r[4]), iso(r[5]), iso(r[6])) for r in _rows(connection, query)]
    return Table("sessions.csv", ("patient", "area", "session", "status", "scheduled_at", "confirmed_at",
                                  "done_at"), rows)


def _answers(kinds: Sequence[str], clinic: Clinic, *columns: Any) -> Select[Any]:
    return (_select(CheckIn.id, Patient.label, Course.area, TreatmentSession.number, *columns)
            .select_from(CheckIn).join(Patient, col(Patient.id) == col(CheckIn.patient_id))
            .outerjoin(Course, _course_of_patient())
            .outerjoin(TreatmentSession, col(TreatmentSession.id) == col(CheckIn.session_id))
            .outerjoin(ScheduledMessage, col(ScheduledMessage.id) == col(CheckIn.scheduled_message_id))
            .where(col(Patient.clinic_id) == clinic.id, col(CheckIn.kind).in_(kinds)).order_by(col(CheckIn.id)))


def checkins(connection: Connection, clinic: Clinic) -> Table:
    query = _answers((CheckInKind.CHECKIN, CheckInKind.FREE_TEXT), clinic, CheckIn.kind, OFFSET, DAY, RECHECK_OF,
                     CheckIn.created_at, CheckIn.answered_at, CheckIn.status, CheckIn.soreness, CheckIn.swelling,
                     as_text(CheckIn.signs), CheckIn.level, as_text(CheckIn.matched), col(CheckIn.note).is_not(None))
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], iso(r[8]), iso(r[9]), r[10], r[11], r[12],
             joined(r[13]), r[14], joined(r[15]), "yes" if r[16] else "no") for r in _rows(connection, query)]
    return Table("checkins.csv", ("id", "patient", "area", "session", "kind", "offset", "day_after_injection",
                                  "recheck_of", "asked_at", "answered_at", "status", "soreness", "swelling",
                                  "signs_ticked", "level", "signs_found", "has_note"), rows)


def followups(connection: Connection, clinic: Clinic) -> Table:
    query = _answers((CheckInKind.FOLLOWUP,), clinic, OFFSET, DAY, CheckIn.created_at, CheckIn.answered_at,
                     CheckIn.status, CheckIn.soreness, CheckIn.function, CheckIn.level, as_text(CheckIn.matched),
                     col(CheckIn.note).is_not(None))
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5], iso(r[6]), iso(r[7]), r[8], r[9], r[10], r[11], joined(r[12]),
             "yes" if r[13] else "no") for r in _rows(connection, query)]
    return Table("followups.csv", ("id", "patient", "area", "last_session", "offset", "days_after_last_injection",
                                   "asked_at", "answered_at", "status", "pain", "function", "level",
                                   "signs_found", "has_note"), rows)


def alerts(connection: Connection, clinic: Clinic) -> Table:
    """Alerts and how staff handled them; the outcome kind, but never the staff's notes (free text)."""
    waited = seconds_between(col(Alert.acknowledged_at), col(Alert.created_at))
    noted = select(col(AlertNote.id)).where(col(AlertNote.alert_id) == col(Alert.id)).exists()
    query = (_select(Alert.id, Patient.label, Course.area, Alert.level, as_text(Alert.signs), Alert.check_in_id,
                    Alert.created_at, Alert.patient_notified_at, Alert.realert_count, Alert.acknowledged_at,
                    Alert.acknowledged_by, waited, Alert.taken_at, Alert.taken_by, Alert.resolved_at,
                    Alert.resolved_by, Alert.outcome, col(Alert.outcome_note).is_not(None) | noted)
             .select_from(Alert).join(Patient, col(Patient.id) == col(Alert.patient_id))
             .outerjoin(Course, _course_of_patient())
             .where(col(Alert.clinic_id) == clinic.id).order_by(col(Alert.id)))
    rows = [(r[0], r[1], r[2], r[3], joined(r[4]), r[5], iso(r[6]), iso(r[7]), r[8], iso(r[9]),
             staff_label(clinic, r[10]), r[11], iso(r[12]), staff_label(clinic, r[13]), iso(r[14]),
             staff_label(clinic, r[15]), r[16], "yes" if r[17] else "no") for r in _rows(connection, query)]
    return Table("alerts.csv", ("id", "patient", "area", "level", "signs", "check_in", "raised_at",
                                "patient_told_at", "realerts", "acknowledged_at", "acknowledged_by",
                                "seconds_to_acknowledge", "taken_at", "taken_by", "resolved_at", "resolved_by",
                                "outcome", "has_note"), rows)


def export_tables(connection: Connection, clinic: Clinic) -> list[Table]:
    """All five tables, read in the connection's transaction."""
    return [patients(connection, clinic), sessions(connection, clinic), checkins(connection, clinic),
            followups(connection, clinic), alerts(connection, clinic)]
