"""The content checks of every list kind (sanxiang/catalog/kinds): good content is normalised, bad content refused."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.catalog.citations import chinese_number, cite
from sanxiang.catalog.kinds import KINDS, basis_to_text, parse_basis_text, parse_chinese_number, parse_citation
from sanxiang.catalog.kinds.template import known_document_codes
from sanxiang.catalog.models import ListKind
from sanxiang.catalog.services import create_entry
from sanxiang.org.models import Role

from . import factories as f


@pytest.fixture
def lib(db):
    return f.make_library()


def messages(content, kind="item", agency=None) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        KINDS[kind].clean(content, agency=agency)
    return caught.value.messages


def test_every_list_kind_has_a_spec():
    assert set(KINDS) == set(ListKind.values)
    for spec in KINDS.values():
        assert spec.columns[0][0] == "code"
        assert all(isinstance(header, str) and header for _key, header in spec.columns)


# --- Legal basis ------------------------------------------------------------------------------


@pytest.mark.req("PUB-04")
def test_basis_is_resolved_and_filled_from_the_library(lib):
    content = KINDS["item"].clean(f.item_content(lib))
    first, second = content["basis"]
    assert first == {"provision_id": lib["food122"].pk, "statute": f.FOOD_LAW, "citation": "第一百二十二条第一款",
                     "text": lib["food122"].text, "role": "处罚依据"}
    assert second["provision_id"] == lib["xzcf9"].pk and second["citation"] == "第九条"


@pytest.mark.req("PUB-04")
def test_basis_citing_a_missing_article_is_refused_with_its_number(lib):
    content = f.item_content(lib, basis=[{"provision_id": lib["food122"].pk},
                                         {"statute": f.PENALTY_LAW, "article": 900}])
    assert "依据第2条：《中华人民共和国行政处罚法》没有第九百条" in messages(content)


@pytest.mark.req("PUB-04")
def test_basis_forms_citation_text_chinese_numbers_and_short_titles(lib):
    content = f.item_content(lib, basis=[
        {"statute": "《食品安全法》", "citation": "第一百二十六条第一款第（三）项"},
        {"statute": f.PENALTY_LAW, "article": "第九条"},
        {"statute": f.FOOD_LAW, "article": "一百二十二", "paragraph": "1"},
    ])
    cleaned = KINDS["item"].clean(content)
    assert [b["provision_id"] for b in cleaned["basis"]] == [lib["food126"].pk, lib["xzcf9"].pk, lib["food122"].pk]


@pytest.mark.parametrize("reference, expected", [
    ({"statute": "不存在的法", "article": 1}, "依据第1条：法律法规库中没有《不存在的法》"),
    ({"provision_id": 999999}, "依据第1条：法律法规库中没有编号为999999的条款"),
    ({"statute": f.FOOD_LAW, "article": 122, "paragraph": 9}, "依据第1条：《中华人民共和国食品安全法》没有第一百二十二条第九款"),
    ({"statute": f.FOOD_LAW, "citation": "第一百二十二章"}, "依据第1条：条款“第一百二十二章”无法识别"),
    ({"statute": "已废止的样例条例", "article": 1}, "依据第1条：《已废止的样例条例》已于2020年01月01日废止"),
    ({"statute": f.FOOD_LAW, "article": 0}, "依据第1条：条不能小于1"),
    ({"statute": f.FOOD_LAW, "article": 122, "paragraph": 1, "role": "随便"}, "依据第1条：依据类别“随便”不是可选的值"),
    ({"statute": f.FOOD_LAW, "article": 122, "paragraph": 1, "page": 3}, "依据第1条：含有不认识的字段：page"),
    ({"unreadable": "某某法第三条"}, "依据第1条：无法识别“某某法第三条”"),
])
@pytest.mark.req("PUB-04")
def test_bad_basis_references_are_refused(lib, reference, expected):
    found = messages(f.item_content(lib, basis=[reference], benchmark=None))
    assert any(m.startswith(expected) for m in found), found


@pytest.mark.req("PUB-04")
def test_basis_is_required_for_an_item_and_duplicates_are_refused(lib):
    assert "依据至少要有一项" in messages(f.item_content(lib, basis=[], benchmark=None))
    twice = [{"provision_id": lib["food122"].pk}, {"statute": f.FOOD_LAW, "article": 122, "paragraph": 1}]
    assert "依据第2条：《中华人民共和国食品安全法》第一百二十二条第一款重复引用" in messages(f.item_content(lib, basis=twice))


def test_citation_parsing():
    assert parse_citation("第三十条第一款第（二）项") == (30, 1, 2)
    assert parse_citation("第九条") == (9, 0, 0)
    assert parse_citation("第105条第2款") == (105, 2, 0)
    assert parse_citation("第三十条第（二）项") == (30, 0, 2)
    assert parse_citation("第三十章") is None
    assert parse_chinese_number("一百零五") == 105
    assert parse_chinese_number("十") == 10
    assert parse_chinese_number("abc") is None
    assert parse_chinese_number("九九") is None
    assert parse_chinese_number("十一十") is None
    assert parse_chinese_number("一十二") == 12
    assert parse_chinese_number("一百〇五") == 105


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=99), st.integers(min_value=0, max_value=99))
def test_citation_parsing_inverts_cite(article, paragraph, item):
    assert parse_chinese_number(chinese_number(article)) == article
    assert parse_citation(cite(article, paragraph, item)) == (article, paragraph, item)


def test_basis_text_form_round_trip(lib):
    cleaned = KINDS["item"].clean(f.item_content(lib))["basis"]
    text = basis_to_text(cleaned)
    assert text == "《中华人民共和国食品安全法》第一百二十二条第一款（处罚依据）；《中华人民共和国行政处罚法》第九条（设定依据）"
    again = KINDS["item"].clean(f.item_content(lib, basis=parse_basis_text(text)))["basis"]
    assert again == cleaned
    assert parse_basis_text("没有书名号的依据") == [{"unreadable": "没有书名号的依据"}]


# --- Discretion benchmarks ---------------------------------------------------------------------


def tier(**values):
    base = {"severity": "ordinary", "circumstances": "一般情形", "penalty_kinds": ["fine"]}
    base.update(values)
    return base


def with_tiers(lib, *tiers, **overrides):
    content = f.item_content(lib, **overrides)
    content["benchmark"] = {"tiers": list(tiers)}
    return content


@pytest.mark.req("PUB-04")
def test_benchmark_amounts_are_normalised(lib):
    cleaned = KINDS["item"].clean(with_tiers(lib, tier(person_fine_min="50000", person_fine_max=60000)))
    assert cleaned["benchmark"]["tiers"][0]["person_fine_min"] == "50000.00"
    assert cleaned["benchmark"]["tiers"][0]["person_fine_max"] == "60000.00"
    assert cleaned["benchmark"]["tiers"][0]["org_fine_max"] is None


@pytest.mark.req("PUB-04")
def test_inverted_fine_range_is_refused(lib):
    found = messages(with_tiers(lib, tier(), tier(org_fine_min="80000", org_fine_max="60000")))
    assert "裁量基准第2档：对单位罚款的下限80000元大于上限60000元" in found


@pytest.mark.req("PUB-04")
def test_fine_above_the_cited_provisions_maximum_is_refused(lib):
    found = messages(with_tiers(lib, tier(person_fine_max="100001")))
    assert "裁量基准第1档：对个人罚款上限100001元超过所引条款规定的最高罚款额100000元" in found
    found = messages(with_tiers(lib, tier(org_fine_min="250000")))
    assert "裁量基准第1档：对单位罚款下限250000元超过所引条款规定的最高罚款额200000元" in found


@pytest.mark.req("PUB-04")
def test_the_highest_maximum_among_cited_provisions_applies(lib):
    basis = [{"provision_id": lib["food126"].pk}, {"provision_id": lib["food122"].pk}]
    KINDS["item"].clean(with_tiers(lib, tier(person_fine_max="100000"), basis=basis))
    only_126 = [{"provision_id": lib["food126"].pk}]
    assert any("最高罚款额50000元" in m for m in messages(with_tiers(lib, tier(person_fine_max="60000"), basis=only_126)))


@pytest.mark.req("PUB-04")
def test_no_cap_when_no_cited_provision_sets_one(lib):
    KINDS["item"].clean(with_tiers(lib, tier(org_fine_max="99999999"), basis=[{"provision_id": lib["xzcf9"].pk}]))


@pytest.mark.parametrize("bad_tier, expected", [
    (tier(severity="extreme"), "裁量基准第1档：违法情节“extreme”不是可选的值"),
    (tier(penalty_kinds=["flogging"]), "裁量基准第1档：处罚种类“flogging”不是可选的值"),
    (tier(penalty_kinds=[]), "裁量基准第1档：处罚种类至少要有一项"),
    (tier(circumstances=""), "裁量基准第1档：适用情形不能为空"),
    (tier(person_fine_max="-5"), "裁量基准第1档：对个人罚款上限不能为负数"),
    (tier(person_fine_max="1.001"), "裁量基准第1档：对个人罚款上限最多保留两位小数"),
    (tier(person_fine_max="很多"), "裁量基准第1档：对个人罚款上限“很多”应为数字"),
    (tier(person_fine_max="NaN"), "裁量基准第1档：对个人罚款上限“NaN”应为数字"),
    (tier(penalty_kinds=["warning"], person_fine_max="100"), "裁量基准第1档：填写了罚款幅度，处罚种类中应包含“罚款”"),
])
@pytest.mark.req("PUB-04")
def test_bad_tiers_are_refused(lib, bad_tier, expected):
    found = messages(with_tiers(lib, bad_tier))
    assert any(m.startswith(expected) for m in found), found


@pytest.mark.req("PUB-04")
def test_benchmark_only_for_penalty_items(lib):
    content = f.license_item_content(lib, benchmark={"tiers": [tier()]})
    assert "裁量基准：只有行政处罚事项才设裁量基准" in messages(content)
    assert KINDS["item"].clean(f.license_item_content(lib))["benchmark"] is None


# --- Common field rules -----------------------------------------------------------------------


@pytest.mark.parametrize("overrides, expected", [
    ({"name": ""}, "事项名称不能为空"),
    ({"name": "名" * 201}, "事项名称不能超过200个字（现有201个字）"),
    ({"name": "食品\x00经营"}, "事项名称含有不可见的控制字符，请删除后重新输入"),
    ({"procedure": "流程\x1b[31m"}, "办理流程含有不可见的控制字符，请删除后重新输入"),
    ({"act_kind": "punish"}, "事项类别“punish”不是可选的值"),
    ({"act_kind": None}, "事项类别不能为空"),
    ({"level": ["galaxy"]}, "实施层级“galaxy”不是可选的值"),
    ({"level": "county"}, "实施层级应为列表"),
    ({"legal_time_limit_days": -1}, "法定时限（日）不能小于0"),
    ({"legal_time_limit_days": "九十"}, "法定时限（日）“九十”应为整数"),
    ({"name": ["列表"]}, "事项名称应为文字"),
    ({"colour": "red"}, "事项内容含有不认识的字段：colour"),
])
def test_bad_item_fields_are_refused_naming_the_field(lib, overrides, expected):
    found = messages(f.item_content(lib, **overrides))
    assert any(m.startswith(expected) for m in found), found


def test_content_must_be_an_object():
    assert messages(["not", "a", "dict"]) == ["内容格式不正确（应为字段和值的集合）"]


def test_errors_are_keyed_by_content_field(lib):
    with pytest.raises(ValidationError) as caught:
        KINDS["item"].clean(f.item_content(lib, name="", act_kind="x"))
    assert set(caught.value.message_dict) == {"name", "act_kind"}


def test_markup_is_kept_as_text_and_whitespace_normalised(lib):
    cleaned = KINDS["item"].clean(f.item_content(lib, name="  <script>alert(1)</script>  ", procedure="一\r\n二\r三"))
    assert cleaned["name"] == "<script>alert(1)</script>"
    assert cleaned["procedure"] == "一\n二\n三"


def test_chinese_labels_are_accepted_for_choices(lib):
    cleaned = KINDS["item"].clean(f.item_content(lib, act_kind="行政处罚", level=["县级", "乡级"]))
    assert cleaned["act_kind"] == "penalty" and cleaned["level"] == ["county", "township"]


def test_title_category_search_text(lib):
    spec = KINDS["item"]
    cleaned = spec.clean(f.item_content(lib))
    assert spec.title(cleaned) == "对未取得食品经营许可从事食品经营活动的行政处罚"
    assert spec.category(cleaned) == "penalty"
    assert "食品安全" in spec.search_text(cleaned) and "行政处罚" in spec.search_text(cleaned)


def test_flat_rows_round_trip(lib):
    spec = KINDS["item"]
    cleaned = spec.clean(f.item_content(lib))
    row = spec.to_row("CF-001", cleaned)
    assert row["act_kind"] == "行政处罚" and row["level"] == "县级"
    assert row["basis"].startswith("《中华人民共和国食品安全法》第一百二十二条第一款")
    code, content = spec.from_row(row)
    content["benchmark"] = cleaned["benchmark"]
    assert code == "CF-001"
    assert spec.clean(content) == cleaned


# --- Random inspection items and plans ---------------------------------------------------------


@pytest.mark.req("PUB-05")
def test_inspection_item_is_normalised(lib):
    cleaned = KINDS["inspection_item"].clean(f.inspection_item_content(lib, ratio_percent="5%"))
    assert cleaned["ratio_percent"] == "5.00" and cleaned["inspectors_per_object"] == 2
    assert KINDS["inspection_item"].clean(f.inspection_item_content(lib, ratio_percent=100))["ratio_percent"] == "100.00"
    content = f.inspection_item_content(lib)
    del content["inspectors_per_object"]
    assert KINDS["inspection_item"].clean(content)["inspectors_per_object"] == 2


@pytest.mark.parametrize("ratio", ["0", 0, "-1", "100.01", "150", "0.00"])
@pytest.mark.req("PUB-05")
def test_ratio_outside_0_to_100_is_refused(lib, ratio):
    found = messages(f.inspection_item_content(lib, ratio_percent=ratio), "inspection_item")
    assert any(m.startswith("抽查比例") for m in found), found


@pytest.mark.req("PUB-05")
def test_ratio_must_be_given_and_be_a_number(lib):
    assert "抽查比例不能为空" in messages(f.inspection_item_content(lib, ratio_percent=None), "inspection_item")
    assert "抽查比例“五”应为数字" in messages(f.inspection_item_content(lib, ratio_percent="五"), "inspection_item")


@pytest.mark.parametrize("count", [0, 1])
@pytest.mark.req("PUB-05")
def test_fewer_than_two_inspectors_per_object_is_refused(lib, count):
    found = messages(f.inspection_item_content(lib, inspectors_per_object=count), "inspection_item")
    assert f"每户检查人员数不得少于2人（执法人员不得少于两人），现为{count}人" in found


@pytest.mark.req("PUB-05")
def test_inspection_item_required_fields(lib):
    found = messages({"name": "只有名称"}, "inspection_item")
    for label in ("抽查主体", "抽查对象", "抽查内容", "抽查方式", "抽查频次"):
        assert f"{label}不能为空" in found
    assert "依据至少要有一项" in found


@pytest.fixture
def agency_with_inspection_item(cast, lib):
    publisher = f.add_staff(cast, "publisher_k", "吴公示", [Role.PUBLISHER])
    create_entry(publisher, agency=cast.agency_a, kind="inspection_item", code="CC-001",
                 content=f.inspection_item_content(lib))
    return cast.agency_a


@pytest.mark.req("PUB-05")
def test_plan_tasks_must_name_known_inspection_items(agency_with_inspection_item, cast):
    spec = KINDS["inspection_plan"]
    cleaned = spec.clean(f.plan_content("CC-001"), agency=agency_with_inspection_item)
    assert cleaned["tasks"][0]["ratio_percent"] == "5.00"
    found = messages(f.plan_content("CC-404"), "inspection_plan", agency=agency_with_inspection_item)
    assert "抽查任务第1项：本机关的随机抽查事项清单中没有编码为“CC-404”的事项" in found
    # Another agency's item is unknown to this agency.
    assert messages(f.plan_content("CC-001"), "inspection_plan", agency=cast.agency_b)


@pytest.mark.req("PUB-05")
def test_plan_task_dates(agency_with_inspection_item):
    def task(**values):
        base = {"item_code": "CC-001", "title": "专项", "ratio_percent": "3", "start": "2026-04-01", "end": "2026-06-30"}
        base.update(values)
        return f.plan_content("CC-001", tasks=[base])

    found = messages(task(start="2026-07-01"), "inspection_plan")
    assert "抽查任务第1项：开始日期2026-07-01晚于结束日期2026-06-30" in found
    found = messages(task(end="2027-01-05"), "inspection_plan")
    assert "抽查任务第1项：结束日期2027-01-05不在计划年度2026年内" in found
    found = messages(task(start="2026-02-30"), "inspection_plan")
    assert any("不是有效日期" in m for m in found)
    found = messages(task(ratio_percent="0"), "inspection_plan")
    assert any(m.startswith("抽查任务第1项：抽查比例应大于0") for m in found)
    assert "抽查任务至少要有一项" in messages(f.plan_content("CC-001", tasks=[]), "inspection_plan")
    assert "计划年度不能小于2000（现为1999）" in messages(f.plan_content("CC-001", year=1999), "inspection_plan")


# --- Guides, templates, review catalogs, AV lists ----------------------------------------------


@pytest.mark.req("PUB-06")
def test_guide_must_belong_to_a_licensing_item_of_the_agency(cast, lib):
    publisher = f.add_staff(cast, "publisher_g", "郑公示", [Role.PUBLISHER])
    create_entry(publisher, agency=cast.agency_a, kind="item", code="XK-001", content=f.license_item_content(lib))
    create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    spec = KINDS["guide"]
    cleaned = spec.clean(f.guide_content(lib, "XK-001"), agency=cast.agency_a)
    assert cleaned["materials"] == [{"name": "食品经营许可申请书", "form": "原件", "copies": 1, "note": ""}]
    assert "对应事项编码：事项“CF-001”不是行政许可事项，服务指南只对应行政许可事项" in messages(
        f.guide_content(lib, "CF-001"), "guide", agency=cast.agency_a)
    assert "对应事项编码：本机关的行政执法事项清单中没有编码为“XK-404”的事项" in messages(
        f.guide_content(lib, "XK-404"), "guide", agency=cast.agency_a)
    assert messages(f.guide_content(lib, "XK-001"), "guide", agency=cast.agency_b)


@pytest.mark.req("PUB-06")
def test_guide_fields(lib):
    found = messages(f.guide_content(lib, "XK-001", accepting_body="", materials=[{"name": "", "copies": 0}]), "guide")
    assert "受理机构不能为空" in found
    assert "申请材料第1项：材料名称不能为空" in found
    assert "申请材料第1项：份数不能小于1（现为0）" in found


@pytest.mark.req("PUB-08")
def test_template_fields():
    known = known_document_codes()
    code = sorted(known)[0] if known else "LAB"
    cleaned = KINDS["template"].clean({"doc_code": code, "name": "立案审批表", "act_kinds": ["penalty"]})
    assert cleaned == {"doc_code": code, "name": "立案审批表", "act_kinds": ["penalty"], "purpose": ""}
    found = messages({"doc_code": "立案 表", "name": "", "act_kinds": ["magic"]}, "template")
    assert any(m.startswith("文书代码“立案 表”只能由字母、数字") for m in found)
    assert "文书名称不能为空" in found
    assert any(m.startswith("适用执法行为“magic”不是可选的值") for m in found)
    if known is not None:
        assert "文书代码“NOSUCHDOC”不是系统内置的执法文书" in messages({"doc_code": "NOSUCHDOC", "name": "某文书"}, "template")


@pytest.mark.req("PUB-09")
@pytest.mark.req("REV-02")
def test_review_catalog_rules(lib):
    spec = KINDS["review_catalog"]
    cleaned = spec.clean(f.review_catalog_content())
    assert cleaned["rules"][0]["min_fine_org"] == "100000.00"
    assert cleaned["rules"][2]["hearing_held"] is True
    assert spec.title(cleaned) == "重大执法决定法制审核目录清单（市场监管）"
    bad = f.review_catalog_content(rules=[
        {"code": "R1", "description": "空规则"},
        {"code": "R1", "description": "重复编号", "penalty_kinds": ["fine"], "min_fine_org": "-1"},
        {"code": "R3", "description": "", "complexity_flags": ["aliens"]},
    ])
    found = messages(bad, "review_catalog")
    assert "审核事项第1条：没有设定任何条件；如要审核全部普通程序案件，请勾选“普通程序案件全部审核”" in found
    assert "审核事项第2条：编号“R1”重复" in found
    assert "审核事项第2条：对单位罚款起点不能为负数" in found
    assert "审核事项第3条：审核情形说明不能为空" in found
    assert any(m.startswith("审核事项第3条：情形“aliens”不是可选的值") for m in found)
    # Reviewing every non-simple decision needs no rule.
    assert spec.clean({"review_all_non_simple": True}) == {"domain": "", "review_all_non_simple": True, "rules": []}
    assert "审核事项至少要有一项" in messages({"review_all_non_simple": False}, "review_catalog")


@pytest.mark.req("REV-02")
def test_review_catalog_item_codes_must_exist(cast, lib):
    content = f.review_catalog_content(rules=[{"code": "R9", "description": "某事项", "item_codes": ["CF-404"]}])
    found = messages(content, "review_catalog", agency=cast.agency_a)
    assert "审核事项第1条：本机关的行政执法事项清单中没有编码为“CF-404”的事项" in found


@pytest.mark.req("REC-03")
def test_av_list_rows():
    spec = KINDS["av_list"]
    cleaned = spec.clean(f.av_list_content())
    assert cleaned["rows"][0] == {"activity": "seizure", "name": "查封扣押财产", "requirement": "full", "basis": "《行政强制法》"}
    assert spec.clean({"rows": [{"activity": "hearing", "name": "听证", "requirement": "根据情况音像记录"}]})["rows"][0][
        "requirement"] == "as_needed"
    found = messages({"rows": [
        {"activity": "Seizure!", "name": "查封", "requirement": "full"},
        {"activity": "seizure", "name": "查封", "requirement": "always"},
        {"activity": "seizure", "name": "", "requirement": "full"},
    ]}, "av_list")
    assert any(m.startswith("音像记录事项第1行：执法活动代码“Seizure!”只能由小写字母") for m in found)
    assert any(m.startswith("音像记录事项第2行：记录要求“always”不是可选的值") for m in found)
    assert "音像记录事项第3行：执法活动代码“seizure”重复" in found
    assert "音像记录事项第3行：执法活动名称不能为空" in found


# --- No input makes a checker crash -------------------------------------------------------------

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["1e999", "NaN", "-0", "第九百九十九亿条", "第（一）项", "100%", "2026-02-30", "\x00", "<b>x</b>",
                     "penalty", "fine", "county", "full", "行政处罚"]),
)
json_values = st.recursive(json_leaf, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)), max_leaves=20)


def fuzzed(kind):
    keys = sorted({k for k, _ in KINDS[kind].columns if k != "code"} | {
        "item": {"benchmark", "basis"}, "inspection_plan": {"tasks"}, "guide": {"materials"},
        "review_catalog": {"rules"}, "av_list": {"rows"}}.get(kind, set()))
    sub_keys = ["provision_id", "statute", "article", "paragraph", "item", "citation", "role", "tiers", "severity",
                "penalty_kinds", "person_fine_min", "person_fine_max", "org_fine_max", "item_code", "ratio_percent",
                "start", "end", "code", "description", "min_fine_org", "act_kinds", "activity", "requirement", "name"]
    nested = st.dictionaries(st.sampled_from(sub_keys), json_values, max_size=6)
    value = st.one_of(json_values, st.lists(nested, max_size=3), nested)
    return st.dictionaries(st.sampled_from(keys), value, max_size=len(keys))


@pytest.mark.parametrize("kind", sorted(ListKind.values))
def test_any_json_content_is_either_cleaned_or_refused_with_messages(lib, cast, kind):
    from hypothesis import HealthCheck, settings

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(fuzzed(kind))
    def check(content):
        try:
            cleaned = KINDS[kind].clean(content, agency=cast.agency_a)
        except ValidationError as refused:
            assert refused.messages and all(isinstance(m, str) and m for m in refused.messages)
        else:
            assert KINDS[kind].clean(cleaned, agency=cast.agency_a) == cleaned  # cleaning is idempotent
            KINDS[kind].title(cleaned), KINDS[kind].search_text(cleaned)

    check()


@pytest.mark.parametrize("basis, overrides, expected", [
    ([{"provision_id": 2**80}], {}, "依据第1条：条款编号不能大于2147483647"),
    ([{"statute": f.FOOD_LAW, "citation": "第九九九九九九九九九九九九九九九九九九九九条"}], {}, "依据第1条：条款“第九九九"),
    ([{"statute": f.FOOD_LAW, "citation": "第99999999999999999999条"}], {},
     "依据第1条：条款“第99999999999999999999条”的编号过大"),
    ([{"statute": f.FOOD_LAW, "article": 10**30}], {}, "依据第1条：条不能大于9999"),
    (None, {"legal_time_limit_days": float("inf")}, "法定时限（日）“inf”应为整数"),
    (None, {"legal_time_limit_days": float("nan")}, "法定时限（日）“nan”应为整数"),
])
def test_extreme_numbers_are_refused_not_crashed(lib, basis, overrides, expected):
    content = f.item_content(lib, benchmark=None, **overrides)
    if basis is not None:
        content["basis"] = basis
    found = messages(content)
    assert any(m.startswith(expected) for m in found), found


def test_extreme_amounts_are_refused_not_crashed(lib):
    for amount in ("1e30", "123456789012345678901234567.5", "1E+999999", "Infinity"):
        found = messages(with_tiers(lib, tier(person_fine_max=amount)))
        assert any(m.startswith("裁量基准第1档：对个人罚款上限") for m in found), found
