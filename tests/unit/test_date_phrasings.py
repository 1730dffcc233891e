"""Dates and times as people type them, in English and Spanish: the table in ``date_phrasings.tsv``.

Each row is a phrasing and what it means (or ``-`` where the parser must
refuse); ``bench/date_input.py`` measures the same table against
``dateparser``. The bot's clock does not appear: ``now`` and the zone are
arguments, as everywhere in ``bot.domain``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.datetime_input import InputError, ParsedMoment, parse_session_time

TABLE = Path(__file__).with_name("date_phrasings.tsv")
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # Wednesday, 10:00 in New York, 16:00 in Madrid
ZONES = {"en": ZoneInfo("America/New_York"), "es": ZoneInfo("Europe/Madrid")}


def rows() -> list[tuple[str, str, str]]:
    found = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            language, text, expected = line.split("\t")
            found.append((language, text, expected))
    return found


ROWS = rows()


def test_the_table_has_a_hundred_phrasings_per_language() -> None:
    for language in ZONES:
        assert sum(1 for row in ROWS if row[0] == language) >= 100, language


@pytest.mark.parametrize(("language", "text", "expected"), ROWS, ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_phrasing(language: str, text: str, expected: str) -> None:
    result = parse_session_time(text, tz=ZONES[language], lang=language, now=NOW)
    if expected == "-":
        assert isinstance(result, InputError), result
    else:
        assert isinstance(result, ParsedMoment), result
        assert f"{result.local:%Y-%m-%d %H:%M}" == expected
