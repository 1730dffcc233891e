"""A patient's soreness and swelling over time, as a PNG image.

Shared by the patient's ``/history``, the staff ``/patient`` command and the web
console, so the input is plain data (``ChartData``), never ORM rows, and every
label arrives already translated: this module knows nothing about languages
except how to write a date (Babel, the reader's locale).

Soreness (0-10) is a line on the left axis; swelling (none..severe = 0..3) is
drawn as square markers on a right-hand axis so the two scales never pretend to
be one; each session is a dashed vertical line. Rendering uses matplotlib's
object API on the Agg canvas (no pyplot global state), so it is safe to call
from a worker thread: handlers run it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from babel.dates import format_skeleton
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

SWELLING_SCALE: dict[str, int] = {"none": 0, "mild": 1, "moderate": 2, "severe": 3}
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100
SORENESS_COLOR, SWELLING_COLOR, SESSION_COLOR = "#c0392b", "#2471a3", "#7f8c8d"


@dataclass(frozen=True)
class ChartPoint:
    """One answered check-in: when, soreness 0-10 and/or swelling 0-3 (``None`` = not asked)."""

    at: datetime
    soreness: int | None = None
    swelling: int | None = None


@dataclass(frozen=True)
class SessionMark:
    at: datetime
    number: int


@dataclass(frozen=True)
class ChartLabels:
    """Translated texts; ``swelling_levels`` names 0..3 and ``session`` may use ``{number}``."""

    title: str = "Soreness and swelling"
    soreness: str = "Soreness (0-10)"
    swelling: str = "Swelling"
    swelling_levels: tuple[str, str, str, str] = ("none", "mild", "moderate", "severe")
    session: str = "S{number}"


@dataclass(frozen=True)
class ChartData:
    points: Sequence[ChartPoint]
    sessions: Sequence[SessionMark] = ()
    tz: tzinfo | None = None
    language: str = "en"
    labels: ChartLabels = ChartLabels()


@dataclass(frozen=True)
class ChartImage:
    """The PNG and what was drawn, so callers and tests need not decode the image."""

    png: bytes
    width: int
    height: int
    soreness_points: int
    swelling_points: int
    session_lines: int


def swelling_score(value: str | None) -> int | None:
    """The 0-3 score of a stored swelling answer (``None`` for unknown or missing)."""
    return SWELLING_SCALE.get(value) if value is not None else None


def render_chart(data: ChartData) -> ChartImage:
    """Draw the chart and return the PNG bytes with a count of what it shows."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axis = figure.add_subplot()
    soreness = [(p.at, p.soreness) for p in data.points if p.soreness is not None]
    swelling = [(p.at, p.swelling) for p in data.points if p.swelling is not None]
    _draw_soreness(axis, soreness, data.labels)
    right = axis.twinx()
    _draw_swelling(right, swelling, data.labels)
    lines = _draw_sessions(axis, data.sessions, data.labels)
    _format_time_axis(axis, data)
    axis.set_title(data.labels.title)
    handles = axis.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    if handles:
        axis.legend(handles=handles, loc="upper right", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    width, height = (int(v) for v in figure.canvas.get_width_height())
    return ChartImage(buffer.getvalue(), width, height, len(soreness), len(swelling), lines)


def _draw_soreness(axis: Axes, points: list[tuple[datetime, int]], labels: ChartLabels) -> None:
    ax = axis
    if points:
        ax.plot([_num(at) for at, _ in points], [value for _, value in points],
                marker="o", color=SORENESS_COLOR, label=labels.soreness)
    ax.set_ylim(-0.5, 10.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(labels.soreness, color=SORENESS_COLOR)
    ax.grid(axis="y", alpha=0.3)


def _draw_swelling(axis: Axes, points: list[tuple[datetime, int]], labels: ChartLabels) -> None:
    ax = axis
    if points:
        ax.scatter([_num(at) for at, _ in points], [value for _, value in points],
                   marker="s", s=60, color=SWELLING_COLOR, label=labels.swelling, zorder=3)
    ax.set_ylim(-0.2, 3.2)
    ax.set_yticks(range(4), list(labels.swelling_levels))
    ax.set_ylabel(labels.swelling, color=SWELLING_COLOR)


def _draw_sessions(axis: Axes, sessions: Sequence[SessionMark], labels: ChartLabels) -> int:
    ax = axis
    for mark in sessions:
        x = _num(mark.at)
        ax.axvline(x, color=SESSION_COLOR, linestyle="--", linewidth=1)
        ax.annotate(labels.session.format(number=mark.number), (x, 10.4), xytext=(3, 0),
                    textcoords="offset points", fontsize=8, color=SESSION_COLOR, ha="left", va="top")
    return len(sessions)


def _format_time_axis(axis: Axes, data: ChartData) -> None:
    """Dates on the x axis in the reader's language and timezone, with a margin either side."""
    ax = axis
    moments = [p.at for p in data.points] + [s.at for s in data.sessions]
    if moments:
        start, end = min(moments), max(moments)
        margin = max((end - start) * 0.05, timedelta(hours=12))
        ax.set_xlim(_num(start - margin), _num(end + margin))
    zone = data.tz

    def label(value: float, _position: object) -> str:
        moment = _moment(value)
        return format_skeleton("MMMd", moment.astimezone(zone) if zone else moment, locale=data.language)

    ax.xaxis.set_major_locator(AutoDateLocator(tz=zone, minticks=3, maxticks=8))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(FuncFormatter(label))



def _num(moment: datetime) -> float:
    """matplotlib's float day number for an aware datetime (typed wrapper)."""
    return float(date2num(moment))  # type: ignore[no-untyped-call]


def _moment(value: float) -> datetime:
    found: datetime = num2date(value)  # type: ignore[no-untyped-call]
    return found
