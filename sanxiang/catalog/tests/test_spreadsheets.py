"""Import and export of the catalogs as XLSX and JSON (sanxiang/catalog/spreadsheets.py).

Export writes every list kind of an agency (versions in force, or a staff user's latest drafts);
import turns rows into drafts, all rows or none, with every row's problems listed; the public
downloads hold published versions in force only.
"""

import datetime
import io
import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from sanxiang.catalog import selectors, services, spreadsheets, statutes
from sanxiang.catalog.kinds import KINDS
from sanxiang.catalog.kinds.template import known_document_codes
from sanxiang.catalog.models import Entry, ListKind, Version, VersionStatus
from sanxiang.catalog.vocab import ComplexityFlag, PenaltyKind
from sanxiang.core.models import AuditEvent
from sanxiang.org.models import Department, Role

from . import factories as f

FOOD = "中华人民共和国食品安全法"
PENALTY = "中华人民共和国行政处罚法"


@pytest.fixture
def library(db):
    statutes.load_library()


@pytest.fixture
def publisher_b(cast):
    return f.add_staff(cast, "publisher_b", "郑公示", [Role.PUBLISHER], agency=cast.agency_b)


def doc_code() -> str:
    codes = known_document_codes()
    return sorted(codes)[0] if codes else "CFJDS"


def contents() -> dict[str, list[tuple[str, dict]]]:
    """One or two entries of every kind, citing the bundled statute library."""
    return {
        "item": [
            ("CF-001", {
                "name": "对餐饮服务提供者餐具饮具未经洗净消毒的行政处罚", "act_kind": "penalty", "level": ["county", "township"],
                "basis": [{"statute": FOOD, "citation": "第一百二十六条第一款第（五）项", "role": "处罚依据"},
                          {"statute": PENALTY, "citation": "第九条第（二）项", "role": "设定依据"}],
                "procedure": "立案\n调查取证\n告知\n决定", "time_limit": "立案之日起九十日内", "legal_time_limit_days": 90,
                "fees": "不收费", "remedy": "行政复议或者行政诉讼", "sector": "食品安全",
                "benchmark": {"tiers": [
                    {"severity": "minor", "circumstances": "初次违法|及时改正", "penalty_kinds": ["warning"],
                     "note": "责令改正，给予警告"},
                    {"severity": "ordinary", "circumstances": "拒不改正，涉及餐具不足五十件",
                     "penalty_kinds": ["fine", "other"], "person_fine_min": "5000", "person_fine_max": "20000",
                     "org_fine_min": "5000", "org_fine_max": "20000"},
                    {"severity": "grave", "circumstances": "拒不改正，造成食源性疾病\n或者一年内再犯",
                     "penalty_kinds": ["fine", "suspend_operations"], "person_fine_min": "30000",
                     "person_fine_max": "50000", "org_fine_min": "30000", "org_fine_max": "50000"},
                ], "no_penalty_conditions": "违法行为轻微并及时改正，没有造成危害后果的",
                    "lighter_conditions": "主动消除或者减轻违法行为危害后果的", "mitigated_conditions": ""},
            }),
            ("XK-001", {"name": "食品经营许可", "act_kind": "license", "level": ["county"],
                        "basis": [{"statute": FOOD, "citation": "第三十五条第一款", "role": "设定依据"}],
                        "time_limit": "二十个工作日", "legal_time_limit_days": 20}),
        ],
        "inspection_item": [
            ("CC-001", {"name": "食品经营者经营行为检查", "subject": "样例县市场监督管理局",
                        "basis": [{"statute": FOOD, "citation": "第一百一十条第（一）项"}],
                        "object": "辖区内食品经营者", "object_tags": ["食品经营", "餐饮服务"],
                        "content": "经营许可、进货查验、贮存条件", "ratio_percent": "5", "method": "现场检查",
                        "frequency": "每年一次", "inspectors_per_object": 2}),
        ],
        "inspection_plan": [
            ("JH-2026", {"year": 2026, "name": "2026年度双随机抽查工作计划", "tasks": [
                {"item_code": "CC-001", "title": "食品经营者专项抽查", "ratio_percent": "5", "start": "2026-04-01",
                 "end": "2026-06-30", "department": "执法一队"},
                {"item_code": "CC-001", "title": "下半年抽查", "ratio_percent": "3.5", "start": "2026-09-01",
                 "end": "2026-11-30"}]}),
        ],
        "guide": [
            ("ZN-001", {
                "item_code": "XK-001", "name": "食品经营许可", "basis": [{"statute": FOOD, "citation": "第三十五条"}],
                "accepting_body": "县政务服务中心市场监管窗口", "approving_body": "样例县市场监督管理局",
                "conditions": "有与经营的食品品种、数量相适应的经营场所", "preferential_policies": "",
                "materials": [{"name": "食品经营许可申请书", "form": "原件", "copies": 1, "note": ""},
                              {"name": "营业执照", "form": "复印件", "copies": 2, "note": "加盖公章"},
                              {"name": "食品安全管理制度"}],
                "process": "申请—受理—审查—决定", "time_limit": "二十个工作日", "fees": "不收费", "supervision": "12315",
                "accountability": "", "office_hours": "工作日 9:00—17:00", "address": "县政务服务中心二楼",
                "phone": "0591-12345678"}),
        ],
        "template": [
            ("WS-001", {"doc_code": doc_code(), "name": "行政处罚决定书", "act_kinds": ["penalty"],
                        "purpose": "作出行政处罚决定时使用"}),
        ],
        "review_catalog": [
            ("FZSH", {"domain": "市场监管", "review_all_non_simple": False, "rules": [
                {"code": "R1", "description": "对单位处十万元以上、对个人处一万元以上罚款的", "act_kinds": ["penalty"],
                 "penalty_kinds": ["fine"], "min_fine_person": "10000", "min_fine_org": "100000"},
                {"code": "R2", "description": "吊销许可证件的", "penalty_kinds": ["revoke_license", "other"],
                 "item_codes": ["CF-001"]},
                {"code": "R3", "description": "经过听证程序作出决定的", "hearing_held": True,
                 "complexity_flags": ["third_party_rights", "complex"]},
            ]}),
        ],
        "av_list": [
            ("YXJL", {"rows": [
                {"activity": "seizure", "name": "查封扣押财产", "requirement": "full", "basis": "《行政强制法》第十八条"},
                {"activity": "on_site_inspection", "name": "现场检查", "requirement": "as_needed"},
            ]}),
        ],
    }


def publish_all(cast, agency=None, drafter=None) -> dict[tuple[str, str], Version]:
    agency = agency or cast.agency_a
    drafter = drafter or cast.admin_a
    published = {}
    for kind in spreadsheets.ORDER:
        for code, content in contents()[kind]:
            version = services.create_entry(drafter, agency=agency, kind=kind, code=code, content=content,
                                            department=cast.department_a1 if kind == "item" else None)
            services.submit(drafter, version)
            published[kind, code] = services.approve(cast.leader, version)
    return published


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An XLSX with the given sheets (title → rows, the first row being the header)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ITEM_HEADER = ["事项编码", "事项名称", "事项类别", "实施层级", "法律依据", "裁量基准"]


def item_row(code, *, name="对未按规定查验进货的行政处罚", basis=f"《{FOOD}》第一百二十六条第一款第（三）项（处罚依据）",
             tiers="一般|拒不改正|罚款|5000|20000|5000|20000"):
    return [code, name, "行政处罚", "县级", basis, tiers]


def sheet_values(data: bytes, title: str) -> set:
    return {cell for row in load_workbook(io.BytesIO(data))[title].iter_rows(values_only=True) for cell in row}


def nothing_written():
    return (not Entry.objects.exists() and not Version.objects.exists()
            and not AuditEvent.objects.filter(action__startswith="catalog.").exclude(
                action="catalog.statutes_load").exists())


# --- Round trip -------------------------------------------------------------------------------------


@pytest.mark.req("PUB-04")
@pytest.mark.req("PUB-05")
@pytest.mark.req("PUB-06")
def test_an_exported_workbook_imports_to_equal_content(cast, library, publisher_b):
    published = publish_all(cast)
    data = spreadsheets.export_workbook(cast.agency_a)
    Department.objects.create(agency=cast.agency_b, name="执法一队")  # the 承办机构 column names it

    result = spreadsheets.import_workbook(publisher_b, cast.agency_b, data, "a.xlsx")

    assert len(result.created) == len(published) and not result.drafted
    for (kind, code), original in published.items():
        entry = Entry.objects.get(agency=cast.agency_b, kind=kind, code=code)
        copy = entry.versions.get()
        assert copy.status == VersionStatus.DRAFT
        assert copy.content == original.content, (kind, code)
        assert copy.title == original.title
    assert AuditEvent.objects.filter(action="catalog.import", actor=publisher_b).count() == 1


@pytest.mark.req("PUB-10")
def test_reimporting_into_the_same_agency_drafts_only_what_changed(cast, library):
    published = publish_all(cast)
    data = spreadsheets.export_workbook(cast.agency_a)

    result = spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data, "a.xlsx")
    assert len(result.unchanged) == len(published) and not (result.created or result.drafted or result.edited)
    assert Version.objects.count() == len(published)

    book = load_workbook(io.BytesIO(data))
    sheet = book["行政执法事项清单"]
    assert sheet["A2"].value == "CF-001"
    sheet["B2"] = "对餐具饮具未经洗净消毒的行政处罚（修订）"
    buffer = io.BytesIO()
    book.save(buffer)
    changed = buffer.getvalue()

    result = spreadsheets.import_workbook(cast.admin_a, cast.agency_a, changed, "b.xlsx")
    assert [v.entry.code for v in result.drafted] == ["CF-001"] and len(result.unchanged) == len(published) - 1
    draft = result.drafted[0]
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT and "从表格“b.xlsx”导入" in draft.change_note
    original = published["item", "CF-001"].content
    assert draft.content == {**original, "name": "对餐具饮具未经洗净消毒的行政处罚（修订）"}

    # The same file again: the draft already says so. A further change edits that unsent draft.
    assert len(spreadsheets.import_workbook(cast.admin_a, cast.agency_a, changed).unchanged) == len(published)
    sheet["B2"] = "再次修订的名称"
    buffer = io.BytesIO()
    book.save(buffer)
    again = spreadsheets.import_workbook(cast.admin_a, cast.agency_a, buffer.getvalue())
    assert [v.pk for v in again.edited] == [draft.pk]
    assert Version.objects.get(pk=draft.pk).content["name"] == "再次修订的名称"
    assert Version.objects.count() == len(published) + 1


def test_a_missing_optional_column_keeps_the_entry_s_current_value(cast, library):
    publish_all(cast)
    data = workbook({"行政执法事项清单": [["事项编码", "事项名称"], ["CF-001", "对餐具饮具未经洗净消毒的行政处罚（修订）"]]})
    with pytest.raises(spreadsheets.ImportFileError, match="缺少必需的列：事项类别、法律依据"):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data)

    header = ["事项编码", "事项名称", "事项类别", "法律依据"]
    row = ["CF-001", "对餐具饮具未经洗净消毒的行政处罚（修订）", "行政处罚",
           f"《{FOOD}》第一百二十六条第一款第（五）项（处罚依据）"]
    spreadsheets.import_workbook(cast.admin_a, cast.agency_a, workbook({"行政执法事项清单": [header, row]}))
    draft = Entry.objects.get(agency=cast.agency_a, kind="item", code="CF-001").versions.get(number=2)
    assert draft.content["name"].endswith("（修订）")
    assert draft.content["benchmark"]["tiers"][2]["org_fine_max"] == "50000.00"  # not in the sheet: kept
    assert draft.content["level"] == ["county", "township"]


# --- Export -----------------------------------------------------------------------------------------


@pytest.mark.req("PUB-04")
def test_the_workbook_has_a_sheet_per_kind_with_chinese_headers_a_frozen_header_and_readable_lists(cast, library):
    publish_all(cast)
    book = load_workbook(io.BytesIO(spreadsheets.export_workbook(cast.agency_a)))
    assert book.sheetnames == ["说明"] + [str(ListKind(k).label) for k in spreadsheets.ORDER]
    sheet = book["行政执法事项清单"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["事项编码", "事项名称", "事项类别", "实施层级", "法律依据"]
    assert {"裁量基准", "承办机构", "版本号", "生效日期", "失效日期"} <= set(header)
    assert "状态" not in header and "修订说明" not in header  # a download of published lists
    assert sheet.freeze_panes == "B2"
    rows = {row[0]: dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    penalty = rows["CF-001"]
    assert penalty["事项类别"] == "行政处罚" and penalty["实施层级"] == "县级、乡级"
    assert penalty["法律依据"] == (f"《{FOOD}》第一百二十六条第一款第（五）项（处罚依据）；"
                                  f"《{PENALTY}》第九条第（二）项（设定依据）")
    assert penalty["裁量基准"].split("\n")[1] == ("一般|拒不改正，涉及餐具不足五十件|罚款、法律、行政法规规定的其他行政处罚|"
                                                "5000|20000|5000|20000")
    assert penalty["裁量基准"].split("\n")[0] == "轻微|初次违法\\|及时改正|警告|||||责令改正，给予警告"
    assert penalty["承办机构"] == "执法一队" and penalty["版本号"] == 1
    assert penalty["生效日期"] == timezone.localdate().isoformat()
    widths = [sheet.column_dimensions[c].width for c in "ABCDE"]
    assert all(8 <= w <= spreadsheets.MAX_WIDTH for w in widths) and widths[4] == spreadsheets.MAX_WIDTH
    guide = dict(zip([c.value for c in book["服务指南"][1]], next(book["服务指南"].iter_rows(min_row=2, values_only=True)),
                     strict=False))
    assert guide["申请材料"] == "食品经营许可申请书|原件\n营业执照|复印件|2|加盖公章\n食品安全管理制度"


@pytest.mark.req("PUB-10")
def test_the_public_downloads_hold_only_published_versions_in_force(cast, library):
    published = publish_all(cast)
    entry = published["item", "CF-001"].entry
    services.new_draft(cast.admin_a, entry, content={**published["item", "CF-001"].content, "name": "草稿中的新名称"})
    services.create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="CF-099",
                          content={**contents()["item"][1][1], "name": "从未发布的事项"})

    doc = json.loads(spreadsheets.public_json(cast.agency_a))
    items = doc["lists"]["item"]["entries"]
    assert [e["code"] for e in items] == ["CF-001", "XK-001"]
    first = items[0]
    assert first["version"] == 1 and first["content"] == published["item", "CF-001"].content
    assert first["effective_from"] == timezone.localdate().isoformat() and first["effective_to"] is None
    assert "status" not in first and "change_note" not in first
    assert doc["in_force_on"] == timezone.localdate().isoformat() and doc["drafts"] is False

    values = sheet_values(spreadsheets.public_workbook(cast.agency_a, kind="item"), "行政执法事项清单")
    assert "对餐饮服务提供者餐具饮具未经洗净消毒的行政处罚" in values
    assert "草稿中的新名称" not in values and "从未发布的事项" not in values

    # Before anything took effect there was nothing in force.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert json.loads(spreadsheets.public_json(cast.agency_a, on=yesterday))["lists"]["item"]["entries"] == []
    assert set(json.loads(spreadsheets.public_json(cast.agency_a, kind="guide"))["lists"]) == {"guide"}


def test_a_staff_export_shows_the_latest_versions_with_their_status(cast, library):
    published = publish_all(cast)
    services.new_draft(cast.admin_a, published["item", "CF-001"].entry,
                       content={**published["item", "CF-001"].content, "name": "草稿中的新名称"}, change_note="调整名称")
    doc = json.loads(spreadsheets.export_json(cast.agency_a, drafts_for=cast.admin_a))
    first = doc["lists"]["item"]["entries"][0]
    assert (first["version"], first["status"], first["change_note"]) == (2, "draft", "调整名称")
    assert first["content"]["name"] == "草稿中的新名称" and doc["drafts"] is True

    book = load_workbook(io.BytesIO(spreadsheets.export_workbook(cast.agency_a, drafts_for=cast.admin_a)))
    header = [c.value for c in book["行政执法事项清单"][1]]
    row = dict(zip(header, next(book["行政执法事项清单"].iter_rows(min_row=2, values_only=True)), strict=False))
    assert row["状态"] == "草稿" and row["修订说明"] == "调整名称" and row["事项名称"] == "草稿中的新名称"
    # Another agency's staff see nothing of agency A.
    assert json.loads(spreadsheets.export_json(cast.agency_a, drafts_for=cast.officer_b))["lists"]["item"]["entries"] == []


def test_an_empty_agency_exports_blank_sheets_to_fill_in(cast, library):
    book = load_workbook(io.BytesIO(spreadsheets.export_workbook(cast.agency_b)))
    sheet = book["随机抽查事项清单"]
    assert sheet.max_row == 1 and sheet["H1"].value == "抽查比例（%）"


# --- Text forms -------------------------------------------------------------------------------------


def test_fields_and_choice_lists_keep_their_separators():
    line = spreadsheets.join_line(["一般", "a|b\\c\nd", "罚款"])
    assert line == "一般|a\\|b\\\\c\\nd|罚款"
    assert spreadsheets.split_fields(line) == ["一般", "a|b\\c\nd", "罚款"]
    other = str(PenaltyKind.OTHER.label)
    assert spreadsheets.split_choices(f"罚款、{other}、警告", PenaltyKind) == ["罚款", other, "警告"]
    hearing = str(ComplexityFlag.THIRD_PARTY_RIGHTS.label)
    assert "，" in hearing
    complex_case = str(ComplexityFlag.COMPLEX.label)
    assert "、" in complex_case
    assert spreadsheets.split_choices(f"{hearing}，{complex_case}", ComplexityFlag) == [hearing, complex_case]
    assert spreadsheets.split_choices("食品经营，餐饮服务,  ") == ["食品经营", "餐饮服务"]


# --- Bad input: a clear message, nothing written ----------------------------------------------------


@pytest.mark.req("PUB-04")
def test_a_basis_citing_an_article_that_does_not_exist_refuses_the_whole_file(cast, library):
    data = workbook({"行政执法事项清单": [
        ITEM_HEADER,
        item_row("CF-101"),
        item_row("CF-102", basis=f"《{FOOD}》第九百条（处罚依据）"),
        item_row("CF-103", basis="《不存在的条例》第一条"),
        item_row("CF-104"),
    ]})
    with pytest.raises(spreadsheets.ImportRowsError) as refused:
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data, "items.xlsx")
    assert refused.value.errors == [
        f"第3行 依据第1条：《{FOOD}》没有第九百条",
        "第4行 依据第1条：法律法规库中没有《不存在的条例》，请先在法律法规库中录入",
    ]
    assert nothing_written()  # rows 2 and 5 were fine, yet nothing is kept


@pytest.mark.req("PUB-04")
def test_an_inverted_or_excessive_fine_range_is_refused(cast, library):
    data = workbook({"行政执法事项清单": [
        ITEM_HEADER,
        item_row("CF-201", tiers="一般|拒不改正|罚款|50000|5000||"),
        item_row("CF-202", tiers="严重|拒不改正|罚款||80000||80000"),
        item_row("CF-203", tiers="一般|拒不改正"),
        item_row("CF-204", tiers="特别|拒不改正|罚款、拘押|||||"),
    ]})
    with pytest.raises(spreadsheets.ImportRowsError) as refused:
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data)
    errors = refused.value.errors
    assert "第2行 裁量基准第1档：对个人罚款的下限50000元大于上限5000元" in errors
    assert "第3行 裁量基准第1档：对个人罚款上限80000元超过所引条款规定的最高罚款额50000元" in errors
    assert "第3行 裁量基准第1档：对单位罚款上限80000元超过所引条款规定的最高罚款额50000元" in errors
    assert any(e.startswith("第4行 裁量基准第1档应有7至8项，用“|”分隔") and e.endswith("实有2项") for e in errors)
    assert any(e.startswith("第5行 裁量基准第1档：违法情节“特别”不是可选的值") for e in errors)
    assert any(e.startswith("第5行 裁量基准第1档：处罚种类“拘押”不是可选的值") for e in errors)
    assert nothing_written()


@pytest.mark.req("PUB-05")
def test_a_ratio_of_150_percent_is_refused(cast, library):
    header = ["事项编码", "抽查事项名称", "抽查主体", "抽查依据", "抽查对象", "抽查内容", "抽查比例（%）", "抽查方式", "抽查频次"]
    row = ["CC-9", "检查", "县市场监管局", f"《{FOOD}》第一百一十条", "食品经营者", "许可", "150", "现场检查", "每年"]
    data = workbook({"随机抽查事项清单": [header, row, ["CC-10", *row[1:6], "0", *row[7:]]]})
    with pytest.raises(spreadsheets.ImportRowsError) as refused:
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data)
    assert refused.value.errors == ["第2行 抽查比例应大于0且不超过100%（现为150%）",
                                    "第3行 抽查比例应大于0且不超过100%（现为0%）"]
    assert nothing_written()


def test_a_missing_required_column_refuses_the_file(cast, library):
    data = workbook({"行政执法事项清单": [["事项编码", "事项类别", "法律依据"],
                                   ["CF-1", "行政处罚", f"《{FOOD}》第一百二十二条"]]})
    with pytest.raises(spreadsheets.ImportFileError, match="工作表“行政执法事项清单”缺少必需的列：事项名称"):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data)
    assert nothing_written()


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.7 not a workbook", "不是 Excel 工作簿（.xlsx）"),
    ("事项编码,事项名称\nCF-1,名称".encode(), "不是 Excel 工作簿（.xlsx）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel 文件（.xls）"),
    (b"", "为空"),
])
def test_a_file_that_is_not_an_xlsx_is_refused(cast, library, data, message):
    with pytest.raises(spreadsheets.ImportFileError, match=message):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data, "upload.xlsx")
    assert nothing_written()


def test_a_zip_that_is_not_a_workbook_is_refused(cast, library):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(spreadsheets.ImportFileError, match="不是有效的 .xlsx 工作簿"):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, buffer.getvalue(), "upload.xlsx")
    assert nothing_written()


def test_a_workbook_without_data_rows_or_with_unknown_sheets_is_refused(cast, library):
    with pytest.raises(spreadsheets.ImportFileError, match="没有可导入的数据行"):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, workbook({"行政执法事项清单": [ITEM_HEADER]}))
    with pytest.raises(spreadsheets.ImportFileError, match="没有可导入的数据行"):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, workbook({"Sheet1": []}))
    with pytest.raises(spreadsheets.ImportFileError, match="工作表“Sheet1”不是可导入的清单"):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, workbook({"Sheet1": [ITEM_HEADER, item_row("CF-1")]}))
    header_twice = workbook({"行政执法事项清单": [ITEM_HEADER + ["事项名称"], item_row("CF-1") + ["x"]]})
    with pytest.raises(spreadsheets.ImportFileError, match="“事项名称”出现了2次"):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, header_twice)
    assert nothing_written()


def test_formulas_and_markup_in_cells_are_kept_as_text(cast, library):
    formula = '=HYPERLINK("http://example.com","点击")'
    markup = "<script>alert(1)</script><b>对未按规定查验进货的行政处罚</b>"
    data = workbook({"行政执法事项清单": [ITEM_HEADER + ["所属领域"], item_row("CF-301", name=markup) + [formula]]})
    spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data)
    version = Version.objects.get(entry__code="CF-301")
    assert version.content["name"] == markup and version.title == markup
    assert version.content["sector"] == formula

    # Exported back, they are text cells, never formulas.
    services.submit(cast.admin_a, version)
    services.approve(cast.leader, version)
    data = spreadsheets.public_workbook(cast.agency_a, kind="item")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml
    sheet = load_workbook(io.BytesIO(data))["行政执法事项清单"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert {formula, markup} <= sheet_values(data, "行政执法事项清单")


def test_duplicate_codes_submitted_versions_and_unknown_departments_are_row_errors(cast, library):
    published = publish_all(cast)
    pending = services.new_draft(cast.admin_a, published["item", "XK-001"].entry)
    services.submit(cast.admin_a, pending)
    header = ITEM_HEADER + ["承办机构"]
    data = workbook({"行政执法事项清单": [
        header,
        item_row("CF-401") + ["执法一队"],
        item_row("CF-401") + [""],
        item_row("CF-402") + ["不存在的科室"],
        item_row("CF-001") + ["执法二队"],
        item_row("XK-001") + [""],
        item_row("") + [""],
    ]})
    before = Version.objects.count()
    with pytest.raises(spreadsheets.ImportRowsError) as refused:
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data)
    assert refused.value.errors == [
        "第3行 事项编码“CF-401”与第2行重复",
        f"第4行 承办机构“不存在的科室”不是“{cast.agency_a.name}”已登记的内设机构",
        "第5行 承办机构“执法二队”与该事项登记的承办机构“执法一队”不一致，导入不能更改承办机构",
        "第6行 该事项的第2版已送审、待审核，审核人退回后才能导入修改",
        "第7行 事项编码不能为空",
    ]
    assert Version.objects.count() == before and not Entry.objects.filter(code="CF-401").exists()


def test_only_those_who_may_draft_can_import(cast, library):
    data = workbook({"行政执法事项清单": [ITEM_HEADER, item_row("CF-501")]})
    with pytest.raises(PermissionDenied, match="无权起草"):
        spreadsheets.import_workbook(cast.officer_a, cast.agency_a, data)  # an officer, not a drafter
    with pytest.raises(PermissionDenied, match="无权起草"):
        spreadsheets.import_workbook(cast.admin_a, cast.agency_b, data)  # another agency's lists
    assert nothing_written()


def test_several_sheets_name_the_sheet_in_each_error(cast, library):
    data = workbook({
        "行政执法事项清单": [ITEM_HEADER, item_row("CF-601")],
        "年度抽查计划": [["计划编号", "计划年度", "计划名称", "抽查任务"],
                     ["JH-1", 2026, "计划", "CC-404|任务|5|2026-04-01|2026-03-01"]],
    })
    with pytest.raises(spreadsheets.ImportRowsError) as refused:
        spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data)
    assert "【年度抽查计划】第2行 抽查任务第1项：开始日期2026-04-01晚于结束日期2026-03-01" in refused.value.errors
    assert "【年度抽查计划】第2行 抽查任务第1项：本机关的随机抽查事项清单中没有编码为“CC-404”的事项" in refused.value.errors
    assert nothing_written()


def test_kinds_cover_every_list_kind():
    assert set(spreadsheets.ORDER) == set(KINDS) == set(ListKind.values)


# --- Commands ---------------------------------------------------------------------------------------


def test_the_export_command_writes_xlsx_and_json(cast, library, tmp_path):
    publish_all(cast)
    out = StringIO()
    call_command("catalog", "export", str(cast.agency_a.pk), str(tmp_path), stdout=out)
    call_command("catalog", "export", str(cast.agency_a.pk), str(tmp_path), "--format", "json",
                 "--on", timezone.localdate().isoformat(), stdout=out)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and files[0].endswith(".json") and files[1].endswith(".xlsx")
    doc = json.loads((tmp_path / files[0]).read_text(encoding="utf-8"))
    assert doc["lists"]["item"]["entries"][0]["code"] == "CF-001"
    assert load_workbook(tmp_path / files[1]).sheetnames[1] == "行政执法事项清单"
    assert str(tmp_path / files[1]) in out.getvalue()


def test_the_import_command_reports_rows_and_exit_status(cast, library, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook({"行政执法事项清单": [ITEM_HEADER, item_row("CF-701")]}))
    out = StringIO()
    call_command("catalog", "import", str(cast.agency_a.pk), str(good), "--user", "admin_a", stdout=out)
    assert "新增事项1个" in out.getvalue()
    assert Entry.objects.filter(code="CF-701").exists()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook({"行政执法事项清单": [ITEM_HEADER, item_row("CF-702", basis=f"《{FOOD}》第九百条")]}))
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("catalog", "import", str(cast.agency_a.pk), str(bad), "--user", "admin_a", stdout=out)
    assert refused.value.returncode == 1 and "第2行 依据第1条" in out.getvalue()

    text = tmp_path / "list.csv"
    text.write_text("事项编码\nCF-1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="不是 Excel 工作簿") as refused:
        call_command("catalog", "import", str(cast.agency_a.pk), str(text), "--user", "admin_a")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="登录账号“nobody”不存在"):
        call_command("catalog", "import", str(cast.agency_a.pk), str(good), "--user", "nobody")
    with pytest.raises(CommandError, match="执法主体 999999 不存在"):
        call_command("catalog", "export", "999999", str(tmp_path))
    assert not Entry.objects.filter(code="CF-702").exists()


def test_selectors_in_force_is_what_the_public_files_use(cast, library):
    publish_all(cast)
    codes = sorted(v.entry.code for v in selectors.in_force(None, agency=cast.agency_a))
    doc = json.loads(spreadsheets.public_json(cast.agency_a))
    assert sorted(e["code"] for k in doc["lists"].values() for e in k["entries"]) == codes


# --- The example workbook and the documentation -------------------------------------------------------

DOCS = Path(__file__).resolve().parents[3] / "docs"


def values_by_sheet(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_the_example_workbook_imports_as_it_is(cast, library):
    data = (DOCS / "examples" / "catalog-items.xlsx").read_bytes()
    result = spreadsheets.import_workbook(cast.admin_a, cast.agency_a, data, "catalog-items.xlsx")
    assert len(result.created) == sum(len(rows) for rows in spreadsheets.EXAMPLE_ROWS.values())
    penalty = Version.objects.get(entry__code="330100-CF-001")
    assert [t["severity"] for t in penalty.content["benchmark"]["tiers"]] == ["minor", "ordinary", "grave"]
    rules = Version.objects.get(entry__kind="review_catalog").content["rules"]
    assert [r["code"] for r in rules] == ["R1", "R2", "R3"] and rules[2]["hearing_held"] is True
    # The file in docs/ is what `sanxiang catalog example` writes today.
    assert values_by_sheet(data) == values_by_sheet(spreadsheets.example_workbook())


def test_the_example_command_writes_the_example(tmp_path):
    out = StringIO()
    call_command("catalog", "example", str(tmp_path / "x.xlsx"), stdout=out)
    assert values_by_sheet((tmp_path / "x.xlsx").read_bytes()) == values_by_sheet(spreadsheets.example_workbook())


def test_the_import_guide_documents_every_column_and_text_form():
    text = (DOCS / "catalog-import.md").read_text(encoding="utf-8")
    for kind in spreadsheets.ORDER:
        assert f"### {spreadsheets.sheet_title(kind)}" in text
        for column in spreadsheets.columns(kind, mode="drafts"):
            assert f"| {column.header} |" in text, (kind, column.header)
    for names, _minimum in spreadsheets.LINE_FORMATS.values():
        assert "|".join(names[:2]) in text
