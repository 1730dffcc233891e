"""Per-kind senders: how one claimed ScheduledMessage becomes one Telegram message.

A sender is ``async def send(ctx: SendContext) -> Sent | Skipped``, registered
with ``@sender(MessageKind.X)``; a later registration replaces an earlier one,
so a feature module can take over a kind (the check-in feature replaces the
minimal CHECKIN/FOLLOWUP/NUDGE senders below). Feature modules are imported by
``load_senders()``: add yours to ``OPTIONAL_SENDER_MODULES``.

Contract: the dispatcher has already applied the misfire policy and the
patient's status (paused: skipped; stopped: cancelled) and will record the
outcome; a sender re-checks what only it knows (is the session still
upcoming?), makes exactly one send call, and lets Telegram errors propagate
(``jobs.telegram_send`` maps them). It must not hold a database session
across the network call: open short ones with ``ctx.session()``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.core.callbacks import Action, encode
from bot.core.clinic_config import Clinic
from bot.core.models import Course, MessageKind, Patient, SessionStatus, TreatmentSession
from bot.core.services import Services
from jobs.claims import Due
from messages.render import format_when

OPTIONAL_SENDER_MODULES = ("bot.checkins.senders", "bot.checkins.escalation", "bot.staff.digest")


@dataclass
class SendContext:
    """Everything a sender needs; ``patient``/``clinic`` are None for rows without them."""

    bot: Bot
    services: Services
    message: Due
    patient: Patient | None
    clinic: Clinic | None
    now: datetime

    def session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A short database session (committed on exit); never keep it across a send."""
        return self.services.db.session()

    @property
    def language(self) -> str:
        return self.patient.language if self.patient else (self.clinic.default_language if self.clinic else "en")


@dataclass(frozen=True)
class Sent:
    telegram_message_id: int | None


@dataclass(frozen=True)
class Skipped:
    """Not sent on purpose: ``cancel`` marks it cancelled (obsolete) instead of skipped."""

    reason: str
    cancel: bool = False


SendResult = Sent | Skipped
Sender = Callable[[SendContext], Awaitable[SendResult]]

_registry: dict[str, Sender] = {}


def sender(kind: MessageKind | str) -> Callable[[Sender], Sender]:
    """Register the sender of ``kind`` (replacing any earlier one)."""

    def register(function: Sender) -> Sender:
        _registry[str(kind)] = function
        return function

    return register


def sender_for(kind: str) -> Sender | None:
    return _registry.get(kind)


def load_senders() -> None:
    """Import the modules that register senders (idempotent)."""
    for name in OPTIONAL_SENDER_MODULES:
        try:
            __import__(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


# ---- reminders ---------------------------------------------------------------------------

def reminder_text(services: Services, patient: Patient, clinic: Clinic | None, area: str,
                  row: TreatmentSession) -> str:
    """The reminder as the patient reads it: their language, their timezone."""
    key = "reminders.upcoming_confirmed" if row.status == SessionStatus.CONFIRMED else "reminders.upcoming"
    area_name = clinic.area_name(area, patient.language) if clinic and area in clinic.protocols else area
    return services.text(
        key, patient.language, clinic,
        area=area_name, number=row.number, clinic_name=clinic.name if clinic else "",
        when=format_when(row.scheduled_at, ZoneInfo(patient.timezone), patient.language),
    )


def reminder_keyboard(services: Services, patient: Patient, clinic: Clinic | None,
                      row: TreatmentSession) -> InlineKeyboardMarkup:
    """Confirm (unless already confirmed) and Need to reschedule."""
    buttons = []
    if row.status != SessionStatus.CONFIRMED:
        buttons.append(InlineKeyboardButton(services.text("reminders.button_confirm", patient.language, clinic),
                                            callback_data=encode(Action.REMINDER, "ok", row.id or 0)))
    buttons.append(InlineKeyboardButton(services.text("reminders.button_reschedule", patient.language, clinic),
                                        callback_data=encode(Action.REMINDER, "rs", row.id or 0)))
    return InlineKeyboardMarkup([[button] for button in buttons])


@sender(MessageKind.REMINDER)
async def send_reminder(ctx: SendContext) -> SendResult:
    """A session reminder with Confirm / Need to reschedule, if the session is still ahead."""
    patient = ctx.patient
    if patient is None or patient.chat_id is None or ctx.message.session_id is None:
        return Skipped("no_recipient", cancel=True)
    async with ctx.session() as session:
        row = await session.get(TreatmentSession, ctx.message.session_id)
        course = await session.get(Course, row.course_id) if row is not None else None
    if row is None or course is None or row.status not in (SessionStatus.PLANNED, SessionStatus.CONFIRMED):
        return Skipped("session_not_upcoming", cancel=True)
    if row.scheduled_at <= ctx.now:
        return Skipped("session_started")
    sent = await ctx.bot.send_message(
        patient.chat_id,
        reminder_text(ctx.services, patient, ctx.clinic, course.area, row),
        parse_mode=ParseMode.HTML,
        reply_markup=reminder_keyboard(ctx.services, patient, ctx.clinic, row),
    )
    return Sent(sent.message_id)


# ---- minimal defaults, replaced by the check-in feature ----------------------------------

def _contact(ctx: SendContext) -> dict[str, Any]:
    clinic = ctx.clinic
    if clinic is None:
        return {"phone": "", "hours": "", "after_hours": "", "emergency": ""}
    return {"phone": clinic.contact.phone, "hours": clinic.contact.hours,
            "after_hours": clinic.contact.after_hours, "emergency": clinic.emergency_number}


async def _send_simple(ctx: SendContext, key: str) -> SendResult:
    patient = ctx.patient
    if patient is None or patient.chat_id is None:
        return Skipped("no_recipient", cancel=True)
    payload = ctx.message.payload
    text = ctx.services.text(key, patient.language, ctx.clinic, days=payload.get("days_since", 0),
                             **_contact(ctx))
    sent = await ctx.bot.send_message(patient.chat_id, text, parse_mode=ParseMode.HTML)
    return Sent(sent.message_id)


@sender(MessageKind.CHECKIN)
async def send_checkin(ctx: SendContext) -> SendResult:
    """Placeholder: a plain "how are you" with the clinic's contact (no buttons, no triage)."""
    return await _send_simple(ctx, "reminders.checkin_default")


@sender(MessageKind.FOLLOWUP)
async def send_followup(ctx: SendContext) -> SendResult:
    """Placeholder: a plain outcome question with the clinic's contact."""
    return await _send_simple(ctx, "reminders.followup_default")


@sender(MessageKind.NUDGE)
async def send_nudge(ctx: SendContext) -> SendResult:
    """Placeholder: a plain nudge about an unanswered check-in."""
    return await _send_simple(ctx, "reminders.nudge_default")
