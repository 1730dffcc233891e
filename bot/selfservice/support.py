"""What every self-service command shares: who is asking, in which language, and replies.

An ``Ask`` is one patient command being answered: the live enrolment (if
any), its clinic, the language to answer in and the timezone to show times
in. Helpers here reply with or without buttons, take buttons off an answered
prompt, and tell the clinic's staff chat about a change (staff must see
pauses, stops and deletions; a failed staff post is logged, never fatal).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import patients
from bot.core.clinic_config import Clinic
from bot.core.logging import get_logger
from bot.core.models import CheckIn, Patient
from bot.core.services import Services, services
from bot.ptb.chat import reply_language
from messages.render import Safe, format_when

log = get_logger("aftercare.selfservice")

Buttons = list[list[tuple[str, str]]]
"""Rows of (label, callback data)."""

NOTE_PREVIEW = 100


@dataclass
class Ask:
    update: Update
    context: ContextTypes.DEFAULT_TYPE
    svc: Services
    language: str
    patient: Patient | None = None
    clinic: Clinic | None = None

    def t(self, key: str, **params: Any) -> str:
        """A ``selfservice.*`` text in the patient's language, with clinic overrides."""
        return self.svc.text(f"selfservice.{key}", self.language, self.clinic, **params)

    def common(self, key: str, **params: Any) -> str:
        return self.svc.text(f"common.{key}", self.language, self.clinic, **params)

    @property
    def now(self) -> datetime:
        return self.svc.clock.now()

    @property
    def tz(self) -> tzinfo:
        if self.patient is not None:
            return ZoneInfo(self.patient.timezone)
        return self.clinic.tz if self.clinic is not None else ZoneInfo("UTC")

    def when(self, moment: datetime) -> str:
        """A date and time as the patient reads it: their language, their timezone."""
        return format_when(moment, self.tz, self.language)

    @property
    def chat_id(self) -> int:
        chat = self.update.effective_chat
        assert chat is not None
        return chat.id

    @property
    def user_id(self) -> int:
        user = self.update.effective_user
        assert user is not None
        return user.id


async def ask_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Ask:
    """The asking user's live enrolment (active or paused) and language."""
    svc = services(context)
    user = update.effective_user
    patient = None
    if user is not None:
        async with svc.db.session() as session:
            patient = await patients.current_for_user(session, user.id)
    if patient is None:
        return Ask(update, context, svc, await reply_language(update, context))
    return Ask(update, context, svc, patient.language, patient, svc.clinics.get(patient.clinic_id))


async def enrolled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Ask | None:
    """The ``Ask`` of an enrolled patient, or ``None`` after telling them they are not enrolled."""
    ask = await ask_for(update, context)
    if ask.patient is None or ask.clinic is None:
        await reply(ask, ask.t("not_enrolled"))
        return None
    return ask


def keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in buttons])


async def reply(ask: Ask, text: str, buttons: Buttons | None = None) -> Message:
    """Send ``text`` (HTML) to the asking chat, whether the update was a message or a button."""
    return await ask.context.bot.send_message(ask.chat_id, text, parse_mode=ParseMode.HTML,
                                              reply_markup=keyboard(buttons))


async def retire_prompt(update: Update) -> None:
    """Take the buttons off the prompt just answered and note the choice under it (best effort)."""
    query = update.callback_query
    message = query.message if query is not None else None
    if query is None or not isinstance(message, Message):
        return
    chosen = next((button.text for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
                   for button in row if button.callback_data == query.data), None)
    with contextlib.suppress(TelegramError):
        if chosen and message.text_html:
            await message.edit_text(f"{message.text_html}\n\n<b>✓ {escape(chosen, quote=False)}</b>",
                                    parse_mode=ParseMode.HTML, reply_markup=None)
        else:
            await message.edit_reply_markup(reply_markup=None)


async def expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a stale or forged button press without doing anything."""
    query = update.callback_query
    if query is None:
        return
    language = await reply_language(update, context)
    with contextlib.suppress(TelegramError):
        await query.answer(services(context).text("common.expired_button", language))


async def tell_staff(svc: Services, ask: Ask, clinic: Clinic | None, key: str, **params: Any) -> None:
    """Post ``selfservice.<key>`` in the clinic's staff chat, in the clinic's language."""
    if clinic is None:
        return
    text = svc.text(f"selfservice.{key}", clinic.default_language, clinic, **params)
    try:
        await ask.context.bot.send_message(clinic.staff.chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("staff_notice_failed", clinic=clinic.id, notice=key, error_type=type(exc).__name__)


def staff_when(clinic: Clinic, moment: datetime) -> str:
    return format_when(moment, clinic.tz, clinic.default_language)


def answers_text(ask: Ask, check_in: CheckIn) -> Safe:
    """The patient's answers in one line: "soreness 4/10, swelling mild, your note: “…”"."""
    parts: list[str] = []
    if check_in.soreness is not None:
        parts.append(ask.t("answer_soreness", value=check_in.soreness))
    if check_in.swelling:
        parts.append(ask.t("answer_swelling", value=_choice(ask, "swelling", check_in.swelling)))
    if check_in.function:
        parts.append(ask.t("answer_function", value=_choice(ask, "function", check_in.function)))
    if check_in.signs:
        parts.append(ask.t("answer_signs", count=len(check_in.signs)))
    if check_in.note:
        note = check_in.note if len(check_in.note) <= NOTE_PREVIEW else check_in.note[:NOTE_PREVIEW - 1] + "…"
        parts.append(ask.t("answer_note", note=note))
    return Safe(", ".join(parts) if parts else ask.t("answer_none"))


def _choice(ask: Ask, group: str, value: str) -> Safe:
    """A stored choice (``mild``, ``better``) in words; unknown values shown escaped as stored."""
    key = f"selfservice.{group}_{value}"
    if key in ask.svc.catalog.keys(ask.language):
        return Safe(ask.svc.text(key, ask.language, ask.clinic))
    return Safe(escape(value, quote=False))


def advice_text(ask: Ask, level: str | None) -> str | None:
    """What the bot told the patient after their last answer, by triage level."""
    if level not in ("ok", "watch", "urgent", "emergency") or ask.clinic is None:
        return None
    return ask.t(f"advice_{level}", emergency=ask.clinic.emergency_number)


def contact_text(ask: Ask) -> str:
    """How to reach a person: every message about symptoms ends with it (docs/CLINICAL.md)."""
    clinic = ask.clinic
    if clinic is None:
        return ""
    contact = clinic.contact_in(ask.language)
    return ask.common("contact", phone=contact.phone, hours=contact.hours, after_hours=contact.after_hours,
                      emergency=clinic.emergency_number)

