"""Building blocks the list kinds share: text, numbers, money, dates, enums and legal-basis references.

Each ``clean`` of a kind walks the submitted content with a :class:`Cleaner`, which collects every
problem as a Chinese message naming the field (e.g. ``依据第2条：《中华人民共和国行政处罚法》没有第九百条``)
under the content key it belongs to, and raises one ``ValidationError`` (a dict: content key →
messages) at the end. Nothing is written to the database here.

Text is kept as text: markup such as ``<script>`` is stored as typed and escaped when shown. Control
characters (other than line breaks and tabs) are refused. Line breaks are normalised to ``\\n`` and
surrounding whitespace is stripped.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

# Length caps (characters) of text fields.
CODE_MAX = 60
NAME_MAX = 200
SHORT_MAX = 200
MEDIUM_MAX = 2000
LONG_MAX = 10000
LIST_MAX = 200  # at most this many rows in any nested list

MONEY_MAX = Decimal("999999999999.99")  # Provision.max_fine_* has 14 digits, 2 of them decimals

BASIS_ROLES = ("设定依据", "实施依据", "处罚依据")

_ALLOWED_CONTROLS = {"\n", "\t"}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a control character (Unicode Cc/Cs, other than line break and tab)."""
    for ch in text:
        if ch in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            return True
    return False


def money_text(value: Decimal) -> str:
    """50000 → "50000", 1234.5 → "1234.50" (for messages)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value)}"
    try:
        return f"{value.quantize(Decimal('0.01'))}"
    except InvalidOperation:
        return f"{value:f}"


@dataclass
class Cleaner:
    """Collects messages per content key while a kind's content is checked."""

    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError({k: [ValidationError(m, code="invalid") for m in v] for k, v in self.errors.items()})

    # --- scalar fields ----------------------------------------------------------------------

    def text(self, data: dict, key: str, label: str, *, required: bool = False, max_length: int = MEDIUM_MAX,
             error_key: str | None = None, prefix: str = "") -> str:
        """A string field: stripped, line breaks normalised, no control characters, at most ``max_length``."""
        return self.text_value(data.get(key), label, required=required, max_length=max_length,
                               error_key=error_key or key, prefix=prefix)

    def text_value(self, value, label: str, *, required: bool = False, max_length: int = MEDIUM_MAX,
                   error_key: str, prefix: str = "") -> str:
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self.add(error_key, f"{prefix}{label}应为文字")
            return ""
        text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
        if has_control_characters(text):
            self.add(error_key, f"{prefix}{label}含有不可见的控制字符，请删除后重新输入")
            return ""
        if required and not text:
            self.add(error_key, f"{prefix}{label}不能为空")
            return ""
        if len(text) > max_length:
            self.add(error_key, f"{prefix}{label}不能超过{max_length}个字（现有{len(text)}个字）")
            return text[:max_length]
        return text

    def code_value(self, value, label: str, *, error_key: str, prefix: str = "", required: bool = True) -> str:
        text = self.text_value(value, label, required=required, max_length=CODE_MAX, error_key=error_key, prefix=prefix)
        if text and not CODE_RE.match(text):
            self.add(error_key, f"{prefix}{label}“{text}”只能由字母、数字和 . _ - 组成，且以字母或数字开头")
            return ""
        return text

    def choice_value(self, value, choices, label: str, *, error_key: str, prefix: str = "", required: bool = True) -> str:
        """One value of a TextChoices class."""
        if value in (None, ""):
            if required:
                self.add(error_key, f"{prefix}{label}不能为空")
            return ""
        if isinstance(value, str) and value in choices.values:
            return value
        # Accept the Chinese label too (spreadsheets carry labels).
        if isinstance(value, str):
            for v, lab in choices.choices:
                if value.strip() == str(lab):
                    return v
        allowed = "、".join(str(lab) for _, lab in choices.choices)
        self.add(error_key, f"{prefix}{label}“{_show(value)}”不是可选的值（可选：{allowed}）")
        return ""

    def choices_list(self, value, choices, label: str, *, error_key: str, prefix: str = "",
                     required: bool = False) -> list[str]:
        items = self.list_value(value, label, error_key=error_key, prefix=prefix, required=required)
        result: list[str] = []
        for item in items:
            v = self.choice_value(item, choices, label, error_key=error_key, prefix=prefix)
            if v and v not in result:
                result.append(v)
        return result

    def text_list(self, value, label: str, *, error_key: str, prefix: str = "", max_length: int = 50,
                  required: bool = False) -> list[str]:
        items = self.list_value(value, label, error_key=error_key, prefix=prefix, required=required)
        result: list[str] = []
        for item in items:
            text = self.text_value(item, label, max_length=max_length, error_key=error_key, prefix=prefix)
            if text and text not in result:
                result.append(text)
        return result

    def list_value(self, value, label: str, *, error_key: str, prefix: str = "", required: bool = False) -> list:
        if value in (None, ""):
            value = []
        if not isinstance(value, list | tuple):
            self.add(error_key, f"{prefix}{label}应为列表")
            return []
        if required and not value:
            self.add(error_key, f"{prefix}{label}至少要有一项")
        if len(value) > LIST_MAX:
            self.add(error_key, f"{prefix}{label}不能超过{LIST_MAX}项")
            return []
        return list(value)

    def integer_value(self, value, label: str, *, error_key: str, prefix: str = "", minimum: int | None = None,
                      maximum: int | None = None, required: bool = False, default: int | None = None) -> int | None:
        if value in (None, ""):
            if required:
                self.add(error_key, f"{prefix}{label}不能为空")
            return default
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value):
            number = int(value)
        elif isinstance(value, float | Decimal):
            try:
                if value == int(value):
                    number = int(value)
            except (ValueError, OverflowError):
                number = None
        if number is None:
            self.add(error_key, f"{prefix}{label}“{_show(value)}”应为整数")
            return None
        if minimum is not None and number < minimum:
            self.add(error_key, f"{prefix}{label}不能小于{minimum}（现为{number}）")
            return None
        if maximum is not None and number > maximum:
            self.add(error_key, f"{prefix}{label}不能大于{maximum}（现为{number}）")
            return None
        return number

    def boolean_value(self, value, label: str, *, error_key: str, prefix: str = "") -> bool:
        if value in (None, ""):
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip() in ("是", "true", "True", "1", "yes"):
            return True
        if isinstance(value, str) and value.strip() in ("否", "false", "False", "0", "no"):
            return False
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.add(error_key, f"{prefix}{label}应为“是”或“否”")
        return False

    def decimal_value(self, value, label: str, *, error_key: str, prefix: str = "", unit: str = "元",
                      maximum: Decimal = MONEY_MAX) -> Decimal | None:
        """A non-negative amount with at most two decimals; None when empty."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            self.add(error_key, f"{prefix}{label}应为数字")
            return None
        text = str(value).strip().replace(",", "").replace("，", "")
        if text.endswith(unit):
            text = text[: -len(unit)].strip()
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            self.add(error_key, f"{prefix}{label}“{_show(value)}”应为数字")
            return None
        if not number.is_finite():
            self.add(error_key, f"{prefix}{label}“{_show(value)}”应为数字")
            return None
        if number < 0:
            self.add(error_key, f"{prefix}{label}不能为负数")
            return None
        if number > maximum:
            self.add(error_key, f"{prefix}{label}超出可填写的范围（最大{money_text(maximum)}{unit}）")
            return None
        if number != number.quantize(Decimal("0.01")):
            self.add(error_key, f"{prefix}{label}最多保留两位小数")
            return None
        return number.quantize(Decimal("0.01"))

    def date_value(self, value, label: str, *, error_key: str, prefix: str = "", required: bool = False
                   ) -> datetime.date | None:
        if value in (None, ""):
            if required:
                self.add(error_key, f"{prefix}{label}不能为空")
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.add(error_key, f"{prefix}{label}“{_show(value)}”不是有效日期（格式如 2026-03-01）")
        return None


def _show(value) -> str:
    text = str(value)
    text = "".join(ch if not has_control_characters(ch) else "?" for ch in text)
    return text if len(text) <= 40 else text[:40] + "…"


def decimal_str(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def ordinal_prefix(label: str, index: int) -> str:
    """"依据", 1 → "依据第2条：" (messages count from 1)."""
    return f"{label}第{index + 1}条："


def require_dict(cleaner: Cleaner, content) -> dict:
    if not isinstance(content, dict):
        cleaner.add("content", "内容格式不正确（应为字段和值的集合）")
        cleaner.raise_if_any()
    return content


def reject_unknown_keys(cleaner: Cleaner, data: dict, allowed: set[str], label: str, *, error_key: str,
                        prefix: str = "") -> None:
    """Unknown fields are refused so a typo does not silently drop data."""
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        cleaner.add(error_key, f"{prefix}{label}含有不认识的字段：{'、'.join(unknown)}")


def join_text(*parts) -> str:
    """The search text: the given strings (and lists of strings), one per line, empty ones left out."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, list | tuple):
            out.extend(str(p) for p in part if p)
        elif part:
            out.append(str(part))
    return "\n".join(out)
