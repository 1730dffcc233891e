"""``/invite``, ``/patients``, ``/patient`` and ``/alerts`` as staff read them, with images checked.

Images are opened with PIL: the invite QR code must be the code of the link
in its caption, and the patient chart a PNG of chart size whose plotted
points are the patient's answers.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from bot.core.callbacks import Action, encode
from bot.core.charts import ChartLabels, render_chart
from bot.enrolment.invites import hash_token
from bot.staff import staff_views
from bot.staff.qr import qr_png
from tests.support.clinic import CLINIC_ID, STAFF_USER_ID
from tests.support.harness import Harness
from tests.support.staff_factories import (
    add_alert,
    add_checkin,
    ask,
    audit_events,
    invites,
    patient_mid_course,
)

ACTOR = f"staff:{STAFF_USER_ID}"


@pytest.fixture
def harness(harness: Harness) -> Harness:
    harness.sandbox.set_limits(chat_capacity=60)
    return harness


def png_size(data: bytes | None) -> tuple[int, int]:
    assert data is not None
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        image.load()
        return image.size


async def test_invite_with_area_sends_the_link_as_a_qr_code(harness: Harness) -> None:
    photo = await ask(harness.staff(), "/invite knee")
    assert photo.kind == "photo"
    assert photo.text.startswith("Invite · Knee\nhttps://t.me/")
    link = photo.text.splitlines()[1]
    assert link.startswith(f"https://t.me/{harness.services.bot_username}?start=")
    assert "Single use, expires" in photo.text
    width, height = png_size(photo.photo)
    assert width == height and 200 <= width <= 800
    assert photo.photo == qr_png(link)  # the code encodes exactly the link in the caption
    (invite,) = await invites(harness.db)
    assert invite.token_hash == hash_token(link.split("start=")[1])
    assert (invite.area, invite.created_by, invite.used_at) == ("knee", ACTOR, None)
    (event,) = await audit_events(harness.db, "invite_created")
    assert event.actor == ACTOR


async def test_invite_without_area_offers_buttons(harness: Harness) -> None:
    group, staff = harness.staff_group(), harness.staff()
    chooser = await ask(staff, "/invite", group)
    assert chooser.text == "Which area is the invite for?"
    assert chooser.buttons == [["Knee", "Low back"], ["Shoulder"], ["Patient chooses"]]
    await staff.press("Shoulder", chooser, chat=group)
    photo = await group.wait_for_message(lambda m: m.kind == "photo", timeout=10)
    assert photo.text.startswith("Invite · Shoulder\n")
    assert group.chat.messages[chooser.message_id].reply_markup in (None, {}, {"inline_keyboard": []})
    (invite,) = await invites(harness.db)
    assert invite.area == "shoulder"
    await staff.send_text("/invite", chat=group)
    await group.wait_for_message("Which area", timeout=10)
    await staff.press("Patient chooses", chat=group)
    anyone = await group.wait_for_message(lambda m: m.kind == "photo", timeout=10)
    assert anyone.text.startswith("Invite · any area (the patient chooses)")
    assert [i.area for i in await invites(harness.db)] == ["shoulder", None]


async def test_invite_for_an_unknown_area(harness: Harness) -> None:
    reply = await ask(harness.staff(), "/invite elbow")
    assert reply.text == "There is no area “elbow”. Areas: knee, low_back, shoulder."
    assert await invites(harness.db) == []


async def test_patients_lists_status_next_session_last_checkin_alerts_and_flags(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services, flags=["screen_bleeding"])
    now = harness.services.clock.now()
    await add_checkin(harness.db, scenario.patient, now - timedelta(hours=2), soreness=7, swelling="moderate",
                      level="watch")
    await add_alert(harness.db, scenario.patient, now - timedelta(hours=1))
    await patient_mid_course(harness.services, label="R-0002", user_id=5002, done=0)
    await patient_mid_course(harness.services, label="R-0003", user_id=5003)
    reply = await ask(harness.staff(), "/patients")
    lines = reply.text.splitlines()
    assert lines[0] == "Patients · Riverside Sports & Spine Clinic · 3 active · page 1/1"
    first = reply.text.split("\n\n")[1].splitlines()
    assert first[0] == "R-0001 · active · Knee · 1/3 done"
    assert first[1].strip().startswith("next: S2 ") and "(watch)" in first[1]
    assert first[2].strip() == "⚠️ 1 open alert · 🚩 bleeding disorder / blood thinners"
    second = reply.text.split("\n\n")[2].splitlines()
    assert second[0] == "R-0002 · active · Knee · 0/3 done"
    assert "next: S1" in second[1] and "no check-in yet" in second[1]
    assert not reply.buttons
    (event,) = await audit_events(harness.db, "staff_patients_viewed")
    assert event.actor == ACTOR and event.details["total"] == 3


async def test_patients_pages_with_prev_and_next(harness: Harness) -> None:
    for number in range(1, 11):
        await patient_mid_course(harness.services, label=f"R-{number:04d}", user_id=6000 + number)
    group, staff = harness.staff_group(), harness.staff()
    listing = await ask(staff, "/patients", group)
    assert "page 1/2" in listing.text and "R-0008" in listing.text and "R-0009" not in listing.text
    assert listing.buttons == [["Next ▶"]]
    await staff.press("Next ▶", listing, chat=group)
    paged = await group.wait_for_message(edits=True, timeout=10)
    assert paged.message_id == listing.message_id
    assert "page 2/2" in paged.text and "R-0009" in paged.text and "R-0001" not in paged.text
    assert paged.buttons == [["◀ Prev"]]
    await staff.press("◀ Prev", listing, chat=group)
    back = await group.wait_for_message(edits=True, timeout=10)
    assert "page 1/2" in back.text


async def test_patients_when_there_are_none(harness: Harness) -> None:
    reply = await ask(harness.staff(), "/patients")
    assert reply.text == "No active patients yet. /invite makes an invite link."


async def test_patient_shows_the_timeline_and_a_chart_of_the_answers(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services, flags=["screen_allergy"])
    given = scenario.sessions[0]
    assert given.done_at is not None
    for hours, soreness, swelling in ((6, 6, "moderate"), (24, 4, "mild"), (72, 2, None)):
        await add_checkin(harness.db, scenario.patient, given.done_at + timedelta(hours=hours), soreness=soreness,
                          swelling=swelling, level="watch" if soreness > 5 else "ok", session_id=given.id)
    await add_checkin(harness.db, scenario.patient, given.done_at + timedelta(hours=80), status="missed")
    await add_alert(harness.db, scenario.patient, given.done_at + timedelta(hours=7), signs=["fever", "hot_site"])
    staff = harness.staff()
    timeline = await ask(staff, "/patient r-0001")
    text = timeline.text
    assert text.splitlines()[0] == "R-0001 · active · Knee · 1/3 sessions done"
    assert "🚩 Screening: allergy to an injection component" in text
    assert "session 1 · done" in text and "session 2 · planned" in text
    assert "check-in (S1): soreness 6/10, swelling moderate · watch" in text
    assert "check-in: no answer" in text
    assert "urgent alert: fever or chills, injection site hot · open" in text
    assert text.index("session 1 · done") < text.index("soreness 6/10") < text.index("urgent alert")
    chart = await staff.wait_for_message(lambda m: m.kind == "photo", timeout=20)
    assert chart.text.startswith("R-0001: 3 answers, 1 sessions given.")
    assert png_size(chart.photo) == (800, 450)
    async with harness.db.session() as session:
        view = await staff_views.timeline(session, CLINIC_ID, "R-0001")
    assert view is not None
    drawn = render_chart(view.chart_data(ChartLabels(), "en"))
    assert (drawn.soreness_points, drawn.swelling_points, drawn.session_lines) == (3, 2, 1)
    (event,) = await audit_events(harness.db, "staff_patient_viewed")
    assert (event.actor, event.patient_label) == (ACTOR, "R-0001")


async def test_patient_without_answers_has_no_chart(harness: Harness) -> None:
    await patient_mid_course(harness.services, done=0)
    staff = harness.staff()
    await ask(staff, "/patient R-0001")
    assert (await staff.wait_for_message(timeout=10)).text == "No soreness or swelling answers yet, so no chart."


async def test_patient_bad_arguments(harness: Harness) -> None:
    await patient_mid_course(harness.services)
    staff = harness.staff()
    assert (await ask(staff, "/patient")).text == "Usage: /patient LABEL, e.g. /patient R-0042"
    assert (await ask(staff, "/patient R-0404")).text == "There is no patient R-0404 at this clinic."
    assert "is not a patient label" in (await ask(staff, "/patient 5001")).text
    assert await audit_events(harness.db, "staff_patient_viewed") == []


async def test_alerts_lists_open_alerts_with_acknowledge_buttons(harness: Harness) -> None:
    first = await patient_mid_course(harness.services)
    second = await patient_mid_course(harness.services, label="R-0002", user_id=5002)
    now = harness.services.clock.now()
    urgent = await add_alert(harness.db, first.patient, now - timedelta(hours=2), signs=["fever"])
    emergency = await add_alert(harness.db, second.patient, now - timedelta(hours=1), level="emergency",
                                signs=["allergic_reaction"])
    await add_alert(harness.db, first.patient, now - timedelta(hours=3), acknowledged_by=STAFF_USER_ID)
    group, staff = harness.staff_group(), harness.staff()
    title = await ask(staff, "/alerts", group)
    assert title.text == "2 open alerts (emergencies first, then oldest)"
    top = await group.wait_for_message(timeout=10)
    assert top.text.startswith("🚨 EMERGENCY · R-0002 · ")
    assert "Signs: possible allergic reaction" in top.text
    assert top.callback_data == {"Acknowledge": encode(Action.ACK_ALERT, emergency.id or 0)}
    bottom = await group.wait_for_message(timeout=10)
    assert bottom.text.startswith("⚠️ URGENT · R-0001 · ")
    assert "/patient R-0001" in bottom.text
    assert bottom.callback_data == {"Acknowledge": encode(Action.ACK_ALERT, urgent.id or 0)}
    (event,) = await audit_events(harness.db, "staff_alerts_viewed")
    assert event.details["open"] == 2


async def test_alerts_when_none_are_open(harness: Harness) -> None:
    assert (await ask(harness.staff(), "/alerts")).text == "No open alerts."


async def test_acknowledge_from_the_alert_list(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    alert = await add_alert(harness.db, scenario.patient, harness.services.clock.now(), signs=["pus"])
    staff = harness.staff()
    await ask(staff, "/alerts")
    card = await staff.wait_for_message(timeout=10)
    query = await staff.press("Acknowledge", card)
    answer = await staff.wait_for_callback_answer(query, timeout=10)
    assert "Acknowledged" in answer["text"]
    async with harness.db.session() as session:
        stored = await session.get(type(alert), alert.id)
    assert stored is not None and stored.acknowledged_by == STAFF_USER_ID
    (event,) = await audit_events(harness.db, "alert_acknowledged")
    assert event.actor == ACTOR
    assert (await ask(staff, "/alerts")).text == "No open alerts."
