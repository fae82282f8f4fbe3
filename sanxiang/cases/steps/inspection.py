"""Steps of an administrative inspection (行政检查, including 双随机、一公开 random inspections; PUB-05, PUB-12).

- ``task`` 确定检查任务: ad hoc, or from a double-random draw (``catalog.Draw``): then the draw must be
  the agency's, already drawn, and the case's party one of the drawn objects; the case's source
  becomes 双随机抽查 (its results must be published sooner: ``random_inspection_publish_working_days``).
- ``draw`` records the draw's reference and the inspectors it assigned to this party.
- ``inspect`` 实施检查: at least two officers (LAW-01); in a random inspection, the drawn inspectors.
  Whether the inspection counts for statistics (检查统计口径) is decided here and stored with the
  record: a specific object (a party) and a complete record — every checklist item answered and a
  record text.
- ``result`` 告知检查结果; ``refer`` 转入行政处罚程序 registers the follow-up penalty case (its
  number stays in the step record); ``publish`` 结果公示.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from sanxiang.catalog.models import Draw
from sanxiang.core.errors import RuleViolation

from ..fields import Field
from ..models import Case, CaseOfficer
from .base import StepSpec, register

FLOW = "inspection"

# Answers to a checklist item (检查结果): a line of the results starts with one of them.
ANSWERS = ("符合", "不符合", "不涉及", "已整改")
RESULTS = (
    ("no_problem", "未发现问题"),
    ("corrected", "发现问题已当场责令改正"),
    ("violation", "发现涉嫌违法行为"),
)
VIOLATION = "violation"
CHANNELS = (
    ("portal", "本平台行政执法公示栏目"),
    ("gsxt", "国家企业信用信息公示系统"),
    ("website", "本机关门户网站"),
    ("other", "其他渠道"),
)


def lines(text) -> list[str]:
    """The non-empty lines of a textarea."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def task_data(ctx) -> dict:
    record = ctx.last("task")
    return (record.data if record is not None else ctx.data) or {}


def drawn_usccs(draw: Draw) -> set[str]:
    return {a["subject"]["uscc"] for a in (draw.result or {}).get("assignments") or []}


def assignment_for(draw: Draw, uscc: str) -> dict | None:
    return next((a for a in (draw.result or {}).get("assignments") or [] if a["subject"]["uscc"] == uscc), None)


# --- task -------------------------------------------------------------------------------------------

TASK_FIELDS = (
    Field("draw_id", "双随机抽取编号", "int", required=False, min_value=1,
          help="来自“双随机”抽查任务的，填写抽取编号；依投诉举报等确定检查对象的，不填"),
    Field("inspection_item", "检查事项", max_length=200, help="随机抽查事项清单中的事项编码或名称"),
    Field("basis", "检查依据", "textarea", max_length=4000),
    Field("checklist", "检查内容（检查表）", "textarea", max_length=8000, help="每行一项检查内容"),
    Field("reason", "检查缘由", "textarea", required=False, max_length=4000, help="投诉举报、转办交办、重点监管等"),
)


def check_task(ctx) -> None:
    if not lines(ctx.data.get("checklist")):
        raise ValidationError({"checklist": "请至少填写一项检查内容"})
    if len(lines(ctx.data.get("checklist"))) > 200:
        raise ValidationError({"checklist": "检查内容不能超过200项"})
    draw_id = ctx.data.get("draw_id")
    if draw_id is None:
        return
    draw = Draw.objects.filter(pk=draw_id).first()
    if draw is None or draw.agency_id != ctx.case.agency_id:
        raise ValidationError({"draw_id": "本执法主体没有该双随机抽取"})
    if draw.status != Draw.Status.DRAWN or not draw.result:
        raise RuleViolation("PUB-05", f"抽取“{draw.title}”尚未完成抽取（{draw.get_status_display()}），不能据此检查")
    ids = {p.id_number for p in ctx.case.parties.all()}
    if not ids & drawn_usccs(draw):
        raise RuleViolation("PUB-05", f"本案当事人不在抽取“{draw.title}”抽中的检查对象中，不能作为双随机抽查办理")


def apply_task(ctx, record) -> None:
    if ctx.data.get("draw_id") is not None:
        ctx.case.source = Case.Source.RANDOM


# --- draw -------------------------------------------------------------------------------------------

DRAW_FIELDS = (
    Field("draw_id", "双随机抽取编号", "int", required=False, min_value=1, help="默认为确定检查任务时填写的抽取"),
)


def the_draw(ctx) -> Draw | None:
    draw_id = task_data(ctx).get("draw_id")
    return Draw.objects.filter(pk=draw_id, agency_id=ctx.case.agency_id).first() if draw_id else None


def check_draw(ctx) -> None:
    task_draw = task_data(ctx).get("draw_id")
    given = ctx.data.get("draw_id")
    if given is not None and given != task_draw:
        raise ValidationError({"draw_id": "抽取编号与确定检查任务时填写的不一致"})
    draw = the_draw(ctx)
    if draw is None:
        raise ValidationError({"draw_id": "本案没有关联的双随机抽取"})
    party_ids = {p.id_number for p in ctx.case.parties.all()}
    row = next((assignment_for(draw, uscc) for uscc in party_ids if assignment_for(draw, uscc)), None)
    if row is None:
        raise RuleViolation("PUB-05", "本案当事人不在抽中的检查对象中")
    ctx.data.update(
        draw_id=draw.pk, draw_title=draw.title, seed=draw.seed, inputs_digest=draw.inputs_digest,
        result_digest=draw.result_digest, subject=row["subject"],
        inspectors=[i["person_id"] for i in row["inspectors"]],
    )


# --- inspect ----------------------------------------------------------------------------------------

INSPECT_FIELDS = (
    Field("results", "检查结果（逐项）", "textarea", required=False, max_length=8000,
          help="按检查表的顺序每行一项，以“符合”“不符合”“不涉及”或“已整改”开头，可在冒号后说明"),
    Field("findings", "检查记录（检查笔录内容）", "textarea", required=False, max_length=20000),
    Field("inspected_at", "检查时间", "datetime", required=False, help="默认为本环节的发生时间"),
    Field("place", "检查地点", max_length=200),
)


def _parse_results(checklist: list[str], text) -> list[dict]:
    rows = lines(text)
    if len(rows) > len(checklist):
        raise ValidationError({"results": f"检查结果有{len(rows)}行，多于检查表的{len(checklist)}项"})
    out = []
    for number, (item, row) in enumerate(zip(checklist, rows, strict=False), start=1):
        answer = next((a for a in sorted(ANSWERS, key=len, reverse=True) if row.startswith(a)), None)
        if answer is None:
            raise ValidationError({"results": f"第{number}行应以“{'”“'.join(ANSWERS)}”之一开头"})
        out.append({"item": item, "answer": answer, "note": row[len(answer):].lstrip("：: ，,")})
    return out


def check_inspect(ctx) -> None:
    """The officers a random draw assigned; the checklist answers; whether the inspection counts for statistics."""
    task = task_data(ctx)
    draw_record = ctx.last("draw")
    if draw_record is not None:
        drawn = set(draw_record.data.get("inspectors") or [])
        acting = {p.pk for p in ctx.officers}
        if drawn and not drawn <= acting:
            raise RuleViolation("PUB-05", "双随机抽查须由抽中的检查人员实施检查（抽取结果：人员编号"
                                          f"{'、'.join(map(str, sorted(drawn)))}）")
    inspected_at = ctx.data.get("inspected_at") or ctx.occurred_at
    if inspected_at > ctx.now + datetime.timedelta(minutes=5):
        raise ValidationError({"inspected_at": "检查时间不能晚于现在"})
    ctx.data["inspected_at"] = inspected_at
    checklist = lines(task.get("checklist"))
    answered = _parse_results(checklist, ctx.data.get("results"))
    has_object = ctx.case.parties.exists()
    complete = bool(checklist) and len(answered) == len(checklist) and bool((ctx.data.get("findings") or "").strip())
    ctx.data.update(checklist_results=answered, counts_for_statistics=bool(has_object and complete),
                    record_complete=complete)


# --- result -----------------------------------------------------------------------------------------

RESULT_FIELDS = (
    Field("result", "检查结果", "choice", choices=RESULTS),
    Field("result_text", "检查结果告知内容", "textarea", max_length=8000),
    Field("told_on", "告知日期", "date", required=False, help="默认为本环节的办理日期"),
)


def check_result(ctx) -> None:
    day = ctx.data.get("told_on") or ctx.day
    inspected = ctx.done_on("inspect")
    if day > ctx.day or (inspected and day < inspected):
        raise ValidationError({"told_on": "告知日期应在检查之后、不晚于今天"})
    ctx.data["told_on"] = day


# --- refer ------------------------------------------------------------------------------------------

REFER_FIELDS = (
    Field("title", "案由", required=False, max_length=200, help="默认为“检查发现：”加本检查的名称"),
    Field("facts", "涉嫌违法的事实", "textarea", max_length=20000),
)


def open_penalty_case(ctx) -> None:
    """Register the follow-up penalty case (案源登记), inside advance()'s transaction.

    This is the one check that writes: a later refusal of the move rolls the new case back with it.
    Its number is kept in the referral's step record (``penalty_case``).
    """
    from .. import services  # services imports the engine, which imports this package

    parties = [{k: getattr(p, k) for k in ("party_type", "name", "id_type", "id_number", "legal_representative",
                                           "representative_id_number", "address", "phone")}
               for p in ctx.case.parties.order_by("position")]
    links = CaseOfficer.objects.filter(case=ctx.case, until__isnull=True).order_by("-role", "since", "pk")
    officers = [link.person_id for link in sorted(links, key=lambda link: link.role != CaseOfficer.Role.LEAD)]
    title = ctx.data.get("title") or f"检查发现：{ctx.case.title}"[:200]
    child = services.register_case(ctx.user, {
        "flow": "penalty", "department": ctx.case.department_id, "title": title, "source": Case.Source.INSPECTION,
        "parties": parties, "officers": officers, "parent": ctx.case.pk,
        "step": {"source_description": f"行政检查{ctx.case.number}发现：{ctx.data['facts']}"[:20000],
                 "discovered_on": (ctx.done_on("inspect") or ctx.day).isoformat()},
    })
    ctx.extra["penalty_case"] = child
    ctx.data.update(penalty_case=child.number, penalty_case_id=child.pk)


# --- publish ----------------------------------------------------------------------------------------

PUBLISH_FIELDS = (
    Field("published_on", "公示日期", "date", required=False, help="默认为本环节的办理日期"),
    Field("channel", "公示渠道", "choice", choices=CHANNELS),
    Field("link", "公示网址或位置", required=False, max_length=500),
)


def check_publish(ctx) -> None:
    day = ctx.data.get("published_on") or ctx.day
    inspected = ctx.done_on("inspect")
    if day > ctx.day or (inspected and day < inspected):
        raise ValidationError({"published_on": "公示日期应在检查之后、不晚于今天"})
    ctx.data["published_on"] = day
    due = next((d.due for d in ctx.deadlines() if d.key == "publish"), None)
    ctx.data["due_on"] = due
    ctx.data["on_time"] = bool(due is None or day <= due)


register(
    StepSpec(FLOW, "task", fields=TASK_FIELDS, checks=(check_task,), apply=apply_task,
             help="确定检查任务：检查事项、依据和检查表；双随机抽查的填写抽取编号。"),
    StepSpec(FLOW, "draw", fields=DRAW_FIELDS, checks=(check_draw,),
             help="记录双随机抽取的编号、种子、摘要和抽中的检查人员。"),
    StepSpec(FLOW, "inspect", fields=INSPECT_FIELDS, checks=(check_inspect,), officers_act=True,
             help="两名以上执法人员出示证件实施检查，逐项记录检查结果并制作检查笔录。"),
    StepSpec(FLOW, "result", fields=RESULT_FIELDS, checks=(check_result,),
             help="告知被检查对象检查结果。"),
    StepSpec(FLOW, "refer", fields=REFER_FIELDS, checks=(open_penalty_case,),
             help="发现涉嫌违法行为的，转入行政处罚程序（自动登记案源，关联本检查）。"),
    StepSpec(FLOW, "publish", fields=PUBLISH_FIELDS, checks=(check_publish,),
             help="公示检查结果。"),
)
