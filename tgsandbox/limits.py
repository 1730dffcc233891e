"""Flood limits: token buckets per bot and per chat, answering 429 like Telegram.

Telegram allows roughly 30 messages a second overall and about one a second
per chat (with a small burst), and answers excess with 429 and
``retry_after``. A bot that ignores ``retry_after`` gets stuck in production,
so the sandbox enforces the same shape by default; tests can shrink or disable
it. The clock is injectable so limiter tests need not sleep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from .errors import ApiError


@dataclass(frozen=True)
class FloodLimits:
    enabled: bool = True
    global_capacity: float = 30.0
    global_rate: float = 30.0  # tokens per second
    chat_capacity: float = 3.0
    chat_rate: float = 1.0
    group_capacity: float | None = None  # None: groups use the chat bucket settings
    group_rate: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class TokenBucket:
    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.updated = now

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        self._refill(now)
        if self.tokens >= 1.0:
            return 0.0
        if self.rate <= 0:
            return math.inf
        return (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0


class FloodLimiter:
    """Checks and consumes one token from the global bucket and the chat's bucket."""

    def __init__(self, limits: FloodLimits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or FloodLimits()
        self.clock = clock
        self.rejected = 0
        self._global: TokenBucket | None = None
        self._chats: dict[int, TokenBucket] = {}

    def configure(self, limits: FloodLimits | None = None, **changes: Any) -> FloodLimits:
        """Replace the limits (all buckets start full again)."""
        self.limits = replace(limits or self.limits, **changes)
        self._global = None
        self._chats.clear()
        return self.limits

    def _bucket(self, chat_id: int, now: float) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            limits = self.limits
            is_group = chat_id < 0
            capacity = limits.group_capacity if is_group and limits.group_capacity is not None else limits.chat_capacity
            rate = limits.group_rate if is_group and limits.group_rate is not None else limits.chat_rate
            bucket = self._chats[chat_id] = TokenBucket(capacity, rate, now)
        return bucket

    def check(self, chat_id: int) -> None:
        """Consume a token for ``chat_id`` or raise a 429 with an integer ``retry_after`` >= 1."""
        if not self.limits.enabled:
            return
        now = self.clock()
        if self._global is None:
            self._global = TokenBucket(self.limits.global_capacity, self.limits.global_rate, now)
        chat = self._bucket(chat_id, now)
        wait = max(self._global.wait_time(now), chat.wait_time(now))
        if wait > 0:
            self.rejected += 1
            raise ApiError.too_many_requests(min(3600, max(1, math.ceil(wait))))
        self._global.take(now)
        chat.take(now)
