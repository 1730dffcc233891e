"""Entity parsing: plain text and UTF-16 offsets as Telegram computes them."""

from __future__ import annotations

import pytest

from tgsandbox.errors import ApiError
from tgsandbox.formatting import parse_html, parse_markdown, parse_text


def test_html_offsets_are_utf16() -> None:
    parsed = parse_html("😀 <b>ok</b>")
    assert parsed.text == "😀 ok"
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 2}]


def test_html_numeric_entities_and_unknown_named_ones() -> None:
    assert parse_html("&#65;&#x42;&lt;&nbsp;").text == "AB<&nbsp;"


def test_html_nested_and_blockquote() -> None:
    parsed = parse_html("<blockquote expandable><i>a<u>b</u></i></blockquote>")
    assert parsed.text == "ab"
    assert [e["type"] for e in parsed.entities] == ["expandable_blockquote", "italic", "underline"]


def test_html_user_mention() -> None:
    parsed = parse_html('<a href="tg://user?id=42">Ann</a>')
    assert parsed.entities[0]["type"] == "text_mention"
    assert parsed.entities[0]["user"]["id"] == 42


def test_markdown_v2_entities() -> None:
    parsed = parse_markdown(r"*b* _i_ __u__ ~s~ ||sp|| `c` [l](https://x.example/\)) \#1")
    assert parsed.text == "b i u s sp c l #1"
    kinds = [e["type"] for e in parsed.entities]
    assert kinds == ["bold", "italic", "underline", "strikethrough", "spoiler", "code", "text_link"]
    assert parsed.entities[-1]["url"] == "https://x.example/)"


def test_markdown_v2_pre_with_language_and_quote() -> None:
    parsed = parse_markdown("```python\nx = 1\n```\n>quoted\n>more\nafter")
    assert parsed.text == "x = 1\n\nquoted\nmore\nafter"
    assert parsed.entities[0] == {"type": "pre", "offset": 0, "length": 6, "language": "python"}
    assert parsed.entities[1]["type"] == "blockquote"


@pytest.mark.parametrize("text", ["*open", "a_b", "[x](http://a", "1-2"])
def test_markdown_v2_errors(text: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_markdown(text)
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")


def test_legacy_markdown_is_lenient() -> None:
    parsed = parse_markdown("*Day 2.* (ok) - fine", v2=False)
    assert parsed.text == "Day 2. (ok) - fine"


def test_unknown_parse_mode() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        parse_text("x", "BBCode")
