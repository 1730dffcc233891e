"""How fast is the console's outcomes page on a big clinic? Seeds 10,000 patients, then times the page.

    python bench/outcomes.py                      # SQLite (a temporary file)
    AFTERCARE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/outcomes.py
                                                  # ... and PostgreSQL (a temporary database)
    python bench/outcomes.py --patients 2000 --checkins 40000 --repeat 3

The clinic is the shipped example (three areas). The cohort is the demo's
(``bot.demo.cohort``: every course planned by the real planner, answers,
misses, alerts) with first sessions spread over 300 days, topped up with
free-text reports to exactly ``--checkins`` check-in rows, and written with
multi-row INSERTs (``bot.demo.cohort_store``); PostgreSQL is then ANALYZEd,
as autovacuum would soon do. What is timed, each ``--repeat`` times (median
and worst printed):

- ``page``: ``GET /console/outcomes`` over HTTP, through the real console
  (session cookie, middleware, SQL figures, template, audit row);
- ``page and its 6 charts``: the page, then its chart images at once, as a
  browser loads them (they reuse the page's figures, then matplotlib);
- ``page, one area, 90 days``: the same with the filters set;
- ``chart``: one area's soreness PNG on its own (SQL again, then matplotlib);
- ``export``: the CSV export's read of all five tables plus the ZIP.

The page's target is under 1 s on each backend. On this project's shared
2-core machine the load average is printed at the end: wall times stretch
with it, so the CPU time of this process is printed as well (on SQLite it
includes the database's work; on PostgreSQL the server's work is elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import POSTGRES_ENV, scratch_postgres
from bot.core.clinic_config import EXAMPLE_CONFIG, Clinic, load_clinics
from bot.core.clock import ShiftedClock
from bot.core.db import Database
from bot.core.migrate import upgrade
from bot.core.services import Services
from bot.core.settings import Settings
from bot.demo.cohort import Cohort, Ids, Span, generate
from bot.demo.cohort_store import insert_cohort
from bot.outcomes.export import read_export, zip_archive
from bot.web import console
from bot.web.console.sessions import COOKIE, SessionCodec, open_session, secret_key
from bot.web.server import WebContext, build_web_app

END = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def cohort(clinic: Clinic, patients: int, checkins: int) -> Cohort:
    """The demo's cohort for ``patients``, with free-text reports added up to ``checkins`` rows."""
    rows = generate(clinic, patients, END, ids=Ids(), span=Span(oldest=timedelta(days=300)))
    missing = checkins - len(rows.checkins)
    if missing < 0:
        rows.checkins = rows.checkins[:checkins]
        kept = {row["id"] for row in rows.checkins}
        rows.alerts = [alert for alert in rows.alerts if alert["check_in_id"] in kept]
    next_id = max(row["id"] for row in rows.checkins) + 1
    for index in range(max(missing, 0)):
        at = END - timedelta(minutes=7 * index + 1)
        rows.checkins.append({
            "id": next_id + index, "patient_id": 1 + index % patients, "session_id": None,
            "scheduled_message_id": None, "kind": "free_text", "status": "answered", "step": "done",
            "soreness": None, "swelling": None, "function": None, "signs": [], "note": None, "level": "ok",
            "matched": [], "created_at": at, "answered_at": at})
    return rows


async def timed(label: str, repeat: int, work: Callable[[], Awaitable[Any]]) -> None:
    """Wall time (median, worst) and this process's CPU time (median): on SQLite the database work runs in
    this process, so CPU time is the work itself, which a loaded machine stretches less than wall time."""
    seconds, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        await work()
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"  {label:<30} median {statistics.median(seconds) * 1000:6.0f} ms  worst {max(seconds) * 1000:6.0f} ms"
          f"  (cpu here {statistics.median(cpu) * 1000:6.0f} ms)", flush=True)


async def measure(url: str, clinic: Clinic, rows: Cohort, repeat: int) -> None:
    upgrade(url)
    db = Database(url)
    start = time.perf_counter()
    await insert_cohort(db, rows)
    if not db.is_sqlite:
        async with db.engine.connect() as connection:
            await (await connection.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql("ANALYZE")
    print(f"  seeded in {time.perf_counter() - start:.1f} s", flush=True)
    settings = Settings(_env_file=None, database_url=url, secret_key="bench-outcomes")
    services = Services(settings=settings, clinics=load_clinics(EXAMPLE_CONFIG), db=db, clock=ShiftedClock(END))
    app = build_web_app(WebContext(services, application=None), [console.setup])  # type: ignore[arg-type]
    staff = open_session(clinic.staff.user_ids[0], clinic.id, 0, "en", "Bench", END)
    cookie = {COOKIE: SessionCodec(secret_key(settings)).dump(staff)}
    async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession(cookies=cookie) as http:
        async def get(path: str, kind: str = "text/html") -> None:
            async with http.get(server.make_url(path)) as response:
                body = await response.read()
                assert response.status == 200 and response.content_type == kind, (path, response.status)
                assert len(body) > 1000

        since = (END - timedelta(days=90)).astimezone(clinic.tz).date().isoformat()
        async def with_charts() -> None:
            async with http.get(server.make_url("/console/outcomes")) as response:
                page = await response.text()
            charts = re.findall(r'<img class="chart" src="([^"]+)"', page)
            assert len(charts) == 6
            await asyncio.gather(*(get(html.unescape(src), "image/png") for src in charts))

        await timed("page", repeat, lambda: get("/console/outcomes"))
        await timed("page and its 6 charts", repeat, with_charts)
        await timed("page, one area, 90 days", repeat, lambda: get(f"/console/outcomes?area=knee&since={since}"))
        days = iter(range(1, 10_000))  # a new period each time: nothing cached from the page

        async def alone() -> None:
            since = (END - timedelta(days=400 + next(days))).date().isoformat()
            await get(f"/console/outcomes/knee/soreness.png?since={since}", "image/png")

        await timed("one chart on its own", repeat, alone)
    await timed("export (read 5 tables + ZIP)", max(1, repeat // 2),
                lambda: asyncio.to_thread(lambda: zip_archive(read_export(url, clinic))))
    await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clinic = next(iter(load_clinics(EXAMPLE_CONFIG)))
    start = time.perf_counter()
    rows = cohort(clinic, args.patients, args.checkins)
    print(f"cohort: {len(rows.patients):,} patients, {len(rows.sessions):,} sessions, {len(rows.checkins):,} "
          f"check-ins, {len(rows.messages):,} messages, {len(rows.alerts):,} alerts "
          f"(generated in {time.perf_counter() - start:.1f} s)", flush=True)
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-") as tmp:
        print("SQLite", flush=True)
        asyncio.run(measure(f"sqlite:///{Path(tmp) / 'outcomes.db'}", clinic, rows, args.repeat))
    server = os.environ.get(POSTGRES_ENV)
    if server:
        with scratch_postgres(server, prefix="aftercare_bench") as url:
            print("PostgreSQL", flush=True)
            asyncio.run(measure(url, clinic, rows, args.repeat))
    else:
        print(f"(set {POSTGRES_ENV} to measure PostgreSQL too)")
    print("load average (1, 5, 15 min): " + ", ".join(f"{value:.1f}" for value in os.getloadavg()))


if __name__ == "__main__":
    main()
