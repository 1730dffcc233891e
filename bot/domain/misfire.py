"""Misfire policy: what to do with a message that comes due late.

A message is late when the dispatcher reaches it after its ``due_at``: the bot
was down, a burst was being worked off, or a crash left the row in
``sending``. Stale messages confuse patients ("your session is in 2 hours"
after it started) or add noise, so each kind has its own limit:

| kind     | sent when                              | skipped when                       |
|----------|----------------------------------------|------------------------------------|
| reminder | session not started, ≤ late_limit late | session started, or > late_limit   |
| checkin  | ≤ late_limit late                      | > late_limit late                  |
| nudge    | ≤ late_limit late                      | > late_limit late                  |
| followup | ≤ 7 days late                          | > 7 days late                      |
| realert  | always (escalations are never dropped) | never                              |
| escalation | always (urgent patient/staff messages) | never                            |
| relay    | always (what a patient sent, for staff) | never                             |
| digest   | ≤ 12 h late                            | > 12 h late                        |

``late_limit`` defaults to 12 hours (the clinic's ``timing.checkin_late_limit``
is meant to be passed in). Boundaries are inclusive: exactly ``late_limit``
late is still sent. A message asked about before its due time counts as on
time (lateness is never negative); the dispatcher only asks about due rows.
Reasons are short stable codes for logs, metrics and the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.message_plan import CHECKIN, DIGEST, ESCALATION, FOLLOWUP, KINDS, NUDGE, REALERT, RELAY, REMINDER
from bot.domain.schedule import require_utc

DEFAULT_LATE_LIMIT = timedelta(hours=12)
FOLLOWUP_LATE_LIMIT = timedelta(days=7)
DIGEST_LATE_LIMIT = timedelta(hours=12)


class Action(StrEnum):
    SEND = "send"
    SKIP = "skip"


SEND = Action.SEND
SKIP = Action.SKIP


# Stable reason codes.
ON_TIME = "on_time"
LATE_WITHIN_LIMIT = "late_within_limit"
TOO_LATE = "too_late"
SESSION_STARTED = "session_started"
ALWAYS_SEND = "always_send"


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str

    @property
    def send(self) -> bool:
        return self.action is Action.SEND


def _limit_for(kind: str, late_limit: timedelta) -> timedelta:
    if kind in (REMINDER, CHECKIN, NUDGE):
        return late_limit
    if kind == FOLLOWUP:
        return FOLLOWUP_LATE_LIMIT
    if kind == DIGEST:
        return DIGEST_LATE_LIMIT
    raise ValueError(f"no late limit for message kind {kind!r}")


def decide(
    kind: str,
    due_at: datetime,
    now: datetime,
    *,
    session_at: datetime | None = None,
    late_limit: timedelta = DEFAULT_LATE_LIMIT,
) -> Decision:
    """Send or skip a message of ``kind`` due at ``due_at``, as of ``now`` (table above).

    ``kind`` is a ``MessageKind`` or its string value; ``session_at`` only
    matters for reminders.
    """
    kind = str(kind)
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    require_utc(due_at, "due_at")
    require_utc(now, "now")
    if late_limit < timedelta(0):
        raise ValueError("late_limit must not be negative")
    if kind in (REALERT, ESCALATION, RELAY):
        return Decision(Action.SEND, ALWAYS_SEND)
    if kind == REMINDER and session_at is not None:
        require_utc(session_at, "session_at")
        if now >= session_at:
            return Decision(Action.SKIP, SESSION_STARTED)
    lateness = max(now - due_at, timedelta(0))
    if lateness == timedelta(0):
        return Decision(Action.SEND, ON_TIME)
    if lateness <= _limit_for(kind, late_limit):
        return Decision(Action.SEND, LATE_WITHIN_LIMIT)
    return Decision(Action.SKIP, TOO_LATE)
