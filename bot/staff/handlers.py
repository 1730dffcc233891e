"""Clinic staff tools in Telegram: invites, booking, sessions done or missed, patients, alerts.

``commands()`` is wired before the patient features (``bot.wiring``), so a
staff command is never mistaken for a patient's. Who counts as staff, which
clinic a command acts on and how refusals look is ``access``; the commands
live in ``invite``, ``sessions`` and ``overview``; the data they read and the
operations they run are Telegram-free (``bot.staff.staff_views``,
``bot.staff.staff_actions``) and shared with the CLI and the web console.

Buttons: ``1:st:pg:<clinic>:<page>`` (patient list paging) and
``1:st:inv:<clinic>[:<area>]`` (invite area). Acknowledge buttons under
``/alerts`` use the alert posts' own ``ack`` payload, so the check-in
feature's acknowledgement handler serves both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.core.callbacks import Action, Callback, pattern
from bot.core.services import services
from bot.ptb.commands import Command, Menu
from bot.staff import invite, overview, sessions
from bot.staff.access import StaffCommand, StaffTurn, refuse_viewer, resolve_button, staff_command
from bot.staff.staff_actions import StaffError

COMMANDS: dict[str, StaffCommand] = {
    "invite": invite.invite,
    "book": sessions.book,
    "reschedule": sessions.reschedule,
    "cancel_session": sessions.cancel_session,
    "done": sessions.done,
    "missed": sessions.missed,
    "patients": overview.patients,
    "patient": overview.patient,
    "alerts": overview.alerts,
}

CHANGING = frozenset({"invite", "book", "reschedule", "cancel_session", "done", "missed"})
"""Commands that write something: clinicians only (a ``viewer`` is refused)."""

ButtonHandler = Callable[[StaffTurn, Callback], Awaitable[None]]
BUTTONS: dict[str, ButtonHandler] = {
    overview.PAGE_OP: overview.patients_page,
    invite.INVITE_OP: invite.invite_button,
}
CHANGING_BUTTONS = frozenset({invite.INVITE_OP})


async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every ``1:st:...`` press: check the presser, then run the button's operation."""
    resolved = await resolve_button(update, context)
    if resolved is None:
        return
    turn, callback = resolved
    handler = BUTTONS.get(callback.arg(0))
    query = update.callback_query
    if handler is None:
        if query is not None:
            await query.answer(services(context).text("common.expired_button", turn.language), show_alert=True)
        return
    if callback.arg(0) in CHANGING_BUTTONS and not turn.clinic.can_act(turn.user_id):
        await refuse_viewer(turn)
        return
    try:
        await handler(turn, callback)
    except StaffError as error:
        if query is not None:
            await query.answer()
        await turn.reply(turn.error_text(error))


def commands() -> list[Command]:
    """One command per staff operation, each listed in the staff chat's "/" menu."""
    return [Command.listed(name, staff_command(name, handler, changes=name in CHANGING), Menu.STAFF)
            for name, handler in COMMANDS.items()]


def buttons() -> list[BaseHandler[Any, Any, Any]]:
    return [CallbackQueryHandler(staff_button, pattern=pattern(Action.STAFF))]
