import csv
import datetime
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from sanxiang.core.identifiers import check_id_number
from sanxiang.core.models import AuditEvent
from sanxiang.org import importer
from sanxiang.org.models import OfficerCertificate, Person, Role

from .helpers import bad_check_id, counts, nothing_changes, valid_id

pytestmark = pytest.mark.req("PUB-03")

NUMBERS = itertools.count(1)
HEADER = ["姓名", "身份证号码", "执法主体", "内设机构", "职务", "执法证号", "执法类别", "执法区域", "发证日期", "有效期至"]


def officer(cast, name="陈晓红", **overrides) -> list:
    values = {
        "姓名": name, "身份证号码": valid_id(), "执法主体": cast.agency_a.name, "内设机构": "执法一队", "职务": "科员",
        "执法证号": f"3504210{next(NUMBERS):04d}", "执法类别": "市场监管", "执法区域": "350421",
        "发证日期": "2025-03-01", "有效期至": "2030-02-28",
    }
    values.update(overrides)
    return [values[column] for column in HEADER]


def write_csv(path: Path, rows, *, header=HEADER, encoding="utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows, *, header=HEADER, title=None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run(path, *args):
    """Run the command; returns (stdout, stderr, exit status)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_officers", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), str(error), error.returncode
    return out.getvalue(), err.getvalue(), 0


def registry_counts():
    """Row counts of everything but the audit trail (an import always records its own summary event)."""
    return {label: n for label, n in counts().items() if label != "core.AuditEvent"}


# --- Good files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_imports_a_csv_file_in_the_usual_encodings(cast, tmp_path, encoding):
    rows = [officer(cast, "陈晓红"), officer(cast, "欧阳·娜仁", **{"执法类别": "市场监管、卫生健康", "内设机构": ""})]
    out, err, status = run(write_csv(tmp_path / "人员.csv", rows, encoding=encoding))
    assert status == 0, err
    assert "共2行，导入2行，拒绝0行" in out
    chen = Person.objects.get(name="陈晓红")
    assert chen.agency == cast.agency_a and chen.department == cast.department_a1 and chen.position == "科员"
    assert chen.role_codes == {Role.OFFICER}
    certificate = chen.certificates.get()
    assert certificate.region == cast.region and certificate.issued_on == datetime.date(2025, 3, 1)
    ouyang = Person.objects.get(name="欧阳·娜仁")
    assert ouyang.department is None
    assert ouyang.certificates.get().categories == ["market", "health"]
    summary = AuditEvent.objects.get(action="officers.import")
    assert summary.actor_label == "system:import-officers" and summary.after["imported"] == 2
    assert AuditEvent.objects.filter(action="certificate.issue", actor_label="system:import-officers").count() == 2


def test_it_imports_an_xlsx_file_with_date_cells_text_dates_and_a_title_row(cast, tmp_path):
    rows = [
        officer(cast, "陈晓红", **{"发证日期": datetime.datetime(2024, 7, 1), "有效期至": datetime.date(2029, 6, 30)}),
        officer(cast, "林海", **{"发证日期": "2024年7月1日", "有效期至": "2029/6/30", "执法区域": "样例县",
                                 "执法主体": cast.agency_a.uscc, "执法类别": "market"}),
        officer(cast, "黄石", **{"发证日期": 20240701, "有效期至": 47299.0}),
    ]
    path = write_xlsx(tmp_path / "人员.xlsx", rows, title="样例县行政执法人员清单")
    out, err, status = run(path)
    assert status == 0, err + out
    for name in ("陈晓红", "林海", "黄石"):
        certificate = Person.objects.get(name=name).certificates.get()
        assert certificate.issued_on == datetime.date(2024, 7, 1)
        assert certificate.expires_on == datetime.date(2029, 6, 30)


def test_it_reads_common_header_variants(cast, tmp_path):
    header = [h.replace("身份证号码", "身份证号").replace("执法证号", "执法证件号") for h in HEADER]
    header[0] = "* 姓 名"
    out, err, status = run(write_csv(tmp_path / "a.csv", [officer(cast)], header=header))
    assert status == 0, err
    assert Person.objects.filter(name="陈晓红").exists()


def test_it_adds_a_second_certificate_to_a_person_already_registered(cast, tmp_path):
    person = cast.officer_a.person
    row = officer(cast, person.name, **{"身份证号码": person.id_number, "执法证号": "35042199999", "执法类别": "卫生健康"})
    out, err, status = run(write_csv(tmp_path / "a.csv", [row]))
    assert status == 0, err
    assert person.certificates.count() == 2 and Person.objects.filter(id_number=person.id_number).count() == 1


# --- Files refused as a whole -------------------------------------------------------------------------


def test_it_refuses_a_file_with_missing_columns(cast, tmp_path):
    header = [h for h in HEADER if h not in ("执法证号", "有效期至")]
    rows = [[v for h, v in zip(HEADER, officer(cast), strict=True) if h in header]]
    for path in (write_csv(tmp_path / "a.csv", rows, header=header), write_xlsx(tmp_path / "a.xlsx", rows, header=header)):
        with nothing_changes():
            out, err, status = run(path)
        assert status == 2
        assert "缺少必需的列：执法证号、有效期至" in err and "未导入任何数据" in err


def zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize("make", [
    lambda folder: zero_bytes(folder / "empty.csv"),
    lambda folder: write_csv(folder / "blank.csv", [["", ""], []], header=None),
    lambda folder: write_xlsx(folder / "empty.xlsx", [], header=None),
])
def test_it_refuses_an_empty_file(cast, tmp_path, make):
    path = make(tmp_path)
    with nothing_changes():
        out, err, status = run(path)
    assert status == 2 and "文件为空" in err


def test_it_refuses_a_file_with_only_a_header(cast, tmp_path):
    with nothing_changes():
        out, err, status = run(write_xlsx(tmp_path / "a.xlsx", [["", ""]]))
    assert status == 2 and "没有数据行" in err


@pytest.mark.parametrize("name, content, expected", [
    ("a.xls", b"\xd0\xcf\x11\xe0 old excel", "不支持旧版 Excel"),
    ("a.xlsx", b"this is not a zip", "不是有效的 .xlsx"),
    ("a.txt", b"hello", "不支持的文件类型"),
    ("a.csv", "姓名".encode("utf-16"), "无法识别"),
])
def test_it_refuses_files_it_cannot_read(cast, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with nothing_changes():
        out, err, status = run(path)
    assert status == 2 and expected in err


def test_it_refuses_a_missing_file_and_an_unknown_actor(cast, tmp_path):
    assert run(tmp_path / "none.csv")[2] == 2
    out, err, status = run(write_csv(tmp_path / "a.csv", [officer(cast)]), "--actor", "nobody")
    assert status == 2 and "登录账号“nobody”不存在" in err
    assert not Person.objects.filter(name="陈晓红").exists()


# --- Bad rows among good ones -----------------------------------------------------------------------------


def test_it_rejects_bad_rows_with_their_numbers_and_keeps_the_good_ones(cast, tmp_path):
    first = officer(cast, "好甲")
    rows = [
        first,  # row 2
        officer(cast, "坏身份证", **{"身份证号码": bad_check_id()}),  # 3
        officer(cast, "坏日期", **{"发证日期": "2025-03-01", "有效期至": "2024-03-01"}),  # 4
        officer(cast, "他单位科室", **{"内设机构": "执法大队"}),  # 5
        officer(cast, "好乙"),  # 6
        officer(cast, "重号", **{"执法证号": first[5].lower()}),  # 7: the number of row 2
        officer(cast, "怪类别", **{"执法类别": "市场监管、捕鱼"}),  # 8
        officer(cast, "无主体", **{"执法主体": "样例县不存在局"}),  # 9
        ["", "", "", "", "", "", "", "", "", ""],  # 10: blank, skipped
        officer(cast, "坏证号", **{"执法证号": "#12"}),  # 11
        officer(cast, "多处错", **{"姓名": "", "发证日期": "2025-02-30", "执法区域": "火星"}),  # 12
        officer(cast, "好丙", **{"执法类别": "生态环境,应急管理"}),  # 13
    ]
    before = registry_counts()
    out, err, status = run(write_csv(tmp_path / "mixed.csv", rows))
    assert status == 1 and "有8行被拒绝" in err
    assert "共11行，导入3行，拒绝8行" in out
    lines = out.splitlines()[1:]
    rejected = {int(line.split("行")[0].strip().lstrip("第")): line for line in lines}
    assert sorted(rejected) == [3, 4, 5, 7, 8, 9, 11, 12]
    assert "校验码不符" in rejected[3]
    assert "有效期至（2024-03-01）应晚于发证日期（2025-03-01）" in rejected[4]
    assert "执法大队" in rejected[5] and "不是“样例县市场监督管理局”已登记的内设机构" in rejected[5]
    assert "已存在" in rejected[7]
    assert "捕鱼" in rejected[8]
    assert "样例县不存在局" in rejected[9] and "未登记" in rejected[9]
    assert "不允许的字符" in rejected[11]
    assert "姓名为空" in rejected[12] and "2025-02-30" in rejected[12] and "火星" in rejected[12]
    # Good rows kept; no half row: nobody from a rejected row, not even the one whose certificate failed last.
    assert set(Person.objects.filter(name__in=[r[0] for r in rows]).values_list("name", flat=True)) == {"好甲", "好乙", "好丙"}
    after = registry_counts()
    assert after["org.Person"] == before["org.Person"] + 3
    assert after["org.OfficerCertificate"] == before["org.OfficerCertificate"] + 3
    assert after["org.RoleAssignment"] == before["org.RoleAssignment"] + 3


def test_it_leaves_no_half_row_when_the_certificate_fails_after_the_person_is_written(cast, tmp_path):
    # The certificate's dates are only compared by the service, after the person has been created.
    row = officer(cast, "半行", **{"发证日期": "2025-03-01", "有效期至": "2025-03-01"})
    before = registry_counts()
    out, err, status = run(write_csv(tmp_path / "a.csv", [row]))
    assert status == 1 and "第2行" in out
    assert registry_counts() == before
    assert not AuditEvent.objects.filter(action="person.create").exists()


def test_it_rejects_a_person_registered_elsewhere_or_under_another_name(cast, tmp_path):
    rows = [
        officer(cast, "王执法", **{"身份证号码": cast.officer_b.person.id_number}),
        officer(cast, "别名", **{"身份证号码": cast.officer_a.person.id_number}),
    ]
    out, err, status = run(write_csv(tmp_path / "a.csv", rows))
    assert "第2行：身份证号码已登记在“样例县生态环境局”的人员名下" in out
    assert "第3行：身份证号码已登记为“张执法”，与本行姓名“别名”不符" in out


def test_reimporting_the_same_file_changes_nothing(cast, tmp_path):
    path = write_csv(tmp_path / "a.csv", [officer(cast, "甲"), officer(cast, "乙")])
    assert run(path)[2] == 0
    before = registry_counts()
    events = AuditEvent.objects.count()
    out, err, status = run(path)
    assert status == 1 and "导入0行，拒绝2行" in out and out.count("已存在") == 2
    assert registry_counts() == before
    assert AuditEvent.objects.count() == events + 1  # only the import's own summary


def test_it_flags_id_numbers_that_excel_turned_into_numbers(cast, tmp_path):
    def mangled(number):
        return float(number[:15] + "000")  # what Excel keeps of an 18-digit number

    number = next(n for n in (valid_id() for _ in range(50)) if check_id_number(str(int(mangled(n)))).errors)
    mangled = mangled(number)
    out, err, status = run(write_xlsx(tmp_path / "a.xlsx", [officer(cast, **{"身份证号码": mangled})]))
    assert status == 1 and "第2行" in out and "被存成了数字" in out


# --- Actor, progress, command line -------------------------------------------------------------------------


def test_it_checks_the_actors_rights_row_by_row(cast, tmp_path):
    rows = [officer(cast, "本单位"), officer(cast, "外单位", **{"执法主体": cast.agency_b.name, "内设机构": "执法大队"})]
    out, err, status = run(write_csv(tmp_path / "a.csv", rows), "--actor", "admin_a")
    assert status == 1
    assert "第3行：无权在“样例县生态环境局”登记人员或发放执法证（操作人：admin_a）" in out
    assert Person.objects.filter(name="本单位").exists() and not Person.objects.filter(name="外单位").exists()
    assert AuditEvent.objects.get(action="certificate.issue").actor == cast.admin_a
    out, err, status = run(write_csv(tmp_path / "b.csv", [officer(cast, "丙")]), "--actor", "officer_a")
    assert status == 1 and "无权" in out


def test_it_shows_a_progress_bar_on_stderr_for_large_files(cast, tmp_path):
    rows = [officer(cast, f"人员{i}") for i in range(6)]
    data = write_csv(tmp_path / "a.csv", rows).read_bytes()
    stream = io.StringIO()
    result = importer.import_officers(data, "a.csv", progress=stream, progress_from=5)
    assert result.imported == 6 and "导入执法人员" in stream.getvalue() and "6/6" in stream.getvalue()
    quiet = io.StringIO()
    importer.import_officers(data, "a.csv", progress=quiet, progress_from=100)
    assert quiet.getvalue() == ""
    assert OfficerCertificate.objects.filter(person__name__startswith="人员").count() == 6


def test_the_console_script_maps_dashes_and_exits_with_2_for_a_refused_file(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["张三"]], header=["姓名"])
    env = {**os.environ, "SANXIANG_VAR_DIR": str(tmp_path / "var")}
    env.pop("SANXIANG_DATABASE_URL", None)
    completed = subprocess.run([sys.executable, "-m", "sanxiang.cli", "import-officers", str(path)],
                               capture_output=True, text=True, env=env, timeout=120, check=False)
    assert completed.returncode == 2, completed.stderr
    assert "缺少必需的列" in completed.stderr
