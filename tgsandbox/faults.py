"""Fault injection: make the next requests fail the ways Telegram and networks fail.

Retry logic is only trustworthy if it has been seen to work, so tests (and the
control API, for out-of-process runs) can queue faults: 429 with
``retry_after``, 5xx, a response that arrives too late, or a connection closed
without an answer. ``execute=True`` on the last two models the nasty case of
a request that *did* take effect although the client never saw the answer,
which is where duplicate messages come from. A storm answers every send with
429 for a while.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("429", "5xx", "timeout", "drop")
_ALIASES = {
    "flood": "429",
    "retry_after": "429",
    "too_many_requests": "429",
    "server_error": "5xx",
    "500": "5xx",
    "502": "5xx",
    "503": "5xx",
    "disconnect": "drop",
    "close": "drop",
}
POLL_METHODS = frozenset({"getupdates"})


@dataclass
class Fault:
    kind: str  # one of KINDS
    count: int = 1
    method: str | None = None  # None: any method but getUpdates; "*": any method at all
    chat_id: int | None = None  # only requests addressed to this chat
    retry_after: int = 1  # 429
    status: int = 500  # 5xx
    delay: float = 1.0  # timeout: seconds before the (late) answer
    execute: bool = False  # timeout/drop: perform the call although the answer is lost

    def __post_init__(self) -> None:
        kind = str(self.kind).lower()
        if kind in ("500", "502", "503", "504"):
            self.status = int(kind)
        self.kind = _ALIASES.get(kind, kind)
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {KINDS}")
        if self.count < 1:
            raise ValueError("count must be >= 1")

    def matches(self, method: str, chat_id: int | None) -> bool:
        lowered = method.lower()
        if self.method is None:
            if lowered in POLL_METHODS:
                return False
        elif self.method != "*" and self.method.lower() != lowered:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultInjector:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.faults: list[Fault] = []
        self.triggered: Counter[str] = Counter()
        self._storm_until: float | None = None
        self._storm_retry_after: int | None = None

    def inject(self, kind: str, count: int = 1, **options: Any) -> Fault:
        fault = Fault(kind=kind, count=count, **options)
        self.faults.append(fault)
        return fault

    def storm(self, duration: float, retry_after: int | None = None) -> None:
        """For ``duration`` seconds every send/edit gets 429.

        ``retry_after`` defaults to the seconds left in the storm.
        """
        self._storm_until = self.clock() + duration
        self._storm_retry_after = retry_after

    def clear(self) -> None:
        self.faults.clear()
        self._storm_until = None

    @property
    def storm_active(self) -> bool:
        return self._storm_until is not None and self.clock() < self._storm_until

    def take(self, method: str, chat_id: int | None, *, is_send: bool) -> Fault | None:
        """The fault to apply to this request, if any (consumes one use of it)."""
        if is_send and self._storm_until is not None:
            left = self._storm_until - self.clock()
            if left > 0:
                self.triggered["storm"] += 1
                return Fault("429", retry_after=self._storm_retry_after or max(1, math.ceil(left)))
            self._storm_until = None
        for fault in self.faults:
            if fault.matches(method, chat_id):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                self.triggered[fault.kind] += 1
                return fault
        return None

    def to_json(self) -> dict[str, Any]:
        left = (self._storm_until - self.clock()) if self.storm_active and self._storm_until else 0.0
        return {
            "pending": [f.to_json() for f in self.faults],
            "storm_seconds_left": max(0.0, left),
            "triggered": dict(self.triggered),
        }
