"""Extreme input on the command line (hypothesis): one line and exit 0, 1 or 2, never a traceback.

Every option that takes a time, a duration or a date is fed typos, huge
numbers, the ends of the calendar and random text, in process through
``bot.wiring.main``, against a migrated SQLite database. A command either
works or says what is wrong on one ``aftercare:`` line; an exception escaping
``main`` (which would be a traceback) fails the test.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.migrate import upgrade
from bot.wiring import main

ODD = ["", " ", "0", "-1", "\x00", "💉", "nan", "1e309", "--help", "-", "x" * 300, "١٢:٣٠"]
DURATIONS = ["99999999d", "99999999999999999999w", "9" * 5000 + "s", "1h30m", "P99999999999D", "P9999Y",
             "P100Y", "P1Y", "PT0S", "-P2D", "P", "PT", "PT5S", "p14d"]
MOMENTS = ["9999-12-31T23:00", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00", "0001-01-01T00:00+14:00",
           "9999-12-31T23:00-12:00", "2026-02-30T10:00", "2026-12-03 10:30+05:30", "tomorrow 9am", "Dec 3 10:30",
           "yesterday 9:00", "25:61", "2026-13-01", "10:00 11:00"]
EXTREMES = {"logs-since": DURATIONS + MOMENTS[:5], "logs-until": MOMENTS[:5] + DURATIONS[:3],
            "invite-expires": DURATIONS, "invite-first": MOMENTS, "book": MOMENTS, "done-at": MOMENTS}
COMMANDS = ["logs-since", "logs-until", "invite-expires", "invite-first", "book", "done-at"]
VALUES = st.one_of(st.text(max_size=24),
                   st.from_regex(r"-?P(\d{1,14}[YMWD]){0,3}(T\d{1,14}[HMS])?", fullmatch=True),
                   st.from_regex(r"\d{1,6}-\d{1,3}-\d{1,3}T\d{1,3}:\d{1,3}", fullmatch=True),
                   st.from_regex(r"\d{1,12}[smhdw](\d{1,12}[smhdw])?", fullmatch=True))


def _argv(command: str, value: str) -> list[str]:
    return {
        "logs-since": ["logs", "--since", value],
        "logs-until": ["logs", "--until", value],
        "invite-expires": ["invite", "--clinic", "riverside", "--expires", value],
        "invite-first": ["invite", "--clinic", "riverside", "--area", "knee", "--first-session", value],
        "book": ["book", "R-0001", *(value.split()[:4] or [value])],
        "done-at": ["done", "R-0001", "--at", value],
    }[command]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
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


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    _, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), err


def assert_one_line(code: int, err: str, argv: list[str]) -> None:
    assert code in {0, 1, 2}, (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    if code != 0:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("aftercare: "), (argv, err)


@pytest.mark.parametrize("argv", [
    ["logs", "--since", "99999999d"],
    ["invite", "--clinic", "riverside", "--expires", "P99999999999D"],
    ["invite", "--clinic", "riverside", "--first-session", "9999-12-31T23:00"],
    ["invite", "--clinic", "riverside", "--first-session", "0001-01-01T00:00+14:00"],
    ["book", "R-0001", "9999-12-31T23:00"],
    ["done", "R-0001", "--at", "0001-01-01T00:00+14:00"],
])
def test_extreme_values_once_seen_as_tracebacks(database: str, capsys: pytest.CaptureFixture[str],
                                                argv: list[str]) -> None:
    code, err = run(argv, capsys)
    assert code == 2, err
    assert_one_line(code, err, argv)


def test_every_extreme_value_in_every_option(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    for command in COMMANDS:
        for value in EXTREMES[command] + ODD:
            argv = _argv(command, value)
            code, err = run(argv, capsys)
            assert_one_line(code, err, argv)


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), value=VALUES)
def test_random_values_never_print_a_traceback(database: str, capsys: pytest.CaptureFixture[str],
                                                           command: str, value: str) -> None:
    argv = _argv(command, value)
    code, err = run(argv, capsys)
    assert_one_line(code, err, argv)


def test_demo_serve_on_a_taken_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            taken.bind(("127.0.0.1", 8080))
        except OSError:
            pytest.skip("port 8080 is in use by something else; the refusal is the same")
        taken.listen()
        code, err = run(["demo", "--serve"], capsys)
    assert code == 1, err
    assert err.strip() == ("aftercare: demo --serve: cannot serve the console on 127.0.0.1:8080 "
                           "(is another program using port 8080?)")
