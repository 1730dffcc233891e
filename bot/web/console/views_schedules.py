"""Schedules: the clinic's protocols as configured, and a preview of one patient's messages.

The preview form is a GET (nothing changes, and the URL can be shared with a
colleague): area, first session date and time, the patient's timezone and how
many sessions. The time is read on the patient's clock with the same parser
as a booking (``bot.domain.staff_input.parse_booking_time``: past times and
times more than a year ahead are refused the same way), the timezone with the
enrolment's parser (``Europe/Madrid``, ``Madrid``, ``UTC+2``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import MultiMapping
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clinic_config import Clinic
from bot.domain.datetime_input import HELP_EXAMPLES, InputError, Problem
from bot.domain.staff_input import parse_booking_time
from bot.domain.timezones import COMMON_TIMEZONES, TimezoneError, parse_timezone
from bot.web.console.page import Console, staff_only
from bot.web.console.preview import PreviewItem, describe, preview

_TIME_KEYS = {Problem.UNPARSEABLE: "time_unreadable", Problem.NO_TIME: "time_missing",
              Problem.INVALID_DATE: "time_invalid", Problem.PAST: "time_past", Problem.TOO_FAR: "time_too_far"}


@dataclass(frozen=True)
class PreviewForm:
    """What was asked for, as typed (so the form shows it again)."""

    area: str
    first: str
    tz: str
    sessions: str

    @classmethod
    def read(cls, query: MultiMapping[str], clinic: Clinic) -> PreviewForm:
        area = query.get("area", "")
        return cls(area if area in clinic.protocols else next(iter(clinic.protocols)),
                   query.get("first", "").strip()[:40], query.get("tz", clinic.timezone).strip()[:64],
                   query.get("sessions", "").strip()[:3])


@dataclass(frozen=True)
class PreviewResult:
    items: list[PreviewItem]
    zone: ZoneInfo
    count: int


class PreviewProblem(Exception):
    """A field the preview cannot use; ``text`` is already phrased for the reader."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _zone(console: Console, typed: str) -> ZoneInfo:
    try:
        return parse_timezone(typed).zone
    except TimezoneError:
        raise PreviewProblem(console.t("err_timezone", value=typed)) from None


def _first(console: Console, typed: str, zone: ZoneInfo) -> datetime:
    if not typed:
        raise PreviewProblem(console.t("err_when_required"))
    found = parse_booking_time(typed, tz=zone, lang=console.language, now=console.now)
    if isinstance(found, InputError):
        examples = ", ".join(HELP_EXAMPLES.get(console.language, HELP_EXAMPLES["en"])[:3])
        raise PreviewProblem(console.staff(_TIME_KEYS[found.problem], value=typed, examples=examples))
    return found


def _count(console: Console, typed: str, clinic: Clinic, area: str) -> int:
    limits = clinic.protocol(area).sessions
    if not typed:
        return limits.planned
    if typed.isdigit() and limits.min <= int(typed) <= limits.max:
        return int(typed)
    raise PreviewProblem(console.t("err_sessions", low=limits.min, high=limits.max))


def build(console: Console, form: PreviewForm) -> PreviewResult:
    clinic = console.home_clinic
    zone = _zone(console, form.tz)
    first = _first(console, form.first, zone)
    count = _count(console, form.sessions, clinic, form.area)
    items = preview(clinic.protocol(form.area), first, count, zone, clinic.quiet_hours, console.now)
    return PreviewResult(items, zone, count)


def _record(console: Console, session: AsyncSession, form: PreviewForm, result: PreviewResult | None) -> None:
    console.record(session, "console_schedules_viewed", area=form.area, previewed=result is not None,
                   items=len(result.items) if result is not None else 0)


@staff_only
async def schedules_page(console: Console) -> web.StreamResponse:
    clinic = console.home_clinic
    form = PreviewForm.read(console.request.query, clinic)
    result: PreviewResult | None = None
    problem = ""
    if "first" in console.request.query:
        try:
            result = build(console, form)
        except PreviewProblem as exc:
            problem = exc.text
    async with console.svc.db.session() as session:
        _record(console, session, form, result)
    zones = [name for name, _ in COMMON_TIMEZONES]
    return console.render("schedules.html", status=400 if problem else 200, nav="schedules", form=form,
                          result=result, problem=problem, describe=describe, clinic=clinic,
                          zones=[clinic.timezone, *(z for z in zones if z != clinic.timezone)])
