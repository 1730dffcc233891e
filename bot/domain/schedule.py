"""When a course's sessions fall: the interval is kept on the patient's wall clock.

A course of "every 4 weeks at 10:00" stays at 10:00 local across DST changes,
so session ``n`` (0-based) is the first session shifted by ``n × interval``
(``shift``): the calendar part moves the local date, the clock part (rare in
an interval) is elapsed time. Each session is computed from the
first one rather than from its predecessor, so nothing drifts: a session
pushed forward by a DST gap (02:30 on a spring-forward night becomes 03:30)
does not drag the later ones, and a monthly course from Jan 31 runs Feb 28,
Mar 31, not Feb 28, Mar 28.

Rescheduling rule (``reschedule_following``): when session *k* moves, each
later session that is still ``planned`` is laid out again from the nearest
fixed session before it: session *k* itself at first, then any later session
that is already confirmed, done or missed (a date the patient agreed to, or a
fact, is never moved). A planned session *m* goes to
``anchor + (m - anchor_number) × interval``. Cancelled sessions neither move
nor anchor, but their number still takes a slot in the spacing. Earlier
sessions are never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.durations import IsoDuration, add_months, resolve_local

PLANNED = "planned"
CONFIRMED = "confirmed"
DONE = "done"
MISSED = "missed"
CANCELLED = "cancelled"
SESSION_STATUSES = frozenset({PLANNED, CONFIRMED, DONE, MISSED, CANCELLED})
"""Same values as ``bot.core.models.SessionStatus``; kept here so the domain imports no DB code."""

UPCOMING = frozenset({PLANNED, CONFIRMED})


def require_utc(moment: datetime, what: str) -> None:
    """Reject naive datetimes: every time crossing the domain boundary is aware UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware UTC datetime, got a naive one")


@dataclass(frozen=True)
class SessionInfo:
    """What the pure planning code needs to know about one session (not the ORM row)."""

    number: int
    scheduled_at: datetime
    status: str = PLANNED
    done_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.status not in SESSION_STATUSES:
            raise ValueError(f"unknown session status {self.status!r}")
        require_utc(self.scheduled_at, "scheduled_at")
        if self.done_at is not None:
            require_utc(self.done_at, "done_at")

    @property
    def upcoming(self) -> bool:
        return self.status in UPCOMING


def _check_interval(interval: IsoDuration) -> None:
    if interval.negative or interval.is_zero:
        raise ValueError(f"session interval must be positive, got {interval}")


def shift(moment_utc: datetime, duration: IsoDuration, tz: ZoneInfo) -> datetime:
    """``moment_utc`` moved by ``duration``: calendar part on ``tz``'s wall clock, clock part elapsed.

    The semantics ``IsoDuration.apply`` documents, computed so the clock part is
    added in UTC: adding it to a local aware datetime (as ``apply`` does) is
    wall-clock arithmetic in Python, which makes PT6H five real hours across a
    spring-forward night and moves a time in the repeated autumn hour back by an
    hour even for a zero clock part.
    """
    require_utc(moment_utc, "moment")
    sign = -1 if duration.negative else 1
    moved = moment_utc.astimezone(UTC)
    if duration.months or duration.days:
        local = moved.astimezone(tz)
        day = add_months(local.date(), sign * duration.months) + timedelta(days=sign * duration.days)
        moved = resolve_local(datetime.combine(day, local.time()), tz).astimezone(UTC)
    return moved + timedelta(seconds=sign * duration.seconds)


def shift_by(moment_utc: datetime, interval: IsoDuration, times: int, tz: ZoneInfo) -> datetime:
    """``moment_utc`` plus ``times × interval`` in ``tz``'s calendar, in one step (no drift)."""
    scaled = IsoDuration(
        months=interval.months * times,
        days=interval.days * times,
        seconds=interval.seconds * times,
        negative=interval.negative,
    )
    return shift(moment_utc, scaled, tz)


def session_times(
    first_session_utc: datetime, interval: IsoDuration, count: int, tz: ZoneInfo
) -> list[datetime]:
    """The UTC start of each of ``count`` sessions, the first at ``first_session_utc``."""
    require_utc(first_session_utc, "first_session_utc")
    _check_interval(interval)
    if count < 0:
        raise ValueError(f"session count must not be negative, got {count}")
    first = first_session_utc.astimezone(UTC)
    return [shift_by(first, interval, n, tz) for n in range(count)]


def initial_sessions(
    first_session_utc: datetime, interval: IsoDuration, count: int, tz: ZoneInfo
) -> list[SessionInfo]:
    """A new course's sessions, numbered from 1, all ``planned``."""
    times = session_times(first_session_utc, interval, count, tz)
    return [SessionInfo(number=n, scheduled_at=at) for n, at in enumerate(times, start=1)]


def reschedule_following(
    sessions: Sequence[SessionInfo],
    moved_number: int,
    new_time_utc: datetime,
    interval: IsoDuration,
    tz: ZoneInfo,
) -> list[SessionInfo]:
    """Move session ``moved_number`` to ``new_time_utc`` and re-space the planned ones after it.

    Returns every session, sorted by number, with the rule of the module
    docstring applied; the input is not modified. The moved session keeps its
    status (the caller decides whether a moved ``confirmed`` becomes ``planned``).
    """
    require_utc(new_time_utc, "new_time_utc")
    _check_interval(interval)
    ordered = sorted(sessions, key=lambda s: s.number)
    if moved_number not in {s.number for s in ordered}:
        raise ValueError(f"no session number {moved_number} in this course")
    anchor_number, anchor_at = moved_number, new_time_utc.astimezone(UTC)
    result: list[SessionInfo] = []
    for session in ordered:
        if session.number == moved_number:
            result.append(replace(session, scheduled_at=anchor_at))
        elif session.number < moved_number or session.status == CANCELLED:
            result.append(session)
        elif session.status == PLANNED:
            steps = session.number - anchor_number
            at = shift_by(anchor_at, interval, steps, tz)
            result.append(replace(session, scheduled_at=at))
        else:
            anchor_number, anchor_at = session.number, session.scheduled_at
            result.append(session)
    return result
