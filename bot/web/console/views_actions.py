"""The patient page's forms: book, reschedule, mark done, mark missed, cancel a session.

Each form runs exactly what ``/book``, ``/reschedule``, ``/done``, ``/missed``
and ``/cancel_session`` run: the typed values go through ``bot.staff.staff_actions``
(the same readers of labels, session numbers and clinic-clock times) into
``bot.courses.course_ops`` (validation, write, audit as ``staff:<id>``, re-planned
reminders and check-ins), in one transaction. A refusal is a ``StaffError``:
nothing is written, the page comes back (400) with the reason beside the form,
and a ``console_action_refused`` audit event says who tried what. Success
redirects to the patient page with a one-line notice (post/redirect/get).

Date fields are ``<input type=datetime-local>`` (``2026-12-03T10:30``) on the
clinic's clock; a browser without that input sends typed text, which the same
parser reads ("Dec 3 10:30", "tomorrow 9am").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from multidict import MultiMapping
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Patient
from bot.courses.course_ops import SessionResult
from bot.domain.datetime_input import HELP_EXAMPLES
from bot.staff import staff_actions
from bot.staff.staff_actions import StaffError, label_of, session_number_of
from bot.web.console.page import Console, see_other, staff_only
from bot.web.console.views_patient import FormState, not_found, show_patient
from messages.render import Safe

Form = MultiMapping[str | Any]
Action = Callable[[Console, AsyncSession, Patient, Form], Awaitable[str]]


def _text(form: Form, name: str) -> str:
    value = form.get(name, "")
    return value.strip()[:80] if isinstance(value, str) else ""


def _when(console: Console, form: Form, name: str = "when") -> Any:
    text = _text(form, name)
    if not text:
        raise StaffError("when_required")
    return staff_actions.booking_time_of(text, console.home_clinic, console.language, console.now)


def _number(form: Form, required: bool) -> int | None:
    text = _text(form, "session")
    if not text:
        if required:
            raise StaffError("session_required")
        return None
    return session_number_of(text)


def _moved(console: Console, result: SessionResult) -> str:
    if not result.moved:
        return ""
    return " " + console.staff("moved_following", numbers=", ".join(str(n) for n in result.moved))


async def _book(console: Console, session: AsyncSession, patient: Patient, form: Form) -> str:
    when = _when(console, form)
    result = await staff_actions.book(session, console.svc, patient, when, console.actor)
    return console.staff("booked", label=result.patient_label, number=result.number,
                         when=console.when(result.scheduled_at)) + _moved(console, result)


async def _reschedule(console: Console, session: AsyncSession, patient: Patient, form: Form) -> str:
    number = _number(form, required=True)
    when = _when(console, form)
    result = await staff_actions.reschedule(session, console.svc, patient, number or 0, when, console.actor)
    return console.staff("rescheduled", label=result.patient_label, number=result.number,
                         when=console.when(result.scheduled_at)) + _moved(console, result)


async def _done(console: Console, session: AsyncSession, patient: Patient, form: Form) -> str:
    number = _number(form, required=False)
    given_text = _text(form, "at")
    given = (staff_actions.given_time_of(given_text, console.home_clinic, console.language, console.now)
             if given_text else None)
    result = await staff_actions.done(session, console.svc, patient, number, given, console.actor)
    return console.staff("done", label=result.patient_label, number=result.number,
                         when=console.when(given or console.now))


async def _missed(console: Console, session: AsyncSession, patient: Patient, form: Form) -> str:
    result = await staff_actions.missed(session, console.svc, patient, _number(form, required=False),
                                        console.actor)
    return console.staff("missed", label=result.patient_label, number=result.number,
                         when=console.when(result.scheduled_at))


async def _cancel(console: Console, session: AsyncSession, patient: Patient, form: Form) -> str:
    result = await staff_actions.cancel(session, console.svc, patient, _number(form, required=True) or 0,
                                        console.actor)
    return console.staff("cancelled", label=result.patient_label, number=result.number,
                         when=console.when(result.scheduled_at))


ACTIONS: dict[str, Action] = {"book": _book, "reschedule": _reschedule, "done": _done, "missed": _missed,
                              "cancel": _cancel}


def for_people(console: Console, value: Any) -> Any:
    """A typed date-time field's value as the console writes dates, else the value as typed.

    A browser's date-time field sends ``2026-12-03T10:30`` (on the clinic's
    clock); quoting that back in an error reads like a machine's message.
    """
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value)
        return console.when(moment if moment.tzinfo else moment.replace(tzinfo=console.home_clinic.tz))
    except (ValueError, OverflowError):  # not a date, or one at the calendar's edge (year 1 at +14:00)
        return value


def error_text(console: Console, error: StaffError) -> str:
    """The reason in the reader's language: a console wording if there is one, else the staff text."""
    params: dict[str, Any] = {
        "example": f"{console.home_clinic.label_prefix}-0042",
        "examples": ", ".join(HELP_EXAMPLES.get(console.language, HELP_EXAMPLES["en"])[:3]),
        "areas": ", ".join(console.home_clinic.protocols),
        **error.params,
    }
    if "value" in params:
        params["value"] = for_people(console, params["value"])
    if "status" in params:
        params["status"] = Safe(console.named("session_", str(params["status"])))
    if console.has(f"console.err_{error.key}"):
        return console.t(f"err_{error.key}", **params)
    return console.staff(error.key, **params)


@staff_only
async def act(console: Console) -> web.StreamResponse:
    name = console.request.match_info["action"]
    typed_label = console.request.match_info["label"]
    action = ACTIONS.get(name)
    form = await console.request.post()
    try:
        label = label_of(typed_label)
    except StaffError:
        return not_found(console, typed_label)
    if action is None:
        raise web.HTTPNotFound()
    try:
        async with console.svc.db.session() as session:
            patient = await staff_actions.patient_of(session, console.home_clinic, label)
            notice = await action(console, session, patient, form)
    except StaffError as error:
        if error.key == "unknown_patient":
            return not_found(console, typed_label)
        await console.audit("console_action_refused", patient_label=label, level="warning", action=name,
                            reason=error.key)
        typed = {key: _text(form, key) for key in ("when", "at", "session")}
        return await show_patient(console, label, status=400, form=FormState(name, error_text(console, error), typed))
    console.notice(notice)
    return see_other(f"/console/patients/{label}")
