"""Pure enrolment rules: the screening questions, the first-session window, durations in words.

Kept free of Telegram and the database so the CLI (``aftercare invite``), the
staff tools and the enrolment conversation apply exactly the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.datetime_input import MAX_AHEAD, Problem
from bot.domain.durations import IsoDuration


@dataclass(frozen=True)
class ScreeningQuestion:
    """One caution from docs/CLINICAL.md: ``key`` names its text, ``flag`` goes on the patient."""

    key: str
    flag: str


SCREENING: tuple[ScreeningQuestion, ...] = (
    ScreeningQuestion("bleeding", "screen_bleeding"),
    ScreeningQuestion("infection", "screen_infection"),
    ScreeningQuestion("allergy", "screen_allergy"),
)
"""Asked in this order; a "yes" adds ``flag`` to ``Patient.flags`` (staff see it)."""

SCREENING_FLAGS = frozenset(question.flag for question in SCREENING)


def next_screening_question(answered: list[str]) -> ScreeningQuestion | None:
    """The first question not yet answered, or ``None`` when screening is complete."""
    return next((question for question in SCREENING if question.key not in answered), None)


def first_session_problem(at: datetime, now: datetime) -> Problem | None:
    """Why ``at`` cannot be a first session (past, or over a year ahead), else ``None``.

    Uses the same window as the typed-date parser so buttons, typed dates, the
    CLI and staff bookings all agree on what "too far" means.
    """
    if at.tzinfo is None or now.tzinfo is None:
        raise ValueError("first session and now must be aware datetimes")
    if at <= now:
        return Problem.PAST
    if at - now > MAX_AHEAD:
        return Problem.TOO_FAR
    return None


_CLOCK_UNITS = (("hour", 3600), ("minute", 60), ("second", 1))


def duration_parts(duration: IsoDuration) -> list[tuple[str, int]]:
    """``P1M2W`` -> ``[("month", 1), ("week", 2)]``: what a person would say, largest first.

    Weeks are used from two weeks up when the days are whole weeks (protocols
    say P4W, and "28 days" reads worse than "4 weeks", while a day-7 check-in
    reads best as "7 days"); twelve months are a year.
    """
    parts: list[tuple[str, int]] = []
    years, months = divmod(duration.months, 12)
    parts.extend((unit, count) for unit, count in (("year", years), ("month", months)) if count)
    if duration.days:
        weeks, days = divmod(duration.days, 7)
        parts.append(("week", weeks) if days == 0 and weeks >= 2 else ("day", duration.days))
    seconds = duration.seconds
    for unit, size in _CLOCK_UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append((unit, count))
    return parts
