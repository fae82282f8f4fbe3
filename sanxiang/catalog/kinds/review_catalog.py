"""The major-decision legal review catalog (重大执法决定法制审核目录清单, PUB-09, REV-02). One per agency, code FZSH.

Content::

    {"domain", "review_all_non_simple": bool, "rules": [{"code", "description", "act_kinds", "item_codes",
     "penalty_kinds", "min_fine_person", "min_fine_org", "hearing_held": bool, "complexity_flags"}]}

A rule matches a proposed decision when every condition it sets holds (an empty list, a null amount
or ``hearing_held: false`` sets no condition); see :mod:`sanxiang.catalog.review_rules`. A rule must
set at least one condition — to review every decision outside the simple procedure, tick
``review_all_non_simple`` instead.
"""

from __future__ import annotations

from sanxiang.catalog.vocab import ActKind, ComplexityFlag, PenaltyKind

from . import spec
from .common import MEDIUM_MAX, SHORT_MAX, Cleaner, decimal_str, join_text, reject_unknown_keys, require_dict

CODE = "FZSH"
KEYS = {"domain", "review_all_non_simple", "rules"}
RULE_KEYS = {"code", "description", "act_kinds", "item_codes", "penalty_kinds", "min_fine_person", "min_fine_org",
             "hearing_held", "complexity_flags"}


def clean(content, agency=None) -> dict:
    c = Cleaner()
    data = require_dict(c, content)
    reject_unknown_keys(c, data, KEYS, "审核目录内容", error_key="content")
    domain = c.text(data, "domain", "执法领域", max_length=SHORT_MAX)
    review_all = c.boolean_value(data.get("review_all_non_simple"), "普通程序案件全部审核", error_key="review_all_non_simple")
    rules = []
    seen: set[str] = set()
    for index, rule in enumerate(c.list_value(data.get("rules"), "审核事项", error_key="rules", required=not review_all)):
        prefix = f"审核事项第{index + 1}条："
        if not isinstance(rule, dict):
            c.add("rules", f"{prefix}格式不正确")
            continue
        reject_unknown_keys(c, rule, RULE_KEYS, "", error_key="rules", prefix=prefix)
        code = c.code_value(rule.get("code"), "编号", error_key="rules", prefix=prefix)
        if code and code in seen:
            c.add("rules", f"{prefix}编号“{code}”重复")
        seen.add(code)
        out = {
            "code": code,
            "description": c.text(rule, "description", "审核情形说明", required=True, max_length=MEDIUM_MAX,
                                  error_key="rules", prefix=prefix),
            "act_kinds": c.choices_list(rule.get("act_kinds"), ActKind, "执法行为类别", error_key="rules", prefix=prefix),
            "item_codes": [],
            "penalty_kinds": c.choices_list(rule.get("penalty_kinds"), PenaltyKind, "处罚种类", error_key="rules",
                                            prefix=prefix),
            "min_fine_person": decimal_str(c.decimal_value(rule.get("min_fine_person"), "对个人罚款起点",
                                                           error_key="rules", prefix=prefix)),
            "min_fine_org": decimal_str(c.decimal_value(rule.get("min_fine_org"), "对单位罚款起点", error_key="rules",
                                                        prefix=prefix)),
            "hearing_held": c.boolean_value(rule.get("hearing_held"), "经过听证", error_key="rules", prefix=prefix),
            "complexity_flags": c.choices_list(rule.get("complexity_flags"), ComplexityFlag, "情形", error_key="rules",
                                               prefix=prefix),
        }
        for item_code in c.list_value(rule.get("item_codes"), "事项编码", error_key="rules", prefix=prefix):
            item_code = c.code_value(item_code, "事项编码", error_key="rules", prefix=prefix)
            if item_code and item_code not in out["item_codes"]:
                out["item_codes"].append(item_code)
        if not any(out[k] for k in ("act_kinds", "item_codes", "penalty_kinds", "min_fine_person", "min_fine_org",
                                    "hearing_held", "complexity_flags")):
            c.add("rules", f"{prefix}没有设定任何条件；如要审核全部普通程序案件，请勾选“普通程序案件全部审核”")
        rules.append(out)
    if agency is not None:
        _check_items(c, rules, agency)
    c.raise_if_any()
    return {"domain": domain, "review_all_non_simple": review_all, "rules": rules}


def _check_items(c: Cleaner, rules: list[dict], agency) -> None:
    from sanxiang.catalog.models import Entry, ListKind

    codes = {code for rule in rules for code in rule["item_codes"]}
    if not codes:
        return
    known = set(Entry.objects.filter(agency=agency, kind=ListKind.ITEM, code__in=codes).values_list("code", flat=True))
    for index, rule in enumerate(rules):
        for code in rule["item_codes"]:
            if code not in known:
                c.add("rules", f"审核事项第{index + 1}条：本机关的行政执法事项清单中没有编码为“{code}”的事项")


def title(content: dict) -> str:
    domain = content.get("domain") or ""
    return f"重大执法决定法制审核目录清单{'（' + domain + '）' if domain else ''}"


def category(content: dict) -> str:
    return ""


def search_text(content: dict) -> str:
    return join_text(content.get("domain"), [r.get("description") for r in content.get("rules") or []])


SPEC = spec.KindSpec(
    kind="review_catalog", label="重大执法决定法制审核目录清单", clean_function=clean, title_function=title,
    category_function=category, search_function=search_text,
    columns=[("code", "编码"), ("domain", "执法领域"), ("review_all_non_simple", "普通程序案件全部审核")],
    column_types={"review_all_non_simple": spec.BOOL}, fixed_code=CODE,
)
