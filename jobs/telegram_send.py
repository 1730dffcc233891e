"""What a Bot API error means for a scheduled message: retry when, fail why, or pause the patient.

| error                                   | outcome                                                   |
|-----------------------------------------|-----------------------------------------------------------|
| ``RetryAfter`` (429)                    | already retried by PTB's ``AIORateLimiter`` (up to 5      |
|                                         | times, pausing all sends for ``retry_after``); if it still |
|                                         | escapes: ``pending`` again at now + ``retry_after``, the  |
|                                         | attempt not counted (flood control is not a failure)      |
| 5xx, connection refused                 | not delivered: ``pending`` at now + backoff               |
| ``TimedOut``, connection dropped        | maybe delivered: at-least-once kinds as above, at-most-   |
|                                         | once kinds ``failed`` (``jobs.policy``)                   |
| ``Forbidden`` (bot blocked, user gone)  | ``failed``; the patient is paused and flagged "blocked",  |
|                                         | their pending messages cancelled, an audit event written  |
| database connection lost or busy in     | maybe delivered (the bookkeeping after the send may be    |
| the sender (``OperationalError``)       | what failed): as ``TimedOut``                             |
| ``BadRequest`` and anything else        | ``failed`` with the reason (a bug or bad data; retrying   |
|                                         | would not help)                                           |

Backoff is exponential, ``base × 2^(attempt-1)`` capped at ``cap``, for at
most ``max_attempts`` attempts; then ``failed`` with the last reason. Escalations
and relays (``jobs.policy.UNTIL_DELIVERED_KINDS``) never give up on 429/5xx/network
errors and wait at most ``ESCALATION_RETRY_CAP_SECONDS`` between attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.core.models import MessageStatus
from jobs.claims import Due, Outcome
from jobs.policy import ESCALATION_RETRY_CAP_SECONDS, gives_up, retry_when_unsure


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base: float = 2.0  # seconds before the second attempt
    cap: float = 300.0  # longest wait between attempts

    def delay(self, attempt: int) -> timedelta:
        return timedelta(seconds=min(self.base * 2 ** max(attempt - 1, 0), self.cap))


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:255]


def is_ambiguous(exc: TelegramError) -> bool:
    """Whether the request may have reached Telegram although no answer came back."""
    if isinstance(exc, TimedOut):
        cause = exc.__cause__
        return not isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout)
    if isinstance(exc, NetworkError):
        cause = exc.__cause__
        if cause is None:
            return False  # Telegram answered with a 5xx: not executed
        return not isinstance(cause, httpx.ConnectError)
    return False


def is_transient_db_error(exc: BaseException) -> bool:
    """A database hiccup inside a sender (connection killed, failover, SQLite busy): worth a retry.

    Senders write before and after the Bot API call (the check-in row, the
    nudge), so the message may already be out when this is raised: it counts
    as ambiguous, like a timeout.
    """
    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def outcome_for_error(exc: BaseException, due: Due, now: datetime, policy: RetryPolicy) -> Outcome:
    """Map a failed send of ``due`` (attempt number ``due.attempts``) to its outcome."""
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after if isinstance(exc.retry_after, timedelta) else timedelta(seconds=exc.retry_after)
        return Outcome(MessageStatus.PENDING, _reason(exc), retry_at=now + wait, count_attempt=False)
    if isinstance(exc, Forbidden):
        return Outcome(MessageStatus.FAILED, _reason(exc), blocked=True)
    database = is_transient_db_error(exc)
    if isinstance(exc, BadRequest) or not (isinstance(exc, NetworkError) or database):
        return Outcome(MessageStatus.FAILED, _reason(exc))
    if (database or (isinstance(exc, NetworkError) and is_ambiguous(exc))) and not retry_when_unsure(due.kind):
        return Outcome(MessageStatus.FAILED, f"ambiguous, not retried: {_reason(exc)}"[:255])
    if due.attempts >= policy.max_attempts and gives_up(due.kind):
        return Outcome(MessageStatus.FAILED, f"gave up after {due.attempts} attempts: {_reason(exc)}"[:255])
    delay = policy.delay(due.attempts)
    if not gives_up(due.kind):
        delay = min(delay, timedelta(seconds=ESCALATION_RETRY_CAP_SECONDS))
    return Outcome(MessageStatus.PENDING, _reason(exc), retry_at=now + delay)
