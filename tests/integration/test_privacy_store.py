"""Export and erasure queries on every database backend (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import col, select

from bot.core.db import Database
from bot.core.models import (
    AuditEvent,
    ChatState,
    CheckIn,
    Invite,
    Patient,
    PatientMedia,
    PatientStatus,
    ScheduledMessage,
)
from bot.selfservice import privacy
from tests.support.factories import make_services
from tests.support.selfservice_seed import NOTE, seed_patient

USER_ID = 7_700_555_001
NOW = datetime.now(UTC)


async def test_export_holds_every_enrolment_and_erase_leaves_a_tombstone(db: Database) -> None:
    services = make_services(db)
    seeded = await seed_patient(services, user_id=USER_ID)
    other = await seed_patient(services, user_id=USER_ID + 1, note="someone else", flags=("allergy",))
    async with db.session() as session:
        session.add(ChatState(chat_id=USER_ID, flow="pause", step="duration", user_id=USER_ID))
    async with db.session() as session:
        data = await privacy.export_user(session, USER_ID, USER_ID, NOW)
    assert data is not None
    text = json.dumps(data)
    assert NOTE in text and "someone else" not in text and data["chat_state"]["flow"] == "pause"

    async with db.session() as session:
        erased = await privacy.erase_user(session, USER_ID, USER_ID, NOW)
    assert [(e.clinic_id, e.label) for e in erased] == [(seeded.patient.clinic_id, seeded.patient.label)]
    async with db.session() as session:
        tombstone = await session.get(Patient, seeded.patient.id)
        assert tombstone is not None and tombstone.status == PatientStatus.DELETED
        assert (tombstone.telegram_user_id, tombstone.chat_id, tombstone.first_name, tombstone.flags) == \
            (None, None, None, [])
        assert not (await session.exec(select(CheckIn).where(CheckIn.patient_id == seeded.patient.id))).all()
        assert await session.get(ChatState, USER_ID) is None
        invite = (await session.exec(select(Invite).where(col(Invite.token_hash).contains(seeded.patient.label)))).one()
        assert invite.patient_id is None and invite.used_at is not None
        events = (await session.exec(select(AuditEvent))).all()
        assert not [e for e in events if str(USER_ID) in json.dumps(e.details) + e.actor]
        assert [e.event for e in events if e.patient_label == seeded.patient.label] == ["patient_deleted"]
        kept = (await session.exec(select(ScheduledMessage).where(
            ScheduledMessage.patient_id == other.patient.id))).all()
        assert kept
        assert await privacy.export_user(session, USER_ID, USER_ID, NOW) is None


async def test_files_a_patient_sent_are_exported_and_erased(db: Database) -> None:
    """The Telegram file ids of a patient's photos and voice notes, and their relays, go with /delete."""
    services = make_services(db)
    seeded = await seed_patient(services, user_id=USER_ID)
    other = await seed_patient(services, user_id=USER_ID + 1)
    async with db.session() as session:
        for owner, checkin in ((seeded.patient, seeded.check_ins[1]), (other.patient, other.check_ins[1])):
            media = PatientMedia(patient_id=owner.id or 0, clinic_id=owner.clinic_id, kind="photo",
                                 file_id=f"FILE-{owner.label}-zq", check_in_id=checkin.id, caption_level="ok",
                                 received_at=NOW)
            session.add(media)
            await session.flush()
            session.add(ScheduledMessage(patient_id=owner.id, clinic_id=owner.clinic_id, kind="relay",
                                         dedupe_key=f"relay:{media.id}", due_at=NOW, status="sent",
                                         payload={"media_id": media.id}))
    async with db.session() as session:
        data = await privacy.export_user(session, USER_ID, USER_ID, NOW)
    assert data is not None
    [media] = data["enrolments"][0]["media"]
    assert (media["kind"], media["caption_level"]) == ("photo", "ok")
    assert media["file_id"] == f"FILE-{seeded.patient.label}-zq"

    async with db.session() as session:
        await privacy.erase_user(session, USER_ID, USER_ID, NOW)
    async with db.session() as session:
        left = (await session.exec(select(PatientMedia))).all()
        assert [m.patient_id for m in left] == [other.patient.id]
        relays = (await session.exec(select(ScheduledMessage).where(ScheduledMessage.kind == "relay"))).all()
        assert [r.patient_id for r in relays] == [other.patient.id]


async def test_staff_notes_and_the_outcome_of_an_alert_are_exported_and_erased(db: Database) -> None:
    """How staff handled an alert is health data about the patient: in /export, gone with /delete."""
    from bot.checkins import alert_handling
    from bot.core.models import Alert, AlertNote, AlertOutcome

    services = make_services(db)
    seeded = await seed_patient(services, user_id=USER_ID)
    other = await seed_patient(services, user_id=USER_ID + 1)
    who = alert_handling.Staffer(900001, "Dr. Rivera", "console")
    async with db.session() as session:
        for owner, words in ((seeded.patient, "rang her, ER tonight"), (other.patient, "the other one")):
            alert = (await session.exec(select(Alert).where(Alert.patient_id == owner.id))).one()
            await alert_handling.add_note(session, alert, who, words, NOW)
            await alert_handling.resolve(session, alert, who, AlertOutcome.EMERGENCY, f"closing: {words}", NOW)
    async with db.session() as session:
        data = await privacy.export_user(session, USER_ID, USER_ID, NOW)
    assert data is not None
    [alert_data] = data["enrolments"][0]["alerts"]
    assert alert_data["outcome"] == "emergency" and alert_data["outcome_note"] == "closing: rang her, ER tonight"
    assert [n["text"] for n in alert_data["notes"]] == ["rang her, ER tonight"]
    assert "Dr. Rivera" not in json.dumps(data) and "900001" not in json.dumps(alert_data), "staff stay out"

    async with db.session() as session:
        await privacy.erase_user(session, USER_ID, USER_ID, NOW)
    async with db.session() as session:
        notes = (await session.exec(select(AlertNote))).all()
        assert [n.text for n in notes] == ["the other one"]
        assert not (await session.exec(select(Alert).where(Alert.patient_id == seeded.patient.id))).all()
        events = (await session.exec(select(AuditEvent).where(col(AuditEvent.event).startswith("alert_")))).all()
        assert events and not [e for e in events if "rang her" in json.dumps(e.details)]
