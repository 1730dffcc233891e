"""docs/TEXTS.md lists every text key with its placeholders and plural mark, and no key that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from messages.render import Catalog, placeholders

DOC = Path(__file__).resolve().parents[2] / "docs" / "TEXTS.md"
_ROW = re.compile(r"^\| `(?P<key>[a-z]+\.[a-z0-9_]+)` \|[^|]*\|(?P<params>[^|]*)\|$")
ENGLISH = Catalog().entries["en"]

Listed = tuple[frozenset[str], bool]
"""A key's placeholders and whether it is marked plural."""


def _documented() -> dict[str, Listed]:
    rows: dict[str, Listed] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if match is not None:
            assert match["key"] not in rows, f"docs/TEXTS.md lists {match['key']} twice"
            cell = match["params"]
            rows[match["key"]] = (frozenset(re.findall(r"\{(\w+)\}", cell)), "plural" in cell)
    return rows


DOCUMENTED = _documented()


def test_every_key_is_documented() -> None:
    assert sorted(set(ENGLISH) - set(DOCUMENTED)) == [], "keys missing from docs/TEXTS.md"


def test_every_documented_key_exists() -> None:
    assert sorted(set(DOCUMENTED) - set(ENGLISH)) == [], "docs/TEXTS.md lists keys that do not exist"


def test_placeholders_and_plurals_match() -> None:
    wrong = {
        key: listed
        for key, listed in DOCUMENTED.items()
        if key in ENGLISH and listed != (frozenset(placeholders(ENGLISH[key])), isinstance(ENGLISH[key], dict))
    }
    assert wrong == {}, "docs/TEXTS.md has wrong placeholders or plural marks"


def test_texts_that_never_take_clinic_overrides_are_the_ones_the_doc_says() -> None:
    from messages.render import NO_CLINIC_OVERRIDES

    row = re.compile(r"^\| `([a-z]+\.[a-z0-9_]+)` \|[^|]*Clinic overrides do not apply", re.MULTILINE)
    marked = {match.group(1) for match in row.finditer(DOC.read_text(encoding="utf-8"))}
    assert marked == NO_CLINIC_OVERRIDES
