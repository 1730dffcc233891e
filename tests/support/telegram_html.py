"""A small, strict checker for Telegram's HTML parse mode (independent of the sandbox's parser).

Telegram accepts only a handful of tags, needs them properly nested and
closed, and wants every ``<``, ``>`` and ``&`` that is not markup written as
an entity. A message that breaks this is rejected with "can't parse
entities", so the patient gets nothing: this is what the catalog tests guard.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
                          "a", "code", "pre", "blockquote", "tg-emoji"})
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def problems(text: str) -> list[str]:
    """What is wrong with ``text`` as Telegram HTML (empty when it is fine)."""
    found: list[str] = []
    stack: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "<":
            match = _TAG.match(text, index)
            if match is None:
                found.append(f"unescaped '<' at {index}: {text[index:index + 20]!r}")
                index += 1
                continue
            closing, name = match.group(1) == "/", match.group(2).lower()
            found.extend(_tag_problem(name, closing, stack, index))
            index = match.end()
        elif char == "&":
            match = _ENTITY.match(text, index)
            if match is None:
                found.append(f"unescaped '&' at {index}: {text[index:index + 20]!r}")
            index = match.end() if match else index + 1
        elif char == ">":
            found.append(f"unescaped '>' at {index}")
            index += 1
        else:
            index += 1
    found.extend(f"<{name}> never closed" for name in stack)
    return found


def _tag_problem(name: str, closing: bool, stack: list[str], index: int) -> list[str]:
    if name not in ALLOWED_TAGS:
        return [f"tag <{name}> at {index} is not allowed by Telegram"]
    if not closing:
        stack.append(name)
        return []
    if not stack or stack[-1] != name:
        return [f"</{name}> at {index} does not close {('<' + stack[-1] + '>') if stack else 'anything'}"]
    stack.pop()
    return []
