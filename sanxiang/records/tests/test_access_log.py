"""REC-09 access log: every view and download is an AccessEvent and a log entry; refusals are audited, not logged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sanxiang.core import request_context
from sanxiang.core.models import AuditEvent
from sanxiang.records import access_log, log
from sanxiang.records.models import AccessEvent, CaseArchive, Checkpoint, LogEntry, PartyAccessCode

from .factories import make_evidence, records_root

pytestmark = pytest.mark.req("REC-09")
CASE = "样市监罚〔2026〕7号"


@pytest.fixture
def records(cast, settings, tmp_path):
    records_root(settings, tmp_path)
    served = make_evidence(cast.officer_a, title="行政处罚决定书", officers=[cast.officer_a], case_ref=CASE,
                           served_to_party=True, kind="document")
    internal = make_evidence(cast.officer_a, title="现场照片", officers=[cast.officer_a], case_ref=CASE)
    return served, internal


def counts():
    return AccessEvent.objects.count(), LogEntry.objects.count(), PartyAccessCode.objects.count()


def test_it_logs_a_view_with_who_what_why_when_and_where(cast, records):
    served, _ = records
    token = request_context.bind(request_context.RequestContext("req1", "203.0.113.9"))
    try:
        event = access_log.open_record(cast.leader, served, action="download", purpose="  审批前核对证据  ")
    finally:
        request_context.reset(token)
    assert event.user == cast.leader and event.action == "download" and event.purpose == "审批前核对证据"
    assert event.subject_seq == served.log_entry_id and event.client_address == "203.0.113.9"
    entry = event.log_entry
    assert entry.kind == "access" and entry.agency_id == cast.agency_a.pk and entry.case_ref == CASE
    payload = log.decode(entry)["payload"]
    assert payload["user"] == cast.leader.pk and payload["name"] == "钱局长"
    assert payload["subject_seq"] == served.log_entry_id and payload["action"] == "download"
    assert payload["purpose"] == "审批前核对证据" and payload["client_address"] == "203.0.113.9" and payload["at"]


def test_a_refused_access_is_audited_but_not_logged_as_an_access(cast, records):
    served, _ = records
    before = counts()
    with pytest.raises(PermissionDenied):
        access_log.open_record(cast.officer_b, served, action="view", purpose="好奇")
    assert counts() == before
    denied = AuditEvent.objects.get(action="records.access_denied")
    assert denied.actor == cast.officer_b and denied.object_id == str(served.pk)
    assert denied.after["purpose"] == "好奇"


@pytest.mark.parametrize("purpose, message", [
    ("", "请填写调阅事由"),
    ("   ", "请填写调阅事由"),
    ("查" * 301, "不能超过300字"),
    ("<script>alert(1)</script>", "纯文字"),
    ("核对&amp;查阅", "纯文字"),
    ("核对\x00", "纯文字"),
    (None, "请填写调阅事由"),
])
def test_a_bad_purpose_is_refused_and_nothing_is_written(cast, records, purpose, message):
    served, _ = records
    before = counts()
    with pytest.raises(ValidationError, match=message):
        access_log.open_record(cast.officer_a, served, action="view", purpose=purpose)
    assert counts() == before


def test_an_unknown_action_is_refused(cast, records):
    with pytest.raises(ValidationError, match="未知的调阅方式"):
        access_log.open_record(cast.officer_a, records[0], action="delete", purpose="查阅")
    assert not AccessEvent.objects.exists()


def test_a_purpose_of_exactly_300_characters_is_accepted(cast, records):
    event = access_log.open_record(cast.officer_a, records[0], action="view", purpose="查" * 300)
    assert len(event.purpose) == 300


@pytest.mark.req("REC-08")
def test_a_sealed_case_still_accepts_access_entries(cast, records):
    served, _ = records
    with transaction.atomic():
        entry = log.append("archive", {"case_ref": CASE}, agency=cast.agency_a, case_ref=CASE)
        checkpoint = Checkpoint.objects.create(tree_size=entry.seq + 1, root=bytes(32), origin="test", note="-",
                                               key_name="test")
        CaseArchive.objects.create(case_ref=CASE, agency=cast.agency_a, log_entry=entry, checkpoint=checkpoint,
                                   bag_name="bag", bag_sha256="0" * 64, archived_by=cast.leader)
    event = access_log.open_record(cast.supervisor, served, action="view", purpose="案卷评查")
    assert event.log_entry.kind == "access" and event.log_entry.case_ref == CASE


# --- The party's access code ------------------------------------------------------------------


def issue(cast, **overrides):
    data = {"case_ref": CASE, "party_type": "organisation", "party_id": cast.agency_b.uscc, "party_name": "某某商贸有限公司"}
    return access_log.issue_party_code(cast.officer_a, **{**data, **overrides})


def test_a_code_is_shown_once_and_only_its_sha256_is_stored(cast, records):
    row, code = issue(cast)
    assert len(code) == 14 and code.count("-") == 2
    assert row.code_hash == access_log.hash_code(code) and code.replace("-", "") not in row.code_hash
    assert access_log.party_code_for(code.lower().replace("-", " ")) == row  # typed from paper
    assert AuditEvent.objects.filter(action="records.party_code_issued", object_id=str(row.pk)).exists()
    assert code not in str(AuditEvent.objects.get(action="records.party_code_issued").after)


def test_the_party_sees_and_opens_only_documents_served_on_them(cast, records):
    served, internal = records
    row, code = issue(cast)
    assert list(access_log.served_documents(row)) == [served]
    event = access_log.open_as_party(code, served, action="download")
    assert event.user is None and event.party_label.startswith("某某商贸有限公司")
    assert event.purpose == access_log.PARTY_PURPOSE
    assert log.decode(event.log_entry)["payload"]["party"] == event.party_label
    before = counts()
    with pytest.raises(PermissionDenied):
        access_log.open_as_party(code, internal)
    assert counts() == before
    assert AuditEvent.objects.filter(action="records.access_denied", actor__isnull=True).exists()


def test_a_code_of_another_case_opens_nothing_of_this_one(cast, records):
    served, _ = records
    other = make_evidence(cast.officer_a, title="他案文书", case_ref="样市监罚〔2026〕8号", served_to_party=True)
    _, code = issue(cast, case_ref="样市监罚〔2026〕8号")
    with pytest.raises(PermissionDenied):
        access_log.open_as_party(code, served)
    assert access_log.open_as_party(code, other).evidence == other


@pytest.mark.parametrize("code", ["", "ABCD", "ABCD-EFGH-JKLM", "0000-0000-0000", "<b>x</b>", None])
def test_a_wrong_code_opens_nothing(cast, records, code):
    issue(cast)
    with pytest.raises(ValidationError, match="查询码无效"):
        access_log.party_code_for(code)


def test_a_revoked_or_replaced_code_stops_working(cast, records):
    served, _ = records
    first, first_code = issue(cast)
    second, second_code = issue(cast)  # a new code for the same party replaces the old
    with pytest.raises(ValidationError, match="查询码无效"):
        access_log.open_as_party(first_code, served)
    access_log.revoke_party_code(cast.leader, second, reason="当事人遗失查询码")
    with pytest.raises(ValidationError, match="查询码无效"):
        access_log.open_as_party(second_code, served)
    with pytest.raises(ValidationError, match="已作废"):
        access_log.revoke_party_code(cast.leader, second, reason="再次作废")


def test_only_people_of_the_case_issue_and_revoke_codes(cast, records):
    with pytest.raises(PermissionDenied):
        access_log.issue_party_code(cast.officer_b, case_ref=CASE, party_type="organisation",
                                    party_id=cast.agency_b.uscc, party_name="某某")
    row, _ = issue(cast)
    with pytest.raises(PermissionDenied):
        access_log.revoke_party_code(cast.admin_a, row, reason="无权")
    assert PartyAccessCode.objects.get(pk=row.pk).revoked_at is None


@pytest.mark.parametrize("overrides, field", [
    ({"party_id": "91350421MA2Y"}, "party_id"),
    ({"party_type": "person", "party_id": "350421199913320011"}, "party_id"),
    ({"party_type": "alien"}, "party_type"),
    ({"party_name": "<b>某</b>"}, "party_name"),
    ({"party_name": ""}, "party_name"),
    ({"case_ref": ""}, "case_ref"),
])
def test_bad_code_requests_are_refused_and_issue_nothing(cast, records, overrides, field):
    with pytest.raises(ValidationError) as caught:
        issue(cast, **overrides)
    assert field in caught.value.message_dict
    assert not PartyAccessCode.objects.exists()
