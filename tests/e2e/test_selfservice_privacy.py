"""/stop, /delete and /export end to end, in English and Spanish.

The deletion test searches every column of every table (``SQLModel.metadata``)
for the patient's Telegram id, name, note and screening flag.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, col, select

from bot.core.models import AuditEvent, MessageStatus, Patient, PatientStatus, ScheduledMessage
from bot.selfservice.privacy import EXPORT_FORMAT
from tests.support.enrolment import enrol
from tests.support.factories import messages_of
from tests.support.harness import Harness
from tests.support.selfservice_seed import NOTE, seed_patient

WAIT = 10.0
LANGUAGES = ["en", "es"]
USER_ID = 7_700_123_457
BYSTANDER_ID = 7_700_123_999
STOP = {"en": ("Yes, stop", "No, keep going"), "es": ("Sí, dejarlo", "No, continuar")}
DELETE = {"en": ("Yes, erase everything", "No, keep my data"), "es": ("Sí, borrarlo todo", "No, conservar mis datos")}
NO_DATA = {"en": "don't hold any data", "es": "No guardo ningún dato"}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_stop_after_confirmation_cancels_everything_and_tells_staff(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, user_id=USER_ID, language=language)
    pending = [m for m in await messages_of(harness.db, seeded.patient.id) if m.status == MessageStatus.PENDING]
    assert pending, "the seeded course should have reminders and check-ins waiting"
    staff = harness.staff_group()
    user = harness.patient(user_id=USER_ID, language_code=language)
    await user.send_text("/stop")
    prompt = await user.wait_for_message(timeout=WAIT)
    assert prompt.buttons == [list(STOP[language])]
    await user.press(STOP[language][0])
    done = await user.wait_for_message({"en": "left the programme", "es": "Ha dejado el programa"}[language],
                                       timeout=WAIT)
    assert {"en": "new invite link", "es": "nuevo enlace de invitación"}[language] in done.text
    rows = await messages_of(harness.db, seeded.patient.id)
    assert not [m for m in rows if m.status == MessageStatus.PENDING]
    async with harness.db.session() as session:
        row = await session.get(Patient, seeded.patient.id)
    assert row is not None and row.status == PatientStatus.STOPPED
    notice = await staff.wait_for_message(seeded.patient.label, timeout=WAIT)
    assert f"{len(pending)} pending messages were cancelled" in notice.text
    await user.send_text("/status")
    await user.wait_for_message({"en": "not enrolled", "es": "no está inscrito"}[language], timeout=WAIT)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_stop_declined_or_not_enrolled_changes_nothing(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, user_id=USER_ID, language=language)
    user = harness.patient(user_id=USER_ID, language_code=language)
    await user.send_text("/stop")
    await user.wait_for_message(timeout=WAIT)
    await user.press(STOP[language][1])
    kept = await user.wait_for_message({"en": "nothing has changed", "es": "no ha cambiado nada"}[language],
                                       timeout=WAIT)
    assert kept.buttons == []
    async with harness.db.session() as session:
        row = await session.get(Patient, seeded.patient.id)
    assert row is not None and row.status == PatientStatus.ACTIVE
    stranger = harness.patient(user_id=5095, language_code=language)
    await stranger.send_text("/stop")
    assert {"en": "not enrolled", "es": "no está inscrito"}[language] in \
        (await stranger.wait_for_message(timeout=WAIT)).text


async def test_a_new_invite_enrols_a_stopped_patient_again(harness: Harness) -> None:
    first = (await seed_patient(harness.services, user_id=USER_ID)).patient
    user = harness.patient(user_id=USER_ID)
    await user.send_text("/stop")
    await user.wait_for_message("Stop the programme?", timeout=WAIT)
    await user.press("Yes, stop")
    await user.wait_for_message("left the programme", timeout=WAIT)
    await enrol(harness, user)
    async with harness.db.session() as session:
        rows = (await session.exec(select(Patient).where(Patient.telegram_user_id == USER_ID)
                                   .order_by(col(Patient.id)))).all()
    assert [(r.id, r.status) for r in rows] == [(first.id, PatientStatus.STOPPED), (rows[1].id, PatientStatus.ACTIVE)]
    await user.send_text("/status")
    await user.wait_for_message("Next session", timeout=WAIT)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_export_sends_a_json_document_with_sessions_and_answers(harness_any_db: Harness, language: str) -> None:
    harness = harness_any_db  # SQLite, and PostgreSQL when configured
    seeded = await seed_patient(harness.services, user_id=USER_ID, language=language)
    user = harness.patient(user_id=USER_ID, language_code=language)
    await user.send_text("/export")
    document = await user.wait_for_message(lambda m: m.kind == "document", timeout=WAIT)
    assert document.file is not None and document.file.filename.endswith(".json")
    assert {"en": "All the data I hold", "es": "Todos los datos que guardo"}[language] in document.text
    data = json.loads(document.document or b"")
    assert data["format"] == EXPORT_FORMAT and data["telegram_user_id"] == USER_ID
    [enrolment] = data["enrolments"]
    assert enrolment["patient"]["label"] == seeded.patient.label
    assert enrolment["patient"]["first_name"] == seeded.patient.first_name
    assert [s["number"] for s in enrolment["courses"][0]["sessions"]] == [1, 2, 3, 4]
    assert [(c["soreness"], c["swelling"]) for c in enrolment["check_ins"]] == [(6, "moderate"), (4, "mild")]
    assert enrolment["check_ins"][1]["note"] == NOTE
    assert enrolment["scheduled_messages"] and enrolment["alerts"][0]["level"] == "watch"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_export_and_delete_with_no_data(harness: Harness, language: str) -> None:
    user = harness.patient(user_id=5094, language_code=language)
    for command in ("/export", "/delete"):
        await user.send_text(command)
        assert NO_DATA[language] in (await user.wait_for_message(timeout=WAIT)).text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_delete_declined_keeps_the_data(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, user_id=USER_ID, language=language)
    user = harness.patient(user_id=USER_ID, language_code=language)
    await user.send_text("/delete")
    prompt = await user.wait_for_message(timeout=WAIT)
    assert prompt.buttons == [[DELETE[language][0]], [DELETE[language][1]]]
    await user.press(DELETE[language][1])
    await user.wait_for_message({"en": "Nothing was deleted", "es": "No se ha borrado nada"}[language], timeout=WAIT)
    async with harness.db.session() as session:
        row = await session.get(Patient, seeded.patient.id)
    assert row is not None and row.telegram_user_id == USER_ID


@pytest.mark.parametrize("language", LANGUAGES)
async def test_delete_leaves_no_personal_data_in_any_table(harness_any_db: Harness, language: str) -> None:
    harness = harness_any_db  # SQLite, and PostgreSQL when configured
    seeded = await seed_patient(harness.services, user_id=USER_ID, language=language)
    bystander = await seed_patient(harness.services, user_id=BYSTANDER_ID, first_name="Bystander",
                                   note="Bystander's own note", flags=("allergy",))
    staff = harness.staff_group()
    user = harness.patient(user_id=USER_ID, language_code=language)
    await user.send_text("/pause")  # leaves conversation state behind, which must go too
    await user.wait_for_message(timeout=WAIT)
    await user.send_text("/delete")
    await user.wait_for_message(timeout=WAIT)
    await user.press(DELETE[language][0])
    await user.wait_for_message({"en": "has been erased", "es": "se han borrado"}[language], timeout=WAIT)
    await staff.wait_for_message(lambda m: seeded.patient.label in m.text and "erased" in m.text, timeout=WAIT)

    cells = await _every_cell(harness)
    for needle in (str(USER_ID), "Zyx", "zq17", "stiff", "blood_thinners"):
        leaks = [(table, column) for table, column, value in cells if needle in value]
        assert not leaks, f"{needle!r} still stored in {leaks}"
    label_cells = {(table, column) for table, column, value in cells if value == seeded.patient.label}
    assert label_cells == {("patient", "label"), ("audit_event", "patient_label")}
    async with harness.db.session() as session:
        events = (await session.exec(select(AuditEvent).where(AuditEvent.patient_label == seeded.patient.label))).all()
        tombstone = await session.get(Patient, seeded.patient.id)
        kept = (await session.exec(select(ScheduledMessage).where(
            ScheduledMessage.patient_id == bystander.patient.id))).all()
    assert [e.event for e in events] == ["patient_deleted"]
    assert tombstone is not None and tombstone.status == PatientStatus.DELETED
    assert kept, "another patient's data must be untouched"
    assert str(BYSTANDER_ID) in {value for _, _, value in cells}
    await user.send_text("/export")
    assert NO_DATA[language] in (await user.wait_for_message(timeout=WAIT)).text


async def _every_cell(harness: Harness) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every non-null cell in the database."""
    found: list[tuple[str, str, str]] = []
    async with harness.db.session() as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            result = await connection.execute(sa_select(table))
            for row in result.mappings():
                found.extend((table.name, column, _text(value)) for column, value in row.items()
                             if value is not None)
    return found


def _text(value: Any) -> str:
    return json.dumps(value, default=str) if isinstance(value, dict | list) else str(value)
