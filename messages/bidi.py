"""Bidirectional control characters in text someone else wrote, made visible.

U+202E (RIGHT-TO-LEFT OVERRIDE) and its relatives reorder what a reader sees
without changing what is stored: a patient's note "fever[U+202E]enon" reads as
"fevernone" to staff. Text typed by patients or other users is shown with each
such character replaced by a visible marker, ``[U+202E]``, so it cannot lie
about itself. Letters of right-to-left scripts are untouched: they need no
control characters to display correctly.
"""

from __future__ import annotations

BIDI_CONTROLS = (
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
)
_MARKERS = {ord(char): f"[U+{ord(char):04X}]" for char in BIDI_CONTROLS}


def neutralise_bidi(text: str) -> str:
    """``text`` with every bidirectional control character replaced by ``[U+XXXX]``."""
    return text.translate(_MARKERS)
