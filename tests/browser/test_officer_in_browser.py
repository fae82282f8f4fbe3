"""One real browser (Debian's Chromium, driven by Playwright) walks the staff side as an officer.

Chromium comes from Debian (``apt-get install chromium``; ``scripts/bootstrap`` installs it when run
as root), never from ``playwright install``. The test saves ``docs/screenshots/home-officer.png``.
"""

import datetime
import random

import pytest
from django.utils import timezone
from support import DESKTOP, shot

from sanxiang.org.models import OfficerCertificate, Role
from sanxiang.org.testing import make_person


@pytest.fixture
def page(live_server, department, browser):
    """A Chromium page, opened after the department's data is made (see the ``browser`` fixture)."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


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

    shot(page, "home-officer.png")

    page.click("[data-section=officer] >> text=李执法")
    page.wait_for_selector("[data-section=certificates]")
    assert "李执法" in page.locator("h1").inner_text()
    assert "CERT-officer_a2" in page.locator("[data-section=certificates]").inner_text()
    assert "核发执法证" not in page.content()  # an officer changes nothing

    page.click("button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Enforcement certificate" in page.locator("[data-section=certificates]").inner_text()
