"""The command menu: what each scope and language gets, and failures that never stop the bot."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, BotCommandScope
from telegram.error import NetworkError
from telegram.ext import CommandHandler

from bot.core.db import Database
from bot.core.services import Services
from bot.core.settings import Settings
from bot.ptb.commands_menu import Menus, publish
from bot.wiring import commands
from tests.support.clinic import STAFF_CHAT_ID, registry

PATIENT_MENU = ("status", "history", "pause", "resume", "language", "export", "stop", "delete", "cancel", "help")
STAFF_MENU = ("invite", "book", "reschedule", "cancel_session", "done", "missed", "patients", "patient", "alerts",
              "console", "help")
MENUS = Menus.of(commands())


class FakeBot:
    def __init__(self, fail_every: int = 0) -> None:
        self.calls: list[tuple[str, str | None, list[BotCommand], dict[str, Any]]] = []
        self.fail_every = fail_every

    async def set_my_commands(self, commands: list[BotCommand], scope: BotCommandScope,
                              language_code: str | None) -> bool:
        self.calls.append((scope.type, language_code, commands, scope.to_dict()))
        if self.fail_every and len(self.calls) % self.fail_every == 0:
            raise NetworkError("down")
        return True


def _services() -> Services:
    return Services(settings=Settings(_env_file=None), clinics=registry(), db=Database("sqlite://"))


async def test_patients_get_private_menus_and_staff_their_chat_per_language() -> None:
    bot = FakeBot()
    assert await publish(bot, _services(), MENUS) == 6  # type: ignore[arg-type]
    scopes = [(scope, language) for scope, language, _, _ in bot.calls]
    assert scopes == [("all_private_chats", None), ("all_private_chats", "en"), ("all_private_chats", "es"),
                      ("chat", None), ("chat", "en"), ("chat", "es")]
    private_es = bot.calls[2][2]
    assert [c.command for c in private_es] == list(PATIENT_MENU)
    assert private_es[0].description == "Su próxima sesión y seguimiento"
    staff = bot.calls[4]
    assert staff[3]["chat_id"] == STAFF_CHAT_ID
    assert [c.command for c in staff[2]] == list(STAFF_MENU)


async def test_failed_calls_are_counted_and_the_rest_still_happen() -> None:
    bot = FakeBot(fail_every=2)
    assert await publish(bot, _services(), MENUS) == 3  # type: ignore[arg-type]
    assert len(bot.calls) == 6


def test_descriptions_fit_telegram_limits() -> None:
    services = _services()
    for language in ("en", "es"):
        for command in MENUS.patient_commands(services, language):
            assert 1 <= len(command.description) <= 256 and command.command.islower()


def test_every_listed_command_is_answered_by_its_own_handler() -> None:
    for command in commands():
        assert isinstance(command.handler, CommandHandler)
        assert command.handler.commands == frozenset({command.name})
    assert MENUS.patient == PATIENT_MENU and MENUS.staff == STAFF_MENU
