"""``aftercare logs``: the audit trail, filtered, as a table or JSON lines, optionally followed.

It reads the database directly (synchronous SQLAlchemy, no bot needed), so an
operator can look at what happened while the bot is down. Times are UTC.
``--follow`` polls by row id rather than by time: ids are cheap to compare and
an event stamped slightly in the past is still picked up. On PostgreSQL ids
can commit out of order, so each poll looks back ``LOOKBACK`` ids and skips
what it already printed.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from bot.cli.common import CliError, load_settings
from bot.core.audit_log import (
    AuditFilter,
    between_ids,
    highest_id,
    newest,
    normalise_level,
    parse_moment,
    recorded_clinics,
    recorded_events,
)
from bot.core.clinic_config import ConfigError, load_clinics
from bot.core.db import DatabaseUrlError, sync_url
from bot.core.models import AuditEvent
from bot.core.settings import Settings

LOOKBACK = 200
def _details(details: dict[str, Any]) -> str:
    parts = []
    for key, value in details.items():
        shown = value if isinstance(value, str) and value and " " not in value else json.dumps(value, default=str)
        parts.append(f"{key}={shown}")
    return " ".join(parts)


def as_table_row(row: AuditEvent) -> str:
    at = row.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    line = (f"{at}  {row.level:<7} {row.clinic_id or '-':<10} {row.patient_label or '-':<8} "
            f"{row.actor:<14} {row.event:<24} {_details(row.details)}")
    return f"{line.rstrip()}  [{row.correlation_id}]" if row.correlation_id else line.rstrip()


def as_json_line(row: AuditEvent) -> str:
    return json.dumps({
        "id": row.id, "at": row.at.astimezone(UTC).isoformat().replace("+00:00", "Z"), "level": row.level,
        "clinic_id": row.clinic_id, "patient_label": row.patient_label, "actor": row.actor, "event": row.event,
        "correlation_id": row.correlation_id, "details": row.details,
    }, default=str, ensure_ascii=False)


HEADER = f"{'TIME (UTC)':<20}  {'LEVEL':<7} {'CLINIC':<10} {'PATIENT':<8} {'ACTOR':<14} {'EVENT':<24} DETAILS"


def _engine(database_url: str) -> Engine:
    """A read engine; a missing SQLite file is an error here, not a new empty database."""
    try:
        url = sync_url(database_url)
    except DatabaseUrlError as exc:
        raise CliError(f"AFTERCARE_DATABASE_URL: {exc}", code=2) from None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.exists():
            raise CliError(f"no database at {path} (set AFTERCARE_DATABASE_URL)", code=2)
    return create_engine(make_url(url), hide_parameters=True)


@contextmanager
def _reading() -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        first = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc).strip() else type(exc).__name__
        if "audit_event" in first and ("no such table" in first or "does not exist" in first):
            raise CliError("the database has no audit trail yet (run `aftercare migrate`)") from None
        raise CliError(f"cannot read the audit trail: {first}") from None


@dataclass
class Follower:
    """Remembers which ids were printed; ``poll`` returns matching events that arrived since."""

    flt: AuditFilter
    floor: int  # ids up to here existed before following started
    cursor: int = 0
    printed: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.cursor = self.floor

    def poll(self, session: Session) -> list[AuditEvent]:
        top = session.exec(highest_id()).one() or 0
        above = max(self.floor, self.cursor - LOOKBACK)
        rows = [r for r in session.exec(between_ids(above, top)).all()
                if r.id not in self.printed and self.flt.matches(r)]
        self.printed.update(r.id for r in rows if r.id is not None)
        self.cursor = max(self.cursor, top)
        self.printed = {i for i in self.printed if i > self.cursor - LOOKBACK}
        return rows


def _emit(rows: Sequence[AuditEvent], json_output: bool) -> None:
    for row in rows:
        typer.echo(as_json_line(row) if json_output else as_table_row(row))
    sys.stdout.flush()


def _follow(engine: Engine, follower: Follower, json_output: bool, interval: float, max_polls: int | None) -> None:
    polls = 0
    try:
        while max_polls is None or polls < max_polls:
            time.sleep(interval)
            polls += 1
            with Session(engine) as session, _reading():
                _emit(follower.poll(session), json_output)
    except KeyboardInterrupt:
        return  # Ctrl-C is how --follow ends


def _configured_clinics(settings: Settings) -> set[str]:
    """The clinic ids of the clinic file, or none when it cannot be read (the trail alone then decides)."""
    try:
        return set(load_clinics(settings.clinic_config_path).ids)
    except (ConfigError, OSError):
        return set()


def _refuse_unknown(session: Session, flt: AuditFilter, settings: Settings) -> None:
    """A misspelt --clinic or --event would print an empty table and exit 0; refuse it, naming what exists.

    Known clinics are the clinic file's and those in the trail; known events are those the trail
    holds (an event that never happened cannot match anything yet).
    """
    if flt.clinic_id is not None:
        clinics = _configured_clinics(settings) | {c for c in session.exec(recorded_clinics()).all() if c}
        if flt.clinic_id not in clinics:
            raise CliError(f"--clinic {flt.clinic_id}: unknown clinic; known: {', '.join(sorted(clinics)) or 'none'}",
                           code=2)
    if flt.events:
        events = set(session.exec(recorded_events()).all())
        unknown = [e for e in flt.events if e not in events]
        if unknown:
            raise CliError(f"--event {', '.join(unknown)}: no such event in the audit trail; known: "
                           f"{', '.join(sorted(events)) or 'none'}", code=2)


def _filter(clinic: str | None, patient: str | None, events: list[str] | None, level: str | None,
            since: str | None, until: str | None) -> AuditFilter:
    now = datetime.now(UTC)
    try:
        min_level = normalise_level(level) if level is not None else None
    except ValueError as exc:
        raise CliError(f"--level: {exc}", code=2) from None
    try:
        start = parse_moment("--since", since, now) if since is not None else None
        end = parse_moment("--until", until, now) if until is not None else None
    except ValueError as exc:
        raise CliError(str(exc), code=2) from None
    return AuditFilter(clinic_id=clinic, patient_label=patient, events=tuple(events or ()), min_level=min_level,
                       since=start, until=end)


ClinicOption = Annotated[str | None, typer.Option("--clinic", metavar="ID", help="Clinic id")]
PatientOption = Annotated[str | None, typer.Option("--patient", metavar="LABEL", help="Patient label (R-0042)")]
EventOption = Annotated[list[str] | None, typer.Option("--event", metavar="NAME", help="Event name (repeatable)")]
LevelOption = Annotated[str | None, typer.Option("--level", metavar="LEVEL",
                                                 help="Minimum level: debug, info, warning, error")]
SinceOption = Annotated[str | None, typer.Option("--since", metavar="WHEN",
                                                 help="ISO time (UTC) or duration ago: 30m, 2h, 7d")]
UntilOption = Annotated[str | None, typer.Option("--until", metavar="WHEN", help="Like --since; exclusive")]
LimitOption = Annotated[int, typer.Option("--limit", metavar="N", min=1, max=100_000, help="How many of the newest")]


def logs(
    clinic: ClinicOption = None,
    patient: PatientOption = None,
    event: EventOption = None,
    level: LevelOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = 50,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new events until Ctrl-C")] = False,
    poll_interval: Annotated[float, typer.Option("--poll-interval", hidden=True, min=0.01)] = 1.0,
    max_polls: Annotated[int | None, typer.Option("--max-polls", hidden=True, min=1)] = None,
) -> None:
    """Show the audit trail (newest last), filtered; --follow keeps printing new events."""
    flt = _filter(clinic, patient, event, level, since, until)
    if follow and flt.until is not None:
        raise CliError("--follow and --until cannot be combined", code=2)
    settings = load_settings()
    engine = _engine(settings.database_url)
    try:
        with Session(engine) as session, _reading():
            _refuse_unknown(session, flt, settings)
            floor = session.exec(highest_id()).one() or 0
            rows = list(reversed(session.exec(newest(flt, limit)).all()))
        if not json_output:
            typer.echo(HEADER)
        _emit(rows, json_output)
        if follow:
            follower = Follower(flt, floor, printed={r.id for r in rows if r.id is not None and r.id > floor})
            _follow(engine, follower, json_output, poll_interval, max_polls)
    finally:
        engine.dispose()

