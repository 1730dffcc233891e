"""The one place that assembles the bot: every handler, text flow, sender, web route and CLI command.

Features declare what they offer (``commands()``, ``buttons()``, flow handlers,
senders, route setups) and this module lists them, in priority order, the way
python-telegram-bot's examples wire theirs in ``main()``. Nothing registers
itself by being imported: to add a feature's piece, add it here.
"""

from __future__ import annotations

from typing import Any

import typer
from telegram.ext import BaseHandler

from bot.checkins import alert_buttons, escalation, media, notes, relay
from bot.checkins import handlers as checkin_handlers
from bot.checkins import senders as checkin_senders
from bot.checkins.queries import NOTE_FLOW
from bot.cli import (
    config_cmds,
    erase_cmd,
    invite_cmd,
    logs_cmd,
    outcomes_cmds,
    run_cli,
    run_cmds,
    staff_cmds,
    triage_cmd,
)
from bot.core.lifecycle import Component
from bot.core.models import MessageKind
from bot.core.services import Services
from bot.courses import course_ops, reminder_handlers, reminders
from bot.enrolment import handlers as enrolment_handlers
from bot.enrolment.flow import FLOW as ENROLMENT_FLOW
from bot.ptb import fallbacks
from bot.ptb.application import build_application
from bot.ptb.commands import Command
from bot.ptb.commands_menu import CommandMenu, Menus
from bot.ptb.text_router import TextFlow, TextRouter
from bot.runtime import BotRuntime
from bot.selfservice import handlers as selfservice_handlers
from bot.selfservice import pause
from bot.staff import console_link, digest
from bot.staff import handlers as staff_handlers
from bot.web import console, health, metrics_view, webhook
from bot.web.runtime import HttpServer
from bot.web.server import RouteSetup
from jobs.dispatcher import Dispatcher
from jobs.senders import Sender


def commands() -> list[Command]:
    """Every slash command, staff first, in the order the "/" menus list them."""
    return [
        *staff_handlers.commands(),
        *console_link.commands(),
        *selfservice_handlers.commands(),
        *enrolment_handlers.commands(),
        selfservice_handlers.help_command(),
    ]


def text_router() -> TextRouter:
    """Typed text: to the flow the chat is in, else to free-text triage."""
    return TextRouter(
        flows=[
            TextFlow(ENROLMENT_FLOW, enrolment_handlers.on_text),
            TextFlow(reminder_handlers.FLOW, reminder_handlers.on_preferred_time, triages_itself=True),
            TextFlow(NOTE_FLOW, notes.on_note, triages_itself=True),
            TextFlow(pause.FLOW, pause.typed_duration),
        ],
        free_text=notes.on_free_text,
    )


def handlers(declared: list[Command]) -> list[BaseHandler[Any, Any, Any]]:
    """The whole surface of the bot in priority order: the first match wins, catch-alls last."""
    return [
        *(command.handler for command in declared),
        *staff_handlers.buttons(),
        *enrolment_handlers.buttons(),
        *reminder_handlers.buttons(),
        *checkin_handlers.buttons(),
        *alert_buttons.buttons(),
        *selfservice_handlers.buttons(),
        *alert_buttons.handlers(),
        *text_router().handlers(),
        *media.media_handlers(),
        *fallbacks.handlers(),
    ]


def senders() -> dict[str, Sender]:
    """Who writes each kind of scheduled message the dispatcher sends."""
    return {
        MessageKind.REMINDER: reminders.send_reminder,
        MessageKind.CHECKIN: checkin_senders.send_checkin,
        MessageKind.FOLLOWUP: checkin_senders.send_followup,
        MessageKind.NUDGE: checkin_senders.send_nudge,
        MessageKind.ESCALATION: escalation.send_escalation_row,
        MessageKind.REALERT: escalation.send_realert,
        MessageKind.RELAY: relay.send_relay_row,
        MessageKind.DIGEST: digest.send_digest,
    }


def web_routes() -> list[RouteSetup]:
    """The HTTP server's routes: health, metrics, the Telegram webhook, the web console."""
    return [health.setup, metrics_view.setup, webhook.setup, console.setup]


def build_runtime(services: Services, *, poll_interval: float = 0.0) -> BotRuntime:
    """The bot process: PTB application, then dispatcher, digest planner, HTTP server, command menus."""
    declared = commands()
    application = build_application(services, handlers(declared), Menus.of(declared))
    dispatcher = Dispatcher(services, application, senders(), on_blocked=course_ops.mark_blocked)
    services.dispatcher = dispatcher
    components: list[Component] = [
        dispatcher,
        digest.DigestPlanner(services, application),
        HttpServer(services, application, web_routes()),
        CommandMenu(services, application),
    ]
    return BotRuntime(services, application, components, poll_interval=poll_interval)


def cli() -> typer.Typer:
    """``aftercare ...``: every command of the command line."""
    app = typer.Typer(name="aftercare", help="Prolotherapy aftercare Telegram bot.", no_args_is_help=True,
                      add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    app.command("check-config")(config_cmds.check_config)
    app.command("migrate")(config_cmds.migrate)
    app.command("run")(run_cmds.run)
    app.command("demo")(run_cmds.demo)
    app.command("invite")(invite_cmd.invite)
    app.command("patients")(staff_cmds.patients)
    app.command("patient")(staff_cmds.patient)
    app.command("book")(staff_cmds.book)
    app.command("done")(staff_cmds.done)
    app.command("triage")(triage_cmd.triage_command)
    app.command("logs")(logs_cmd.logs)
    app.command("erase")(erase_cmd.erase)
    app.command("outcomes")(outcomes_cmds.outcomes_command)
    app.command("export")(outcomes_cmds.export_command)
    return app


def main(argv: list[str] | None = None) -> None:
    """The ``aftercare`` console script (and ``python -m bot``)."""
    run_cli(cli(), argv, build_runtime)
