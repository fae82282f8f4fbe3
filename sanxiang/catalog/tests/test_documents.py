"""Built-in enforcement documents (执法文书): definitions, blank DOCX samples and the statutory contents."""

import io
import zipfile

import docx
import pytest

from sanxiang.catalog import documents
from sanxiang.catalog.documents import BLANK, DOCUMENTS, Document, DocumentDefinitionError, Section

REQUIRED = [
    "立案审批表", "不予立案审批表", "询问笔录", "现场检查（勘验）笔录", "调查终结报告", "行政处罚事先告知书", "听证告知书",
    "听证通知书", "听证笔录", "集体讨论记录", "行政处罚决定书", "不予行政处罚决定书", "当场行政处罚决定书", "送达回证",
    "查封（扣押）决定书", "查封（扣押）现场笔录", "查封（扣押）财物清单", "解除查封（扣押）决定书", "催告书",
    "行政强制执行决定书", "加处罚款决定书", "受理通知书", "不予受理通知书", "补正材料通知书", "准予行政许可决定书",
    "不予行政许可决定书", "法制审核意见书", "结案报告", "抽查结果告知书",
]


def all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def by_name(name: str) -> Document:
    return next(d for d in DOCUMENTS.values() if d.name == name)


@pytest.mark.req("PUB-08")
def test_the_required_documents_are_built_in():
    names = {d.name for d in DOCUMENTS.values()}
    missing = [n for n in REQUIRED if n not in names]
    assert not missing
    assert len(names) == len(DOCUMENTS)


@pytest.mark.req("PUB-08")
@pytest.mark.parametrize("code", list(DOCUMENTS))
def test_every_blank_sample_opens_and_carries_its_title(code):
    document = DOCUMENTS[code]
    data = documents.render_docx(code)
    assert zipfile.is_zipfile(io.BytesIO(data))
    opened = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in opened.paragraphs]
    assert paragraphs[1] == document.name  # the title, under the agency header
    assert "〔" in paragraphs[2] and paragraphs[2].endswith("号")  # the document number line
    text = all_text(opened)
    assert "{{" not in text and "}}" not in text
    if documents.placeholders_of(document):
        assert BLANK in text
    if document.seal:
        assert any(p.endswith("（印章）") for p in paragraphs) and paragraphs[-1].strip() == "年　　月　　日"
    assert opened.core_properties.title == document.name


@pytest.mark.req("REC-02")
def test_chinese_fonts_are_set_for_east_asian_text():
    data = documents.render_docx("CFJDS")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="宋体"' in body  # title
    assert 'w:eastAsia="仿宋"' in body  # text
    assert 'w:eastAsia="黑体"' in body  # headings
    assert 'w:eastAsia="仿宋"' in styles  # the Normal style
    assert "<w:u " in body  # blanks are underlined


def test_placeholders_are_underlined_blanks_and_filled_values_replace_them():
    opened = docx.Document(io.BytesIO(documents.render_docx("SXGZS")))
    blank_runs = [r for p in opened.paragraphs for r in p.runs if r.text == BLANK]
    assert blank_runs and all(r.font.underline for r in blank_runs)
    filled = docx.Document(io.BytesIO(documents.render_docx(
        "SXGZS", {"party.name": "云岫县某某食品店", "penalty.content": "罚款2000元"}, agency_name="云岫县市场监督管理局")))
    text = all_text(filled)
    assert filled.paragraphs[0].text == "云岫县市场监督管理局"
    assert "云岫县某某食品店：" in text and "罚款2000元" in text
    assert "云岫县市场监督管理局（印章）" in text


def test_markup_in_values_stays_text():
    data = documents.render_docx("SXGZS", {"party.name": "<w:p>&<script>"}, agency_name="<b>局</b>")
    opened = docx.Document(io.BytesIO(data))
    assert opened.paragraphs[0].text == "<b>局</b>"
    assert "<w:p>&<script>：" in all_text(opened)


@pytest.mark.req("PUB-17")
def test_penalty_decision_has_the_contents_of_article_59():
    text = all_text(docx.Document(io.BytesIO(documents.render_docx("CFJDS"))))
    for needle in ("当事人", "违法事实和证据", "处罚依据", "处罚决定", "履行方式和期限", "十五日内", "百分之三",
                   "行政复议", "行政诉讼", "陈述、申辩和听证情况", "裁量"):
        assert needle in text, needle
    assert "第五十九条" in DOCUMENTS["CFJDS"].basis


@pytest.mark.req("LAW-04")
def test_prior_notice_states_facts_basis_and_rights():
    text = all_text(docx.Document(io.BytesIO(documents.render_docx("SXGZS"))))
    for needle in ("经查明", "证据", "违反了", "依据", "拟对你（单位）作出如下行政处罚", "陈述、申辩", "五个工作日",
                   "不会因你（单位）陈述、申辩而给予更重的处罚"):
        assert needle in text, needle


@pytest.mark.req("LAW-09")
def test_seizure_decision_has_the_contents_of_article_24():
    text = all_text(docx.Document(io.BytesIO(documents.render_docx("CFKYJDS"))))
    for needle in ("当事人", "理由", "依据", "期限", "清单", "行政复议", "行政诉讼", "不超过三十日"):
        assert needle in text, needle
    inventory = docx.Document(io.BytesIO(documents.render_docx("CFKYQD")))
    assert inventory.tables[-1].rows[0].cells[1].text == "名称"
    assert len(inventory.tables[-1].rows) == 11  # header and ten blank rows
    assert "一式二份" in all_text(inventory)


def test_licensing_and_execution_documents():
    assert "一次告知" in all_text(docx.Document(io.BytesIO(documents.render_docx("BZCLTZS"))))
    assert "十个工作日内" in all_text(docx.Document(io.BytesIO(documents.render_docx("ZYXKJDS"))))
    demand = all_text(docx.Document(io.BytesIO(documents.render_docx("CGS"))))
    for needle in ("履行期限", "履行方式", "金额", "陈述和申辩"):  # 行政强制法第三十五条
        assert needle in demand
    review = all_text(docx.Document(io.BytesIO(documents.render_docx("FZSHYJ"))))
    for needle in ("执法主体是否合法", "裁量基准运用是否适当", "是否涉嫌犯罪需要移送司法机关"):  # REV-04
        assert needle in review


def test_preview_marks_every_placeholder_with_its_description():
    preview = documents.preview("TZTZS")
    names = dict(preview["placeholders"])
    assert names["hearing.host"] == "听证主持人"
    blanks = [part for section in preview["sections"] for line in section.lines for part in line if part.placeholder]
    assert blanks and all(part.text == BLANK and part.label for part in blanks)
    assert preview["number_line"] == "＿＿听通〔＿＿＿＿〕＿＿号"


def test_every_placeholder_is_in_the_vocabulary_and_every_document_is_well_formed():
    used = set()
    for document in DOCUMENTS.values():
        names = documents.placeholders_of(document)
        assert set(names) <= documents.PLACEHOLDERS.keys()
        used.update(names)
        assert document.act_kinds and document.basis and document.purpose
    assert used == set(documents.PLACEHOLDERS), set(documents.PLACEHOLDERS) - used


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"code": "bad code"}, "代码"),
    ({"act_kinds": ("nonsense",)}, "适用执法行为"),
    ({"sections": (Section("text", lines=("{{ party.unknown }}",)),)}, "未登记的填写项"),
    ({"sections": (Section("grid", columns=("序号",)),)}, "清单表格"),
    ({"sections": ()}, "没有正文"),
])
def test_inconsistent_document_definitions_are_refused(kwargs, message):
    fields = dict(code="TEST", name="测试文书", act_kinds=("penalty",), purpose="用途", basis="依据", number_mark="测",
                  sections=(Section("text", lines=("正文",)),))
    fields.update(kwargs)
    with pytest.raises(DocumentDefinitionError, match=message):
        Document(**fields)
