"""The vocabulary of context cues: what a cue says, how far it reaches, and where it was found.

Shared by the ConText algorithm (``triage_context``), the scope walk
(``triage_scope``) and the per-language cue tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Context(StrEnum):
    """What a cue says about the signs in its scope."""

    NEGATED = "negated"
    RESOLVED = "resolved"
    HISTORICAL = "historical"
    RECENT_PAST = "recent_past"
    PAST_TENSE = "past_tense"
    ONGOING = "ongoing"
    HYPOTHETICAL = "hypothetical"
    OTHER_PERSON = "other_person"
    SELF = "self"
    DOUBT = "doubt"


class Direction(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    BOTH = "both"


class Reach(StrEnum):
    NEAR = "near"
    CLAUSE = "clause"


@dataclass(frozen=True)
class Cue:
    """One way of saying a context: a regex over normalised text."""

    context: Context | None
    pattern: re.Pattern[str]
    direction: Direction = Direction.FORWARD
    reach: Reach = Reach.CLAUSE
    needs_question: bool = False
    comma_ends: bool = False


def cue(
    context: Context | None,
    regex: str,
    direction: Direction = Direction.FORWARD,
    reach: Reach = Reach.CLAUSE,
    *,
    needs_question: bool = False,
    comma_ends: bool = False,
) -> Cue:
    """Build a ``Cue``.

    ``needs_question``: counts only in a sentence that asks something (Spanish
    "si" is "if" in "¿qué hago si tengo fiebre?" but "yes" in "si tengo fiebre").
    ``comma_ends``: a comma ends the scope unless a list of signs goes on after
    it ("if I get a fever, chills or pus" / "if it gets hot, my knee is red").
    """
    return Cue(context, re.compile(regex), direction, reach, needs_question, comma_ends)


@dataclass(frozen=True)
class Vocabulary:
    """The words the scopes walk over, from every language's tables."""

    fillers: frozenset[str]
    list_words: frozenset[str]
    forward_separators: frozenset[str]
    backward_separators: frozenset[str]
    clause_break: re.Pattern[str]
    question: re.Pattern[str]


@dataclass(frozen=True)
class CueHit:
    cue: Cue
    start: int
    end: int
    words: str
