"""LAW-10: loading a year's holiday schedule from a file, and the ``sanxiang calendar`` command."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command

from sanxiang.core.calendar_files import (
    CalendarFileError,
    load_calendar,
    load_calendar_file,
    parse_calendar_csv,
    parse_calendar_json,
    read_calendar_file,
)
from sanxiang.core.models import AuditEvent, CalendarDay, CalendarYear
from sanxiang.core.workdays import add_working_days, is_working_day

pytestmark = [pytest.mark.req("LAW-10"), pytest.mark.usefixtures("db")]

D = datetime.date
REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "docs" / "examples" / "holidays-2027-example.csv"
MISSING_YEAR = max(chinese_calendar.holidays).year + 1  # the first year neither the package nor the table knows

# A changed 2026 National Day: 1–9 October off, make-up Saturday 10 October, make-up Sunday 20 September.
CSV_2026 = """date,kind,name
2026-09-20,workday,国庆节
2026-10-01,holiday,国庆节
2026-10-02,holiday,国庆节
2026-10-03,holiday,国庆节
2026-10-04,holiday,国庆节
2026-10-05,holiday,国庆节
2026-10-06,holiday,国庆节
2026-10-07,holiday,国庆节
2026-10-08,holiday,国庆节
2026-10-09,holiday,国庆节
2026-10-10,workday,国庆节
"""


def run(*args) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def write(tmp_path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def db_state():
    """Everything a load may touch, to prove that a refused file changed nothing."""
    return (
        list(CalendarYear.objects.values_list("year", "source", "loaded_at", "loaded_by")),
        list(CalendarDay.objects.values_list("year__year", "date", "kind", "name")),
        AuditEvent.objects.count(),
    )


# --- loading ---------------------------------------------------------------------------------------------------


def test_it_loads_a_csv_and_the_result_changes(tmp_path):
    path = write(tmp_path, "2026.csv", CSV_2026)
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)  # the package
    out = run("load", path, "--source", "国办发明电〔2025〕7号（测试改动）")
    assert "已载入 2026 年节假日安排：放假 9 天，调休上班 2 天" in out
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 10)  # the make-up Saturday
    cal = CalendarYear.objects.get(year=2026)
    assert cal.source == "国办发明电〔2025〕7号（测试改动）"
    assert cal.days.count() == 11
    event = AuditEvent.objects.get(action="calendar.load")
    assert event.object_id == str(cal.pk)
    assert event.before is None
    assert event.after["holidays"]["2026-10-09"] == "国庆节"
    assert event.after["workdays"] == {"2026-09-20": "国庆节", "2026-10-10": "国庆节"}
    assert event.actor is None and event.actor_label.startswith("cli:")


def test_loading_again_replaces_the_year_and_audits_before_and_after(tmp_path, cast):
    run("load", write(tmp_path, "a.csv", CSV_2026))
    second = "date,kind,name\n2026-10-01,放假,国庆节\n2026-10-02,放假,国庆节\n2026-10-11,调休,国庆节\n"
    run("load", write(tmp_path, "b.csv", second), "--user", cast.admin_a.username)
    days = {d: k for d, k in CalendarDay.objects.values_list("date", "kind")}
    assert days == {D(2026, 10, 1): "holiday", D(2026, 10, 2): "holiday", D(2026, 10, 11): "workday"}
    assert CalendarYear.objects.get(year=2026).loaded_by == cast.admin_a
    event = AuditEvent.objects.filter(action="calendar.load").order_by("-id").first()
    assert event.actor == cast.admin_a
    assert len(event.before["holidays"]) == 9 and len(event.after["holidays"]) == 2
    assert event.after["workdays"] == {"2026-10-11": "国庆节"}
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 5)
    assert add_working_days(D(2026, 10, 7), 1) == D(2026, 10, 8)  # 8 October is no longer off...
    assert is_working_day(D(2026, 10, 11))  # ... and the new make-up Sunday is a working day


def test_it_loads_json_with_its_source(tmp_path):
    doc = {
        "year": 2026,
        "source": "国办发明电〔2025〕7号",
        "holidays": [{"date": "2026-10-01", "name": "国庆节"}, "2026-10-02"],
        "workdays": [{"date": "2026-10-10", "name": "国庆节"}],
    }
    run("load", write(tmp_path, "2026.json", json.dumps(doc, ensure_ascii=False)))
    cal = CalendarYear.objects.get(year=2026)
    assert cal.source == "国办发明电〔2025〕7号"
    assert set(cal.days.values_list("date", "kind")) == {
        (D(2026, 10, 1), "holiday"), (D(2026, 10, 2), "holiday"), (D(2026, 10, 10), "workday"),
    }
    run("load", write(tmp_path, "again.json", json.dumps(doc)), "--source", "覆盖的来源")
    assert CalendarYear.objects.get(year=2026).source == "覆盖的来源"


def test_it_reads_what_spreadsheets_write():
    # GB18030 (Excel on Chinese Windows), Chinese headers and kinds, dates as 2026/10/1, comments, blank lines.
    text = (
        "# 测试\n日期,类型,名称\n\n2026/10/1,放假,国庆节\n2026年10月2日,休息,国庆节\n"
        "2026-10-10,上班,\n2026-9-20,调休上班,国庆节\n"
    )
    parsed = parse_calendar_csv(text.encode("gb18030"))
    assert parsed.year == 2026
    assert parsed.holidays == {D(2026, 10, 1): "国庆节", D(2026, 10, 2): "国庆节"}
    assert parsed.workdays == {D(2026, 10, 10): "", D(2026, 9, 20): "国庆节"}
    bom = "\ufeffdate,kind\n2026-10-01,HOLIDAY\n".encode()
    assert parse_calendar_csv(bom).holidays == {D(2026, 10, 1): ""}


def test_the_example_file_is_valid_and_labelled_as_an_example():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "格式示例" in text and "不是 2027 年的真实节假日安排" in text
    parsed = read_calendar_file(EXAMPLE)
    assert parsed.year == 2027
    assert all("示例" in name for name in [*parsed.holidays.values(), *parsed.workdays.values()])
    assert len(parsed.holidays) == 17 and len(parsed.workdays) == 4


# --- bad files: a clear message naming the line or entry, nothing changed --------------------------------------

BAD_CSV = {
    "malformed date": (
        "date,kind,name\n2026-10-01,holiday,国庆节\n2026-1O-02,holiday,国庆节\n", ["第 3 行", "日期格式错误", "2026-1O-02"]
    ),
    "impossible date": ("date,kind,name\n2026-02-30,holiday,春节\n", ["第 2 行", "日期不存在", "2026-02-30"]),
    "holiday and workday": (
        "date,kind,name\n2026-10-03,holiday,国庆节\n2026-10-04,holiday,国庆节\n2026-10-03,workday,国庆节\n",
        ["第 4 行", "2026-10-03", "同时被列为放假日（第 2 行）和调休上班日（第 4 行）"],
    ),
    "make-up day on a weekday": (
        "date,kind,name\n2026-10-08,workday,国庆节\n", ["第 2 行", "2026-10-08", "星期四", "星期六或星期日"]
    ),
    "duplicate": ("date,kind,name\n2026-10-01,holiday,国庆节\n2026-10-01,holiday,国庆节\n", ["第 3 行", "重复", "第 2 行"]),
    "empty file": ("", ["文件为空"]),
    "only a header": ("date,kind,name\n", ["没有任何放假或调休上班日期"]),
    "only comments": ("# nothing here\n\n", ["文件为空"]),
    "two years": ("date,kind,name\n2026-12-31,holiday,x\n2027-01-01,holiday,元旦\n", ["第 3 行", "2027-01-01", "不在 2026 年内"]),
    "unknown kind": ("date,kind,name\n2026-10-01,vacation,国庆节\n", ["第 2 行", "vacation", "无法识别"]),
    "no header": ("2026-10-01,holiday,国庆节\n", ["第 1 行", "缺少表头"]),
    "missing kind column": ("date,name\n2026-10-01,国庆节\n", ["第 1 行", "缺少 kind 列"]),
    "unknown column": ("date,kind,remark\n2026-10-01,holiday,x\n", ["第 1 行", "remark"]),
    "too many cells": ("date,kind\n2026-10-01,holiday,国庆节\n", ["第 2 行", "列数多于表头"]),
    "name too long": ("date,kind,name\n2026-10-01,holiday," + "长" * 51 + "\n", ["第 2 行", "过长"]),
    "undecodable": (b"date,kind\n\xff\xfe\xfa,holiday\n", ["编码无法识别"]),
}

BAD_JSON = {
    "malformed date": ({"year": 2026, "holidays": [{"date": "2026-10-1x"}]}, ["holidays 第 1 项", "日期格式错误"]),
    "holiday and workday": (
        {"year": 2026, "holidays": ["2026-10-01", "2026-10-03"], "workdays": ["2026-10-03"]},
        ["workdays 第 1 项", "同时被列为放假日（holidays 第 2 项）和调休上班日（workdays 第 1 项）"],
    ),
    "make-up day on a weekday": ({"year": 2026, "workdays": [{"date": "2026-10-09", "name": "国庆节"}]},
                                 ["workdays 第 1 项", "星期五", "星期六或星期日"]),
    "duplicate": ({"year": 2026, "holidays": ["2026-10-01", "2026-10-01"]}, ["holidays 第 2 项", "重复"]),
    "empty lists": ({"year": 2026, "holidays": [], "workdays": []}, ["没有任何放假或调休上班日期"]),
    "outside the declared year": ({"year": 2026, "holidays": ["2026-10-01", "2027-01-01"]},
                                  ["holidays 第 2 项", "2027-01-01", "不在 2026 年内"]),
    "no year": ({"holidays": ["2026-10-01"]}, ["缺少 year"]),
    "year as text": ({"year": "2026", "holidays": ["2026-10-01"]}, ["年份应为整数"]),
    "unknown field": ({"year": 2026, "holiday": ["2026-10-01"]}, ["无法识别的字段", "holiday"]),
    "entry with unknown field": ({"year": 2026, "holidays": [{"date": "2026-10-01", "day": 1}]}, ["holidays 第 1 项", "day"]),
    "entry without date": ({"year": 2026, "holidays": [{"name": "国庆节"}]}, ["holidays 第 1 项", "缺少 date"]),
    "list instead of object": ([], ["顶层应为对象"]),
}


@pytest.fixture
def loaded_2026(tmp_path):
    """2026 already loaded, so a refused file has something it could have damaged."""
    run("load", write(tmp_path, "good.csv", CSV_2026), "--source", "原有数据")
    return db_state()


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_a_bad_csv_is_refused_and_changes_nothing(case, tmp_path, loaded_2026):
    content, expected = BAD_CSV[case]
    path = write(tmp_path, "bad.csv", content)
    with pytest.raises(CommandError) as exc:
        run("load", path)
    for text in expected:
        assert text in str(exc.value), (case, str(exc.value))
    assert db_state() == loaded_2026
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 10)


@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_a_bad_json_is_refused_and_changes_nothing(case, tmp_path, loaded_2026):
    doc, expected = BAD_JSON[case]
    path = write(tmp_path, "bad.json", json.dumps(doc, ensure_ascii=False))
    with pytest.raises(CommandError) as exc:
        run("load", path)
    for text in expected:
        assert text in str(exc.value), (case, str(exc.value))
    assert db_state() == loaded_2026


@pytest.mark.parametrize(
    "content, expected",
    [
        ("", "文件为空"),
        ("{\"year\": 2026, \"holidays\": [\"2026-10-01\",]}", "JSON 格式错误：第 1 行"),
    ],
)
def test_a_broken_json_file_is_refused(content, expected, tmp_path, loaded_2026):
    with pytest.raises(CommandError, match=expected):
        run("load", write(tmp_path, "bad.json", content))
    assert db_state() == loaded_2026


def test_it_reports_every_problem_at_once(tmp_path):
    content = "date,kind,name\n2026-13-01,holiday,\n2026-10-08,workday,\n2026-10-01,holiday,\n2026-10-01,workday,\n"
    with pytest.raises(CalendarFileError) as exc:
        parse_calendar_csv(content)
    assert len(exc.value.messages) == 3
    assert [m.split("：")[0] for m in exc.value.messages] == ["第 2 行", "第 3 行", "第 5 行"]


def test_year_option_must_match_the_file(tmp_path, loaded_2026):
    with pytest.raises(CommandError, match="不在 2027 年内"):
        run("load", write(tmp_path, "a.csv", CSV_2026), "--year", "2027")
    with pytest.raises(CommandError, match="与参数 --year 2027 不一致"):
        run("load", write(tmp_path, "a.json", json.dumps({"year": 2026, "holidays": ["2026-10-01"]})), "--year", "2027")
    assert db_state() == loaded_2026


def test_other_load_errors_change_nothing(tmp_path, loaded_2026):
    with pytest.raises(CommandError, match="找不到文件"):
        run("load", str(tmp_path / "nowhere.csv"))
    with pytest.raises(CommandError, match="是目录"):
        run("load", str(tmp_path))
    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        run("load", write(tmp_path, "a.csv", CSV_2026), "--user", "nobody")
    with pytest.raises(CommandError, match="来源过长"):
        run("load", write(tmp_path, "a.csv", CSV_2026), "--source", "长" * 301)
    assert db_state() == loaded_2026


def test_a_failure_inside_the_transaction_rolls_everything_back(loaded_2026):
    # A stray row (bypassing the admin's checks) holds 2026-03-02 under another year: inserting the new 2026
    # rows fails after the old ones were deleted, and the deletion must be undone.
    stray = CalendarYear.objects.create(year=2025)
    CalendarDay.objects.create(year=stray, date=D(2026, 3, 2), kind="holiday", name="错放")
    before = db_state()
    with pytest.raises(CalendarFileError, match="未做任何修改"):
        load_calendar(parse_calendar_csv("date,kind\n2026-03-02,holiday\n2026-03-03,holiday\n"))
    assert db_state() == before
    assert CalendarDay.objects.filter(year__year=2026).count() == 11


def test_load_calendar_file_is_the_python_entry_point(tmp_path, cast):
    cal = load_calendar_file(write(tmp_path, "a.csv", CSV_2026), actor=cast.admin_a, source="测试")
    assert cal.loaded_by == cast.admin_a and cal.source == "测试"
    with pytest.raises(CalendarFileError):
        parse_calendar_json('{"year": 1800, "holidays": ["1800-01-01"]}')


# --- show, add-workdays, count-workdays ------------------------------------------------------------------------


def test_show_a_year_from_the_package():
    out = run("show", "2024")
    lines = out.splitlines()
    assert lines[0] == "2024 年节假日安排"
    assert "chinesecalendar" in lines[1] and "软件包" in lines[1]
    assert "放假（28 天）：" in lines
    assert "  2024-02-10 星期六 春节" in lines
    assert "调休上班（8 天）：" in lines
    assert "  2024-02-04 星期日 春节" in lines and "  2024-02-18 星期日 春节" in lines
    assert lines[-1] == "全年工作日：251 天"


def test_show_a_loaded_year(tmp_path, cast):
    run("load", write(tmp_path, "a.csv", CSV_2026), "--source", "国办发明电〔2025〕7号", "--user", cast.admin_a.username)
    out = run("show", "2026")
    assert "数据来源：已载入的节假日表（来源：国办发明电〔2025〕7号" in out
    assert f"载入人：{cast.admin_a.username}" in out
    assert "优先于 chinesecalendar 软件包" in out
    assert "  2026-10-09 星期五 国庆节" in out
    assert "  2026-10-10 星期六 国庆节" in out
    assert "春节" not in out  # only the loaded rows decide 2026


def test_show_a_year_nobody_knows():
    with pytest.raises(CommandError) as exc:
        run("show", str(MISSING_YEAR))
    assert f"缺少 {MISSING_YEAR} 年的节假日安排" in str(exc.value)
    assert "sanxiang calendar load" in str(exc.value)


def test_add_workdays_prints_only_the_date():
    assert run("add-workdays", "2024-02-09", "1") == "2024-02-18\n"
    assert run("add-workdays", "2025-10-09", "2") == "2025-10-11\n"
    assert run("add-workdays", "2025-10-09", "-1") == "2025-09-30\n"
    assert run("add-workdays", "2025-10-09", "0") == "2025-10-09\n"


def test_count_workdays_prints_only_the_number():
    assert run("count-workdays", "2024-02-08", "2024-02-19") == "3\n"
    assert run("count-workdays", "2024-02-19", "2024-02-08") == "-3\n"


def test_a_year_nobody_knows_is_an_error_naming_it():
    with pytest.raises(CommandError) as exc:
        run("add-workdays", f"{MISSING_YEAR - 1}-12-30", "5")
    assert f"缺少 {MISSING_YEAR} 年的节假日安排" in str(exc.value)
    assert "sanxiang calendar load" in str(exc.value)
    with pytest.raises(CommandError, match=f"缺少 {MISSING_YEAR} 年"):
        run("count-workdays", f"{MISSING_YEAR}-01-01", f"{MISSING_YEAR}-02-01")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["add-workdays", "2024-02-30", "1"], "日期不存在"),
        (["add-workdays", "20240209", "1"], "日期格式错误"),
        (["add-workdays", "2024-02-09", "x"], "不是整数"),
        (["count-workdays", "2024-02-09"], "required"),
        (["show", "year"], "不是整数"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_are_errors(args, expected):
    with pytest.raises(CommandError, match=expected):
        run(*args)


# --- the real console script: exit status and no traceback -----------------------------------------------------


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """The ``sanxiang`` console script against its own migrated SQLite database."""
    directory = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "SANXIANG_DATABASE_URL": f"sqlite:///{directory / 'cli.sqlite3'}",
        "SANXIANG_MEDIA_ROOT": str(directory / "media"),
    }
    result = subprocess.run([*_sanxiang(), "migrate", "-v0"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return env, directory


def _sanxiang() -> list[str]:
    script = Path(sys.executable).with_name("sanxiang")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sanxiang.cli"]


def sanxiang(env, *args):
    return subprocess.run([*_sanxiang(), "calendar", *args], env=env, capture_output=True, text=True, timeout=120)


def test_the_console_script_exits_non_zero_without_a_traceback(cli_env):
    env, directory = cli_env
    ok = sanxiang(env, "add-workdays", "2024-02-09", "1")
    assert (ok.returncode, ok.stdout) == (0, "2024-02-18\n")

    missing = sanxiang(env, "add-workdays", f"{MISSING_YEAR}-01-05", "3")
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert f"缺少 {MISSING_YEAR} 年的节假日安排" in missing.stderr and "sanxiang calendar load" in missing.stderr
    assert "Traceback" not in missing.stderr

    bad = directory / "bad.csv"
    bad.write_text("date,kind,name\n2026-10-08,workday,国庆节\n", encoding="utf-8")
    refused = sanxiang(env, "load", str(bad))
    assert refused.returncode == 1 and "第 2 行" in refused.stderr and "Traceback" not in refused.stderr

    usage = sanxiang(env, "add-workdays", "2024-02-30", "1")
    assert usage.returncode == 2 and "日期不存在" in usage.stderr and "Traceback" not in usage.stderr

    jan1 = D(MISSING_YEAR, 1, 1)
    monday = jan1 + datetime.timedelta(days=(7 - jan1.weekday()) % 7 or 7)
    good = directory / "good.csv"
    good.write_text(f"date,kind,name\n{monday},holiday,测试\n", encoding="utf-8")
    loaded = sanxiang(env, "load", str(good), "--source", "测试")
    assert loaded.returncode == 0, loaded.stderr
    # Loaded by one process, seen by the next.
    after = sanxiang(env, "add-workdays", str(monday - datetime.timedelta(days=3)), "1")
    assert (after.returncode, after.stdout) == (0, f"{monday + datetime.timedelta(days=1)}\n")
