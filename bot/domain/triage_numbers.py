"""Figures in a patient's text: body temperatures (C or F) and 0-10 soreness scores.

A number is only read as a temperature when something says so: a unit
("39°C", "101 F", "38 grados"), a decimal in the body-temperature range
("38.5", "100.4", "38,5"), or a temperature word in the same clause
("temperature of 101", "tengo 39 de fiebre"). The range decides the scale:
34-43.5 is Celsius, 93-112 is Fahrenheit. Ages ("I'm 39") and scores
("8/10") are not temperatures.

``explicit`` says the reading is plainly a temperature (unit, decimal, or the
word right before it); only explicit readings may *lower* a "fever" wording to
a low-grade temperature, so an ambiguous figure can never talk a fever down.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_CONTEXT = re.compile(
    r"\b(?:temp|temps|temperature|fever|fevers|febrile|feverish|thermometer|reading|fiebre|"
    r"temperatura|termometro|calentura|febricula|grados|degrees|deg)\b"
)
_RIGHT_BEFORE = re.compile(
    r"\b(?:temp|temperature|temperatura|thermometer|termometro|fever\s+of|fiebre\s+de|"
    r"reads?|marca|marcaba)\s+(?:(?:is|was|of|at|es|de|a|about|around|like)\s+)?$"
)
_RIGHT_AFTER = re.compile(r"\s*(?:de|of)\s+(?:fiebre|fever|temperatura|temperature)\b")
_BODY_BEFORE = re.compile(r"\b(?:con|tengo|tiene|estoy\s+a|esta\s+a|running)\s+$")
"""Spanish "llevo dos días con 38", "tengo 39": a bare figure in the body range after these is a temperature."""
_WEATHER_AFTER = re.compile(
    r"\s*(?:outside|out|in\s+the\s+(?:shade|sun|street)|today\s+outside|fuera|afuera|en\s+la\s+calle|a\s+la\s+"
    r"sombra|al\s+sol|de\s+calor|ahi\s+fuera|in\s+here|in\s+the\s+house|en\s+casa)\b"
)
_WEATHER_BEFORE = re.compile(r"\b(?:hace|it'?s|it\s+is|weather|tiempo|calor\s+de|forecast|outside)\s+(?:\w+\s+)?$")
_AGE_BEFORE = re.compile(r"\b(?:i'm|i\s+am|aged?|edad(?:\s+de)?|he's|she's)\s+$")
_TEMPERATURE = re.compile(
    r"(?<![\d.,/])(?P<num>\d{2,3}(?:[.,]\d{1,2})?)(?![\d/])(?P<plus>\s+y\s+(?:pico|algo|medio)\b)?"
    r"(?P<deg>\s*(?:deg(?:rees?)?|grados?))?"
    r"(?:\s*(?P<c>c|celsius|centigrados?|centigrade)|\s*(?P<f>f|fahrenheit|farenheit))?\b"
    r"(?!\s*(?:/|out\s+of|of\s+10|de\s+10|sobre\s+10|%|am\b|pm\b|years?|yrs?|anos|hours?|"
    r"hrs?|h\b|horas|days?|dias|weeks?|semanas|min|minutes|minutos|kg|kilos|lbs?|pounds|mg|"
    r"ml|cm|mm|km|miles|times|veces|steps|pasos|sessions?|sesiones|mins?))"
)
_OUT_OF_TEN = re.compile(
    r"(?<![\d.,])(\d{1,2}(?:[.,]5)?)\s*(?:/|out\s+of|of|de|sobre|en)\s*10\b(?![.,]\d)"
)
_PAIN_IS = re.compile(
    r"\b(?:pain|soreness|sore|ache|dolor|molestia|duele|doliendo|hurts|hurting)\s+(?:(?:level|score|is|was|es|de|at|"
    r"about|around|like|como|un|una|an|a|now|ahora|today|hoy|rating|rated|scale|nivel|en|"
    r"esta|sigue|still|stays|stuck|at|sigo|todavia|aun)\s+){0,3}(\d{1,2})\b(?![.,]\d|\s*(?:deg|grados|c\b|"
    r"f\b|/|out\s+of|de\s+10|sobre|"
    r"hours?|h\b|hrs?|days?|dias|horas|weeks?|semanas|times|veces|%|am\b|pm\b))"
)
# "38 y pico" (38 and a bit), "38 y medio": a stated temperature with a fraction.
_AND_A_BIT = {"pico": 0.1, "algo": 0.1, "medio": 0.5}
_CLAUSE = re.compile(r"[;!?:]|\.(?!\d)|\b(?:but|pero)\b")


@dataclass(frozen=True)
class Temperature:
    celsius: float
    explicit: bool
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


def read_temperatures(norm: str) -> tuple[Temperature, ...]:
    """Every body temperature stated in normalised text, in Celsius."""
    found = []
    for match in _TEMPERATURE.finditer(norm):
        reading = _temperature(norm, match)
        if reading is not None:
            found.append(reading)
    return tuple(found)


def _temperature(norm: str, match: re.Match[str]) -> Temperature | None:
    text = match.group("num")
    plus = match.group("plus")
    value = float(text.replace(",", ".")) + (_AND_A_BIT[plus.split()[-1]] if plus else 0.0)
    decimal = not text.isdigit() or bool(plus)
    unit = match.group("c") or match.group("f") or match.group("deg")
    before = norm[: match.start()]
    if _WEATHER_AFTER.match(norm, match.end()) or (_WEATHER_BEFORE.search(before) and not decimal):
        return None
    body = (35 <= value <= 43 or 95 <= value <= 110) and bool(_BODY_BEFORE.search(before))
    if not (unit or decimal or body or _in_context(norm, match)):
        return None
    if not (unit or decimal) and _AGE_BEFORE.search(before):
        return None
    celsius = _to_celsius(value, bool(match.group("c")), bool(match.group("f")))
    if celsius is None:
        return None
    stated = _RIGHT_BEFORE.search(before) or _RIGHT_AFTER.match(norm, match.end())
    explicit = bool(unit or decimal or stated)
    return Temperature(round(celsius, 2), explicit, match.start(), match.end())


def _to_celsius(value: float, is_c: bool, is_f: bool) -> float | None:
    if is_f or (not is_c and 93 <= value <= 112):
        return (value - 32) * 5 / 9 if 90 <= value <= 115 else None
    return value if 34 <= value <= 43.5 else None


def _in_context(norm: str, match: re.Match[str]) -> bool:
    """A temperature word in the same clause as the number."""
    return bool(_CONTEXT.search(_clause_of(norm, match)))


def read_soreness(norm: str) -> int | None:
    """The highest 0-10 pain score stated ("pain 8/10", "dolor 9 de 10", "pain is a 7", "like an 8").

    Words for pain at its worst ("killing me", "unbearable", "insoportable")
    read as 9: a patient who writes them is past 7/10.
    """
    values = [m.group(1) for m in _OUT_OF_TEN.finditer(norm)]
    values += [m.group(1) for m in _PAIN_IS.finditer(norm)]
    values += [m.group(1) for m in _SCORE.finditer(norm) if _PAIN_WORD.search(_clause_of(norm, m))]
    scores = [math.ceil(float(v.replace(",", "."))) for v in values]
    scores = [s for s in scores if 0 <= s <= 10]
    if _AGONY.search(norm):
        scores.append(9)
    elif _STRONG.search(norm):
        scores.append(7)
    return max(scores) if scores else None


_SCORE = re.compile(
    r"\b(?:un|una|a|an|like|about|around|maybe|at|en|como|tipo|is|es|sigue|still)\s+"
    r"(?:(?:solid|steady|constant|good|strong|fuerte)\s+)?(\d{1,2})\b"
    r"(?![.,]\d|\s*(?:deg|grados|c\b|f\b|/|%|am\b|pm\b|years?|anos|hours?|h\b|hrs?|days?|dias|horas|weeks?|"
    r"semanas|times|veces|mins?|minutes|minutos|sessions?|sesiones|kg|lbs?|cm|km|miles))"
)
_PAIN_WORD = re.compile(r"\b(?:pain|painful|sore|soreness|hurts?|hurting|ache|aching|dolor|duele|doliendo|molestia)\b")
_AGONY = re.compile(
    r"\b(?:killing\s+me|excruciating|unbearable|agony|agonising|agonizing|worst\s+pain|"
    r"can'?t\s+bear\s+(?:it|the\s+pain)|"
    r"insoportable|inaguantable|fortisimo|me\s+muero\s+de\s+dolor|dolor\s+(?:muy\s+fuerte|horrible|terrible|"
    r"tremendo|brutal)|(?:really|very|extremely)\s+(?:bad|severe)\s+pain)\b"
)
_STRONG = re.compile(
    r"\b(?:strong|severe|bad|intense)\s+pain\b|\bpain\s+is\s+(?:strong|severe|intense|bad)\b|"
    r"\bdolor\s+(?:fuerte|intenso|"
    r"severo)\b"
)


def _clause_of(norm: str, match: re.Match[str]) -> str:
    starts = [m.end() for m in _CLAUSE.finditer(norm, 0, match.start())]
    after = _CLAUSE.search(norm, match.end())
    return norm[max(starts, default=0) : after.start() if after else len(norm)]


_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
                 "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "septimo": 7, "octavo": 8,
                 "noveno": 9, "decimo": 10}
_COUNT = "(" + "|".join([r"\d{1,2}", *_NUMBER_WORDS]) + ")"
_DAYS = (
    re.compile(r"\b(?:day|dia)\s+(\d{1,2})\b(?!\s*(?:/|of|de)\b)"),
    re.compile(rf"\b{_COUNT}\s+(days?|weeks?|dias|semanas?)\s+(?:since|after|post|on|later|out|now|despues|desde|"
               r"ya)\b"),
    re.compile(rf"\b(?:it'?s\s+been|been|ya\s+van|van|llevo|han\s+pasado|paso|pasaron|ya\s+paso|ya\s+hace)\s+"
               rf"{_COUNT}\s+(days?|weeks?|dias|semanas?)\b"),
    re.compile(r"\b(a)\s+la\s+(semana)\b"),
    re.compile(r"\b(?:al|el)\s+(septimo|octavo|noveno|decimo)\s+(dia)\b"),
)


def read_days(norm: str) -> int | None:
    """Days since the injection when the text says so ("day 2", "a week since", "ya van 9 días")."""
    found = []
    for pattern in _DAYS:
        for match in pattern.finditer(norm):
            count = match.group(1)
            number = int(count) if count.isdigit() else _NUMBER_WORDS[count]
            unit = match.group(2) if match.lastindex and match.lastindex >= 2 else "day"
            found.append(number * (7 if unit.startswith(("week", "semana")) else 1))
    return max(found) if found else None
