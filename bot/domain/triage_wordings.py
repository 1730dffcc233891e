"""A clinic's own wordings of signs (local slang), as rules the text reader applies.

A clinic lists plain phrases per sign and language in its YAML ("the knee is
roasting", "echa fuego"). Each phrase is normalised like patient text (case,
accents, spelling) and matched as whole words, with any spacing between them;
it then goes through the same context rules as the built-in wordings, so "no
fuego" or "if it gets roasting" is read for what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.domain.triage_lexicon import Rule, rule
from bot.domain.triage_signs import Sign
from bot.domain.triage_text import normalise

MAX_PHRASE = 80
"""Characters in one clinic phrase: a wording, not a paragraph."""

Wording = tuple[str, str, str]
"""(sign, language, phrase) as written in the clinic file."""


def phrase_problem(sign: str, phrase: str) -> str | None:
    """Why a clinic phrase cannot be used, or None: the check ``check-config`` runs."""
    if sign not in set(Sign):
        return f"unknown sign {sign!r} (known: {', '.join(s.value for s in Sign)})"
    if len(phrase) > MAX_PHRASE:
        return f"phrase longer than {MAX_PHRASE} characters"
    if not re.search(r"[a-z]", normalise(phrase)):
        return f"phrase {phrase!r} has no words to match"
    return None


def phrase_rule(sign: Sign, phrase: str) -> Rule:
    """One clinic phrase as a definite rule for ``sign``."""
    words = normalise(phrase).split()
    return rule(sign, r"(?<![a-z0-9'])" + r"\s+".join(re.escape(w) for w in words) + r"(?![a-z0-9'])")


@lru_cache(maxsize=256)
def compile_wordings(wordings: tuple[Wording, ...]) -> tuple[Rule, ...]:
    """The rules for a clinic's wordings; cached, since every message of the clinic uses them."""
    return tuple(phrase_rule(Sign(sign), phrase) for sign, _language, phrase in wordings)


def wordings_of(table: dict[str, dict[str, list[str]]]) -> tuple[Wording, ...]:
    """Flatten ``{sign: {language: [phrase, ...]}}`` into hashable rows, in file order."""
    return tuple((sign, language, phrase) for sign, by_language in table.items()
                 for language, phrases in by_language.items() for phrase in phrases)


def all_wordings(tables: Iterable[tuple[Wording, ...]]) -> tuple[Wording, ...]:
    """Several clinics' wordings together (text typed before the bot knows the clinic)."""
    return tuple(dict.fromkeys(w for table in tables for w in table))
