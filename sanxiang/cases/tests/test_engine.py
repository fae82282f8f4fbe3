"""The workflow engine's own gates: the transition table, roles, versions, input, evidence, append-only records."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from sanxiang.cases import engine, services
from sanxiang.cases.guards import GUARD_CHECKS
from sanxiang.cases.models import Case, NumberCounter, StepRecord
from sanxiang.cases.testing import org_party, person_party, register
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.org.models import CertificateStatus


def snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, fresh.status, StepRecord.objects.filter(case=case).count()


@pytest.mark.req("REC-01")
def test_it_refuses_a_move_outside_the_transition_table(cast):
    case = register(cast)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as error:
        services.advance(cast.leader, case.pk, "conclude", {}, version=case.version)
    assert error.value.rule == engine.PROCESS_RULE and "不允许" in str(error.value)
    assert snapshot(case) == before


def test_it_refuses_a_step_for_someone_in_the_wrong_role(cast):
    case = register(cast)
    before = snapshot(case)
    with pytest.raises(PermissionDenied):  # 立案 is the leader's step
        services.advance(cast.officer_a, case.pk, "file", {}, version=case.version)
    assert snapshot(case) == before


def test_it_refuses_another_agencys_case_without_revealing_it(cast):
    case = register(cast)
    with pytest.raises(PermissionDenied):
        services.advance(cast.officer_b, case.pk, "investigate", {}, version=case.version)
    with pytest.raises(PermissionDenied):
        services.add_note(cast.supervisor, case.pk, {"text": "x"}, version=case.version)


def test_it_answers_a_stale_version_with_a_conflict_and_changes_nothing(cast):
    case = register(cast)
    services.add_note(cast.officer_a, case.pk, {"text": "第一次补充"}, version=case.version)
    before = snapshot(case)
    with pytest.raises(Conflict) as error:
        services.add_note(cast.officer_a2, case.pk, {"text": "第二次补充"}, version=case.version)
    assert "已被他人办理" in str(error.value)
    assert snapshot(case) == before


def test_it_requires_a_version(cast):
    case = register(cast)
    with pytest.raises(ValidationError) as error:
        services.add_note(cast.officer_a, case.pk, {"text": "x"}, version=None)
    assert "version" in error.value.message_dict


@pytest.mark.parametrize("raw, field", [
    ({"text": "<script>alert(1)</script>"}, "text"),
    ({"text": "正常", "occurred_at": "2999-01-01T10:00"}, "occurred_at"),
    ({"text": "正常", "occurred_at": "不是时间"}, "occurred_at"),
    ({}, "text"),
    ({"text": "x" * 20001}, "text"),
])
def test_it_refuses_bad_input_and_changes_nothing(cast, raw, field):
    case = register(cast)
    before = snapshot(case)
    with pytest.raises(ValidationError) as error:
        services.add_note(cast.officer_a, case.pk, raw, version=case.version)
    assert field in error.value.message_dict
    assert snapshot(case) == before


def test_it_refuses_an_act_time_before_the_last_recorded_step(cast):
    case = register(cast)
    before = snapshot(case)
    earlier = (timezone.now() - datetime.timedelta(days=3)).isoformat()
    with pytest.raises(ValidationError) as error:
        services.add_note(cast.officer_a, case.pk, {"text": "补记", "occurred_at": earlier}, version=case.version)
    assert "不能早于上一环节" in error.value.message_dict["occurred_at"][0]
    assert snapshot(case) == before


def test_it_refuses_evidence_of_another_agency(cast):
    from sanxiang.org.services import SystemActor
    from sanxiang.records.ingest import ingest_stream

    evidence = ingest_stream(SystemActor("t"), [b"%PDF-1.4\n%test\n"], {
        "title": "他机关的证据", "kind": "document", "original_name": "a.pdf", "agency": cast.agency_b.pk,
    }, uploaded_by=cast.officer_b)
    case = register(cast)
    before = snapshot(case)
    with pytest.raises(ValidationError) as error:
        services.add_note(cast.officer_a, case.pk, {"text": "关联", "evidence": [evidence.pk]}, version=case.version)
    assert "只能关联本案的证据" in error.value.message_dict["evidence"][0]
    assert snapshot(case) == before


def test_a_guard_without_implementation_fails_closed(cast, monkeypatch):
    case = register(cast)
    monkeypatch.delitem(GUARD_CHECKS, "filing_approved", raising=False)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as error:
        services.advance(cast.leader, case.pk, "file", {"opinion": "同意立案"}, version=case.version)
    assert "尚未实现" in str(error.value)
    assert snapshot(case) == before


@pytest.mark.django_db(transaction=False)
@pytest.mark.req("REC-01")
def test_a_recorded_step_can_never_be_edited_or_deleted(cast):
    case = register(cast)
    record = StepRecord.objects.get(case=case)
    with pytest.raises(DatabaseError), transaction.atomic():
        StepRecord.objects.filter(pk=record.pk).update(data={"forged": True})
    with pytest.raises(DatabaseError), transaction.atomic():
        StepRecord.objects.filter(pk=record.pk).delete()
    assert StepRecord.objects.get(pk=record.pk).data == record.data


def test_a_correction_is_a_new_record_pointing_to_the_old_one(cast):
    case = register(cast)
    original = StepRecord.objects.get(case=case)
    correction = services.correct_record(cast.officer_a, case.pk, original.pk,
                                         {"text": "当事人地址应为城关镇2号", "reason": "笔误"}, version=case.version)
    assert correction.corrects_id == original.pk and correction.action == StepRecord.Action.CORRECT
    assert StepRecord.objects.get(pk=original.pk).data == original.data


# --- registration -------------------------------------------------------------------------------


def _count():
    return Case.objects.count(), StepRecord.objects.count()


@pytest.mark.parametrize("change, field", [
    ({"parties": [{**person_party(), "id_number": "350421199001011235"}]}, "parties.0.id_number"),
    ({"parties": [{**org_party(), "id_number": "91350421MA2XXXXXX0"}]}, "parties.0.id_number"),
    ({"parties": [{**org_party(), "legal_representative": ""}]}, "parties.0.legal_representative"),
    ({"parties": []}, "parties"),
    ({"title": "<b>案由</b>"}, "title"),
    ({"act_date": (datetime.date.today() + datetime.timedelta(days=3)).isoformat()}, "act_date"),
])
def test_registration_refuses_bad_input_and_stores_nothing(cast, change, field):
    before = _count()
    with pytest.raises(ValidationError) as error:
        register(cast, **change)
    assert field in error.value.message_dict
    assert _count() == before
    assert not NumberCounter.objects.filter(last__gt=0).exists()  # no number used up


@pytest.mark.req("LAW-01")
def test_registration_of_a_penalty_case_needs_two_officers(cast):
    before = _count()
    with pytest.raises(RuleViolation) as error:
        register(cast, officers=[cast.officer_a.person.pk])
    assert error.value.rule == "LAW-01"
    assert _count() == before


@pytest.mark.req("LAW-08")
@pytest.mark.parametrize("years, harms, refused", [(2, False, False), (3, False, True), (3, True, False), (6, True, True)])
def test_registration_checks_the_limitation_period(cast, years, harms, refused):
    today = datetime.date.today()
    act = today.replace(year=today.year - years) + datetime.timedelta(days=1 if not refused else -1)
    raw = {"act_date": act.isoformat(), "harms_life_health_finance": harms}
    if refused:
        with pytest.raises(RuleViolation) as error:
            register(cast, **raw)
        assert error.value.rule == "LAW-08"
    else:
        assert register(cast, **raw).act_date == act


def test_case_numbers_are_gap_free_per_agency_and_kind(cast):
    first = register(cast)
    with pytest.raises(ValidationError):
        register(cast, title="")
    second = register(cast)
    inspection = register(cast, flow="inspection", step={
        "inspection_item": "食品经营许可情况检查", "basis": "《食品安全法》第一百一十条", "checklist": "许可证\n进货查验记录"})
    assert (first.seq, second.seq, inspection.seq) == (1, 2, 1)
    assert "检查" in inspection.number


@pytest.mark.req("LAW-01")
def test_officers_with_a_suspended_certificate_cannot_join_a_case(cast):
    case = register(cast)
    cast.officer_a2.person.certificates.update(status=CertificateStatus.SUSPENDED)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as error:
        services.change_officers(cast.officer_a, case.pk, {"officers": [cast.officer_a.person.pk,
                                                                        cast.officer_a2.person.pk],
                                                           "reason": "调整"}, version=case.version)
    assert error.value.rule == "LAW-01" and "暂扣" in str(error.value)
    assert snapshot(case) == before


def test_the_case_officers_see_the_cases_records_and_another_officer_does_not(cast):
    from sanxiang.org.services import SystemActor
    from sanxiang.records.ingest import ingest_stream
    from sanxiang.records.models import EvidenceRecord

    case = register(cast)
    evidence = ingest_stream(SystemActor("t"), [b"%PDF-1.4\n%test\n"], {
        "title": "现场照片说明", "kind": "document", "original_name": "a.pdf", "case_ref": case.number,
        "agency": cast.agency_a.pk,
    }, uploaded_by=cast.leader)
    assert EvidenceRecord.objects.restrict(cast.officer_a2).filter(pk=evidence.pk).exists()
    assert not EvidenceRecord.objects.restrict(cast.officer_b).filter(pk=evidence.pk).exists()
    assert not EvidenceRecord.objects.restrict(cast.admin_a).filter(pk=evidence.pk).exists()


def test_uploading_evidence_into_another_agencys_case_is_refused(cast):
    from sanxiang.records.ingest import ingest_stream
    from sanxiang.records.models import EvidenceRecord

    case = register(cast)
    before = EvidenceRecord.objects.count()
    with pytest.raises(ValidationError) as error:
        ingest_stream(cast.officer_b, [b"%PDF-1.4\n%test\n"], {
            "title": "他机关人员上传", "kind": "document", "original_name": "a.pdf", "case_ref": case.number,
        })
    assert "属于其他执法主体" in error.value.message_dict["case_ref"][0]
    assert EvidenceRecord.objects.count() == before


@pytest.mark.parametrize("pattern, ok", [("{agency}处罚〔{year}〕{seq}号", True), ("{agency}〔{year}〕{seq:03d}号", True),
                                         ("{agency}处罚〔{year}〕号", False), ("{agency}{foo}〔{year}〕{seq}号", False),
                                         ("{agency}〔{year}〕{seq号", False)])
def test_a_numbering_pattern_is_checked_before_it_is_saved(cast, pattern, ok):
    from sanxiang.cases.models import NumberingRule

    rule = NumberingRule(agency=cast.agency_a, series="case:penalty", pattern=pattern)
    if ok:
        rule.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            rule.full_clean()
        assert "pattern" in error.value.message_dict
