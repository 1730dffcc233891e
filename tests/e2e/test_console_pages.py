"""The console's pages show staff what they need, only for their own clinic, never a Telegram id.

Two clinics share one bot here (Riverside, labels R-…, and Hillside, labels
H-…), each with a patient who has answers and an open alert, so every page is
checked against what the other clinic must not see.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.core.models import Alert, AuditEvent, MessageKind, Patient, ScheduledMessage, SessionStatus
from messages.render import format_when
from tests.support.clinic import STAFF_USER_ID
from tests.support.clock import PINNED_NOW
from tests.support.console import (
    OTHER_PATIENT_TELEGRAM_ID,
    OTHER_STAFF_ID,
    PATIENT_TELEGRAM_ID,
    ConsoleClient,
    patient_with_history,
    signed_in,
    two_clinics,
)
from tests.support.factories import make_course, make_patient, reload
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.staff_factories import add_checkin, audit_events

FIRST_SESSION = (PINNED_NOW + timedelta(days=40)).astimezone(ZoneInfo("Europe/Madrid")).replace(
    hour=7, minute=30, second=0, microsecond=0)  # 07:30 in Madrid: the next morning's check-in is in quiet hours
PREVIEW = f"/console/schedules?area=knee&first={FIRST_SESSION:%Y-%m-%dT%H:%M}&tz=Europe/Madrid"
PAGES = ("/console/", "/console/patients", "/console/patients/R-0001", PREVIEW, "/console/audit")


def plain(text: str) -> str:
    return text.replace("\u202f", " ")


@pytest.fixture
async def clinics(tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot with two clinics; R-0001 (urgent alert) at Riverside, H-0001 (emergency) at Hillside."""
    async with running_bot(sqlite_url(tmp_path), clinics=two_clinics()) as harness:
        harness.sandbox.set_limits(chat_capacity=60)
        await patient_with_history(harness)
        other = await make_patient(harness.db, clinic_id="hillside", label="H-0001",
                                   user_id=OTHER_PATIENT_TELEGRAM_ID, timezone="Europe/Madrid")
        now = harness.services.clock.now()
        await make_course(harness.services, other, [now + timedelta(hours=3)], planned_sessions=3)
        await add_checkin(harness.db, other, now - timedelta(minutes=5), soreness=9, level="emergency")
        async with harness.db.session() as session:
            session.add(Alert(clinic_id="hillside", patient_id=other.id or 0, level="emergency",
                              signs=["breathing"], created_at=now))
            session.add(AuditEvent(clinic_id="hillside", patient_label="H-0001", event="hillside_only_event"))
        yield harness


async def test_today_lists_alerts_by_urgency_answers_waiting_checkins_and_sessions(clinics: Harness) -> None:
    now = clinics.services.clock.now()
    second = await patient_with_history(clinics, label="R-0002", user_id=5002, alert_level="emergency")
    await add_checkin(clinics.db, second.patient, now - timedelta(hours=1), status="open", level=None)
    later = await make_patient(clinics.db, label="R-0003", user_id=5003)
    await make_course(clinics.services, later, [(now + timedelta(days=1), SessionStatus.CONFIRMED)])
    async with ConsoleClient(clinics) as browser:
        today = await signed_in(clinics, browser)
    text = today.text
    assert today.status == 200
    assert text.index("R-0002") < text.index('href="/console/patients/R-0001"')  # emergency before urgent
    assert text.count('action="/console/alerts/') == 2 and "Acknowledge" in text
    answered = text.split("Check-ins answered today")[1].split("Waiting for an answer")[0]
    assert "soreness 8/10" in answered and "level-urgent" in answered and "level-emergency" in answered
    assert "Hot &lt;b&gt;knee&lt;/b&gt; &amp; red" in answered  # a patient's note is text, never markup
    waiting = text.split("Waiting for an answer")[1].split("Sessions")[0]
    assert "R-0002" in waiting and "R-0001" not in waiting
    tomorrow = text.split("Tomorrow ·")[1]
    assert "R-0003" in tomorrow and "confirmed" in tomorrow
    assert "H-0001" not in text and "breathing" not in text.lower()


async def test_patients_list_filters_and_pages(clinics: Harness) -> None:
    for number in range(2, 24):
        await make_patient(clinics.db, label=f"R-{number:04d}", user_id=6000 + number)
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        first = await browser.get("/console/patients")
        assert first.status == 200 and "Page 1 of 2" in first.text and "R-0020" in first.text
        assert "R-0021" not in first.text and 'href="/console/patients?page=2"' in first.text
        second = await browser.get("/console/patients?page=2")
        assert "R-0023" in second.text and "Page 2 of 2" in second.text
        for query in ("level=urgent", "flag=screen_bleeding", "flag=any", "area=knee&status=active"):
            narrowed = await browser.get(f"/console/patients?{query}")
            assert re.findall(r'class="label" href="/console/patients/(R-\d+)"', narrowed.text) == ["R-0001"], query
        none = await browser.get("/console/patients?level=emergency")
        assert "No patient matches" in none.text
        stale = await browser.get("/console/patients?level=bogus&page=x")
        assert stale.status == 200 and "Page 1 of 2" in stale.text
    viewed = await audit_events(clinics.db, "console_patients_viewed")
    assert viewed and all(e.actor == f"staff:{STAFF_USER_ID}" for e in viewed)


async def test_patient_page_shows_course_answers_alerts_chart_and_planned_messages(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        page = await browser.get("/console/patients/r-0001")  # labels are case-insensitive
        assert page.status == 200
        for expected in ("Session 1", "soreness 6/10", "swelling moderate", "fever or chills", "open",
                         "bleeding disorder", "What the bot will send", "session reminder", "Book"):
            assert expected in page.text, expected
        assert '<img class="chart" src="/console/patients/R-0001/chart.png"' in page.text
        status, png, headers = await browser.get_bytes("/console/patients/R-0001/chart.png")
        assert status == 200 and png.startswith(b"\x89PNG") and headers["Content-Type"] == "image/png"
        missing = await browser.get("/console/patients/R-0999")
        assert missing.status == 404 and "no patient R-0999" in missing.text
    viewed = await audit_events(clinics.db, "console_patient_viewed")
    assert [(e.patient_label, e.actor) for e in viewed] == [("R-0001", f"staff:{STAFF_USER_ID}")]


async def test_an_answered_checkin_has_no_reminder_in_what_the_bot_will_send(clinics: Harness) -> None:
    """Its nudge row waits until due (then the sender skips it); staff must not read it as still coming."""
    async with clinics.db.session() as session:
        patient = (await session.exec(select(Patient).where(Patient.label == "R-0001"))).one()
    now = clinics.services.clock.now()
    answered = await add_checkin(clinics.db, patient, now - timedelta(hours=1), soreness=2)
    waiting = await add_checkin(clinics.db, patient, now - timedelta(minutes=10), status="open", level=None)
    async with clinics.db.session() as session:
        for checkin, hours in ((answered, 2), (waiting, 5)):
            session.add(ScheduledMessage(patient_id=patient.id, clinic_id="riverside", kind=MessageKind.NUDGE,
                                         dedupe_key=f"checkin:{checkin.id}:nudge", due_at=now + timedelta(hours=hours),
                                         payload={"checkin_id": checkin.id}))
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        page = await browser.get("/console/patients/R-0001")
    planned = page.text.split('id="planned-h"', 1)[1].split("</ul>", 1)[0]
    assert planned.count("check-in reminder") == 1  # only the open check-in's
    assert format_when(now + timedelta(hours=5), clinics.clinic.tz, "en").replace("\u202f", " ") in plain(planned)


async def test_schedule_preview_lists_every_message_on_the_patients_clock(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        page = await browser.get(PREVIEW + "&sessions=3")
        assert page.status == 200
        text = plain(page.text)
        assert "Knee, 3 sessions, time zone Europe/Madrid" in text
        assert text.count("Session 1") == 1 and "Session 3" in text and "Session 4" not in text
        assert "Reminder 2 days before session 1" in text and "Check-in 6 hours after session 1" in text
        assert "Follow-up 6 months after the last session" in text
        madrid = ZoneInfo("Europe/Madrid")
        assert plain(format_when(FIRST_SESSION, madrid, "en")) in text  # the session, on the patient's clock
        next_morning = format_when(FIRST_SESSION + timedelta(days=1), madrid, "en")
        assert f"moved out of quiet hours (was {plain(next_morning)})" in text
        assert "P4W" in text and "Protocols" in text
        bad = await browser.get("/console/schedules?area=knee&first=2020-01-01T10:00&tz=Mars/Olympus")
        assert bad.status == 400 and "not a time zone" in bad.text
        past = await browser.get("/console/schedules?area=knee&first=2020-01-01T10:00&tz=UTC")
        assert past.status == 400 and "is in the past" in past.text
    viewed = await audit_events(clinics.db, "console_schedules_viewed")
    assert [e.details["previewed"] for e in viewed] == [True, False, False]


async def test_audit_log_filters_like_the_cli_newest_first(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        await browser.get("/console/patients/R-0001")
        page = await browser.get("/console/audit")
        events = re.findall(r"<code>([a-z_]+)</code>", page.text)
        assert events[:2] == ["console_patient_viewed", "console_today_viewed"]
        assert "hillside_only_event" not in page.text
        only = await browser.get("/console/audit?patient=r-0001&event=console_patient_viewed")
        assert re.findall(r"<code>([a-z_]+)</code>", only.text) == ["console_patient_viewed"]
        warnings = await browser.get("/console/audit?level=warning&since=1h")
        assert "console_patient_viewed" not in warnings.text
        bad = await browser.get("/console/audit?since=yesterday-ish")
        assert bad.status == 400 and "duration ago" in bad.text


async def test_audit_since_and_until_are_typed_on_the_clinics_clock(clinics: Harness) -> None:
    """The page shows clinic time, so the times staff type into Since and Until are clinic time too."""
    zone = clinics.clinic.tz  # New York: UTC read as clinic time would be five hours off
    morning = (datetime.now(UTC) - timedelta(days=2)).astimezone(zone).replace(hour=9, minute=0, second=0,
                                                                               microsecond=0)
    async with clinics.db.session() as session:
        for event, hours in (("before_nine", -2), ("at_ten", 1), ("at_two", 5)):
            session.add(AuditEvent(clinic_id="riverside", event=event, at=(morning + timedelta(hours=hours))))
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        page = await browser.get(f"/console/audit?since={morning:%Y-%m-%dT%H:%M}"
                                 f"&until={morning + timedelta(hours=3):%Y-%m-%dT%H:%M}")
        assert page.status == 200
        assert re.findall(r"<code>([a-z_]+)</code>", page.text) == ["at_ten"]
        assert f"{morning + timedelta(hours=1):%Y-%m-%d} 10:00:00" in page.text  # shown as typed: clinic time
        offset = await browser.get(f"/console/audit?since={morning.astimezone(UTC):%Y-%m-%dT%H:%M}Z&until=1h")
        assert "before_nine" not in offset.text and "at_two" in offset.text  # an explicit offset still wins


async def test_staff_never_reach_another_clinics_patients(clinics: Harness) -> None:
    async with clinics.db.session() as session:
        hillside_alert = (await session.exec(select(Alert).where(Alert.clinic_id == "hillside"))).one()
    async with ConsoleClient(clinics) as riverside, ConsoleClient(clinics) as hillside:
        await signed_in(clinics, riverside)
        for path in PAGES:
            assert "H-0001" not in (await riverside.get(path)).text, path
        assert (await riverside.get("/console/patients/H-0001")).status == 404
        assert (await riverside.get_bytes("/console/patients/H-0001/chart.png"))[0] == 404
        booked = await riverside.post("/console/patients/H-0001/book", {"when": "2030-01-02T10:00"})
        assert booked.status == 404
        acked = await riverside.post(f"/console/alerts/{hillside_alert.id}/ack")
        assert acked.status == 404
        await signed_in(clinics, hillside, OTHER_STAFF_ID)
        own = await hillside.get("/console/patients")
        assert "H-0001" in own.text and "R-0001" not in own.text
        assert (await hillside.get("/console/patients/R-0001")).status == 404
        assert "Hillside Physio" in own.text
    still_open = await reload(clinics.db, Alert, hillside_alert.id)
    assert still_open.acknowledged_at is None


async def test_no_telegram_id_appears_in_any_page_or_link(clinics: Harness) -> None:
    async with clinics.db.session() as session:
        session.add(AuditEvent(clinic_id="riverside", actor=f"user:{PATIENT_TELEGRAM_ID}", event="invite_opened",
                               details={"telegram_user_id": PATIENT_TELEGRAM_ID, "chat": PATIENT_TELEGRAM_ID,
                                        "echo": [str(PATIENT_TELEGRAM_ID)]}))
    async with ConsoleClient(clinics) as browser:
        pages = [(await signed_in(clinics, browser)).text]
        for path in (*PAGES, "/console/patients?flag=any", "/console/audit?event=invite_opened"):
            pages.append((await browser.get(path)).text)
    for text in pages:
        for telegram_id in (PATIENT_TELEGRAM_ID, OTHER_PATIENT_TELEGRAM_ID):
            assert str(telegram_id) not in text
    assert "user:•••" in pages[-1] and "invite_opened" in pages[-1]


async def test_every_view_is_audited_with_the_staff_member(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        for path in PAGES[1:]:
            assert (await browser.get(path)).status == 200, path
    console_events = [e for e in await audit_events(clinics.db) if e.details.get("channel") == "console"]
    assert {e.event for e in console_events} >= {
        "console_signed_in", "console_today_viewed", "console_patients_viewed", "console_patient_viewed",
        "console_schedules_viewed", "console_audit_viewed"}
    assert all(e.actor == f"staff:{STAFF_USER_ID}" and e.clinic_id == "riverside" for e in console_events)
