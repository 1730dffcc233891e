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

from bot.models import ChatState
from bot.services import services
from bot.store import chat_state

TextHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, ChatState | None], Awaitable[None]]

_flows: dict[str, TextHandler] = {}
_free_text: list[TextHandler] = []


def on_text(flow: str) -> Callable[[TextHandler], TextHandler]:
    """Register the handler for text typed while the chat is in ``flow``."""

    def register(handler: TextHandler) -> TextHandler:
        _flows[flow] = handler
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
    if handler is not None:
        await handler(update, context, state)
    elif _free_text:
        await _free_text[-1](update, context, None)
    else:
        await _default_reply(update, context)


async def _default_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from bot.handlers.common import reply_language

    message = update.effective_message
    assert message is not None
    language = await reply_language(update, context)
    await message.reply_html(services(context).text("common.not_understood", language))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, route_text)]
