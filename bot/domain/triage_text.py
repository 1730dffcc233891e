"""Read a patient's free text into triage signs, in English and Spanish.

Pure and table-driven: the wordings live in ``triage_lexicon*``; this module
only normalises the text, finds the wordings, and decides which mentions are
negated or uncertain.

- Normalising folds case, accents, curly quotes, emoji, letters repeated for
  emphasis ("feeeever") and known misspellings ("fevr", "numbess", "hormigeo").
- Negation: a cue ("no", "not", "don't", "without", "sin", "ni") cancels a sign
  when only filler words sit between them ("I don't think I have a fever",
  "no tengo fiebre"); it carries through a list joined by commas, "or", "nor",
  "ni" ("no swelling, redness or pus"), but stops at "and"/"y", at any other
  word, at punctuation that ends a clause and at a contrast ("no fever but the
  knee is hot"), so "no fever, can't breathe" keeps the emergency. "fever: no",
  "redness, not spreading" and "the fever is gone" are negated after the sign.
- Doubt: a hedge in the same clause ("maybe", "a bit", "?", "creo", "un poco")
  or a suggestive wording ("feels warm", "some redness") keeps the sign, at its
  full level, and marks it doubtful so the bot asks the follow-up question.
  When in doubt, the reading escalates: it never drops a sign for being vague.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain.triage_lexicon import (
    BENIGN,
    CLAUSE_BREAK,
    EMOJI,
    FILLERS,
    FUZZY_VOCABULARY,
    HEDGES,
    LIST_SEPARATORS,
    NEGATED_AFTER,
    NEGATION_CUES,
    NEUTRAL,
    PROTECTED,
    RESOLVED_AFTER,
    RESOLVED_BEFORE,
    TYPOS,
    Rule,
)
from bot.domain.triage_lexicon_en import EN_RULES
from bot.domain.triage_lexicon_es import ES_RULES
from bot.domain.triage_numbers import Temperature, read_soreness, read_temperatures
from bot.domain.triage_signs import Sign

RULES: dict[str, tuple[Rule, ...]] = {"en": EN_RULES, "es": ES_RULES}
"""Wordings per supported language; every table is applied to every message."""

_MAX_FILLERS = 5
_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")
_WORD = re.compile(r"[a-z']+")
_CUE_AT_END = re.compile(rf"(?:^|\s)(?:{NEGATION_CUES})$")
_RESOLVED_AT_END = re.compile(rf"(?:^|\s)(?<!no\s)(?:{RESOLVED_BEFORE})$")
_SQUEEZE = re.compile(r"([a-z])\1{2,}")
_KEEP = re.compile(r"[^a-z0-9'.,;:!?/%&=\-\n ]+")


@dataclass(frozen=True)
class Finding:
    """One sign read from the text; ``tags`` name special wordings (e.g. chills)."""

    sign: Sign
    doubtful: bool
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TextReading:
    """Everything triage needs from a message."""

    findings: tuple[Finding, ...]
    temperatures: tuple[Temperature, ...] = ()
    soreness: int | None = None

    def find(self, sign: Sign) -> Finding | None:
        return next((f for f in self.findings if f.sign is sign), None)


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    start: int
    end: int


def read_text(text: str, language: str = "en") -> TextReading:
    """Signs, temperatures and a 0-10 soreness figure found in ``text``.

    ``language`` is a hint only: all languages' wordings are applied, because
    patients switch language mid-conversation and a miss is the costly error.
    """
    norm = normalise(text)
    for benign in BENIGN:
        norm = benign.sub(" ~ ", norm)
    hits = _find_hits(norm, _rules_for(language))
    kept = _drop_negated(norm, hits)
    findings = _findings(norm, kept)
    return TextReading(findings, read_temperatures(norm), read_soreness(norm))


def _rules_for(language: str) -> tuple[Rule, ...]:
    first = RULES.get(language, ())
    return first + tuple(r for lang, rules in RULES.items() if lang != language for r in rules)


def normalise(text: str) -> str:
    """Lower case, no accents or emoji, typos fixed, one space between words."""
    for emoji, meaning in EMOJI.items():
        text = text.replace(emoji, meaning)
    text = text.replace("°", " deg ").replace("º", " deg ")
    for quote in "\u2019\u2018`\u00b4":
        text = text.replace(quote, "'")
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = _KEEP.sub(" ", folded).replace("\n", " . ")
    folded = _WORD.sub(lambda m: _fix_word(m.group()), folded)
    return " ".join(folded.split())


def _fix_word(word: str) -> str:
    """Correct one word: squeeze emphasis, then the typo table, then edit distance 1."""
    squeezed = _SQUEEZE.sub(r"\1\1", word)
    if squeezed in TYPOS:
        return TYPOS[squeezed]
    if squeezed in PROTECTED or squeezed in FUZZY_VOCABULARY:
        return squeezed
    single = re.sub(r"([a-z])\1+", r"\1", squeezed)
    if single != squeezed and single in TYPOS:
        return TYPOS[single]
    if len(squeezed) >= 6 and "'" not in squeezed:
        for known in FUZZY_VOCABULARY:
            if _one_edit_apart(squeezed, known):
                return known
    return _SQUEEZE_SHORT.get(single, squeezed)


# Short keywords written with emphasis ("hott", "nuuumb", "feeever").
_SQUEEZE_SHORT = {w: w for w in ("hot", "numb", "fever", "red", "pus", "hives", "weak", "rash")}


def _one_edit_apart(a: str, b: str) -> bool:
    """True for one substitution, insertion, deletion or swap of neighbours."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short))
    return short[i:] == long_[i + 1 :]


def _find_hits(norm: str, rules: tuple[Rule, ...]) -> list[_Hit]:
    every = (*rules, NEUTRAL)
    hits = [_Hit(r, m.start(), m.end()) for r in every for m in r.pattern.finditer(norm)]
    return sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))


def _drop_negated(norm: str, hits: list[_Hit]) -> list[_Hit]:
    """Hits that are not negated, in text order."""
    negated: list[_Hit] = []
    kept: list[_Hit] = []
    for hit in hits:
        listed = hit.rule.listable and _continues_negated_list(norm, hit, negated)
        if listed or _negated_before(norm[: hit.start]) or _negated_after(norm[hit.end :]):
            negated.append(hit)
        else:
            kept.append(hit)
    return [h for h in kept if not _yields(h, kept)]


def _negated_before(prefix: str) -> bool:
    """A negation cue, then at most a few filler words, right before the sign."""
    tokens = _TOKEN.findall(prefix)
    end = len(tokens)
    while end > 0 and tokens[end - 1] in FILLERS and len(tokens) - end < _MAX_FILLERS:
        end -= 1
    head = " ".join(tokens[max(0, end - 4) : end])
    return bool(_CUE_AT_END.search(head) or _RESOLVED_AT_END.search(head))


def _negated_after(suffix: str) -> bool:
    return bool(NEGATED_AFTER.match(suffix) or RESOLVED_AFTER.match(suffix))


def _continues_negated_list(norm: str, hit: _Hit, negated: list[_Hit]) -> bool:
    """True for "no fever, chills or pus": only separators and fillers since a negated sign."""
    before = [h for h in negated if h.end <= hit.start]
    if not before:
        return False
    gap = _TOKEN.findall(norm[max(h.end for h in before) : hit.start])
    return all(tok in LIST_SEPARATORS or tok in FILLERS for tok in gap)


def _yields(hit: _Hit, kept: list[_Hit]) -> bool:
    """A doubtful reading inside a stronger reading of another sign is that sign's."""
    if not hit.rule.yields_to:
        return False
    return any(
        other.rule.sign in hit.rule.yields_to and other.start <= hit.start and hit.end <= other.end
        for other in kept
    )


def _findings(norm: str, hits: list[_Hit]) -> tuple[Finding, ...]:
    """One finding per sign: definite if any mention is definite and unhedged."""
    doubt: dict[Sign, bool] = {}
    tags: dict[Sign, set[str]] = {}
    for hit in hits:
        sign = hit.rule.sign
        if sign is None:
            continue
        doubtful = hit.rule.doubtful or _hedged(norm, hit)
        doubt[sign] = doubt.get(sign, True) and doubtful
        tags.setdefault(sign, set()).update({hit.rule.tag} - {""})
    return tuple(Finding(s, doubt[s], frozenset(tags[s])) for s in doubt)


def _hedged(norm: str, hit: _Hit) -> bool:
    """A hedge anywhere in the clause around the hit, including a closing "?"."""
    start = max((m.end() for m in CLAUSE_BREAK.finditer(norm, 0, hit.start)), default=0)
    after = CLAUSE_BREAK.search(norm, hit.end)
    end = after.end() if after else len(norm)
    return bool(HEDGES.search(norm, start, end))
