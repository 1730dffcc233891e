"""``aftercare erase``: re-erasing patients by label after a backup is restored, as docs/OPERATIONS.md says.

The procedure is played on a real SQLite file: a backup is taken, the patient
erases their data with /delete (``privacy.erase_user``), the operator lists
the ``patient_deleted`` labels with ``aftercare logs``, restores the backup
(the patient's data is back) and runs ``aftercare erase``: nothing of the
patient is left in any table. The command's refusals run on both backends.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

from bot.core.db import Database
from bot.core.migrate import upgrade
from bot.core.models import Patient, PatientStatus
from bot.selfservice import privacy
from bot.wiring import main
from tests.support.clinic import clinic_data
from tests.support.factories import make_services
from tests.support.selfservice_seed import FIRST_NAME, NOTE, seed_patient

USER_ID = 7_700_555_123


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


async def _seed(url: str) -> str:
    upgrade(url)
    db = Database(url)
    try:
        seeded = await seed_patient(make_services(db), user_id=USER_ID)
        return seeded.patient.label
    finally:
        await db.dispose()


async def _delete_as_the_patient(url: str) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            await privacy.erase_user(session, USER_ID, USER_ID, make_services(db).clock.now())
    finally:
        await db.dispose()


async def _cells(url: str) -> list[str]:
    db = Database(url)
    found: list[str] = []
    try:
        async with db.session() as session:
            connection = await session.connection()
            for table in SQLModel.metadata.sorted_tables:
                for row in (await connection.execute(sa_select(table))).mappings():
                    found.extend(json.dumps(v, default=str) if isinstance(v, dict | list) else str(v)
                                 for v in row.values() if v is not None)
        return found
    finally:
        await db.dispose()


async def _status(url: str, label: str) -> str:
    db = Database(url)
    try:
        async with db.session() as session:
            row = (await session.exec(select(Patient).where(Patient.label == label))).one()
            return row.status
    finally:
        await db.dispose()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "clinic.yaml"
    config.write_text(yaml.safe_dump(clinic_data()), encoding="utf-8")
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(config))
    return config


def _leaks(cells: list[str]) -> list[str]:
    return [cell for cell in cells if any(n in cell for n in (str(USER_ID), "Zyx", "zq17", "stiff"))]


def test_restore_then_re_erase_leaves_nothing(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "aftercare.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", url)
    label = asyncio.run(_seed(url))
    backup = tmp_path / "backup.db"
    with sqlite3.connect(path) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)  # what `sqlite3 aftercare.db ".backup ..."` does
    asyncio.run(_delete_as_the_patient(url))

    code, out, _ = run_cli(capsys, "logs", "--event", "patient_deleted", "--json")
    assert code == 0
    # (the in-process erasure above logged through the test's default structlog setup, on stdout too)
    labels = [json.loads(line)["patient_label"] for line in out.splitlines() if line.startswith("{")]
    assert labels == [label]
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)  # the restore, as documented: the -wal and -shm beside it go too
    backup.rename(path)  # the patient's data is back
    assert _leaks(asyncio.run(_cells(url)))

    code, out, err = run_cli(capsys, "erase", *labels, "--yes")
    assert code == 0, err
    assert out.splitlines() == [f"{label}: erased"]
    assert _leaks(asyncio.run(_cells(url))) == []
    assert asyncio.run(_status(url, label)) == PatientStatus.DELETED
    code, out, _ = run_cli(capsys, "erase", label, "--yes")
    assert (code, out.strip()) == (0, f"{label}: already erased")
    assert FIRST_NAME not in path.read_bytes().decode("latin-1") and NOTE not in path.read_bytes().decode("latin-1")


def test_refusals_erase_nothing(env: Path, database_url: str, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", database_url)
    label = asyncio.run(_seed(database_url))
    for args, message in (((label, "R-9999", "--yes"), "no patient R-9999 at riverside; nothing was erased"),
                          (("not-a-label", "--yes"), "'not-a-label' is not a patient label"),
                          ((label,), "add --yes")):
        code, _, err = run_cli(capsys, "erase", *args)
        assert code == 2 and message in err, err
        assert len(err.strip().splitlines()) == 1
    assert asyncio.run(_status(database_url, label)) == PatientStatus.ACTIVE
