"""Document pages: the public verification page, staff lists, issuing, logged downloads, template versions."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanxiang.cases import documents
from sanxiang.cases.models import IssuedDocument, TemplateVersion
from sanxiang.cases.testing import move, person_party, register
from sanxiang.core.models import AuditEvent
from sanxiang.records.access_log import open_content
from sanxiang.records.models import AccessEvent, Blob, EvidenceRecord, LogEntry

PARTY = "陈当事"


def decided(cast):
    case = register(cast, flow="reward", parties=[person_party(PARTY)], title="举报奖励")
    return move(cast.leader, case, "decide", {"outcome": "grant", "decision_text": "给予举报人奖励", "basis": "某办法第三条",
                                              "amount": "100"})


def content(evidence) -> bytes:
    with open_content(evidence) as stream:
        return stream.read()


def make_docx(*paragraphs: str) -> bytes:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


@pytest.fixture
def issued(cast):
    case = decided(cast)
    return documents.issue_document(cast.leader, case, "XZJDS", {"decision.matter": "举报奖励"}, sealed=True)


# --- The public verification page -------------------------------------------------------------------------


@pytest.mark.req("REC-02")
def test_the_verification_page_shows_only_the_documents_public_facts(client, issued):
    response = client.get(reverse("document_verify:detail", args=[issued.verify_token]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("行政决定书", issued.number, "样例县市场监督管理局", issued.sha256, issued.pdf_sha256):
        assert shown in page
    party = issued.case.primary_party
    assert PARTY not in page and party.id_number not in page and party.phone not in page and party.address not in page
    assert issued.case.number not in page  # nothing that leads to the case either
    assert response["Cache-Control"] == "no-store"


@pytest.mark.req("REC-02")
def test_an_unknown_token_is_not_found(client, issued):
    assert client.get(reverse("document_verify:detail", args=["x" * 22])).status_code == 404
    assert client.post(reverse("document_verify:detail", args=["x" * 22]), {"sha256": issued.sha256}).status_code == 404


@pytest.mark.req("REC-02")
def test_an_uploaded_file_is_checked_by_its_digest_and_never_stored(client, issued):
    url = reverse("document_verify:detail", args=[issued.verify_token])
    stored = (EvidenceRecord.objects.count(), Blob.objects.count(), LogEntry.objects.count())
    pdf_bytes = content(issued.pdf)
    right = client.post(url, {"file": SimpleUploadedFile("决定书.pdf", pdf_bytes, "application/pdf")})
    assert right.status_code == 200 and "一致：该文件与本文书的 PDF 文件完全相同" in right.content.decode()
    docx = client.post(url, {"file": SimpleUploadedFile("决定书.docx", content(issued.docx))})
    assert "Word 文件完全相同" in docx.content.decode()
    wrong = client.post(url, {"file": SimpleUploadedFile("决定书.pdf", pdf_bytes + b"\n%tampered", "application/pdf")})
    page = wrong.content.decode()
    assert "不一致" in page and hashlib.sha256(pdf_bytes + b"\n%tampered").hexdigest() in page
    assert (EvidenceRecord.objects.count(), Blob.objects.count(), LogEntry.objects.count()) == stored


@pytest.mark.req("REC-02")
def test_a_pasted_digest_is_checked_too(client, issued):
    url = reverse("document_verify:detail", args=[issued.verify_token])
    assert "一致：" in client.post(url, {"sha256": issued.pdf_sha256.upper()}).content.decode()
    assert "不一致" in client.post(url, {"sha256": "0" * 64}).content.decode()
    assert "64位十六进制" in client.post(url, {"sha256": "not-a-digest"}).content.decode()
    assert "请上传文件或粘贴" in client.post(url, {}).content.decode()
    # With both, the uploaded file (here the last part of the form) is what is checked.
    both = client.post(url, {"sha256": "0" * 64, "file": SimpleUploadedFile("a.docx", content(issued.docx))})
    assert "Word 文件完全相同" in both.content.decode()


@pytest.mark.req("REC-02")
@pytest.mark.parametrize("limit", [1000, 150_000])  # refused by the declared length; refused while streaming
def test_the_verification_page_refuses_an_oversized_upload(client, issued, monkeypatch, limit):
    monkeypatch.setattr("sanxiang.cases.views_documents.VERIFY_MAX_BYTES", limit)
    url = reverse("document_verify:detail", args=[issued.verify_token])
    response = client.post(url, {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200_000)})
    page = response.content.decode()
    assert response.status_code == 200 and "文件超过" in page and "verify-result" not in page


# --- Staff: list, issue, download ----------------------------------------------------------------------------


@pytest.mark.req("REC-02")
def test_the_case_officers_see_the_documents_and_issue_with_the_missing_values(client, cast):
    case = decided(cast)
    client.force_login(cast.leader)
    listing = client.get(reverse("cases:document-list", args=[case.pk]))
    assert listing.status_code == 200 and "出具行政决定书" in listing.content.decode()
    form = client.get(reverse("cases:document-issue", args=[case.pk, "XZJDS"]))
    page = form.content.decode()
    assert form.status_code == 200 and "decision__facts" in page
    assert "party__name" not in page  # the case fills it: not asked
    response = client.post(reverse("cases:document-issue", args=[case.pk, "XZJDS"]),
                           {"decision__facts": "经审查，举报属实", "sealed": "on"})
    assert response.status_code == 302
    issued = IssuedDocument.objects.get(case=case)
    assert issued.values["decision.facts"] == "经审查，举报属实" and issued.sealed
    assert issued.number in client.get(reverse("cases:document-list", args=[case.pk])).content.decode()
    refused = client.post(reverse("cases:document-issue", args=[case.pk, "XZJDS"]), {"decision__facts": "<b>x</b>"})
    assert refused.status_code == 200 and IssuedDocument.objects.filter(case=case).count() == 1


@pytest.mark.req("REC-09")
def test_a_download_asks_the_purpose_and_is_logged(client, cast, issued):
    client.force_login(cast.officer_a)
    url = reverse("cases:document-download", args=[issued.pk, "pdf"])
    assert client.get(url).status_code == 200  # the purpose form
    missing = client.post(url, {"purpose": ""})
    assert missing.status_code == 200 and not AccessEvent.objects.exists()
    response = client.post(url, {"purpose": "制作案卷目录"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content(issued.pdf)
    event = AccessEvent.objects.get()
    assert event.evidence == issued.pdf and event.user == cast.officer_a and event.purpose == "制作案卷目录"
    assert event.action == "download" and LogEntry.objects.filter(seq=event.log_entry_id, kind="access").exists()


@pytest.mark.req("REC-09")
def test_another_agency_cannot_see_or_download_the_documents(client, cast, issued):
    client.force_login(cast.officer_b)
    assert client.get(reverse("cases:document-list", args=[issued.case_id])).status_code == 404
    assert client.get(reverse("cases:document-issue", args=[issued.case_id, "XZJDS"])).status_code == 404
    for fmt in ("docx", "pdf"):
        response = client.post(reverse("cases:document-download", args=[issued.pk, fmt]), {"purpose": "看看"})
        assert response.status_code == 404
    assert not AccessEvent.objects.exists()
    client.logout()
    assert client.get(reverse("cases:document-list", args=[issued.case_id])).status_code == 302  # to the login


# --- Templates ------------------------------------------------------------------------------------------------


@pytest.mark.req("REC-02")
@pytest.mark.parametrize("data, words", [
    (b"%PDF-1.7 not a template", "DOCX"),
    (b"PK\x03\x04 broken zip", "无法打开"),
    (make_docx("当事人：{{ party_name }"), "语法"),
    (make_docx("当事人：{{ party_nickname }}"), "party_nickname"),
])
def test_a_template_that_is_not_a_usable_docx_is_refused(client, cast, data, words):
    client.force_login(cast.admin_a)
    response = client.post(reverse("cases:template-upload"),
                           {"code": "XZJDS", "file": SimpleUploadedFile("模板.docx", data), "note": "试用"})
    assert response.status_code == 200 and words in response.content.decode()
    assert not TemplateVersion.objects.exists() and not EvidenceRecord.objects.exists()


@pytest.mark.req("REC-02")
def test_an_uploaded_template_is_a_record_and_is_used_for_the_next_document(client, cast):
    case = decided(cast)
    before = documents.issue_document(cast.leader, case, "XZJDS")
    assert "本机关自定义格式" not in docx_text(content(before.docx))
    client.force_login(cast.admin_a)
    template = make_docx("本机关自定义格式", "当事人：{{ party_name }}", "文号：{{ number }}", "决定内容：{{ decision_content }}",
                         "事实：{{ decision_facts }}")
    response = client.post(reverse("cases:template-upload"),
                           {"code": "XZJDS", "file": SimpleUploadedFile("决定书模板.docx", template), "note": "新版式"})
    assert response.status_code == 302
    version = TemplateVersion.objects.get()
    assert (version.code, version.agency, version.number, version.created_by) == ("XZJDS", cast.agency_a, 1, cast.admin_a)
    assert version.docx.blob_id == hashlib.sha256(template).hexdigest() and version.docx.kind == "document"
    assert LogEntry.objects.filter(seq=version.docx.log_entry_id, kind="evidence").exists()
    assert AuditEvent.objects.filter(action="cases.template.upload").exists()
    second = client.post(reverse("cases:template-upload"),
                         {"code": "XZJDS", "file": SimpleUploadedFile("v2.docx", template + b""), "note": "第二版"})
    assert second.status_code == 302 and TemplateVersion.objects.get(number=2).code == "XZJDS"
    listing = client.get(reverse("cases:template-list")).content.decode()
    assert "第1版" in listing and "第2版" in listing

    after = documents.issue_document(cast.leader, case, "XZJDS")
    assert after.template == TemplateVersion.objects.get(number=2)
    text = docx_text(content(after.docx))
    assert "本机关自定义格式" in text and f"当事人：{PARTY}" in text and f"文号：{after.number}" in text
    assert "决定内容：给予举报人奖励" in text and "事实：＿＿＿＿" in text  # unknown stays a blank
    with zipfile.ZipFile(io.BytesIO(content(after.docx))) as archive:
        assert any(n.startswith("word/media/") for n in archive.namelist())  # the QR code is added to templates too


@pytest.mark.req("REC-09")
def test_only_administrators_upload_templates_and_template_downloads_are_logged(client, cast):
    client.force_login(cast.officer_a)
    template = make_docx("{{ party_name }}")
    refused = client.post(reverse("cases:template-upload"), {"code": "XZJDS", "file": SimpleUploadedFile("t.docx", template)})
    assert refused.status_code == 403 and not TemplateVersion.objects.exists()
    client.force_login(cast.admin_a)
    client.post(reverse("cases:template-upload"), {"code": "XZJDS", "file": SimpleUploadedFile("t.docx", template)})
    version = TemplateVersion.objects.get()
    response = client.post(reverse("cases:template-download", args=[version.pk]), {"purpose": "修改模板"})
    assert response.status_code == 200 and b"".join(response.streaming_content) == template
    assert AccessEvent.objects.get().evidence == version.docx
    client.force_login(cast.officer_b)  # another agency's template does not exist for them
    assert client.post(reverse("cases:template-download", args=[version.pk]), {"purpose": "x"}).status_code == 404


@pytest.mark.req("REC-02")
def test_a_system_wide_template_serves_every_agency_unless_the_agency_has_its_own(cast):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="test-pass-123")
    system = make_docx("系统通用格式 {{ party_name }}")
    with pytest.raises(ValidationError) as refused:  # a superuser without an agency names where the record is kept
        documents.upload_template(root, "XZJDS", system)
    assert "holder" in refused.value.message_dict and not TemplateVersion.objects.exists()
    version = documents.upload_template(root, "XZJDS", system, holder=cast.justice_bureau)
    assert version.agency is None and version.docx.agency == cast.justice_bureau
    with pytest.raises(PermissionDenied):
        documents.upload_template(cast.admin_a, "XZJDS", system)  # an agency administrator: not system-wide
    case = decided(cast)
    assert documents.current_template(case.agency, "XZJDS") == version
    own = documents.upload_template(cast.admin_a, "XZJDS", make_docx("本局格式 {{ party_name }}"), agency=cast.agency_a)
    assert documents.current_template(case.agency, "XZJDS") == own
    assert documents.current_template(cast.agency_b, "XZJDS") == version
