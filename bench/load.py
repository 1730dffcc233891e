"""Load benchmark: N patients answer their check-ins at once; the aftercare bot against a plain PTB echo bot.

    python bench/load.py                       # 1,000 patients: echo baseline, then the bot on SQLite
    AFTERCARE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test python bench/load.py
                                               # ... and on PostgreSQL (a temporary database), side by side
    python bench/load.py --patients 200 --production-limiter --profile

What is measured. Every patient has a check-in question on screen and, all
at the same moment, answers it the way a person does: soreness "3", swelling
"Mild", no warning signs ("Done"), no note ("Skip"), each press waiting for
the bot's reply before the next. That is 4 updates per patient; the reply to
the first three is the edited question, to the last the outcome message.

- throughput: updates handled per second, from the first press to the last
  reply;
- latency: for each press, from the moment the update is queued at the
  (sandbox) Bot API to the moment the bot's reply arrives there; p50, p99, max.

Set-up. The sandbox (``tgsandbox``) and the simulated patients run in this
process; each bot runs as a child process on the other core: the baseline
``bench/echo_bot.py`` (same Bot API calls per press, no database, no logic)
and the real ``aftercare run`` entry point. For the aftercare bot the
check-in questions are sent by its own dispatcher at start-up (that burst is
timed too); for the echo bot they are placed in the sandbox directly.

Limits. The sandbox's flood limits are OFF (``--limits`` turns them on): this
is a capacity measurement, and with Telegram's 30 messages/s any bot would
measure 30/s. For the same reason the aftercare bot's own pacing (PTB's
``AIORateLimiter``, 29 messages/s overall, which also paces replies) is
lifted in the child by default; ``--production-limiter`` keeps it, to show
what it costs a crowd of patients in latency.

Reading the table: "bot cpu" is the share of one core the bot process used
and "ms cpu/upd" its CPU time per update; when both bots run near 100 % of a
core the ratio is the ratio of CPU per update, i.e. what the application adds
on top of PTB. "harness cpu" shows the sandbox and patients (this process)
were not the bottleneck. The machine's load average is printed: other
processes on a 2-core box lower both bots alike.

Profiling and what-ifs: ``--profile`` runs py-spy on the bot during the
measured phase and prints the hottest frames (raw stacks in
``--profile-dir``). ``BENCH_PATCH=module`` (importable, e.g. via PYTHONPATH)
is imported by the bot child before it starts, so an optimisation can be
measured as a monkeypatch before anyone edits the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOKEN = "123456:BENCH-token-shaped-like-BotFathers-a"  # `aftercare run` checks the shape
FIRST_USER = 900_000_000
STEPS: tuple[tuple[str, str], ...] = (  # (button label, what the reply is)
    ("3", "bot_edit"),
    ("Mild", "bot_edit"),
    ("✅ None of these · Done", "bot_edit"),
    ("Skip", "bot_message"),
)
TARGETS = {"aftercare (sqlite)": 0.6, "aftercare (postgresql)": 0.5}  # of the echo bot's throughput
POSTGRES_ENV = "AFTERCARE_TEST_POSTGRES_URL"  # as bench.support (imported lazily: the child needs none of it)
SELF = str(Path(__file__).resolve())


# ---- child mode: `aftercare run` with the overall rate limit lifted ------------------------------

def child_aftercare(production_limiter: bool) -> None:
    """Run ``aftercare run`` in this process, optionally without PTB's 29 messages/s overall pacing."""
    if not production_limiter:
        from telegram.ext import AIORateLimiter

        import bot.ptb.application

        class Unpaced(AIORateLimiter):
            """PTB's limiter with the overall (bot-wide) pacing off; retries on 429 stay."""

            def __init__(self, **kwargs: Any) -> None:
                super().__init__(**{**kwargs, "overall_max_rate": 0})

        setattr(bot.ptb.application, "AIORateLimiter", Unpaced)  # noqa: B010 - patching the name build_application uses
    experiment = os.environ.get("BENCH_PATCH")
    if experiment:  # a module that monkeypatches the bot: try an optimisation without editing it
        import importlib

        importlib.import_module(experiment)
    from bot.wiring import main

    sys.argv = ["aftercare", "run"]
    main()


# ---- replies: one watcher for all patients ------------------------------------------------------

@dataclass
class Waiter:
    after: int
    kind: str
    message_id: int | None
    future: asyncio.Future[float]


class Replies:
    """Resolves each patient's wait on the sandbox's event log with one scan (not one per patient).

    The sandbox wakes every waiter on every change; with a thousand patients
    each re-scanning the log that is quadratic and would make the harness,
    not the bot, the bottleneck.
    """

    def __init__(self, sandbox: Any) -> None:
        self.state = sandbox.state
        self.cursor = len(self.state.events)
        self.waiting: dict[int, list[Waiter]] = defaultdict(list)
        self._task: asyncio.Task[None] | None = None

    def expect(self, chat_id: int, after: int, kind: str, message_id: int | None) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id].append(Waiter(after, kind, message_id, future))
        self._scan()
        return future

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await self.state.notifier.wait(1.0)
            self._scan()

    def _scan(self) -> None:
        events = self.state.events
        while self.cursor < len(events):
            event = events[self.cursor]
            self.cursor += 1
            waiters = self.waiting.get(event.chat_id) if event.chat_id is not None else None
            if not waiters:
                continue
            for waiter in list(waiters):
                if event.seq > waiter.after and event.kind == waiter.kind and (
                        waiter.message_id is None or event.message_id == waiter.message_id):
                    waiters.remove(waiter)
                    if not waiter.future.done():
                        waiter.future.set_result(event.at)


# ---- one run --------------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    patients: int
    updates: int = 0
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    setup: float = 0.0
    setup_note: str = ""
    harness_cpu: float = 0.0  # share of one core this process (sandbox + patients) used during the run
    bot_cpu: float = 0.0  # share of one core the bot child used during the run
    failures: int = 0
    bot_errors: dict[str, int] = field(default_factory=dict)  # error-level log events of the bot child

    @property
    def throughput(self) -> float:
        return self.updates / self.wall if self.wall else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _patient(user: Any, message_id: int, replies: Replies, result: Result, patience: float) -> None:
    state = user.core.state
    for label, kind in STEPS:
        pressed_at = time.time()
        await user.press(label, message_id)
        future = replies.expect(user.chat_id, state.last_seq, kind, message_id if kind == "bot_edit" else None)
        try:
            replied_at = await asyncio.wait_for(future, patience)
        except TimeoutError:
            result.failures += 1
            return
        result.latencies.append(max(0.0, replied_at - pressed_at))
        result.updates += 1


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a child process so far (Linux /proc), 0 if unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(sandbox: Any, prompts: dict[int, int], result: Result, patience: float,
                bot_pid: int | None = None) -> None:
    """All patients at once; ``prompts`` maps chat id to the check-in message to press on."""
    replies = Replies(sandbox)
    replies.start()
    cpu0, bot0, t0 = time.process_time(), cpu_seconds(bot_pid), time.perf_counter()
    try:
        await asyncio.gather(*(_patient(sandbox.get_user(chat), message_id, replies, result, patience)
                               for chat, message_id in prompts.items()))
    finally:
        result.wall = time.perf_counter() - t0
        if result.wall:
            result.harness_cpu = (time.process_time() - cpu0) / result.wall
            result.bot_cpu = (cpu_seconds(bot_pid) - bot0) / result.wall
        await replies.stop()


async def _wait(check: Any, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {within}s")
        await asyncio.sleep(0.05)


def _new_sandbox(limits: bool) -> Any:
    from tgsandbox import Sandbox

    return Sandbox(limits=limits)


async def run_echo(args: argparse.Namespace) -> Result:
    from bench.echo_bot import BUTTONS, KEYBOARD, QUESTION
    from bench.support import ChildProcess, child_env

    result = Result("echo (PTB baseline)", args.patients)
    sandbox = await _new_sandbox(args.limits).start()
    child = ChildProcess([sys.executable, str(Path(SELF).with_name("echo_bot.py")), "--api", sandbox.url,
                          "--token", TOKEN], child_env(), name="echo-bot")
    try:
        markup = KEYBOARD.to_dict()
        prompts: dict[int, int] = {}
        for index in range(args.patients):
            user = sandbox.user(FIRST_USER + index, f"P{index}")
            message = sandbox.state.add_message(user.chat, sandbox.state.bot, from_bot=True, text=QUESTION,
                                                reply_markup=markup)
            prompts[user.chat_id] = message.message_id
        assert len(BUTTONS) == len(STEPS)
        await child.spawn()
        await _wait(lambda: sandbox.stats()["requests"].get("getUpdates", 0) > 0, 60, "echo bot polling")
        await drive(sandbox, prompts, result, args.timeout, child.pid)
    finally:
        await child.terminate(within=10)
        await sandbox.stop()
    return result


async def _seed(url: str, patients: int) -> None:
    """Patients with an injection 20 h ago and a check-in due now (bulk INSERTs, explicit ids)."""
    from sqlalchemy import insert

    from bot.core.db import Database
    from bot.core.migrate import upgrade
    from bot.core.models import Course, MessageKind, MessageStatus, Patient, ScheduledMessage, TreatmentSession

    upgrade(url)
    now = datetime.now(UTC)
    done = now - timedelta(hours=20)
    ids = range(1, patients + 1)
    tables: list[tuple[Any, list[dict[str, Any]]]] = [
        (Patient, [{"id": i, "clinic_id": "riverside", "label": f"L-{i:05d}", "telegram_user_id": FIRST_USER + i - 1,
                    "chat_id": FIRST_USER + i - 1, "first_name": "P", "language": "en",
                    "timezone": "America/New_York", "status": "active", "flags": [], "created_at": now}
                   for i in ids]),
        (Course, [{"id": i, "patient_id": i, "clinic_id": "riverside", "area": "knee", "planned_sessions": 3,
                   "status": "active", "created_at": now} for i in ids]),
        (TreatmentSession, [{"id": i, "course_id": i, "number": 1, "scheduled_at": done, "status": "done",
                             "done_at": done} for i in ids]),
        (ScheduledMessage, [{"patient_id": i, "clinic_id": "riverside", "session_id": i,
                             "kind": MessageKind.CHECKIN, "dedupe_key": f"bench:{i}", "due_at": now,
                             "status": MessageStatus.PENDING, "attempts": 0, "payload": {}, "created_at": now}
                            for i in ids]),
    ]
    db = Database(url)
    try:
        async with db.session() as session:
            connection = await session.connection()
            for model, rows in tables:
                for start in range(0, len(rows), 2000):
                    await connection.execute(insert(model.__table__), rows[start:start + 2000])
            if connection.dialect.name == "postgresql":
                for table in ("patient", "course", "session"):
                    await connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    finally:
        await db.dispose()


def _clinic_yaml(path: Path) -> Path:
    from bench.support import write_clinic_config

    return write_clinic_config(path, quiet_hours={"start": "00:00", "end": "00:00"})


async def run_aftercare(args: argparse.Namespace, backend: str, workdir: Path) -> Result:
    from bench.support import ChildProcess, bot_env, database

    label = "aftercare" + (" +29/s limiter" if args.production_limiter else "")
    result = Result(f"{label} ({backend})", args.patients)
    with database(backend, workdir) as url:
        await _seed(url, args.patients)
        sandbox = await _new_sandbox(args.limits).start()
        env = bot_env(token=TOKEN, database_url=url, api_url=sandbox.url,
                      clinic_config=_clinic_yaml(workdir / "clinic.yaml"))
        argv = [sys.executable, SELF, "--child-aftercare"]
        if args.production_limiter:
            argv.append("--production-limiter")
        child = ChildProcess(argv, env, name="aftercare-run", cwd=workdir, log_file=workdir / f"bot-{backend}.log")
        profiler: asyncio.subprocess.Process | None = None
        try:
            users = [sandbox.user(FIRST_USER + index, f"P{index}") for index in range(args.patients)]
            started = time.perf_counter()
            await child.spawn()

            def questions() -> dict[int, int]:
                found = {}
                for user in users:
                    for message in user.messages():
                        if "How sore" in message.text:
                            found[user.chat_id] = message.message_id
                            break
                return found

            await _wait(lambda: len(questions()) == args.patients, 300, "every check-in sent by the dispatcher")
            result.setup = time.perf_counter() - started
            result.setup_note = "start-up + dispatching every check-in"
            if args.profile:
                profiler = await _start_profiler(child.pid, Path(args.profile_dir) / f"profile-{backend}.txt")
            await drive(sandbox, questions(), result, args.timeout, child.pid)
        finally:
            if profiler is not None:
                with suppress(ProcessLookupError):
                    profiler.send_signal(2)
                with suppress(TimeoutError):
                    await asyncio.wait_for(profiler.wait(), 30)
                if profiler.returncode is None:
                    profiler.kill()
            errors: dict[str, int] = defaultdict(int)
            for entry in child.events:
                if entry.get("level") in ("error", "critical"):
                    kind = entry.get("error_type") or str(entry.get("exception", "")).strip().splitlines()[-1:] or ""
                    errors[f"{entry.get('event')}:{kind}"[:120]] += 1
            result.bot_errors = dict(errors)
            await child.terminate(within=15)
            await sandbox.stop()
    return result


async def _start_profiler(pid: int | None, out: Path) -> asyncio.subprocess.Process | None:
    """py-spy on the bot child (``pip install py-spy``), collapsed stacks into ``out``."""
    import shutil

    spy = shutil.which("py-spy")
    if spy is None or pid is None:
        print("  (--profile: py-spy not installed; pip install py-spy)")
        return None
    print(f"  profiling pid {pid} with py-spy -> {out}")
    return await asyncio.create_subprocess_exec(spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
                                                "--output", str(out), "--nonblocking",
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


# ---- report ---------------------------------------------------------------------------------------

def report(results: list[Result], args: argparse.Namespace) -> int:
    print()
    print(f"{args.patients} patients x {len(STEPS)} presses, all at once; sandbox flood limits "
          f"{'ON' if args.limits else 'OFF'}; aftercare overall pacing "
          f"{'29/s (production)' if args.production_limiter else 'lifted'}; {os.cpu_count()} CPUs")
    header = (f"{'bot':<34} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'ratio':>6}"
              f" {'failed':>6} {'bot cpu':>8} {'ms cpu/upd':>10} {'harness cpu':>11}  set-up")
    print(header)
    print("-" * len(header))
    baseline = results[0].throughput if results else 0.0
    verdict = 0
    for result in results:
        ratio = result.throughput / baseline if baseline else float("nan")
        setup = f"{result.setup:.1f} s ({result.setup_note})" if result.setup else "-"
        per_update = result.bot_cpu * result.wall / result.updates * 1000 if result.updates else float("nan")
        print(f"{result.name:<34} {result.throughput:>10.1f} {result.pct(0.5) * 1000:>8.1f} "
              f"{result.pct(0.99) * 1000:>8.1f} {max(result.latencies, default=0) * 1000:>8.1f} {ratio:>6.2f} "
              f"{result.failures:>6} {result.bot_cpu:>8.0%} {per_update:>10.2f} {result.harness_cpu:>11.0%}  {setup}")
        if result is not results[0] and (ratio < TARGETS.get(result.name, 0.5) or result.failures):
            verdict = 1
    for result in results:
        if result.bot_errors:
            print(f"  {result.name}: bot error log lines {result.bot_errors}")
    print(f"  load average during the runs: {os.getloadavg()} (other processes compete for the 2 cores)")
    print()
    for result in results[1:]:
        ratio = result.throughput / baseline if baseline else float("nan")
        target = TARGETS.get(result.name, 0.5)
        status = "OK" if ratio >= target and not result.failures else "BELOW TARGET"
        print(f"{result.name}: {ratio:.2f} x the echo baseline (target >= {target:.2f}): {status}")
    return verdict


async def amain(args: argparse.Namespace) -> int:
    backends = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_ENV) else [])
    if args.db:
        backends = [b for b in args.db.split(",") if b]
    results = [await run_echo(args)]
    print(f"  echo: {results[0].throughput:.0f} updates/s", flush=True)
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-") as tmp:
        for backend in backends:
            workdir = Path(tmp) / backend
            workdir.mkdir()
            result = await run_aftercare(args, backend, workdir)
            results.append(result)
            print(f"  {result.name}: {result.throughput:.0f} updates/s", flush=True)
            if args.profile:
                _summarise_profile(Path(args.profile_dir) / f"profile-{backend}.txt")
    return report(results, args)


def _summarise_profile(path: Path, top: int = 25) -> None:
    """The functions with the most samples (inclusive), from py-spy's raw collapsed stacks."""
    if not path.exists():
        return
    inclusive: dict[str, int] = defaultdict(int)
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        for frame in set(stack.split(";")):
            inclusive[frame] += samples
    print(f"  profile ({total} samples), inclusive share:")
    for frame, samples in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {samples / total:6.1%}  {frame[:150]}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--patients", type=int, default=1000, help="simulated patients (default 1000)")
    parser.add_argument("--db", default="", help="comma-separated backends (default: sqlite, and postgresql "
                        f"when {POSTGRES_ENV} is set)")
    parser.add_argument("--limits", action="store_true", help="turn the sandbox's flood limits on")
    parser.add_argument("--production-limiter", action="store_true",
                        help="keep the bot's 29 messages/s overall pacing (the production setting)")
    parser.add_argument("--profile", action="store_true", help="py-spy the aftercare bot during the run")
    parser.add_argument("--profile-dir", default=".", help="where --profile writes profile-<db>.txt")
    parser.add_argument("--timeout", type=float, default=120.0, help="longest wait for one reply (s)")
    parser.add_argument("--child-aftercare", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_aftercare:
        child_aftercare(args.production_limiter)
        return 0
    return asyncio.run(amain(args))


if __name__ == "__main__":
    sys.exit(main())
