"""Spreadsheets and JSON of the catalogs (清单的表格导入导出, PUB-04/05/06/10).

Export
    :func:`export_workbook` / :func:`export_json` write every list kind of an agency — the published
    versions in force on a day, or (``drafts_for=user``) the latest version of each entry that staff
    user may see, drafts included. :func:`public_workbook` / :func:`public_json` are the public
    site's downloads: published versions in force only (through :func:`selectors.in_force`), never
    a draft. A workbook has a cover sheet (说明) and one sheet per kind, one row per entry, Chinese
    headers, the header row frozen; nested lists are written in the text forms below.

Import
    :func:`import_workbook` reads an XLSX into drafts: one row is one entry; a new code creates the
    entry (``services.create_entry``), an existing code gets a new draft (``services.new_draft``), or
    — when the entry already has an unsent draft — that draft is changed (``services.edit_draft``).
    It is all or nothing: every row is checked and written in one transaction; if any row fails,
    nothing is kept and every row's problems are listed (``第5行 依据第1条：《…》没有第九百条``).
    Cells are taken as text: a formula is imported as its text (``=1+1``), markup as typed (it is
    escaped wherever it is shown). A column that is missing keeps, for an existing entry, the value
    of its latest version. Columns the import does not know (版本号, 状态, 生效日期, 失效日期 of an
    export) are ignored.

Text forms of nested fields (documented in docs/catalog-import.md), one line per element, fields
separated by ``|`` (write ``\\|`` for a ``|`` inside a field, ``\\n`` for a line break, ``\\\\`` for a
backslash); lists inside a field are separated by ``、``; choices are written by their Chinese names:

- 法律依据: ``《中华人民共和国食品安全法》第一百二十四条第一款第（一）项（处罚依据）；《…》第…条`` (see kinds.basis)
- 裁量基准: ``违法情节|适用情形|处罚种类|对个人罚款下限|对个人罚款上限|对单位罚款下限|对单位罚款上限[|说明]``,
  e.g. ``一般|情节描述|罚款|5000|50000|50000|100000``
- 申请材料: ``材料名称[|形式|份数|备注]``
- 抽查任务: ``抽查事项编码|任务名称|抽查比例|开始日期|结束日期[|实施机构]``
- 审核事项: ``编号|审核情形说明|执法行为类别|事项编码|处罚种类|对个人罚款起点|对单位罚款起点|经过听证|情形``
- 音像记录事项: ``执法活动代码|执法活动名称|记录要求[|依据]``
"""

from __future__ import annotations

import datetime
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula

from sanxiang.core import audit
from sanxiang.org.models import Agency, Department

from . import selectors, services
from .kinds import KINDS, spec
from .models import Entry, ListKind, Version, VersionStatus
from .vocab import ActKind, AVRequirement, ComplexityFlag, PenaltyKind, Severity

JSON_FORMAT = "sanxiang-catalog/1"
COVER_SHEET = "说明"
IGNORED_SHEETS = {COVER_SHEET, "填写说明"}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000  # data rows per sheet
MAX_WIDTH = 60  # column width cap (characters)
LIST_SEP = "、"
FIELD_SEP = "|"

# The order kinds are written and read in: a later kind may refer to an earlier one (a plan to its
# inspection items, a guide to its licensing item, a review rule to items).
ORDER = [ListKind.ITEM, ListKind.INSPECTION_ITEM, ListKind.INSPECTION_PLAN, ListKind.GUIDE, ListKind.TEMPLATE,
         ListKind.REVIEW_CATALOG, ListKind.AV_LIST]

FLAT, NESTED, META, INFO = "flat", "nested", "meta", "info"


@dataclass(frozen=True)
class Column:
    """One column of a kind's sheet: ``key`` (content key, or a meta/info key) and its Chinese ``header``."""

    key: str
    header: str
    role: str = FLAT
    required: bool = False


# Content keys a row must have a column for (besides the code): without them no row could be valid.
REQUIRED = {
    ListKind.ITEM: {"name", "act_kind", "basis"},
    ListKind.INSPECTION_ITEM: {"name", "subject", "basis", "object", "content", "ratio_percent", "method", "frequency"},
    ListKind.INSPECTION_PLAN: {"year", "name", "tasks"},
    ListKind.GUIDE: {"item_code", "name", "accepting_body", "approving_body", "conditions", "process", "time_limit",
                     "supervision", "office_hours", "address", "phone"},
    ListKind.TEMPLATE: {"doc_code", "name"},
    ListKind.REVIEW_CATALOG: {"rules"},
    ListKind.AV_LIST: {"rows"},
}

NESTED_COLUMNS = {
    ListKind.ITEM: [("tiers", "裁量基准"), ("no_penalty_conditions", "不予处罚情形"), ("lighter_conditions", "从轻处罚情形"),
                    ("mitigated_conditions", "减轻处罚情形")],
    ListKind.INSPECTION_PLAN: [("tasks", "抽查任务")],
    ListKind.GUIDE: [("materials", "申请材料")],
    ListKind.REVIEW_CATALOG: [("rules", "审核事项")],
    ListKind.AV_LIST: [("rows", "音像记录事项")],
}
BENCHMARK_KEYS = ("tiers", "no_penalty_conditions", "lighter_conditions", "mitigated_conditions")

META_COLUMNS = [Column("department", "承办机构", META), Column("change_note", "修订说明", META),
                Column("effective_from", "拟生效日期", META)]
INFO_COLUMNS = [Column("version", "版本号", INFO), Column("status", "状态", INFO), Column("in_force_from", "生效日期", INFO),
                Column("in_force_to", "失效日期", INFO)]

# The line formats of nested fields: (field names, how many fields at least).
LINE_FORMATS = {
    "tiers": (["违法情节", "适用情形", "处罚种类", "对个人罚款下限", "对个人罚款上限", "对单位罚款下限", "对单位罚款上限",
               "说明"], 7),
    "materials": (["材料名称", "形式", "份数", "备注"], 1),
    "tasks": (["抽查事项编码", "任务名称", "抽查比例", "开始日期", "结束日期", "实施机构"], 5),
    "rules": (["编号", "审核情形说明", "执法行为类别", "事项编码", "处罚种类", "对个人罚款起点", "对单位罚款起点", "经过听证",
               "情形"], 2),
    "rows": (["执法活动代码", "执法活动名称", "记录要求", "依据"], 3),
}
LINE_LABELS = {"tiers": ("裁量基准", "档"), "materials": ("申请材料", "项"), "tasks": ("抽查任务", "项"),
               "rules": ("审核事项", "条"), "rows": ("音像记录事项", "行")}


def columns(kind: str, *, mode: str = "import") -> list[Column]:
    """The columns of a kind's sheet: its flat columns, then its nested lists, then

    - ``import``: 承办机构, 修订说明, 拟生效日期 (what an import reads);
    - ``public``: 承办机构 and 版本号, 生效日期, 失效日期 (a public download);
    - ``drafts``: everything, with 状态 (a staff export of the latest versions).
    """
    kind_spec = KINDS[kind]
    required = REQUIRED[kind]
    result = [Column("code", kind_spec.columns[0][1], FLAT, required=not kind_spec.fixed_code)]
    result += [Column(key, header, FLAT, required=key in required) for key, header in kind_spec.columns[1:]]
    result += [Column(key, header, NESTED, required=key in required) for key, header in NESTED_COLUMNS.get(kind, [])]
    if mode == "public":
        result += [META_COLUMNS[0]] + [c for c in INFO_COLUMNS if c.key != "status"]
    elif mode == "drafts":
        result += META_COLUMNS + INFO_COLUMNS
    else:
        result += META_COLUMNS
    return result


def sheet_title(kind: str) -> str:
    return str(ListKind(kind).label)[:31]


# --- Text forms -----------------------------------------------------------------------------------


def escape_field(text) -> str:
    text = "" if text is None else str(text)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "\\n")


def split_fields(line: str) -> list[str]:
    """``a|b\\|c|d\\ne`` → ``["a", "b|c", "d\\ne"]`` (the inverse of joining escaped fields with ``|``)."""
    fields, current, chars = [], [], iter(line)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            current.append({"n": "\n", "|": "|", "\\": "\\"}.get(nxt, "\\" + nxt))
        elif ch == FIELD_SEP:
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
    fields.append("".join(current))
    return [f.strip() for f in fields]


def join_line(values) -> str:
    return FIELD_SEP.join(escape_field(v) for v in values)


def split_lines(text: str) -> list[str]:
    return [line for line in (part.strip() for part in (text or "").replace("\r\n", "\n").replace("\r", "\n")
                              .split("\n")) if line]


def _labels(values, choices) -> str:
    names = dict(choices.choices)
    return LIST_SEP.join(str(names.get(v, v)) for v in values or [])


def split_choices(text: str, choices=None) -> list[str]:
    """Split a list written with ``、`` (or ，,；;); names that themselves contain a separator are kept whole.

    ``罚款、法律、行政法规规定的其他行政处罚`` → ``["罚款", "法律、行政法规规定的其他行政处罚"]`` for PenaltyKind.
    """
    text = (text or "").strip()
    if not text:
        return []
    pieces = re.split(r"([、，,；;])", text)
    tokens, seps = pieces[0::2], pieces[1::2]
    known = ({str(label) for label in choices.labels} | set(choices.values)) if choices is not None else set()
    result, i = [], 0
    while i < len(tokens):
        best, joined = i, tokens[i]
        for j in range(i + 1, len(tokens)):
            joined += seps[j - 1] + tokens[j]
            if joined.strip() in known:
                best = j
        piece = tokens[i] + "".join(seps[k - 1] + tokens[k] for k in range(i + 1, best + 1))
        if piece.strip():
            result.append(piece.strip())
        i = best + 1
    return result


def _money(value) -> str:
    """ "50000.00" → "50000", "1234.50" → "1234.50", None → "". """
    if value in (None, ""):
        return ""
    text = str(value)
    return text[:-3] if text.endswith(".00") else text


def nested_to_text(key: str, content: dict) -> str:
    """A nested list of ``content`` in its text form (one element per line)."""
    if key == "tiers":
        tiers = ((content.get("benchmark") or {}).get("tiers")) or []
        return "\n".join(join_line([
            dict(Severity.choices).get(t.get("severity"), t.get("severity") or ""), t.get("circumstances", ""),
            _labels(t.get("penalty_kinds"), PenaltyKind), _money(t.get("person_fine_min")),
            _money(t.get("person_fine_max")), _money(t.get("org_fine_min")), _money(t.get("org_fine_max")),
        ] + ([t["note"]] if t.get("note") else [])) for t in tiers)
    if key in BENCHMARK_KEYS:
        return (content.get("benchmark") or {}).get(key) or ""
    if key == "materials":
        lines = []
        for m in content.get("materials") or []:
            values = [m.get("name", ""), m.get("form", ""), str(m.get("copies") or 1), m.get("note", "")]
            if not values[3]:  # 材料名称|形式|份数|备注: trailing defaults (no note, one copy, no form) are left out
                values = values[:2] if values[2] == "1" else values[:3]
                if values[1:] == [""]:
                    values = values[:1]
            lines.append(join_line(values))
        return "\n".join(lines)
    if key == "tasks":
        return "\n".join(join_line([t.get("item_code", ""), t.get("title", ""), _money(t.get("ratio_percent")),
                                    t.get("start") or "", t.get("end") or ""] + ([t["department"]] if t.get("department")
                                                                                else []))
                         for t in content.get("tasks") or [])
    if key == "rules":
        return "\n".join(join_line([
            r.get("code", ""), r.get("description", ""), _labels(r.get("act_kinds"), ActKind),
            LIST_SEP.join(r.get("item_codes") or []), _labels(r.get("penalty_kinds"), PenaltyKind),
            _money(r.get("min_fine_person")), _money(r.get("min_fine_org")), "是" if r.get("hearing_held") else "否",
            _labels(r.get("complexity_flags"), ComplexityFlag),
        ]) for r in content.get("rules") or [])
    if key == "rows":
        return "\n".join(join_line([r.get("activity", ""), r.get("name", ""),
                                    dict(AVRequirement.choices).get(r.get("requirement"), r.get("requirement") or "")]
                                   + ([r["basis"]] if r.get("basis") else []))
                         for r in content.get("rows") or [])
    raise KeyError(key)


class LineProblem(Exception):
    """A line of a nested field cannot be read; the message names the line."""


def nested_from_text(key: str, text: str) -> list[dict]:
    """The elements of a nested field from its text form; raises :class:`LineProblem`."""
    names, minimum = LINE_FORMATS[key]
    label, unit = LINE_LABELS[key]
    result = []
    for index, line in enumerate(split_lines(text), start=1):
        fields = split_fields(line)
        if not minimum <= len(fields) <= len(names):
            expected = f"{minimum}至{len(names)}" if minimum != len(names) else str(minimum)
            raise LineProblem(f"{label}第{index}{unit}应有{expected}项，用“|”分隔（{FIELD_SEP.join(names)}），"
                              f"实有{len(fields)}项")
        fields += [""] * (len(names) - len(fields))
        result.append(_element(key, fields))
    return result


def _element(key: str, f: list[str]) -> dict:
    if key == "tiers":
        return {"severity": f[0], "circumstances": f[1], "penalty_kinds": split_choices(f[2], PenaltyKind),
                "person_fine_min": f[3] or None, "person_fine_max": f[4] or None, "org_fine_min": f[5] or None,
                "org_fine_max": f[6] or None, "note": f[7]}
    if key == "materials":
        return {"name": f[0], "form": f[1], "copies": f[2] or None, "note": f[3]}
    if key == "tasks":
        return {"item_code": f[0], "title": f[1], "ratio_percent": f[2] or None, "start": f[3] or None,
                "end": f[4] or None, "department": f[5]}
    if key == "rules":
        return {"code": f[0], "description": f[1], "act_kinds": split_choices(f[2], ActKind),
                "item_codes": split_choices(f[3]), "penalty_kinds": split_choices(f[4], PenaltyKind),
                "min_fine_person": f[5] or None, "min_fine_org": f[6] or None, "hearing_held": f[7] or False,
                "complexity_flags": split_choices(f[8], ComplexityFlag)}
    if key == "rows":
        return {"activity": f[0], "name": f[1], "requirement": f[2], "basis": f[3]}
    raise KeyError(key)


# --- Export ---------------------------------------------------------------------------------------


def _versions(agency, *, kind=None, on=None, drafts_for=None) -> dict[str, list[Version]]:
    kinds = [kind] if kind else ORDER
    result = {}
    for k in kinds:
        if k not in KINDS:
            raise ValueError(f"清单类别“{k}”不存在")
        if drafts_for is None:
            versions = list(selectors.in_force(k, agency=agency, on=on))
        else:
            ids = [e.latest_id for e in selectors.staff_entries(drafts_for, agency=agency, kind=k) if e.latest_id]
            versions = list(Version.objects.filter(pk__in=ids).select_related("entry__department")
                            .order_by("entry__code"))
        result[k] = versions
    return result


def _row(kind: str, version: Version) -> dict:
    kind_spec = KINDS[kind]
    content = version.content or {}
    cells = kind_spec.to_row(version.entry.code, content)
    for key, _header in NESTED_COLUMNS.get(kind, []):
        cells[key] = nested_to_text(key, content)
    department = version.entry.department
    cells["department"] = department.name if department else ""
    cells["change_note"] = version.change_note if version.status != VersionStatus.PUBLISHED else ""
    cells["effective_from"] = (version.effective_from.isoformat()
                               if version.effective_from and version.status != VersionStatus.PUBLISHED else "")
    cells["version"] = version.number
    cells["status"] = version.get_status_display()
    published = version.status == VersionStatus.PUBLISHED
    cells["in_force_from"] = version.effective_from.isoformat() if published and version.effective_from else ""
    cells["in_force_to"] = version.effective_to.isoformat() if published and version.effective_to else ""
    return cells


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def _write_cell(sheet, row: int, column: int, value):
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = "" if value is None else str(value)
        cell.data_type = "s"  # text, always: "=1+1" stays text, never a formula
    cell.alignment = WRAP
    return cell


def _fill_sheet(sheet, cols: list[Column], rows: list[dict]) -> None:
    widths = []
    for index, col in enumerate(cols, start=1):
        cell = _write_cell(sheet, 1, index, col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        widths.append(_display_width(col.header))
    for r, cells in enumerate(rows, start=2):
        for index, col in enumerate(cols, start=1):
            value = cells.get(col.key, "")
            _write_cell(sheet, r, index, value)
            longest = max((_display_width(line) for line in str(value).split("\n")), default=0)
            widths[index - 1] = max(widths[index - 1], longest)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(width + 2, MAX_WIDTH))
    sheet.freeze_panes = "B2"


def _cover(sheet, agency, *, on, drafts: bool) -> None:
    lines = [
        ("执法主体", agency.name),
        ("统一社会信用代码", agency.uscc),
        ("内容", "本机关各清单的最新版本（含未发布的草稿）" if drafts else f"{on.isoformat()}施行中的已发布清单"),
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ("", ""),
        ("填写说明", "每个工作表是一类清单，每行是一个事项；第一行是表头，不要改动。"),
        ("", "多项内容写在同一格时，每项占一行（单元格内换行：Alt+Enter），各栏之间用“|”分隔。"),
        ("法律依据", "《法律法规名称》第几条第几款第（几）项（处罚依据）；多条依据之间用“；”分隔"),
        ("裁量基准", "违法情节|适用情形|处罚种类|对个人罚款下限|对个人罚款上限|对单位罚款下限|对单位罚款上限[|说明]，"
                    "如：一般|情节描述|罚款|5000|50000|50000|100000"),
        ("申请材料", "材料名称[|形式|份数|备注]，如：营业执照复印件|复印件|1|加盖公章"),
        ("抽查任务", "抽查事项编码|任务名称|抽查比例|开始日期|结束日期[|实施机构]"),
        ("审核事项", "编号|审核情形说明|执法行为类别|事项编码|处罚种类|对个人罚款起点|对单位罚款起点|经过听证|情形"),
        ("音像记录事项", "执法活动代码|执法活动名称|记录要求[|依据]"),
        ("", "同一栏内有多个值时用“、”分隔；选项填中文名称（如“行政处罚”“县级”“罚款”）。"),
        ("", "版本号、状态、生效日期、失效日期各列仅供查看，导入时不读取。详见 docs/catalog-import.md。"),
    ]
    for r, (label, text) in enumerate(lines, start=1):
        _write_cell(sheet, r, 1, label).font = HEADER_FONT
        _write_cell(sheet, r, 2, text)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100


def _workbook(agency, versions: dict[str, list[Version]], *, on, drafts: bool) -> bytes:
    book = Workbook()
    _cover(book.active, agency, on=on, drafts=drafts)
    book.active.title = COVER_SHEET
    for kind, rows in versions.items():
        sheet = book.create_sheet(sheet_title(kind))
        _fill_sheet(sheet, columns(kind, mode="drafts" if drafts else "public"), [_row(kind, v) for v in rows])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _agency(agency) -> Agency:
    return agency if isinstance(agency, Agency) else Agency.objects.get(pk=agency)


def export_workbook(agency, *, kind: str | None = None, on: datetime.date | None = None, drafts_for=None) -> bytes:
    """An XLSX of the agency's lists: versions in force on ``on`` (default today), or the latest versions ``drafts_for`` sees."""
    agency = _agency(agency)
    on = on or timezone.localdate()
    return _workbook(agency, _versions(agency, kind=kind, on=on, drafts_for=drafts_for), on=on,
                     drafts=drafts_for is not None)


def _json_entry(version: Version, *, drafts: bool) -> dict:
    entry = version.entry
    data = {
        "code": entry.code,
        "version": version.number,
        "title": version.title,
        "category": version.category,
        "department": entry.department.name if entry.department else "",
        "effective_from": version.effective_from.isoformat() if version.effective_from else None,
        "effective_to": version.effective_to.isoformat() if version.effective_to else None,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "log_seq": version.log_seq,
        "content": version.content,
    }
    if drafts:
        data["status"] = version.status
        data["change_note"] = version.change_note
    return data


def export_json(agency, *, kind: str | None = None, on: datetime.date | None = None, drafts_for=None) -> bytes:
    """The agency's lists as JSON: each entry's content as stored, with its code, version and effective dates."""
    agency = _agency(agency)
    on = on or timezone.localdate()
    drafts = drafts_for is not None
    versions = _versions(agency, kind=kind, on=on, drafts_for=drafts_for)
    doc = {
        "format": JSON_FORMAT,
        "agency": {"id": agency.pk, "name": agency.name, "uscc": agency.uscc},
        "in_force_on": None if drafts else on.isoformat(),
        "drafts": drafts,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "lists": {k: {"label": str(ListKind(k).label), "entries": [_json_entry(v, drafts=drafts) for v in rows]}
                  for k, rows in versions.items()},
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def public_workbook(agency, kind: str | None = None, on: datetime.date | None = None) -> bytes:
    """The public download (XLSX): published versions in force on ``on`` (default today) only."""
    return export_workbook(agency, kind=kind, on=on)


def public_json(agency, kind: str | None = None, on: datetime.date | None = None) -> bytes:
    """The public download (JSON): published versions in force on ``on`` (default today) only."""
    return export_json(agency, kind=kind, on=on)


# --- An example to fill in ------------------------------------------------------------------------

FOOD_LAW = "《中华人民共和国食品安全法》"
EXAMPLE_ROWS: dict[str, list[dict[str, str]]] = {
    ListKind.ITEM: [
        {"code": "330100-CF-001", "name": "对餐具、饮具未按规定洗净消毒的行政处罚", "act_kind": "行政处罚", "level": "县级",
         "basis": f"{FOOD_LAW}第一百二十六条第一款第（五）项（处罚依据）；"
                  "《中华人民共和国行政处罚法》第九条第（二）项（设定依据）",
         "procedure": "立案\n调查取证\n告知\n决定\n送达\n执行", "time_limit": "自立案之日起九十日内作出处罚决定",
         "legal_time_limit_days": "90", "fees": "不收费", "remedy": "行政复议、行政诉讼", "sector": "食品安全",
         "tiers": "轻微|首次发现，责令改正后及时改正|警告|||||责令改正，给予警告\n"
                  "一般|拒不改正，涉及餐具饮具不足五十件|罚款|5000|20000|5000|20000\n"
                  "严重|拒不改正，造成食源性疾病或者一年内再犯|罚款、责令停产停业|30000|50000|30000|50000",
         "no_penalty_conditions": "违法行为轻微并及时改正，没有造成危害后果的",
         "lighter_conditions": "主动消除或者减轻违法行为危害后果的", "mitigated_conditions": ""},
        {"code": "330100-XK-001", "name": "食品经营许可", "act_kind": "行政许可", "level": "县级",
         "basis": f"{FOOD_LAW}第三十五条第一款（设定依据）", "time_limit": "二十个工作日", "legal_time_limit_days": "20",
         "fees": "不收费", "remedy": "行政复议、行政诉讼", "sector": "食品安全"},
    ],
    ListKind.INSPECTION_ITEM: [
        {"code": "330100-CC-001", "name": "食品经营者经营行为检查", "subject": "县市场监督管理局",
         "basis": f"{FOOD_LAW}第一百一十条第（一）项", "object": "辖区内取得食品经营许可的经营者",
         "object_tags": "食品经营、餐饮服务", "content": "经营许可、进货查验记录、贮存条件、餐具清洗消毒",
         "ratio_percent": "5", "method": "现场检查", "frequency": "每年一次", "inspectors_per_object": "2"},
    ],
    ListKind.INSPECTION_PLAN: [
        {"code": "JH-2026", "year": "2026", "name": "2026年度双随机抽查工作计划",
         "tasks": "330100-CC-001|食品经营者专项抽查|5|2026-04-01|2026-06-30|执法一队"},
    ],
    ListKind.GUIDE: [
        {"code": "ZN-001", "item_code": "330100-XK-001", "name": "食品经营许可", "basis": f"{FOOD_LAW}第三十五条",
         "accepting_body": "县政务服务中心市场监管窗口", "approving_body": "县市场监督管理局",
         "conditions": "有与经营的食品品种、数量相适应的经营场所和设备设施，有食品安全管理人员和管理制度",
         "preferential_policies": "", "process": "申请—受理—审查—决定—发证", "time_limit": "二十个工作日",
         "fees": "不收费", "supervision": "投诉举报电话12315", "accountability": "", "office_hours": "工作日 9:00—17:00",
         "address": "县政务服务中心二楼", "phone": "0000-1234567",
         "materials": "食品经营许可申请书|原件\n营业执照|复印件|1|加盖公章\n食品安全管理制度文本"},
    ],
    ListKind.TEMPLATE: [
        {"code": "WS-001", "doc_code": "CFJDS", "name": "行政处罚决定书", "act_kinds": "行政处罚",
         "purpose": "作出行政处罚决定时使用"},
    ],
    ListKind.REVIEW_CATALOG: [
        {"code": "FZSH", "domain": "市场监管", "review_all_non_simple": "否",
         "rules": "R1|对个人处一万元以上、对单位处十万元以上罚款的|行政处罚||罚款|10000|100000|否|\n"
                  "R2|吊销许可证件的|行政处罚||吊销许可证件|||否|\n"
                  "R3|经过听证程序的||||||是|"},
    ],
    ListKind.AV_LIST: [
        {"code": "YXJL", "rows": "seizure|查封、扣押财物|全过程音像记录|《中华人民共和国行政强制法》第十八条\n"
                                 "on_site_inspection|现场检查|根据情况音像记录"},
    ],
}


def example_workbook() -> bytes:
    """A small workbook ready to import (docs/examples/catalog-items.xlsx): every kind, a row or two each."""
    book = Workbook()
    book.active.title = COVER_SHEET
    _write_cell(book.active, 1, 1, "这是清单导入的样例：每个工作表一类清单，每行一个事项。"
                                   "填好后用“sanxiang catalog import”或清单管理页面导入。详见 docs/catalog-import.md。")
    for kind in ORDER:
        cols = columns(kind)
        _fill_sheet(book.create_sheet(sheet_title(kind)), cols, EXAMPLE_ROWS[kind])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Import: reading the file ---------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported (wrong type, empty, unknown sheet, missing column); nothing was written."""


class ImportRowsError(Exception):
    """Some rows are wrong; nothing was written. ``errors`` lists every problem of every row."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Sheet:
    kind: str
    title: str
    columns: dict[str, int]  # column key -> index
    rows: list[tuple[int, list]]  # (row number in the file, cells)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, ArrayFormula):
        return (value.text or "").strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _header(value) -> str:
    return re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", _cell_text(value))).replace("(", "（").replace(")", "）")


SHEET_KINDS = {sheet_title(k): k for k in ORDER} | {k: k for k in ORDER}


def read_workbook(data: bytes, filename: str = "") -> list[Sheet]:
    """The importable sheets of an XLSX; raises :class:`ImportFileError` for a file that cannot be imported."""
    name = filename or "文件"
    if not data:
        raise ImportFileError(f"{name}为空")
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"{name}超过{MAX_BYTES // (1024 * 1024)}MB，请拆分后导入")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(f"{name}是旧版 Excel 文件（.xls），请在 Excel 或 WPS 中另存为 .xlsx 后导入")
    if data[:4] != b"PK\x03\x04":
        raise ImportFileError(f"{name}不是 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为 .xlsx 后导入")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ImportFileError(f"{name}不是有效的 .xlsx 工作簿，请用 Excel 或 WPS 另存为 .xlsx 后导入") from error
    try:
        sheets = _sheets(book)
    finally:
        book.close()
    if not any(sheet.rows for sheet in sheets):
        raise ImportFileError(f"{name}中没有可导入的数据行（每个清单工作表的第一行是表头，其下每行一个事项）")
    sheets.sort(key=lambda s: ORDER.index(s.kind))
    return sheets


def _sheets(book) -> list[Sheet]:
    sheets = []
    for worksheet in book.worksheets:
        title = worksheet.title.strip()
        if title in IGNORED_SHEETS:
            continue
        worksheet.reset_dimensions()
        rows = []
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = list(cells)
            if any(_cell_text(c) for c in cells):
                rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError(f"工作表“{title}”超过{MAX_ROWS}行，请拆分后导入")
        if not rows:
            continue
        kind = SHEET_KINDS.get(title)
        if kind is None:
            allowed = "、".join(sheet_title(k) for k in ORDER)
            raise ImportFileError(f"工作表“{title}”不是可导入的清单（工作表名称应为：{allowed}）")
        if any(s.kind == kind for s in sheets):
            raise ImportFileError(f"工作簿中有两个“{sheet_title(kind)}”工作表")
        header_row, header = rows[0]
        sheets.append(Sheet(kind=kind, title=title, columns=_columns(kind, title, header, header_row),
                            rows=rows[1:]))
    return sheets


def _columns(kind: str, title: str, header: list, header_row: int) -> dict[str, int]:
    names = [_header(c) for c in header]
    found = {}
    for col in columns(kind, mode="drafts"):
        positions = [i for i, n in enumerate(names) if n == _header(col.header)]
        if len(positions) > 1:
            raise ImportFileError(f"工作表“{title}”的表头（第{header_row}行）中“{col.header}”出现了{len(positions)}次")
        if positions and col.role != INFO:
            found[col.key] = positions[0]
    missing = [c.header for c in columns(kind) if c.required and c.key not in found]
    if missing:
        raise ImportFileError(f"工作表“{title}”缺少必需的列：{'、'.join(missing)}（表头应在第一行）")
    return found


# --- Import: writing drafts -----------------------------------------------------------------------


@dataclass
class ImportResult:
    filename: str
    created: list[Version] = field(default_factory=list)
    drafted: list[Version] = field(default_factory=list)
    edited: list[Version] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.drafted) + len(self.edited) + len(self.unchanged)

    def summary(self) -> str:
        return (f"{self.filename}：共{self.total}行——新增事项{len(self.created)}个，已有事项新建草稿{len(self.drafted)}个，"
                f"修改未送审的草稿{len(self.edited)}个，内容未变{len(self.unchanged)}个（未新建版本）。"
                "草稿须送审并经审核后才会发布。")


class _RowProblems(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages


def import_workbook(user, agency, data: bytes, filename: str = "") -> ImportResult:
    """Import an XLSX into drafts of ``agency``'s lists, as ``user`` — all rows or none.

    Raises :class:`ImportFileError` (the file as a whole), :class:`ImportRowsError` (every row's
    problems) or ``PermissionDenied`` (the user may not draft the agency's lists). Nothing is
    written unless every row is accepted.
    """
    agency = _agency(agency)
    if not services.can_draft(user, agency):
        raise PermissionDenied(f"无权起草“{agency.name}”的清单")
    sheets = read_workbook(data, filename)
    label = filename or "表格"
    result = ImportResult(filename=label)
    errors: list[str] = []
    with_sheet = len([s for s in sheets if s.rows]) > 1
    with transaction.atomic():
        for sheet in sheets:
            prefix = f"【{sheet.title}】" if with_sheet else ""
            seen: dict[str, int] = {}
            for number, cells in sheet.rows:
                try:
                    _import_row(user, agency, sheet, number, cells, seen, result, label)
                except _RowProblems as problems:
                    errors += [f"{prefix}第{number}行 {m}" for m in problems.messages]
        if errors:
            raise ImportRowsError(errors)
        audit.record(user, "catalog.import", object_type="file", object_repr=label[:200], after={
            "agency": agency.pk, "created": len(result.created), "drafted": len(result.drafted),
            "edited": len(result.edited), "unchanged": len(result.unchanged),
            "versions": [v.pk for v in result.created + result.drafted + result.edited][:1000]})
    return result


def _import_row(user, agency, sheet: Sheet, number: int, cells: list, seen: dict, result: ImportResult, label: str):
    kind = sheet.kind
    kind_spec = KINDS[kind]
    cols = {c.key: c for c in columns(kind)}
    raw = {key: (cells[i] if i < len(cells) else None) for key, i in sheet.columns.items()}
    text = {key: _cell_text(value) for key, value in raw.items()}
    code = text.get("code", "") or (kind_spec.fixed_code or "")
    if not code:
        raise _RowProblems([f"{cols['code'].header}不能为空"])
    if code in seen:
        raise _RowProblems([f"{cols['code'].header}“{code}”与第{seen[code]}行重复"])
    seen[code] = number
    entry = Entry.objects.filter(agency=agency, kind=kind, code=code).select_related("department").first()
    latest = entry.versions.order_by("-number").first() if entry else None
    problems: list[str] = []
    content = _row_content(kind, text, dict(latest.content) if latest else {}, problems)
    department = None
    if text.get("department"):
        department = Department.objects.filter(agency=agency, name=text["department"]).first()
        if department is None:
            problems.append(f"承办机构“{text['department']}”不是“{agency.name}”已登记的内设机构")
        elif entry is not None and entry.department_id != department.pk:
            current = entry.department.name if entry.department else "（无）"
            problems.append(f"承办机构“{department.name}”与该事项登记的承办机构“{current}”不一致，导入不能更改承办机构")
    note = text.get("change_note") or f"从表格“{label}”导入"
    effective_from = text.get("effective_from") or None
    if problems:
        raise _RowProblems(problems)
    try:
        with transaction.atomic():
            if entry is None:
                version = services.create_entry(user, agency=agency, kind=kind, code=code, content=content,
                                                department=department, change_note=note, effective_from=effective_from)
                result.created.append(version)
                return
            if latest is not None and not text.get("change_note") and not effective_from \
                    and KINDS[kind].clean(content, agency=agency) == latest.content:
                result.unchanged.append(entry)  # the same as the latest version: no new version
                return
            open_version = entry.versions.filter(status__in=services.OPEN_STATUSES).order_by("-number").first()
            if open_version is not None and open_version.status == VersionStatus.SUBMITTED:
                raise _RowProblems([f"该事项的第{open_version.number}版已送审、待审核，审核人退回后才能导入修改"])
            if open_version is not None:
                result.edited.append(services.edit_draft(user, open_version, content=content, change_note=note,
                                                         effective_from=effective_from))
            else:
                result.drafted.append(services.new_draft(user, entry, content=content, change_note=note,
                                                         effective_from=effective_from))
    except ValidationError as error:
        raise _RowProblems(_messages(kind, error)) from error
    except PermissionDenied as error:
        raise _RowProblems([str(error) or "无权修改该事项"]) from error
    except DatabaseError as error:
        raise _RowProblems([f"数据库拒绝了该行：{error}"]) from error


def _row_content(kind: str, text: dict[str, str], base: dict, problems: list[str]) -> dict:
    """The content of one row: the base (the entry's latest content) with every column present replaced."""
    kind_spec = KINDS[kind]
    flat = {key: text[key] for key, _h in kind_spec.columns[1:] if key in text}
    _code, parsed = kind_spec.from_row({"code": "", **flat})
    for key in flat:
        column_type = kind_spec.column_types.get(key, spec.TEXT)
        if isinstance(column_type, tuple) and column_type[0] == spec.CHOICES:
            parsed[key] = split_choices(flat[key], column_type[1])
        elif column_type == spec.LIST:
            parsed[key] = split_choices(flat[key])
    content = {**base, **parsed}
    for key, _header in NESTED_COLUMNS.get(kind, []):
        if key not in text:
            continue
        if key in BENCHMARK_KEYS:
            continue
        try:
            content[key] = nested_from_text(key, text[key])
        except LineProblem as problem:
            problems.append(str(problem))
    if kind == ListKind.ITEM and any(key in text for key in BENCHMARK_KEYS):
        benchmark = dict(base.get("benchmark") or {})
        for key in BENCHMARK_KEYS:
            if key not in text:
                continue
            if key == "tiers":
                try:
                    benchmark["tiers"] = nested_from_text("tiers", text["tiers"])
                except LineProblem as problem:
                    problems.append(str(problem))
            else:
                benchmark[key] = text[key]
        empty = not benchmark.get("tiers") and not any(benchmark.get(k) for k in BENCHMARK_KEYS[1:])
        content["benchmark"] = None if empty else benchmark
    return content


ERROR_HEADERS = {"content": "内容", "code": "编码", "department": "承办机构", "change_note": "修订说明",
                 "effective_from": "拟生效日期", "benchmark": "裁量基准"}


def _messages(kind: str, error: ValidationError) -> list[str]:
    """A service's ValidationError as row messages, each naming its column unless the message already does."""
    headers = ERROR_HEADERS | {c.key: c.header for c in columns(kind)}
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    out = []
    for key, messages in error.message_dict.items():
        header = headers.get(key, key)
        for message in messages:
            out.append(message if message[:2] in header or header in message else f"{header}：{message}")
    return out


__all__ = [
    "Column", "ImportFileError", "ImportResult", "ImportRowsError", "columns", "export_json", "export_workbook",
    "import_workbook", "nested_from_text", "nested_to_text", "public_json", "public_workbook", "read_workbook",
    "split_choices", "split_fields",
]
