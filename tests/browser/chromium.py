"""The browser every console test drives: Debian's ``chromium``, headless, through Playwright for Python.

No browser is downloaded (``.ci/run`` installs the Debian package with
apt-get; never ``playwright install``). Every test module here is marked
with ``needs_chromium``, so a machine without it skips them with the reason
rather than failing on a missing executable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 10_000

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium); "
           "the console's browser tests drive it headless",
)


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    """A fresh headless Chromium per test, closed afterwards."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=WAIT_MS)
        try:
            yield browser
        finally:
            await browser.close()
