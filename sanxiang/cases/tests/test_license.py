"""The licence flow (行政许可; 《行政许可法》第三十二、三十八、四十二、四十四、四十七、四十八条)."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.cases import services
from sanxiang.cases.models import Case, CaseStatus, StepRecord
from sanxiang.cases.testing import move, org_party, register
from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days
from sanxiang.org.models import Role, System
from sanxiang.org.services import SystemActor
from sanxiang.org.testing import make_person
from sanxiang.records.ingest import ingest_stream

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def state(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, StepRecord.objects.filter(case=case).count()


def at(days_ago, hour=10):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def apply_case(cast, days_ago=0, **step):
    data = {"item_name": "食品经营许可", "materials": "申请书\n营业执照复印件", **step}
    if days_ago:
        data["occurred_at"] = at(days_ago).isoformat()
    return register(cast, flow="license", title="食品经营许可申请", parties=[org_party()], step=data)


def material(cast, case, title="申请书", content=PDF):
    return ingest_stream(SystemActor("test"), [content], {
        "title": title, "kind": "document", "case_ref": case.number, "agency": cast.agency_a.pk,
        "original_name": "apply.pdf", "step_ref": "apply"}, uploaded_by=cast.officer_a).pk


def accept(cast, case, days_ago=0, **extra):
    data = {"within_scope": True, "materials_complete": True, "evidence": [material(cast, case)], **extra}
    if days_ago:
        data["occurred_at"] = at(days_ago).isoformat()
    return move(cast.officer_a, case, "accept", data)


def examine(**extra):
    return {"opinion": "材料真实，符合条件", "conclusion": "met", "onsite": False, "others_interest": False,
            "hearing_by_law": False, **extra}


def host(cast):
    return make_person(cast.agency_a, cast.department_a2, "host_a", "郑主持", [Role.OFFICER], rng=random.Random(9),
                       certificate_category=System.MARKET)


@pytest.mark.req("SYS-06")
def test_a_licence_is_applied_for_accepted_examined_granted_delivered_and_published(cast):
    case = apply_case(cast)
    assert case.source == "application" and case.current_step == "apply"
    case = accept(cast, case)
    record = StepRecord.objects.get(case=case, step="accept")
    assert record.data["deemed_accepted"] is False and record.data["materials"]
    case = move(cast.officer_a, case, "examine", examine(onsite=True))
    assert sorted(StepRecord.objects.get(case=case, step="examine").data["officers"]) == sorted(
        [cast.officer_a.person.pk, cast.officer_a2.person.pk])
    case = move(cast.leader, case, "grant", {"content": "准予食品经营许可", "basis": "《食品安全法》第三十五条"})
    assert case.decision == "grant" and case.decided_on == timezone.localdate()
    before = state(case)
    with pytest.raises(ValidationError) as refused:  # a licence needs its certificate number
        move(cast.officer_a, case, "deliver", {"method": "direct"})
    assert "certificate_number" in refused.value.message_dict and state(case) == before
    with pytest.raises(RuleViolation):  # not denied: no closing without publication
        move(cast.officer_a, case, "close", {})
    assert state(case) == before
    case = move(cast.officer_a, case, "deliver", {"method": "direct", "certificate_number": "JY13504210000001",
                                                  "valid_until": "2031-12-31"})
    assert case.delivered_on == timezone.localdate()
    delivered = StepRecord.objects.get(case=case, step="deliver")
    assert delivered.data["on_time"] is True and delivered.data["valid_from"] == timezone.localdate().isoformat()
    case = move(cast.officer_a, case, "publish", {"channel": "portal"})
    assert case.status == CaseStatus.CLOSED
    assert StepRecord.objects.get(case=case, step="publish").data["due_on"] == add_working_days(
        timezone.localdate(), 7).isoformat()


@pytest.mark.req("SYS-06")
def test_acceptance_gates_refuse_with_nothing_changed(cast):
    case = apply_case(cast)
    before = state(case)
    with pytest.raises(RuleViolation) as refused:  # no materials recorded
        move(cast.officer_a, case, "accept", {"within_scope": True, "materials_complete": True})
    assert refused.value.rule == "XZXKF-32"
    with pytest.raises(RuleViolation):  # materials not complete: correction, not acceptance
        move(cast.officer_a, case, "accept", {"within_scope": True, "materials_complete": False,
                                              "evidence": [material(cast, case)]})
    with pytest.raises(ValidationError):  # a correction notice must list what to correct
        move(cast.officer_a, case, "correction", {"items": "  "})
    with pytest.raises(RuleViolation):  # refusing an unexamined application for missing corrections
        move(cast.officer_a, case, "reject", {"ground": "not_corrected", "reasons": "未补正", "remedies": "可申请复议"})
    with pytest.raises(ValidationError) as bad:  # the competent body must be named
        move(cast.officer_a, case, "reject", {"ground": "not_competent", "reasons": "不属于本机关", "remedies": "复议"})
    assert "competent_body" in bad.value.message_dict
    with pytest.raises(ValidationError) as bad:  # reasons and remedies are required
        move(cast.officer_a, case, "reject", {"ground": "not_required"})
    assert {"reasons", "remedies"} <= set(bad.value.message_dict)
    assert state(case) == before
    case = move(cast.officer_a, case, "reject", {"ground": "not_required", "reasons": "该事项已取消许可",
                                                 "remedies": "可依法申请行政复议或者提起行政诉讼"})
    assert case.status == CaseStatus.ENDED


@pytest.mark.req("SYS-06")
def test_one_correction_notice_then_acceptance_or_refusal(cast):
    case = apply_case(cast)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    case = move(cast.officer_a, case, "correction", {"items": "补交营业执照复印件\n补交场所平面图",
                                                     "deadline": deadline.isoformat()})
    notice = StepRecord.objects.get(case=case, step="correction")
    assert notice.data["items_list"] == ["补交营业执照复印件", "补交场所平面图"] and notice.data["notice_late"] is False
    before = state(case)
    with pytest.raises(RuleViolation):  # a second correction notice: all items go in one notice
        move(cast.officer_a, case, "correction", {"items": "再补一项"})
    with pytest.raises(RuleViolation):  # the correction period has not run out
        move(cast.officer_a, case, "reject", {"ground": "not_corrected", "reasons": "未补正", "remedies": "复议"})
    with pytest.raises(RuleViolation):  # acceptance after correction needs the day the corrections came in
        move(cast.officer_a, case, "accept", {"within_scope": True, "materials_complete": True,
                                              "evidence": [material(cast, case)]})
    assert state(case) == before
    case = accept(cast, case, corrected_on=timezone.localdate().isoformat())
    assert case.current_step == "accept"
    assert StepRecord.objects.get(case=case, step="accept").data["deemed_accepted"] is False


@pytest.mark.req("SYS-06")
def test_an_application_accepted_after_five_working_days_is_deemed_accepted_from_receipt(cast):
    received = timezone.localdate() - datetime.timedelta(days=20)
    case = apply_case(cast, received_on=received.isoformat())
    case = accept(cast, case)
    record = StepRecord.objects.get(case=case, step="accept")
    assert record.data["deemed_accepted"] is True and record.data["accepted_on"] == received.isoformat()
    assert record.data["acceptance_due"] == add_working_days(received, 5).isoformat()


@pytest.mark.req("LAW-01")
def test_an_onsite_check_needs_two_certified_officers(cast):
    case = accept(cast, apply_case(cast))
    before = state(case)
    with pytest.raises(RuleViolation) as refused:
        move(cast.officer_a, case, "examine", examine(onsite=True, officers=[cast.officer_a.person.pk]))
    assert refused.value.rule == "LAW-01"
    with pytest.raises(RuleViolation) as refused:  # the leader holds no certificate
        move(cast.officer_a, case, "examine", examine(onsite=True, officers=[cast.officer_a.person.pk,
                                                                             cast.leader.person.pk]))
    assert refused.value.rule == "LAW-01" and state(case) == before


@pytest.mark.req("LAW-05")
def test_hearing_rights_request_notice_and_hearing(cast):
    chair = host(cast)
    case = accept(cast, apply_case(cast, days_ago=25), days_ago=24)
    case = move(cast.officer_a, case, "examine", {**examine(others_interest=True), "occurred_at": at(23).isoformat()})
    before = state(case)
    with pytest.raises(RuleViolation) as refused:  # others' major interests: tell them of the hearing first
        move(cast.leader, case, "grant", {"content": "准予", "basis": "某法"})
    assert refused.value.rule == "XZXKF-38" and state(case) == before
    case = move(cast.officer_a, case, "hearing_rights", {"told_to": "申请人；相邻住户王某", "occurred_at": at(22).isoformat()})
    case = move(cast.officer_a, case, "hearing_request", {"requested": True, "requested_on": at(21).date().isoformat(),
                                                          "requester": "王某", "occurred_at": at(21).isoformat()})
    notice_day = at(20).date()
    hearing_day = add_working_days(notice_day, 7)
    hearing_at = timezone.make_aware(datetime.datetime.combine(hearing_day, datetime.time(9, 30)))
    before = state(case)
    with pytest.raises(RuleViolation) as refused:  # fewer than 7 working days' notice
        move(cast.officer_a, case, "hearing_notice", {
            "hearing_at": (hearing_at - datetime.timedelta(days=1)).isoformat(), "place": "听证室",
            "host": chair.person.pk, "occurred_at": at(20).isoformat()})
    assert refused.value.rule == "XZXKF-48"
    with pytest.raises(RuleViolation) as refused:  # an examiner may not host
        move(cast.officer_a, case, "hearing_notice", {"hearing_at": hearing_at.isoformat(), "place": "听证室",
                                                      "host": cast.officer_a2.person.pk, "occurred_at": at(20).isoformat()})
    assert refused.value.rule == "XZXKF-48" and state(case) == before
    case = move(cast.officer_a, case, "hearing_notice", {"hearing_at": hearing_at.isoformat(), "place": "听证室",
                                                         "host": chair.person.pk, "occurred_at": at(20).isoformat()})
    before = state(case)
    with pytest.raises(RuleViolation):  # a hearing before the noticed day
        move(cast.officer_a, case, "hearing", {"record": "听证笔录", "conclusion": "met",
                                      "occurred_at": (hearing_at - datetime.timedelta(days=1)).isoformat()})
    with pytest.raises(RuleViolation):  # hosted by an examiner
        move(cast.officer_a, case, "hearing", {"host": cast.officer_a.person.pk, "record": "听证笔录", "conclusion": "met",
                                      "occurred_at": hearing_at.isoformat()})
    assert state(case) == before
    case = move(cast.officer_a, case, "hearing", {"record": "各方陈述意见", "conclusion": "not_met",
                                         "occurred_at": hearing_at.isoformat()})
    before = state(case)
    with pytest.raises(RuleViolation):  # the hearing concluded the conditions are not met
        move(cast.leader, case, "grant", {"content": "准予", "basis": "某法"})
    with pytest.raises(ValidationError) as bad:  # a denial states reasons and remedies
        move(cast.leader, case, "deny", {"basis": "某法"})
    assert {"reasons", "remedies"} <= set(bad.value.message_dict) and state(case) == before
    case = move(cast.leader, case, "deny", {"reasons": "不符合卫生条件", "basis": "某法第十条",
                                            "remedies": "可于六十日内申请行政复议或者六个月内提起行政诉讼"})
    assert case.decision == "deny"
    case = move(cast.officer_a, case, "deliver", {"method": "post"})
    case = move(cast.officer_a, case, "close", {})
    assert case.status == CaseStatus.CLOSED


@pytest.mark.req("LAW-05")
def test_a_late_hearing_request_is_refused_and_silence_is_recorded_only_after_the_period(cast):
    case = accept(cast, apply_case(cast, days_ago=40), days_ago=39)
    case = move(cast.officer_a, case, "examine", {**examine(others_interest=True), "occurred_at": at(38).isoformat()})
    case = move(cast.officer_a, case, "hearing_rights", {"told_to": "申请人", "occurred_at": at(30).isoformat()})
    before = state(case)
    with pytest.raises(RuleViolation) as refused:
        move(cast.officer_a, case, "hearing_request", {"requested": True})
    assert refused.value.rule == "XZXKF-47" and state(case) == before
    case = move(cast.officer_a, case, "hearing_request", {"requested": False})  # the period has run out
    assert case.current_step == "hearing_request"

    fresh = accept(cast, apply_case(cast))
    fresh = move(cast.officer_a, fresh, "examine", examine(others_interest=True))
    fresh = move(cast.officer_a, fresh, "hearing_rights", {"told_to": "申请人"})
    before = state(fresh)
    with pytest.raises(RuleViolation) as refused:  # still within the period, no waiver
        move(cast.officer_a, fresh, "hearing_request", {"requested": False})
    assert refused.value.rule == "XZXKF-47" and state(fresh) == before
    fresh = move(cast.officer_a, fresh, "hearing_request", {"requested": False, "waived": True})
    fresh = move(cast.leader, fresh, "grant", {"content": "准予", "basis": "某法"})
    assert fresh.decision == "grant"


def decision_start():
    """An acceptance day whose 20 working days have run out but 30 have not."""
    today = timezone.localdate()
    for days in range(26, 60):
        start = today - datetime.timedelta(days=days)
        if add_working_days(start, 20) < today <= add_working_days(start, 30):
            return days
    raise AssertionError("no suitable day")


@pytest.mark.req("LAW-03")
def test_a_late_decision_is_refused_until_the_head_extends_the_period(cast):
    days = decision_start()
    case = accept(cast, apply_case(cast, days_ago=days + 1), days_ago=days)
    case = move(cast.officer_a, case, "examine", {**examine(), "occurred_at": at(days - 1).isoformat()})
    before = state(case)
    with pytest.raises(RuleViolation) as refused:
        move(cast.leader, case, "grant", {"content": "准予", "basis": "某法"})
    assert refused.value.rule == "XZXKF-42" and state(case) == before
    with pytest.raises(RuleViolation):  # at most 10 working days more
        services.extend_clock(cast.leader, case.pk, {"clock": "grant", "days": 11, "reason": "情况复杂"},
                              version=case.version)
    assert state(case) == before
    services.extend_clock(cast.leader, case.pk, {"clock": "grant", "days": 10, "reason": "需要专家评审"},
                          version=case.version)
    case = move(cast.leader, case, "grant", {"content": "准予", "basis": "某法"})
    assert case.decision == "grant"
