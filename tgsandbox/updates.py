"""The pending-update queue (getUpdates/webhook) and a change notifier for waiters.

Updates stay queued until acknowledged, exactly as on Telegram: getUpdates
returns them without removing them, and a later call with ``offset`` higher
than their ids confirms them. So a bot killed after fetching but before
confirming sees the same updates again on restart, which is what the
restart/duplicate tests need.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Notifier:
    """Wakes every waiter whenever something changed; waiters re-check their condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the next change; False if none came."""
        event = self._event
        if seconds <= 0:
            return False
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def wait_for(self, check: Callable[[], T | None], seconds: float) -> T | None:
        """Re-evaluate ``check`` after every change until it returns non-None or time runs out."""
        deadline = time.monotonic() + seconds
        while True:
            result = check()
            if result is not None:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            await self.wait(left)


class UpdateQueue:
    def __init__(self, notifier: Notifier, first_id: int = 1) -> None:
        self._notifier = notifier
        self._pending: list[dict[str, Any]] = []
        self._next_id = first_id
        self.total = 0

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self.total += 1
        self._pending.append(update)
        self._notifier.notify()
        return update

    def __len__(self) -> int:
        return len(self._pending)

    @property
    def last_id(self) -> int:
        return self._next_id - 1

    def confirm(self, offset: int) -> None:
        """Telegram's ``offset`` semantics, including negative offsets (keep the last -offset)."""
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def peek(self, limit: int = 100) -> list[dict[str, Any]]:
        return list(self._pending[:limit])

    def drop(self, update_id: int) -> None:
        self._pending = [u for u in self._pending if u["update_id"] != update_id]

    def clear(self) -> int:
        dropped = len(self._pending)
        self._pending.clear()
        return dropped
