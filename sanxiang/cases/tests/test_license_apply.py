"""Online licence applications by the public (网上申请行政许可, SYS-06) through Django's test client."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanxiang.cases import applications
from sanxiang.cases.models import Case, CaseStatus, StepRecord
from sanxiang.cases.testing import org_party, person_party
from sanxiang.cases.tests.test_license import PDF
from sanxiang.catalog.models import ListKind
from sanxiang.catalog.tests.factories import item_content, license_item_content, make_library
from sanxiang.catalog.tests.test_draw_services import publish
from sanxiang.records.access_log import hash_code
from sanxiang.records.models import EvidenceRecord, LogEntry

pytestmark = pytest.mark.req("SYS-06")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
URL = "/gongshi/shenqing/"
TRACK = "/gongshi/shenqing/chaxun/"


@pytest.fixture
def items(cast):
    cache.clear()
    lib = make_library()
    licence = publish(cast, ListKind.ITEM, "XK-001", license_item_content(lib))
    penalty = publish(cast, ListKind.ITEM, "CF-001", item_content(lib))
    return licence, penalty


def counts():
    return Case.objects.count(), StepRecord.objects.count(), EvidenceRecord.objects.count(), LogEntry.objects.count()


def post(client, cast, files=None, **fields):
    party = org_party(name="样例县某某餐饮有限公司")
    data = {"agency": cast.agency_a.pk, "item": "XK-001", "party_type": party["party_type"], "name": party["name"],
            "id_type": "uscc", "id_number": party["id_number"], "legal_representative": "林法人",
            "address": party["address"], "phone": "13800000001", "request": "申请食品经营许可", "website": "",
            **fields}
    if files is None:
        files = [SimpleUploadedFile("申请书.pdf", PDF, "application/pdf"),
                 SimpleUploadedFile("场所照片.png", PNG, "image/png")]
    data["files"] = files
    return client.post(URL, data)


def test_the_agency_list_and_the_form_show_only_licensing_items(client, cast, items):
    page = client.get(URL)
    assert page.status_code == 200 and cast.agency_a.name in page.content.decode()
    assert cast.agency_b.name not in page.content.decode()
    form = client.get(URL, {"agency": cast.agency_a.pk}).content.decode()
    assert "XK-001" in form and "CF-001" not in form and "csrfmiddlewaretoken" in form
    assert client.get(URL, {"agency": cast.agency_b.pk}).status_code == 400


def test_a_valid_application_registers_a_case_with_its_materials_and_a_tracking_code(cast, items):
    client = Client(enforce_csrf_checks=True)
    page = client.get(URL, {"agency": cast.agency_a.pk})
    token = page.cookies["csrftoken"].value
    before = counts()
    refused = post(client, cast)  # no CSRF token
    assert refused.status_code == 403 and counts() == before
    response = post(client, cast, csrfmiddlewaretoken=token)
    assert response.status_code == 200, response.content.decode()[:2000]
    receipt = response.context["receipt"]
    case = Case.objects.get(pk=receipt.case.pk)
    assert case.flow_key == "license" and case.current_step == "apply" and case.source == "application"
    assert case.item is not None and case.item_code == case.item.code  # linked to the published licensing item
    assert case.department == cast.department_a1 and case.registered_by.username == "public-intake"
    assert not case.registered_by.is_active and not case.registered_by.has_usable_password()
    assert set(case.officer_links.values_list("person_id", flat=True)) == {cast.officer_a.person.pk,
                                                                           cast.officer_a2.person.pk}
    assert case.primary_party.name == "样例县某某餐饮有限公司"
    evidence = EvidenceRecord.objects.filter(case_ref=case.number).order_by("pk")
    assert evidence.count() == 2 and {e.agency_id for e in evidence} == {cast.agency_a.pk}
    assert {e.kind for e in evidence} == {"document", "scan"} and evidence[0].uploaded_by.username == "public-intake"
    registered = StepRecord.objects.get(case=case, action="register")
    assert registered.data["channel"] == "online" and registered.data["tracking_code_hash"] == hash_code(
        receipt.tracking_code)
    assert receipt.tracking_code not in str(registered.data)
    linked = StepRecord.objects.get(case=case, action="evidence")
    assert linked.data["evidence"] == [e.pk for e in evidence]
    html = response.content.decode()
    assert case.number in html and receipt.tracking_code in html

    # Tracking: the right code shows the progress; a wrong one shows nothing of the case.
    track = client.get(TRACK)
    token = track.cookies.get("csrftoken", page.cookies["csrftoken"]).value
    right = client.post(TRACK, {"number": case.number, "code": receipt.tracking_code.lower(),
                                "csrfmiddlewaretoken": token})
    assert right.status_code == 200 and "申请" in right.context["progress"].step_name
    assert "样例县某某餐饮有限公司" in right.content.decode()
    wrong = client.post(TRACK, {"number": case.number, "code": "AAAA-BBBB-CCCC", "csrfmiddlewaretoken": token})
    assert wrong.status_code == 400 and "progress" not in wrong.context
    assert applications.BAD_TRACKING in wrong.content.decode() and "餐饮" not in wrong.content.decode()

    # The staff accept the application; the applicant sees the new step.
    from sanxiang.cases.testing import move

    move(cast.officer_a, case, "accept", {"within_scope": True, "materials_complete": True})
    again = client.post(TRACK, {"number": case.number, "code": receipt.tracking_code, "csrfmiddlewaretoken": token})
    assert again.context["progress"].step_name == "受理" and again.context["progress"].case.status == CaseStatus.OPEN


@pytest.mark.parametrize("fields, files, key", [
    ({"id_number": "91350421MA2Y000000"}, None, "id_number"),  # wrong check character
    ({"name": "<script>x</script>"}, None, "name"),  # markup
    ({"party_type": "person", "id_type": "id_card", "id_number": "350421199001011234", "name": "陈某"}, None,
     "id_number"),
    ({"item": "CF-001"}, None, "item"),  # not a licensing item
    ({}, [SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")], "files"),  # wrong type
    ({}, [], "files"),  # no material
    ({"website": "http://spam"}, None, "website"),  # honeypot
])
def test_bad_input_shows_errors_and_stores_nothing(client, cast, items, fields, files, key):
    before = counts()
    response = post(client, cast, files=files, **fields)
    assert response.status_code == 400
    assert key in response.context["form"].errors, response.context["form"].errors
    assert "提交未成功" in response.content.decode()
    assert counts() == before


def test_an_oversized_file_is_refused_before_anything_is_stored(client, cast, items, monkeypatch):
    monkeypatch.setattr(applications, "MAX_FILE_BYTES", 100)
    before = counts()
    response = post(client, cast, files=[SimpleUploadedFile("big.pdf", PDF + b"0" * 200, "application/pdf")])
    assert response.status_code == 400 and "files" in response.context["form"].errors
    assert counts() == before


def test_a_failure_while_storing_rolls_back_the_case_and_the_records(client, cast, items, monkeypatch):
    from django.core.exceptions import ValidationError

    calls = []
    original = applications.ingest_stream

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError({"kind": "存储失败"})
        return original(*args, **kwargs)

    monkeypatch.setattr(applications, "ingest_stream", failing)
    before = counts()
    response = post(client, cast)
    assert response.status_code == 400 and counts() == before


def test_submissions_are_rate_limited(client, cast, items, settings):
    settings.SANXIANG = {**settings.SANXIANG, "LICENSE_APPLY_RATE": (1, 3600)}
    assert post(client, cast, files=[SimpleUploadedFile("a.pdf", PDF, "application/pdf")]).status_code == 200
    before = counts()
    response = post(client, cast, files=[SimpleUploadedFile("b.pdf", PDF, "application/pdf")])
    assert response.status_code == 429 and counts() == before


def test_a_person_can_apply_too(client, cast, items):
    party = person_party(name="陈申请")
    response = post(client, cast, party_type="person", id_type="id_card", id_number=party["id_number"], name="陈申请",
                    legal_representative="")
    assert response.status_code == 200
    assert response.context["receipt"].case.primary_party.party_type == "person"

