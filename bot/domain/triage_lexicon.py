"""Shared word lists for reading free text: the rule type, expected symptoms, benign phrases.

Everything here is data, so that a clinician reviewing the rules reads tables,
not control flow. Text is matched after ``triage_text.normalise``: lower case,
accents stripped (``fiebre``/``fiébre``, ``escalofríos`` -> ``escalofrios``),
curly apostrophes made straight, emoji removed. Patterns are therefore written
without accents.

Both languages' tables are always applied (patients mix languages: a Spanish
speaker may write "fever", an English one "dolor"), so the lists below are the
union of English and Spanish. Context cues (negation, time, who, doubt) are in
``triage_context_<lang>``; spelling in ``triage_spelling``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.triage_signs import Sign


@dataclass(frozen=True)
class Rule:
    """One way of saying a sign.

    ``doubtful``: the wording only suggests the sign ("feels warm", "some
    redness"); it still counts at the sign's level, and the bot asks the
    follow-up question. ``listable``: a noun-like term that a negation can reach
    through a list ("no fever, chills or pus"); clause-like rules ("can't
    breathe", "redness is spreading") are only negated by a cue right before
    them, so "no fever, can't breathe" keeps the emergency. ``yields_to``: a
    doubtful reading dropped when it sits inside a match for one of these signs
    ("hot" inside "I feel hot" is the fever reading, not a hot injection site).
    ``tag`` lets the rules tell chills apart from the word "fever". A rule with
    no sign (``NEUTRAL``) names an expected symptom: it signals nothing, but a
    negation reaches through it ("no swelling, redness or pus").
    """

    sign: Sign | None
    pattern: re.Pattern[str]
    doubtful: bool = False
    listable: bool = True
    yields_to: frozenset[Sign] = frozenset()
    tag: str = ""


def rule(
    sign: Sign | None,
    regex: str,
    *,
    doubtful: bool = False,
    clause: bool = False,
    yields_to: tuple[Sign, ...] = (),
    tag: str = "",
) -> Rule:
    """Build a ``Rule``; ``clause=True`` marks verb phrases that lists cannot negate."""
    return Rule(sign, re.compile(regex), doubtful, not clause, frozenset(yields_to), tag)


def words(*items: str) -> str:
    """A regex alternation of phrases, longest first so "no longer" beats "no"."""
    return "|".join(sorted(items, key=len, reverse=True))


# Expected symptoms: never a sign, but part of a negated list.
NEUTRAL = rule(
    None,
    r"\b(?:swelling|swollen|bruis\w*|pain|soreness|stiffness|itching|bleeding|problems?|issues?|"
    r"symptoms?|hinchazon|inflamacion|dolor|moret\w*|morat\w*|hematomas?|rigidez|sangrado|"
    r"problemas|sintomas)\b",
)

# Phrases removed before matching: they mention a sign but say it is past or normal.
BENIGN = tuple(
    re.compile(p)
    for p in (
        r"\b(?:was|were|felt)\s+(?:(?:a\s+bit|much|way|even|a\s+lot|far)\s+)?worse\b",
        r"\bworse\s+(?:yesterday|last\s+night|before|at\s+first|the\s+first|earlier)\b",
        r"\bnot\s+as\s+bad\b",
        r"\b(?:temp(?:erature)?|temperatura)\s+(?:(?:is|was|es|esta|fue)\s+)?"
        r"(?:normal|fine|ok|okay|good|bien)\b",
        r"\bnormal\s+(?:temp(?:erature)?|temperatura)\b",
        r"\bnumbing\s+(?:cream|gel|spray|agent|medication|medicine|shot|injection)\b",
        r"\b(?:estaba|estuvo|fue|era)\s+(?:(?:un\s+poco|mucho|bastante)\s+)?peor\b",
        r"\bpeor\s+ayer\b",
        r"\blo\s+peor\s+ya\s+(?:paso|ha\s+pasado)\b",
        # the weather, not the body
        r"\b(?:it'?s|its|it\s+is)\s+(?:so\s+|really\s+|very\s+|super\s+|too\s+)?(?:hot|warm|boiling|roasting|scorching)"
        r"\s+(?:today|out|outside|here|this\s+week|tonight|in\s+here)\b",
        r"\b(?:weather|day|sun|summer)\s+(?:is\s+|was\s+|'s\s+)?(?:so\s+|really\s+|very\s+)?(?:hot|warm)\b",
        r"\bhot\s+and\s+(?:sticky|humid|muggy)\b",
        r"\bhace\s+(?:muchisimo\s+|mucho\s+|un\s+)?calor\b",
    )
)

# Emoji carry meaning in chats: read a few as words before the rest are dropped.
EMOJI: dict[str, str] = {
    "\U0001f912": " feverish ",  # face with thermometer
    "\U0001f321": " temperature ",  # thermometer
}

# Words that say the person written about had the treatment (a carer writing for the patient).
TREATED = (
    re.compile(r"\b(?:after|since|from)\s+(?:her|his|their|the)\s+(?:injections?|shots?|jabs?|sessions?|treatment|"
               r"prolo\w*|procedure)\b|\b(?:she|he)(?:'s|\s+is|\s+was)\s+the\s+patient\b|\bwriting\s+for\s+my\b"),
    re.compile(r"\b(?:despues|desde)\s+de\s+(?:su|la)\s+(?:inyeccion|sesion|tratamiento|pinchazo|infiltracion)\b"
               r"|\bes\s+(?:el|la)\s+paciente\b|\bescribo\s+por\s+mi\b"),
)

# Questions about when to get help: answered with the clinic's when-to-call guidance.
GUIDANCE = tuple(
    re.compile(p)
    for p in (
        r"\bwhen\s+(?:should|do|must|would)\s+i\s+(?:call|ring|phone|contact|worry|be\s+worried|go\s+to|"
        r"seek|get\s+help|come\s+in)\b|\bbefore\s+i\s+(?:call|phone|ring|contact|come\s+in)\b",
        r"\bwhat\s+(?:are|r|would\s+be)\s+(?:the\s+)?(?:warning|danger|red\s+flag|bad|main)?\s*(?:signs?|"
        r"symptoms?)\b",
        r"\b(?:who|what\s+number)\s+(?:do|should)\s+i\s+(?:call|ring|phone|contact)\b",
        r"\b(?:warning|danger)\s+signs\b|\bred\s+flags\b",
        r"\b(?:a\s+)?(?:que|cual)\s+(?:numero|telefono)\s+(?:llamo|debo\s+llamar|tengo\s+que\s+llamar)\b",
        r"\bcuando\s+(?:me\s+|le\s+|te\s+)?(?:debo|deberia|tengo\s+que|hay\s+que|tendria\s+que)\s+(?:llamar|"
        r"preocupar|ir|avisar|acudir)\w*",
        r"\b(?:que|cuales)\s+(?:son\s+)?(?:los\s+|las\s+)?(?:sintomas|signos|senales)\s+(?:de\s+alarma|"
        r"graves|peligrosos|de\s+peligro|debo|tengo\s+que|hay\s+que)\b",
        r"\b(?:signos|senales|sintomas)\s+de\s+alarma\b",
    )
)
