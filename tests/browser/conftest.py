"""Browser tests share one Chromium fixture (``tests/browser/chromium.py``)."""

from tests.browser.chromium import chromium

__all__ = ["chromium"]
