"""Today stays open on a desk while a patient reports a red flag: the alert appears without a reload.

Debian's ``chromium`` (headless, driven by Playwright) shows Today for
Riverside; a patient then writes "I can't breathe" to the bot through the Bot
API sandbox, the real bot raises an emergency, and the page's event stream
puts the alert in the list and the count in the window title. A value left on
``window`` before the report is still there afterwards, so the page was not
reloaded. Then the search box finds the patient by label. Every wait is
bounded and all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import WAIT_MS, needs_chromium
from tests.support.checkin_factories import patient_scene
from tests.support.console import console_link, two_clinics
from tests.support.harness import Harness, running_bot, sqlite_url

CLINIC = "Riverside Sports & Spine Clinic"

pytestmark = needs_chromium



@pytest.fixture
async def clinic(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sqlite_url(tmp_path), clinics=two_clinics()) as harness:
        yield harness


async def test_an_alert_appears_on_the_open_today_page(chromium: Any, clinic: Harness, tmp_path: Path) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=WAIT_MS)
    scene = await patient_scene(clinic, user_id=5301)
    label = scene.patient.label
    context = await chromium.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.text} {message.location.get('url')}")
            if message.type == "error" else None)
    try:
        await page.goto(await console_link(clinic))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/console/")
        await expect(page).to_have_title(f"Today – {CLINIC}")
        await expect(page.locator("#live-alerts")).to_contain_text("No open alerts.")
        await page.evaluate("() => { window.stillTheSamePage = true; }")

        await scene.user.send_text("my lips are swelling and I can't breathe")
        await expect(page.locator("ul.alerts > li")).to_have_count(1)
        alert = page.locator("ul.alerts > li").first
        await expect(alert).to_contain_text(label)
        await expect(alert.locator(".badge")).to_have_text("emergency")
        await expect(page).to_have_title(f"(1) Today – {CLINIC}")
        await expect(page.locator("#alerts-h .count")).to_have_text("1")
        await expect(page.locator("#live-news")).to_have_text("1 open alert")
        assert await page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"
        await page.screenshot(path=str(tmp_path / "today-live.png"), full_page=True)

        await alert.get_by_role("button", name="Acknowledge").click()  # the live section's form works
        await expect(page.locator(".notice")).to_contain_text(f"Alert for {label} acknowledged")
        await expect(page).to_have_title(f"Today – {CLINIC}")

        await page.get_by_label("Find a patient by label").fill(label.lower())
        await page.get_by_role("button", name="Find").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(label)
        problems = [text for text in problems if not text.endswith("/favicon.ico")]  # the console has none
        assert problems == [], problems  # no script error, no content-security-policy refusal
    finally:
        await context.close()
