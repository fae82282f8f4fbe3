"""Conditions of the licence flow (行政许可的流转条件; 《行政许可法》第三十二条、第三十八条、第四十六条至第四十八条).

Acceptance, correction and refusal read the input of the step being entered (``ctx.data``); the
hearing and decision conditions read what the examination, the hearing request and the hearing recorded.
"""

from __future__ import annotations

from ..models import Case
from . import guard


def _data(ctx, step: str) -> dict:
    record = ctx.last(step)
    return (record.data if record is not None else {}) or {}


def _materials(ctx) -> list:
    from ..steps.license import material_ids

    return material_ids(ctx)


@guard("materials_complete")
def materials_complete(ctx):
    if not ctx.data.get("within_scope"):
        return "受理须确认申请事项属于本机关职权范围、依法需要取得行政许可"
    if not ctx.data.get("materials_complete"):
        return "受理须确认申请材料齐全、符合法定形式；不齐全的应当一次告知补正"
    if not _materials(ctx):
        return "尚未登记任何申请材料（请先上传申请材料并关联到本案）"
    return None


@guard("materials_incomplete")
def materials_incomplete(ctx):
    if not [line for line in (ctx.data.get("items") or "").splitlines() if line.strip()]:
        return "一次告知补正须列明需要补正的全部内容"
    return None


@guard("application_inadmissible")
def application_inadmissible(ctx):
    if ctx.data.get("ground") not in ("not_required", "not_competent"):
        return "未经补正的申请，只有申请事项依法不需要取得行政许可或者不属于本机关职权范围的，才能不予受理"
    return None


@guard("corrected")
def corrected(ctx):
    if not ctx.passed("correction"):
        return "本申请没有补正通知"
    if not (ctx.data.get("within_scope") and ctx.data.get("materials_complete")):
        return "受理须确认申请人已按补正通知提交全部补正材料，材料齐全、符合法定形式"
    if not ctx.data.get("corrected_on"):
        return "请填写收到全部补正材料的日期"
    return None


@guard("not_corrected")
def not_corrected(ctx):
    if ctx.data.get("ground") != "not_corrected":
        return "经补正通知后不予受理的，情形应为申请人未按补正通知补正"
    deadline = _data(ctx, "correction").get("deadline")
    if deadline and ctx.day.isoformat() <= deadline:
        return f"补正期限至{deadline}尚未届满"
    return None


@guard("license_hearing_rights")
def license_hearing_rights(ctx):
    if not _data(ctx, "examine").get("others_interest"):
        return "审查未认定许可事项直接涉及申请人与他人之间重大利益关系"
    return None


@guard("license_hearing_required")
def license_hearing_required(ctx):
    if not _data(ctx, "examine").get("hearing_by_law"):
        return "审查未认定本许可事项依法应当听证或者涉及公共利益"
    return None


@guard("license_hearing_requested")
def license_hearing_requested(ctx):
    if not _data(ctx, "hearing_request").get("requested"):
        return "申请人、利害关系人没有在期限内申请听证"
    return None


def _conclusion(ctx) -> str:
    """The latest conclusion: of the hearing if one was held (决定根据听证笔录作出), else of the examination."""
    records = [r for r in ctx.history if r.step in ("examine", "hearing") and (r.data or {}).get("conclusion")]
    return records[-1].data["conclusion"] if records else ""


def _hearing_missing(ctx) -> str | None:
    examined = _data(ctx, "examine")
    if examined.get("hearing_by_law") and not ctx.passed("hearing"):
        return "本许可事项依法应当听证，须举行听证后根据听证笔录作出决定（《行政许可法》第四十六条、第四十八条）"
    if examined.get("others_interest") and not ctx.passed("hearing_request"):
        return "许可事项涉及申请人与他人之间重大利益关系，作出决定前须告知听证权利（《行政许可法》第四十七条）"
    if _data(ctx, "hearing_request").get("requested") and not ctx.passed("hearing"):
        return "申请人已申请听证，须举行听证后作出决定"
    return None


@guard("conditions_met")
def conditions_met(ctx):
    missing = _hearing_missing(ctx)
    if missing:
        return missing
    if _conclusion(ctx) != "met":
        return "审查（听证）结论不是“符合法定条件、标准”"
    return None


@guard("conditions_not_met")
def conditions_not_met(ctx):
    missing = _hearing_missing(ctx)
    if missing:
        return missing
    if _conclusion(ctx) != "not_met":
        return "审查（听证）结论不是“不符合法定条件、标准”"
    return None


@guard("license_granted")
def license_granted(ctx):
    if ctx.case.decision != Case.Decision.GRANT:
        return "本申请未准予许可"
    return None


@guard("license_denied")
def license_denied(ctx):
    if ctx.case.decision != Case.Decision.DENY:
        return "本申请不是不予许可"
    return None
