"""Penalty flow from 负责人审查决定 to 立卷归档: the full walk, and every gate refused with nothing changed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.cases import services
from sanxiang.cases.engine import Context
from sanxiang.cases.guards.penalty_decision import penalty_preconditions
from sanxiang.cases.models import Case, StepRecord
from sanxiang.cases.testing import move, person_party, register
from sanxiang.catalog import flows
from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days
from sanxiang.records.models import CaseArchive

NOW = timezone.now()


def at(days_ago: float, hours: float = 0) -> datetime.datetime:
    """A moment ``days_ago`` days before now (plus ``hours``), at most now."""
    return min(NOW - datetime.timedelta(days=days_ago) + datetime.timedelta(hours=hours), timezone.now())


def day_of(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, StepRecord.objects.filter(case=case).count()


def refused(user, case, target, data, exc=RuleViolation):
    """The move is refused with ``exc``, and nothing changed; returns the exception."""
    before = snapshot(case)
    with pytest.raises(exc) as info:
        move(user, case, target, data)
    assert snapshot(case) == before
    return info.value


def walk_to_statement(cast, start_days_ago=30, *, fine="5000", kinds=("fine",), parties=None, statement=None):
    """register → file → investigate → conclude → prior_notice → statement, starting ``start_days_ago`` days ago."""
    case = register(cast, parties=parties, act_date=day_of(at(start_days_ago + 10)),
                    step={"occurred_at": at(start_days_ago), "source_description": "群众举报"})
    case = move(cast.leader, case, "file", {"opinion": "同意立案", "legal_basis": "《食品安全法》第三十四条",
                                           "occurred_at": at(start_days_ago, 1)})
    case = move(cast.officer_a, case, "investigate", {"method": "inspection", "record": "现场检查发现过期食品",
                                                      "place": "样例县城关镇1号", "occurred_at": at(start_days_ago, 2)})
    case = move(cast.officer_a, case, "conclude", {
        "report": "调查终结", "decision": "penalty", "facts": "销售超过保质期的食品", "penalty_kinds": list(kinds),
        "fine_amount": fine, "legal_basis": "《食品安全法》第一百二十四条", "discretion": "一般情节",
        "occurred_at": at(start_days_ago, 3)})
    case = move(cast.officer_a, case, "prior_notice", {
        "facts": "销售超过保质期的食品", "reasons": "违反规定", "legal_basis": "《食品安全法》第一百二十四条",
        "proposed_penalty": f"罚款{fine}元", "rights": "陈述、申辩、要求听证的权利", "hearing_rights_stated": True,
        "occurred_at": at(start_days_ago, 4)})
    case = move(cast.officer_a, case, "statement", statement or {
        "waived": True, "waiver": "本人放弃陈述、申辩", "occurred_at": at(start_days_ago, 5)})
    return case


def walk_to_decide(cast, start_days_ago=30, **kw):
    case = walk_to_statement(cast, start_days_ago, **kw)
    return move(cast.leader, case, "decide", {"decision": "penalty", "opinion": "同意给予处罚",
                                              "occurred_at": at(start_days_ago, 6)})


def decision_data(**over):
    data = {
        "penalty_kinds": ["fine"], "fine_amount": "5000", "facts": "销售超过保质期的食品",
        "evidence_reasoning": "现场检查笔录、照片相互印证", "basis_reasoning": "违反《食品安全法》第三十四条第（十）项",
        "discretion_reasoning": "初次违法，按一般情节裁量", "legal_basis": "《食品安全法》第一百二十四条第一款",
        "payment_manner": "到指定银行缴纳", "sealed": True,
    }
    data.update(over)
    return data


def archivist(cast):
    """立卷归档 is the handling officers' step: the record store lets the case's own officers seal its file."""
    return cast.officer_a2


# --- the full walk ----------------------------------------------------------------------------------------


@pytest.mark.req("LAW-07")
@pytest.mark.req("REC-08")
def test_the_full_walk_from_decision_to_archive(cast):
    case = walk_to_decide(cast, 30)
    case = move(cast.leader, case, "penalty_decision", {**decision_data(), "occurred_at": at(29)})
    assert case.decision == "penalty" and case.decided_on == day_of(at(29))
    assert case.fine_amount == Decimal("5000.00") and case.penalty_kinds == ["fine"]
    record = StepRecord.objects.filter(case=case, step="penalty_decision").get()
    assert "罚款人民币5000.00元" in record.data["decision_text"] and "六十日" in record.data["remedies"]
    decision_document = record.documents.get()  # 行政处罚决定书 issued with the step: numbered, DOCX and PDF (REC-02)
    assert decision_document.code == "CFJDS" and decision_document.number and decision_document.sealed
    assert decision_document.pdf.blob.media_type == "application/pdf"

    served = at(28)
    case = move(cast.officer_a, case, "deliver", {"method": "direct", "receiver_name": "林法人", "signed_at": served,
                                                  "occurred_at": served})
    assert case.delivered_on == day_of(served)
    assert [o.target for o in services.engine.options(cast.officer_a, case) if o.allowed] == ["execute"]

    paid_on = day_of(at(5))  # 23 days after delivery: 8 days late → 3 % × 8 of 5000 = 1200
    late = case.delivered_on + datetime.timedelta(days=15)
    days_late = (paid_on - late).days
    surcharge = Decimal("5000") * Decimal("0.03") * days_late
    assert refused(cast.leader, case, "close", {"summary": "x"}).rule == "LAW-07"  # a fine to pay: not closed
    case = move(cast.officer_a, case, "execute", {"paid_amount": "5000", "paid_on": paid_on, "receipt_no": "NO-1",
                                                  "occurred_at": at(5)})
    execute = StepRecord.objects.get(case=case, step="execute")
    assert Decimal(execute.data["surcharge_due"]) == surcharge and execute.data["paid_in_full"] is False
    error = refused(cast.leader, case, "close", {"summary": "结案", "occurred_at": at(4)})
    assert error.rule == "LAW-07" and "coercion_execution" in str(error)

    # The rest goes on in a linked 行政强制执行 case; once it is closed the penalty case may close.
    child = register(cast, flow="coercion_execution", parent=case.pk, step={
        "obligation_kind": "monetary", "obligation": "缴纳罚款5000元", "decision_number": "罚决〔2026〕1号",
        "decision_delivered_on": case.delivered_on, "amount": "5000", "deadline": late})
    Case.objects.filter(pk=child.pk).update(status="closed")
    case = move(cast.leader, case, "close", {"summary": "罚款及加处罚款经强制执行已缴清", "occurred_at": at(4)})
    assert case.status == "closed"

    with pytest.raises(PermissionDenied):  # not an officer of the case
        move(cast.reviewer, case, "archive", {"pages": 40})
    user = archivist(cast)
    case = move(user, case, "archive", {"pages": 40, "occurred_at": at(3)})
    assert case.status == "archived" and case.archived_on == day_of(at(3))
    assert CaseArchive.objects.filter(case_ref=case.number).exists()
    archive_record = StepRecord.objects.get(case=case, step="archive")
    assert archive_record.data["late"] is False
    with pytest.raises(RuleViolation):  # the record store refuses anything new for the case
        services.add_note(cast.officer_a, case.pk, {"text": "补充"}, version=case.version)


@pytest.mark.req("REC-08")
def test_a_late_archive_needs_a_reason_and_is_marked(cast):
    case = walk_to_decide(cast, 60)
    case = move(cast.leader, case, "penalty_decision", {**decision_data(penalty_kinds=["warning"], fine_amount=None),
                                                        "occurred_at": at(59)})
    case = move(cast.officer_a, case, "deliver", {"method": "post", "tracking_number": "EMS123", "receipt_date":
                                                  day_of(at(57)), "occurred_at": at(57)})
    assert [o.target for o in services.engine.options(cast.officer_a, case) if o.allowed] == ["close"]
    case = move(cast.leader, case, "close", {"summary": "警告已送达", "occurred_at": at(56)})
    user = archivist(cast)
    error = refused(user, case, "archive", {"pages": 12}, ValidationError)
    assert "late_reason" in error.message_dict
    case = move(user, case, "archive", {"pages": 12, "late_reason": "档案室搬迁"})
    record = StepRecord.objects.get(case=case, step="archive")
    assert record.data["late"] is True and record.data["late_label"] == "超期归档"


# --- LAW-03: the 90-day clock ------------------------------------------------------------------------------


@pytest.mark.req("LAW-03")
def test_a_decision_after_90_days_is_refused_until_the_leader_extends_the_clock(cast):
    case = walk_to_decide(cast, 100)
    error = refused(cast.leader, case, "penalty_decision", decision_data())
    assert error.rule == "LAW-03"
    with pytest.raises(RuleViolation):  # only a leader approves an extension
        services.extend_clock(cast.officer_a, case.pk, {"clock": "penalty_decision", "days": 30, "reason": "复杂"},
                              version=case.version)
    services.extend_clock(cast.leader, case.pk, {"clock": "penalty_decision", "days": 30,
                                                 "reason": "案情复杂，经负责人批准延长"}, version=case.version)
    case = move(cast.leader, case, "penalty_decision", decision_data())
    assert case.current_step == "penalty_decision" and case.decision == "penalty"


@pytest.mark.req("LAW-03")
def test_withdrawal_and_no_penalty_also_keep_the_90_days(cast):
    case = walk_to_statement(cast, 100)
    case = move(cast.leader, case, "decide", {"decision": "withdraw", "opinion": "撤销"})
    error = refused(cast.leader, case, "withdraw_case", {"reason": "不符合立案条件"})
    assert error.rule == "LAW-03"
    refused(cast.leader, case, "penalty_decision", decision_data())  # not what the leader decided


# --- LAW-04/05: notice, statement window, hearing -----------------------------------------------------------


@pytest.mark.req("LAW-05")
def test_no_decision_before_the_statement_window_closes_unless_waived(cast):
    case = walk_to_statement(cast, 3, statement={"statement": "我不知道过期了", "occurred_at": at(3, 5)})
    notice_day = day_of(StepRecord.objects.get(case=case, step="prior_notice").occurred_at)
    assert timezone.localdate() <= add_working_days(notice_day, 5)
    error = refused(cast.leader, case, "decide", {"decision": "penalty", "opinion": "处罚"})
    assert error.rule == "LAW-05"
    # my guard says the same on the day of a decision
    ctx = Context(case=Case.objects.get(pk=case.pk), user=cast.leader, flow=flows.get("penalty"), source="decide",
                  target="penalty_decision", data={}, now=timezone.now(), occurred_at=timezone.now())
    assert [rule for rule, _ in penalty_preconditions(ctx)] == ["LAW-05"]
    waived = walk_to_decide(cast, 3)  # waived in writing: decided at once
    assert waived.current_step == "decide"


@pytest.mark.req("LAW-05")
def test_a_requested_hearing_must_be_held_before_a_penalty(cast):
    case = walk_to_statement(cast, 30, fine="150000", statement={
        "statement": "要求听证", "hearing_requested": True, "requested_on": day_of(at(30, 5)), "occurred_at": at(30, 5)})
    error = refused(cast.leader, case, "decide", {"decision": "penalty", "opinion": "处罚"})
    assert error.rule == "LAW-05"
    ctx = Context(case=Case.objects.get(pk=case.pk), user=cast.leader, flow=flows.get("penalty"), source="decide",
                  target="penalty_decision", data={}, now=timezone.now(), occurred_at=timezone.now())
    problems = penalty_preconditions(ctx)
    assert problems and problems[0][0] == "LAW-05" and "听证" in problems[0][1]


@pytest.mark.req("LAW-04")
def test_a_penalty_without_prior_notice_is_refused(cast):
    case = register(cast, act_date=day_of(at(40)), step={"occurred_at": at(20)})
    case = move(cast.leader, case, "file", {"opinion": "立案", "legal_basis": "某法", "occurred_at": at(20, 1)})
    case = move(cast.officer_a, case, "investigate", {"method": "inquiry", "record": "询问", "place": "现场",
                                                      "occurred_at": at(20, 2)})
    case = move(cast.officer_a, case, "conclude", {"report": "终结", "decision": "no_penalty", "facts": "轻微",
                                                   "occurred_at": at(20, 3)})
    case = move(cast.leader, case, "decide", {"decision": "penalty", "opinion": "应当处罚"})  # leader disagrees
    error = refused(cast.leader, case, "penalty_decision", decision_data())
    assert error.rule == "LAW-04" and "事先告知" in str(error)
    refused(cast.leader, case, "no_penalty_decision", {"ground": "minor", "reasoning": "轻微", "legal_basis": "x",
                                                       "sealed": True})  # the leader decided a penalty


@pytest.mark.req("LAW-04")
def test_no_heavier_penalty_after_the_statement_without_new_facts(cast):
    case = walk_to_decide(cast, 20)
    error = refused(cast.leader, case, "penalty_decision", decision_data(fine_amount="8000"))
    assert error.rule == "LAW-04" and "更重" in str(error)
    error = refused(cast.leader, case, "penalty_decision", decision_data(
        penalty_kinds=["fine", "suspend_operations"]))
    assert error.rule == "LAW-04"
    case = move(cast.leader, case, "penalty_decision", decision_data(fine_amount="3000"))  # lighter is fine
    assert case.fine_amount == Decimal("3000.00")


# --- PUB-17: the decision document --------------------------------------------------------------------------


@pytest.mark.req("PUB-17")
@pytest.mark.parametrize("change, words", [
    ({"discretion_reasoning": ""}, "裁量理由"),
    ({"evidence_reasoning": ""}, "证据采信"),
    ({"basis_reasoning": ""}, "依据适用"),
    ({"legal_basis": ""}, "法律依据"),
    ({"payment_manner": ""}, "缴纳方式"),
    ({"sealed": False}, "印章"),
    ({"remedies": "不服的可以申请行政复议"}, "六个月"),
    ({"remedies": "可以提起行政诉讼，六个月内"}, "六十日"),
])
def test_a_decision_document_failing_the_check_is_refused(cast, change, words):
    case = walk_to_decide(cast, 20)
    error = refused(cast.leader, case, "penalty_decision", decision_data(**change))
    assert error.rule == "PUB-17" and words in str(error)


@pytest.mark.req("PUB-17")
def test_the_own_check_covers_the_same_when_the_documents_module_lacks_it(cast, monkeypatch):
    from sanxiang.cases import documents

    monkeypatch.delattr(documents, "check_decision_document")
    case = walk_to_decide(cast, 20)
    error = refused(cast.leader, case, "penalty_decision", decision_data(discretion_reasoning="", sealed=False))
    assert error.rule == "PUB-17" and "裁量理由" in str(error) and "印章" in str(error)


# --- amounts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, field", [
    ({"fine_amount": "-1"}, "fine_amount"),
    ({"fine_amount": "100000000001"}, "fine_amount"),
    ({"fine_amount": "0"}, "fine_amount"),
    ({"fine_amount": None}, "fine_amount"),
    ({"penalty_kinds": ["warning"], "fine_amount": "100"}, "fine_amount"),
    ({"confiscation_amount": "100"}, "confiscation_amount"),
    ({"payment_deadline_days": "5"}, "payment_deadline_days"),
])
def test_negative_absurd_or_inconsistent_amounts_are_refused(cast, change, field):
    case = walk_to_decide(cast, 20)
    error = refused(cast.leader, case, "penalty_decision", decision_data(**change), ValidationError)
    assert field in error.message_dict


# --- LAW-07: delivery ----------------------------------------------------------------------------------------


def decided(cast, days_ago=30):
    case = walk_to_decide(cast, days_ago)
    return move(cast.leader, case, "penalty_decision", {**decision_data(), "occurred_at": at(days_ago - 1)})


@pytest.mark.req("LAW-07")
def test_delivery_after_seven_working_days_is_refused(cast):
    case = decided(cast, 40)
    limit = add_working_days(case.decided_on, 7)
    too_late = timezone.make_aware(datetime.datetime.combine(limit + datetime.timedelta(days=1), datetime.time(10)))
    error = refused(cast.officer_a, case, "deliver", {"method": "post", "tracking_number": "EMS1",
                                                      "receipt_date": too_late.date(), "occurred_at": too_late})
    assert error.rule == "LAW-07"
    on_time = timezone.make_aware(datetime.datetime.combine(limit, datetime.time(10)))
    case = move(cast.officer_a, case, "deliver", {"method": "post", "tracking_number": "EMS1",
                                                  "receipt_date": limit, "occurred_at": on_time})
    assert case.delivered_on == limit


@pytest.mark.req("LAW-07")
@pytest.mark.parametrize("data, field", [
    ({"method": "direct"}, "receiver_name"),
    ({"method": "leave"}, "witnesses"),
    ({"method": "post", "tracking_number": "EMS1"}, "receipt_date"),
    ({"method": "electronic", "system_receipt_id": "R1", "receipt_date": "2026-01-01"}, "consent"),
    ({"method": "announcement", "channel": "报纸"}, "announced_on"),
])
def test_each_method_of_service_needs_its_proof(cast, data, field):
    case = decided(cast)
    error = refused(cast.officer_a, case, "deliver", data, ValidationError)
    assert field in error.message_dict


@pytest.mark.req("LAW-07")
def test_announcement_counts_as_served_thirty_days_later(cast):
    case = decided(cast)
    announced = day_of(at(27))
    case = move(cast.officer_a, case, "deliver", {"method": "announcement", "channel": "样例日报", "announced_on": announced,
                                                  "announcement_reason": "下落不明", "occurred_at": at(27)})
    assert case.delivered_on == announced + datetime.timedelta(days=30)


# --- 执行 -------------------------------------------------------------------------------------------------


def delivered(cast, days_ago=30):
    case = decided(cast, days_ago)
    served = at(days_ago - 2)
    return move(cast.officer_a, case, "deliver", {"method": "direct", "receiver_name": "林法人", "signed_at": served,
                                                  "occurred_at": served})


@pytest.mark.req("LAW-07")
def test_payment_in_time_closes_the_case(cast):
    case = delivered(cast)
    paid = case.delivered_on + datetime.timedelta(days=10)
    case = move(cast.officer_a, case, "execute", {"paid_amount": "5000", "paid_on": paid, "receipt_no": "R-9"})
    record = StepRecord.objects.get(case=case, step="execute")
    assert record.data["paid_in_full"] is True and Decimal(record.data["surcharge_due"]) == 0
    case = move(cast.leader, case, "close", {"summary": "已缴清"})
    assert case.status == "closed"


@pytest.mark.req("LAW-07")
def test_payment_data_is_checked(cast):
    case = delivered(cast)
    error = refused(cast.officer_a, case, "execute", {"paid_amount": "5000"}, ValidationError)
    assert {"paid_on", "receipt_no"} <= set(error.message_dict)
    error = refused(cast.officer_a, case, "execute", {"paid_amount": "5000", "receipt_no": "R",
                                                      "paid_on": case.delivered_on - datetime.timedelta(days=1)},
                    ValidationError)
    assert "paid_on" in error.message_dict
    error = refused(cast.officer_a, case, "execute", {"review_ended_on": case.delivered_on}, ValidationError)
    assert "review_started_on" in error.message_dict


@pytest.mark.req("LAW-07")
def test_a_court_application_before_the_remedy_periods_lapse_is_refused(cast):
    case = delivered(cast)
    demand = case.delivered_on + datetime.timedelta(days=16)
    error = refused(cast.officer_a, case, "execute", {"demand_issued_on": demand,
                                                      "court_applied_on": day_of(at(0))})
    assert error.rule == "XZQZF-53"
    error = refused(cast.officer_a, case, "execute", {"demand_issued_on": case.delivered_on}, ValidationError)
    assert "demand_issued_on" in error.message_dict


# --- the other decisions ---------------------------------------------------------------------------------


def test_no_penalty_decision_is_delivered_and_closed(cast):
    case = walk_to_statement(cast, 20)
    case = move(cast.leader, case, "decide", {"decision": "no_penalty", "opinion": "初次违法，及时改正",
                                              "occurred_at": at(20, 6)})
    refused(cast.leader, case, "penalty_decision", decision_data())
    error = refused(cast.leader, case, "no_penalty_decision", {"ground": "first_offence", "reasoning": "初次违法",
                                                                "legal_basis": "《行政处罚法》第三十三条"})
    assert error.rule == "PUB-17"  # not sealed
    case = move(cast.leader, case, "no_penalty_decision", {"ground": "first_offence", "reasoning": "初次违法",
                                                            "legal_basis": "《行政处罚法》第三十三条", "sealed": True})
    assert case.decision == "no_penalty" and case.decided_on
    case = move(cast.officer_a, case, "deliver", {"method": "direct", "receiver_name": "林法人",
                                                  "signed_at": timezone.now()})
    case = move(cast.leader, case, "close", {"summary": "不予处罚"})
    assert case.status == "closed"


@pytest.mark.req("LAW-03")
def test_transfer_within_24_hours_of_the_approval(cast):
    case = walk_to_statement(cast, 20)
    case = move(cast.leader, case, "decide", {"decision": "transfer", "opinion": "涉嫌犯罪，移送",
                                              "occurred_at": at(20, 6)})
    data = {"receiving_organ": "样例县公安局", "crime_suspected": "生产、销售不符合安全标准的食品罪",
            "materials": "移送书、调查报告"}
    error = refused(cast.officer_a, case, "transfer", {**data, "occurred_at": at(18)})
    assert error.rule == "XZCFF-27"
    case = move(cast.officer_a, case, "transfer", {**data, "occurred_at": at(20, 20)})
    assert case.decision == "transfer"
    case = move(cast.leader, case, "close", {"summary": "已移送"})
    assert case.status == "closed"


def test_a_person_party_walk_uses_the_same_steps(cast):
    case = walk_to_decide(cast, 20, parties=[person_party()], fine="500")
    case = move(cast.leader, case, "penalty_decision", decision_data(fine_amount="500"))
    assert case.fine_amount == Decimal("500.00")


@pytest.mark.req("LAW-07")
def test_days_of_a_review_are_not_counted_in_the_surcharge(cast):
    case = delivered(cast, 60)
    due = case.delivered_on + datetime.timedelta(days=15)
    paid = due + datetime.timedelta(days=20)
    review = (due + datetime.timedelta(days=1), due + datetime.timedelta(days=10))
    case = move(cast.officer_a, case, "execute", {"paid_amount": "10000", "paid_on": paid, "receipt_no": "R-1",
                                                  "review_started_on": review[0], "review_ended_on": review[1]})
    record = StepRecord.objects.get(case=case, step="execute")
    assert Decimal(record.data["surcharge_due"]) == Decimal("1500.00")  # 10 counted days × 150
    assert Decimal(record.data["amount_due"]) == Decimal("6500.00") and record.data["paid_in_full"] is True


@pytest.mark.req("LAW-07")
def test_a_court_application_inside_the_window_after_a_demand(cast):
    case = delivered(cast, 250)
    window_opens = case.delivered_on + datetime.timedelta(days=190)
    today = timezone.localdate()
    assert window_opens < today
    demand = today - datetime.timedelta(days=30)
    error = refused(cast.officer_a, case, "execute", {"demand_issued_on": today - datetime.timedelta(days=2),
                                                      "court_applied_on": today})
    assert error.rule == "XZQZF-54"  # less than 10 working days after the demand
    case = move(cast.officer_a, case, "execute", {"demand_issued_on": demand, "court_applied_on": today})
    record = StepRecord.objects.get(case=case, step="execute")
    assert record.data["paid_in_full"] is False and Decimal(record.data["surcharge_due"]) == Decimal("5000.00")
    assert refused(cast.leader, case, "close", {"summary": "x"}).rule == "LAW-07"
