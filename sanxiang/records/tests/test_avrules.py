"""REC-03 and REC-05: the AV item list, and the check of an activity's records against it and the document's time."""

import datetime

import pytest

from sanxiang.records.avrules import check_activity_records, rule_for
from sanxiang.records.models import AVRule

from .factories import make_evidence, moment, records_root


@pytest.fixture
def root(settings, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "AV_TIME_TOLERANCE_SECONDS": 300}
    return records_root(settings, tmp_path)


@pytest.mark.req("REC-03")
@pytest.mark.django_db
@pytest.mark.parametrize("activity, requirement", [
    ("seizure", "full"), ("forced_demolition", "full"), ("detention", "full"), ("premises_inquiry", "full"),
    ("onsite_inspection", "as_needed"), ("random_inspection", "as_needed"), ("investigation", "as_needed"),
    ("evidence_preservation", "as_needed"), ("hearing", "as_needed"), ("coercive_measure", "as_needed"),
    ("service_by_leaving", "as_needed"), ("service_by_notice", "as_needed"),
])
def test_the_default_list_is_loaded_with_its_basis(activity, requirement):
    rule = rule_for(None, activity)
    assert rule.pk and rule.requirement == requirement and rule.agency is None
    assert "音像记录" in rule.basis and "〔" in rule.basis


@pytest.mark.req("REC-03")
@pytest.mark.django_db
def test_names_follow_the_policy_documents():
    names = dict(AVRule.objects.filter(agency__isnull=True).values_list("activity", "name"))
    assert names["seizure"] == "查封扣押财产" and names["forced_demolition"] == "强制拆除"
    assert names["service_by_leaving"] == "留置送达" and names["service_by_notice"] == "公告送达"


@pytest.mark.req("REC-03")
def test_an_agencys_own_rule_wins_and_unlisted_activities_allow_text(cast):
    AVRule.objects.create(activity="investigation", name="调查取证", requirement=AVRule.Requirement.FULL,
                          agency=cast.agency_a, basis="本局音像记录事项清单")
    assert rule_for(cast.agency_a, "investigation").requirement == "full"
    assert rule_for(cast.agency_b, "investigation").requirement == "as_needed"
    unlisted = rule_for(cast.agency_a, "document_drafting")
    assert unlisted.pk is None and unlisted.requirement == "text_allowed"


@pytest.mark.req("REC-03")
def test_a_full_process_activity_without_av_is_a_finding(cast, root):
    photo = make_evidence(cast.officer_a, kind="photo", activity="seizure")
    findings = check_activity_records(cast.agency_a, "seizure", [photo], moment(10))
    assert [f.rule for f in findings] == ["REC-03"]
    assert "查封扣押财产" in findings[0].message and str(findings[0]).startswith("REC-03: ")


@pytest.mark.req("REC-03")
def test_as_needed_and_text_activities_without_av_are_in_order(cast, root):
    photo = make_evidence(cast.officer_a, kind="photo")
    assert check_activity_records(cast.agency_a, "investigation", [photo], moment(10)) == []
    assert check_activity_records(cast.agency_a, "document_drafting", [], moment(10)) == []


@pytest.mark.req("REC-03", "REC-05")
def test_a_full_process_activity_with_video_covering_the_document_time_is_in_order(cast, root):
    video = make_evidence(cast.officer_a, kind="video", captured_from=moment(9, 50), captured_to=moment(10, 40))
    assert check_activity_records(cast.agency_a, "seizure", [video], moment(10, 15)) == []


@pytest.mark.req("REC-05")
@pytest.mark.parametrize("document_time, gap", [
    (moment(9, 44), 6),  # 6 minutes before the recording started
    (moment(10, 46), 6),  # 6 minutes after it ended
    (moment(13, 0), 140),
])
def test_a_recording_whose_time_disagrees_with_the_document_is_a_finding_with_the_gap(cast, root, document_time, gap):
    video = make_evidence(cast.officer_a, kind="video", title="扣押现场录像", captured_from=moment(9, 50),
                          captured_to=moment(10, 40))
    findings = check_activity_records(cast.agency_a, "seizure", [video], document_time)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.rule == "REC-05" and finding.gap_minutes == gap and finding.evidence_id == video.pk
    assert f"相差约{gap}分钟" in finding.message and "扣押现场录像" in finding.message


@pytest.mark.req("REC-05")
@pytest.mark.parametrize("document_time", [moment(9, 45), moment(10, 45)])
def test_within_the_tolerance_is_in_order(cast, root, document_time):
    audio = make_evidence(cast.officer_a, kind="audio", captured_from=moment(9, 50), captured_to=moment(10, 40))
    assert check_activity_records(cast.agency_a, "premises_inquiry", [audio], document_time) == []


@pytest.mark.req("REC-05")
def test_the_tolerance_is_configurable(cast, root, settings):
    audio = make_evidence(cast.officer_a, kind="audio", captured_from=moment(9, 50), captured_to=moment(10, 40))
    settings.RECORDS = {**settings.RECORDS, "AV_TIME_TOLERANCE_SECONDS": 60}
    findings = check_activity_records(cast.agency_a, "premises_inquiry", [audio], moment(10, 45))
    assert [(f.rule, f.gap_minutes) for f in findings] == [("REC-05", 5)]


@pytest.mark.req("REC-05")
def test_an_av_record_without_capture_time_is_a_finding(cast, root):
    video = make_evidence(cast.officer_a, kind="video", title="无时间录像")
    findings = check_activity_records(cast.agency_a, "hearing", [video], moment(10))
    assert [f.rule for f in findings] == ["REC-05"] and "未记载" in findings[0].message
    assert check_activity_records(cast.agency_a, "hearing", [video], None) == []


@pytest.mark.req("REC-05")
def test_a_naive_document_time_is_read_in_the_local_time_zone(cast, root):
    video = make_evidence(cast.officer_a, kind="video", captured_from=moment(9, 50), captured_to=moment(10, 40))
    assert check_activity_records(cast.agency_a, "seizure", [video], datetime.datetime(2026, 3, 10, 10, 0)) == []
