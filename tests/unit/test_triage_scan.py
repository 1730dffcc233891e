"""Skipping patterns whose first word is absent never changes what triage finds."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.triage_languages import CUES, rules_for
from bot.domain.triage_lexicon import NEUTRAL
from bot.domain.triage_scan import first_words, may_match, word_starts
from bot.domain.triage_text import normalise

HERE = Path(__file__).parent
PATTERNS = [r.pattern for r in (*rules_for("en"), NEUTRAL)] + [c.pattern for c in CUES]


def _texts() -> list[str]:
    texts = [e["text"] for name in ("triage_corpus.yaml", "triage_corpus_context.yaml")
             for e in yaml.safe_load((HERE / name).read_text(encoding="utf-8"))]
    rows = (HERE / "triage_heldout.tsv").read_text(encoding="utf-8").splitlines()
    return texts + [r.split("\t")[2] for r in rows if r and not r.startswith("#") and r.count("\t") == 2]


TEXTS = _texts()
WORDS = sorted({w for t in TEXTS for w in re.findall(r"[\w']+", normalise(t))})


def _everything(norm: str) -> list[tuple[int, int, int]]:
    return [(i, *m.span()) for i, p in enumerate(PATTERNS) for m in p.finditer(norm)]


def _scanned(norm: str) -> list[tuple[int, int, int]]:
    starts = word_starts(norm)
    return [(i, *m.span()) for i, p in enumerate(PATTERNS) if may_match(p, starts) for m in p.finditer(norm)]


def test_most_patterns_can_be_skipped_by_their_first_word() -> None:
    known = [p for p in PATTERNS if first_words(p.pattern) is not None]
    assert len(known) >= 0.8 * len(PATTERNS)
    assert first_words(r"\bfever\b") == frozenset({"fev"})
    assert first_words(r"(?<!almost\s)\b(?:fainted|passed\s+out)") == frozenset({"fai", "pas"})
    assert first_words(r"\b(?:no|not)\s+\w+") == frozenset({"no"})
    assert first_words(r"(?:,\s*|\b)not") is None  # may start at a comma: always run
    assert first_words(r"\b[a-z]+") is None


def test_every_corpus_message_gives_the_same_matches_with_skipping() -> None:
    for text in TEXTS:
        norm = normalise(text)
        assert _scanned(norm) == _everything(norm), text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([*WORDS, ",", ".", "?", "'", "-", " ", " ", " "]), max_size=40))
def test_generated_messages_give_the_same_matches_with_skipping(tokens: list[str]) -> None:
    norm = normalise("".join(tokens))  # words may run together: "i'm", "no,fever"
    assert _scanned(norm) == _everything(norm)
