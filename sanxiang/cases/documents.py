"""Documents of a case (执法文书): filled from the case, numbered, stored as DOCX and PDF, verifiable by QR.

:func:`issue_document` is the one way a document comes into being (REC-02):

1. the values (:func:`sanxiang.cases.document_values.values_for`): the case, its parties and officers,
   the steps' data and the officer's input — nothing invented; a missing value is a blank;
2. for a general-procedure penalty decision (处罚决定书, ``CFJDS``) the document check
   (:func:`check_decision_document`, PUB-17) — refused with ``RuleViolation("PUB-17")``;
3. the number (文号) from :func:`sanxiang.cases.numbering.next_document_number`, gap-free per agency,
   document and year, taken inside the storing transaction. Documents that carry the agency's seal
   (letters, decisions, ``Document.seal``) are numbered; forms signed by the people in them (笔录,
   报告, 审批表) have no number;
4. the DOCX: the agency's (or the system-wide) newest :class:`~sanxiang.cases.models.TemplateVersion`
   of the code rendered by docxtpl, else the built-in layout (``catalog.documents.render_docx``); then
   the verification QR code and address in its footer (:func:`add_verification_footer`);
5. the PDF (:mod:`sanxiang.cases.pdf`) from the same structure and values;
6. both files into the record store (``records.ingest.ingest_stream``: each is an evidence record and
   a record-log leaf, ``case_ref`` = the case number, ``step_ref`` = the step), letters and decisions
   marked ``served_to_party`` so the party sees them with their access code;
7. the :class:`~sanxiang.cases.models.IssuedDocument` row (SHA-256 of both files, the verification
   token) and an audit event. A corrected document is a new row whose ``corrects`` names the old one.

**Custom templates (文书模板).** A template is a DOCX whose fill-in points are Jinja variables: each
placeholder of ``catalog.documents.PLACEHOLDERS`` with its dots replaced by underscores
(``{{ party_name }}``, ``{{ case_number }}``, ``{{ penalty_content }}`` …), plus ``document_name``,
``number``, ``number_line``, ``agency_name``, ``issue_date`` and ``verify_url``. A value the case does
not give renders as the blank ``＿＿＿＿``. Templates run in Jinja's sandbox with XML escaping; a
template using an unknown variable is refused at upload (:func:`validate_template`).

Everything happens in one transaction (a savepoint inside the engine's): if any part fails, no number
is used, no row is written (stored file bytes without a record are reported by ``sanxiang verify``).
"""

from __future__ import annotations

import datetime
import io
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sanxiang.catalog import documents as catalog
from sanxiang.catalog.vocab import PenaltyKind
from sanxiang.core import audit
from sanxiang.core.access import CHANGE
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.core.identifiers import check_party_identifier
from sanxiang.org.access import actor_of
from sanxiang.org.models import Person, Role
from sanxiang.org.services import SystemActor
from sanxiang.records import access_log, ingest
from sanxiang.records.access_log import CONTROL, MARKUP

from . import clocks, numbering
from .document_values import values_for
from .models import Case, CaseStatus, IssuedDocument, StepRecord, TemplateVersion

SYSTEM = SystemActor("documents")
NOT_SERVED = frozenset({"FZSHYJ", "YSS", "SDHZ"})  # internal opinions, a referral to the judiciary, the receipt
DECISION_CODE = "CFJDS"
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
EXTRA_MAX_LENGTH = 20000
EXTRA_NAMES = ("document_name", "number", "number_line", "agency_name", "issue_date", "verify_url")
MONETARY_KINDS = (PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS)
CHECK_KEYS = ("evidence_reasoning", "basis_reasoning", "discretion_reasoning", "legal_basis", "payment_manner",
              "payment_deadline_days", "penalty_kinds", "fine_amount", "confiscation_amount", "remedies", "sealed")


# --- Which documents ---------------------------------------------------------------------------------


def is_numbered(document: catalog.Document) -> bool:
    """Letters and decisions issued under the agency's seal have a number (文号); signed forms do not."""
    return document.seal


def is_served(document: catalog.Document) -> bool:
    return document.seal and document.code not in NOT_SERVED


def step_codes(case: Case, step: str | None = None) -> tuple[str, ...]:
    """The document codes the flow step (default: the case's current step) produces."""
    from sanxiang.catalog import flows

    flow = flows.get(case.flow_key)
    step = step or case.current_step
    if flow is None or not flow.has_step(step):
        return ()
    return tuple(flow.step(step).documents)


# --- PUB-17: the decision document check ----------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal("0")
    except (InvalidOperation, ValueError):
        return Decimal("0")


def check_decision_document(values: dict) -> list[str]:
    """The problems (in Chinese) that forbid issuing a general-procedure penalty decision (PUB-17); empty = fine.

    Keys: ``evidence_reasoning`` (证据采信), ``basis_reasoning`` (依据适用), ``discretion_reasoning`` (裁量理由),
    ``legal_basis``; ``payment_manner`` and ``payment_deadline_days`` when a fine or a confiscation of
    gains is imposed (``penalty_kinds``, ``fine_amount``, ``confiscation_amount``); ``remedies`` naming
    行政复议 within sixty days and 行政诉讼 within six months; ``sealed``.
    """
    problems = []
    for key, label in (("evidence_reasoning", "证据采信理由"), ("basis_reasoning", "法律依据适用理由"),
                       ("discretion_reasoning", "裁量理由")):
        if _blank(values.get(key)):
            problems.append(f"决定书缺少{label}")
    if _blank(values.get("legal_basis")):
        problems.append("决定书缺少作出处罚的法律依据")
    kinds = values.get("penalty_kinds") or []
    monetary = (any(k in MONETARY_KINDS for k in kinds) or _amount(values.get("fine_amount")) > 0
                or _amount(values.get("confiscation_amount")) > 0)
    if monetary:
        if _blank(values.get("payment_manner")):
            problems.append("处以罚款或者没收违法所得的，决定书须写明缴纳方式")
        try:
            days = int(str(values.get("payment_deadline_days", "")).strip())
        except ValueError:
            days = 0
        if days <= 0:
            problems.append("处以罚款或者没收违法所得的，决定书须写明缴纳期限")
    remedies = str(values.get("remedies") or "")
    compact = re.sub(r"\s+", "", remedies)
    if "行政复议" not in compact or not any(w in compact for w in ("六十日", "60日")):
        problems.append("救济途径须告知可以在六十日内申请行政复议")
    if "行政诉讼" not in compact or not any(w in compact for w in ("六个月", "6个月")):
        problems.append("救济途径须告知可以在六个月内提起行政诉讼")
    if values.get("sealed") is not True:
        problems.append("决定书须加盖行政机关印章")
    return problems


def decision_check_input(case: Case, *, data: dict | None, extra: dict | None, sealed: bool) -> dict:
    """What the PUB-17 check reads: the case's decided penalty, the decision step's data, the officer's input."""
    check = {"penalty_kinds": case.penalty_kinds, "fine_amount": case.fine_amount,
             "confiscation_amount": case.confiscation_amount, "legal_basis": case.legal_basis}
    for source in (data or {}, extra or {}):
        check.update({k: v for k, v in source.items() if k in CHECK_KEYS})
    check["sealed"] = bool(sealed) or check.get("sealed") is True
    return check


# --- Verification address and the DOCX footer ---------------------------------------------------------


def verify_path(token: str) -> str:
    return reverse("document_verify:detail", args=[token])


def verify_url(token: str) -> str:
    """The address printed in the QR code: absolute when ``SANXIANG["PUBLIC_BASE_URL"]`` is set."""
    base = (settings.SANXIANG.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}{verify_path(token)}"


def new_token() -> str:
    while True:
        token = secrets.token_urlsafe(16)[:22]
        if not IssuedDocument.objects.filter(verify_token=token).exists():
            return token


def add_verification_footer(docx: bytes, url: str, number: str = "") -> bytes:
    """The DOCX with the QR code of ``url`` and the address in the footer of each of its sections."""
    from docx import Document as Docx
    from docx.shared import Cm, Pt

    from .pdf import qr_png

    doc = Docx(io.BytesIO(docx))
    png = qr_png(url, scale=6)
    for index, section in enumerate(doc.sections):
        footer = section.footer
        if index and footer.is_linked_to_previous:
            continue
        paragraph = footer.add_paragraph()
        paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(2.0))
        label = "扫码或访问以下地址核验本文书" + (f"（{number}）" if number else "") + "："
        run = paragraph.add_run(f"  {label}{url}")
        run.font.size = Pt(8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- Templates --------------------------------------------------------------------------------------------


def current_template(agency, code: str) -> TemplateVersion | None:
    """The newest version of the agency's template for ``code``, else the newest system-wide one."""
    found = TemplateVersion.objects.filter(code=code, agency=agency).order_by("-number").first()
    return found or TemplateVersion.objects.filter(code=code, agency__isnull=True).order_by("-number").first()


def template_variables() -> set[str]:
    return {name.replace(".", "_") for name in catalog.PLACEHOLDERS} | set(EXTRA_NAMES)


def template_context(document: catalog.Document, values: dict, *, agency_name: str, number: str, url: str,
                     issued_on: datetime.date | None) -> dict:
    context = {name.replace(".", "_"): values.get(name) or catalog.BLANK for name in catalog.PLACEHOLDERS}
    context.update(document_name=document.name, number=number, number_line=catalog.number_line(document, number),
                   agency_name=agency_name, verify_url=url,
                   issue_date=f"{issued_on.year}年{issued_on.month}月{issued_on.day}日" if issued_on else "")
    return context


def _jinja():
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment()


def render_template_bytes(data: bytes, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(data))
    template.render(context, jinja_env=_jinja(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def read_template(version: TemplateVersion) -> bytes:
    with access_log.open_content(version.docx) as stream:
        return stream.read()


def validate_template(data: bytes) -> None:
    """Refuse a template that is not a DOCX python-docx opens, that docxtpl cannot render, or that uses unknown names."""
    from docx import Document as Docx
    from docxtpl import DocxTemplate

    if len(data) > TEMPLATE_MAX_BYTES:
        raise ValidationError({"file": f"模板文件不能超过{TEMPLATE_MAX_BYTES // (1024 * 1024)} MB"})
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError({"file": "模板须为 Word 文档（DOCX）"})
    try:
        Docx(io.BytesIO(data))
    except Exception:  # noqa: BLE001 — python-docx raises many kinds for a broken package
        raise ValidationError({"file": "模板不是有效的 Word 文档（DOCX），无法打开"}) from None
    try:
        names = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env=_jinja())
        render_template_bytes(data, {})
    except Exception as error:  # noqa: BLE001 — Jinja syntax errors and broken XML alike
        raise ValidationError({"file": f"模板中的填写项语法有误，无法生成文书：{str(error)[:200]}"}) from None
    unknown = sorted(set(names) - template_variables())
    if unknown:
        raise ValidationError({"file": "模板使用了未登记的填写项：" + "、".join(unknown[:20])
                               + "（填写项为文书填写项名称中的“.”换成“_”，如 party_name）"})


def _template_holder(user, agency, holder):
    actor = actor_of(user)
    if agency is not None:
        return agency
    if holder is not None:
        return holder
    if actor.agency_id:
        from sanxiang.org.models import Agency

        return Agency.objects.get(pk=actor.agency_id)
    raise ValidationError({"holder": "请选择保存系统通用模板记录的执法主体"})


def upload_template(user, code: str, data: bytes, *, agency=None, note: str = "", original_name: str = "",
                    holder=None) -> TemplateVersion:
    """A new version of the template of ``code`` for ``agency`` (None: system-wide; superusers only)."""
    actor = actor_of(user)
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.is_superuser:
        if agency is None or not actor.has(Role.ADMINISTRATOR) or actor.agency_id != agency.pk:
            raise PermissionDenied("只有本执法主体的系统管理员可以上传文书模板；系统通用模板由超级管理员上传")
    document = catalog.get(code)
    if document is None:
        raise ValidationError({"code": "没有该文书"})
    note = _clean_text("note", note, "修订说明", 2000)
    validate_template(data)
    record_agency = _template_holder(user, agency, holder)
    with transaction.atomic():
        last = (TemplateVersion.objects.select_for_update().filter(code=code, agency=agency)
                .order_by("-number").values_list("number", flat=True).first())
        number = (last or 0) + 1
        scope = agency.name if agency else "系统通用"
        record = ingest.ingest_stream(SYSTEM, [data], {
            "title": f"文书模板 {document.name}（{scope}）第{number}版", "kind": "document",
            "original_name": _file_name(original_name) or f"{code}-v{number}.docx", "agency": record_agency.pk,
        }, uploaded_by=user)
        try:
            with transaction.atomic():
                version = TemplateVersion.objects.create(code=code, agency=agency, number=number, docx=record, note=note,
                                                         created_at=timezone.now(), created_by=user)
        except IntegrityError:
            raise Conflict("同时有人上传了该文书的模板，请刷新后重试") from None
        audit.record(user, "cases.template.upload", version,
                     after={"code": code, "agency": agency.pk if agency else None, "number": number,
                            "evidence": record.pk, "sha256": record.blob_id})
    return version


# --- Issuing ------------------------------------------------------------------------------------------


def _clean_text(field: str, value, label: str, limit: int = EXTRA_MAX_LENGTH) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过{limit}字"})
    if MARKUP.search(text) or CONTROL.search(text):
        raise ValidationError({field: f"{label}只能是纯文字，不能含有尖括号、HTML 标记或控制字符"})
    return text


def clean_extra(extra: dict | None) -> dict:
    """The officer's input: plain text values only (numbers, dates, lists of them as given by step data)."""
    cleaned = {}
    for key, value in (extra or {}).items():
        if isinstance(value, str):
            cleaned[key] = _clean_text(key, value, catalog.PLACEHOLDERS.get(key, key))
        else:
            cleaned[key] = value
    return cleaned


def _file_name(name: str) -> str:
    name = re.sub(r"[\\/:\x00-\x1f]", "_", name or "").strip()
    return name[:200]


def _target(case: Case) -> dict:
    party = case.primary_party
    if party is None:
        return {}
    check = check_party_identifier(party.party_type, party.id_number)
    if check.errors:
        return {"target_name": party.name[:200]}
    return {"target_type": party.party_type, "target_id": check.value, "target_name": party.name[:200]}


def _officer_ids(case: Case, step_record: StepRecord | None) -> list[int]:
    ids = list((step_record.data.get("officers") if step_record else None) or [])
    if not ids:
        ids = list(case.officer_links.filter(until__isnull=True).values_list("person_id", flat=True))
    return list(Person.objects.filter(pk__in=ids, agency_id=case.agency_id, is_active=True).values_list("pk", flat=True))


def _may_issue(user, case: Case) -> bool:
    if isinstance(user, SystemActor):
        return True
    return Case.objects.restrict(user, CHANGE).filter(pk=case.pk).exists()


def _latest_data(case: Case, step: str) -> dict:
    record = (StepRecord.objects.filter(case=case, step=step, action__in=(StepRecord.Action.TRANSITION,
                                                                            StepRecord.Action.CORRECT))
              .order_by("-index").first())
    return dict(record.data) if record else {}


@dataclass
class Prepared:
    """A document rendered and numbered, not yet stored (see :func:`prepare_document`)."""

    case: Case
    code: str
    document: catalog.Document
    values: dict
    number: str
    token: str
    template: TemplateVersion | None
    docx: bytes
    pdf: bytes
    sealed: bool
    issued_at: datetime.datetime
    corrects: IssuedDocument | None


def issue_document(user, case: Case, code: str, extra: dict | None = None, *, step_record: StepRecord | None = None,
                   sealed: bool = False, corrects: IssuedDocument | None = None,
                   issued_at: datetime.datetime | None = None, check_step: bool = True) -> IssuedDocument:
    """Issue document ``code`` in ``case`` (see the module docstring); returns the new IssuedDocument.

    Raises ``PermissionDenied`` (the user may not act on the case), ``ValidationError`` (unknown code,
    a code not produced at the case's current step, bad input) or ``RuleViolation`` (PUB-17 for a
    decision that fails the document check; REC-08 for an archived case). Nothing is written then.
    """
    with transaction.atomic():
        prepared = prepare_document(user, case, code, extra, step_record=step_record, sealed=sealed,
                                    corrects=corrects, issued_at=issued_at, check_step=check_step)
        return store_document(user, prepared, step_record=step_record)


def prepare_document(user, case: Case, code: str, extra: dict | None = None, *, step_record: StepRecord | None = None,
                     sealed: bool = False, corrects: IssuedDocument | None = None,
                     issued_at: datetime.datetime | None = None, check_step: bool = True) -> Prepared:
    """Check, number and render a document (the slow part) — before anything is appended to the record log,
    so the log is not held while WeasyPrint works. ``step_record`` may be unsaved (the step being recorded).
    Must run inside the transaction that stores it (the number is taken under a row lock)."""
    document = catalog.get(code)
    if document is None:
        raise ValidationError({"code": f"没有代码为“{code}”的文书"})
    if not _may_issue(user, case):
        raise PermissionDenied("无权为该案件出具文书")
    if case.kind not in document.act_kinds:
        raise ValidationError({"code": f"{document.name}不适用于{case.get_kind_display()}案件"})
    if corrects is not None and (corrects.case_id != case.pk or corrects.code != code):
        raise ValidationError({"corrects": "更正的文书须为本案同一种文书"})
    if step_record is None and corrects is None and check_step and code not in step_codes(case):
        raise ValidationError({"code": f"案件当前环节不出具{document.name}"})
    if case.status == CaseStatus.ARCHIVED:
        raise RuleViolation("REC-08", f"案件{case.number}已归档，不能再出具文书")
    extra = clean_extra(extra)
    issued_at = issued_at or timezone.now()
    issued_on = clocks.local_date(issued_at)
    values = values_for(case, code, extra, step_record=step_record)
    if code == DECISION_CODE:
        data = step_record.data if step_record is not None else _latest_data(case, "penalty_decision")
        problems = check_decision_document(decision_check_input(case, data=data, extra=extra, sealed=sealed))
        if problems:
            raise RuleViolation("PUB-17", "；".join(problems))
    number = numbering.next_document_number(case.agency, code, document.number_mark, issued_on.year) \
        if is_numbered(document) else ""
    token = new_token()
    url = verify_url(token)
    agency_name = case.agency.name
    template = current_template(case.agency, code)
    if template is not None:
        context = template_context(document, values, agency_name=agency_name, number=number, url=url,
                                   issued_on=issued_on)
        docx = render_template_bytes(read_template(template), context)
    else:
        docx = catalog.render_docx(document, values, agency_name=agency_name, number=number)
    docx = add_verification_footer(docx, url, number)

    from .pdf import render_pdf

    pdf = render_pdf(code, values, agency_name=agency_name, number=number, verify_url=url, sealed=sealed,
                     issued_on=issued_on if document.seal else None)
    return Prepared(case=case, code=code, document=document, values=values, number=number, token=token,
                    template=template, docx=docx, pdf=pdf, sealed=bool(sealed), issued_at=issued_at, corrects=corrects)


def store_document(user, prepared: Prepared, *, step_record: StepRecord | None = None) -> IssuedDocument:
    """Store a prepared document: DOCX and PDF into the record store (two log leaves), the row, the audit event."""
    case, document, number, token = prepared.case, prepared.document, prepared.number, prepared.token
    title = f"{document.name} {number}".strip()
    if prepared.corrects is not None:
        title = f"{title}（更正）"
    base = _file_name(f"{document.name}{('-' + number) if number else ''}-{token[:6]}")
    metadata = {
        "title": title[:200], "kind": "document", "case_ref": case.number,
        "step_ref": (step_record.step if step_record is not None else case.current_step)[:64],
        "officers": _officer_ids(case, step_record), "served_to_party": is_served(document),
        "agency": case.agency_id, **_target(case),
    }
    uploaded_by = user if not isinstance(user, SystemActor) else None
    docx_record = ingest.ingest_stream(SYSTEM, [prepared.docx], {**metadata, "original_name": f"{base}.docx"},
                                       uploaded_by=uploaded_by)
    pdf_record = ingest.ingest_stream(SYSTEM, [prepared.pdf], {**metadata, "original_name": f"{base}.pdf"},
                                      uploaded_by=uploaded_by)
    issued = IssuedDocument.objects.create(
        case=case, step_record=step_record, code=prepared.code, title=document.name, number=number,
        values=prepared.values, template=prepared.template, docx=docx_record, pdf=pdf_record,
        sha256=docx_record.blob_id, pdf_sha256=pdf_record.blob_id, verify_token=token, issued_at=prepared.issued_at,
        issued_by=uploaded_by, sealed=prepared.sealed, corrects=prepared.corrects,
    )
    audit.record(user, "cases.document.issue", issued, after={
        "case": case.number, "code": prepared.code, "number": number, "docx": docx_record.pk, "pdf": pdf_record.pk,
        "sha256": issued.sha256, "pdf_sha256": issued.pdf_sha256,
        "template": prepared.template.pk if prepared.template else None,
        "corrects": prepared.corrects.pk if prepared.corrects else None, "sealed": prepared.sealed,
    })
    return issued


def prepare_step_documents(ctx, spec) -> list[Prepared]:
    """Render the documents ``spec.documents`` names for the step being recorded, from its input (``ctx.data``),
    before the engine appends anything to the record log. Most steps name none: then nothing is read."""
    codes = getattr(spec, "documents", ()) or ()
    if not codes:
        return []
    from .fields import jsonable

    draft = StepRecord(case=ctx.case, step=ctx.target, data=jsonable(ctx.data), occurred_at=ctx.occurred_at,
                       action=ctx.action)
    sealed = ctx.data.get("sealed") is True
    return [prepare_document(ctx.user, ctx.case, code, {}, step_record=draft, sealed=sealed,
                             issued_at=ctx.occurred_at) for code in codes]


def store_step_documents(ctx, record, prepared: list[Prepared]) -> list[IssuedDocument]:
    """Store what :func:`prepare_step_documents` rendered, linked to the now-written step record."""
    return [store_document(ctx.user, item, step_record=record) for item in prepared]
