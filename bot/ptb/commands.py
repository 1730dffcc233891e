"""Slash commands declared once: the handler that answers and the "/" menus that list them.

Features return ``Command`` lists; the wiring module turns one list into both
the PTB handlers and Telegram's command menus (``bot.ptb.commands_menu``), so a
command cannot be answered without being listed, or listed without an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram.ext import BaseHandler


class Menu(StrEnum):
    """Who sees a command in Telegram's "/" menu."""

    PATIENT = "patient"  # every private chat
    STAFF = "staff"  # the clinic's staff chat


@dataclass(frozen=True)
class Command:
    name: str
    handler: BaseHandler[Any, Any, Any]
    menus: frozenset[Menu] = frozenset()

    @classmethod
    def listed(cls, name: str, handler: BaseHandler[Any, Any, Any], *menus: Menu) -> Command:
        return cls(name, handler, frozenset(menus))


def menu_names(commands: Sequence[Command], menu: Menu) -> tuple[str, ...]:
    """The names ``menu`` lists, in declaration order, each once."""
    return tuple(dict.fromkeys(command.name for command in commands if menu in command.menus))
