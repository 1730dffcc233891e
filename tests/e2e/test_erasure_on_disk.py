"""``/delete`` leaves nothing behind on disk, not only nothing in the tables.

SQLite keeps old page images in its write-ahead log (``-wal``) until a
checkpoint, and a deleted row's bytes in the page's free space unless
``secure_delete`` is on. So this test reads the raw bytes of the database
files while the bot is still running, after a real patient enrolled, answered
a check-in with a note and erased their data.

What is searched for: the first name and note (UTF-8, as stored), the
Telegram id as text (JSON columns, audit actors), and the id as the
big-endian integers SQLite's record format stores: the smallest width that
holds it (6 bytes for a 10-digit id) and the full 8 bytes. Little-endian
8 bytes too, which SQLite never writes but a future encoding might.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from bot.core.models import CheckIn, Patient
from bot.courses import course_ops
from tests.support.enrolment import enrol
from tests.support.factories import scheduling_clinics
from tests.support.harness import Harness, running_bot
from tgsandbox import Sandbox

WAIT = 15.0
USER_ID = 7_301_234_567  # a realistic 10-digit Telegram id: 6 bytes in an SQLite record


def _record_width(value: int) -> int:
    """The bytes SQLite's record format uses for an integer (serial types 1-6)."""
    for width in (1, 2, 3, 4, 6):
        if -(1 << (8 * width - 1)) <= value < (1 << (8 * width - 1)):
            return width
    return 8


def needles(first_name: str, note: str, user_id: int) -> dict[str, bytes]:
    width = _record_width(user_id)
    return {
        "first name": first_name.encode("utf-8"),
        "note": note.encode("utf-8"),
        "telegram id as text": str(user_id).encode("ascii"),
        f"telegram id, {width}-byte big-endian": user_id.to_bytes(width, "big", signed=True),
        "telegram id, 8-byte big-endian": user_id.to_bytes(8, "big", signed=True),
        "telegram id, 8-byte little-endian": user_id.to_bytes(8, "little", signed=True),
    }


def hits(files: list[Path], wanted: dict[str, bytes]) -> dict[str, list[str]]:
    """Which needles occur in which files (files that do not exist are empty)."""
    found: dict[str, list[str]] = {}
    for path in files:
        data = path.read_bytes() if path.exists() else b""
        for what, needle in wanted.items():
            if needle in data:
                found.setdefault(what, []).append(path.name)
    return found


async def _answer_checkin_with_note(harness: Harness, user: Any, patient: Patient, note: str) -> None:
    async with harness.db.session() as session:
        row = await session.get(Patient, patient.id)
        assert row is not None
        await course_ops.mark_done(session, harness.services, row, actor="staff:900001")
    question = await user.wait_for_message(lambda m: any("10" in r for r in m.buttons), timeout=WAIT)
    await user.press("3", question)
    await user.wait_for_message(lambda m: any("Mild" in r for r in m.buttons), edits=True, timeout=WAIT)
    await user.press("Mild", question)
    await user.wait_for_message(lambda m: any("✅ None of these · Done" in r for r in m.buttons), edits=True,
                                timeout=WAIT)
    await user.press("✅ None of these · Done", question)
    await user.wait_for_message(lambda m: any("Skip" in r for r in m.buttons), edits=True, timeout=WAIT)
    await user.send_text(note)
    await user.wait_for_message("expected course", timeout=WAIT)
    async with harness.db.session() as session:
        stored = (await session.exec(select(func.count()).select_from(CheckIn)
                                     .where(col(CheckIn.note) == note))).one()
    assert stored == 1


async def test_delete_leaves_no_trace_in_the_sqlite_files_while_the_bot_runs(tmp_path: Path) -> None:
    mark = uuid.uuid4().hex[:8]
    first_name, note = f"Quorvalenne{mark[:4]}", f"my left knee clicks like castanets {mark}"
    database = tmp_path / "aftercare.db"
    files = [database, database.with_name("aftercare.db-wal"), database.with_name("aftercare.db-shm")]
    wanted = needles(first_name, note, USER_ID)
    async with Sandbox(limits=False) as sandbox, \
            running_bot(f"sqlite:///{database}", clinics=scheduling_clinics(checkins_after=["PT2S"]),
                        sandbox=sandbox) as harness:
        harness.staff_group()
        user = sandbox.user(user_id=USER_ID, first_name=first_name, language_code="en")
        patient = await enrol(harness, user)
        await _answer_checkin_with_note(harness, user, patient, note)
        before = hits(files, wanted)
        assert {"first name", "note", "telegram id, 6-byte big-endian"} <= set(before), before  # the search works

        await user.send_text("/delete")
        prompt = await user.wait_for_message(lambda m: any("Yes, erase everything" in r for r in m.buttons),
                                             timeout=WAIT)
        await user.press("Yes, erase everything", prompt)
        await user.wait_for_message("has been erased", timeout=WAIT)
        left = hits(files, wanted)
        assert not left, f"still on disk after /delete: {left}"
        assert harness.runtime.application.running, "the bot is still running"
