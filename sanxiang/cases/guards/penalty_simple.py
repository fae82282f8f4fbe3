"""Guards of the simple procedure (行政处罚简易程序，当场处罚): ``simple_procedure_applies`` and
``simple_procedure_not_applicable`` (LAW-02, 《行政处罚法》第五十一条).

The penalty judged is the one the officer enters at 当场作出决定 (``ctx.data`` of that step); when the
guard is asked without input (the list of next moves), the one announced at 告知 (``inform``).
"""

from __future__ import annotations

from decimal import Decimal

from sanxiang.catalog.vocab import PenaltyKind

from . import guard

SIMPLE_KINDS = {"warning", "fine"}


def simple_limit(ctx) -> tuple[Decimal, str]:
    """The ceiling for the case's party: 200 元 for a natural person, 3,000 元 for an organisation."""
    party = ctx.case.primary_party
    if party is not None and party.is_organisation:
        return ctx.params.simple_fine_org, "法人或者其他组织"
    return ctx.params.simple_fine_person, "公民"


def proposed(ctx) -> dict | None:
    """The penalty to judge: the input of 当场作出决定, else what 告知 announced."""
    if "penalty_kinds" in ctx.data:
        return ctx.data
    record = ctx.last("inform")
    return (record.data or {}) if record is not None else None


def simple_problems(ctx, terms: dict) -> list[str]:
    """Why ``terms`` (penalty_kinds, fine_amount) fall outside the simple procedure (LAW-02); empty if inside."""
    kinds = set(terms.get("penalty_kinds") or [])
    problems = []
    other = kinds - SIMPLE_KINDS
    if other:
        labels = dict(PenaltyKind.choices)
        names = "、".join(str(labels.get(k, k)) for k in sorted(other))
        problems.append(f"当场处罚只能给予警告或者较小数额的罚款，不能给予{names}")
    if not kinds:
        problems.append("未写明处罚种类")
    fine = Decimal(str(terms.get("fine_amount") or "0"))
    limit, who = simple_limit(ctx)
    if fine > limit:
        problems.append(f"对{who}当场罚款不得超过{limit:.0f}元（本次{fine}元）")
    return problems


@guard("simple_procedure_applies")
def simple_procedure_applies(ctx) -> str | None:
    terms = proposed(ctx)
    if terms is None:
        return "尚未告知拟作出的处罚"
    problems = simple_problems(ctx, terms)
    if problems:
        return "不适用简易程序（《行政处罚法》第五十一条，LAW-02）：" + "；".join(problems) + "。应当转为普通程序办理"
    if not ctx.passed("statement"):
        return "尚未听取当事人的陈述、申辩"
    return None


@guard("simple_procedure_not_applicable")
def simple_procedure_not_applicable(ctx) -> str | None:
    reason = ctx.data.get("reason")
    if reason is None or reason != "over_limit":
        return None  # facts need investigation, the party disputes them …: the officer may always go general
    terms = proposed(ctx) or {}
    if simple_problems(ctx, terms):
        return None
    return "告知的处罚在当场处罚的限额以内，不能以“超过限额”为由转为普通程序；如需调查，请选择相应理由"
