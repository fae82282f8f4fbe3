"""Retention (保存期限) and removal at the end of it (到期删除): a reason, two people, a tombstone.

Categories are rows of :class:`RetentionCategory` (seeded by migration 0004): ``routine`` — routine
footage not linked to a case, kept ``RECORDS["ROUTINE_RETENTION_MONTHS"]`` months (default 6) after
it was recorded; ``case`` — anything linked to a case, kept permanently (``months`` empty).

Removing content takes three steps, each its own transaction with its audit event:

1. :func:`request_removal` — someone who may see the record asks, with a reason; refused for a
   record linked to a case, before the period ends (the message names the period and its end), for
   content another record still uses, and when a request is already open;
2. :func:`approve_removal` — a *different* person, a leader or administrator of the record's agency
   (or a superuser), approves; the database checks the two people too (``records_removal_two_people``);
   :func:`reject_removal` closes a request instead;
3. :func:`execute_removal` — a leader or administrator of the agency removes the file content from
   storage (``ContentStore.remove_for_retention``, the only deletion in the system) and appends a
   ``tombstone`` log entry naming the record, its digests, the reason, the requester and the
   approver. The record's own log entry and metadata stay; ``sanxiang verify`` reports the file as
   removed, not missing.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.access import VIEW
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.org.access import actor_of
from sanxiang.org.models import Role

from . import log
from .models import EvidenceRecord, LogEntry, RemovalRequest, RetentionCategory
from .storage import get_store

ROUTINE = "routine"
CASE = "case"
REASON_MAX = 2000
_MARKUP = re.compile(r"<[^>]*>")


def category_for(evidence: EvidenceRecord) -> RetentionCategory:
    """The retention category of a record: ``case`` when linked to a case, else ``routine``."""
    code = CASE if evidence.case_ref else ROUTINE
    try:
        return RetentionCategory.objects.get(code=code)
    except RetentionCategory.DoesNotExist:
        raise ValidationError(f"保存期限类别“{code}”不存在：请运行 sanxiang migrate") from None


def _add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def retention_start(evidence: EvidenceRecord) -> datetime.datetime:
    """From when the period runs: the end of recording, else its start, else the upload."""
    return evidence.captured_to or evidence.captured_from or evidence.uploaded_at


def retention_ends(evidence: EvidenceRecord, category: RetentionCategory | None = None) -> datetime.datetime | None:
    """When the record's retention period ends; ``None`` = kept permanently."""
    category = category or category_for(evidence)
    if category.months is None:
        return None
    return _add_months(timezone.localtime(retention_start(evidence)), category.months)


def _is_user(actor) -> bool:
    return bool(getattr(actor, "pk", None)) and getattr(actor, "is_active", False) and actor.is_authenticated


def _is_manager(actor, evidence: EvidenceRecord) -> bool:
    """A leader or administrator of the record's agency, or a superuser."""
    if actor.is_superuser:
        return True
    who = actor_of(actor)
    return who.agency_id == evidence.agency_id and (who.has(Role.LEADER) or who.has(Role.ADMINISTRATOR))


def _clean_reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": "请填写删除理由"})
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"删除理由最多 {REASON_MAX} 字"})
    if _MARKUP.search(reason):
        raise ValidationError({"reason": "删除理由不能含有 HTML 标记"})
    return reason


def _shared_with(evidence: EvidenceRecord) -> list[EvidenceRecord]:
    """Other records stored as the same bytes (content-addressed storage keeps identical bytes once)."""
    return list(EvidenceRecord.objects.filter(blob_id=evidence.blob_id).exclude(pk=evidence.pk).order_by("pk"))


def _check_removable(evidence: EvidenceRecord, now: datetime.datetime) -> RetentionCategory:
    category = category_for(evidence)
    if evidence.case_ref or category.months is None:
        raise RuleViolation(
            "REC-06", f"“{evidence.title}”与案件{evidence.case_ref or ''}关联，{category.name}，不得删除"
        )
    ends = retention_ends(evidence, category)
    if now < ends:
        raise ValidationError(
            f"“{evidence.title}”属于{category.name}，保存期限为 {category.months} 个月，"
            f"至 {ends:%Y-%m-%d %H:%M} 届满；届满前不得删除"
        )
    for other in _shared_with(evidence):
        where = f"（案件{other.case_ref}）" if other.case_ref else ""
        raise ValidationError(
            f"“{evidence.title}”的文件内容与记录“{other.title}”{where}相同，存储中只有一份，仍在使用，不能删除"
        )
    if RemovalRequest.objects.filter(evidence=evidence, status=RemovalRequest.Status.EXECUTED).exists():
        raise Conflict(f"“{evidence.title}”的文件内容已经删除")
    return category


def request_removal(actor, evidence: EvidenceRecord, reason: str, *, now: datetime.datetime | None = None
                    ) -> RemovalRequest:
    """Ask for a record's content to be removed at the end of its retention period."""
    if not _is_user(actor):
        raise PermissionDenied("删除申请须由一名有效的用户提出")
    if not EvidenceRecord.objects.restrict(actor, VIEW).filter(pk=evidence.pk).exists():
        raise PermissionDenied("无权对该记录申请删除")
    who = actor_of(actor)
    if not (actor.is_superuser or who.agency_id == evidence.agency_id):
        raise PermissionDenied("只能由记录所属机关的人员申请删除")
    reason = _clean_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        evidence = EvidenceRecord.objects.select_related("blob").get(pk=evidence.pk)
        category = _check_removable(evidence, now)
        if RemovalRequest.objects.select_for_update().filter(
            evidence=evidence, status__in=[RemovalRequest.Status.PENDING, RemovalRequest.Status.APPROVED]
        ).exists():
            raise Conflict(f"“{evidence.title}”已有待处理的删除申请")
        request = RemovalRequest.objects.create(
            evidence=evidence, category=category, reason=reason, requested_by=actor,
        )
        audit.record(actor, "records.removal.request", request, after={
            "evidence": evidence.pk, "sha256": evidence.blob_id, "category": category.code, "reason": reason,
            "retention_ends": retention_ends(evidence, category),
        }, reason=reason)
    return request


def _locked(request: RemovalRequest) -> RemovalRequest:
    return RemovalRequest.objects.select_for_update().select_related("evidence__blob", "category").get(pk=request.pk)


def approve_removal(actor, request: RemovalRequest) -> RemovalRequest:
    """The second person's approval: a leader or administrator of the agency, not the requester."""
    if not _is_user(actor):
        raise PermissionDenied("批准须由一名有效的用户作出")
    with transaction.atomic():
        request = _locked(request)
        if request.status != RemovalRequest.Status.PENDING:
            raise Conflict(f"该删除申请的状态是“{request.get_status_display()}”，不能批准")
        if request.requested_by_id == actor.pk:
            raise RuleViolation("REC-06", "到期删除须经两人：申请人不能批准自己的申请")
        if not _is_manager(actor, request.evidence):
            raise PermissionDenied("只有记录所属机关的领导或系统管理员可以批准删除")
        request.status = RemovalRequest.Status.APPROVED
        request.approved_by = actor
        request.approved_at = timezone.now()
        request.save(update_fields=["status", "approved_by", "approved_at"])
        audit.record(actor, "records.removal.approve", request, before={"status": "pending"},
                     after={"status": "approved", "approved_by": actor.pk})
    return request


def reject_removal(actor, request: RemovalRequest, reason: str) -> RemovalRequest:
    """Close a pending or approved request without removing anything."""
    if not _is_user(actor):
        raise PermissionDenied("驳回须由一名有效的用户作出")
    reason = _clean_reason(reason)
    with transaction.atomic():
        request = _locked(request)
        if request.status not in (RemovalRequest.Status.PENDING, RemovalRequest.Status.APPROVED):
            raise Conflict(f"该删除申请的状态是“{request.get_status_display()}”，不能驳回")
        if not (_is_manager(actor, request.evidence) or request.requested_by_id == actor.pk):
            raise PermissionDenied("只有申请人或记录所属机关的领导、系统管理员可以驳回")
        before = request.status
        request.status = RemovalRequest.Status.REJECTED
        request.save(update_fields=["status"])
        audit.record(actor, "records.removal.reject", request, before={"status": before},
                     after={"status": "rejected"}, reason=reason)
    return request


def execute_removal(actor, request: RemovalRequest, *, now: datetime.datetime | None = None) -> LogEntry:
    """Remove the content of an approved request and append its tombstone; returns the tombstone entry."""
    if not _is_user(actor):
        raise PermissionDenied("删除须由一名有效的用户执行")
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(request)
        if request.status != RemovalRequest.Status.APPROVED or request.approved_by_id is None:
            raise Conflict(f"该删除申请的状态是“{request.get_status_display()}”，须先经第二人批准")
        if request.approved_by_id == request.requested_by_id:
            raise RuleViolation("REC-06", "到期删除须经两人：申请人与批准人是同一人")
        evidence = request.evidence
        if not _is_manager(actor, evidence):
            raise PermissionDenied("只有记录所属机关的领导或系统管理员可以执行删除")
        _check_removable(evidence, now)  # still true: nothing has come to share the content meanwhile
        blob = evidence.blob
        tombstone = log.append(
            LogEntry.Kind.TOMBSTONE,
            {
                "evidence": evidence.pk, "evidence_seq": evidence.log_entry_id, "sha256": blob.sha256,
                "sm3": blob.sm3, "size": blob.size, "title": evidence.title, "category": request.category.code,
                "reason": request.reason, "requested_by": request.requested_by_id,
                "approved_by": request.approved_by_id, "executed_by": actor.pk, "removal_request": request.pk,
            },
            agency=evidence.agency, target_id=evidence.target_id, at=now,
        )
        request.status = RemovalRequest.Status.EXECUTED
        request.tombstone = tombstone
        request.save(update_fields=["status", "tombstone"])
        audit.record(actor, "records.removal.execute", request, before={"status": "approved"}, after={
            "status": "executed", "tombstone_seq": tombstone.seq, "sha256": blob.sha256,
        }, reason=request.reason)
        # Last: the content goes only if everything above is written (a failure here rolls it all back).
        get_store().remove_for_retention(blob.sha256)
    return tombstone


def removed_sha256s() -> set[str]:
    """SHA-256 of every content removed at the end of retention (from the tombstone log entries)."""
    return {
        log.decode(entry)["payload"]["sha256"]
        for entry in LogEntry.objects.filter(kind=LogEntry.Kind.TOMBSTONE).only("canonical")
    }
