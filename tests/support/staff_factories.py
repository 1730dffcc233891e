"""Patients mid-course, with check-ins and alerts, written straight into the database.

Staff tools read and change what other features produced; these helpers make
that state directly (on top of ``tests.support.factories``) so staff tests
exercise only the staff side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.core.db import Database
from bot.core.models import Alert, AuditEvent, CheckIn, Course, Invite, Patient, SessionStatus, TreatmentSession
from bot.core.services import Services
from tests.support.factories import make_course, make_patient, sessions_of
from tgsandbox import Message


@dataclass
class Scenario:
    """A patient with a course: session 1 given ``days_ago`` days back, the rest planned 4 weeks apart."""

    patient: Patient
    course: Course
    sessions: list[TreatmentSession]


async def patient_mid_course(
    services: Services, *, label: str = "R-0001", user_id: int = 5001, done: int = 1, planned: int = 3,
    first_at: datetime | None = None, flags: Sequence[str] = (), area: str = "knee",
) -> Scenario:
    """``done`` sessions already given, ``planned - done`` upcoming; times relative to the clock.

    By default the first session was given 2 days 20 hours ago: its day-3 check-in is four hours
    ahead and the earlier ones are past their late limit, so nothing is due while a test runs.
    """
    now = services.clock.now()
    start = first_at or now - timedelta(days=2, hours=20)
    specs: list[datetime | tuple[datetime, str]] = []
    for index in range(planned):
        at = start + timedelta(weeks=4 * index)
        specs.append((at, SessionStatus.DONE) if index < done else at)
    patient = await make_patient(services.db, label=label, user_id=user_id)
    if flags:
        async with services.db.session() as session:
            stored = await session.get(Patient, patient.id)
            assert stored is not None
            stored.flags = list(flags)
        patient.flags = list(flags)
    course = await make_course(services, patient, specs, area=area, planned_sessions=planned)
    return Scenario(patient, course, await sessions_of(services.db, course.id))


async def add_checkin(
    db: Database, patient: Patient, at: datetime, *, soreness: int | None = None, swelling: str | None = None,
    level: str | None = "ok", session_id: int | None = None, signs: Sequence[str] = (), kind: str = "checkin",
    status: str = "answered", note: str | None = None, function: str | None = None,
) -> CheckIn:
    answered = any(v is not None for v in (soreness, swelling, note, function)) or bool(signs)
    row = CheckIn(
        patient_id=patient.id or 0, session_id=session_id, kind=kind, status=status, soreness=soreness,
        swelling=swelling, function=function, signs=list(signs), note=note, level=level if answered else None,
        created_at=at, answered_at=at if answered else None,
    )
    async with db.session() as session:
        session.add(row)
    return row


async def add_alert(
    db: Database, patient: Patient, at: datetime, *, level: str = "urgent", signs: Sequence[str] = ("fever",),
    checkin_id: int | None = None, acknowledged_by: int | None = None,
) -> Alert:
    row = Alert(clinic_id=patient.clinic_id, patient_id=patient.id or 0, check_in_id=checkin_id, level=level,
                signs=list(signs), created_at=at, acknowledged_by=acknowledged_by,
                acknowledged_at=at + timedelta(minutes=5) if acknowledged_by else None)
    async with db.session() as session:
        session.add(row)
    return row


async def audit_events(db: Database, event: str | None = None) -> list[AuditEvent]:
    statement = select(AuditEvent).order_by(col(AuditEvent.id))
    if event is not None:
        statement = statement.where(AuditEvent.event == event)
    async with db.session() as session:
        return list((await session.exec(statement)).all())


async def invites(db: Database) -> list[Invite]:
    async with db.session() as session:
        return list((await session.exec(select(Invite).order_by(col(Invite.id)))).all())


WAIT = 10.0


async def ask(user: Any, text: str, chat: Any = None, *, expect: str | None = None) -> Message:
    """Send ``text`` as ``user`` (in ``chat``, default their private chat) and return the bot's next message.

    ``expect`` waits for the next message containing that text instead (skipping others).
    """
    view = chat if chat is not None else user
    await user.send_text(text, chat=chat)
    found: Message = await view.wait_for_message(expect, timeout=WAIT)
    return found


async def sessions_now(db: Database, course_id: int | None) -> list[tuple[int, str, datetime]]:
    """(number, status, scheduled_at) of every session: compared before/after to prove nothing changed."""
    return [(row.number, str(row.status), row.scheduled_at) for row in await sessions_of(db, course_id)]
