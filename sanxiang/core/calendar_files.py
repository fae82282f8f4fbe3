"""Reading and loading a year's holiday schedule (节假日安排) from a CSV or JSON file (LAW-10).

The State Council publishes each year's schedule late in the year before; an administrator loads it with
``sanxiang calendar load FILE``. Formats (see ``docs/calendar.md``):

CSV, UTF-8 (GB18030 from Excel is accepted too), a header row, one day per row; lines whose first cell starts
with ``#`` are comments::

    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-07,workday,春节

``kind`` is ``holiday``/``放假`` or ``workday``/``上班``/``调休``/``调休上班``. Header names may also be
``日期,类型,名称``; ``name`` is optional.

JSON::

    {"year": 2027, "source": "国办发明电〔2026〕X号",
     "holidays": [{"date": "2027-01-01", "name": "元旦"}],
     "workdays": [{"date": "2027-02-07", "name": "春节"}]}

Every problem is reported with the line (CSV) or entry (JSON) it is in, all at once, and nothing is loaded
unless the whole file is right. Loading replaces the year's rows in one transaction with an audit event.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from . import audit
from .models import CalendarDay, CalendarYear
from .models.calendar import bulk_calendar_change
from .workdays import WEEKDAYS_ZH

__all__ = [
    "CalendarFileError",
    "ParsedCalendar",
    "load_calendar",
    "load_calendar_file",
    "parse_date",
    "parse_calendar_csv",
    "parse_calendar_json",
    "read_calendar_file",
]

MIN_YEAR, MAX_YEAR = 1950, 2200
MAX_ERRORS = 50
NAME_MAX = CalendarDay._meta.get_field("name").max_length
SOURCE_MAX = CalendarYear._meta.get_field("source").max_length

HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY.value, CalendarDay.Kind.WORKDAY.value
KIND_WORDS = {
    "holiday": HOLIDAY, "放假": HOLIDAY, "休息": HOLIDAY, "假日": HOLIDAY,
    "workday": WORKDAY, "上班": WORKDAY, "调休": WORKDAY, "调休上班": WORKDAY, "补班": WORKDAY,
}
KIND_ZH = {HOLIDAY: "放假日", WORKDAY: "调休上班日"}
HEADER_WORDS = {"date": "date", "日期": "date", "kind": "kind", "类型": "kind", "name": "name", "名称": "name"}

_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$|^(\d{4})年(\d{1,2})月(\d{1,2})日$")


class CalendarFileError(ValidationError):
    """A calendar file that cannot be loaded. ``.messages`` lists every problem, each naming its line or entry."""

    def __init__(self, messages: list[str] | str):
        if isinstance(messages, str):
            messages = [messages]
        super().__init__(list(messages), code="calendar_file")


@dataclass
class _Entry:
    where: str  # "第 3 行" or "holidays 第 2 项"
    date: datetime.date
    kind: str
    name: str


@dataclass
class ParsedCalendar:
    """A year's schedule read from a file and checked; ready for :func:`load_calendar`."""

    year: int
    source: str = ""
    holidays: dict[datetime.date, str] = field(default_factory=dict)
    workdays: dict[datetime.date, str] = field(default_factory=dict)


class _Errors(list):
    def add(self, message: str) -> None:
        if len(self) < MAX_ERRORS:
            self.append(message)
        elif len(self) == MAX_ERRORS:
            self.append("错误过多，其余未列出。")

    def raise_if_any(self) -> None:
        if self:
            raise CalendarFileError(list(self))


def parse_date(text: str) -> datetime.date:
    """A date as ``YYYY-MM-DD`` (also ``YYYY/M/D`` as spreadsheets write it, and ``YYYY年M月D日``)."""
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError(f"日期格式错误：“{text}”，应为 YYYY-MM-DD（例如 2027-01-01）")
    y, m, d = (int(g) for g in match.groups() if g is not None)
    try:
        return datetime.date(y, m, d)
    except ValueError:
        raise ValueError(f"日期不存在：“{text}”") from None


def _check_year(year, errors: _Errors, where: str) -> int | None:
    if isinstance(year, bool) or not isinstance(year, int):
        errors.add(f"{where}：年份应为整数（例如 2027），而不是“{year}”")
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors.add(f"{where}：年份 {year} 超出范围（{MIN_YEAR}–{MAX_YEAR}）")
        return None
    return year


def _check_entries(year: int | None, entries: list[_Entry], errors: _Errors, source: str = "") -> ParsedCalendar:
    """The checks every format shares, then raise if anything is wrong; ``year`` None: the first entry's year."""
    if not entries and not errors:
        errors.add("文件中没有任何放假或调休上班日期（空文件）")
    if year is None and entries:
        year = _check_year(entries[0].date.year, errors, entries[0].where)
    if year is None:
        errors.raise_if_any()
    seen: dict[datetime.date, _Entry] = {}
    parsed = ParsedCalendar(year=year or 0, source=source)
    for e in entries:
        if e.date.year != year:
            errors.add(f"{e.where}：日期 {e.date} 不在 {year} 年内（一个文件只能载入一个年度）")
            continue
        first = seen.get(e.date)
        if first is not None:
            if first.kind != e.kind:
                errors.add(f"{e.where}：日期 {e.date} 同时被列为放假日（{first.where if first.kind == HOLIDAY else e.where}）"
                           f"和调休上班日（{first.where if first.kind == WORKDAY else e.where}）")
            else:
                errors.add(f"{e.where}：日期 {e.date} 重复（{first.where}已列出）")
            continue
        seen[e.date] = e
        if e.kind == WORKDAY and e.date.weekday() < 5:
            errors.add(f"{e.where}：调休上班日 {e.date} 是{WEEKDAYS_ZH[e.date.weekday()]}；"
                       f"调休上班日只能是星期六或星期日（工作日本来就上班）")
            continue
        if len(e.name) > NAME_MAX:
            errors.add(f"{e.where}：名称“{e.name}”过长（最多 {NAME_MAX} 个字）")
            continue
        (parsed.holidays if e.kind == HOLIDAY else parsed.workdays)[e.date] = e.name
    errors.raise_if_any()
    return parsed


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarFileError("文件编码无法识别，请保存为 UTF-8 编码")


def parse_calendar_csv(data: bytes | str, *, year: int | None = None) -> ParsedCalendar:
    """Read a CSV schedule (``date,kind,name`` with a header). ``year``, if given, is the year it must be."""
    text = _decode(data)
    errors = _Errors()
    if year is not None:
        year = _check_year(year, errors, "参数 --year")
        errors.raise_if_any()
    if not text.strip():
        raise CalendarFileError("文件为空：没有表头，也没有任何日期（应为 date,kind,name 表头加每行一个日期）")
    reader = csv.reader(io.StringIO(text))
    columns: dict[str, int] | None = None
    entries: list[_Entry] = []
    try:
        for row in reader:
            line = reader.line_num
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if columns is None:
                if _DATE_RE.match(cells[0]):
                    raise CalendarFileError(f"第 {line} 行：缺少表头，第一行应为 date,kind,name")
                columns = {}
                for i, cell in enumerate(cells):
                    key = HEADER_WORDS.get(cell.lower())
                    if key is None:
                        errors.add(f"第 {line} 行：表头中的“{cell}”不是可识别的列名（应为 date,kind,name）")
                    elif key in columns:
                        errors.add(f"第 {line} 行：表头中“{cell}”列重复")
                    else:
                        columns[key] = i
                for needed in ("date", "kind"):
                    if needed not in columns and not errors:
                        errors.add(f"第 {line} 行：表头缺少 {needed} 列（第一行应为表头 date,kind,name）")
                errors.raise_if_any()
                continue
            if len(cells) > len(columns):
                errors.add(f"第 {line} 行：列数多于表头（{len(cells)} 列，表头 {len(columns)} 列）")
                continue
            cells += [""] * (len(columns) - len(cells))
            raw_date, raw_kind = cells[columns["date"]], cells[columns["kind"]]
            name = cells[columns["name"]] if "name" in columns else ""
            try:
                d = parse_date(raw_date)
            except ValueError as exc:
                errors.add(f"第 {line} 行：{exc}")
                continue
            kind = KIND_WORDS.get(raw_kind.lower())
            if kind is None:
                errors.add(f"第 {line} 行：类型“{raw_kind}”无法识别（应为 holiday/放假 或 workday/上班/调休）")
                continue
            entries.append(_Entry(f"第 {line} 行", d, kind, name))
    except csv.Error as exc:
        errors.add(f"第 {reader.line_num} 行：CSV 格式错误（{exc}）")
    if columns is None and not errors:
        errors.add("文件为空：只有注释，没有表头和日期")
    return _check_entries(year, entries, errors)


def parse_calendar_json(data: bytes | str, *, year: int | None = None) -> ParsedCalendar:
    """Read a JSON schedule ``{"year": …, "source": …, "holidays": […], "workdays": […]}``."""
    text = _decode(data)
    errors = _Errors()
    if not text.strip():
        raise CalendarFileError("文件为空（应为含 year、holidays、workdays 的 JSON 对象）")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarFileError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}") from None
    if not isinstance(doc, dict):
        raise CalendarFileError("JSON 顶层应为对象：{\"year\": 2027, \"source\": …, \"holidays\": […], \"workdays\": […]}")
    unknown = sorted(set(doc) - {"year", "source", "holidays", "workdays"})
    if unknown:
        errors.add(f"JSON 中有无法识别的字段：{'、'.join(unknown)}（可用字段：year、source、holidays、workdays）")
    if "year" not in doc:
        errors.add("JSON 缺少 year 字段（例如 \"year\": 2027）")
        declared = None
    else:
        declared = _check_year(doc["year"], errors, "year 字段")
    if year is not None and declared is not None and declared != year:
        errors.add(f"文件声明的年份 {declared} 与参数 --year {year} 不一致")
    file_source = doc.get("source", "")
    if not isinstance(file_source, str):
        errors.add("source 字段应为文字（例如国务院办公厅通知文号）")
        file_source = ""
    entries: list[_Entry] = []
    for key, kind in (("holidays", HOLIDAY), ("workdays", WORKDAY)):
        items = doc.get(key, [])
        if not isinstance(items, list):
            errors.add(f"{key} 字段应为列表")
            continue
        for index, item in enumerate(items, start=1):
            where = f"{key} 第 {index} 项"
            if isinstance(item, str):
                item = {"date": item}
            if not isinstance(item, dict):
                errors.add(f"{where}：应为 {{\"date\": \"YYYY-MM-DD\", \"name\": \"…\"}}")
                continue
            extra = sorted(set(item) - {"date", "name"})
            if extra:
                errors.add(f"{where}：无法识别的字段 {'、'.join(extra)}（可用字段：date、name）")
                continue
            raw_date, name = item.get("date"), item.get("name", "")
            if not isinstance(raw_date, str):
                errors.add(f"{where}：缺少 date 或 date 不是文字（应为 \"YYYY-MM-DD\"）")
                continue
            if not isinstance(name, str):
                errors.add(f"{where}：name 应为文字")
                continue
            try:
                d = parse_date(raw_date)
            except ValueError as exc:
                errors.add(f"{where}：{exc}")
                continue
            entries.append(_Entry(where, d, kind, name.strip()))
    if declared is None:
        errors.raise_if_any()
    return _check_entries(declared, entries, errors, file_source.strip())


def read_calendar_file(path: str | Path, *, year: int | None = None) -> ParsedCalendar:
    """Read a ``.csv`` or ``.json`` file (other names: JSON if it starts with ``{``, else CSV)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CalendarFileError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise CalendarFileError(f"{path} 是目录，不是文件") from None
    except OSError as exc:
        raise CalendarFileError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    is_json = suffix == ".json" or (suffix != ".csv" and data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"))
    parse = parse_calendar_json if is_json else parse_calendar_csv
    return parse(data, year=year)


def _summary(cal: CalendarYear | None) -> dict | None:
    if cal is None:
        return None
    days = list(CalendarDay.objects.filter(year=cal).order_by("date").values_list("date", "kind", "name"))
    return {
        "year": cal.year,
        "source": cal.source,
        "holidays": {d.isoformat(): name for d, kind, name in days if kind == HOLIDAY},
        "workdays": {d.isoformat(): name for d, kind, name in days if kind == WORKDAY},
    }


def load_calendar(parsed: ParsedCalendar, *, actor=None, source: str | None = None) -> CalendarYear:
    """Replace ``parsed.year``'s schedule with ``parsed``, in one transaction with a ``calendar.load`` audit event.

    ``source`` (if not None) overrides the source named in the file. ``actor`` is the user (or a label such as
    ``"cli:alice"``) the change is attributed to. On any error nothing changes.
    """
    source = (parsed.source if source is None else source).strip()
    if len(source) > SOURCE_MAX:
        raise CalendarFileError(f"来源过长（最多 {SOURCE_MAX} 个字）")
    if not parsed.holidays and not parsed.workdays:
        raise CalendarFileError("文件中没有任何放假或调休上班日期（空文件）")
    user = actor if isinstance(actor, get_user_model()) else None
    try:
        with transaction.atomic():
            cal = CalendarYear.objects.select_for_update().filter(year=parsed.year).first()
            before = _summary(cal)
            with bulk_calendar_change():
                if cal is None:
                    cal = CalendarYear(year=parsed.year)
                else:
                    cal.days.all().delete()
                cal.source = source
                cal.loaded_by = user
                cal.save()
                CalendarDay.objects.bulk_create(
                    [CalendarDay(year=cal, date=d, kind=HOLIDAY, name=n) for d, n in sorted(parsed.holidays.items())]
                    + [CalendarDay(year=cal, date=d, kind=WORKDAY, name=n) for d, n in sorted(parsed.workdays.items())]
                )
            reason = f"依据：{source}" if source else ""
            audit.record(actor, "calendar.load", cal, before=before, after=_summary(cal), reason=reason)
    except IntegrityError:
        raise CalendarFileError(
            f"载入 {parsed.year} 年失败：数据库中已有相同年度或日期的记录（可能另一个操作正在同时载入），"
            f"未做任何修改，请稍后重试。"
        ) from None
    return cal


def load_calendar_file(path: str | Path, *, actor=None, source: str | None = None, year: int | None = None) -> CalendarYear:
    """:func:`read_calendar_file` then :func:`load_calendar`."""
    return load_calendar(read_calendar_file(path, year=year), actor=actor, source=source)
