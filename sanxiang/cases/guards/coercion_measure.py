"""Conditions of the 行政强制措施 flow (查封、扣押、冻结; 《行政强制法》第十八、十九、二十四至二十八条, LAW-09).

Also the helpers the flow's steps share: the on-the-spot moment, whether the measure was taken in an
emergency, and the end of the custody period (查封扣押期限: 30 days from the seizure, or fewer if
the decision says so, plus the one approved extension, plus testing/appraisal time that does not count).
"""

from __future__ import annotations

import datetime

from sanxiang.core.errors import RuleViolation

from ..models import StepRecord
from . import guard

FLOW = "coercion_measure"
CUSTODY_CLOCK = "custody"
STATUTORY_DAYS = 30  # 《行政强制法》第二十五条第一款
MAX_EXTENSION_DAYS = 30
EMERGENCY_HOURS = 24  # 《行政强制法》第十九条


def _data(record) -> dict:
    return (record.data or {}) if record is not None else {}


def was_emergency(ctx) -> bool:
    """The measure was proposed as an emergency, taken on the spot before approval (第十九条)."""
    return bool(_data(ctx.last("propose")).get("emergency"))


def present_moment(ctx) -> datetime.datetime | None:
    """When the officers acted on the spot (the ``present`` step)."""
    record = ctx.last("present")
    return record.occurred_at if record is not None else None


def report_too_late(ctx) -> str:
    """The reason the emergency report comes too late (more than 24 hours after acting), or ''."""
    acted = present_moment(ctx)
    if acted is None or ctx.occurred_at - acted <= datetime.timedelta(hours=EMERGENCY_HOURS):
        return ""
    hours = (ctx.occurred_at - acted).total_seconds() / 3600
    return (f"当场实施行政强制措施后，应当在二十四小时内向行政机关负责人报告并补办批准手续（《行政强制法》第十九条）；"
            f"本次距当场实施已约{hours:.0f}小时")


def extension_count(ctx) -> int:
    """Extensions of the custody period so far: 延长期限 steps and approved clock extensions."""
    return sum(1 for r in ctx.history if (r.data or {}).get("clock") == CUSTODY_CLOCK and (r.data or {}).get("days")
               and (r.action == StepRecord.Action.EXTEND
                    or (r.action == StepRecord.Action.TRANSITION and r.step == "extend")))


def custody_end(ctx) -> datetime.date | None:
    """The last day of the custody period, or None before the seizure decision.

    The case clock ``custody`` counts the statutory 30 days from the decision, plus extensions and the
    excluded testing/appraisal periods (``pause_clock``); a decision for fewer days ends earlier.
    """
    decision = ctx.last("decision")
    if decision is None:
        return None
    deadline = next((d for d in ctx.deadlines() if d.key == CUSTODY_CLOCK), None)
    if deadline is None:
        return None
    days = int(_data(decision).get("days") or STATUTORY_DAYS)
    start = _data(decision).get("start_date")
    earlier = (deadline.start - datetime.date.fromisoformat(start)).days if start else 0
    return deadline.due - datetime.timedelta(days=max(0, STATUTORY_DAYS - days) + max(0, earlier))


def expired_reason(ctx) -> str:
    """Why the custody period is over on the day of the act (LAW-09), or ''."""
    end = custody_end(ctx)
    if end is None or ctx.day <= end:
        return ""
    return (f"查封、扣押期限已于{end:%Y年%m月%d日}届满，期限届满应当解除查封、扣押、退还财物"
            "（《行政强制法》第二十五条、第二十八条第一款第（四）项）")


# --- 报请实施 → 审批 / 当场实施 -----------------------------------------------------------------------------


@guard("measure_routine")
def measure_routine(ctx):
    if was_emergency(ctx):
        return "报请时已说明情况紧急，应当场实施并在二十四小时内补办批准手续，不走事前审批"
    return None


@guard("measure_emergency")
def measure_emergency(ctx):
    propose = _data(ctx.last("propose"))
    if not propose.get("emergency"):
        return ("实施行政强制措施前须向行政机关负责人报告并经批准（《行政强制法》第十八条第（一）项）；"
                "本案未说明情况紧急，须先经负责人批准")
    if not (propose.get("emergency_reason") or "").strip():
        return "情况紧急需要当场实施的，须写明紧急情况（《行政强制法》第十九条）"
    return None


@guard("measure_approved")
def measure_approved(ctx):
    if _data(ctx.last("approve")).get("opinion") != "approved":
        return "行政机关负责人未批准实施行政强制措施"
    return None


@guard("measure_not_approved")
def measure_not_approved(ctx):
    if _data(ctx.last("approve")).get("opinion") != "refused":
        return "负责人审批意见不是不予批准"
    return None


# --- 决定书 → 补办批准 / 查封扣押期间 ------------------------------------------------------------------------


@guard("was_emergency")
def was_emergency_guard(ctx):
    if not was_emergency(ctx):
        return "本案实施前已经负责人批准，无需补办批准手续"
    return None


@guard("approved_in_advance")
def approved_in_advance(ctx):
    if was_emergency(ctx) or _data(ctx.last("approve")).get("opinion") != "approved":
        return "当场实施的行政强制措施，须先报告负责人并补办批准手续（《行政强制法》第十九条）"
    return None


@guard("approval_confirmed")
def approval_confirmed(ctx):
    report = ctx.last("emergency_report")
    if _data(report).get("opinion") != "confirmed":
        return "行政机关负责人未同意补办批准手续"
    return None


@guard("approval_refused_release")
def approval_refused_release(ctx):
    if _data(ctx.last("emergency_report")).get("opinion") != "refused":
        return "行政机关负责人已同意采取该措施"
    return None


# --- 查封扣押期间 → 延长 / 解除 / 处理 ---------------------------------------------------------------------


@guard("extension_approved")
def extension_approved(ctx):
    late = expired_reason(ctx)
    if late:
        raise RuleViolation("LAW-09", late + "；期限届满后不能再延长")
    if extension_count(ctx) >= 1:
        raise RuleViolation("LAW-09", "查封、扣押期限只能延长一次（《行政强制法》第二十五条第一款）")
    data = ctx.data or {}
    days = data.get("days")
    if days is not None and days > MAX_EXTENSION_DAYS:
        raise RuleViolation("LAW-09", f"延长期限不得超过三十日（本次为{days}日）（《行政强制法》第二十五条第一款）")
    if not data.get("complex_case"):
        return "只有情况复杂的，才可以经行政机关负责人批准延长查封、扣押期限（《行政强制法》第二十五条第一款）"
    if not data.get("party_notified"):
        return "延长查封、扣押的决定应当及时书面告知当事人，并说明理由（《行政强制法》第二十五条第二款）"
    return None


RELEASE_GROUNDS = (
    ("no_violation", "当事人没有违法行为"),
    ("unrelated", "查封、扣押的场所、设施或者财物与违法行为无关"),
    ("decided", "行政机关对违法行为已经作出处理决定，不再需要查封、扣押"),
    ("expired", "查封、扣押期限已经届满"),
    ("not_needed", "其他不再需要采取查封、扣押措施的情形"),
    ("not_approved", "行政机关负责人不同意补办批准手续，立即解除"),
)


@guard("release_grounds")
def release_grounds(ctx):
    ground = (ctx.data or {}).get("ground")
    if ground == "not_approved":
        return "负责人不同意补办批准的解除只适用于当场实施的情形；请选择第二十八条规定的解除情形"
    if ground == "expired" and not expired_reason(ctx):
        end = custody_end(ctx)
        when = f"{end:%Y年%m月%d日}" if end else "决定书所定之日"
        return f"查封、扣押期限尚未届满（至{when}），请选择其他解除情形"
    return None


@guard("handling_decided")
def handling_decided(ctx):
    late = expired_reason(ctx)
    if late:
        raise RuleViolation("LAW-09", late + "，不能再作出处理决定")
    return None
