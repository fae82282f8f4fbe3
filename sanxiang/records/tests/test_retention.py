"""Retention (保存期限) and removal at its end: categories, a reason, two people, a tombstone."""

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.core.models import AuditEvent
from sanxiang.records import demo, log, retention
from sanxiang.records.ingest import ingest_stream
from sanxiang.records.models import EvidenceRecord, LogEntry, RemovalRequest, RetentionCategory
from sanxiang.records.storage import get_store

REASON = "日常巡查录像，未发现违法行为，保存期限届满"


@pytest.fixture(autouse=True)
def records_settings(settings, tmp_path):
    settings.RECORDS = {
        **settings.RECORDS, "ROOT": tmp_path / "records", "CHECKPOINT_KEY_FILE": tmp_path / "keys" / "cp.key",
        "LOG_ORIGIN": "test.example/records", "CHECKPOINT_KEY_NAME": "test.example/records",
        "CHECKPOINT_ALGORITHM": "ed25519",
    }


def footage(user, *, months_ago=7, case_ref="", seed=1, content=None) -> EvidenceRecord:
    end = timezone.now() - datetime.timedelta(days=31 * months_ago)
    metadata = {
        "title": "日常巡查执法记录仪视频", "kind": "video", "case_ref": case_ref,
        "captured_from": (end - datetime.timedelta(minutes=20)).isoformat(), "captured_to": end.isoformat(),
    }
    return ingest_stream(user, [content or demo.make_avi(random.Random(seed), seconds=1)], metadata)


@pytest.fixture
def old(cast):
    return footage(cast.officer_a)


def stored(record) -> bool:
    return get_store().exists(record.blob.storage_name)


@pytest.mark.req("REC-06")
def test_the_categories_are_seeded_routine_six_months_and_case_permanent(db):
    routine = RetentionCategory.objects.get(code="routine")
    assert routine.months == 6 and RetentionCategory.objects.get(code="case").months is None


@pytest.mark.req("REC-06")
def test_it_removes_old_routine_footage_with_two_people_and_leaves_a_tombstone(cast, old):
    request = retention.request_removal(cast.officer_a, old, REASON)
    assert request.status == "pending" and request.category.code == "routine" and stored(old)
    retention.approve_removal(cast.leader, request)
    assert stored(old)  # approval alone removes nothing
    tombstone = retention.execute_removal(cast.admin_a, request)

    assert not stored(old)
    request.refresh_from_db()
    assert request.status == "executed" and request.tombstone == tombstone and request.approved_by == cast.leader
    payload = log.decode(tombstone)["payload"]
    assert tombstone.kind == "tombstone" and tombstone.agency == cast.agency_a
    assert payload["evidence"] == old.pk and payload["sha256"] == old.blob.sha256 and payload["reason"] == REASON
    assert (payload["requested_by"], payload["approved_by"], payload["executed_by"]) == (
        cast.officer_a.pk, cast.leader.pk, cast.admin_a.pk)
    # The record, its blob row and its own log entry stay.
    assert EvidenceRecord.objects.filter(pk=old.pk).exists() and LogEntry.objects.filter(seq=old.log_entry_id).exists()
    events = AuditEvent.objects.filter(action__startswith="records.removal").order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["records.removal.request", "records.removal.approve", "records.removal.execute"]
    assert retention.removed_sha256s() == {old.blob.sha256}


@pytest.mark.req("REC-06")
def test_verify_reports_the_removed_file_as_removed_not_missing(cast, old):
    from sanxiang.records.verify import verify

    request = retention.request_removal(cast.officer_a, old, REASON)
    retention.approve_removal(cast.leader, request)
    retention.execute_removal(cast.leader, request)
    report = verify()
    assert report.ok, report.problems
    assert report.files["removed"] == 1 and report.files["missing"] == 0
    removed = next(f for f in report.file_list if f.status == "removed")
    assert REASON in removed.detail and "钱局长" in removed.detail


@pytest.mark.req("REC-06")
def test_a_record_linked_to_a_case_is_kept_permanently(cast):
    record = footage(cast.officer_a, months_ago=30, case_ref="样市监罚〔2025〕3号")
    with pytest.raises(RuleViolation, match="REC-06.*永久保存.*不得删除"):
        retention.request_removal(cast.officer_a, record, REASON)
    assert retention.retention_ends(record) is None
    assert not RemovalRequest.objects.exists()


@pytest.mark.req("REC-06")
def test_nothing_is_removed_before_the_period_ends_and_the_message_names_it(cast):
    record = footage(cast.officer_a, months_ago=2)
    ends = retention.retention_ends(record)
    with pytest.raises(ValidationError) as refused:
        retention.request_removal(cast.officer_a, record, REASON)
    message = refused.value.messages[0]
    assert "保存期限为 6 个月" in message and f"{ends:%Y-%m-%d}" in message and "届满前不得删除" in message
    assert not RemovalRequest.objects.exists()


@pytest.mark.req("REC-06")
def test_the_period_is_data_an_administrator_may_lengthen(cast, old):
    RetentionCategory.objects.filter(code="routine").update(months=12)
    with pytest.raises(ValidationError, match="保存期限为 12 个月"):
        retention.request_removal(cast.officer_a, old, REASON)


@pytest.mark.req("REC-06")
@pytest.mark.parametrize("reason, message", [("", "请填写删除理由"), ("   ", "请填写删除理由"),
                                             ("<b>到期</b>", "HTML"), ("长" * 2001, "最多 2000 字")])
def test_a_reason_is_required_and_plain(cast, old, reason, message):
    with pytest.raises(ValidationError, match=message):
        retention.request_removal(cast.officer_a, old, reason)
    assert not RemovalRequest.objects.exists()


@pytest.mark.req("REC-09")
@pytest.mark.parametrize("who", ["officer_b", "anonymous"])
def test_only_people_who_see_the_record_may_ask(cast, old, who):
    with pytest.raises(PermissionDenied):
        retention.request_removal(getattr(cast, who), old, REASON)
    assert not RemovalRequest.objects.exists()


@pytest.mark.req("REC-06")
def test_content_another_record_still_uses_is_not_removed(cast):
    content = demo.make_avi(random.Random(5), seconds=1)
    routine = footage(cast.officer_a, content=content)
    footage(cast.officer_a, content=content, case_ref="样市监罚〔2025〕8号")  # the same bytes, kept permanently
    with pytest.raises(ValidationError, match="存储中只有一份，仍在使用"):
        retention.request_removal(cast.officer_a, routine, REASON)


@pytest.mark.req("REC-06")
def test_one_open_request_at_a_time(cast, old):
    retention.request_removal(cast.officer_a, old, REASON)
    with pytest.raises(Conflict, match="已有待处理的删除申请"):
        retention.request_removal(cast.leader, old, REASON)


@pytest.mark.req("REC-06")
def test_the_requester_cannot_approve_their_own_request(cast, old):
    request = retention.request_removal(cast.leader, old, REASON)
    with pytest.raises(RuleViolation, match="REC-06.*两人"):
        retention.approve_removal(cast.leader, request)
    request.refresh_from_db()
    assert request.status == "pending" and request.approved_by is None


@pytest.mark.req("REC-06")
def test_the_database_also_refuses_one_person_as_both(cast, old):
    request = retention.request_removal(cast.leader, old, REASON)
    with pytest.raises(IntegrityError), transaction.atomic():
        RemovalRequest.objects.filter(pk=request.pk).update(approved_by=cast.leader, status="approved")


@pytest.mark.req("REC-06")
@pytest.mark.parametrize("who", ["officer_a2", "reviewer", "supervisor", "officer_b"])
def test_only_a_leader_or_administrator_of_the_agency_approves(cast, old, who):
    request = retention.request_removal(cast.officer_a, old, REASON)
    with pytest.raises(PermissionDenied):
        retention.approve_removal(getattr(cast, who), request)
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.mark.req("REC-06")
def test_nothing_is_removed_without_approval_or_by_someone_else(cast, old):
    request = retention.request_removal(cast.officer_a, old, REASON)
    with pytest.raises(Conflict, match="须先经第二人批准"):
        retention.execute_removal(cast.leader, request)
    retention.approve_removal(cast.leader, request)
    with pytest.raises(PermissionDenied):
        retention.execute_removal(cast.officer_a, request)
    assert stored(old) and not LogEntry.objects.filter(kind="tombstone").exists()


@pytest.mark.req("REC-06")
def test_an_approval_is_not_executed_twice_and_a_rejected_request_is_closed(cast, old):
    request = retention.request_removal(cast.officer_a, old, REASON)
    retention.approve_removal(cast.leader, request)
    retention.execute_removal(cast.leader, request)
    with pytest.raises(Conflict):
        retention.execute_removal(cast.leader, request)
    assert LogEntry.objects.filter(kind="tombstone").count() == 1

    other = footage(cast.officer_a, seed=9)
    pending = retention.request_removal(cast.officer_a, other, REASON)
    with pytest.raises(ValidationError, match="请填写删除理由"):
        retention.reject_removal(cast.leader, pending, "")
    retention.reject_removal(cast.leader, pending, "该录像涉及投诉，暂不删除")
    pending.refresh_from_db()
    assert pending.status == "rejected"
    with pytest.raises(Conflict, match="不能批准"):
        retention.approve_removal(cast.leader, pending)
    assert stored(other)


@pytest.mark.req("REC-06")
def test_a_failed_removal_changes_nothing(cast, old):
    request = retention.request_removal(cast.officer_a, old, REASON)
    retention.approve_removal(cast.leader, request)
    path = get_store().path(old.blob.storage_name)
    aside = path.with_name("aside")
    path.rename(aside)
    path.mkdir()  # a real failure of the filesystem: a directory cannot be unlinked (even by root)
    with pytest.raises(OSError):
        retention.execute_removal(cast.leader, request)
    path.rmdir()
    aside.rename(path)
    request.refresh_from_db()
    assert request.status == "approved" and stored(old)
    assert not LogEntry.objects.filter(kind="tombstone").exists()
    assert not AuditEvent.objects.filter(action="records.removal.execute").exists()


@pytest.mark.req("REC-06")
def test_months_are_added_by_the_calendar():
    moment = timezone.make_aware(datetime.datetime(2026, 8, 31, 10, 0))
    assert retention._add_months(moment, 6).date() == datetime.date(2027, 2, 28)
    assert retention._add_months(moment, 1).date() == datetime.date(2026, 9, 30)
    assert retention._add_months(moment, 12).date() == datetime.date(2027, 8, 31)
