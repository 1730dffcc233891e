"""The shapes the process is assembled from, known to every layer and owned by none.

``Component``: a part of the process with a lifetime (the dispatcher, the HTTP
server, the command menus), started in order and stopped in reverse by
``bot.runtime.BotRuntime``. ``DueAlarm``: what features may ask of the
scheduler's dispatcher without importing the engine (``jobs``), which sits
above this package.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Component(Protocol):
    """A part of the process with a lifetime."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class StartupError(Exception):
    """The bot cannot start; the message is the one line shown to the operator."""


class DueAlarm(Protocol):
    """The dispatcher as the rest of the process sees it."""

    @property
    def last_tick(self) -> float | None:
        """``time.monotonic()`` of its last run, for ``/healthz``; ``None`` before the first."""
        ...

    def poke(self, due_at: datetime | None = None) -> None:
        """Make sure it runs by ``due_at`` (default: now); cheap, call freely."""
        ...

    async def is_idle(self) -> bool:
        """Nothing due is left to send: no pass running, no row due now pending or in flight."""
        ...
