"""Everything a patient sends is read: captions triaged like typed text, files passed on to staff by file id."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import pytest
from sqlmodel import col, select

from bot.core.models import AuditEvent, MessageStatus, PatientMedia, ScheduledMessage
from tests.support.checkin_factories import WAIT, Scene, alerts_of, checkin_bot, checkins_of, patient_scene
from tests.support.factories import wait_until
from tests.support.harness import Harness
from tgsandbox import Message

RED_FLAG = "my knee is hot and red and there is pus coming out"
CLINIC_PHONE = "+1 555 010 2030"
AFTER_HOURS = "+1 555 010 2099"


@pytest.fixture
async def h(database_url: str) -> AsyncIterator[Harness]:
    """The bot on each configured backend (SQLite; PostgreSQL in CI)."""
    async with checkin_bot(database_url) as running:
        yield running


@pytest.fixture
async def scene(h: Harness) -> Scene:
    return await patient_scene(h)


async def media_of(h: Harness) -> list[PatientMedia]:
    async with h.db.session() as session:
        return list((await session.exec(select(PatientMedia).order_by(col(PatientMedia.id)))).all())


async def events_named(h: Harness, *names: str) -> list[AuditEvent]:
    async with h.db.session() as session:
        statement = select(AuditEvent).where(col(AuditEvent.event).in_(names)).order_by(col(AuditEvent.id))
        return list((await session.exec(statement)).all())


def is_kind(kind: str) -> Callable[[Message], bool]:
    return lambda message: message.kind == kind


async def test_a_red_flag_in_a_photo_caption_alerts_staff_with_the_photo_under_the_alert(scene: Scene) -> None:
    h, user = scene.harness, scene.user
    photo = await user.send_photo(b"knee-photo", caption=RED_FLAG)

    told = await user.wait_for_message("passed yours to your clinic team", timeout=WAIT)
    assert CLINIC_PHONE in told.text and AFTER_HOURS in told.text and "911" in told.text
    urgent = await user.wait_for_message("contact your provider today", timeout=WAIT)
    assert urgent.seq > told.seq
    alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    assert RED_FLAG in alert.text and "pus or discharge" in alert.text
    assert alert.buttons == [["Acknowledge", "Take", "Resolve"]]
    relayed = await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    assert relayed.file is not None and photo.file is not None
    assert relayed.file.file_id == photo.file.file_id and relayed.file.data == b"knee-photo"
    assert relayed.reply_to_message_id == alert.message_id
    assert relayed.caption is not None
    for detail in (f"Photo from {scene.patient.label}", "Caption triage: urgent", "the alert this replies to",
                   RED_FLAG):
        assert detail in relayed.caption

    [report] = await checkins_of(h, scene.patient)
    assert (report.kind, report.note, report.level) == ("free_text", RED_FLAG, "urgent")
    assert [a.level for a in await alerts_of(h, scene.patient)] == ["urgent"]
    [media] = await media_of(h)
    assert (media.kind, media.check_in_id, media.caption_level) == ("photo", report.id, "urgent")
    events = await events_named(h, "media_received", "media_passed_on")
    assert [e.event for e in events] == ["media_received", "media_passed_on"]
    assert events[0].details == {"media": media.id, "kind": "photo", "caption": True}
    assert "pus" not in json.dumps([e.details for e in events]) and media.file_id not in json.dumps(
        [e.details for e in events])


async def test_a_voice_note_reaches_the_staff_chat_and_the_patient_is_told_whom_to_call(scene: Scene) -> None:
    voice = await scene.user.send_voice(b"OggS-words")
    told = await scene.user.wait_for_message("listen to voice notes", timeout=WAIT)
    for detail in ("a person will listen to it", CLINIC_PHONE, "Mon-Fri 8:00-18:00", AFTER_HOURS, "911",
                   "write it in words"):
        assert detail in told.text
    relayed = await scene.staff_chat.wait_for_message(is_kind("voice"), timeout=WAIT)
    assert relayed.file is not None and voice.file is not None and relayed.file.file_id == voice.file.file_id
    assert relayed.caption is not None
    assert f"Voice note from {scene.patient.label}, not read by the bot" in relayed.caption
    assert "No caption, nothing triaged" in relayed.caption
    assert await alerts_of(scene.harness, scene.patient) == []
    [media] = await media_of(scene.harness)
    assert (media.kind, media.caption_level, media.check_in_id) == ("voice", None, None)


async def test_a_video_note_is_posted_under_its_heading_and_a_video_without_caption_is_passed_on(
        scene: Scene) -> None:
    await scene.user.send_video_note()
    await scene.user.wait_for_message("watch video messages", timeout=WAIT)
    heading = await scene.staff_chat.wait_for_message(f"Video note from {scene.patient.label}", timeout=WAIT)
    note = await scene.staff_chat.wait_for_message(is_kind("video_note"), timeout=WAIT)
    assert note.reply_to_message_id == heading.message_id

    await scene.user.send_video()
    told = await scene.user.wait_for_message("watch videos", timeout=WAIT)
    assert CLINIC_PHONE in told.text
    video = await scene.staff_chat.wait_for_message(is_kind("video"), timeout=WAIT)
    assert video.caption is not None and f"Video from {scene.patient.label}" in video.caption
    assert [m.kind for m in await media_of(scene.harness)] == ["video_note", "video"]


async def test_a_caption_with_nothing_to_triage_is_shown_to_staff_as_ok(scene: Scene) -> None:
    await scene.user.send_photo(caption="this is how it looks today")
    told = await scene.user.wait_for_message("passed yours", timeout=WAIT)
    assert "write it in words" not in told.text
    relayed = await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    assert relayed.caption is not None and relayed.reply_to_message_id is None
    assert "Caption triage: ok" in relayed.caption and "this is how it looks today" in relayed.caption
    assert [m.text for m in scene.user.messages()] == [told.text]  # no "found none here" on top
    assert await checkins_of(scene.harness, scene.patient) == []


async def test_stickers_gifs_locations_and_contacts_get_the_clinics_contact_line(scene: Scene) -> None:
    for send in (scene.user.send_sticker, scene.user.send_animation, scene.user.send_location,
                 scene.user.send_contact):
        await send()
        reply = await scene.user.wait_for_message(timeout=WAIT)
        assert "I can only read words" in reply.text and CLINIC_PHONE in reply.text and "911" in reply.text
    assert scene.staff_chat.messages() == [] and await media_of(scene.harness) == []


async def test_an_urgent_caption_while_in_a_conversation_alerts_and_the_conversation_carries_on(
        scene: Scene) -> None:
    user = scene.user
    await user.send_text("/pause")
    await user.wait_for_message(timeout=WAIT)
    await user.send_photo(caption="I have a fever of 39 and pus from the knee")
    await user.wait_for_message("contact your provider today", timeout=WAIT)
    alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    relayed = await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    assert relayed.reply_to_message_id == alert.message_id
    await user.send_text("3 days")  # the /pause question still waits for its answer
    await user.wait_for_message("Paused until", timeout=WAIT)


async def test_a_spanish_caption_is_read_in_spanish_and_staff_read_the_clinic_language(h: Harness) -> None:
    scene = await patient_scene(h, user_id=5005, language="es")
    await scene.user.send_photo(caption="tengo la rodilla caliente y me sale pus")
    told = await scene.user.wait_for_message("he pasado la suya al equipo de su clínica", timeout=WAIT)
    assert CLINIC_PHONE in told.text
    await scene.user.wait_for_message(lambda m: "hoy" in m.text and CLINIC_PHONE in m.text, timeout=WAIT)
    await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    relayed = await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    assert relayed.caption is not None and "Caption triage: urgent" in relayed.caption
    assert [m.caption_level for m in await media_of(h)] == ["urgent"]


async def test_someone_not_enrolled_gets_the_emergency_pointer_and_nothing_is_passed_on(h: Harness) -> None:
    visitor = h.sandbox.user(user_id=6201, first_name="Vic")
    await visitor.send_photo(caption="my lips are swelling and I can't breathe")
    reply = await visitor.wait_for_message(timeout=WAIT)
    assert "call your local emergency number now" in reply.text
    await visitor.send_voice()
    reply = await visitor.wait_for_message(timeout=WAIT)
    assert "only read text" in reply.text
    assert h.staff_group().messages() == [] and await media_of(h) == []


async def test_an_emergency_caption_mid_enrolment_gets_the_pointer_and_enrolment_goes_on(h: Harness) -> None:
    from tests.support.enrolment import new_invite

    patient = h.patient(user_id=6202)
    await patient.send_text(f"/start {await new_invite(h)}")
    await patient.wait_for_message(timeout=WAIT)
    await patient.press("English")
    await patient.wait_for_message("agree", timeout=WAIT)
    await patient.send_photo(caption="my lips are swelling and I can't breathe")
    reply = await patient.wait_for_message("emergency number now", timeout=WAIT)
    assert "carry on with the previous question" in reply.text
    await patient.press("I agree")
    await patient.wait_for_message("Question 1", timeout=WAIT)


async def test_an_edited_caption_is_read_again(scene: Scene) -> None:
    photo = await scene.user.send_photo(caption="my knee today")
    await scene.user.wait_for_message("passed yours", timeout=WAIT)
    await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    await scene.user.edit_caption(photo.message_id, RED_FLAG)
    await scene.user.wait_for_message("contact your provider today", timeout=WAIT)
    await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    assert [m.kind for m in scene.staff_chat.messages()].count("photo") == 1  # not sent again


async def test_photos_sent_together_are_all_passed_on_and_the_patient_is_told_once(scene: Scene) -> None:
    for index in range(3):
        await scene.user.send_photo(f"knee-{index}".encode(), caption="my knee" if index == 0 else None,
                                    album="album-7")
    for _ in range(3):
        await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    told = [m for m in scene.user.messages() if "passed yours" in m.text]
    assert len(told) == 1


async def test_a_relay_that_fails_is_retried_until_staff_get_it(scene: Scene) -> None:
    h = scene.harness
    h.sandbox.inject("5xx", count=2, method="sendPhoto")
    await scene.user.send_photo(b"retried")
    await scene.user.wait_for_message("passed yours", timeout=WAIT)
    relayed = await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    assert relayed.file is not None and relayed.file.data == b"retried"

    async def delivered() -> ScheduledMessage | None:
        async with h.db.session() as session:
            row = (await session.exec(select(ScheduledMessage).where(ScheduledMessage.kind == "relay"))).one()
        return row if row.status == MessageStatus.SENT else None

    assert (await wait_until(delivered)).attempts == 3


async def test_the_file_reaches_staff_even_when_answering_its_caption_fails(scene: Scene) -> None:
    h = scene.harness
    h.sandbox.inject("5xx", count=2, method="sendMessage", chat_id=scene.patient.chat_id)
    await scene.user.send_photo(b"still-sent", caption="should I call if the knee gets hot?")
    relayed = await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    assert relayed.file is not None and relayed.file.data == b"still-sent"
    assert relayed.caption is not None and "should I call if the knee gets hot?" in relayed.caption


async def test_the_console_timeline_shows_the_photo_and_its_caption_triage(scene: Scene) -> None:
    from tests.support.console import ConsoleClient, signed_in

    h = scene.harness
    await scene.user.send_photo(caption=RED_FLAG)
    await scene.staff_chat.wait_for_message(is_kind("photo"), timeout=WAIT)
    await scene.user.send_voice()
    await scene.staff_chat.wait_for_message(is_kind("voice"), timeout=WAIT)
    async with ConsoleClient(h) as client:
        await signed_in(h, client)
        page = await client.get(f"/console/patients/{scene.patient.label}")
    assert page.status == 200
    assert "photo sent (caption triage: <b>urgent</b>)" in page.text
    assert "voice note sent (no caption, not read by the bot)" in page.text
    staff = h.staff()
    await staff.send_text(f"/patient {scene.patient.label}")
    shown = await staff.wait_for_message(lambda m: "Timeline" in m.text, timeout=WAIT)
    assert "photo sent (caption triage: urgent)" in shown.text

