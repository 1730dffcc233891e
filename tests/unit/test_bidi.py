"""``messages.bidi``: every bidirectional control is made visible, nothing else is touched."""

from __future__ import annotations

import pytest

from messages.bidi import BIDI_CONTROLS, neutralise_bidi
from messages.render import Safe, render

CONTROLS = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C]


@pytest.mark.parametrize("code", CONTROLS)
def test_each_control_becomes_a_visible_marker(code: int) -> None:
    assert neutralise_bidi(f"a{chr(code)}b") == f"a[U+{code:04X}]b"


def test_the_set_is_exactly_the_listed_controls() -> None:
    assert sorted(ord(c) for c in BIDI_CONTROLS) == sorted(CONTROLS)


def test_right_to_left_letters_emoji_and_other_text_are_untouched() -> None:
    text = "Ana María, مرحبا, שלום, 🦵 <b>&amp; 10:00\u202fAM"
    assert neutralise_bidi(text) == text


def test_rendered_parameters_are_neutralised_and_escaped_but_safe_pieces_are_not_rewritten() -> None:
    rendered = render("alerts.message", "en", value="a\u202e<b>")
    assert "a[U+202E]&lt;b&gt;" in rendered and "\u202e" not in rendered
    built = render("alerts.answers", "en", value=Safe("x[U+202E]y"))
    assert "x[U+202E]y" in built
