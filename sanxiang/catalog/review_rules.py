"""Evaluating an agency's major-decision review catalog (重大执法决定法制审核目录清单, REV-02) against a proposed decision.

Pure functions, no database: the legal-review gate reads the catalog in force
(:func:`sanxiang.catalog.selectors.review_catalog`) and calls :func:`evaluate` with the facts of the
proposed decision::

    facts = {"act_kind": "penalty", "item_code": "CF-001", "penalty_kinds": ["fine"], "fine_amount": "50000",
             "party_is_org": True, "hearing_held": False, "complexity_flags": [], "simple_procedure": False}

A rule matches when every condition it sets holds; an empty list, a null amount or
``hearing_held: false`` sets no condition:

- ``act_kinds``: the decision's act kind is one of them;
- ``item_codes``: the decision's item is one of them;
- ``penalty_kinds``: the decision imposes at least one of them;
- ``min_fine_person`` / ``min_fine_org``: the fine reaches the threshold for the party's type (a
  person or an organisation). A rule that sets a threshold only for the other type does not match;
- ``hearing_held``: a hearing was held;
- ``complexity_flags``: at least one of the decision's flags is among them.

The decision needs review when any rule matches, or when the catalog says
``review_all_non_simple`` and the decision is not made under the simple procedure (简易程序).
Each :class:`Match` says which rule, in the catalog's own words, and which conditions held, in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .vocab import ActKind, ComplexityFlag, PenaltyKind

ALL_NON_SIMPLE = "ALL"
ALL_NON_SIMPLE_DESCRIPTION = "本机关对适用普通程序作出的行政执法决定一律进行法制审核"


@dataclass(frozen=True)
class Match:
    """One rule of the review catalog that a proposed decision meets (审核情形)."""

    code: str
    description: str
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        held = "；".join(self.reasons)
        return f"{self.code} {self.description}" + (f"（{held}）" if held else "")


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _amount(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _yuan(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value)}元"
    try:
        return f"{value.quantize(Decimal('0.01'))}元"
    except InvalidOperation:
        return f"{value:f}元"


def match_rule(rule: dict, facts: dict) -> Match | None:
    """The match of one rule, or None if a condition it sets does not hold."""
    reasons: list[str] = []
    act_labels, penalty_labels, flag_labels = _labels(ActKind), _labels(PenaltyKind), _labels(ComplexityFlag)

    act_kinds = rule.get("act_kinds") or []
    if act_kinds:
        act_kind = facts.get("act_kind")
        if act_kind not in act_kinds:
            return None
        reasons.append(f"执法行为类别为{act_labels.get(act_kind, act_kind)}")

    item_codes = rule.get("item_codes") or []
    if item_codes:
        item_code = facts.get("item_code")
        if not item_code or item_code not in item_codes:
            return None
        reasons.append(f"执法事项{item_code}列入审核目录")

    penalty_kinds = rule.get("penalty_kinds") or []
    if penalty_kinds:
        proposed = [k for k in (facts.get("penalty_kinds") or []) if k in penalty_kinds]
        if not proposed:
            return None
        reasons.append("拟作出" + "、".join(penalty_labels.get(k, k) for k in proposed))

    threshold_person, threshold_org = _amount(rule.get("min_fine_person")), _amount(rule.get("min_fine_org"))
    if threshold_person is not None or threshold_org is not None:
        is_org = bool(facts.get("party_is_org"))
        threshold = threshold_org if is_org else threshold_person
        fine = _amount(facts.get("fine_amount"))
        if threshold is None or fine is None or fine < threshold:
            return None
        reasons.append(f"罚款金额{_yuan(fine)}达到对{'单位' if is_org else '个人'}{_yuan(threshold)}的标准")

    if rule.get("hearing_held"):
        if not facts.get("hearing_held"):
            return None
        reasons.append("经过听证程序")

    flags = rule.get("complexity_flags") or []
    if flags:
        present = [f for f in (facts.get("complexity_flags") or []) if f in flags]
        if not present:
            return None
        reasons.extend(flag_labels.get(f, f) for f in present)

    if not reasons:  # a rule without conditions matches nothing (the catalog's checker refuses such rules)
        return None
    return Match(code=str(rule.get("code", "")), description=str(rule.get("description", "")), reasons=tuple(reasons))


def review_all_non_simple(rules_content: dict | None, facts: dict) -> Match | None:
    """The catalog's "review every decision outside the simple procedure" clause, if it applies."""
    if not rules_content or not rules_content.get("review_all_non_simple"):
        return None
    if facts.get("simple_procedure"):
        return None
    return Match(code=ALL_NON_SIMPLE, description=ALL_NON_SIMPLE_DESCRIPTION, reasons=("未适用简易程序",))


def evaluate(rules_content: dict | None, facts: dict) -> list[Match]:
    """Every match of a proposed decision against a review catalog's content (empty: no review needed by the catalog).

    ``rules_content`` is the catalog's content (``{"review_all_non_simple", "rules": [...]}``), or None when
    the agency has no catalog in force. The "review all" clause, when it applies, comes first.
    """
    matches: list[Match] = []
    general = review_all_non_simple(rules_content, facts)
    if general is not None:
        matches.append(general)
    for rule in (rules_content or {}).get("rules") or []:
        found = match_rule(rule, facts)
        if found is not None:
            matches.append(found)
    return matches


def needs_review(rules_content: dict | None, facts: dict) -> bool:
    """Whether the catalog requires legal review of the proposed decision."""
    return bool(evaluate(rules_content, facts))


def describe_rule(rule: dict) -> str:
    """The conditions of a rule in plain words, for the published form of the catalog."""
    act_labels, penalty_labels, flag_labels = _labels(ActKind), _labels(PenaltyKind), _labels(ComplexityFlag)
    parts: list[str] = []
    if rule.get("act_kinds"):
        parts.append("执法行为类别为" + "或".join(act_labels.get(k, k) for k in rule["act_kinds"]))
    if rule.get("item_codes"):
        parts.append("属于事项" + "、".join(rule["item_codes"]))
    if rule.get("penalty_kinds"):
        parts.append("拟作出" + "或".join(penalty_labels.get(k, k) for k in rule["penalty_kinds"]))
    person, org = _amount(rule.get("min_fine_person")), _amount(rule.get("min_fine_org"))
    if person is not None and org is not None:
        parts.append(f"对个人罚款{_yuan(person)}以上或对单位罚款{_yuan(org)}以上")
    elif person is not None:
        parts.append(f"对个人罚款{_yuan(person)}以上")
    elif org is not None:
        parts.append(f"对单位罚款{_yuan(org)}以上")
    if rule.get("hearing_held"):
        parts.append("经过听证程序")
    if rule.get("complexity_flags"):
        parts.append("或".join(flag_labels.get(f, f) for f in rule["complexity_flags"]))
    return "，且".join(parts)
