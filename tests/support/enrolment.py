"""Invites and a full enrolment through the sandbox, for any test that needs a patient.

``enrol(harness, patient)`` walks the real conversation with buttons, so tests
of later features start from exactly the state a real patient would be in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.core.models import Course, Patient, TreatmentSession
from bot.enrolment.invites import create_invite
from tests.support.harness import Harness
from tgsandbox import Message

WAIT = 10.0


async def new_invite(harness: Harness, area: str | None = "knee", *, now: datetime | None = None,
                     **options: Any) -> str:
    """A fresh invite token for the test clinic (``options`` as for ``create_invite``).

    ``now`` backdates the invite (a P14D invite made 15 days ago has expired).
    """
    async with harness.db.session() as session:
        issued = await create_invite(
            session, harness.clinic, area, bot_username=harness.services.bot_username,
            now=now or harness.services.clock.now(), created_by="test", **options,
        )
    return issued.token


async def expect(user: Any, text: str, within: float = WAIT) -> Message:
    """The next bot message containing ``text`` (earlier unread ones are skipped)."""
    message: Message = await user.wait_for_message(text, timeout=within)
    return message


async def enrol(
    harness: Harness,
    user: Any,
    *,
    area: str | None = "knee",
    first_session: str = "in 3 days 10:00",
    flagged: bool = False,
    **invite_options: Any,
) -> Patient:
    """Enrol ``user`` in English with buttons; returns the stored patient.

    ``first_session`` is typed as is unless it is the default, in which case
    the day button three days ahead and the 10:00 button are pressed.
    """
    token = await new_invite(harness, area, **invite_options)
    await user.send_text(f"/start {token}")
    if len(harness.clinic.languages) > 1:
        await expect(user, "choose your language")
        await user.press("English")
    await expect(user, "Do you agree")
    await user.press("I agree")
    for _ in range(3):
        await expect(user, "Question")
        await user.press("Yes" if flagged else "No")
    if area is None:
        await expect(user, "Which area")
        await user.press("Knee")
    await expect(user, "Which time zone")
    await user.press(lambda b: str(b.get("text", "")).startswith("Same as clinic"))
    if "first_session_at" not in invite_options:
        await expect(user, "When is your first session")
        if first_session == "in 3 days 10:00":
            await user.press(by_data(f"1:first:day:{local_day(harness, 3):%Y%m%d}"))
            await expect(user, "What time")
            await user.press(by_data("1:first:time:1000"))
        else:
            await user.send_text(first_session)
        await expect(user, "Is that right")
        await user.press("Yes, that's right")
    await expect(user, "You're enrolled")
    found = await stored_patient(harness, user.user.id)
    assert found is not None
    return found


def plain(message: Message) -> str:
    """The message text with babel's narrow no-break spaces ("10:00\u202fAM") made plain."""
    return message.text.replace("\u202f", " ").replace("\xa0", " ")


def by_data(data: str) -> Any:
    """A ``press`` predicate matching a button by its callback data."""
    return lambda button: button.get("callback_data") == data


def local_day(harness: Harness, days_ahead: int) -> date:
    """The clinic's local date ``days_ahead`` from now (the day buttons' dates)."""
    now = harness.services.clock.now().astimezone(harness.clinic.tz)
    return (now + timedelta(days=days_ahead)).date()


async def stored_patient(harness: Harness, telegram_user_id: int) -> Patient | None:
    async with harness.db.session() as session:
        statement = select(Patient).where(Patient.telegram_user_id == telegram_user_id)
        return (await session.exec(statement)).first()


async def stored_sessions(harness: Harness, patient_id: int) -> list[datetime]:
    """The patient's session times (UTC), in order."""
    async with harness.db.session() as session:
        course = (await session.exec(select(Course).where(Course.patient_id == patient_id))).one()
        statement = (select(TreatmentSession).where(TreatmentSession.course_id == course.id)
                     .order_by(col(TreatmentSession.number)))
        return [row.scheduled_at for row in (await session.exec(statement)).all()]
