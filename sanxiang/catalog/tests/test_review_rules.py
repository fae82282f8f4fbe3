"""Evaluating a review catalog against a proposed decision (sanxiang/catalog/review_rules.py)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.catalog.review_rules import ALL_NON_SIMPLE, Match, describe_rule, evaluate, match_rule, needs_review
from sanxiang.catalog.vocab import ActKind, ComplexityFlag, PenaltyKind

from . import factories as f

pytestmark = [pytest.mark.req("REV-02"), pytest.mark.req("PUB-09")]

CATALOG = f.review_catalog_content(rules=[
    {"code": "R1", "description": "对单位处十万元以上、对个人处一万元以上罚款的", "act_kinds": ["penalty"],
     "penalty_kinds": ["fine"], "min_fine_person": "10000.00", "min_fine_org": "100000.00"},
    {"code": "R2", "description": "吊销许可证件的", "penalty_kinds": ["revoke_license"]},
    {"code": "R3", "description": "经过听证程序作出决定的", "hearing_held": True},
    {"code": "R4", "description": "涉及重大公共利益或者跨区域的", "complexity_flags": ["public_interest", "cross_region"]},
    {"code": "R5", "description": "食品经营许可事项的", "item_codes": ["XK-001"], "act_kinds": ["license"]},
])


def facts(**values):
    base = {"act_kind": "penalty", "item_code": "CF-001", "penalty_kinds": [], "fine_amount": None, "party_is_org": False,
            "hearing_held": False, "complexity_flags": [], "simple_procedure": False}
    base.update(values)
    return base


def codes(matches):
    return [m.code for m in matches]


def test_a_fine_reaching_the_threshold_for_the_partys_type():
    [match] = evaluate(CATALOG, facts(penalty_kinds=["fine"], fine_amount="50000", party_is_org=False))
    assert match == Match("R1", "对单位处十万元以上、对个人处一万元以上罚款的",
                          ("执法行为类别为行政处罚", "拟作出罚款", "罚款金额50000元达到对个人10000元的标准"))
    assert evaluate(CATALOG, facts(penalty_kinds=["fine"], fine_amount="50000", party_is_org=True)) == []
    [match] = evaluate(CATALOG, facts(penalty_kinds=["fine"], fine_amount=Decimal("100000"), party_is_org=True))
    assert match.reasons[-1] == "罚款金额100000元达到对单位100000元的标准"
    assert evaluate(CATALOG, facts(penalty_kinds=["fine"], fine_amount="9999.99")) == []
    assert codes(evaluate(CATALOG, facts(penalty_kinds=["fine"], fine_amount="10000"))) == ["R1"]


def test_a_threshold_for_one_party_type_only_does_not_apply_to_the_other():
    rule = {"code": "X", "description": "对单位罚款五万元以上", "min_fine_org": "50000"}
    assert match_rule(rule, facts(fine_amount="1000000", party_is_org=False)) is None
    assert match_rule(rule, facts(fine_amount="50000", party_is_org=True)) is not None
    assert match_rule(rule, facts(fine_amount=None, party_is_org=True)) is None
    assert match_rule(rule, facts(fine_amount="不是数字", party_is_org=True)) is None


def test_penalty_kinds_hearing_flags_and_items():
    assert codes(evaluate(CATALOG, facts(penalty_kinds=["warning", "revoke_license"]))) == ["R2"]
    assert evaluate(CATALOG, facts(penalty_kinds=["warning"])) == []
    [m] = evaluate(CATALOG, facts(hearing_held=True))
    assert (m.code, m.reasons) == ("R3", ("经过听证程序",))
    [m] = evaluate(CATALOG, facts(complexity_flags=["cross_region", "complex"]))
    assert (m.code, m.reasons) == ("R4", ("跨区域、跨部门的案件",))
    assert codes(evaluate(CATALOG, facts(act_kind="license", item_code="XK-001"))) == ["R5"]
    assert evaluate(CATALOG, facts(act_kind="license", item_code="XK-002")) == []
    assert evaluate(CATALOG, facts(act_kind="penalty", item_code="XK-001")) == []
    assert codes(evaluate(CATALOG, facts(penalty_kinds=["fine", "revoke_license"], fine_amount="20000", hearing_held=True))
                 ) == ["R1", "R2", "R3"]


def test_review_all_decisions_outside_the_simple_procedure():
    catalog = {**CATALOG, "review_all_non_simple": True}
    [m] = evaluate(catalog, facts(penalty_kinds=["warning"]))
    assert (m.code, m.reasons) == (ALL_NON_SIMPLE, ("未适用简易程序",))
    assert evaluate(catalog, facts(penalty_kinds=["warning"], simple_procedure=True)) == []
    assert codes(evaluate(catalog, facts(hearing_held=True))) == [ALL_NON_SIMPLE, "R3"]
    assert needs_review(catalog, facts()) and not needs_review(CATALOG, facts())


def test_no_catalog_means_no_match():
    assert evaluate(None, facts(hearing_held=True)) == []
    assert evaluate({}, facts(hearing_held=True)) == []


def test_a_rule_without_conditions_matches_nothing():
    assert match_rule({"code": "E", "description": "空"}, facts(hearing_held=True)) is None


def test_plain_words_of_a_rule():
    assert describe_rule(CATALOG["rules"][0]) == (
        "执法行为类别为行政处罚，且拟作出罚款，且对个人罚款10000元以上或对单位罚款100000元以上")
    assert describe_rule(CATALOG["rules"][3]) == "涉及重大公共利益或跨区域、跨部门的案件"
    assert str(evaluate(CATALOG, facts(hearing_held=True))[0]) == "R3 经过听证程序作出决定的（经过听证程序）"


# --- Properties --------------------------------------------------------------------------------

amounts = st.one_of(st.none(), st.integers(min_value=0, max_value=10**7).map(lambda n: f"{n}.00"))
rules = st.fixed_dictionaries({
    "code": st.just("P"),
    "description": st.just("性质测试"),
    "act_kinds": st.lists(st.sampled_from(ActKind.values), max_size=3, unique=True),
    "item_codes": st.lists(st.sampled_from(["A", "B", "C"]), max_size=2, unique=True),
    "penalty_kinds": st.lists(st.sampled_from(PenaltyKind.values), max_size=3, unique=True),
    "min_fine_person": amounts,
    "min_fine_org": amounts,
    "hearing_held": st.booleans(),
    "complexity_flags": st.lists(st.sampled_from(ComplexityFlag.values), max_size=3, unique=True),
})
fact_sets = st.fixed_dictionaries({
    "act_kind": st.sampled_from(ActKind.values),
    "item_code": st.sampled_from(["A", "B", "C", ""]),
    "penalty_kinds": st.lists(st.sampled_from(PenaltyKind.values), max_size=4, unique=True),
    "fine_amount": st.one_of(st.none(), st.integers(min_value=0, max_value=10**7)),
    "party_is_org": st.booleans(),
    "hearing_held": st.booleans(),
    "complexity_flags": st.lists(st.sampled_from(ComplexityFlag.values), max_size=3, unique=True),
    "simple_procedure": st.booleans(),
})

EMPTY = {"act_kinds": [], "item_codes": [], "penalty_kinds": [], "min_fine_person": None, "min_fine_org": None,
         "hearing_held": False, "complexity_flags": []}
CONDITIONS = [("act_kinds",), ("item_codes",), ("penalty_kinds",), ("min_fine_person", "min_fine_org"), ("hearing_held",),
              ("complexity_flags",)]


def single_conditions(rule):
    """The rule split into one rule per condition it sets."""
    parts = []
    for keys in CONDITIONS:
        if any(rule[k] for k in keys):
            parts.append({**rule, **EMPTY, **{k: rule[k] for k in keys}})
    return parts


@settings(max_examples=300)
@given(rules, fact_sets)
def test_a_rule_matches_exactly_when_each_of_its_conditions_holds(rule, fact):
    parts = single_conditions(rule)
    result = match_rule(rule, fact)
    if not parts:
        assert result is None
        return
    singles = [match_rule(p, fact) for p in parts]
    assert (result is not None) == all(s is not None for s in singles)
    if result is not None:
        assert result.reasons == tuple(r for s in singles for r in s.reasons)


@settings(max_examples=200)
@given(rules, fact_sets, st.integers(min_value=0, max_value=10**6))
def test_a_larger_fine_never_stops_a_match(rule, fact, extra):
    if fact["fine_amount"] is None:
        return
    if match_rule(rule, fact) is not None:
        assert match_rule(rule, {**fact, "fine_amount": fact["fine_amount"] + extra}) is not None


@settings(max_examples=200)
@given(st.lists(rules, max_size=4), st.booleans(), fact_sets)
def test_evaluate_is_the_union_of_rule_matches(rule_list, review_all, fact):
    content = {"review_all_non_simple": review_all, "rules": rule_list}
    matches = evaluate(content, fact)
    expected = [m for m in (match_rule(r, fact) for r in rule_list) if m is not None]
    general = review_all and not fact["simple_procedure"]
    assert matches == ([Match(ALL_NON_SIMPLE, matches[0].description, ("未适用简易程序",))] if general else []) + expected
