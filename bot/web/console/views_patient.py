"""One patient: course timeline, answers, alerts, chart, what the bot will send, and the session forms.

The page is addressed by clinic label (``/console/patients/R-0042``) and the
label is only looked up in the signed-in staff member's clinic, so another
clinic's patient is "not found" exactly like a label that does not exist.
The same function renders the page after a refused form, with the error next
to that form and the values typed kept (status 400), so nothing is retyped.

The chart is a separate image route, drawn by ``bot.core.charts`` in a worker
thread; it is part of viewing the page (which is audited) and not audited on
its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.checkins.queries import still_wanted
from bot.core.charts import ChartLabels, render_chart
from bot.core.models import MessageStatus, ScheduledMessage, TreatmentSession
from bot.staff.staff_actions import StaffError, label_of
from bot.staff.staff_views import Timeline, find_patient, timeline
from bot.web.console.page import Console, message_page, staff_only

COURSE_KINDS = ("reminder", "checkin", "followup", "nudge")
MESSAGE_LIMIT = 40
UPCOMING = ("planned", "confirmed")


@dataclass(frozen=True)
class PlannedView:
    """A message the bot has queued for the patient (no text: kind, when, which session)."""

    kind: str
    due_at: datetime
    session_number: int | None
    status: str


@dataclass
class FormState:
    """A refused form: which one, the error to show beside it, and what was typed."""

    form: str = ""
    error: str = ""
    values: dict[str, str] = field(default_factory=dict)


async def planned_messages(session: AsyncSession, patient_id: int) -> list[PlannedView]:
    statement = (
        select(ScheduledMessage, TreatmentSession.number)
        .join(TreatmentSession, col(TreatmentSession.id) == col(ScheduledMessage.session_id), isouter=True)
        .where(ScheduledMessage.patient_id == patient_id)
        .where(col(ScheduledMessage.status).in_((MessageStatus.PENDING, MessageStatus.SENDING)))
        .where(col(ScheduledMessage.kind).in_(COURSE_KINDS))
        .where(still_wanted())  # not the nudge of a check-in already answered
        .order_by(col(ScheduledMessage.due_at)).limit(MESSAGE_LIMIT)
    )
    rows = (await session.exec(statement)).all()
    return [PlannedView(row.kind, row.due_at, number, row.status) for row, number in rows]


async def _load(console: Console, label_text: str) -> tuple[Timeline, list[PlannedView]] | None:
    """The patient's timeline and queued messages, or ``None`` (unknown here, or erased)."""
    try:
        label = label_of(label_text)
    except StaffError:
        return None
    async with console.svc.db.session() as session:
        found = await timeline(session, console.home_clinic.id, label)
        patient = await find_patient(session, console.home_clinic.id, label)
        if found is None or patient is None or patient.id is None or found.status == "deleted":
            return None
        messages = await planned_messages(session, patient.id)
        console.record(session, "console_patient_viewed", patient_label=found.label)
    return found, messages


def not_found(console: Console, label_text: str) -> web.Response:
    return message_page(console.request, 404, "patient_unknown_title", "patient_unknown_body", texts=console,
                        label=label_text[:20])


async def show_patient(console: Console, label_text: str, *, status: int = 200,
                       form: FormState | None = None) -> web.StreamResponse:
    loaded = await _load(console, label_text)
    if loaded is None:
        return not_found(console, label_text)
    found, messages = loaded
    sessions = list(found.sessions)
    return console.render(
        "patient.html", status=status, nav="patients", p=found, entries=list(reversed(found.entries())),
        messages=messages, patient_tz=ZoneInfo(found.timezone), has_chart=bool(found.chart_points()),
        upcoming=[s for s in sessions if s.status in UPCOMING],
        can_be_done=[s for s in sessions if s.status in (*UPCOMING, "missed")],
        done_count=sum(1 for s in sessions if s.status == "done"),
        form=form or FormState(),
    )


@staff_only
async def patient_page(console: Console) -> web.StreamResponse:
    return await show_patient(console, console.request.match_info["label"])


def chart_labels(console: Console, label: str) -> ChartLabels:
    levels = tuple(str(console.staff(f"swelling_{name}")) for name in ("none", "mild", "moderate", "severe"))
    return ChartLabels(title=str(console.staff("chart_title", label=label)),
                       soreness=str(console.staff("chart_soreness")), swelling=str(console.staff("chart_swelling")),
                       swelling_levels=(levels[0], levels[1], levels[2], levels[3]),
                       session=str(console.staff("chart_session", number="{number}")))


@staff_only
async def chart(console: Console) -> web.StreamResponse:
    """The soreness/swelling PNG; 404 when there is nothing to draw (the page then shows no image)."""
    try:
        label = label_of(console.request.match_info["label"])
    except StaffError:
        raise web.HTTPNotFound() from None
    async with console.svc.db.session() as session:
        found = await timeline(session, console.home_clinic.id, label)
    if found is None or found.status == "deleted" or not found.chart_points():
        raise web.HTTPNotFound()
    data = found.chart_data(chart_labels(console, found.label), console.language)
    image = await asyncio.to_thread(render_chart, data)
    return web.Response(body=image.png, content_type="image/png")
