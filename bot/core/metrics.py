"""Prometheus metrics of this process, in one registry that every module counts into.

A dedicated ``CollectorRegistry`` (not prometheus_client's global one) keeps the
exposition to what we define and lets tests scrape it without library noise.
Other modules never touch the metric objects: they call the ``observe_*``
helpers below, so names, labels and buckets stay in one place.

Gauges about the database (pending, overdue, open alerts) are not here: they
are read from the database at scrape time (``bot.web.metrics_view``), because
the database, not this process, is the truth about what is due.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics

from bot.core.models import MessageKind

# ``*_created`` timestamps double the series and no dashboard here uses them.
disable_created_metrics()  # type: ignore[no-untyped-call]

REGISTRY = CollectorRegistry(auto_describe=True)
TRIAGE_LEVELS = ("ok", "watch", "urgent", "emergency")

MESSAGES_SENT = Counter(
    "aftercare_messages_sent", "Scheduled messages delivered to Telegram, by kind.",
    ["kind"], registry=REGISTRY,
)
MESSAGES_FAILED = Counter(
    "aftercare_messages_failed", "Scheduled messages given up on (blocked, bad request, retries spent).",
    ["kind"], registry=REGISTRY,
)
DISPATCH_LATENESS = Histogram(
    "aftercare_dispatch_lateness_seconds", "Seconds between a message's due time and its delivery.",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600),
    registry=REGISTRY,
)
CHECKINS = Counter(
    "aftercare_checkins", "Completed check-ins by triage level (ok, watch, urgent, emergency).",
    ["level"], registry=REGISTRY,
)
ALERTS_RAISED = Counter(
    "aftercare_alerts_raised", "Staff alerts raised, by triage level.", ["level"], registry=REGISTRY,
)
UPDATES = Counter(
    "aftercare_updates_handled", "Telegram updates received and handed to the handlers, by type.",
    ["type"], registry=REGISTRY,
)
TELEGRAM_REQUESTS = Counter(
    "aftercare_telegram_requests", "Bot API calls by method and outcome (ok, http_4xx, http_429, "
    "http_5xx, network_error).", ["method", "outcome"], registry=REGISTRY,
)

# Known label values start at 0, so rate() and alerts work before the first event.
for _kind in MessageKind:
    MESSAGES_SENT.labels(kind=_kind.value)
    MESSAGES_FAILED.labels(kind=_kind.value)
for _level in TRIAGE_LEVELS:
    CHECKINS.labels(level=_level)
    ALERTS_RAISED.labels(level=_level)

_UPDATE_TYPES = (
    "message", "edited_message", "callback_query", "my_chat_member", "chat_member",
    "channel_post", "edited_channel_post", "inline_query", "chat_join_request",
)


def observe_sent(kind: str, lateness_s: float | None = None) -> None:
    """A scheduled message went out; ``lateness_s`` is now minus its due time, if it had one."""
    MESSAGES_SENT.labels(kind=kind).inc()
    if lateness_s is not None:
        DISPATCH_LATENESS.observe(max(0.0, lateness_s))


def observe_failed(kind: str) -> None:
    """A scheduled message was given up on (its row is marked failed)."""
    MESSAGES_FAILED.labels(kind=kind).inc()


def observe_checkin(level: str) -> None:
    """A check-in (or free-text report) was triaged at ``level``."""
    CHECKINS.labels(level=level).inc()


def observe_alert(level: str) -> None:
    """A staff alert was raised at ``level``."""
    ALERTS_RAISED.labels(level=level).inc()


def observe_update(update: object) -> None:
    """An update arrived; counted by its type so a flood of one kind stands out."""
    UPDATES.labels(type=update_type(update)).inc()


def observe_telegram_request(method: str, outcome: str) -> None:
    TELEGRAM_REQUESTS.labels(method=method, outcome=outcome).inc()


def update_type(update: object) -> str:
    """The first populated field of a ``telegram.Update`` (bounded label values)."""
    for name in _UPDATE_TYPES:
        if getattr(update, name, None) is not None:
            return name
    return "other"


__all__ = [
    "REGISTRY",
    "observe_alert",
    "observe_checkin",
    "observe_failed",
    "observe_sent",
    "observe_telegram_request",
    "observe_update",
]
