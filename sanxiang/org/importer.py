"""Import of the officer list (行政执法人员清单) from an XLSX or CSV file (PUB-03).

``sanxiang import-officers FILE`` (see ``docs/import-officers.md``). Each data row names a person,
their agency and one enforcement certificate (行政执法证). A row is written through the registry
services in its own savepoint: the person (created, or found by ID number), the officer role and
the certificate are written together or not at all. A bad row is rejected with its row number as
the user sees it in the file (the header is usually row 1) and the reason; good rows are kept.

A file without the required columns, an empty file, or one that cannot be read is refused as a
whole (:class:`ImportFileError`) before anything is written.

Re-importing a row whose certificate number is already registered is a rejection ("已存在"), so
importing the same file twice changes nothing the second time.
"""

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from tqdm import tqdm

from sanxiang.core import audit
from sanxiang.core.identifiers import check_id_number, normalise

from . import services
from .models import Agency, Department, OfficerCertificate, Person, Region, Role, System

# Column key -> the header users write.
COLUMNS = {
    "name": "姓名",
    "id_number": "身份证号码",
    "agency": "执法主体",
    "department": "内设机构",
    "position": "职务",
    "number": "执法证号",
    "categories": "执法类别",
    "region": "执法区域",
    "issued_on": "发证日期",
    "expires_on": "有效期至",
}
OPTIONAL = {"department", "position"}  # the column may be missing, and its cells empty
# Other headers commonly found in officer lists, read as the standard ones.
ALIASES = {
    "身份证号": "身份证号码", "公民身份号码": "身份证号码",
    "执法证件号": "执法证号", "执法证件号码": "执法证号", "执法证编号": "执法证号", "证件编号": "执法证号",
    "所在单位": "执法主体", "执法单位": "执法主体", "单位": "执法主体",
    "执法领域": "执法类别", "执法区域代码": "执法区域",
    "有效期限": "有效期至", "到期日期": "有效期至",
}
HEADER_SEARCH_ROWS = 10  # a title row or two may sit above the header
PROGRESS_FROM = 200  # rows; smaller files get no progress bar
CATEGORY_SEPARATORS = re.compile(r"[、,，;；/\s]+")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
SERVICE_FIELDS = {"person": "人员", "reason": "理由", **COLUMNS}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing was written."""


class RowError(Exception):
    """A row is rejected; the message is the reason shown to the user."""


@dataclass
class Rejection:
    row: int
    reason: str

    def __str__(self):
        return f"第{self.row}行：{self.reason}"


@dataclass
class ImportResult:
    filename: str
    imported: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.imported + len(self.rejected)

    def summary(self) -> str:
        lines = [f"{self.filename}：共{self.total}行，导入{self.imported}行，拒绝{len(self.rejected)}行"]
        lines += [f"  {rejection}" for rejection in self.rejected]
        return "\n".join(lines)


# --- Reading the file -----------------------------------------------------------------------------


@dataclass
class Table:
    header_row: int
    columns: dict[str, int]  # column key -> index
    rows: list[tuple[int, list]]  # (row number in the file, cells)


def read_table(data: bytes, filename: str) -> Table:
    """The file's header and data rows; raises :class:`ImportFileError` for a file that cannot be imported."""
    if not data:
        raise ImportFileError("文件为空")
    rows = [(number, cells) for number, cells in enumerate(_read_rows(data, filename), start=1) if _filled(cells)]
    if not rows:
        raise ImportFileError("文件为空：没有任何内容")
    header_at = next((i for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS])
                      if COLUMNS["name"] in _headers(cells)), 0)
    header_row, header = rows[header_at]
    columns = _columns(_headers(header), header_row)
    data_rows = rows[header_at + 1:]
    if not data_rows:
        raise ImportFileError(f"文件中没有数据行（第{header_row}行是表头，其下没有内容）")
    return Table(header_row=header_row, columns=columns, rows=data_rows)


def _read_rows(data: bytes, filename: str) -> list[list]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(data)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(data)
    if suffix == ".xls":
        raise ImportFileError("不支持旧版 Excel 文件（.xls），请在 Excel 或 WPS 中另存为 .xlsx 或 .csv")
    raise ImportFileError(f"不支持的文件类型“{suffix or filename}”，请使用 .xlsx 或 .csv 文件")


def _csv_rows(data: bytes) -> list[list]:
    try:
        return list(csv.reader(io.StringIO(_decode(data), newline="")))
    except csv.Error as error:
        raise ImportFileError(f"CSV 文件格式有误：{error}") from error


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM; otherwise GB18030 (which covers GBK and GB2312, as Excel saves CSV in China)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别 CSV 文件的编码，请以 UTF-8 或 GB18030（GBK）编码保存")


def _xlsx_rows(data: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError("文件不是有效的 .xlsx 工作簿，请用 Excel 或 WPS 另存为 .xlsx 后重试") from error
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size; read every row there is
        epoch = workbook.epoch
        return [[_ExcelNumber(c, epoch) if isinstance(c, int | float) and not isinstance(c, bool) else c for c in row]
                for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


@dataclass(frozen=True)
class _ExcelNumber:
    """A numeric XLSX cell, kept with its workbook's epoch (a date typed as a number is a serial day)."""

    value: int | float
    epoch: datetime.datetime

    def __str__(self):
        return str(int(self.value)) if float(self.value).is_integer() else str(self.value)


def _filled(cells) -> bool:
    return any(_text(c) for c in cells)


def _headers(cells) -> list[str]:
    names = []
    for cell in cells:
        name = re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", _text(cell)))
        names.append(ALIASES.get(name, name))
    return names


def _columns(headers: list[str], header_row: int) -> dict[str, int]:
    columns = {}
    for key, label in COLUMNS.items():
        positions = [i for i, name in enumerate(headers) if name == label]
        if len(positions) > 1:
            raise ImportFileError(f"表头（第{header_row}行）中“{label}”列出现了{len(positions)}次")
        if positions:
            columns[key] = positions[0]
    missing = [label for key, label in COLUMNS.items() if key not in columns and key not in OPTIONAL]
    if missing:
        raise ImportFileError(f"缺少必需的列：{'、'.join(missing)}（表头在第{header_row}行；"
                              f"必需的列为：{'、'.join(v for k, v in COLUMNS.items() if k not in OPTIONAL)}）")
    return columns


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# --- Importing ------------------------------------------------------------------------------------


def import_officers(data: bytes, filename: str, *, actor=None, progress=None,
                    progress_from: int = PROGRESS_FROM) -> ImportResult:
    """Import an officer list. ``actor``: a user, or the command line by default.

    ``progress``: a stream (stderr) for a progress bar on files of ``progress_from`` rows or more.
    """
    actor = actor or services.SystemActor("system:import-officers")
    table = read_table(data, filename)
    importer = _RowImporter(actor, table.columns)
    result = ImportResult(filename=filename)
    bar = tqdm(table.rows, total=len(table.rows), file=progress, unit="行", desc="导入执法人员",
               disable=progress is None or len(table.rows) < progress_from)
    for number, cells in bar:
        try:
            importer.import_row(cells)
        except RowError as error:
            result.rejected.append(Rejection(number, str(error)))
        else:
            result.imported += 1
    _record_import(actor, result)
    return result


def _record_import(actor, result: ImportResult) -> None:
    with transaction.atomic():
        audit.record(actor, "officers.import", object_type="file", object_repr=result.filename,
                     after={"imported": result.imported, "rejected": len(result.rejected),
                            "rejections": [str(r) for r in result.rejected[:200]]})


@dataclass
class _Row:
    name: str
    id_number: str
    agency: Agency
    department: Department | None
    position: str
    number: str
    categories: list[str]
    region: Region
    issued_on: datetime.date
    expires_on: datetime.date


class _RowImporter:
    """Turns rows into registry writes; remembers the agencies, departments and regions it has looked up."""

    def __init__(self, actor, columns: dict[str, int]):
        self.actor = actor
        self.columns = columns
        self.agencies: dict[str, Agency] = {}
        self.regions: dict[str, Region] = {}
        self.departments: dict[tuple[int, str], Department] = {}
        self.category_codes = {**{label: code for code, label in System.choices}, **{c: c for c in System.values}}

    def import_row(self, cells: list) -> None:
        row = self.parse(cells)
        try:
            with transaction.atomic():
                self.write(row)
        except ValidationError as error:
            raise RowError(_reason(error)) from error
        except PermissionDenied as error:
            raise RowError(f"无权在“{row.agency.name}”登记人员或发放执法证（操作人：{self.actor}）") from error
        except DatabaseError as error:
            raise RowError(f"数据库拒绝了该行：{error}") from error

    # Parsing: every problem of a row is reported at once.

    def parse(self, cells: list) -> _Row:
        problems: list[str] = []

        def attempt(function, *args):
            try:
                return function(*args)
            except RowError as error:
                problems.append(str(error))
                return None

        name = self.required(cells, "name", problems)
        id_number = attempt(self.id_number, cells)
        agency = attempt(self.agency, cells)
        department = attempt(self.department, cells, agency) if agency else None
        number = attempt(self.certificate_number, cells)
        categories = attempt(self.categories, cells)
        region = attempt(self.region, cells)
        issued_on = attempt(self.date, cells, "issued_on")
        expires_on = attempt(self.date, cells, "expires_on")
        if problems:
            raise RowError("；".join(problems))
        return _Row(name=name, id_number=id_number, agency=agency, department=department,
                    position=self.cell(cells, "position"), number=number, categories=categories, region=region,
                    issued_on=issued_on, expires_on=expires_on)

    def cell(self, cells: list, key: str):
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def text(self, cells: list, key: str) -> str:
        return _text(self.cell(cells, key))

    def required(self, cells: list, key: str, problems: list[str] | None = None) -> str:
        value = self.text(cells, key)
        if not value:
            message = f"{COLUMNS[key]}为空"
            if problems is None:
                raise RowError(message)
            problems.append(message)
        return value

    def id_number(self, cells: list) -> str:
        value = unicodedata.normalize("NFKC", self.required(cells, "id_number")).upper().replace(" ", "")
        if isinstance(self.cell(cells, "id_number"), _ExcelNumber) and check_id_number(value).errors:
            raise RowError(f"身份证号码“{value}”被存成了数字，末几位可能已丢失；请将该列设为文本格式后重新填写")
        return value

    def agency(self, cells: list) -> Agency:
        key = unicodedata.normalize("NFKC", self.required(cells, "agency"))
        if key not in self.agencies:
            code = key.upper().replace(" ", "")
            found = (Agency.objects.filter(uscc=code).first() or Agency.objects.filter(name=key).first()
                     or _only(Agency.objects.filter(short_name=key)))
            if found is None:
                raise RowError(f"执法主体“{key}”未登记（请填写已登记的名称或统一社会信用代码）")
            self.agencies[key] = found
        return self.agencies[key]

    def department(self, cells: list, agency: Agency) -> Department | None:
        name = self.text(cells, "department")
        if not name:
            return None
        if (agency.pk, name) not in self.departments:
            found = Department.objects.filter(agency=agency, name=name).first()
            if found is None:
                raise RowError(f"内设机构“{name}”不是“{agency.name}”已登记的内设机构")
            self.departments[agency.pk, name] = found
        return self.departments[agency.pk, name]

    def certificate_number(self, cells: list) -> str:
        number = services.normalise_certificate_number(self.required(cells, "number"))
        problems = services.certificate_number_errors(number)
        if problems:
            raise RowError("；".join(problems))
        if OfficerCertificate.objects.filter(number__iexact=number).exists():
            raise RowError(f"执法证号“{number}”已存在（已导入过，或与已登记的证件重号），本行未导入")
        return number

    def categories(self, cells: list) -> list[str]:
        text = unicodedata.normalize("NFKC", self.required(cells, "categories"))
        codes = []
        for part in filter(None, CATEGORY_SEPARATORS.split(text)):
            code = self.category_codes.get(part)
            if code is None:
                raise RowError(f"执法类别“{part}”无法识别（可填：{'、'.join(str(label) for label in System.labels)}）")
            codes.append(code)
        return codes

    def region(self, cells: list) -> Region:
        key = unicodedata.normalize("NFKC", self.required(cells, "region"))
        if key not in self.regions:
            if key.isdigit():
                found = Region.objects.filter(code=key).first()
            else:
                matches = list(Region.objects.filter(name=key)[:2])
                if len(matches) > 1:
                    raise RowError(f"执法区域“{key}”有重名，请填写区划代码")
                found = matches[0] if matches else None
            if found is None:
                raise RowError(f"执法区域“{key}”不存在（请填写已登记的区划代码或名称）")
            self.regions[key] = found
        return self.regions[key]

    def date(self, cells: list, key: str) -> datetime.date:
        value, label = self.cell(cells, key), COLUMNS[key]
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, _ExcelNumber):
            return _excel_number_date(value, label)
        text = unicodedata.normalize("NFKC", self.required(cells, key))
        match = DATE_TEXT.match(text) or DATE_COMPACT.match(text)
        try:
            if match:
                return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
        raise RowError(f"{label}“{text}”不是有效日期（可写作2025-03-01、2025/3/1或2025年3月1日）")

    # Writing: one savepoint per row (see import_row).

    def write(self, row: _Row) -> None:
        person = self.person(row)
        if not person.roles.filter(role=Role.OFFICER).exists():
            services.grant_role(self.actor, person, Role.OFFICER)
        services.issue_certificate(self.actor, person, number=row.number, categories=row.categories,
                                   region=row.region, issued_on=row.issued_on, expires_on=row.expires_on)

    def person(self, row: _Row) -> Person:
        """The person with this ID number (who must be in the row's agency, under the same name), or a new one."""
        existing = Person.objects.filter(id_number=normalise(row.id_number)).select_related("agency").first()
        if existing is None:
            return services.create_person(self.actor, agency=row.agency, department=row.department, name=row.name,
                                          id_number=row.id_number, position=row.position)
        if existing.agency_id != row.agency.pk:
            raise RowError(f"身份证号码已登记在“{existing.agency.name}”的人员名下，不能再登记到“{row.agency.name}”")
        if existing.name != row.name:
            raise RowError(f"身份证号码已登记为“{existing.name}”，与本行姓名“{row.name}”不符")
        return existing


def _only(queryset):
    matches = list(queryset[:2])
    return matches[0] if len(matches) == 1 else None


def _excel_number_date(cell: _ExcelNumber, label: str) -> datetime.date:
    text = str(cell)
    match = DATE_COMPACT.match(text)
    try:
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
        if 1 <= cell.value < 2958466:  # Excel's serial day numbers, 1900-01-01 to 9999-12-31
            return from_excel(cell.value, cell.epoch).date()
    except (ValueError, OverflowError, TypeError):
        pass
    raise RowError(f"{label}“{text}”不是有效日期（可写作2025-03-01、2025/3/1或2025年3月1日）")


def _reason(error: ValidationError) -> str:
    """A service's ValidationError as one line, each message under the column it concerns."""
    if not hasattr(error, "error_dict"):
        return "；".join(error.messages)
    parts = []
    for key, messages in error.message_dict.items():
        label = SERVICE_FIELDS.get(key, key)
        for message in messages:
            parts.append(message if label in message else f"{label}：{message}")
    return "；".join(parts)
