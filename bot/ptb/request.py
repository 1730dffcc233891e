"""PTB's HTTP transport, observed: when Telegram last answered, why it failed, and Bot API calls as metrics.

``/healthz`` must say whether Telegram "answered recently", and why not.
Every Bot API call (getUpdates long polls, sends, getMe) already goes through
PTB's request object, so watching there costs nothing and needs no extra
traffic while the bot is busy; the HTTP component only probes with getMe when
the bot has been quiet. The bot token is part of the request URL: only the
method name is kept, and failure reasons are scrubbed of it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from telegram.request import HTTPXRequest

from bot.core import metrics
from bot.core.logging import get_logger

log = get_logger("aftercare.telegram")

ANSWERED = frozenset({"ok", "http_4xx", "http_429"})
TOKEN_REFUSED = "Telegram refused the bot token (HTTP 401 Unauthorized)"


@dataclass
class TelegramWatch:
    """The last time Telegram answered, and why calls have failed since; shared by the bot's two request objects."""

    last_ok: float | None = None  # time.monotonic() of the last answer below HTTP 500 (but 401)
    last_failure: str | None = None  # e.g. "network_error" or "http_502"
    last_failure_at: float | None = None
    failures: int = 0  # calls failed in a row since Telegram last answered
    reason: str | None = None  # why the latest of those failed, e.g. "httpx.ConnectError: All connection ..."

    def age(self, now: float | None = None) -> float | None:
        """Seconds since Telegram last answered, or ``None`` if it never has."""
        if self.last_ok is None:
            return None
        return max(0.0, (time.monotonic() if now is None else now) - self.last_ok)

    def record(self, outcome: str, reason: str | None = None) -> None:
        now = time.monotonic()
        if outcome in ANSWERED:
            # Any answer from Telegram proves it is reachable, even a refusal (but of the token itself).
            if self.failures:
                log.info("telegram_reachable", failed_calls=self.failures,
                         down_for_s=round(now - (self.last_ok if self.last_ok is not None else now), 1))
            self.last_ok, self.failures, self.reason = now, 0, None
        else:
            self.last_failure, self.last_failure_at = outcome, now
            self.failures += 1
            self.reason = reason or outcome


def scrub_token(text: str, token: str) -> str:
    """``text`` without the bot token (PTB and httpx may quote the URL or the token), on one short line."""
    line = text.splitlines()[0] if text else ""
    return (line.replace(token, "<token>") if token else line)[:200]


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status == 429:
        return "http_429"
    return "http_4xx" if status < 500 else "http_5xx"


def token_of(url: str) -> str:
    """``.../bot<token>/sendMessage`` -> ``<token>``, to scrub it from error texts."""
    parts = url.rstrip("/").split("/")
    return next((part[3:] for part in reversed(parts[:-1]) if part.startswith("bot")), "")


def method_of(url: str) -> str:
    """``.../bot<token>/sendMessage`` -> ``sendMessage`` (never the token)."""
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0][:48] or "unknown"


class ObservedRequest(HTTPXRequest):
    """An ``HTTPXRequest`` that reports each call to a :class:`TelegramWatch` and the metrics."""

    def __init__(self, watch: TelegramWatch, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.watch = watch

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        api_method = method_of(url)
        try:
            status, payload = await super().do_request(url, method, *args, **kwargs)
        except Exception as exc:
            self.watch.record("network_error", scrub_token(str(exc) or type(exc).__name__, token_of(url)))
            metrics.observe_telegram_request(api_method, "network_error")
            raise
        outcome = outcome_of(status)
        if status == 401:  # a revoked token: every call will fail, so this is no sign of health
            self.watch.record("http_401", TOKEN_REFUSED)
        else:
            self.watch.record(outcome, f"HTTP {status}")
        metrics.observe_telegram_request(api_method, outcome)
        return status, payload


def telegram_watch(bot: Any) -> TelegramWatch | None:
    """The watch behind ``application.bot``, if the bot was built with :class:`ObservedRequest`."""
    request = getattr(bot, "request", None)
    return request.watch if isinstance(request, ObservedRequest) else None
