"""Model objects from Core rows: the ORM's loading step without a session.

Loading a row through the session builds an identity map entry, change
tracking and per-row bookkeeping that a read-only view never uses. Every
check-in button press reads the patient and the check-in and writes one
conditional UPDATE; through the ORM those steps were the largest share of the
bot's CPU under load (``bench/load.py``). A ``Shape`` selects a model's
columns with Core and makes the model object back from the row, as the ORM's
loader does (the class's own constructor is skipped, so no defaults are
re-applied and nothing is validated twice).

Objects made here belong to no session: changing one writes nothing, and
reading an attribute never triggers a lazy load. Write with an explicit
statement, as the press path does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, or_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, attributes

Model = TypeVar("Model")


class Shape(Generic[Model]):
    """A mapped class's columns, in a fixed order, and how to turn those values back into an object."""

    __slots__ = ("_new_instance", "columns", "keys", "model")

    def __init__(self, model: type[Model]) -> None:
        mapper = sa_inspect(model)
        self.model = model
        self.keys: tuple[str, ...] = tuple(attr.key for attr in mapper.column_attrs)
        self.columns: tuple[ColumnElement[Any], ...] = tuple(attr.columns[0] for attr in mapper.column_attrs)
        self._new_instance = mapper.class_manager.new_instance

    def __len__(self) -> int:
        return len(self.keys)

    def load(self, values: Sequence[Any]) -> Model:
        """The object for one row's values of ``columns`` (same order), outside any session."""
        instance: Model = self._new_instance()
        instance.__dict__.update(zip(self.keys, values, strict=True))
        return instance

    def refresh(self, instance: Model, values: Sequence[Any]) -> None:
        """Give an object a session holds the stored values, without marking anything changed."""
        for key, value in zip(self.keys, values, strict=True):
            attributes.set_committed_value(instance, key, value)


def split(row: Sequence[Any], *lengths: int) -> Iterable[Sequence[Any]]:
    """Cut a joined row into consecutive runs of ``lengths`` values (the rest comes last)."""
    start = 0
    for length in lengths:
        yield row[start:start + length]
        start += length
    yield row[start:]


def one_of(column: ColumnElement[Any] | Mapped[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN (values)`` for a statement built once: plain bound values, not an expanding ``IN``.

    SQLAlchemy renders an expanding ``IN`` again on every execution; a fixed
    list of values written as ``a = ? OR b = ?`` compiles once.
    """
    return or_(*(column == value for value in values))
