"""``/pause [duration]`` and ``/resume``.

``/pause`` alone offers buttons (1 day, 3 days, 1 week, until I resume) and,
when the chat is not in another flow, waits for a typed duration ("3 days",
"1 week", "3 días"): that wait is the ``pause`` flow in ``ChatState``, so
``/cancel`` leaves it and a restart keeps it. ``/pause 3 days`` pauses at once.

The pause itself is ``course_ops.pause_patient`` (status, audit); the
dispatcher skips reminders and check-ins while it lasts (``bot.domain.pause``)
and replies to the patient's own reports are never held. Staff get a line in
their chat for every pause and resume.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import chat_state
from bot.core.callbacks import Action, decode, encode
from bot.core.models import ChatState, Patient, PatientStatus
from bot.courses import course_ops
from bot.domain.pause import MAX_PAUSE, MIN_PAUSE, is_paused, parse_pause
from bot.domain.triage_text import read_text
from bot.ptb.text_router import Next
from bot.selfservice.support import Ask, ask_for, enrolled, expired, reply, retire_prompt, staff_when, tell_staff

FLOW = "pause"
_UNIT_WORD = re.compile(r"(?i)\b(hours?|days?|d[ií]as?|weeks?|semanas?|horas?)\b")
OPEN = 0
CHOICES = (("pause_1d", 24), ("pause_3d", 72), ("pause_1w", 168), ("pause_open", OPEN))
"""Button label keys and the pause length in hours (0: until the patient resumes)."""


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ask = await enrolled(update, context)
    if ask is None or ask.patient is None:
        return
    if await _already_paused(ask):
        return
    typed = " ".join(context.args or [])
    if typed:
        length = parse_pause(typed)
        if length is None:
            await _prompt(ask, ask.t("pause_bad_duration", max_days=MAX_PAUSE.days))
            return
        await apply_pause(ask, length)
        return
    await _prompt(ask, ask.t("pause_prompt"))


async def _already_paused(ask: Ask) -> bool:
    patient = ask.patient
    assert patient is not None
    if not is_paused(patient.status, patient.paused_until, ask.now):
        return False
    if patient.paused_until is None:
        await reply(ask, ask.t("pause_already_open"))
    else:
        await reply(ask, ask.t("pause_already_until", until=ask.when(patient.paused_until)))
    return True


async def _prompt(ask: Ask, text: str) -> None:
    """Offer the buttons; wait for typed text too unless another flow owns the chat."""
    buttons = [[(ask.t(key), encode(Action.PAUSE, hours)) for key, hours in CHOICES[:3]],
               [(ask.t(CHOICES[3][0]), encode(Action.PAUSE, OPEN))]]
    sent = await reply(ask, text, buttons)
    async with ask.svc.db.session() as session:
        current = await chat_state.get(session, ask.chat_id)
        if current is None or current.flow == FLOW:
            await chat_state.put(session, ask.chat_id, FLOW, "duration", user_id=ask.user_id,
                                 message_id=sent.message_id)


async def pause_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    callback = decode(query.data if query else None)
    hours = callback.int_arg(0) if callback else None
    ask = await ask_for(update, context)
    if query is None or hours is None or ask.patient is None or hours not in {h for _, h in CHOICES}:
        await expired(update, context)
        return
    await query.answer()
    await retire_prompt(update)
    if await _already_paused(ask):
        return
    await apply_pause(ask, timedelta(hours=hours) if hours != OPEN else None)


async def typed_duration(update: Update, context: ContextTypes.DEFAULT_TYPE, state: ChatState | None) -> Next | None:
    """Text typed after ``/pause``: a duration, a near miss (hint), or anything else (heard as usual).

    Anything that is not an attempt at a duration leaves the pause prompt and goes to the
    free-text handler, so "I have a fever" typed here is triaged like everywhere else.
    """
    message = update.effective_message
    ask = await ask_for(update, context)
    if message is None or not message.text:
        return None
    length = parse_pause(message.text)
    if length is None and ask.patient is not None and looks_like_duration(message.text, ask.language):
        await reply(ask, ask.t("pause_bad_duration", max_days=MAX_PAUSE.days))
        return None
    async with ask.svc.db.session() as session:
        await chat_state.clear(session, ask.chat_id, FLOW)
    if state is not None and state.message_id is not None:
        await _drop_buttons(ask, state.message_id)
    if length is None or ask.patient is None:
        return Next.FREE_TEXT
    if not await _already_paused(ask):
        await apply_pause(ask, length)
    return None


def looks_like_duration(text: str, language: str) -> bool:
    """A short answer with a number or a time word and nothing the triage rules would read."""
    words = text.split()
    if not 0 < len(words) <= 3 or (not any(char.isdigit() for char in text) and not _UNIT_WORD.search(text)):
        return False
    reading = read_text(text, language)
    return not reading.findings and not reading.temperatures and reading.soreness is None


async def _drop_buttons(ask: Ask, message_id: int) -> None:
    with suppress(TelegramError):
        await ask.context.bot.edit_message_reply_markup(ask.chat_id, message_id, reply_markup=None)


async def apply_pause(ask: Ask, length: timedelta | None) -> None:
    """Pause for ``length`` (``None``: until /resume), tell the patient and the staff."""
    assert ask.patient is not None and ask.patient.id is not None
    if length is not None and not MIN_PAUSE <= length <= MAX_PAUSE:
        raise ValueError(f"pause length {length} outside {MIN_PAUSE}..{MAX_PAUSE}")
    until = ask.now + length if length is not None else None
    async with ask.svc.db.session() as session:
        row = await session.get(Patient, ask.patient.id)
        assert row is not None
        await course_ops.pause_patient(session, ask.svc, row, until, actor="patient")
        await chat_state.clear(session, ask.chat_id, FLOW)
    label = ask.patient.label
    if until is None:
        await reply(ask, ask.t("pause_done_open"))
        await tell_staff(ask.svc, ask, ask.clinic, "staff_paused_open", label=label)
        return
    await reply(ask, ask.t("pause_done_until", until=ask.when(until)))
    if ask.clinic is not None:
        await tell_staff(ask.svc, ask, ask.clinic, "staff_paused_until", label=label,
                         until=staff_when(ask.clinic, until))


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/resume``: reminders and check-ins back on (a timed pause that already ended is tidied up)."""
    ask = await enrolled(update, context)
    if ask is None or ask.patient is None or ask.patient.id is None:
        return
    if ask.patient.status != PatientStatus.PAUSED:
        await reply(ask, ask.t("resume_not_paused"))
        return
    was_in_force = is_paused(ask.patient.status, ask.patient.paused_until, ask.now)
    async with ask.svc.db.session() as session:
        row = await session.get(Patient, ask.patient.id)
        assert row is not None
        await course_ops.resume_patient(session, ask.svc, row, actor="patient")
        await chat_state.clear(session, ask.chat_id, FLOW)
    await reply(ask, ask.t("resume_done"))
    if was_in_force:
        await tell_staff(ask.svc, ask, ask.clinic, "staff_resumed", label=ask.patient.label)

