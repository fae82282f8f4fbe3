"""Writes of the catalogs (事前公开清单): drafting, review, publishing, repeal and error reports (PUB-10).

Every public function is one transaction: it checks the actor's right, validates, writes, and records
its audit event (and, for publishing acts, its record-log entry) in the same transaction.

- Bad input raises ``ValidationError`` with Chinese messages naming the field and writes nothing.
- A missing right raises ``PermissionDenied``.
- A legal gate raises ``RuleViolation`` (``PUB-10: …``): the approver may not be the drafter
  (审核与起草分离), and a published version never changes.

Who may:

- draft, edit and submit (起草、修改、送审): the agency's 信息公示员 (publisher), 系统管理员
  (administrator), and 科室负责人 (department head) for entries of their own department or of no
  department; superusers.
- return and approve (审核、发布) and repeal (废止): the roles in
  ``SANXIANG["CATALOG_APPROVER_ROLES"]`` (default: the agency's 单位负责人 leader and 法制审核人员
  reviewer, and justice-bureau 执法监督人员 supervisors whose region covers the agency); superusers.
  Never someone who drafted or edited the version.
- answer an error report (纠错答复): staff of the owning department, or the agency's publisher or
  administrator.

Publishing: the approved version gets ``effective_from`` (default today, or the date planned in the
draft; never before today, so never before the version in force). The newest approval decides from
its date on: every published version still open at that date ends there (``effective_to`` = the new
date), and a version published earlier for a later date that has not yet taken effect is replaced
before it does (``effective_to`` = its own ``effective_from``: a zero-length span, never in force).
What was in force on a past day never changes.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.errors import RuleViolation
from sanxiang.core.models import AuditEvent
from sanxiang.core.workdays import CalendarYearMissing, add_working_days
from sanxiang.org.access import actor_of
from sanxiang.org.models import Agency, Department, Role

from .kinds import KINDS
from .kinds.common import CODE_MAX, CODE_RE, MEDIUM_MAX, Cleaner
from .models import Entry, ErrorReport, Version, VersionStatus

NOT_ALLOWED = "无权执行此操作"
DRAFTER_ROLES = (Role.PUBLISHER, Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD)
ANSWER_ROLES = (Role.PUBLISHER, Role.ADMINISTRATOR)
OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.RETURNED)
EDITABLE_STATUSES = (VersionStatus.DRAFT, VersionStatus.RETURNED)
AUTHORING_ACTIONS = ("catalog.create", "catalog.new_draft", "catalog.edit", "catalog.submit")
ERROR_TEXT_MAX = 2000
PUBLIC_ACTOR = "公众"

VERSION_FIELDS = ["id", "entry", "number", "status", "title", "category", "content", "change_note", "effective_from",
                  "effective_to", "drafted_by", "submitted_at", "decided_by", "decided_at", "decision_note",
                  "published_at", "log_seq"]


# --- Rights ----------------------------------------------------------------------------------


def approver_roles() -> tuple[str, ...]:
    return tuple(settings.SANXIANG.get("CATALOG_APPROVER_ROLES", ("leader", "reviewer", "supervisor")))


def _user(user):
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        raise PermissionDenied("请先登录")
    return user


def can_draft(user, agency, department=None) -> bool:
    """Whether ``user`` may draft entries of ``agency`` (owned by ``department``, or none)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    agency_id = getattr(agency, "pk", agency)
    department_id = getattr(department, "pk", department)
    if actor.agency_id is None or actor.agency_id != agency_id:
        return False
    if actor.has(Role.PUBLISHER) or actor.has(Role.ADMINISTRATOR):
        return True
    return actor.has(Role.DEPARTMENT_HEAD) and (department_id is None or department_id == actor.department_id)


def can_draft_entry(user, entry: Entry) -> bool:
    return can_draft(user, entry.agency_id, entry.department_id)


def can_approve(user, agency) -> bool:
    """Whether ``user`` holds an approver role for ``agency`` (the four-eyes check comes on top)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    if not isinstance(agency, Agency):
        agency = Agency.objects.select_related("region").get(pk=agency)
    roles = approver_roles()
    if actor.agency_id == agency.pk and any(actor.has(r) for r in roles if r != Role.SUPERVISOR):
        return True
    if Role.SUPERVISOR in roles and actor.has(Role.SUPERVISOR):
        return any(agency.region.path.startswith(path) for path in actor.supervised_paths)
    return False


def authors_of(version: Version) -> set[int]:
    """Users who drafted, edited or submitted ``version``."""
    ids = set(AuditEvent.objects.filter(
        object_type=Version._meta.label, object_id=str(version.pk), action__in=AUTHORING_ACTIONS, actor__isnull=False,
    ).values_list("actor_id", flat=True))
    ids.add(version.drafted_by_id)
    return ids


def can_approve_version(user, version: Version) -> bool:
    """Approver role for the entry's agency, and not one of the version's authors (four eyes)."""
    return can_approve(user, version.entry.agency) and getattr(user, "pk", None) not in authors_of(version)


def _require(allowed: bool, message: str = NOT_ALLOWED) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Helpers ---------------------------------------------------------------------------------


def content_sha256(content: dict) -> str:
    """SHA-256 of the canonical JSON of a version's content (sorted keys, no spaces, UTF-8)."""
    from sanxiang.records.log import canonical_bytes

    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def _today() -> datetime.date:
    return timezone.localdate()


def _clean_content(kind: str, content, agency) -> dict:
    return KINDS[kind].clean(content, agency=agency)


def _clean_note(value, label: str, key: str, *, required: bool = False, max_length: int = MEDIUM_MAX) -> str:
    c = Cleaner()
    text = c.text_value(value, label, required=required, max_length=max_length, error_key=key)
    c.raise_if_any()
    return text


def _clean_date(value, label: str, key: str) -> datetime.date | None:
    c = Cleaner()
    day = c.date_value(value, label, error_key=key)
    c.raise_if_any()
    return day


def _fill(version: Version, kind: str, content: dict) -> None:
    spec = KINDS[kind]
    version.content = content
    version.title = spec.title(content) or "（未命名）"
    version.category = spec.category(content)
    version.search_text = spec.search_text(content)


def _lock_version(version: Version) -> Version:
    return Version.objects.select_for_update(of=("self",)).select_related("entry__agency__region").get(pk=version.pk)


def _lock_entry(entry: Entry) -> Entry:
    return Entry.objects.select_for_update(of=("self",)).select_related("agency__region").get(pk=entry.pk)


# --- Drafting --------------------------------------------------------------------------------


def create_entry(user, *, agency, kind, code, content, department=None, change_note="", effective_from=None) -> Version:
    """A new list entry with its first version (draft v1)."""
    _user(user)
    if kind not in KINDS:
        raise ValidationError({"kind": f"清单类别“{str(kind)[:30]}”不存在"})
    spec = KINDS[kind]
    if not isinstance(agency, Agency):
        agency = Agency.objects.filter(pk=agency).first()
        if agency is None:
            raise ValidationError({"agency": "执法主体不存在"})
    if department is not None and not isinstance(department, Department):
        department = Department.objects.filter(pk=department).first()
        if department is None:
            raise ValidationError({"department": "承办机构不存在"})
    _require(can_draft(user, agency, department), "无权起草本机关的清单")
    if department is not None and department.agency_id != agency.pk:
        raise ValidationError({"department": "承办机构不属于该执法主体"})
    code = _clean_code(kind, code)
    content = _clean_content(kind, content, agency)
    note = _clean_note(change_note, "修订说明", "change_note")
    planned = _clean_date(effective_from, "拟生效日期", "effective_from")
    with transaction.atomic():
        if Entry.objects.filter(agency=agency, kind=kind, code=code).exists():
            raise ValidationError({"code": _duplicate_message(spec, code)})
        try:
            with transaction.atomic():
                entry = Entry.objects.create(kind=kind, agency=agency, department=department, code=code)
        except IntegrityError as clash:
            raise ValidationError({"code": _duplicate_message(spec, code)}) from clash
        version = Version(entry=entry, number=1, status=VersionStatus.DRAFT, change_note=note, effective_from=planned,
                          drafted_by=user)
        _fill(version, kind, content)
        version.save()
        audit.record(user, "catalog.create", version, after=audit.snapshot(version, VERSION_FIELDS))
    return version


def _duplicate_message(spec, code: str) -> str:
    if spec.fixed_code:
        return f"本机关已有{spec.label}，请在原清单上新建版本"
    return f"本机关的{spec.label}中已有编码为“{code}”的事项"


def _clean_code(kind: str, code) -> str:
    spec = KINDS[kind]
    c = Cleaner()
    if spec.fixed_code:
        if code in (None, ""):
            return spec.fixed_code
        if code != spec.fixed_code:
            raise ValidationError({"code": f"{spec.label}每个执法主体只有一份，编码固定为“{spec.fixed_code}”"})
        return code
    text = c.code_value(code, "编码", error_key="code")
    c.raise_if_any()
    if len(text) > CODE_MAX or not CODE_RE.match(text):  # pragma: no cover - code_value already refused it
        raise ValidationError({"code": "编码格式不正确"})
    return text


def new_draft(user, entry: Entry, *, content=None, change_note="", effective_from=None) -> Version:
    """The entry's next version as a draft; ``content`` defaults to the latest version's (checked on submit)."""
    _user(user)
    _require(can_draft_entry(user, entry), "无权起草本机关的清单")
    if content is not None:
        content = _clean_content(entry.kind, content, entry.agency)
    note = _clean_note(change_note, "修订说明", "change_note")
    planned = _clean_date(effective_from, "拟生效日期", "effective_from")
    with transaction.atomic():
        entry = _lock_entry(entry)
        open_version = entry.versions.filter(status__in=OPEN_STATUSES).order_by("-number").first()
        if open_version is not None:
            raise ValidationError(
                f"该事项已有未发布的第{open_version.number}版（{open_version.get_status_display()}），请在其上修改，不要另起新版本")
        latest = entry.versions.order_by("-number").first()
        if content is None:
            content = dict(latest.content) if latest is not None else {}
        number = (entry.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = Version(entry=entry, number=number, status=VersionStatus.DRAFT, change_note=note,
                          effective_from=planned, drafted_by=user)
        _fill(version, entry.kind, content)
        version.save()
        audit.record(user, "catalog.new_draft", version, after=audit.snapshot(version, VERSION_FIELDS))
    return version


def _refuse_published(version: Version) -> None:
    if version.status == VersionStatus.PUBLISHED:
        raise RuleViolation("PUB-10", "已发布的版本不能修改；如需调整，请新建版本并重新审核发布")


def edit_draft(user, version: Version, *, content, change_note="", effective_from=None) -> Version:
    """Change a draft (or a returned draft, which becomes a draft again)."""
    _user(user)
    _refuse_published(version)
    entry = version.entry
    _require(can_draft_entry(user, entry), "无权修改本机关的清单")
    content = _clean_content(entry.kind, content, entry.agency)
    note = _clean_note(change_note, "修订说明", "change_note")
    planned = _clean_date(effective_from, "拟生效日期", "effective_from")
    with transaction.atomic():
        version = _lock_version(version)
        _refuse_published(version)
        if version.status not in EDITABLE_STATUSES:
            raise ValidationError(f"第{version.number}版{version.get_status_display()}，不能修改（送审后需由审核人退回才能修改）")
        before = audit.snapshot(version, VERSION_FIELDS)
        _fill(version, entry.kind, content)
        version.change_note = note
        version.effective_from = planned
        version.status = VersionStatus.DRAFT
        version.save()
        audit.record(user, "catalog.edit", version, before=before, after=audit.snapshot(version, VERSION_FIELDS))
    return version


def submit(user, version: Version) -> Version:
    """Send a draft for review (送审). Its content is checked again against the current library."""
    _user(user)
    _refuse_published(version)
    _require(can_draft_entry(user, version.entry), "无权送审本机关的清单")
    with transaction.atomic():
        version = _lock_version(version)
        _refuse_published(version)
        if version.status not in EDITABLE_STATUSES:
            raise ValidationError(f"第{version.number}版{version.get_status_display()}，不能再次送审")
        entry = version.entry
        content = _clean_content(entry.kind, version.content, entry.agency)
        before = audit.snapshot(version, VERSION_FIELDS)
        _fill(version, entry.kind, content)
        version.status = VersionStatus.SUBMITTED
        version.submitted_at = timezone.now()
        version.save()
        audit.record(user, "catalog.submit", version, before=before, after=audit.snapshot(version, VERSION_FIELDS))
    return version


def return_draft(user, version: Version, *, note) -> Version:
    """Send a submitted version back to its drafters with the reviewer's note (退回修改)."""
    _user(user)
    _refuse_published(version)
    _require(can_approve(user, version.entry.agency), "无权审核本机关的清单")
    text = _clean_note(note, "退回意见", "note", required=True)
    with transaction.atomic():
        version = _lock_version(version)
        _refuse_published(version)
        if version.status != VersionStatus.SUBMITTED:
            raise ValidationError(f"第{version.number}版{version.get_status_display()}，只有待审核的版本才能退回")
        before = audit.snapshot(version, VERSION_FIELDS)
        version.status = VersionStatus.RETURNED
        version.decided_by = user
        version.decided_at = timezone.now()
        version.decision_note = text
        version.save()
        audit.record(user, "catalog.return", version, before=before, after=audit.snapshot(version, VERSION_FIELDS),
                     reason=text)
    return version


# --- Publishing ------------------------------------------------------------------------------


def approve(user, version: Version, *, note="", effective_from=None, retroactive_reason="") -> Version:
    """Approve and publish a submitted version (审核发布), effective from ``effective_from`` (default today).

    ``effective_from`` before today is allowed only for an entry's first published version and only
    with ``retroactive_reason`` (补录): a list that was already in force on paper before it was entered
    into the system keeps its real start date. Nothing the system has ever shown as in force changes,
    because the entry had no published version before; the record-log entry carries the real date
    and the reason.
    """
    _user(user)
    _refuse_published(version)
    _require(can_approve(user, version.entry.agency), "无权审核发布本机关的清单")
    text = _clean_note(note, "审核意见", "note")
    requested = _clean_date(effective_from, "生效日期", "effective_from")
    retroactive = _clean_note(retroactive_reason, "补录理由", "retroactive_reason")
    with transaction.atomic():
        entry = _lock_entry(version.entry)
        version = _lock_version(version)
        _refuse_published(version)
        if version.status != VersionStatus.SUBMITTED:
            raise ValidationError(f"第{version.number}版{version.get_status_display()}，只有已送审的版本才能审核发布")
        if user.pk in authors_of(version):
            raise RuleViolation("PUB-10", "起草、修改或送审该版本的人员不能审核发布该版本（审核与起草应由不同人员担任）")
        today = _today()
        start = requested or version.effective_from or today
        published = list(entry.versions.select_for_update().filter(status=VersionStatus.PUBLISHED))
        if start < today and not (retroactive and not published):
            hint = "" if published else "（系统上线前已施行的首个版本可注明补录理由后按原日期发布）"
            raise ValidationError({"effective_from": f"生效日期{start.isoformat()}早于今天（{today.isoformat()}），"
                                                     f"已经过去的日期不能再改变当日施行的内容{hint}"})
        current = [v for v in published if v.effective_from <= today and (v.effective_to is None or v.effective_to > today)]
        for previous in current:  # (always true given start >= today; kept as the rule's plain statement)
            if start < previous.effective_from:
                raise ValidationError({"effective_from": f"生效日期{start.isoformat()}早于现行版本（第{previous.number}版）的"
                                                         f"生效日期{previous.effective_from.isoformat()}"})
        content = _clean_content(entry.kind, version.content, entry.agency)
        if content != version.content:
            raise ValidationError("该版本的内容与现行法律法规库不一致（如条文已更新），请退回起草人核对后重新送审")
        now = timezone.now()
        for old in published:
            if old.effective_to is not None and old.effective_to <= start:
                continue
            before = audit.snapshot(old, ["effective_from", "effective_to"])
            if old.effective_from < start:
                old.effective_to = start
                reason = f"由第{version.number}版自{start.isoformat()}起替代"
            else:  # published for a later date, not yet in force: replaced before it takes effect
                old.effective_to = old.effective_from
                reason = f"尚未施行，由第{version.number}版（自{start.isoformat()}起施行）取代，不再施行"
            old.save(update_fields=["effective_to"])
            audit.record(user, "catalog.supersede", old, before=before,
                         after=audit.snapshot(old, ["effective_from", "effective_to"]), reason=reason)
        before = audit.snapshot(version, VERSION_FIELDS)
        version.status = VersionStatus.PUBLISHED
        version.decided_by = user
        version.decided_at = now
        version.decision_note = text if start >= today else f"补录：{retroactive}。{text}".rstrip("。") + "。"
        version.published_at = now
        version.effective_from = start
        version.effective_to = None
        version.save()
        log_entry = _log(entry, {
            "event": "catalog.publish", "agency": entry.agency_id, "kind": entry.kind, "code": entry.code,
            "version": version.number, "title": version.title, "effective_from": start.isoformat(),
            "sha256": content_sha256(version.content),
            **({"retroactive_reason": retroactive} if start < today else {}),
        })
        version.log_seq = log_entry.seq
        version.save(update_fields=["log_seq"])
        audit.record(user, "catalog.approve", version, before=before, after=audit.snapshot(version, VERSION_FIELDS),
                     reason=text if start >= today else f"补录（{retroactive}）{text}")
    return version


def _log(entry: Entry, payload: dict):
    from sanxiang.records import log
    from sanxiang.records.models import LogEntry

    return log.append(LogEntry.Kind.PUBLICATION, payload, agency=entry.agency)


def repeal(user, entry: Entry, *, effective_to, reason) -> list[Version]:
    """End the entry's published versions at ``effective_to`` (废止; not before today). Returns the versions ended."""
    _user(user)
    _require(can_approve(user, entry.agency), "无权废止本机关的清单")
    text = _clean_note(reason, "废止理由", "reason", required=True)
    end = _clean_date(effective_to, "失效日期", "effective_to")
    if end is None:
        raise ValidationError({"effective_to": "失效日期不能为空"})
    today = _today()
    if end < today:
        raise ValidationError({"effective_to": f"失效日期{end.isoformat()}早于今天（{today.isoformat()}），"
                                               f"已经过去的日期不能再改变当日施行的内容"})
    with transaction.atomic():
        entry = _lock_entry(entry)
        open_versions = list(entry.versions.select_for_update().filter(status=VersionStatus.PUBLISHED).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=end)).order_by("number"))
        if not open_versions:
            raise ValidationError({"effective_to": "该事项在这一日期之后没有施行中的版本，无需废止"})
        for version in open_versions:
            before = audit.snapshot(version, ["effective_from", "effective_to"])
            # A version not yet in force at the end date never comes into force (zero-length span).
            version.effective_to = max(end, version.effective_from)
            version.save(update_fields=["effective_to"])
            audit.record(user, "catalog.repeal", version, before=before,
                         after=audit.snapshot(version, ["effective_from", "effective_to"]), reason=text)
        _log(entry, {
            "event": "catalog.repeal", "agency": entry.agency_id, "kind": entry.kind, "code": entry.code,
            "versions": [v.number for v in open_versions], "effective_to": end.isoformat(), "reason": text,
        })
    return open_versions


# --- Error reports (纠错) ---------------------------------------------------------------------


def report_error(*, agency, page_path, text, contact="", entry=None) -> ErrorReport:
    """A member of the public reports an error on a page; it reaches the owning department with a deadline."""
    c = Cleaner()
    if not isinstance(agency, Agency):
        agency = Agency.objects.filter(pk=agency).first() if str(agency or "").isdigit() else None
        if agency is None:
            raise ValidationError({"agency": "执法主体不存在"})
    body = c.text_value(text, "纠错内容", required=True, max_length=ERROR_TEXT_MAX, error_key="text")
    path = c.text_value(page_path, "页面地址", required=True, max_length=500, error_key="page_path")
    if path and (not path.startswith("/") or any(ch.isspace() for ch in path)):
        c.add("page_path", "页面地址应为本站以“/”开头的地址")
    contact_text = c.text_value(contact, "联系方式", max_length=100, error_key="contact")
    if entry is not None and entry.agency_id != agency.pk:
        c.add("entry", "所纠错的事项不属于该执法主体")
    c.raise_if_any()
    days = int(settings.SANXIANG.get("ERROR_REPORT_WORKING_DAYS", 5))
    reason = ""
    try:
        due_on = add_working_days(_today(), days)
    except CalendarYearMissing as missing:
        # A visitor's report must never be lost because next year's holiday schedule is not loaded yet.
        # N working days are never fewer than N calendar days, so this deadline is the same or earlier:
        # stricter for the department, never late. The audit event says why.
        due_on = _today() + datetime.timedelta(days=days)
        reason = f"节假日安排未载入（{missing}），办理期限暂按{days}个自然日计算"
    with transaction.atomic():
        report = ErrorReport.objects.create(
            agency=agency, department=entry.department if entry is not None else None, entry=entry, page_path=path,
            text=body, contact=contact_text, due_on=due_on,
        )
        audit.record(PUBLIC_ACTOR, "catalog.report_error", report,
                     after=audit.snapshot(report, ["agency", "department", "entry", "page_path", "due_on"]), reason=reason)
    return report


def can_answer(user, report: ErrorReport) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    if actor.agency_id != report.agency_id:
        return False
    if any(actor.has(r) for r in ANSWER_ROLES):
        return True
    return report.department_id is not None and actor.department_id == report.department_id


def answer_error(user, report: ErrorReport, *, status, answer, version=None) -> ErrorReport:
    """Answer an error report: corrected (已更正, optionally naming the corrected version) or rejected (经核实无误)."""
    _user(user)
    _require(can_answer(user, report), "无权处理该纠错")
    c = Cleaner()
    if status not in (ErrorReport.Status.CORRECTED, ErrorReport.Status.REJECTED):
        c.add("status", "处理结果应为“已更正”或“经核实无误”")
    text = c.text_value(answer, "处理结果说明", required=True, max_length=ERROR_TEXT_MAX, error_key="answer")
    if version is not None:
        if status != ErrorReport.Status.CORRECTED:
            c.add("version", "只有“已更正”才需要指明更正后的版本")
        elif version.entry.agency_id != report.agency_id or (report.entry_id and version.entry_id != report.entry_id):
            c.add("version", "更正后的版本不是所纠错事项的版本")
        elif version.status != VersionStatus.PUBLISHED:
            c.add("version", "更正后的版本尚未发布")
    c.raise_if_any()
    with transaction.atomic():
        report = ErrorReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ErrorReport.Status.OPEN:
            raise ValidationError("该纠错已经处理，不能重复答复")
        before = audit.snapshot(report, ["status", "answer", "answered_by", "answered_at", "corrected_by_version"])
        report.status = status
        report.answer = text
        report.answered_by = user
        report.answered_at = timezone.now()
        report.corrected_by_version = version
        report.save()
        audit.record(user, "catalog.answer_error", report, before=before,
                     after=audit.snapshot(report, ["status", "answer", "answered_by", "answered_at",
                                                   "corrected_by_version"]))
    return report


__all__ = [
    "answer_error", "approve", "approver_roles", "can_answer", "can_approve", "can_approve_version", "can_draft",
    "can_draft_entry", "content_sha256", "create_entry", "edit_draft", "new_draft", "repeal", "report_error",
    "return_draft", "submit",
]
