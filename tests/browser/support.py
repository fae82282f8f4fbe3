"""What the browser tests share: Debian's Chromium, the screenshots folder, viewport sizes and small helpers.

Chromium comes from Debian (``apt-get install chromium``; ``scripts/bootstrap`` installs it when run
as root), never from ``playwright install``. The ``browser`` fixture and the skip when Chromium is
missing are in ``conftest.py`` next to this file.
"""

import shutil
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--lang=zh-CN", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium: apt-get install chromium")


def shot(page, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot of the page as ``docs/screenshots/<name>``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def fits(page, width: int = PHONE["width"]) -> None:
    """The page is no wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def wait_for_request_threads(timeout: float = 10.0) -> None:
    """Let the live server finish the requests of the closed browser, so their database connections close.

    Each request thread closes its connections when its (keep-alive) socket closes; until then a
    PostgreSQL test database could not be dropped at the end of the session.
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))
