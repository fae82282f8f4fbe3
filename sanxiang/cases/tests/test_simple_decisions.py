"""The simple decision flows (征收、征用、确认、裁决、给付、奖励、其他): register → decide → deliver."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.cases.models import Case, CaseStatus, StepRecord
from sanxiang.cases.steps.simple_decisions import FLOW_KEYS
from sanxiang.cases.testing import move, person_party, register


def state(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, StepRecord.objects.filter(case=case).count()


@pytest.mark.req("LAW-07")
@pytest.mark.parametrize("flow", FLOW_KEYS)
def test_each_simple_flow_walks_to_delivery(cast, flow):
    case = register(cast, flow=flow, parties=[person_party()], title="事项登记",
                    step={"matter": "申请人申请", "received_on": timezone.localdate().isoformat()})
    assert case.current_step == "register" and case.kind == flow
    data = {"outcome": "grant", "decision_text": "决定如下", "basis": "某条例第十条"}
    if flow in ("levy", "payment", "reward"):
        data["amount"] = "1200.50"
    case = move(cast.leader, case, "decide", data)
    assert case.decision == "grant" and case.decided_on == timezone.localdate()
    assert case.legal_basis == "某条例第十条"
    record = StepRecord.objects.filter(case=case, step="decide").get()
    if flow in ("levy", "payment", "reward"):
        assert Decimal(record.data["amount"]) == Decimal("1200.50")
    case = move(cast.officer_a, case, "deliver", {"method": "direct", "recipient": "陈当事"})
    assert case.delivered_on == timezone.localdate()
    assert case.status == CaseStatus.CLOSED and case.closed_on == timezone.localdate()


@pytest.mark.req("LAW-07")
def test_a_decision_with_an_amount_needs_the_amount_and_only_a_leader_decides(cast):
    case = register(cast, flow="reward", parties=[person_party()], title="举报奖励")
    before = state(case)
    with pytest.raises(ValidationError) as refused:
        move(cast.leader, case, "decide", {"outcome": "grant", "decision_text": "给予奖励", "basis": "某办法"})
    assert "amount" in refused.value.message_dict
    assert state(case) == before
    with pytest.raises(PermissionDenied):
        move(cast.officer_a, case, "decide", {"outcome": "grant", "decision_text": "给予", "basis": "某办法",
                                               "amount": "100"})
    assert state(case) == before
    # Deciding "no" needs no amount.
    case = move(cast.leader, case, "decide", {"outcome": "deny", "decision_text": "不予奖励", "basis": "某办法"})
    assert case.decision == "deny"


@pytest.mark.req("REC-01")
def test_dates_in_the_future_or_before_the_last_step_are_refused(cast):
    case = register(cast, flow="confirmation", parties=[person_party()], title="确认")
    before = state(case)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        move(cast.leader, case, "decide", {"outcome": "other", "decision_text": "确认", "basis": "某法",
                                           "decided_on": tomorrow.isoformat()})
    assert "decided_on" in refused.value.message_dict
    long_ago = timezone.localdate() - datetime.timedelta(days=30)
    with pytest.raises(ValidationError):
        move(cast.leader, case, "decide", {"outcome": "other", "decision_text": "确认", "basis": "某法",
                                           "decided_on": long_ago.isoformat()})
    assert state(case) == before
    case = move(cast.leader, case, "decide", {"outcome": "other", "decision_text": "确认", "basis": "某法"})
    before = state(case)
    with pytest.raises(ValidationError) as refused:
        move(cast.officer_a, case, "deliver", {"method": "pigeon"})
    assert "method" in refused.value.message_dict
    with pytest.raises(ValidationError):
        move(cast.officer_a, case, "deliver", {"method": "post", "delivered_on": tomorrow.isoformat()})
    assert state(case) == before


@pytest.mark.req("REC-01")
def test_a_step_outside_the_flow_is_refused(cast):
    case = register(cast, flow="other", parties=[person_party()], title="其他")
    before = state(case)
    from sanxiang.core.errors import RuleViolation

    with pytest.raises(RuleViolation):
        move(cast.officer_a, case, "deliver", {"method": "direct"})
    assert state(case) == before


@pytest.mark.req("REC-01")
@pytest.mark.parametrize("flow_key", ["inspection", "license", *FLOW_KEYS])
def test_every_guard_and_step_of_these_flows_is_implemented(flow_key):
    from sanxiang.cases.guards import GUARD_CHECKS
    from sanxiang.cases.steps import SPECS
    from sanxiang.catalog import flows

    flow = flows.get(flow_key)
    assert {t.guard for t in flow.transitions if t.guard} <= set(GUARD_CHECKS)
    assert {s.key for s in flow.steps} <= {step for key, step in SPECS if key == flow_key}
