"""Steps of the simple procedure (行政处罚简易程序，当场处罚, 《行政处罚法》第五十一条至第五十三条).

表明身份 → 告知 → 陈述申辩 → 当场作出决定 (LAW-02: a warning, or a fine of at most 200 元 for a natural
person and 3,000 元 for an organisation — ``ctx.params.simple_fine_person/org``) → 交付决定书 → 报所属
行政机关备案. When the conditions are not met, 转为普通程序 opens a new general-procedure penalty case
linked to this one (``parent``) with the same parties and officers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from sanxiang.core.errors import RuleViolation

from ..fields import Field
from ..guards.penalty_simple import simple_problems
from .base import StepSpec, register
from .penalty_decision import DEFAULT_REMEDIES, remedies_problems

FLOW = "penalty_simple"
SIMPLE_KIND_CHOICES = (("warning", "警告"), ("fine", "罚款"))


def _must_be_true(field: str, message: str):
    def check(ctx) -> None:
        if not ctx.data.get(field):
            raise ValidationError({field: message})
    return check


IDENTIFY = StepSpec(
    FLOW, "identify", officers_act=True,
    fields=(Field("certificates_shown", "已向当事人出示执法证件", "bool", required=False),),
    checks=(_must_be_true("certificates_shown", "执法人员当场作出行政处罚决定的，应当向当事人出示执法证件"),),
)

INFORM = StepSpec(
    FLOW, "inform",
    fields=(
        Field("penalty_kinds", "拟作出的处罚种类", "multichoice", choices=SIMPLE_KIND_CHOICES),
        Field("fine_amount", "拟罚款金额（元）", "decimal", required=False),
        Field("facts", "违法事实", "textarea"),
        Field("legal_basis", "处罚依据", "textarea"),
        Field("rights_informed", "已告知陈述、申辩的权利", "bool", required=False),
    ),
    checks=(_must_be_true("rights_informed", "作出行政处罚决定前，应当告知当事人依法享有的陈述、申辩权利"),),
)

STATEMENT = StepSpec(
    FLOW, "statement",
    fields=(
        Field("statement", "当事人的陈述、申辩", "textarea", required=False),
        Field("waived", "当事人明确放弃陈述、申辩", "bool", required=False),
        Field("adopted", "复核意见", "textarea", required=False,
              help="当事人提出的事实、理由或者证据成立的，应当采纳"),
    ),
)


def check_fine_fields(ctx) -> None:
    kinds = set(ctx.data["penalty_kinds"])
    fine = ctx.data.get("fine_amount")
    if "fine" in kinds and not (fine and fine > 0):
        raise ValidationError({"fine_amount": "处罚种类包括罚款的，罚款金额须大于0"})
    if "fine" not in kinds and fine:
        raise ValidationError({"fine_amount": "处罚种类不包括罚款，罚款金额应为空"})


def check_simple_limits(ctx) -> None:
    """LAW-02 (《行政处罚法》第五十一条): only a warning or a small fine on the spot."""
    problems = simple_problems(ctx, ctx.data)
    if problems:
        raise RuleViolation("LAW-02", "不适用简易程序：" + "；".join(problems) + "（《行政处罚法》第五十一条）")


def check_simple_document(ctx) -> None:
    problems = remedies_problems(ctx.data.get("remedies") or "")
    if problems:
        raise RuleViolation("PUB-17", "当场处罚决定书内容不完整：" + "；".join(problems))


def apply_decide_on_spot(ctx, record) -> None:
    case, data = ctx.case, ctx.data
    case.simple_procedure = True
    case.decision = "penalty"
    case.decided_on = ctx.day
    case.penalty_kinds = list(data["penalty_kinds"])
    case.fine_amount = data.get("fine_amount")
    case.legal_basis = data["legal_basis"]
    case.facts = data["facts"]


DECIDE_ON_SPOT = StepSpec(
    FLOW, "decide_on_spot", officers_act=True,
    fields=(
        Field("penalty_kinds", "处罚种类", "multichoice", choices=SIMPLE_KIND_CHOICES),
        Field("fine_amount", "罚款金额（元）", "decimal", required=False),
        Field("facts", "违法事实", "textarea"),
        Field("legal_basis", "处罚依据", "textarea"),
        Field("document_number", "决定书编号", "text", required=False, max_length=80,
              help="预定格式、编有号码的行政处罚决定书"),
        Field("payment_manner", "缴款方式", "choice", required=False,
              choices=(("bank", "到指定银行或者通过电子支付系统缴纳"), ("on_spot", "当场收缴"))),
        Field("remedies", "救济途径和期限", "textarea", required=False, default=DEFAULT_REMEDIES),
    ),
    checks=(check_fine_fields, check_simple_limits, check_simple_document),
    apply=apply_decide_on_spot,
)


def check_hand_over(ctx) -> None:
    if not (ctx.data.get("receiver_name") or ctx.data.get("refused")):
        raise ValidationError({"receiver_name": "请记录签收人；当事人拒绝签收的，勾选拒绝签收"})


def apply_hand_over(ctx, record) -> None:
    ctx.case.delivered_on = ctx.day


HAND_OVER = StepSpec(
    FLOW, "hand_over", officers_act=True,
    fields=(
        Field("receiver_name", "签收人", "text", required=False, max_length=50),
        Field("refused", "当事人拒绝签收（已在决定书上注明）", "bool", required=False),
    ),
    checks=(check_hand_over,),
    apply=apply_hand_over,
)

def check_file_record(ctx) -> None:
    filed, decided = ctx.data["filed_on"], ctx.case.decided_on
    if filed > ctx.day or (decided is not None and filed < decided):
        raise ValidationError({"filed_on": "备案日期应在当场处罚之后，且不晚于本次记录的发生日期"})


FILE_RECORD = StepSpec(
    FLOW, "file_record",
    fields=(
        Field("filed_on", "报所属行政机关备案日期", "date"),
        Field("received_by", "备案接收人（机构）", "text", required=False),
    ),
    checks=(check_file_record,),
)

TO_GENERAL_REASONS = (
    ("over_limit", "罚款数额超过当场处罚的限额或者处罚种类不适用"),
    ("needs_investigation", "违法事实需要进一步调查取证"),
    ("disputed", "当事人对违法事实有异议且需要核实"),
    ("other", "其他不适用简易程序的情形"),
)


def apply_to_general(ctx, record) -> None:
    """Open the general-procedure case (行政处罚一般程序) linked to this one, and note its number."""
    from .. import engine, services
    from ..models import CaseOfficer, StepRecord

    case = ctx.case
    parties = [{
        "party_type": p.party_type, "name": p.name, "id_type": p.id_type, "id_number": p.id_number,
        "legal_representative": p.legal_representative, "address": p.address, "phone": p.phone,
    } for p in case.parties.order_by("position")]
    links = CaseOfficer.objects.filter(case=case, until__isnull=True).order_by("-role", "since", "pk")
    officers = [link.person_id for link in sorted(links, key=lambda link: link.role != CaseOfficer.Role.LEAD)]
    child = services.register_case(ctx.user, {
        "flow": "penalty", "department": case.department_id, "title": case.title, "item_code": case.item_code,
        "source": case.source, "act_date": case.act_date, "officers": officers, "parent": case.pk,
        "harms_life_health_finance": case.harms_life_health_finance, "confidentiality": case.confidentiality,
        "parties": parties,
        "step": {"note": f"由简易程序案件{case.number}转为普通程序：{ctx.data.get('explanation') or ''}".strip("：")},
    })
    engine.write_record(ctx, action=StepRecord.Action.NOTE, step=ctx.target, from_step=ctx.target,
                        data={"general_case": child.number, "general_case_id": child.pk,
                              "text": f"已转为普通程序，登记案件{child.number}"})
    ctx.extra["general_case"] = child


TO_GENERAL = StepSpec(
    FLOW, "to_general",
    fields=(
        Field("reason", "转为普通程序的理由", "choice", choices=TO_GENERAL_REASONS),
        Field("explanation", "情况说明", "textarea", required=False),
    ),
    apply=apply_to_general,
)

register(IDENTIFY, INFORM, STATEMENT, DECIDE_ON_SPOT, HAND_OVER, FILE_RECORD, TO_GENERAL)
