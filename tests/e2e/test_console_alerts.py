"""The console's alert page and forms: what it shows, refusals beside the form, other clinics, viewers."""

from __future__ import annotations

import copy
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.core.clinic_config import ClinicRegistry
from bot.core.models import Alert, CheckIn
from tests.support.clinic import OTHER_STAFF_USER_ID, STAFF_CHAT_ID, STAFF_USER_ID, clinic_data, registry
from tests.support.console import (
    OTHER_CLINIC,
    OTHER_STAFF_CHAT,
    OTHER_STAFF_ID,
    ConsoleClient,
    patient_with_history,
    signed_in,
)
from tests.support.factories import make_patient, reload
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.staff_factories import add_alert, audit_events

VIEWER_ID = 900077


def clinics() -> ClinicRegistry:
    """Riverside (two clinicians, one viewer) and Hillside (its own staff)."""
    data = clinic_data()
    riverside = data["clinics"][0]
    riverside["staff"] = {"chat_id": STAFF_CHAT_ID, "user_ids": [STAFF_USER_ID, OTHER_STAFF_USER_ID,
                                                                 {"id": VIEWER_ID, "role": "viewer"}]}
    other = copy.deepcopy(riverside)
    other.update(id=OTHER_CLINIC, name="Hillside Physio", label_prefix="H",
                 staff={"chat_id": OTHER_STAFF_CHAT, "user_ids": [OTHER_STAFF_ID]})
    data["clinics"].append(other)
    return registry(data)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sqlite_url(tmp_path), clinics=clinics()) as running:
        yield running


def error_beside(page_text: str, action: str) -> str:
    """The error shown inside the form posting to ``.../<action>``."""
    form = re.search(rf'<form[^>]*action="[^"]*/{action}"[^>]*>(.*?)</form>', page_text, re.S)
    assert form is not None, f"no {action} form on the page"
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', form.group(1), re.S)
    return found.group(1) if found else ""


async def _alert_id(harness: Harness) -> int:
    """The open alert of ``patient_with_history``, tied to the check-in that raised it."""
    await patient_with_history(harness)
    async with harness.db.session() as session:
        alert = (await session.exec(select(Alert))).one()
        alert.check_in_id = (await session.exec(select(CheckIn.id).order_by(col(CheckIn.id).desc()))).first()
        return alert.id or 0


async def test_the_page_shows_the_report_the_reply_and_the_history(harness: Harness) -> None:
    alert_id = await _alert_id(harness)
    async with ConsoleClient(harness) as browser:
        today = await signed_in(harness, browser)
        assert f'href="/console/alerts/{alert_id}"' in today.text and "alert-open" in today.text
        page = await browser.get(f"/console/alerts/{alert_id}")
    assert page.status == 200
    assert "Hot &lt;b&gt;knee&lt;/b&gt; &amp; red" in page.text  # the patient's words, escaped
    assert "contact" in page.text and "+1 555 010 2030" in page.text  # what the bot told them
    assert "Alert raised" in page.text and "clinician" in page.text
    assert [e.details["alert"] for e in await audit_events(harness.db, "console_alert_viewed")] == [alert_id]


async def test_refused_forms_say_why_beside_the_form(harness: Harness) -> None:
    alert_id = await _alert_id(harness)
    async with ConsoleClient(harness) as first, ConsoleClient(harness) as second:
        await signed_in(harness, first)
        await first.get(f"/console/alerts/{alert_id}")
        empty = await first.post(f"/console/alerts/{alert_id}/note", {"note": "   "})
        assert empty.status == 400 and error_beside(empty.text, "note") == "Write the note first."
        unknown = await first.post(f"/console/alerts/{alert_id}/resolve", {"outcome": "cured", "note": "kept"})
        assert unknown.status == 400 and error_beside(unknown.text, "resolve") == "Choose how the alert ended."
        assert ">kept</textarea>" in unknown.text, "what was typed is kept"
        taken = await first.post(f"/console/alerts/{alert_id}/take")
        assert taken.status == 303 and taken.headers["Location"] == f"/console/alerts/{alert_id}"

        await signed_in(harness, second, OTHER_STAFF_USER_ID)
        await second.get(f"/console/alerts/{alert_id}")
        late = await second.post(f"/console/alerts/{alert_id}/take")
        assert late.status == 400 and '<p class="error" role="alert">Already taken by Sam.</p>' in late.text
        resolved = await second.post(f"/console/alerts/{alert_id}/resolve", {"outcome": "no_action"})
        assert resolved.status == 303
        again = await first.post(f"/console/alerts/{alert_id}/resolve", {"outcome": "called"})
        assert again.status == 400 and "Already resolved by" in again.text
    refused = await audit_events(harness.db, "console_action_refused")
    assert [e.details["reason"] for e in refused] == ["note_required", "outcome_required", "already_taken",
                                                      "already_resolved"]


async def test_another_clinics_alert_is_not_found(harness: Harness) -> None:
    other = await make_patient(harness.db, clinic_id=OTHER_CLINIC, label="H-0001", user_id=7001)
    theirs = await add_alert(harness.db, other, harness.services.clock.now())
    async with ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        assert (await browser.get(f"/console/alerts/{theirs.id}")).status == 404
        assert (await browser.post(f"/console/alerts/{theirs.id}/take")).status == 404
    assert (await reload(harness.db, Alert, theirs.id)).taken_at is None


async def test_a_viewer_reads_but_every_form_is_refused(harness: Harness) -> None:
    alert_id = await _alert_id(harness)
    async with ConsoleClient(harness) as browser:
        today = await signed_in(harness, browser, VIEWER_ID)
        assert "role-viewer" in today.text
        page = await browser.get(f"/console/alerts/{alert_id}")
        assert page.status == 200 and "Your role is viewer" in page.text and "/take" not in page.text
        for path, form in ((f"/console/alerts/{alert_id}/ack", {}), (f"/console/alerts/{alert_id}/take", {}),
                           (f"/console/alerts/{alert_id}/note", {"note": "x"}),
                           ("/console/patients/R-0001/book", {"when": "2030-01-01T10:00"}),
                           ("/console/outcomes/export", {})):
            refused = await browser.post(path, form)
            assert refused.status == 403 and "Read only" in refused.text, path
        assert (await browser.post("/console/logout")).status in (200, 303), "signing out is not a change"
    stored = await _stored(harness, alert_id)
    assert stored.acknowledged_at is None and stored.taken_at is None
    assert len(await audit_events(harness.db, "console_action_refused")) == 5


async def _stored(harness: Harness, alert_id: int) -> Alert:
    async with harness.db.session() as session:
        found = await session.get(Alert, alert_id)
    assert found is not None
    return found
