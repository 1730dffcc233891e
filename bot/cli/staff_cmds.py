"""``aftercare patients | patient | book | done``: the staff tools for admins without Telegram.

Same data (``bot.staff.staff_views``), same validation and operations
(``bot.staff.staff_actions`` -> ``bot.courses.course_ops``) as the Telegram commands, so a
booking made here is audited (actor ``cli``) and re-plans the reminders just
the same. Errors are one line on stderr: exit 2 for bad input (unknown label,
bad date, session out of range), 1 for anything else; an error rolls back,
so nothing is written.

Times are shown and read on the clinic's clock (``2026-12-03 10:30``); an ISO
time with an offset is taken as given. A running bot notices rows made here
at its dispatcher's next safety check (about a minute).
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import CliError, load_registry, load_settings
from bot.core import audit
from bot.core.charts import ChartLabels, render_chart
from bot.core.clinic_config import Clinic, ClinicRegistry
from bot.core.clock import SystemClock
from bot.core.db import Database, DatabaseUrlError
from bot.core.logging import configure
from bot.core.services import Services
from bot.domain.datetime_input import HELP_EXAMPLES
from bot.staff import staff_actions, staff_views
from bot.staff.staff_actions import StaffError
from bot.staff.staff_views import PatientRow, Timeline
from messages.render import render

ACTOR = "cli"
T = TypeVar("T")
ClinicOption = Annotated[str | None, typer.Option("--clinic", help="Clinic id (default: the only clinic)")]


def pick_clinic(registry: ClinicRegistry, clinic_id: str | None) -> Clinic:
    """``--clinic``, or the only clinic in the configuration."""
    if clinic_id is None:
        if len(registry) == 1:
            only: Clinic = registry[registry.ids[0]]
            return only
        raise CliError(f"several clinics are configured ({', '.join(registry.ids)}); choose one with --clinic", 2)
    found = registry.get(clinic_id)
    if found is None:
        raise CliError(f"unknown clinic {clinic_id!r} (clinics: {', '.join(registry.ids)})", code=2)
    return found


def error_line(error: StaffError, clinic: Clinic) -> str:
    """A ``StaffError`` as the English staff text, without the Telegram HTML."""
    params = {"example": f"{clinic.label_prefix}-0042", "examples": ", ".join(HELP_EXAMPLES["en"][:3]),
              "areas": ", ".join(clinic.protocols), **error.params}
    text = render(f"staff.{error.key}", "en", clinic.texts, **params)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("/book", "aftercare book")


def run_with_services(clinic_id: str | None, work: Callable[[Services, Clinic], Awaitable[T]]) -> T:
    """Load settings and clinics, open the database, run ``work``; errors become ``CliError``."""
    settings = load_settings()
    # stdout carries the answer alone; the audit rows in the database are the record.
    configure(settings.resolved_log_format, "WARNING")
    registry = load_registry(settings=settings)
    clinic = pick_clinic(registry, clinic_id)
    try:
        database = Database(settings.database_url)
    except DatabaseUrlError as exc:
        raise CliError(f"AFTERCARE_DATABASE_URL: {exc}", code=2) from None
    services = Services(settings=settings, clinics=registry, db=database, clock=SystemClock())

    async def main() -> T:
        try:
            return await work(services, clinic)
        except StaffError as error:
            raise CliError(error_line(error, clinic), code=2 if error.bad_input else 1) from None
        except SQLAlchemyError as exc:
            first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise CliError(f"database error ({first}); has `aftercare migrate` been run?") from None
        finally:
            await database.dispose()

    return asyncio.run(main())


def local(moment: datetime | None, clinic: Clinic) -> str:
    return moment.astimezone(clinic.tz).strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


# --- patients ------------------------------------------------------------------------


def patients(clinic: ClinicOption = None,
             as_json: Annotated[bool, typer.Option("--json", help="One JSON document")] = False) -> None:
    """List active and paused patients: status, next session, last check-in, open alerts, flags."""

    async def work(services: Services, chosen: Clinic) -> str:
        async with services.db.session() as session:
            rows = await staff_views.patient_rows(session, chosen.id)
            audit.record(session, "staff_patients_viewed", clinic_id=chosen.id, actor=ACTOR, total=len(rows))
        if as_json:
            return json.dumps({"clinic": chosen.id, "timezone": chosen.timezone,
                               "patients": [row.as_json() for row in rows]}, ensure_ascii=False)
        return patients_table(rows, chosen)

    typer.echo(run_with_services(clinic, work))


def patients_table(rows: list[PatientRow], clinic: Clinic) -> str:
    header = ("LABEL", "STATUS", "AREA", "DONE", "NEXT SESSION", "LAST CHECK-IN", "LEVEL", "ALERTS", "FLAGS")
    lines = [header]
    for row in rows:
        following = f"{local(row.next_session_at, clinic)} S{row.next_session_number}" if row.next_session_at else "-"
        lines.append((row.label, row.status, row.area or "-", f"{row.sessions_done}/{row.sessions_planned}",
                      following, local(row.last_checkin_at, clinic), row.last_checkin_level or "-",
                      str(row.open_alerts), ",".join(row.flags) or "-"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    table = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
    if not rows:
        table.append(f"(no active patients at {clinic.id}; times are {clinic.timezone})")
    return "\n".join(table)


# --- patient LABEL -------------------------------------------------------------------


def patient(
    label: Annotated[str, typer.Argument(help="Clinic label, e.g. R-0042")],
    clinic: ClinicOption = None,
    chart: Annotated[Path | None, typer.Option("--chart", help="Write the soreness/swelling chart (PNG)")] = None,
) -> None:
    """One patient's timeline (sessions, check-ins, answers, alerts), optionally with a chart."""
    if chart is not None and not chart.parent.resolve().is_dir():
        raise CliError(f"--chart: directory {chart.parent} does not exist", code=2)
    found, chosen = run_with_services(clinic, lambda services, chosen: _timeline(services, chosen, label))
    typer.echo(timeline_lines(found, chosen))
    if chart is not None:
        labels = ChartLabels(title=f"{found.label}: soreness and swelling")
        image = render_chart(found.chart_data(labels, "en"))
        try:
            chart.write_bytes(image.png)
        except OSError as exc:
            raise CliError(f"--chart: cannot write {chart} ({exc.strerror})") from None
        typer.echo(f"chart written to {chart} ({image.soreness_points} soreness and {image.swelling_points} "
                   f"swelling points, {image.session_lines} sessions)", err=True)


async def _timeline(services: Services, clinic: Clinic, label_text: str) -> tuple[Timeline, Clinic]:
    label = staff_actions.label_of(label_text)
    async with services.db.session() as session:
        found = await staff_views.timeline(session, clinic.id, label)
        if found is None or found.status == "deleted":
            raise StaffError("unknown_patient", label=label)
        audit.record(session, "staff_patient_viewed", clinic_id=clinic.id, patient_label=found.label, actor=ACTOR)
    return found, clinic


def timeline_lines(found: Timeline, clinic: Clinic) -> str:
    done = sum(1 for s in found.sessions if s.status == "done")
    lines = [f"{found.label}  {found.status}  {found.area or '-'}  {done}/{found.planned_sessions} sessions done"
             f"  (times: {clinic.timezone})"]
    if found.flags:
        lines.append("flags: " + ", ".join(found.flags))
    for entry in found.entries():
        item = entry.item
        if isinstance(item, staff_views.SessionView):
            text = f"session {item.number}  {item.status}"
        elif isinstance(item, staff_views.CheckInView):
            text = f"{item.kind}  " + _answers(item)
        elif isinstance(item, staff_views.MediaView):
            text = f"{item.kind} sent  " + (f"caption={item.caption_level}" if item.caption_level else "no caption")
        else:
            state = "open" if item.open else f"acknowledged {local(item.acknowledged_at, clinic)}"
            text = f"alert  {item.level}  {','.join(item.signs) or '-'}  {state}"
        lines.append(f"{local(entry.at, clinic)}  {text}")
    return "\n".join(lines)


def _answers(item: staff_views.CheckInView) -> str:
    if not item.answered:
        return "no answer"
    parts = [f"soreness={item.soreness}" if item.soreness is not None else "",
             f"swelling={item.swelling}" if item.swelling else "", f"function={item.function}" if item.function else "",
             f"signs={','.join(item.signs)}" if item.signs else "", f"level={item.level or '-'}"]
    return " ".join(part for part in parts if part)


# --- book / done ---------------------------------------------------------------------


def book(
    label: Annotated[str, typer.Argument(help="Clinic label, e.g. R-0042")],
    when: Annotated[list[str], typer.Argument(help="Date and time: ISO (2026-12-03T10:30) or e.g. 'Dec 3 10:30'")],
    clinic: ClinicOption = None,
) -> None:
    """Book the patient's next session (the whole course if none is booked yet)."""

    async def work(services: Services, chosen: Clinic) -> str:
        valid_label = staff_actions.label_of(label)
        at = staff_actions.booking_time_of(" ".join(when), chosen, chosen.default_language, services.clock.now())
        async with services.db.session() as session:
            found = await staff_actions.patient_of(session, chosen, valid_label)
            result = await staff_actions.book(session, services, found, at, ACTOR)
        moved = f"; later sessions moved: {', '.join(map(str, result.moved))}" if result.moved else ""
        return (f"{result.patient_label}: session {result.number} booked for "
                f"{local(result.scheduled_at, chosen)} ({chosen.timezone}){moved}")

    typer.echo(run_with_services(clinic, work))


def done(
    label: Annotated[str, typer.Argument(help="Clinic label, e.g. R-0042")],
    session_number: Annotated[int | None, typer.Option("--session", help="Session number (default: the next)")] = None,
    at: Annotated[str | None, typer.Option("--at", help="When it was given (default: now)")] = None,
    clinic: ClinicOption = None,
) -> None:
    """Record that a session's injection was given (now, or --at); check-ins count from then."""

    async def work(services: Services, chosen: Clinic) -> str:
        valid_label = staff_actions.label_of(label)
        if session_number is not None and session_number < 1:
            raise StaffError("bad_session_number", value=str(session_number))
        now = services.clock.now()
        given = staff_actions.given_time_of(at, chosen, chosen.default_language, now) if at else None
        async with services.db.session() as session:
            found = await staff_actions.patient_of(session, chosen, valid_label)
            result = await staff_actions.done(session, services, found, session_number, given, ACTOR)
        when = local(given or now, chosen)
        return f"{result.patient_label}: session {result.number} given {when} ({chosen.timezone})"

    typer.echo(run_with_services(clinic, work))

