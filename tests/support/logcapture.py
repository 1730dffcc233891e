"""Capture what the bot logs, exactly as production renders it (``bot.core.logging.configure``).

``configure`` replaces the root handler and structlog's global configuration;
``captured_logs`` puts both back afterwards so other tests keep pytest's capture.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog

from bot.core.logging import configure


@dataclass
class CapturedLogs:
    buffer: io.StringIO = field(default_factory=io.StringIO)

    @property
    def text(self) -> str:
        return self.buffer.getvalue()

    def events(self) -> list[dict[str, Any]]:
        """Every JSON line as a dict (lines that are not JSON would be a bug: they fail here)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def named(self, event: str) -> list[dict[str, Any]]:
        return [entry for entry in self.events() if entry.get("event") == event]


@contextmanager
def captured_logs(level: str = "INFO") -> Iterator[CapturedLogs]:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_structlog = structlog.get_config()
    noisy = {name: logging.getLogger(name).level for name in
             ("httpx", "httpcore", "apscheduler", "aiohttp.access", "telegram.ext.Updater")}
    captured = CapturedLogs()
    configure(fmt="json", level=level, stream=captured.buffer)
    try:
        yield captured
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        for name, value in noisy.items():
            logging.getLogger(name).setLevel(value)
        structlog.configure(**saved_structlog)
