"""``aftercare invite``: prints a working deep link, or one line on stderr and writes nothing."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import structlog
from sqlalchemy import create_engine, text

from bot.core.migrate import upgrade
from bot.enrolment.invites import hash_token
from bot.wiring import main
from tests.support.harness import TOKEN
from tgsandbox import Sandbox

LINK = re.compile(r"^https://t\.me/(?P<bot>\w+)\?start=(?P<token>[A-Za-z0-9_-]{22,64})$")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The command routes logs to (captured) stderr; later tests get the old setup back."""
    root = logging.getLogger()
    handlers, level, config = list(root.handlers), root.level, structlog.get_config()
    yield
    root.handlers, root.level = handlers, level
    structlog.configure(**config)


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", url)
    monkeypatch.setenv("AFTERCARE_BOT_USERNAME", "riverside_care_bot")
    return url


def invites(url: str) -> list[tuple[str, str, str | None, int | None]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT token_hash, clinic_id, area, sessions FROM invite"))
        found = [tuple(row) for row in rows]
    engine.dispose()
    return found


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_invite_prints_a_deep_link_and_stores_only_the_hash(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT10:30")
    code, out, err = run(["invite", "--clinic", "riverside", "--area", "knee", "--sessions", "5",
                          "--first-session", first, "--expires", "P7D"], capsys)
    assert code == 0, err
    match = LINK.match(out.strip())
    assert match is not None and match["bot"] == "riverside_care_bot"
    assert "single use; expires" in err and "America/New_York" in err
    assert invites(database) == [(hash_token(match["token"]), "riverside", "knee", 5)]


def test_invite_without_area_lets_the_patient_choose(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["invite", "--clinic", "riverside"], capsys)
    assert code == 0 and LINK.match(out.strip())
    assert invites(database)[0][2] is None


def _far() -> str:
    return (datetime.now(UTC) + timedelta(days=500)).strftime("%Y-%m-%dT10:00")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clinic", "nowhere"], "unknown clinic 'nowhere' (clinics: riverside)"),
        (["--clinic", "riverside", "--area", "elbow"], "has no area 'elbow'"),
        (["--clinic", "riverside", "--area", "knee", "--sessions", "9"], "sessions must be 3..6"),
        (["--clinic", "riverside", "--area", "knee", "--sessions", "2"], "sessions must be 3..6"),
        (["--clinic", "riverside", "--first-session", "2020-01-01T10:00"], "is in the past"),
        (["--clinic", "riverside", "--first-session", _far()], "more than a year ahead"),
        (["--clinic", "riverside", "--first-session", "next tuesday"], "is not an ISO date-time"),
        (["--clinic", "riverside", "--expires", "two weeks"], "is not an ISO 8601 duration"),
        (["--clinic", "riverside", "--expires", "P0D"], "must be a positive duration"),
        (["--clinic", "riverside", "--expires", "-P2D"], "must be a positive duration"),
        (["--clinic", "riverside", "--sessions", "many"], "Invalid value for '--sessions'"),
        (["--area", "knee"], "Missing option '--clinic'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    database: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(["invite", *args], capsys)
    assert code == 2
    assert out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert invites(database) == []


def test_without_a_bot_username_or_token_it_says_what_to_set(
    database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AFTERCARE_BOT_USERNAME")
    code, _, err = run(["invite", "--clinic", "riverside"], capsys)
    assert code == 2 and "set AFTERCARE_BOT_USERNAME" in err
    assert invites(database) == []


async def test_with_only_a_token_the_username_comes_from_telegram(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """getMe against the local sandbox, from a real ``python -m bot`` process."""
    monkeypatch.delenv("AFTERCARE_BOT_USERNAME")
    async with Sandbox() as sandbox:
        monkeypatch.setenv("AFTERCARE_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("AFTERCARE_TELEGRAM_API_URL", sandbox.url)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "invite", "--clinic", "riverside", "--area", "shoulder",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    match = LINK.match(out.decode().strip())
    assert match is not None and match["bot"] == "aftercare_sandbox_bot"
