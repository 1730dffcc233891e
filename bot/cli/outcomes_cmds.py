"""``aftercare outcomes`` and ``aftercare export --csv DIR``: the console's outcomes page and export, for admins.

``outcomes`` prints the same figures as the console page (``bot.outcomes``),
for every clinic of the file or one (``--clinic``), optionally one area and a
period of whole days on each clinic's calendar; ``--json`` prints one
document. ``export`` writes the five CSV files of one clinic into a new or
empty directory (never over an earlier export). Both are audited with actor
``cli``; bad input is one line on stderr and exit 2.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import CliError, load_registry, load_settings
from bot.cli.outcomes_text import outcome_lines
from bot.cli.staff_cmds import pick_clinic
from bot.core import audit
from bot.core.clinic_config import Clinic
from bot.core.db import Database, DatabaseUrlError, is_sqlite, sync_url
from bot.core.logging import configure
from bot.domain.periods import PeriodError, period
from bot.outcomes.export import counts, read_export, write_directory
from bot.outcomes.export_tables import Table
from bot.outcomes.figures import ClinicOutcomes, outcomes

ACTOR = "cli"
ClinicOption = Annotated[str | None, typer.Option("--clinic", metavar="ID", help="Clinic id (default: every clinic)")]
AreaOption = Annotated[str | None, typer.Option("--area", metavar="AREA", help="One treated area, e.g. knee")]
SinceOption = Annotated[str | None, typer.Option("--since", metavar="DATE",
                                                 help="First day (YYYY-MM-DD, clinic calendar)")]
UntilOption = Annotated[str | None, typer.Option("--until", metavar="DATE", help="Last day, included")]


def _database(url: str) -> Database:
    """The configured database; a missing SQLite file is an error here, not a new empty database."""
    try:
        target = sync_url(url)
    except DatabaseUrlError as exc:
        raise CliError(f"AFTERCARE_DATABASE_URL: {exc}", code=2) from None
    if is_sqlite(url) and target.database and target.database != ":memory:" and not Path(target.database).exists():
        raise CliError(f"no database at {target.database} (set AFTERCARE_DATABASE_URL)", code=2)
    return Database(url)


def _database_error(exc: SQLAlchemyError) -> CliError:
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return CliError(f"database error ({first}); has `aftercare migrate` been run?")


def _clinics(clinic_id: str | None, area: str | None) -> list[Clinic]:
    registry = load_registry(settings=load_settings())
    chosen = [pick_clinic(registry, clinic_id)] if clinic_id is not None else list(registry)
    if area is not None and not any(area in clinic.protocols for clinic in chosen):
        known = sorted({name for clinic in chosen for name in clinic.protocols})
        raise CliError(f"--area: unknown area {area!r} (areas: {', '.join(known)})", code=2)
    return [clinic for clinic in chosen if area is None or area in clinic.protocols]


def outcomes_command(clinic: ClinicOption = None, area: AreaOption = None, since: SinceOption = None,
                     until: UntilOption = None,
                     as_json: Annotated[bool, typer.Option("--json", help="One JSON document")] = False) -> None:
    """Outcomes across patients: soreness after injection, follow-ups, answer rates, alerts."""
    settings = load_settings()
    configure(settings.resolved_log_format, "WARNING")  # stdout carries the figures alone
    chosen = _clinics(clinic, area)
    try:
        periods = {c.id: period(since, until, c.tz) for c in chosen}
    except PeriodError as exc:
        if exc.problem == "reversed":
            raise CliError(f"--until {until} is before --since {since}", code=2) from None
        raise CliError(f"--{exc.field}: {exc.value!r} is not a date (YYYY-MM-DD)", code=2) from None
    database = _database(settings.database_url)

    async def work() -> list[ClinicOutcomes]:
        try:
            found = []
            for item in chosen:
                async with database.report() as session:
                    found.append(await outcomes(session, item, area, periods[item.id]))
                async with database.session() as session:
                    audit.record(session, "outcomes_viewed", clinic_id=item.id, actor=ACTOR, area=area,
                                 since=since, until=until)
            return found
        except SQLAlchemyError as exc:
            raise _database_error(exc) from None
        finally:
            await database.dispose()

    found = asyncio.run(work())
    if as_json:
        typer.echo(json.dumps({"clinics": [item.as_json() for item in found]}, ensure_ascii=False))
    else:
        typer.echo("\n\n".join(outcome_lines(item, c) for item, c in zip(found, chosen, strict=True)))


def _target(directory: Path) -> bool:
    """Check ``directory`` can take the export; create it if missing. True when it was created here."""
    if directory.exists():
        if not directory.is_dir():
            raise CliError(f"--csv: {directory} is not a directory", code=2)
        if any(directory.iterdir()):
            raise CliError(f"--csv: {directory} is not empty; choose a new or empty directory "
                           "(an export never overwrites files)", code=2)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise CliError(f"--csv: cannot write to {directory} (permission denied)", code=2)
        return False
    try:
        directory.mkdir()
    except FileNotFoundError:
        raise CliError(f"--csv: directory {directory.parent} does not exist", code=2) from None
    except OSError as exc:
        raise CliError(f"--csv: cannot create {directory} ({exc.strerror})", code=2) from None
    return True


def export_command(
    csv_dir: Annotated[Path, typer.Option("--csv", metavar="DIR", help="Write the CSV files into DIR (new or empty)")],
    clinic: Annotated[str | None, typer.Option("--clinic", metavar="ID",
                                               help="Clinic id (default: the only clinic)")] = None,
) -> None:
    """Export one clinic's patients, sessions, check-ins, follow-ups and alerts as CSV (pseudonymous)."""
    settings = load_settings()
    configure(settings.resolved_log_format, "WARNING")
    chosen = pick_clinic(load_registry(settings=settings), clinic)
    database = _database(settings.database_url)
    created = _target(csv_dir)
    try:
        tables = _read_and_audit(database, chosen)
        written = write_directory(tables, csv_dir)
    except OSError as exc:
        raise CliError(f"--csv: cannot write to {csv_dir} ({exc.strerror})", code=2) from None
    except BaseException:
        if created and not any(csv_dir.iterdir()):
            csv_dir.rmdir()
        raise
    rows = ", ".join(f"{path.name} ({len(table.rows)} rows)" for path, table in zip(written, tables, strict=True))
    typer.echo(f"{chosen.id}: wrote {rows} to {csv_dir}; times are UTC")


def _read_and_audit(database: Database, clinic: Clinic) -> list[Table]:
    """The clinic's tables, and the audit event written before any file is: no export goes unrecorded."""
    async def work() -> list[Table]:
        try:
            tables = await asyncio.to_thread(read_export, database.url, clinic)
            async with database.session() as session:
                audit.record(session, "outcomes_exported", clinic_id=clinic.id, actor=ACTOR, format="csv",
                             rows=counts(tables))
            return tables
        except SQLAlchemyError as exc:
            raise _database_error(exc) from None
        finally:
            await database.dispose()

    return asyncio.run(work())

