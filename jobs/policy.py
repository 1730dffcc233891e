"""Delivery semantics per message kind: what happens when a send may or may not have happened.

A row is marked ``sending`` (claimed, with ``claimed_at``) *before* the Bot API
call and ``sent`` right after it returns. Two situations leave the outcome
unknown: the process dies between the two writes (the row stays ``sending``),
or the request times out / the connection drops after it was written (Telegram
may have delivered it). Each kind resolves that doubt one way:

| kind     | delivery      | row left in ``sending`` (crash, lease expired) | ambiguous send error          |
|----------|---------------|------------------------------------------------|-------------------------------|
| reminder | at-least-once | back to ``pending``; misfire policy re-decides | retried with backoff          |
| checkin  | at-least-once | back to ``pending``; misfire policy re-decides | retried with backoff          |
| followup | at-least-once | back to ``pending``; misfire policy re-decides | retried with backoff          |
| realert  | at-least-once | back to ``pending`` (escalations never drop)   | retried, no attempt cap       |
| escalation | at-least-once | back to ``pending`` (never dropped)          | retried, no attempt cap       |
| relay    | at-least-once | back to ``pending`` (never dropped)            | retried, no attempt cap       |
| digest   | at-least-once | back to ``pending``; misfire policy re-decides | retried with backoff          |
| nudge    | at-most-once  | ``failed`` (reason ``interrupted``)            | ``failed`` (reason ambiguous) |

Why: a missed reminder or check-in costs a session or an unnoticed
complication, a duplicate costs a moment of annoyance, so those repeat when in
doubt (duplicates are bounded by the messages in flight at the crash). A nudge
is itself a second message about an unanswered check-in ("one nudge", says
docs/CLINICAL.md); a third is worse than none. A relay is a photo or voice note
the patient was told "a person will look at": staff must get it, twice rather
than never. Errors where Telegram answered (429,
5xx) or the connection never opened are not ambiguous: the message was not
delivered and every kind is retried.

"Lease": a row ``sending`` for longer than the lease belongs to a process that
died. The dispatcher refreshes ``claimed_at`` of its own in-flight rows (a
heartbeat), so a slow send is never stolen by a second replica. On SQLite (one
process per database file) every ``sending`` row found at start-up is an orphan.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.models import MessageKind


class Delivery(StrEnum):
    AT_LEAST_ONCE = "at-least-once"
    AT_MOST_ONCE = "at-most-once"


DELIVERY: dict[str, Delivery] = {
    MessageKind.REMINDER: Delivery.AT_LEAST_ONCE,
    MessageKind.CHECKIN: Delivery.AT_LEAST_ONCE,
    MessageKind.FOLLOWUP: Delivery.AT_LEAST_ONCE,
    MessageKind.REALERT: Delivery.AT_LEAST_ONCE,
    MessageKind.DIGEST: Delivery.AT_LEAST_ONCE,
    MessageKind.ESCALATION: Delivery.AT_LEAST_ONCE,
    MessageKind.RELAY: Delivery.AT_LEAST_ONCE,
    MessageKind.NUDGE: Delivery.AT_MOST_ONCE,
}

PATIENT_KINDS: frozenset[str] = frozenset(
    {MessageKind.REMINDER, MessageKind.CHECKIN, MessageKind.FOLLOWUP, MessageKind.NUDGE}
)
"""Kinds addressed to the patient: paused patients skip them, stopped ones cancel them."""


def delivery(kind: str) -> Delivery:
    """The semantics of ``kind``; unknown kinds are treated as at-most-once (the safe side)."""
    return DELIVERY.get(kind, Delivery.AT_MOST_ONCE)


ESCALATION_KINDS: frozenset[str] = frozenset({MessageKind.ESCALATION, MessageKind.REALERT})
"""Urgent and emergency messages (docs/CLINICAL.md)."""
UNTIL_DELIVERED_KINDS: frozenset[str] = ESCALATION_KINDS | {MessageKind.RELAY}
"""Retried until delivered: never given up after ``max_attempts``, short backoff."""
ESCALATION_RETRY_CAP_SECONDS = 30.0


def gives_up(kind: str) -> bool:
    """Whether repeated network failures may end in ``failed`` (never for escalations and relays)."""
    return kind not in UNTIL_DELIVERED_KINDS


def retry_when_unsure(kind: str) -> bool:
    return delivery(kind) is Delivery.AT_LEAST_ONCE


def at_least_once_kinds() -> list[str]:
    return [str(kind) for kind, mode in DELIVERY.items() if mode is Delivery.AT_LEAST_ONCE]
