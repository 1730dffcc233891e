"""Schedule preview: everything a new patient would be sent, from the pure planning code.

No IO here. ``preview`` lays the course out with ``bot.domain.schedule``
(sessions on the patient's wall clock, DST-safe) and asks
``bot.domain.message_plan.plan_messages`` (the very function the scheduler's
planner stores rows from) twice: once with every session still ahead, which
yields the reminders, and once as if every session were given at its booked
time, which yields the check-ins and follow-ups. Quiet hours are applied by
that code, so what the preview says is what the bot would do; items moved by
quiet hours keep the time they were moved from. Reminders that would already
be due at ``now`` are left out, as the planner leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.units import format_unit

from bot.core.clinic_config import Protocol
from bot.domain.durations import IsoDuration
from bot.domain.message_plan import CHECKIN, FOLLOWUP, REMINDER, PlannedMessage, plan_messages
from bot.domain.quiet_hours import QuietSpec
from bot.domain.schedule import DONE, initial_sessions

SESSION = "session"
_ORDER = {SESSION: 0, REMINDER: 1, CHECKIN: 2, FOLLOWUP: 3}
_PREVIEW_COURSE = 0  # the plan needs a course id for its keys; nothing is stored


@dataclass(frozen=True)
class PreviewItem:
    """One line of the preview; ``moved_from`` is set when quiet hours moved it."""

    kind: str
    at: datetime
    session_number: int | None = None
    offset: IsoDuration | None = None
    moved_from: datetime | None = None
    moved: str | None = None  # "later" | "earlier"


def _item(message: PlannedMessage) -> PreviewItem:
    payload = message.payload
    offset = IsoDuration.parse(str(payload["offset"])) if payload.get("offset") else None
    nominal = payload.get("nominal_at")
    shifted = payload.get("shifted")
    moved = str(shifted) if shifted else None
    return PreviewItem(message.kind, message.due_at, message.session_number, offset,
                       datetime.fromisoformat(str(nominal)) if moved and nominal else None, moved)


def preview(protocol: Protocol, first_session: datetime, count: int, tz: ZoneInfo, quiet: QuietSpec,
            now: datetime) -> list[PreviewItem]:
    """Sessions, reminders, check-ins and follow-ups in time order (UTC; show them in ``tz``)."""
    sessions = initial_sessions(first_session, protocol.interval, count, tz)
    ahead = plan_messages(_PREVIEW_COURSE, sessions, protocol, tz, quiet, now)
    given = [replace(s, status=DONE, done_at=s.scheduled_at) for s in sessions]
    after = plan_messages(_PREVIEW_COURSE, given, protocol, tz, quiet, now)
    items = [PreviewItem(SESSION, s.scheduled_at, s.number) for s in sessions]
    items += [_item(m) for m in ahead if m.kind == REMINDER]
    items += [_item(m) for m in after if m.kind in (CHECKIN, FOLLOWUP)]
    return sorted(items, key=lambda item: (item.at, _ORDER.get(item.kind, 9), item.session_number or 0))


_UNITS = ("duration-year", "duration-month", "duration-week", "duration-day", "duration-hour", "duration-minute",
          "duration-second")


def describe(duration: IsoDuration, language: str) -> str:
    """``P4W`` -> "4 weeks", ``P1DT6H`` -> "1 day 6 hours", in the reader's language."""
    years, months = divmod(duration.months, 12)
    weeks, days = divmod(duration.days, 7)
    if weeks and days:
        weeks, days = 0, duration.days
    hours, rest = divmod(duration.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    amounts = (years, months, weeks, days, hours, minutes, seconds)
    parts = [format_unit(amount, unit, length="long", locale=language)
             for amount, unit in zip(amounts, _UNITS, strict=True) if amount]
    return " ".join(parts) if parts else format_unit(0, "duration-second", length="long", locale=language)
