"""Database tables (SQLModel). All datetimes are stored as UTC.

Patient-identifying values (Telegram ids, names, free-text notes, what they
sent with a photo and its Telegram file id, staff notes on an alert and its
outcome) live only in ``patient``, ``chat_state``, ``check_in.note``,
``patient_media``, ``alert`` and ``alert_note`` so that erasure
(/delete) has a short, testable list of places to clear.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


def _json() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _big(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(BigInteger, nullable=nullable, index=index))


class PatientStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    DELETED = "deleted"


class SessionStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class MessageKind(StrEnum):
    REMINDER = "reminder"
    CHECKIN = "checkin"
    NUDGE = "nudge"
    FOLLOWUP = "followup"
    REALERT = "realert"
    DIGEST = "digest"
    ESCALATION = "escalation"  # an urgent/emergency message (patient or staff) until delivered
    RELAY = "relay"  # a patient's photo, voice note, video or file passed on to the staff chat


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


class Patient(SQLModel, table=True):
    __tablename__ = "patient"
    __table_args__ = (UniqueConstraint("clinic_id", "label", name="uq_patient_clinic_label"),)

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: str = Field(index=True, max_length=32)
    label: str = Field(max_length=16)
    telegram_user_id: int | None = _big(index=True)
    chat_id: int | None = _big()
    first_name: str | None = Field(default=None, max_length=128)
    language: str = Field(default="en", max_length=8)
    timezone: str = Field(default="UTC", max_length=64)
    status: str = Field(default=PatientStatus.ACTIVE, max_length=16, index=True)
    paused_until: datetime | None = _ts()
    flags: list[str] = _json_list()
    consent_at: datetime | None = _ts()
    created_at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False))
    deleted_at: datetime | None = _ts()


class Invite(SQLModel, table=True):
    __tablename__ = "invite"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    clinic_id: str = Field(max_length=32)
    area: str | None = Field(default=None, max_length=32)
    sessions: int | None = None
    first_session_at: datetime | None = _ts()
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    used_at: datetime | None = _ts()
    created_by: str = Field(default="cli", max_length=64)
    patient_id: int | None = Field(default=None, foreign_key="patient.id")
    created_at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False))


class Course(SQLModel, table=True):
    __tablename__ = "course"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    clinic_id: str = Field(max_length=32)
    area: str = Field(max_length=32)
    planned_sessions: int
    status: str = Field(default="active", max_length=16)
    created_at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False))


class TreatmentSession(SQLModel, table=True):
    """One injection appointment (named to avoid clashing with a database session)."""

    __tablename__ = "session"
    __table_args__ = (UniqueConstraint("course_id", "number", name="uq_session_course_number"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    number: int
    scheduled_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    status: str = Field(default=SessionStatus.PLANNED, max_length=16)
    confirmed_at: datetime | None = _ts()
    done_at: datetime | None = _ts()


class ScheduledMessage(SQLModel, table=True):
    """Something to send at a time: the database, not the scheduler, is the truth."""

    __tablename__ = "scheduled_message"
    __table_args__ = (Index("ix_scheduled_message_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    clinic_id: str = Field(max_length=32)
    session_id: int | None = Field(default=None, foreign_key="session.id")
    kind: str = Field(max_length=16)
    dedupe_key: str = Field(max_length=96, unique=True)
    due_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    status: str = Field(default=MessageStatus.PENDING, max_length=16)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=255)
    payload: dict[str, Any] = _json()
    claimed_at: datetime | None = _ts()
    sent_at: datetime | None = _ts()
    telegram_message_id: int | None = _big()
    created_at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False))


class CheckIn(SQLModel, table=True):
    """A patient's answers after an injection (or a follow-up, or a free-text report)."""

    __tablename__ = "check_in"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="session.id")
    scheduled_message_id: int | None = Field(default=None, foreign_key="scheduled_message.id")
    kind: str = Field(default="checkin", max_length=16)
    status: str = Field(default="open", max_length=16)
    step: str | None = Field(default=None, max_length=32)
    soreness: int | None = None
    swelling: str | None = Field(default=None, max_length=16)
    function: str | None = Field(default=None, max_length=16)
    signs: list[str] = _json_list()
    note: str | None = None
    level: str | None = Field(default=None, max_length=16)
    matched: list[str] = _json_list()
    telegram_message_id: int | None = _big()
    created_at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False))
    answered_at: datetime | None = _ts()


class Alert(SQLModel, table=True):
    __tablename__ = "alert"
    # The open alerts of a clinic (acknowledged_at IS NULL) are a short range of this index, so the
    # console's live Today page can look for news every second without reading a clinic's history.
    __table_args__ = (Index("ix_alert_clinic_open", "clinic_id", "acknowledged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: str = Field(max_length=32, index=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    check_in_id: int | None = Field(default=None, foreign_key="check_in.id")
    level: str = Field(max_length=16)
    signs: list[str] = _json_list()
    created_at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False))
    acknowledged_by: int | None = _big()
    acknowledged_at: datetime | None = _ts()
    realert_count: int = 0
    last_posted_at: datetime | None = _ts()
    patient_notified_at: datetime | None = _ts()
    acknowledged_name: str | None = Field(default=None, max_length=128)
    taken_by: int | None = _big()  # "assigned to me": who handles it (taking acknowledges too)
    taken_name: str | None = Field(default=None, max_length=128)
    taken_at: datetime | None = _ts()
    resolved_by: int | None = _big()
    resolved_name: str | None = Field(default=None, max_length=128)
    resolved_at: datetime | None = _ts()
    outcome: str | None = Field(default=None, max_length=16)  # AlertOutcome: health data, never logged
    outcome_note: str | None = None  # staff's words on how it ended: health data, never logged
    note_prompt_id: int | None = _big()  # the staff-chat message a reply to which is the outcome note


class AlertOutcome(StrEnum):
    """How staff closed an alert."""

    CALLED = "called"  # called the patient
    VISIT = "visit"  # advised a visit
    EMERGENCY = "emergency"  # sent to emergency care
    NO_ACTION = "no_action"  # no action needed


class AlertNote(SQLModel, table=True):
    """A staff note on an alert (several per alert): health data, erased with the patient, never logged."""

    __tablename__ = "alert_note"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    author_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    author_name: str | None = Field(default=None, max_length=128)
    text: str
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class PatientMedia(SQLModel, table=True):
    """A photo, voice note, video or file a patient sent, passed on to the staff chat.

    Only Telegram's file id is kept (the relay re-sends it if the first try
    fails), never the content: nothing a patient sends is downloaded.
    """

    __tablename__ = "patient_media"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    clinic_id: str = Field(max_length=32)
    kind: str = Field(max_length=16)  # photo, video, video_note, voice, audio, document
    file_id: str = Field(max_length=255)
    album: str | None = Field(default=None, max_length=64)  # Telegram's media group id (photos sent together)
    caption: str | None = Field(default=None, max_length=1024)  # the words sent with it, shown to staff
    check_in_id: int | None = Field(default=None, foreign_key="check_in.id")  # the report its caption made
    caption_level: str | None = Field(default=None, max_length=16)  # its triage; None: no caption
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class ChatState(SQLModel, table=True):
    """Where a chat is in a multi-step conversation; survives restarts and replicas."""

    __tablename__ = "chat_state"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    user_id: int | None = _big()
    flow: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict[str, Any] = _json()
    message_id: int | None = _big()
    updated_at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False))


class AuditEvent(SQLModel, table=True):
    """Who did what and when. Never message bodies or health answers."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_clinic_at", "clinic_id", "at"),
        Index("ix_audit_event_event_at", "event", "at"),
        Index("ix_audit_event_patient_at", "patient_label", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False, index=True))
    clinic_id: str | None = Field(default=None, max_length=32)
    patient_label: str | None = Field(default=None, max_length=16)
    actor: str = Field(default="system", max_length=64)
    event: str = Field(max_length=64)
    level: str = Field(default="info", max_length=16)
    correlation_id: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] = _json()


class ConsoleLogin(SQLModel, table=True):
    """One-time sign-in links and the sessions they open for the web console (one session per link)."""

    __tablename__ = "console_login"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    clinic_id: str = Field(max_length=32)
    language: str = Field(default="en", max_length=8)  # the console speaks the staff member's language
    staff_name: str | None = Field(default=None, max_length=128)  # shown when they acknowledge an alert
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    used_at: datetime | None = _ts()
    signed_out_at: datetime | None = _ts()  # Sign out: its session is refused from then on, on every replica
    created_at: datetime = Field(default_factory=_now, sa_column=Column(UtcDateTime(), nullable=False))
