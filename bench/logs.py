"""How fast is ``aftercare logs`` on a big audit trail? Inserts N events, then times the CLI's queries.

    python bench/logs.py                    # 1,000,000 events on SQLite (a temporary file)
    python bench/logs.py --rows 200000      # smaller
    AFTERCARE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/logs.py
                                            # ... and on PostgreSQL (a temporary database)

The rows look like a busy deployment: 90 days, 3 clinics, 3,000 patients,
skewed event names and levels. The insert runs in a worker thread (the main
thread reports progress); SQLite goes through SQLAlchemy's executemany, and
PostgreSQL through COPY. The queries are the exact statements the CLI builds
(``bot.core.audit_log``), run on a synchronous session like the CLI's; each
is run ``--repeat`` times and the median and worst times are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import scratch_postgres
from bot.core.audit_log import AuditFilter, between_ids, highest_id, newest
from bot.core.db import sync_url
from bot.core.migrate import upgrade
from bot.core.models import AuditEvent

EVENTS = [  # (name, weight, level)
    ("message_sent", 45, "info"), ("checkin_answered", 15, "info"), ("update_received", 12, "info"),
    ("message_skipped", 6, "info"), ("session_booked", 4, "info"), ("session_done", 4, "info"),
    ("enrolled", 2, "info"), ("message_retry", 4, "warning"), ("patient_paused", 2, "info"),
    ("alert_raised", 1, "warning"), ("alert_acknowledged", 1, "info"), ("message_failed", 1, "error"),
    ("realert_posted", 1, "warning"), ("patient_deleted", 0.2, "info"), ("staff_note", 1.8, "info"),
]
CLINICS = ["riverside", "northside", "harbour"]
COLUMNS = ["at", "clinic_id", "patient_label", "actor", "event", "level", "correlation_id", "details"]


def generate(rows: int, end: datetime, seed: int = 7) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    names, weights = [e[0] for e in EVENTS], [e[1] for e in EVENTS]
    levels = {name: level for name, _, level in EVENTS}
    span = timedelta(days=90).total_seconds()
    start = end - timedelta(days=90)
    for i in range(rows):
        event = rng.choices(names, weights)[0]
        clinic = rng.choice(CLINICS)
        patient = f"{clinic[0].upper()}-{rng.randrange(1, 1001):04d}"
        yield {
            "at": start + timedelta(seconds=span * i / rows), "clinic_id": clinic, "patient_label": patient,
            "actor": "system" if rng.random() < 0.9 else f"staff:{900000 + rng.randrange(20)}",
            "event": event, "level": levels[event], "correlation_id": uuid.UUID(int=rng.getrandbits(128)).hex[:12],
            "details": {"kind": "reminder", "message_id": i},
        }


def insert_sqlite(engine: Engine, rows: int, end: datetime, progress: list[int]) -> None:
    batch: list[dict[str, Any]] = []
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        for row in generate(rows, end):
            batch.append(row)
            if len(batch) == 20_000:
                connection.execute(table.insert(), batch)
                progress[0] += len(batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)
            progress[0] += len(batch)


def insert_postgres(engine: Engine, rows: int, end: datetime, progress: list[int]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY audit_event ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for n, row in enumerate(generate(rows, end), 1):
                copy.write_row([*(row[c] for c in COLUMNS[:-1]), json.dumps(row["details"])])
                if n % 20_000 == 0:
                    progress[0] = n
        raw.commit()
        progress[0] = rows
    finally:
        raw.close()


def bulk_insert(engine: Engine, rows: int, end: datetime) -> float:
    """Insert in a worker thread; the main thread prints progress every few seconds."""
    progress = [0]
    insert = insert_postgres if engine.dialect.name == "postgresql" else insert_sqlite
    errors: list[BaseException] = []

    def work() -> None:
        try:
            insert(engine, rows, end, progress)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    started = time.perf_counter()
    worker = threading.Thread(target=work, name="bulk-insert")
    worker.start()
    while worker.is_alive():
        worker.join(5.0)
        print(f"  inserted {progress[0]:>9,} / {rows:,}", file=sys.stderr)
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def queries(end: datetime) -> dict[str, Callable[[Session], Any]]:
    def q(flt: AuditFilter, limit: int = 50) -> Callable[[Session], Any]:
        return lambda s: s.exec(newest(flt, limit)).all()

    def follow_poll(s: Session) -> Any:
        top = s.exec(highest_id()).one()
        wanted = AuditFilter(clinic_id="riverside")
        return [r for r in s.exec(between_ids(top - 200, top)).all() if wanted.matches(r)]

    return {
        "newest 50": q(AuditFilter()),
        "--limit 1000": q(AuditFilter(), 1000),
        "--clinic": q(AuditFilter(clinic_id="riverside")),
        "--patient": q(AuditFilter(patient_label="R-0042")),
        "--event (common)": q(AuditFilter(events=("message_sent",))),
        "--event (rare)": q(AuditFilter(events=("patient_deleted",))),
        "--level warning": q(AuditFilter(min_level="warning")),
        "--level error": q(AuditFilter(min_level="error")),
        "--since 2h": q(AuditFilter(since=end - timedelta(hours=2))),
        "--clinic --since 7d --until 6d": q(AuditFilter(clinic_id="harbour", since=end - timedelta(days=7),
                                                        until=end - timedelta(days=6))),
        "--patient --event": q(AuditFilter(patient_label="N-0007", events=("alert_raised",))),
        "--clinic --level error": q(AuditFilter(clinic_id="northside", min_level="error")),
        "--patient --since 30d": q(AuditFilter(patient_label="H-0500", since=end - timedelta(days=30))),
        "--level critical (none exist)": q(AuditFilter(min_level="critical")),
        "--clinic --event rare": q(AuditFilter(clinic_id="harbour", events=("patient_deleted",))),
        "follow poll": follow_poll,
    }


def time_queries(engine: Engine, end: datetime, repeat: int) -> None:
    print(f"  {'query':<32} {'median ms':>10} {'worst ms':>10} {'rows':>6}")
    for name, run in queries(end).items():
        timings, found = [], 0
        for _ in range(repeat):
            with Session(engine) as session:
                started = time.perf_counter()
                found = len(run(session))
                timings.append((time.perf_counter() - started) * 1000)
        print(f"  {name:<32} {statistics.median(timings):>10.1f} {max(timings):>10.1f} {found:>6}")


def time_cli(database_url: str) -> None:
    env = {**os.environ, "AFTERCARE_DATABASE_URL": database_url}
    for args in (["logs"], ["logs", "--patient", "R-0042", "--json"], ["logs", "--level", "error"]):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True,
                                timeout=120, check=False)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"  aftercare {' '.join(args):<34} {elapsed:>8.0f} ms wall (exit {result.returncode}, "
              f"{len(result.stdout.splitlines())} lines)")


def run(database_url: str, rows: int, repeat: int, analyze: bool) -> None:
    upgrade(database_url)
    engine = create_engine(sync_url(database_url))
    end = datetime.now(UTC)
    try:
        print(f"{engine.dialect.name}: inserting {rows:,} events ...", file=sys.stderr)
        took = bulk_insert(engine, rows, end)
        print(f"\n{engine.dialect.name}: {rows:,} events inserted in {took:.1f} s ({rows / took:,.0f}/s)")
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:  # what autovacuum does shortly after a bulk load
                connection.execute(text("ANALYZE audit_event"))
        time_queries(engine, end, repeat)
        if analyze and engine.dialect.name == "sqlite":
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
            print("  after ANALYZE:")
            time_queries(engine, end, repeat)
        time_cli(database_url)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--analyze", action="store_true", help="also time SQLite after ANALYZE")
    parser.add_argument("--postgres-url", default=os.environ.get("AFTERCARE_TEST_POSTGRES_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.rows, args.repeat, args.analyze)
    if args.postgres_url:
        with scratch_postgres(args.postgres_url, prefix="aftercare_bench") as url:
            run(url, args.rows, args.repeat, analyze=False)


if __name__ == "__main__":
    main()
