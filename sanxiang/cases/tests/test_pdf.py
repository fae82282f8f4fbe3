"""The PDF of a document (WeasyPrint): A4, a CJK font embedded, the Chinese text there, the QR code inline."""

import re

import pytest

from sanxiang.cases import pdf

VALUES = {"party.name": "陈当事", "decision.matter": "举报奖励", "decision.content": "给予举报人奖励人民币壹佰元"}
URL = "https://gongshi.example.gov.cn/gongshi/wenshu/yanzheng/abc/"


@pytest.fixture(scope="module")
def rendered():
    return pdf.render_pdf("XZJDS", VALUES, agency_name="样例县市场监督管理局", number="市场监督管理局决〔2026〕1号",
                          verify_url=URL, sealed=True)


@pytest.mark.req("REC-02")
def test_the_pdf_is_a4_with_a_cjk_font_embedded(rendered):
    assert rendered.startswith(b"%PDF-")
    assert len(rendered) > 10_000  # a font subset is embedded, not just referenced
    fonts = pdf.pdf_fonts(rendered)
    assert any("CJK" in name for name in fonts), fonts  # WeasyPrint found Noto Sans/Serif CJK SC
    sizes = pdf.pdf_page_sizes(rendered)
    assert sizes and all(abs(w - 595.28) < 1 and abs(h - 841.89) < 1 for w, h in sizes)


@pytest.mark.req("REC-02")
def test_the_pdf_contains_the_chinese_text_of_the_document(rendered):
    chars = pdf.pdf_text_chars(rendered)
    for text in ("行政决定书", "陈当事", "样例县市场监督管理局", "给予举报人奖励人民币壹佰元", "本文书已加盖印章", "核验"):
        assert set(text) <= chars, set(text) - chars
    assert not set("骉鱻") & chars  # the check can fail: characters that are not in the document are not there


@pytest.mark.req("REC-02")
def test_the_html_is_self_contained_with_the_qr_code_and_the_seal_notice():
    html = pdf.document_html("XZJDS", VALUES, agency_name="样例县市场监督管理局", number="决〔2026〕1号",
                             verify_url=URL, sealed=True)
    assert 'src="data:image/png;base64,' in html
    assert URL in html and "决〔2026〕1号" in html and "本文书已加盖样例县市场监督管理局印章" in html
    assert not re.search(r'(src|href)="(?!data:)', html)  # nothing to fetch
    unsealed = pdf.document_html("XZJDS", {}, agency_name="", number="")
    assert "已加盖" not in unsealed and "＿＿决〔＿＿＿＿〕＿＿号" in unsealed and "＿＿＿＿" in unsealed


@pytest.mark.req("REC-02")
def test_a_document_cannot_make_weasyprint_fetch_anything(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("秘密")
    values = {"decision.matter": f"file://{secret}"}  # text only: it is escaped, never a link or an image
    html = pdf.document_html("XZJDS", values, agency_name="甲", number="")
    assert f"file://{secret}" in html and f'src="file://{secret}"' not in html
