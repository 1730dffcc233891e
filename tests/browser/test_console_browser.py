"""A staff member's morning in the web console, in a real browser, on a desk and on a phone.

Playwright for Python drives Debian's ``chromium`` package headless (no
browser downloads: ``.ci/run`` installs it with apt-get). The sign-in link
comes from a real ``/console`` command sent through the Bot API sandbox; the
browser then views Today, acknowledges an alert, opens a patient, books a
session with the form and sees its reminders queued, previews a schedule,
and is refused another clinic's patient and a form posted without its CSRF
token. Every page is screenshotted into the test's directory (the published
ones, ``docs/screenshots``, come from ``test_every_page.py``: see
docs/CONSOLE.md). All traffic stays on 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import ShiftedClock
from tests.browser.chromium import WAIT_MS, needs_chromium
from tests.browser.console_pages import PAGES
from tests.support.clock import PINNED_NOW
from tests.support.console import console_link, patient_with_history, two_clinics
from tests.support.factories import make_course, make_patient
from tests.support.harness import Harness, running_bot, sqlite_url

VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 375, "height": 812}}

pytestmark = needs_chromium



def _late_morning() -> datetime:
    """11:40 at the clinic on the pinned day: the screenshots show a working day, whenever the tests run."""
    zone = two_clinics()["riverside"].tz
    return PINNED_NOW.astimezone(zone).replace(hour=11, minute=40, second=0, microsecond=0).astimezone(UTC)


@pytest.fixture
async def clinic(tmp_path: Path) -> AsyncIterator[Harness]:
    """Riverside with an emergency (R-0002) and an urgent (R-0001) alert; Hillside with H-0001."""
    async with running_bot(sqlite_url(tmp_path), clinics=two_clinics(), clock=ShiftedClock(_late_morning())) as harness:
        midnight = harness.services.clock.now().astimezone(harness.clinic.tz).replace(
            hour=0, minute=0, second=0, microsecond=0)
        await patient_with_history(harness)
        await patient_with_history(harness, label="R-0002", user_id=5002, alert_level="emergency",
                                   note="Short of breath since lunch", signs=("chest_pain",))
        for number, at in ((3, midnight + timedelta(hours=15)),
                           (4, midnight + timedelta(days=1, hours=10, minutes=30))):
            newcomer = await make_patient(harness.db, label=f"R-{number:04d}", user_id=5000 + number)
            await make_course(harness.services, newcomer, [at.astimezone(UTC)], planned_sessions=4)
        other = await make_patient(harness.db, clinic_id="hillside", label="H-0001", user_id=7001)
        await make_course(harness.services, other, [(midnight + timedelta(days=2, hours=9)).astimezone(UTC)])
        yield harness


class Shots:
    """Screenshots of each page into the test directory, to look at when a step fails."""

    def __init__(self, page: Any, tmp_path: Path, viewport: str) -> None:
        self.page, self.dir, self.viewport = page, tmp_path, viewport

    async def take(self, name: str) -> None:
        await self.page.screenshot(path=str(self.dir / f"{name}-{self.viewport}.png"), full_page=True)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
async def test_a_morning_in_the_console(chromium: Any, clinic: Harness, tmp_path: Path, viewport: str) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = await chromium.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    shots = Shots(page, tmp_path, viewport)
    base = f"http://127.0.0.1:{clinic.services.http_port}"
    try:
        await _sign_in(page, clinic, shots)
        await _today_and_acknowledge(page, shots)
        await _patient_and_booking(page, clinic, shots)
        await _schedule_preview(page, clinic, shots)
        await _refusals(page, context, base)
        await _fits_the_screen(page)
    finally:
        await context.close()


async def _sign_in(page: Any, clinic: Harness, shots: Shots) -> None:
    from playwright.async_api import expect

    await page.goto(await console_link(clinic))
    await expect(page.get_by_role("heading", name="Sign in to the console")).to_be_visible()
    await shots.take("sign-in")
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/console/")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Today")


async def _today_and_acknowledge(page: Any, shots: Shots) -> None:
    from playwright.async_api import expect

    alerts = page.locator("ul.alerts > li")
    await expect(alerts).to_have_count(2)
    await expect(alerts.first).to_contain_text("R-0002")  # the emergency comes first
    await expect(alerts.first.locator(".badge")).to_have_text("emergency")
    await expect(page.locator("#answered-h")).to_contain_text("2")
    await expect(page.get_by_text("Tomorrow ·")).to_be_visible()
    await expect(page.locator("#sessions-h ~ table").first).to_contain_text("R-0003")
    await shots.take("today")
    await alerts.first.get_by_role("button", name="Acknowledge").click()
    await expect(page.locator(".notice")).to_contain_text("Alert for R-0002 acknowledged")
    await expect(alerts).to_have_count(1)


async def _patient_and_booking(page: Any, clinic: Harness, shots: Shots) -> None:
    from playwright.async_api import expect

    await page.locator("ul.alerts").get_by_role("link", name="R-0001").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("R-0001")
    chart = page.locator("img.chart")
    await expect(chart).to_be_visible()
    await expect(chart).to_have_js_property("complete", True)
    assert await chart.evaluate("img => img.naturalWidth") == 800  # the PNG arrived and decoded
    await expect(page.locator(".timeline")).to_contain_text("soreness 6/10")
    await shots.take("patient")
    when = (clinic.services.clock.now() + timedelta(days=9)).astimezone(clinic.clinic.tz).replace(hour=11, minute=15)
    booking = page.locator('form[action$="/book"]')
    await booking.locator('input[name="when"]').fill(when.strftime("%Y-%m-%dT%H:%M"))
    await booking.get_by_role("button", name="Book").click()
    await expect(page.locator(".notice")).to_contain_text("session 2 booked for")
    planned = page.locator("#planned-h + ul")
    await expect(planned).to_contain_text("session reminder · S2")
    await expect(planned).to_contain_text(f"{when:%b} {when.day}")
    await shots.take("patient-booked")


async def _schedule_preview(page: Any, clinic: Harness, shots: Shots) -> None:
    from playwright.async_api import expect

    await page.get_by_role("link", name="Schedules").click()
    first = (clinic.services.clock.now() + timedelta(days=30)).astimezone(clinic.clinic.tz).replace(hour=9, minute=0)
    form = page.locator("form.preview")
    await form.locator('select[name="area"]').select_option("shoulder")
    await form.locator('input[name="first"]').fill(first.strftime("%Y-%m-%dT%H:%M"))
    await form.locator('input[name="tz"]').fill("Europe/Madrid")
    await form.get_by_role("button", name="Preview").click()
    table = page.locator("table.preview-table")
    await expect(table).to_contain_text("Check-in 6 hours after session 1")
    await expect(table).to_contain_text("Follow-up 6 months after the last session")
    await expect(table.locator("tr.kind-session")).to_have_count(3)  # the shoulder protocol plans 3
    await expect(page.locator(".summary")).to_contain_text("time zone Europe/Madrid")
    await shots.take("schedules")
    await page.get_by_role("link", name="Audit log").click()
    await expect(page.locator("table.audit")).to_contain_text("console_schedules_viewed")
    await shots.take("audit")


async def _refusals(page: Any, context: Any, base: str) -> None:
    from playwright.async_api import expect

    forged = await context.request.post(f"{base}/console/patients/R-0001/book", form={"when": "2030-01-01T10:00"},
                                        max_redirects=0)
    assert forged.status == 403  # the session cookie went along, the CSRF token did not
    response = await page.goto(f"{base}/console/patients/H-0001")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("No such patient")


async def _fits_the_screen(page: Any) -> None:
    """Nothing wider than the window (the phone layout stacks tables instead of scrolling sideways)."""
    for listed in PAGES:  # after the morning's changes; test_every_page.py checks them fresh at 390 px
        path = listed.path
        await page.goto(page.url.split("/console")[0] + path)
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
