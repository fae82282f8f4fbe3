"""The statute library (法律法规库): the bundled texts, their numbering and fine ceilings, and the loader."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanxiang.catalog import statutes
from sanxiang.catalog.models import Provision, Statute
from sanxiang.core.models import AuditEvent

PENALTY_LAW = "中华人民共和国行政处罚法"
FOOD_LAW = "中华人民共和国食品安全法"
AIR_LAW = "中华人民共和国大气污染防治法"


def provision(title, article, paragraph=0, item=0) -> Provision:
    return Provision.objects.get(statute__title=title, article=article, paragraph=paragraph, item=item)


def write(tmp_path, doc, name="lib.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def tiny(text="行政处罚的种类：\n（一）警告、通报批评；\n（二）罚款、没收违法所得、没收非法财物；", **article) -> dict:
    return {"format": "sanxiang-statutes/1", "statutes": [{
        "title": "样例法", "level": "law", "articles": [{"article": 9, "text": text, **article}]}]}


# --- The bundled library ------------------------------------------------------------------------


@pytest.mark.req("PUB-04")
def test_it_loads_the_bundled_library_once(db):
    counts = statutes.load_library()
    assert counts["statutes_created"] >= 9
    assert counts["provisions_created"] >= 600
    assert counts["differences"] == []
    assert AuditEvent.objects.filter(action="catalog.statutes_load").count() == 1

    again = statutes.ensure_library()
    assert again["statutes_created"] == 0 and again["provisions_created"] == 0
    assert again["provisions_unchanged"] == counts["provisions_created"]
    assert again["differences"] == []
    assert AuditEvent.objects.filter(action="catalog.statutes_load").count() == 1  # nothing new, nothing recorded


@pytest.mark.req("PUB-04")
def test_it_numbers_paragraphs_and_items_as_the_official_text(db):
    statutes.load_library()
    # An article of one paragraph: its items are cited without a paragraph (第九条第（一）项).
    assert provision(PENALTY_LAW, 9, 0, 1).text == "（一）警告、通报批评；"
    assert provision(PENALTY_LAW, 9, 0, 6).text == "（六）法律、行政法规规定的其他行政处罚。"
    assert not Provision.objects.filter(statute__title=PENALTY_LAW, article=9, paragraph=1).exists()
    # Several paragraphs: items belong to the paragraph above them.
    assert provision(PENALTY_LAW, 58, 1, 1).text == "（一）涉及重大公共利益的；"
    assert provision(PENALTY_LAW, 58, 2).text.startswith("行政机关中初次从事行政处罚决定法制审核的人员")
    assert provision(PENALTY_LAW, 58, 1).text.endswith("（四）法律、法规规定应当进行法制审核的其他情形。")
    assert provision("中华人民共和国行政强制法", 24, 2, 5).text == "（五）行政机关的名称、印章和日期。"
    assert provision("中华人民共和国行政强制法", 24, 3).text == "查封、扣押清单一式二份，由当事人和行政机关分别保存。"
    assert provision(FOOD_LAW, 124, 1, 9).text.startswith("（九）食品生产经营者在食品安全监督管理部门责令其召回")
    assert provision(FOOD_LAW, 33, 2).text == "非食品生产经营者从事食品贮存、运输和装卸的，应当符合前款第六项的规定。"
    # The figures the workflow relies on.
    assert "二百元以下" in provision(PENALTY_LAW, 51).text and "三千元以下" in provision(PENALTY_LAW, 51).text
    assert "九十日内" in provision(PENALTY_LAW, 60).text
    assert "每日按罚款数额的百分之三加处罚款" in provision(PENALTY_LAW, 72, 1, 1).text
    assert "不得超过三十日" in provision("中华人民共和国行政强制法", 25, 1).text
    assert "二十日内作出行政许可决定" in provision("中华人民共和国行政许可法", 42, 1).text
    # The whole article is every line of it.
    whole = provision(PENALTY_LAW, 33).text.split("\n")
    assert len(whole) == 3 and whole[2] == "对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育。"


@pytest.mark.req("PUB-04")
def test_it_sets_fine_ceilings_only_where_the_text_fixes_them(db):
    statutes.load_library()
    item5 = provision(FOOD_LAW, 126, 1, 5)
    assert (item5.max_fine_person, item5.max_fine_org) == (Decimal("50000"), Decimal("50000"))
    # A multiple of the goods' value: no fixed ceiling.
    assert provision(FOOD_LAW, 124).max_fine_org is None
    assert provision(FOOD_LAW, 124, 1, 1).max_fine_org is None
    assert provision("中华人民共和国产品质量法", 49).max_fine_person is None
    # A second paragraph with its own amount.
    assert provision(FOOD_LAW, 125, 2).max_fine_org == Decimal("2000")
    # Different ceilings for persons and organisations.
    burning = provision(AIR_LAW, 119, 2)
    assert (burning.max_fine_person, burning.max_fine_org) == (Decimal("2000"), Decimal("100000"))
    assert provision(AIR_LAW, 119).max_fine_org is None  # its third paragraph names no amount
    assert provision(AIR_LAW, 99, 0, 2).max_fine_org == Decimal("1000000")
    # A regulation whose penalties name no amount.
    assert provision("城市市容和环境卫生管理条例", 34, 0, 1).max_fine_person is None
    assert provision("中华人民共和国道路运输条例", 66).max_fine_org == Decimal("10000")
    # Every empty ceiling of a penalty article is explained in the file.
    notes = statutes.notes()
    assert "货值金额" in notes[(FOOD_LAW, 124, 0, 0)]
    assert (PENALTY_LAW, 51, 0, 0) in notes


def test_every_item_number_in_the_file_counts_up(db):
    """The file's own check: an item out of order or before any paragraph is refused."""
    for statute in statutes.read_library():
        for item in statute.provisions:
            if item.item:
                assert item.text.startswith("（")


# --- The loader: differences are reported, never applied silently ---------------------------------


@pytest.mark.req("PUB-10")
def test_it_reports_a_differing_text_and_keeps_the_stored_one(db, tmp_path):
    statutes.load_library(write(tmp_path, tiny()))
    stored = Provision.objects.get(statute__title="样例法", article=9, item=1)
    changed = write(tmp_path, tiny("行政处罚的种类：\n（一）警告；\n（二）罚款、没收违法所得、没收非法财物；"), "new.json")

    counts = statutes.load_library(changed)
    stored.refresh_from_db()
    assert stored.text == "（一）警告、通报批评；"
    assert counts["provisions_updated"] == 0
    assert any("第九条第（一）项：条文与文件不一致" in line and "未修改" in line for line in counts["differences"])

    counts = statutes.load_library(changed, update=True)
    stored.refresh_from_db()
    assert stored.text == "（一）警告；"
    assert counts["provisions_updated"] == 2  # the item and the whole article
    event = AuditEvent.objects.filter(action="catalog.provision_update", object_id=str(stored.pk)).get()
    assert event.before["text"] == "（一）警告、通报批评；" and event.after["text"] == "（一）警告；"


def test_it_reports_a_differing_ceiling(db, tmp_path):
    statutes.load_library(write(tmp_path, tiny(max_fine_person="2000", max_fine_org="3000")))
    counts = statutes.load_library(write(tmp_path, tiny(max_fine_person="2000", max_fine_org="5000"), "b.json"))
    assert Provision.objects.get(statute__title="样例法", article=9, item=0).max_fine_org == Decimal("3000")
    assert any("对单位罚款上限与文件不一致" in line for line in counts["differences"])
    # Items take the article's ceilings (an article of one paragraph).
    assert Provision.objects.get(statute__title="样例法", article=9, item=2).max_fine_person == Decimal("2000")


@pytest.mark.parametrize("doc, message", [
    ("{not json", "不是有效的 UTF-8 JSON"),
    ({"format": "other", "statutes": []}, "不是法律法规库文件"),
    (tiny("种类：\n（一）甲；\n（三）丙；"), "项的序号不连续"),
    (tiny("（一）没有款的项；"), "前面没有所属的款"),
    (tiny(max_fine_org="-5"), "应为大于零"),
    (tiny(max_fine_org="很多"), "不是数字"),
    (tiny(parts={"2": {"max_fine_org": "100"}}), "应写成“0.项”"),
    ({"format": "sanxiang-statutes/1", "statutes": [{"title": "样例法", "level": "decree", "articles": []}]},
     "效力位阶"),
])
def test_a_malformed_file_changes_nothing(db, tmp_path, doc, message):
    path = tmp_path / "bad.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(statutes.LibraryFileError, match=message):
        statutes.load_library(path)
    assert not Statute.objects.exists() and not Provision.objects.exists()


def test_an_empty_or_missing_file_is_refused(db, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(statutes.LibraryFileError, match="为空"):
        statutes.load_library(empty)
    with pytest.raises(statutes.LibraryFileError, match="无法读取"):
        statutes.load_library(tmp_path / "missing.json")
    assert not Statute.objects.exists()


# --- The command ----------------------------------------------------------------------------------


def test_the_command_loads_and_shows(db):
    out = StringIO()
    call_command("statutes", "load", stdout=out)
    assert "新增" in out.getvalue()

    out = StringIO()
    call_command("statutes", "show", "食品安全法", "第一百二十六条第一款第（五）项", stdout=out)
    text = out.getvalue()
    assert "《中华人民共和国食品安全法》" in text
    assert "（五）餐具、饮具和盛放直接入口食品的容器" in text
    assert "个人 50000元；单位 50000元" in text

    out = StringIO()
    call_command("statutes", "show", "产品质量法", "49", stdout=out)
    assert "货值金额" in out.getvalue() and "说明：" in out.getvalue()

    out = StringIO()
    call_command("statutes", "show", "行政处罚法", stdout=out)
    assert "第五十八条" in out.getvalue() and "施行日期：2021-07-15" in out.getvalue()

    out = StringIO()
    call_command("statutes", "list", stdout=out)
    assert "《中华人民共和国行政许可法》（法律）" in out.getvalue()


def test_the_command_refuses_unknown_statutes_and_articles(db, tmp_path):
    statutes.load_library()
    with pytest.raises(CommandError, match="没有《不存在的法》"):
        call_command("statutes", "show", "不存在的法")
    with pytest.raises(CommandError, match="没有第九百条"):
        call_command("statutes", "show", "行政处罚法", "第九百条")
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何条文"):
        call_command("statutes", "load", str(bad))
