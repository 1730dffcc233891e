"""``aftercare patients | patient | book | done`` on a real database (SQLite, and PostgreSQL in CI).

The CLI runs in process (``bot.wiring.main``) the way an admin runs it: the
environment names the database and the clinic file, output goes to stdout,
one-line errors to stderr with exit 2 for bad input, and an error writes nothing.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image
from sqlmodel import col, select

from bot.core.db import Database
from bot.core.migrate import upgrade
from bot.core.models import AuditEvent, PatientMedia, ScheduledMessage, SessionStatus, TreatmentSession
from bot.wiring import main
from tests.support.clinic import clinic_data, registry
from tests.support.factories import make_services
from tests.support.staff_factories import Scenario, add_alert, add_checkin, patient_mid_course


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``aftercare ARGS``; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


async def _populate(url: str) -> Scenario:
    upgrade(url)
    db = Database(url)
    try:
        services = make_services(db)
        scenario = await patient_mid_course(services, flags=["screen_allergy"])
        now = datetime.now(UTC)
        given = scenario.sessions[0]
        for hours, soreness, swelling in ((-60, 6, "moderate"), (-48, 4, "mild"), (-2, 2, None)):
            await add_checkin(db, scenario.patient, now + timedelta(hours=hours), soreness=soreness,
                              swelling=swelling, level="watch" if soreness > 5 else "ok", session_id=given.id)
        await add_alert(db, scenario.patient, now - timedelta(hours=1), signs=["fever"])
        async with db.session() as session:
            for kind, caption, level in (("photo", "hot and red", "urgent"), ("voice", None, None)):
                session.add(PatientMedia(patient_id=scenario.patient.id or 0, clinic_id=scenario.patient.clinic_id,
                                         kind=kind, file_id=f"FILE-{kind}", caption=caption, caption_level=level,
                                         received_at=now - timedelta(minutes=30)))
        return scenario
    finally:
        await db.dispose()


async def _read(url: str, statement: Any) -> list[Any]:
    db = Database(url)
    try:
        async with db.session() as session:
            return list((await session.exec(statement)).all())
    finally:
        await db.dispose()


def read(url: str, statement: Any) -> list[Any]:
    return asyncio.run(_read(url, statement))


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated database with patient R-0001 mid-course, and a one-clinic config file."""
    config = tmp_path / "clinic.yaml"
    config.write_text(yaml.safe_dump(clinic_data()), encoding="utf-8")
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", database_url)
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(config))
    asyncio.run(_populate(database_url))
    yield database_url


def session_rows(url: str) -> list[TreatmentSession]:
    return sorted(read(url, select(TreatmentSession)), key=lambda row: row.number)


def audit_rows(url: str, event: str) -> list[AuditEvent]:
    return read(url, select(AuditEvent).where(AuditEvent.event == event).order_by(col(AuditEvent.id)))


def test_patients_lists_the_active_patient_with_what_needs_attention(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "patients")
    assert code == 0
    header, line = out.splitlines()[:2]
    assert header.split()[:4] == ["LABEL", "STATUS", "AREA", "DONE"]
    assert line.split()[:4] == ["R-0001", "active", "knee", "1/3"]
    assert "S2" in line and "screen_allergy" in line
    assert audit_rows(cli_env, "staff_patients_viewed")[0].actor == "cli"


def test_patients_json_is_one_document_with_iso_times(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "patients", "--json", "--clinic", "riverside")
    assert code == 0
    data = json.loads(out)
    assert data["clinic"] == "riverside"
    (row,) = data["patients"]
    assert row["label"] == "R-0001"
    assert row["open_alerts"] == 1
    assert row["last_checkin_level"] == "ok"
    assert row["next_session_number"] == 2
    assert datetime.fromisoformat(row["next_session_at"]).tzinfo is not None
    assert row["flags"] == ["screen_allergy"]


def test_patient_prints_the_timeline_and_writes_the_chart(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chart = tmp_path / "out.png"
    code, out, err = run_cli(capsys, "patient", "r-0001", "--chart", str(chart))
    assert code == 0
    assert out.splitlines()[0].startswith("R-0001  active  knee  1/3 sessions done")
    assert "flags: screen_allergy" in out
    assert out.count("checkin  soreness=") == 3
    assert "alert  urgent  fever  open" in out
    assert "photo sent  caption=urgent" in out and "voice sent  no caption" in out
    assert "hot and red" not in out and "FILE-" not in out
    assert "session 1  done" in out and "session 2  planned" in out
    assert "3 soreness and 2 swelling points, 1 sessions" in err
    with Image.open(io.BytesIO(chart.read_bytes())) as image:
        assert image.format == "PNG"
        assert 600 <= image.width <= 1600 and 300 <= image.height <= 1000
    assert audit_rows(cli_env, "staff_patient_viewed")[0].patient_label == "R-0001"


def test_book_moves_the_next_session_and_replans_reminders(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
    code, out, err = run_cli(capsys, "book", "R-0001", target.isoformat())
    assert code == 0, err
    assert out.startswith("R-0001: session 2 booked for ")
    second = session_rows(cli_env)[1]
    assert second.scheduled_at == target
    reminders = read(cli_env, select(ScheduledMessage).where(ScheduledMessage.session_id == second.id)
                     .where(ScheduledMessage.kind == "reminder").where(ScheduledMessage.status == "pending"))
    assert reminders and all(row.due_at < target for row in reminders)
    (event,) = audit_rows(cli_env, "session_booked")
    assert event.actor == "cli" and event.patient_label == "R-0001"


def test_book_accepts_the_patient_date_format(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "book", "R-0001", "tomorrow", "10:30")
    assert code == 0, err
    assert "10:30 (America/New_York)" in out


def test_done_records_the_given_time_and_starts_checkins_from_it(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    given = (datetime.now(UTC) - timedelta(hours=1)).replace(second=0, microsecond=0)
    code, out, err = run_cli(capsys, "done", "R-0001", "--session", "2", "--at", given.isoformat())
    assert code == 0, err
    assert out.startswith("R-0001: session 2 given ")
    second = session_rows(cli_env)[1]
    assert second.status == SessionStatus.DONE and second.done_at == given
    checkins = read(cli_env, select(ScheduledMessage).where(ScheduledMessage.session_id == second.id)
                    .where(ScheduledMessage.kind == "checkin"))
    first = min(checkins, key=lambda row: row.due_at)
    assert datetime.fromisoformat(first.payload["anchor_at"]) == given
    assert datetime.fromisoformat(first.payload["nominal_at"]) == given + timedelta(hours=6)
    assert audit_rows(cli_env, "session_done")[0].actor == "cli"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("book", "R-0099", "tomorrow 10:00"), "There is no patient R-0099 at this clinic."),
        (("book", "5001", "tomorrow 10:00"), "“5001” is not a patient label"),
        (("book", "R-0001", "someday"), "could not read “someday” as a date and time"),
        (("book", "R-0001", "2020-01-01T10:00"), "is in the past"),
        (("done", "R-0001", "--session", "9"), "R-0001 has no session 9: sessions are 1–3."),
        (("done", "R-0001", "--at", "tomorrow 10:00"), "is still in the future"),
        (("patient", "R-0099"), "There is no patient R-0099"),
        (("patients", "--clinic", "nowhere"), "unknown clinic 'nowhere'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    cli_env: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    before = [(row.number, row.status, row.scheduled_at) for row in session_rows(cli_env)]
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert message in err and err.count("\n") == 1 and err.startswith("aftercare: ")
    assert [(row.number, row.status, row.scheduled_at) for row in session_rows(cli_env)] == before
    assert not audit_rows(cli_env, "session_booked") and not audit_rows(cli_env, "session_done")


def test_a_refused_operation_is_exit_2_with_the_reason(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "done", "R-0001", "--session", "1")
    assert code == 2
    assert "Session 1 of R-0001 is done" in err


def test_several_clinics_need_clinic(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = clinic_data()
    second = dict(data["clinics"][0], id="hillside", name="Hillside")
    second["staff"] = {"chat_id": -100901, "user_ids": [900003]}
    data["clinics"].append(second)
    registry(data)  # the file is valid
    config = tmp_path / "two.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(config))
    code, _, err = run_cli(capsys, "patients")
    assert code == 2 and "several clinics are configured (riverside, hillside)" in err
    code, out, _ = run_cli(capsys, "patients", "--clinic", "hillside")
    assert code == 0 and "no active patients at hillside" in out


def test_missing_database_schema_is_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "clinic.yaml"
    config.write_text(yaml.safe_dump(clinic_data()), encoding="utf-8")
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(config))
    code, _, err = run_cli(capsys, "patients")
    assert code == 1 and "aftercare migrate" in err
