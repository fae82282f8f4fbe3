"""A real browser (Debian's Chromium via Playwright) walks the double-random draw: staff announce and draw, the public checks.

Saves ``docs/screenshots/public-draw-phone.png`` (phone width) and ``docs/screenshots/staff-draw.png``.
"""

import hashlib
import shutil
import threading
import time
from pathlib import Path

import pytest

from sanxiang.catalog import inspections
from sanxiang.catalog.tests.test_draw_services import world  # noqa: F401 — the shared fixture

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium: apt-get install chromium"),
    pytest.mark.req("PUB-05"),
]


@pytest.fixture
def browser(live_server, drawn):
    """Chromium; the data is made before Playwright starts (its event loop must not meet the ORM)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    deadline = time.monotonic() + 10
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def drawn(world):  # noqa: F811
    draw = inspections.completed_draw(world.head, item_version=world.item, plan_version=world.plan,
                                      seed="03 11 17 22 28 31 + 09", seed_source="福利彩票双色球第2026120期开奖号码")
    return {"pk": draw.pk, "title": draw.title, "seed": draw.seed, "inputs_digest": draw.inputs_digest,
            "result_digest": draw.result_digest, "item": world.item.pk, "plan": world.plan.pk,
            "assignments": draw.result["assignments"]}


def test_the_public_opens_a_draw_on_a_phone_and_checks_the_inputs_digest(live_server, browser, drawn):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", java_script_enabled=False)
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
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    href = page.get_attribute("text=下载抽取输入（JSON）", "href")
    download = context.request.get(f"{live_server.url}{href}")
    assert hashlib.sha256(download.body()).hexdigest() == drawn["inputs_digest"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "public-draw-phone.png"), full_page=True)
    context.close()


def test_a_department_head_announces_and_draws(live_server, browser, drawn):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "staff-draw.png"), full_page=True)
    context.close()
