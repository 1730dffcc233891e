"""Safety corpora: patient phrasings with the level a clinician expects.

``triage_corpus.yaml`` is the first corpus; ``triage_corpus_context.yaml`` was
written apart from the rules, for the context rules (negation, time, other
people, hypothetical questions) and the newer signs. The first test is the
safety net: no urgent or emergency message may come out lower, and it lists
every miss at once. The second holds every message to its exact level and
signs, except the few over-escalations a corpus documents under ``tolerated``.
A ``guidance`` entry is a hypothetical question: no sign, and the patient gets
the clinic's when-to-call guidance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.domain.triage import Level, Report, Sign, TriageResult, triage

CORPUS_PATHS = [Path(__file__).with_name(name) for name in ("triage_corpus.yaml", "triage_corpus_context.yaml")]
MAX_TOLERATED = 5


def _load() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for path in CORPUS_PATHS:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(loaded, list)
        entries += loaded
    return entries


CORPUS = _load()


def _run(entry: dict[str, Any]) -> TriageResult:
    report = Report(text=entry["text"], language=entry["lang"], hours_since_injection=entry.get("hours"))
    return triage(report)


def _describe(entry: dict[str, Any], result: TriageResult) -> str:
    got = ",".join(result.signs) or "-"
    want = ",".join(entry["signs"]) or "-"
    return f"{entry['text']!r}: expected {entry['level']} [{want}], got {result.level} [{got}]"


def test_corpus_is_well_formed() -> None:
    assert len(CORPUS) >= 500
    texts = [e["text"] for e in CORPUS]
    assert len(texts) == len(set(texts)), "duplicate phrasing"
    for entry in CORPUS:
        Level(entry["level"])
        assert entry["lang"] in {"en", "es"}
        for sign in entry["signs"]:
            Sign(sign)
        if "tolerated" in entry:
            assert entry["level"] in {"ok", "watch"}, "never tolerate a miss on a red flag"
            assert len(entry["tolerated"]) > 40, "say why"
        if entry.get("guidance"):
            assert entry["level"] == "ok" and entry["signs"] == [], "a hypothetical question raises no sign"
    assert sum("tolerated" in e for e in CORPUS) <= MAX_TOLERATED
    levels = {e["level"] for e in CORPUS}
    assert levels == {"ok", "watch", "urgent", "emergency"}
    assert {e["lang"] for e in CORPUS} == {"en", "es"}


def test_no_red_flag_is_triaged_lower() -> None:
    misses = []
    for entry in CORPUS:
        expected = Level(entry["level"])
        if not expected.at_least(Level.URGENT):
            continue
        result = _run(entry)
        if result.level.rank < expected.rank:
            misses.append(_describe(entry, result))
    assert not misses, f"{len(misses)} red-flag phrasing(s) under-triaged:\n" + "\n".join(misses)


def test_every_phrasing_gets_its_level_and_signs() -> None:
    wrong = []
    for entry in CORPUS:
        result = _run(entry)
        if "tolerated" in entry:
            if result.level.rank < Level(entry["level"]).rank:
                wrong.append(_describe(entry, result))
            continue
        exact = result.level == Level(entry["level"]) and set(result.signs) == set(entry["signs"])
        if not exact:
            wrong.append(_describe(entry, result))
    assert not wrong, f"{len(wrong)} phrasing(s) mis-triaged:\n" + "\n".join(wrong)


def test_hypothetical_questions_get_the_when_to_call_guidance() -> None:
    wrong = [e["text"] for e in CORPUS if e.get("guidance") and not _run(e).asks_when_to_call]
    assert len([e for e in CORPUS if e.get("guidance")]) >= 20
    assert not wrong, "no when-to-call guidance for:\n" + "\n".join(wrong)


def test_follow_up_expectations() -> None:
    wrong = []
    for entry in (e for e in CORPUS if "follow_up" in e):
        result = _run(entry)
        if result.needs_follow_up != entry["follow_up"]:
            wrong.append(f"{entry['text']!r}: needs_follow_up={result.needs_follow_up}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("entry", [e for e in CORPUS if "tolerated" in e], ids=lambda e: e["text"])
def test_tolerated_entries_still_over_escalate(entry: dict[str, Any]) -> None:
    """A tolerated entry that now matches exactly should lose its tolerance note."""
    result = _run(entry)
    assert result.level.rank > Level(entry["level"]).rank, "tolerance no longer needed: remove it"


def test_benign_messages_are_rarely_escalated_and_watch_signs_rarely_missed() -> None:
    """The corpus targets: >= 120 benign phrasings, <= 5 % of them urgent or higher, <= 10 % of watch ones ok."""
    benign = [e for e in CORPUS if e["level"] == "ok"]
    watch = [e for e in CORPUS if e["level"] == "watch"]
    escalated = [e for e in benign if _run(e).level.at_least(Level.URGENT)]
    missed = [e for e in watch if _run(e).level is Level.OK]
    assert len(benign) >= 120
    assert len(escalated) <= 0.05 * len(benign), [e["text"] for e in escalated]
    assert len(missed) <= 0.10 * len(watch), [e["text"] for e in missed]
