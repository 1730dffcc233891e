"""How people say a time of day, rewritten into the few forms ``datetime_input`` reads.

"half past ten", "a quarter to 11", "ten thirty", "10 o'clock", "9 in the
morning", "las diez y media", "11 menos cuarto", "17 hs", "10.30am",
"1º"/"1ro"/"primero", "in two days", "en una semana", "this afternoon",
"esta tarde", and near-misses of day and month names ("tomorow", "wensday",
"mañna"). Everything here is text in, text out: lower case, accents already
removed, no clock and no zone.

Hours from 1 to 6 said without minutes or a colon ("at 2", "half past two",
"a las 5 y media") are read in the afternoon: nobody books an injection for
2 a.m., and the patient sees the time read back before it is kept. "02:00"
and "2:30" stay as typed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

NUMBER_WORDS = {
    **dict.fromkeys(("one", "un", "una", "uno", "a", "an"), 1),
    **dict.fromkeys(("two", "dos"), 2), **dict.fromkeys(("three", "tres"), 3),
    **dict.fromkeys(("four", "cuatro"), 4), **dict.fromkeys(("five", "cinco"), 5),
    **dict.fromkeys(("six", "seis"), 6), **dict.fromkeys(("seven", "siete"), 7),
    **dict.fromkeys(("eight", "ocho"), 8), **dict.fromkeys(("nine", "nueve"), 9),
    **dict.fromkeys(("ten", "diez"), 10), **dict.fromkeys(("eleven", "once"), 11),
    **dict.fromkeys(("twelve", "doce"), 12),
}
_MINUTE_WORDS = {"fifteen": 15, "thirty": 30, "forty five": 45, "forty-five": 45}
_H = r"\d{1,2}|" + "|".join(sorted((w for w in NUMBER_WORDS if len(w) > 2), key=len, reverse=True))
_MARK = (r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?|\s+(?P<period>de la (?:manana|madrugada|tarde|noche)"
         r"|in the (?:morning|afternoon|evening)|at night))?")
_MORNING = ("manana", "madrugada", "morning")
_AFTERNOON_GUESS = range(1, 7)


def _hour(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def _said(match: re.Match[str], minute: int = 0, *, to: bool = False) -> str:
    """``H:MM`` with ``am``/``pm`` when said; a bare small hour is read in the afternoon."""
    hour = _hour(match["h"])
    if to:  # "a quarter to 11", "11 menos cuarto"
        hour, minute = (hour - 1) % 12 or 12, 45
    if match["ampm"]:
        marker = f"{match['ampm']}m"
    elif match["period"]:
        marker = "am" if match["period"].endswith(_MORNING) else "pm"
    else:
        marker = "pm" if hour in _AFTERNOON_GUESS else ""
    return f"{hour}:{minute:02d}{marker}"


def _spoken(pattern: str, minute: int = 0, *, to: bool = False) -> tuple[re.Pattern[str], _Rewrite]:
    return re.compile(pattern.replace("{H}", f"(?P<h>{_H})") + _MARK), lambda m: _said(m, minute, to=to)


_Rewrite = Callable[[re.Match[str]], str]
_SPOKEN: tuple[tuple[re.Pattern[str], _Rewrite], ...] = (
    _spoken(r"\bhalf past {H}\b", 30),
    _spoken(r"\b(?:a )?quarter past {H}\b", 15),
    _spoken(r"\b(?:a )?quarter to {H}\b", to=True),
    _spoken(r"\b{H} y media\b", 30),
    _spoken(r"\b{H} y cuarto\b", 15),
    _spoken(r"\b{H} menos cuarto\b", to=True),
    _spoken(r"\b{H} (?:o'?clock|en punto)\b"),
    *(_spoken(rf"\b{{H}} {word}\b", minute) for word, minute in _MINUTE_WORDS.items()),
    (re.compile(r"\b(?P<h>\d{1,2}) ?(?:hs|hrs|horas)\b"), lambda m: f"{int(m['h'])}:00"),
    (re.compile(r"(?<![\d./-])(?P<h>\d{1,2})\.(?P<m>[0-5]\d)\s*(?P<ampm>[ap]m)\b"),
     lambda m: f"{m['h']}:{m['m']}{m['ampm']}"),
    (re.compile(r"\b(?P<at>at|a las|a la)\s+(?P<h>\d{1,2})\.(?P<m>[0-5]\d)(?![\d.])"),
     lambda m: f"{m['at']} {m['h']}:{m['m']}"),
    _spoken(r"\b(?:at|a las|a la|al)\s+{H}\b(?![:.]\d)"),
)
_PERIODS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\d)\s+(?:in the morning|de la (?:manana|madrugada))\b"), "am"),
    (re.compile(r"(?<=\d)\s+(?:in the (?:afternoon|evening)|at night|de la (?:tarde|noche))\b"), "pm"),
    (re.compile(r"\b(?:this (?:afternoon|evening)|tonight|esta (?:tarde|noche))\b"), "today pm-day"),
    (re.compile(r"\b(?:this morning|esta manana)\b"), "today am-day"),
)
_RELATIVE_SPAN = re.compile(
    r"\b(?:in|en|dentro de)\s+(?P<n>\d{1,3}|[a-z]+)\s+(?P<unit>days?|dias?|weeks?|semanas?)\b")
_ORDINAL_WORDS = re.compile(r"\b(?:primero|first)\b(?= (?:de |of )?[a-z])")
_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:ero|ro|er|o)\b")


def spoken_times(text: str) -> str:
    """Rewrite spoken times ("half past ten", "10 y media", "a las 5") as ``H:MM`` (pm-guessed as above)."""
    for pattern, rewrite in _SPOKEN:
        text = pattern.sub(rewrite, text)
    for pattern, replacement in _PERIODS:
        text = pattern.sub(replacement, text)
    return text


def day_periods(text: str) -> tuple[str, str | None]:
    """Take "pm-day"/"am-day" (from "this afternoon", "esta mañana") out: the text and the marker."""
    for marker in ("pm", "am"):
        if f"{marker}-day" in text:
            return " ".join(text.replace(f"{marker}-day", " ").split()), marker
    return text, None


def relative_spans(text: str) -> str:
    """ "in 2 days", "en una semana", "dentro de tres días" -> "+Nd" (days from today)."""

    def days(match: re.Match[str]) -> str:
        amount = match["n"]
        count = int(amount) if amount.isdigit() else NUMBER_WORDS.get(amount)
        if count is None:
            return match[0]
        weeks = match["unit"].startswith(("week", "semana"))
        return f"+{count * (7 if weeks else 1)}d"

    return _RELATIVE_SPAN.sub(days, text)


def ordinals(text: str) -> str:
    """ "primero de abril", "1ro", "1º" (already "1o") -> "1"."""
    return _ORDINAL_SUFFIX.sub("", _ORDINAL_WORDS.sub("1", text))


def near_misses(text: str, vocabulary: frozenset[str]) -> str:
    """Words of five letters or more one slip away from a day or month name take that name."""
    words = []
    for word in text.split():
        if len(word) >= 5 and word.isalpha() and word not in vocabulary:
            close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.85)
            word = close[0] if close else word
        words.append(word)
    return " ".join(words)
