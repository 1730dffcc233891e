"""The scheduling components ``bot.runtime.BotRuntime`` starts after the PTB application.

Started after ``Application.start()`` (so the JobQueue runs) and stopped
before it, in reverse order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application

from bot.core.services import Services
from bot.staff.digest import DigestPlanner
from jobs.dispatcher import Dispatcher

if TYPE_CHECKING:
    from bot.runtime import Component


def components(services: Services, application: Application[Any, Any, Any, Any, Any, Any]) -> list[Component]:
    """The dispatcher (catch-up pass and arming at start; graceful hand-back at stop), then the
    digest planner (next daily digest row per clinic; it pokes the started dispatcher)."""
    dispatcher = Dispatcher(services, application)
    services.dispatcher = dispatcher
    return [dispatcher, DigestPlanner(services, application)]
