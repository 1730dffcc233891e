"""Telegram's "/" command menu, set with setMyCommands per language and scope.

Which commands each menu lists comes from the commands' own declarations
(``bot.ptb.commands``), gathered by the wiring module into one ``Menus``.
Patients see their commands in every private chat, in their Telegram app's
language (``BotCommandScopeAllPrivateChats`` with ``language_code`` en/es, and
English for everyone else). Staff see the staff commands in their clinic's
staff chat (``BotCommandScopeChat``), in each of the clinic's languages. When a
patient picks a language with /language that differs from their app's, their
own chat gets a menu in that language (``set_patient_menu``).

The menu is a convenience: a failure (network, a staff chat the bot is not in)
is logged and never stops the bot. Publishing runs as a background task at
start-up so a slow Bot API cannot delay polling.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Bot, BotCommand, BotCommandScope, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.clinic_config import Clinic
from bot.core.logging import get_logger
from bot.core.services import Services
from bot.ptb.commands import Command, Menu, menu_names
from messages.render import FALLBACK, LANGUAGES

log = get_logger("aftercare.commands_menu")
MENUS_KEY = "aftercare.menus"


@dataclass(frozen=True)
class Menus:
    """The command names of each menu, in the order Telegram shows them."""

    patient: tuple[str, ...]
    staff: tuple[str, ...]

    @classmethod
    def of(cls, commands: Sequence[Command]) -> Menus:
        return cls(menu_names(commands, Menu.PATIENT), menu_names(commands, Menu.STAFF))

    def patient_commands(self, services: Services, language: str) -> list[BotCommand]:
        return [BotCommand(name, services.text(f"menu.{name}", language)) for name in self.patient]

    def staff_commands(self, services: Services, language: str, clinic: Clinic | None = None) -> list[BotCommand]:
        return [BotCommand(name, services.text(f"menu.staff_{name}", language, clinic)) for name in self.staff]


def menus_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Menus:
    """The menus the application was built with (``bot.ptb.application.build_application``)."""
    found = application.bot_data.get(MENUS_KEY)
    if not isinstance(found, Menus):
        raise RuntimeError("application was built without command menus")
    return found


async def _set(bot: Bot, commands: list[BotCommand], scope: BotCommandScope, language: str | None) -> bool:
    """One setMyCommands call; ``False`` (logged) instead of an exception."""
    try:
        await bot.set_my_commands(commands, scope=scope, language_code=language)
    except (TelegramError, OSError) as exc:
        log.warning("set_commands_failed", scope=scope.type, language=language, error_type=type(exc).__name__)
        return False
    return True


async def publish(bot: Bot, services: Services, menus: Menus) -> int:
    """Set every menu; returns how many calls succeeded (the rest were logged)."""
    done = 0
    private = BotCommandScopeAllPrivateChats()
    done += await _set(bot, menus.patient_commands(services, FALLBACK), private, None)
    for language in LANGUAGES:
        done += await _set(bot, menus.patient_commands(services, language), private, language)
    for clinic in services.clinics:
        scope = BotCommandScopeChat(clinic.staff.chat_id)
        done += await _set(bot, menus.staff_commands(services, clinic.default_language, clinic), scope, None)
        for language in clinic.languages:
            done += await _set(bot, menus.staff_commands(services, language, clinic), scope, language)
    log.info("commands_published", calls=done)
    return done


async def set_patient_menu(bot: Bot, services: Services, menus: Menus, chat_id: int, language: str) -> bool:
    """Give one patient's chat the menu in the language they chose in the bot."""
    return await _set(bot, menus.patient_commands(services, language), BotCommandScopeChat(chat_id), None)


async def clear_patient_menu(bot: Bot, chat_id: int) -> None:
    """Drop a chat's own menu (after /delete the bot keeps nothing per chat)."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except (TelegramError, OSError) as exc:
        log.warning("delete_commands_failed", error_type=type(exc).__name__)


class CommandMenu:
    """Runtime component: publishes the menus in the background after the bot starts."""

    def __init__(self, services: Services, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.services = services
        self.application = application
        self.task: asyncio.Task[int] | None = None

    async def start(self) -> None:
        menus = menus_of(self.application)
        self.task = asyncio.create_task(publish(self.application.bot, self.services, menus), name="commands-menu")

    async def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

