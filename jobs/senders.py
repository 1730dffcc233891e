"""Per-kind senders: how one claimed ScheduledMessage becomes one Telegram message.

A sender is ``async def send(ctx: SendContext) -> Sent | Skipped``. The engine
knows no kind's content: the features write the senders and the wiring module
(``bot.wiring``) hands the dispatcher a ``Senders`` mapping, kind -> sender.

Contract: the dispatcher has already applied the misfire policy and the
patient's status (paused: skipped; stopped: cancelled) and will record the
outcome; a sender re-checks what only it knows (is the session still
upcoming?), makes exactly one send call, and lets Telegram errors propagate
(``jobs.telegram_send`` maps them). It must not hold a database session
across the network call: open short ones with ``ctx.session()``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot

from bot.core.clinic_config import Clinic
from bot.core.models import Patient
from bot.core.services import Services
from jobs.claims import Due


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

Senders = Mapping[str, Sender]
