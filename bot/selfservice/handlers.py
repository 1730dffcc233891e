"""Patient self-service: /status, /history, /pause, /resume, /stop, /delete, /export, /language, /help.

This module declares the feature's commands and buttons (``commands()``,
``buttons()``) and answers /status and /language; /history (``history``),
pausing (``pause``), the privacy commands (``privacy_handlers``) and /help
(``help``) live beside it. ``/cancel`` (leave any flow) is the enrolment
feature's, which already clears whatever flow the chat is in.

Every command works only in a private chat and answers, in the patient's
language, with a clear line when it does not apply (not enrolled, already
paused, nothing to export, ...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.core import audit
from bot.core.callbacks import Action, decode, encode, pattern
from bot.core.models import CheckIn, Patient
from bot.domain.pause import holds, is_paused
from bot.ptb.commands import Command, Menu
from bot.ptb.commands_menu import menus_of, set_patient_menu
from bot.selfservice import history, pause, privacy_handlers
from bot.selfservice import queries as store
from bot.selfservice.help import answer_help
from bot.selfservice.support import (
    Ask,
    advice_text,
    answers_text,
    ask_for,
    contact_text,
    enrolled,
    expired,
    reply,
    retire_prompt,
)


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/status``: next session, next check-in, last answers and what the bot advised."""
    ask = await enrolled(update, context)
    if ask is None or ask.patient is None or ask.patient.id is None:
        return
    async with ask.svc.db.session() as session:
        overview = await store.overview(session, ask.patient.id)
        upcoming = await store.next_checkin(session, ask.patient.id, ask.now)
        answered = await store.answered_check_ins(session, ask.patient.id)
    lines = [_title(ask, overview), _pause_line(ask, ask.patient), *_session_lines(ask, overview)]
    if upcoming is None:
        lines.append(ask.t("status_no_checkin"))
    else:
        key = "status_next_checkin_paused" if _held(ask.patient, upcoming.kind, upcoming.due_at) else \
            "status_next_checkin"
        lines.append(ask.t(key, when=ask.when(upcoming.due_at)))
    lines.extend(_last_answer_lines(ask, answered[-1] if answered else None))
    await reply(ask, "\n".join(lines) + "\n\n" + contact_text(ask))


def _held(patient: Patient, kind: str, due_at: datetime) -> bool:
    return holds(kind, patient.status, patient.paused_until, due_at)


def _title(ask: Ask, overview: store.Overview) -> str:
    assert ask.clinic is not None
    area = overview.course.area if overview.course else ""
    name = ask.clinic.area_name(area, ask.language) if area in ask.clinic.protocols else area
    return ask.t("status_title", area=name, clinic_name=ask.clinic.name)


def _pause_line(ask: Ask, patient: Patient) -> str:
    if not is_paused(patient.status, patient.paused_until, ask.now):
        return ask.t("status_active")
    if patient.paused_until is None:
        return ask.t("status_paused_open")
    return ask.t("status_paused_until", until=ask.when(patient.paused_until))


def _session_lines(ask: Ask, overview: store.Overview) -> list[str]:
    if overview.course is None:
        return [ask.t("status_no_course")]
    upcoming = overview.next_session
    if upcoming is not None:
        key = "status_next_session_confirmed" if upcoming.status == "confirmed" else "status_next_session"
        total = max(overview.course.planned_sessions, upcoming.number)
        return [ask.t(key, number=upcoming.number, total=total, when=ask.when(upcoming.scheduled_at))]
    done = overview.done_sessions
    if done:
        return [ask.t("status_sessions_complete", count=len(done))]
    return [ask.t("status_no_session")]


def _last_answer_lines(ask: Ask, last: CheckIn | None) -> list[str]:
    if last is None:
        return [ask.t("status_no_answers")]
    lines = [ask.t("status_last_answers", when=ask.when(store.answered_at(last)), answers=answers_text(ask, last))]
    advice = advice_text(ask, last.level)
    if advice:
        lines.append(advice)
    return lines


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/language [code]``: buttons for the clinic's languages, or switch at once to ``code``."""
    ask = await ask_for(update, context)
    if ask.patient is None or ask.clinic is None:
        await reply(ask, ask.t("language_not_enrolled"))
        return
    wanted = (context.args or [""])[0].lower()[:2]
    if wanted in ask.clinic.languages:
        await _switch(ask, wanted)
        return
    buttons = [[(ask.t(f"language_{code}"), encode(Action.SET_LANGUAGE, code)) for code in ask.clinic.languages]]
    await reply(ask, ask.t("language_prompt"), buttons)


async def language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    callback = decode(query.data if query else None)
    ask = await _ask_quietly(update, context)
    if query is None or callback is None or ask is None or ask.clinic is None \
            or callback.arg(0) not in ask.clinic.languages:
        await expired(update, context)
        return
    await query.answer()
    await retire_prompt(update)
    await _switch(ask, callback.arg(0))


async def _ask_quietly(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Ask | None:
    ask = await ask_for(update, context)
    return ask if ask.patient is not None else None


async def _switch(ask: Ask, code: str) -> None:
    """Store the new language, answer in it, and give the chat a menu in it."""
    assert ask.patient is not None and ask.patient.id is not None
    if code == ask.patient.language:
        await reply(ask, ask.t("language_same"))
        return
    async with ask.svc.db.session() as session:
        row = await session.get(Patient, ask.patient.id)
        if row is not None:
            row.language = code
        audit.record(session, "language_changed", clinic_id=ask.patient.clinic_id,
                     patient_label=ask.patient.label, actor="patient", language=code)
    ask.language = code
    await reply(ask, ask.t("language_done"))
    await set_patient_menu(ask.context.bot, ask.svc, menus_of(ask.context.application), ask.chat_id, code)


def commands() -> list[Command]:
    """The patient's own commands (private chats only), in the order the "/" menu lists them."""
    private = filters.ChatType.PRIVATE

    def listed(name: str, callback: Any) -> Command:
        return Command.listed(name, CommandHandler(name, callback, filters=private), Menu.PATIENT)

    return [
        listed("status", status),
        listed("history", history.history),
        listed("pause", pause.pause),
        listed("resume", pause.resume),
        listed("language", language),
        listed("export", privacy_handlers.export),
        listed("stop", privacy_handlers.stop),
        listed("delete", privacy_handlers.delete),
    ]


def help_command() -> Command:
    """``/help`` for everyone; staff see their commands too."""
    return Command.listed("help", CommandHandler("help", answer_help), Menu.PATIENT, Menu.STAFF)


def buttons() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(language_button, pattern=pattern(Action.SET_LANGUAGE)),
        CallbackQueryHandler(pause.pause_button, pattern=pattern(Action.PAUSE)),
        CallbackQueryHandler(privacy_handlers.stop_button, pattern=pattern(Action.STOP)),
        CallbackQueryHandler(privacy_handlers.delete_button, pattern=pattern(Action.DELETE)),
    ]
