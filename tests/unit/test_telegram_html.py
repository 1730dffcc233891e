"""``messages.telegram_html`` (what check-config accepts) agrees with the sandbox's Telegram-like parser."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from messages.telegram_html import html_problem
from tgsandbox.formatting import ParseError, parse_html

PIECES = st.sampled_from([
    "<b>", "</b>", "<i>", "</i>", "<u>", "</u>", "<s>", "</s>", "<code>", "</code>", "<pre>", "</pre>",
    "<a href=\"https://x.org\">", "</a>", '<span class="tg-spoiler">', "<span>", "</span>", "<tg-spoiler>",
    "</tg-spoiler>", '<tg-emoji emoji-id="5">', "<tg-emoji>", "</tg-emoji>", "<blockquote expandable>",
    "</blockquote>", "<br>", "<div>", "</div>", "<", ">", "&", "&amp;", "&lt;", "&#60;", "&nbsp;", "< b>",
    "</ b>", "<B>", "</B>", "<b", "</b", "text", " ", "\n", "{x}", "ñ", "😀",
])


def sandbox_accepts(text: str) -> bool:
    try:
        parse_html(text)
    except ParseError:
        return False
    return True


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=8).map("".join))
@example("<b>ok</b> &amp; <i>fine</i> & > too")
@example("if pain < 5")
def test_the_checker_accepts_exactly_what_the_sandbox_parses(text: str) -> None:
    assert (html_problem(text) is None) == sandbox_accepts(text), (text, html_problem(text))


@pytest.mark.parametrize(("text", "problem"), [
    ("<b>open", "<b> is never closed"),
    ("</b>", "</b> closes nothing"),
    ("<b><i>x</b></i>", "</b> where </i> was expected"),
    ("<div>x</div>", "<div> is not a tag Telegram accepts"),
    ("1 < 2", "a '<' that starts no tag"),
    ("<span>x</span>", '<span> needs class="tg-spoiler"'),
])
def test_problems_are_named(text: str, problem: str) -> None:
    assert html_problem(text) == problem
