"""Case documents (执法文书): values, issuing into the record store, numbers, QR, the PUB-17 decision check."""

import dataclasses
import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.cases import documents, steps
from sanxiang.cases.document_values import missing_placeholders, values_for
from sanxiang.cases.models import Case, IssuedDocument, NumberCounter, StepRecord
from sanxiang.cases.pdf import qr_png
from sanxiang.cases.testing import move, person_party, register
from sanxiang.core.errors import RuleViolation
from sanxiang.records.access_log import open_content
from sanxiang.records.models import EvidenceRecord, LogEntry

PARTY = "陈当事"


def decided(cast, flow="reward"):
    """A simple-decision case at its ``decide`` step (the step that produces 行政决定书 XZJDS)."""
    case = register(cast, flow=flow, parties=[person_party(PARTY)], title="举报奖励")
    return move(cast.leader, case, "decide", {"outcome": "grant", "decision_text": "给予举报人奖励", "basis": "某办法第三条",
                                              "amount": "100"})


def content(evidence) -> bytes:
    with open_content(evidence) as stream:
        return stream.read()


def snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.version, fresh.current_step, StepRecord.objects.filter(case=case).count(),
            IssuedDocument.objects.count(), EvidenceRecord.objects.count(),
            list(NumberCounter.objects.order_by("pk").values_list("series", "year", "last")))


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml"))


@pytest.mark.req("REC-02")
def test_issuing_stores_docx_and_pdf_as_evidence_records_with_log_entries(cast):
    case = decided(cast)
    issued = documents.issue_document(cast.leader, case, "XZJDS", {"decision.matter": "举报奖励"}, sealed=True)
    year = timezone.localdate().year
    assert issued.number == f"市场监督管理局决〔{year}〕1号"
    assert issued.title == "行政决定书" and issued.sealed and issued.issued_by == cast.leader
    for record, suffix in ((issued.docx, ".docx"), (issued.pdf, ".pdf")):
        record.refresh_from_db()
        assert record.kind == "document" and record.case_ref == case.number and record.step_ref == "decide"
        assert record.served_to_party and record.target_name == PARTY and record.agency_id == case.agency_id
        assert record.title == f"行政决定书 {issued.number}" and record.original_name.endswith(suffix)
        assert record.uploaded_by == cast.leader
        entry = LogEntry.objects.get(seq=record.log_entry_id)
        assert entry.kind == "evidence" and entry.case_ref == case.number
        assert hashlib.sha256(content(record)).hexdigest() == record.blob_id
    assert issued.sha256 == issued.docx.blob_id and issued.pdf_sha256 == issued.pdf.blob_id
    assert content(issued.pdf).startswith(b"%PDF")
    assert len(issued.verify_token) >= 20
    # The values come from the case and the officer's input; nothing else is invented.
    assert issued.values["party.name"] == PARTY
    assert issued.values["decision.matter"] == "举报奖励"
    assert issued.values["decision.content"] == "给予举报人奖励"
    assert issued.values["decision.basis"] == "某办法第三条"
    assert "decision.facts" not in issued.values and "decision.performance" not in issued.values
    text = docx_text(content(issued.docx))
    assert PARTY in text and issued.number in text and "给予举报人奖励" in text


@pytest.mark.req("REC-02")
def test_the_docx_carries_the_qr_code_of_the_verification_address(cast, settings):
    settings.SANXIANG = {**settings.SANXIANG, "PUBLIC_BASE_URL": "https://gongshi.example.gov.cn/"}
    case = decided(cast)
    issued = documents.issue_document(cast.leader, case, "XZJDS", sealed=True)
    url = f"https://gongshi.example.gov.cn/gongshi/wenshu/yanzheng/{issued.verify_token}/"
    assert documents.verify_url(issued.verify_token) == url
    data = content(issued.docx)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        images = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
        footers = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer"))
    assert qr_png(url, scale=6) in images  # the QR code of exactly this address
    assert url in footers


@pytest.mark.req("REC-02")
def test_numbers_are_gap_free_per_document_and_year(cast, monkeypatch):
    case = decided(cast)
    year = timezone.localdate().year
    first = documents.issue_document(cast.leader, case, "XZJDS")
    second = documents.issue_document(cast.leader, case, "XZJDS")
    assert first.number.endswith(f"〔{year}〕1号") and second.number.endswith(f"〔{year}〕2号")

    # A failure after the number was taken (here: the PDF) rolls the number back with everything else.
    before = snapshot(case)

    def broken(*args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr("sanxiang.cases.pdf.render_pdf", broken)
    with pytest.raises(RuntimeError):
        documents.issue_document(cast.leader, case, "XZJDS")
    assert snapshot(case) == before
    monkeypatch.undo()
    third = documents.issue_document(cast.leader, case, "XZJDS")
    assert third.number.endswith(f"〔{year}〕3号")

    # A new year starts at 1; other documents have their own series.
    next_year = timezone.now() + datetime.timedelta(days=366)
    assert documents.issue_document(cast.leader, case, "XZJDS", issued_at=next_year).number.endswith(f"〔{year + 1}〕1号")


@pytest.mark.req("REC-02")
def test_forms_signed_by_people_have_no_number(cast):
    case = register(cast, parties=[person_party(PARTY)])  # penalty flow, at 案源登记 (AJLY)
    issued = documents.issue_document(cast.officer_a, case, "AJLY", {"case.clue": "群众举报销售过期食品"})
    assert issued.number == ""
    assert not issued.pdf.served_to_party and not issued.sealed
    assert not NumberCounter.objects.filter(series="doc:AJLY").exists()


@pytest.mark.req("REC-02")
def test_values_come_from_the_case_its_officers_steps_and_the_input_and_unknown_stay_blank(cast):
    case = decided(cast)
    values = values_for(case, "XWBL", {"party.relation": "举报人"})
    assert values["party.name"] == PARTY and values["party.id_number"] == case.primary_party.id_number
    assert values["officers.names"] == "张执法、李执法"
    assert values["officers.cert_numbers"] == "CERT-officer_a、CERT-officer_a2"
    assert values["agency.name"] == "样例县市场监督管理局" and values["case.cause"] == "举报奖励"
    assert values["party.relation"] == "举报人"
    assert "record.content" not in values and "party.occupation" not in values  # nobody said: blank
    assert ("record.content", "记录内容") in missing_placeholders(case, "XWBL")
    assert ("party.name", "当事人姓名或者名称") not in missing_placeholders(case, "XWBL")
    # The step forms' names fill the placeholders they mean (PUB-17 keys of the decision step).
    case.penalty_kinds, case.fine_amount = ["warning", "fine"], "5000.00"
    decision = values_for(case, "CFJDS", {"discretion_reasoning": "首次违法，从轻", "payment_manner": "银行转账",
                                           "legal_basis": "《食品安全法》第一百二十四条"})
    assert decision["penalty.discretion"] == "首次违法，从轻" and decision["payment.method"] == "银行转账"
    assert decision["law.penalty_basis"] == "《食品安全法》第一百二十四条"
    assert decision["penalty.content"] == "警告；罚款人民币5,000元"


@pytest.mark.req("REC-02")
def test_step_documents_are_issued_by_the_engine_with_the_step_record(cast, monkeypatch):
    spec = steps.spec_for("reward", "decide")
    monkeypatch.setitem(steps.SPECS, ("reward", "decide"), dataclasses.replace(spec, documents=("XZJDS",)))
    case = decided(cast)
    issued = IssuedDocument.objects.get(case=case)
    record = StepRecord.objects.get(case=case, step="decide")
    assert issued.step_record == record and issued.code == "XZJDS" and issued.issued_at == record.occurred_at
    assert issued.values["decision.content"] == "给予举报人奖励"
    assert issued.docx.step_ref == "decide"


@pytest.mark.req("REC-02")
def test_a_step_without_documents_costs_nothing(cast, django_assert_num_queries):
    decided(cast)
    spec = steps.spec_for("reward", "register")
    with django_assert_num_queries(0):
        assert documents.prepare_step_documents(None, spec) == []


@pytest.mark.req("REC-02")
def test_a_document_not_produced_at_the_current_step_or_by_a_stranger_is_refused(cast):
    case = decided(cast)
    before = snapshot(case)
    with pytest.raises(ValidationError) as refused:
        documents.issue_document(cast.leader, case, "SDHZ")  # 送达回证 belongs to the deliver step
    assert "code" in refused.value.message_dict
    with pytest.raises(ValidationError):
        documents.issue_document(cast.leader, case, "CFKYJDS", check_step=False)  # a coercion document
    with pytest.raises(ValidationError):
        documents.issue_document(cast.leader, case, "NOPE")
    with pytest.raises(PermissionDenied):
        documents.issue_document(cast.officer_b, case, "XZJDS")
    with pytest.raises(ValidationError) as markup:
        documents.issue_document(cast.leader, case, "XZJDS", {"decision.matter": "<script>alert(1)</script>"})
    assert "decision.matter" in markup.value.message_dict
    assert snapshot(case) == before


@pytest.mark.req("REC-01")
def test_a_correction_is_a_new_document_and_the_old_one_stays(cast):
    case = decided(cast)
    old = documents.issue_document(cast.leader, case, "XZJDS", {"decision.matter": "举报奖励"})
    new = documents.issue_document(cast.leader, case, "XZJDS", {"decision.matter": "举报奖励（更正）"}, corrects=old)
    assert new.corrects == old and new.pk != old.pk and new.number != old.number
    old.refresh_from_db()
    assert old.values["decision.matter"] == "举报奖励" and old.corrects is None
    assert new.docx.title.endswith("（更正）")
    with pytest.raises(ValidationError):
        documents.issue_document(cast.leader, case, "SDHZ", corrects=old)


# --- PUB-17: the decision document check ---------------------------------------------------------------

COMPLETE = {
    "evidence_reasoning": "现场检查笔录、询问笔录及抽检报告相互印证，予以采信。",
    "basis_reasoning": "当事人销售超过保质期的食品，适用《食品安全法》第一百二十四条。",
    "discretion_reasoning": "当事人首次违法且积极配合调查，依裁量基准从轻处罚。",
    "legal_basis": "《中华人民共和国食品安全法》第一百二十四条第一款",
    "penalty_kinds": ["fine"],
    "fine_amount": "5000.00",
    "payment_manner": "通过银行转账或电子支付系统缴纳至指定账户",
    "payment_deadline_days": 15,
    "remedies": ("如不服本决定，可以自收到本决定书之日起六十日内申请行政复议，"
                 "也可以自收到本决定书之日起六个月内依法提起行政诉讼。"),
    "sealed": True,
}


@pytest.mark.req("PUB-17")
def test_a_complete_decision_passes_the_document_check():
    assert documents.check_decision_document(COMPLETE) == []
    arabic = {**COMPLETE, "remedies": "可在60日内申请行政复议，或在6个月内提起行政诉讼。"}
    assert documents.check_decision_document(arabic) == []
    # A warning alone needs no payment manner or deadline.
    warning = {**COMPLETE, "penalty_kinds": ["warning"], "fine_amount": None, "payment_manner": "",
               "payment_deadline_days": None}
    assert documents.check_decision_document(warning) == []


@pytest.mark.req("PUB-17")
@pytest.mark.parametrize("change, words", [
    ({"evidence_reasoning": ""}, "证据采信"),
    ({"basis_reasoning": "  "}, "依据适用"),
    ({"discretion_reasoning": None}, "裁量理由"),
    ({"legal_basis": ""}, "法律依据"),
    ({"payment_manner": ""}, "缴纳方式"),
    ({"payment_deadline_days": None}, "缴纳期限"),
    ({"payment_deadline_days": 0}, "缴纳期限"),
    ({"penalty_kinds": ["confiscate_gains"], "fine_amount": None, "payment_manner": ""}, "缴纳方式"),
    ({"remedies": "可以在六个月内提起行政诉讼。"}, "行政复议"),
    ({"remedies": "可以申请行政复议，也可以提起行政诉讼。"}, "六十日"),
    ({"remedies": "可以在六十日内申请行政复议。"}, "行政诉讼"),
    ({"remedies": "可以在六十日内申请行政复议，也可以提起行政诉讼。"}, "六个月"),
    ({"remedies": ""}, "行政复议"),
    ({"sealed": False}, "印章"),
    ({"sealed": "true"}, "印章"),
])
def test_the_document_check_refuses_each_missing_part(change, words):
    problems = documents.check_decision_document({**COMPLETE, **change})
    assert problems and any(words in p for p in problems), problems


@pytest.mark.req("PUB-17")
def test_issuing_a_decision_that_fails_the_check_is_refused_and_changes_nothing(cast):
    case = register(cast, parties=[person_party(PARTY)])
    before = snapshot(case)
    incomplete = {k: v for k, v in COMPLETE.items() if k not in ("discretion_reasoning", "sealed")}
    with pytest.raises(RuleViolation) as refused:
        documents.issue_document(cast.leader, case, "CFJDS", incomplete, sealed=False, check_step=False)
    assert refused.value.rule == "PUB-17"
    assert "裁量理由" in str(refused.value) and "印章" in str(refused.value)
    assert snapshot(case) == before
    issued = documents.issue_document(cast.leader, case, "CFJDS", {k: v for k, v in COMPLETE.items() if k != "sealed"},
                                      sealed=True, check_step=False)
    assert issued.number.endswith("1号") and "罚决" in issued.number
    assert issued.values["penalty.discretion"] == COMPLETE["discretion_reasoning"]
    assert issued.values["facts.evidence"] == COMPLETE["evidence_reasoning"]
    assert issued.values["penalty.content"] == "罚款人民币5,000元"
