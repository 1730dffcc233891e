"""Write desktop and phone screenshots of every console page into docs/screenshots, small.

    python docs/screenshots/make.py

Runs the browser tests that walk the console (Debian's Chromium, headless,
everything on 127.0.0.1) with ``CONSOLE_SCREENSHOTS_DIR`` pointing here:
``tests/browser/test_every_page.py`` writes each page of
``tests/browser/console_pages.py`` as ``<name>-desktop.png`` and
``<name>-phone.png``, ``tests/browser/test_outcomes_browser.py`` the outcomes
page with the demo cohort's fuller charts. Then every PNG here is cut to a
readable height and re-encoded with a 256-colour palette (flat console colours
survive it; the files shrink several times). A page added to the console is
one line in ``console_pages.py``; rerun this and commit the PNGs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
TESTS = ("tests/browser/test_every_page.py", "tests/browser/test_outcomes_browser.py")
MAX_HEIGHT = {"desktop": 1900, "phone": 2400}  # the top of a long page is what a reader looks at


def shrink(path: Path) -> tuple[int, int]:
    """Crop to ``MAX_HEIGHT`` and save as an optimised palette PNG; (bytes before, bytes after)."""
    before = path.stat().st_size
    with Image.open(path) as image:
        kind = "phone" if path.stem.endswith("-phone") else "desktop"
        rgb = image.convert("RGB")
        if rgb.height > MAX_HEIGHT[kind]:
            rgb = rgb.crop((0, 0, rgb.width, MAX_HEIGHT[kind]))
        rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            path, optimize=True)
    return before, path.stat().st_size


def main() -> int:
    env = {**os.environ, "CONSOLE_SCREENSHOTS_DIR": str(HERE.relative_to(REPOSITORY))}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
                         cwd=REPOSITORY, env=env, check=False)
    if run.returncode != 0:
        print("the browser tests failed; screenshots may be missing or stale", file=sys.stderr)
        return run.returncode
    total_before = total_after = 0
    for path in sorted(HERE.glob("*.png")):
        before, after = shrink(path)
        total_before, total_after = total_before + before, total_after + after
        print(f"{path.name:28} {before / 1024:7.0f} KiB -> {after / 1024:5.0f} KiB")
    print(f"{'total':28} {total_before / 1024:7.0f} KiB -> {total_after / 1024:5.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
