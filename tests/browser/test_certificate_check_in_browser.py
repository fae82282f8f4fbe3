"""A member of the public checks officers' certificates in a real browser (Debian's Chromium, Playwright).

Searches the officer list by name, opens a certificate and sees 有效; types the number of a revoked
one and sees 已吊销. Saves ``docs/screenshots/public-certificate.png``. No JavaScript is needed by the
pages; the browser only reads and clicks.
"""

import datetime
import random

import pytest
from django.utils import timezone
from support import DESKTOP, shot

from sanxiang.org.models import OfficerCertificate, Person, Role
from sanxiang.org.testing import make_person

VALID = "3504210100001"
REVOKED = "3504210100003"


@pytest.fixture
def officers(cast):
    """Officers of agency A with real-looking certificate numbers: one valid, one revoked, one suspended."""
    rng = random.Random(11)
    day = timezone.localdate()
    for username, name, number, status in [("o1", "陈明", VALID, "valid"), ("o2", "林芳", "3504210100002", "suspended"),
                                           ("o3", "黄伟", REVOKED, "revoked")]:
        make_person(cast.agency_a, cast.department_a1, username, name, [Role.OFFICER], rng=rng,
                    certificate_category="market")
        OfficerCertificate.objects.filter(number=f"CERT-{username}").update(
            number=number, status=status, categories=["market", "health"], issued_on=datetime.date(2024, 3, 1),
            expires_on=day + datetime.timedelta(days=800),
        )
    Person.objects.filter(name__in=["陈明", "林芳", "黄伟"]).update(position="执法队员")
    return cast


@pytest.mark.req("PUB-11")
@pytest.mark.req("PUB-03")
def test_a_visitor_finds_an_officer_and_checks_certificates(live_server, officers, browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/gongshi/renyuan/")
    assert "行政执法人员查询" in page.locator("h1").inner_text()
    page.fill("#q", "陈明")
    page.click("form.officer-search button[type=submit]")
    page.wait_for_url("**/gongshi/renyuan/?q=*")
    rows = page.locator("[data-testid=officers] tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "陈明" in row and VALID in row and "市场监管、卫生健康" in row and "有效" in row
    assert "黄伟" not in page.content()

    page.click(f"text={VALID}")
    page.wait_for_url(f"**/gongshi/zhengjian/{VALID}/")
    status = page.locator("[data-testid=certificate-status]")
    assert status.get_attribute("data-status") == "valid"
    assert "有效" in status.inner_text()
    # Colour as well as words: the status block is green.
    assert status.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(26, 127, 55)"
    fields = page.locator("[data-testid=certificate-fields]").inner_text()
    assert "陈明" in fields and "样例县市场监督管理局" in fields and "样例县" in fields
    assert f"{live_server.url}/gongshi/zhengjian/{VALID}/" in page.locator("[data-testid=certificate-url]").inner_text()
    assert page.evaluate("document.querySelector('.cert-qr img').naturalWidth") > 0  # the QR code loaded
    shot(page, "public-certificate.png")

    page.goto(f"{live_server.url}/gongshi/zhengjian/")
    page.fill("#number", REVOKED)
    page.click("form.check-form button[type=submit]")
    page.wait_for_url(f"**/gongshi/zhengjian/{REVOKED}/")
    status = page.locator("[data-testid=certificate-status]")
    assert status.get_attribute("data-status") == "revoked"
    assert "已吊销" in status.inner_text()
    assert status.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(180, 35, 24)"

    page.goto(f"{live_server.url}/gongshi/zhengjian/3504219999999/")
    assert "未查到该证件" in page.locator("[data-testid=certificate-status]").inner_text()
    context.close()


@pytest.mark.req("PUB-11")
def test_the_certificate_page_fits_a_phone(live_server, officers, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN", java_script_enabled=False,
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    for path in (f"/gongshi/zhengjian/{REVOKED}/", "/gongshi/renyuan/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto(f"{live_server.url}/gongshi/zhengjian/{REVOKED}/")
    assert "已吊销" in page.locator("[data-testid=certificate-status]").inner_text()
    context.close()
