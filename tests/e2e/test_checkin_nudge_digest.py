"""Unanswered check-ins: one nudge each, and two in a row put the patient on the staff's daily digest."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.core.clock import ShiftedClock
from bot.core.models import MessageKind, MessageStatus, ScheduledMessage
from tests.support.checkin_factories import (
    WAIT,
    checkin_bot,
    checkin_clinics,
    checkins_of,
    due_message,
    edited_to,
    patient_scene,
)
from tests.support.clock import PINNED_NOW
from tests.support.factories import make_course, make_patient, wait_until
from tests.support.harness import sqlite_url

CLINIC_ZONE = "America/New_York"


def _just_before_eight() -> ShiftedClock:
    """A clock reading 07:59:51 clinic time on the pinned day, so the 08:00 digest is nine seconds away."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(CLINIC_ZONE)
    today = PINNED_NOW.astimezone(zone).date()
    return ShiftedClock(datetime.combine(today, datetime.min.time(), zone) + timedelta(hours=7, minutes=59,
                                                                                          seconds=51))


async def test_nudge_then_digest_lists_two_unanswered_checkins(database_url: str) -> None:
    clock = _just_before_eight()
    clinics = checkin_clinics(nudge_after="PT1S", digest_at="08:00")
    async with checkin_bot(database_url, clinics=clinics, clock=clock) as h:
        scene = await patient_scene(h)
        other = await make_patient(h.db, user_id=5009)
        soon = h.services.clock.now() + timedelta(hours=3)
        await make_course(h.services, other, [soon], sync=False)

        first = await scene.send_checkin()
        nudge = await scene.user.wait_for_message("gentle reminder", timeout=WAIT)
        assert nudge.reply_to_message_id == first.message_id
        await due_message(h, scene.patient, MessageKind.CHECKIN, in_seconds=0.5)
        await scene.user.wait_for_message("How sore", timeout=WAIT)
        await scene.user.wait_for_message("gentle reminder", timeout=WAIT)
        statuses = [c.status for c in await checkins_of(h, scene.patient)]
        assert statuses == ["missed", "open"]

        digest = await scene.staff_chat.wait_for_message("Daily digest", timeout=WAIT * 2)
        assert "Unanswered check-ins" in digest.text
        assert f"{scene.patient.label} · Knee · 2 unanswered" in digest.text
        assert "Sessions in the next 24 hours" in digest.text and other.label in digest.text

        async def today_sent_tomorrow_planned() -> bool:
            async with h.db.session() as session:
                rows = (await session.exec(select(ScheduledMessage).where(
                    ScheduledMessage.kind == MessageKind.DIGEST))).all()
            return sorted(r.status for r in rows) == [MessageStatus.PENDING, MessageStatus.SENT]

        await wait_until(today_sent_tomorrow_planned, within=WAIT)
        await h.restart()
        await asyncio.sleep(1.0)
        assert len([m for m in scene.staff_chat.messages() if "Daily digest" in m.text]) == 1, "never twice"


async def test_an_answered_checkin_gets_no_nudge(tmp_path: Path) -> None:
    async with checkin_bot(sqlite_url(tmp_path), clinics=checkin_clinics(nudge_after="PT2S")) as h:
        scene = await patient_scene(h)
        question = await scene.send_checkin()
        for label, next_marker in (("1", "swelling"), ("None", "Do you have any"),
                                   ("✅ None of these · Done", "Anything else")):
            await scene.user.press(label, question)
            await scene.user.wait_for_message(edited_to(next_marker), edits=True, after=question, timeout=WAIT)
        await asyncio.sleep(3.0)  # past nudge_after
        assert not [m for m in scene.user.messages() if "reminder" in m.text or "almost done" in m.text]
        async with h.db.session() as session:
            nudges = (await session.exec(select(ScheduledMessage).where(
                ScheduledMessage.kind == MessageKind.NUDGE))).all()
        assert [n.status for n in nudges] == [MessageStatus.CANCELLED]


async def test_a_half_answered_checkin_that_is_already_urgent_escalates_at_nudge_time(tmp_path: Path) -> None:
    async with checkin_bot(sqlite_url(tmp_path), clinics=checkin_clinics(nudge_after="PT1S")) as h:
        scene = await patient_scene(h)
        question = await scene.send_checkin()
        await scene.user.press("5", question)
        await scene.user.wait_for_message(edited_to("swelling"), edits=True, after=question, timeout=WAIT)
        await scene.user.press("Severe", question)
        await scene.user.wait_for_message("contact your provider today", timeout=WAIT)
        await scene.user.wait_for_message("almost done", timeout=WAIT)
        alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
        assert "severe swelling" in alert.text
