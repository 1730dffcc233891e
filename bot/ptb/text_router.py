"""Routes a patient's plain text to the conversation that is waiting for it.

Flows (enrolment, check-in note, reschedule, pause) each own a ``TextFlow``;
the chat's ``ChatState.flow`` picks one. Text outside any flow goes to the
free-text handler (triage), so a patient can write "I have a fever" at any
moment and be heard. The wiring module builds one ``TextRouter`` from the
features' flows; nothing registers itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.core import chat_state
from bot.core.models import ChatState
from bot.core.services import services
from bot.core.triage_wordings import urgent_by_any_clinic
from bot.ptb.chat import current_patient, reply_language


class Next(Enum):
    """What a flow's handler asks the router to do after it: return it, or ``None`` for nothing."""

    FREE_TEXT = "free_text"  # read the same text as a free-text report too (the flow has let go)


TextHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, ChatState | None], Awaitable[Next | None]]


@dataclass(frozen=True)
class TextFlow:
    """The handler of text typed while a chat is in flow ``name``.

    Text in any other flow is checked for red flags first; a flow that reads
    health text anyway (a check-in note, a reschedule note) ``triages_itself``.
    """

    name: str
    handler: TextHandler
    triages_itself: bool = False


class TextRouter:
    """One ``MessageHandler`` for private text, dispatching on the chat's flow."""

    def __init__(self, flows: Sequence[TextFlow], free_text: TextHandler) -> None:
        self._flows = {flow.name: flow for flow in flows}
        self._free_text = free_text

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        return [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, self.route)]

    async def route(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None or update.effective_message is None:
            return
        async with services(context).db.session() as session:
            state = await chat_state.get(session, chat.id)
        flow = self._flows.get(state.flow) if state is not None else None
        if flow is None:
            await self._free_text(update, context, None)
            return
        assert state is not None
        if not flow.triages_itself and _sounds_urgent(update.effective_message.text or "", state, context):
            await self._red_flag_mid_flow(update, context)
            return
        if await flow.handler(update, context, state) is Next.FREE_TEXT:
            await self._free_text(update, context, None)

    async def _red_flag_mid_flow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Safety first: an urgent report is never swallowed by a prompt waiting for other input.

        Enrolled patients get the full triage path (patient message and staff alert);
        someone not yet enrolled gets the emergency pointer. The flow stays where it
        was, so the patient can carry on afterwards.
        """
        if await current_patient(update, context) is not None:
            await self._free_text(update, context, None)
            return
        message = update.effective_message
        assert message is not None
        language = await reply_language(update, context)
        await message.reply_html(services(context).text("common.red_flag_not_enrolled", language))


def _sounds_urgent(text: str, state: ChatState, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Red-flag wording typed at a prompt that expects something else (a date, a duration)."""
    language = str(state.data.get("language") or "en")
    return urgent_by_any_clinic(services(context).clinics, text, language)
