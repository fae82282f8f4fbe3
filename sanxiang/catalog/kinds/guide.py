"""Service guides (服务指南, PUB-06) for licensing items.

Content::

    {"item_code" (a licensing item of the same agency), "name", "basis": [reference…], "accepting_body",
     "approving_body", "conditions", "preferential_policies", "materials": [{"name", "form", "copies", "note"}],
     "process", "time_limit", "fees", "supervision", "accountability", "office_hours", "address", "phone"}
"""

from __future__ import annotations

from sanxiang.catalog.vocab import ActKind

from . import spec
from .basis import clean_basis
from .common import LONG_MAX, MEDIUM_MAX, NAME_MAX, SHORT_MAX, Cleaner, join_text, reject_unknown_keys, require_dict

TEXT_FIELDS = [
    ("accepting_body", "受理机构", SHORT_MAX, True),
    ("approving_body", "决定机构", SHORT_MAX, True),
    ("conditions", "办理条件", LONG_MAX, True),
    ("preferential_policies", "优惠政策", MEDIUM_MAX, False),
    ("process", "办理流程", LONG_MAX, True),
    ("time_limit", "办理时限", SHORT_MAX, True),
    ("fees", "收费标准", MEDIUM_MAX, False),
    ("supervision", "监督投诉渠道", MEDIUM_MAX, True),
    ("accountability", "责任追究", MEDIUM_MAX, False),
    ("office_hours", "办公时间", SHORT_MAX, True),
    ("address", "办公地址", SHORT_MAX, True),
    ("phone", "咨询电话", 100, True),
]
KEYS = {"item_code", "name", "basis", "materials"} | {k for k, *_ in TEXT_FIELDS}
MATERIAL_KEYS = {"name", "form", "copies", "note"}


def clean(content, agency=None) -> dict:
    c = Cleaner()
    data = require_dict(c, content)
    reject_unknown_keys(c, data, KEYS, "服务指南内容", error_key="content")
    out: dict = {}
    out["item_code"] = c.code_value(data.get("item_code"), "对应事项编码", error_key="item_code")
    out["name"] = c.text(data, "name", "事项名称", required=True, max_length=NAME_MAX)
    out["basis"], _provisions = clean_basis(c, data.get("basis"), label="设定依据", required=False)
    materials = []
    for index, material in enumerate(c.list_value(data.get("materials"), "申请材料", error_key="materials")):
        prefix = f"申请材料第{index + 1}项："
        if not isinstance(material, dict):
            c.add("materials", f"{prefix}格式不正确")
            continue
        reject_unknown_keys(c, material, MATERIAL_KEYS, "", error_key="materials", prefix=prefix)
        materials.append({
            "name": c.text(material, "name", "材料名称", required=True, max_length=NAME_MAX, error_key="materials",
                           prefix=prefix),
            "form": c.text(material, "form", "材料形式", max_length=20, error_key="materials", prefix=prefix),
            "copies": c.integer_value(material.get("copies"), "份数", error_key="materials", prefix=prefix, minimum=1,
                                      maximum=99, default=1),
            "note": c.text(material, "note", "备注", max_length=MEDIUM_MAX, error_key="materials", prefix=prefix),
        })
    out["materials"] = materials
    for key, label, max_length, required in TEXT_FIELDS:
        out[key] = c.text(data, key, label, required=required, max_length=max_length)
    if agency is not None and out["item_code"]:
        _check_item(c, out["item_code"], agency)
    c.raise_if_any()
    return out


def _check_item(c: Cleaner, code: str, agency) -> None:
    from sanxiang.catalog.models import Entry, ListKind, VersionStatus

    entry = Entry.objects.filter(agency=agency, kind=ListKind.ITEM, code=code).first()
    if entry is None:
        c.add("item_code", f"对应事项编码：本机关的行政执法事项清单中没有编码为“{code}”的事项")
        return
    versions = entry.versions.order_by("-number")
    version = versions.filter(status=VersionStatus.PUBLISHED).first() or versions.first()
    if version is None or (version.content or {}).get("act_kind") != ActKind.LICENSE:
        c.add("item_code", f"对应事项编码：事项“{code}”不是行政许可事项，服务指南只对应行政许可事项")


def title(content: dict) -> str:
    return content.get("name", "")


def category(content: dict) -> str:
    return ActKind.LICENSE


def search_text(content: dict) -> str:
    return join_text(content.get("name"), content.get("accepting_body"), content.get("conditions"),
                     [m.get("name") for m in content.get("materials") or []])


SPEC = spec.KindSpec(
    kind="guide", label="服务指南", clean_function=clean, title_function=title, category_function=category,
    search_function=search_text,
    columns=[("code", "指南编码"), ("item_code", "对应事项编码"), ("name", "事项名称"), ("basis", "设定依据")]
    + [(k, label) for k, label, *_ in TEXT_FIELDS],
    column_types={"basis": spec.BASIS},
)
