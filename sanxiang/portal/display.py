"""Plain-language display of catalog content for the public (公示): money, labels, review rules as sentences.

Content comes from published versions (already checked by ``sanxiang.catalog.kinds``); these helpers
still accept missing or odd values without failing, because a public page must never break.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from sanxiang.catalog.vocab import ActKind, AVRequirement, ComplexityFlag, PenaltyKind, Severity


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def act_kind_label(value) -> str:
    return _label(ActKind, value)


def penalty_kind_label(value) -> str:
    return _label(PenaltyKind, value)


def severity_label(value) -> str:
    return _label(Severity, value)


def av_requirement_label(value) -> str:
    return _label(AVRequirement, value)


def complexity_label(value) -> str:
    return _label(ComplexityFlag, value)


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def _plain(amount: Decimal) -> str:
    text = format(amount.normalize(), "f")
    return text


def money(value) -> str:
    """Yuan in everyday form: "200.00" → 200元, "100000.00" → 10万元, "15000" → 1.5万元, "12345.6" → 12345.6元."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if amount >= 10000 and (amount / 10000) == (amount / 10000).quantize(Decimal("0.01")):
        return _("%(n)s万元") % {"n": _plain(amount / 10000)}
    return _("%(n)s元") % {"n": _plain(amount)}


def fine_range(low, high) -> str:
    """A fine range: "200元至2000元", "2000元以下", "5万元以上", or "" when neither end is set."""
    low_text, high_text = money(low), money(high)
    if low_text and high_text:
        if low_text == high_text:
            return low_text
        return _("%(low)s至%(high)s") % {"low": low_text, "high": high_text}
    if high_text:
        return _("%(high)s以下") % {"high": high_text}
    if low_text:
        return _("%(low)s以上") % {"low": low_text}
    return ""


def _either(words: list[str]) -> str:
    """["甲"] → 甲; ["甲", "乙", "丙"] → 甲、乙或丙 (any one of them)."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + _("或") + words[-1]


def rule_sentence(rule: dict, item_names: dict | None = None) -> str:
    """One review-catalog rule (REV-02) as the sentence the public reads.

    Reads the way :func:`sanxiang.catalog.review_rules.match_rule` decides: every condition the rule
    sets must hold; within a list condition (act kinds, items, penalty kinds, circumstances) any one
    entry is enough; a fine threshold applies to its party type (个人 or 单位). E.g.
    ``{"act_kinds": ["penalty"], "min_fine_org": "100000.00"}`` → “对单位罚款10万元以上的行政处罚决定”.
    """
    item_names = item_names or {}
    conditions: list[str] = []
    flags = [complexity_label(f).rstrip("的") for f in rule.get("complexity_flags") or []]
    if len(flags) == 1 and not flags[0].endswith("情形"):
        conditions.append(_("具有“%(flag)s”情形") % {"flag": flags[0]})
    elif len(flags) == 1:
        conditions.append(_("属于“%(flag)s”") % {"flag": flags[0]})
    elif flags:
        conditions.append(_("属于%(flags)s之一") % {"flags": "".join(f"“{f}”" for f in flags)})
    if rule.get("hearing_held"):
        conditions.append(_("经过听证程序"))
    person, org = money(rule.get("min_fine_person")), money(rule.get("min_fine_org"))
    kinds = list(rule.get("penalty_kinds") or [])
    if person or org:
        kinds = [k for k in kinds if k != PenaltyKind.FINE]
    if kinds:
        conditions.append(_("作出%(kinds)s") % {"kinds": _either([penalty_kind_label(k) for k in kinds])})
    if person and org:
        conditions.append(_("对个人罚款%(person)s以上、对单位罚款%(org)s以上") % {"person": person, "org": org})
    elif person:
        conditions.append(_("对个人罚款%(person)s以上") % {"person": person})
    elif org:
        conditions.append(_("对单位罚款%(org)s以上") % {"org": org})
    codes = rule.get("item_codes") or []
    if codes:
        conditions.append(_("属于%(names)s事项") % {"names": _either([f"“{item_names.get(c) or c}”" for c in codes])})
    acts = _either([act_kind_label(a) for a in rule.get("act_kinds") or []]) or _("行政执法")
    decision = _("%(acts)s决定") % {"acts": acts}
    if not conditions:
        return _("全部%(decision)s") % {"decision": decision}
    return "，".join(conditions) + _("的") + decision
