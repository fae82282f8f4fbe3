"""行政强制执行: the court, agency and substitute-performance paths to their end, and every gate refused
with nothing changed (《行政强制法》第三十四至三十七、四十三、四十五、五十至五十四条)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.cases import engine
from sanxiang.cases.models import Case, CaseStatus, StepRecord
from sanxiang.cases.steps.coercion_execution import surcharge_cap
from sanxiang.cases.testing import move, register
from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days

BASE = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - datetime.timedelta(days=60)
DAY0 = BASE.date()


def on(days=0, hour=10, minute=0):
    """An aware moment ``days`` after DAY0 at ``hour``:``minute``, as the API would send it."""
    day = DAY0 + datetime.timedelta(days=days) if isinstance(days, int) else days
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute))).isoformat()


def iso(days):
    return (DAY0 + datetime.timedelta(days=days)).isoformat()


def overdue(kind="monetary", delivered=-200, deadline=-185, **extra):
    data = {"obligation_kind": kind, "obligation": "缴纳罚款10000元", "decision_number": "样例市监罚〔2026〕1号",
            "decision_delivered_on": iso(delivered), "deadline": iso(deadline), "occurred_at": on(0)}
    if kind == "monetary":
        data["amount"] = "10000"
    else:
        data["obligation"] = "限期拆除占道堆放物、恢复原状"
    return {**data, **extra}


def new_case(cast, **extra):
    return register(cast, flow="coercion_execution", title="逾期不缴纳罚款", step=overdue(**extra))


def state(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, fresh.status, StepRecord.objects.filter(case=case).count()


def refused(user, case, target, data, rule=None, error=RuleViolation):
    before = state(case)
    with pytest.raises(error) as caught:
        move(user, case, target, data)
    assert state(case) == before
    if rule is not None:
        assert caught.value.rule == rule, str(caught.value)
    return caught.value


def demand(own_power=False, deadline=10, **extra):
    data = {"performance_deadline": iso(deadline), "method": "到指定银行缴纳", "amount": "20000",
            "statement_rights": True, "delivery": "direct", "own_power": own_power, "occurred_at": on(0, 11)}
    if own_power:
        data["power_basis"] = "《某某法》第某条"
    return {**data, **extra}


def to_statement(cast, own_power=False, kind="monetary", demand_deadline=10, **extra):
    case = new_case(cast, kind=kind, **extra)
    case = move(cast.officer_a, case, "demand", demand(own_power, demand_deadline))
    return move(cast.officer_a, case, "statement", {"waived": True, "occurred_at": on(1)})


# --- the paths ------------------------------------------------------------------------------------------------


@pytest.mark.req("LAW-09")
def test_surcharge_demand_and_court_application_after_ten_working_days(cast):
    case = new_case(cast)
    assert case.fine_amount == Decimal("10000.00")
    case = move(cast.leader, case, "surcharge", {"kind": "fine", "amount": "10000", "standard_notified": True,
                                                 "occurred_at": on(0, 10, 30)})
    assert StepRecord.objects.get(case=case, step="surcharge").data["cap"] == "10000.00"
    case = move(cast.officer_a, case, "demand", demand())
    case = move(cast.officer_a, case, "statement", {"statement": "经营困难，请求分期", "review": "理由不成立",
                                                    "occurred_at": on(1)})
    earliest = add_working_days(DAY0, 10)
    options = {o.target: o for o in engine.options(cast.leader, Case.objects.get(pk=case.pk))}
    assert not options["close"].allowed and not options["execution_decision"].allowed
    refused(cast.leader, case, "apply_court", {"court": "样例县人民法院", "materials": "申请书等",
                                               "occurred_at": on(earliest - datetime.timedelta(days=1))},
            rule="XZQZF-54")
    case = move(cast.leader, case, "apply_court", {"court": "样例县人民法院", "materials": "强制执行申请书、处罚决定书、催告书",
                                                   "occurred_at": on(earliest)})
    case = move(cast.leader, case, "close", {"result": "court", "summary": "已申请法院强制执行",
                                             "occurred_at": on(earliest, 11)})
    assert case.status == CaseStatus.CLOSED and case.closed_on == earliest


@pytest.mark.req("LAW-09")
def test_agency_with_its_own_power_decides_and_enforces(cast):
    case = to_statement(cast, own_power=True, kind="other", demand_deadline=5)
    decision = {"method": "强制清除", "reasons": "逾期不履行", "remedies_stated": True}
    refused(cast.leader, case, "execution_decision", {**decision, "occurred_at": on(3)}, rule="XZQZF-37")
    refused(cast.leader, case, "apply_court", {"court": "法院", "materials": "材料", "occurred_at": on(30)},
            rule="XZQZF-53")
    refused(cast.leader, case, "execution_decision", {**decision, "remedies_stated": False, "occurred_at": on(6)},
            rule="XZQZF-37")
    case = move(cast.leader, case, "execution_decision", {**decision, "occurred_at": on(6)})
    enforce = {"method": "强制清除", "result": "已清除"}
    refused(cast.officer_a, case, "enforce", {**enforce, "occurred_at": on(7, 23)}, rule="XZQZF-43")
    refused(cast.officer_a, case, "enforce", {**enforce, "occurred_at": on(7), "officers": [cast.officer_a.person.pk]},
            rule="LAW-01")
    case = move(cast.officer_a, case, "enforce", {**enforce, "occurred_at": on(7)})
    assert sorted(StepRecord.objects.get(case=case, step="enforce").data["officers"]) == sorted(
        [cast.officer_a.person.pk, cast.officer_a2.person.pk])
    case = move(cast.leader, case, "close", {"result": "enforced", "summary": "执行完毕", "occurred_at": on(8)})
    assert case.status == CaseStatus.CLOSED


@pytest.mark.req("LAW-09")
def test_emergency_enforcement_at_night_is_allowed(cast):
    case = to_statement(cast, own_power=True, kind="other", demand_deadline=5)
    case = move(cast.leader, case, "execution_decision", {"method": "强制清除", "reasons": "逾期不履行",
                                                          "remedies_stated": True, "occurred_at": on(6)})
    case = move(cast.officer_a, case, "enforce", {"method": "强制清除", "result": "已清除", "emergency": True,
                                                  "occurred_at": on(7, 23)})
    assert case.current_step == "enforce"


@pytest.mark.req("LAW-09")
def test_substitute_performance_with_three_days_notice(cast):
    case = to_statement(cast, kind="restore", demand_deadline=5)
    day = DAY0 + datetime.timedelta(days=6)
    earliest = add_working_days(day, 3)
    decision = {"harm": "traffic", "performer": "某某清障公司", "occurred_at": on(day)}
    refused(cast.leader, case, "substitute_decision", {**decision, "planned_on": (earliest - datetime.timedelta(days=1))
                                                       .isoformat()}, rule="XZQZF-51")
    refused(cast.leader, case, "substitute_decision", {**decision, "harm": "", "planned_on": earliest.isoformat()},
            error=ValidationError)
    case = move(cast.leader, case, "substitute_decision", {**decision, "planned_on": earliest.isoformat()})
    enforce = {"method": "代履行：清除占道堆放物", "result": "已恢复原状"}
    refused(cast.officer_a, case, "enforce", {**enforce, "occurred_at": on(earliest - datetime.timedelta(days=1))},
            rule="XZQZF-51")
    case = move(cast.officer_a, case, "enforce", {**enforce, "occurred_at": on(earliest)})
    case = move(cast.leader, case, "close", {"result": "substituted", "summary": "代履行完毕", "occurred_at": on(earliest, 11)})
    assert case.status == CaseStatus.CLOSED


@pytest.mark.req("LAW-09")
def test_performance_during_the_demand_closes_the_case(cast):
    case = new_case(cast)
    case = move(cast.officer_a, case, "demand", demand())
    case = move(cast.officer_a, case, "statement", {"performed": True, "occurred_at": on(2)})
    refused(cast.leader, case, "apply_court", {"court": "法院", "materials": "材料", "occurred_at": on(30)},
            rule="XZQZF-53")
    case = move(cast.leader, case, "close", {"result": "performed", "summary": "当事人已缴纳罚款", "occurred_at": on(3)})
    assert case.status == CaseStatus.CLOSED


# --- gates ------------------------------------------------------------------------------------------------------


@pytest.mark.req("LAW-09")
def test_execution_before_the_deadline_passed_is_refused_at_registration(cast):
    before = Case.objects.count()
    with pytest.raises(RuleViolation) as caught:
        new_case(cast, deadline=0)
    assert caught.value.rule == "XZQZF-34" and Case.objects.count() == before
    with pytest.raises(ValidationError) as caught:
        new_case(cast, amount="")
    assert "amount" in caught.value.message_dict and Case.objects.count() == before


@pytest.mark.req("LAW-09")
def test_surcharge_above_the_obligation_or_the_standard_is_refused(cast):
    case = new_case(cast)
    base = {"kind": "fine", "standard_notified": True, "occurred_at": on(0, 10, 30)}
    refused(cast.leader, case, "surcharge", {**base, "amount": "10000.01"}, rule="XZQZF-45")
    refused(cast.leader, case, "surcharge", {**base, "amount": "100", "rate": "3.5"}, rule="XZCFF-72")
    refused(cast.leader, case, "surcharge", {**base, "amount": "100", "standard_notified": False}, rule="XZQZF-45")
    recent = new_case(cast, delivered=-25, deadline=-10)
    assert surcharge_cap(Decimal("10000"), DAY0 - datetime.timedelta(days=10), DAY0, Decimal("3")) == Decimal("3000.00")
    refused(cast.leader, recent, "surcharge", {**base, "amount": "3000.01"}, rule="XZQZF-45")
    recent = move(cast.leader, recent, "surcharge", {**base, "amount": "3000"})
    assert recent.current_step == "surcharge"


@pytest.mark.req("LAW-09")
def test_no_surcharge_on_a_non_monetary_obligation(cast):
    case = new_case(cast, kind="restore")
    refused(cast.leader, case, "surcharge", {"kind": "fine", "amount": "0", "standard_notified": True,
                                             "occurred_at": on(0, 10, 30)}, rule="XZQZF-45")


@pytest.mark.req("LAW-09")
def test_a_demand_without_statement_rights_is_refused(cast):
    case = new_case(cast)
    refused(cast.officer_a, case, "demand", demand(statement_rights=False), rule="XZQZF-35")
    refused(cast.officer_a, case, "demand", demand(performance_deadline=iso(0)), error=ValidationError)
    refused(cast.officer_a, case, "demand", demand(own_power=True, power_basis=""), error=ValidationError)


@pytest.mark.req("LAW-09")
@pytest.mark.parametrize("delivered, deadline, lawsuit, why", [
    (-100, -85, {}, "期限尚未届满"),  # the remedy periods have not lapsed yet
    (-400, -385, {}, "三个月内"),  # more than 3 months after they lapsed
    (-200, -185, {"lawsuit_started_on": iso(-100)}, "尚未结束"),  # a lawsuit is pending
])
def test_court_application_outside_the_window_is_refused(cast, delivered, deadline, lawsuit, why):
    case = to_statement(cast, delivered=delivered, deadline=deadline, **lawsuit)
    error = refused(cast.leader, case, "apply_court", {"court": "法院", "materials": "材料", "occurred_at": on(30)},
                    rule="XZQZF-53")
    assert why in str(error)


@pytest.mark.req("LAW-09")
def test_substitute_performance_is_only_for_obstruction_or_restoration(cast):
    case = to_statement(cast, demand_deadline=5)
    refused(cast.leader, case, "substitute_decision", {"harm": "traffic", "performer": "某公司",
                                                       "planned_on": iso(20), "occurred_at": on(6)}, rule="XZQZF-50")
    early = to_statement(cast, kind="restore", demand_deadline=5)
    refused(cast.leader, early, "substitute_decision", {"harm": "traffic", "performer": "某公司",
                                                        "planned_on": iso(20), "occurred_at": on(4)}, rule="XZQZF-50")
