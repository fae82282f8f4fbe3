"""Fixtures of the browser tests: one Chromium per test, and a skip of every test here when Chromium is missing."""

from pathlib import Path

import pytest
from support import ARGS, CHROMIUM, needs_chromium, wait_for_request_threads

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test in this folder needs Debian's Chromium: skipped (before any fixture runs) when it is missing."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(needs_chromium)


@pytest.fixture
def browser():
    """Debian's Chromium, driven by Playwright's sync API; closed afterwards, then the live server's requests joined.

    Request it after the fixtures that make the test's data: the data is made before Playwright starts,
    because its sync API runs an event loop in this thread and the ORM must not be used inside it
    (Django would open a second connection there).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    wait_for_request_threads()
