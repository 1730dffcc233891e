"""How far a context cue reaches: tokens, clause breaks and the scope walk of ``triage_context``.

Kept apart from the cue and decision types so that the one loop with subtle
rules (what a ``NEAR`` cue may cross, where a list stops, when a comma ends a
scope) reads on its own. Everything is precomputed per message, so a walk costs
the length of its scope, not the length of the message.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence

from bot.domain.triage_cues import Context, CueHit, Vocabulary

MAX_NEAR = 6
"""Filler words a ``NEAR`` cue may cross."""
MAX_CLAUSE = 14
"""Words a ``CLAUSE`` cue may reach: a chat clause rarely runs longer."""


class Tokens:
    """Word and punctuation tokens of a normalised text, with their character offsets."""

    _PATTERN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")

    def __init__(self, norm: str) -> None:
        matches = list(self._PATTERN.finditer(norm))
        self.words = [m.group() for m in matches]
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]

    def __len__(self) -> int:
        return len(self.words)

    def first_at(self, char: int) -> int:
        """Index of the first token starting at or after ``char``."""
        return bisect_left(self.starts, char)

    def last_before(self, char: int) -> int:
        """Index one past the last token ending at or before ``char``."""
        return bisect_right(self.ends, char)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The token range [first, last) of a character span; never empty."""
        first = self.first_at(start)
        return first, max(self.last_before(end), first + 1)


def clause_breaks(norm: str, tokens: Tokens, pattern: re.Pattern[str]) -> set[int]:
    """Token indices where a clause ends: punctuation and contrast words."""
    found: set[int] = set()
    for match in pattern.finditer(norm):
        found.update(range(*tokens.span(match.start(), match.end())))
    return found


class Walk:
    """Walks each cue's scope over the tokens and reports the targets it reaches.

    ``spans`` are the targets as token ranges; ``listable[i]`` says whether a
    list may reach target ``i`` ("no fever, chills or pus"); a verb-phrase
    target is reached by a ``NEAR`` cue only before any list separator.
    """

    def __init__(self, tokens: Tokens, spans: Sequence[tuple[int, int]], listable: Sequence[bool], breaks: set[int],
                 vocabulary: Vocabulary, hits: Sequence[CueHit], ended_by: dict[Context, frozenset[Context]]) -> None:
        self.tokens, self.spans, self.listable = tokens, spans, listable
        self.breaks, self.vocabulary, self.ended_by = breaks, vocabulary, ended_by
        self.starting: dict[int, list[int]] = defaultdict(list)
        self.covering: dict[int, list[int]] = defaultdict(list)
        for index, (start, end) in enumerate(spans):
            self.starting[start].append(index)
            for token in range(start, end):
                self.covering[token].append(index)
        self.last_tokens = {end - 1 for _, end in spans}
        self.cue_starts = {(tokens.first_at(h.start), h.cue.context) for h in hits}
        self.cue_ends = {(tokens.last_before(h.end) - 1, h.cue.context) for h in hits}

    def scope(self, hit: CueHit, near: bool, forward: bool, backward: bool) -> set[int]:
        first, last = self.tokens.span(hit.start, hit.end)
        reached: set[int] = set()
        if forward:
            reached |= self._forward(hit, last, near)
        if backward:
            reached |= self._backward(hit, first - 1, near)
        return reached

    def _ends(self, index: int, hit: CueHit, edges: set[tuple[int, Context | None]]) -> bool:
        if index in self.breaks:
            return True
        enders = self.ended_by.get(hit.cue.context) if hit.cue.context else None
        return bool(enders) and any((index, context) in edges for context in enders or ())

    def _within(self, begin: int, end: int) -> list[int]:
        """Targets lying inside tokens [begin, end): nested readings are reached with the outer one."""
        return [i for token in range(begin, end) for i in self.starting.get(token, ()) if self.spans[i][1] <= end]

    def _blocks(self, word: str, separators: frozenset[str], reached: set[int], listed: bool) -> tuple[bool, bool]:
        """(ends the NEAR scope, is a list separator) for a word between targets.

        Inside a list only articles and the like may come before the next sign
        ("no fever, chills or any pus"); "no fever, I had chills" starts a new clause.
        """
        if word in separators and reached:
            return False, True
        allowed = self.vocabulary.list_words if listed else self.vocabulary.fillers
        return word not in allowed and not word.isdigit(), False

    def _forward(self, hit: CueHit, index: int, near: bool) -> set[int]:
        reached: set[int] = set()
        listed, steps = False, 0
        while index < len(self.tokens) and not self._ends(index, hit, self.cue_starts):
            starting = self.starting.get(index)
            if starting:
                usable = [i for i in starting if not (near and listed and not self.listable[i])]
                if near and not usable:
                    break
                end = max(self.spans[i][1] for i in (usable if near else starting))
                reached.update(self._within(index, end))
                index = end
                continue
            inside = self.covering.get(index)
            if inside:
                reached.update(inside)
                index = max(self.spans[i][1] for i in inside)
                continue
            word = self.tokens.words[index]
            if not near and hit.cue.comma_ends and word == "," and index + 1 not in self.starting:
                break
            if near:
                stop, separator = self._blocks(word, self.vocabulary.forward_separators, reached, listed)
                if stop:
                    break
                listed = listed or separator
            steps += 1
            if steps > (MAX_NEAR if near else MAX_CLAUSE):
                break
            index += 1
        return reached

    def _backward(self, hit: CueHit, index: int, near: bool) -> set[int]:
        reached: set[int] = set()
        listed, steps = False, 0
        while index >= 0 and not self._ends(index, hit, self.cue_ends):
            ending = self.covering.get(index)
            if ending:
                usable = [i for i in ending if not (near and listed and not self.listable[i])]
                if near and not usable:
                    break
                begin = min(self.spans[i][0] for i in (usable if near else ending))
                reached.update(self._within(begin, index + 1))
                index = begin - 1
                continue
            word = self.tokens.words[index]
            if not near and hit.cue.comma_ends and word == "," and index - 1 not in self.last_tokens:
                break
            if near:
                stop, separator = self._blocks(word, self.vocabulary.backward_separators, reached, listed)
                if stop:
                    break
                listed = listed or separator
            steps += 1
            if steps > (MAX_NEAR if near else MAX_CLAUSE):
                break
            index -= 1
        return reached
