"""Field types of the clinic YAML: durations within bounds, times of day.

Every duration a clinic writes is positive (seconds are allowed, so tests can
run a course in seconds) and has a ceiling per field: a typo such as
``P99999999999D`` or ``P40W`` for a 4-week interval is refused when the file
is read, instead of scheduling nothing, or failing at every enrolment.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from bot.domain.durations import DurationError, IsoDuration


def _parse_duration(value: Any) -> IsoDuration:
    if isinstance(value, IsoDuration):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 duration string such as P2D or PT6H")
    try:
        parsed = IsoDuration.parse(value)
    except DurationError as exc:
        raise ValueError(str(exc)) from None
    if parsed.negative:
        raise ValueError(f"{value!r} is negative; offsets count forward from their anchor")
    if parsed.is_zero:
        raise ValueError(f"{value!r} is zero")
    return parsed


def within(shortest: str | None, longest: str, label: str | None = None) -> AfterValidator:
    """Bounds a clinic's duration must keep, so a typo cannot schedule nothing, or never."""
    low = IsoDuration.parse(shortest) if shortest else None
    high = IsoDuration.parse(longest)

    def check(value: IsoDuration) -> IsoDuration:
        if low is not None and value.approx_seconds < low.approx_seconds:
            raise ValueError(f"{str(value)!r} is shorter than {shortest}")
        if value.approx_seconds > high.approx_seconds:
            raise ValueError(f"{str(value)!r} is longer than {label or longest}, the most this field allows")
        return value

    return AfterValidator(check)


Offset = Annotated[IsoDuration, BeforeValidator(_parse_duration), PlainSerializer(str)]
CourseOffset = Annotated[Offset, within(None, "P366D", "a year")]
"""A reminder, check-in or follow-up offset: seconds (for tests) up to a year."""
Offsets = Annotated[list[CourseOffset], Field(max_length=12)]


def _parse_clock(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 21:00 as the sexagesimal number 1260.
        hours, minutes = divmod(value, 60)
        value = f"{hours:02d}:{minutes:02d}"
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        raise ValueError("must be a time of day as HH:MM, e.g. \"21:00\"")
    hours, minutes = (int(part) for part in value.strip().split(":"))
    if hours > 23 or minutes > 59:
        raise ValueError(f"{value!r} is not a valid time of day")
    return time(hours, minutes)


ClockTime = Annotated[time, BeforeValidator(_parse_clock), PlainSerializer(lambda t: t.strftime("%H:%M"))]
