"""Every console page on a desk and on a phone: nothing wider than the screen, no serious accessibility fault.

The pages are the one list in ``console_pages.py``. On a 390 x 844 phone no
page may be wider than the window (a page that scrolls sideways hides its
right edge: a date field, a button). axe-core (bundled by
``axe-playwright-python``, so no Node and no download) checks each page in
both layouts; a "serious" or "critical" violation fails with its rule, the
elements it names and axe's help text. With ``CONSOLE_SCREENSHOTS_DIR`` set
(relative to the repository) every listed page is written there as
``<name>-<desktop|phone>.png``; ``docs/screenshots/make.py`` does that and
shrinks the files. Every wait is bounded; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import WAIT_MS, needs_chromium
from tests.browser.console_pages import PAGES, ConsolePage
from tests.browser.test_console_browser import clinic  # noqa: F401 (a fixture)
from tests.support.console import console_link
from tests.support.harness import Harness

VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
BLOCKING = ("serious", "critical")
REPOSITORY = Path(__file__).resolve().parents[2]

pytestmark = needs_chromium


async def accessibility_faults(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line each."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in results.response["violations"] if v["impact"] in BLOCKING]


def published(viewport: str, page: ConsolePage, shot: Path) -> None:
    target = os.environ.get("CONSOLE_SCREENSHOTS_DIR")
    if target and page.publish:
        directory = REPOSITORY / target
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, directory / f"{page.name}-{viewport}.png")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
async def test_every_page_fits_and_is_accessible(chromium: Any, clinic: Harness,  # noqa: F811
                                                 tmp_path: Path, viewport: str) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = await chromium.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    base = f"http://127.0.0.1:{clinic.services.http_port}"
    faults: dict[str, list[str]] = {}
    wide: dict[str, int] = {}
    try:
        await page.goto(await console_link(clinic))
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
        faults["sign-in"] = await accessibility_faults(page)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/console/")
        for listed in PAGES:
            await page.goto(base + listed.path)
            await expect(page.get_by_role("heading", level=1)).to_contain_text(listed.heading)
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide[listed.name] = overflow
            faults[listed.name] = await accessibility_faults(page)
            shot = tmp_path / f"{listed.name}-{viewport}.png"
            await page.screenshot(path=str(shot), full_page=True)
            published(viewport, listed, shot)
    finally:
        await context.close()
    assert not wide, f"pages wider than the {viewport} window (px too wide): {wide}"
    assert not any(faults.values()), {name: found for name, found in faults.items() if found}
