"""The import page (XLSX → drafts, all rows or none, every row's problems shown) and the staff exports."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from sanxiang.catalog import spreadsheets, statutes
from sanxiang.catalog.models import Entry, Version, VersionStatus
from sanxiang.catalog.services import approve, create_entry, submit

from . import factories as f

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def library(db):
    statutes.load_library()


def upload(data: bytes, name: str = "清单.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def example_with(change) -> bytes:
    """The example workbook with ``change(book)`` applied."""
    book = load_workbook(io.BytesIO(spreadsheets.example_workbook()))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set(sheet, header: str, row: int, value) -> None:
    column = next(c.column for c in sheet[1] if c.value and str(c.value).strip("* ") == header)
    sheet.cell(row=row, column=column, value=value)


@pytest.mark.req("PUB-10")
def test_importing_the_example_workbook_creates_drafts_and_lists_them(client, cast, library):
    client.force_login(cast.admin_a)
    page = client.get("/catalog/import/")
    assert page.status_code == 200 and "行政执法事项清单" in page.content.decode()
    response = client.post("/catalog/import/", {"file": upload(spreadsheets.example_workbook())})
    assert response.status_code == 200
    html = response.content.decode()
    created = Version.objects.filter(status=VersionStatus.DRAFT)
    assert created.count() == sum(len(rows) for rows in spreadsheets.EXAMPLE_ROWS.values())
    assert 'data-testid="import-summary"' in html and f"新增事项{created.count()}个" in html
    for version in created:
        assert f"/catalog/versions/{version.pk}/" in html
    assert not Version.objects.filter(status=VersionStatus.PUBLISHED).exists()  # drafts only


@pytest.mark.req("PUB-10")
def test_a_workbook_with_a_bad_row_lists_every_problem_and_imports_nothing(client, cast, library):
    def break_rows(book):
        sheet = book[spreadsheets.sheet_title("item")]
        _set(sheet, "法律依据", 2, "《中华人民共和国行政处罚法》第九百条（设定依据）")
        _set(sheet, "事项名称", 3, '<script>alert("x")</script>')

    client.force_login(cast.admin_a)
    response = client.post("/catalog/import/", {"file": upload(example_with(break_rows))})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-section="row-errors"' in html and "第2行" in html and "没有第九百条" in html
    assert "<script>alert" not in html
    assert not Entry.objects.exists()


@pytest.mark.req("PUB-10")
@pytest.mark.parametrize("name, data, message", [
    ("清单.txt", b"hello", "请上传 .xlsx 格式"),
    ("清单.xlsx", b"not a zip at all", "不是 Excel 工作簿"),
    ("清单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel 文件"),
])
def test_a_file_that_is_not_a_workbook_is_refused_with_a_clear_message(client, cast, library, name, data, message):
    client.force_login(cast.admin_a)
    response = client.post("/catalog/import/", {"file": upload(data, name)})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["file"])
    assert not Entry.objects.exists()


def test_posting_without_a_file_asks_for_one(client, cast):
    client.force_login(cast.admin_a)
    response = client.post("/catalog/import/", {})
    assert response.status_code == 400 and response.context["form"].errors["file"]


@pytest.mark.req("PUB-10")
def test_who_may_not_draft_may_not_import(client, cast, library):
    client.force_login(cast.officer_a)
    assert client.get("/catalog/import/").status_code == 403
    assert client.post("/catalog/import/", {"file": upload(spreadsheets.example_workbook())}).status_code == 403
    assert not Entry.objects.exists()
    client.logout()
    assert client.get("/catalog/import/")["Location"].startswith("/login/")


@pytest.mark.req("PUB-10")
def test_exports_hold_the_users_own_agency_drafts_or_what_is_in_force(client, cast):
    lib = f.make_library()
    published = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-1", content=f.item_content(lib))
    submit(cast.admin_a, published)
    approve(cast.leader, published)
    create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-2",
                 content=f.item_content(lib, name="草稿中的事项"))
    client.force_login(cast.admin_a)

    response = client.get("/catalog/export/", {"drafts": "1", "format": "json"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    codes = [e["code"] for e in json.loads(response.content)["lists"]["item"]["entries"]]
    assert codes == ["XK-1", "XK-2"]
    in_force = json.loads(client.get("/catalog/export/", {"format": "json", "kind": "item"}).content)
    assert [e["code"] for e in in_force["lists"]["item"]["entries"]] == ["XK-1"]
    xlsx = client.get("/catalog/export/", {"kind": "item"})
    assert xlsx["Content-Type"] == XLSX and xlsx.content[:2] == b"PK"

    # Another agency's user asking for agency A's drafts gets their own agency's (empty) lists.
    client.force_login(cast.officer_b)
    other = json.loads(client.get("/catalog/export/", {"drafts": "1", "format": "json",
                                                        "agency": str(cast.agency_a.pk)}).content)
    assert other["agency"]["id"] == cast.agency_b.pk
    assert all(not data["entries"] for data in other["lists"].values())


def test_the_example_workbook_downloads(client, cast):
    client.force_login(cast.admin_a)
    response = client.get("/catalog/import/example.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
