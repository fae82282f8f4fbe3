"""REC-09 access log: every view and download is an AccessEvent and a log entry; refusals are audited, not logged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

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


# --- Pages and API ------------------------------------------------------------------------------


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_download_page_asks_the_purpose_then_streams_the_file(client, cast, records):
    served, _ = records
    client.force_login(cast.officer_a)
    url = reverse("records:evidence-download", args=[served.pk])
    assert "调阅事由" in client.get(url).content.decode()
    assert not AccessEvent.objects.exists()  # showing the form is not an access
    response = client.post(url, {"purpose": "制作案卷"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert _body(response) == access_log.open_content(served).read()
    assert AccessEvent.objects.get().purpose == "制作案卷"


def test_a_missing_purpose_shows_the_form_again_and_logs_nothing(client, cast, records):
    client.force_login(cast.officer_a)
    response = client.post(reverse("records:evidence-download", args=[records[0].pk]), {"purpose": "<b>x</b>"})
    assert response.status_code == 200 and "纯文字" in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_the_view_page_logs_then_lets_the_page_load_the_file(client, cast, records, settings):
    _, photo = records
    client.force_login(cast.officer_a)
    content_url = reverse("records:evidence-content", args=[photo.pk])
    assert client.get(content_url).status_code == 403  # not before a logged view
    page = client.post(reverse("records:evidence-view", args=[photo.pk]), {"purpose": "核对照片"})
    assert content_url in page.content.decode()
    response = client.get(content_url)
    assert response.status_code == 200 and response["Content-Security-Policy"] == "sandbox"
    assert AccessEvent.objects.get().action == "view"


def test_pages_refuse_people_outside_the_case(client, cast, records):
    served, _ = records
    client.force_login(cast.officer_b)
    assert client.get(reverse("records:evidence-download", args=[served.pk])).status_code == 403
    assert client.post(reverse("records:evidence-download", args=[served.pk]), {"purpose": "看看"}).status_code == 403
    assert not AccessEvent.objects.exists()
    assert AuditEvent.objects.filter(action="records.access_denied", actor=cast.officer_b).count() == 1
    assert client.get(reverse("records:evidence-download", args=[999999])).status_code == 404


def test_the_access_history_is_for_leaders_and_supervisors(client, cast, records):
    served, _ = records
    access_log.open_record(cast.officer_a, served, action="view", purpose="制作案卷目录")
    url = reverse("records:evidence-accesses", args=[served.pk])
    for user, status in [(cast.leader, 200), (cast.supervisor, 200), (cast.officer_a, 403), (cast.reviewer, 403)]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert "制作案卷目录" in response.content.decode() and "张执法" in response.content.decode()


def test_the_api_logs_an_access_with_its_purpose(client, cast, records):
    served, _ = records
    client.force_login(cast.supervisor)
    url = reverse("records-api-evidence-content", args=[served.pk])
    assert client.get(url).status_code == 400
    assert client.get(url, {"purpose": "x" * 301}).status_code == 400
    assert not AccessEvent.objects.exists()
    response = client.get(url, {"purpose": "执法监督检查", "action": "download"})
    assert response.status_code == 200 and _body(response) == access_log.open_content(served).read()
    event = AccessEvent.objects.get()
    assert response["X-Access-Seq"] == str(event.log_entry_id)
    history = client.get(reverse("records-api-evidence-accesses", args=[served.pk])).json()
    assert history["results"][0]["purpose"] == "执法监督检查" and history["results"][0]["who"] == "周监督"
    client.force_login(cast.officer_b)
    assert client.get(url, {"purpose": "看看"}).status_code == 403
    assert client.get(reverse("records-api-evidence-accesses", args=[served.pk])).status_code == 403
    assert AccessEvent.objects.count() == 1


def test_the_party_page_opens_served_documents_with_the_code(client, cast, records):
    served, internal = records
    _, code = issue(cast)
    page = client.get(reverse("records:party"))
    assert page.status_code == 200 and "查询码" in page.content.decode()
    assert "查询码无效" in client.post(reverse("records:party"), {"code": "AAAA-BBBB-CCCC"}).content.decode()
    response = client.post(reverse("records:party"), {"code": code.lower()}, follow=True)
    text = response.content.decode()
    assert "行政处罚决定书" in text and "现场照片" not in text
    download = client.post(reverse("records:party-open", args=[served.pk, "download"]))
    assert download.status_code == 200 and _body(download) == access_log.open_content(served).read()
    assert AccessEvent.objects.get().party_label.startswith("某某商贸有限公司")
    assert client.post(reverse("records:party-open", args=[internal.pk, "download"])).status_code == 403
    assert client.post(reverse("records:party-open", args=[served.pk, "delete"])).status_code == 404
    assert AccessEvent.objects.count() == 1


def test_the_party_page_locks_out_after_repeated_wrong_codes(client, cast, records):
    from django.core.cache import cache

    cache.clear()
    _, code = issue(cast)
    for _ in range(10):
        client.post(reverse("records:party"), {"code": "AAAA-BBBB-CCCC"})
    assert "次数过多" in client.post(reverse("records:party"), {"code": code}).content.decode()
    cache.clear()


def test_staff_issue_a_code_shown_once_and_revoke_it(client, cast, records):
    client.force_login(cast.officer_a)
    response = client.post(reverse("records:party-codes"), {
        "case_ref": CASE, "party_type": "organisation", "party_id": cast.agency_b.uscc, "party_name": "某某商贸有限公司"})
    row = PartyAccessCode.objects.get()
    assert "查询码只显示这一次" in response.content.decode()
    assert "查询码只显示这一次" not in client.get(reverse("records:party-codes")).content.decode()
    bad = client.post(reverse("records:party-codes"), {
        "case_ref": CASE, "party_type": "person", "party_id": "123", "party_name": "张三"})
    assert "身份证号码" in bad.content.decode() and PartyAccessCode.objects.count() == 1
    client.post(reverse("records:party-code-revoke", args=[row.pk]), {"reason": "当事人要求"})
    assert PartyAccessCode.objects.get().revoked_at is not None
    client.force_login(cast.officer_b)
    assert client.get(reverse("records:party-code-revoke", args=[row.pk])).status_code == 404
