"""Would Telegram accept this text in HTML parse mode? The same rules Telegram applies.

Telegram refuses a whole message ("can't parse entities") for an unsupported
tag, a tag left open, an end tag that closes the wrong one, a ``<`` that does
not start a tag, a ``<span>`` without ``class="tg-spoiler"`` or a
``<tg-emoji>`` without ``emoji-id``. It lets a bare ``&`` or ``>`` through.
The sandbox's parser (``tgsandbox.formatting``) follows the same rules; a test
keeps the two in agreement, so what ``aftercare check-config`` accepts is what
the sandbox, and Telegram, deliver.
"""

from __future__ import annotations

import html
import re

TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span", "a",
                  "code", "pre", "blockquote", "tg-emoji"})
_NAME = re.compile(r"[A-Za-z0-9_-]*")
_ATTR = re.compile(r"""\s*([a-zA-Z_-]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse ``text`` as HTML, in a few words; ``None`` when it is fine."""
    open_tags: list[str] = []
    index = text.find("<")
    while index != -1:
        problem, index = _tag(text, index, open_tags)
        if problem is not None:
            return problem
        index = text.find("<", index)
    if open_tags:
        return f"<{open_tags[-1]}> is never closed"
    return None


def _tag(text: str, index: int, open_tags: list[str]) -> tuple[str | None, int]:
    """Read the tag at ``index``; the problem (if any) and where reading goes on."""
    close = text.find(">", index)
    if text.startswith("</", index):
        if close == -1:
            return "an end tag '</...' has no '>'", index
        name = text[index + 2:close].strip().lower()
        if not open_tags:
            return f"</{name}> closes nothing", index
        if name != open_tags[-1]:
            return f"</{name}> where </{open_tags[-1]}> was expected", index
        open_tags.pop()
        return None, close + 1
    name_end = _NAME.match(text, index + 1)
    end = name_end.end() if name_end else index + 1
    name = text[index + 1:end].lower()
    if name not in TAGS:
        if not name:
            return "a '<' that starts no tag", index
        return f"<{name}> is not a tag Telegram accepts", index
    if close == -1:
        return f"<{name} has no closing '>'", index
    attrs = {match.group(1).lower(): _value(match.group(2) or "")
             for match in _ATTR.finditer(text[end:close].rstrip("/ ")) if match.group(1)}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        return '<span> needs class="tg-spoiler"', index
    if name == "tg-emoji" and "emoji-id" not in attrs:
        return '<tg-emoji> needs an emoji-id="..." attribute', index
    open_tags.append(name)
    return None, close + 1


def _value(raw: str) -> str:
    return html.unescape(raw[1:-1] if raw[:1] in ('"', "'") else raw)
