"""The fill-in values of a case document (文书填写内容): placeholders filled from the case, never invented.

:func:`values_for` returns ``{placeholder name: text}`` for the placeholders of
:data:`sanxiang.catalog.documents.PLACEHOLDERS`, from four sources, each overriding the one before:

1. the case itself: the agency, the case row (number, cause, source, dates, the proposed or decided
   penalty, facts, legal basis), the first party (当事人), the officers (names and the numbers of their
   valid enforcement certificates on the day);
2. the recorded steps' data (``StepRecord.data``), oldest first, so the latest step of each kind wins.
   A data key names a placeholder when it is the placeholder itself (``party.agent``), the placeholder
   with dots replaced by underscores (``party_agent``), or one of the :data:`ALIASES` the step forms use
   (``discretion_reasoning`` → ``penalty.discretion``);
3. the step record the document is issued for (its data, and its time as ``record.time``);
4. ``extra``: what the officer typed for this document.

A value nobody gave stays out of the dict, so the document shows a blank (``＿＿＿＿``) there.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from sanxiang.catalog import documents as catalog
from sanxiang.catalog.vocab import PenaltyKind
from sanxiang.org.models import CertificateStatus, Person

from . import clocks, steps
from .models import Case, CaseOfficer, Party, StepRecord

# Keys of step data (as the step forms name them) → the placeholder they fill.
ALIASES: dict[str, str] = {
    "evidence_reasoning": "facts.evidence",
    "basis_reasoning": "law.nature",
    "discretion_reasoning": "penalty.discretion",
    "legal_basis": "law.penalty_basis",
    "violated": "law.violated",
    "violated_provisions": "law.violated",
    "facts": "facts.summary",
    "payment_manner": "payment.method",
    "payment_method": "payment.method",
    "payment_deadline_days": "payment.deadline",
    "payment_deadline": "payment.deadline",
    "review_body": "remedy.review_body",
    "court": "remedy.court",
    "statement_opinion": "facts.statement",
    "conclusion": "review.conclusion",
    # the simple decision flows (登记 → 决定 → 送达)
    "matter": "decision.matter",
    "decision_text": "decision.content",
    "basis": "decision.basis",
    "decided_on": "decision.date",
    "recipient": "service.receiver",
    "delivery_method": "service.method",
}
STEP_ACTIONS = (StepRecord.Action.REGISTER, StepRecord.Action.TRANSITION, StepRecord.Action.CORRECT,
                StepRecord.Action.NOTE)
UNDERSCORED = {name.replace(".", "_"): name for name in catalog.PLACEHOLDERS}
SKIPPED_KINDS = ("evidence",)


def placeholder_for(key: str) -> str | None:
    """The placeholder a data key fills, if any."""
    if key in catalog.PLACEHOLDERS:
        return key
    return UNDERSCORED.get(key) or ALIASES.get(key)


# --- Formatting ------------------------------------------------------------------------------------


def format_date(value) -> str:
    if isinstance(value, datetime.datetime):
        value = clocks.local_date(value)
    return f"{value.year}年{value.month}月{value.day}日"


def format_moment(value: datetime.datetime) -> str:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.year}年{local.month}月{local.day}日{local.hour:02d}时{local.minute:02d}分"


def format_amount(value) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _date_from_text(text: str):
    moment = parse_datetime(text) if "T" in text or " " in text else None
    if moment is not None:
        return moment
    try:
        return parse_date(text)
    except ValueError:
        return None


def _names(ids) -> str:
    ids = [i for i in (ids if isinstance(ids, (list, tuple)) else [ids]) if isinstance(i, int)]
    people = {p.pk: p.name for p in Person.objects.filter(pk__in=ids)}
    return "、".join(people[i] for i in ids if i in people)


def format_value(value, field=None) -> str:
    """A typed step value as the text a document shows (dates in Chinese, choices by label, people by name)."""
    kind = field.kind if field is not None else ""
    if value is None or value == "" or value == []:
        return ""
    if kind in ("person", "people"):
        return _names(value)
    if kind in ("choice", "multichoice") and field.choices:
        labels = dict(field.choices)
        items = value if isinstance(value, (list, tuple)) else [value]
        return "、".join(str(labels.get(v, v)) for v in items)
    if isinstance(value, bool) or kind == "bool":
        return "是" if value else "否"
    if kind == "decimal" or isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    if kind in ("date", "datetime") and isinstance(value, str):
        parsed = _date_from_text(value)
        if isinstance(parsed, datetime.datetime):
            return format_moment(parsed)
        if isinstance(parsed, datetime.date):
            return format_date(parsed)
    if isinstance(value, (list, tuple)):
        return "、".join(format_value(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return ""
    return str(value).strip()


# --- Sources ----------------------------------------------------------------------------------------


def penalty_content(kinds, fine_amount=None, confiscation_amount=None) -> str:
    """罚款人民币5,000元；没收违法所得人民币1,200元 … from the penalty kinds and amounts (empty when none)."""
    labels = dict(PenaltyKind.choices)
    parts = []
    for kind in kinds or []:
        label = str(labels.get(kind, kind))
        if kind == PenaltyKind.FINE and fine_amount not in (None, ""):
            parts.append(f"{label}人民币{format_amount(fine_amount)}元")
        elif kind == PenaltyKind.CONFISCATE_GAINS and confiscation_amount not in (None, ""):
            parts.append(f"{label}人民币{format_amount(confiscation_amount)}元")
        else:
            parts.append(label)
    return "；".join(parts)


def _gender(party: Party) -> str:
    if party.id_type != Party.IdType.ID_CARD or len(party.id_number) != 18 or not party.id_number[16].isdigit():
        return ""
    return "男" if int(party.id_number[16]) % 2 else "女"


def party_values(party: Party | None) -> dict:
    if party is None:
        return {}
    values = {
        "party.name": party.name, "party.id_number": party.id_number, "party.address": party.address,
        "party.legal_rep": party.legal_representative, "party.phone": party.phone,
    }
    if not party.is_organisation:
        values["party.gender"] = _gender(party)
    return values


def certificate_number(person: Person, agency, day: datetime.date) -> str:
    """The number of ``person``'s enforcement certificate valid for ``agency`` on ``day`` (empty if none)."""
    for certificate in person.certificates.select_related("region").order_by("pk"):
        if (certificate.status_on(day) == CertificateStatus.VALID and agency.system in certificate.categories
                and agency.region.path.startswith(certificate.region.path)):
            return certificate.number
    return ""


def officers_of(case: Case, ids=None) -> list[Person]:
    """The officers named in a step's data (``ids``), else the case's current officers, lead first."""
    if ids:
        found = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]
    links = list(CaseOfficer.objects.filter(case=case, until__isnull=True).select_related("person").order_by("since", "pk"))
    people = [link.person for link in links if link.role == CaseOfficer.Role.LEAD]
    return people + [link.person for link in links if link.role != CaseOfficer.Role.LEAD]


def officer_values(case: Case, people: list[Person], day: datetime.date) -> dict:
    if not people:
        return {}
    numbers = [certificate_number(p, case.agency, day) for p in people]
    return {"officers.names": "、".join(p.name for p in people),
            "officers.cert_numbers": "、".join(n for n in numbers if n)}


def case_values(case: Case) -> dict:
    agency = case.agency
    values = {
        "agency.name": agency.name, "agency.address": agency.address, "agency.phone": agency.phone,
        "case.number": case.number, "case.cause": case.title, "case.source": case.get_source_display(),
        "case.registered_on": format_date(case.registered_at) if case.registered_at else "",
        "case.filed_on": format_date(case.filed_on) if case.filed_on else "",
        "decision.date": format_date(case.decided_on) if case.decided_on else "",
        "facts.summary": case.facts, "law.penalty_basis": case.legal_basis,
        "penalty.content": penalty_content(case.penalty_kinds, case.fine_amount, case.confiscation_amount),
        "penalty.fine_amount": format_amount(case.fine_amount) if case.fine_amount is not None else "",
    }
    return values


def _fields_of(case: Case, step: str) -> dict:
    return {f.name: f for f in steps.spec_for(case.flow_key, step).all_fields()}


def data_values(case: Case, step: str, data: dict) -> dict:
    """The placeholders a step's data fills (see the module docstring)."""
    fields = _fields_of(case, step)
    values: dict[str, str] = {}
    direct = set()
    for key, value in (data or {}).items():
        name = placeholder_for(key)
        field = fields.get(key)
        if name is None or (field is not None and field.kind in SKIPPED_KINDS):
            continue
        if key in ALIASES and name in direct:
            continue  # the placeholder itself was given: it wins over an alias
        if name == "payment.deadline" and key == "payment_deadline_days" and value not in (None, ""):
            text = f"自收到本决定书之日起{value}日内"
        else:
            text = format_value(value, field)
        if text:
            values[name] = text
            if key not in ALIASES:
                direct.add(name)
    penalty_keys = ("penalty_kinds", "fine_amount", "confiscation_amount")
    if any(k in (data or {}) for k in penalty_keys) and "penalty.content" not in direct:
        content = penalty_content(data.get("penalty_kinds", case.penalty_kinds), data.get("fine_amount", case.fine_amount),
                                  data.get("confiscation_amount", case.confiscation_amount))
        if content:
            values["penalty.content"] = content
        if data.get("fine_amount") not in (None, ""):
            values["penalty.fine_amount"] = format_amount(data["fine_amount"])
    return values


def values_for(case: Case, code: str, extra: dict | None = None, *, step_record: StepRecord | None = None,
               history: list[StepRecord] | None = None) -> dict:
    """The placeholder values of document ``code`` in ``case`` (only the placeholders the document uses)."""
    document = catalog.DOCUMENTS[code]
    values = case_values(case)
    values.update(party_values(case.primary_party))
    records = history if history is not None else list(StepRecord.objects.filter(case=case).order_by("index"))
    officer_ids = None
    for record in records:
        if record.action not in STEP_ACTIONS or (step_record is not None and record.pk == step_record.pk):
            continue
        values.update(data_values(case, record.step, record.data))
    day = timezone.localdate()
    if step_record is not None:
        own = data_values(case, step_record.step, step_record.data)
        own.setdefault("record.time", format_moment(step_record.occurred_at))
        values.update(own)
        officer_ids = step_record.data.get("officers") or None
        day = clocks.local_date(step_record.occurred_at)
    values.update(officer_values(case, officers_of(case, officer_ids), day))
    if extra:
        values.update(data_values(case, step_record.step if step_record is not None else case.current_step, extra))
    used = set(catalog.placeholders_of(document))
    return {name: text for name, text in values.items() if name in used and text}


def missing_placeholders(case: Case, code: str) -> list[tuple[str, str]]:
    """(name, label) of the placeholders of ``code`` the case does not fill: what the issue form asks for."""
    filled = values_for(case, code, {})
    document = catalog.DOCUMENTS[code]
    return [(name, catalog.PLACEHOLDERS[name]) for name in catalog.placeholders_of(document) if name not in filled]
