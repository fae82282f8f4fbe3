"""Staff pages of evidence: upload (without JavaScript), list scoped to the user, detail with digests."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanxiang.records import ingest
from sanxiang.records.models import Blob, EvidenceRecord, LogEntry

from .test_ingest import jpeg, mp4


@pytest.fixture
def root(settings, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "local", "ROOT": tmp_path / "records"}
    ingest.clear_hash_cache()
    return settings.RECORDS["ROOT"]


@pytest.mark.req("REC-07")
def test_upload_page_offers_the_chunked_uploader(client, cast, root):
    client.force_login(cast.officer_a)
    response = client.get(reverse("records:evidence-upload"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "js/records-upload.js" in page and 'data-tus-endpoint="/api/v1/records/uploads/"' in page
    assert cast.officer_a.person.name in page  # officers of the own agency to choose from
    assert cast.officer_b.person.name not in page


@pytest.mark.req("REC-07")
def test_upload_without_javascript_stores_and_shows_the_record(client, cast, root):
    client.force_login(cast.officer_a)
    data = jpeg(40_000)
    response = client.post(reverse("records:evidence-upload"), {
        "file": SimpleUploadedFile("现场.jpg", data), "title": "现场照片", "officers": [cast.officer_a.person.pk],
        "captured_from": "2025-03-01T09:00", "captured_to": "2025-03-01T09:02",
    })
    record = EvidenceRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("records:evidence-detail", args=[record.pk])
    page = client.get(response["Location"]).content.decode()
    assert hashlib.sha256(data).hexdigest() in page and hashlib.new("sm3", data).hexdigest() in page
    assert f"#{record.log_entry_id}" in page and "现场.jpg" in page


@pytest.mark.req("REC-07")
def test_upload_errors_come_back_on_the_form_and_store_nothing(client, cast, root):
    client.force_login(cast.officer_a)
    response = client.post(reverse("records:evidence-upload"), {
        "file": SimpleUploadedFile("photo.jpg", b"MZ" + b"\x00" * 300), "title": "伪装的照片",
    })
    assert response.status_code == 200 and "文件内容不是允许的类型" in response.content.decode()
    response = client.post(reverse("records:evidence-upload"), {
        "file": SimpleUploadedFile("a.jpg", jpeg()), "title": "照片",
        "captured_from": "2025-03-01T09:00", "captured_to": "2025-03-01T08:00",
    })
    assert "早于开始时间" in response.content.decode()
    response = client.post(reverse("records:evidence-upload"), {"title": "没有文件"})
    assert "请选择要上传的文件" in response.content.decode()
    assert Blob.objects.count() == 0 and LogEntry.objects.count() == 0


@pytest.mark.req("REC-09")
def test_list_and_detail_are_scoped(client, cast, root):
    mine = ingest.ingest_stream(cast.officer_a, [jpeg()], {"title": "甲局照片"})
    theirs = ingest.ingest_stream(cast.officer_b, [mp4()], {"title": "乙局视频"})
    client.force_login(cast.officer_a)
    page = client.get(reverse("records:evidence-list")).content.decode()
    assert "甲局照片" in page and "乙局视频" not in page
    assert client.get(reverse("records:evidence-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("records:evidence-detail", args=[theirs.pk])).status_code in (403, 404)
    client.force_login(cast.supervisor)  # the justice bureau supervises both agencies
    page = client.get(reverse("records:evidence-list") + "?kind=video").content.decode()
    assert "乙局视频" in page and "甲局照片" not in page
    client.logout()
    assert client.get(reverse("records:evidence-list")).status_code == 302
