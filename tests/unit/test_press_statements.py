"""The check-in press's statements stay plain Core, so they skip the ORM's compile and loading steps.

One mapped attribute (``CheckIn.id`` instead of the table's ``check_in.c.id``)
anywhere in a statement sends it through the ORM on every execution, which
cost more than the query itself on the press path (``bench/load.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.checkins import queries
from bot.core import chat_state


def _press_statements() -> list[Any]:
    return [
        queries._FOR_PRESS,
        queries._PREVIOUS_SORENESS,
        queries._transition_statement(frozenset({"soreness", "step"})),
        queries._store_statement(frozenset({"level", "matched"})),
        chat_state._upsert("sqlite", frozenset({"flow", "step"})),
        chat_state._upsert("postgresql", frozenset({"flow", "step"})),
        chat_state._delete(True),
    ]


@pytest.mark.parametrize("statement", _press_statements(), ids=lambda s: type(s).__name__)
def test_press_statements_are_not_orm_statements(statement: Any) -> None:
    assert statement._propagate_attrs.get("compile_state_plugin") != "orm"
