"""Enforcement items (行政执法事项清单, PUB-04) with their discretion benchmarks (裁量基准).

Content::

    {"name", "act_kind": ActKind, "level": [org Level values], "basis": [reference…],
     "procedure", "time_limit", "legal_time_limit_days": int | null, "fees", "remedy", "sector",
     "benchmark": null | {"tiers": [{"severity", "circumstances", "penalty_kinds", "person_fine_min",
     "person_fine_max", "org_fine_min", "org_fine_max", "note"}], "no_penalty_conditions",
     "lighter_conditions", "mitigated_conditions"}}

Only a penalty item (act_kind ``penalty``) has a benchmark. A tier's fine range must be in order
(minimum ≤ maximum) and may not exceed the highest fine the cited provisions allow (the largest
``max_fine_person`` / ``max_fine_org`` among the item's basis provisions that set one).
"""

from __future__ import annotations

from sanxiang.catalog.vocab import ActKind, PenaltyKind, Severity
from sanxiang.org.models import Level

from . import spec
from .basis import clean_basis, fine_caps
from .common import (
    LONG_MAX,
    MEDIUM_MAX,
    NAME_MAX,
    SHORT_MAX,
    Cleaner,
    decimal_str,
    join_text,
    money_text,
    reject_unknown_keys,
    require_dict,
)

KEYS = {"name", "act_kind", "level", "basis", "procedure", "time_limit", "legal_time_limit_days", "fees", "remedy",
        "sector", "benchmark"}
BENCHMARK_KEYS = {"tiers", "no_penalty_conditions", "lighter_conditions", "mitigated_conditions"}
TIER_KEYS = {"severity", "circumstances", "penalty_kinds", "person_fine_min", "person_fine_max", "org_fine_min",
             "org_fine_max", "note"}
MAX_TIERS = 20


def clean(content, agency=None) -> dict:
    c = Cleaner()
    data = require_dict(c, content)
    reject_unknown_keys(c, data, KEYS, "事项内容", error_key="content")
    out: dict = {}
    out["name"] = c.text(data, "name", "事项名称", required=True, max_length=NAME_MAX)
    out["act_kind"] = c.choice_value(data.get("act_kind"), ActKind, "事项类别", error_key="act_kind")
    out["level"] = c.choices_list(data.get("level"), Level, "实施层级", error_key="level")
    out["basis"], provisions = clean_basis(c, data.get("basis"))
    out["procedure"] = c.text(data, "procedure", "办理流程", max_length=LONG_MAX)
    out["time_limit"] = c.text(data, "time_limit", "办理时限", max_length=SHORT_MAX)
    out["legal_time_limit_days"] = c.integer_value(data.get("legal_time_limit_days"), "法定时限（日）",
                                                   error_key="legal_time_limit_days", minimum=0, maximum=3650)
    out["fees"] = c.text(data, "fees", "收费依据及标准", max_length=MEDIUM_MAX)
    out["remedy"] = c.text(data, "remedy", "救济途径", max_length=MEDIUM_MAX)
    out["sector"] = c.text(data, "sector", "所属领域", max_length=SHORT_MAX)
    out["benchmark"] = _clean_benchmark(c, data.get("benchmark"), out["act_kind"], provisions)
    c.raise_if_any()
    return out


def _clean_benchmark(c: Cleaner, value, act_kind: str, provisions: list):
    if value in (None, "", {}):
        return None
    if act_kind and act_kind != ActKind.PENALTY:
        c.add("benchmark", "裁量基准：只有行政处罚事项才设裁量基准")
        return None
    if not isinstance(value, dict):
        c.add("benchmark", "裁量基准格式不正确")
        return None
    reject_unknown_keys(c, value, BENCHMARK_KEYS, "裁量基准", error_key="benchmark")
    cap_person, cap_org = fine_caps(provisions)
    tiers_in = c.list_value(value.get("tiers"), "裁量基准的裁量阶次", error_key="benchmark", required=True)
    if len(tiers_in) > MAX_TIERS:
        c.add("benchmark", f"裁量基准的裁量阶次不能超过{MAX_TIERS}个")
        tiers_in = []
    tiers = []
    for index, tier in enumerate(tiers_in):
        prefix = f"裁量基准第{index + 1}档："
        if not isinstance(tier, dict):
            c.add("benchmark", f"{prefix}格式不正确")
            continue
        reject_unknown_keys(c, tier, TIER_KEYS, "", error_key="benchmark", prefix=prefix)
        out = {
            "severity": c.choice_value(tier.get("severity"), Severity, "违法情节", error_key="benchmark", prefix=prefix),
            "circumstances": c.text(tier, "circumstances", "适用情形", required=True, max_length=MEDIUM_MAX,
                                    error_key="benchmark", prefix=prefix),
            "penalty_kinds": c.choices_list(tier.get("penalty_kinds"), PenaltyKind, "处罚种类", error_key="benchmark",
                                            prefix=prefix, required=True),
        }
        amounts = {}
        for key, label in (("person_fine_min", "对个人罚款下限"), ("person_fine_max", "对个人罚款上限"),
                           ("org_fine_min", "对单位罚款下限"), ("org_fine_max", "对单位罚款上限")):
            amounts[key] = c.decimal_value(tier.get(key), label, error_key="benchmark", prefix=prefix)
        for who, cap, cap_label in (("person", cap_person, "个人"), ("org", cap_org, "单位")):
            low, high = amounts[f"{who}_fine_min"], amounts[f"{who}_fine_max"]
            if low is not None and high is not None and low > high:
                c.add("benchmark", f"{prefix}对{cap_label}罚款的下限{money_text(low)}元大于上限{money_text(high)}元")
            if cap is not None:
                for amount, end in ((high, "上限"), (low, "下限")):
                    if amount is not None and amount > cap:
                        c.add("benchmark", f"{prefix}对{cap_label}罚款{end}{money_text(amount)}元超过所引条款规定的"
                                           f"最高罚款额{money_text(cap)}元")
                        break
        has_fine = any(v is not None for v in amounts.values())
        if has_fine and out["penalty_kinds"] and PenaltyKind.FINE not in out["penalty_kinds"]:
            c.add("benchmark", f"{prefix}填写了罚款幅度，处罚种类中应包含“罚款”")
        out.update({k: decimal_str(v) for k, v in amounts.items()})
        out["note"] = c.text(tier, "note", "说明", max_length=MEDIUM_MAX, error_key="benchmark", prefix=prefix)
        tiers.append(out)
    return {
        "tiers": tiers,
        "no_penalty_conditions": c.text(value, "no_penalty_conditions", "不予处罚情形", max_length=LONG_MAX,
                                        error_key="benchmark", prefix="裁量基准："),
        "lighter_conditions": c.text(value, "lighter_conditions", "从轻处罚情形", max_length=LONG_MAX,
                                     error_key="benchmark", prefix="裁量基准："),
        "mitigated_conditions": c.text(value, "mitigated_conditions", "减轻处罚情形", max_length=LONG_MAX,
                                       error_key="benchmark", prefix="裁量基准："),
    }


def title(content: dict) -> str:
    return content.get("name", "")


def category(content: dict) -> str:
    return content.get("act_kind", "")


def search_text(content: dict) -> str:
    return join_text(
        content.get("name"), str(dict(ActKind.choices).get(content.get("act_kind"), "")), content.get("sector"),
        [f"{b.get('statute', '')}{b.get('citation', '')}" for b in content.get("basis") or []],
    )


SPEC = spec.KindSpec(
    kind="item", label="行政执法事项清单", clean_function=clean, title_function=title, category_function=category,
    search_function=search_text,
    columns=[
        ("code", "事项编码"), ("name", "事项名称"), ("act_kind", "事项类别"), ("level", "实施层级"), ("basis", "法律依据"),
        ("procedure", "办理流程"), ("time_limit", "办理时限"), ("legal_time_limit_days", "法定时限（日）"),
        ("fees", "收费依据及标准"), ("remedy", "救济途径"), ("sector", "所属领域"),
    ],
    column_types={"act_kind": (spec.CHOICE, ActKind), "level": (spec.CHOICES, Level), "basis": spec.BASIS,
                  "legal_time_limit_days": spec.INT},
)
