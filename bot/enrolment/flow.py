"""The enrolment conversation's state and the plumbing every step shares.

The state is a ``ChatState`` row (flow ``enrolment``) whose ``data`` is a
``FlowData``: what the patient has told us so far. The *next* step is derived
from that data (``next_step``) rather than stored transitions, so a resumed,
restarted or re-prompted conversation always lands on the first question not
yet answered. ``ChatState.message_id`` is the one prompt whose buttons are
live: a press on any other message is a stale button.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, ValidationError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import audit, chat_state
from bot.core.clinic_config import Clinic
from bot.core.models import ChatState
from bot.core.services import Services
from bot.domain.enrolment import next_screening_question

FLOW = "enrolment"
ACTOR = "patient"

Buttons = list[list[tuple[str, str]]]
"""Rows of (label, callback data)."""


class FlowData(BaseModel):
    """Answers collected so far; health answers are reduced to the flags staff will see."""

    model_config = ConfigDict(extra="ignore")

    invite_id: int
    clinic_id: str
    language: str
    language_chosen: bool = False
    consented: bool = False
    answered: list[str] = []
    flags: list[str] = []
    area: str | None = None
    area_preset: bool = False
    sessions: int | None = None
    timezone: str | None = None
    consented_at: datetime | None = None
    day: str | None = None
    first_at: datetime | None = None
    first_booked: bool = False
    first_later: bool = False
    first_confirmed: bool = False

    @classmethod
    def load(cls, data: dict[str, Any]) -> FlowData | None:
        """``None`` for data this version cannot read (treated like an expired flow)."""
        try:
            return cls.model_validate(data)
        except ValidationError:
            return None

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def next_step(flow: FlowData) -> str | None:
    """The first step whose answer is missing; ``None`` when everything is known."""
    if not flow.language_chosen:
        return "language"
    if not flow.consented:
        return "consent"
    question = next_screening_question(flow.answered)
    if question is not None:
        return f"screen_{question.key}"
    if flow.area is None:
        return "area"
    if flow.timezone is None:
        return "timezone"
    if flow.first_later or (flow.first_at is not None and flow.first_confirmed):
        return None
    if flow.first_at is not None:
        return "confirm_date"
    return "first_time" if flow.day is not None else "first_session"


@dataclass
class Prompt:
    text: str
    buttons: Buttons = field(default_factory=list)

    def markup(self) -> InlineKeyboardMarkup | None:
        if not self.buttons:
            return None
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
             for row in self.buttons]
        )


@dataclass
class Turn:
    """One update being handled inside the flow: who, which clinic, what we know."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    svc: Services
    chat_id: int
    user_id: int
    flow: FlowData
    clinic: Clinic
    message_id: int | None = None

    def t(self, key: str, **params: Any) -> str:
        """An ``enrolment.*`` text in the patient's language, with clinic overrides."""
        return self.svc.text(f"enrolment.{key}", self.flow.language, self.clinic, **params)

    def common(self, key: str, **params: Any) -> str:
        return self.svc.text(f"common.{key}", self.flow.language, self.clinic, **params)

    @property
    def now(self) -> datetime:
        return self.svc.clock.now()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.flow.timezone) if self.flow.timezone else self.clinic.tz


def turn_for(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services,
             state: ChatState) -> Turn | None:
    """Rebuild the turn from a stored state; ``None`` if the state is unusable."""
    flow = FlowData.load(state.data)
    user = update.effective_user
    clinic = svc.clinics.get(flow.clinic_id) if flow else None
    if flow is None or clinic is None or user is None:
        return None
    return Turn(update, context, svc, state.chat_id, user.id, flow, clinic, state.message_id)


async def send(turn: Turn, text: str, buttons: Buttons | None = None) -> Message:
    return await turn.context.bot.send_message(
        turn.chat_id, text, parse_mode=ParseMode.HTML,
        reply_markup=Prompt(text, buttons or []).markup(),
    )


async def save(turn: Turn, step: str, message_id: int | None,
               event: str | None = None, **details: Any) -> None:
    """Store the flow at ``step`` (buttons live on ``message_id``) and audit what just happened."""
    async with turn.svc.db.session() as session:
        await chat_state.put(session, turn.chat_id, FLOW, step, turn.flow.dump(),
                             user_id=turn.user_id, message_id=message_id)
        if event is not None:
            record(session, turn, event, **details)
    turn.message_id = message_id


def record(session: Any, turn: Turn, event: str, **details: Any) -> None:
    """An audit row about this enrolment: ids and kinds only, never answers or Telegram ids."""
    audit.record(session, event, clinic_id=turn.clinic.id, actor=ACTOR,
                 invite_id=turn.flow.invite_id, **details)


async def retire_keyboard(turn: Turn, message_id: int | None, chosen: str | None = None) -> None:
    """Take the buttons off an answered or superseded prompt, noting the choice.

    Best effort: the message may be too old to edit, and a failed cosmetic edit
    must never stop the conversation.
    """
    if message_id is None:
        return
    bot = turn.context.bot
    with contextlib.suppress(TelegramError):
        query = turn.update.callback_query
        original = query.message if query is not None else None
        if chosen is not None and isinstance(original, Message) and original.text_html:
            await bot.edit_message_text(f"{original.text_html}\n\n<b>✓ {chosen}</b>",
                                        chat_id=turn.chat_id, message_id=message_id,
                                        parse_mode=ParseMode.HTML, reply_markup=None)
        else:
            await bot.edit_message_reply_markup(turn.chat_id, message_id, reply_markup=None)


def pressed_label(update: Update) -> str | None:
    """The label of the button just pressed (HTML-escaped), read from the message itself."""
    query = update.callback_query
    message = query.message if query is not None else None
    if query is None or not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return escape(button.text, quote=False)
    return None
