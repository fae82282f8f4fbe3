"""Typed input fields of a case step (办案环节填写项): one definition for the staff form and the API.

Each step of a flow declares the :class:`Field` list it needs (``cases.steps``); :func:`clean_fields`
turns raw input (form strings or JSON values) into typed values, or raises one ValidationError that
names every bad field in Chinese. Nothing is stored when any field is bad.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from sanxiang.records.access_log import CONTROL, MARKUP

TYPES = ("text", "textarea", "date", "datetime", "decimal", "int", "bool", "choice", "multichoice",
         "people", "person", "evidence")
MAX_AMOUNT = Decimal("100000000000")  # 1e11 元: anything larger is a typing error, not a fine
MAX_ID, MAX_IDS = 2**63 - 1, 1000  # ids of people and evidence: a database bigint; at most this many in one field


@dataclass(frozen=True)
class Field:
    """One input of a step. ``kind`` is one of :data:`TYPES`; ``choices`` are ``(value, label)`` pairs."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    max_length: int = 0  # 0: 200 for text, 20000 for textarea
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    default: object = None
    internal: bool = False  # filled by the system (e.g. the online application), never offered on a form

    def __post_init__(self):
        if self.kind not in TYPES:
            raise ValueError(f"unknown field kind {self.kind!r}")


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _text(spec: Field, value) -> str:
    if not isinstance(value, str):
        value = str(value)
    text = value.strip()
    limit = spec.max_length or (20000 if spec.kind == "textarea" else 200)
    if len(text) > limit:
        raise ValueError(f"不能超过{limit}字（现为{len(text)}字）")
    if MARKUP.search(text) or CONTROL.search(text):
        raise ValueError("只能是纯文字，不能含有尖括号、HTML 标记或控制字符")
    if spec.kind == "text" and "\n" in text:
        raise ValueError("只能填写一行")
    return text


def _decimal(spec: Field, value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("应为数字")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError("应为数字") from None
    if not number.is_finite():
        raise ValueError("应为数字")
    low = spec.min_value if spec.min_value is not None else Decimal("0")
    high = spec.max_value if spec.max_value is not None else MAX_AMOUNT
    if number < low:
        raise ValueError("不能为负数" if low == 0 else f"不能小于{low}")
    if number > high:
        raise ValueError(f"数额不合理（超过{high}）")
    if number.as_tuple().exponent < -2:
        raise ValueError("最多保留两位小数")
    return number.quantize(Decimal("0.01"))


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        parsed = parse_date(str(value).strip()) if isinstance(value, str) else None
    except ValueError:  # e.g. 2024-02-30: well formed, not a real day
        raise ValueError("不是真实的日期") from None
    if parsed is None:
        raise ValueError("日期格式应为 YYYY-MM-DD")
    return parsed


def _datetime(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value).strip().replace(" ", "T") if isinstance(value, str) else ""
        try:
            moment = parse_datetime(text) if text else None
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError("时间格式应为 YYYY-MM-DD HH:MM")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _id_list(value) -> list[int]:
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, (list, tuple)):
        value = [value]
    if len(value) > MAX_IDS:
        raise ValueError(f"最多{MAX_IDS}项")
    out = []
    for item in value:
        if isinstance(item, bool):
            raise ValueError("编号无效")
        try:
            number = int(str(item).strip())
        except (TypeError, ValueError):
            raise ValueError("编号无效") from None
        if not 0 < number <= MAX_ID:  # larger ids overflow the database's 64-bit integers
            raise ValueError("编号无效")
        out.append(number)
    return list(dict.fromkeys(out))


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "是"):
        return True
    if text in ("0", "false", "no", "off", "否", ""):
        return False
    raise ValueError("应为是或否")


def clean_value(spec: Field, value):
    """The typed value of one field (``ValueError`` with the Chinese reason when invalid)."""
    kind = spec.kind
    if kind in ("text", "textarea"):
        return _text(spec, value)
    if kind == "decimal":
        return _decimal(spec, value)
    if kind == "int":
        number = _decimal(Field(spec.name, spec.label, "decimal", min_value=spec.min_value, max_value=spec.max_value),
                          value)
        if number != number.to_integral_value():
            raise ValueError("应为整数")
        return int(number)
    if kind == "date":
        return _date(value)
    if kind == "datetime":
        return _datetime(value)
    if kind == "bool":
        return _bool(value)
    if kind == "choice":
        text = str(value).strip()
        if text not in {c for c, _ in spec.choices}:
            raise ValueError("不是可选的值")
        return text
    if kind == "multichoice":
        items = value if isinstance(value, (list, tuple)) else [v for v in str(value).split(",") if v.strip()]
        allowed = {c for c, _ in spec.choices}
        items = [str(v).strip() for v in items]
        bad = [v for v in items if v not in allowed]
        if bad:
            raise ValueError(f"不是可选的值：{'、'.join(bad)}")
        return list(dict.fromkeys(items))
    if kind in ("people", "evidence"):
        return _id_list(value)
    if kind == "person":
        ids = _id_list(value)
        if len(ids) != 1:
            raise ValueError("请选择一人")
        return ids[0]
    raise ValueError(kind)


def clean_fields(fields: list[Field] | tuple[Field, ...], raw: dict) -> dict:
    """Every field's typed value (missing optional ones: their default, or None / [] / False)."""
    if not isinstance(raw, dict):
        raise ValidationError("提交的内容格式无效")
    errors: dict[str, str] = {}
    out: dict = {}
    for spec in fields:
        value = raw.get(spec.name)
        if spec.kind == "bool" and value is None:
            out[spec.name] = bool(spec.default)
            continue
        if _empty(value):
            if spec.required:
                errors[spec.name] = f"请填写{spec.label}"
            else:
                out[spec.name] = spec.default if spec.default is not None else (
                    [] if spec.kind in ("people", "evidence", "multichoice") else None)
            continue
        try:
            out[spec.name] = clean_value(spec, value)
        except ValueError as error:
            errors[spec.name] = f"{spec.label}{error}"
    if errors:
        raise ValidationError(errors)
    return out


def jsonable(value):
    """Typed values as JSON for step records and log entries."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


__all__ = ["MAX_AMOUNT", "TYPES", "Field", "clean_fields", "clean_value", "field", "jsonable"]
