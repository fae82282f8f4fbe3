"""A real browser (Debian's Chromium via Playwright) walks the double-random draw: staff announce and draw, the public checks.

Saves ``docs/screenshots/public-draw-phone.png`` (phone width) and ``docs/screenshots/staff-draw.png``.
"""

import hashlib

import pytest
from support import DESKTOP, PHONE, shot

from sanxiang.catalog import inspections
from sanxiang.catalog.tests.test_draw_services import world  # noqa: F401 — the shared fixture

pytestmark = pytest.mark.req("PUB-05")


@pytest.fixture
def drawn(world):  # noqa: F811
    draw = inspections.completed_draw(world.head, item_version=world.item, plan_version=world.plan,
                                      seed="03 11 17 22 28 31 + 09", seed_source="福利彩票双色球第2026120期开奖号码")
    return {"pk": draw.pk, "title": draw.title, "seed": draw.seed, "inputs_digest": draw.inputs_digest,
            "result_digest": draw.result_digest, "item": world.item.pk, "plan": world.plan.pk,
            "assignments": draw.result["assignments"]}


def test_the_public_opens_a_draw_on_a_phone_and_checks_the_inputs_digest(live_server, drawn, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/gongshi/choucha/")
    page.click(f"text={drawn['title']}")
    page.wait_for_selector("h1")
    body = page.locator("main").inner_text()
    assert drawn["seed"] in body and drawn["inputs_digest"] in body and drawn["result_digest"] in body
    assert "福利彩票双色球第2026120期开奖号码" in body
    first = drawn["assignments"][0]
    assert first["subject"]["uscc"] in body and first["inspectors"][0]["certificate"] in body
    # The page fits a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    href = page.get_attribute("text=下载抽取输入（JSON）", "href")
    download = context.request.get(f"{live_server.url}{href}")
    assert hashlib.sha256(download.body()).hexdigest() == drawn["inputs_digest"]
    shot(page, "public-draw-phone.png")
    context.close()


def test_a_department_head_announces_and_draws(live_server, drawn, browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/?next=/catalog/draws/new/")
    page.fill("#id_username", "head_a")
    page.fill("#id_password", "test-pass-123")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#id_item_version")
    page.select_option("#id_item_version", str(drawn["item"]))
    page.select_option("#id_plan_version", str(drawn["plan"]))
    page.fill("#id_title", "二季度食品经营抽查")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("text=按公布的种子抽取")
    assert "已公布抽取" in page.locator(".messages").inner_text()
    page.click("text=按公布的种子抽取")
    page.wait_for_selector("text=复核一致")
    assert "抽取完成" in page.locator(".messages").inner_text()
    assert page.locator("table.table-stack tbody tr").count() == 5  # ceil(20 × 25%) from the plan task
    shot(page, "staff-draw.png")
    context.close()
