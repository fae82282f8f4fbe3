"""One real browser (Debian's Chromium, driven by Playwright) walks the staff side as an officer.

Chromium comes from Debian (``apt-get install chromium``; ``scripts/bootstrap`` installs it when run
as root), never from ``playwright install``. The test saves ``docs/screenshots/home-officer.png``.
"""

import datetime
import random
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.utils import timezone

from sanxiang.org.models import OfficerCertificate, Role
from sanxiang.org.testing import make_person

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium: apt-get install chromium")


@pytest.fixture
def page(live_server, department):
    """A Chromium page. The data is made before Playwright starts: its sync API runs an event loop in
    this thread, and the ORM must not be used inside it (Django would open a second connection there)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
    _wait_for_request_threads()


def _wait_for_request_threads(timeout: float = 10.0) -> None:
    """Let the live server finish the requests of the closed browser, so their database connections close.

    Each request thread closes its connections when its (keep-alive) socket closes; until then a
    PostgreSQL test database could not be dropped at the end of the session.
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def department(cast):
    """A department worth looking at: colleagues with valid, expiring, suspended and revoked certificates."""
    rng = random.Random(7)
    today = timezone.localdate()
    for username, name, status, days in [("o1", "陈明", "valid", 900), ("o2", "林芳", "suspended", 900),
                                         ("o3", "黄伟", "revoked", 900), ("o4", "吴静", "valid", 12)]:
        make_person(cast.agency_a, cast.department_a1, username, name, [Role.OFFICER], rng=rng,
                    certificate_category="market")
        OfficerCertificate.objects.filter(number=f"CERT-{username}").update(
            status=status, expires_on=today + datetime.timedelta(days=days)
        )
    OfficerCertificate.objects.filter(number="CERT-officer_a").update(expires_on=today + datetime.timedelta(days=20))
    return cast


@pytest.mark.req("SUP-01")
def test_an_officer_logs_in_sees_the_home_page_and_opens_a_colleague(live_server, page):
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", "test-pass-123")
    page.click("form.form button[type=submit]")

    page.wait_for_selector("[data-section=certificates]")
    assert page.locator("h1").inner_text().startswith("张执法")
    assert page.locator("[data-testid=userbox]").inner_text().count("执法人员") == 1
    assert "还有 20 天" in page.locator("[data-section=certificates]").inner_text()
    officers = page.locator("[data-section=officer]").inner_text()
    assert "李执法" in officers and "王执法" not in officers
    # Our own stylesheet is served and applied (no CDN): the top bar is the government blue.
    assert page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor") == "rgb(11, 61, 115)"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-officer.png"), full_page=True)

    page.click("[data-section=officer] >> text=李执法")
    page.wait_for_selector("[data-section=certificates]")
    assert "李执法" in page.locator("h1").inner_text()
    assert "CERT-officer_a2" in page.locator("[data-section=certificates]").inner_text()
    assert "核发执法证" not in page.content()  # an officer changes nothing

    page.click("button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Enforcement certificate" in page.locator("[data-section=certificates]").inner_text()
