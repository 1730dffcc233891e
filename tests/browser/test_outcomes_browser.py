"""The outcomes page in a real browser, on a desk and on a phone: figures, charts, filters, the CSV download.

Debian's Chromium, headless, through Playwright (as ``test_console_browser.py``
launches it). Riverside holds the hand-computed history of
``tests.support.outcomes_seed``; Hillside, whose staff member signs in
second, holds the demo's simulated cohort, which makes fuller charts for the
screenshots. With ``CONSOLE_SCREENSHOTS_DIR`` set (relative to the
repository), Hillside's page is written there as ``outcomes-desktop.png`` and
``outcomes-phone.png``, which is how ``docs/screenshots`` is made. Every wait
is bounded; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.demo.cohort_store import seed_demo_cohort
from bot.outcomes.export import FILES
from tests.browser.chromium import WAIT_MS, needs_chromium
from tests.support.console import OTHER_STAFF_ID, console_link, two_clinics
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.outcomes_seed import seed_history

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
REPOSITORY = Path(__file__).resolve().parents[2]
SHOT_HEIGHT = {"desktop": 1900, "phone": 2300}
CHART_WIDTH = {"desktop": 800, "phone": 500}  # phones get the narrow drawing (<picture>)

pytestmark = needs_chromium



@pytest.fixture
async def clinics(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sqlite_url(tmp_path), clinics=two_clinics()) as harness:
        await seed_history(harness.db)
        await seed_demo_cohort(harness.services, harness.services.clinics["hillside"])
        yield harness


async def _sign_in(page: Any, harness: Harness, user_id: int | None = None) -> None:
    link = await console_link(harness) if user_id is None else await console_link(harness, user_id)
    await page.goto(link)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/console/")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
async def test_outcomes_in_the_browser(chromium: Any, clinics: Harness, tmp_path: Path, viewport: str) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = await chromium.new_context(viewport=VIEWPORTS[viewport], locale="en-US", accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    try:
        await _sign_in(page, clinics)
        await _figures_and_charts(page, CHART_WIDTH[viewport])
        await _filters(page)
        await _download(page, tmp_path)
        await _fits_the_screen(page)
        await page.get_by_role("button", name="Sign out").click()
        await _sign_in(page, clinics, OTHER_STAFF_ID)
        await page.goto(page.url.split("/console")[0] + "/console/outcomes")
        await _charts_loaded(page, 6, CHART_WIDTH[viewport])  # three areas, soreness and follow-ups each
        await _fits_the_screen(page)
        await _screenshot(page, tmp_path, viewport)
    finally:
        await context.close()


async def _figures_and_charts(page: Any, width: int) -> None:
    from playwright.async_api import expect

    await page.get_by_role("navigation").get_by_role("link", name="Outcomes").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Outcomes across patients")
    knee = page.locator("section.outcomes-area").filter(has=page.get_by_role("heading", name="Knee", exact=True))
    await expect(knee.locator("table.soreness")).to_contain_text("4.5 (2.5–7)")
    await expect(knee.locator("table.followups")).to_contain_text("better 2 · same 1 · worse 0")
    await expect(knee).to_contain_text("7 of 10 (70%)")
    await _charts_loaded(page, 3, width)  # knee: soreness and follow-ups; low back: soreness
    alt = await knee.locator("img.chart").first.get_attribute("alt")
    assert alt is not None and alt.startswith("Chart of median soreness by day after injection in Knee")


async def _charts_loaded(page: Any, count: int, width: int) -> None:
    from playwright.async_api import expect

    charts = page.locator("img.chart")
    await expect(charts).to_have_count(count)
    for index in range(count):
        chart = charts.nth(index)
        await chart.scroll_into_view_if_needed()
        await expect(chart).to_have_js_property("complete", True)
        assert await chart.evaluate("img => img.naturalWidth") == width  # the PNG arrived and decoded


async def _filters(page: Any) -> None:
    from playwright.async_api import expect

    form = page.locator('form[action="/console/outcomes"]')
    await form.locator('select[name="area"]').select_option("knee")
    await form.locator('input[name="since"]').fill("2026-03-02")
    await form.locator('input[name="until"]').fill("2026-03-03")
    await form.get_by_role("button", name="Apply").click()
    await page.wait_for_url("**/console/outcomes?area=knee&since=2026-03-02&until=2026-03-03")
    await expect(page.locator("h1 .sub")).to_have_text("Mar 2, 2026 to Mar 3, 2026")
    await expect(page.locator("section.outcomes-area")).to_have_count(1)
    await expect(page.locator("section.outcomes-area")).to_contain_text("6 of 8 (75%)")
    response = await page.goto(page.url.split("?")[0] + "?since=2026-03-02&until=2026-02-01")
    assert response is not None and response.status == 400
    await expect(page.get_by_role("alert")).to_contain_text("The end date (2026-02-01) is before the start date")
    await page.get_by_role("link", name="Clear").click()
    await expect(page.locator("section.outcomes-area")).to_have_count(2)


async def _download(page: Any, tmp_path: Path) -> None:
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Download CSV export (ZIP)").click()
    download = await waiting.value
    assert download.suggested_filename.startswith("aftercare-riverside-")
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert sorted(archive.namelist()) == sorted(FILES)
        patients = list(csv.DictReader(io.StringIO(archive.read("patients.csv").decode("utf-8"))))
        alerts = list(csv.DictReader(io.StringIO(archive.read("alerts.csv").decode("utf-8"))))
    assert [row["patient"] for row in patients] == ["R-0001", "R-0002", "R-0003", "R-0005", "R-0004"]
    assert [row["acknowledged_by"] for row in alerts] == ["staff-1", "staff-2", "staff-former", ""]


async def _fits_the_screen(page: Any) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow


async def _screenshot(page: Any, tmp_path: Path, viewport: str) -> None:
    path = tmp_path / f"outcomes-{viewport}.png"
    height = await page.evaluate("document.documentElement.scrollHeight")
    width = VIEWPORTS[viewport]["width"]  # the filters, the first area's figures, chart and table
    await page.screenshot(path=str(path), full_page=True,
                          clip={"x": 0, "y": 0, "width": width, "height": min(height, SHOT_HEIGHT[viewport])})
    await asyncio.to_thread(_publish, path)


def _publish(path: Path) -> None:
    published = os.environ.get("CONSOLE_SCREENSHOTS_DIR")
    if published:
        target = REPOSITORY / published
        target.mkdir(parents=True, exist_ok=True)
        (target / path.name).write_bytes(path.read_bytes())
