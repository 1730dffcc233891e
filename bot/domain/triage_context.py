"""Context of a sign mention, after the ConText algorithm (Chapman et al.): who, when, whether.

A patient's message names signs ("fever", "the knee is hot"); whether a sign
counts depends on the words around it. ConText finds *cues* ("no", "last
winter", "if", "my daughter", "maybe") and gives each a *scope*: the words it
reaches, forward or backward from the cue, up to a clause end, a contrast word
("but", "pero") or a cue that ends it ("now" ends "last winter"). A sign inside
a cue's scope takes that cue's context.

Two reaches, because negation and time behave differently in chat text:

- ``NEAR``: the cue reaches across filler words, list separators and other
  signs only ("no fever, chills or pus"; "the warmth around the needle mark
  went away"); any other word ends it, so "no fever and my knee is hot" keeps
  the hot knee. A verb-phrase sign ("can't breathe") is reached only with no
  list in between, so "no fever, can't breathe" keeps the emergency.
- ``CLAUSE``: the cue reaches the whole clause ("if it gets hot and red";
  "a fever and chills last winter").

Overlapping cues: the longest wins ("not sure if" is doubt, not a negation
and a condition); a cue inside a sign's own words is part of the sign ("can't
breathe", "not getting better"), except doubt. A cue without a context is a
*pseudo* cue: it matches to mask a look-alike ("no doubt", "as if").

This module is the algorithm only; the cue tables are per language
(``triage_context_en``, ``triage_context_es``) and the decision of what a
context means for triage is ``decide``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.triage_cues import Context, Cue, CueHit, Direction, Reach, Vocabulary
from bot.domain.triage_scan import may_match
from bot.domain.triage_scope import Tokens, Walk, clause_breaks


class Decision(StrEnum):
    """What triage makes of one mention of a sign."""

    PRESENT = "present"
    DOUBTFUL = "doubtful"
    OTHER_PERSON_NOW = "other_person_now"
    NEGATED = "negated"
    RESOLVED = "resolved"
    HISTORICAL = "historical"
    HYPOTHETICAL = "hypothetical"
    OTHER_PERSON = "other_person"

    @property
    def counts(self) -> bool:
        """The sign is the patient's (or an emergency beside them) now."""
        return self in _COUNTING


_COUNTING = frozenset({Decision.PRESENT, Decision.DOUBTFUL, Decision.OTHER_PERSON_NOW})

ENDED_BY: dict[Context, frozenset[Context]] = {
    Context.HISTORICAL: frozenset({Context.ONGOING}),
    Context.RECENT_PAST: frozenset({Context.ONGOING}),
    Context.PAST_TENSE: frozenset({Context.ONGOING}),
    Context.OTHER_PERSON: frozenset({Context.SELF}),
}
"""A cue's scope ends where a cue of these contexts starts ("last winter ..., now ...")."""



@dataclass(frozen=True)
class Target:
    """A sign mention to judge: its character span, and whether lists may reach it."""

    start: int
    end: int
    listable: bool = True


@dataclass(frozen=True)
class Judgement:
    """The contexts reaching one target, with the words of their cues."""

    contexts: frozenset[Context]
    cues: tuple[CueHit, ...]


def find_cues(norm: str, cues: Iterable[Cue], vocabulary: Vocabulary,
              starts: frozenset[str] | None = None) -> list[CueHit]:
    """Every cue match, longest first where they overlap; pseudo cues mask and then drop out.

    ``starts`` (``triage_scan.word_starts``) lets cues that cannot match be skipped.
    """
    hits = [CueHit(c, m.start(), m.end(), m.group()) for c in cues
            if starts is None or may_match(c.pattern, starts)
            for m in c.pattern.finditer(norm) if m.end() > m.start()]
    hits.sort(key=lambda h: (-(h.end - h.start), h.start))
    owner: list[CueHit | None] = [None] * len(norm)
    kept: list[CueHit] = []
    for hit in hits:
        if any(other is not None and not _twin(hit, other) for other in owner[hit.start : hit.end]):
            continue
        kept.append(hit)
        for char in range(hit.start, hit.end):
            owner[char] = owner[char] or hit
    ends = [m.end() for m in _SENTENCE_END.finditer(norm)]
    return sorted((h for h in kept if h.cue.context is not None and _asks(norm, h, vocabulary, ends)),
                  key=lambda h: h.start)


def _twin(a: CueHit, b: CueHit) -> bool:
    """The same words read both ways by one context ("no" before or after a sign) both stay."""
    return (a.start, a.end, a.cue.context) == (b.start, b.end, b.cue.context)


def _asks(norm: str, hit: CueHit, vocabulary: Vocabulary, sentence_ends: list[int]) -> bool:
    """For a ``needs_question`` cue: its sentence has a question mark or a question word."""
    if not hit.cue.needs_question:
        return True
    at = bisect_right(sentence_ends, hit.start)
    begin = sentence_ends[at - 1] if at else 0
    end = next((e for e in sentence_ends[at:] if e >= hit.end), len(norm))
    return bool(vocabulary.question.search(norm, begin, end))


_SENTENCE_END = re.compile(r"[.!?\n]")


def judge(norm: str, targets: Sequence[Target], hits: Sequence[CueHit], vocabulary: Vocabulary) -> list[Judgement]:
    """The contexts that reach each target, in the order of ``targets``."""
    tokens = Tokens(norm)
    spans = [tokens.span(t.start, t.end) for t in targets]
    live = [h for h in hits if h.cue.context in _INSIDE_TOO or not _inside_target(h, targets)]
    breaks = clause_breaks(norm, tokens, vocabulary.clause_break)
    walk = Walk(tokens, spans, [t.listable for t in targets], breaks, vocabulary, live, ENDED_BY)
    reached: list[list[CueHit]] = [[] for _ in targets]
    for hit in live:
        direction = hit.cue.direction
        scope = walk.scope(hit, hit.cue.reach is Reach.NEAR, direction is not Direction.BACKWARD,
                           direction is not Direction.FORWARD)
        for index in scope:
            reached[index].append(hit)
    return [Judgement(frozenset(h.cue.context for h in found if h.cue.context), tuple(found)) for found in reached]


_INSIDE_TOO = frozenset({Context.DOUBT, Context.ONGOING})
"""Cues that keep their meaning inside a sign's own words ("a bit numb", "se acaba de desmayar")."""


def _inside_target(hit: CueHit, targets: Sequence[Target]) -> bool:
    return any(t.start <= hit.start and hit.end <= t.end for t in targets)


def decide(contexts: frozenset[Context], *, emergency: bool, doubtful: bool, treated: bool = False) -> Decision:
    """What a mention means, from the contexts that reach it (docs/CLINICAL.md's context rules).

    Negated or resolved, then someone else, then hypothetical and past (unless
    ongoing), then doubt. Unclear stays a sign. Someone else's sign counts when
    it is now and an emergency, or when the message says that person had the
    treatment (``treated``: a carer writing for the patient, "my mum is dizzy
    after her injection").
    """
    ongoing = Context.ONGOING in contexts
    if Context.NEGATED in contexts:
        return Decision.NEGATED
    if Context.RESOLVED in contexts:
        return Decision.RESOLVED
    if Context.OTHER_PERSON in contexts:
        past = Context.HISTORICAL in contexts or Context.RECENT_PAST in contexts
        if (emergency or treated) and Context.HYPOTHETICAL not in contexts and (ongoing or not past):
            return Decision.OTHER_PERSON_NOW
        return Decision.OTHER_PERSON
    if Context.HYPOTHETICAL in contexts and not ongoing:
        return Decision.HYPOTHETICAL
    if Context.HISTORICAL in contexts and not ongoing:
        return Decision.HISTORICAL
    past = Context.RECENT_PAST in contexts or Context.PAST_TENSE in contexts
    if doubtful or Context.DOUBT in contexts or (past and not ongoing):
        return Decision.DOUBTFUL  # "I had chills last night": still a sign, and the bot asks whether it still is
    return Decision.PRESENT
