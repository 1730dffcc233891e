"""The small rules behind live Today and search: the mark a browser sends back, and how a query is read."""

from __future__ import annotations

import pytest

from bot.web.console.live_feed import Mark
from bot.web.console.views_search import cleaned


def test_a_mark_survives_the_round_trip_through_the_browser() -> None:
    mark = Mark(newest=1234, open=2, realerts=5)
    assert mark.token == "1234.2.5"
    assert Mark.parse(mark.token) == mark


@pytest.mark.parametrize("sent", [None, "", "1.2", "1.2.3.4", "a.b.c", "1.2.x", "<script>"])
def test_a_mark_that_is_not_ours_counts_as_none(sent: str | None) -> None:
    assert Mark.parse(sent) is None  # the stream then sends the current alerts


@pytest.mark.parametrize(("typed", "read"), [(" r-0042 ", "R-0042"), ("r-00", "R-00"), ("", ""), (None, ""),
                                             ("x" * 40, "X" * 24)])
def test_a_search_is_trimmed_and_uppercased(typed: str | None, read: str) -> None:
    assert cleaned(typed) == read
