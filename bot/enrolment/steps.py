"""Each enrolment step's answer, by button or by typing, and moving on to the next.

A handler records the answer in ``turn.flow`` and calls ``advance``, which asks
whatever ``next_step`` says is missing (or finishes). Bad input never changes
the flow: it re-asks the same step with a short note and fresh buttons.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import available_timezones

from bot.core import chat_state
from bot.core.callbacks import Action, Callback
from bot.domain.datetime_input import (
    MAX_AHEAD,
    InputError,
    ParsedMoment,
    Problem,
    parse_session_time,
)
from bot.domain.durations import resolve_local
from bot.domain.enrolment import first_session_problem, next_screening_question
from bot.domain.timezones import TimezoneError, parse_timezone
from bot.enrolment.finish import finish
from bot.enrolment.flow import FLOW, Prompt, Turn, next_step, pressed_label, record, retire_keyboard, save, send
from bot.enrolment.prompts import prompt_for, timezone_prompt, zone_label
from messages.render import format_clock

ButtonHandler = Callable[[Turn, Callback], Awaitable[bool]]
TypedHandler = Callable[[Turn, str], Awaitable[None]]

_DATE_PROBLEMS = {
    Problem.PAST: "date_past",
    Problem.TOO_FAR: "date_too_far",
    Problem.INVALID_DATE: "date_invalid",
    Problem.UNPARSEABLE: "date_unreadable",
    Problem.NO_TIME: "date_unreadable",
}


async def show(turn: Turn, step: str, prompt: Prompt, *, preface: str | None = None,
               event: str | None = None, **details: Any) -> None:
    """Send ``prompt`` (after ``preface``) and make it the live prompt of ``step``."""
    text = "\n\n".join(part for part in (preface, prompt.text) if part)
    message = await send(turn, text, prompt.buttons)
    await save(turn, step, message.message_id, event, **details)


async def advance(turn: Turn, *, preface: str | None = None, event: str | None = None,
                  **details: Any) -> None:
    """Ask for the next missing answer, or create the enrolment when nothing is missing."""
    step = next_step(turn.flow)
    if step is None:
        if not await finish(turn, preface=preface, event=event, **details):
            await advance(turn, preface=turn.t("date_past"))
        return
    await show(turn, step, prompt_for(turn, step), preface=preface, event=event, **details)


async def reprompt(turn: Turn, notice: str, prompt: Prompt | None = None) -> None:
    """Same step again, after a note saying what was wrong; the old buttons are retired."""
    step = next_step(turn.flow)
    assert step is not None
    await retire_keyboard(turn, turn.message_id)
    await show(turn, step, prompt or prompt_for(turn, step), preface=notice)


async def answered(turn: Turn) -> None:
    """Mark the pressed prompt as answered (its buttons go, the choice stays visible)."""
    await retire_keyboard(turn, turn.message_id, pressed_label(turn.update))


# ---- buttons -------------------------------------------------------------------------------

async def on_language(turn: Turn, callback: Callback) -> bool:
    language = callback.arg(0)
    if language not in turn.clinic.languages:
        return False
    await answered(turn)
    turn.flow.language, turn.flow.language_chosen = language, True
    await advance(turn, event="enrolment_language_chosen", language=language)
    return True


async def on_consent(turn: Turn, callback: Callback) -> bool:
    choice = callback.arg(0)
    if choice not in ("yes", "no"):
        return False
    await answered(turn)
    if choice == "no":
        await refuse(turn)
        return True
    turn.flow.consented, turn.flow.consented_at = True, turn.now
    await advance(turn, event="enrolment_consent_given")
    return True


async def refuse(turn: Turn) -> None:
    """Nothing about the person is kept: the flow state goes, one audit row says so."""
    async with turn.svc.db.session() as session:
        await chat_state.clear(session, turn.chat_id, FLOW)
        record(session, turn, "enrolment_consent_refused")
    await send(turn, turn.t("consent_refused", clinic_name=turn.clinic.name,
                            phone=turn.clinic.contact.phone))


async def on_screening(turn: Turn, callback: Callback) -> bool:
    question = next_screening_question(turn.flow.answered)
    answer = callback.arg(1)
    if question is None or callback.arg(0) != question.key or answer not in ("y", "n"):
        return False
    await answered(turn)
    turn.flow.answered.append(question.key)
    if answer == "y":
        turn.flow.flags.append(question.flag)
    if next_screening_question(turn.flow.answered) is not None:
        await advance(turn)
        return True
    flagged = bool(turn.flow.flags)
    contact = turn.clinic.contact_in(turn.flow.language)
    preface = (turn.t("screening_flagged", clinic_name=turn.clinic.name, phone=contact.phone,
                      hours=contact.hours) if flagged else turn.t("screening_clear"))
    await advance(turn, preface=preface, event="enrolment_screening_completed", flagged=flagged)
    return True


async def on_area(turn: Turn, callback: Callback) -> bool:
    area = callback.arg(0)
    if area not in turn.clinic.protocols:
        return False
    await answered(turn)
    turn.flow.area = area
    await advance(turn, event="enrolment_area_chosen", area=area)
    return True


async def on_timezone(turn: Turn, callback: Callback) -> bool:
    name = callback.arg(0)
    if name not in available_timezones():
        return False
    await answered(turn)
    await set_timezone(turn, name, fixed=name.startswith("Etc/"), source="button")
    return True


async def set_timezone(turn: Turn, name: str, *, fixed: bool, source: str) -> None:
    turn.flow.timezone = name
    now = turn.now
    preface = turn.t("timezone_set", zone=zone_label(name, now),
                     local_time=format_clock(now, turn.zone, turn.flow.language))
    if fixed and name != "UTC":
        preface += "\n" + turn.t("timezone_fixed_note")
    await advance(turn, preface=preface, event="enrolment_timezone_set", source=source)


async def on_first_session(turn: Turn, callback: Callback) -> bool:
    kind, step = callback.arg(0), next_step(turn.flow)
    if step == "first_session" and kind == "later":
        await answered(turn)
        turn.flow.first_later = True
        await advance(turn, event="enrolment_first_session_set", booked=False)
        return True
    if step == "first_session" and kind == "day":
        return await _pick_day(turn, callback.arg(1))
    if step == "first_time" and kind == "time":
        return await _pick_time(turn, callback.arg(1))
    if step == "first_time" and kind == "back":
        await answered(turn)
        turn.flow.day = None
        await advance(turn)
        return True
    return False


async def _pick_day(turn: Turn, value: str) -> bool:
    try:
        day = datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return False
    today = turn.now.astimezone(turn.zone).date()
    if not today <= day <= today + MAX_AHEAD:
        return False
    await answered(turn)
    turn.flow.day = day.isoformat()
    await advance(turn)
    return True


async def _pick_time(turn: Turn, value: str) -> bool:
    try:
        clock = datetime.strptime(value, "%H%M").time()
    except ValueError:
        return False
    assert turn.flow.day is not None
    await answered(turn)
    await _set_first(turn, date.fromisoformat(turn.flow.day), clock)
    return True


async def _set_first(turn: Turn, day: date, clock: time) -> None:
    naive = datetime.combine(day, clock)
    local = resolve_local(naive, turn.zone)
    at = local.astimezone(UTC)
    problem = first_session_problem(at, turn.now)
    if problem is not None:
        await reprompt(turn, turn.t(_DATE_PROBLEMS[problem]))
        return
    turn.flow.first_at, turn.flow.day = at, None
    adjusted = local.replace(tzinfo=None) != naive
    await advance(turn, preface=turn.t("date_adjusted") if adjusted else None)


async def on_confirm(turn: Turn, callback: Callback) -> bool:
    choice = callback.arg(0)
    if choice not in ("yes", "change"):
        return False
    await answered(turn)
    if choice == "change":
        turn.flow.first_at, turn.flow.day = None, None
        await advance(turn)
        return True
    turn.flow.first_confirmed = True
    await advance(turn, event="enrolment_first_session_set", booked=True)
    return True


BUTTONS: dict[Action, ButtonHandler] = {
    Action.LANGUAGE: on_language,
    Action.CONSENT: on_consent,
    Action.SCREEN: on_screening,
    Action.AREA: on_area,
    Action.TIMEZONE: on_timezone,
    Action.FIRST_SESSION: on_first_session,
    Action.CONFIRM_DATE: on_confirm,
}

STEPS: dict[Action, tuple[str, ...]] = {
    Action.LANGUAGE: ("language",),
    Action.CONSENT: ("consent",),
    Action.SCREEN: tuple(f"screen_{key}" for key in ("bleeding", "infection", "allergy")),
    Action.AREA: ("area",),
    Action.TIMEZONE: ("timezone",),
    Action.FIRST_SESSION: ("first_session", "first_time"),
    Action.CONFIRM_DATE: ("confirm_date",),
}
"""Which stored steps a button kind may answer: anything else is a stale button."""


# ---- typed text ----------------------------------------------------------------------------

async def typed_timezone(turn: Turn, text: str) -> None:
    try:
        parsed = parse_timezone(text)
    except TimezoneError as exc:
        await reprompt(turn, *_timezone_problem(turn, exc, text.strip()[:40]))
        return
    await retire_keyboard(turn, turn.message_id)
    await set_timezone(turn, parsed.name, fixed=parsed.fixed_offset, source="typed")


def _timezone_problem(turn: Turn, error: TimezoneError, text: str) -> tuple[str, Prompt | None]:
    if error.suggestions and error.reason == "ambiguous":
        notice = turn.t("timezone_ambiguous", text=text)
        return notice, timezone_prompt(turn, error.suggestions, notice)
    if error.suggestions:
        notice = turn.t("timezone_partial_hour")
        return notice, timezone_prompt(turn, error.suggestions, notice)
    key = "timezone_out_of_range" if error.reason == "out_of_range" else "timezone_unknown"
    return turn.t(key, text=text), None


async def typed_first_session(turn: Turn, text: str) -> None:
    now, language = turn.now, turn.flow.language
    parsed = parse_session_time(text, tz=turn.zone, lang=language, now=now)
    if isinstance(parsed, InputError) and parsed.problem == Problem.NO_TIME:
        # A date alone: ask for the time on that day (or say why the day cannot be).
        day = parse_session_time(f"{text} 23:59", tz=turn.zone, lang=language, now=now)
        if not isinstance(day, InputError):
            await retire_keyboard(turn, turn.message_id)
            turn.flow.day = day.local.date().isoformat()
            await advance(turn)
            return
        parsed = parsed if day.problem == Problem.UNPARSEABLE else day
    await _typed_moment(turn, parsed)


async def typed_time(turn: Turn, text: str) -> None:
    """A time for the picked day; a full date and time typed here is accepted as well."""
    now, language = turn.now, turn.flow.language
    unreadable = (Problem.UNPARSEABLE, Problem.NO_TIME)
    parsed = parse_session_time(f"{turn.flow.day} {text}", tz=turn.zone, lang=language, now=now)
    if isinstance(parsed, InputError) and parsed.problem in unreadable:
        whole = parse_session_time(text, tz=turn.zone, lang=language, now=now)
        parsed = parsed if isinstance(whole, InputError) else whole
    if isinstance(parsed, InputError) and parsed.problem in unreadable:
        await reprompt(turn, turn.t("time_unreadable", example="10:30"))
        return
    await _typed_moment(turn, parsed)


async def _typed_moment(turn: Turn, parsed: ParsedMoment | InputError) -> None:
    if isinstance(parsed, InputError):
        await reprompt(turn, turn.t(_DATE_PROBLEMS[parsed.problem]))
        return
    await retire_keyboard(turn, turn.message_id)
    turn.flow.first_at, turn.flow.day = parsed.at, None
    await advance(turn, preface=turn.t("date_adjusted") if parsed.adjusted else None)


async def typed_other(turn: Turn, text: str) -> None:
    """Text where a button was expected: the same question again, with its buttons."""
    await reprompt(turn, turn.t("use_buttons"))


TYPED: dict[str, TypedHandler] = {
    "timezone": typed_timezone,
    "first_session": typed_first_session,
    "first_time": typed_time,
}


def typed_handler(step: str) -> TypedHandler:
    return TYPED.get(step, typed_other)
