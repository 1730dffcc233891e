"""Who may use a staff command or button, for which clinic, and how answers are phrased.

Staff are the Telegram user ids listed for a clinic, acting in a private chat
with the bot or in that clinic's staff chat. Each has a role: a ``clinician``
does everything, a ``viewer`` reads (``/patients``, ``/patient``, ``/alerts``)
and is told so, with an audit event, when a command would change something. Anyone else (a patient, a guest
in the staff group, a staff member in some other group) gets one neutral line
and an ``staff_refused`` audit event: no label, count or name that would tell
them anything about the clinic's patients.

Which clinic a command acts on: in a staff chat, that chat's clinic; in a
private chat, the member's only clinic, or the one named with
``--clinic ID`` (anywhere in the arguments) when they are staff at several.
Buttons carry the clinic id, and the presser is checked again on every press.

Replies are in the staff member's Telegram language when the bot speaks it,
else in the clinic's default language; times are on the clinic's clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.core import audit
from bot.core.audit import staff_actor
from bot.core.callbacks import Callback, decode
from bot.core.clinic_config import Clinic
from bot.core.services import Services, services
from bot.domain.datetime_input import HELP_EXAMPLES
from bot.domain.staff_input import split_clinic
from bot.staff.staff_actions import StaffError
from messages.render import LANGUAGES, Safe, format_when

Buttons = list[list[tuple[str, str]]]
"""Rows of (label, callback data)."""


@dataclass
class StaffTurn:
    """One staff command or button press being answered, for one clinic."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    svc: Services
    user_id: int
    chat_id: int
    clinic: Clinic
    language: str
    command: str
    args: list[str] = field(default_factory=list)

    def t(self, key: str, **params: Any) -> str:
        """A ``staff.*`` text in the staff member's language, with the clinic's overrides."""
        return self.svc.text(f"staff.{key}", self.language, self.clinic, **params)

    def has_text(self, key: str) -> bool:
        return key in self.svc.catalog.entries.get(self.language, {}) or key in self.svc.catalog.entries["en"]

    def label_text(self, prefix: str, value: str) -> str:
        """``staff.<prefix><value>`` if such a text exists, else the raw value (new statuses, flags)."""
        key = f"{prefix}{value}"
        return self.t(key) if self.has_text(f"staff.{key}") else value

    def when(self, moment: datetime) -> str:
        return format_when(moment, self.clinic.tz, self.language)

    @property
    def now(self) -> datetime:
        return self.svc.clock.now()

    @property
    def actor(self) -> str:
        return staff_actor(self.user_id)

    @property
    def example_label(self) -> str:
        return f"{self.clinic.label_prefix}-0042"

    def area_name(self, area: str | None) -> str:
        if area is None:
            return "–"
        return self.clinic.area_name(area, self.language) if area in self.clinic.protocols else area

    def error_text(self, error: StaffError) -> str:
        """The text of a ``StaffError``, with the examples and names every error may mention."""
        params: dict[str, Any] = {
            "example": self.example_label,
            "examples": ", ".join(HELP_EXAMPLES.get(self.language, HELP_EXAMPLES["en"])[:3]),
            "areas": ", ".join(self.clinic.protocols),
            **error.params,
        }
        if "status" in params:
            params["status"] = self.label_text("session_", str(params["status"]))
        return self.t(error.key, **params)

    async def reply(self, text: str, buttons: Buttons | None = None) -> None:
        await self.context.bot.send_message(self.chat_id, text, parse_mode=ParseMode.HTML,
                                            reply_markup=markup(buttons), disable_web_page_preview=True)

    async def photo(self, png: bytes, caption: str) -> None:
        await self.context.bot.send_photo(self.chat_id, png, caption=caption, parse_mode=ParseMode.HTML)

    async def edit(self, text: str, buttons: Buttons | None = None) -> None:
        """Replace the pressed message (paging); an unchanged page is not an error."""
        query = self.update.callback_query
        if query is None:
            await self.reply(text, buttons)
            return
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup(buttons),
                                          disable_web_page_preview=True)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise


def markup(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in buttons])


def staff_language(user: User, clinic: Clinic) -> str:
    code = (user.language_code or "")[:2]
    return code if code in LANGUAGES else clinic.default_language


def _visitor_language(user: User | None) -> str:
    code = ((user.language_code if user else None) or "")[:2]
    return code if code in LANGUAGES else "en"


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE, what: str) -> None:
    """The neutral refusal: one line, nothing about patients, and an audit event."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    text = svc.text("staff.refused", _visitor_language(user))
    staff_chat = svc.clinics.clinic_for_staff_chat(chat.id) if chat is not None else None
    async with svc.db.session() as session:
        audit.record(session, "staff_refused", clinic_id=staff_chat.id if staff_chat else None,
                     actor=f"user:{user.id}" if user else "unknown", level="warning", command=what,
                     chat_type=chat.type if chat else None)
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
    elif chat is not None:
        await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)


async def resolve(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> StaffTurn | None:
    """The staff turn for a command, or ``None`` after refusing or asking which clinic."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    clinics = svc.clinics.staff_clinics(user.id, chat.id)
    if not clinics:
        await refuse(update, context, command)
        return None
    parsed = split_clinic(list(context.args or []))
    chosen = clinics[0] if len(clinics) == 1 and parsed.clinic_id is None else None
    if parsed.clinic_id is not None:
        chosen = next((c for c in clinics if c.id == parsed.clinic_id), None)
    if chosen is None or parsed.missing_value:
        language = staff_language(user, clinics[0])
        ids = ", ".join(c.id for c in clinics)
        key, value = ("unknown_clinic", parsed.clinic_id) if parsed.clinic_id else ("pick_clinic", "")
        text = svc.text(f"staff.{key}", language, clinics[0], clinics=ids, value=value, command=command,
                        example=clinics[0].id)
        await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)
        return None
    return StaffTurn(update, context, svc, user.id, chat.id, chosen, staff_language(user, chosen), command,
                     parsed.rest)


async def resolve_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[StaffTurn, Callback] | None:
    """The turn for a staff button (``1:st:<op>:<clinic>:...``), checking the presser again."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.message is None:
        return None
    svc = services(context)
    callback = decode(query.data)
    clinic = svc.clinics.get(callback.arg(1)) if callback is not None else None
    if callback is None or clinic is None:
        await query.answer(svc.text("common.expired_button", _visitor_language(user)), show_alert=True)
        return None
    chat_id = query.message.chat.id
    if clinic not in svc.clinics.staff_clinics(user.id, chat_id):
        await refuse(update, context, f"button:{callback.arg(0)}")
        return None
    turn = StaffTurn(update, context, svc, user.id, chat_id, clinic, staff_language(user, clinic), callback.arg(0))
    return turn, callback


async def refuse_viewer(turn: StaffTurn) -> None:
    """A ``viewer`` asked for something that changes data: one clear line, and an audit event."""
    async with turn.svc.db.session() as session:
        audit.record(session, "staff_refused", clinic_id=turn.clinic.id, actor=turn.actor, level="warning",
                     command=turn.command, reason="viewer")
    text = turn.t("viewer_refused")
    query = turn.update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
    else:
        await turn.reply(text)


StaffCommand = Callable[[StaffTurn], Awaitable[None]]


def staff_command(command: str, handler: StaffCommand, *, changes: bool = False) -> CommandHandler[Any, Any]:
    """A ``CommandHandler`` that lets only staff through and turns ``StaffError`` into its reply.

    A command that ``changes`` something (booking, invites...) is for clinicians;
    a ``viewer`` gets ``refuse_viewer``.
    """

    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        turn = await resolve(update, context, command)
        if turn is None:
            return
        if changes and not turn.clinic.can_act(turn.user_id):
            await refuse_viewer(turn)
            return
        try:
            await handler(turn)
        except StaffError as error:
            await turn.reply(turn.error_text(error))

    return CommandHandler(command, callback, filters=filters.UpdateType.MESSAGE)


def joined(parts: list[str], separator: str = " · ") -> Safe:
    """Already-rendered pieces joined for insertion into another text."""
    return Safe(separator.join(parts))
