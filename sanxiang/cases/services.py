"""Writes of the cases app (办案): each a transaction with its step record, record-log entry and audit event.

- :func:`register_case` — 登记: a new case at the start step of its flow, with parties and officers;
- :func:`advance` — a move to the next step (the engine, :mod:`sanxiang.cases.engine`);
- :func:`extend_clock`, :func:`pause_clock`, :func:`resume_clock` — approved extensions and excluded periods;
- :func:`add_note`, :func:`correct_record` — additions and corrections (never edits, REC-01);
- :func:`change_officers` — officers joining or leaving a case.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sanxiang.catalog import flows
from sanxiang.catalog.models import Entry
from sanxiang.catalog.models.lists import ListKind
from sanxiang.catalog.vocab import ActKind
from sanxiang.core import audit
from sanxiang.core.errors import RuleViolation
from sanxiang.org.access import actor_of
from sanxiang.org.models import Department, Person, Role

from . import clocks, engine, numbering, steps
from .engine import Context, advance, clean_moment, write_record
from .fields import Field, clean_fields
from .models import Case, CaseOfficer, Party, StepRecord
from .officers import certificate_problem
from .parties import clean_parties
from .rules import params_for

__all__ = ["add_note", "advance", "change_officers", "correct_record", "extend_clock", "pause_clock",
           "register_case", "resume_clock"]

REGISTER_FIELDS = (
    Field("flow", "流程", "choice", choices=tuple((k, f.name) for k, f in flows.FLOWS.items())),
    Field("department", "承办机构", "int"),
    Field("title", "案由", max_length=200),
    Field("item_code", "执法事项编码", required=False, max_length=60),
    Field("source", "案件来源", "choice", required=False, choices=tuple(Case.Source.choices), default="inspection"),
    Field("act_date", "违法行为发生（终了）日期", "date", required=False),
    Field("harms_life_health_finance", "涉及公民生命健康安全、金融安全且有危害后果", "bool", required=False),
    Field("officers", "承办人员", "people", help="第一位为主办人"),
    Field("parent", "关联案件", "int", required=False),
    Field("confidentiality", "保密情形", "choice", required=False, choices=tuple(Case.Confidentiality.choices),
          default=""),
)


def _limitation(case_kind: str, act_date: datetime.date | None, harms: bool, today: datetime.date, params) -> None:
    """LAW-08 (《行政处罚法》第三十六条): no penalty for an act not discovered within 2 (5) years."""
    if case_kind != ActKind.PENALTY or act_date is None:
        return
    years = params.limitation_years_harm if harms else params.limitation_years
    try:
        limit = act_date.replace(year=act_date.year + years)
    except ValueError:  # 29 February
        limit = act_date.replace(year=act_date.year + years, day=28)
    if today > limit:
        raise RuleViolation("LAW-08", f"违法行为发生（终了）于{act_date:%Y年%m月%d日}，至今已超过{years}年追责时效，"
                                      "不再给予行政处罚（《行政处罚法》第三十六条）")


def register_case(user, raw: dict) -> Case:
    """登记: create a case of ``raw["flow"]`` at its start step, with parties (``raw["parties"]``) and officers."""
    actor = actor_of(user)
    if not actor.agency_id:
        raise PermissionDenied("未关联执法主体的账号不能登记案件")
    if not (actor.has(Role.OFFICER) or actor.has(Role.DEPARTMENT_HEAD) or actor.has(Role.LEADER)):
        raise PermissionDenied("只有执法人员、科室负责人和单位负责人可以登记案件")
    if not isinstance(raw, dict):
        raise ValidationError("提交的内容格式无效")
    data = clean_fields(REGISTER_FIELDS, raw)
    flow = flows.get(data["flow"])
    today = timezone.localdate()
    errors: dict = {}
    parties = []
    try:
        parties = clean_parties(raw.get("parties"), today=today)
    except ValidationError as error:
        errors.update(error.message_dict)
    department = Department.objects.filter(pk=data["department"], agency_id=actor.agency_id).select_related(
        "agency__region").first()
    if department is None:
        errors["department"] = "承办机构须为本执法主体的内设机构"
    people = list(Person.objects.filter(pk__in=data["officers"], agency_id=actor.agency_id, is_active=True))
    if len(people) != len(data["officers"]):
        errors["officers"] = "承办人员须为本执法主体的在岗人员"
    if data["act_date"] and data["act_date"] > today:
        errors["act_date"] = "违法行为发生日期不能晚于今天"
    item = None
    if data["item_code"]:
        item = Entry.objects.filter(agency_id=actor.agency_id, kind=ListKind.ITEM, code=data["item_code"]).first()
        if item is None:
            errors["item_code"] = "本执法主体的权责清单中没有该事项"
    parent = None
    if data["parent"] is not None:
        parent = Case.objects.restrict(user).filter(pk=data["parent"], agency_id=actor.agency_id).first()
        if parent is None:
            errors["parent"] = "关联案件不存在或不属于本执法主体"
    if errors:
        raise ValidationError(errors)
    agency = department.agency
    params = params_for(agency)
    _limitation(flow.act_kind, data["act_date"], data["harms_life_health_finance"], today, params)
    if flow.act_kind in (ActKind.PENALTY, ActKind.COERCION) and len(people) < 2:
        raise RuleViolation("LAW-01", f"执法人员不得少于2人（本次为{len(people)}人）")
    spec = steps.spec_for(flow.key, flow.start)
    step_data = clean_fields(spec.all_fields(), raw.get("step") or {})
    now = timezone.now()
    with transaction.atomic():
        number, seq = numbering.next_case_number(agency, flow.act_kind, today.year)
        case = Case.objects.create(
            agency=agency, department=department, kind=flow.act_kind, flow_key=flow.key,
            flow_signature=flows.signature(flow), number=number, year=today.year, seq=seq, title=data["title"],
            item=item, item_code=data["item_code"] or "", source=data["source"] or Case.Source.INSPECTION,
            parent=parent, current_step=flow.start, act_date=data["act_date"],
            harms_life_health_finance=data["harms_life_health_finance"], registered_at=now,
            registered_by=user if getattr(user, "is_authenticated", False) else None,
            confidentiality=data["confidentiality"] or "",
        )
        for position, party in enumerate(parties):
            Party.objects.create(case=case, position=position, **party)
        for position, person in enumerate(sorted(people, key=lambda p: data["officers"].index(p.pk))):
            CaseOfficer.objects.create(case=case, person=person, since=now,
                                       role=CaseOfficer.Role.LEAD if position == 0 else CaseOfficer.Role.ASSIST)
        ctx = Context(case=case, user=user, flow=flow, source="", target=flow.start, data=step_data, now=now,
                      occurred_at=now, action=StepRecord.Action.REGISTER)
        ctx.occurred_at = clean_moment(step_data.get("occurred_at"), [], now)
        step_data["occurred_at"] = ctx.occurred_at
        engine.check_evidence_belongs(ctx)
        if spec.officers_act:
            engine.check_officers(ctx.officers, agency, ctx.day)
        for check in spec.checks:
            check(ctx)
        from . import documents

        prepared = documents.prepare_step_documents(ctx, spec)
        record_data = {**step_data, "title": case.title, "parties": parties, "officers": data["officers"],
                       "department": department.pk, "item_code": case.item_code, "source": case.source,
                       "act_date": data["act_date"], "parent": parent.number if parent else ""}
        record = write_record(ctx, action=StepRecord.Action.REGISTER, step=flow.start, from_step="", data=record_data)
        if spec.apply is not None:
            spec.apply(ctx, record)
        engine.refresh_deadline(case, ctx.history, today)
        case.save()
        documents.store_step_documents(ctx, record, prepared)
        audit.record(user, "cases.register", case, after={"number": case.number, "flow": flow.key,
                                                          "log_seq": record.log_seq})
    return case


def _side_action(user, case_id: int, version, action: str, fields, raw, *, check=None, reason_required=True,
                 corrects_id=None) -> StepRecord:
    raw = raw or {}
    with transaction.atomic():
        case = engine.lock_case(user, case_id, version)
        if case.status == "archived":
            raise RuleViolation("REC-08", "案件已归档，不能再添加记录")
        flow = flows.get(case.flow_key)
        data = clean_fields(tuple(fields) + (Field("reason", "理由", "textarea", required=reason_required),
                                             Field("occurred_at", "发生时间", "datetime", required=False)), raw)
        now = timezone.now()
        ctx = Context(case=case, user=user, flow=flow, source=case.current_step, target=case.current_step, data=data,
                      now=now, occurred_at=now, action=action)
        ctx.occurred_at = engine.clean_moment(data.pop("occurred_at"), ctx.history, now)
        corrects = None
        if corrects_id is not None:
            corrects = next((r for r in ctx.history if r.pk == corrects_id), None)
            if corrects is None:
                raise ValidationError({"corrects": "要更正的记录不属于本案"})
        if check is not None:
            check(ctx)
        reason = data.pop("reason") or ""
        record = write_record(ctx, action=action, step=case.current_step, from_step=case.current_step, data=data,
                              reason=reason, corrects=corrects)
        case.version += 1
        engine.refresh_deadline(case, ctx.history, timezone.localdate())
        case.save()
        audit.record(user, f"cases.{action}", case, after={"step_record": record.pk, "data": record.data},
                     reason=reason)
        return record


def _require_leader(ctx: Context) -> None:
    actor = actor_of(ctx.user)
    if not (actor.is_superuser or actor.has(Role.LEADER)):
        raise RuleViolation("LAW-03", "延长办案期限、中止计时须经行政机关负责人批准（由负责人办理）")


def _clock_names(ctx: Context) -> set[str]:
    return {d.key for d in ctx.deadlines()}


CLOCK_FIELD = Field("clock", "期限", "text", max_length=40)


def extend_clock(user, case_id: int, raw: dict, *, version) -> StepRecord:
    """延长期限: a leader approves ``days`` more for an open clock (e.g. the 90-day decision limit), with reasons."""
    def check(ctx):
        _require_leader(ctx)
        if ctx.data["clock"] not in _clock_names(ctx):
            raise ValidationError({"clock": "该期限不存在或已不适用"})
        open_keys = {d.key for d in ctx.deadlines() if d.is_open or d.state == "paused"}
        if ctx.data["clock"] not in open_keys:
            raise ValidationError({"clock": "该期限已经届满完成，不能延长"})
        limit = next((s.time_limit for s in ctx.flow.steps if s.key == ctx.data["clock"] and s.time_limit), None)
        if limit is not None and limit.extension_days:
            used = clocks.extended_days(ctx.history, ctx.data["clock"])
            if used + ctx.data["days"] > limit.extension_days:
                raise RuleViolation("LAW-09" if ctx.flow.key.startswith("coercion") else "LAW-03",
                                    f"该期限最多延长{limit.extension_days}日（已延长{used}日）")
    fields = (CLOCK_FIELD, Field("days", "延长天数", "int", min_value=1, max_value=365))
    return _side_action(user, case_id, version, StepRecord.Action.EXTEND, fields, raw, check=check)


PAUSE_KINDS = (("suspension", "案件中止"), ("hearing", "听证"), ("appraisal", "检测、检验、检疫、鉴定"),
               ("announcement", "公告"), ("other", "其他依法不计入的期间"))


def pause_clock(user, case_id: int, raw: dict, *, version) -> StepRecord:
    """期限中止: a period that does not count towards a calendar-day clock (中止, 听证, 鉴定检测, 公告)."""
    def check(ctx):
        _require_leader(ctx)
        open_keys = {d.key for d in ctx.deadlines() if d.is_open}
        if ctx.data["clock"] not in open_keys:
            raise ValidationError({"clock": "该期限不在计时中"})
    fields = (CLOCK_FIELD, Field("pause_kind", "不计入期限的情形", "choice", choices=PAUSE_KINDS))
    return _side_action(user, case_id, version, StepRecord.Action.PAUSE, fields, raw, check=check)


def resume_clock(user, case_id: int, raw: dict, *, version) -> StepRecord:
    def check(ctx):
        paused = {d.key for d in ctx.deadlines() if d.state == "paused"}
        if ctx.data["clock"] not in paused:
            raise ValidationError({"clock": "该期限没有中止"})
    return _side_action(user, case_id, version, StepRecord.Action.RESUME, (CLOCK_FIELD,), raw, check=check,
                        reason_required=False)


def add_note(user, case_id: int, raw: dict, *, version) -> StepRecord:
    """补充记录: text (and linked evidence) added to the current step."""
    fields = (Field("text", "记录内容", "textarea"), Field("evidence", "关联的证据", "evidence", required=False))

    def check(ctx):
        engine.check_evidence_belongs(ctx)
    return _side_action(user, case_id, version, StepRecord.Action.NOTE, fields, raw, check=check,
                        reason_required=False)


def correct_record(user, case_id: int, record_id: int, raw: dict, *, version) -> StepRecord:
    """更正: a new record that says what an earlier one got wrong; the earlier record stays as it was (REC-01)."""
    fields = (Field("text", "更正内容", "textarea"),)
    return _side_action(user, case_id, version, StepRecord.Action.CORRECT, fields, raw, corrects_id=record_id)


def change_officers(user, case_id: int, raw: dict, *, version) -> StepRecord:
    """调整承办人员: officers join or leave the case (at least two remain, each with a valid certificate)."""
    fields = (Field("officers", "承办人员", "people"),)

    def check(ctx):
        people = list(Person.objects.filter(pk__in=ctx.data["officers"], agency_id=ctx.case.agency_id, is_active=True)
                      .select_related("agency__region"))
        if len(people) != len(ctx.data["officers"]):
            raise ValidationError({"officers": "承办人员须为本执法主体的在岗人员"})
        problems = [p for p in (certificate_problem(person, ctx.case.agency, ctx.day) for person in people) if p]
        if len(people) < 2 or problems:
            raise RuleViolation("LAW-01", "；".join(problems) or f"执法人员不得少于2人（本次为{len(people)}人）")
        now = ctx.now
        current = {link.person_id: link for link in CaseOfficer.objects.filter(case=ctx.case, until__isnull=True)}
        for person_id, link in current.items():
            if person_id not in ctx.data["officers"]:
                CaseOfficer.objects.filter(pk=link.pk).update(until=now)
        for position, person_id in enumerate(ctx.data["officers"]):
            if person_id not in current:
                CaseOfficer.objects.create(case=ctx.case, person_id=person_id, since=now,
                                           role=CaseOfficer.Role.LEAD if position == 0 else CaseOfficer.Role.ASSIST)
    return _side_action(user, case_id, version, StepRecord.Action.OFFICERS, fields, raw, check=check)
