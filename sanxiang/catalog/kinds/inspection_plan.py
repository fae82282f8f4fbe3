"""Annual random inspection plans (年度抽查计划, PUB-05).

Content::

    {"year": int, "name", "tasks": [{"item_code" (an inspection item of the same agency), "title",
     "ratio_percent", "start", "end", "department"}]}

Each task's dates are ISO dates within the plan's year, start ≤ end.
"""

from __future__ import annotations

import datetime

from . import spec
from .common import NAME_MAX, SHORT_MAX, Cleaner, join_text, reject_unknown_keys, require_dict
from .inspection_item import clean_ratio

KEYS = {"year", "name", "tasks"}
TASK_KEYS = {"item_code", "title", "ratio_percent", "start", "end", "department"}


def clean(content, agency=None) -> dict:
    c = Cleaner()
    data = require_dict(c, content)
    reject_unknown_keys(c, data, KEYS, "抽查计划内容", error_key="content")
    year = c.integer_value(data.get("year"), "计划年度", error_key="year", required=True, minimum=2000, maximum=2100)
    name = c.text(data, "name", "计划名称", required=True, max_length=NAME_MAX)
    tasks_in = c.list_value(data.get("tasks"), "抽查任务", error_key="tasks", required=True)
    tasks = []
    for index, task in enumerate(tasks_in):
        prefix = f"抽查任务第{index + 1}项："
        if not isinstance(task, dict):
            c.add("tasks", f"{prefix}格式不正确")
            continue
        reject_unknown_keys(c, task, TASK_KEYS, "", error_key="tasks", prefix=prefix)
        out = {
            "item_code": c.code_value(task.get("item_code"), "抽查事项编码", error_key="tasks", prefix=prefix),
            "title": c.text(task, "title", "任务名称", required=True, max_length=NAME_MAX, error_key="tasks", prefix=prefix),
            "ratio_percent": clean_ratio(c, task.get("ratio_percent"), key="tasks", prefix=prefix),
        }
        start = c.date_value(task.get("start"), "开始日期", error_key="tasks", prefix=prefix, required=True)
        end = c.date_value(task.get("end"), "结束日期", error_key="tasks", prefix=prefix, required=True)
        if start and end and start > end:
            c.add("tasks", f"{prefix}开始日期{start.isoformat()}晚于结束日期{end.isoformat()}")
        if year:
            for day, label in ((start, "开始日期"), (end, "结束日期")):
                if day and day.year != year:
                    c.add("tasks", f"{prefix}{label}{day.isoformat()}不在计划年度{year}年内")
        out["start"] = start.isoformat() if isinstance(start, datetime.date) else None
        out["end"] = end.isoformat() if isinstance(end, datetime.date) else None
        out["department"] = c.text(task, "department", "实施机构", max_length=SHORT_MAX, error_key="tasks", prefix=prefix)
        tasks.append(out)
    if agency is not None:
        _check_items(c, tasks, agency)
    c.raise_if_any()
    return {"year": year, "name": name, "tasks": tasks}


def _check_items(c: Cleaner, tasks: list[dict], agency) -> None:
    from sanxiang.catalog.models import Entry, ListKind

    codes = {t["item_code"] for t in tasks if t["item_code"]}
    known = set(Entry.objects.filter(agency=agency, kind=ListKind.INSPECTION_ITEM, code__in=codes)
                .values_list("code", flat=True))
    for index, task in enumerate(tasks):
        if task["item_code"] and task["item_code"] not in known:
            c.add("tasks", f"抽查任务第{index + 1}项：本机关的随机抽查事项清单中没有编码为“{task['item_code']}”的事项")


def title(content: dict) -> str:
    return content.get("name", "")


def category(content: dict) -> str:
    return str(content.get("year") or "")


def search_text(content: dict) -> str:
    return join_text(content.get("name"), [t.get("title") for t in content.get("tasks") or []])


SPEC = spec.KindSpec(
    kind="inspection_plan", label="年度抽查计划", clean_function=clean, title_function=title,
    category_function=category, search_function=search_text,
    columns=[("code", "计划编号"), ("year", "计划年度"), ("name", "计划名称")],
    column_types={"year": spec.INT},
)
