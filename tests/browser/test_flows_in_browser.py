"""A real browser (Debian's Chromium via Playwright, JavaScript off) reads the flowcharts and document samples on a phone.

Saves ``docs/screenshots/public-flow.png`` and ``docs/screenshots/public-document.png`` (phone width) and
``docs/screenshots/public-flow-desktop.png``.
"""

import pytest
from support import PHONE, shot

from sanxiang.catalog import flows

pytestmark = [
    pytest.mark.req("PUB-07"),
    pytest.mark.req("PUB-08"),
]


def test_the_public_reads_a_flowchart_and_a_document_sample_on_a_phone(live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/gongshi/liucheng/")
    page.click("text=行政处罚（一般程序）")
    page.wait_for_selector("svg.flowchart")
    # the chart is drawn and carries exactly the enforced transitions
    edges = page.eval_on_selector_all("svg.flowchart g.edge", "els => els.map(e => [e.dataset.from, e.dataset.to])")
    assert {tuple(e) for e in edges} == flows.transitions("penalty")
    box = page.locator("svg.flowchart").bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 300
    # the text version lists every step; the page itself fits the phone (the chart scrolls in its box)
    assert page.locator("ol.flow-steps > li").count() == len(flows.FLOWS["penalty"].steps)
    assert "自立案之日起90日内" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "public-flow.png", full_page=False)

    page.click("ol.flow-steps >> text=行政处罚决定书")
    page.wait_for_selector("article.doc-preview")
    body = page.locator("main").inner_text()
    assert "行政处罚决定书" in body and "履行方式和期限" in body and "＿＿＿＿" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "public-document.png")
    href = page.get_attribute("text=下载空白样本（DOCX）", "href")
    download = context.request.get(f"{live_server.url}{href}")
    assert download.status == 200 and download.body()[:2] == b"PK"
    context.close()


def test_the_flowchart_on_a_desktop_screen(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/gongshi/liucheng/coercion_measure/")
    page.wait_for_selector("svg.flowchart")
    assert page.locator("svg.flowchart g.decision").count() >= 3
    shot(page, "public-flow-desktop.png", full_page=False)
    png = context.request.get(f"{live_server.url}/gongshi/liucheng/coercion_measure.png")
    assert png.status == 200 and png.headers["content-type"] == "image/png"
    context.close()
