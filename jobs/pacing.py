"""Per-chat pacing: at most one scheduled message a second to the same chat.

PTB's ``AIORateLimiter`` keeps the whole bot under ~30 messages a second and
paces groups, but does not pace private chats, while Telegram (and the
sandbox: burst 3, then 1/s) answers a faster stream to one chat with 429.
A patient rarely has two messages due together (a check-in and a follow-up
after a long outage, say), so the cost is small: only that chat waits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class ChatSpacer:
    """Hands out send slots per chat, ``gap`` seconds apart; safe for concurrent callers."""

    def __init__(self, gap: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.gap = gap
        self._clock = clock
        self._next_slot: dict[int, float] = {}

    def reserve(self, chat_id: int) -> float:
        """Book the chat's next slot; returns how long to wait for it (0 = now)."""
        now = self._clock()
        slot = max(now, self._next_slot.get(chat_id, 0.0))
        self._next_slot[chat_id] = slot + self.gap
        if len(self._next_slot) > 10_000:
            self._prune(now)
        return slot - now

    async def wait(self, chat_id: int) -> None:
        delay = self.reserve(chat_id)
        if delay > 0:
            await asyncio.sleep(delay)

    def _prune(self, now: float) -> None:
        """Forget chats whose next slot is already free (keeps memory flat in a 10k burst)."""
        for chat_id in [chat for chat, slot in self._next_slot.items() if slot <= now]:
            del self._next_slot[chat_id]
