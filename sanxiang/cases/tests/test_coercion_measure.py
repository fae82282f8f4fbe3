"""行政强制措施 (查封、扣押): both paths to their end, and every legal gate refused with nothing changed (LAW-09)."""

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.cases import clocks, engine, services
from sanxiang.cases.models import Case, CaseStatus, StepRecord
from sanxiang.cases.testing import move, register
from sanxiang.core.errors import RuleViolation
from sanxiang.records import ingest

BASE = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - datetime.timedelta(days=70)
DAY0 = BASE.date()


def at(minutes=0, days=0):
    return (BASE + datetime.timedelta(days=days, minutes=minutes)).isoformat()


def mp4_bytes(seed=3):
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + random.Random(seed).randbytes(3000)


def video(cast, case, start, end, step_ref="present", seed=3):
    """A seizure video of the case, captured from ``start`` to ``end`` (minutes after BASE)."""
    return ingest.ingest_stream(cast.officer_a, [mp4_bytes(seed)], {
        "title": "查封扣押执法记录仪视频", "kind": "video", "original_name": "seizure.mp4", "case_ref": case.number,
        "step_ref": step_ref, "activity": "seizure", "officers": [cast.officer_a.person.pk, cast.officer_a2.person.pk],
        "captured_from": at(start), "captured_to": at(end),
    }).pk


def propose(emergency=False, **extra):
    data = {"measure_kind": "seize", "items": "过期预包装食品一批", "legal_basis": "《食品安全法》第一百一十条第（四）项",
            "reasons": "涉嫌经营超过保质期的食品", "emergency": emergency, "occurred_at": at(0)}
    if emergency:
        data["emergency_reason"] = "当事人正在转移涉案食品"
    return {**data, **extra}


def new_case(cast, emergency=False, **extra):
    return register(cast, flow="coercion_measure", title="扣押过期食品", step=propose(emergency, **extra))


def state(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, fresh.status, StepRecord.objects.filter(case=case).count()


def refused(user, case, target, data, rule=None, error=RuleViolation):
    """The move is refused (with ``rule``) and nothing changed."""
    before = state(case)
    with pytest.raises(error) as caught:
        move(user, case, target, data)
    assert state(case) == before
    if rule is not None:
        assert caught.value.rule == rule, str(caught.value)
    return caught.value


ONSITE = [
    ("present", 60, {"place": "城关镇某某超市仓库", "credentials_shown": True}),
    ("notify_party", 65, {"party_present": True, "notice_method": "电话通知"}),
    ("inform", 70, {"content": "告知扣押的理由和依据", "rights_informed": True}),
    ("hear", 75, {"statement": "当事人称食品尚未销售"}),
    ("record", 80, {"content": "现场扣押过期食品", "party_signature": "signed", "officers_signed": True}),
    ("inventory", 85, {"rows": "某品牌饼干｜20箱｜外包装完好\n某品牌牛奶|5箱|已过保质期", "copies": 2,
                       "copy_to_party": True}),
    ("decision", 90, {"days": 30, "custodian": "县市场监管局", "place": "县局涉案物品仓库", "delivery": "party"}),
]


def onsite(cast, case, evidence, until="decision", shift=0):
    for step, minutes, data in ONSITE:
        case = move(cast.officer_a, case, step, {**data, "occurred_at": at(minutes + shift), "evidence": [evidence]})
        if step == until:
            break
    return case


def to_decision(cast, emergency=False):
    """A case with the seizure decided (approved in advance, or on the spot in an emergency), on DAY0."""
    case = new_case(cast, emergency)
    if not emergency:
        case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    return onsite(cast, case, video(cast, case, 55, 100))


def to_custody(cast):
    case = to_decision(cast)
    return move(cast.officer_a, case, "custody", {"occurred_at": at(120)})


# --- the two paths ------------------------------------------------------------------------------------------


@pytest.mark.req("LAW-09")
def test_approved_seizure_walks_to_release_with_two_officers_and_video(cast):
    case = new_case(cast)
    assert case.current_step == "propose" and case.legal_basis.startswith("《食品安全法》")
    case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    case = onsite(cast, case, video(cast, case, 55, 100))
    record = StepRecord.objects.get(case=case, step="inventory")
    assert record.data["item_rows"][1] == {"name": "某品牌牛奶", "quantity": "5箱", "condition": "已过保质期"}
    assert sorted(record.data["officers"]) == sorted([cast.officer_a.person.pk, cast.officer_a2.person.pk])
    assert case.decided_on == DAY0
    case = move(cast.officer_a, case, "custody", {"occurred_at": at(120)})
    assert case.current_step == "custody" and case.status == CaseStatus.OPEN
    custody = next(d for d in clocks.deadlines(case) if d.key == "custody")
    assert custody.start == DAY0 and custody.due == DAY0 + datetime.timedelta(days=30) and custody.is_open
    case = move(cast.leader, case, "release", {"ground": "no_violation", "return_note": "当场退还全部食品",
                                                "occurred_at": at(days=10)})
    assert case.current_step == "release" and case.status == CaseStatus.CLOSED
    assert next(d for d in clocks.deadlines(case) if d.key == "custody").state == clocks.MET


@pytest.mark.req("LAW-09")
def test_emergency_seizure_is_reported_within_24_hours_and_ends_in_a_penalty_case(cast):
    penalty = register(cast, flow="penalty")
    case = new_case(cast, emergency=True)
    case = move(cast.officer_a, case, "present", {"place": "城关镇某某超市", "credentials_shown": True,
                                                  "occurred_at": at(60), "evidence": [video(cast, case, 55, 100)]})
    evidence = StepRecord.objects.get(case=case, step="present").data["evidence"][0]
    for step, minutes, data in ONSITE[1:]:
        case = move(cast.officer_a, case, step, {**data, "occurred_at": at(minutes), "evidence": [evidence]})
    refused(cast.officer_a, case, "custody", {"occurred_at": at(100)}, rule="XZQZF-18")
    case = move(cast.leader, case, "emergency_report", {"opinion": "confirmed", "occurred_at": at(23 * 60)})
    case = move(cast.officer_a, case, "custody", {"occurred_at": at(24 * 60)})
    case = move(cast.leader, case, "dispose", {"handling": "confiscate", "basis": "《食品安全法》第一百二十四条",
                                                "penalty_case": penalty.number, "occurred_at": at(days=20)})
    assert case.current_step == "dispose" and case.status == CaseStatus.CLOSED


@pytest.mark.req("LAW-09")
def test_an_emergency_measure_the_leader_refuses_is_released_at_once(cast):
    case = to_decision(cast, emergency=True)
    refused(cast.leader, case, "emergency_report", {"opinion": "refused", "occurred_at": at(120)},
            error=ValidationError)
    case = move(cast.leader, case, "emergency_report", {"opinion": "refused", "comment": "不属于紧急情况",
                                                        "occurred_at": at(120)})
    refused(cast.officer_a, case, "custody", {"occurred_at": at(130)}, rule="XZQZF-19")
    refused(cast.leader, case, "release", {"ground": "no_violation", "return_note": "退还", "occurred_at": at(130)},
            error=ValidationError)
    case = move(cast.leader, case, "release", {"ground": "not_approved", "return_note": "立即退还",
                                               "occurred_at": at(130)})
    assert case.status == CaseStatus.CLOSED


@pytest.mark.req("LAW-09")
def test_a_refused_proposal_ends_the_case(cast):
    case = new_case(cast)
    refused(cast.leader, case, "approve", {"opinion": "refused", "occurred_at": at(30)}, error=ValidationError)
    case = move(cast.leader, case, "approve", {"opinion": "refused", "comment": "证据不足", "occurred_at": at(30)})
    refused(cast.officer_a, case, "present", {"place": "仓库", "credentials_shown": True, "occurred_at": at(40)},
            rule="XZQZF-18")
    case = move(cast.leader, case, "not_approved", {"occurred_at": at(40)})
    assert case.status == CaseStatus.ENDED


# --- prior approval and the emergency report ----------------------------------------------------------------


@pytest.mark.req("LAW-09")
def test_no_prior_approval_and_no_emergency_is_refused(cast):
    case = new_case(cast)
    evidence = video(cast, case, 55, 100)
    refused(cast.officer_a, case, "present", {"place": "仓库", "credentials_shown": True, "occurred_at": at(60),
                                              "evidence": [evidence]}, rule="XZQZF-19")
    emergency = new_case(cast, emergency=True)
    refused(cast.leader, emergency, "approve", {"opinion": "approved", "occurred_at": at(30)}, rule="XZQZF-18")
    options = {o.target: o for o in engine.options(cast.officer_a, Case.objects.get(pk=case.pk))}
    assert options["approve"].allowed and not options["present"].allowed


def test_an_emergency_without_its_reason_is_refused_at_registration(cast):
    before = Case.objects.count()
    with pytest.raises(ValidationError) as caught:
        new_case(cast, emergency=True, emergency_reason="")
    assert "emergency_reason" in caught.value.message_dict
    assert Case.objects.count() == before


@pytest.mark.req("LAW-09")
def test_an_emergency_report_after_24_hours_is_refused(cast):
    case = to_decision(cast, emergency=True)
    refused(cast.leader, case, "emergency_report", {"opinion": "confirmed", "occurred_at": at(60 + 24 * 60 + 1)},
            rule="LAW-09")
    # still within 24 hours of acting on the spot (present at minute 60): allowed
    case = move(cast.leader, case, "emergency_report", {"opinion": "confirmed", "occurred_at": at(60 + 24 * 60)})
    assert case.current_step == "emergency_report"


@pytest.mark.req("LAW-09")
def test_a_late_report_can_only_release(cast):
    case = to_decision(cast, emergency=True)
    case = move(cast.leader, case, "emergency_report", {"opinion": "refused", "comment": "逾期报告，立即解除",
                                                        "occurred_at": at(days=2)})
    case = move(cast.leader, case, "release", {"ground": "not_approved", "return_note": "退还", "occurred_at": at(days=2)})
    assert case.status == CaseStatus.CLOSED


# --- the on-site gates --------------------------------------------------------------------------------------


@pytest.mark.req("LAW-01")
def test_fewer_than_two_officers_is_refused(cast):
    case = new_case(cast)
    case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    evidence = video(cast, case, 55, 100)
    refused(cast.officer_a, case, "present", {"place": "仓库", "credentials_shown": True, "occurred_at": at(60),
                                              "evidence": [evidence], "officers": [cast.officer_a.person.pk]},
            rule="LAW-01")
    refused(cast.officer_a, case, "present", {"place": "仓库", "credentials_shown": False, "occurred_at": at(60),
                                              "evidence": [evidence]}, rule="XZQZF-18")


@pytest.mark.req("REC-03")
def test_a_seizure_without_video_is_refused(cast):
    case = new_case(cast)
    case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    refused(cast.officer_a, case, "present", {"place": "仓库", "credentials_shown": True, "occurred_at": at(60)},
            rule="REC-03")
    elsewhere = video(cast, case, 200, 260, step_ref="")  # recorded hours later: not this act
    refused(cast.officer_a, case, "present", {"place": "仓库", "credentials_shown": True, "occurred_at": at(60),
                                              "evidence": [elsewhere]}, rule="REC-05")


@pytest.mark.req("LAW-09")
def test_party_absent_needs_a_witness(cast):
    case = new_case(cast)
    case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    evidence = video(cast, case, 55, 100)
    case = onsite(cast, case, evidence, until="present")
    refused(cast.officer_a, case, "notify_party", {"party_present": False, "occurred_at": at(65), "evidence": [evidence]},
            rule="XZQZF-18")
    case = move(cast.officer_a, case, "notify_party", {"party_present": False, "witness": "村委会主任王见证",
                                                       "occurred_at": at(65), "evidence": [evidence]})
    assert case.current_step == "notify_party"


@pytest.mark.req("LAW-09")
@pytest.mark.parametrize("data", [
    {"party_signature": "refused", "witness": "王见证"},  # the refusal is not noted
    {"party_signature": "refused", "refusal_note": "当事人拒绝签名"},  # no witness
    {"party_signature": "absent"},  # no witness
    {"party_signature": "signed", "officers_signed": False},  # officers did not sign
])
def test_a_record_without_party_signature_or_witness_is_refused(cast, data):
    case = new_case(cast)
    case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    evidence = video(cast, case, 55, 100)
    case = onsite(cast, case, evidence, until="hear")
    raw = {"content": "现场扣押", "officers_signed": True, **data, "occurred_at": at(80), "evidence": [evidence]}
    refused(cast.officer_a, case, "record", raw, rule="XZQZF-18")
    case = move(cast.officer_a, case, "record", {"content": "现场扣押", "party_signature": "refused",
                                                 "refusal_note": "当事人拒绝签名，已注明", "witness": "王见证",
                                                 "officers_signed": True, "occurred_at": at(80), "evidence": [evidence]})
    assert case.current_step == "record"


@pytest.mark.req("LAW-09")
def test_an_inventory_not_in_two_copies_is_refused(cast):
    case = new_case(cast)
    case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    evidence = video(cast, case, 55, 100)
    case = onsite(cast, case, evidence, until="record")
    base = {"rows": "饼干｜20箱｜完好", "occurred_at": at(85), "evidence": [evidence]}
    refused(cast.officer_a, case, "inventory", {**base, "copies": 1, "copy_to_party": True}, rule="XZQZF-24")
    refused(cast.officer_a, case, "inventory", {**base, "copies": 2, "copy_to_party": False}, rule="XZQZF-24")
    error = refused(cast.officer_a, case, "inventory", {**base, "rows": "饼干 20箱", "copies": 2, "copy_to_party": True},
                    error=ValidationError)
    assert "第1行" in error.message_dict["rows"][0]


@pytest.mark.req("LAW-09")
def test_a_decision_for_more_than_30_days_is_refused(cast):
    case = new_case(cast)
    case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    evidence = video(cast, case, 55, 100)
    case = onsite(cast, case, evidence, until="inventory")
    data = {**ONSITE[-1][2], "occurred_at": at(90), "evidence": [evidence]}
    refused(cast.officer_a, case, "decision", {**data, "days": 31}, rule="LAW-09")
    refused(cast.officer_a, case, "decision", {**data, "start_date": (DAY0 + datetime.timedelta(days=1)).isoformat()},
            error=ValidationError)
    case = move(cast.officer_a, case, "decision", {**data, "days": 30})
    assert case.current_step == "decision"


# --- the custody period ---------------------------------------------------------------------------------------


@pytest.mark.req("LAW-09")
def test_custody_past_expiry_must_be_released_not_disposed(cast):
    case = to_custody(cast)
    dispose = {"handling": "confiscate", "basis": "《食品安全法》", "occurred_at": at(days=31)}
    refused(cast.leader, case, "dispose", dispose, rule="LAW-09")
    refused(cast.leader, case, "extend", {"days": 10, "complex_case": True, "reasons": "需检验",
                                          "party_notified": True, "occurred_at": at(days=31)}, rule="LAW-09")
    options = {o.target: o for o in engine.options(cast.leader, Case.objects.get(pk=case.pk))}
    assert options["release"].allowed  # the guard holds; at expiry it is the way on
    case = move(cast.leader, case, "release", {"ground": "expired", "return_note": "期限届满，退还全部财物",
                                               "occurred_at": at(days=31)})
    assert case.status == CaseStatus.CLOSED


@pytest.mark.req("LAW-09")
def test_disposal_on_the_last_day_is_allowed_and_release_as_expired_before_expiry_is_refused(cast):
    case = to_custody(cast)
    refused(cast.leader, case, "release", {"ground": "expired", "return_note": "退还", "occurred_at": at(days=10)},
            rule="XZQZF-28")
    case = move(cast.leader, case, "dispose", {"handling": "destroy", "basis": "《食品安全法》", "occurred_at": at(days=30)})
    assert case.current_step == "dispose"


@pytest.mark.req("LAW-09")
def test_a_shorter_decision_ends_custody_earlier(cast):
    case = new_case(cast)
    case = move(cast.leader, case, "approve", {"opinion": "approved", "occurred_at": at(30)})
    evidence = video(cast, case, 55, 100)
    case = onsite(cast, case, evidence, until="inventory")
    case = move(cast.officer_a, case, "decision", {**ONSITE[-1][2], "days": 10, "occurred_at": at(90),
                                                   "evidence": [evidence]})
    case = move(cast.officer_a, case, "custody", {"occurred_at": at(120)})
    refused(cast.leader, case, "dispose", {"handling": "destroy", "basis": "依法", "occurred_at": at(days=11)},
            rule="LAW-09")


@pytest.mark.req("LAW-09")
def test_one_extension_of_at_most_30_days_with_notice(cast):
    case = to_custody(cast)
    extend = {"days": 30, "complex_case": True, "reasons": "涉案食品需送检，情况复杂", "party_notified": True,
              "occurred_at": at(days=20)}
    refused(cast.leader, case, "extend", {**extend, "days": 31}, rule="LAW-09")
    refused(cast.leader, case, "extend", {**extend, "complex_case": False}, rule="LAW-09")
    refused(cast.leader, case, "extend", {**extend, "party_notified": False}, rule="LAW-09")
    refused(cast.officer_a, case, "extend", extend, error=PermissionDenied)
    case = move(cast.leader, case, "extend", extend)
    case = move(cast.officer_a, case, "custody", {"occurred_at": at(days=20, minutes=10)})
    custody = next(d for d in clocks.deadlines(case) if d.key == "custody")
    assert custody.due == DAY0 + datetime.timedelta(days=60) and custody.extended_days == 30
    refused(cast.leader, case, "extend", {**extend, "days": 5, "occurred_at": at(days=25)}, rule="LAW-09")
    # nor through the generic clock extension
    fresh = Case.objects.get(pk=case.pk)
    before = state(case)
    with pytest.raises(RuleViolation) as caught:
        services.extend_clock(cast.leader, case.pk, {"clock": "custody", "days": 5, "reason": "再延长",
                                                     "occurred_at": at(days=25)}, version=fresh.version)
    assert caught.value.rule == "LAW-09" and state(case) == before
    case = move(cast.leader, case, "dispose", {"handling": "confiscate", "basis": "依法没收", "occurred_at": at(days=55)})
    assert case.current_step == "dispose"


@pytest.mark.req("LAW-09")
def test_appraisal_time_does_not_count_towards_custody(cast):
    case = to_custody(cast)
    fresh = Case.objects.get(pk=case.pk)
    services.pause_clock(cast.leader, case.pk, {"clock": "custody", "pause_kind": "appraisal",
                                                "reason": "涉案食品送检", "occurred_at": at(days=5)}, version=fresh.version)
    fresh = Case.objects.get(pk=case.pk)
    services.resume_clock(cast.leader, case.pk, {"clock": "custody", "reason": "检验报告已出具",
                                                 "occurred_at": at(days=15)}, version=fresh.version)
    custody = next(d for d in clocks.deadlines(Case.objects.get(pk=case.pk)) if d.key == "custody")
    assert custody.paused_days == 10 and custody.due == DAY0 + datetime.timedelta(days=40)
    refused(cast.leader, case, "dispose", {"handling": "destroy", "basis": "依法", "occurred_at": at(days=41)},
            rule="LAW-09")
    case = move(cast.leader, case, "dispose", {"handling": "destroy", "basis": "依法销毁", "occurred_at": at(days=35)})
    assert case.current_step == "dispose"


def test_disposal_names_an_existing_penalty_case(cast):
    case = to_custody(cast)
    refused(cast.leader, case, "dispose", {"handling": "confiscate", "basis": "依法", "penalty_case": "不存在的案号",
                                           "occurred_at": at(days=3)}, error=ValidationError)


def test_every_guard_of_the_coercion_flows_is_implemented():
    from sanxiang.cases.guards import GUARD_CHECKS
    from sanxiang.catalog import flows

    names = {t.guard for key in ("coercion_measure", "coercion_execution") for t in flows.FLOWS[key].transitions
             if t.guard}
    assert names and names <= set(GUARD_CHECKS)
