"""What does checking "signed out?" on every console request cost? Prints figures; asserts nothing.

    python bench/console_session.py                    # SQLite (a temporary file)
    python bench/console_session.py --logins 200000    # more sign-ins on record
    AFTERCARE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/console_session.py
                                                       # ... and PostgreSQL (a temporary database)

Two measurements per backend, on the real bot against the local sandbox:

1. the lookup itself (``bot.staff.console_login.session_ended``, one
   primary-key SELECT in a session of its own) over ``--logins`` stored
   sign-ins, ``--repeat`` times at random ids;
2. a whole console page (``GET /console/patients`` over loopback HTTP,
   signed in), with the check and with it switched off, interleaved, so the
   difference is what every request pays.
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
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.inprocess import ConsoleBrowser, InProcessBot, running_bot
from bench.support import POSTGRES_ENV, scratch_postgres
from bot.core.models import ConsoleLogin
from bot.staff import console_login
from bot.web import console


async def _timed(action: Callable[[], Awaitable[Any]], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms"


async def _store_logins(harness: InProcessBot, count: int) -> None:
    now = datetime.now(UTC)
    async with harness.db.session() as session:
        for n in range(count):
            session.add(ConsoleLogin(token_hash=f"{n:064x}", staff_user_id=900001, clinic_id="riverside",
                                     expires_at=now + timedelta(minutes=10), used_at=now,
                                     signed_out_at=now if n % 2 else None))
            if n % 5000 == 4999:
                await session.flush()


async def _lookups(harness: InProcessBot, logins: int, repeat: int) -> list[float]:
    rng = random.Random(7)

    async def one() -> None:
        async with harness.db.session() as session:
            await console_login.session_ended(session, rng.randrange(1, logins + 1))

    return await _timed(one, repeat)


async def _pages(harness: InProcessBot, repeat: int) -> tuple[list[float], list[float]]:
    checked: list[float] = []
    unchecked: list[float] = []
    real = console._not_signed_out

    async def skip(_services: Any, staff: Any) -> Any:
        return staff, ""

    async with ConsoleBrowser(harness) as browser:
        for _ in range(repeat):
            for switch, bucket in ((real, checked), (skip, unchecked)):
                console._not_signed_out = switch  # type: ignore[assignment]
                bucket.extend(await _timed(lambda: browser.get("/console/patients"), 1))
    console._not_signed_out = real
    return checked, unchecked


async def run(backend: str, url: str, logins: int, repeat: int) -> None:
    async with running_bot(url) as harness:
        await _store_logins(harness, logins)
        lookups = await _lookups(harness, logins, repeat)
        checked, unchecked = await _pages(harness, max(50, repeat // 10))
    extra = statistics.median(checked) - statistics.median(unchecked)
    print(f"{backend}: {logins:,} sign-ins on record")
    print(f"  session_ended lookup:            {_summary(lookups)} ({len(lookups)} lookups)")
    print(f"  GET /console/patients, checked:  {_summary(checked)}")
    print(f"  GET /console/patients, no check: {_summary(unchecked)}")
    print(f"  the check adds about {extra:.2f} ms to the median page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logins", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.logins, args.repeat))
    if os.environ.get(POSTGRES_ENV):
        with scratch_postgres(os.environ[POSTGRES_ENV], prefix="aftercare_bench") as url:
            asyncio.run(run("PostgreSQL", url, args.logins, args.repeat))


if __name__ == "__main__":
    main()
