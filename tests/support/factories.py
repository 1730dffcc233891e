"""Patients, courses and scheduled messages written straight into the database.

Enrolment through the chat is tested on its own; scheduling tests start from
an enrolled patient so they exercise only what they are about.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from bot.core.clinic_config import ClinicRegistry
from bot.core.clock import Clock
from bot.core.db import Database
from bot.core.models import (
    Course,
    MessageStatus,
    Patient,
    PatientStatus,
    ScheduledMessage,
    SessionStatus,
    TreatmentSession,
)
from bot.core.services import Services
from bot.core.settings import Settings
from bot.courses.planner import sync_course_messages
from tests.support.clinic import CLINIC_ID, registry
from tests.support.clock import pinned_clock

_labels = itertools.count(1)


def make_services(db: Database, clinics: ClinicRegistry | None = None, clock: Clock | None = None) -> Services:
    """Services for code that needs no bot (planner, course operations)."""
    settings = Settings(_env_file=None, database_url=db.url)
    return Services(settings=settings, clinics=clinics or registry(), db=db, clock=clock or pinned_clock())


async def make_patient(
    db: Database, *, user_id: int = 5001, clinic_id: str = CLINIC_ID, language: str = "en",
    timezone: str = "America/New_York", status: str = PatientStatus.ACTIVE, label: str | None = None,
) -> Patient:
    patient = Patient(
        clinic_id=clinic_id, label=label or f"R-{next(_labels):04d}", telegram_user_id=user_id,
        chat_id=user_id, first_name="Pat", language=language, timezone=timezone, status=status,
    )
    async with db.session() as session:
        session.add(patient)
    return patient


async def make_course(
    services: Services, patient: Patient, sessions: Sequence[datetime | tuple[datetime, str]] = (),
    *, area: str = "knee", planned_sessions: int | None = None, done_at: datetime | None = None,
    sync: bool = True,
) -> Course:
    """A course with the given session times (optionally ``(time, status)``), messages synced.

    Sessions given as ``done`` get ``done_at`` (default: their time).
    """
    async with services.db.session() as session:
        course = Course(patient_id=patient.id or 0, clinic_id=patient.clinic_id, area=area,
                        planned_sessions=planned_sessions or max(len(sessions), 1))
        session.add(course)
        await session.flush()
        for number, spec in enumerate(sessions, start=1):
            at, status = spec if isinstance(spec, tuple) else (spec, SessionStatus.PLANNED)
            session.add(TreatmentSession(
                course_id=course.id or 0, number=number, scheduled_at=at, status=status,
                done_at=(done_at or at) if status == SessionStatus.DONE else None,
            ))
        await session.flush()
        if sync:
            await sync_course_messages(session, services, course.id or 0)
    return course


async def add_message(
    db: Database, patient: Patient, kind: str, due_at: datetime, *, key: str | None = None,
    status: str = MessageStatus.PENDING, session_id: int | None = None, **payload: Any,
) -> ScheduledMessage:
    """A hand-made row (for dispatcher tests that need exact times and kinds)."""
    row = ScheduledMessage(
        patient_id=patient.id, clinic_id=patient.clinic_id, session_id=session_id, kind=kind,
        dedupe_key=key or f"test:{patient.id}:{kind}:{next(_labels)}", due_at=due_at, status=status,
        payload=dict(payload),
    )
    async with db.session() as session:
        session.add(row)
    return row


async def messages_of(db: Database, patient_id: int | None = None) -> list[ScheduledMessage]:
    statement = select(ScheduledMessage).order_by(col(ScheduledMessage.due_at), col(ScheduledMessage.id))
    if patient_id is not None:
        statement = statement.where(ScheduledMessage.patient_id == patient_id)
    async with db.session() as session:
        return list((await session.exec(statement)).all())


async def reload(db: Database, model: Any, ident: int | None) -> Any:
    async with db.session() as session:
        return await session.get(model, ident)


async def sessions_of(db: Database, course_id: int | None) -> list[TreatmentSession]:
    async with db.session() as session:
        rows = (await session.exec(select(TreatmentSession).where(TreatmentSession.course_id == course_id))).all()
    return sorted(rows, key=lambda row: row.number)


def scheduling_clinics(quiet: tuple[str, str] = ("00:00", "00:00"), area: str = "knee",
                       **protocol: Any) -> ClinicRegistry:
    """The example clinic with no quiet hours (unless given) and one protocol's offsets replaced."""
    from tests.support.clinic import clinic_data, with_protocol

    data = clinic_data(quiet_hours={"start": quiet[0], "end": quiet[1]})
    return registry(with_protocol(data, area, **protocol))


async def wait_until(check: Any, within: float = 10.0, interval: float = 0.05) -> Any:
    """Poll ``await check()`` until it returns something truthy; fail after ``within`` seconds."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = await check()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s (last value: {value!r})")
        await asyncio.sleep(interval)


async def probe_sender(ctx: Any) -> Any:
    """A stand-in sender: "[kind] #row-id", so dispatch tests do not depend on feature texts."""
    from jobs.senders import Sent, Skipped

    if ctx.patient is None or ctx.patient.chat_id is None:
        return Skipped("no_recipient", cancel=True)
    sent = await ctx.bot.send_message(ctx.patient.chat_id, f"[{ctx.message.kind}] #{ctx.message.id}")
    return Sent(sent.message_id)


def install_probe_senders(monkeypatch: Any, kinds: Sequence[str] = ("checkin", "nudge", "followup")) -> None:
    """Replace the senders of ``kinds`` in bots started during one test."""
    from bot import wiring

    wired = wiring.senders
    monkeypatch.setattr(wiring, "senders", lambda: {**wired(), **dict.fromkeys(kinds, probe_sender)})
