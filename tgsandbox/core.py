"""The shared parts every Bot API method, the control API and the user side work on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .config import SandboxConfig
from .errors import ApiError
from .faults import FaultInjector
from .limits import FloodLimiter
from .params import Params
from .state import SandboxState
from .webhook import WebhookDelivery


@dataclass
class SandboxCore:
    config: SandboxConfig
    state: SandboxState
    limiter: FloodLimiter
    faults: FaultInjector
    webhook: WebhookDelivery
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    poll_generation: int = 0  # bumped by each getUpdates; an older long poll then gets 409

    def admit(self, chat_id: int) -> None:
        """Apply the flood limits to a send/edit addressed to ``chat_id`` (raises 429)."""
        try:
            self.limiter.check(chat_id)
        except ApiError:
            self.state.stats.flood_rejections += 1
            raise


ApiMethod = Callable[[SandboxCore, Params], Awaitable[Any]]


@dataclass(frozen=True)
class MethodSpec:
    name: str  # canonical camelCase name
    handler: ApiMethod
    send: bool  # subject to flood limits and storms


METHODS: dict[str, MethodSpec] = {}


def api_method(name: str, *, send: bool = False) -> Callable[[ApiMethod], ApiMethod]:
    """Register a Bot API method; lookup is case-insensitive, as on Telegram."""

    def register(handler: ApiMethod) -> ApiMethod:
        METHODS[name.lower()] = MethodSpec(name, handler, send)
        return handler

    return register
