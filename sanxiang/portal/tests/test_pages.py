"""The public site's pages (PUB-01, PUB-04…PUB-06, PUB-09, PUB-10, REC-03): what they show, and what they never show."""

import datetime

import pytest
from django.urls import reverse

from sanxiang.catalog import services
from sanxiang.catalog.models import ListKind, Provision, Statute, Version, VersionStatus
from sanxiang.catalog.tests.factories import make_library
from sanxiang.org.models import Agency
from sanxiang.portal.sections import BY_KIND, SECTIONS

from .conftest import NEVER_PUBLISHED, UNAPPROVED, build_site, contents, republish, today

MARK = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def entry_url(cast, kind, code, agency=None):
    return reverse("public-entry", args=[(agency or cast.agency_a).pk, BY_KIND[kind].slug, code])


def public_urls(cast, site) -> list[str]:
    """Every public page the portal serves for the published content of ``site``."""
    a = cast.agency_a.pk
    urls = [reverse("public-home"), reverse("public-agency", args=[a]), reverse("public-agency", args=[cast.agency_b.pk]),
            reverse("public-search") + "?q=食品", reverse("public-error-report")]
    for section in SECTIONS:
        urls += [reverse("public-list", args=[section.slug]), reverse("public-agency-list", args=[a, section.slug]),
                 reverse("public-agency-list", args=[cast.agency_b.pk, section.slug])]
        urls.append(entry_url(cast, section.kind, site.versions[section.kind].entry.code))
    return urls


def get(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    assert not any("/login/" in hop for hop, _ in response.redirect_chain), f"{url} asks for a login"
    return response.content.decode()


# --- Every page, for anyone ---------------------------------------------------------------------


@pytest.mark.req("PUB-01")
def test_every_public_page_answers_without_login_on_a_phone(client, cast, site):
    for url in public_urls(cast, site):
        page = get(client, url)
        assert 'name="viewport"' in page and "<script" not in page  # phone-ready, no JavaScript
        assert "纠错" in page  # the 纠错 link on every page


@pytest.mark.req("PUB-01")
def test_the_navigation_reaches_every_kind_of_list_and_the_other_parts(client, cast, site):
    page = get(client, reverse("public-home"))
    for section in SECTIONS:
        if section.kind != ListKind.INSPECTION_PLAN:
            assert f'href="{reverse("public-list", args=[section.slug])}"' in page
    labels = ("事项清单", "随机抽查", "服务指南", "流程图", "文书样本", "法制审核目录", "音像记录清单", "执法人员", "证件核验")
    for label in labels:
        assert f">{label}</a>" in page
    assert f'href="{reverse("public-officers")}"' in page and f'href="{reverse("public-certificate-check")}"' in page
    assert 'action="/gongshi/sousuo/"' in page  # the search box
    item_page = get(client, entry_url(cast, ListKind.ITEM, "SC-CF-001"))
    assert 'href="/gongshi/qingdan/shixiang/" class="active"' in item_page
    agency_page = get(client, reverse("public-agency", args=[cast.agency_a.pk]))
    for section in SECTIONS:
        assert reverse("public-agency-list", args=[cast.agency_a.pk, section.slug]) in agency_page


@pytest.mark.req("PUB-04")
def test_an_item_shows_its_basis_with_the_article_text_and_its_discretion_benchmark(client, cast, site):
    page = get(client, entry_url(cast, ListKind.ITEM, "SC-CF-001"))
    assert "对未取得食品经营许可从事食品经营活动的行政处罚" in page and "行政处罚" in page
    assert "《中华人民共和国食品安全法》第一百二十二条第一款" in page
    assert "违反本法规定，未取得食品生产经营许可从事食品生产经营活动" in page  # the article's text
    assert "《中华人民共和国行政处罚法》第九条" in page and "处罚依据" in page
    for text in ("立案—调查—决定", "九十日", "法定时限 90 日", "行政复议", "不收费", "县级"):
        assert text in page
    # The benchmark: tiers, circumstances, penalty kinds, fine ranges for persons and organisations, conditions.
    for text in ("行政处罚裁量基准", "轻微", "严重", "货值金额不足一万元，初次违法", "罚款、没收违法所得",
                 "5万元至6万元", "5万元至8万元", "8万元至10万元", "15万元至20万元",
                 "不予处罚情形", "违法行为轻微并及时改正，没有造成危害后果的", "从轻处罚情形",
                 "主动消除或者减轻违法行为危害后果的", "减轻处罚情形"):
        assert text in page, text


@pytest.mark.req("PUB-05")
def test_inspection_items_and_annual_plans_show_every_field(client, cast, site):
    page = get(client, entry_url(cast, ListKind.INSPECTION_ITEM, "SC-CC-001"))
    for text in ("抽查主体", "县市场监督管理局", "抽查对象", "辖区内食品经营者", "抽查内容", "经营许可、进货查验",
                 "抽查比例", "5.00%", "抽查方式", "现场检查", "抽查频次", "每年一次", "不少于 2 名执法人员",
                 "县级以上人民政府食品安全监督管理部门应当对食品进行定期或者不定期的抽样检验"):
        assert text in page, text
    plan = get(client, entry_url(cast, ListKind.INSPECTION_PLAN, "JH-2026"))
    for text in ("2026年度双随机抽查工作计划", "食品经营者专项抽查", "2026-04-01 ~ 2026-06-30", "执法一队", "5.00%"):
        assert text in plan, text
    assert f'href="{entry_url(cast, ListKind.INSPECTION_ITEM, "SC-CC-001")}"' in plan


@pytest.mark.req("PUB-06")
def test_a_service_guide_shows_every_field_the_seeds_name(client, cast, site):
    page = get(client, entry_url(cast, ListKind.GUIDE, "ZN-001"))
    fields = {"事项名称": "食品经营许可", "受理机构": "县政务服务中心市场监管窗口", "决定机构": "县市场监督管理局",
              "申请条件": "有经营场所", "优惠政策": "无", "申请材料": "食品经营许可申请书", "办理流程": "申请—受理—审查—决定",
              "办理时限": "二十个工作日", "收费标准": "不收费", "监督方式": "12315", "责任追究": "依法追责",
              "办公时间": "工作日 9:00—17:00", "办公地址": "县政务服务中心二楼", "咨询电话": "0591-12345678",
              "设定和实施依据": "国家对食品生产经营实行许可制度。"}
    for label, value in fields.items():
        assert label in page and value in page, label
    assert "原件" in page and f'href="{entry_url(cast, ListKind.ITEM, "SC-XK-001")}"' in page  # its licensing item


@pytest.mark.req("PUB-09")
def test_the_review_catalog_reads_as_plain_sentences(client, cast, site):
    page = get(client, reverse("public-agency-list", args=[cast.agency_a.pk, "fazhishenhe"]))
    assert "下列行政执法决定在作出前须经法制审核" in page
    assert "对单位罚款10万元以上的行政处罚决定" in page
    assert "作出吊销许可证件的行政执法决定" in page
    assert "经过听证程序的行政执法决定" in page
    assert "属于“对未取得食品经营许可从事食品经营活动的行政处罚”事项的行政处罚决定" in page
    assert "市场监管" in page


@pytest.mark.req("REC-03")
def test_the_av_list_is_a_table_of_activities_and_requirements(client, cast, site):
    page = get(client, reverse("public-agency-list", args=[cast.agency_a.pk, "yinxiang"]))
    assert "<table" in page
    assert "查封扣押财产" in page and "全过程音像记录" in page and "《行政强制法》" in page
    assert "现场检查" in page and "根据情况音像记录" in page


# --- Lists, search and filters ------------------------------------------------------------------


@pytest.mark.req("PUB-04")
def test_the_cross_agency_list_filters_by_agency_kind_of_act_and_text(client, cast, site):
    url = reverse("public-list", args=["shixiang"])
    page = get(client, url)
    assert "SC-CF-001" in page and "SC-XK-001" in page and "样例县市场监督管理局" in page
    penalty = get(client, url + "?act=penalty")
    assert "SC-CF-001" in penalty and "SC-XK-001" not in penalty
    license_only = get(client, url + "?act=license&q=食品")
    assert "SC-XK-001" in license_only and "SC-CF-001" not in license_only
    other = get(client, url + f"?agency={cast.agency_b.pk}")
    assert "SC-CF-001" not in other and "暂无公示内容" in other
    assert "SC-CF-001" in get(client, url + f"?agency={cast.agency_a.pk}&q=未取得")
    assert "没有找到符合条件的内容" in get(client, url + "?q=没有这个词")
    search = get(client, reverse("public-search") + "?q=食品经营许可")
    assert "SC-XK-001" in search and "ZN-001" in search


@pytest.mark.req("PUB-01")
def test_lists_are_paginated(client, cast, site):
    from .conftest import publish

    lib = site.lib
    for n in range(21):
        publish(cast, ListKind.ITEM, f"PG-{n:03d}", contents(lib)[ListKind.ITEM][1] | {"name": f"分页事项{n:03d}"})
    url = reverse("public-agency-list", args=[cast.agency_a.pk, "shixiang"])
    first = get(client, url + "?q=分页事项")
    assert "共 21 项" in first and "第 1 / 2 页" in first and "PG-019" in first and "PG-020" not in first
    assert 'href="?q=%E5%88%86%E9%A1%B5%E4%BA%8B%E9%A1%B9&amp;page=2"' in first  # the query is kept
    second = get(client, url + "?q=分页事项&page=2")
    assert "PG-020" in second and "PG-000" not in second
    assert "PG-020" in get(client, url + "?q=分页事项&page=999")  # past the end: the last page


# --- Drafts never reach the public --------------------------------------------------------------


@pytest.mark.req("PUB-10")
@pytest.mark.parametrize("kind", [s.kind for s in SECTIONS])
def test_an_unapproved_version_never_appears_on_any_public_page(client, cast, site, kind):
    published = site.versions[kind]
    newer = Version.objects.filter(entry=published.entry).exclude(status=VersionStatus.PUBLISHED).get()
    assert newer.number == published.number + 1 and newer.status in UNAPPROVED
    marker = UNAPPROVED[newer.status]
    section = BY_KIND[kind]
    later = (today() + datetime.timedelta(days=400)).isoformat()
    urls = public_urls(cast, site) + [
        reverse("public-search") + f"?q={marker}", reverse("public-search") + "?q=XQ",
        reverse("public-list", args=[section.slug]) + f"?q={marker}",
        reverse("public-agency-list", args=[cast.agency_a.pk, section.slug]) + f"?q={marker}",
        reverse("public-list", args=[section.slug]) + f"?on={later}",
        entry_url(cast, kind, published.entry.code) + f"?on={later}",
        entry_url(cast, kind, published.entry.code) + f"?on={today().isoformat()}",
    ]
    for url in urls:
        page = get(client, url).replace(f'value="{marker}"', "")  # the search box repeats what was asked
        for text in [*UNAPPROVED.values(), NEVER_PUBLISHED]:
            assert text not in page, (url, text)
    # The published version is what the entry page shows, with only published versions in its history.
    page = get(client, entry_url(cast, kind, published.entry.code))
    assert published.title in page and "第 1 版" in page and "第 2 版" not in page
    # Entries that were never published do not exist for the public, whatever their state.
    for status in UNAPPROVED:
        assert client.get(entry_url(cast, kind, f"{published.entry.code}-{status}")).status_code == 404
        assert client.get(entry_url(cast, kind, f"{published.entry.code}-{status}") + f"?on={later}").status_code == 404
    if section.one_per_agency:  # agency B's copy was never published
        code = published.entry.code
        assert client.get(entry_url(cast, kind, code, agency=cast.agency_b)).status_code == 404
        other = get(client, reverse("public-agency-list", args=[cast.agency_b.pk, section.slug]))
        assert "暂无公示内容" in other


# --- Versions -----------------------------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_a_superseded_version_is_shown_for_a_day_in_its_period(client, cast, published):
    first = published.versions[ListKind.ITEM]
    switch = today() + datetime.timedelta(days=30)
    content = {**first.content, "name": "修订后的处罚事项名称", "procedure": "修订后的程序"}
    second = republish(cast, first.entry, content, effective_from=switch, change_note="依新修订的条例调整")
    first.refresh_from_db()
    assert first.effective_to == switch and second.effective_from == switch
    url = entry_url(cast, ListKind.ITEM, "SC-CF-001")

    now = get(client, url)
    assert first.title in now and "修订后的处罚事项名称" not in now.split("版本记录")[0]
    assert "现行有效" in now and "（尚未施行）" in now and "依新修订的条例调整" in now  # history lists both
    assert f"{switch.isoformat()} 起失效" in now

    during = get(client, url + f"?on={(switch - datetime.timedelta(days=1)).isoformat()}")
    assert first.title in during.split("版本记录")[0] and "当日有效" in during
    assert "修订后的处罚事项名称" not in during.split("版本记录")[0]

    after = get(client, url + f"?on={switch.isoformat()}")
    assert "修订后的处罚事项名称" in after and "修订后的程序" in after and "第 2 版 · " in after
    listed = get(client, reverse("public-list", args=["shixiang"]) + f"?on={switch.isoformat()}")
    assert "修订后的处罚事项名称" in listed and first.title not in listed
    assert first.title in get(client, reverse("public-list", args=["shixiang"]))


@pytest.mark.req("PUB-10")
def test_a_version_replaced_before_its_date_is_shown_as_never_in_force(client, cast, published):
    first = published.versions[ListKind.ITEM]
    planned = republish(cast, first.entry, {**first.content, "name": "原定的第二版"},
                        effective_from=today() + datetime.timedelta(days=30), change_note="原定修订")
    republish(cast, first.entry, {**first.content, "name": "提前的第三版"},
              effective_from=today() + datetime.timedelta(days=10), change_note="提前修订")
    page = get(client, entry_url(cast, ListKind.ITEM, "SC-CF-001"))
    history = page.split("版本记录")[1]
    assert f"原定 {planned.effective_from.isoformat()} 起施行，施行前已被新版本取代，未施行" in history
    assert f'?on={planned.effective_from.isoformat()}"' not in history  # no link to a day it never governed
    assert "提前修订" in history and "原定修订" in history
    on_planned = get(client, entry_url(cast, ListKind.ITEM, "SC-CF-001") + f"?on={planned.effective_from.isoformat()}")
    assert "提前的第三版" in on_planned.split("版本记录")[0] and "原定的第二版" not in on_planned


@pytest.mark.req("PUB-10")
def test_a_bad_date_or_a_day_with_nothing_in_force_gets_a_clear_message(client, cast, site):
    url = entry_url(cast, ListKind.ITEM, "SC-CF-001")
    bad = get(client, url + "?on=2026-13-45")
    assert "不是有效的日期" in bad and site.versions[ListKind.ITEM].title in bad
    before = get(client, url + "?on=1999-01-01")
    assert "1999年1月1日 没有有效的版本" in before and "版本记录" in before
    assert "第 1 版" in before
    # A repealed entry keeps its history but has nothing in force.
    entry = site.versions[ListKind.GUIDE].entry
    services.repeal(cast.leader, entry, effective_to=today(), reason="事项取消")
    # (Published today and ended today it never was in force; date it back as if published 100 days ago.)
    Version.objects.filter(entry=entry).update(effective_from=today() - datetime.timedelta(days=100))
    gone = get(client, entry_url(cast, ListKind.GUIDE, "ZN-001"))
    assert "目前没有现行有效的版本" in gone and f"{today().isoformat()} 起失效" in gone
    then = get(client, entry_url(cast, ListKind.GUIDE, "ZN-001") + f"?on={today() - datetime.timedelta(days=50)}")
    assert "县政务服务中心市场监管窗口" in then and "当日有效" in then
    assert "ZN-001" not in get(client, reverse("public-list", args=["fuwuzhinan"]))


@pytest.mark.req("PUB-01")
def test_bad_query_parameters_never_fail(client, cast, site):
    huge = "食" * 10240
    params = ["?on=2026-13-45", "?on=abc", f"?on={huge}", "?on=2026-02-30", "?on=0000-00-00",
              "?page=abc", "?page=-1", "?page=0", "?page=99999999999999999999", f"?page={huge}",
              f"?q={huge}", "?q=%00", "?q=%27%22%3C%3E%25_",
              "?agency=abc", "?agency=²", "?agency=１", "?agency=99999999999999999999999", "?agency=999999",
              "?act=%3Cscript%3E", f"?agency={huge}&act={huge}&page={huge}"]
    for url in public_urls(cast, site):
        for param in params:
            response = client.get(url + param, follow=True)
            assert response.status_code == 200, url + param[:40]
    page = get(client, reverse("public-list", args=["shixiang"]) + f"?q={huge}")
    assert huge not in page  # searched for its first 100 characters only
    assert client.get(reverse("public-search") + f"?q={huge}").status_code == 200
    assert client.get(reverse("public-search") + "?q=%00").status_code == 200
    assert client.get(reverse("public-home") + "?q=%00%01").status_code == 200
    assert client.get(reverse("public-list", args=["no-such-list"])).status_code == 404
    huge_pk = "99999999999999999999999"
    for path in (f"/gongshi/zhuti/{huge_pk}/", f"/gongshi/zhuti/{huge_pk}/shixiang/", f"/gongshi/zhuti/{huge_pk}/xiazai.json",
                 f"/gongshi/zhuti/{huge_pk}/shixiang/SC-CF-001/"):
        assert client.get(path).status_code == 404, path
    assert client.get(reverse("public-error-report") + f"?page=/gongshi/zhuti/{huge_pk}/shixiang/SC-CF-001/").status_code == 200
    assert client.get(entry_url(cast, ListKind.ITEM, "NO-SUCH-CODE")).status_code == 404
    assert client.get(reverse("public-entry", args=[cast.agency_a.pk, "shixiang", "FZSH"])).status_code == 404
    Agency.objects.filter(pk=cast.agency_a.pk).update(is_active=False)
    assert client.get(entry_url(cast, ListKind.ITEM, "SC-CF-001")).status_code == 404
    assert "SC-CF-001" not in get(client, reverse("public-list", args=["shixiang"]))


# --- Markup -------------------------------------------------------------------------------------


@pytest.mark.req("PUB-01")
@pytest.mark.req("PUB-04")
def test_markup_in_every_text_field_is_escaped_on_every_page(client, cast):
    lib = make_library()
    Provision.objects.filter(pk__in=[p.pk for p in lib.values()]).update(text=f"条文{MARK}")
    lib = {name: Provision.objects.get(pk=p.pk) for name, p in lib.items()}
    Statute.objects.filter(title__contains="食品安全法").update(title=f"中华人民共和国食品安全法{MARK}")
    Agency.objects.filter(pk=cast.agency_a.pk).update(
        name=f"样例县市场监督管理局{MARK}", duties=MARK, legal_basis=MARK, address=MARK, phone="0598-1", remedy_channel=MARK,
        supervision_channel=MARK)
    cast.agency_a.refresh_from_db()
    site = build_site(cast, text=MARK, lib=lib)
    urls = public_urls(cast, site) + [
        reverse("public-search") + f"?q={MARK}", reverse("public-list", args=["shixiang"]) + f"?q={MARK}",
        reverse("public-error-report") + f"?page=/gongshi/{MARK}",
        entry_url(cast, ListKind.ITEM, "SC-CF-001") + f"?on={MARK}",
    ]
    for url in urls:
        page = get(client, url)
        assert "<script" not in page, url
    for section in SECTIONS:
        page = get(client, entry_url(cast, section.kind, site.versions[section.kind].entry.code))
        assert ESCAPED in page and page.count(ESCAPED) >= 3, section.kind
    item = get(client, entry_url(cast, ListKind.ITEM, "SC-CF-001"))
    assert f"条文{ESCAPED}" in item and f"食品安全法{ESCAPED}" in item and f"首次发布{ESCAPED}" in item
