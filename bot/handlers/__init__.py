"""Telegram handlers, one module per feature; each exposes ``handlers()``."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler


def enrolment_optional() -> list[BaseHandler[Any, Any, Any]]:
    """Feature modules that are wired when present (removed once all have landed)."""
    found: list[BaseHandler[Any, Any, Any]] = []
    for name in ("staff", "console_link", "enrolment", "reminders", "checkin", "selfservice"):
        try:
            module = __import__(f"bot.handlers.{name}", fromlist=["handlers"])
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.handlers.{name}":
                raise
            continue
        found.extend(module.handlers())
    return found
