"""Random inspection items (随机抽查事项清单, PUB-05).

Content::

    {"name", "subject" (抽查主体), "basis": [reference…], "object" (抽查对象), "object_tags": [str],
     "content" (抽查内容), "ratio_percent": "5.00", "method", "frequency", "inspectors_per_object": int}

The ratio is a percentage with 0 < ratio ≤ 100. At least two inspectors go to each object
(《行政处罚法》第四十二条：执法人员不得少于两人).
"""

from __future__ import annotations

from decimal import Decimal

from . import spec
from .basis import clean_basis
from .common import LONG_MAX, MEDIUM_MAX, NAME_MAX, SHORT_MAX, Cleaner, join_text, reject_unknown_keys, require_dict

KEYS = {"name", "subject", "basis", "object", "object_tags", "content", "ratio_percent", "method", "frequency",
        "inspectors_per_object"}
MIN_INSPECTORS = 2
MAX_INSPECTORS = 20


def clean_ratio(c: Cleaner, value, *, key: str = "ratio_percent", prefix: str = "", required: bool = True) -> str | None:
    """A ratio in percent, 0 < r ≤ 100, two decimals: "5.00"."""
    if value in (None, ""):
        if required:
            c.add(key, f"{prefix}抽查比例不能为空")
        return None
    if isinstance(value, str):
        value = value.strip().removesuffix("%").removesuffix("％").strip()
    ratio = c.decimal_value(value, "抽查比例", error_key=key, prefix=prefix, unit="%", maximum=Decimal("1000000"))
    if ratio is None:
        return None
    if not Decimal(0) < ratio <= Decimal(100):
        c.add(key, f"{prefix}抽查比例应大于0且不超过100%（现为{ratio.normalize():f}%）")
        return None
    return f"{ratio:.2f}"


def clean(content, agency=None) -> dict:
    c = Cleaner()
    data = require_dict(c, content)
    reject_unknown_keys(c, data, KEYS, "抽查事项内容", error_key="content")
    out: dict = {}
    out["name"] = c.text(data, "name", "抽查事项名称", required=True, max_length=NAME_MAX)
    out["subject"] = c.text(data, "subject", "抽查主体", required=True, max_length=SHORT_MAX)
    out["basis"], _provisions = clean_basis(c, data.get("basis"))
    out["object"] = c.text(data, "object", "抽查对象", required=True, max_length=MEDIUM_MAX)
    out["object_tags"] = c.text_list(data.get("object_tags"), "检查对象标签", error_key="object_tags", max_length=50)
    out["content"] = c.text(data, "content", "抽查内容", required=True, max_length=LONG_MAX)
    out["ratio_percent"] = clean_ratio(c, data.get("ratio_percent"))
    out["method"] = c.text(data, "method", "抽查方式", required=True, max_length=MEDIUM_MAX)
    out["frequency"] = c.text(data, "frequency", "抽查频次", required=True, max_length=SHORT_MAX)
    inspectors = c.integer_value(data.get("inspectors_per_object"), "每户检查人员数", error_key="inspectors_per_object",
                                 default=MIN_INSPECTORS, maximum=MAX_INSPECTORS)
    if inspectors is not None and inspectors < MIN_INSPECTORS:
        c.add("inspectors_per_object", f"每户检查人员数不得少于{MIN_INSPECTORS}人（执法人员不得少于两人），现为{inspectors}人")
    out["inspectors_per_object"] = inspectors
    c.raise_if_any()
    return out


def title(content: dict) -> str:
    return content.get("name", "")


def category(content: dict) -> str:
    return "inspection"


def search_text(content: dict) -> str:
    return join_text(content.get("name"), content.get("subject"), content.get("object"), content.get("object_tags"),
                     content.get("content"))


SPEC = spec.KindSpec(
    kind="inspection_item", label="随机抽查事项清单", clean_function=clean, title_function=title,
    category_function=category, search_function=search_text,
    columns=[
        ("code", "事项编码"), ("name", "抽查事项名称"), ("subject", "抽查主体"), ("basis", "抽查依据"), ("object", "抽查对象"),
        ("object_tags", "检查对象标签"), ("content", "抽查内容"), ("ratio_percent", "抽查比例（%）"), ("method", "抽查方式"),
        ("frequency", "抽查频次"), ("inspectors_per_object", "每户检查人员数"),
    ],
    column_types={"basis": spec.BASIS, "object_tags": spec.LIST, "ratio_percent": spec.MONEY,
                  "inspectors_per_object": spec.INT},
)
