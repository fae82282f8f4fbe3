"""How a version's content is shown to staff, and how two versions differ (field by field).

Labels come from the kind's editor forms (``forms.EDITORS``), so the page shows the same words the
drafter filled in. :func:`flatten` turns a content dict into ordered ``(label, text)`` pairs;
:func:`diff` compares two flattened versions with :mod:`difflib` and marks, inside each changed
value, the characters that were removed and added. Nothing here marks text safe: templates escape it.
"""

import difflib
from dataclasses import dataclass, field

from django import forms as django_forms
from django.utils.translation import gettext as _

from .. import forms

YES, NO = "是", "否"


def _value_text(form_field, value) -> str:
    if value in (None, "", [], {}):
        return "" if not isinstance(form_field, django_forms.BooleanField) else NO
    if isinstance(form_field, django_forms.BooleanField):
        return YES if value else NO
    choices = dict(getattr(form_field, "choices", None) or [])
    if isinstance(value, list | tuple):
        return "、".join(str(choices.get(v, v)) for v in value)
    if choices and value in choices:
        return str(choices[value])
    return str(value)


def _basis_text(row: dict) -> str:
    text = f"《{row.get('statute', '')}》{row.get('citation', '')}"
    return f"{text}（{row['role']}）" if row.get("role") else text


@dataclass
class Block:
    """A titled group of fields: the main fields, or one row of a list (one legal basis, one tier…)."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    key: str = ""


@dataclass
class Group:
    title: str
    blocks: list[Block] = field(default_factory=list)
    help_text: str = ""


def _main_block(form_class, content: dict, title: str) -> Block:
    form = form_class(editor=None)  # unbound; only for labels and choices
    block = Block(title=title)
    for name, form_field in form.fields.items():
        value = content.get(name)
        block.rows.append((str(form_field.label), _value_text(form_field, value)))
    return block


def _row_block(section, index: int, row: dict) -> Block:
    title = f"{section.form.row_title} {index + 1}"
    block = Block(title=title, key=f"{section.prefix}-{index}")
    if section.form is forms.BasisForm:
        block.rows.append((_("依据"), _basis_text(row)))
        block.rows.append((_("条文"), str(row.get("text") or "")))
        return block
    form = section.form()
    for name, form_field in form.fields.items():
        block.rows.append((str(form_field.label), _value_text(form_field, row.get(name))))
    return block


def groups(kind: str, content: dict) -> list[Group]:
    """The content of a version as groups of labelled fields, in the order of the editing page."""
    editor = forms.EDITORS[kind]
    content = content if isinstance(content, dict) else {}
    result = []
    main = _main_block(editor.main_form, content, _("基本信息"))
    if main.rows:
        result.append(Group(title=_("基本信息"), blocks=[main]))
    for section in editor.sections:
        rows = section.rows(content)
        group = Group(title=str(section.heading), blocks=[_row_block(section, i, r) for i, r in enumerate(rows)])
        result.append(group)
    for name, form_class in editor.extra_forms:
        nested = content.get("benchmark") if name == "bm" else content
        if nested:
            result.append(Group(title=_("不予处罚、从轻、减轻处罚情形"),
                                blocks=[_main_block(form_class, nested, _("裁量基准"))]))
    return result


def flatten(kind: str, content: dict) -> list[tuple[str, str]]:
    """Ordered ``(label, text)`` pairs of every field, row fields prefixed by their row ("法律依据 2 · 条文")."""
    pairs = []
    for group in groups(kind, content):
        for block in group.blocks:
            prefix = "" if block.title == _("基本信息") else f"{block.title} · "
            for label, text in block.rows:
                pairs.append((f"{prefix}{label}", text))
    return pairs


@dataclass
class Change:
    label: str
    state: str  # "same", "changed", "added", "removed"
    old: list[tuple[str, bool]]  # (text, removed?) segments of the old value
    new: list[tuple[str, bool]]  # (text, added?) segments of the new value

    @property
    def changed(self) -> bool:
        return self.state != "same"


def _segments(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    old_parts, new_parts = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            old_parts.append((old[a1:a2], False))
            new_parts.append((new[b1:b2], False))
        else:
            if a2 > a1:
                old_parts.append((old[a1:a2], True))
            if b2 > b1:
                new_parts.append((new[b1:b2], True))
    return old_parts, new_parts


def diff(kind: str, old_content: dict | None, new_content: dict) -> list[Change]:
    """Field-by-field comparison of two versions' content (``old_content`` None: everything is new)."""
    old = dict(flatten(kind, old_content)) if old_content is not None else {}
    new_pairs = flatten(kind, new_content)
    new = dict(new_pairs)
    old_labels = [label for label, _text in flatten(kind, old_content)] if old_content is not None else []
    new_labels = [label for label, _text in new_pairs]
    order = []
    matcher = difflib.SequenceMatcher(None, old_labels, new_labels, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            order.extend(new_labels[b1:b2])
        else:
            order.extend(label for label in old_labels[a1:a2] if label not in new)
            order.extend(new_labels[b1:b2])
    changes, seen = [], set()
    for label in order:
        if label in seen:
            continue
        seen.add(label)
        if label not in old:
            changes.append(Change(label, "added" if new[label] else "same", [], [(new[label], True)]))
        elif label not in new:
            changes.append(Change(label, "removed" if old[label] else "same", [(old[label], True)], []))
        elif old[label] == new[label]:
            changes.append(Change(label, "same", [(old[label], False)], [(new[label], False)]))
        else:
            old_parts, new_parts = _segments(old[label], new[label])
            changes.append(Change(label, "changed", old_parts, new_parts))
    return changes
