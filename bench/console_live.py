"""What does the live Today page cost, and how soon does an alert reach it? Prints figures; asserts nothing.

    python bench/console_live.py                  # SQLite (a temporary file), 50 open pages
    python bench/console_live.py --streams 150    # more open pages
    AFTERCARE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/console_live.py
                                                  # ... and PostgreSQL (a temporary database)

On the real bot against the local sandbox, with ``--history`` alerts on
record over two clinics, all acknowledged but ``--open``:

1. the poll's query on its own (``live_feed.marks``, the grouped read every
   open page shares), ``--repeat`` times;
2. ``--streams`` open Today streams (over loopback HTTP, signed in) for
   ``--seconds``: how many polls ran (one per interval whatever the number of
   pages) and the process's CPU time against the same span with no stream;
3. the latency from an alert row committed (as the bot writes it) to the
   event arriving on every open stream, ``--alerts`` times, a random moment
   within the poll interval each time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.inprocess import ConsoleBrowser, EventReader, InProcessBot, add_patient, clinics, running_bot, server_app
from bench.support import POSTGRES_ENV, scratch_postgres
from bot.core.models import Alert
from bot.web.console import live_feed
from bot.web.console.views_events import FEED
from bot.web.runtime import HttpServer


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"


def _server(harness: InProcessBot) -> HttpServer:
    return next(c for c in harness.runtime.components if isinstance(c, HttpServer))


def _feed(harness: InProcessBot) -> live_feed.AlertFeed:
    console_app = next(app for app in server_app(harness)._subapps if FEED in app)
    feed: live_feed.AlertFeed = console_app[FEED]
    return feed


async def _history(harness: InProcessBot, count: int, still_open: int) -> int:
    """``count`` past alerts over Riverside and Hillside, all taken but the newest ``still_open``."""
    ours = await add_patient(harness.db, label="R-0001", user_id=6001)
    theirs = await add_patient(harness.db, clinic_id="hillside", label="H-0001", user_id=6002)
    now = datetime.now(UTC)
    async with harness.db.session() as session:
        for n in range(count):
            patient = ours if n % 2 else theirs
            at = now - timedelta(minutes=n)
            session.add(Alert(clinic_id=patient.clinic_id, patient_id=patient.id or 0, level="urgent",
                              signs=["fever"], created_at=at, acknowledged_by=None if n < still_open else 900001,
                              acknowledged_at=None if n < still_open else at + timedelta(minutes=3)))
            if n % 5000 == 4999:
                await session.flush()
    return ours.id or 0


async def _query(harness: InProcessBot, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        async with harness.db.report() as session:
            await live_feed.marks(session, ["riverside"])
        times.append((time.perf_counter() - start) * 1000)
    return times


async def _idle_cpu(seconds: float) -> float:
    start = time.process_time()
    await asyncio.sleep(seconds)
    return time.process_time() - start


async def _latencies(harness: InProcessBot, streams: list[EventReader], patient_id: int,
                     alerts: int) -> tuple[list[float], list[float]]:
    """Per alert: from its commit to the last of the streams receiving it, and from the poll that saw it (ms)."""
    rng = random.Random(3)
    found: list[float] = []
    fan_out: list[float] = []
    for _ in range(alerts):
        await asyncio.sleep(rng.uniform(0.0, _feed(harness).policy.interval))
        async with harness.db.session() as session:
            session.add(Alert(clinic_id="riverside", patient_id=patient_id, level="emergency", signs=["breathing"],
                              created_at=datetime.now(UTC)))
        committed = time.perf_counter()
        await asyncio.gather(*(stream.wait_for("alerts", within=10) for stream in streams))
        arrived = time.perf_counter()
        found.append((arrived - committed) * 1000)
        fan_out.append((arrived - _feed(harness).news_at) * 1000)
    return found, fan_out


async def run(backend: str, url: str, args: argparse.Namespace) -> None:
    async with running_bot(url, registry=clinics(second=True)) as harness:
        _server(harness).ctx.live.per_login = args.streams
        _server(harness).ctx.live.max_streams = args.streams
        patient_id = await _history(harness, args.history, args.open)
        query = await _query(harness, args.repeat)
        quiet_cpu = await _idle_cpu(args.seconds)
        async with ConsoleBrowser(harness) as browser, AsyncExitStack() as stack:
            streams = [await stack.enter_async_context(EventReader(browser)) for _ in range(args.streams)]
            for stream in streams:  # the snapshot each page gets when it opens
                await stream.wait_for("alerts")
            feed = _feed(harness)
            polls_before = feed.polls
            busy_cpu = await _idle_cpu(args.seconds)
            polls = feed.polls - polls_before
            latencies, fan_out = await _latencies(harness, streams, patient_id, args.alerts)
    print(f"{backend}: {args.history:,} alerts on record ({args.open} open), {args.streams} open Today streams, "
          f"poll every {feed.policy.interval:g} s")
    print(f"  the shared poll query:      {_summary(query)} ({len(query)} runs)")
    print(f"  polls in {args.seconds:g} s:           {polls} (one query each, for all {args.streams} streams)")
    print(f"  process CPU, {args.seconds:g} s:       {busy_cpu * 1000:.0f} ms with the streams open, "
          f"{quiet_cpu * 1000:.0f} ms with none ({(busy_cpu - quiet_cpu) / args.seconds * 100:.1f} % of a core)")
    print(f"  alert row -> event on all {args.streams}: {_summary(latencies)} ({len(latencies)} alerts)")
    print(f"  of which poll -> all {args.streams}:   {_summary(fan_out)} (render, send, and this bench's own reading)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--history", type=int, default=20_000)
    parser.add_argument("--open", type=int, default=6, help="alerts still open when the bench starts")
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--alerts", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args))
    if os.environ.get(POSTGRES_ENV):
        with scratch_postgres(os.environ[POSTGRES_ENV], prefix="aftercare_bench") as url:
            asyncio.run(run("PostgreSQL", url, args))


if __name__ == "__main__":
    main()
