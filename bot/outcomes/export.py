"""The CSV export: read the five tables in one snapshot, write them as files or as one ZIP.

Reading and writing are synchronous and meant for a worker thread
(``asyncio.to_thread`` in the console): 200,000 check-ins are seconds of
row handling that must not stall the bot's event loop, where an urgent
report may be waiting. The read uses its own short-lived engine and one
transaction: REPEATABLE READ on PostgreSQL, an explicit read transaction on
SQLite (WAL), so the files agree with each other even while the bot writes.

Cells are plain UTF-8 text (no byte-order mark), one header row, CRLF line
ends (RFC 4180). Text cells lose bidirectional control characters (which can
make a cell display differently from what it holds) and get a leading ``'``
when they start like a spreadsheet formula (``=``, ``+``, ``-``, ``@``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import make_url

from bot.core.clinic_config import Clinic
from bot.core.db import sync_url
from bot.outcomes.export_tables import Cell, Table, export_tables

FILES = ("patients.csv", "sessions.csv", "checkins.csv", "followups.csv", "alerts.csv")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_export(database_url: str, clinic: Clinic) -> list[Table]:
    """The clinic's five tables from one consistent snapshot of the database."""
    engine = create_engine(make_url(sync_url(database_url)), hide_parameters=True)
    try:
        with engine.connect() as connection:
            _snapshot(connection)
            try:
                return export_tables(connection, clinic)
            finally:
                connection.rollback()
    finally:
        engine.dispose()


def _snapshot(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
    else:
        connection.exec_driver_sql("BEGIN")  # sqlite3 would otherwise read each SELECT at its own moment


def cell(value: Cell) -> str | int:
    """What the CSV holds for one value: text neutralised, numbers as they are, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    text = _BIDI.sub("", value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def write_table(table: Table, stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows([cell(value) for value in row] for row in table.rows)


def write_directory(tables: Sequence[Table], directory: Path) -> list[Path]:
    """Write every table into ``directory`` (which exists); all files or none (``OSError``)."""
    partial = [directory / f".{table.name}.partial" for table in tables]
    try:
        for table, path in zip(tables, partial, strict=True):
            with path.open("w", encoding="utf-8", newline="") as stream:
                write_table(table, stream)
        final = [directory / table.name for table in tables]
        for path, target in zip(partial, final, strict=True):
            path.replace(target)
        return final
    finally:
        for path in partial:
            path.unlink(missing_ok=True)


def zip_archive(tables: Sequence[Table]) -> bytes:
    """The tables as one ZIP (deflated), for a browser download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            text = io.StringIO(newline="")
            write_table(table, text)
            archive.writestr(table.name, text.getvalue().encode("utf-8"))
    return buffer.getvalue()


def counts(tables: Sequence[Table]) -> dict[str, int]:
    """Rows per file, for the audit event: ``{"patients": 12, ...}``."""
    return {table.name.removesuffix(".csv"): len(table.rows) for table in tables}
