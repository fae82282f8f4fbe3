"""Writes of the organisation registry (SUP-01, PUB-02, PUB-03).

Every public function is one transaction, Zulip's ``do_*`` style: it checks the actor's right,
validates, writes, and records its audit event in the same transaction. The first argument is the
actor: a user, or a :class:`SystemActor` for the command line.

- Bad input raises ``django.core.exceptions.ValidationError`` with Chinese messages, per field
  where there is a field (the keys are the model's field names), and writes nothing.
- A missing right raises ``django.core.exceptions.PermissionDenied``.

Who may do what follows ``access.py``: administrators change their own agency's registry,
supervisors of the justice bureau also issue and manage certificates and maintain the agencies of
their region, superusers (and the command line) do everything.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.access import CHANGE, can
from sanxiang.core.identifiers import check_id_number, check_uscc

from .access import actor_of, internal_agency_q
from .models import (
    Agency,
    CertificateStatus,
    Department,
    LegalQualification,
    OfficerCertificate,
    Person,
    Region,
    Role,
    RoleAssignment,
    System,
    TrainingRecord,
)

NOT_ALLOWED = "无权执行此操作"
HISTORY_REASON_MAX = 100  # django-simple-history's history_change_reason is a CharField(100)


class SystemActor:
    """An operator at the command line (命令行操作员), trusted like Django's own management commands.

    It has no login account; audit events name it by its label (e.g. ``system:import-officers``).
    """

    is_authenticated = False
    is_active = True
    is_superuser = True

    def __init__(self, label: str = "system"):
        self.label = label

    def __str__(self):
        return self.label


# --- Rights ----------------------------------------------------------------------------------


def _trusted(actor) -> bool:
    """The command line, or an active superuser."""
    if isinstance(actor, SystemActor):
        return True
    return bool(getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False))


def _require(allowed: bool, message: str = NOT_ALLOWED) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _may_change(actor, obj) -> bool:
    return isinstance(actor, SystemActor) or can(actor, CHANGE, obj)


def agencies_managed_by(actor, *, certificates: bool = False):
    """Agencies in which ``actor`` may add internal records (departments, people, roles, training).

    With ``certificates=True``: agencies whose officers ``actor`` may issue certificates to
    (supervisors of the region as well as the agency's administrators). For choice lists in forms.
    """
    if isinstance(actor, SystemActor):
        return Agency.objects.all()
    if not getattr(actor, "is_active", False):
        return Agency.objects.none()
    condition = internal_agency_q(actor, CHANGE, "", supervisors_change=certificates)
    return Agency.objects.all() if condition is None else Agency.objects.filter(condition)


def _may_manage(actor, agency, *, certificates: bool = False) -> bool:
    return agencies_managed_by(actor, certificates=certificates).filter(pk=agency.pk).exists()


def _covers(actor, region) -> bool:
    """Whether ``actor`` supervises ``region`` (or is trusted): who may register and move agencies."""
    if _trusted(actor):
        return True
    if not getattr(actor, "is_active", False):
        return False
    return any(region.path.startswith(path) for path in actor_of(actor).supervised_paths)


def _may_override_uscc(actor, agency) -> bool:
    """Superusers, the agency's administrators, and supervisors of its region may override (identifiers §5)."""
    if _trusted(actor):
        return True
    if not getattr(actor, "is_active", False):
        return False
    who = actor_of(actor)
    if who.has(Role.ADMINISTRATOR) and agency.pk is not None and who.agency_id == agency.pk:
        return True
    return who.has(Role.SUPERVISOR) and _covers(actor, agency.region)


# --- Validation helpers ----------------------------------------------------------------------


class _Errors:
    """Collects messages per field and raises them together."""

    def __init__(self):
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        return field in self.fields

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def _clean_fields(obj, errors: _Errors, exclude=()) -> None:
    """The model's own field checks (length, choices, blank), for fields not already in error."""
    try:
        obj.clean_fields(exclude=[*exclude, *errors.fields])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                errors.add(field, message)


def _today() -> datetime.date:
    return timezone.localdate()


def _is_date(value) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _check_date(errors: _Errors, field: str, value, label: str, *, not_future: bool = False) -> bool:
    if value is None or value == "":
        errors.add(field, f"请填写{label}")
        return False
    if not _is_date(value):
        errors.add(field, f"{label}“{value}”不是有效日期")
        return False
    if not_future and value > _today():
        errors.add(field, f"{label}（{value:%Y-%m-%d}）不能晚于今天")
        return False
    return True


def _apply(obj, changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no changeable field(s) {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _save(obj, actor, reason: str = "") -> None:
    """Save, telling django-simple-history who changed the row and why."""
    if getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    obj._change_reason = reason[:HISTORY_REASON_MAX] if reason else None
    obj.save()


def _record_update(actor, action: str, obj, before: dict, *, reason: str = "") -> bool:
    """Record an update event with only the changed fields; ``False`` if nothing changed."""
    changed_before, changed_after = _diff(before, audit.snapshot(obj))
    if not changed_after:
        return False
    audit.record(actor, action, obj, before=changed_before, after=changed_after, reason=reason)
    return True


def _locked(model, obj):
    """The current row, locked for the rest of the transaction (others' edits wait)."""
    return model.objects.select_for_update().get(pk=obj.pk)


# --- Regions ---------------------------------------------------------------------------------

REGION_CODE = re.compile(r"^\d{6}(\d{3}){0,2}$")


def create_region(actor, *, code: str, name: str, level: str, parent: Region | None = None) -> Region:
    """Register an administrative region (行政区划). Superusers only."""
    _require(_trusted(actor))
    with transaction.atomic():
        region = Region(code=(code or "").strip(), name=(name or "").strip(), level=level, parent=parent)
        errors = _Errors()
        _check_region_code(region, errors)
        _clean_fields(region, errors, exclude=["path"])
        errors.raise_any()
        region.save()
        audit.record(actor, "region.create", region, after=audit.snapshot(region))
    return region


def _check_region_code(region: Region, errors: _Errors) -> None:
    if not REGION_CODE.match(region.code):
        errors.add("code", "区划代码应为6位、9位或12位数字")
    elif Region.objects.filter(code=region.code).exists():
        errors.add("code", f"区划代码{region.code}已存在")
    elif region.parent is not None:
        prefix = region.parent.code.rstrip("0")
        if region.code == region.parent.code or not region.code.startswith(prefix):
            errors.add("parent", f"区划代码{region.code}不属于上级区划“{region.parent.name}”（{region.parent.code}）")


def update_region(actor, region: Region, **changes) -> Region:
    """Rename a region or change its level; codes never change (descendants hang on them)."""
    _require(_trusted(actor))
    with transaction.atomic():
        region = _locked(Region, region)
        before = audit.snapshot(region)
        _apply(region, changes, ("name", "level"))
        errors = _Errors()
        _clean_fields(region, errors, exclude=["path"])
        errors.raise_any()
        region.save()
        _record_update(actor, "region.update", region, before)
    return region


# --- Agencies (执法主体) -----------------------------------------------------------------------

AGENCY_DETAILS = (
    "short_name", "parent", "duties", "legal_basis", "address", "phone", "supervision_channel", "remedy_channel",
)
AGENCY_FIELDS = (
    "name", "uscc", "kind", "level", "system", "region", "is_active", "abolished_on", "successor", *AGENCY_DETAILS,
)


def create_agency(actor, *, name: str, uscc: str, level: str, system: str, region: Region,
                  kind: str = Agency.Kind.ENFORCEMENT, override_reason: str = "", **details) -> Agency:
    """Register an enforcement agency (执法主体). ``details``: any of :data:`AGENCY_DETAILS`.

    A USCC whose check characters fail is refused unless ``override_reason`` is given by an actor
    allowed to override (see :func:`_may_override_uscc`); the override is audited.
    """
    if region is None:
        raise ValidationError({"region": "请选择所在区划"})
    _require(_covers(actor, region), "只有超级管理员或监督该区划的执法监督人员可以登记执法主体")
    _require(kind != Agency.Kind.JUSTICE_BUREAU or _trusted(actor), "只有超级管理员可以登记司法行政机关")
    with transaction.atomic():
        agency = Agency(kind=kind)
        _apply(agency, {"name": name, "uscc": uscc, "level": level, "system": system, "region": region, **details},
               ("name", "uscc", "level", "system", "region", *AGENCY_DETAILS))
        override = _validate_agency(actor, agency, None, override_reason)
        _save(agency, actor, "登记执法主体")
        audit.record(actor, "agency.create", agency, after=audit.snapshot(agency))
        if override:
            _record_uscc_override(actor, agency, override)
    return agency


def update_agency(actor, agency: Agency, *, override_reason: str = "", **changes) -> Agency:
    """Change an agency's directory data (``changes``: any of :data:`AGENCY_FIELDS`)."""
    with transaction.atomic():
        agency = _locked(Agency, agency)
        _require(_may_change(actor, agency))
        before = audit.snapshot(agency)
        _apply(agency, changes, AGENCY_FIELDS)
        if agency.kind != before["kind"]:
            _require(_trusted(actor), "只有超级管理员可以变更执法主体类别")
        if agency.region_id != before["region_id"]:
            _require(_covers(actor, agency.region), "无权将执法主体变更到该区划")
        override = _validate_agency(actor, agency, before, override_reason)
        _save(agency, actor, f"校验码例外：{agency.uscc_override_reason}" if override else "修改")
        _record_update(actor, "agency.update", agency, before)
        if override:
            _record_uscc_override(actor, agency, override)
    return agency


def _validate_agency(actor, agency: Agency, before: dict | None, override_reason: str):
    """Validate in place; returns the USCC :class:`Check` when this save uses an override, else None."""
    errors = _Errors()
    if not agency.name:
        errors.add("name", "请填写执法主体名称")
    elif Agency.objects.filter(name=agency.name).exclude(pk=agency.pk).exists():
        errors.add("name", f"已有名为“{agency.name}”的执法主体")
    override = _check_agency_uscc(actor, agency, before, override_reason, errors)
    _check_agency_links(agency, errors)
    _clean_fields(agency, errors)
    errors.raise_any()
    return override


def _check_agency_uscc(actor, agency: Agency, before: dict | None, override_reason: str, errors: _Errors):
    check = check_uscc(agency.uscc)
    agency.uscc = check.value
    if check.errors:
        errors.add("uscc", "；".join(check.errors))
        return None
    holder = Agency.objects.filter(uscc=agency.uscc).exclude(pk=agency.pk).first()
    if holder is not None:
        errors.add("uscc", f"该统一社会信用代码已由“{holder.name}”使用")
        return None
    if not check.warnings:
        agency.uscc_override_reason = ""
        return None
    reason = (override_reason or "").strip()
    unchanged = before is not None and before["uscc"] == agency.uscc
    if unchanged and (not reason or reason == before["uscc_override_reason"]):
        return None  # the override on record still stands
    if not reason:
        errors.add("uscc", "；".join(check.warnings) + "。如确为2016年以前赋码且与登记证书一致，"
                   "须由系统管理员或执法监督人员填写校验码例外理由")
        return None
    if not _may_override_uscc(actor, agency):
        errors.add("uscc_override_reason", "只有超级管理员、本单位系统管理员或监督本区划的执法监督人员可以填写校验码例外理由")
        return None
    agency.uscc_override_reason = reason
    return check


def _record_uscc_override(actor, agency: Agency, check) -> None:
    audit.record(actor, "agency.uscc_override", agency, after={"uscc": agency.uscc, "warnings": check.warnings},
                 reason=agency.uscc_override_reason)


def _check_agency_links(agency: Agency, errors: _Errors) -> None:
    node, seen = agency.parent, set()
    while node is not None and node.pk not in seen:
        if agency.pk is not None and node.pk == agency.pk:
            errors.add("parent", "上级主管部门不能是本单位或其下级单位")
            break
        seen.add(node.pk)
        node = node.parent
    if agency.successor_id is not None and agency.successor_id == agency.pk:
        errors.add("successor", "承继主体不能是本单位")
    if agency.is_active and (agency.abolished_on or agency.successor_id):
        errors.add("is_active", "已撤销（填写了撤销日期或承继主体）的执法主体不能标记为有效")


# --- Departments (内设机构) --------------------------------------------------------------------


def create_department(actor, *, agency: Agency, name: str, is_review_unit: bool = False) -> Department:
    """Add a department to an agency; one may be its legal review unit (法制审核机构)."""
    if agency is None:
        raise ValidationError({"agency": "请选择执法主体"})
    _require(_may_manage(actor, agency))
    with transaction.atomic():
        department = Department(agency=agency, name=(name or "").strip(), is_review_unit=is_review_unit)
        _validate_department(department)
        department.save()
        audit.record(actor, "department.create", department, after=audit.snapshot(department))
    return department


def update_department(actor, department: Department, **changes) -> Department:
    """Rename a department or (un)mark it as the review unit; it never moves to another agency."""
    with transaction.atomic():
        department = _locked(Department, department)
        _require(_may_change(actor, department))
        before = audit.snapshot(department)
        _apply(department, changes, ("name", "is_review_unit"))
        _validate_department(department)
        department.save()
        _record_update(actor, "department.update", department, before)
    return department


def delete_department(actor, department: Department) -> None:
    """Remove a department created by mistake; refused while people belong to it."""
    with transaction.atomic():
        department = _locked(Department, department)
        _require(_may_change(actor, department))
        if department.people.exists():
            raise ValidationError(f"内设机构“{department.name}”仍有人员，不能删除")
        audit.record(actor, "department.delete", department, before=audit.snapshot(department))
        department.delete()


def _validate_department(department: Department) -> None:
    errors = _Errors()
    if not department.name:
        errors.add("name", "请填写内设机构名称")
    elif Department.objects.filter(agency=department.agency, name=department.name).exclude(pk=department.pk).exists():
        errors.add("name", f"“{department.agency.name}”已有名为“{department.name}”的内设机构")
    _clean_fields(department, errors)
    errors.raise_any()


# --- People (人员) ----------------------------------------------------------------------------

PERSON_FIELDS = ("agency", "department", "user", "name", "gender", "id_number", "position", "phone", "is_active")


def create_person(actor, *, agency: Agency, name: str, id_number: str = "", department: Department | None = None,
                  gender: str = "", position: str = "", phone: str = "", user=None,
                  username: str = "", password: str | None = None) -> Person:
    """Register a person of an agency.

    The ID number (身份证号码) is optional but validated when given; the gender is derived from it
    when not given. A login is either an existing ``user`` or a new one named ``username``
    (with ``password``, or an unusable password until one is set).
    """
    if agency is None:
        raise ValidationError({"agency": "请选择所在单位"})
    _require(_may_manage(actor, agency))
    with transaction.atomic():
        person = Person(agency=agency)
        _apply(person, {"department": department, "user": user, "name": name, "gender": gender,
                        "id_number": id_number, "position": position, "phone": phone}, PERSON_FIELDS)
        _validate_person(actor, person, username, password)
        _attach_new_login(person, username, password)
        _save(person, actor, "登记人员")
        audit.record(actor, "person.create", person, after=audit.snapshot(person))
    return person


def update_person(actor, person: Person, *, username: str = "", password: str | None = None, **changes) -> Person:
    """Change a person (``changes``: any of :data:`PERSON_FIELDS`); ``username`` adds a new login."""
    with transaction.atomic():
        person = _locked(Person, person)
        _require(_may_change(actor, person))
        before = audit.snapshot(person)
        _apply(person, changes, PERSON_FIELDS)
        if person.agency_id != before["agency_id"]:
            _require(person.agency is not None and _may_manage(actor, person.agency), "无权将人员调入该单位")
        _validate_person(actor, person, username, password)
        _attach_new_login(person, username, password)
        _save(person, actor, "修改")
        _record_update(actor, "person.update", person, before)
    return person


def _validate_person(actor, person: Person, username: str, password: str | None) -> None:
    errors = _Errors()
    if not person.name:
        errors.add("name", "请填写姓名")
    _check_person_id_number(person, errors)
    if person.department is not None and person.department.agency_id != person.agency_id:
        errors.add("department", f"内设机构“{person.department.name}”不属于“{person.agency.name}”，请选择本单位的内设机构")
    _check_person_login(actor, person, username, password, errors)
    _clean_fields(person, errors)
    errors.raise_any()


def _check_person_id_number(person: Person, errors: _Errors) -> None:
    if not person.id_number:
        person.id_number = None  # unique, so "none" is NULL rather than ""
        return
    check = check_id_number(person.id_number)
    person.id_number = check.value
    if check.errors:
        errors.add("id_number", "；".join(check.errors))
        return
    if Person.objects.filter(id_number=check.value).exclude(pk=person.pk).exists():
        errors.add("id_number", "该身份证号码已登记")
        return
    gender = Person.Gender.MALE if int(check.value[16]) % 2 else Person.Gender.FEMALE
    if not person.gender:
        person.gender = gender
    elif person.gender != gender:
        errors.add("gender", "性别与身份证号码不符")


def _check_person_login(actor, person: Person, username: str, password: str | None, errors: _Errors) -> None:
    if person.user is not None:
        if username:
            errors.add("username", "已选择登录账号，不能再新建")
        elif Person.objects.filter(user=person.user).exclude(pk=person.pk).exists():
            errors.add("user", f"登录账号“{person.user.get_username()}”已关联其他人员")
        elif person.user.is_superuser and not _trusted(actor):
            errors.add("user", "不能关联超级管理员账号")
        return
    if not username:
        return
    user_model = get_user_model()
    try:
        user_model.username_validator(username)
    except ValidationError:
        errors.add("username", "登录名只能包含字母、数字和 @ . + - _")
        return
    if user_model.objects.filter(username=username).exists():
        errors.add("username", f"登录名“{username}”已被使用")
    if password:
        try:
            validate_password(password, user_model(username=username))
        except ValidationError as error:
            for message in error.messages:
                errors.add("password", message)


def _attach_new_login(person: Person, username: str, password: str | None) -> None:
    if username and person.user is None:
        person.user = get_user_model().objects.create_user(username=username, password=password or None)


# --- Roles (角色) ----------------------------------------------------------------------------


def grant_role(actor, person: Person, role: str, *, region: Region | None = None,
               granted_on: datetime.date | None = None) -> RoleAssignment:
    """Give a person a role. Supervisors (执法监督人员) need a region, within their justice bureau's.

    Administrators also get the ``is_staff`` flag on their login, which lets them into the admin.
    """
    _require(_may_manage(actor, person.agency))
    with transaction.atomic():
        assignment = RoleAssignment(person=person, role=role, region=region, granted_on=granted_on or _today())
        _validate_role(assignment)
        assignment.save()
        if role == Role.ADMINISTRATOR and person.user is not None and not person.user.is_staff:
            person.user.is_staff = True
            person.user.save(update_fields=["is_staff"])
        audit.record(actor, "role.grant", assignment, after=audit.snapshot(assignment))
    return assignment


def revoke_role(actor, assignment: RoleAssignment, *, reason: str = "") -> None:
    """Take a role away (an administrator's login loses ``is_staff`` unless it is a superuser)."""
    with transaction.atomic():
        assignment = _locked(RoleAssignment, assignment)
        _require(_may_change(actor, assignment))
        audit.record(actor, "role.revoke", assignment, before=audit.snapshot(assignment), reason=reason)
        user = assignment.person.user
        if assignment.role == Role.ADMINISTRATOR and user is not None and user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        assignment.delete()


def _validate_role(assignment: RoleAssignment) -> None:
    errors = _Errors()
    person, role, region = assignment.person, assignment.role, assignment.region
    if role not in Role.values:
        errors.add("role", f"角色“{role}”无效")
    elif RoleAssignment.objects.filter(person=person, role=role).exists():
        errors.add("role", f"{person.name}已有“{Role(role).label}”角色")
    elif role == Role.SUPERVISOR:
        if person.agency.kind != Agency.Kind.JUSTICE_BUREAU:
            errors.add("role", "执法监督人员须为司法行政机关的人员")
        elif region is None:
            errors.add("region", "执法监督人员须指定监督区域")
        elif not region.path.startswith(person.agency.region.path):
            errors.add("region", f"监督区域须在“{person.agency.region.name}”范围内")
    elif region is not None:
        errors.add("region", "只有执法监督人员需要指定监督区域")
    _clean_fields(assignment, errors)
    errors.raise_any()


# --- Officer certificates (行政执法证) ----------------------------------------------------------

CERTIFICATE_NUMBER = re.compile(r"^[0-9A-Z\-\u4e00-\u9fff]+$")
CERTIFICATE_FIELDS = ("number", "categories", "region", "issuer", "issued_on", "expires_on")


def normalise_certificate_number(value) -> str:
    """Full-width characters to half-width, spaces removed, letters upper-case."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).upper()


def certificate_number_errors(number: str) -> list[str]:
    """Problems with a (normalised) certificate number (执法证号)."""
    if not number:
        return ["请填写执法证号"]
    if len(number) > 40:
        return [f"执法证号不能超过40个字符（现为{len(number)}个）"]
    if not CERTIFICATE_NUMBER.match(number):
        return [f"执法证号“{number}”含有不允许的字符（只能包含汉字、字母、数字和连字符）"]
    if sum(c.isdigit() for c in number) < 4:
        return [f"执法证号“{number}”至少应包含4位数字"]
    return []


def issue_certificate(actor, person: Person, *, number: str, categories, region: Region,
                      issued_on: datetime.date, expires_on: datetime.date, issuer: str = "") -> OfficerCertificate:
    """Issue an enforcement certificate (行政执法证) to a person in service.

    ``categories``: enforcement systems (``System`` values); the number is normalised and unique.
    """
    _require(_may_manage(actor, person.agency, certificates=True))
    with transaction.atomic():
        certificate = OfficerCertificate(person=person, status=CertificateStatus.VALID)
        _apply(certificate, {"number": number, "categories": categories, "region": region, "issuer": issuer,
                             "issued_on": issued_on, "expires_on": expires_on}, CERTIFICATE_FIELDS)
        _validate_certificate(certificate, new=True)
        _save_certificate(certificate, actor, "发证")
        audit.record(actor, "certificate.issue", certificate, after=audit.snapshot(certificate))
    return certificate


def update_certificate(actor, certificate: OfficerCertificate, *, reason: str, **changes) -> OfficerCertificate:
    """Correct a certificate's data (``changes``: any of :data:`CERTIFICATE_FIELDS`); a reason is required."""
    with transaction.atomic():
        certificate = _locked(OfficerCertificate, certificate)
        _require(_may_change(actor, certificate))
        before = audit.snapshot(certificate)
        _apply(certificate, changes, CERTIFICATE_FIELDS)
        _validate_certificate(certificate, reason=reason, stored_number=before["number"])
        if _diff(before, audit.snapshot(certificate))[1]:
            _save_certificate(certificate, actor, f"更正：{reason.strip()}")
            _record_update(actor, "certificate.update", certificate, before, reason=reason.strip())
    return certificate


def _validate_certificate(certificate: OfficerCertificate, *, new: bool = False, reason: str | None = None,
                          stored_number: str | None = None) -> None:
    """Validate in place. A number already stored is not re-checked (numbers of older formats stay)."""
    errors = _Errors()
    if reason is not None and not reason.strip():
        errors.add("reason", "请填写更正理由")
    if new and not certificate.person.is_active:
        errors.add("person", f"{certificate.person.name}已不在岗，不能发证")
    if new or certificate.number != stored_number:
        _check_certificate_number(certificate, errors)
    certificate.categories = _clean_categories(certificate.categories, errors)
    if certificate.region_id is None:
        errors.add("region", "请选择执法区域")
    issued_ok = _check_date(errors, "issued_on", certificate.issued_on, "发证日期", not_future=True)
    expires_ok = _check_date(errors, "expires_on", certificate.expires_on, "有效期至")
    if issued_ok and expires_ok and certificate.expires_on <= certificate.issued_on:
        errors.add("expires_on", f"有效期至（{certificate.expires_on:%Y-%m-%d}）应晚于发证日期"
                                 f"（{certificate.issued_on:%Y-%m-%d}）")
    _clean_fields(certificate, errors, exclude=["categories"])
    errors.raise_any()


def _check_certificate_number(certificate: OfficerCertificate, errors: _Errors) -> None:
    certificate.number = normalise_certificate_number(certificate.number)
    for message in certificate_number_errors(certificate.number):
        errors.add("number", message)
    if errors.has("number"):
        return
    if OfficerCertificate.objects.filter(number__iexact=certificate.number).exclude(pk=certificate.pk).exists():
        errors.add("number", f"执法证号“{certificate.number}”已存在")


def _clean_categories(value, errors: _Errors) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set):
        value = [value] if value else []
    categories: list[str] = []
    for item in value:
        code = str(item)
        if code not in System.values:
            errors.add("categories", f"执法类别“{item}”无效")
        elif code not in categories:
            categories.append(code)
    if not categories and not errors.has("categories"):
        errors.add("categories", "请至少选择一个执法类别")
    return categories


def _save_certificate(certificate: OfficerCertificate, actor, reason: str) -> None:
    """Save; a number taken between our check and the insert is still a clear error."""
    try:
        with transaction.atomic():
            _save(certificate, actor, reason)
    except IntegrityError as error:
        if OfficerCertificate.objects.filter(number__iexact=certificate.number).exclude(pk=certificate.pk).exists():
            raise ValidationError({"number": f"执法证号“{certificate.number}”已存在"}) from error
        raise


# Status changes: action -> (statuses it may start from, resulting status, label).
CERTIFICATE_TRANSITIONS = {
    "suspend": ({CertificateStatus.VALID}, CertificateStatus.SUSPENDED, "暂扣"),
    "revoke": ({CertificateStatus.VALID, CertificateStatus.SUSPENDED, CertificateStatus.EXPIRED},
               CertificateStatus.REVOKED, "吊销"),
    "restore": ({CertificateStatus.SUSPENDED}, CertificateStatus.VALID, "恢复"),
    "expire": ({CertificateStatus.VALID, CertificateStatus.SUSPENDED}, CertificateStatus.EXPIRED, "标记过期"),
}


def change_certificate_status(actor, certificate: OfficerCertificate, action: str, *, reason: str) -> OfficerCertificate:
    """Suspend (暂扣), revoke (吊销), restore (恢复) or mark expired (过期) a certificate, with a reason."""
    if action not in CERTIFICATE_TRANSITIONS:
        raise ValidationError({"status": f"未知的状态变更“{action}”"})
    sources, target, label = CERTIFICATE_TRANSITIONS[action]
    with transaction.atomic():
        certificate = _locked(OfficerCertificate, certificate)
        _require(_may_change(actor, certificate))
        reason = (reason or "").strip()
        _check_transition(certificate, action, sources, label, reason)
        before = audit.snapshot(certificate, ["status", "status_reason"])
        certificate.status, certificate.status_reason = target, reason
        _save(certificate, actor, f"{label}：{reason}")
        audit.record(actor, f"certificate.{action}", certificate, before=before,
                     after=audit.snapshot(certificate, ["status", "status_reason"]), reason=reason)
    return certificate


def _check_transition(certificate: OfficerCertificate, action: str, sources, label: str, reason: str) -> None:
    errors = _Errors()
    if not reason:
        errors.add("status_reason", f"请填写{label}理由")
    if certificate.status not in sources:
        errors.add("status", f"{CertificateStatus(certificate.status).label}状态的执法证不能{label}")
    elif action == "restore" and certificate.expires_on < _today():
        errors.add("status", f"执法证已于{certificate.expires_on:%Y-%m-%d}到期，不能恢复，请办理延续或换证")
    elif action == "expire" and certificate.expires_on >= _today():
        errors.add("status", f"执法证有效期至{certificate.expires_on:%Y-%m-%d}，尚未到期")
    errors.raise_any()


def suspend_certificate(actor, certificate: OfficerCertificate, *, reason: str) -> OfficerCertificate:
    return change_certificate_status(actor, certificate, "suspend", reason=reason)


def revoke_certificate(actor, certificate: OfficerCertificate, *, reason: str) -> OfficerCertificate:
    return change_certificate_status(actor, certificate, "revoke", reason=reason)


def restore_certificate(actor, certificate: OfficerCertificate, *, reason: str) -> OfficerCertificate:
    return change_certificate_status(actor, certificate, "restore", reason=reason)


def expire_certificate(actor, certificate: OfficerCertificate, *, reason: str) -> OfficerCertificate:
    return change_certificate_status(actor, certificate, "expire", reason=reason)


def renew_certificate(actor, certificate: OfficerCertificate, *, expires_on: datetime.date,
                      reason: str = "") -> OfficerCertificate:
    """Extend a certificate's validity (延续); an expired one becomes valid again, a revoked one cannot."""
    with transaction.atomic():
        certificate = _locked(OfficerCertificate, certificate)
        _require(_may_change(actor, certificate))
        errors = _Errors()
        if certificate.status == CertificateStatus.REVOKED:
            errors.add("status", "已吊销的执法证不能延续")
        elif _check_date(errors, "expires_on", expires_on, "新的有效期至") and expires_on <= certificate.expires_on:
            errors.add("expires_on", f"新的有效期至应晚于原有效期至（{certificate.expires_on:%Y-%m-%d}）")
        errors.raise_any()
        before = audit.snapshot(certificate, ["expires_on", "status"])
        certificate.expires_on = expires_on
        if certificate.status == CertificateStatus.EXPIRED:
            certificate.status, certificate.status_reason = CertificateStatus.VALID, ""
        reason = (reason or "").strip()
        _save(certificate, actor, f"延续有效期至{expires_on:%Y-%m-%d}" + (f"：{reason}" if reason else ""))
        audit.record(actor, "certificate.renew", certificate, before=before,
                     after=audit.snapshot(certificate, ["expires_on", "status"]), reason=reason)
    return certificate


# --- Legal qualifications (法律职业资格) and training (培训) ------------------------------------

QUALIFICATION_NUMBER = re.compile(r"^[0-9A-Z]{6,40}$")
QUALIFICATION_FIELDS = ("certificate_number", "kind", "obtained_on")
TRAINING_FIELDS = ("title", "provider", "held_on", "hours", "passed")


def add_legal_qualification(actor, person: Person, *, certificate_number: str, obtained_on: datetime.date,
                            kind: str = LegalQualification.Kind.A) -> LegalQualification:
    """Record a person's legal professional qualification (法律职业资格证书)."""
    _require(_may_manage(actor, person.agency))
    with transaction.atomic():
        qualification = LegalQualification(person=person, certificate_number=certificate_number, kind=kind,
                                           obtained_on=obtained_on)
        _validate_qualification(qualification)
        qualification.save()
        audit.record(actor, "qualification.add", qualification, after=audit.snapshot(qualification))
    return qualification


def update_legal_qualification(actor, qualification: LegalQualification, **changes) -> LegalQualification:
    with transaction.atomic():
        qualification = _locked(LegalQualification, qualification)
        _require(_may_change(actor, qualification))
        before = audit.snapshot(qualification)
        _apply(qualification, changes, QUALIFICATION_FIELDS)
        _validate_qualification(qualification)
        qualification.save()
        _record_update(actor, "qualification.update", qualification, before)
    return qualification


def _validate_qualification(qualification: LegalQualification) -> None:
    errors = _Errors()
    number = normalise_certificate_number(qualification.certificate_number)
    qualification.certificate_number = number
    if not QUALIFICATION_NUMBER.match(number):
        errors.add("certificate_number", "法律职业资格证书编号应为6至40位字母或数字")
    elif LegalQualification.objects.filter(certificate_number=number).exclude(pk=qualification.pk).exists():
        errors.add("certificate_number", f"证书编号“{number}”已登记")
    _check_date(errors, "obtained_on", qualification.obtained_on, "取得日期", not_future=True)
    _clean_fields(qualification, errors)
    errors.raise_any()


def add_training_record(actor, person: Person, *, title: str, held_on: datetime.date, hours,
                        provider: str = "", passed: bool = True) -> TrainingRecord:
    """Record a training (培训) a person attended: ``hours`` is the credit (学时), e.g. ``Decimal("8")``."""
    _require(_may_manage(actor, person.agency))
    with transaction.atomic():
        record = TrainingRecord(person=person)
        _apply(record, {"title": title, "provider": provider, "held_on": held_on, "hours": hours, "passed": passed},
               TRAINING_FIELDS)
        _validate_training(record)
        record.save()
        audit.record(actor, "training.add", record, after=audit.snapshot(record))
    return record


def update_training_record(actor, record: TrainingRecord, **changes) -> TrainingRecord:
    with transaction.atomic():
        record = _locked(TrainingRecord, record)
        _require(_may_change(actor, record))
        before = audit.snapshot(record)
        _apply(record, changes, TRAINING_FIELDS)
        _validate_training(record)
        record.save()
        _record_update(actor, "training.update", record, before)
    return record


def _validate_training(record: TrainingRecord) -> None:
    errors = _Errors()
    if not record.title:
        errors.add("title", "请填写培训内容")
    try:
        hours = Decimal(str(record.hours))
    except (InvalidOperation, ValueError):
        errors.add("hours", f"学时“{record.hours}”不是数字")
    else:
        if not hours.is_finite() or hours <= 0:
            errors.add("hours", "学时应大于0")
        else:
            record.hours = hours
    _check_date(errors, "held_on", record.held_on, "培训日期", not_future=True)
    _clean_fields(record, errors)
    errors.raise_any()
