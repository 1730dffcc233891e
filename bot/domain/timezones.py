"""Turning what a patient types into a timezone every other part of the bot can use.

Accepted, case-insensitively, spaces or underscores alike:

- an IANA name: ``Europe/Madrid``, ``europe/madrid``, ``america/new york``;
- a bare city when exactly one zone ends with it: ``Madrid``, ``new york``;
- ``UTC``/``GMT``/``Z`` and a whole-hour UTC offset: ``UTC+2``, ``GMT-3``,
  ``+05``, ``-0300``, ``UTC +2:00`` (also a typographic minus sign).

Offsets become the fixed ``Etc/GMT±N`` zones, whose sign is inverted by POSIX
convention (UTC+2 is ``Etc/GMT-2``); they never follow DST, which the reply
to the patient should say (``ParsedZone.fixed_offset``). Offsets with minutes
(+05:30, -03:30) have no ``Etc`` zone, and a bare ``datetime.timezone`` would
not fit the stored ``Patient.timezone`` name, so they are rejected with
reason ``partial_hour_offset`` and a few IANA zones that use that offset as
``suggestions`` (+05:30 suggests Asia/Kolkata and Asia/Colombo).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

COMMON_TIMEZONES: tuple[tuple[str, str], ...] = (
    ("America/New_York", "New York (ET)"),
    ("America/Chicago", "Chicago (CT)"),
    ("America/Denver", "Denver (MT)"),
    ("America/Los_Angeles", "Los Angeles (PT)"),
    ("America/Mexico_City", "Mexico City"),
    ("America/Bogota", "Bogotá"),
    ("Europe/London", "London"),
    ("Europe/Madrid", "Madrid"),
)
"""(IANA name, short label) pairs for the timezone buttons at enrolment."""

_OFFSET = re.compile(
    r"^(?:utc|gmt|z)?\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$"
)
# Old alias areas: "eastern" must not silently become Canada/Eastern.
_LEGACY_PREFIXES = (
    "Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "posix", "right"
)
_UTC_NAMES = frozenset(
    {"UTC", "UCT", "GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich", "Universal", "Zulu"}
)
_UTC_WORDS = frozenset({"utc", "gmt", "z"})

# Zones that use a partial-hour offset (standard time), suggested instead.
_PARTIAL_HOUR_ZONES: dict[int, tuple[str, ...]] = {
    -(9 * 60 + 30): ("Pacific/Marquesas",),
    -(3 * 60 + 30): ("America/St_Johns",),
    3 * 60 + 30: ("Asia/Tehran",),
    4 * 60 + 30: ("Asia/Kabul",),
    5 * 60 + 30: ("Asia/Kolkata", "Asia/Colombo"),
    5 * 60 + 45: ("Asia/Kathmandu",),
    6 * 60 + 30: ("Asia/Yangon", "Indian/Cocos"),
    8 * 60 + 45: ("Australia/Eucla",),
    9 * 60 + 30: ("Australia/Adelaide", "Australia/Darwin"),
    10 * 60 + 30: ("Australia/Lord_Howe",),
    12 * 60 + 45: ("Pacific/Chatham",),
}


class TimezoneError(ValueError):
    """Text that is not a usable timezone; ``reason`` is a stable code for the reply text.

    Reasons: ``empty``, ``unknown``, ``ambiguous`` (several zones end with that
    city), ``out_of_range`` (beyond UTC-12..UTC+14), ``partial_hour_offset``.
    """

    def __init__(self, reason: str, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reason = reason
        self.suggestions = suggestions


@dataclass(frozen=True)
class ParsedZone:
    """A zone the patient chose: ``name`` is a ZoneInfo key, safe to store."""

    name: str
    fixed_offset: bool  # typed as an offset: follows no DST

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.name)


@cache
def _names_by_folded() -> dict[str, str]:
    return {_fold(name): name for name in available_timezones()}


@cache
def _names_by_city() -> dict[str, tuple[str, ...]]:
    cities: dict[str, list[str]] = {}
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(_LEGACY_PREFIXES):
            cities.setdefault(_fold(name.rsplit("/", 1)[1]), []).append(name)
    return {city: tuple(names) for city, names in cities.items()}


def _fold(text: str) -> str:
    return re.sub(r"[\s_]+", "_", text.strip().lower())


def parse_timezone(text: str) -> ParsedZone:
    """Resolve a typed timezone (see the module docstring) or raise ``TimezoneError``."""
    cleaned = text.strip().replace("\u2212", "-") if isinstance(text, str) else ""
    folded = _fold(cleaned)
    if not folded:
        raise TimezoneError("empty", "no timezone given")
    if folded in _UTC_WORDS:
        return ParsedZone("UTC", fixed_offset=True)
    match = _OFFSET.match(folded.replace("_", " "))
    if match:
        return _from_offset(match)
    if folded in _names_by_folded():
        name = _names_by_folded()[folded]
        return ParsedZone(name, fixed_offset=name.startswith("Etc/") or name in _UTC_NAMES)
    candidates = _names_by_city().get(folded, ())
    if len(candidates) == 1:
        return ParsedZone(candidates[0], fixed_offset=False)
    if candidates:
        raise TimezoneError(
            "ambiguous", f"{cleaned!r} matches several timezones", suggestions=candidates
        )
    raise TimezoneError(
        "unknown",
        f"unknown timezone {cleaned!r}; use a name such as Europe/Madrid or an offset like UTC+2",
    )


def _from_offset(match: re.Match[str]) -> ParsedZone:
    sign = -1 if match["sign"] == "-" else 1
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if minutes >= 60:
        raise TimezoneError("unknown", f"{minutes} is not a number of minutes")
    total = sign * (hours * 60 + minutes)
    if not -12 * 60 <= total <= 14 * 60:
        raise TimezoneError("out_of_range", "UTC offsets run from UTC-12 to UTC+14")
    if minutes:
        suggestions = _PARTIAL_HOUR_ZONES.get(total, ())
        raise TimezoneError(
            "partial_hour_offset",
            f"UTC{'+' if sign > 0 else '-'}{hours:02d}:{minutes:02d} has no fixed-offset zone; "
            "choose your city's zone instead",
            suggestions=suggestions,
        )
    if hours == 0:
        return ParsedZone("UTC", fixed_offset=True)
    # POSIX inverts the sign: Etc/GMT-2 is two hours *ahead* of UTC.
    return ParsedZone(f"Etc/GMT{'-' if sign > 0 else '+'}{hours}", fixed_offset=True)


def utc_offset_label(name: str, at: datetime) -> str:
    """``UTC+01:00``-style label of zone ``name`` at instant ``at`` (for confirmations)."""
    offset = at.astimezone(ZoneInfo(name)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"
