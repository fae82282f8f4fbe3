"""The general penalty procedure from 案源登记 to 集体讨论: a full walk, and every gate tried and refused with nothing changed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.cases import engine, services
from sanxiang.cases.guards import penalty_investigation as g
from sanxiang.cases.models import AgencyCaseRules, Case, CaseStatus, StepRecord
from sanxiang.cases.testing import (
    move,
    penalty_data,
    penalty_moment,
    penalty_start,
    penalty_step,
    penalty_to_conclusion,
    penalty_to_statement,
    register,
)
from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days
from sanxiang.org.models import CertificateStatus, System
from sanxiang.records.models import LogEntry

DAY = datetime.timedelta(days=1)
BIG_FINE = {"fine_amount": "150000"}  # 对单位较大数额罚款: within hearing scope (default 100000)


def snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.version, fresh.current_step, fresh.status, fresh.decision, fresh.filed_on,
            StepRecord.objects.filter(case=case).count(), LogEntry.objects.filter(case_ref=case.number).count())


def refused(user, case, target, data, rule, *, day=None, hour=10):
    """Try the move; it must raise RuleViolation(rule) and leave the case, its records and the log untouched."""
    data = dict(data)
    if day is not None:
        data["occurred_at"] = penalty_moment(day, hour)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as error:
        services.advance(user, case.pk, target, data, version=Case.objects.get(pk=case.pk).version)
    assert error.value.rule == rule, str(error.value)
    assert snapshot(case) == before
    return str(error.value)


def invalid(user, case, target, data, field, *, day=None):
    data = dict(data)
    if day is not None:
        data["occurred_at"] = penalty_moment(day)
    before = snapshot(case)
    with pytest.raises(ValidationError) as error:
        services.advance(user, case.pk, target, data, version=Case.objects.get(pk=case.pk).version)
    assert not isinstance(error.value, RuleViolation)
    assert field in error.value.message_dict, error.value.message_dict
    assert snapshot(case) == before
    return error.value.message_dict[field][0]


def options(user, case):
    return {o.target: o for o in engine.options(user, Case.objects.get(pk=case.pk))}


DECIDE = {"decision": "penalty", "opinion": "同意"}


# --- the full walk ------------------------------------------------------------------------------


@pytest.mark.req("LAW-01")
@pytest.mark.req("LAW-04")
@pytest.mark.req("LAW-05")
@pytest.mark.req("LAW-06")
@pytest.mark.req("LAW-09")
def test_a_case_walks_from_registration_to_collective_discussion(cast):
    start = penalty_start(40)
    case = register(cast, act_date=(start - 3 * DAY).isoformat(),
                    step={"source_description": "群众投诉某公司销售过期食品", "discovered_on": start.isoformat(),
                          "occurred_at": penalty_moment(start, 9)})
    assert StepRecord.objects.get(case=case).data["source_description"] == "群众投诉某公司销售过期食品"
    case = penalty_step(cast, case, "file", start, 11)
    assert case.current_step == "file" and case.filed_on == start
    case = penalty_step(cast, case, "investigate", start + DAY)
    record = StepRecord.objects.filter(case=case).last()
    assert record.data["officers"] == [cast.officer_a.person.pk, cast.officer_a2.person.pk]
    case = penalty_step(cast, case, "preserve", start + DAY, 15)
    case = penalty_step(cast, case, "preserve_decision", start + 2 * DAY)
    case = penalty_step(cast, case, "investigate", start + 3 * DAY)
    case = penalty_step(cast, case, "conclude", start + 4 * DAY, complexity_flags=["cross_region"],
                        penalty_kinds=["fine"], **BIG_FINE)
    assert (case.decision, case.penalty_kinds, case.fine_amount, case.complexity_flags) == (
        "penalty", ["fine"], Decimal("150000.00"), ["cross_region"])
    assert options(cast.officer_a, case)["prior_notice"].allowed
    notice_day = start + 5 * DAY
    case = penalty_step(cast, case, "prior_notice", notice_day)
    notice = StepRecord.objects.filter(case=case).last()
    assert notice.data["hearing_scope"] and notice.data["notice_on"] == notice_day.isoformat()
    assert g.notice_window_end(case) == add_working_days(notice_day, 5)
    case = penalty_step(cast, case, "statement", start + 6 * DAY, hearing_requested=True,
                        requested_on=(start + 6 * DAY).isoformat())
    assert g.hearing_outstanding(case)
    allowed = {k for k, o in options(cast.officer_a, case).items() if o.allowed}
    assert allowed == {"hearing_notice"}  # not decide, not collective: the hearing comes first
    notified = start + 7 * DAY
    hearing_day = add_working_days(notified, 7)
    case = penalty_step(cast, case, "hearing_notice", notified, hearing_date=hearing_day.isoformat())
    case = penalty_step(cast, case, "hearing", hearing_day)
    assert not g.hearing_outstanding(case) and g.defence_heard(case, hearing_day) is None
    allowed = {k for k, o in options(cast.officer_a, case).items() if o.allowed}
    assert allowed == {"collective_discussion"}  # complex (cross-region): the leaders discuss it
    case = penalty_step(cast, case, "collective_discussion", hearing_day + DAY)
    assert case.current_step == "collective_discussion" and case.decision == "penalty"
    assert g.collective_done(case) is not None
    assert options(cast.leader, case)["decide"].allowed
    assert not options(cast.leader, case)["investigate"].allowed
    assert g.decision_problem(case) is None


def test_a_leader_may_refuse_to_file_with_reasons(cast):
    case = register(cast)
    invalid(cast.leader, case, "not_filed", {}, "refusal_reason")
    case = move(cast.leader, case, "not_filed", penalty_data(cast, "not_filed"))
    assert case.status == CaseStatus.ENDED and case.filed_on is None


# --- registration and filing --------------------------------------------------------------------


def test_the_discovery_day_cannot_lie_after_registration(cast):
    count = Case.objects.count()
    start = penalty_start(10)
    with pytest.raises(ValidationError) as error:
        register(cast, step={"discovered_on": (start + DAY).isoformat(), "occurred_at": penalty_moment(start)})
    assert "discovered_on" in error.value.message_dict
    assert Case.objects.count() == count


@pytest.mark.req("XZCFF-54")
def test_filing_needs_the_act_date_and_an_item_or_a_legal_basis(cast):
    case = register(cast)  # no act date, no item
    message = refused(cast.leader, case, "file", {"opinion": "同意立案"}, "XZCFF-54")
    assert "违法行为发生日期" in message and "法律依据" in message
    case = move(cast.leader, case, "file", {"opinion": "同意立案", "legal_basis": "食品安全法第三十四条",
                                            "act_date": (timezone.localdate() - 5 * DAY).isoformat()})
    assert case.filed_on == timezone.localdate() and case.act_date == timezone.localdate() - 5 * DAY
    assert case.legal_basis == "食品安全法第三十四条"


@pytest.mark.req("LAW-08")
def test_an_act_date_given_at_filing_is_checked_against_the_limitation(cast):
    case = register(cast)
    old = timezone.localdate().replace(year=timezone.localdate().year - 3)
    refused(cast.leader, case, "file", penalty_data(cast, "file", act_date=old.isoformat()), "LAW-08")


# --- LAW-01: officers with valid certificates on the day of the act -------------------------------


def _break_certificate(cast, how, act_day):
    certificate = cast.officer_a2.person.certificates.get()
    if how == "expired":
        certificate.expires_on = act_day - DAY
    elif how == "not_yet_valid":  # valid today, but not on the (earlier) day of the act
        certificate.issued_on = act_day + DAY
    elif how == "suspended":
        certificate.status = CertificateStatus.SUSPENDED
    elif how == "revoked":
        certificate.status = CertificateStatus.REVOKED
    elif how == "wrong_category":
        certificate.categories = [System.ECOLOGY]
    certificate.save()


@pytest.mark.req("LAW-01")
@pytest.mark.parametrize("how", ["one_officer", "expired", "not_yet_valid", "suspended", "revoked", "wrong_category"])
def test_an_investigation_needs_two_officers_with_valid_certificates_on_the_day(cast, how):
    start = penalty_start(20)
    case = register(cast, act_date=(start - DAY).isoformat(), step={"occurred_at": penalty_moment(start, 9)})
    case = penalty_step(cast, case, "file", start)
    act_day = start + DAY
    data = penalty_data(cast, "investigate")
    if how == "one_officer":
        data["officers"] = [cast.officer_a.person.pk]
    else:
        _break_certificate(cast, how, act_day)
    message = refused(cast.officer_a, case, "investigate", data, "LAW-01", day=act_day)
    assert ("不得少于2人" in message) if how == "one_officer" else ("李执法" in message)


@pytest.mark.req("LAW-01")
def test_a_preservation_is_an_act_of_two_certified_officers_too(cast):
    start = penalty_start(20)
    case = _investigated(cast, start)
    data = penalty_data(cast, "preserve", officers=[cast.officer_a.person.pk])
    refused(cast.officer_a, case, "preserve", data, "LAW-01", day=start + 2 * DAY)


@pytest.mark.req("LAW-01")
def test_the_investigation_cannot_end_when_the_cases_officers_no_longer_hold_valid_certificates(cast):
    start = penalty_start(20)
    case = register(cast, act_date=(start - DAY).isoformat(), step={"occurred_at": penalty_moment(start, 9)})
    case = penalty_step(cast, case, "file", start)
    case = penalty_step(cast, case, "investigate", start + DAY)
    _break_certificate(cast, "revoked", start)
    message = refused(cast.officer_a, case, "conclude", penalty_data(cast, "conclude"), "LAW-01", day=start + 2 * DAY)
    assert "吊销" in message


# --- 先行登记保存 (XZCFF-56, LAW-09) ---------------------------------------------------------------


def _investigated(cast, start):
    case = register(cast, act_date=(start - DAY).isoformat(), step={"occurred_at": penalty_moment(start, 9)})
    case = penalty_step(cast, case, "file", start)
    return penalty_step(cast, case, "investigate", start + DAY)


@pytest.mark.req("XZCFF-56")
def test_a_preservation_needs_the_approval_of_a_leader_of_the_agency(cast):
    start = penalty_start(20)
    case = _investigated(cast, start)
    message = refused(cast.officer_a, case, "preserve", penalty_data(cast, "preserve", approved_by=cast.officer_a2.person.pk),
                      "XZCFF-56", day=start + 2 * DAY)
    assert "负责人" in message
    invalid(cast.officer_a, case, "preserve", {k: v for k, v in penalty_data(cast, "preserve").items() if k != "approved_by"},
            "approved_by", day=start + 2 * DAY)


@pytest.mark.req("LAW-09")
def test_the_preservation_decision_comes_within_seven_working_days(cast):
    start = penalty_start(30)
    case = _investigated(cast, start)
    preserved = start + 2 * DAY
    case = penalty_step(cast, case, "preserve", preserved)
    late = add_working_days(preserved, 8)
    message = refused(cast.leader, case, "preserve_decision", penalty_data(cast, "preserve_decision"), "LAW-09", day=late)
    assert "七个工作日" in message
    case = penalty_step(cast, case, "preserve_decision", add_working_days(preserved, 7))
    assert case.current_step == "preserve_decision"


# --- 调查终结 -----------------------------------------------------------------------------------


def test_a_proposed_penalty_needs_its_kinds_basis_and_discretion(cast):
    start = penalty_start(20)
    case = _investigated(cast, start)
    data = penalty_data(cast, "conclude", penalty_kinds=[], legal_basis="", discretion="")
    assert "处罚种类" in invalid(cast.officer_a, case, "conclude", data, "penalty_kinds", day=start + 2 * DAY)
    data = penalty_data(cast, "conclude", penalty_kinds=["warning"], fine_amount="3000")
    invalid(cast.officer_a, case, "conclude", data, "fine_amount", day=start + 2 * DAY)
    data = penalty_data(cast, "conclude", decision="no_penalty")
    invalid(cast.officer_a, case, "conclude", data, "penalty_kinds", day=start + 2 * DAY)


def test_a_no_penalty_proposal_goes_straight_to_the_leader(cast):
    conclude = {"decision": "no_penalty", "penalty_kinds": [], "fine_amount": "", "discretion": "违法行为轻微并及时改正"}
    case, day = penalty_to_conclusion(cast, conclude=conclude)
    assert case.decision == "no_penalty" and case.penalty_kinds == [] and case.fine_amount is None
    allowed = {k for k, o in options(cast.leader, case).items() if o.allowed}
    assert allowed == {"decide"}


# --- REV-01: a required legal review can never be skipped ------------------------------------------


@pytest.mark.req("REV-01")
def test_a_required_review_cannot_be_bypassed_by_the_prior_notice(cast):
    case, day = penalty_to_conclusion(cast, conclude={"complexity_flags": ["public_interest"]})
    message = refused(cast.officer_a, case, "prior_notice", penalty_data(cast, "prior_notice"), "REV-01", day=day)
    assert "须经法制审核" in message and "涉及重大公共利益" in message


@pytest.mark.req("REV-01")
@pytest.mark.req("LAW-04")
def test_a_penalty_cannot_go_to_the_leader_before_the_prior_notice(cast):
    case, day = penalty_to_conclusion(cast)
    message = refused(cast.leader, case, "decide", DECIDE, "LAW-04", day=day)
    assert "事先告知" in message


@pytest.mark.req("REV-01")
def test_a_required_review_cannot_be_bypassed_by_a_no_penalty_proposal(cast):
    conclude = {"decision": "no_penalty", "penalty_kinds": [], "fine_amount": "", "review_flagged": True}
    case, day = penalty_to_conclusion(cast, conclude=conclude)
    message = refused(cast.leader, case, "decide", {**DECIDE, "decision": "no_penalty"}, "REV-01", day=day)
    assert "主动提请法制审核" in message


@pytest.mark.req("REV-01")
def test_review_fails_closed_once_the_case_is_with_the_reviewer(cast):
    case, day = penalty_to_conclusion(cast, conclude={"complexity_flags": ["complex"]})
    assert options(cast.reviewer, case)["legal_review"].allowed
    case = penalty_step(cast, case, "legal_review", day)
    record = StepRecord.objects.filter(case=case).last()
    assert any("疑难复杂" in r for r in record.data["review_reasons"])
    for target, rule in (("prior_notice", "REV-01"), ("investigate", "REV-07")):
        refused(cast.officer_a, case, target, penalty_data(cast, target), rule, day=day + DAY)
    refused(cast.leader, case, "decide", DECIDE, "LAW-04", day=day + DAY)  # penalty: no notice yet either
    refused(cast.leader, case, "collective_discussion", penalty_data(cast, "collective_discussion"), "LAW-04",
            day=day + DAY)
    assert not any(o.allowed for o in options(cast.leader, case).values())


@pytest.mark.req("REV-01")
def test_review_fails_closed_for_a_reviewed_no_penalty_proposal_too(cast):
    conclude = {"decision": "withdraw", "penalty_kinds": [], "fine_amount": "", "review_flagged": True}
    case, day = penalty_to_conclusion(cast, conclude=conclude)
    case = penalty_step(cast, case, "legal_review", day)
    message = refused(cast.leader, case, "decide", {**DECIDE, "decision": "withdraw"}, "REV-01", day=day + DAY)
    assert "审核中" in message


@pytest.mark.req("REV-01")
def test_a_review_required_after_the_notice_still_blocks_the_decision(cast):
    case, day = penalty_to_statement(cast)
    AgencyCaseRules.objects.create(agency=cast.agency_a, review_all_non_simple=True)
    message = refused(cast.leader, case, "decide", DECIDE, "REV-01")
    assert "一律进行法制审核" in message


# --- LAW-04, LAW-05: notice, statement window, hearing -----------------------------------------------


@pytest.mark.req("LAW-05")
def test_a_notice_of_a_penalty_within_hearing_scope_must_state_the_hearing_right(cast):
    case, day = penalty_to_conclusion(cast, conclude={"penalty_kinds": ["revoke_license"], "fine_amount": ""})
    data = penalty_data(cast, "prior_notice", hearing_rights_stated=False)
    assert "吊销许可证件" in refused(cast.officer_a, case, "prior_notice", data, "LAW-05", day=day)
    invalid(cast.officer_a, case, "prior_notice", penalty_data(cast, "prior_notice", rights=""), "rights", day=day)


@pytest.mark.req("LAW-05")
def test_no_decision_before_the_statement_window_closes(cast):
    start = penalty_start(5)  # the notice two days ago: the window is still open today
    case, day = penalty_to_statement(cast, start)
    assert g.notice_window_end(case) >= timezone.localdate()
    message = refused(cast.leader, case, "decide", DECIDE, "LAW-05")
    assert "期限至" in message
    assert g.defence_heard(case).startswith("LAW-05")


@pytest.mark.req("LAW-05")
def test_a_written_waiver_lets_the_decision_come_before_the_window_closes(cast):
    start = penalty_start(5)
    statement = {"statement": "", "waived": True, "waiver": "本人放弃陈述、申辩和听证的权利。签名：陈当事"}
    case, day = penalty_to_statement(cast, start, statement=statement)
    assert g.notice_window_end(case) >= timezone.localdate()
    assert options(cast.leader, case)["decide"].allowed
    assert g.defence_heard(case) is None


@pytest.mark.req("LAW-05")
def test_a_waiver_must_be_in_writing(cast):
    case, day = penalty_to_conclusion(cast, penalty_start(5))
    case = penalty_step(cast, case, "prior_notice", day)
    message = invalid(cast.officer_a, case, "statement", {"waived": True}, "waiver", day=day + DAY)
    assert "书面" in message


@pytest.mark.req("LAW-05")
def test_a_hearing_requested_after_five_working_days_is_refused(cast):
    case, day = penalty_to_conclusion(cast, conclude=BIG_FINE)
    case = penalty_step(cast, case, "prior_notice", day)
    late = add_working_days(day, 6)
    data = {"statement": "要求听证", "hearing_requested": True, "requested_on": late.isoformat()}
    message = refused(cast.officer_a, case, "statement", data, "LAW-05", day=late)
    assert "五个工作日内" in message
    data["requested_on"] = add_working_days(day, 5).isoformat()
    case = penalty_step(cast, case, "statement", late, **data)
    assert options(cast.officer_a, case)["hearing_notice"].allowed


@pytest.mark.req("LAW-05")
def test_a_requested_hearing_must_be_held_before_deciding(cast):
    start = penalty_start(30)
    statement = {"hearing_requested": True, "requested_on": (start + 4 * DAY).isoformat()}
    case, day = penalty_to_statement(cast, start, conclude=BIG_FINE, statement=statement)
    assert "听证尚未举行" in refused(cast.leader, case, "decide", DECIDE, "LAW-05")


@pytest.mark.req("LAW-05")
def test_no_hearing_for_a_penalty_outside_hearing_scope(cast):
    start = penalty_start(30)
    statement = {"hearing_requested": True, "requested_on": (start + 4 * DAY).isoformat()}
    case, day = penalty_to_statement(cast, start, statement=statement)  # a 5000 yuan fine
    data = penalty_data(cast, "hearing_notice", hearing_date=add_working_days(day, 8).isoformat())
    assert "不属于听证范围" in refused(cast.officer_a, case, "hearing_notice", data, "LAW-05", day=day)
    assert options(cast.leader, case)["decide"].allowed  # nothing outstanding


def _hearing_requested(cast, **conclude):
    start = penalty_start(35)
    statement = {"hearing_requested": True, "requested_on": (start + 4 * DAY).isoformat()}
    return penalty_to_statement(cast, start, conclude={**BIG_FINE, **conclude}, statement=statement)


@pytest.mark.req("LAW-05")
def test_the_hearing_notice_comes_at_least_seven_working_days_before_the_hearing(cast):
    case, day = _hearing_requested(cast)
    data = penalty_data(cast, "hearing_notice", hearing_date=add_working_days(day, 6).isoformat())
    assert "七个工作日前" in refused(cast.officer_a, case, "hearing_notice", data, "LAW-05", day=day)


@pytest.mark.req("LAW-05")
@pytest.mark.parametrize("who", ["officer_a", "officer_a2"])
def test_an_investigating_officer_cannot_host_the_hearing(cast, who):
    case, day = _hearing_requested(cast)
    host = getattr(cast, who).person
    data = penalty_data(cast, "hearing_notice", hearing_date=add_working_days(day, 7).isoformat(), host=host.pk)
    assert "调查人员" in refused(cast.officer_a, case, "hearing_notice", data, "LAW-05", day=day)
    hearing_day = add_working_days(day, 7)
    case = penalty_step(cast, case, "hearing_notice", day, hearing_date=hearing_day.isoformat())
    refused(cast.officer_a, case, "hearing", penalty_data(cast, "hearing", host=host.pk), "LAW-05", day=hearing_day)


@pytest.mark.req("LAW-05")
def test_the_hearing_is_not_held_before_the_notice_period_runs(cast):
    case, day = _hearing_requested(cast)
    case = penalty_step(cast, case, "hearing_notice", day, hearing_date=add_working_days(day, 7).isoformat())
    refused(cast.officer_a, case, "hearing", penalty_data(cast, "hearing"), "LAW-05", day=add_working_days(day, 6))


def test_a_hearing_not_held_in_public_needs_the_reason(cast):
    case, day = _hearing_requested(cast)
    data = penalty_data(cast, "hearing_notice", hearing_date=add_working_days(day, 7).isoformat(), public=False)
    invalid(cast.officer_a, case, "hearing_notice", data, "confidential_reason", day=day)


@pytest.mark.req("XZCFF-45")
def test_new_facts_from_the_party_send_the_case_back_to_investigation(cast):
    case, day = penalty_to_statement(cast)
    refused(cast.officer_a, case, "investigate", penalty_data(cast, "investigate"), "XZCFF-45", day=day)
    case, day = penalty_to_statement(cast, statement={"new_facts": True})
    case = penalty_step(cast, case, "investigate", day)
    case = penalty_step(cast, case, "conclude", day + DAY)
    assert g.current_notice(case) is None  # a new proposal needs a new notice
    refused(cast.leader, case, "decide", DECIDE, "LAW-04", day=day + 2 * DAY)


# --- LAW-06: collective discussion -----------------------------------------------------------------


@pytest.mark.req("LAW-06")
def test_collective_discussion_only_for_complex_or_major_cases(cast):
    case, day = penalty_to_statement(cast)
    refused(cast.leader, case, "collective_discussion", penalty_data(cast, "collective_discussion"), "LAW-06", day=day)


@pytest.mark.req("LAW-06")
def test_a_complex_case_is_not_decided_without_collective_discussion(cast):
    case, day = penalty_to_statement(cast, conclude={"complexity_flags": ["cross_region"]})
    assert "集体讨论" in refused(cast.leader, case, "decide", DECIDE, "LAW-06")
    assert options(cast.leader, case)["collective_discussion"].allowed


@pytest.mark.req("LAW-06")
@pytest.mark.parametrize("attendees", ["leader_alone", "no_leader"])
def test_a_collective_discussion_needs_the_leaders_together(cast, attendees):
    case, day = penalty_to_statement(cast, conclude={"complexity_flags": ["cross_region"]})
    people = [cast.leader.person.pk] if attendees == "leader_alone" else [cast.reviewer.person.pk, cast.admin_a.person.pk]
    data = penalty_data(cast, "collective_discussion", attendees=people)
    refused(cast.leader, case, "collective_discussion", data, "LAW-06", day=g.notice_window_end(case) + DAY)


@pytest.mark.req("LAW-06")
def test_a_collective_discussion_may_order_more_investigation(cast):
    case, day = penalty_to_statement(cast, conclude={"complexity_flags": ["cross_region"]})
    data = penalty_data(cast, "collective_discussion")
    assert "期满前" in refused(cast.leader, case, "collective_discussion", data, "LAW-05", day=day)  # not heard yet
    day = g.notice_window_end(case) + DAY  # the party has been heard
    case = penalty_step(cast, case, "collective_discussion", day, conclusion="investigate",
                        conclusion_text="事实尚需补充调查")
    assert case.decision == "penalty"  # the proposal stands until a new conclusion
    assert "没有形成处理决定意见" in refused(cast.leader, case, "decide", DECIDE, "LAW-06", day=day + DAY)
    case = penalty_step(cast, case, "investigate", day + DAY)
    assert case.current_step == "investigate"


def test_every_guard_from_registration_to_collective_discussion_is_implemented():
    from sanxiang.cases.guards import GUARD_CHECKS
    from sanxiang.catalog import flows

    mine = {"register", "file", "investigate", "preserve", "preserve_decision", "conclude", "legal_review",
            "prior_notice", "statement", "hearing_notice", "hearing", "collective_discussion"}
    used = {t.guard for t in flows.get("penalty").transitions if t.guard and t.source in mine}
    assert used and used <= set(GUARD_CHECKS)
