"""A visitor walks the public site over the demo county's data, in a real browser (Debian's Chromium, Playwright).

The whole demo (``sanxiang demo``'s loaders) is loaded first; then, with JavaScript switched off, a
desktop browser goes from the home page to an agency, its item list (searching within it), a penalty
item with its discretion benchmark, the same item as it was in force on an earlier day, a service
guide, the review catalog, the AV list, a flowchart, the drawn and the announced double-random draw
and the site search; a 375 px phone opens the same pages, each of which must fit its width.

Saves ``docs/screenshots/public-home.png``, ``public-review-catalog.png``, ``public-flowchart.png``
(desktop) and ``public-item.png``, ``public-guide.png``, ``public-draw.png`` (phone).
"""

import datetime
import hashlib

import pytest
from django.utils import timezone
from support import DESKTOP, fits, shot

PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture
def demo(transactional_db):
    """The demo data, loaded before Playwright starts (its event loop must not meet the ORM)."""
    from django.core.cache import cache

    from sanxiang.catalog.models import Draw
    from sanxiang.core import demo_registry
    from sanxiang.org.models import Agency, System

    cache.clear()
    demo_registry.load_all()
    agencies = {a.system: a for a in Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT)}
    drawn = Draw.objects.get(status=Draw.Status.DRAWN)
    announced = Draw.objects.get(status=Draw.Status.ANNOUNCED)
    today = timezone.localdate()
    return {
        "market": agencies[System.MARKET].pk, "market_name": agencies[System.MARKET].name,
        "names": [a.name for a in agencies.values()],
        "earlier": datetime.date(today.year - 1, 6, 1).isoformat(),
        "drawn": {"pk": drawn.pk, "title": drawn.title, "seed": drawn.seed, "inputs_digest": drawn.inputs_digest,
                  "subjects": [a["subject"]["name"] for a in drawn.result["assignments"]]},
        "announced": {"pk": announced.pk, "title": announced.title, "seed": announced.seed},
    }


def main_text(page):
    return page.locator("main").inner_text()


@pytest.mark.req("PUB-01")
@pytest.mark.req("PUB-04")
@pytest.mark.req("PUB-05")
@pytest.mark.req("PUB-06")
@pytest.mark.req("PUB-07")
@pytest.mark.req("PUB-09")
@pytest.mark.req("PUB-10")
@pytest.mark.req("REC-03")
def test_a_visitor_walks_the_demo_countys_lists_on_a_desktop(live_server, demo, browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    agency = f"{base}/gongshi/zhuti/{demo['market']}"

    page.goto(f"{base}/gongshi/")
    text = main_text(page)
    assert "行政执法主体名录" in text and all(name in text for name in demo["names"])
    shot(page, "public-home.png")

    page.click(f"main >> text={demo['market_name']}")
    page.wait_for_selector("h1")
    assert demo["market_name"] in page.locator("h1").inner_text()
    page.click(".kind-links >> text=行政执法事项清单")
    page.wait_for_selector(".entry-title")
    assert page.locator(".entry-title").count() >= 10

    # Search within the list: only the matching item stays.
    page.fill("#f-q", "进货查验")
    page.press("#f-q", "Enter")
    page.wait_for_selector(".entry-title")
    titles = page.locator(".entry-title").all_inner_texts()
    assert len(titles) == 1 and "进货查验" in titles[0]
    page.click(".entry-title")
    page.wait_for_selector("h1")
    text = main_text(page)
    assert "SC-CF-003" in text and "行政处罚裁量基准" in text and "第一百二十六条第一款第（三）项" in text
    assert "5000元至1.5万元" in text and "首违不罚" in text and "第三十二条" in text
    assert "第 2 版" in text and "第 1 版" in text and "年度清单动态调整" in text

    # The same item as it was in force on an earlier day: the older version, with its own tiers.
    page.goto(f"{agency}/shixiang/SC-CF-003/?on={demo['earlier']}")
    text = main_text(page)
    assert "历史查询" in text and "5000元至2万元" in text and "1.5万元" not in text

    page.goto(f"{agency}/fuwuzhinan/SC-ZN-001/")
    text = main_text(page)
    for words in ("食品经营许可", "申请材料", "食品经营许可申请书", "云岫县政务服务中心", "0590-5231816", "承诺时限五个工作日",
                  "不收费"):
        assert words in text, words

    page.goto(f"{agency}/fazhishenhe/FZSH/")
    text = main_text(page)
    assert "拟对个人处1万元以上、对法人或者其他组织处10万元以上罚款的" in text and "经过听证程序" in text
    shot(page, "public-review-catalog.png")
    page.goto(f"{agency}/fazhishenhe/FZSH/?on={demo['earlier']}")
    assert "拟对个人处2万元以上、对法人或者其他组织处20万元以上罚款的" in main_text(page)

    page.goto(f"{agency}/yinxiang/YXJL/")
    text = main_text(page)
    assert "查封扣押财产" in text and "全过程音像记录" in text and "抽样取证" in text and "可以文字记录代替" in text

    page.goto(f"{base}/gongshi/liucheng/penalty/")
    assert page.locator("main figure svg").count() == 1
    assert "行政处罚" in page.locator("h1").inner_text()
    shot(page, "public-flowchart.png")

    # The drawn draw: its seed, its result, and inputs whose digest is the one published.
    page.goto(f"{base}/gongshi/choucha/")
    page.click(f"text={demo['drawn']['title']}")
    page.wait_for_selector("h1")
    text = main_text(page)
    assert demo["drawn"]["seed"] in text and demo["drawn"]["inputs_digest"] in text
    assert all(name in text for name in demo["drawn"]["subjects"])
    inputs = page.request.get(f"{base}/gongshi/choucha/{demo['drawn']['pk']}/inputs.json")
    assert hashlib.sha256(inputs.body()).hexdigest() == demo["drawn"]["inputs_digest"]
    page.goto(f"{base}/gongshi/choucha/{demo['announced']['pk']}/")
    text = main_text(page)
    assert "待抽取" in text and demo["announced"]["seed"] in text

    page.goto(f"{base}/gongshi/sousuo/?q=油烟")
    assert "油烟" in main_text(page) and "ZF-CF-001" in page.content()

    # Drafts never reach the public site.
    response = page.goto(f"{agency}/shixiang/SC-CF-007/")
    assert response.status == 404
    context.close()


@pytest.mark.req("PUB-01")
def test_the_same_pages_fit_a_375_pixel_phone(live_server, demo, browser):
    context = browser.new_context(viewport=PHONE_375, locale="zh-CN", java_script_enabled=False, is_mobile=True)
    page = context.new_page()
    base = live_server.url
    agency = f"{base}/gongshi/zhuti/{demo['market']}"
    pages = [
        (f"{base}/gongshi/", None),
        (f"{agency}/", None),
        (f"{agency}/shixiang/?q=食品", None),
        (f"{agency}/shixiang/SC-CF-003/", "public-item.png"),
        (f"{agency}/shixiang/SC-CF-003/?on={demo['earlier']}", None),
        (f"{agency}/fuwuzhinan/SC-ZN-001/", "public-guide.png"),
        (f"{agency}/fazhishenhe/FZSH/", None),
        (f"{agency}/yinxiang/YXJL/", None),
        (f"{base}/gongshi/liucheng/penalty/", None),
        (f"{base}/gongshi/choucha/{demo['drawn']['pk']}/", "public-draw.png"),
    ]
    for url, name in pages:
        response = page.goto(url)
        assert response.status == 200, url
        fits(page, PHONE_375["width"])
        if name:
            shot(page, name)
    context.close()
