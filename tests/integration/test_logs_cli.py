"""``aftercare logs`` on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session

from bot.cli.logs_cmd import Follower
from bot.core.audit_log import AuditFilter
from bot.core.db import Database, sync_url
from bot.core.models import AuditEvent
from bot.wiring import main


def _event(event: str, minutes_ago: float, now: datetime | None = None, **fields: Any) -> AuditEvent:
    return AuditEvent(event=event, at=(now or datetime.now(UTC)) - timedelta(minutes=minutes_ago), **fields)


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str,
        *args: str) -> tuple[int, list[str], str]:
    """Run ``aftercare ARGS`` in-process: (exit code, stdout lines, stderr)."""
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", url)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out = capsys.readouterr()
    return int(exited.value.code or 0), out.out.splitlines(), out.err


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
async def trail(db: Database, now: datetime) -> str:
    """A small audit trail: two clinics, two patients, levels, times from 3 days ago to now."""
    rows = [
        _event("enrolled", 3 * 24 * 60, now, clinic_id="riverside", patient_label="R-0001"),
        _event("message_sent", 180, now, clinic_id="riverside", patient_label="R-0001", details={"kind": "reminder"}),
        _event("alert_raised", 90, now, clinic_id="riverside", patient_label="R-0002", level="warning",
               details={"level": "urgent", "signs": ["fever"]}),
        _event("message_failed", 60, now, clinic_id="northside", patient_label="N-0001", level="error",
               details={"kind": "checkin", "error": "Forbidden"}),
        _event("alert_acknowledged", 10, now, clinic_id="riverside", patient_label="R-0002", actor="staff:900001",
               correlation_id="abc123def456"),
    ]
    async with db.session() as session:
        session.add_all(rows)
    return db.url


def _events(lines: list[str]) -> list[str]:
    return [line.split()[6] for line in lines[1:]]  # date, time, level, clinic, patient, actor, EVENT


async def test_table_lists_newest_last_with_a_header(trail: str, capsys: Any, monkeypatch: Any) -> None:
    code, lines, _ = cli(capsys, monkeypatch, trail, "logs")
    assert code == 0
    assert lines[0].startswith("TIME (UTC)")
    assert _events(lines) == ["enrolled", "message_sent", "alert_raised", "message_failed", "alert_acknowledged"]
    assert "staff:900001" in lines[-1] and "[abc123def456]" in lines[-1]
    assert 'signs=["fever"]' in lines[3]


async def test_limit_keeps_the_newest(db: Database, capsys: Any, monkeypatch: Any) -> None:
    async with db.session() as session:
        session.add_all([_event(f"e{n:02d}", 100 - n) for n in range(60)])
    code, lines, _ = cli(capsys, monkeypatch, db.url, "logs")
    assert code == 0 and len(lines) == 51  # header + the default 50
    assert _events(lines)[0] == "e10" and _events(lines)[-1] == "e59"
    code, lines, _ = cli(capsys, monkeypatch, db.url, "logs", "--limit", "3")
    assert _events(lines) == ["e57", "e58", "e59"]


@pytest.mark.parametrize(("args", "expected"), [
    (["--clinic", "northside"], ["message_failed"]),
    (["--patient", "r-0002"], ["alert_raised", "alert_acknowledged"]),
    (["--event", "enrolled", "--event", "message_failed"], ["enrolled", "message_failed"]),
    (["--level", "warning"], ["alert_raised", "message_failed"]),
    (["--level", "ERROR"], ["message_failed"]),
    (["--since", "2h"], ["alert_raised", "message_failed", "alert_acknowledged"]),
    (["--since", "1h31m"], ["alert_raised", "message_failed", "alert_acknowledged"]),
    (["--since", "2d", "--until", "30m"], ["message_sent", "alert_raised", "message_failed"]),
    (["--clinic", "riverside", "--since", "2h", "--level", "info"], ["alert_raised", "alert_acknowledged"]),
])
async def test_filters(trail: str, capsys: Any, monkeypatch: Any, args: list[str], expected: list[str]) -> None:
    code, lines, _ = cli(capsys, monkeypatch, trail, "logs", *args)
    assert code == 0
    assert _events(lines) == expected


async def test_iso_times_are_utc_and_until_is_exclusive(trail: str, now: datetime, capsys: Any,
                                                        monkeypatch: Any) -> None:
    until = (now - timedelta(minutes=60)).replace(tzinfo=None).isoformat()  # naive: read as UTC
    since = (now - timedelta(minutes=95)).isoformat()
    code, lines, _ = cli(capsys, monkeypatch, trail, "logs", "--since", since, "--until", until)
    assert code == 0
    assert _events(lines) == ["alert_raised"]


async def test_json_lines(trail: str, now: datetime, capsys: Any, monkeypatch: Any) -> None:
    code, lines, _ = cli(capsys, monkeypatch, trail, "logs", "--json", "--level", "warning")
    assert code == 0
    records = [json.loads(line) for line in lines]
    assert [r["event"] for r in records] == ["alert_raised", "message_failed"]
    first = records[0]
    assert first["details"] == {"level": "urgent", "signs": ["fever"]}
    assert first["clinic_id"] == "riverside" and first["patient_label"] == "R-0002"
    assert first["at"].endswith("Z") and datetime.fromisoformat(first["at"]) <= now
    assert set(first) == {"id", "at", "level", "clinic_id", "patient_label", "actor", "event", "correlation_id",
                          "details"}


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "yesterday"], "--since: expected an ISO time"),
    (["--until", "5 parsecs"], "--until: expected an ISO time"),
    (["--level", "loud"], "--level: unknown level 'loud'"),
    (["--follow", "--until", "1h"], "--follow and --until cannot be combined"),
    (["--limit", "0"], "--limit"),
    (["--clinic", "nowhere"], "--clinic nowhere: unknown clinic; known: "),
    (["--event", "enrolled", "--event", "alert_raise"], "--event alert_raise: no such event in the audit trail"),
])
async def test_bad_values_exit_2_with_one_line(trail: str, capsys: Any, monkeypatch: Any, args: list[str],
                                               message: str) -> None:
    code, lines, err = cli(capsys, monkeypatch, trail, "logs", *args)
    assert code == 2
    assert lines == []
    assert len(err.strip().splitlines()) == 1 and message in err


@pytest.mark.parametrize(("args", "known"), [
    (["--clinic", "Riverside"], ["northside", "riverside"]),
    (["--event", "alert_raise"], ["alert_acknowledged", "alert_raised", "enrolled", "message_failed"]),
])
async def test_a_misspelt_clinic_or_event_names_the_known_ones(trail: str, capsys: Any, monkeypatch: Any,
                                                               args: list[str], known: list[str]) -> None:
    """A typo used to print an empty table and exit 0, which reads as "nothing happened"."""
    code, lines, err = cli(capsys, monkeypatch, trail, "logs", *args)
    assert (code, lines) == (2, [])
    assert all(value in err for value in known), err


def test_missing_sqlite_database_is_an_error_not_a_new_file(tmp_path: Any, capsys: Any, monkeypatch: Any) -> None:
    target = tmp_path / "nothing-here.db"
    code, _, err = cli(capsys, monkeypatch, f"sqlite:///{target}", "logs")
    assert code == 2 and "no database at" in err
    assert not target.exists()


def test_unmigrated_database_says_to_migrate(tmp_path: Any, capsys: Any, monkeypatch: Any) -> None:
    target = tmp_path / "empty.db"
    create_engine(f"sqlite:///{target}").connect().close()
    code, _, err = cli(capsys, monkeypatch, f"sqlite:///{target}", "logs")
    assert code == 1 and "aftercare migrate" in err


@pytest.fixture
def sync_session(db: Database) -> Iterator[Session]:
    engine = create_engine(sync_url(db.url))
    with Session(engine) as session:
        yield session
    engine.dispose()


async def test_follower_catches_ids_that_commit_out_of_order(sync_session: Session) -> None:
    follower = Follower(AuditFilter(clinic_id="riverside"), floor=0)
    assert follower.poll(sync_session) == []
    sync_session.add(AuditEvent(id=100, event="later_id_first", clinic_id="riverside"))
    sync_session.add(AuditEvent(id=99, event="other_clinic", clinic_id="northside"))
    sync_session.commit()
    assert [r.event for r in follower.poll(sync_session)] == ["later_id_first"]
    sync_session.add(AuditEvent(id=90, event="earlier_id_later", clinic_id="riverside"))
    sync_session.commit()
    assert [r.event for r in follower.poll(sync_session)] == ["earlier_id_later"]
    assert follower.poll(sync_session) == []


async def _readline(stream: asyncio.StreamReader) -> str:
    line = await asyncio.wait_for(stream.readline(), timeout=20)
    assert line, "aftercare logs --follow exited early"
    return line.decode()


async def test_follow_prints_new_matching_events(trail: str, db: Database) -> None:
    env = {**os.environ, "AFTERCARE_DATABASE_URL": trail}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "logs", "--follow", "--json", "--clinic", "riverside", "--since", "2h",
        "--poll-interval", "0.1", "--max-polls", "400",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        initial = [json.loads(await _readline(process.stdout)) for _ in range(2)]
        assert [r["event"] for r in initial] == ["alert_raised", "alert_acknowledged"]
        async with db.session() as session:
            session.add(_event("message_sent", 0, clinic_id="northside"))  # filtered out
            session.add(_event("checkin_answered", 0, clinic_id="riverside", patient_label="R-0001",
                               details={"level": "ok"}))
        new = json.loads(await _readline(process.stdout))
        assert new["event"] == "checkin_answered" and new["details"] == {"level": "ok"}
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), timeout=20)
