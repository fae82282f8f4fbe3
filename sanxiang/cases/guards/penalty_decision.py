"""Guards of the penalty flow from 负责人审查决定 to 执行 (决定类型、是否执行、履行完毕).

- ``decided_penalty`` / ``decided_no_penalty`` / ``decided_withdraw`` / ``decided_transfer``: the leader's
  decision recorded at 负责人审查决定 (``decide``), and for a penalty the procedural preconditions
  (REV-01, LAW-04, LAW-05, LAW-06): prior notice given, the statement/defence period respected or waived,
  a requested hearing held, a required legal review passed, a required collective discussion decided.
- ``penalty_to_execute`` / ``nothing_to_execute``: whether the delivered decision leaves something to pay.
- ``executed``: paid in full (fine, confiscated sum and 加处罚款), or enforcement ended in a linked
  行政强制执行 case.

The preconditions that belong to the earlier steps are read from
:mod:`sanxiang.cases.guards.penalty_investigation` and :mod:`sanxiang.cases.review_hook` (imported
when used); while they are missing the guard fails closed.
"""

from __future__ import annotations

from decimal import Decimal

from sanxiang.core.errors import RuleViolation

from . import guard

DECISIONS = {"penalty": "给予行政处罚", "no_penalty": "不予行政处罚", "withdraw": "撤销立案", "transfer": "移送司法机关"}


def leader_decision(ctx) -> str:
    """The decision the leader took at 负责人审查决定 (the last such record), or ''."""
    record = ctx.last("decide")
    return (record.data or {}).get("decision", "") if record is not None else ""


def _decided(ctx, wanted: str) -> str | None:
    found = leader_decision(ctx)
    if not found:
        return "行政机关负责人尚未作出审查决定"
    if found != wanted:
        return f"行政机关负责人的审查决定为“{DECISIONS.get(found, found)}”，不是“{DECISIONS[wanted]}”"
    return None


def _investigation():
    try:
        from . import penalty_investigation
    except ImportError:
        return None
    return penalty_investigation


def _review_hook():
    try:
        from .. import review_hook
    except ImportError:
        return None
    return review_hook


def review_problem(ctx) -> tuple[str, str] | None:
    """REV-01: a decision that needs legal review only after the review passed (fails closed)."""
    hook = _review_hook()
    if hook is None:
        return "REV-01", "系统尚不能判断是否须法制审核，不能作出决定"
    reasons = hook.review_reasons(ctx.case)
    if reasons and hook.review_status(ctx.case) != "passed":
        return "REV-01", ("本案须经法制审核（" + "；".join(str(r) for r in reasons) +
                          "），审核尚未通过，不得作出决定（《行政处罚法》第五十八条）")
    return None


def penalty_preconditions(ctx) -> list[tuple[str, str]]:
    """``(rule, reason)`` for each reason a penalty may not be decided on ``ctx.day`` (REV-01, LAW-04/05/06)."""
    investigation = _investigation()
    needed = ("defence_heard", "collective_needed", "collective_done")
    if investigation is None or not all(hasattr(investigation, name) for name in needed):
        return [("REV-01", "系统尚不能核对事先告知、陈述申辩和听证情况，不能作出处罚决定")]
    problems: list[tuple[str, str]] = []
    found = investigation.defence_heard(ctx, ctx.day)  # notice, statement, its window, the hearing: "RULE: reason"
    if found:
        rule, _, reason = found.partition(": ")
        problems.append((rule, reason or rule))
    found = review_problem(ctx)
    if found:
        problems.append(found)
    if investigation.collective_needed(ctx) and investigation.collective_done(ctx) is None:
        problems.append(("LAW-06", "对情节复杂或者重大违法行为给予行政处罚，须经行政机关负责人集体讨论决定"
                                   "（《行政处罚法》第五十七条第二款）"))
    return problems


def _raise_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise RuleViolation(problems[0][0], "；".join(reason for _, reason in problems))


@guard("decided_penalty")
def decided_penalty(ctx) -> str | None:
    reason = _decided(ctx, "penalty")
    if reason:
        return reason
    _raise_first(penalty_preconditions(ctx))
    return None


@guard("decided_no_penalty")
def decided_no_penalty(ctx) -> str | None:
    reason = _decided(ctx, "no_penalty")
    if reason:
        return reason
    found = review_problem(ctx)
    _raise_first([found] if found else [])
    return None


@guard("decided_withdraw")
def decided_withdraw(ctx) -> str | None:
    reason = _decided(ctx, "withdraw")
    if reason:
        return reason
    found = review_problem(ctx)
    _raise_first([found] if found else [])
    return None


@guard("decided_transfer")
def decided_transfer(ctx) -> str | None:
    return _decided(ctx, "transfer")


def amount_to_execute(case) -> Decimal:
    """The money the decision orders the party to pay (罚款 + 没收违法所得 in money)."""
    return (case.fine_amount or Decimal("0")) + (case.confiscation_amount or Decimal("0"))


CONFISCATION_KINDS = {"confiscate_gains", "confiscate_property"}


def has_obligation(case) -> bool:
    """The delivered decision leaves something to execute: a fine or a confiscation."""
    if case.decision != "penalty":
        return False
    return amount_to_execute(case) > 0 or bool(CONFISCATION_KINDS & set(case.penalty_kinds or []))


@guard("penalty_to_execute")
def penalty_to_execute(ctx) -> str | None:
    if has_obligation(ctx.case):
        return None
    return "决定没有须执行的罚款或者没收，送达后直接结案"


@guard("nothing_to_execute")
def nothing_to_execute(ctx) -> str | None:
    if has_obligation(ctx.case):
        return "决定有须履行的罚款或者没收，须记录执行情况后方可结案"
    return None


@guard("executed")
def executed(ctx) -> str | None:
    record = ctx.last("execute")
    if record is None:
        return "尚未记录执行情况"
    data = record.data or {}
    if data.get("paid_in_full"):
        return None
    from ..models import Case

    children = Case.objects.filter(parent=ctx.case, flow_key="coercion_execution")
    if any(child.status in ("closed", "archived") for child in children):
        return None
    due = data.get("amount_due") or "应缴数额"
    paid = data.get("paid_total") or "0"
    if children.exists():
        return (f"当事人尚未缴清（应缴{due}元，已缴{paid}元），关联的行政强制执行案件"
                f"{'、'.join(c.number for c in children)}尚未办结")
    return (f"当事人尚未缴清（应缴{due}元，已缴{paid}元）；逾期不履行的，请以本案为关联案件登记“行政强制执行”"
            "（coercion_execution）案件，催告后依法强制执行或者申请人民法院强制执行（《行政处罚法》第七十二条）")
