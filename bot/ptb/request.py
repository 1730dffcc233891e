"""PTB's HTTP transport, observed: when Telegram last answered, and Bot API calls as metrics.

``/healthz`` must say whether Telegram "answered recently". Every Bot API call
(getUpdates long polls, sends, getMe) already goes through PTB's request
object, so watching there costs nothing and needs no extra traffic while the
bot is busy; the HTTP component only probes with getMe when the bot has been
quiet. The bot token is part of the request URL: only the method name is kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from telegram.request import HTTPXRequest

from bot.core import metrics


@dataclass
class TelegramWatch:
    """The last time Telegram answered, shared by the bot's two request objects."""

    last_ok: float | None = None  # time.monotonic() of the last answer below HTTP 500
    last_failure: str | None = None  # e.g. "network_error" or "http_502"
    last_failure_at: float | None = None

    def age(self, now: float | None = None) -> float | None:
        """Seconds since Telegram last answered, or ``None`` if it never has."""
        if self.last_ok is None:
            return None
        return max(0.0, (time.monotonic() if now is None else now) - self.last_ok)

    def record(self, outcome: str) -> None:
        if outcome in {"ok", "http_4xx", "http_429"}:
            # Any answer from Telegram proves it is reachable, even a refusal.
            self.last_ok = time.monotonic()
        else:
            self.last_failure, self.last_failure_at = outcome, time.monotonic()


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status == 429:
        return "http_429"
    return "http_4xx" if status < 500 else "http_5xx"


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
        except Exception:
            self.watch.record("network_error")
            metrics.observe_telegram_request(api_method, "network_error")
            raise
        outcome = outcome_of(status)
        self.watch.record(outcome)
        metrics.observe_telegram_request(api_method, outcome)
        return status, payload


def telegram_watch(bot: Any) -> TelegramWatch | None:
    """The watch behind ``application.bot``, if the bot was built with :class:`ObservedRequest`."""
    request = getattr(bot, "request", None)
    return request.watch if isinstance(request, ObservedRequest) else None
