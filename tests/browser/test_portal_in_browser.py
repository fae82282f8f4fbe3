"""A member of the public walks the public site (公示平台) on a phone, in a real browser (Debian's Chromium, Playwright).

JavaScript is switched off: every page must work without it. The walk goes from the home page
through the item list to an item with its discretion benchmark, a service guide, the review catalog
and the AV list, then reports an error (纠错) and gets a reference number. Every page must fit the
phone's width. Saves ``docs/screenshots/public-items.png``, ``public-item-phone.png``, ``public-guide-phone.png``,
``public-review-catalog-phone.png``, ``public-error-report.png`` (phone) and ``public-item-desktop.png``.
"""

import pytest
from support import DESKTOP, PHONE, fits, shot

from sanxiang.portal.tests.conftest import build_site


@pytest.fixture
def content(cast):
    """Published lists of agency A (made before Playwright starts: its event loop must not meet the ORM)."""
    from django.core.cache import cache

    cache.clear()
    site = build_site(cast)
    return {"agency": cast.agency_a.pk, "item": site.versions["item"].title}


@pytest.mark.req("PUB-01")
@pytest.mark.req("PUB-04")
@pytest.mark.req("PUB-06")
@pytest.mark.req("PUB-09")
@pytest.mark.req("PUB-10")
@pytest.mark.req("REC-03")
def test_a_visitor_reads_the_lists_on_a_phone_and_reports_an_error(live_server, content, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/gongshi/")
    fits(page)
    page.click("nav.public-nav >> text=事项清单")
    page.wait_for_selector("h1")
    assert "行政执法事项清单" in page.locator("h1").inner_text()
    page.select_option("#f-act", "penalty")
    page.click("form.filters-public >> text=查询")
    page.wait_for_selector(".entry-list")
    assert "act=penalty" in page.url
    fits(page)
    shot(page, "public-items.png")

    page.click(f"text={content['item']}")
    page.wait_for_selector("h1")
    main = page.locator("main").inner_text()
    assert "行政处罚裁量基准" in main and "5万元至6万元" in main and "不予处罚情形" in main
    assert "第一百二十二条第一款" in main and "版本记录" in main
    fits(page)
    shot(page, "public-item-phone.png")

    page.goto(f"{live_server.url}/gongshi/zhuti/{content['agency']}/fuwuzhinan/ZN-001/")
    assert "申请材料" in page.locator("main").inner_text()
    fits(page)
    shot(page, "public-guide-phone.png")

    page.click("nav.public-nav >> text=法制审核目录")
    page.click(".entry-list a")
    page.wait_for_selector("ol.rules")
    assert "对单位罚款10万元以上的行政处罚决定" in page.locator("ol.rules").inner_text()
    fits(page)
    shot(page, "public-review-catalog-phone.png")

    page.click("nav.public-nav >> text=音像记录清单")
    page.click(".entry-list a")
    page.wait_for_selector("table")
    assert "全过程音像记录" in page.locator("table").inner_text()
    fits(page)

    # 纠错 from the footer of the review catalog's page: the page and its agency are filled in.
    catalog_path = page.url.replace(live_server.url, "")
    page.click("text=发现信息有误？我要纠错")
    page.wait_for_selector("form.report-form")
    assert page.input_value("#id_page_path") == catalog_path
    page.click("text=提交纠错")  # nothing typed yet
    page.wait_for_selector(".notice-error")
    assert "请填写纠错内容" in page.locator(".notice-error").inner_text()
    page.fill("#id_text", "第二条的罚款数额与本局文件不一致。")
    fits(page)
    shot(page, "public-error-report.png")
    page.click("text=提交纠错")
    page.wait_for_selector(".reference")
    reference = page.locator(".reference").inner_text()
    assert reference.startswith("JC") and "前核实处理" in page.locator("main").inner_text()
    fits(page)
    context.close()

    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    wide = desktop.new_page()
    wide.goto(f"{live_server.url}/gongshi/zhuti/{content['agency']}/shixiang/SC-CF-001/")
    shot(wide, "public-item-desktop.png")
    desktop.close()
