"""The languages triage reads: one bundle of tables each, all applied to every message.

A language is its sign wordings (``triage_lexicon_<lang>``) and its context
cues and scope words (``triage_context_<lang>``). Adding a language means
writing those two tables and listing them here; the reader and the context
algorithm do not change. Every table applies to every message, because
patients switch languages mid-sentence and a missed red flag is the costly
error: the patient's language only decides which table is tried first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain import triage_context_en as en_context
from bot.domain import triage_context_es as es_context
from bot.domain.triage_cues import Cue, Vocabulary
from bot.domain.triage_lexicon import Rule
from bot.domain.triage_lexicon_en import EN_RULES
from bot.domain.triage_lexicon_es import ES_RULES


@dataclass(frozen=True)
class LanguageTables:
    code: str
    rules: tuple[Rule, ...]
    cues: tuple[Cue, ...]
    fillers: frozenset[str]
    list_words: frozenset[str]
    forward_separators: frozenset[str]
    backward_separators: frozenset[str]
    contrast: str
    question: str


LANGUAGES: dict[str, LanguageTables] = {
    "en": LanguageTables("en", EN_RULES, en_context.EN_CUES, en_context.EN_FILLERS, en_context.EN_LIST_WORDS,
                         en_context.EN_FORWARD_SEPARATORS, en_context.EN_BACKWARD_SEPARATORS,
                         en_context.EN_CONTRAST, en_context.EN_QUESTION),
    "es": LanguageTables("es", ES_RULES, es_context.ES_CUES, es_context.ES_FILLERS, es_context.ES_LIST_WORDS,
                         es_context.ES_FORWARD_SEPARATORS, es_context.ES_BACKWARD_SEPARATORS,
                         es_context.ES_CONTRAST, es_context.ES_QUESTION),
}


def _vocabulary() -> Vocabulary:
    tables = LANGUAGES.values()
    contrast = "|".join(t.contrast for t in tables)
    return Vocabulary(
        fillers=frozenset().union(*(t.fillers for t in tables)),
        list_words=frozenset().union(*(t.list_words for t in tables)),
        forward_separators=frozenset().union(*(t.forward_separators for t in tables)),
        backward_separators=frozenset().union(*(t.backward_separators for t in tables)),
        clause_break=re.compile(rf"[;!?:\n]|\.(?!\d)|~|\b(?:{contrast})\b"),
        question=re.compile("|".join(t.question for t in tables)),
    )


VOCABULARY = _vocabulary()
"""The scope words of every language together."""
CUES: tuple[Cue, ...] = tuple(c for t in LANGUAGES.values() for c in t.cues)


def rules_for(language: str) -> tuple[Rule, ...]:
    """Every language's sign wordings, the patient's own first."""
    first = LANGUAGES[language].rules if language in LANGUAGES else ()
    return first + tuple(r for code, t in LANGUAGES.items() if code != language for r in t.rules)
