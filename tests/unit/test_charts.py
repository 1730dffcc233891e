"""The soreness/swelling chart: a PNG of sensible size showing exactly the data it was given."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image

from bot.core.charts import ChartData, ChartLabels, ChartPoint, SessionMark, render_chart, swelling_score

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def _points(count: int) -> list[ChartPoint]:
    levels = ["severe", "moderate", "mild", "none"]
    return [ChartPoint(START + timedelta(hours=6 + 24 * day), soreness=max(0, 7 - day),
                       swelling=swelling_score(levels[min(day, 3)])) for day in range(count)]


def test_chart_is_a_png_of_sensible_size_with_every_point_and_session() -> None:
    data = ChartData(_points(8), [SessionMark(START, 1), SessionMark(START + timedelta(weeks=1), 2)],
                     ZoneInfo("America/New_York"), "es", ChartLabels(session="Sesión {number}"))
    image = render_chart(data)
    assert image.png.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = Image.open(io.BytesIO(image.png))
    assert decoded.size == (image.width, image.height) == (800, 450)
    assert (image.soreness_points, image.swelling_points, image.session_lines) == (8, 8, 2)
    assert 5_000 < len(image.png) < 1_000_000


def test_answers_with_only_one_measure_count_only_where_given() -> None:
    points = [ChartPoint(START, soreness=3), ChartPoint(START + timedelta(days=1), swelling=2),
              ChartPoint(START + timedelta(days=2))]
    image = render_chart(ChartData(points))
    assert (image.soreness_points, image.swelling_points, image.session_lines) == (1, 1, 0)


def test_an_empty_chart_still_renders() -> None:
    image = render_chart(ChartData([]))
    assert image.png.startswith(b"\x89PNG") and image.soreness_points == 0


def test_swelling_scale() -> None:
    assert [swelling_score(v) for v in ("none", "mild", "moderate", "severe", None, "huge")] == [0, 1, 2, 3, None, None]
