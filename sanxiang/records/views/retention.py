"""Staff pages: retention and removal at its end (保存期限与到期删除, issue 3 part 10).

- ``retention/`` — the removal requests the user may see, filtered by status;
- ``retention/due/`` — records whose retention period has ended and that are not linked to a case
  (candidates for removal), each with a "申请删除" form that needs a reason;
- ``retention/<id>/`` — one request, with approve / reject / execute shown only to who may do them.

The rules live in :mod:`sanxiang.records.retention`; this module only decides what to show. The
query helpers here (:func:`requests_visible_to`, :func:`due_for_removal`, the ``may_*`` predicates)
are shared by the API and the ``sanxiang retention`` command.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.access import VIEW
from sanxiang.core.errors import Conflict
from sanxiang.org.access import actor_of
from sanxiang.org.models import Role

from .. import retention
from ..models import EvidenceRecord, RemovalRequest, RetentionCategory

OPEN = (RemovalRequest.Status.PENDING, RemovalRequest.Status.APPROVED)
DUE_LIMIT = 500


# --- who sees what (shared with the API and the CLI) ----------------------------------------------

def requests_visible_to(user):
    """Removal requests the user may see: the requester; the record's agency's leaders and administrators;
    supervisors over its region; whoever may view the record itself; superusers everything."""
    queryset = RemovalRequest.objects.select_related(
        "evidence__agency", "evidence__blob", "category", "requested_by__person", "approved_by__person",
    )
    actor = actor_of(user)
    if actor.is_superuser:
        return queryset
    condition = Q(requested_by_id=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])
    if actor.agency_id and (actor.has(Role.LEADER) or actor.has(Role.ADMINISTRATOR)):
        condition |= Q(evidence__agency_id=actor.agency_id)
    for region_path in actor.supervised_paths:
        condition |= Q(evidence__agency__region__path__startswith=region_path)
    if getattr(user, "is_authenticated", False):
        condition |= Q(evidence__in=EvidenceRecord.objects.restrict(user, VIEW).values("pk"))
    return queryset.filter(condition)


def due_for_removal(user=None, *, now: datetime.datetime | None = None, limit: int | None = DUE_LIMIT):
    """``(record, retention end)`` of the records whose period has ended, not linked to a case, without an
    open or executed removal request — those the user may view, or all when ``user`` is ``None`` (CLI)."""
    now = now or timezone.now()
    category = RetentionCategory.objects.filter(code=retention.ROUTINE).first()
    if category is None or category.months is None:
        return []
    records = EvidenceRecord.objects.all() if user is None else EvidenceRecord.objects.restrict(user, VIEW)
    taken = RemovalRequest.objects.filter(status__in=[*OPEN, RemovalRequest.Status.EXECUTED]).values("evidence_id")
    # A calendar month has at least 28 days: a cheap bound in the database, the exact end in Python.
    bound = now - datetime.timedelta(days=28 * category.months)
    records = (
        records.filter(case_ref="").exclude(pk__in=taken)
        .annotate(retention_start=Coalesce("captured_to", "captured_from", "uploaded_at"))
        .filter(retention_start__lte=bound)
        .select_related("agency", "blob").order_by("retention_start", "pk")
    )
    due = []
    for record in records.iterator():
        ends = retention.retention_ends(record, category)
        if ends is not None and ends <= now:
            due.append((record, ends))
            if limit is not None and len(due) >= limit:
                break
    return due


def _manages(user, evidence: EvidenceRecord) -> bool:
    actor = actor_of(user)
    return actor.is_superuser or (
        actor.agency_id == evidence.agency_id and (actor.has(Role.LEADER) or actor.has(Role.ADMINISTRATOR))
    )


def may_request(user, evidence: EvidenceRecord) -> bool:
    actor = actor_of(user)
    return actor.is_superuser or actor.agency_id == evidence.agency_id


def may_approve(user, request: RemovalRequest) -> bool:
    return (request.status == RemovalRequest.Status.PENDING and request.requested_by_id != user.pk
            and _manages(user, request.evidence))


def may_reject(user, request: RemovalRequest) -> bool:
    return request.status in OPEN and (request.requested_by_id == user.pk or _manages(user, request.evidence))


def may_execute(user, request: RemovalRequest) -> bool:
    return (request.status == RemovalRequest.Status.APPROVED and request.approved_by_id != request.requested_by_id
            and _manages(user, request.evidence))


def refusal(error: Exception) -> str:
    """The Chinese message of a service's refusal."""
    if isinstance(error, ValidationError):
        return "；".join(str(m) for m in error.messages)
    return str(error) or _("无权进行该操作")


# --- pages ----------------------------------------------------------------------------------------

@login_required
def removal_list(request):
    status = request.GET.get("status", "")
    rows = requests_visible_to(request.user)
    if status in RemovalRequest.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    return render(request, "records/retention_list.html", {
        "rows": rows.order_by("-requested_at", "-pk")[:500], "status": status,
        "statuses": RemovalRequest.Status.choices,
    })


@login_required
def removal_due(request):
    errors: dict[int, str] = {}
    reasons: dict[int, str] = {}
    if request.method == "POST":
        try:
            pk = int(request.POST.get("evidence", ""))
        except ValueError:
            pk = None
        evidence = EvidenceRecord.objects.restrict(request.user, VIEW).filter(pk=pk).first() if pk else None
        if evidence is None:
            messages.error(request, _("证据记录不存在或无权查看"))
        else:
            reason = request.POST.get("reason", "")
            try:
                row = retention.request_removal(request.user, evidence, reason)
            except (PermissionDenied, ValidationError, Conflict) as error:
                errors[evidence.pk], reasons[evidence.pk] = refusal(error), reason
                messages.error(request, _("“%(title)s”未能申请删除：%(error)s") % {
                    "title": evidence.title, "error": refusal(error)})
            else:
                messages.success(request, _("已申请删除“%(title)s”的文件内容，须经本机关领导或系统管理员批准") % {
                    "title": evidence.title})
                return redirect("records:retention-detail", row.pk)
    rows = [
        {"record": record, "ends": ends, "can_request": may_request(request.user, record),
         "error": errors.get(record.pk, ""), "reason": reasons.get(record.pk, "")}
        for record, ends in due_for_removal(request.user)
    ]
    category = RetentionCategory.objects.filter(code=retention.ROUTINE).first()
    return render(request, "records/retention_due.html", {"rows": rows, "category": category},
                  status=400 if errors else 200)


@login_required
def removal_detail(request, pk: int):
    row = requests_visible_to(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    error = ""
    reason = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        try:
            if action == "approve":
                retention.approve_removal(request.user, row)
                done = _("已批准删除申请；由本机关领导或系统管理员执行删除")
            elif action == "reject":
                retention.reject_removal(request.user, row, reason)
                done = _("已驳回删除申请，文件内容保留")
            elif action == "execute":
                tombstone = retention.execute_removal(request.user, row)
                done = _("文件内容已删除；删除记录（墓碑）为日志条目 #%(seq)s") % {"seq": tombstone.seq}
            else:
                raise ValidationError(_("未知的操作"))
        except (PermissionDenied, ValidationError, Conflict) as refused:
            error = refusal(refused)
            row = requests_visible_to(request.user).get(pk=pk)
        else:
            messages.success(request, done)
            return redirect("records:retention-detail", row.pk)
    user = request.user
    return render(request, "records/retention_detail.html", {
        "row": row, "error": error, "reason": reason,
        "ends": retention.retention_ends(row.evidence, row.category) if row.category.months is not None else None,
        "can_approve": may_approve(user, row), "can_reject": may_reject(user, row),
        "can_execute": may_execute(user, row),
    }, status=400 if error else 200)


urlpatterns = [
    path("retention/", removal_list, name="retention-list"),
    path("retention/due/", removal_due, name="retention-due"),
    path("retention/<int:pk>/", removal_detail, name="retention-detail"),
]
