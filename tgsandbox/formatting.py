"""Parse ``parse_mode`` text the way Telegram does: plain text + entities, or a 400.

The sandbox stores three views of every bot text: the raw string the bot sent
(``html``), the plain text a user would read (``text``) and the entity list
with UTF-16 offsets (what PTB uses to rebuild ``text_html``). Parsing is
strict on purpose: unknown or unclosed HTML tags and unescaped MarkdownV2
reserved characters are the most common reasons real bots fail in production,
and Telegram rejects them with "can't parse entities", so the sandbox does too.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError

HTML_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_ATTR = re.compile(r"""\s*([a-zA-Z_-]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")
_HTML_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class ParseError(ApiError):
    def __init__(self, detail: str) -> None:
        super().__init__(400, f"Bad Request: can't parse entities: {detail}")


@dataclass
class Parsed:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Builder:
    """Accumulates plain text and tracks the UTF-16 offset entities are measured in."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self._found: list[tuple[int, int, int, dict[str, Any]]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.offset += utf16_len(text)

    def entity(self, kind: str, start: int, *, depth: int = 0, **extra: Any) -> None:
        """Record an entity ending here; ``depth`` puts outer before inner on equal spans."""
        length = self.offset - start
        if length > 0:
            entity = {"type": kind, "offset": start, "length": length, **extra}
            self._found.append((start, -length, depth, entity))

    def result(self) -> Parsed:
        self._found.sort(key=lambda item: item[:3])
        return Parsed("".join(self.parts), [item[3] for item in self._found])


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


@dataclass
class _Frame:
    tag: str
    start: int
    attrs: dict[str, str]
    at: int
    depth: int
    merged: bool = False  # <code class="language-x"> inside <pre> only sets the language


def parse_html(source: str) -> Parsed:
    out = _Builder()
    stack: list[_Frame] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "<":
            i = _html_tag(source, i, out, stack)
        elif char == "&":
            match = _HTML_ENTITY.match(source, i)
            if match is None:
                out.add("&")
                i += 1
                continue
            name = match.group(1)
            if name.startswith("#"):
                code = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:])
                out.add(chr(code) if 0 < code < 0x110000 else "\ufffd")
            else:
                out.add(_NAMED[name])
            i = match.end()
        else:
            j = i
            while j < n and source[j] not in "<&":
                j += 1
            out.add(source[i:j])
            i = j
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.result()


def _html_tag(source: str, i: int, out: _Builder, stack: list[_Frame]) -> int:
    at = _byte_offset(source, i)
    close = source.find(">", i)
    if source.startswith("</", i):
        if close == -1:
            raise ParseError(f"Unclosed end tag at byte offset {at}")
        name = source[i + 2 : close].strip().lower()
        if not stack:
            raise ParseError(f"Unexpected end tag at byte offset {at}")
        frame = stack[-1]
        if name != frame.tag:
            raise ParseError(f'Unmatched end tag at byte offset {at}, expected "</{frame.tag}>", found "</{name}>"')
        stack.pop()
        _close_html(frame, out)
        return close + 1
    j = i + 1
    while j < len(source) and (source[j].isalnum() or source[j] in "-_"):
        j += 1
    name = source[i + 1 : j].lower()
    if name not in HTML_TAGS:
        raise ParseError(f'Unsupported start tag "{name}" at byte offset {at}')
    if close == -1:
        raise ParseError(f"Unclosed start tag at byte offset {at}")
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(source[j:close].rstrip("/ ")):
        if match.group(1):
            value = match.group(2) or ""
            if value[:1] in ('"', "'"):
                value = value[1:-1]
            attrs[match.group(1).lower()] = html.unescape(value)
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    if name == "tg-emoji" and "emoji-id" not in attrs:
        raise ParseError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {at}')
    frame = _Frame(name, out.offset, attrs, at, len(stack))
    if name == "code" and stack and stack[-1].tag == "pre" and stack[-1].start == out.offset:
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].attrs["language"] = language.removeprefix("language-")
        frame.merged = True
    stack.append(frame)
    return close + 1


def _close_html(frame: _Frame, out: _Builder) -> None:
    kind = HTML_TAGS[frame.tag]
    if frame.merged:
        return

    def emit(entity_type: str, **extra: Any) -> None:
        out.entity(entity_type, frame.start, depth=frame.depth, **extra)

    if kind == "text_link":
        href = frame.attrs.get("href", "")
        if not href:
            return
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            emit(
                "text_mention",
                user={"id": int(user.group(1)), "is_bot": False, "first_name": ""},
            )
        else:
            emit("text_link", url=href)
    elif kind == "pre" and frame.attrs.get("language"):
        emit("pre", language=frame.attrs["language"])
    elif kind == "blockquote" and "expandable" in frame.attrs:
        emit("expandable_blockquote")
    elif kind == "custom_emoji":
        emit("custom_emoji", custom_emoji_id=frame.attrs["emoji-id"])
    else:
        emit(kind)


_MD_MARKERS = [
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
]


def parse_markdown(source: str, *, v2: bool = True) -> Parsed:
    """MarkdownV2 (strict: reserved characters must be escaped) or legacy Markdown."""
    out = _Builder()
    stack: list[tuple[str, str, int, int]] = []  # marker, entity type, start, byte offset
    markers = _MD_MARKERS if v2 else [("*", "bold"), ("_", "italic")]
    quote_start: int | None = None
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if v2 and char == ">" and (i == 0 or source[i - 1] == "\n"):
            if quote_start is None:
                quote_start = out.offset
            i += 1
            continue
        if char == "\\" and i + 1 < n and (v2 or source[i + 1] in "_*`["):
            out.add(source[i + 1])
            i += 2
            continue
        if char == "\n" and quote_start is not None and not source.startswith(">", i + 1):
            out.entity("blockquote", quote_start, depth=-1)
            quote_start = None
        if char == "`":
            i = _md_code(source, i, out)
            continue
        marker = next((m for m, _ in markers if source.startswith(m, i)), None)
        if marker is not None:
            kind = dict(markers)[marker]
            if stack and stack[-1][0] == marker:
                _, _, start, _ = stack.pop()
                out.entity(kind, start, depth=len(stack))
            elif any(frame[0] == marker for frame in stack):
                raise ParseError(f"Can't find end of the entity starting at byte offset {stack[-1][3]}")
            else:
                stack.append((marker, kind, out.offset, _byte_offset(source, i)))
            i += len(marker)
            continue
        if char == "[":
            stack.append(("[", "text_link", out.offset, _byte_offset(source, i)))
            i += 1
            continue
        if char == "]" and stack and stack[-1][0] == "[":
            i = _md_link(source, i, out, stack.pop())
            continue
        if v2 and char in MDV2_RESERVED:
            raise ParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        out.add(char)
        i += 1
    if stack:
        raise ParseError(f"Can't find end of the entity starting at byte offset {stack[-1][3]}")
    if quote_start is not None:
        out.entity("blockquote", quote_start, depth=-1)
    return out.result()


def _md_code(source: str, i: int, out: _Builder) -> int:
    fence = "```" if source.startswith("```", i) else "`"
    j = i + len(fence)
    body: list[str] = []
    while j < len(source) and not source.startswith(fence, j):
        if source[j] == "\\" and j + 1 < len(source) and source[j + 1] in "`\\":
            body.append(source[j + 1])
            j += 2
        else:
            body.append(source[j])
            j += 1
    if j >= len(source):
        raise ParseError(f"Can't find end of the entity starting at byte offset {_byte_offset(source, i)}")
    text = "".join(body)
    language = ""
    if fence == "```":
        first, sep, rest = text.partition("\n")
        if sep and first and " " not in first:
            language, text = first, rest
    start = out.offset
    out.add(text)
    if fence == "`":
        out.entity("code", start)
    elif language:
        out.entity("pre", start, language=language)
    else:
        out.entity("pre", start)
    return j + len(fence)


def _md_link(source: str, i: int, out: _Builder, frame: tuple[str, str, int, int]) -> int:
    if not source.startswith("(", i + 1):
        raise ParseError(f"Can't find end of the entity starting at byte offset {frame[3]}")
    j = i + 2
    url: list[str] = []
    while j < len(source) and source[j] != ")":
        if source[j] == "\\" and j + 1 < len(source):
            j += 1
        url.append(source[j])
        j += 1
    if j >= len(source):
        raise ParseError(f"Can't find end of a URL at byte offset {_byte_offset(source, i + 1)}")
    out.entity("text_link", frame[2], url="".join(url))
    return j + 1


def parse_text(text: str, parse_mode: str | None, entities: Any = None) -> Parsed:
    """Dispatch on ``parse_mode`` (case-insensitive, like Telegram)."""
    mode = (parse_mode or "").strip().lower()
    if mode == "":
        given = entities if isinstance(entities, list) else []
        return Parsed(text, [e for e in given if isinstance(e, dict)])
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown(text, v2=True)
    if mode == "markdown":
        return parse_markdown(text, v2=False)
    raise ApiError.bad_request("unsupported parse_mode")
