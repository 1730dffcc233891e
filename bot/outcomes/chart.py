"""Outcome charts as PNG: soreness by day after injection, and pain at each follow-up.

Like ``bot.core.charts`` (the one-patient chart), the input is plain data with
every label already translated, and drawing uses matplotlib's object API on
the Agg canvas (no pyplot state), so callers run it in a worker thread.
A chart never stands alone: the page puts a table of the same figures and
an alt text next to it. Sessions are told apart by marker shape as well as
colour (Okabe-Ito colours, readable with colour-blindness).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

DPI = 100
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")

Drawing = Callable[[], bytes]
"""A chart ready to draw (in a worker thread)."""


@dataclass(frozen=True)
class Size:
    """Inches at ``DPI`` (800 x 400 pixels wide, 500 x 440 narrow) and the text size that stays legible."""

    width: float
    height: float
    font: float


WIDE = Size(8.0, 4.0, 10.0)
NARROW = Size(5.0, 4.4, 11.0)  # a phone shows it about 330 pixels wide


@dataclass(frozen=True)
class Point:
    """One x position: the median and, when known, the quartiles around it."""

    x: float
    median: float
    q1: float | None = None
    q3: float | None = None


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[Point]


@dataclass(frozen=True)
class ChartText:
    title: str
    x_label: str
    y_label: str


def soreness_chart(series: Sequence[Series], text: ChartText, size: Size = WIDE) -> bytes:
    """One line per session: median soreness by day, the quartiles shaded."""
    figure, axis = _figure(text, size)
    for index, line in enumerate(series):
        colour, marker = COLOURS[index % len(COLOURS)], MARKERS[index % len(MARKERS)]
        xs = [p.x for p in line.points]
        axis.plot(xs, [p.median for p in line.points], marker=marker, color=colour, label=line.label)
        low = [p.q1 if p.q1 is not None else p.median for p in line.points]
        high = [p.q3 if p.q3 is not None else p.median for p in line.points]
        axis.fill_between(xs, low, high, color=colour, alpha=0.12, linewidth=0)
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    if series:
        axis.legend(loc="upper right", fontsize=size.font - 2)
    return _png(figure)


def followup_chart(labels: Sequence[str], points: Sequence[Point | None], text: ChartText,
                   size: Size = WIDE) -> bytes:
    """Median pain at each follow-up (categories in time order), quartiles as error bars."""
    figure, axis = _figure(text, size)
    drawn = [(i, p) for i, p in enumerate(points) if p is not None]
    if drawn:
        xs = [i for i, _ in drawn]
        medians = [p.median for _, p in drawn]
        below = [p.median - (p.q1 if p.q1 is not None else p.median) for _, p in drawn]
        above = [(p.q3 if p.q3 is not None else p.median) - p.median for _, p in drawn]
        axis.errorbar(xs, medians, yerr=[below, above], fmt="o-", color=COLOURS[0], capsize=6)
    axis.set_xticks(range(len(labels)), list(labels))
    axis.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
    return _png(figure)


def _figure(text: ChartText, size: Size) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(size.width, size.height), dpi=DPI)
    FigureCanvasAgg(figure)
    axis = figure.add_subplot()
    axis.set_title(text.title, fontsize=size.font + 2)
    axis.set_xlabel(text.x_label, fontsize=size.font)
    axis.set_ylabel(text.y_label, fontsize=size.font)
    axis.tick_params(labelsize=size.font - 1)
    axis.set_ylim(-0.3, 10.3)
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    axis.grid(axis="y", alpha=0.3)
    return figure, axis


def _png(figure: Figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
