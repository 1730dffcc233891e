"""Inline-button payloads: short, versioned, parsed in one place.

Telegram allows 64 bytes of ``callback_data``. A payload is
``<version>:<action>:<arg>:<arg>...`` with a registered action name, e.g.
``1:lang:es`` or ``1:ci:42:sore:7``. Anything else (stale versions, forged or
truncated data) parses to ``None`` and the handler answers "this button has
expired" instead of raising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

VERSION = "1"
MAX_BYTES = 64
_ARG = re.compile(r"^[A-Za-z0-9_+\-./]{0,40}$")


class Action(StrEnum):
    """Every button kind the bot sends. Short names: they travel in every payload."""

    LANGUAGE = "lang"
    CONSENT = "consent"
    SCREEN = "scr"
    AREA = "area"
    TIMEZONE = "tz"
    FIRST_SESSION = "first"
    CONFIRM_DATE = "okdate"
    REMINDER = "rem"
    CHECKIN = "ci"
    FOLLOWUP = "fu"
    ACK_ALERT = "ack"
    ALERT = "alert"  # Take, Resolve, the outcome picked, Skip the note
    PAUSE = "pause"
    STOP = "stop"
    DELETE = "del"
    SET_LANGUAGE = "setlang"
    STAFF = "st"
    PAGE = "page"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Callback:
    action: Action
    args: tuple[str, ...]

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default

    def int_arg(self, index: int) -> int | None:
        value = self.arg(index)
        return int(value) if value.lstrip("-").isdigit() and len(value) < 19 else None


def encode(action: Action, *args: str | int) -> str:
    """Build a payload; raises ``ValueError`` if it would break Telegram's limit."""
    parts = [str(arg) for arg in args]
    for part in parts:
        if not _ARG.match(part):
            raise ValueError(f"callback argument {part!r} has characters outside [A-Za-z0-9_+-./]")
    data = ":".join([VERSION, action.value, *parts])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse a payload, or ``None`` for anything this version did not produce."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    if version != VERSION:
        return None
    name, *args = rest.split(":")
    try:
        action = Action(name)
    except ValueError:
        return None
    if not all(_ARG.match(arg) for arg in args):
        return None
    return Callback(action, tuple(args))


def pattern(action: Action) -> str:
    """A regex for ``CallbackQueryHandler(pattern=...)`` matching one action."""
    return rf"^{VERSION}:{re.escape(action.value)}(:|$)"
