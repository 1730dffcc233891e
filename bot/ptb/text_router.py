"""Routes a patient's plain text to the conversation that is waiting for it.

Flows (enrolment, check-in, reschedule, ...) register a text handler under
their name; the chat's ``ChatState.flow`` picks one. Text outside any flow goes
to the free-text handler (triage), so a patient can write "I have a fever" at
any moment and be heard.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.core import chat_state
from bot.core.models import ChatState
from bot.core.services import services
from bot.core.triage_wordings import every_clinic_wordings
from bot.domain.triage import Level, Report, triage

TextHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, ChatState | None], Awaitable[None]]

_flows: dict[str, TextHandler] = {}
_triaging_flows: set[str] = set()
_free_text: list[TextHandler] = []


def on_text(flow: str, *, triages_itself: bool = False) -> Callable[[TextHandler], TextHandler]:
    """Register the handler for text typed while the chat is in ``flow``.

    Text in any other flow is checked for red flags first; a handler that reads
    health text anyway (a check-in note, a reschedule note) says ``triages_itself``.
    """

    def register(handler: TextHandler) -> TextHandler:
        _flows[flow] = handler
        if triages_itself:
            _triaging_flows.add(flow)
        return handler

    return register


def on_free_text(handler: TextHandler) -> TextHandler:
    """Register the handler for text typed outside any flow (the last one wins)."""
    _free_text.append(handler)
    return handler


async def route_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or update.effective_message is None:
        return
    async with services(context).db.session() as session:
        state = await chat_state.get(session, chat.id)
    handler = _flows.get(state.flow) if state is not None else None
    in_other_flow = handler is not None and state is not None and state.flow not in _triaging_flows
    if in_other_flow and state is not None and _sounds_urgent(update.effective_message.text or "", state, context):
        await _red_flag_mid_flow(update, context)
        return
    if handler is not None:
        await handler(update, context, state)
    elif _free_text:
        await _free_text[-1](update, context, None)
    else:
        await _default_reply(update, context)


def _sounds_urgent(text: str, state: ChatState, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Red-flag wording typed at a prompt that expects something else (a date, a duration)."""
    language = str(state.data.get("language") or "en")
    wordings = every_clinic_wordings(services(context).clinics)
    return triage(Report(text=text, language=language), wordings=wordings).level.at_least(Level.URGENT)


async def _red_flag_mid_flow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Safety first: an urgent report is never swallowed by a prompt waiting for other input.

    Enrolled patients get the full triage path (patient message and staff alert);
    someone not yet enrolled gets the emergency pointer. The flow stays where it
    was, so the patient can carry on afterwards.
    """
    from bot.ptb.chat import current_patient, reply_language

    if _free_text and await current_patient(update, context) is not None:
        await _free_text[-1](update, context, None)
        return
    message = update.effective_message
    assert message is not None
    language = await reply_language(update, context)
    await message.reply_html(services(context).text("common.red_flag_not_enrolled", language))


async def _default_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.ptb.chat import reply_language

    message = update.effective_message
    assert message is not None
    language = await reply_language(update, context)
    await message.reply_html(services(context).text("common.not_understood", language))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, route_text)]
