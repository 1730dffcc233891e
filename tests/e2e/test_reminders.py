"""Session reminders end to end: on time, Confirm, Need to reschedule, stale and forged buttons."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.core.models import Alert, AuditEvent, MessageStatus, ScheduledMessage, SessionStatus
from tests.support.factories import (
    make_course,
    make_patient,
    messages_of,
    scheduling_clinics,
    sessions_of,
    wait_until,
)
from tests.support.harness import Harness, running_bot, sqlite_url


async def _sent(h: Harness, patient_id: int | None) -> list[ScheduledMessage]:
    rows = await messages_of(h.db, patient_id)
    return rows if rows and all(row.status == MessageStatus.SENT for row in rows) else []


async def _reminded(h: Harness, user_id: int = 5001, lead: float = 2.0):  # type: ignore[no-untyped-def]
    """A patient whose session is 30 s away, with its reminder due ``lead`` seconds from now."""
    user = h.patient(user_id=user_id)
    patient = await make_patient(h.db, user_id=user_id)
    course = await make_course(h.services, patient, [h.services.clock.now() + timedelta(seconds=30)])
    message = await user.wait_for_message("Session reminder", timeout=lead + 4)
    return user, patient, course, message


async def test_reminder_on_time_and_confirm_twice(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics(reminders_before=["PT28S"])) as h:
        user, patient, course, message = await _reminded(h)
        (row,) = await wait_until(lambda: _sent(h, patient.id))
        assert row.sent_at is not None
        assert timedelta(0) <= row.sent_at - row.due_at < timedelta(seconds=1.5)
        assert message.buttons == [["✅ Confirm"], ["📅 Need to reschedule"]]
        assert "session 1" in message.text and "Knee" in message.text

        confirm_data = message.callback_data["✅ Confirm"]
        first = await user.wait_for_callback_answer(await user.press("✅ Confirm", message))
        edited = await user.wait_for_message("You have confirmed it", edits=True, timeout=5)
        assert edited.buttons == [["📅 Need to reschedule"]]
        assert (await sessions_of(h.db, course.id))[0].status == SessionStatus.CONFIRMED
        # A second press on an old copy of the keyboard is harmless.
        second = await user.wait_for_callback_answer(
            await user.press_data(confirm_data, message.message_id))
        assert first["text"] == "Confirmed. See you then!"
        assert second["text"] == "Already confirmed."
        async with h.db.session() as session:
            events = [e.event for e in (await session.exec(select(AuditEvent))).all()]
        assert events.count("session_confirmed") == 1


async def test_reschedule_with_a_typed_time_reaches_staff(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics(reminders_before=["PT28S"])) as h:
        staff = h.staff_group()
        user, patient, _course, message = await _reminded(h)
        await user.press("📅 Need to reschedule", message)
        ask = await user.wait_for_message("When would suit you better?", timeout=5)
        assert ask.buttons == [["📞 Please contact me"]]
        await user.send_text("tomorrow 10:00")
        notice = await staff.wait_for_message("asks to reschedule session 1", timeout=5)
        assert patient.label in notice.text and "Preferred:" in notice.text and "10:00" in notice.text
        reply = await user.wait_for_message("I've asked the clinic about", timeout=5)
        assert "10:00" in reply.text
        # The flow is over: the next text is not taken as a time any more.
        async with h.db.session() as session:
            events = [(e.event, e.details) for e in (await session.exec(select(AuditEvent))).all()]
        assert ("reschedule_requested", {"session_number": 1, "preference": "time"}) in events


async def test_reschedule_contact_me_and_free_text_note(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics(reminders_before=["PT28S"])) as h:
        staff = h.staff_group()
        user, _patient, _course, message = await _reminded(h)
        await user.press("📅 Need to reschedule", message)
        await user.wait_for_message("When would suit you better?", timeout=5)
        await user.press("📞 Please contact me")
        notice = await staff.wait_for_message("Please contact the patient", timeout=5)
        assert "session 1" in notice.text
        await user.wait_for_message("the clinic will be in touch", timeout=5)

        await user.press("📅 Need to reschedule", message)
        await user.wait_for_message("When would suit you better?", timeout=5)
        await user.send_text("any afternoon <b>next</b> week")
        notice = await staff.wait_for_message("Preferred:", timeout=5)
        assert "“any afternoon <b>next</b> week” (as typed)" in notice.text  # escaped, shown verbatim


async def test_stale_forged_and_foreign_buttons_expire(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics(reminders_before=["PT28S"])) as h:
        user, _patient, course, message = await _reminded(h)
        other = h.patient(user_id=5002)
        forged = await user.wait_for_callback_answer(await user.press_data("1:rem:ok:99999", message.message_id))
        assert "expired" in forged["text"]
        garbage = await user.wait_for_callback_answer(await user.press_data("1:rem:zz:1", message.message_id))
        assert "expired" in garbage["text"]
        session_id = (await sessions_of(h.db, course.id))[0].id
        foreign = await other.wait_for_callback_answer(
            await other.press_data(f"1:rem:ok:{session_id}", message.message_id, chat=user))
        assert "expired" in foreign["text"]
        assert (await sessions_of(h.db, course.id))[0].status == SessionStatus.PLANNED


async def test_warning_signs_in_a_reschedule_note_still_reach_triage(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics(reminders_before=["PT28S"])) as h:
        staff = h.staff_group()
        user, patient, _course, message = await _reminded(h)
        await user.press("📅 Need to reschedule", message)
        await user.wait_for_message("When would suit you better?", timeout=5)
        await user.send_text("can't come, I have a fever of 39 and the knee is hot and red")
        await staff.wait_for_message("asks to reschedule session 1", timeout=5)

        async def urgent_alert() -> list[Alert]:
            async with h.db.session() as session:
                return list((await session.exec(select(Alert).where(Alert.patient_id == patient.id))).all())

        (alert,) = await wait_until(urgent_alert, within=8)
        assert alert.level in {"urgent", "emergency"}
