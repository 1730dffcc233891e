"""Clinic staff tools in Telegram: invites, booking, sessions done or missed, patients, alerts.

``handlers()`` is wired before the patient features (``bot.handlers``
discovers this module first), so a staff command is never mistaken for a
patient's. Who counts as staff, which clinic a command acts on and how
refusals look is ``staff_access``; the commands live in ``staff_invite``,
``staff_sessions`` and ``staff_overview``; the data they read and the
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
from bot.staff import invite as staff_invite
from bot.staff import overview as staff_overview
from bot.staff import sessions as staff_sessions
from bot.staff.access import StaffCommand, StaffTurn, resolve_button, staff_command
from bot.staff.staff_actions import StaffError

COMMANDS: dict[str, StaffCommand] = {
    "invite": staff_invite.invite,
    "book": staff_sessions.book,
    "reschedule": staff_sessions.reschedule,
    "cancel_session": staff_sessions.cancel_session,
    "done": staff_sessions.done,
    "missed": staff_sessions.missed,
    "patients": staff_overview.patients,
    "patient": staff_overview.patient,
    "alerts": staff_overview.alerts,
}

ButtonHandler = Callable[[StaffTurn, Callback], Awaitable[None]]
BUTTONS: dict[str, ButtonHandler] = {
    staff_overview.PAGE_OP: staff_overview.patients_page,
    staff_invite.INVITE_OP: staff_invite.invite_button,
}


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
    try:
        await handler(turn, callback)
    except StaffError as error:
        if query is not None:
            await query.answer()
        await turn.reply(turn.error_text(error))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """One command handler per staff command, and the staff button handler."""
    found: list[BaseHandler[Any, Any, Any]] = [staff_command(name, handler) for name, handler in COMMANDS.items()]
    found.append(CallbackQueryHandler(staff_button, pattern=pattern(Action.STAFF)))
    return found
