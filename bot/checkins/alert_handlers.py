"""The staff chat's Acknowledge button: who took an alert, and when, on every copy of it.

Only the clinic's staff (``clinic.staff.user_ids``) may acknowledge; anyone
else in the group gets a neutral refusal and an audit event, and a staff
member whose role is ``viewer`` is told their role only reads. The first press
wins (a conditional UPDATE); later presses are told who already has it. An
acknowledgement stops the re-alerts and edits every post of the alert to
show the name and time, so nobody in the chat picks it up twice.

``refresh_posts`` is that edit for every step of handling (acknowledged,
taken, resolved): the posts show the alert's state and the buttons that still
apply, whichever surface (chat or console) took the step.
"""

from __future__ import annotations

import asyncio

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.checkins import alert_handling as handling
from bot.checkins import alert_queries as alerts
from bot.checkins import alert_texts
from bot.checkins.alert_texts import Acknowledgement
from bot.core import audit
from bot.core.callbacks import decode
from bot.core.clinic_config import Clinic
from bot.core.logging import get_logger
from bot.core.models import Alert
from bot.core.services import Services, services
from messages.render import format_clock

log = get_logger("aftercare.alerts")


async def pressed_alert(svc: Services, query: CallbackQuery, id_at: int) -> tuple[Alert, Clinic] | None:
    """The alert a button names (its id is callback argument ``id_at``) and its clinic; None (answered) if gone."""
    parsed = decode(query.data)
    alert_id = parsed.int_arg(id_at) if parsed is not None else None
    async with svc.db.session() as session:
        alert = await alerts.get(session, alert_id) if alert_id is not None else None
    clinic = svc.clinics.get(alert.clinic_id) if alert is not None else None
    if alert is None or clinic is None:
        await query.answer(svc.text("common.expired_button", alert_texts.staff_language(clinic)))
        return None
    return alert, clinic


async def on_acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledge: the first press by a clinician wins; every post of the alert then shows who has it."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    found = await pressed_alert(svc, query, 0)
    if found is None:
        return
    alert, clinic = found
    language = alert_texts.staff_language(clinic)
    if not clinic.is_staff(query.from_user.id):
        await refuse_outsider(svc, query, alert, clinic)
        return
    if not clinic.can_act(query.from_user.id):
        await refuse_viewer(svc, query, alert, clinic, "acknowledge")
        return
    now = svc.clock.now()
    async with svc.db.session() as session:
        who = handling.Staffer(query.from_user.id, query.from_user.full_name, "telegram")
        won = await handling.acknowledge(session, alert, who, now)
        fresh = await alerts.get(session, alert.id or 0)
    if not won:
        at = fresh.acknowledged_at if fresh is not None and fresh.acknowledged_at else now
        await query.answer(svc.text("alerts.already_acknowledged", language, clinic,
                                    time=format_clock(at, clinic.tz, language)))
        return
    await query.answer(svc.text("alerts.ack_done", language, clinic))
    await show_acknowledged(svc, context, alert.id or 0, Acknowledgement(query.from_user.full_name, now))


async def refuse_viewer(svc: Services, query: CallbackQuery, alert: Alert, clinic: Clinic, action: str) -> None:
    """Staff with the ``viewer`` role read alerts but do not act on them: say so, and audit it."""
    async with svc.db.session() as session:
        audit.record(session, "alert_action_refused", clinic_id=clinic.id,
                     actor=audit.staff_actor(query.from_user.id), level="warning", alert=alert.id,
                     action=action, reason="viewer", channel="telegram")
    await query.answer(svc.text("alerts.viewer_refused", alert_texts.staff_language(clinic), clinic),
                       show_alert=True)


async def refuse_outsider(svc: Services, query: CallbackQuery, alert: Alert, clinic: Clinic) -> None:
    """Not staff: a neutral answer for them, an audit event for the clinic."""
    async with svc.db.session() as session:
        audit.record(session, "alert_ack_refused", clinic_id=clinic.id, actor=f"telegram:{query.from_user.id}",
                     level="warning", alert=alert.id)
    language = alert_texts.staff_language(clinic)
    await query.answer(svc.text("alerts.only_staff", language, clinic), show_alert=True)


async def show_acknowledged(
    svc: Services, context: ContextTypes.DEFAULT_TYPE, alert_id: int, ack: Acknowledgement
) -> None:
    """Edit every staff post of the alert: the summary, who acknowledged it and when."""
    await refresh_posts(svc, context.bot, alert_id, ack)


async def refresh_posts(svc: Services, bot: Bot, alert_id: int, ack: Acknowledgement | None = None) -> None:
    """Edit every staff post of the alert to its stored state, with the buttons that still apply."""
    async with svc.db.session() as session:
        alert = await alerts.get(session, alert_id)
        posts = await alerts.staff_posts(session, alert_id)
        text = await alert_texts.staff_text(session, svc, alert, acknowledged=ack) if alert else None
    clinic = svc.clinics.get(alert.clinic_id) if alert is not None else None
    if text is None or clinic is None or alert is None:
        return
    keyboard = alert_texts.alert_keyboard(svc, clinic, alert)
    for post in posts:
        await _edit(bot, clinic.staff.chat_id, post.telegram_message_id or 0, text, keyboard)


async def _edit(bot: Bot, chat_id: int, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """Best effort, one wait for a 429: the acknowledgement itself is already stored."""
    for _ in range(2):
        try:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                        parse_mode=ParseMode.HTML, reply_markup=keyboard)
            return
        except RetryAfter as exc:
            retry = exc.retry_after
            await asyncio.sleep(retry if isinstance(retry, int | float) else retry.total_seconds())
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                log.info("alert_edit_failed", error=type(exc).__name__)
            return
        except TelegramError as exc:
            log.info("alert_edit_failed", error=type(exc).__name__)
            return

