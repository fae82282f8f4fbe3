"""The tus 1.0.0 endpoints (core, creation, checksum, termination) and the multipart upload."""

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from sanxiang.records import ingest, storage
from sanxiang.records.models import Blob, EvidenceRecord, LogEntry, UploadSession

from .test_ingest import jpeg, mp4

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"


@pytest.fixture
def root(settings, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "local", "ROOT": tmp_path / "records"}
    ingest.clear_hash_cache()
    yield settings.RECORDS["ROOT"]
    ingest.clear_hash_cache()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def create(client, length: int, **metadata) -> str:
    metadata = {"title": "执法记录仪视频", "filename": "clip.mp4", **metadata}
    header = ",".join(f"{k} {b64(v)}" for k, v in metadata.items())
    response = client.post("/api/v1/records/uploads/", headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": header})
    assert response.status_code == 201, response.content.decode()
    assert response["Tus-Resumable"] == "1.0.0"
    return response["Location"]


def patch(client, location, offset, data, **headers):
    return client.generic("PATCH", location, data=data, content_type=OCTETS,
                          headers={**TUS, "Upload-Offset": str(offset), **headers})


def checksum(data: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.mark.req("REC-07")
def test_options_announces_the_protocol(cast, root):
    response = client_for(cast.officer_a).options("/api/v1/records/uploads/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "checksum", "termination"}
    assert response["Tus-Max-Size"] == str(8 * 1024**3)
    assert response["Tus-Checksum-Algorithm"] == "sha256"


@pytest.mark.req("REC-07")
def test_a_full_tus_upload_with_resume(cast, root):
    client = client_for(cast.officer_a)
    data = mp4(150_000)
    location = create(client, len(data), kind="video", officers=str(cast.officer_a.person.pk),
                      captured_from="2025-03-01T09:00:00+08:00", captured_to="2025-03-01T09:10:00+08:00")
    assert location.startswith("http://testserver/api/v1/records/uploads/")
    head = client.head(location, headers=TUS)
    assert head.status_code == 200
    assert (head["Upload-Offset"], head["Upload-Length"], head["Cache-Control"]) == ("0", str(len(data)), "no-store")

    first = patch(client, location, 0, data[:60_000], **{"Upload-Checksum": checksum(data[:60_000])})
    assert first.status_code == 204 and first["Upload-Offset"] == "60000"
    ingest.clear_hash_cache()  # the server restarts between chunks
    head = client.head(location, headers=TUS)
    assert head["Upload-Offset"] == "60000"
    last = patch(client, location, 60_000, data[60_000:])
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(data))
    record = EvidenceRecord.objects.get(pk=int(last["X-Evidence-Id"]))
    assert record.blob.sha256 == hashlib.sha256(data).hexdigest()
    assert record.blob.sm3 == hashlib.new("sm3", data).hexdigest()
    assert record.original_name == "clip.mp4" and record.kind == "video"
    assert list(record.officers.all()) == [cast.officer_a.person]
    head = client.head(location, headers=TUS)  # a client that lost the last answer learns the result
    assert head["Upload-Offset"] == str(len(data)) and head["X-Evidence-Id"] == str(record.pk)
    assert patch(client, location, len(data), b"").status_code == 410


@pytest.mark.req("REC-07")
def test_wrong_offset_is_409_and_wrong_checksum_460(cast, root):
    client = client_for(cast.officer_a)
    data = jpeg(20_000)
    location = create(client, len(data), filename="a.jpg", title="照片")
    assert patch(client, location, 0, data[:8000]).status_code == 204
    response = patch(client, location, 4000, data[4000:12000])
    assert response.status_code == 409 and "偏移量不符" in response.json()["detail"]
    response = patch(client, location, 8000, data[8000:12000], **{"Upload-Checksum": checksum(b"something else")})
    assert response.status_code == 460 and "校验值不符" in response.json()["detail"]
    response = patch(client, location, 8000, data[8000:12000], **{"Upload-Checksum": "crc32 AAAA"})
    assert response.status_code == 400
    assert client.head(location, headers=TUS)["Upload-Offset"] == "8000"
    assert os_size(location) == 8000
    assert patch(client, location, 8000, data[8000:]).status_code == 204
    assert EvidenceRecord.objects.get().blob.sha256 == hashlib.sha256(data).hexdigest()


def os_size(location: str) -> int:
    import os

    upload_id = location.rstrip("/").rsplit("/", 1)[1]
    return os.path.getsize(ingest.partial_path(upload_id))


@pytest.mark.req("REC-07")
def test_over_the_limit_is_413(cast, root, settings):
    settings.RECORDS = {**settings.RECORDS, "MAX_UPLOAD_BYTES": 10_000}
    client = client_for(cast.officer_a)
    response = client.post("/api/v1/records/uploads/", headers={**TUS, "Upload-Length": "10001",
                                                                "Upload-Metadata": f"title {b64('大文件')}"})
    assert response.status_code == 413 and "上限" in response.json()["detail"]
    location = create(client, 1000, filename="a.jpg")
    response = patch(client, location, 0, jpeg(2000))
    assert response.status_code == 413
    assert client.head(location, headers=TUS)["Upload-Offset"] == "0"
    response = client.post("/api/v1/records/evidence/", {"file": SimpleUploadedFile("a.jpg", jpeg(20_000)), "title": "照片"},
                           format="multipart")
    assert response.status_code == 413
    assert Blob.objects.count() == 0 and LogEntry.objects.count() == 0


@pytest.mark.req("REC-07")
def test_bad_requests_get_clear_errors(cast, root):
    client = client_for(cast.officer_a)
    url = "/api/v1/records/uploads/"
    assert client.post(url, headers={"Upload-Length": "10"}).status_code == 412
    assert client.post(url, headers={**TUS}).status_code == 400
    assert client.post(url, headers={**TUS, "Upload-Length": "-1"}).status_code == 400
    assert client.post(url, headers={**TUS, "Upload-Length": "10", "Upload-Defer-Length": "1"}).status_code == 400
    response = client.post(url, headers={**TUS, "Upload-Length": "10", "Upload-Metadata": "title !!!notbase64"})
    assert response.status_code == 400 and "Base64" in response.json()["detail"]
    traversal = f"filename {b64('../../etc/passwd')},title {b64('x')}"
    response = client.post(url, headers={**TUS, "Upload-Length": "10", "Upload-Metadata": traversal})
    assert response.status_code == 400 and "原文件名" in response.json()["original_name"][0]
    location = create(client, 100, filename="a.jpg")
    response = client.generic("PATCH", location, data=b"x", content_type="application/json",
                              headers={**TUS, "Upload-Offset": "0"})
    assert response.status_code == 415
    response = client.generic("PATCH", location, data=b"x", content_type=OCTETS, headers=TUS)
    assert response.status_code == 400
    assert client.head("/api/v1/records/uploads/0b0f3a4e-1c47-4f0e-9a55-2f8d2b0c1d11/", headers=TUS).status_code == 404
    assert client.head("/api/v1/records/uploads/nonsense/", headers=TUS).status_code == 404
    assert UploadSession.objects.count() == 1


@pytest.mark.req("REC-07")
def test_disallowed_content_is_415_and_nothing_kept(cast, root):
    client = client_for(cast.officer_a)
    location = create(client, 5000, filename="photo.jpg", title="照片")
    response = patch(client, location, 0, b"<?php system($_GET['c']); ?>" + b" " * 4971)
    assert response.status_code == 415 and "文件内容不是允许的类型" in response.json()["detail"]
    assert client.head(location, headers=TUS).status_code == 410
    response = client.post("/api/v1/records/evidence/",
                           {"file": SimpleUploadedFile("photo.jpg", b"MZ" + b"\x00" * 500), "title": "照片"}, format="multipart")
    assert response.status_code == 415
    assert Blob.objects.count() == 0 and LogEntry.objects.count() == 0
    assert list(storage.get_store().names()) == []


@pytest.mark.req("REC-09")
def test_case_of_another_agency_is_refused_over_the_api(cast, root):
    ingest.ingest_stream(cast.officer_b, [mp4()], {"title": "乙局视频", "case_ref": "B-9"})
    client = client_for(cast.officer_a)
    response = client.post("/api/v1/records/uploads/", headers={
        **TUS, "Upload-Length": "100", "Upload-Metadata": f"title {b64('x')},case_ref {b64('B-9')}"})
    assert response.status_code == 400 and "其他执法主体" in response.json()["case_ref"][0]
    response = client.post("/api/v1/records/evidence/",
                           {"file": SimpleUploadedFile("a.jpg", jpeg()), "title": "照片", "case_ref": "B-9"}, format="multipart")
    assert response.status_code == 400
    assert EvidenceRecord.objects.count() == 1


@pytest.mark.req("REC-09")
def test_only_the_creator_sees_or_continues_an_upload(cast, root):
    location = create(client_for(cast.officer_a), 5000, filename="a.jpg")
    other = client_for(cast.officer_a2)
    assert other.head(location, headers=TUS).status_code == 404
    assert patch(other, location, 0, jpeg(4970)).status_code == 404
    assert other.delete(location, headers=TUS).status_code == 404
    assert APIClient().head(location, headers=TUS).status_code in (401, 403)
    assert client_for(cast.officer_a).head(location, headers=TUS)["Upload-Offset"] == "0"


@pytest.mark.req("REC-07")
def test_termination(cast, root):
    client = client_for(cast.officer_a)
    data = jpeg(5000)
    location = create(client, len(data), filename="a.jpg")
    patch(client, location, 0, data[:2000])
    assert client.delete(location, headers=TUS).status_code == 204
    assert client.head(location, headers=TUS).status_code == 410
    assert patch(client, location, 2000, data[2000:]).status_code == 410
    assert EvidenceRecord.objects.count() == 0


@pytest.mark.req("REC-07")
def test_multipart_upload_of_a_small_file(cast, root):
    client = client_for(cast.officer_a)
    data = jpeg(30_000)
    response = client.post("/api/v1/records/evidence/", {
        "file": SimpleUploadedFile("现场.jpg", data), "title": "现场照片", "officers": [cast.officer_a.person.pk],
        "captured_from": "2025-03-01T09:00:00+08:00", "captured_to": "2025-03-01T08:00:00+08:00",
    }, format="multipart")
    assert response.status_code == 400 and "早于开始时间" in response.json()["captured_to"][0]
    response = client.post("/api/v1/records/evidence/", {
        "file": SimpleUploadedFile("现场.jpg", data), "title": "现场照片", "officers": [cast.officer_a.person.pk],
    }, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest() and body["sm3"] == hashlib.new("sm3", data).hexdigest()
    record = EvidenceRecord.objects.get(pk=body["id"])
    assert record.original_name == "现场.jpg" and record.log_entry_id == body["seq"]
    assert client.post("/api/v1/records/evidence/", {"title": "无文件"}, format="multipart").status_code == 400
