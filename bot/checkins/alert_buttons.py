"""The staff chat's Take and Resolve buttons, the outcome picker, and the note typed as a reply.

- **Take** (``1:alert:take:<id>``): the alert is the presser's ("Taken by
  Sam"); it acknowledges too and stops the re-alerts.
- **Resolve** (``1:alert:res:<id>``): the bot answers the post with the four
  outcomes as buttons (and Cancel). Picking one (``1:alert:out:<id>:<outcome>``)
  resolves the alert at once, and the picker becomes "reply to this message
  with a note, or Skip": a reply to it is stored as the resolution note
  (``Alert.note_prompt_id`` remembers which message waits, so a restart loses
  nothing); Skip (``1:alert:skip:<id>``) leaves it without one.

After each step every post of the alert is edited to its state
(``alert_handlers.refresh_posts``). Who may press: the clinic's staff; a
``viewer`` is told their role only reads; anyone else gets the neutral
refusal. The words of notes never reach a log.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.checkins import alert_handling as handling
from bot.checkins import alert_queries as alerts
from bot.checkins import alert_texts
from bot.checkins.alert_handlers import pressed_alert, refresh_posts, refuse_outsider, refuse_viewer
from bot.checkins.alert_handling import HandlingError, Staffer
from bot.checkins.alert_texts import CANCEL, OUTCOME, RESOLVE, SKIP, TAKE
from bot.core.callbacks import Action, Callback, decode, encode, pattern
from bot.core.clinic_config import Clinic
from bot.core.models import Alert, AlertOutcome, Patient
from bot.core.services import Services, services


async def on_alert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take, Resolve, an outcome, Skip or Cancel on an alert's post in the staff chat."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    found = await pressed_alert(svc, query, 1)
    parsed = decode(query.data)
    if found is None or parsed is None:  # pressed_alert answered: the button names nothing that exists
        return
    alert, clinic = found
    if not clinic.is_staff(query.from_user.id):
        await refuse_outsider(svc, query, alert, clinic)
        return
    op = parsed.arg(0)
    if not clinic.can_act(query.from_user.id):
        await refuse_viewer(svc, query, alert, clinic, {TAKE: "take", RESOLVE: "resolve"}.get(op, "resolve"))
        return
    try:
        await _step(svc, context, query, parsed, alert, clinic)
    except HandlingError as error:
        await query.answer(_text(svc, clinic, error.key, **error.params), show_alert=True)


def _text(svc: Services, clinic: Clinic, key: str, **params: Any) -> str:
    return svc.text(f"alerts.{key}", alert_texts.staff_language(clinic), clinic, **params)


async def _step(svc: Services, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, parsed: Callback,
                alert: Alert, clinic: Clinic) -> None:
    who = Staffer(query.from_user.id, query.from_user.full_name, "telegram")
    op = parsed.arg(0)
    alert_id = alert.id or 0
    if op == TAKE:
        async with svc.db.session() as session:
            await handling.take(session, alert, who, svc.clock.now())
        await query.answer(_text(svc, clinic, "take_done"))
        await refresh_posts(svc, context.bot, alert_id)
    elif op == RESOLVE:
        if alert.resolved_at is not None:
            raise HandlingError("already_resolved", name=alert.resolved_name or "–")
        await query.answer()
        await _ask_outcome(svc, context, query, alert, clinic)
    elif op == OUTCOME:
        await _resolve(svc, context, query, alert, clinic, who, handling.outcome_of(parsed.arg(2)))
    elif op in (SKIP, CANCEL):
        async with svc.db.session() as session:
            fresh = await alerts.get(session, alert_id)
            if fresh is not None and op == SKIP:
                fresh.note_prompt_id = None
        await query.answer()
        key = "resolve_cancelled" if op == CANCEL else "resolved_short"
        await _edit_prompt(query.message, _text(svc, clinic, key, label=await _label(svc, alert),
                                                outcome=alert_texts.outcome_name(svc, clinic, alert.outcome)))
    else:
        await query.answer(svc.text("common.expired_button", alert_texts.staff_language(clinic)))


async def _label(svc: Services, alert: Alert) -> str:
    async with svc.db.session() as session:
        patient = await session.get(Patient, alert.patient_id)
    return patient.label if patient is not None else "–"


async def _ask_outcome(svc: Services, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, alert: Alert,
                       clinic: Clinic) -> None:
    """A picker under the post (a message of its own, so the alert's post keeps its buttons for others)."""
    alert_id = alert.id or 0

    def button(outcome: AlertOutcome) -> InlineKeyboardButton:
        return InlineKeyboardButton(alert_texts.outcome_name(svc, clinic, outcome),
                                    callback_data=encode(Action.ALERT, OUTCOME, alert_id, outcome.value))

    rows = [[button(AlertOutcome.CALLED), button(AlertOutcome.VISIT)],
            [button(AlertOutcome.EMERGENCY), button(AlertOutcome.NO_ACTION)],
            [InlineKeyboardButton(_text(svc, clinic, "cancel_button"),
                                  callback_data=encode(Action.ALERT, CANCEL, alert_id))]]
    text = _text(svc, clinic, "pick_outcome", label=await _label(svc, alert))
    reply_to = query.message.message_id if query.message is not None else None
    await context.bot.send_message(clinic.staff.chat_id, text, parse_mode=ParseMode.HTML,
                                   reply_markup=InlineKeyboardMarkup(rows), reply_to_message_id=reply_to)


async def _resolve(svc: Services, context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, alert: Alert,
                   clinic: Clinic, who: Staffer, outcome: AlertOutcome) -> None:
    """Resolve now; the picker asks for an optional note (a reply to it) and offers Skip."""
    alert_id = alert.id or 0
    prompt = query.message
    async with svc.db.session() as session:
        await handling.resolve(session, alert, who, outcome, "", svc.clock.now())
        fresh = await alerts.get(session, alert_id)
        if fresh is not None and prompt is not None:
            fresh.note_prompt_id = prompt.message_id
    await query.answer(_text(svc, clinic, "resolve_done"))
    skip = InlineKeyboardMarkup([[InlineKeyboardButton(_text(svc, clinic, "skip_button"),
                                                       callback_data=encode(Action.ALERT, SKIP, alert_id))]])
    await _edit_prompt(prompt, _text(svc, clinic, "note_prompt", label=await _label(svc, alert),
                                     outcome=alert_texts.outcome_name(svc, clinic, outcome)), skip)
    await refresh_posts(svc, context.bot, alert_id)


async def _edit_prompt(message: Any, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    if not isinstance(message, Message):
        return
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def on_note_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text replying to a "reply with a note" prompt in a staff chat: the resolution note.

    Only a reply to one of the bot's own messages can answer a prompt, so other
    replies in the group cost no database read.
    """
    message, user = update.effective_message, update.effective_user
    prompt = message.reply_to_message if message is not None else None
    if message is None or user is None or prompt is None or prompt.from_user is None \
            or prompt.from_user.id != context.bot.id:
        return
    svc = services(context)
    clinic = svc.clinics.clinic_for_staff_chat(message.chat.id)
    if clinic is None or not clinic.is_staff(user.id):
        return
    async with svc.db.session() as session:
        alert = await handling.awaiting_note(session, clinic.id, prompt.message_id)
        if alert is None:
            return
        allowed = clinic.can_act(user.id)
        saved = allowed and await handling.add_outcome_note(
            session, alert, Staffer(user.id, user.full_name, "telegram"), handling.note_of(message.text))
        patient = await session.get(Patient, alert.patient_id) if saved else None
    if not allowed:
        await message.reply_html(_text(svc, clinic, "viewer_refused"))
        return
    if not saved:
        return
    label = patient.label if patient is not None else "–"
    await _edit_prompt(prompt, _text(svc, clinic, "note_saved", label=label))
    await refresh_posts(svc, context.bot, alert.id or 0)


def buttons() -> list[BaseHandler[Any, Any, Any]]:
    return [CallbackQueryHandler(on_alert_button, pattern=pattern(Action.ALERT))]


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The note typed as a reply in a staff group (listed before the catch-alls)."""
    return [MessageHandler(filters.ChatType.GROUPS & filters.TEXT & filters.REPLY & ~filters.COMMAND,
                           on_note_reply)]
