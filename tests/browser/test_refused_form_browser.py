"""A refused form on a phone: the page comes back scrolled to the reason, which names the date as people write it.

The booking form sits far below the top of the patient page on a phone; a
refusal used to reload the page at its top, the reason out of sight, quoting
the field's raw ``2026-12-01T10:00``. Fixtures and Chromium as in
``test_console_browser.py``; every wait is bounded, traffic stays on 127.0.0.1.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from messages.render import format_when
from tests.browser.chromium import WAIT_MS, needs_chromium
from tests.browser.test_console_browser import clinic  # noqa: F401 (a fixture)
from tests.support.console import console_link
from tests.support.harness import Harness

pytestmark = needs_chromium


async def test_a_refused_booking_lands_on_its_reason(chromium: Any, clinic: Harness) -> None:  # noqa: F811
    from playwright.async_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = await chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    try:
        await page.goto(await console_link(clinic))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/console/")
        await page.goto(page.url + "patients/R-0001")
        yesterday = (clinic.services.clock.now() - timedelta(days=1)).astimezone(clinic.clinic.tz).replace(
            hour=10, minute=0, second=0, microsecond=0)
        booking = page.locator('form[action$="/book"]')
        await booking.locator('input[name="when"]').fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
        await booking.get_by_role("button", name="Book").click()
        error = page.locator("#error-book")
        shown = format_when(yesterday, clinic.clinic.tz, "en").replace("\u202f", " ")
        await expect(error).to_have_text(f"“{shown}” is in the past.")
        await expect(error).to_be_focused()
        await expect(error).to_be_in_viewport()
        assert await page.evaluate("window.scrollY") > 0  # not the top of the page
    finally:
        await context.close()
