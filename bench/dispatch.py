"""How the dispatcher holds up: bursts, a million pending rows, kill -9. Prints figures; not a test.

    python bench/dispatch.py                          # everything, full size (takes ~15 min)
    python bench/dispatch.py --patients 1000 --pending 100000 --steady-seconds 20   # quick look
    python bench/dispatch.py --scenario burst         # one of: burst, million, kill
    AFTERCARE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/dispatch.py --postgres

Everything is real except Telegram: the sandbox runs as its own process
(``python -m tgsandbox``) with Telegram's limits on (30 messages/s per bot,
burst 3 then 1/s per chat, 429 with ``retry_after`` beyond), and the bot is
``python -m bot run`` in another. Rows are written straight into a fresh
database (SQLite file, or a temporary PostgreSQL database):

- burst: ``--patients`` reminders, one per patient, all due at the same
  moment; a 2 s 429 storm is injected a third of the way in. Figures: the
  sustained rate at the sandbox, lost (patients without their message),
  duplicates, 429s returned, and that all rows ended ``sent``.
- million: ``--pending`` rows due over the next 30 days plus a steady
  ``--rate`` messages a second for ``--steady-seconds``. Figures: start-up
  (process spawn to the ``bot_started`` log line), RSS (now and peak), and the
  lateness of the steady messages (sandbox arrival minus ``due_at``).
- kill: the burst again, SIGKILL when a third has arrived, then a restart.
  Figures: rows ``sending`` at the kill (in flight), lost, duplicates
  (at most the in-flight number: reminders are at-least-once). On SQLite the
  restarted process requeues them at once; on PostgreSQL (where a second
  replica may own them) after the 90 s lease.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, create_engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.clinic_config import EXAMPLE_CONFIG
from bot.core.db import sync_url
from bot.core.migrate import upgrade
from bot.core.models import Course, Patient, ScheduledMessage, TreatmentSession
from tgsandbox import SandboxClient

TOKEN = "123456:BENCH-token-shaped-like-BotFathers-a"  # `aftercare run` checks the shape
FIRST_USER = 1_000_000
MESSAGES = ScheduledMessage.__table__  # type: ignore[attr-defined]


# ---- processes ----------------------------------------------------------------------------------
class Child:
    """A subprocess whose stdout lines are kept (JSON log lines parsed when possible)."""

    def __init__(self, process: asyncio.subprocess.Process, started: float) -> None:
        self.process, self.started_at = process, started
        self.lines: list[Any] = []
        self.ready_at: float | None = None
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            try:
                entry: Any = json.loads(raw)
            except ValueError:
                entry = raw.decode(errors="replace").strip()
            self.lines.append(entry)
            if isinstance(entry, dict) and entry.get("event") == "bot_started" and self.ready_at is None:
                self.ready_at = time.monotonic()

    async def wait_for(self, predicate: Any, within: float) -> Any:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = next((line for line in self.lines if predicate(line)), None)
            if found is not None:
                return found
            if self.process.returncode is not None:
                raise RuntimeError(f"child exited ({self.process.returncode}): {self.lines[-5:]}")
            await asyncio.sleep(0.02)
        raise TimeoutError(f"child not ready within {within}s: {self.lines[-5:]}")

    def memory_kb(self) -> dict[str, int]:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return {key: int(line.split()[1]) for line in status.splitlines()
                for key in ("VmRSS", "VmHWM") if line.startswith(key + ":")}

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.returncode is None:
            self.process.send_signal(sig)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await asyncio.wait_for(self._reader, 5)


async def spawn(*args: str, env: dict[str, str] | None = None) -> Child:
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    return Child(process, started)


async def start_sandbox() -> tuple[Child, str]:
    child = await spawn("-m", "tgsandbox", "--port", "0")
    line = await child.wait_for(lambda line: isinstance(line, str) and line.startswith("sandbox listening on "), 15)
    return child, line.removeprefix("sandbox listening on ").strip()


async def start_bot(env: dict[str, str]) -> tuple[Child, float]:
    """``python -m bot run``; returns it with the seconds from spawn to ``bot_started``."""
    child = await spawn("-m", "bot", "run", env=env)
    await child.wait_for(lambda line: isinstance(line, dict) and line.get("event") == "bot_started", 60)
    assert child.ready_at is not None
    return child, child.ready_at - child.started_at


def bot_env(database_url: str, sandbox_url: str, config: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")}
    return {**base, "AFTERCARE_BOT_TOKEN": TOKEN, "AFTERCARE_DATABASE_URL": database_url,
            "AFTERCARE_TELEGRAM_API_URL": sandbox_url, "AFTERCARE_CLINIC_CONFIG": str(config),
            "AFTERCARE_LOG_FORMAT": "json", "AFTERCARE_HTTP_HOST": "127.0.0.1", "AFTERCARE_HTTP_PORT": "0"}


# ---- databases and data -------------------------------------------------------------------------
@contextmanager
def fresh_database(workdir: Path, postgres: bool, name: str) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{workdir / (name + '.db')}"
        return
    server = os.environ["AFTERCARE_TEST_POSTGRES_URL"]
    database = f"aftercare_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(sync_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + database
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def write_config(workdir: Path) -> Path:
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["clinics"][0]["quiet_hours"] = {"start": "00:00", "end": "00:00"}  # measure dispatch, not quiet hours
    path = workdir / "clinic.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def seed_reminders(engine: Engine, due: list[datetime], first: int = 0) -> None:
    """One patient, course, session (an hour after its reminder) and reminder per due time."""
    now = datetime.now(UTC)
    for start in range(0, len(due), 5000):
        chunk = range(first + start, first + min(start + 5000, len(due)))
        patients = [{"id": i + 1, "clinic_id": "riverside", "label": f"R-{i + 1:06d}", "telegram_user_id":
                     FIRST_USER + i, "chat_id": FIRST_USER + i, "language": "en", "timezone": "UTC",
                     "status": "active", "flags": [], "created_at": now} for i in chunk]
        courses = [{"id": i + 1, "patient_id": i + 1, "clinic_id": "riverside", "area": "knee",
                    "planned_sessions": 1, "status": "active", "created_at": now} for i in chunk]
        sessions = [{"id": i + 1, "course_id": i + 1, "number": 1, "status": "planned",
                     "scheduled_at": due[i - first] + timedelta(hours=1)} for i in chunk]
        rows = [{"patient_id": i + 1, "clinic_id": "riverside", "session_id": i + 1, "kind": "reminder",
                 "dedupe_key": f"c{i + 1}:s1:reminder:PT1H", "due_at": due[i - first], "status": "pending",
                 "attempts": 0, "created_at": now,
                 "payload": {"offset": "PT1H", "session_at": (due[i - first] + timedelta(hours=1)).isoformat()}}
                for i in chunk]
        with engine.begin() as connection:
            for model, values in ((Patient, patients), (Course, courses), (TreatmentSession, sessions)):
                table: Any = getattr(model, "__table__")  # noqa: B009 - SQLModel hides it from typing
                connection.execute(insert(table), values)
            connection.execute(insert(MESSAGES), rows)


def seed_background(engine: Engine, count: int) -> None:
    """``count`` pending rows due over the next 30 days (never due during the run)."""
    now = datetime.now(UTC)
    for start in range(0, count, 50_000):
        rows: list[dict[str, Any]] = [
            {"patient_id": None, "clinic_id": "riverside", "kind": "reminder", "dedupe_key": f"bg:{i}",
             "due_at": now + timedelta(days=1, seconds=(i * 2591) % (29 * 86400)), "status": "pending",
             "attempts": 0, "payload": {}, "created_at": now}
            for i in range(start, min(start + 50_000, count))
        ]
        with engine.begin() as connection:
            connection.execute(insert(MESSAGES), rows)


def statuses(engine: Engine) -> Counter[str]:
    with engine.connect() as connection:
        rows = connection.execute(select(MESSAGES.c.status, func.count()).where(
            MESSAGES.c.dedupe_key.like("c%")).group_by(MESSAGES.c.status)).all()
    return Counter({str(status): int(count) for status, count in rows})


async def make_users(client: SandboxClient, count: int, first: int = 0) -> None:
    gate = asyncio.Semaphore(32)

    async def one(index: int) -> None:
        async with gate:
            await client.create_user(FIRST_USER + index, f"P{index}")

    await asyncio.gather(*(one(i) for i in range(first, first + count)))


async def arrivals(client: SandboxClient, first: int, count: int) -> list[dict[str, Any]]:
    """Messages the sandbox received for the patients ``first .. first + count - 1``."""
    low, high = FIRST_USER + first, FIRST_USER + first + count
    return [e for e in await client.events(kinds=["bot_message"]) if low <= (e.get("chat_id") or 0) < high]


async def wait_all_sent(engine: Engine, total: int, stall: float = 60.0) -> Counter[str]:
    """Until every seeded row is final, or nothing moved for ``stall`` seconds."""
    last, moved_at = -1, time.monotonic()
    while True:
        counts = statuses(engine)
        final = counts["sent"] + counts["failed"] + counts["skipped"] + counts["cancelled"]
        if final >= total:
            return counts
        if final != last:
            last, moved_at = final, time.monotonic()
        elif time.monotonic() - moved_at > stall:
            return counts
        await asyncio.sleep(1.0)


# ---- scenarios -----------------------------------------------------------------------------------
def delivery_figures(events: list[dict[str, Any]], expected: int) -> dict[str, Any]:
    per_chat = Counter(int(e["chat_id"]) for e in events)
    times = sorted(float(e["at"]) for e in events)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return {"delivered": len(per_chat), "lost": expected - len(per_chat),
            "duplicates": sum(n - 1 for n in per_chat.values() if n > 1),
            "rate_per_s": round((len(times) - 1) / span, 2) if span else None}


async def burst(args: argparse.Namespace, sandbox: SandboxClient, sandbox_url: str, config: Path) -> dict[str, Any]:
    with fresh_database(args.workdir, args.postgres, "burst") as url:
        upgrade(url)
        engine = create_engine(sync_url(url))
        await make_users(sandbox, args.patients)
        seed_reminders(engine, [datetime.now(UTC)] * args.patients)
        before = await sandbox.stats()
        bot, startup = await start_bot(bot_env(url, sandbox_url, config))
        await _storm_after(sandbox, args.patients // 3, duration=2.0)
        counts = await wait_all_sent(engine, args.patients)
        await asyncio.sleep(2.0)
        after = await sandbox.stats()
        await bot.stop()
        figures = delivery_figures(await arrivals(sandbox, 0, args.patients), args.patients)
        engine.dispose()
    return {"scenario": "burst", "patients": args.patients, "startup_s": round(startup, 2), **figures,
            "http_429": after["too_many_requests"] - before["too_many_requests"], "rows": dict(counts)}


async def _storm_after(sandbox: SandboxClient, sent: int, duration: float) -> None:
    """A 429 storm once ``sent`` messages have arrived: every send is refused for ``duration`` s."""
    await _arrived(sandbox, (await sandbox.stats())["messages_sent"], sent)
    await sandbox.storm(duration)


async def _arrived(sandbox: SandboxClient, start: int, count: int, within: float = 3600) -> None:
    """Until ``count`` more messages than ``start`` have reached the sandbox."""
    deadline = time.monotonic() + within
    while True:
        if (await sandbox.stats())["messages_sent"] - start >= count:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"fewer than {count} messages within {within}s")
        await asyncio.sleep(0.05)


async def kill(args: argparse.Namespace, sandbox: SandboxClient, sandbox_url: str, config: Path) -> dict[str, Any]:
    first = args.patients  # other chats than the burst's
    with fresh_database(args.workdir, args.postgres, "kill") as url:
        upgrade(url)
        engine = create_engine(sync_url(url))
        await make_users(sandbox, args.patients, first)
        seed_reminders(engine, [datetime.now(UTC)] * args.patients, first)
        start = (await sandbox.stats())["messages_sent"]
        env = bot_env(url, sandbox_url, config)
        bot, _ = await start_bot(env)
        await _arrived(sandbox, start, args.patients // 3)
        await bot.stop(signal.SIGKILL)
        in_flight = statuses(engine)["sending"]
        bot, _ = await start_bot(env)
        # PostgreSQL may have other replicas: a dead one's claims wait out the lease (90 s).
        counts = await wait_all_sent(engine, args.patients, stall=180.0 if args.postgres else 60.0)
        await asyncio.sleep(2.0)
        await bot.stop()
        events = await arrivals(sandbox, first, args.patients)
        engine.dispose()
    figures = delivery_figures(events, args.patients)
    return {"scenario": "kill", "patients": args.patients, "in_flight_at_kill": in_flight, **figures,
            "rows": dict(counts)}


async def million(args: argparse.Namespace, sandbox: SandboxClient, sandbox_url: str,
                  config: Path) -> dict[str, Any]:
    steady = int(args.rate * args.steady_seconds)
    first = 2 * args.patients
    with fresh_database(args.workdir, args.postgres, "million") as url:
        upgrade(url)
        engine = create_engine(sync_url(url))
        seeding = time.monotonic()
        seed_background(engine, args.pending)
        await make_users(sandbox, steady, first)
        begin = datetime.now(UTC) + timedelta(seconds=15)
        seed_reminders(engine, [begin + timedelta(seconds=i / args.rate) for i in range(steady)], first)
        seeded = time.monotonic() - seeding
        bot, startup = await start_bot(bot_env(url, sandbox_url, config))
        idle_memory = bot.memory_kb()
        await wait_all_sent(engine, steady)
        await asyncio.sleep(1.0)
        memory = bot.memory_kb()
        await bot.stop()
        events = await arrivals(sandbox, first, steady)
        engine.dispose()
    due = {FIRST_USER + first + i: begin + timedelta(seconds=i / args.rate) for i in range(steady)}
    lateness = sorted(float(e["at"]) - due[int(e["chat_id"])].timestamp() for e in events)
    return {"scenario": "million", "pending_rows": args.pending, "seed_s": round(seeded, 1),
            "startup_s": round(startup, 2), "rss_mb_ready": round(idle_memory["VmRSS"] / 1024, 1),
            "rss_mb_end": round(memory["VmRSS"] / 1024, 1), "rss_mb_peak": round(memory["VmHWM"] / 1024, 1),
            "steady_messages": steady, **delivery_figures(events, steady),
            "lateness_p50_s": round(statistics.median(lateness), 3) if lateness else None,
            "lateness_p99_s": round(lateness[int(0.99 * (len(lateness) - 1))], 3) if lateness else None,
            "lateness_max_s": round(lateness[-1], 3) if lateness else None}


SCENARIOS = {"burst": burst, "million": million, "kill": kill}


async def main(args: argparse.Namespace) -> None:
    config = write_config(args.workdir)
    sandbox_process, sandbox_url = await start_sandbox()
    try:
        async with SandboxClient(sandbox_url, timeout=120) as sandbox:
            for name in (SCENARIOS if args.scenario == "all" else [args.scenario]):
                started = time.monotonic()
                result = await SCENARIOS[name](args, sandbox, sandbox_url, config)
                result["wall_s"] = round(time.monotonic() - started, 1)
                print(json.dumps(result), flush=True)
    finally:
        await sandbox_process.stop()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenario", choices=["all", *SCENARIOS], default="all")
    parser.add_argument("--patients", type=int, default=10_000, help="burst and kill size")
    parser.add_argument("--pending", type=int, default=1_000_000, help="background rows for 'million'")
    parser.add_argument("--rate", type=float, default=20.0, help="steady messages per second")
    parser.add_argument("--steady-seconds", type=float, default=30.0)
    parser.add_argument("--postgres", action="store_true", help="use AFTERCARE_TEST_POSTGRES_URL")
    parser.add_argument("--workdir", type=Path, default=None, help="where SQLite files go (default: a temp dir)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-") as scratch:
        arguments.workdir = arguments.workdir or Path(scratch)
        asyncio.run(main(arguments))
