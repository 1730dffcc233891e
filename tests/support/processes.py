"""Real child processes for reliability tests and benchmarks: ``aftercare run`` and the standalone sandbox.

Why real processes: ``kill -9`` cannot be simulated in-process (a cancelled
task still runs its ``finally`` blocks and commits; a killed process does
not), and a benchmark wants the bot on its own core, as in production.

Every wait here is bounded, every child is started in its own session and
killed by its pid (never by name) when the owning context manager exits, and
all traffic stays on 127.0.0.1. The bot's JSON log lines are kept in memory
(``events``) so tests can wait for ``bot_started`` or ``dispatch_drained``
instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0  # a cold interpreter importing PTB, SQLAlchemy and matplotlib on a busy 2-core box
STOP_TIMEOUT = 15.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child_env(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parent's environment without any ``AFTERCARE_*`` variable, plus ``overrides``.

    A developer's own token or database must never leak into a test child.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    env.update(overrides or {})
    return env


def bot_env(*, token: str, database_url: str, api_url: str, clinic_config: Path,
            http_port: int = 0, **extra: str) -> dict[str, str]:
    """Environment for ``aftercare run`` against a local sandbox (JSON logs, loopback HTTP)."""
    return child_env({
        "AFTERCARE_BOT_TOKEN": token,
        "AFTERCARE_DATABASE_URL": database_url,
        "AFTERCARE_TELEGRAM_API_URL": api_url,
        "AFTERCARE_CLINIC_CONFIG": str(clinic_config),
        "AFTERCARE_HTTP_HOST": "127.0.0.1",
        "AFTERCARE_HTTP_PORT": str(http_port),
        "AFTERCARE_LOG_FORMAT": "json",
        **{f"AFTERCARE_{k.upper()}": v for k, v in extra.items()},
    })


def write_clinic_config(path: Path, data: Mapping[str, Any]) -> Path:
    """Write clinic data (e.g. ``tests.support.clinic.clinic_data()``) as the YAML ``run`` reads."""
    path.write_text(yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


class ChildFailed(AssertionError):
    """A child exited or never became ready; the message carries its last output lines."""


class ChildProcess:
    """One child with merged stdout/stderr read line by line (JSON lines parsed into ``events``).

    ``start`` may be called again after ``kill9``/``terminate`` (a restart):
    the command and environment are reused, the output history is kept, and
    ``generation`` tells the lines of each run apart.
    """

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], *, name: str,
                 cwd: Path | None = None, log_file: Path | None = None) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.name = name
        self.cwd = cwd
        self.log_file = log_file
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[tuple[int, str]] = []  # (generation, raw line)
        self.events: list[dict[str, Any]] = []  # JSON lines, each with "_gen"
        self.generation = 0
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    # ---- lifecycle -----------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def spawn(self) -> None:
        if self.running:
            raise RuntimeError(f"{self.name} is already running (pid {self.pid})")
        self.generation += 1
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, env=self.env, cwd=str(self.cwd) if self.cwd else None,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the test runner does not hit the child twice
            limit=4 * 1024 * 1024,
        )
        self._reader = asyncio.create_task(self._read(self.process, self.generation))

    async def _read(self, process: asyncio.subprocess.Process, generation: int) -> None:
        assert process.stdout is not None
        sink = self.log_file.open("a", encoding="utf-8") if self.log_file else None
        try:
            while True:
                raw = await process.stdout.readline()
                if not raw:
                    break
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.lines.append((generation, line))
                if sink is not None:
                    sink.write(f"[{self.name}#{generation}] {line}\n")
                if line.startswith("{"):
                    with contextlib.suppress(ValueError):
                        entry = json.loads(line)
                        if isinstance(entry, dict):
                            entry["_gen"] = generation
                            self.events.append(entry)
                self._changed.set()
        finally:
            if sink is not None:
                sink.close()
            self._changed.set()

    async def kill9(self) -> int | None:
        """SIGKILL by pid, like the OOM killer or a power cut: no cleanup runs in the child."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
        code = await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        await self._drain_reader()
        return code

    async def terminate(self, within: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM (a graceful stop), then SIGKILL if it does not exit within ``within`` seconds."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), within)
            except TimeoutError:
                return await self.kill9()
        await self._drain_reader()
        return process.returncode

    async def _drain_reader(self) -> None:
        if self._reader is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._reader, 5.0)
            self._reader = None

    # ---- output ------------------------------------------------------------------------
    def tail(self, count: int = 30) -> str:
        return "\n".join(line for _gen, line in self.lines[-count:])

    def named(self, event: str, *, generation: int | None = None) -> list[dict[str, Any]]:
        """JSON log entries with ``event == event`` (of one run, if ``generation`` is given)."""
        return [e for e in self.events
                if e.get("event") == event and (generation is None or e.get("_gen") == generation)]

    async def wait_for(self, check: Callable[[], Any], within: float, what: str) -> Any:
        """Re-check after every output line until ``check()`` is truthy; fail if the child dies."""
        deadline = time.monotonic() + within
        while True:
            value = check()
            if value:
                return value
            if not self.running:
                raise ChildFailed(f"{self.name} exited ({self.process.returncode if self.process else None}) "
                                  f"while waiting for {what}; last output:\n{self.tail()}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChildFailed(f"{self.name}: no {what} within {within}s; last output:\n{self.tail()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))

    async def wait_for_event(self, event: str, within: float = 10.0, *, generation: int | None = None,
                             predicate: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
        gen = self.generation if generation is None else generation

        def found() -> dict[str, Any] | None:
            for entry in self.named(event, generation=gen):
                if predicate is None or predicate(entry):
                    return entry
            return None

        result: dict[str, Any] = await self.wait_for(found, within, f"log event {event!r}")
        return result


class BotProcess(ChildProcess):
    """``python -m bot run`` (the ``aftercare run`` entry point) as a child process."""

    def __init__(self, env: Mapping[str, str], *, cwd: Path | None = None, log_file: Path | None = None,
                 argv: Sequence[str] | None = None) -> None:
        super().__init__(argv or [sys.executable, "-m", "bot", "run"], env, name="aftercare-run",
                         cwd=cwd, log_file=log_file)

    async def start(self, within: float = START_TIMEOUT) -> dict[str, Any]:
        """Spawn and wait for the ``bot_started`` log line (polling is live, the dispatcher armed)."""
        await self.spawn()
        return await self.wait_for_event("bot_started", within)

    async def restart(self, within: float = START_TIMEOUT) -> dict[str, Any]:
        if self.running:
            await self.terminate()
        return await self.start(within)


class SandboxProcess(ChildProcess):
    """``python -m tgsandbox --port 0`` as a child; ``url`` is read from its first line."""

    def __init__(self, *args: str, log_file: Path | None = None) -> None:
        super().__init__([sys.executable, "-m", "tgsandbox", "--port", "0", *args], child_env(),
                         name="sandbox", cwd=REPO_ROOT, log_file=log_file)
        self.url = ""

    async def start(self, within: float = START_TIMEOUT) -> str:
        await self.spawn()
        prefix = "sandbox listening on "

        def listening() -> str | None:
            for gen, line in self.lines:
                if gen == self.generation and line.startswith(prefix):
                    return line[len(prefix):].strip()
            return None

        self.url = await self.wait_for(listening, within, "'sandbox listening' line")
        return self.url


@asynccontextmanager
async def running_bot_process(env: Mapping[str, str], *, cwd: Path | None = None, log_file: Path | None = None,
                              start: bool = True) -> AsyncIterator[BotProcess]:
    """A started ``aftercare run`` child that is always killed (by pid) when the block exits."""
    child = BotProcess(env, cwd=cwd, log_file=log_file)
    try:
        if start:
            await child.start()
        yield child
    finally:
        await child.terminate(within=5.0)


@asynccontextmanager
async def running_sandbox_process(*args: str, log_file: Path | None = None) -> AsyncIterator[SandboxProcess]:
    """A standalone sandbox child (``--no-limits`` etc. in ``args``), stopped when the block exits."""
    child = SandboxProcess(*args, log_file=log_file)
    try:
        await child.start()
        yield child
    finally:
        await child.terminate(within=5.0)
