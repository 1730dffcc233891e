"""Check-in test set-up: a patient with an injection done, a check-in due now, a clinic with fast timings.

Builds on ``tests.support.factories`` (patients, courses, rows straight into
the database) so check-in tests start at the moment the scheduler sends the
check-in, and exercise the real dispatcher, senders, handlers and sandbox.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from bot.core.clinic_config import ClinicRegistry
from bot.core.clock import Clock
from bot.core.models import Alert, AuditEvent, CheckIn, MessageKind, Patient, SessionStatus
from jobs.dispatcher import Dispatcher
from jobs.telegram_send import RetryPolicy
from tests.support.clinic import clinic_data, registry
from tests.support.factories import add_message, make_course, make_patient
from tests.support.harness import Harness, running_bot
from tgsandbox import Message, SandboxGroup, SandboxUser

WAIT = 10.0
NO_QUIET = {"start": "00:00", "end": "00:00"}


def checkin_clinics(*, quiet: dict[str, str] | None = None, **timing: str) -> ClinicRegistry:
    """The example clinic, no quiet hours unless given, timings replaced (``realert_every="PT2S"``)."""
    base = clinic_data()["clinics"][0]["timing"]
    data = clinic_data(quiet_hours=quiet or NO_QUIET, timing={**base, **timing})
    return registry(data)


@asynccontextmanager
async def checkin_bot(database_url: str, clinics: ClinicRegistry | None = None, clock: Clock | None = None,
                      **timing: str) -> AsyncIterator[Harness]:
    """A running bot for check-in tests; dispatcher retries are fast (fault tests stay short)."""
    chosen = clinics if clinics is not None else checkin_clinics(quiet=None, **timing)
    async with running_bot(database_url, clinics=chosen, clock=clock) as harness:
        dispatcher = harness.services.dispatcher
        assert isinstance(dispatcher, Dispatcher)
        dispatcher.config = replace(dispatcher.config, retry=RetryPolicy(max_attempts=3, base=0.3, cap=1.0))
        yield harness


@dataclass
class Scene:
    """A patient (sandbox user and row) with one injection done, and the staff chat."""

    harness: Harness
    user: SandboxUser
    patient: Patient
    staff_chat: SandboxGroup

    async def send_checkin(self, kind: str = MessageKind.CHECKIN, in_seconds: float = 0.2) -> Message:
        """Make a check-in due now and wait for its first question."""
        await due_message(self.harness, self.patient, kind, in_seconds)
        marker = "How much pain" if kind == MessageKind.FOLLOWUP else "How sore"
        message: Message = await self.user.wait_for_message(marker, timeout=WAIT)
        return message


async def patient_scene(harness: Harness, *, user_id: int = 5001, language: str = "en",
                        injected_ago: timedelta = timedelta(hours=20), **patient: Any) -> Scene:
    """Enrol a patient straight into the database with session 1 done ``injected_ago``."""
    user = harness.sandbox.user(user_id=user_id, first_name="Pat", language_code=language)
    group = harness.staff_group()
    row = await make_patient(harness.db, user_id=user_id, language=language, **patient)
    done = harness.services.clock.now() - injected_ago
    await make_course(harness.services, row, [(done, SessionStatus.DONE),
                                              (done + timedelta(days=28), SessionStatus.PLANNED)],
                      planned_sessions=3, sync=False)
    return Scene(harness, user, row, group)


async def due_message(harness: Harness, patient: Patient, kind: str, in_seconds: float = 0.2) -> None:
    session_id = await first_session_id(harness, patient)
    await add_message(harness.db, patient, kind, harness.services.clock.now() + timedelta(seconds=in_seconds),
                      session_id=session_id)
    assert harness.services.dispatcher is not None
    harness.services.dispatcher.poke()


async def first_session_id(harness: Harness, patient: Patient) -> int | None:
    from bot.core.models import Course, TreatmentSession

    async with harness.db.session() as session:
        statement = (select(TreatmentSession.id).join(Course, col(Course.id) == col(TreatmentSession.course_id))
                     .where(Course.patient_id == patient.id).order_by(col(TreatmentSession.number)))
        return (await session.exec(statement)).first()


async def checkins_of(harness: Harness, patient: Patient) -> list[CheckIn]:
    async with harness.db.session() as session:
        rows = await session.exec(select(CheckIn).where(CheckIn.patient_id == patient.id).order_by(col(CheckIn.id)))
        return list(rows.all())


async def alerts_of(harness: Harness, patient: Patient) -> list[Alert]:
    async with harness.db.session() as session:
        rows = await session.exec(select(Alert).where(Alert.patient_id == patient.id).order_by(col(Alert.id)))
        return list(rows.all())


async def audit_events(harness: Harness, event: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        return list((await session.exec(select(AuditEvent).where(AuditEvent.event == event))).all())


def edited_to(marker: str) -> Any:
    """A ``wait_for_message(..., edits=True)`` predicate: the message's latest text contains ``marker``."""
    return lambda message: marker in message.text


def has_button(prefix: str) -> Any:
    """A predicate: the message currently shows a button whose label starts with ``prefix``."""
    return lambda message: any(label.startswith(prefix) for row in message.buttons for label in row)
