"""``/book``, ``/reschedule``, ``/cancel_session``, ``/done``, ``/missed``: a patient's sessions.

Each command reads its arguments (label, session number, time on the clinic's
clock), then does the whole change in one database transaction through
``bot.staff.staff_actions`` -> ``bot.courses.course_ops`` (validate, write, audit with the
staff member's id, re-plan reminders and check-ins). A bad argument or a
refused operation raises ``StaffError`` before anything is committed, and
the member gets one line saying what to fix.
"""

from __future__ import annotations

from datetime import datetime

from bot.courses.course_ops import SessionResult
from bot.domain.datetime_input import HELP_EXAMPLES
from bot.staff import staff_actions
from bot.staff.access import StaffTurn
from bot.staff.staff_actions import StaffError, label_of, session_number_of


def _usage(turn: StaffTurn) -> StaffError:
    example_when = HELP_EXAMPLES.get(turn.language, HELP_EXAMPLES["en"])[0]
    return StaffError(f"usage_{turn.command}", example=turn.example_label, when=example_when)


def _moved_note(turn: StaffTurn, result: SessionResult) -> str:
    if not result.moved:
        return ""
    return "\n" + turn.t("moved_following", numbers=", ".join(str(n) for n in result.moved))


async def book(turn: StaffTurn) -> None:
    """``/book LABEL DATE TIME``: the next session (or the whole course, if none yet) at that time."""
    if len(turn.args) < 2:
        raise _usage(turn)
    label = label_of(turn.args[0])
    when = staff_actions.booking_time_of(" ".join(turn.args[1:]), turn.clinic, turn.language, turn.now)
    async with turn.svc.db.session() as session:
        patient = await staff_actions.patient_of(session, turn.clinic, label)
        result = await staff_actions.book(session, turn.svc, patient, when, turn.actor)
    await turn.reply(turn.t("booked", label=result.patient_label, number=result.number,
                            when=turn.when(result.scheduled_at)) + _moved_note(turn, result))


async def reschedule(turn: StaffTurn) -> None:
    """``/reschedule LABEL SESSION DATE TIME``: later planned sessions keep their spacing."""
    if len(turn.args) < 3:
        raise _usage(turn)
    label = label_of(turn.args[0])
    number = session_number_of(turn.args[1])
    when = staff_actions.booking_time_of(" ".join(turn.args[2:]), turn.clinic, turn.language, turn.now)
    async with turn.svc.db.session() as session:
        patient = await staff_actions.patient_of(session, turn.clinic, label)
        result = await staff_actions.reschedule(session, turn.svc, patient, number, when, turn.actor)
    await turn.reply(turn.t("rescheduled", label=result.patient_label, number=result.number,
                            when=turn.when(result.scheduled_at)) + _moved_note(turn, result))


async def cancel_session(turn: StaffTurn) -> None:
    """``/cancel_session LABEL SESSION``: the session and its reminders are withdrawn."""
    if len(turn.args) != 2:
        raise _usage(turn)
    label = label_of(turn.args[0])
    number = session_number_of(turn.args[1])
    async with turn.svc.db.session() as session:
        patient = await staff_actions.patient_of(session, turn.clinic, label)
        result = await staff_actions.cancel(session, turn.svc, patient, number, turn.actor)
    await turn.reply(turn.t("cancelled", label=result.patient_label, number=result.number,
                            when=turn.when(result.scheduled_at)))


async def done(turn: StaffTurn) -> None:
    """``/done LABEL [SESSION] [WHEN]``: the injection was given now, or at the stated time.

    The post-injection check-ins are planned from that moment, not from the
    booked time, so a late-running clinic does not send "how are you 6 hours
    after" an hour early.
    """
    if not turn.args:
        raise _usage(turn)
    label = label_of(turn.args[0])
    number, when_text = staff_actions.split_done_args(turn.args[1:])
    given: datetime | None = None
    if when_text is not None:
        given = staff_actions.given_time_of(when_text, turn.clinic, turn.language, turn.now)
    async with turn.svc.db.session() as session:
        patient = await staff_actions.patient_of(session, turn.clinic, label)
        result = await staff_actions.done(session, turn.svc, patient, number, given, turn.actor)
    await turn.reply(turn.t("done", label=result.patient_label, number=result.number,
                            when=turn.when(given or turn.now)))


async def missed(turn: StaffTurn) -> None:
    """``/missed LABEL [SESSION]``: a no-show (default: the earliest upcoming session)."""
    if not turn.args or len(turn.args) > 2:
        raise _usage(turn)
    label = label_of(turn.args[0])
    number = session_number_of(turn.args[1]) if len(turn.args) == 2 else None
    async with turn.svc.db.session() as session:
        patient = await staff_actions.patient_of(session, turn.clinic, label)
        result = await staff_actions.missed(session, turn.svc, patient, number, turn.actor)
    await turn.reply(turn.t("missed", label=result.patient_label, number=result.number,
                            when=turn.when(result.scheduled_at)))
