"""The case workflow engine (办案流程引擎): every move of a case goes through :func:`advance`.

A move is allowed only if it is in the flow's transition table (``catalog.flows``, the same table the
public flowcharts draw), its guard holds, the person may perform the step, the input is valid, the
step's gates pass (LAW-01 officers, REC-03/05 audio/video, the step's own checks) and the case has
not changed since the caller read it (``version``). Then, in one transaction: the step record, its
record-log entry, the audit event, the case's new state and deadlines, and the step's documents.
Anything refused raises (``RuleViolation`` naming the rule, ``ValidationError`` naming the fields,
``Conflict``, ``PermissionDenied``) and leaves nothing changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sanxiang.catalog import flows
from sanxiang.core import audit
from sanxiang.core.access import CHANGE
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.org.access import actor_of
from sanxiang.org.models import Person, Role
from sanxiang.records import avrules, log
from sanxiang.records.models import EvidenceRecord, LogEntry

from . import clocks, steps
from .fields import clean_fields, jsonable
from .guards import GUARD_CHECKS
from .models import Case, CaseStatus, StepRecord
from .officers import check_officers
from .rules import Params, params_for

FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
CLOSING_STEPS = {"close", "file_record", "publish"}
ENDING_STEPS = {"not_filed", "not_approved", "reject", "to_general"}
ARCHIVE_STEP = "archive"
PROCESS_RULE = "PROC"  # a move outside the flow's transition table


@dataclass
class Context:
    """What a guard, check or apply function sees: the case (locked), the move and the cleaned input."""

    case: Case
    user: object
    flow: flows.Flow
    source: str
    target: str
    data: dict
    now: datetime.datetime
    occurred_at: datetime.datetime
    action: str = StepRecord.Action.TRANSITION
    extra: dict = field(default_factory=dict)  # what checks compute for apply (e.g. the matched review rules)

    @property
    def step(self) -> flows.Step:
        return self.flow.step(self.target)

    @property
    def day(self) -> datetime.date:
        """The day of the act (LAW-01 certificates, LAW-03 and other clocks)."""
        return clocks.local_date(self.occurred_at)

    @cached_property
    def history(self) -> list[StepRecord]:
        return list(StepRecord.objects.filter(case=self.case).order_by("index"))

    @cached_property
    def params(self) -> Params:
        return params_for(self.case.agency_id)

    @cached_property
    def person(self) -> Person | None:
        actor = actor_of(self.user)
        return Person.objects.filter(pk=actor.person_id).first() if actor.person_id else None

    def entries(self, step: str) -> list[StepRecord]:
        """Every move into ``step``, oldest first."""
        return [r for r in self.history if r.step == step and r.action in (
            StepRecord.Action.REGISTER, StepRecord.Action.TRANSITION)]

    def last(self, step: str) -> StepRecord | None:
        found = self.entries(step)
        return found[-1] if found else None

    def done_on(self, step: str) -> datetime.date | None:
        record = self.last(step)
        return clocks.local_date(record.occurred_at) if record else None

    def passed(self, step: str) -> bool:
        return self.last(step) is not None

    @cached_property
    def evidence(self) -> list[EvidenceRecord]:
        ids = self.data.get("evidence") or []
        return list(EvidenceRecord.objects.filter(pk__in=ids)) if ids else []

    @cached_property
    def officers(self) -> list[Person]:
        ids = self.data.get("officers") or []
        if ids:
            return list(Person.objects.filter(pk__in=ids).select_related("agency__region"))
        return list(Person.objects.filter(case_links__case=self.case, case_links__until__isnull=True)
                    .select_related("agency__region"))

    def deadlines(self) -> list[clocks.Deadline]:
        return clocks.deadlines(self.case, self.history, self.day, self.params)


def _actor_may_perform(user, case: Case, step: flows.Step) -> bool:
    """The person acts in the role the step names (an officer's step: officers; approval: leaders …)."""
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    if actor.agency_id != case.agency_id:
        return False
    role = step.actor_role
    if not role:  # the party's or a designated person's step: recorded by the case's staff
        return actor.has(Role.OFFICER) or actor.has(Role.DEPARTMENT_HEAD) or actor.has(Role.LEADER)
    if role == Role.OFFICER:
        return actor.has(Role.OFFICER) or actor.has(Role.DEPARTMENT_HEAD)
    if role == Role.DEPARTMENT_HEAD:
        return actor.has(Role.DEPARTMENT_HEAD) or actor.has(Role.LEADER)
    if role == Role.PUBLISHER:
        return actor.has(Role.PUBLISHER) or actor.has(Role.OFFICER) or actor.has(Role.LEADER)
    return actor.has(role)


def lock_case(user, case_id: int, version: int | None) -> Case:
    """The case, locked for this transaction, if ``user`` may act on it and nobody changed it since ``version``."""
    case = Case.objects.restrict(user, CHANGE).select_for_update(of=("self",)).select_related("agency__region").filter(
        pk=case_id).first()
    if case is None:
        raise PermissionDenied("无权办理该案件，或案件不存在")
    if version is None:
        raise ValidationError({"version": "请提交案件版本号（version），以免覆盖他人的办理"})
    if int(version) != case.version:
        raise Conflict(f"案件{case.number}已被他人办理（当前环节：{_step_name(case, case.current_step)}），"
                       "您的提交未保存，请刷新后重试")
    return case


def _step_name(case: Case, key: str) -> str:
    flow = flows.get(case.flow_key)
    return flow.step(key).name if flow and flow.has_step(key) else key


def clean_moment(raw, history: list[StepRecord], now: datetime.datetime) -> datetime.datetime:
    """When the act happened: not in the future, not before the case's last recorded act."""
    moment = raw or now
    if moment > now + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": "发生时间不能晚于现在"})
    if history:
        last = max(r.occurred_at for r in history)
        if moment < last:
            raise ValidationError({"occurred_at": f"发生时间不能早于上一环节（{timezone.localtime(last):%Y-%m-%d %H:%M}）"})
    return moment


def check_guard(ctx: Context, guard_name: str) -> None:
    if not guard_name:
        return
    check = GUARD_CHECKS.get(guard_name)
    definition = flows.GUARDS[guard_name]
    if check is None:  # fail closed: an unimplemented condition never holds
        raise RuleViolation(definition.rule, f"{definition.description}（系统尚未实现该条件的判断，不能办理）")
    reason = check(ctx)
    if reason:
        raise RuleViolation(definition.rule, reason)


def check_evidence_belongs(ctx: Context) -> None:
    ids = ctx.data.get("evidence") or []
    if not ids:
        return
    found = {e.pk: e for e in ctx.evidence}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"evidence": f"证据编号不存在：{', '.join(map(str, missing))}"})
    foreign = [e for e in found.values() if e.agency_id != ctx.case.agency_id or (e.case_ref and e.case_ref != ctx.case.number)]
    if foreign:
        raise ValidationError({"evidence": "只能关联本案的证据：" + "、".join(f"{e.pk}（{e.title}）" for e in foreign)})


def check_av(ctx: Context, spec=None) -> None:
    """REC-03/REC-05: the step's activity needs full-process AV → a video or audio record, at the act's time."""
    activity = ctx.step.av_activity
    if not activity or (spec is not None and spec.av_when is not None and not spec.av_when(ctx)):
        return
    records = [e for e in ctx.evidence] + list(EvidenceRecord.objects.filter(
        case_ref=ctx.case.number, step_ref=ctx.target, agency_id=ctx.case.agency_id).exclude(
        pk__in=[e.pk for e in ctx.evidence]))
    findings = avrules.check_activity_records(ctx.case.agency, activity, records, ctx.occurred_at)
    if findings:
        first = findings[0]
        raise RuleViolation(first.rule, "；".join(str(f.message) for f in findings))


def _status_after(flow: flows.Flow, target: str, current: str) -> str:
    if target == ARCHIVE_STEP:
        return CaseStatus.ARCHIVED
    if target in ENDING_STEPS:
        return CaseStatus.ENDED
    if target in CLOSING_STEPS or target in flow.terminals:
        return CaseStatus.CLOSED
    return current


def write_record(ctx: Context, *, action: str, step: str, from_step: str, data: dict, reason: str = "",
                 corrects: StepRecord | None = None) -> StepRecord:
    """The step record and its record-log entry (inside the caller's transaction)."""
    case = ctx.case
    index = (max((r.index for r in ctx.history), default=-1)) + 1
    party = case.primary_party
    payload = {
        "type": "case_step", "case": case.number, "case_id": case.pk, "kind": case.kind, "flow": case.flow_key,
        "flow_signature": case.flow_signature, "index": index, "action": action, "from": from_step, "step": step,
        "data": jsonable(data), "occurred_at": ctx.occurred_at.isoformat(),
        "actor": ctx.user.get_username() if getattr(ctx.user, "is_authenticated", False) else str(ctx.user),
        "reason": reason, "corrects": corrects.log_seq if corrects else None,
    }
    target_id = party.id_number if party is not None and len(party.id_number) <= 18 else ""
    entry: LogEntry = log.append(LogEntry.Kind.CASE_EVENT, payload, agency=case.agency, case_ref=case.number,
                                 target_id=target_id, at=ctx.now)
    record = StepRecord.objects.create(
        case=case, index=index, action=action, step=step, from_step=from_step, data=jsonable(data),
        occurred_at=ctx.occurred_at, recorded_at=ctx.now,
        actor=ctx.user if getattr(ctx.user, "is_authenticated", False) else None,
        actor_label=payload["actor"][:100], log_seq=entry.seq, corrects=corrects, reason=reason,
    )
    ctx.history.append(record)
    return record


def refresh_deadline(case: Case, history: list[StepRecord], today: datetime.date) -> None:
    found = clocks.nearest(clocks.deadlines(case, history, today))
    case.deadline_on = found.due if found else None
    case.deadline_label = (found.label if found else "")[:100]
    case.deadline_state = found.state if found else ""


def advance(user, case_id: int, target: str, raw: dict | None = None, *, version: int | None) -> StepRecord:
    """Move case ``case_id`` to step ``target`` with the step's input ``raw``; see the module docstring."""
    from . import documents  # the documents module imports the engine's context

    raw = raw or {}
    with transaction.atomic():
        case = lock_case(user, case_id, version)
        if case.status in (CaseStatus.ARCHIVED, CaseStatus.ENDED) or (
                case.status == CaseStatus.CLOSED and target != ARCHIVE_STEP):
            raise RuleViolation("REC-01", f"案件已{case.get_status_display()}，不能再办理")
        flow = flows.get(case.flow_key)
        if flow is None or not flow.has_step(target):
            raise ValidationError({"target": f"流程中没有环节“{target}”"})
        edge = next((t for t in flow.outgoing(case.current_step) if t.target == target), None)
        if edge is None:
            raise RuleViolation(PROCESS_RULE, f"执法流程不允许从“{flow.step(case.current_step).name}”"
                                              f"直接进入“{flow.step(target).name}”")
        step = flow.step(target)
        if not _actor_may_perform(user, case, step):
            raise PermissionDenied(f"“{step.name}”须由{step.actor_name}办理")
        spec = steps.spec_for(case.flow_key, target)
        data = clean_fields(spec.all_fields(), raw)
        now = timezone.now()
        ctx = Context(case=case, user=user, flow=flow, source=case.current_step, target=target, data=data, now=now,
                      occurred_at=now)
        ctx.occurred_at = clean_moment(data.get("occurred_at"), ctx.history, now)
        data["occurred_at"] = ctx.occurred_at
        check_evidence_belongs(ctx)
        check_guard(ctx, edge.guard)
        if spec.officers_act:
            check_officers(ctx.officers, case.agency, ctx.day)
            data["officers"] = [p.pk for p in ctx.officers]
        check_av(ctx, spec)
        for check in spec.checks:
            check(ctx)
        prepared = documents.prepare_step_documents(ctx, spec)  # render before the log is appended to
        record = write_record(ctx, action=StepRecord.Action.TRANSITION, step=target, from_step=case.current_step,
                              data=data)
        before = {"current_step": case.current_step, "status": case.status, "version": case.version}
        if spec.apply is not None:
            spec.apply(ctx, record)
        case.current_step = target
        case.status = _status_after(flow, target, case.status)
        if case.status == CaseStatus.CLOSED and case.closed_on is None:
            case.closed_on = ctx.day
        case.version += 1
        refresh_deadline(case, ctx.history, timezone.localdate())
        case.save()
        documents.store_step_documents(ctx, record, prepared)
        audit.record(user, "cases.advance", case, before=before,
                     after={"current_step": target, "status": case.status, "version": case.version,
                            "step_record": record.pk, "log_seq": record.log_seq})
        return record


@dataclass(frozen=True)
class Option:
    """A way on from the case's current step, as the case page and the API offer it (下一步可办理的环节)."""

    target: str
    name: str
    guard: str
    label: str
    allowed: bool  # the guard holds now (input the step asks for may still be refused)
    reason: str  # why not, in the guard's words
    may_perform: bool  # the user acts in the role the step names


def options(user, case: Case) -> list[Option]:
    """The moves the flow allows from the current step, each with whether its condition holds now. Only reads."""
    flow = flows.get(case.flow_key)
    if flow is None or case.status in (CaseStatus.ARCHIVED, CaseStatus.ENDED):
        return []
    now = timezone.now()
    out = []
    for edge in flow.outgoing(case.current_step):
        if case.status == CaseStatus.CLOSED and edge.target != ARCHIVE_STEP:
            continue
        ctx = Context(case=case, user=user, flow=flow, source=case.current_step, target=edge.target, data={},
                      now=now, occurred_at=now)
        reason = ""
        if edge.guard:
            check = GUARD_CHECKS.get(edge.guard)
            definition = flows.GUARDS[edge.guard]
            if check is None:
                reason = f"{definition.description}（系统尚未实现该条件的判断）"
            else:
                try:
                    reason = check(ctx) or ""
                except (ValidationError, LookupError) as error:
                    reason = str(getattr(error, "message", error))
        step = flow.step(edge.target)
        out.append(Option(edge.target, step.name, edge.guard, flows.GUARDS[edge.guard].label if edge.guard else "",
                          not reason, reason, _actor_may_perform(user, case, step)))
    return out
