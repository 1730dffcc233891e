"""The Docker deployment files, checked without Docker (it cannot run here).

The compose file must parse and wire the services as documented; every
``AFTERCARE_*`` variable it or ``.env.example`` passes must be a real setting
(a typo would be silently ignored by pydantic-settings); the commands the
image runs must exist in the CLI; and the health-check one-liners must
really tell a healthy server from an unhealthy one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from bot.core.settings import Settings
from bot.wiring import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _dockerfile_stages() -> list[list[str]]:
    """Instructions per stage, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    stages: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(stripped)
    return stages


def _instruction(stage: list[str], name: str) -> list[str]:
    return [line[len(name):].strip() for line in stage if line.upper().startswith(name + " ")]


def _setting_names() -> set[str]:
    return {f"AFTERCARE_{name.upper()}" for name in Settings.model_fields}


def _cli_commands() -> set[str]:
    return set(typer.main.get_command(cli()).commands)  # type: ignore[attr-defined]


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_compose_services_are_wired_as_documented(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "bot"}
    postgres, migrate, bot = services["postgres"], services["migrate"], services["bot"]
    assert postgres["image"] == "postgres:16"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert compose["volumes"] == {"pgdata": None}
    assert migrate["command"] == ["migrate"] and migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bot["command"] == ["run"] and bot["restart"] == "unless-stopped"
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert bot["env_file"] == ".env" == migrate["env_file"]
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["environment"]["AFTERCARE_CLINIC_CONFIG"] in {v.split(":")[1] for v in bot["volumes"]}
    assert all(p.startswith("127.0.0.1:") for p in bot["ports"]), "health and metrics are unauthenticated"


def test_every_variable_compose_passes_is_a_setting(compose: dict[str, Any]) -> None:
    known = _setting_names()
    for name, service in compose["services"].items():
        environment = service.get("environment") or {}
        keys = environment if isinstance(environment, dict) else [e.split("=", 1)[0] for e in environment]
        unknown = {k for k in keys if k.startswith("AFTERCARE_")} - known
        assert not unknown, f"service {name} sets {unknown}, which are not settings"


def test_compose_values_are_valid_settings(compose: dict[str, Any]) -> None:
    environment = compose["services"]["bot"]["environment"]
    values: dict[str, Any] = {k.removeprefix("AFTERCARE_").lower(): re.sub(r"\$\{[^}]*\}", "pw", str(v))
                              for k, v in environment.items()}
    settings = Settings.model_validate(values)
    assert settings.database_url.startswith("postgresql://aftercare:pw@postgres:5432/")
    assert settings.http_port == 8080


def test_env_example_names_only_settings_and_validates() -> None:
    pairs = _env_example()
    assert "AFTERCARE_BOT_TOKEN" in pairs and "POSTGRES_PASSWORD" in pairs
    unknown = {k for k in pairs if k.startswith("AFTERCARE_")} - _setting_names()
    assert not unknown, f".env.example sets {unknown}, which are not settings"
    assert set(pairs) - {k for k in pairs if k.startswith("AFTERCARE_")} == {"POSTGRES_PASSWORD"}
    settings = Settings(_env_file=str(ROOT / ".env.example"))
    assert not settings.webhook_enabled  # the example polls until both webhook values are filled in


def test_the_http_server_binds_loopback_unless_a_container_says_otherwise(compose: dict[str, Any]) -> None:
    """/healthz and /metrics are unauthenticated: a bare ``aftercare run`` must not listen on every interface."""
    assert Settings(_env_file=None).http_host == "127.0.0.1"
    image_env = " ".join(_instruction(_dockerfile_stages()[-1], "ENV"))
    assert "AFTERCARE_HTTP_HOST=0.0.0.0" in image_env  # inside the container; -p decides what the host exposes
    assert compose["services"]["bot"]["environment"]["AFTERCARE_HTTP_HOST"] == "0.0.0.0"
    assert "AFTERCARE_HTTP_HOST" not in _env_example(), "an empty value in .env would replace the image's 0.0.0.0"
    assert "# AFTERCARE_HTTP_HOST=127.0.0.1" in (ROOT / ".env.example").read_text(encoding="utf-8")


def test_image_runs_existing_commands_as_a_non_root_user(compose: dict[str, Any]) -> None:
    stages = _dockerfile_stages()
    assert len(stages) >= 2, "multi-stage build"
    final = stages[-1]
    assert final[0] == "FROM python:3.11-slim"
    assert all(line.startswith("FROM python:3.11-slim") for line in (s[0] for s in stages))
    user = _instruction(final, "USER")
    assert user and user[-1] not in {"root", "0"}
    assert not any(re.search(r"apt-get install|build-essential|gcc", line) for line in final)
    assert any("--from=build" in line for line in _instruction(final, "COPY"))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    entrypoint = json.loads(_instruction(final, "ENTRYPOINT")[-1])
    assert entrypoint == ["aftercare"] and scripts["aftercare"] == "bot.wiring:main"
    commands = [json.loads(_instruction(final, "CMD")[-1])]
    commands += [service["command"] for service in compose["services"].values() if "command" in service]
    for command in commands:
        assert command[0] in _cli_commands(), f"`aftercare {command[0]}` does not exist"


def test_dockerignore_keeps_secrets_and_databases_out() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".env", "*.db", ".venv", ".git"} <= ignored


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = type(self).status if self.path == "/healthz" else 404
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_args: Any) -> None:
        """Quiet."""


@contextmanager
def _health_server() -> Iterator[tuple[int, type[_Health]]]:
    handler = type("Health", (_Health,), {"status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler
    finally:
        server.shutdown()
        server.server_close()


def _healthcheck_code(compose: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, python code) of the Dockerfile's and the compose bot's health checks."""
    final = _dockerfile_stages()[-1]
    docker = json.loads(_instruction(final, "HEALTHCHECK")[-1].split("CMD", 1)[1])
    composed = compose["services"]["bot"]["healthcheck"]["test"]
    found = []
    for name, argv in (("Dockerfile", docker), ("compose", composed[1:])):
        assert argv[:2] == ["python", "-c"], argv
        found.append((name, argv[2]))
    return found


def test_health_checks_pass_on_200_and_fail_on_503(compose: dict[str, Any]) -> None:
    with _health_server() as (port, handler):
        for name, code in _healthcheck_code(compose):
            runnable = code.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
            env = {"AFTERCARE_HTTP_PORT": str(port), "PATH": "/usr/bin:/bin"}
            for status, healthy in ((200, True), (503, False)):
                handler.status = status
                result = subprocess.run([sys.executable, "-c", runnable], env=env, capture_output=True,
                                        timeout=30, check=False)
                assert (result.returncode == 0) is healthy, f"{name} health check on HTTP {status}"
