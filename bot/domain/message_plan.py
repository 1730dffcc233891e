"""What a course should send, and when: the pure plan the scheduler stores as rows.

``plan_messages`` turns a course's sessions, its protocol offsets, the
patient's timezone, quiet hours and ``now`` into ``PlannedMessage`` values.
The database upserts them by ``dedupe_key``; regenerating after a session
moves yields the same keys with new due times, so a change never duplicates.

Rules, per kind:

- **reminder**: for every ``planned``/``confirmed`` session and every
  ``reminders_before`` offset, counted back from the session (calendar part on
  the wall clock: P2D before 10:00 is 10:00). Inside quiet hours it waits for
  their end; if that would be at or after the session start it is pulled back
  to the last minute before those quiet hours began instead (an 08:00 session
  with quiet hours 21:00-08:00 gets its PT2H reminder at 20:59 the evening
  before, which is when it is useful). A reminder whose final time is not
  later than a longer-offset reminder of the same session is dropped as
  redundant. Reminders due before ``now`` are omitted: the session is already
  near (a booking made an hour ahead gets no "2 days before" message). So the
  set of reminder keys depends on ``now``; callers cancel pending rows whose
  key is no longer planned and leave sent ones alone.
- **checkin**: for every ``done`` session and every ``checkins_after`` offset,
  counted from ``done_at`` (``scheduled_at`` if unset), moved out of quiet
  hours to their end (never earlier, so never before the injection). Past
  ones are kept: the dispatcher's misfire policy sends those up to its late
  limit and records the rest as skipped, and the key set does not depend on
  ``now``.
- **followup**: once no session is planned or confirmed and at least one is
  done, every ``followups_after_last`` offset counted from the last done
  session, moved out of quiet hours like check-ins; past ones are kept too.

Missed and cancelled sessions get nothing. Keys look like
``c12:s3:reminder:P2D``, ``c12:s3:checkin:PT6H`` and ``c12:followup:P6W``;
offsets are normalised by ``str(IsoDuration)`` (P14D and P2W are one key).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.durations import IsoDuration, add_months
from bot.domain.quiet_hours import QuietSpec, last_allowed_before, next_allowed
from bot.domain.schedule import DONE, SessionInfo, require_utc, shift

REMINDER = "reminder"
CHECKIN = "checkin"
NUDGE = "nudge"
FOLLOWUP = "followup"
REALERT = "realert"
DIGEST = "digest"
ESCALATION = "escalation"
RELAY = "relay"
KINDS = frozenset({REMINDER, CHECKIN, NUDGE, FOLLOWUP, REALERT, DIGEST, ESCALATION, RELAY})
"""Same values as ``bot.core.models.MessageKind``; kept here so the domain imports no DB code."""

MAX_KEY_LENGTH = 96  # ScheduledMessage.dedupe_key column width

PayloadValue = str | int | bool | None
Payload = dict[str, PayloadValue]


class PlanOffsets(Protocol):
    """The part of a clinic ``Protocol`` the plan reads (structural, so tests may fake it)."""

    @property
    def reminders_before(self) -> Sequence[IsoDuration]: ...

    @property
    def checkins_after(self) -> Sequence[IsoDuration]: ...

    @property
    def followups_after_last(self) -> Sequence[IsoDuration]: ...


@dataclass(frozen=True)
class PlannedMessage:
    """One message to store: ``payload`` is JSON-safe (strings, ints, bools, nulls)."""

    kind: str
    due_at: datetime
    dedupe_key: str
    session_number: int | None
    payload: Payload = field(default_factory=dict, hash=False)


def dedupe_key(
    course_id: int, kind: str, offset: IsoDuration, session_number: int | None = None
) -> str:
    """The stable upsert key of a course message; session-less kinds omit the ``s`` part."""
    session_part = "" if session_number is None else f"s{session_number}:"
    key = f"c{course_id}:{session_part}{kind}:{offset}"
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"dedupe key longer than {MAX_KEY_LENGTH} characters: {key[:40]}...")
    return key


def plan_messages(
    course_id: int,
    sessions: Sequence[SessionInfo],
    protocol: PlanOffsets,
    tz: ZoneInfo,
    quiet: QuietSpec,
    now: datetime,
) -> list[PlannedMessage]:
    """Every reminder, check-in and follow-up the course should have, sorted by due time."""
    require_utc(now, "now")
    numbers = [session.number for session in sessions]
    if len(set(numbers)) != len(numbers):
        raise ValueError("session numbers must be unique within a course")
    planned: list[PlannedMessage] = []
    for session in sessions:
        if session.upcoming:
            planned += _reminders(course_id, session, protocol.reminders_before, tz, quiet, now)
        elif session.status == DONE:
            planned += _checkins(course_id, session, protocol.checkins_after, tz, quiet)
    planned += _followups(course_id, sessions, protocol.followups_after_last, tz, quiet)
    return sorted(planned, key=lambda message: (message.due_at, message.dedupe_key))


def _unique(offsets: Iterable[IsoDuration], *, longest_first: bool) -> list[IsoDuration]:
    """Offsets once each (by their normalised text), in a deterministic order."""
    by_text = {str(offset): offset for offset in offsets}
    return sorted(
        by_text.values(),
        key=lambda offset: (offset.approx_timedelta(), str(offset)),
        reverse=longest_first,
    )


def _reminder_time(
    nominal: datetime, session_at: datetime, quiet: QuietSpec, tz: ZoneInfo
) -> tuple[datetime | None, str | None]:
    """Where a reminder lands and which way quiet hours shifted it (``None`` = dropped)."""
    later = next_allowed(nominal, quiet, tz)
    if later < session_at:
        return later, ("later" if later != nominal else None)
    earlier = last_allowed_before(nominal, quiet, tz)
    return earlier, "earlier"


def _reminders(
    course_id: int,
    session: SessionInfo,
    offsets: Sequence[IsoDuration],
    tz: ZoneInfo,
    quiet: QuietSpec,
    now: datetime,
) -> list[PlannedMessage]:
    kept: list[PlannedMessage] = []
    for offset in _unique(offsets, longest_first=True):
        nominal = shift(session.scheduled_at, -offset, tz)
        due, shifted = _reminder_time(nominal, session.scheduled_at, quiet, tz)
        if due is None or due < now or (kept and due <= kept[-1].due_at):
            continue
        payload: Payload = {
            "offset": str(offset),
            "session_at": _iso(session.scheduled_at),
            "nominal_at": _iso(nominal),
            "shifted": shifted,
        }
        key = dedupe_key(course_id, REMINDER, offset, session.number)
        kept.append(PlannedMessage(REMINDER, due.astimezone(UTC), key, session.number, payload))
    return kept


def _after(
    kind: str,
    course_id: int,
    anchor: datetime,
    offsets: Sequence[IsoDuration],
    tz: ZoneInfo,
    quiet: QuietSpec,
    session_number: int | None,
) -> list[PlannedMessage]:
    """Messages counted forward from ``anchor``, each moved out of quiet hours."""
    out: list[PlannedMessage] = []
    for offset in _unique(offsets, longest_first=False):
        nominal = shift(anchor, offset, tz)
        due = next_allowed(nominal, quiet, tz)
        payload: Payload = {
            "offset": str(offset),
            "anchor_at": _iso(anchor),
            "nominal_at": _iso(nominal),
            "days_since": days_since(anchor, offset, tz),
            "shifted": "later" if due != nominal else None,
        }
        key_session = session_number if kind != FOLLOWUP else None
        key = dedupe_key(course_id, kind, offset, key_session)
        out.append(PlannedMessage(kind, due.astimezone(UTC), key, session_number, payload))
    return out


def _checkins(
    course_id: int,
    session: SessionInfo,
    offsets: Sequence[IsoDuration],
    tz: ZoneInfo,
    quiet: QuietSpec,
) -> list[PlannedMessage]:
    anchor = session.done_at or session.scheduled_at
    return _after(CHECKIN, course_id, anchor, offsets, tz, quiet, session.number)


def _followups(
    course_id: int,
    sessions: Sequence[SessionInfo],
    offsets: Sequence[IsoDuration],
    tz: ZoneInfo,
    quiet: QuietSpec,
) -> list[PlannedMessage]:
    done = [session for session in sessions if session.status == DONE]
    if not done or any(session.upcoming for session in sessions):
        return []
    last = max(done, key=lambda session: session.number)
    anchor = last.done_at or last.scheduled_at
    return _after(FOLLOWUP, course_id, anchor, offsets, tz, quiet, last.number)


def days_since(anchor: datetime, offset: IsoDuration, tz: ZoneInfo) -> int:
    """The offset in days as the patient counts them: P1D is 1, PT6H is 0, P3M is ~91.

    Calendar days between the anchor's local date and that date moved by the
    offset's calendar part, plus whole days of its clock part; independent of
    DST and of quiet hours, so texts can say "day 3 after your injection".
    """
    sign = -1 if offset.negative else 1
    start = anchor.astimezone(tz).date()
    moved = add_months(start, sign * offset.months) + timedelta(days=sign * offset.days)
    return (moved - start).days + sign * (offset.seconds // 86400)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
