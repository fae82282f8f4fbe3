"""Steps of the 行政强制措施 flow (查封、扣押、冻结; 《行政强制法》第十八、十九、二十四至二十八条, LAW-09).

报请实施 → 负责人审批（或情况紧急当场实施）→ 两名以上执法人员到场出示证件 → 通知当事人到场 → 告知 → 听取陈述申辩
→ 现场笔录 → 财物清单 → 决定书 → （紧急的：24小时内报告并补办批准）→ 查封扣押期间（30日，经批准延长一次不超过30日；
检测、检验、检疫、鉴定期间不计入）→ 解除或者依法处理。
The on-site steps are acts of at least two certified officers (LAW-01) under full-process AV recording
(``av_activity="seizure"``, REC-03/05); both are checked by the engine.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from sanxiang.core.errors import RuleViolation

from ..fields import Field
from ..guards.coercion_measure import (
    CUSTODY_CLOCK,
    MAX_EXTENSION_DAYS,
    RELEASE_GROUNDS,
    STATUTORY_DAYS,
    report_too_late,
)
from ..models import Case
from .base import StepSpec, register

FLOW = "coercion_measure"

MEASURE_KINDS = (("seal", "查封场所、设施或者财物"), ("seize", "扣押财物"), ("freeze", "冻结存款、汇款"))
SIGNATURES = (("signed", "当事人签名或者盖章"), ("refused", "当事人拒绝签名，已在笔录中注明"),
              ("absent", "当事人不到场，由见证人签名"))
HANDLING = (("confiscate", "没收（依法作出行政处罚决定）"), ("destroy", "销毁"), ("other", "其他依法处理"))
DELIVERY = (("party", "当场交付当事人"), ("witness", "当事人不到场，在见证人见证下留置"))
INVENTORY_COPIES = 2
ROW_SPLIT = re.compile(r"\s*[|｜\t]\s*")


# --- 报请实施 ------------------------------------------------------------------------------------------------


def _check_propose(ctx):
    if ctx.data.get("emergency") and not (ctx.data.get("emergency_reason") or "").strip():
        raise ValidationError({"emergency_reason": "情况紧急需要当场实施的，请写明紧急情况（《行政强制法》第十九条）"})


def _apply_propose(ctx, record):
    ctx.case.legal_basis = ctx.data["legal_basis"]
    ctx.case.facts = ctx.data["reasons"]


# --- 负责人审批 ----------------------------------------------------------------------------------------------


def _check_approve(ctx):
    if ctx.data["opinion"] == "refused" and not (ctx.data.get("comment") or "").strip():
        raise ValidationError({"comment": "不予批准的，请写明理由"})


# --- 现场实施 ------------------------------------------------------------------------------------------------


def _check_present(ctx):
    if not ctx.data.get("credentials_shown"):
        raise RuleViolation("XZQZF-18", "实施行政强制措施，执法人员应当出示执法身份证件（《行政强制法》第十八条第（三）项）")


def _check_notify(ctx):
    if not ctx.data.get("party_present") and not (ctx.data.get("witness") or "").strip():
        raise RuleViolation("XZQZF-18", "当事人不到场的，应当邀请见证人到场，请填写见证人姓名"
                                        "（《行政强制法》第十八条第（九）项）")


def _check_inform(ctx):
    if not ctx.data.get("rights_informed"):
        raise RuleViolation("XZQZF-18", "应当当场告知当事人采取行政强制措施的理由、依据以及当事人依法享有的权利、救济途径"
                                        "（《行政强制法》第十八条第（五）项）")


def _check_hear(ctx):
    if not ctx.data.get("waived") and not (ctx.data.get("statement") or "").strip():
        raise ValidationError({"statement": "请记录当事人的陈述、申辩，或者注明当事人放弃陈述、申辩"})


def _check_record(ctx):
    """现场笔录: signed by the officers and by the party — or the refusal noted and a witness signs (第十八条(八)(九))."""
    data = ctx.data
    if not data.get("officers_signed"):
        raise RuleViolation("XZQZF-18", "现场笔录应当由执法人员签名或者盖章（《行政强制法》第十八条第（八）项）")
    signature = data["party_signature"]
    if signature == "refused" and not (data.get("refusal_note") or "").strip():
        raise RuleViolation("XZQZF-18", "当事人拒绝签名的，应当在现场笔录中予以注明（《行政强制法》第十八条第（八）项）")
    if signature in ("refused", "absent") and not (data.get("witness") or "").strip():
        raise RuleViolation("XZQZF-18", "当事人拒绝签名或者不到场的，应当由见证人和执法人员在现场笔录上签名或者盖章，"
                                        "请填写见证人姓名（《行政强制法》第十八条第（八）项、第（九）项）")


def parse_inventory(text: str) -> list[dict]:
    """Rows of 查封扣押清单: one item a line, ``名称 | 数量 | 状况`` (``|``, ``｜`` or a tab between)."""
    rows, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = ROW_SPLIT.split(line.strip())
        if len(parts) != 3 or not all(parts):
            errors.append(f"第{number}行应为“名称｜数量｜状况”三项")
            continue
        rows.append({"name": parts[0], "quantity": parts[1], "condition": parts[2]})
    if errors:
        raise ValidationError({"rows": "；".join(errors)})
    if not rows:
        raise ValidationError({"rows": "请逐项填写查封、扣押的场所、设施或者财物"})
    return rows


def _check_inventory(ctx):
    ctx.data["item_rows"] = parse_inventory(ctx.data["rows"])
    if ctx.data["copies"] != INVENTORY_COPIES or not ctx.data.get("copy_to_party"):
        raise RuleViolation("XZQZF-24", "查封、扣押清单应当一式二份，由当事人和行政机关分别保存"
                                        f"（《行政强制法》第二十四条第三款；本次为{ctx.data['copies']}份"
                                        f"{'' if ctx.data.get('copy_to_party') else '，未交当事人'}）")


def _check_decision(ctx):
    days = ctx.data["days"]
    if days > STATUTORY_DAYS:
        raise RuleViolation("LAW-09", f"查封、扣押的期限不得超过三十日（本次为{days}日）；情况复杂的，"
                                      "须另经行政机关负责人批准延长（《行政强制法》第二十五条第一款）")
    start = ctx.data.get("start_date") or ctx.day
    present = ctx.done_on("present")
    if start > ctx.day or (present is not None and start < present):
        raise ValidationError({"start_date": "查封、扣押的起始日期应在到场实施之日至作出决定之日之间"})
    ctx.data["start_date"] = start


def _apply_decision(ctx, record):
    ctx.case.decided_on = ctx.day
    ctx.case.decision = Case.Decision.OTHER


def _check_emergency_report(ctx):
    late = report_too_late(ctx)
    if late and ctx.data["opinion"] == "confirmed":
        raise RuleViolation("LAW-09", late + "，逾期不能补办批准，应当立即解除")
    if ctx.data["opinion"] == "refused" and not (ctx.data.get("comment") or "").strip():
        raise ValidationError({"comment": "不同意采取该措施的，请写明理由"})


def _check_release(ctx):
    if ctx.source == "emergency_report" and ctx.data["ground"] != "not_approved":
        raise ValidationError({"ground": "负责人不同意补办批准的，解除理由应为“行政机关负责人不同意补办批准手续，立即解除”"})


def _check_dispose(ctx):
    number = (ctx.data.get("penalty_case") or "").strip()
    if number and not Case.objects.filter(agency_id=ctx.case.agency_id, number=number, kind="penalty").exists():
        raise ValidationError({"penalty_case": f"本执法主体没有编号为“{number}”的行政处罚案件"})


ONSITE = {"officers_act": True}

register(
    StepSpec(
        FLOW, "propose",
        fields=(
            Field("measure_kind", "强制措施种类", "choice", choices=MEASURE_KINDS),
            Field("items", "拟查封、扣押的场所、设施或者财物（冻结的存款、汇款）", "textarea"),
            Field("legal_basis", "法律依据", "textarea"),
            Field("reasons", "理由（涉嫌违法事实）", "textarea"),
            Field("emergency", "情况紧急，需要当场实施", "bool", required=False),
            Field("emergency_reason", "紧急情况", "textarea", required=False,
                  help="情况紧急需要当场实施的，写明紧急情况；当场实施后24小时内须向负责人报告并补办批准手续"),
        ),
        checks=(_check_propose,), apply=_apply_propose,
        help="《行政强制法》第十八条第（一）项：实施前须向行政机关负责人报告并经批准；第十九条：情况紧急的可当场实施。",
    ),
    StepSpec(
        FLOW, "approve",
        fields=(Field("opinion", "审批意见", "choice", choices=(("approved", "批准实施"), ("refused", "不予批准"))),
                Field("comment", "审批说明", "textarea", required=False)),
        checks=(_check_approve,),
    ),
    StepSpec(FLOW, "not_approved", fields=(Field("reason", "不予批准的理由", "textarea", required=False),)),
    StepSpec(
        FLOW, "present",
        fields=(Field("place", "实施地点", max_length=200),
                Field("credentials_shown", "已出示执法身份证件", "bool", required=False)),
        checks=(_check_present,), **ONSITE,
        help="两名以上执法人员实施，出示执法身份证件；全程音像记录（查封扣押财产）。",
    ),
    StepSpec(
        FLOW, "notify_party",
        fields=(Field("party_present", "当事人到场", "bool", required=False),
                Field("notice_method", "通知方式", required=False),
                Field("witness", "见证人姓名", required=False, help="当事人不到场的，邀请见证人到场")),
        checks=(_check_notify,), **ONSITE,
    ),
    StepSpec(
        FLOW, "inform",
        fields=(Field("content", "告知的理由、依据", "textarea"),
                Field("rights_informed", "已告知当事人依法享有的权利、救济途径", "bool", required=False)),
        checks=(_check_inform,), **ONSITE,
    ),
    StepSpec(
        FLOW, "hear",
        fields=(Field("statement", "当事人的陈述、申辩", "textarea", required=False),
                Field("waived", "当事人放弃陈述、申辩（或不到场）", "bool", required=False)),
        checks=(_check_hear,), **ONSITE,
    ),
    StepSpec(
        FLOW, "record",
        fields=(Field("content", "现场笔录内容", "textarea"),
                Field("party_signature", "当事人签名情况", "choice", choices=SIGNATURES),
                Field("refusal_note", "拒绝签名的注明", required=False),
                Field("witness", "见证人姓名", required=False),
                Field("officers_signed", "执法人员已签名或者盖章", "bool", required=False)),
        checks=(_check_record,), **ONSITE,
        help="现场笔录由当事人和执法人员签名或者盖章；当事人拒绝的注明，当事人拒绝或者不到场的由见证人签名。",
    ),
    StepSpec(
        FLOW, "inventory",
        fields=(Field("rows", "清单（每行一项：名称｜数量｜状况）", "textarea"),
                Field("copies", "清单份数", "int", min_value=1, max_value=10),
                Field("copy_to_party", "一份已交当事人", "bool", required=False)),
        checks=(_check_inventory,), **ONSITE,
        help="清单一式二份，由当事人和行政机关分别保存（《行政强制法》第二十四条第三款）。",
    ),
    StepSpec(
        FLOW, "decision",
        fields=(Field("start_date", "查封、扣押起始日期", "date", required=False),
                Field("days", "查封、扣押期限（日）", "int", min_value=1, max_value=365),
                Field("custodian", "保管人", max_length=100),
                Field("place", "保管地点", max_length=200),
                Field("delivery", "决定书交付方式", "choice", choices=DELIVERY)),
        checks=(_check_decision,), apply=_apply_decision, **ONSITE,
        help="期限不得超过三十日；决定书当场交付当事人（《行政强制法》第二十四条、第二十五条）。",
    ),
    StepSpec(
        FLOW, "emergency_report",
        fields=(Field("opinion", "负责人意见", "choice",
                      choices=(("confirmed", "同意，补办批准手续"), ("refused", "不同意，立即解除"))),
                Field("comment", "负责人说明", "textarea", required=False)),
        checks=(_check_emergency_report,),
        help="当场实施后二十四小时内向行政机关负责人报告并补办批准手续（《行政强制法》第十九条）。",
    ),
    StepSpec(FLOW, "custody", help="查封、扣押期间：30日（检测、检验、检疫、鉴定期间不计入，可由负责人中止计时）。"),
    StepSpec(
        FLOW, "extend",
        fields=(Field("clock", "延长的期限", "choice", required=False, choices=((CUSTODY_CLOCK, "查封、扣押期限"),),
                      default=CUSTODY_CLOCK),
                Field("days", "延长天数", "int", min_value=1, max_value=365,
                      help=f"不超过{MAX_EXTENSION_DAYS}日，只能延长一次"),
                Field("complex_case", "情况复杂", "bool", required=False),
                Field("reasons", "延长理由", "textarea"),
                Field("party_notified", "已书面告知当事人并说明理由", "bool", required=False)),
    ),
    StepSpec(
        FLOW, "release",
        fields=(Field("ground", "解除情形", "choice", choices=RELEASE_GROUNDS),
                Field("return_note", "退还财物情况", "textarea", help="解除后立即退还财物；已拍卖、变卖的退还所得款项"),
                Field("reason", "说明", "textarea", required=False)),
        checks=(_check_release,),
    ),
    StepSpec(
        FLOW, "dispose",
        fields=(Field("handling", "处理方式", "choice", choices=HANDLING),
                Field("basis", "处理依据", "textarea"),
                Field("penalty_case", "作出没收决定的行政处罚案件编号", required=False, max_length=64)),
        checks=(_check_dispose,),
        help="应当没收的，在行政处罚案件中作出没收决定；应当销毁的依法销毁（《行政强制法》第二十七条）。",
    ),
)

__all__ = ["HANDLING", "MEASURE_KINDS", "SIGNATURES", "parse_inventory"]
