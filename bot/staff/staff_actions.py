"""Staff operations on a patient's course, by label, with errors staff can act on.

The Telegram commands, the CLI and the web console all come through here:
this module reads the typed arguments (``bot.domain.staff_input``), finds the
patient by clinic label and calls ``bot.courses.course_ops``, which validates, writes,
audits and re-syncs the scheduled messages. Every failure becomes a
``StaffError`` naming a text in ``messages/locales/*/staff.yaml`` and its
parameters, so each front end can phrase it in its reader's language; raised
inside the caller's ``db.session()`` block, it rolls everything back.

Times typed by staff are read on the clinic's wall clock (that is the
appointment book they work from), whatever the patient's own timezone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clinic_config import Clinic
from bot.core.models import Patient
from bot.core.services import Services
from bot.courses import course_ops
from bot.courses.course_ops import CourseOpError, SessionResult
from bot.domain.datetime_input import InputError, Problem
from bot.domain.staff_input import normalise_label, parse_booking_time, parse_given_time, parse_session_number
from bot.staff.staff_views import find_patient


class StaffError(Exception):
    """A request that cannot be done: ``key`` is ``staff.<key>``; ``bad_input`` (CLI exit 2) or not (1)."""

    def __init__(self, key: str, *, bad_input: bool = True, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.bad_input = bad_input
        self.params = params


def label_of(text: str) -> str:
    label = normalise_label(text)
    if label is None:
        raise StaffError("bad_label", value=text[:20])
    return label


def session_number_of(text: str) -> int:
    number = parse_session_number(text)
    if number is None:
        raise StaffError("bad_session_number", value=text[:20])
    return number


_TIME_KEYS = {
    Problem.UNPARSEABLE: "time_unreadable",
    Problem.NO_TIME: "time_missing",
    Problem.INVALID_DATE: "time_invalid",
    Problem.PAST: "time_past",
    Problem.TOO_FAR: "time_too_far",
}
_GIVEN_KEYS = {**_TIME_KEYS, Problem.PAST: "given_too_old", Problem.TOO_FAR: "given_future"}


def booking_time_of(text: str, clinic: Clinic, language: str, now: datetime) -> datetime:
    """A future appointment time typed by staff (clinic wall clock), or ``StaffError``."""
    found = parse_booking_time(text, tz=clinic.tz, lang=language, now=now)
    if isinstance(found, InputError):
        raise StaffError(_TIME_KEYS[found.problem], value=text[:40])
    return found


def given_time_of(text: str, clinic: Clinic, language: str, now: datetime) -> datetime:
    """When an injection was given (not in the future), or ``StaffError``."""
    found = parse_given_time(text, tz=clinic.tz, lang=language, now=now)
    if isinstance(found, InputError):
        raise StaffError(_GIVEN_KEYS[found.problem], value=text[:40])
    return found


async def patient_of(session: AsyncSession, clinic: Clinic, text: str) -> Patient:
    """The clinic's patient for a typed label; unknown labels and erased patients are errors."""
    label = label_of(text)
    patient = await find_patient(session, clinic.id, label)
    if patient is None or patient.status == "deleted":
        raise StaffError("unknown_patient", label=label)
    return patient


Operation = Callable[[], Awaitable[SessionResult]]


async def _run(session: AsyncSession, patient: Patient, number: int | None, operation: Operation) -> SessionResult:
    """Run a course operation, turning its refusals into ``StaffError`` with useful details."""
    try:
        return await operation()
    except course_ops.SessionNotFound:
        if number is None:
            raise StaffError("no_upcoming_session", label=patient.label) from None
        count = await _session_count(session, patient)
        if count == 0:
            raise StaffError("no_sessions_yet", label=patient.label) from None
        raise StaffError("no_such_session", label=patient.label, number=number, count=count) from None
    except course_ops.InvalidSessionState:
        status = await _session_status(session, patient, number)
        raise StaffError("session_state", label=patient.label, number=number or "?", status=status) from None
    except course_ops.NoActiveCourse:
        raise StaffError("no_course", label=patient.label) from None
    except course_ops.PatientInactive:
        raise StaffError("patient_inactive", label=patient.label) from None
    except course_ops.CourseFull:
        raise StaffError("course_full", label=patient.label) from None
    except course_ops.InvalidTime as exc:
        raise StaffError("time_rejected", label=patient.label, reason=exc.reason) from None
    except CourseOpError as exc:
        raise StaffError("operation_failed", bad_input=False, reason=exc.reason) from None


async def _session_count(session: AsyncSession, patient: Patient) -> int:
    course = await course_ops.active_course(session, patient)
    return len(await course_ops.course_sessions(session, course.id or 0))


async def _session_status(session: AsyncSession, patient: Patient, number: int | None) -> str:
    course = await course_ops.active_course(session, patient)
    rows = await course_ops.course_sessions(session, course.id or 0)
    return next((str(row.status) for row in rows if row.number == number), "")


async def book(session: AsyncSession, services: Services, patient: Patient, when: datetime,
               actor: str) -> SessionResult:
    return await _run(session, patient, None,
                      lambda: course_ops.book_session(session, services, patient, when, actor=actor))


async def reschedule(session: AsyncSession, services: Services, patient: Patient, number: int, when: datetime,
                     actor: str) -> SessionResult:
    return await _run(session, patient, number, lambda: course_ops.reschedule_session(
        session, services, patient, number, when, actor=actor))


async def cancel(session: AsyncSession, services: Services, patient: Patient, number: int,
                 actor: str) -> SessionResult:
    return await _run(session, patient, number,
                      lambda: course_ops.cancel_session(session, services, patient, number, actor=actor))


async def done(session: AsyncSession, services: Services, patient: Patient, number: int | None,
               at: datetime | None, actor: str) -> SessionResult:
    return await _run(session, patient, number,
                      lambda: course_ops.mark_done(session, services, patient, number, at, actor=actor))


async def missed(session: AsyncSession, services: Services, patient: Patient, number: int | None,
                 actor: str) -> SessionResult:
    return await _run(session, patient, number,
                      lambda: course_ops.mark_missed(session, services, patient, number, actor=actor))


def split_done_args(args: list[str]) -> tuple[int | None, str | None]:
    """``[2] [time...]`` after the label: a bare small number is the session, the rest a time."""
    if args and parse_session_number(args[0]) is not None:
        return parse_session_number(args[0]), " ".join(args[1:]) or None
    return None, " ".join(args) or None
