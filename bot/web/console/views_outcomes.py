"""Outcomes across patients: figures per area, their charts, and the clinic's CSV export.

``GET /outcomes`` shows, for the signed-in member's clinic, each area's
soreness by day after injection per session, follow-up pain and function,
answer rates, alerts per 100 injections and the time to acknowledge them
(``bot.outcomes``: computed in SQL). Filters are a GET form: area, and a
period of whole days on the clinic's calendar. A filter that does not parse
gets the page again with the message beside the form and status 400; nothing
is computed. The figures are read through ``Database.report`` so a large
clinic's report never holds up the bot's own database work.

``GET /outcomes/<area>/<soreness|followups>.png`` draws a chart from the same
filters (404 when there is nothing to draw), from the figures the page has
just computed (``outcomes_cache``); like the patient chart it is part of
viewing the page and not audited on its own.

``POST /outcomes/export`` (a form with the CSRF token) returns the ZIP of CSV
files (``bot.outcomes.export``), read and zipped in a worker thread; the
audit event ``outcomes_exported`` is written before the file leaves.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiMapping

from bot.domain.periods import Period, PeriodError, period
from bot.outcomes import chart
from bot.outcomes.export import counts, read_export, zip_archive
from bot.outcomes.figures import AreaOutcomes, outcomes
from bot.web.console.outcomes_cache import CACHE
from bot.web.console.outcomes_words import OutcomeWords
from bot.web.console.page import Console, staff_only

CHARTS = ("soreness", "followups")


@dataclass(frozen=True)
class OutcomeFilter:
    """The filters as typed (kept in the form when refused)."""

    area: str = ""
    since: str = ""
    until: str = ""

    @classmethod
    def read(cls, query: MultiMapping[str]) -> OutcomeFilter:
        def typed(name: str) -> str:
            return query.get(name, "").strip()[:40]

        return cls(typed("area"), typed("since"), typed("until"))

    @property
    def active(self) -> bool:
        return bool(self.area or self.since or self.until)

    def dates(self, size: str = "") -> str:
        """A chart URL's query string: the period, and ``size=narrow`` for phones."""
        values = {name: value for name, value in (("since", self.since), ("until", self.until), ("size", size))
                  if value}
        return f"?{urlencode(values)}" if values else ""


class FilterProblem(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def resolve(console: Console, words: OutcomeWords, typed: OutcomeFilter) -> tuple[str | None, Period]:
    """The area (``None``: all) and period, or ``FilterProblem`` with the message to show."""
    if typed.area and typed.area not in console.home_clinic.protocols:
        raise FilterProblem(words.t("err_area", value=typed.area))
    try:
        chosen = period(typed.since, typed.until, console.home_clinic.tz)
    except PeriodError as exc:
        if exc.problem == "reversed":
            raise FilterProblem(words.t("err_reversed", since=typed.since, until=typed.until)) from None
        raise FilterProblem(words.t("err_date", value=exc.value)) from None
    return typed.area or None, chosen


@staff_only
async def outcomes_page(console: Console) -> web.StreamResponse:
    words = OutcomeWords(console)
    typed = OutcomeFilter.read(console.request.query)
    try:
        area, chosen = resolve(console, words, typed)
    except FilterProblem as problem:
        await console.audit("console_outcomes_viewed", filtered=True, refused=True)
        return console.render("outcomes.html", status=400, nav="outcomes", o=words, typed=typed,
                              problem=problem.text, figures=None, shown=[])
    async with console.svc.db.report() as session:
        figures = await outcomes(session, console.home_clinic, area, chosen)
    console.request.app[CACHE].put((console.home_clinic.id, area, chosen), figures)
    await console.audit("console_outcomes_viewed", filtered=typed.active, area=area,
                        since=typed.since or None, until=typed.until or None)
    shown = [item for item in figures.areas if item.has_data]
    return console.render("outcomes.html", nav="outcomes", o=words, typed=typed, problem="", figures=figures,
                          shown=shown)


@staff_only
async def outcomes_chart(console: Console) -> web.StreamResponse:
    """A PNG of one area's soreness or follow-up figures; 404 for anything it cannot draw."""
    words = OutcomeWords(console)
    area, kind = console.request.match_info["area"], console.request.match_info["kind"]
    typed = OutcomeFilter.read(console.request.query)
    if kind not in CHARTS or area not in console.home_clinic.protocols:
        raise web.HTTPNotFound()
    try:
        _, chosen = resolve(console, words, OutcomeFilter(area, typed.since, typed.until))
    except FilterProblem:
        raise web.HTTPNotFound() from None
    found = await _area_figures(console, area, chosen)
    size = chart.NARROW if console.request.query.get("size") == "narrow" else chart.WIDE
    drawing = (_soreness(console, words, found, size) if kind == "soreness"
               else _followups(console, words, found, size))
    if drawing is None:
        raise web.HTTPNotFound()
    png = await asyncio.to_thread(drawing)
    return web.Response(body=png, content_type="image/png")


async def _area_figures(console: Console, area: str, chosen: Period) -> AreaOutcomes:
    """The area's figures as its page showed them (``outcomes_cache``), else computed now."""
    cache, clinic = console.request.app[CACHE], console.home_clinic
    found = cache.area(clinic.id, area, chosen)
    if found is None:
        async with console.svc.db.report() as session:
            figures = await outcomes(session, clinic, area, chosen)
        cache.put((clinic.id, area, chosen), figures)
        found = figures.areas[0]
    return found


def _soreness(console: Console, words: OutcomeWords, found: AreaOutcomes, size: chart.Size) -> chart.Drawing | None:
    drawable = [o for o in found.offsets if o.day is not None]
    series = [chart.Series(str(words.t("chart_session", number=row.number)),
                           [chart.Point(o.days, s.median, s.q1, s.q3) for o in drawable
                            if (s := row.by_offset.get(o.offset)) is not None])
              for row in found.sessions]
    series = [line for line in series if line.points]
    if not series:
        return None
    name = console.area_name(found.area)
    text = chart.ChartText(str(words.t("chart_soreness_title", area=name)), str(words.t("chart_day_axis")),
                           str(words.t("chart_soreness_axis")))
    return lambda: chart.soreness_chart(series, text, size)


def _followups(console: Console, words: OutcomeWords, found: AreaOutcomes, size: chart.Size) -> chart.Drawing | None:
    if not any(row.pain for row in found.followups):
        return None
    labels = [words.offset(row.offset) for row in found.followups]
    points = [chart.Point(i, row.pain.median, row.pain.q1, row.pain.q3) if row.pain else None
              for i, row in enumerate(found.followups)]
    name = console.area_name(found.area)
    text = chart.ChartText(str(words.t("chart_followups_title", area=name)), str(words.t("chart_followup_axis")),
                           str(words.t("chart_pain_axis")))
    return lambda: chart.followup_chart(labels, points, text, size)


@staff_only
async def export_download(console: Console) -> web.StreamResponse:
    """The clinic's CSV files in one ZIP; audited (with the row counts) before it is sent."""
    clinic = console.home_clinic
    tables = await asyncio.to_thread(read_export, console.svc.db.url, clinic)
    await console.audit("outcomes_exported", format="csv-zip", rows=counts(tables))
    body = await asyncio.to_thread(zip_archive, tables)
    stamp = console.now.astimezone(clinic.tz).strftime("%Y-%m-%d")
    name = f"aftercare-{clinic.id}-{stamp}.zip"
    return web.Response(body=body, content_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
