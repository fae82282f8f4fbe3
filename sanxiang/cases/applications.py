"""Online licence applications by the public (网上申请行政许可, SYS-06).

A citizen or company picks an agency and one of its published licensing items (行政执法事项清单 entries
of act kind 行政许可), gives the applicant's details and uploads the materials. :func:`submit` then, in
one transaction: registers a ``license`` case at ``apply`` (source 依申请, channel 网上申请), stores each
file through the record store (case_ref = the new case number) and links them to the application
(a 关联证据 step record). The applicant gets the case number and a tracking code (查询码) — only its
SHA-256 is kept, in the application's step record — with which :func:`progress` shows where the
application stands.

Who registers it: the dedicated system account ``public-intake`` (inactive: nobody logs in with it),
acting for this one call as the agency's receiving desk (收件窗口), so the records say the system took
the application in, not an officer.

Who handles it: the licensing department is the item's owning department (清单事项的承办机构), else the
agency's first department that is not its legal-review unit. The officers are that department's first
two active officers (by record order) holding a valid enforcement certificate on the day, then the
agency's others. Acceptance itself needs no two-officer rule (the licensing law asks for two only for an
on-site check, 第三十四条第三款), but two named handlers give the applicant someone accountable and
let one stand in for the other within the five-working-day acceptance period.

Everything is validated before anything is written; files that fail validation create no records.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sanxiang.catalog import flows, selectors
from sanxiang.catalog.models import ListKind, Version
from sanxiang.catalog.vocab import ActKind
from sanxiang.org.access import Actor
from sanxiang.org.models import Agency, Department, Person, Role
from sanxiang.org.services import SystemActor
from sanxiang.records import sniff
from sanxiang.records.access_log import CODE_ALPHABET, CODE_LENGTH, hash_code, normalise_code
from sanxiang.records.ingest import clean_file_name, ingest_stream

from . import engine, services
from .clocks import local_date
from .models import Case, StepRecord
from .officers import certificate_problem
from .parties import clean_party

INTAKE_USERNAME = "public-intake"
SYSTEM_LABEL = "public-application"
MAX_FILES = 10
MAX_FILE_BYTES = 20 * 1024 * 1024
ALLOWED_TYPES = {sniff.PDF: "document", sniff.JPEG: "scan", sniff.PNG: "scan", sniff.ZIP_CANDIDATE: "document"}
ALLOWED_LABEL = "PDF、JPEG、PNG 或 DOCX"
BAD_TRACKING = "申请编号或查询码不正确，请核对后重新输入"


def license_items(agency):
    """The agency's licensing items in force (行政许可事项), by code."""
    return [v for v in selectors.in_force(ListKind.ITEM, agency=agency)
            if (v.content or {}).get("act_kind") == ActKind.LICENSE]


def agencies_with_items():
    ids = {v.entry.agency_id for v in selectors.in_force(ListKind.ITEM)
           if (v.content or {}).get("act_kind") == ActKind.LICENSE}
    return Agency.objects.filter(pk__in=ids).order_by("name")


def intake_user():
    """The system account online applications are registered and uploaded under (never able to log in)."""
    user, created = get_user_model().objects.get_or_create(username=INTAKE_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _as_receiving_desk(agency):
    """The intake account, acting for this call as ``agency``'s receiving desk (a fresh object: nothing persists)."""
    user = get_user_model().objects.get(pk=intake_user().pk)
    user._sanxiang_actor = Actor(agency_id=agency.pk, roles=frozenset({Role.OFFICER}))
    return user


def licensing_department(agency, item: Version) -> Department | None:
    department = item.entry.department
    if department is not None and department.agency_id == agency.pk:
        return department
    return (Department.objects.filter(agency=agency, is_review_unit=False).order_by("pk").first()
            or Department.objects.filter(agency=agency).order_by("pk").first())


def handling_officers(agency, department, day) -> list[Person]:
    people = (Person.objects.filter(agency=agency, is_active=True, roles__role=Role.OFFICER)
              .select_related("agency__region").distinct().order_by("pk"))
    ordered = sorted(people, key=lambda p: (p.department_id != getattr(department, "pk", None), p.pk))
    return [p for p in ordered if not certificate_problem(p, agency, day)][:2]


@dataclass
class Upload:
    """A file as the form gives it: name, size and the chunks to read (a Django UploadedFile fits)."""

    name: str
    size: int
    file: object


def check_files(files) -> list[dict]:
    """Each file's checks before anything is stored: count, size, name and content type (magic bytes)."""
    files = list(files)
    if not files:
        raise ValidationError({"files": "请上传申请材料"})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"申请材料最多{MAX_FILES}个文件"})
    out = []
    for upload in files:
        label = f"文件“{getattr(upload, 'name', '')[:60]}”"
        if not upload.size:
            raise ValidationError({"files": f"{label}为空"})
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError({"files": f"{label}超过{MAX_FILE_BYTES // (1024 * 1024)}MB"})
        try:
            name = clean_file_name(upload.name)
        except ValidationError:
            raise ValidationError({"files": f"{label}的文件名无效"}) from None
        upload.seek(0)
        head = upload.read(sniff.HEAD_BYTES)
        upload.seek(0)
        try:
            media_type = sniff.sniff_head(head) if head else ""
        except ValidationError:  # DisallowedType
            media_type = ""
        if media_type not in ALLOWED_TYPES:
            raise ValidationError({"files": f"{label}不是{ALLOWED_LABEL}文件（按文件内容识别，与扩展名无关）"})
        out.append({"upload": upload, "name": name, "kind": ALLOWED_TYPES[media_type]})
    return out


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


@dataclass
class Receipt:
    case: Case
    tracking_code: str
    evidence: list


def submit(*, agency, item_code: str, party: dict, request_text: str, files) -> Receipt:
    """Register an online application; ValidationError (per form field, in Chinese) with nothing stored."""
    today = timezone.localdate()
    errors: dict = {}
    item = next((v for v in license_items(agency) if v.entry.code == item_code), None)
    if item is None:
        errors["item"] = "请选择该机关公布的行政许可事项"
    try:
        applicant = clean_party(party, today=today)
    except ValidationError as error:
        errors.update(error.message_dict)
        applicant = None
    checked = []
    try:
        checked = check_files(files)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    department = licensing_department(agency, item)
    officers = handling_officers(agency, department, today) if department else []
    if department is None or not officers:
        raise ValidationError({"__all__": "该机关暂不能受理网上申请，请到办事窗口申请"})
    code = new_tracking_code()
    materials = "\n".join(f["name"] for f in checked)
    desk = _as_receiving_desk(agency)
    with transaction.atomic():
        case = services.register_case(desk, {
            "flow": "license", "department": department.pk, "title": f"{item.title}申请"[:200],
            "item_code": item.entry.code,
            "source": Case.Source.APPLICATION, "officers": [p.pk for p in officers],
            "parties": [{k: applicant[k] for k in ("party_type", "name", "id_type", "id_number", "legal_representative",
                                                   "address", "phone")}],
            "step": {"item_name": f"{item.entry.code} {item.title}"[:200], "request": request_text or "",
                     "materials": materials, "received_on": today.isoformat(), "channel": "online",
                     "tracking_code_hash": hash_code(code)},
        })
        target = ({"target_type": applicant["party_type"], "target_id": applicant["id_number"]}
                  if applicant["id_type"] in ("id_card", "uscc") else {})
        records = []
        for number, found in enumerate(checked, start=1):
            upload = found["upload"]
            records.append(ingest_stream(SystemActor(SYSTEM_LABEL), upload.chunks(), {
                "title": f"申请材料{number}：{found['name']}"[:200], "kind": found["kind"], "original_name": found["name"],
                "case_ref": case.number, "step_ref": "apply", "agency": agency.pk, **target,
            }, uploaded_by=desk))
        _link_materials(desk, case, records)
    return Receipt(case=Case.objects.get(pk=case.pk), tracking_code=code, evidence=records)


def _link_materials(user, case: Case, records) -> None:
    """关联证据: the uploaded materials, linked to the application in its own step record."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    ctx = engine.Context(case=locked, user=user, flow=flows.get("license"), source="apply", target="apply",
                         data={}, now=now, occurred_at=now, action=StepRecord.Action.EVIDENCE)
    engine.write_record(ctx, action=StepRecord.Action.EVIDENCE, step="apply", from_step="apply",
                        data={"evidence": [r.pk for r in records], "materials": [r.title for r in records]},
                        reason="网上申请提交的申请材料")
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


@dataclass
class Progress:
    case: Case
    step_name: str
    status: str
    steps: list  # (name, date)
    applicant: str


def progress(number: str, code: str) -> Progress:
    """Where an online application stands, for whoever holds its number and tracking code; ValidationError otherwise."""
    number = (number or "").strip()[:64]
    normalised = normalise_code(code)
    case = Case.objects.filter(number=number, flow_key="license").first() if number else None
    register = StepRecord.objects.filter(case=case, action=StepRecord.Action.REGISTER).first() if case else None
    stored = ((register.data or {}).get("tracking_code_hash") or "") if register else ""
    given = hash_code(normalised) if len(normalised) == CODE_LENGTH else ""
    if not stored or not given or not hmac.compare_digest(stored, given):
        raise ValidationError({"__all__": BAD_TRACKING})
    flow = flows.get("license")
    entries = case.steps.filter(action__in=(StepRecord.Action.REGISTER, StepRecord.Action.TRANSITION)).order_by("index")
    steps = [(flow.step(r.step).name, local_date(r.occurred_at)) for r in entries if flow.has_step(r.step)]
    party = case.primary_party
    return Progress(case=case, step_name=flow.step(case.current_step).name, status=case.get_status_display(),
                    steps=steps, applicant=party.name if party else "")


__all__ = ["BAD_TRACKING", "Progress", "Receipt", "agencies_with_items", "license_items", "progress", "submit"]
