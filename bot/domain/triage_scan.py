"""Running ~200 patterns over one message fast: skip the ones whose first word is not there.

Python's ``re`` cannot skip ahead for a pattern that starts with ``\\b`` (it
tries every position), and nearly every sign and cue pattern does. Such a
pattern's match must begin at the start of a word, with one of the literal
beginnings its regex allows ("fev" for ``\\bfever``, "no" for ``\\bno\\s+...``).
``first_words`` reads those beginnings from the compiled pattern's own syntax
tree; a pattern whose beginning cannot be read (a character class, a pattern
not anchored at a word start) is always run. ``may_match`` then asks whether
any word of the message begins that way. It only ever skips a pattern that
could not have matched, so the result is the same as running them all
(``tests/unit/test_triage_scan.py`` checks this on every corpus message and on
generated text), at about half the time.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from functools import lru_cache
from typing import Any

PREFIX = 3
"""Characters of a word's beginning that are compared."""
_WORD = re.compile(r"[a-z0-9]+")
_WORD_CHARS = re.compile(r"[a-z0-9]*")


def word_starts(norm: str) -> frozenset[str]:
    """The first one to three characters of every word of ``norm`` (apostrophes split words, as ``\\b`` does)."""
    return frozenset(word[:size] for word in _WORD.findall(norm) for size in range(1, PREFIX + 1))


@lru_cache(maxsize=1024)
def first_words(pattern: str) -> frozenset[str] | None:
    """The literal word beginnings every match of ``pattern`` starts with, or None when unknown."""
    items = list(sre_parse.parse(pattern))
    index = 0
    while index < len(items) and items[index][0] is sre.ASSERT_NOT and items[index][1][0] == -1:
        index += 1  # leading negative lookbehinds consume nothing
    if index >= len(items) or items[index] != (sre.AT, sre.AT_BOUNDARY):
        return None
    found = _beginnings(items[index + 1 :])
    if found is None:
        return None
    cut = frozenset(_WORD_CHARS.match(text).group() for text in found)  # type: ignore[union-attr]
    return None if "" in cut else cut


def may_match(pattern: re.Pattern[str], starts: frozenset[str]) -> bool:
    """False only when no word of the text begins the way every match of ``pattern`` must."""
    beginnings = first_words(pattern.pattern)
    return beginnings is None or not beginnings.isdisjoint(starts)


def _beginnings(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Literal beginnings of a sequence of regex items (up to ``PREFIX`` characters)."""
    prefixes = {""}
    for op, value in items:
        if all(len(p) >= PREFIX for p in prefixes):
            break
        if op is sre.LITERAL:
            prefixes = {p + chr(value) if len(p) < PREFIX else p for p in prefixes}
            continue
        inner = _group_beginnings(op, value)
        if inner is None or "" in inner:
            break
        prefixes = {(p + q)[:PREFIX] if len(p) < PREFIX else p for p in prefixes for q in inner}
        break  # a group's beginnings may be shorter than the group: what follows is not known
    return None if "" in prefixes else prefixes


def _group_beginnings(op: Any, value: Any) -> set[str] | None:
    if op is sre.SUBPATTERN:
        return _beginnings(list(value[-1]))
    if op is sre.BRANCH:
        parts = [_beginnings(list(branch)) for branch in value[1]]
        return None if any(part is None for part in parts) else set().union(*(p for p in parts if p))
    if op is sre.IN and all(kind is sre.LITERAL for kind, _ in value):
        return {chr(code) for _, code in value}
    return None
