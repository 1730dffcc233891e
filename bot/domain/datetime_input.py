"""Reading the date and time a patient (or staff member) types for a session.

Accepted (case and accents do not matter; "at", "on", "the", "of", "a las",
"next", "el próximo", "de", "al" and commas may be added freely):

- a time, required: ``10:30``, ``14:00``, ``9am``, ``9:30 pm``, ``10.30am``,
  ``10h``, ``10h30``, ``17 hs``, ``noon``/``mediodía``, "at 9"/"a las 9" (9:00),
  and spoken forms (``bot.domain.datetime_words``): "half past ten", "a
  quarter to 11", "ten thirty", "10 o'clock", "9 in the morning", "las diez y
  media", "10 y cuarto", "11 menos cuarto", "5 de la tarde"; an hour from 1 to
  6 said without a colon ("at 2", "a las 5 y media") is read in the afternoon;
- then, optionally, a date:
  - ``2026-12-03`` (ISO, also ``2026-12-03T10:30``);
  - ``12/3``, ``12-3`` or ``12/3/2026`` in English (month/day), ``3/12`` or
    ``3.12.2026`` in Spanish (day/month); if that order gives no valid month
    but the other does (``25/12`` in English), the other is taken;
  - ``Dec 3``, ``December 3rd 2026``, ``3rd of December``, ``3 dic``, ``3 de
    diciembre de 2026``, ``1º``/``1ro``/``primero de abril`` (month names in
    either language);
  - ``today``/``hoy``, ``tomorrow``/``mañana``, ``day after tomorrow``/``pasado
    mañana``, ``this afternoon``/``esta tarde`` (afternoon hours), "in 2
    days"/"en dos días"/"dentro de una semana";
  - a weekday, ``monday``/``lunes`` or ``next monday``/``el próximo lunes``:
    the coming one, never today ("today"/"hoy" is for today);
  - a weekday before a date (``Thu Dec 3``) must match that date;
- a number after a date is its hour ("mañana 10", "Dec 3 10", "December 3rd,
  10.30"); a day or month name one slip away is read as that name
  ("tomorow", "wensday", "mañna").

A time alone means its next occurrence (today if still ahead, else tomorrow).
A date without a year is this year, or next year once that date has passed.
The local time is read in the patient's timezone; one skipped by a DST change
moves forward past the gap (``adjusted``: tell the patient) and a repeated one
takes its first occurrence (``ambiguous``). Results must be after ``now`` and
at most ``MAX_AHEAD`` later; years far from ``now`` are refused before any
date arithmetic. ``HELP_EXAMPLES`` holds the help line per language. The
phrasings this is measured on, and why it is not ``dateparser``:
``tests/unit/date_phrasings.tsv``, ``bench/date_input.py``, docs/DESIGN.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.datetime_words import day_periods, near_misses, ordinals, relative_spans, spoken_times
from bot.domain.durations import resolve_local

MAX_AHEAD = timedelta(days=366)
HELP_EXAMPLES: dict[str, tuple[str, ...]] = {
    "en": ("Dec 3 10:30", "12/3 10:30", "2026-12-03 10:30", "tomorrow 9am", "monday 14:00"),
    "es": ("3 dic 10:30", "3/12 10:30", "2026-12-03 10:30", "mañana 9:00", "lunes 14:00"),
}


class Problem(StrEnum):
    UNPARSEABLE = "unparseable"
    NO_TIME = "no_time"
    INVALID_DATE = "invalid_date"  # 31/02, 25:00
    PAST = "past"
    TOO_FAR = "too_far"


@dataclass(frozen=True)
class ParsedMoment:
    at: datetime  # aware UTC
    local: datetime  # aware, in the patient's zone: what to read back to them
    adjusted: bool  # the typed time did not exist (DST gap) and was moved forward
    ambiguous: bool  # the typed time happened twice (DST end); the first was taken


@dataclass(frozen=True)
class InputError:
    problem: Problem
    detail: str


class _Invalid(Exception):
    """A well-formed but impossible date or time (Feb 30, 25:00)."""


_MONTHS = {
    **dict.fromkeys(("jan", "january", "ene", "enero"), 1),
    **dict.fromkeys(("feb", "february", "febrero"), 2),
    **dict.fromkeys(("mar", "march", "marzo"), 3),
    **dict.fromkeys(("apr", "april", "abr", "abril"), 4),
    **dict.fromkeys(("may", "mayo"), 5),
    **dict.fromkeys(("jun", "june", "junio"), 6),
    **dict.fromkeys(("jul", "july", "julio"), 7),
    **dict.fromkeys(("aug", "august", "ago", "agosto"), 8),
    **dict.fromkeys(("sep", "sept", "september", "set", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("oct", "october", "octubre"), 10),
    **dict.fromkeys(("nov", "november", "noviembre"), 11),
    **dict.fromkeys(("dec", "december", "dic", "diciembre"), 12),
}
_WEEKDAYS = {
    **dict.fromkeys(("mon", "monday", "lun", "lunes"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday", "mar", "martes"), 1),
    **dict.fromkeys(("wed", "wednesday", "mie", "miercoles"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday", "jue", "jueves"), 3),
    **dict.fromkeys(("fri", "friday", "vie", "viernes"), 4),
    **dict.fromkeys(("sat", "saturday", "sab", "sabado"), 5),
    **dict.fromkeys(("sun", "sunday", "dom", "domingo"), 6),
}
_RELATIVE = {
    **dict.fromkeys(("today", "hoy"), 0),
    **dict.fromkeys(("tomorrow", "tmrw", "tmr", "manana"), 1),
    **dict.fromkeys(("day after tomorrow", "pasado manana"), 2),
}
_VOCABULARY = frozenset(word for word in (*_MONTHS, *_WEEKDAYS, *_RELATIVE, "tomorrow") if len(word) >= 5)
_FILLERS = frozenset(
    {
        *("at", "on", "the", "of", "this", "next"),
        *("a", "las", "la", "el", "de", "del", "al", "este", "esta"),
        *("proximo", "proxima", "que", "viene"),
    }
)

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\d)\s*([ap])\.?\s?m\b\.?"), r"\1m"),  # 9 a.m. -> 9am
    (re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)"), r"\1 "),  # ISO "T"
    (re.compile(r"\b12\s+noon\b"), "noon"),
    (re.compile(r"\b(?:noon|mediodia)\b"), "12:00"),
    (re.compile(r"\b(?:midnight|medianoche)\b"), "0:00"),
    (re.compile(r"[,;]"), " "),
)
_TIME = re.compile(
    r"(?<![\w/.:-])(?P<hour>\d{1,2})"
    r"(?::(?P<minute>\d{2})(?::\d{2})?(?:\s*(?P<ampm>am|pm))?"
    r"|h(?P<hminute>\d{2})?|\s*(?P<ampm_only>am|pm))(?![\w/.:])"
)


def parse_session_time(
    text: str, *, tz: ZoneInfo, lang: str, now: datetime
) -> ParsedMoment | InputError:
    """Read a typed date and time in ``tz``; ``lang`` only decides day/month order."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware UTC datetime")
    if not isinstance(text, str) or len(text) > 80:
        return InputError(Problem.UNPARSEABLE, "empty or too long")
    normalised, period = day_periods(_normalise(text))
    if not normalised:
        return InputError(Problem.UNPARSEABLE, "empty or too long")
    today = now.astimezone(tz).date()
    times = list(_TIME.finditer(normalised))
    if not times:
        normalised = _bare_time(normalised, today, lang)
        times = list(_TIME.finditer(normalised))
    if len(times) > 1:
        return InputError(Problem.UNPARSEABLE, f"{len(times)} times found")
    try:
        day = _parse_date(_strip_fillers(_TIME.sub(" ", normalised)), today, lang)
        if not times:
            problem = Problem.NO_TIME if day is not None else Problem.UNPARSEABLE
            return InputError(problem, "no time of day found")
        clock = _clock(times[0], period)
    except _Invalid as exc:
        return InputError(Problem.INVALID_DATE, str(exc))
    except LookupError:
        return InputError(Problem.UNPARSEABLE, "no date or time recognised")
    if day is None:
        day = today if _local(today, clock, tz) > now else today + timedelta(days=1)
    return _checked(datetime.combine(day, clock), tz, now)


def _normalise(text: str) -> str:
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    out = near_misses("".join(ch for ch in decomposed if not unicodedata.combining(ch)), _VOCABULARY)
    out = spoken_times(out)
    for pattern, replacement in _REWRITES:
        out = pattern.sub(replacement, out)
    return " ".join(ordinals(relative_spans(out)).split())


def _bare_time(phrase: str, today: date, lang: str) -> str:
    """ "tomorrow 10", "3 dic 10", "December 3rd, 10.30": a last number after a date is its time."""
    head, _, last = phrase.rpartition(" ")
    match = re.fullmatch(r"(\d{1,2})(?:\.([0-5]\d))?", last)
    if not head or match is None or int(match[1]) > 23:
        return phrase
    try:
        if _parse_date(_strip_fillers(head), today, lang) is None:
            return phrase
    except (LookupError, _Invalid):
        return phrase
    hour, minute = int(match[1]), int(match[2] or 0)
    return f"{head} {hour}:{minute:02d}" + ("pm" if match[2] is None and 1 <= hour <= 6 else "")


def _strip_fillers(phrase: str) -> str:
    return " ".join(word for word in phrase.split() if word not in _FILLERS)


def _clock(match: re.Match[str], period: str | None = None) -> time:
    """The time of day; ``period`` ("pm" for "this afternoon") applies when no am/pm was typed."""
    hour = int(match["hour"])
    minute = int(match["minute"] or match["hminute"] or 0)
    ampm = match["ampm"] or match["ampm_only"] or (period if period and 1 <= hour <= 12 else None)
    if ampm:
        if not 1 <= hour <= 12:
            raise _Invalid(f"{hour} is not an hour on a 12-hour clock")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise _Invalid(f"{hour}:{minute:02d} is not a time of day")
    return time(hour, minute)


def _local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return resolve_local(datetime.combine(day, clock), tz).astimezone(UTC)


def _checked(naive: datetime, tz: ZoneInfo, now: datetime) -> ParsedMoment | InputError:
    # Years far from now are refused before any arithmetic: 9999-12-31 23:00 in a zone
    # behind UTC would overflow Python's last datetime.
    if naive.year > now.year + 1:
        return InputError(Problem.TOO_FAR, f"{naive:%Y-%m-%d} is more than a year ahead")
    if naive.year < now.year - 1:
        return InputError(Problem.PAST, f"{naive:%Y-%m-%d %H:%M} has already passed")
    local = resolve_local(naive, tz)
    at = local.astimezone(UTC)
    adjusted = local.replace(tzinfo=None) != naive
    second = naive.replace(tzinfo=tz, fold=1)
    ambiguous = not adjusted and second.astimezone(UTC) != at
    if at <= now:
        return InputError(Problem.PAST, f"{naive:%Y-%m-%d %H:%M} has already passed")
    if at - now > MAX_AHEAD:
        return InputError(Problem.TOO_FAR, f"{naive:%Y-%m-%d} is more than a year ahead")
    return ParsedMoment(at=at, local=local, adjusted=adjusted, ambiguous=ambiguous)


# --- dates: each pattern's handler gets the match, today and the language ----------

_DateHandler = Callable[[re.Match[str], date, str], date]


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Invalid(f"{year}-{month:02d}-{day:02d} is not a date") from None


def _yearless(month: int, day: int, year_text: str | None, today: date) -> date:
    """This year's date, next year's once it has passed; a typed year wins."""
    if year_text:
        year = int(year_text)
        return _make(year + 2000 if year < 100 else year, month, day)
    year = today.year + (1 if (month, day) < (today.month, today.day) else 0)
    return _make(year, month, day)


def _iso(match: re.Match[str], today: date, lang: str) -> date:
    return _make(int(match[1]), int(match[2]), int(match[3]))


def _numeric(match: re.Match[str], today: date, lang: str) -> date:
    first, second = int(match[1]), int(match[2])
    month, day = (first, second) if lang == "en" else (second, first)
    if month > 12 >= day:
        month, day = day, month
    return _yearless(month, day, match[3], today)


def _day_month(match: re.Match[str], today: date, lang: str) -> date:
    if match["month"] not in _MONTHS:
        raise LookupError(match["month"])
    return _yearless(_MONTHS[match["month"]], int(match["day"]), match["year"], today)


def _weekday(match: re.Match[str], today: date, lang: str) -> date:
    ahead = (_WEEKDAYS[match[0]] - today.weekday() - 1) % 7 + 1
    return today + timedelta(days=ahead)


def _span(match: re.Match[str], today: date, lang: str) -> date:
    return today + timedelta(days=int(match[1]))


def _relative(match: re.Match[str], today: date, lang: str) -> date:
    return today + timedelta(days=_RELATIVE[match[0]])


_YEAR = r"(?:\s(?P<year>\d{4}))?"
_ORDINAL = r"(?:st|nd|rd|th|o)?"
_DATES: tuple[tuple[re.Pattern[str], _DateHandler], ...] = (
    (re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"), _iso),
    (re.compile(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?\.?"), _numeric),
    (re.compile(r"\+(\d{1,3})d"), _span),
    (re.compile(rf"(?P<day>\d{{1,2}}){_ORDINAL}\s(?P<month>[a-z]+)\.?{_YEAR}"), _day_month),
    (re.compile(rf"(?P<month>[a-z]+)\.?\s(?P<day>\d{{1,2}}){_ORDINAL}{_YEAR}"), _day_month),
    (re.compile("|".join(_WEEKDAYS)), _weekday),
    (re.compile("|".join(_RELATIVE)), _relative),
)


def _parse_date(phrase: str, today: date, lang: str) -> date | None:
    """The date in ``phrase`` (``None`` if empty); ``LookupError`` when unrecognised."""
    if not phrase:
        return None
    for pattern, handler in _DATES:
        match = pattern.fullmatch(phrase)
        if match:
            return handler(match, today, lang)
    head, _, rest = phrase.partition(" ")
    if head in _WEEKDAYS and rest:
        day = _parse_date(rest, today, lang)
        if day is not None and day.weekday() != _WEEKDAYS[head]:
            raise _Invalid(f"{day:%Y-%m-%d} is not a {head}")
        return day
    raise LookupError(phrase)
