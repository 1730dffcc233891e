"""The console's forms do what the Telegram staff commands do: same operations, same checks, same audit.

Each action is posted like a browser posts it (with the page's CSRF token),
then checked where it matters: the sessions in the database, the reminders
the scheduler will send, the audit trail with the staff member's id, and for
an alert, the staff chat's post.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.checkins.escalation import raise_alert
from bot.core.models import Alert, MessageKind
from bot.domain.triage import Level, Sign
from messages.render import format_when
from tests.support.clinic import STAFF_CHAT_ID, STAFF_USER_ID
from tests.support.console import ConsoleClient, signed_in
from tests.support.factories import messages_of, reload
from tests.support.harness import Harness
from tests.support.staff_factories import Scenario, add_checkin, audit_events, patient_mid_course, sessions_now

ACTOR = f"staff:{STAFF_USER_ID}"


def local_input(harness: Harness, moment: datetime) -> str:
    """What a ``datetime-local`` field sends for ``moment`` on the clinic's clock."""
    return moment.astimezone(harness.clinic.tz).strftime("%Y-%m-%dT%H:%M")


def notice(page_text: str) -> str:
    found = re.search(r'<p class="notice" role="status">(.*?)</p>', page_text, re.S)
    return found.group(1) if found else ""


async def test_booking_moves_the_next_session_plans_its_reminders_and_is_audited(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    when = (harness.services.clock.now() + timedelta(days=7)).astimezone(harness.clinic.tz).replace(
        hour=10, minute=30, second=0, microsecond=0)
    async with ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        await browser.get("/console/patients/R-0001")
        page = await browser.submit("/console/patients/R-0001/book", {"when": local_input(harness, when)})
        assert page.status == 200 and "session 2 booked for" in notice(page.text)
        assert "Later sessions moved to keep their spacing: 3" in notice(page.text)
        again = await browser.get("/console/patients/R-0001")
        assert notice(again.text) == ""  # the notice shows once
        typed = await browser.submit("/console/patients/R-0001/book", {"when": "Tomorrow 9am"})  # no date picker
        assert "session 2 booked for" in notice(typed.text) and "9:00" in notice(typed.text)
        await browser.submit("/console/patients/R-0001/book", {"when": local_input(harness, when)})
    sessions = await sessions_now(harness.db, scenario.course.id)
    assert sessions[1][0:2] == (2, "planned") and sessions[1][2] == when
    second = scenario.sessions[1].id
    reminders = [m for m in await messages_of(harness.db, scenario.patient.id)
                 if m.kind == MessageKind.REMINDER and m.status == "pending" and m.session_id == second]
    assert {m.due_at for m in reminders} == {when - timedelta(days=2), when - timedelta(hours=2)}
    assert "session reminder · S2" in page.text  # "What the bot will send" lists them
    booked = await audit_events(harness.db, "session_booked")
    assert [(e.actor, e.patient_label, e.details["session_number"]) for e in booked] == [(ACTOR, "R-0001", 2)] * 3


async def test_refused_forms_show_the_reason_inline_and_change_nothing(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    before = await sessions_now(harness.db, scenario.course.id)
    yesterday = local_input(harness, harness.services.clock.now() - timedelta(days=1))
    shown_yesterday = format_when(datetime.fromisoformat(yesterday).replace(tzinfo=harness.clinic.tz),
                                  harness.clinic.tz, "en").replace("\u202f", " ")
    async with ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        await browser.get("/console/patients/R-0001")
        cases = [
            ("book", {"when": yesterday}, f"“{shown_yesterday}” is in the past"),
            ("book", {"when": ""}, "Enter a date and time."),
            ("book", {"when": "someday soon"}, "could not read"),
            ("reschedule", {"session": "1", "when": local_input(harness, harness.services.clock.now()
                                                                + timedelta(days=3))}, "Session 1 of R-0001 is done"),
            ("done", {"session": "2", "at": local_input(harness, harness.services.clock.now() + timedelta(days=1))},
             "still in the future"),
            ("cancel", {"session": "9"}, "R-0001 has no session 9: sessions are 1–3."),
        ]
        for action, form, reason in cases:
            page = await browser.post(f"/console/patients/R-0001/{action}", form)
            assert page.status == 400, action
            error = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', page.text, re.S)
            assert error is not None and reason in error.group(1), (action, page.text[-3000:])
            assert f'action="/console/patients/R-0001/{action}"' in page.text.split(error.group(0))[0]
            assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", error.group(1)), error.group(1)  # no raw ISO
            assert f'id="error-{action}" tabindex="-1" autofocus' in error.group(0)  # the browser lands on it
    assert await sessions_now(harness.db, scenario.course.id) == before
    refused = await audit_events(harness.db, "console_action_refused")
    assert [e.details["reason"] for e in refused] == [
        "time_past", "when_required", "time_unreadable", "session_state", "given_future", "no_such_session"]
    assert all(e.actor == ACTOR and e.level == "warning" for e in refused)


async def test_reschedule_done_missed_and_cancel_through_the_forms(harness: Harness) -> None:
    scenario: Scenario = await patient_mid_course(harness.services, planned=4)
    now = harness.services.clock.now()
    given = (now - timedelta(hours=1)).replace(second=0, microsecond=0)
    async with ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        await browser.get("/console/patients/R-0001")
        moved = await browser.submit("/console/patients/R-0001/reschedule", {
            "session": "3", "when": local_input(harness, now + timedelta(days=60))})
        assert "session 3 moved to" in notice(moved.text)
        done = await browser.submit("/console/patients/R-0001/done",
                                    {"session": "2", "at": local_input(harness, given)})
        assert "session 2 given" in notice(done.text)
        missed = await browser.submit("/console/patients/R-0001/missed", {"session": ""})
        assert "session 3" in notice(missed.text) and "marked missed" in notice(missed.text)
        cancelled = await browser.submit("/console/patients/R-0001/cancel", {"session": "4"})
        assert "session 4" in notice(cancelled.text) and "cancelled" in notice(cancelled.text)
    statuses = [(number, status) for number, status, _ in await sessions_now(harness.db, scenario.course.id)]
    assert statuses == [(1, "done"), (2, "done"), (3, "missed"), (4, "cancelled")]
    rows = await audit_events(harness.db)
    acted = [(e.event, e.details.get("session_number")) for e in rows
             if e.actor == ACTOR and e.event.startswith("session_")]
    assert acted == [("session_rescheduled", 3), ("session_done", 2), ("session_missed", 3), ("session_cancelled", 4)]
    checkins = [m for m in await messages_of(harness.db, scenario.patient.id)
                if m.kind == MessageKind.CHECKIN and m.session_id == scenario.sessions[1].id]
    assert checkins and {m.payload["anchor_at"] for m in checkins} == {given.isoformat()}  # counted from then


async def test_acknowledge_takes_the_alert_everywhere(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    checkin = await add_checkin(harness.db, scenario.patient, harness.services.clock.now(), soreness=8,
                                signs=("fever",), level="urgent")
    group = harness.staff_group()
    alert_id = await raise_alert(harness.services, harness.runtime.application.bot, checkin.id or 0, Level.URGENT,
                                 [Sign.FEVER])
    post = await group.wait_for_message("R-0001", timeout=10)
    async with ConsoleClient(harness) as browser, ConsoleClient(harness) as colleague:
        today = await signed_in(harness, browser)
        assert f'action="/console/alerts/{alert_id}/ack"' in today.text
        await signed_in(harness, colleague)
        taken = await browser.submit(f"/console/alerts/{alert_id}/ack", {"back": "/console/"})
        assert "Alert for R-0001 acknowledged" in notice(taken.text)
        assert f'action="/console/alerts/{alert_id}/ack"' not in taken.text and "No open alerts." in taken.text
        late = await colleague.submit(f"/console/alerts/{alert_id}/ack", {"back": "/console/patients/R-0001"})
        assert "already acknowledged" in notice(late.text) and "<h1>R-0001" in late.text
    edited = await group.wait_for_message(lambda m: m.message_id == post.message_id and "Acknowledged by Sam" in m.text,
                                          timeout=10, edits=True, after=post)
    assert edited.buttons == [] or not any("Acknowledge" in label for row in edited.buttons for label in row)
    alert = await reload(harness.db, Alert, alert_id)
    assert alert.acknowledged_by == STAFF_USER_ID and alert.acknowledged_at is not None
    realerts = [m for m in await messages_of(harness.db) if m.kind == MessageKind.REALERT]
    assert realerts and all(m.status == "cancelled" for m in realerts)
    acked = await audit_events(harness.db, "alert_acknowledged")
    assert [(e.actor, e.patient_label, e.details["channel"]) for e in acked] == [(ACTOR, "R-0001", "console")]
    assert group.id == STAFF_CHAT_ID
