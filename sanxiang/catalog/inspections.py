"""Random inspections (随机抽查, PUB-05): the directory of inspection objects, conflict declarations and the draw.

Writes follow the project's service rules: each public function checks the actor's right, validates,
writes in one transaction and records its audit event there; announcing, performing and cancelling
a draw also append a record-log entry of kind ``draw``. Bad input raises ``ValidationError`` with a
Chinese message (per field where there is one) and changes nothing; a missing right raises
``PermissionDenied``; drawing twice or drawing a cancelled draw raises ``RuleViolation("PUB-05", …)``.

The double-random draw (双随机抽取) runs in two steps, each its own transaction:

1. :func:`announce` freezes everything the draw will read — the candidate objects (active market
   subjects of the agency carrying one of the item's ``object_tags``; no tags = all), the candidate
   inspectors (active people of the agency holding a certificate valid that day), the declared
   conflicts between them, the ratio, the number of inspectors per object and the seed — into the
   draw's ``inputs``, stores their digest and appends the log entry that publishes them, before
   anything is drawn. A draw that could not be made from these inputs is refused here already.
2. :func:`perform` runs :func:`sanxiang.catalog.draw.compute` on the frozen inputs (nothing else
   is read), stores the result and its digest and appends the second log entry.

:func:`replay` runs the algorithm again on the stored inputs and compares. Who may is decided in
:mod:`sanxiang.catalog.access` (the ``Draw``, ``MarketSubject`` and ``ConflictDeclaration`` scopes):
the agency's publishers, administrators and department heads plan draws (announce, perform,
cancel) and keep the directory; a conflict is declared by the person concerned or registered by
an administrator or department head; every staff member of the agency and the supervisors of its
region see them. The public sees every announced, drawn and cancelled draw (a cancellation stays
visible with its reason, so a seed once published cannot be quietly replaced).

Reads (scoped to the user) are at the end of the module, with the public reads and a helper for
the demo data.
"""

import datetime
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.access import CHANGE, VIEW
from sanxiang.core.errors import RuleViolation
from sanxiang.core.identifiers import check_uscc
from sanxiang.org.access import actor_of
from sanxiang.org.models import Agency, CertificateStatus, OfficerCertificate, Person, Role
from sanxiang.records import log
from sanxiang.records.models import LogEntry

from . import access as catalog_access
from . import draw as algorithm
from . import selectors
from .access import restrict
from .models import ConflictDeclaration, Draw, ListKind, MarketSubject, Version

NOT_ALLOWED = "无权执行此操作"
GENERATED_SEED_SOURCE = "系统随机生成（Python secrets.token_hex(32)，32字节，公布前无人可知）"
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_TAGS = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG_SPLIT = re.compile(r"[、,，;；\s]+")


# --- Rights (the rules themselves live in sanxiang/catalog/access.py) ---------------------------


def _active_user(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def planning_agencies(user):
    """Agencies whose draws and directory ``user`` may change (catalog access: CHANGE on Draw and MarketSubject).

    The same rule as the ``Draw`` scope in :mod:`sanxiang.catalog.access`, asked per agency (an
    agency may have no draw yet): its publishers, administrators and department heads; superusers.
    """
    if not _active_user(user):
        return Agency.objects.none()
    agencies = Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT)
    condition = catalog_access._roles_q(user, "", catalog_access.DRAFTERS, department_heads=True)
    return agencies if condition is None else agencies.filter(condition)


def may_plan(user, agency) -> bool:
    return planning_agencies(user).filter(pk=getattr(agency, "pk", agency)).exists()


def _require_planner(user, agency) -> None:
    if not may_plan(user, agency):
        raise PermissionDenied(NOT_ALLOWED)


def _require_change(user, draw: Draw) -> None:
    if not _active_user(user) or not restrict(Draw.objects.filter(pk=draw.pk), user, CHANGE).exists():
        raise PermissionDenied(NOT_ALLOWED)


def may_declare_for(user, person: Person) -> bool:
    """The person themself, or the agency's administrators and department heads (the ConflictDeclaration scope)."""
    if not _active_user(user):
        return False
    return declaring_people(user).filter(pk=person.pk).exists()


def declaring_people(user):
    """Whom ``user`` may declare a conflict for: themself; the whole agency for its administrators and department heads."""
    if not _active_user(user):
        return Person.objects.none()
    actor = actor_of(user)
    condition = catalog_access._roles_q(user, "agency__", (Role.ADMINISTRATOR,), department_heads=True)
    people = Person.objects.filter(is_active=True)
    if condition is None:
        return people
    return people.filter(condition | Q(pk=actor.person_id or 0))


# --- Text checks -----------------------------------------------------------------------------


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}"})
    if len(text) > max_length:
        raise ValidationError({field: f"{label}不能超过{max_length}个字符（现有{len(text)}个）"})
    if _CONTROL.search(text):
        raise ValidationError({field: f"{label}含有不可见的控制字符"})
    return text


def _tags(value) -> list[str]:
    items = _TAG_SPLIT.split(value) if isinstance(value, str) else list(value or [])
    tags: list[str] = []
    for item in items:
        tag = _text(item, field="tags", label="监管标签", max_length=30, required=False)
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": f"监管标签最多{MAX_TAGS}个"})
    return tags


# --- The directory of inspection objects (检查对象名录库) ---------------------------------------


def _clean_subject(agency, row: dict, *, check_char_reason: str = "", taken: set[str] | None = None) -> dict:
    """One directory row, checked; raises ValidationError keyed by field."""
    check = check_uscc(str(row.get("uscc") or ""))
    if check.errors:
        raise ValidationError({"uscc": check.errors})
    if check.warnings and not check_char_reason:
        raise ValidationError({"uscc": [*check.warnings, "如确为2016年以前赋码的代码，请填写校验码例外说明后再保存"]})
    uscc = check.value
    if (taken is not None and uscc in taken) or MarketSubject.objects.filter(agency=agency, uscc=uscc).exists():
        raise ValidationError({"uscc": f"统一社会信用代码{uscc}已在本单位的检查对象名录中"})
    subject_type = row.get("type") or MarketSubject.Type.COMPANY
    labels = {str(label): value for value, label in MarketSubject.Type.choices}
    subject_type = labels.get(str(subject_type), subject_type)
    if subject_type not in MarketSubject.Type.values:
        raise ValidationError({"type": f"主体类型“{row.get('type')}”无效，应为：{'、'.join(labels)}"})
    region = row.get("region")
    if region is not None and not region.path.startswith(agency.region.path):
        raise ValidationError({"region": "所在区域应在本单位的辖区内"})
    return {
        "uscc": uscc,
        "name": _text(row.get("name"), field="name", label="名称", max_length=200),
        "type": subject_type,
        "industry": _text(row.get("industry"), field="industry", label="行业", max_length=100, required=False),
        "address": _text(row.get("address"), field="address", label="住所", max_length=300, required=False),
        "region": region,
        "tags": _tags(row.get("tags")),
    }


def _check_agency(agency) -> None:
    if agency is None or agency.kind != Agency.Kind.ENFORCEMENT:
        raise ValidationError({"agency": "请选择一个行政执法主体"})


def add_subject(user, *, agency, uscc, name, type=MarketSubject.Type.COMPANY, industry="", address="",
                region=None, tags=(), check_char_reason: str = "") -> MarketSubject:
    """Add one market subject to the agency's directory of inspection objects (检查对象名录库).

    A USCC whose check character is wrong (some codes issued before 2016) is accepted only with a
    written ``check_char_reason``, kept in the audit event.
    """
    _check_agency(agency)
    _require_planner(user, agency)
    reason = _text(check_char_reason, field="check_char_reason", label="校验码例外说明", max_length=300, required=False)
    data = _clean_subject(agency, {"uscc": uscc, "name": name, "type": type, "industry": industry, "address": address,
                                   "region": region, "tags": tags}, check_char_reason=reason)
    with transaction.atomic():
        subject = MarketSubject.objects.create(agency=agency, **data)
        audit.record(user, "catalog.subject.add", subject, after=audit.snapshot(subject), reason=reason)
    return subject


def add_subjects(user, *, agency, rows, check_char_reason: str = "") -> list[MarketSubject]:
    """Add many subjects at once (批量导入): every row is checked first; one bad row stores none.

    ``rows`` are dicts with ``uscc``, ``name`` and optionally ``type`` (value or Chinese label),
    ``industry``, ``address``, ``tags`` (list, or text separated by 、 , ;) and ``row`` (the row
    number the messages name; default: position from 1). Errors name the row: "第3行：…".
    """
    _check_agency(agency)
    _require_planner(user, agency)
    reason = _text(check_char_reason, field="check_char_reason", label="校验码例外说明", max_length=300, required=False)
    rows = list(rows)
    if not rows:
        raise ValidationError("没有要导入的检查对象")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(f"一次最多导入{MAX_IMPORT_ROWS}户，本次有{len(rows)}户")
    cleaned, errors, taken = [], [], set()
    for index, row in enumerate(rows, start=1):
        number = row.get("row", index)
        try:
            data = _clean_subject(agency, row, check_char_reason=reason, taken=taken)
        except ValidationError as error:
            errors.extend(f"第{number}行：{message}" for message in error.messages)
            continue
        taken.add(data["uscc"])
        cleaned.append(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        subjects = MarketSubject.objects.bulk_create([MarketSubject(agency=agency, **data) for data in cleaned])
        audit.record(user, "catalog.subject.import", agency, after={"count": len(subjects),
                     "usccs": [s.uscc for s in subjects][:200]}, reason=reason)
    return subjects


_COLUMNS = {
    "统一社会信用代码": "uscc", "名称": "name", "主体名称": "name", "主体类型": "type", "类型": "type",
    "行业": "industry", "住所": "address", "地址": "address", "监管标签": "tags", "标签": "tags",
}


def read_subjects_xlsx(data: bytes) -> list[dict]:
    """Rows of an XLSX sheet of market subjects (first sheet; header row names the columns).

    Columns: 统一社会信用代码, 名称, 主体类型, 行业, 住所, 监管标签 (several separated by 、). Empty rows
    are skipped. Returns dicts for :func:`add_subjects`, each with its sheet row number.
    """
    from openpyxl import load_workbook

    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(f"文件不能超过{MAX_IMPORT_BYTES // (1024 * 1024)}MB")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise ValidationError("文件不是有效的 XLSX 表格（请用 Excel 或 WPS 另存为 .xlsx）") from exc
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None) or ()
        columns = {i: _COLUMNS.get(str(h or "").strip()) for i, h in enumerate(header)}
        if "uscc" not in columns.values() or "name" not in columns.values():
            raise ValidationError("表格第1行应为列名，至少包含“统一社会信用代码”和“名称”")
        rows = []
        for number, values in enumerate(lines, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            row: dict = {"row": number}
            for i, value in enumerate(values):
                if columns.get(i):
                    row[columns[i]] = "" if value is None else str(value).strip()
            rows.append(row)
            if len(rows) > MAX_IMPORT_ROWS:
                raise ValidationError(f"一次最多导入{MAX_IMPORT_ROWS}户")
        return rows
    finally:
        book.close()


def set_subject_active(user, subject: MarketSubject, *, active: bool, reason: str) -> MarketSubject:
    """Take a subject off the directory (注销、迁出) or back on; draws announced later see the change."""
    _require_planner(user, subject.agency_id)
    reason = _text(reason, field="reason", label="理由", max_length=300)
    with transaction.atomic():
        subject = MarketSubject.objects.select_for_update().get(pk=subject.pk)
        before = audit.snapshot(subject, ["is_active"])
        subject.is_active = bool(active)
        subject.save(update_fields=["is_active"])
        audit.record(user, "catalog.subject.active", subject, before=before,
                     after=audit.snapshot(subject, ["is_active"]), reason=reason)
    return subject


# --- Conflict declarations (回避申报) --------------------------------------------------------


def declare_conflict(user, *, person: Person, subject: MarketSubject, reason: str) -> ConflictDeclaration:
    """Record that ``person`` has an interest in ``subject`` (利害关系), so no draw sends them there.

    The person declares it themself, or a planner of the agency registers it for them.
    """
    if not _active_user(user):
        raise PermissionDenied(NOT_ALLOWED)
    if person is None:
        raise ValidationError({"person": "请选择执法人员"})
    if subject is None:
        raise ValidationError({"subject": "请选择检查对象"})
    if person.agency_id != subject.agency_id:
        raise ValidationError({"person": "只能申报本单位检查对象名录中的对象"})
    if not may_declare_for(user, person):
        raise PermissionDenied(NOT_ALLOWED)
    reason = _text(reason, field="reason", label="回避事由", max_length=300)
    if ConflictDeclaration.objects.filter(person=person, subject=subject).exists():
        raise ValidationError({"subject": f"{person.name}已申报与“{subject.name}”的回避关系"})
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(person=person, subject=subject, reason=reason, declared_by=user)
        audit.record(user, "catalog.conflict.declare", declaration, after=audit.snapshot(declaration))
    return declaration


# --- The draw --------------------------------------------------------------------------------


def in_force(version: Version, day: datetime.date) -> bool:
    """Published and in force on ``day`` (effective_from ≤ day < effective_to), read again from the database."""
    return Version.objects.filter(selectors.in_force_q(day), pk=version.pk).exists()


def candidate_subjects(agency, tags) -> list[MarketSubject]:
    """Active subjects of the agency's directory carrying any of ``tags``; all active ones when ``tags`` is empty."""
    subjects = MarketSubject.objects.filter(agency=agency, is_active=True).order_by("uscc")
    wanted = set(tags or [])
    return [s for s in subjects if not wanted or wanted.intersection(s.tags or [])]


def candidate_inspectors(agency, day: datetime.date) -> list[tuple[Person, OfficerCertificate]]:
    """Active people of the agency with a certificate valid on ``day`` — one certificate each (the latest to expire)."""
    certificates = (
        OfficerCertificate.objects.filter(
            person__agency=agency, person__is_active=True, status=CertificateStatus.VALID,
            issued_on__lte=day, expires_on__gte=day,
        ).select_related("person").order_by("person_id", "-expires_on", "number")
    )
    chosen: dict[int, tuple[Person, OfficerCertificate]] = {}
    for certificate in certificates:
        if certificate.status_on(day) == CertificateStatus.VALID:
            chosen.setdefault(certificate.person_id, (certificate.person, certificate))
    return list(chosen.values())


def _plan_task(plan: Version, item_code: str) -> dict | None:
    for task in (plan.content or {}).get("tasks") or []:
        if isinstance(task, dict) and task.get("item_code") == item_code:
            return task
    return None


def _iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _refused(exc: algorithm.DrawRefused, field: str | None = None) -> ValidationError:
    return ValidationError({field: str(exc)}) if field else ValidationError(str(exc))


def announce(user, *, item_version: Version, plan_version: Version | None = None, title: str, seed: str | None = None,
             seed_source: str = "", scheduled_for: datetime.datetime | None = None, ratio_percent=None) -> Draw:
    """Freeze and publish a draw's inputs and seed (公布抽取种子和范围) before anything is drawn.

    ``seed``: none → 32 random bytes (hex) from :mod:`secrets`; or a public value the user names in
    ``seed_source`` (e.g. a lottery's winning numbers). ``ratio_percent`` defaults to the plan task's
    ratio for this item, else the item's. Refused, with nothing stored: an item (or plan) not
    published and in force, a ratio outside 0–100%, fewer qualified inspectors than needed, a drawn
    object without enough inspectors once conflicts are excluded, an empty directory.
    """
    if item_version is None:
        raise ValidationError({"item_version": "请选择随机抽查事项"})
    agency = item_version.entry.agency
    _require_planner(user, agency)
    now = timezone.now()
    today = timezone.localdate(now)
    if item_version.entry.kind != ListKind.INSPECTION_ITEM:
        raise ValidationError({"item_version": "所选清单不是随机抽查事项"})
    if not in_force(item_version, today):
        raise ValidationError({"item_version": f"随机抽查事项“{item_version.title}”"
                                               f"第{item_version.number}版未发布或不在有效期内"})
    content = item_version.content or {}
    task = None
    if plan_version is not None:
        if plan_version.entry.kind != ListKind.INSPECTION_PLAN or plan_version.entry.agency_id != agency.pk:
            raise ValidationError({"plan_version": "所选清单不是本单位的年度抽查计划"})
        if not in_force(plan_version, today):
            raise ValidationError({"plan_version": f"年度抽查计划“{plan_version.title}”未发布或不在有效期内"})
        task = _plan_task(plan_version, item_version.entry.code)
        if task is None:
            raise ValidationError({"plan_version": f"年度抽查计划中没有抽查事项{item_version.entry.code}的任务"})
    title = _text(title or (task or {}).get("title"), field="title", label="抽查任务名称", max_length=200)
    if ratio_percent in (None, ""):
        ratio_percent = (task or {}).get("ratio_percent") or content.get("ratio_percent")
    try:
        ratio = algorithm.format_ratio(ratio_percent)
        algorithm.ratio_hundredths(ratio)
    except algorithm.DrawRefused as exc:
        raise ValidationError({"ratio_percent": exc.reason}) from None
    per_object = content.get("inspectors_per_object", 2)
    if not isinstance(per_object, int) or isinstance(per_object, bool) or not 1 <= per_object <= 20:
        raise ValidationError({"item_version": "抽查事项的“每户检查人员数”无效"})
    if seed in (None, ""):
        seed, seed_source = secrets.token_hex(32), GENERATED_SEED_SOURCE
    else:
        seed = _text(seed, field="seed", label="随机种子", max_length=algorithm.MAX_SEED_LENGTH)
        if len(seed) < 4:
            raise ValidationError({"seed": "随机种子至少4个字符"})
        seed_source = _text(seed_source, field="seed_source", label="种子来源（如某期彩票开奖号码）", max_length=300)
    if scheduled_for is not None and timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    if scheduled_for is not None and scheduled_for <= now:
        raise ValidationError({"scheduled_for": "计划抽取时间应晚于现在"})

    tags = content.get("object_tags") or []
    subjects = candidate_subjects(agency, tags)
    people = candidate_inspectors(agency, today)
    person_ids = {person.pk for person, _ in people}
    uscc_of = {s.pk: s.uscc for s in subjects}
    conflicts = [
        [c.person_id, uscc_of[c.subject_id]]
        for c in ConflictDeclaration.objects.filter(person_id__in=person_ids, subject_id__in=uscc_of)
    ]
    context = {
        "agency": {"id": agency.pk, "name": agency.name, "uscc": agency.uscc},
        "title": title,
        "item": {"code": item_version.entry.code, "version": item_version.number, "name": item_version.title,
                 "object_tags": list(tags)},
        "plan": None if plan_version is None else {
            "code": plan_version.entry.code, "version": plan_version.number, "name": plan_version.title,
            "year": (plan_version.content or {}).get("year"),
        },
        "seed_source": seed_source,
        "announced_at": _iso(now),
        "scheduled_for": _iso(scheduled_for),
        "certificates_valid_on": today.isoformat(),
    }
    try:
        inputs = algorithm.make_inputs(
            seed=seed, ratio_percent=ratio, inspectors_per_object=per_object,
            subjects=[{"id": s.pk, "uscc": s.uscc, "name": s.name} for s in subjects],
            inspectors=[{"person_id": p.pk, "name": p.name, "certificate": c.number} for p, c in people],
            conflicts=conflicts, context=context,
        )
        algorithm.compute(inputs)  # refuse now what could never be drawn; the result is not kept
    except algorithm.DrawRefused as exc:
        raise _refused(exc) from None
    inputs_digest = algorithm.digest(inputs)

    with transaction.atomic():
        draw = Draw.objects.create(
            agency=agency, plan=plan_version, item=item_version, title=title, status=Draw.Status.ANNOUNCED,
            algorithm=algorithm.ALGORITHM, seed=seed, ratio_percent=ratio, inspectors_per_object=per_object,
            inputs=inputs, inputs_digest=inputs_digest, announced_at=now, announced_by=user,
            scheduled_for=scheduled_for,
        )
        entry = log.append(LogEntry.Kind.DRAW, {
            "event": "draw.announce", "draw": draw.pk, "title": title, "algorithm": algorithm.ALGORITHM,
            "item": context["item"]["code"], "item_version": item_version.number,
            "plan": context["plan"] and context["plan"]["code"], "seed": seed, "seed_source": seed_source,
            "inputs_digest": inputs_digest, "candidates": len(inputs["subjects"]), "inspectors": len(inputs["inspectors"]),
            "scheduled_for": context["scheduled_for"],
        }, agency=agency, at=now)
        draw.announce_seq = entry.seq
        draw.save(update_fields=["announce_seq"])
        audit.record(user, "catalog.draw.announce", draw, after={
            "title": title, "seed": seed, "seed_source": seed_source, "inputs_digest": inputs_digest,
            "log_seq": entry.seq,
        })
    return draw


def _locked(draw: Draw) -> Draw:
    return Draw.objects.select_for_update().select_related("agency").get(pk=draw.pk)


def _require_announced(draw: Draw, doing: str) -> None:
    if draw.status == Draw.Status.DRAWN:
        raise RuleViolation("PUB-05", f"该抽取已于{timezone.localtime(draw.drawn_at):%Y-%m-%d %H:%M}完成，不能{doing}")
    if draw.status == Draw.Status.CANCELLED:
        raise RuleViolation("PUB-05", f"该抽取已取消，不能{doing}")


def perform(user, draw: Draw) -> Draw:
    """Draw (抽取): compute the result from the frozen inputs alone, store it with its digest, log it."""
    _require_change(user, draw)
    with transaction.atomic():
        draw = _locked(draw)
        _require_announced(draw, "再次抽取")
        now = timezone.now()
        if draw.scheduled_for and now < draw.scheduled_for:
            raise ValidationError(f"计划抽取时间为{timezone.localtime(draw.scheduled_for):%Y-%m-%d %H:%M}，尚未到时间")
        if algorithm.digest(draw.inputs) != draw.inputs_digest:
            raise RuleViolation("PUB-05", "抽取输入与公布时的摘要不符，已停止抽取，请联系系统管理员核查")
        try:
            result = algorithm.compute(draw.inputs)
        except algorithm.DrawRefused as exc:
            raise _refused(exc) from None
        draw.result = result
        draw.result_digest = algorithm.digest(result)
        draw.status = Draw.Status.DRAWN
        draw.drawn_at, draw.drawn_by = now, user
        entry = log.append(LogEntry.Kind.DRAW, {
            "event": "draw.perform", "draw": draw.pk, "algorithm": draw.algorithm, "inputs_digest": draw.inputs_digest,
            "result_digest": draw.result_digest, "object_count": result["object_count"],
            "assignments": [[a["subject"]["uscc"], [i["certificate"] for i in a["inspectors"]]]
                            for a in result["assignments"]],
        }, agency=draw.agency, at=now)
        draw.draw_seq = entry.seq
        draw.save(update_fields=["result", "result_digest", "status", "drawn_at", "drawn_by", "draw_seq"])
        audit.record(user, "catalog.draw.perform", draw, before={"status": Draw.Status.ANNOUNCED}, after={
            "status": draw.status, "result_digest": draw.result_digest, "object_count": result["object_count"],
            "log_seq": entry.seq,
        })
    return draw


def cancel(user, draw: Draw, reason: str) -> Draw:
    """Cancel an announced draw before it is drawn; it stays on the public page with the reason."""
    _require_change(user, draw)
    reason = _text(reason, field="reason", label="取消理由", max_length=300)
    with transaction.atomic():
        draw = _locked(draw)
        _require_announced(draw, "取消")
        now = timezone.now()
        draw.status = Draw.Status.CANCELLED
        draw.save(update_fields=["status"])
        entry = log.append(LogEntry.Kind.DRAW, {
            "event": "draw.cancel", "draw": draw.pk, "inputs_digest": draw.inputs_digest, "reason": reason,
        }, agency=draw.agency, at=now)
        audit.record(user, "catalog.draw.cancel", draw, before={"status": Draw.Status.ANNOUNCED},
                     after={"status": draw.status, "log_seq": entry.seq}, reason=reason)
    return draw


@dataclass(frozen=True)
class Replay:
    """The outcome of running a draw again (复核): ``ok`` when inputs and result match what is stored."""

    ok: bool
    result: dict | None
    inputs_digest: str
    result_digest: str
    problems: tuple[str, ...]


def check(draw: Draw) -> Replay:
    """Run the algorithm again on the stored inputs and compare with the stored digests and result."""
    problems = []
    inputs_digest = algorithm.digest(draw.inputs)
    if inputs_digest != draw.inputs_digest:
        problems.append(f"输入摘要不符：公布的为 {draw.inputs_digest}，按保存的输入计算为 {inputs_digest}")
    try:
        result = algorithm.compute(draw.inputs)
    except algorithm.DrawRefused as exc:
        return Replay(False, None, inputs_digest, "", (*problems, str(exc)))
    result_digest = algorithm.digest(result)
    if draw.status != Draw.Status.DRAWN:
        problems.append(f"该抽取尚未进行（{draw.get_status_display()}），没有可比对的结果")
    else:
        if result_digest != draw.result_digest:
            problems.append(f"结果摘要不符：保存的为 {draw.result_digest}，重算的为 {result_digest}")
        if draw.result is not None and algorithm.digest(draw.result) != draw.result_digest:
            problems.append("保存的结果与保存的结果摘要不符（结果在抽取后被改动过）")
        problems.extend(algorithm.differences(draw.result, result))
    return Replay(not problems, result, inputs_digest, result_digest, tuple(dict.fromkeys(problems)))


def replay(draw: Draw) -> tuple[bool, dict | None]:
    """``(ok, recomputed_result)``: ``ok`` when the recomputed result equals the stored one."""
    outcome = check(draw)
    return outcome.ok, outcome.result


# --- Reads (scoped) --------------------------------------------------------------------------


def draws_for(user):
    """Draws ``user`` may see on the staff pages: own agency's, and those of supervised regions."""
    return restrict(Draw.objects.select_related("agency", "item__entry", "plan__entry"), user, VIEW)


def subjects_for(user):
    return restrict(MarketSubject.objects.select_related("agency", "region"), user, VIEW)


def conflicts_for(user):
    queryset = ConflictDeclaration.objects.select_related("person", "subject__agency", "declared_by__person")
    return restrict(queryset, user, VIEW)


def inspection_items_in_force(agencies, day: datetime.date | None = None):
    """Published inspection items (随机抽查事项) of ``agencies`` in force on ``day`` (default today)."""
    return selectors.in_force(ListKind.INSPECTION_ITEM, on=day).filter(entry__agency__in=agencies)


def plans_in_force(agencies, day: datetime.date | None = None):
    return selectors.in_force(ListKind.INSPECTION_PLAN, on=day).filter(entry__agency__in=agencies)


def assignments_of(draw: Draw) -> list[dict]:
    """The result's rows (object ↔ inspectors), empty before the draw."""
    return list((draw.result or {}).get("assignments") or [])


def cancellation(draw: Draw) -> dict | None:
    """When and why a cancelled draw was cancelled, read from its record-log entry."""
    if draw.status != Draw.Status.CANCELLED:
        return None
    entries = LogEntry.objects.filter(kind=LogEntry.Kind.DRAW, agency_id=draw.agency_id)
    if draw.announce_seq is not None:
        entries = entries.filter(seq__gt=draw.announce_seq)
    for entry in entries.order_by("seq"):
        payload = log.decode(entry).get("payload") or {}
        if payload.get("event") == "draw.cancel" and payload.get("draw") == draw.pk:
            return {"reason": payload.get("reason", ""), "at": entry.created_at, "seq": entry.seq}
    return {"reason": "", "at": None, "seq": None}


# Public reads: every draw is public once announced — its inputs, seed and digest before the draw,
# its result after it; a cancelled draw stays listed with its reason. Names and USCCs of market
# subjects and names and certificate numbers of inspectors are public (PUB-03, PUB-05).


def public_draws(agency=None):
    queryset = Draw.objects.select_related("agency", "item__entry", "plan__entry").order_by("-announced_at", "-pk")
    return queryset if agency is None else queryset.filter(agency=agency)


def public_draw(pk) -> Draw | None:
    return public_draws().filter(pk=pk).first()


def inputs_file(draw: Draw) -> bytes:
    """The published inputs exactly as digested: ``sha256sum`` of this file is the inputs digest."""
    return algorithm.canonical(draw.inputs)


def result_file(draw: Draw) -> bytes | None:
    return None if draw.result is None else algorithm.canonical(draw.result)


# --- Demo support ----------------------------------------------------------------------------


def completed_draw(user, *, item_version: Version, plan_version: Version | None = None, title: str = "",
                   seed: str | None = None, seed_source: str = "") -> Draw:
    """Announce and perform a draw in one go (for the demo data): returns the drawn draw."""
    draw = announce(user, item_version=item_version, plan_version=plan_version, title=title, seed=seed,
                    seed_source=seed_source)
    return perform(user, draw)


_DEMO_WORDS = "华福兴盛鑫源恒昌瑞丰永泰嘉禾德顺金鹏宏远新宇祥云汇通佳康明辉安泰"
_DEMO_KINDS = (
    ("餐饮管理有限公司", "餐饮服务", ["食品经营", "餐饮服务"]),
    ("食品商行", "食品销售", ["食品经营"]),
    ("超市有限公司", "零售", ["食品经营", "商品零售"]),
    ("药房", "药品零售", ["药品经营"]),
    ("电梯工程有限公司", "特种设备", ["特种设备"]),
    ("加油站", "成品油零售", ["计量器具", "商品零售"]),
)


def demo_subject_rows(rng, *, region_code: str, count: int = 40) -> list[dict]:
    """Fictional market subjects for the demo directory (valid-looking USCCs, made-up names), for :func:`add_subjects`."""
    from sanxiang.core.fakeids import make_uscc

    rows, names = [], set()
    while len(rows) < count:
        suffix, industry, tags = rng.choice(_DEMO_KINDS)
        name = f"云岫县{''.join(rng.sample(_DEMO_WORDS, 2))}{suffix}"
        if name in names:
            continue
        names.add(name)
        individual = suffix in ("食品商行", "药房")
        rows.append({
            "uscc": make_uscc(rng, region_code, authority="9", kind="2" if individual else "1"),
            "name": name, "type": MarketSubject.Type.INDIVIDUAL_BUSINESS if individual else MarketSubject.Type.COMPANY,
            "industry": industry, "address": f"云岫县城关镇{rng.choice('东南西北')}街{rng.randint(1, 300)}号", "tags": tags,
        })
    return rows
