"""Structured logs (structlog): JSON lines in production, readable lines on a terminal.

Log events carry ids, kinds and levels; never message texts, answers, names or
patients' Telegram ids. Use patient labels (``R-0042``) to say who.

Context: every update gets a correlation id (``bot.ptb.application``); jobs get one from
``job_context``/``logged_job``; handlers that know the patient call
``bind_patient`` so every later line says which clinic and patient it is about.
``redact_private`` is the safety net for a forgotten ``text=...`` at info level.
"""

from __future__ import annotations

import functools
import logging
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal, ParamSpec, TypeVar

import structlog
from structlog.contextvars import bind_contextvars, bound_contextvars, clear_contextvars

__all__ = [
    "REDACTED",
    "bind_contextvars",
    "bind_patient",
    "bound_contextvars",
    "clear_contextvars",
    "configure",
    "get_logger",
    "job_context",
    "logged_job",
    "new_correlation_id",
    "redact_private",
]

P = ParamSpec("P")
R = TypeVar("R")

REDACTED = "[redacted]"
# Keys whose values are health data or identify a patient. Staff ids are logged
# as ``actor="staff:<id>"``; patients are ``patient=<label>``.
PRIVATE_KEYS = frozenset({
    "text", "message_text", "caption", "note", "notes", "answer", "answers", "first_name", "last_name",
    "full_name", "phone", "phone_number", "telegram_user_id", "chat_id",
})
_LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "exception": 40, "critical": 50}


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 4:
        return value
    if isinstance(value, Mapping):
        return {k: REDACTED if k in PRIVATE_KEYS else _scrub(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):  # not tuples: exc_info is one and must stay intact
        return [_scrub(item, depth + 1) for item in value]
    return value


def redact_private(_logger: Any, method_name: str, event_dict: Any) -> Any:
    """Replace values of obviously private keys (also inside nested dicts) at info level and above.

    A safety net, not the policy: code must not pass these in the first place.
    Debug output is left alone for a developer's own machine.
    """
    level = str(event_dict.get("level", method_name)).lower()
    if _LEVELS.get(level, 20) < _LEVELS["info"]:
        return event_dict
    return {k: REDACTED if k in PRIVATE_KEYS else _scrub(v) for k, v in event_dict.items()}


def configure(fmt: Literal["console", "json"] = "json", level: str = "INFO", stream: Any = None) -> None:
    """Route structlog and the standard library (PTB, APScheduler, httpx) to one stream."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        redact_private,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderers: list[Any] = (
        # plain_traceback: the default "pretty" one prints local variables (patient text) and is slow.
        [structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)]
        if fmt == "console"
        # Plain traceback text: structlog's dict tracebacks can include local variables.
        else [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderers],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic", "aiohttp.access", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)


def new_correlation_id() -> str:
    return uuid.uuid4().hex[:12]


def bind_patient(clinic_id: str | None, label: str | None) -> None:
    """Say which clinic and patient the rest of this update or job is about (label, never a name)."""
    bind_contextvars(clinic=clinic_id, patient=label)


@contextmanager
def job_context(job: str, **ids: Any) -> Iterator[str]:
    """A fresh correlation id for one job run, restoring the caller's context afterwards.

    APScheduler starts job tasks from whatever context armed the timer (often an
    update's), so a job would otherwise log under that update's correlation id.
    """
    saved = structlog.contextvars.get_contextvars()
    correlation_id = new_correlation_id()
    clear_contextvars()
    bind_contextvars(correlation_id=correlation_id, job=job, **ids)
    try:
        yield correlation_id
    finally:
        clear_contextvars()
        bind_contextvars(**saved)


def logged_job(job: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Decorate a JobQueue callback so each run logs under its own correlation id and ``job`` name."""

    def decorate(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(func)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            with job_context(job):
                return await func(*args, **kwargs)

        return run

    return decorate
