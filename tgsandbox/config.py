"""Sandbox settings in one place, shared by the in-process API and the CLI runner."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .limits import FloodLimits

DEFAULT_USERNAME = "aftercare_sandbox_bot"


@dataclass
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port, read it back from Sandbox.url
    username: str = DEFAULT_USERNAME
    first_name: str = "Aftercare"
    tokens: frozenset[str] | None = None  # None: any token is accepted
    limits: FloodLimits = field(default_factory=FloodLimits)
    webhook_attempts: int = 3  # deliveries per update before it is dropped
    webhook_backoff: float = 0.2  # seconds, doubled after each failed attempt
    webhook_timeout: float = 5.0
    shutdown_timeout: float = 1.0  # how long stop() lets in-flight requests finish
    clock: Callable[[], float] = time.time  # message dates; a simulated clock for demos

    @staticmethod
    def token_set(tokens: Iterable[str] | None) -> frozenset[str] | None:
        return None if tokens is None else frozenset(tokens)
