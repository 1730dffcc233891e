"""When Telegram cannot be reached: one warning per failed poll, with the reason, never a traceback.

PTB's updater retries ``getUpdates`` forever, waiting 1 s, then 1.5 times
longer after each failure, at most 30 s; by default it logs every failure with
a full traceback (fourteen in three and a half minutes of outage).
``PollingErrors`` is its ``error_callback``: one ``telegram_poll_failed``
warning per backoff step saying why and when the next try is. The filter
``QuietNetworkErrors`` does the same for the few places where PTB logs a
network failure itself (the last ``getUpdates`` at shutdown, an aborted
loop), and removes the bot token that PTB puts in some of those messages.
When Telegram answers again, ``TelegramWatch`` logs ``telegram_reachable``.
"""

from __future__ import annotations

import logging

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.core.logging import get_logger
from bot.ptb.request import TelegramWatch, scrub_token

log = get_logger("aftercare.telegram")

FIRST_RETRY = 1.0
BACKOFF = 1.5
MAX_RETRY = 30.0
"""PTB's ``network_retry_loop``: 1 s after the first failure, x1.5 after each further one, at most 30 s."""

PTB_LOGGERS = ("telegram.ext", "telegram.ext.Updater", "telegram.ext.Application")


def next_wait(previous: float) -> float:
    """The updater's next pause after a failed poll, given the one before (0 after a success)."""
    return FIRST_RETRY if previous == 0 else min(MAX_RETRY, BACKOFF * previous)


class PollingErrors:
    """PTB's ``error_callback`` for polling (must be a plain function that never raises)."""

    def __init__(self, watch: TelegramWatch | None, token: str) -> None:
        self._watch = watch
        self._token = token
        self._wait = 0.0
        self._failed = 0
        self._last_ok: float | None = None

    def __call__(self, error: TelegramError) -> None:
        last_ok = self._watch.last_ok if self._watch is not None else None
        if last_ok != self._last_ok:  # Telegram answered since the last failure: PTB started over
            self._wait, self._failed, self._last_ok = 0.0, 0, last_ok
        self._wait = next_wait(self._wait)
        self._failed += 1
        log.warning("telegram_poll_failed", reason=scrub_token(str(error) or type(error).__name__, self._token),
                    error_type=type(error).__name__, failed_polls=self._failed, retry_in_s=round(self._wait, 2))


class QuietNetworkErrors(logging.Filter):
    """PTB's own records of network failures as one warning line: reason kept, traceback and token dropped."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, NetworkError | InvalidToken):
            return True
        reason = scrub_token(str(error) or type(error).__name__, self._token)
        record.msg, record.args = f"{record.getMessage()} ({type(error).__name__}: {reason})", None
        record.exc_info, record.exc_text = None, None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quieten_ptb(token: str) -> None:
    """Install ``QuietNetworkErrors`` on PTB's loggers (once per logger)."""
    for name in PTB_LOGGERS:
        logger = logging.getLogger(name)
        logger.filters = [f for f in logger.filters if not isinstance(f, QuietNetworkErrors)]
        logger.addFilter(QuietNetworkErrors(token))
