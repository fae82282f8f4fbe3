"""What every list kind provides: :class:`KindSpec`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .basis import basis_to_text, parse_basis_text

# Cell types of flat spreadsheet columns (see KindSpec.to_row / from_row).
TEXT = "text"
LIST = "list"  # strings joined with "、"
BASIS = "basis"  # legal-basis references as 《…》第…条；…
CHOICE = "choice"  # one TextChoices value, shown by its label
CHOICES = "choices"  # several TextChoices values, labels joined with "、"
INT = "int"
MONEY = "money"
BOOL = "bool"

LIST_SEPARATOR = "、"


@dataclass(frozen=True)
class KindSpec:
    """One kind of list (清单类别): how its content is checked, named, categorised, searched and tabulated.

    ``columns`` are the flat columns of a spreadsheet of this kind, as ``(key, Chinese header)``; the
    first is always ``("code", "编码")`` (the entry's code, kept outside the content). Nested lists
    other than the legal basis (discretion tiers, materials, plan tasks, review rules, AV rows) are not
    flat columns: their spreadsheets are the import/export module's business.
    """

    kind: str
    label: str
    clean_function: Callable
    title_function: Callable[[dict], str]
    category_function: Callable[[dict], str]
    search_function: Callable[[dict], str]
    columns: list[tuple[str, str]]
    column_types: dict[str, object] = field(default_factory=dict)
    fixed_code: str | None = None  # one entry per agency with this code (review catalog, AV list)

    def clean(self, content, *, agency=None) -> dict:
        """The normalised content, or ``ValidationError`` (content key → Chinese messages naming the field).

        With ``agency``, references to other entries (plan tasks, a guide's item, review-rule items)
        are checked against that agency's entries; without it those checks are skipped.
        """
        return self.clean_function(content, agency)

    def title(self, content: dict) -> str:
        return self.title_function(content)[:300]

    def category(self, content: dict) -> str:
        return self.category_function(content)[:40]

    def search_text(self, content: dict) -> str:
        return self.search_function(content)

    # --- flat spreadsheet rows --------------------------------------------------------------

    def to_row(self, code: str, content: dict) -> dict[str, object]:
        """The flat columns of one entry, as cell values (lists joined, choices as their labels)."""
        row: dict[str, object] = {"code": code}
        for key, _header in self.columns[1:]:
            kind = self.column_types.get(key, TEXT)
            value = content.get(key)
            if kind == BASIS:
                row[key] = basis_to_text(value or [])
            elif kind == LIST:
                row[key] = LIST_SEPARATOR.join(value or [])
            elif isinstance(kind, tuple) and kind[0] == CHOICE:
                row[key] = str(dict(kind[1].choices).get(value, value or ""))
            elif isinstance(kind, tuple) and kind[0] == CHOICES:
                labels = dict(kind[1].choices)
                row[key] = LIST_SEPARATOR.join(str(labels.get(v, v)) for v in value or [])
            elif kind == BOOL:
                row[key] = "是" if value else "否"
            else:
                row[key] = "" if value is None else value
        return row

    def from_row(self, row: dict[str, object]) -> tuple[str, dict]:
        """``(code, content)`` from flat cells; the content still needs :meth:`clean` (labels are accepted there)."""
        content: dict[str, object] = {}
        for key, _header in self.columns[1:]:
            if key not in row:
                continue
            kind = self.column_types.get(key, TEXT)
            value = row[key]
            text = "" if value is None else str(value).strip()
            if kind == BASIS:
                content[key] = parse_basis_text(text)
            elif kind == LIST or (isinstance(kind, tuple) and kind[0] == CHOICES):
                content[key] = [p.strip() for p in text.replace("，", LIST_SEPARATOR).replace(",", LIST_SEPARATOR)
                                .split(LIST_SEPARATOR) if p.strip()]
            elif kind == BOOL:
                content[key] = text
            elif kind in (INT, MONEY):
                content[key] = text or None
            else:
                content[key] = value if not isinstance(value, str) else value
        code = "" if row.get("code") is None else str(row.get("code")).strip()
        return code, content


def validation_messages(error: ValidationError) -> list[str]:
    """All messages of a ValidationError, flattened (for views and the command line)."""
    return list(error.messages)
