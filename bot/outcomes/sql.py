"""SQL that gives the same figures on SQLite and PostgreSQL: quantiles, elapsed seconds, key parts.

PostgreSQL has ``percentile_cont``; SQLite has no percentile function at all.
Rather than two implementations that could disagree, both backends run one
portable query. It works on a histogram (each distinct value and how many
times it occurs, ``c``): a running ``sum(c)`` over the values in order gives
each value's range of 0-based ranks, ``[upto - c, upto)``, and the group's
size ``n``. The quantile ``p`` sits at rank ``(n - 1) × p``; the values at the
rank below and above are picked from their ranges and interpolated linearly,
exactly as ``percentile_cont`` does. ``p`` is a fraction of small integers,
so the rank is integer arithmetic on both backends, and the interpolation is
one multiplication and one addition of IEEE doubles: the same bits
everywhere. The integration tests compare the result with
``percentile_cont`` on PostgreSQL.

Working from a histogram matters for speed: answers are 0-10, so 200,000
check-ins become a few hundred rows before anything is sorted.

Elapsed time is whole seconds: PostgreSQL's ``EXTRACT(EPOCH ...)`` is exact,
SQLite's ``julianday`` difference is a double (about 40 µs apart), and
rounding both to the second makes them agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Float, Integer, Select, String, case, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.selectable import Subquery


@dataclass(frozen=True)
class Quantile:
    """``name`` is the result column; the quantile is ``numerator / denominator`` (1/2 is the median)."""

    name: str
    numerator: int
    denominator: int


QUARTILES = (Quantile("q1", 1, 4), Quantile("median", 1, 2), Quantile("q3", 3, 4))
MEDIAN_P90 = (Quantile("median", 1, 2), Quantile("p90", 9, 10))


def quantiles(histogram: Subquery, groups: Sequence[str], wanted: Sequence[Quantile]) -> Select[Any]:
    """Per group: the group columns, ``n`` and each quantile (a double).

    ``histogram`` has the ``groups`` columns, a numeric ``value`` (not NULL)
    and ``c``, how many times the value occurs in the group; each value once
    per group.
    """
    keys = [histogram.c[name] for name in groups]
    running = func.sum(histogram.c.c).over(partition_by=keys, order_by=histogram.c.value,
                                           rows=(None, 0))
    ranged = select(
        *keys, histogram.c.value.label("v"), cast(histogram.c.c, BigInteger).label("c"),
        cast(running, BigInteger).label("upto"),
        cast(func.sum(histogram.c.c).over(partition_by=keys), BigInteger).label("n"),
    ).subquery("ranged")
    grouped = [ranged.c[name] for name in groups]
    columns = [_quantile(ranged, q).label(q.name) for q in wanted]
    return select(*grouped, ranged.c.n, *columns).group_by(*grouped, ranged.c.n)


def _at_rank(ranged: Subquery, rank: ColumnElement[Any]) -> ColumnElement[Any]:
    holds = (ranged.c.upto - ranged.c.c <= rank) & (rank < ranged.c.upto)
    return func.max(case((holds, ranged.c.v)))


def _quantile(ranged: Subquery, q: Quantile) -> ColumnElement[Any]:
    scaled = (ranged.c.n - 1) * q.numerator
    low_rank = scaled // q.denominator
    fraction = cast(scaled % q.denominator, Float) / float(q.denominator)
    low = _at_rank(ranged, low_rank)
    high = func.coalesce(_at_rank(ranged, low_rank + 1), low)
    return cast(low, Float) + cast(high - low, Float) * fraction


class seconds_between(FunctionElement[int]):
    """Whole seconds from ``earlier`` to ``later`` (two timestamp columns), rounded."""

    type = Integer()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (f"CAST(ROUND(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
            f"{compiler.process(earlier, **kw)}))) AS BIGINT)")


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (f"CAST(ROUND((julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)})) * 86400.0) AS INTEGER)")


class text_after(FunctionElement[str]):
    """What follows the first ``marker`` in ``text``; NULL when ``text`` lacks it or ends with it."""

    type = String()
    inherit_cache = True
    name = "text_after"


@compiles(text_after, "postgresql")
def _after_pg(element: text_after, compiler: Any, **kw: Any) -> str:
    text, marker = (compiler.process(part, **kw) for part in element.clauses)
    return f"NULLIF(split_part({text}, {marker}, 2), '')"


@compiles(text_after, "sqlite")
def _after_sqlite(element: text_after, compiler: Any, **kw: Any) -> str:
    text, marker = (compiler.process(part, **kw) for part in element.clauses)
    return (f"NULLIF(CASE WHEN instr({text}, {marker}) > 0 "
            f"THEN substr({text}, instr({text}, {marker}) + length({marker})) END, '')")
