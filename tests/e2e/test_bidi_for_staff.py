"""Patient text cannot lie to staff: bidirectional controls show as ``[U+202E]`` wherever staff read it.

A right-to-left override turns "pus ‮detcefni ton‬" into what reads as "pus not
infected" on screen. Each surface where staff read patients' words gets such
a text and must show the markers, never the control characters: the staff
chat's alert, a reschedule request, ``/patient`` in Telegram, the console's
pages. (``aftercare patient`` on the command line shows no patient text.)
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from messages.bidi import BIDI_CONTROLS
from tests.support.checkin_factories import WAIT, checkin_bot, patient_scene
from tests.support.console import LINK, ConsoleClient, patient_with_history, signed_in
from tests.support.factories import make_course, make_patient, scheduling_clinics
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.staff_factories import add_checkin, ask, patient_mid_course

TRICK = "there is pus \u202edetcefni ton\u202c and \u2067fever\u2069 \u200f\u061c"
SHOWN = "there is pus [U+202E]detcefni ton[U+202C] and [U+2067]fever[U+2069] [U+200F][U+061C]"


def assert_neutralised(text: str) -> None:
    assert SHOWN in text, text
    assert not set(BIDI_CONTROLS) & set(text), [hex(ord(c)) for c in text if c in BIDI_CONTROLS]


async def test_the_staff_chat_alert_shows_the_markers(database_url: str) -> None:
    async with checkin_bot(database_url) as harness:
        scene = await patient_scene(harness)
        await scene.user.send_text(TRICK)
        await scene.user.wait_for_message("contact your provider today", timeout=WAIT)
        alert = await scene.staff_chat.wait_for_message("URGENT", timeout=WAIT)
        assert_neutralised(alert.text)


async def test_a_reschedule_request_shows_the_markers(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), clinics=scheduling_clinics(reminders_before=["PT28S"])) as h:
        staff = h.staff_group()
        user = h.patient(user_id=5001)
        patient = await make_patient(h.db, user_id=5001)
        await make_course(h.services, patient, [h.services.clock.now() + timedelta(seconds=30)])
        reminder = await user.wait_for_message("Session reminder", timeout=WAIT)
        await user.press("📅 Need to reschedule", reminder)
        await user.wait_for_message("When would suit you better?", timeout=WAIT)
        await user.send_text("any day but \u202eyadnom\u202c please")
        notice = await staff.wait_for_message("Preferred:", timeout=WAIT)
        assert "any day but [U+202E]yadnom[U+202C] please" in notice.text
        assert "\u202e" not in notice.text


async def _patient_with_note(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    given = scenario.sessions[0]
    assert given.done_at is not None
    await add_checkin(harness.db, scenario.patient, given.done_at + timedelta(hours=6), soreness=5,
                      level="ok", session_id=given.id, note=TRICK)


async def test_the_patient_timeline_in_telegram_shows_the_markers(harness: Harness) -> None:
    await _patient_with_note(harness)
    timeline = await ask(harness.staff(), "/patient R-0001")
    assert_neutralised(timeline.text)


@pytest.mark.parametrize("path", ["/console/", "/console/patients/R-0001"])
async def test_console_pages_show_the_markers(harness: Harness, path: str) -> None:
    await patient_with_history(harness, note=TRICK)
    async with ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        page = await browser.get(path)
    assert page.status == 200
    assert_neutralised(page.text)


async def test_a_staff_members_own_name_in_the_console_is_neutralised_too(harness: Harness) -> None:
    """Names come from Telegram accounts: a staff name is text someone else typed, like a patient's."""
    staff = harness.sandbox.user(user_id=900002, first_name="Ana \u202eZ\u202c", language_code="en")
    await staff.send_text("/console")
    message = await staff.wait_for_message("/console/login/", timeout=WAIT)
    link = LINK.search(message.text)
    assert link is not None
    async with ConsoleClient(harness) as browser:
        today = await browser.sign_in(link.group(0))
    assert "Ana [U+202E]Z[U+202C]" in today.text and "\u202e" not in today.text
