"""``aftercare triage --file FILE.tsv``: a clinic tests its own wordings against the rules.

The file has three tab-separated columns, language, expected level and text,
one message a line (an optional ``language	expected	text`` header, blank
lines and ``#`` comments are skipped). The report is a confusion matrix, then
every miss (triaged lower than expected) and every over-triage (higher). A
malformed file is one line naming the line number, and nothing is triaged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.cli.common import CliError
from bot.core.clinic_config import SUPPORTED_LANGUAGES
from bot.domain.triage import Level, Mention, Report, Thresholds, TriageResult, triage
from bot.domain.triage_lexicon import Rule

HEADER = ("language", "expected", "text")
LEVELS = tuple(Level)


@dataclass(frozen=True)
class Case:
    line: int
    language: str
    expected: Level
    text: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    result: TriageResult

    @property
    def under(self) -> bool:
        return self.result.level.rank < self.case.expected.rank

    @property
    def over(self) -> bool:
        return self.result.level.rank > self.case.expected.rank

    @property
    def dangerous(self) -> bool:
        """An urgent or emergency message triaged lower: the error that fails the file."""
        return self.under and self.case.expected.at_least(Level.URGENT)


def read_cases(path: Path) -> list[Case]:
    """The file's messages, or ``CliError`` (exit 2) naming the first bad line."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: file not found", code=2) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read file ({exc.__class__.__name__})", code=2) from None
    cases: list[Case] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if not cases and tuple(f.strip().lower() for f in fields) == HEADER:
            continue
        cases.append(_case(path, number, fields))
    if not cases:
        raise CliError(f"{path}: no messages (expected lines of: language<TAB>expected level<TAB>text)", code=2)
    return cases


def _case(path: Path, number: int, fields: list[str]) -> Case:
    where = f"{path}: line {number}"
    if len(fields) != 3:
        raise CliError(f"{where}: expected 3 tab-separated columns (language, expected level, text), "
                       f"found {len(fields)}", code=2)
    language, expected, text = (f.strip() for f in fields)
    if language not in SUPPORTED_LANGUAGES:
        raise CliError(f"{where}: unknown language {language!r} (supported: {', '.join(SUPPORTED_LANGUAGES)})",
                       code=2)
    if expected not in set(Level):
        raise CliError(f"{where}: unknown level {expected!r} (known: {', '.join(LEVELS)})", code=2)
    if not text:
        raise CliError(f"{where}: the text column is empty", code=2)
    return Case(number, language, Level(expected), text)


def run_cases(cases: list[Case], thresholds: Thresholds, wordings: tuple[Rule, ...]) -> list[Outcome]:
    return [Outcome(c, triage(Report(text=c.text, language=c.language), thresholds, wordings)) for c in cases]


def matrix_lines(outcomes: list[Outcome]) -> list[str]:
    """Expected level down the side, triaged level across the top."""
    counts = Counter((o.case.expected, o.result.level) for o in outcomes)
    width = max(len(level) for level in LEVELS) + 2
    head = "expected \\ got".ljust(16) + "".join(level.rjust(width) for level in LEVELS)
    rows = [head]
    for expected in LEVELS:
        cells = "".join(str(counts[(expected, got)]).rjust(width) for got in LEVELS)
        rows.append(str(expected).ljust(16) + cells)
    return rows


def report_lines(outcomes: list[Outcome]) -> list[str]:
    """The human report: totals, matrix, misses, over-triage."""
    exact = sum(o.result.level is o.case.expected for o in outcomes)
    under = [o for o in outcomes if o.under]
    over = [o for o in outcomes if o.over]
    dangerous = sum(o.dangerous for o in outcomes)
    lines = [f"{len(outcomes)} messages: {exact} at the expected level, {len(under)} lower "
             f"({dangerous} urgent or emergency), {len(over)} higher", "", *matrix_lines(outcomes)]
    for title, group in (("Misses (triaged lower than expected)", under), ("Over-triage (triaged higher)", over)):
        lines += ["", f"{title}: {len(group)}"]
        lines += [_describe(o) for o in group]
    return lines


def _describe(outcome: Outcome) -> str:
    case, result = outcome.case, outcome.result
    signs = ", ".join(result.signs) or "no sign"
    return f"  line {case.line} [{case.language}] expected {case.expected}, got {result.level} ({signs}): {case.text}"


def mention_json(mention: Mention) -> dict[str, Any]:
    return {"sign": str(mention.sign), "words": mention.words, "decision": str(mention.decision),
            "cues": [{"words": words, "context": context} for words, context in mention.cues]}


def result_json(result: TriageResult) -> dict[str, Any]:
    """One triage result: level, signs, follow-up, when-to-call, and every mention with its context."""
    return {
        "level": str(result.level),
        "signs": [str(s) for s in result.signs],
        "needs_follow_up": result.needs_follow_up,
        "doubtful_signs": [str(s) for s in result.doubtful_signs],
        "asks_when_to_call": result.asks_when_to_call,
        "mentions": [mention_json(m) for m in result.mentions],
    }


def report_json(outcomes: list[Outcome]) -> dict[str, Any]:
    counts = Counter((o.case.expected, o.result.level) for o in outcomes)
    return {
        "total": len(outcomes),
        "matrix": {str(e): {str(g): counts[(e, g)] for g in LEVELS} for e in LEVELS},
        "misses": [o.case.line for o in outcomes if o.under],
        "over_triage": [o.case.line for o in outcomes if o.over],
        "dangerous_misses": [o.case.line for o in outcomes if o.dangerous],
        "lines": [{"line": o.case.line, "language": o.case.language, "expected": str(o.case.expected),
                   "text": o.case.text, **result_json(o.result)} for o in outcomes],
    }
