"""Triage of a check-in: the one pure function behind every escalation (docs/CLINICAL.md).

``triage(report, thresholds)`` looks at a check-in's answers (soreness 0-10,
swelling, the red-flag checklist, a temperature) and/or the patient's free
text, and returns the level, the signs behind it, and whether the bot should
ask a follow-up question. No Telegram, no database, no clock: the caller
passes the hours since the injection, so every rule is table-testable.

Rules (highest level wins):

- watch: soreness >= ``high_soreness`` in the early window (72 h); soreness
  >= ``day7_soreness`` from day 7; moderate swelling; soreness not easing by
  day 3 (from 48 h, not lower than the previous answer); getting worse inside
  the early window; "fever" with a measured temperature below the threshold.
  Between the early window and day 7, and when the time is unknown, the lower
  of the two soreness thresholds applies (when in doubt, escalate).
- urgent: temperature >= ``fever_celsius`` (or chills); redness spreading; site
  hot to the touch; pus; pain or swelling worse after the early window;
  severe swelling; numbness, tingling or weakness; a suspected infection.
- emergency: severe allergic reaction signs (throat or tongue included);
  chest pain or shortness of breath; fainting, collapse or loss of
  consciousness, or about to faint with a racing heart or trouble breathing.
- watch, from free text too: dizziness, a racing heart, a bruise that keeps
  growing, a vague worry with no named sign, 37.5-37.9 C.

A doubtful sign (vague wording, hedged, a question about now, or a
time-dependent rule with no time) still counts at its full level and sets
``needs_follow_up``. A sign mentioned only as a hypothetical ("should I call if
it gets hot?") is no sign, and sets ``asks_when_to_call``: the patient gets the
clinic's guidance on when to call instead of an alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.triage_lexicon import Rule
from bot.domain.triage_signs import CHECKLIST_SIGNS, SIGN_LEVEL, Level, Sign, sort_signs
from bot.domain.triage_text import Mention, TextReading, read_text

__all__ = [
    "CHECKLIST_SIGNS",
    "DEFAULT_THRESHOLDS",
    "SIGN_LEVEL",
    "Level",
    "Mention",
    "Report",
    "Sign",
    "Swelling",
    "Thresholds",
    "TriageResult",
    "describe",
    "triage",
]

DST_SLACK_HOURS = 1.0
"""Calendar offsets (P3D, P7D) can be an hour short across a clock change."""


class Swelling(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(frozen=True)
class Thresholds:
    """The clinic-tunable numbers of the rules; the defaults are docs/CLINICAL.md's."""

    fever_celsius: float = 38.0
    low_grade_celsius: float = 37.5
    high_soreness: int = 7
    early_window_hours: float = 72.0
    day7_soreness: int = 7
    easing_by_hours: float = 48.0
    day7_hours: float = 7 * 24.0

    @property
    def fever_fahrenheit(self) -> float:
        return round(self.fever_celsius * 9 / 5 + 32, 1)


@dataclass(frozen=True)
class Report:
    """What the patient told us in one check-in or message; every field optional."""

    soreness: int | None = None
    swelling: Swelling | None = None
    checked: frozenset[Sign] = frozenset()
    text: str | None = None
    language: str = "en"
    hours_since_injection: float | None = None
    previous_soreness: int | None = None
    temperature_celsius: float | None = None

    def __post_init__(self) -> None:
        for name in ("soreness", "previous_soreness"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 10:
                raise ValueError(f"{name} must be 0-10, got {value}")
        if self.hours_since_injection is not None and self.hours_since_injection < 0:
            raise ValueError("hours_since_injection must not be negative")


@dataclass(frozen=True)
class TriageResult:
    level: Level
    signs: tuple[Sign, ...]
    needs_follow_up: bool
    doubtful_signs: tuple[Sign, ...] = ()
    asks_when_to_call: bool = False
    mentions: tuple[Mention, ...] = ()

    @property
    def escalates(self) -> bool:
        """Urgent or emergency: the patient message and staff alert must go out."""
        return self.level.at_least(Level.URGENT)


@dataclass
class _Signs:
    """Signs found so far; a sign is doubtful only if every source was doubtful."""

    doubt: dict[Sign, bool] = field(default_factory=dict)

    def add(self, sign: Sign, doubtful: bool = False) -> None:
        self.doubt[sign] = self.doubt.get(sign, True) and doubtful


DEFAULT_THRESHOLDS = Thresholds()


def triage(
    report: Report, thresholds: Thresholds = DEFAULT_THRESHOLDS, wordings: tuple[Rule, ...] = ()
) -> TriageResult:
    """Level, signs and follow-up need for one report (docs/CLINICAL.md rules).

    ``wordings`` are a clinic's own phrasings of signs (``clinic_wordings``).
    """
    limits = thresholds
    found = _Signs()
    reading = read_text(report.text, report.language, wordings) if report.text else None
    hours = report.hours_since_injection
    if hours is None and reading is not None and reading.days is not None:
        hours = reading.days * 24.0  # "day 2", "a week since": the patient's own count
    for sign in report.checked:
        found.add(_timed(sign, hours, limits))
    _swelling(report.swelling, found)
    soreness = _highest(report.soreness, reading.soreness if reading else None)
    _soreness(soreness, hours, limits, found)
    _easing(soreness, report.previous_soreness, hours, limits, found)
    if reading is not None:
        _text(reading, hours, limits, found)
    _temperature(report, reading, limits, found)
    return _result(found, reading)


def _timed(sign: Sign, hours: float | None, limits: Thresholds) -> Sign:
    """Getting worse is a red flag only after the early window; inside it, pain still peaks."""
    early = hours is not None and hours < limits.early_window_hours - DST_SLACK_HOURS
    return Sign.WORSENING_EARLY if sign is Sign.WORSENING_AFTER_72H and early else sign


def _swelling(swelling: Swelling | None, found: _Signs) -> None:
    if swelling is Swelling.SEVERE:
        found.add(Sign.SEVERE_SWELLING)
    elif swelling is Swelling.MODERATE:
        found.add(Sign.MODERATE_SWELLING)


def _highest(*values: int | None) -> int | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _soreness(soreness: int | None, hours: float | None, limits: Thresholds, found: _Signs) -> None:
    if soreness is None:
        return
    lower = min(limits.high_soreness, limits.day7_soreness)
    if hours is None or limits.early_window_hours < hours < limits.day7_hours - DST_SLACK_HOURS:
        if soreness >= lower:
            found.add(Sign.HIGH_SORENESS)
    elif hours <= limits.early_window_hours:
        if soreness >= limits.high_soreness:
            found.add(Sign.HIGH_SORENESS_EARLY)
    elif soreness >= limits.day7_soreness:
        found.add(Sign.SORENESS_DAY7)


def _easing(
    soreness: int | None, previous: int | None, hours: float | None, limits: Thresholds, found: _Signs
) -> None:
    """Compare with the previous answer: the same by day 3 is watch, higher later is urgent."""
    if soreness is None or previous is None:
        return
    if hours is not None and hours < limits.easing_by_hours:
        return
    unsure = hours is None
    late = hours is None or hours >= limits.early_window_hours - DST_SLACK_HOURS
    if soreness > previous and late:
        found.add(Sign.WORSENING_AFTER_72H, doubtful=unsure)
    elif soreness >= previous and soreness > 0:
        found.add(Sign.NOT_EASING, doubtful=unsure)


def _text(reading: TextReading, hours: float | None, limits: Thresholds, found: _Signs) -> None:
    for finding in reading.findings:
        if finding.sign is Sign.FEVER:
            continue  # weighed with the measured temperature in _temperature
        found.add(_timed(finding.sign, hours, limits), finding.doubtful)


def _temperature(
    report: Report, reading: TextReading | None, limits: Thresholds, found: _Signs
) -> None:
    """Fever from a figure, a checkbox, chills, or the word (unless a thermometer disagrees)."""
    measured = [(t.celsius, t.explicit) for t in reading.temperatures] if reading else []
    if report.temperature_celsius is not None:
        measured.append((report.temperature_celsius, True))
    if any(celsius >= limits.fever_celsius for celsius, _ in measured):
        found.add(Sign.FEVER)
    elif _unwell(reading) and any(explicit and celsius >= limits.low_grade_celsius for celsius, explicit in measured):
        found.add(Sign.LOW_GRADE_FEVER)
    wording = reading.find(Sign.FEVER) if reading else None
    if wording is None:
        return
    if "chills" in wording.tags or not any(explicit for _, explicit in measured):
        found.add(Sign.FEVER, wording.doubtful)
    elif Sign.FEVER not in found.doubt:
        found.add(Sign.LOW_GRADE_FEVER, doubtful=True)


_NEVER_ASKED = frozenset({Sign.VAGUE_WORRY})
"""Signs that are vague by nature: asking "do you have any of these?" about them helps nobody."""


def _unwell(reading: TextReading | None) -> bool:
    """37.5-37.9 C is watch "with feeling unwell": the patient says they feel ill or dizzy."""
    return reading is not None and any(reading.find(s) for s in (Sign.VAGUE_WORRY, Sign.DIZZINESS))


def _result(found: _Signs, reading: TextReading | None) -> TriageResult:
    if len(found.doubt) > 1:
        found.doubt.pop(Sign.VAGUE_WORRY, None)  # a worry *with no named sign*: a named one says more
    signs = sort_signs(found.doubt)
    doubtful = tuple(s for s in signs if found.doubt[s] and s not in _NEVER_ASKED)
    level = Level.highest(SIGN_LEVEL[s] for s in signs)
    asks = reading is not None and reading.asks_when_to_call
    mentions = reading.mentions if reading else ()
    return TriageResult(level, signs, bool(doubtful), doubtful, asks, mentions)


_LABELS: dict[Sign, str] = {
    Sign.ALLERGIC_REACTION: "severe allergic reaction signs (hives, swelling of the face, lips, "
    "tongue or throat, trouble breathing or swallowing)",
    Sign.CHEST_PAIN: "chest pain or sudden shortness of breath",
    Sign.FAINTING: "fainting, collapse or loss of consciousness (or about to faint with a racing heart "
    "or trouble breathing)",
    Sign.FEVER: "fever (temperature {c:.1f} C / {f:.1f} F or higher, or chills)",
    Sign.SPREADING_REDNESS: "redness spreading from the injection site, or increasing",
    Sign.HOT_SITE: "injection site hot to the touch",
    Sign.PUS: "pus or discharge from an injection site",
    Sign.WORSENING_AFTER_72H: "pain or swelling getting worse after {h:g} h instead of better",
    Sign.SEVERE_SWELLING: "severe swelling",
    Sign.NUMBNESS: "new numbness, tingling or weakness in the treated limb",
    Sign.SUSPECTED_INFECTION: "possible infection at the injection site",
    Sign.HIGH_SORENESS_EARLY: "soreness {high}/10 or more in the first {h:g} h",
    Sign.HIGH_SORENESS: "soreness {low}/10 or more",
    Sign.SORENESS_DAY7: "soreness still {day7}/10 or more on day 7 or later",
    Sign.MODERATE_SWELLING: "moderate swelling",
    Sign.NOT_EASING: "soreness not easing by day 3",
    Sign.WORSENING_EARLY: "pain or swelling getting worse within the first {h:g} h",
    Sign.LOW_GRADE_FEVER: "feels feverish, or a temperature of {lowc:.1f}-{below:.1f} C",
    Sign.DIZZINESS: "dizziness, light-headedness or feeling faint",
    Sign.RACING_HEART: "a racing or pounding heart",
    Sign.GROWING_BRUISE: "a bruise that keeps growing",
    Sign.VAGUE_WORRY: "a worry with no named sign",
}


def describe(sign: Sign, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """A staff-readable name for ``sign``, with the clinic's own numbers in it."""
    limits = thresholds
    return _LABELS[sign].format(
        c=limits.fever_celsius,
        f=limits.fever_fahrenheit,
        h=limits.early_window_hours,
        high=limits.high_soreness,
        day7=limits.day7_soreness,
        low=min(limits.high_soreness, limits.day7_soreness),
        lowc=limits.low_grade_celsius,
        below=limits.fever_celsius - 0.1,
    )
