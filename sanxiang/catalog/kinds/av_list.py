"""The AV recording item list (音像记录事项清单, REC-03). One per agency, code YXJL.

Content::

    {"rows": [{"activity" (code, e.g. "seizure"), "name", "requirement": AVRequirement, "basis"}]}

The record store reads it through :func:`sanxiang.catalog.selectors.av_requirements`.
"""

from __future__ import annotations

import re

from sanxiang.catalog.vocab import AVRequirement

from . import spec
from .common import MEDIUM_MAX, NAME_MAX, Cleaner, join_text, reject_unknown_keys, require_dict

CODE = "YXJL"
KEYS = {"rows"}
ROW_KEYS = {"activity", "name", "requirement", "basis"}
ACTIVITY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def clean(content, agency=None) -> dict:
    c = Cleaner()
    data = require_dict(c, content)
    reject_unknown_keys(c, data, KEYS, "音像记录事项清单内容", error_key="content")
    rows = []
    seen: set[str] = set()
    for index, row in enumerate(c.list_value(data.get("rows"), "音像记录事项", error_key="rows", required=True)):
        prefix = f"音像记录事项第{index + 1}行："
        if not isinstance(row, dict):
            c.add("rows", f"{prefix}格式不正确")
            continue
        reject_unknown_keys(c, row, ROW_KEYS, "", error_key="rows", prefix=prefix)
        activity = c.text(row, "activity", "执法活动代码", required=True, max_length=50, error_key="rows", prefix=prefix)
        if activity and not ACTIVITY_RE.match(activity):
            c.add("rows", f"{prefix}执法活动代码“{activity}”只能由小写字母、数字和下划线组成，且以字母开头")
            activity = ""
        if activity and activity in seen:
            c.add("rows", f"{prefix}执法活动代码“{activity}”重复")
        seen.add(activity)
        rows.append({
            "activity": activity,
            "name": c.text(row, "name", "执法活动名称", required=True, max_length=NAME_MAX, error_key="rows",
                           prefix=prefix),
            "requirement": c.choice_value(row.get("requirement"), AVRequirement, "记录要求", error_key="rows",
                                          prefix=prefix),
            "basis": c.text(row, "basis", "依据", max_length=MEDIUM_MAX, error_key="rows", prefix=prefix),
        })
    c.raise_if_any()
    return {"rows": rows}


def title(content: dict) -> str:
    return "音像记录事项清单"


def category(content: dict) -> str:
    return ""


def search_text(content: dict) -> str:
    return join_text([r.get("name") for r in content.get("rows") or []])


SPEC = spec.KindSpec(
    kind="av_list", label="音像记录事项清单", clean_function=clean, title_function=title, category_function=category,
    search_function=search_text, columns=[("code", "编码")], fixed_code=CODE,
)
