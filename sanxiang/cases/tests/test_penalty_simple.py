"""Simple procedure (当场处罚): LAW-02 ceilings, the walk to 备案, and 转为普通程序 opening a linked general case."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.cases import engine
from sanxiang.cases.models import Case, StepRecord
from sanxiang.cases.testing import move, org_party, person_party, register
from sanxiang.core.errors import RuleViolation


def snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, StepRecord.objects.filter(case=case).count(), Case.objects.count()


def refused(user, case, target, data, exc=RuleViolation):
    before = snapshot(case)
    with pytest.raises(exc) as info:
        move(user, case, target, data)
    assert snapshot(case) == before
    return info.value


def to_statement(cast, party, fine="100", kinds=("fine",)):
    case = register(cast, flow="penalty_simple", parties=[party], step={"certificates_shown": True})
    case = move(cast.officer_a, case, "inform", {"penalty_kinds": list(kinds), "fine_amount": fine,
                                                 "facts": "占道经营", "legal_basis": "某条例第十条",
                                                 "rights_informed": True})
    return move(cast.officer_a, case, "statement", {"statement": "认可"})


def on_spot(**over):
    data = {"penalty_kinds": ["fine"], "fine_amount": "200", "facts": "占道经营", "legal_basis": "某条例第十条",
            "document_number": "当场〔2026〕1号", "payment_manner": "bank"}
    data.update(over)
    return data


@pytest.mark.req("LAW-02")
def test_the_walk_for_a_person_at_the_ceiling(cast):
    case = to_statement(cast, person_party())
    case = move(cast.officer_a, case, "decide_on_spot", on_spot())
    assert case.simple_procedure and case.decision == "penalty" and str(case.fine_amount) == "200.00"
    assert case.decided_on == timezone.localdate()
    case = move(cast.officer_a, case, "hand_over", {"receiver_name": "陈当事"})
    assert case.delivered_on == timezone.localdate()
    error = refused(cast.officer_a, case, "file_record", {"filed_on": "2020-01-01"}, ValidationError)
    assert "filed_on" in error.message_dict
    case = move(cast.officer_a, case, "file_record", {"filed_on": timezone.localdate()})
    assert case.status == "closed"


@pytest.mark.req("LAW-02")
def test_a_person_fined_201_yuan_is_refused(cast):
    case = to_statement(cast, person_party())
    error = refused(cast.officer_a, case, "decide_on_spot", on_spot(fine_amount="201"))
    assert error.rule == "LAW-02" and "200" in str(error)


@pytest.mark.req("LAW-02")
def test_an_organisation_up_to_3000_and_not_3001(cast):
    case = to_statement(cast, org_party())
    error = refused(cast.officer_a, case, "decide_on_spot", on_spot(fine_amount="3001"))
    assert error.rule == "LAW-02" and "3000" in str(error)
    case = move(cast.officer_a, case, "decide_on_spot", on_spot(fine_amount="3000"))
    assert str(case.fine_amount) == "3000.00"


@pytest.mark.req("LAW-02")
def test_a_warning_only_is_allowed_and_other_kinds_are_not_offered(cast):
    case = to_statement(cast, person_party(), fine=None, kinds=("warning",))
    error = refused(cast.officer_a, case, "decide_on_spot", on_spot(penalty_kinds=["suspend_operations"],
                                                                    fine_amount=None), ValidationError)
    assert "penalty_kinds" in error.message_dict
    case = move(cast.officer_a, case, "decide_on_spot", on_spot(penalty_kinds=["warning"], fine_amount=None))
    assert case.penalty_kinds == ["warning"] and case.fine_amount is None


@pytest.mark.req("LAW-02")
@pytest.mark.parametrize("over, field", [
    ({"fine_amount": "-1"}, "fine_amount"),
    ({"fine_amount": "100000000001"}, "fine_amount"),
    ({"fine_amount": "0"}, "fine_amount"),
    ({"penalty_kinds": ["warning"], "fine_amount": "50"}, "fine_amount"),
])
def test_negative_absurd_or_inconsistent_amounts_are_refused(cast, over, field):
    case = to_statement(cast, person_party())
    error = refused(cast.officer_a, case, "decide_on_spot", on_spot(**over), ValidationError)
    assert field in error.message_dict


@pytest.mark.req("LAW-02")
def test_the_next_moves_follow_the_announced_penalty(cast):
    case = to_statement(cast, person_party(), fine="500")
    allowed = {o.target: o.allowed for o in engine.options(cast.officer_a, case)}
    assert allowed == {"decide_on_spot": False, "to_general": True}
    case = to_statement(cast, org_party(), fine="500")
    allowed = {o.target: o.allowed for o in engine.options(cast.officer_a, case)}
    assert allowed["decide_on_spot"] is True


@pytest.mark.req("LAW-02")
def test_to_general_opens_a_linked_general_case(cast):
    case = to_statement(cast, person_party(), fine="5000")
    error = refused(cast.officer_a, case, "decide_on_spot", on_spot(fine_amount="5000"))
    assert error.rule == "LAW-02"
    case = move(cast.officer_a, case, "to_general", {"reason": "over_limit", "explanation": "罚款超过二百元"})
    assert case.status == "ended"
    child = Case.objects.get(parent=case)
    assert child.flow_key == "penalty" and child.current_step == "register"
    assert [p.id_number for p in child.parties.all()] == [p.id_number for p in case.parties.all()]
    assert set(child.officer_links.values_list("person_id", flat=True)) == set(
        case.officer_links.values_list("person_id", flat=True))
    note = StepRecord.objects.get(case=case, step="to_general", action=StepRecord.Action.NOTE)
    assert note.data["general_case"] == child.number


@pytest.mark.req("LAW-02")
def test_over_limit_is_no_reason_to_leave_when_the_fine_is_within_it(cast):
    case = to_statement(cast, person_party(), fine="100")
    error = refused(cast.officer_a, case, "to_general", {"reason": "over_limit"})
    assert error.rule == "LAW-02"
    case = move(cast.officer_a, case, "to_general", {"reason": "needs_investigation", "explanation": "需调查"})
    assert Case.objects.filter(parent=case, flow_key="penalty").count() == 1


def test_identify_and_inform_need_their_declarations(cast):
    with pytest.raises(ValidationError):
        register(cast, flow="penalty_simple", parties=[person_party()], step={})
    case = register(cast, flow="penalty_simple", parties=[person_party()], step={"certificates_shown": True})
    error = refused(cast.officer_a, case, "inform", {"penalty_kinds": ["warning"], "facts": "x", "legal_basis": "y"},
                    ValidationError)
    assert "rights_informed" in error.message_dict
