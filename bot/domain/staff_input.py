"""Reading what clinic staff type: patient labels, session numbers, dates and times.

Pure (no Telegram, no database, ``now`` is a parameter) so the Telegram staff
commands, the CLI and the web console accept exactly the same input and reject
it for the same reasons.

- A label is the clinic-side id (``R-0042``), case-insensitive. Anything else,
  in particular a bare number that could be a Telegram id, is not a label.
- A session number is a small positive integer.
- A booking time is an ISO date-time (an offset, if given, wins; else the
  clinic's wall clock) or anything the patients' parser reads
  (``bot.domain.datetime_input``: "Dec 3 10:30", "tomorrow 9am", ...).
- A "given at" time for ``/done`` lies in the past: a time alone is today;
  ``yesterday``/``ayer`` or a weekday (``monday 9:00``: the latest Monday,
  today included) + a time; or a written date and time, read as its latest
  occurrence (``Dec 3 10:30``, ``2026-12-03 10:30``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.datetime_input import MAX_AHEAD, InputError, Problem, parse_session_time
from bot.domain.durations import resolve_local

_LABEL = re.compile(r"^[A-Za-z]{1,3}-\d{1,8}$")
_SESSION = re.compile(r"^#?(\d{1,2})$")
_DAY_WORDS = {"today": 0, "hoy": 0, "yesterday": 1, "ayer": 1}
_WEEKDAYS = {
    **dict.fromkeys(("mon", "monday", "lun", "lunes"), 0),
    **dict.fromkeys(("tue", "tuesday", "martes"), 1),
    **dict.fromkeys(("wed", "wednesday", "mie", "miercoles"), 2),
    **dict.fromkeys(("thu", "thursday", "jue", "jueves"), 3),
    **dict.fromkeys(("fri", "friday", "vie", "viernes"), 4),
    **dict.fromkeys(("sat", "saturday", "sab", "sabado"), 5),
    **dict.fromkeys(("sun", "sunday", "dom", "domingo"), 6),
}
_FUTURE_WORDS = frozenset({"tomorrow", "tmrw", "manana", "next", "proximo", "proxima"})
GIVEN_SKEW = timedelta(minutes=1)
YEAR_BACK = timedelta(days=365)
_CLINIC_FLAG = re.compile(r"^(?:--|—|–)clinic(?:=(.*))?$")


@dataclass(frozen=True)
class ClinicArg:
    """``--clinic ID`` pulled out of a command's arguments (``missing_value`` if no ID followed)."""

    clinic_id: str | None
    rest: list[str]
    missing_value: bool = False


def normalise_label(text: str) -> str | None:
    """``r-0042`` -> ``R-0042``; ``None`` for anything that is not label-shaped."""
    candidate = text.strip()
    return candidate.upper() if _LABEL.match(candidate) else None


def parse_session_number(text: str) -> int | None:
    """``2`` or ``#2`` -> 2; ``None`` for anything else (0 included)."""
    match = _SESSION.match(text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if number >= 1 else None


def split_clinic(args: list[str]) -> ClinicArg:
    """Take ``--clinic ID`` / ``--clinic=ID`` out of ``args`` (phones may type an em dash)."""
    rest: list[str] = []
    clinic_id: str | None = None
    missing = False
    index = 0
    while index < len(args):
        match = _CLINIC_FLAG.match(args[index].lower())
        if match is None:
            rest.append(args[index])
        elif match.group(1):
            clinic_id = match.group(1)
        elif index + 1 < len(args):
            index += 1
            clinic_id = args[index].lower()
        else:
            missing = True
        index += 1
    return ClinicArg(clinic_id, rest, missing)


def parse_booking_time(text: str, *, tz: ZoneInfo, lang: str, now: datetime) -> datetime | InputError:
    """A future appointment time (aware UTC), or why not."""
    try:
        iso = datetime.fromisoformat(text.strip())
    except ValueError:
        iso = None
    if iso is not None and iso.tzinfo is not None:
        at = _utc(iso)
        if (at is None and iso.year > now.year) or (at is not None and at - now > MAX_AHEAD):
            return InputError(Problem.TOO_FAR, f"{text.strip()[:40]} is more than a year ahead")
        if at is None or at <= now:
            return InputError(Problem.PAST, f"{text.strip()[:40]} has already passed")
        return at
    parsed = parse_session_time(text, tz=tz, lang=lang, now=now)
    return parsed if isinstance(parsed, InputError) else parsed.at


def parse_given_time(text: str, *, tz: ZoneInfo, lang: str, now: datetime) -> datetime | InputError:
    """When an injection was given, at or before ``now`` (a minute of clock skew allowed).

    ``PAST`` means more than a year ago, ``TOO_FAR`` means still in the future.
    """
    at = _aware_iso(text)
    if at is None:
        found = _given_local(_fold(text), tz, lang, now)
        if isinstance(found, InputError):
            return found
        at = found
    if at > now + GIVEN_SKEW:
        return InputError(Problem.TOO_FAR, "that time is still in the future")
    if now - at > MAX_AHEAD:
        return InputError(Problem.PAST, "that is more than a year ago")
    return at


def _given_local(cleaned: str, tz: ZoneInfo, lang: str, now: datetime) -> datetime | InputError:
    """Day words and weekdays count back from today; a time alone is today; dates go to the parser."""
    today = now.astimezone(tz).date()
    head, _, rest = cleaned.removeprefix("last ").partition(" ")
    back = _DAY_WORDS.get(head)
    if back is None and head in _WEEKDAYS:
        back = (today.weekday() - _WEEKDAYS[head]) % 7
    if back is not None:
        if not rest:
            return InputError(Problem.NO_TIME, "no time of day found")
        return _clock_on(today - timedelta(days=back), rest, tz, lang)
    if _FUTURE_WORDS.intersection(cleaned.replace("de la manana", "am").split()):
        return InputError(Problem.TOO_FAR, "that day is still in the future")
    same_day = _clock_on(today, cleaned, tz, lang)
    if not isinstance(same_day, InputError) or same_day.problem == Problem.INVALID_DATE:
        return same_day
    # A written date: the parser reads the next occurrence after "now", so ask it a year back.
    parsed = parse_session_time(cleaned, tz=tz, lang=lang, now=now - YEAR_BACK)
    if isinstance(parsed, InputError):
        return parsed
    return parsed.at


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _aware_iso(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return _utc(parsed) if parsed.tzinfo is not None else None


def _utc(moment: datetime) -> datetime | None:
    """``moment`` in UTC; ``None`` at the ends of the calendar (0001-01-01T00:00+14:00), never overflow."""
    if not 2 <= moment.year <= 9998:
        return None
    return moment.astimezone(UTC)


def _clock_on(day: date, clock_text: str, tz: ZoneInfo, lang: str) -> datetime | InputError:
    """Read ``clock_text`` as a time of day on ``day`` with the patients' parser.

    The parser only accepts future times, so it is asked as of the start of the
    day before: whatever time it reads then falls on ``day``.
    """
    reference = resolve_local(datetime.combine(day - timedelta(days=1), time(0, 0)), tz).astimezone(UTC)
    parsed = parse_session_time(f"{day.isoformat()} {clock_text}", tz=tz, lang=lang, now=reference)
    if isinstance(parsed, InputError):
        return parsed
    return parsed.at
