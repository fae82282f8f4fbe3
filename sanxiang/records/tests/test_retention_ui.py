"""Retention and removal at its end through the three front doors: staff pages, API and CLI.

Each door: request → approval by a second person → execution, the file gone and a tombstone entry;
and each refusal (same person, an officer approving, no reason, a case-linked record) changes nothing.
"""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from sanxiang.core.models import AuditEvent
from sanxiang.records import log, retention
from sanxiang.records.models import LogEntry, RemovalRequest
from sanxiang.records.storage import get_store
from sanxiang.records.tests.factories import make_evidence, records_root

REASON = "日常巡查录像，未发现违法行为，保存期限届满"
CASE = "样市监罚〔2026〕30号"


@pytest.fixture(autouse=True)
def _root(settings, tmp_path):
    records_root(settings, tmp_path)


def _old(user, *, days=220, case_ref="", title="日常巡查执法记录仪视频", officers=()):
    end = timezone.now() - datetime.timedelta(days=days)
    return make_evidence(user, kind="video", title=title, case_ref=case_ref, officers=officers,
                         captured_from=end - datetime.timedelta(minutes=20), captured_to=end)


@pytest.fixture
def old(cast):
    return _old(cast.officer_a, officers=[cast.officer_a, cast.officer_a2])


@pytest.fixture
def linked(cast):
    return _old(cast.officer_a, case_ref=CASE, title="立案调查现场录像")


def stored(record) -> bool:
    return get_store().exists(record.blob.storage_name)


def state():
    """Everything a refusal must leave as it was."""
    return (list(RemovalRequest.objects.order_by("pk").values_list("pk", "status", "approved_by_id", "tombstone_id")),
            AuditEvent.objects.count(), LogEntry.objects.count())


def assert_removed(record, request_pk, requester, approver, executor):
    request = RemovalRequest.objects.get(pk=request_pk)
    assert request.status == "executed" and request.approved_by == approver and not stored(record)
    payload = log.decode(request.tombstone)["payload"]
    assert request.tombstone.kind == "tombstone" and payload["evidence"] == record.pk
    assert payload["sha256"] == record.blob.sha256 and payload["reason"] == REASON
    assert (payload["requested_by"], payload["approved_by"], payload["executed_by"]) == (
        requester.pk, approver.pk, executor.pk)
    assert record.blob.sha256 in retention.removed_sha256s()


# --- staff pages ----------------------------------------------------------------------------------

@pytest.mark.req("REC-06")
def test_pages_request_approve_by_a_second_person_and_execute(cast, client, old, linked):
    client.force_login(cast.officer_a)
    assert 'href="/records/retention/"' in client.get("/records/evidence/").content.decode()
    due = client.get("/records/retention/due/").content.decode()
    assert f'data-evidence="{old.pk}"' in due and "申请删除" in due
    assert f'data-evidence="{linked.pk}"' not in due  # linked to a case: kept permanently

    before = state()
    refused = client.post("/records/retention/due/", {"evidence": old.pk, "reason": "  "})
    assert refused.status_code == 400 and "请填写删除理由" in refused.content.decode() and state() == before

    response = client.post("/records/retention/due/", {"evidence": old.pk, "reason": REASON})
    request = RemovalRequest.objects.get(evidence=old)
    assert response.status_code == 302 and response.url == f"/records/retention/{request.pk}/"
    page = client.get(response.url).content.decode()
    assert "待批准" in page and REASON in page and 'value="approve"' not in page  # not for the requester
    assert f'data-evidence="{old.pk}"' not in client.get("/records/retention/due/").content.decode()

    before = state()
    same = client.post(response.url, {"action": "approve"})
    assert same.status_code == 400 and "REC-06" in same.content.decode() and "申请人不能批准" in same.content.decode()
    client.force_login(cast.officer_a2)  # names on the record: sees the request, may not approve it
    page = client.get(response.url).content.decode()
    assert 'value="approve"' not in page and 'value="execute"' not in page
    officer = client.post(response.url, {"action": "approve"})
    assert officer.status_code == 400 and "只有记录所属机关的领导或系统管理员可以批准" in officer.content.decode()
    assert state() == before and stored(old)

    client.force_login(cast.leader)
    assert 'value="approve"' in client.get(response.url).content.decode()
    assert client.post(response.url, {"action": "approve"}).status_code == 302
    page = client.get(response.url).content.decode()
    assert "已批准" in page and 'value="execute"' in page and stored(old)

    client.force_login(cast.admin_a)
    done = client.post(response.url, {"action": "execute"}, follow=True).content.decode()
    assert "文件内容已删除" in done and "已删除" in done
    assert_removed(old, request.pk, cast.officer_a, cast.leader, cast.admin_a)

    listing = client.get("/records/retention/?status=executed").content.decode()
    assert f'data-request="{request.pk}"' in listing
    assert f'data-request="{request.pk}"' not in client.get("/records/retention/?status=pending").content.decode()


@pytest.mark.req("REC-06")
def test_pages_refuse_a_case_linked_record_and_a_reasonless_rejection(cast, client, old, linked):
    client.force_login(cast.officer_a)
    before = state()
    response = client.post("/records/retention/due/", {"evidence": linked.pk, "reason": REASON})
    assert response.status_code == 400 and "REC-06" in response.content.decode() and "不得删除" in response.content.decode()
    assert state() == before and stored(linked)
    assert client.post("/records/retention/due/", {"evidence": "x", "reason": REASON}).status_code == 200
    assert state() == before

    request = retention.request_removal(cast.officer_a, old, REASON)
    client.force_login(cast.leader)
    before = state()
    refused = client.post(f"/records/retention/{request.pk}/", {"action": "reject", "reason": ""})
    assert refused.status_code == 400 and "请填写删除理由" in refused.content.decode() and state() == before
    assert client.post(f"/records/retention/{request.pk}/", {"action": "reject", "reason": "仍需留存备查"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "rejected" and stored(old)
    # Executing a rejected request is refused with a message, not a server error.
    client.force_login(cast.admin_a)
    gone = client.post(f"/records/retention/{request.pk}/", {"action": "execute"})
    assert gone.status_code == 400 and "已驳回" in gone.content.decode() and stored(old)


@pytest.mark.req("REC-06")
def test_pages_show_requests_only_to_who_may_see_them(cast, client, old):
    request = retention.request_removal(cast.officer_a, old, REASON)
    for who, sees in [(cast.leader, True), (cast.admin_a, True), (cast.supervisor, True), (cast.officer_a, True),
                      (cast.officer_a2, True), (cast.officer_b, False)]:
        client.force_login(who)
        listing = client.get("/records/retention/").content.decode()
        assert (f'data-request="{request.pk}"' in listing) is sees, who.username
        assert client.get(f"/records/retention/{request.pk}/").status_code == (200 if sees else 404), who.username
    client.force_login(cast.supervisor)  # sees, may not act
    page = client.get(f"/records/retention/{request.pk}/").content.decode()
    assert 'value="approve"' not in page and 'value="reject"' not in page
    client.logout()
    assert client.get("/records/retention/").status_code == 302


# --- API ------------------------------------------------------------------------------------------

def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.req("REC-06")
def test_api_request_approve_by_a_second_person_and_execute(cast, old, linked):
    officer = api(cast.officer_a)
    due = officer.get("/api/v1/records/removals/due/").json()
    assert [row["evidence"] for row in due] == [old.pk]

    before = state()
    missing = officer.post("/api/v1/records/removals/", {"evidence": old.pk}, format="json")
    assert missing.status_code == 400 and missing.json()["reason"] == ["请填写删除理由"]
    case = officer.post("/api/v1/records/removals/", {"evidence": linked.pk, "reason": REASON}, format="json")
    assert case.status_code == 400 and "REC-06" in case.json()["detail"]
    nothing = officer.post("/api/v1/records/removals/", {"evidence": 999999, "reason": REASON}, format="json")
    assert nothing.status_code == 400 and "不存在" in nothing.json()["evidence"][0]
    assert state() == before

    created = officer.post("/api/v1/records/removals/", {"evidence": old.pk, "reason": REASON}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["category"] == "routine" and body["requested_by"] == "officer_a"
    pk = body["id"]

    before = state()
    same = officer.post(f"/api/v1/records/removals/{pk}/approve/")
    assert same.status_code == 400 and "REC-06" in same.json()["detail"]
    other = api(cast.officer_a2).post(f"/api/v1/records/removals/{pk}/approve/")
    assert other.status_code == 403 and "领导或系统管理员" in other.json()["detail"]
    early = api(cast.leader).post(f"/api/v1/records/removals/{pk}/execute/")
    assert early.status_code == 409 and "须先经第二人批准" in early.json()["detail"]
    assert api(cast.officer_b).post(f"/api/v1/records/removals/{pk}/approve/").status_code == 404
    assert state() == before and stored(old)

    approved = api(cast.leader).post(f"/api/v1/records/removals/{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved" and approved.json()["approved_by"] == "leader"
    assert officer.post(f"/api/v1/records/removals/{pk}/execute/").status_code == 403 and stored(old)
    executed = api(cast.admin_a).post(f"/api/v1/records/removals/{pk}/execute/")
    assert executed.status_code == 200 and executed.json()["status"] == "executed"
    assert executed.json()["tombstone_seq"] == RemovalRequest.objects.get(pk=pk).tombstone_id
    assert_removed(old, pk, cast.officer_a, cast.leader, cast.admin_a)

    listed = api(cast.supervisor).get("/api/v1/records/removals/?status=executed").json()
    assert [row["id"] for row in listed] == [pk]
    assert api(cast.supervisor).get("/api/v1/records/removals/?status=pending").json() == []
    assert api(cast.supervisor).get("/api/v1/records/removals/?status=nonsense").status_code == 400
    assert api(cast.officer_b).get("/api/v1/records/removals/").json() == []
    assert officer.get("/api/v1/records/removals/due/").json() == []


@pytest.mark.req("REC-06")
def test_api_rejection_needs_a_reason_and_anonymous_is_refused(cast, old):
    pk = retention.request_removal(cast.officer_a, old, REASON).pk
    before = state()
    refused = api(cast.leader).post(f"/api/v1/records/removals/{pk}/reject/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["reason"] == ["请填写删除理由"] and state() == before
    assert APIClient().get("/api/v1/records/removals/").status_code in (401, 403)
    rejected = api(cast.officer_a).post(f"/api/v1/records/removals/{pk}/reject/", {"reason": "申请有误"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected" and stored(old)


# --- CLI ------------------------------------------------------------------------------------------

def refused_by_cli(*args) -> CommandError:
    before = state()
    with pytest.raises(CommandError) as caught:
        call_command("retention", *args)
    assert state() == before
    return caught.value


@pytest.mark.req("REC-06")
def test_cli_request_approve_by_a_second_person_and_execute(cast, old, linked, capsys):
    call_command("retention", "due")
    out = capsys.readouterr().out
    listed_ids = [line.split("\t")[0] for line in out.splitlines() if "\t" in line]
    assert listed_ids == [str(old.pk)] and f"{old.pk}\t{old.title}" in out and "共 1 件" in out

    error = refused_by_cli("request", str(old.pk), "--reason", " ", "--actor", "officer_a")
    assert error.returncode == 1 and "请填写删除理由" in str(error)
    error = refused_by_cli("request", str(linked.pk), "--reason", REASON, "--actor", "officer_a")
    assert error.returncode == 1 and "REC-06" in str(error) and stored(linked)
    assert refused_by_cli("request", str(old.pk), "--reason", REASON, "--actor", "nobody").returncode == 2
    with pytest.raises(CommandError):
        call_command("retention", "request", str(old.pk), "--actor", "officer_a")  # --reason is required

    call_command("retention", "request", str(old.pk), "--reason", REASON, "--actor", "officer_a")
    pk = RemovalRequest.objects.get(evidence=old).pk
    assert f"#{pk}" in capsys.readouterr().out

    error = refused_by_cli("approve", str(pk), "--actor", "officer_a")
    assert error.returncode == 1 and "申请人不能批准" in str(error)
    error = refused_by_cli("approve", str(pk), "--actor", "officer_a2")
    assert error.returncode == 1 and "领导或系统管理员" in str(error)
    assert "须先经第二人批准" in str(refused_by_cli("execute", str(pk), "--actor", "admin_a"))
    assert refused_by_cli("approve", "999999", "--actor", "leader").returncode == 1
    assert stored(old)

    call_command("retention", "approve", str(pk), "--actor", "leader")
    call_command("retention", "list", "--status", "approved")
    assert f"#{pk}\t已批准" in capsys.readouterr().out
    assert "领导或系统管理员" in str(refused_by_cli("execute", str(pk), "--actor", "officer_a"))
    call_command("retention", "execute", str(pk), "--actor", "admin_a")
    tombstone = RemovalRequest.objects.get(pk=pk).tombstone
    assert f"日志条目 #{tombstone.seq}" in capsys.readouterr().out
    assert_removed(old, pk, cast.officer_a, cast.leader, cast.admin_a)

    call_command("retention", "list", "--actor", "officer_b")
    assert "共 0 件删除申请" in capsys.readouterr().out
    call_command("retention", "due")
    assert "共 0 件" in capsys.readouterr().out


@pytest.mark.req("REC-06")
def test_cli_rejection_needs_a_reason(cast, old, capsys):
    pk = retention.request_removal(cast.officer_a, old, REASON).pk
    assert "请填写删除理由" in str(refused_by_cli("reject", str(pk), "--reason", "", "--actor", "leader"))
    call_command("retention", "reject", str(pk), "--reason", "仍需留存", "--actor", "leader")
    assert RemovalRequest.objects.get(pk=pk).status == "rejected" and stored(old)
    assert "已驳回" in str(refused_by_cli("approve", str(pk), "--actor", "leader"))
