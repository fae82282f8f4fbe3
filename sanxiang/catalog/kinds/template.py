"""Enforcement document templates (执法文书样本, PUB-08).

Content::

    {"doc_code" (a built-in document definition of sanxiang/catalog/documents.py), "name",
     "act_kinds": [ActKind], "purpose"}
"""

from __future__ import annotations

from sanxiang.catalog.vocab import ActKind

from . import spec
from .common import MEDIUM_MAX, NAME_MAX, Cleaner, join_text, reject_unknown_keys, require_dict

KEYS = {"doc_code", "name", "act_kinds", "purpose"}


def known_document_codes() -> set[str] | None:
    """Codes of the built-in document definitions (``documents.DOCUMENTS``), or None if that module is missing."""
    try:
        from sanxiang.catalog import documents
    except ImportError:
        return None
    registry = getattr(documents, "DOCUMENTS", None)
    return set(registry) if isinstance(registry, dict) else None


def clean(content, agency=None) -> dict:
    c = Cleaner()
    data = require_dict(c, content)
    reject_unknown_keys(c, data, KEYS, "文书样本内容", error_key="content")
    out = {
        "doc_code": c.code_value(data.get("doc_code"), "文书代码", error_key="doc_code"),
        "name": c.text(data, "name", "文书名称", required=True, max_length=NAME_MAX),
        "act_kinds": c.choices_list(data.get("act_kinds"), ActKind, "适用执法行为", error_key="act_kinds"),
        "purpose": c.text(data, "purpose", "用途说明", max_length=MEDIUM_MAX),
    }
    known = known_document_codes()
    if out["doc_code"] and known is not None and out["doc_code"] not in known:
        c.add("doc_code", f"文书代码“{out['doc_code']}”不是系统内置的执法文书")
    c.raise_if_any()
    return out


def title(content: dict) -> str:
    return content.get("name", "")


def category(content: dict) -> str:
    kinds = content.get("act_kinds") or []
    return kinds[0] if len(kinds) == 1 else ""


def search_text(content: dict) -> str:
    return join_text(content.get("name"), content.get("purpose"))


SPEC = spec.KindSpec(
    kind="template", label="执法文书样本", clean_function=clean, title_function=title, category_function=category,
    search_function=search_text,
    columns=[("code", "样本编码"), ("doc_code", "文书代码"), ("name", "文书名称"), ("act_kinds", "适用执法行为"),
             ("purpose", "用途说明")],
    column_types={"act_kinds": (spec.CHOICES, ActKind)},
)
