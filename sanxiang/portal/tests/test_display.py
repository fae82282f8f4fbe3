"""Plain-language display of catalog values: money, fine ranges, review rules as sentences (PUB-04, PUB-09)."""

import pytest

from sanxiang.portal.display import fine_range, money, rule_sentence


@pytest.mark.req("PUB-04")
@pytest.mark.parametrize("value, text", [
    ("200.00", "200元"), ("5000", "5000元"), ("10000.00", "1万元"), ("100000", "10万元"), ("15000", "1.5万元"),
    ("12345.60", "12345.6元"), ("0.50", "0.5元"), (None, ""), ("", ""), ("abc", ""), ("NaN", ""), ("Infinity", ""),
])
def test_money_reads_like_a_notice(value, text):
    assert money(value) == text


@pytest.mark.req("PUB-04")
def test_fine_ranges():
    assert fine_range("200", "2000") == "200元至2000元"
    assert fine_range(None, "20000") == "2万元以下"
    assert fine_range("50000", None) == "5万元以上"
    assert fine_range("5000", "5000") == "5000元"
    assert fine_range(None, None) == ""


@pytest.mark.req("PUB-09")
@pytest.mark.parametrize("rule, sentence", [
    ({"act_kinds": ["penalty"], "penalty_kinds": ["fine"], "min_fine_org": "100000.00"}, "对单位罚款10万元以上的行政处罚决定"),
    ({"act_kinds": ["penalty"], "min_fine_person": "10000", "min_fine_org": "100000"},
     "对个人罚款1万元以上、对单位罚款10万元以上的行政处罚决定"),
    ({"penalty_kinds": ["revoke_license", "suspend_operations"]}, "作出吊销许可证件或责令停产停业的行政执法决定"),
    ({"penalty_kinds": ["lower_qualification", "revoke_license", "close"]},
     "作出降低资质等级、吊销许可证件或责令关闭的行政执法决定"),
    ({"complexity_flags": ["complex"], "act_kinds": ["penalty"]}, "具有“案件情况疑难复杂、涉及多个法律关系”情形的行政处罚决定"),
    ({"hearing_held": True, "act_kinds": ["penalty"]}, "经过听证程序的行政处罚决定"),
    ({"complexity_flags": ["public_interest", "third_party_rights"], "act_kinds": ["coercion"]},
     "属于“涉及重大公共利益”“直接关系当事人或者第三人重大权益，经过听证程序”之一的行政强制决定"),
    ({"complexity_flags": ["other_by_law"]}, "属于“法律、法规规定应当进行法制审核的其他情形”的行政执法决定"),
    ({"item_codes": ["A1", "B2"], "act_kinds": ["penalty", "coercion"]}, "属于“甲事项”或“B2”事项的行政处罚或行政强制决定"),
    ({"hearing_held": True, "min_fine_person": "5000", "complexity_flags": ["cross_region"]},
     "具有“跨区域、跨部门的案件”情形，经过听证程序，对个人罚款5000元以上的行政执法决定"),
    ({"act_kinds": ["license"]}, "全部行政许可决定"),
    ({}, "全部行政执法决定"),
])
def test_a_review_rule_becomes_one_sentence(rule, sentence):
    assert rule_sentence(rule, {"A1": "甲事项"}) == sentence
