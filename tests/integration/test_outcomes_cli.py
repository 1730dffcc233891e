"""``aftercare outcomes`` and ``aftercare export --csv DIR`` in process, on SQLite and PostgreSQL.

Two clinics are configured (Riverside and Hillside); the history is
``tests.support.outcomes_seed``'s, whose figures are worked out by hand in
``test_outcomes_figures.py``. Errors are one line on stderr with exit 2, and
write nothing.
"""

from __future__ import annotations

import asyncio
import copy
import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import col, select

from bot.core.db import Database
from bot.core.migrate import upgrade
from bot.core.models import AuditEvent
from bot.outcomes.export import FILES
from tests.integration.test_staff_cli import read, run_cli
from tests.support.clinic import clinic_data
from tests.support.outcomes_seed import NOTE, seed_history


def two_clinic_file(path: Path) -> Path:
    data = clinic_data()
    other = copy.deepcopy(data["clinics"][0])
    other.update(id="hillside", name="Hillside Physio", label_prefix="H", timezone="Europe/Madrid",
                 staff={"chat_id": -100901, "user_ids": [900003]})
    data["clinics"].append(other)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


async def _seed(url: str) -> None:
    upgrade(url)
    db = Database(url)
    try:
        await seed_history(db)
    finally:
        await db.dispose()


@pytest.fixture
def history(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", database_url)
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(two_clinic_file(tmp_path / "clinics.yaml")))
    asyncio.run(_seed(database_url))
    yield database_url


def audits(url: str, event: str) -> list[AuditEvent]:
    return read(url, select(AuditEvent).where(AuditEvent.event == event).order_by(col(AuditEvent.id)))


def test_outcomes_prints_every_clinic_and_area(history: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "outcomes")
    assert (code, err) == (0, "")
    riverside, hillside = out.split("\n\n")
    assert riverside.startswith("Riverside Sports & Spine Clinic (riverside), all time; dates on America/New_York")
    assert "injections 7; check-ins answered 7/10 (70%); follow-ups answered 4/5 (80%)" in riverside
    session_one = next(line for line in riverside.splitlines() if line.strip().startswith("1 "))
    assert "4.5 (2.5-7) n=4" in session_one and "5 (3.5-5) n=3" in session_one
    assert "P6W  3 (2.5-4) n=3" in riverside and "better 2, same 1, worse 0" in riverside
    urgent = next(line for line in riverside.splitlines() if line.strip().startswith("urgent"))
    assert urgent.split() == ["urgent", "3", "42.9", "2", "10.0", "min", "/", "14.0", "min"]
    assert "Shoulder" not in riverside  # nothing happened there
    assert hillside.startswith("Hillside Physio (hillside)") and "Knee (knee)" in hillside
    assert [row.clinic_id for row in audits(history, "outcomes_viewed")] == ["riverside", "hillside"]
    assert {row.actor for row in audits(history, "outcomes_viewed")} == {"cli"}


def test_outcomes_json_for_one_clinic_area_and_period(history: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "outcomes", "--clinic", "riverside", "--area", "knee", "--since", "2026-03-02",
                           "--until", "2026-03-03", "--json")
    assert code == 0
    (clinic,) = json.loads(out)["clinics"]
    assert clinic["period"]["since"] == "2026-03-02" and clinic["period"]["end"] == "2026-03-04T05:00:00+00:00"
    (knee,) = clinic["areas"]
    assert knee["area"] == "knee" and knee["injections"] == 4
    assert knee["soreness"][0] == {"session": 1, "by_offset": {
        "PT6H": {"n": 4, "median": 4.5, "q1": 2.5, "q3": 7.0}, "P1D": {"n": 3, "median": 5.0, "q1": 3.5, "q3": 5.0}}}
    assert knee["answer_rates"]["checkins"] == {"answered": 6, "sent": 8}
    urgent = next(row for row in knee["alerts"] if row["level"] == "urgent")
    assert urgent["per_100_injections"] == 50.0 and urgent["seconds_to_acknowledge"] == {
        "n": 2, "median": 600.0, "p90": 840.0}


def test_a_period_with_nothing_says_what_to_do(history: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "outcomes", "--clinic", "riverside", "--since", "2030-01-01")
    assert code == 0
    assert "no check-ins answered yet in this period" in out


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "2026-13-01"), "aftercare: --since: '2026-13-01' is not a date (YYYY-MM-DD)"),
    (("--until", "3 March"), "aftercare: --until: '3 March' is not a date (YYYY-MM-DD)"),
    (("--since", "2026-05-01", "--until", "2026-04-01"), "aftercare: --until 2026-04-01 is before --since 2026-05-01"),
    (("--area", "elbow"), "aftercare: --area: unknown area 'elbow' (areas: knee, low_back, shoulder)"),
    (("--clinic", "nowhere"), "aftercare: unknown clinic 'nowhere' (clinics: riverside, hillside)"),
])
def test_outcomes_bad_input_is_one_line_and_exit_2(history: str, capsys: pytest.CaptureFixture[str],
                                                   args: tuple[str, ...], message: str) -> None:
    code, out, err = run_cli(capsys, "outcomes", *args)
    assert (code, out, err.strip()) == (2, "", message)
    assert audits(history, "outcomes_viewed") == []


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_export_writes_five_pseudonymous_files(history: str, capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    target = tmp_path / "export"
    code, out, err = run_cli(capsys, "export", "--csv", str(target), "--clinic", "riverside")
    assert (code, err) == (0, "")
    assert sorted(path.name for path in target.iterdir()) == sorted(FILES)
    assert out.startswith("riverside: wrote patients.csv (5 rows), sessions.csv (12 rows)")
    everything = "".join(path.read_text(encoding="utf-8") for path in target.iterdir())
    for secret in ("Alexandra", "7001", "7002", NOTE, "H-0001", "hillside", "900001"):
        assert secret not in everything  # no names, Telegram ids, notes or other clinics
    patients = rows_of(target / "patients.csv")
    assert [row["patient"] for row in patients] == ["R-0001", "R-0002", "R-0003", "R-0005", "R-0004"]
    assert patients[0]["enrolled_at"] == "2026-02-23T15:00:00+00:00"
    checkins = rows_of(target / "checkins.csv")
    noted = [row for row in checkins if row["has_note"] == "yes"]
    assert len(noted) == 1 and noted[0]["patient"] == "R-0002" and noted[0]["offset"] == "P1D"
    assert (noted[0]["signs_ticked"], noted[0]["signs_found"]) == ("hot_site;fever", "hot_site;fever")
    assert {row["signs_ticked"] for row in checkins} == {"", "hot_site;fever"}
    assert {row["kind"] for row in checkins} == {"checkin", "free_text"}
    assert any(row["recheck_of"] == "" and row["day_after_injection"] == "" for row in checkins
               if row["kind"] == "free_text")
    followups = rows_of(target / "followups.csv")
    assert len(followups) == 5 and {row["pain"] for row in followups} == {"3", "5", "2", "", "1"}
    alerts = rows_of(target / "alerts.csv")
    assert {row["signs"] for row in alerts} == {"fever"}
    assert [(row["level"], row["acknowledged_by"], row["seconds_to_acknowledge"]) for row in alerts] == [
        ("urgent", "staff-1", "300"), ("urgent", "staff-2", "900"), ("emergency", "staff-former", "60"),
        ("urgent", "", "")]
    (event,) = audits(history, "outcomes_exported")
    assert (event.actor, event.clinic_id, event.details["rows"]["checkins"]) == ("cli", "riverside", len(checkins))


@pytest.mark.parametrize("case", ["not_empty", "a_file", "no_parent", "two_clinics"])
def test_export_refuses_a_bad_directory_and_writes_nothing(history: str, capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path, case: str) -> None:
    target: Path = tmp_path / "out"
    extra: list[str] = ["--clinic", "riverside"]
    if case == "not_empty":
        target.mkdir()
        (target / "notes.txt").write_text("mine", encoding="utf-8")
    elif case == "a_file":
        target.write_text("x", encoding="utf-8")
    elif case == "no_parent":
        target = tmp_path / "missing" / "out"
    else:
        extra = []
    code, out, err = run_cli(capsys, "export", "--csv", str(target), *extra)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("aftercare: ")
    expected: dict[str, Any] = {"not_empty": "is not empty", "a_file": "is not a directory",
                                "no_parent": "does not exist", "two_clinics": "choose one with --clinic"}
    assert expected[case] in err
    assert not any(path.suffix == ".csv" or path.name.endswith(".partial") for path in tmp_path.rglob("*"))
    assert audits(history, "outcomes_exported") == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere, so the refusal cannot be seen")
def test_export_refuses_a_directory_it_cannot_write(history: str, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    target = tmp_path / "locked"
    target.mkdir(mode=0o500)
    code, _, err = run_cli(capsys, "export", "--csv", str(target), "--clinic", "riverside")
    assert code == 2 and "cannot write to" in err


async def _handle_first_alert(url: str) -> None:
    """Staff member 2 takes and resolves Riverside's first alert with a note (free text, never exported)."""
    from datetime import timedelta

    from bot.checkins import alert_handling
    from bot.core.models import Alert, AlertOutcome

    db = Database(url)
    try:
        async with db.session() as session:
            alert = (await session.exec(select(Alert).where(Alert.clinic_id == "riverside")
                                        .order_by(col(Alert.id)))).first()
            assert alert is not None
            who = alert_handling.Staffer(900002, "Alex", "console")
            at = alert.created_at + timedelta(minutes=20)
            await alert_handling.take(session, alert, who, at)
            await alert_handling.add_note(session, alert, who, "Spoke to Mrs Example at home", at)
            await alert_handling.resolve(session, alert, who, AlertOutcome.VISIT, "", at + timedelta(minutes=5))
    finally:
        await db.dispose()


def test_export_says_how_alerts_were_handled_without_the_notes(history: str, capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    asyncio.run(_handle_first_alert(history))
    target = tmp_path / "out"
    code, _, err = run_cli(capsys, "export", "--csv", str(target), "--clinic", "riverside")
    assert (code, err) == (0, "")
    assert "Mrs Example" not in (target / "alerts.csv").read_text(encoding="utf-8")
    first, *others = rows_of(target / "alerts.csv")
    assert (first["taken_by"], first["resolved_by"], first["outcome"], first["has_note"]) == (
        "staff-2", "staff-2", "visit", "yes")
    assert first["resolved_at"] and first["taken_at"] and first["acknowledged_by"] == "staff-1"
    assert {(row["outcome"], row["has_note"], row["resolved_at"]) for row in others} == {("", "no", "")}
