"""What the benchmarks need to run the bot: child processes, environments, a clinic file, a scratch database.

The benchmarks are tools, not tests: they must run from a checkout without the
test suite's helpers (``tests.support``), which change with the tests. This
module carries the few pieces they share, kept small: a child process whose
JSON log lines are collected, the ``aftercare run`` environment against a
local sandbox, the example clinic with its quiet hours overridable, and a
throw-away PostgreSQL database. The console benchmarks, which time code
inside the bot's process, start it in-process with ``bench/inprocess.py``.

Every child is started in its own session and stopped by its pid (never by
name); all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import signal
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.core.clinic_config import EXAMPLE_CONFIG

REPO_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ENV = "AFTERCARE_TEST_POSTGRES_URL"
BENCH_STAFF = {"chat_id": -100900, "user_ids": [900001, 900002]}


def child_env(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parent's environment without any ``AFTERCARE_*`` variable (a developer's own
    token or database must never reach a benchmark child), plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    env.update(overrides or {})
    return env


def bot_env(*, token: str, database_url: str, api_url: str, clinic_config: Path) -> dict[str, str]:
    """Environment for ``aftercare run`` against a local sandbox (JSON logs, loopback HTTP on a free port)."""
    return child_env({
        "AFTERCARE_BOT_TOKEN": token,
        "AFTERCARE_DATABASE_URL": database_url,
        "AFTERCARE_TELEGRAM_API_URL": api_url,
        "AFTERCARE_CLINIC_CONFIG": str(clinic_config),
        "AFTERCARE_HTTP_HOST": "127.0.0.1",
        "AFTERCARE_HTTP_PORT": "0",
        "AFTERCARE_LOG_FORMAT": "json",
    })


def write_clinic_config(path: Path, **overrides: Any) -> Path:
    """The shipped example clinic with bench staff ids and top-level fields replaced, as YAML."""
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    clinic = data["clinics"][0]
    clinic["staff"] = copy.deepcopy(BENCH_STAFF)
    for key, value in overrides.items():
        clinic[key] = copy.deepcopy(value)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@contextmanager
def scratch_postgres(server_url: str, prefix: str = "aftercare_bench") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server at ``server_url``; dropped afterwards."""
    server = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """A plain SQLAlchemy URL of an empty database: a file in ``workdir``, or a scratch PostgreSQL one."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'aftercare.db'}"
        return
    with scratch_postgres(os.environ[POSTGRES_ENV]) as url:
        yield url


class ChildProcess:
    """One child with merged stdout/stderr; its JSON log lines are kept in ``events``."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], *, name: str,
                 cwd: Path | None = None, log_file: Path | None = None) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.name = name
        self.cwd = cwd
        self.log_file = log_file
        self.process: asyncio.subprocess.Process | None = None
        self.events: list[dict[str, Any]] = []
        self._reader: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    async def spawn(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, env=self.env, cwd=str(self.cwd) if self.cwd else None,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True, limit=4 * 1024 * 1024,
        )
        self._reader = asyncio.create_task(self._read(self.process))

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        sink = self.log_file.open("a", encoding="utf-8") if self.log_file else None
        try:
            while raw := await process.stdout.readline():
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if sink is not None:
                    sink.write(f"[{self.name}] {line}\n")
                if line.startswith("{"):
                    with contextlib.suppress(ValueError):
                        entry = json.loads(line)
                        if isinstance(entry, dict):
                            self.events.append(entry)
        finally:
            if sink is not None:
                sink.close()

    async def terminate(self, within: float = 15.0) -> int | None:
        """SIGTERM by pid, then SIGKILL if it has not exited within ``within`` seconds."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), within)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
                await asyncio.wait_for(process.wait(), within)
        if self._reader is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._reader, 5.0)
        return process.returncode
