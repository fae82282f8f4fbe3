"""Reads of the cases app for the staff pages (办案查询): case lists, a case's page, the home panel.

Every read starts from ``Case.objects.restrict(user, …)`` (or a model that follows its case), so a
user never sees a case the access rules hide. The list is built to stay fast with a million cases:
filters on indexed columns (agency/department + status + registered_at, deadline_on, the officers'
``(person, until)`` index), keyset paging on ``(-registered_at, -pk)``, a capped count, only the
columns the list shows, and one query for the page's first parties.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date

from sanxiang.catalog import flows
from sanxiang.catalog.vocab import ActKind
from sanxiang.core.access import CHANGE, VIEW
from sanxiang.core.identifiers import mask_id_number
from sanxiang.org.access import actor_of
from sanxiang.org.models import Department, Person, Role
from sanxiang.records.models import EvidenceRecord

from . import clocks
from .fields import Field
from .models import AgencyCaseRules, Case, CaseOfficer, CaseStatus, IssuedDocument, Party, StepRecord

PAGE_SIZE = 50
COUNT_CAP = 1000
DEADLINE_STATES = (clocks.OVERDUE, clocks.DUE_SOON, clocks.ON_TIME)
ALL_STATUSES = "all"
LIST_COLUMNS = ("id", "number", "title", "kind", "flow_key", "current_step", "status", "registered_at", "deadline_on",
                "deadline_label", "agency_id", "department_id", "department__name", "version")


# --- list -----------------------------------------------------------------------------------------

@dataclass
class Filters:
    """The list's filters, each already checked (a bad value is dropped, never an error)."""

    q: str = ""
    kind: str = ""
    status: str = CaseStatus.OPEN
    department: int | None = None
    mine: bool = False
    deadline: str = ""
    registered_from: datetime.date | None = None
    registered_to: datetime.date | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind or self.status != CaseStatus.OPEN or self.department or self.mine
                    or self.deadline or self.registered_from or self.registered_to)


def parse_filters(params) -> Filters:
    """Filters from a query string (``request.GET``); unknown or malformed values are ignored."""
    out = Filters()
    out.q = (params.get("q") or "").strip()[:100]
    kind = params.get("kind") or ""
    out.kind = kind if kind in ActKind.values else ""
    status = params.get("status")
    if status is not None:
        out.status = status if status in CaseStatus.values or status == ALL_STATUSES else ALL_STATUSES
    department = params.get("department") or ""
    out.department = int(department) if department.isascii() and department.isdigit() and len(department) < 12 else None
    out.mine = params.get("mine") in ("1", "on", "true")
    deadline = params.get("deadline") or ""
    out.deadline = deadline if deadline in DEADLINE_STATES else ""
    for name, attr in (("from", "registered_from"), ("to", "registered_to")):
        try:
            value = parse_date((params.get(name) or "").strip()[:10])
        except ValueError:
            value = None
        setattr(out, attr, value)
    return out


def default_due_soon_days() -> int:
    return int(settings.CASES["DUE_SOON_DAYS"])


def due_soon_days_for(agency_ids) -> dict[int, int]:
    """Each agency's "due soon" days (its 办案参数, else the default), in one query."""
    default = default_due_soon_days()
    ids = {i for i in agency_ids if i}
    out = dict.fromkeys(ids, default)
    if ids:
        for agency_id, days in AgencyCaseRules.objects.filter(agency_id__in=ids).values_list("agency_id", "due_soon_days"):
            if days is not None:
                out[agency_id] = days
    return out


def _viewer_due_soon_days(user) -> int:
    agency_id = actor_of(user).agency_id
    return due_soon_days_for([agency_id]).get(agency_id, default_due_soon_days()) if agency_id else default_due_soon_days()


def deadline_q(state: str, today: datetime.date, due_soon_days: int) -> Q:
    """The stored nearest deadline (``deadline_on``) against today — not the stored ``deadline_state``."""
    soon = today + datetime.timedelta(days=due_soon_days)
    if state == clocks.OVERDUE:
        return Q(deadline_on__lt=today)
    if state == clocks.DUE_SOON:
        return Q(deadline_on__gte=today, deadline_on__lte=soon)
    return Q(deadline_on__gt=soon)


def my_cases_q(user) -> Q:
    """Cases the user now handles (an active ``CaseOfficer`` row: the ``(person, until)`` index)."""
    person_id = actor_of(user).person_id
    if not person_id:
        return Q(pk__in=[])
    return Q(pk__in=CaseOfficer.objects.filter(person_id=person_id, until__isnull=True).values("case_id"))


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def case_list(user, filters: Filters | None = None, *, today: datetime.date | None = None) -> QuerySet:
    """The cases ``user`` may see, filtered, newest first (``-registered_at, -pk``), with only the list's columns."""
    filters = filters or Filters()
    today = today or timezone.localdate()
    cases = Case.objects.restrict(user, VIEW)
    if filters.status != ALL_STATUSES:
        cases = cases.filter(status=filters.status)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.department:
        cases = cases.filter(department_id=filters.department)
    if filters.mine:
        cases = cases.filter(my_cases_q(user))
    if filters.deadline:
        cases = cases.filter(deadline_q(filters.deadline, today, _viewer_due_soon_days(user)))
    if filters.registered_from:
        cases = cases.filter(registered_at__gte=_day_start(filters.registered_from))
    if filters.registered_to:
        cases = cases.filter(registered_at__lt=_day_start(filters.registered_to + datetime.timedelta(days=1)))
    if filters.q:
        q = filters.q
        # A correlated EXISTS, probed per candidate case (the parties' case index): bounded by the cases the user
        # sees and stops with the page, where "pk IN (parties named …)" would scan every party of every agency.
        party = Exists(Party.objects.filter(case_id=OuterRef("pk"), name__icontains=q))
        cases = cases.filter(Q(number__icontains=q) | Q(title__icontains=q) | party)
    return (cases.select_related("department").only(*LIST_COLUMNS)
            .prefetch_related(Prefetch("parties", queryset=Party.objects.filter(position=0).order_by().only(
                "id", "case_id", "name", "position"), to_attr="first_parties"))
            .order_by("-registered_at", "-pk"))


@dataclass
class Row:
    case: Case
    flow_name: str
    step_name: str
    party: str
    badge: str
    badge_label: str


@dataclass
class ListPage:
    rows: list[Row]
    next_after: int | None
    prev_before: int | None
    count: int | None  # None on later pages (no count query there)
    count_capped: bool
    first: bool = field(default=True)


def _anchor(queryset: QuerySet, pk: str | None):
    if not pk or not str(pk).isascii() or not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    return queryset.filter(pk=int(pk)).values_list("registered_at", "pk").first()


def page_of(queryset: QuerySet, *, after: str | None = None, before: str | None = None,
            today: datetime.date | None = None, size: int = PAGE_SIZE, count_first_page: bool = False) -> ListPage:
    """One page by keyset (``after``/``before`` a case's pk on the list); the count is capped at :data:`COUNT_CAP`."""
    today = today or timezone.localdate()
    base = queryset
    anchor = _anchor(base.order_by(), after) if after else None
    backwards = False
    if anchor:
        at, pk = anchor
        queryset = queryset.filter(Q(registered_at__lt=at) | Q(registered_at=at, pk__lt=pk))
    elif before:
        anchor = _anchor(base.order_by(), before)
        if anchor:
            at, pk = anchor
            queryset = queryset.filter(Q(registered_at__gt=at) | Q(registered_at=at, pk__gt=pk)).order_by(
                "registered_at", "pk")
            backwards = True
    found = list(queryset[:size + 1])
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
    first = not anchor or (backwards and not more)
    next_after = found[-1].pk if found and (more or backwards) else None
    prev_before = found[0].pk if found and not first else None
    if not anchor and not more:
        count = len(found)  # everything is on this page: no count query
    elif not anchor and count_first_page:
        count = base.order_by()[:COUNT_CAP + 1].count()  # capped: never a COUNT(*) over the whole table
    else:
        count = None  # no total: with a million cases even a capped count costs more than the page itself
    due_soon = due_soon_days_for({c.agency_id for c in found})
    rows = []
    for case in found:
        flow = flows.get(case.flow_key)
        state = clocks.badge_state(case.deadline_on, today, due_soon.get(case.agency_id, default_due_soon_days())) \
            if case.status == CaseStatus.OPEN else ""
        party = case.first_parties[0].name if getattr(case, "first_parties", None) else ""
        rows.append(Row(case, flow.name if flow else case.flow_key, step_name(case, case.current_step), party, state,
                        clocks.STATE_LABELS.get(state, "")))
    return ListPage(rows, next_after, prev_before, None if count is None else min(count, COUNT_CAP),
                    count is not None and count > COUNT_CAP, first)


def list_choices(user) -> dict:
    """The filter form's choices: kinds and the departments the user may filter by."""
    actor = actor_of(user)
    departments = Department.objects.none()
    if actor.is_superuser:
        departments = Department.objects.select_related("agency").order_by("agency__name", "name")[:300]
    elif actor.agency_id:
        departments = Department.objects.filter(agency_id=actor.agency_id).select_related("agency").order_by("name")
    return {"kinds": ActKind.choices, "statuses": CaseStatus.choices, "departments": list(departments),
            "deadlines": [(s, clocks.STATE_LABELS[s]) for s in DEADLINE_STATES]}


# --- one case -------------------------------------------------------------------------------------

def step_name(case: Case, key: str) -> str:
    flow = flows.get(case.flow_key)
    return flow.step(key).name if flow and key and flow.has_step(key) else key


def visible_case(user, pk: int) -> Case:
    """The case if ``user`` may see it, else 404 (another agency's case does not exist for them)."""
    case = Case.objects.restrict(user, VIEW).select_related("agency__region", "department", "parent", "registered_by",
                                                           "item").filter(pk=pk).first()
    if case is None:
        raise Http404("案件不存在")
    return case


def may_change(user, case: Case) -> bool:
    return Case.objects.restrict(user, CHANGE).filter(pk=case.pk).exists()


def handles(user, case: Case) -> bool:
    """The case's own officers (current or former), the agency's leaders and superusers see full ID numbers."""
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    if actor.agency_id != case.agency_id:
        return False
    if actor.has(Role.LEADER):
        return True
    return bool(actor.person_id) and CaseOfficer.objects.filter(case=case, person_id=actor.person_id).exists()


def is_leader(user, case: Case) -> bool:
    actor = actor_of(user)
    return actor.is_superuser or (actor.agency_id == case.agency_id and actor.has(Role.LEADER))


def shown_id(number: str, id_type: str, full: bool) -> str:
    """Natural persons' ID numbers are masked for viewers who do not handle the case (USCC are public)."""
    if full or not number or id_type == Party.IdType.USCC:
        return number
    return mask_id_number(number)


@dataclass
class PartyView:
    party: Party
    id_number: str
    representative_id_number: str


def parties(case: Case, full: bool) -> list[PartyView]:
    return [PartyView(p, shown_id(p.id_number, p.id_type, full),
                      shown_id(p.representative_id_number, Party.IdType.ID_CARD, full))
            for p in case.parties.order_by("position")]


def officers(case: Case) -> list[CaseOfficer]:
    return list(case.officer_links.select_related("person__department").order_by("until", "-role", "since", "pk"))


def history(case: Case) -> list[StepRecord]:
    return list(StepRecord.objects.filter(case=case).select_related("actor").order_by("index"))


def case_deadlines(case: Case, records: list[StepRecord], today: datetime.date | None = None):
    """``(deadlines, problem)``: the clocks of the case, or an explanation when they cannot be computed (no calendar)."""
    from django.core.exceptions import ValidationError

    try:
        return clocks.deadlines(case, records, today or timezone.localdate()), ""
    except ValidationError as error:
        return [], "；".join(error.messages)


def evidence(user, case: Case) -> list[EvidenceRecord]:
    """The case's evidence records (``case_ref`` = the case number) the user may see, oldest first."""
    return list(EvidenceRecord.objects.restrict(user, VIEW).filter(case_ref=case.number, agency_id=case.agency_id)
                .only("id", "title", "kind", "step_ref", "uploaded_at", "log_entry_id", "case_ref", "agency_id")
                .order_by("uploaded_at", "pk")[:500])


def documents(user, case: Case) -> list[IssuedDocument]:
    return list(IssuedDocument.objects.restrict(user, VIEW).filter(case=case).order_by("issued_at", "pk"))


def related(user, case: Case) -> dict:
    visible = Case.objects.restrict(user, VIEW)
    parent = visible.filter(pk=case.parent_id).only("id", "number", "title").first() if case.parent_id else None
    children = list(visible.filter(parent=case).only("id", "number", "title", "flow_key").order_by("registered_at", "pk")[:100])
    return {"parent": parent, "children": children}


def agency_people(agency_id: int) -> QuerySet:
    """The agency's active officers (and department heads) — who may be named as the case's officers."""
    return (Person.objects.filter(agency_id=agency_id, is_active=True,
                                  roles__role__in=(Role.OFFICER, Role.DEPARTMENT_HEAD))
            .select_related("department").distinct().order_by("department__name", "name"))


def active_people(agency_id: int) -> QuerySet:
    return Person.objects.filter(agency_id=agency_id, is_active=True).select_related("department").order_by("name")


def names_of(person_ids) -> dict[int, str]:
    ids = {int(i) for i in person_ids if isinstance(i, int) or (isinstance(i, str) and i.isdigit())}
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


# --- staff home -----------------------------------------------------------------------------------

def home_section(user) -> dict | None:
    """The home panel: my open cases, due soon, overdue (capped counts) and the nearest deadlines."""
    actor = actor_of(user)
    if not actor.person_id or not (actor.has(Role.OFFICER) or actor.has(Role.DEPARTMENT_HEAD)
                                   or actor.has(Role.LEADER)):
        return None
    today = timezone.localdate()
    days = _viewer_due_soon_days(user)
    mine = Case.objects.filter(my_cases_q(user), agency_id=actor.agency_id, status=CaseStatus.OPEN)

    def capped(queryset) -> int:
        return queryset.order_by()[:COUNT_CAP].count()

    nearest = list(mine.filter(deadline_on__isnull=False).only(
        "id", "number", "title", "deadline_on", "deadline_label", "agency_id").order_by("deadline_on", "pk")[:5])
    for case in nearest:
        case.badge = clocks.badge_state(case.deadline_on, today, days)
        case.badge_label = clocks.STATE_LABELS.get(case.badge, "")
    return {
        "open": capped(mine),
        "due_soon": capped(mine.filter(deadline_q(clocks.DUE_SOON, today, days))),
        "overdue": capped(mine.filter(deadline_q(clocks.OVERDUE, today, days))),
        "nearest": nearest,
        "cap": COUNT_CAP,
        "may_register": True,
    }


# --- timeline -------------------------------------------------------------------------------------

SIDE_LABELS = {
    "clock": "期限", "days": "延长天数", "pause_kind": "不计入期限的情形", "text": "内容", "officers": "承办人员",
    "department": "承办机构", "parent": "关联案件", "parties": "当事人",
    # Values the steps' checks compute and record with the step (not typed by the officer).
    "amount_due": "应缴金额", "archive_due": "归档期限", "cap": "上限", "decided_on": "决定日期",
    "decision_due": "决定期限", "decision_text": "决定内容", "delivered_on": "送达日期", "due_on": "期限",
    "hearing_scope": "属于听证范围", "host": "主持人", "inspected_at": "检查时间", "item_rows": "财物清单",
    "late": "超期", "late_label": "时限情况", "notice_on": "告知日期", "on_time": "按期完成",
    "paid_in_full": "已全额缴纳", "paid_total": "已缴金额", "payment_due": "缴款期限", "penalty_text": "处罚内容",
    "published_on": "公示日期", "request_due": "申请期限", "review_reasons": "须法制审核的情形",
    "served_on": "视为送达日期", "start_date": "起始日期", "surcharge": "加处罚款", "surcharge_cap": "加处罚款上限",
    "surcharge_due": "加处罚款数额", "told_on": "告知日期", "valid_from": "有效期起", "general_case": "转普通程序后的案件",
    "penalty_case": "转入的处罚案件", "counts_for_statistics": "计入检查统计", "deemed_accepted": "视为受理",
    "accepted_on": "受理日期", "is_minor": "未成年人",
}
# Shown in the header already, or internal (a hash, ids).
HIDDEN_KEYS = {"title", "item_code", "source", "act_date", "flow", "occurred_at", "tracking_code_hash",
               "general_case_id"}


@dataclass
class Item:
    """One value of a step record, as the timeline shows it: a label and text, or links."""

    label: str
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, url)


@dataclass
class Entry:
    record: StepRecord
    title: str
    items: list[Item]
    corrects_index: int | None
    corrected_by: list[int]


def _field_specs(case: Case, record: StepRecord) -> dict:
    from . import services, steps

    specs = {}
    if record.action == StepRecord.Action.REGISTER:
        specs.update({f.name: f for f in services.REGISTER_FIELDS})
    if record.action in (StepRecord.Action.REGISTER, StepRecord.Action.TRANSITION):
        specs.update({f.name: f for f in steps.spec_for(case.flow_key, record.step).all_fields()})
    elif record.action == StepRecord.Action.PAUSE:
        specs["pause_kind"] = Field("pause_kind", "不计入期限的情形", "choice", choices=services.PAUSE_KINDS)
    elif record.action in (StepRecord.Action.NOTE, StepRecord.Action.CORRECT, StepRecord.Action.OFFICERS):
        specs["evidence"] = Field("evidence", "关联的证据", "evidence", required=False)
        specs["officers"] = Field("officers", "承办人员", "people")
    return specs


def _moment(value) -> str:
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment:%Y-%m-%d %H:%M}"
    return str(value)


def _ids(value) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


def timeline(case: Case, records: list[StepRecord], *, full: bool, evidence_urls: dict[int, str]) -> list[Entry]:
    """The case's step records in order, each with its data as label/value pairs (the step's field labels)."""
    from sanxiang.catalog.vocab import PenaltyKind

    flow = flows.get(case.flow_key)
    person_ids, evidence_ids = set(), set()
    spec_cache: dict[int, dict] = {}
    for record in records:
        specs = spec_cache[record.pk] = _field_specs(case, record)
        for key, value in (record.data or {}).items():
            kind = specs[key].kind if key in specs else ""
            if kind in ("people", "person") or key == "officers":
                person_ids.update(_ids(value))
            elif kind == "evidence" or key == "evidence":
                evidence_ids.update(_ids(value))
    names = names_of(person_ids)
    titles = dict(EvidenceRecord.objects.filter(pk__in=evidence_ids, agency_id=case.agency_id).values_list(
        "pk", "title")) if evidence_ids else {}
    index_of = {r.pk: r.index for r in records}
    corrected_by: dict[int, list[int]] = {}
    for record in records:
        if record.corrects_id:
            corrected_by.setdefault(record.corrects_id, []).append(record.index)
    departments = {}
    dept_ids = _ids([r.data.get("department") for r in records if isinstance(r.data, dict) and r.data.get("department")])
    if dept_ids:
        departments = dict(Department.objects.filter(pk__in=dept_ids).values_list("pk", "name"))
    penalty_labels = dict(PenaltyKind.choices)
    out = []
    for record in records:
        specs = spec_cache[record.pk]
        items = []
        for key, value in (record.data or {}).items():
            if key in HIDDEN_KEYS or value in (None, "", [], {}):
                continue
            spec = specs.get(key)
            label = spec.label if spec else SIDE_LABELS.get(key, key)
            kind = spec.kind if spec else ""
            if key == "parties" and isinstance(value, list):
                text = "；".join(f"{p.get('name', '')}（{shown_id(p.get('id_number', ''), p.get('id_type', ''), full)}）"
                                for p in value if isinstance(p, dict))
                items.append(Item(label, text))
            elif kind in ("people", "person") or key == "officers":
                items.append(Item(label, "、".join(names.get(i, f"#{i}") for i in _ids(value))))
            elif kind == "evidence" or key == "evidence":
                items.append(Item(label, links=[(f"{titles.get(i, '证据')}（#{i}）", evidence_urls.get(i, ""))
                                                for i in _ids(value)]))
            elif key == "department":
                items.append(Item(label, "、".join(departments.get(i, str(i)) for i in _ids(value))))
            elif key == "clock" and flow and isinstance(value, str) and flow.has_step(value):
                items.append(Item(label, flow.step(value).name))
            elif kind in ("choice", "multichoice") and spec.choices:
                choices = dict(spec.choices)
                values = value if isinstance(value, list) else [value]
                items.append(Item(label, "、".join(str(choices.get(v, v)) for v in values)))
            elif kind == "bool" or isinstance(value, bool):
                items.append(Item(label, "是" if value else "否"))
            elif key == "penalty_kinds" and isinstance(value, list):
                items.append(Item(label, "、".join(str(penalty_labels.get(v, v)) for v in value)))
            elif isinstance(value, list):
                items.append(Item(label, "、".join(_moment(v) if not isinstance(v, dict) else "…" for v in value)))
            elif isinstance(value, dict):
                items.append(Item(label, "；".join(f"{k}：{v}" for k, v in value.items())))
            else:
                items.append(Item(label, _moment(value)))
        if record.action in (StepRecord.Action.REGISTER, StepRecord.Action.TRANSITION):
            title = step_name(case, record.step)
        else:
            title = f"{record.get_action_display()}（{step_name(case, record.step)}）"
        out.append(Entry(record, title, items, index_of.get(record.corrects_id), corrected_by.get(record.pk, [])))
    return out
