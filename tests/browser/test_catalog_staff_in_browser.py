"""The catalog staff pages in a real browser: an administrator drafts a penalty item and submits it, the leader approves.

Saves ``docs/screenshots/catalog-staff-item.png`` (the published version with its log entry and content).
"""

import pytest
from support import DESKTOP, shot

from sanxiang.catalog.tests import factories as f
from sanxiang.records import merkle
from sanxiang.records.models import LogHead


@pytest.fixture
def food_law(cast):
    """The statute library, made before Playwright starts (its event loop must not meet the ORM): the food law's id."""
    lib = f.make_library()
    # An earlier live-server test's flush empties every table, the log head's seed row included.
    LogHead.objects.get_or_create(pk=1, defaults={"size": 0, "frontier": [], "root": merkle.EMPTY_ROOT})
    return str(lib["food122"].statute_id)


def _log_in(context, base: str, username: str):
    page = context.new_page()
    page.goto(f"{base}/login/?next=/catalog/")
    page.fill("#id_username", username)
    page.fill("#id_password", "test-pass-123")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("[data-section=entries]")
    return page


@pytest.mark.req("PUB-10")
@pytest.mark.req("PUB-04")
def test_an_item_is_drafted_submitted_and_approved_in_the_browser(live_server, food_law, browser):
    drafter = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = _log_in(drafter, live_server.url, "admin_a")
    page.click("[data-section=create] >> text=行政执法事项清单")
    page.wait_for_selector("form.editor[data-kind=item]")

    page.fill("#id_code", "330100-CF-001")
    page.select_option("#id_department", label="执法一队")
    page.fill("#id_c-name", "对未取得食品经营许可从事食品经营活动的行政处罚")
    page.select_option("#id_c-act_kind", "penalty")
    page.check("input[name=c-level][value=county]")
    page.fill("#id_c-sector", "食品安全")
    page.fill("#id_c-procedure", "立案—调查取证—告知—决定—送达—执行")
    page.fill("#id_c-time_limit", "立案之日起九十日内作出处理决定")
    page.fill("#id_c-fees", "不收费")
    page.fill("#id_c-remedy", "行政复议或者行政诉讼")
    page.select_option("#id_basis-0-statute", food_law)
    page.fill("#id_basis-0-article", "122")
    page.fill("#id_basis-0-paragraph", "1")
    page.select_option("#id_basis-0-role", "处罚依据")

    # A second basis row, added without JavaScript: the page comes back with one more empty row.
    page.click("[data-formset=basis] button[name=add_row]")
    page.wait_for_selector("#id_basis-1-statute")
    assert page.input_value("#id_c-name") == "对未取得食品经营许可从事食品经营活动的行政处罚"
    page.select_option("#id_basis-1-statute", food_law)
    page.fill("#id_basis-1-article", "900")  # not in the library: refused, nothing saved

    page.select_option("#id_tiers-0-severity", "ordinary")
    page.fill("#id_tiers-0-circumstances", "货值金额不足一万元，初次违法")
    page.check("input[name=tiers-0-penalty_kinds][value=fine]")
    page.fill("#id_tiers-0-person_fine_min", "50000")
    page.fill("#id_tiers-0-person_fine_max", "80000")
    page.fill("#id_tiers-0-org_fine_min", "50000")
    page.fill("#id_tiers-0-org_fine_max", "100000")
    page.fill("#id_bm-no_penalty_conditions", "违法行为轻微并及时改正，没有造成危害后果的")
    page.fill("#id_change_note", "首次编制")
    page.click(".editor .actions button[name=save]")

    page.wait_for_selector("[data-testid=form-errors]")
    assert "没有第九百条" in page.locator("[data-formset=basis] fieldset[data-row='1']").inner_text()
    page.check("input[name=basis-1-DELETE]")
    page.click(".editor .actions button[name=save]")

    page.wait_for_selector("[data-testid=status]")
    assert page.locator("[data-testid=status]").inner_text() == "草稿"
    assert "国家对食品生产经营" not in page.content()
    assert "违反本法规定，未取得食品生产经营许可" in page.content()  # the article text from the library
    page.click("button[name=submit]")
    page.wait_for_selector("text=已送审")
    assert page.locator("[data-testid=status]").inner_text() == "待审核"
    drafter.close()

    leader = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = _log_in(leader, live_server.url, "leader")
    page.click("[data-section=pending] >> text=对未取得食品经营许可从事食品经营活动的行政处罚")
    page.wait_for_selector("[data-form=approve]")
    page.fill("[data-form=approve] textarea[name=note]", "经审核，依据准确，裁量幅度适当，同意发布。")
    page.click("[data-form=approve] button[type=submit]")
    page.wait_for_selector("[data-testid=log-seq]")
    assert page.locator("[data-testid=status]").inner_text() == "已发布"
    assert "钱局长" in page.locator("[data-section=meta]").inner_text()

    shot(page, "catalog-staff-item.png")
    leader.close()
