"""Ingestion services: streamed hashing, content-addressed storing, resumable uploads, and every bad input."""

import base64
import datetime
import hashlib
import os
import random
import stat

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sanxiang.core.errors import Conflict
from sanxiang.core.fakeids import make_uscc
from sanxiang.core.models import AuditEvent
from sanxiang.org.services import SystemActor
from sanxiang.records import ingest, log, sniff, storage
from sanxiang.records.models import Blob, Device, EvidenceRecord, LogEntry, Room, UploadSession


@pytest.fixture
def root(settings, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "local", "ROOT": tmp_path / "records"}
    ingest.clear_hash_cache()
    yield settings.RECORDS["ROOT"]
    ingest.clear_hash_cache()


def jpeg(size: int = 5000, seed: int = 1) -> bytes:
    body = random.Random(seed).randbytes(size)
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + body + b"\xff\xd9"


def mp4(size: int = 5000, seed: int = 2) -> bytes:
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + random.Random(seed).randbytes(size)


def chunks(data: bytes, size: int = 1000):
    return [data[i:i + size] for i in range(0, len(data), size)]


def state(root):
    """Everything ingestion may leave behind: rows and files."""
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return {
        "blobs": Blob.objects.count(), "evidence": EvidenceRecord.objects.count(), "log": LogEntry.objects.count(),
        "files": files,
    }


def assert_nothing_stored(root, before):
    after = state(root)
    assert after["blobs"] == before["blobs"]
    assert after["evidence"] == before["evidence"]
    assert after["log"] == before["log"]
    assert after["files"] == before["files"]


def meta(cast, **extra):
    return {"title": "现场检查照片", "original_name": "IMG_0001.JPG", "officers": [cast.officer_a.person.pk], **extra}


# --- ingest_stream --------------------------------------------------------------------------------


@pytest.mark.req("REC-07")
def test_it_stores_a_stream_with_correct_digests_read_only(cast, root):
    data = jpeg(200_000)
    device = Device.objects.create(agency=cast.agency_a, kind=Device.Kind.CAMERA, serial="CAM-A-1")
    room = Room.objects.create(agency=cast.agency_a, name="询问室一", kind=Room.Kind.INQUIRY)
    record = ingest.ingest_stream(cast.officer_a, chunks(data, 7777), meta(
        cast, case_ref="A-2025-001", device=device.pk, room=room.pk, place="样例县某商店",
        captured_from="2025-03-01T09:00:00+08:00", captured_to="2025-03-01T09:05:00+08:00",
        target_type="organisation", target_id=make_uscc(random.Random(5), "350421"), target_name="某商店",
        officers=[cast.officer_a.person.pk, cast.officer_a2.person.pk], vendor_integrity_id="VND-123",
    ))
    blob = record.blob
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.sm3 == hashlib.new("sm3", data).hexdigest()
    assert (blob.size, blob.media_type, record.kind) == (len(data), "image/jpeg", "photo")
    path = root / storage.name_for(blob.sha256)
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert blob.storage_name == storage.name_for(blob.sha256)
    assert set(record.officers.all()) == {cast.officer_a.person, cast.officer_a2.person}
    assert (record.device, record.room, record.uploaded_by) == (device, room, cast.officer_a)
    assert record.captured_to - record.captured_from == datetime.timedelta(minutes=5)
    document = log.decode(record.log_entry)
    assert document["kind"] == "evidence" and document["case_ref"] == "A-2025-001"
    assert document["target_id"] == record.target_id
    payload = document["payload"]
    assert (payload["sha256"], payload["sm3"], payload["size"]) == (blob.sha256, blob.sm3, len(data))
    assert payload["media_type"] == "image/jpeg"
    assert payload["metadata"]["title"] == "现场检查照片" and payload["metadata"]["vendor_integrity_id"] == "VND-123"
    assert AuditEvent.objects.filter(action="records.evidence.ingest", object_id=str(record.pk)).count() == 1
    assert [p for p in storage.staging_dir().iterdir()] == []  # no temporary file left


@pytest.mark.req("REC-07")
def test_identical_bytes_are_stored_once(cast, root):
    data = jpeg()
    first = ingest.ingest_stream(cast.officer_a, [data], meta(cast))
    second = ingest.ingest_stream(cast.officer_a2, chunks(data, 10), meta(cast, title="同一照片再次上传"))
    assert first.blob_id == second.blob_id
    assert Blob.objects.count() == 1 and EvidenceRecord.objects.count() == 2
    assert len(list(storage.get_store().names())) == 1
    assert first.log_entry.seq != second.log_entry.seq


@pytest.mark.req("REC-07")
def test_the_command_line_records_for_a_named_account(cast, root):
    record = ingest.ingest_stream(SystemActor("system:demo"), [mp4()], {"title": "执法记录仪视频"},
                                  uploaded_by=cast.officer_b)
    assert record.agency == cast.agency_b and record.kind == "video" and record.uploaded_by == cast.officer_b
    with pytest.raises(ValueError):
        ingest.ingest_stream(SystemActor(), [mp4()], {"title": "无人认领"})


@pytest.mark.req("REC-07")
def test_a_file_whose_content_is_not_allowed_is_refused_whatever_its_name(cast, root):
    before = state(root)
    with pytest.raises(sniff.DisallowedType, match="文件内容不是允许的类型"):
        ingest.ingest_stream(cast.officer_a, [b"MZ\x90\x00" + b"\x00" * 5000], meta(cast, original_name="photo.jpg"))
    assert_nothing_stored(root, before)
    assert list(storage.staging_dir().iterdir()) == []


@pytest.mark.req("REC-07")
def test_an_upload_over_the_limit_is_refused(cast, root, settings):
    settings.RECORDS = {**settings.RECORDS, "MAX_UPLOAD_BYTES": 4096}
    before = state(root)
    with pytest.raises(ingest.UploadTooLarge, match="上传大小上限"):
        ingest.ingest_stream(cast.officer_a, chunks(jpeg(8000)), meta(cast))
    with pytest.raises(ingest.UploadTooLarge):
        ingest.open_upload(cast.officer_a, None, 4097, meta(cast))
    assert_nothing_stored(root, before)
    assert UploadSession.objects.count() == 0


@pytest.mark.req("REC-09")
def test_an_upload_to_a_case_of_another_agency_is_refused(cast, root):
    ingest.ingest_stream(cast.officer_b, [mp4()], {"title": "乙局案件视频", "case_ref": "B-2025-007"})
    before = state(root)
    with pytest.raises(ValidationError) as caught:
        ingest.ingest_stream(cast.officer_a, [jpeg()], meta(cast, case_ref="B-2025-007"))
    assert "属于其他执法主体" in caught.value.message_dict["case_ref"][0]
    with pytest.raises(ValidationError):
        ingest.open_upload(cast.officer_a, None, 5000, meta(cast, case_ref="B-2025-007"))
    assert_nothing_stored(root, before)
    # the owning agency may add to its own case
    ingest.ingest_stream(cast.officer_b, [jpeg(seed=9)], {"title": "乙局补充照片", "case_ref": "B-2025-007"})


@pytest.mark.req("REC-07")
@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\boot.ini", "/etc/shadow", "a/b.jpg", "..",
                                  "photo\x00.jpg", "photo\n.jpg", "C:evil.jpg", "\u202egpj.exe"])
def test_a_path_traversal_or_control_file_name_is_refused(cast, root, name):
    before = state(root)
    with pytest.raises(ValidationError) as caught:
        ingest.ingest_stream(cast.officer_a, [jpeg()], meta(cast, original_name=name))
    assert "原文件名" in caught.value.message_dict["original_name"][0]
    with pytest.raises(ValidationError):
        ingest.open_upload(cast.officer_a, None, 5000, meta(cast, original_name=name))
    assert_nothing_stored(root, before)
    assert UploadSession.objects.count() == 0


@pytest.mark.req("REC-05")
def test_capture_end_before_capture_start_is_refused(cast, root):
    before = state(root)
    with pytest.raises(ValidationError) as caught:
        ingest.ingest_stream(cast.officer_a, [mp4()], meta(
            cast, captured_from="2025-03-01T10:00:00+08:00", captured_to="2025-03-01T09:59:59+08:00",
        ))
    assert "早于开始时间" in caught.value.message_dict["captured_to"][0]
    assert_nothing_stored(root, before)


@pytest.mark.req("REC-04")
def test_metadata_must_belong_to_the_uploaders_agency(cast, root):
    device_b = Device.objects.create(agency=cast.agency_b, kind=Device.Kind.BODY_CAMERA, serial="BC-B-1")
    room_b = Room.objects.create(agency=cast.agency_b, name="乙局询问室", kind=Room.Kind.INQUIRY)
    before = state(root)
    cases = [
        ({"officers": [cast.officer_b.person.pk]}, "officers", "本执法主体"),
        ({"officers": "x,y"}, "officers", "编号无效"),
        ({"device": device_b.pk}, "device", "本执法主体"),
        ({"room": room_b.pk}, "room", "本执法主体"),
        ({"agency": cast.agency_b.pk}, "agency", "本人所在"),
        ({"title": ""}, "title", "请填写名称"),
        ({"title": "<script>alert(1)</script>"}, "title", "标记字符"),
        ({"kind": "hologram"}, "kind", "类型无效"),
        ({"target_type": "person", "target_id": "350421199001011234"}, "target_id", "校验码"),
        ({"target_type": "alien", "target_id": "350421199001011234"}, "target_type", "执法对象类型"),
        ({"captured_from": "yesterday"}, "captured_from", "日期时间"),
    ]
    for extra, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            ingest.ingest_stream(cast.officer_a, [jpeg()], meta(cast, **extra))
        assert words in caught.value.message_dict[field][0], (extra, caught.value.message_dict)
    assert_nothing_stored(root, before)


@pytest.mark.req("REC-07")
def test_declared_kind_must_agree_with_the_content(cast, root):
    before = state(root)
    with pytest.raises(ValidationError) as caught:
        ingest.ingest_stream(cast.officer_a, [jpeg()], meta(cast, kind="video"))
    assert "与文件内容" in caught.value.message_dict["kind"][0]
    assert_nothing_stored(root, before)


@pytest.mark.req("REC-09")
def test_only_staff_of_an_agency_upload(cast, root):
    with pytest.raises(PermissionDenied):
        ingest.ingest_stream(cast.anonymous, [jpeg()], {"title": "匿名"})
    with pytest.raises(PermissionDenied):
        ingest.open_upload(cast.anonymous, None, 10, {"title": "匿名"})


# --- resumable uploads ----------------------------------------------------------------------------


def checksum(data: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.mark.req("REC-07")
def test_a_resumed_upload_survives_a_restart(cast, root):
    data = mp4(300_000)
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast, kind="video", original_name="v.mp4"))
    offset = 0
    for i, piece in enumerate(chunks(data, 65_536)):
        if i % 2:
            ingest.clear_hash_cache()  # a restart, or the next chunk reaching another worker process
        offset = ingest.write_chunk(cast.officer_a, session.pk, offset, chunks(piece, 4096), checksum=checksum(piece))
    assert offset == len(data)
    ingest.clear_hash_cache()
    record = ingest.finish_upload(cast.officer_a, session.pk)
    assert record.blob.sha256 == hashlib.sha256(data).hexdigest()
    assert record.blob.sm3 == hashlib.new("sm3", data).hexdigest()
    assert (root / record.blob.storage_name).read_bytes() == data
    session.refresh_from_db()
    assert session.status == UploadSession.Status.COMPLETE and session.evidence == record
    assert not storage.session_dir(session.pk).exists()
    with pytest.raises(ingest.UploadGone):
        ingest.write_chunk(cast.officer_a, session.pk, offset, [b"more"])


@pytest.mark.req("REC-07")
def test_a_chunk_at_the_wrong_offset_is_refused(cast, root):
    data = jpeg(10_000)
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast))
    ingest.write_chunk(cast.officer_a, session.pk, 0, [data[:4000]])
    before = state(root)
    for wrong in (0, 3999, 4001, 8000):
        with pytest.raises(Conflict, match="偏移量不符"):
            ingest.write_chunk(cast.officer_a, session.pk, wrong, [data[wrong:wrong + 1000]])
    session.refresh_from_db()
    assert session.offset == 4000
    assert os.path.getsize(ingest.partial_path(session.pk)) == 4000
    assert state(root) == before
    ingest.write_chunk(cast.officer_a, session.pk, 4000, [data[4000:]])
    assert ingest.finish_upload(cast.officer_a, session.pk).blob.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.req("REC-07")
def test_a_chunk_with_a_wrong_checksum_is_discarded(cast, root):
    data = jpeg(10_000)
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast))
    ingest.write_chunk(cast.officer_a, session.pk, 0, [data[:5000]], checksum=checksum(data[:5000]))
    before = state(root)
    corrupted = data[5000:7000] + b"\x00" + data[7001:]
    with pytest.raises(ingest.ChecksumMismatch, match="校验值不符"):
        ingest.write_chunk(cast.officer_a, session.pk, 5000, [corrupted], checksum=checksum(data[5000:]))
    session.refresh_from_db()
    assert session.offset == 5000
    assert os.path.getsize(ingest.partial_path(session.pk)) == 5000
    assert state(root) == before
    bad_headers = ("md5 " + base64.b64encode(b"x" * 16).decode(), "sha256 not-base64!",
                   "sha256 " + base64.b64encode(b"short").decode())
    for bad in bad_headers:
        with pytest.raises(ValidationError):
            ingest.write_chunk(cast.officer_a, session.pk, 5000, [data[5000:]], checksum=bad)
    # the same chunk, sent again intact, completes the upload with the right digests
    ingest.write_chunk(cast.officer_a, session.pk, 5000, [data[5000:]], checksum=checksum(data[5000:]))
    record = ingest.finish_upload(cast.officer_a, session.pk)
    assert record.blob.sha256 == hashlib.sha256(data).hexdigest()
    assert record.blob.sm3 == hashlib.new("sm3", data).hexdigest()


@pytest.mark.req("REC-07")
def test_a_chunk_beyond_the_declared_length_is_refused(cast, root):
    data = jpeg(1000)
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast))
    with pytest.raises(ingest.UploadTooLarge, match="声明的长度"):
        ingest.write_chunk(cast.officer_a, session.pk, 0, [data, b"extra"])
    session.refresh_from_db()
    assert session.offset == 0
    assert os.path.getsize(ingest.partial_path(session.pk)) == 0


@pytest.mark.req("REC-07")
def test_a_dropped_connection_keeps_what_arrived(cast, root):
    data = jpeg(20_000)
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast))

    def dropped():
        yield data[:3000]
        yield data[3000:6000]
        raise OSError("connection reset by peer")

    with pytest.raises(OSError):
        ingest.write_chunk(cast.officer_a, session.pk, 0, dropped())
    session.refresh_from_db()
    assert session.offset == 0  # an interrupted iterator is rolled back to the chunk's start
    assert ingest.write_chunk(cast.officer_a, session.pk, 0, iter([data[:6000]])) == 6000  # short read: kept
    ingest.clear_hash_cache()
    assert ingest.write_chunk(cast.officer_a, session.pk, 6000, [data[6000:]]) == len(data)
    assert ingest.finish_upload(cast.officer_a, session.pk).blob.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.req("REC-07")
def test_content_that_is_not_allowed_ends_the_upload_at_its_first_chunk(cast, root):
    session = ingest.open_upload(cast.officer_a, None, 100_000, meta(cast, original_name="photo.jpg"))
    before = state(root)
    with pytest.raises(sniff.DisallowedType):
        ingest.write_chunk(cast.officer_a, session.pk, 0, [b"\x7fELF" + b"\x00" * 9996])
    session.refresh_from_db()
    assert session.status == UploadSession.Status.ABORTED
    assert not storage.session_dir(session.pk).exists()
    after = state(root)
    assert after["blobs"] == before["blobs"] and after["evidence"] == before["evidence"] and after["log"] == before["log"]


@pytest.mark.req("REC-07")
def test_a_zip_that_is_not_a_docx_is_refused_at_the_end_and_nothing_kept(cast, root):
    from .test_sniff import zip_bytes

    data = zip_bytes()
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast, original_name="合同.docx"))
    before = state(root)
    ingest.write_chunk(cast.officer_a, session.pk, 0, [data])
    with pytest.raises(sniff.DisallowedType):
        ingest.finish_upload(cast.officer_a, session.pk)
    session.refresh_from_db()
    assert session.status == UploadSession.Status.ABORTED
    assert not storage.session_dir(session.pk).exists()
    after = state(root)
    assert (after["blobs"], after["evidence"], after["log"]) == (before["blobs"], before["evidence"], before["log"])
    assert not any(f.startswith("sha256/") for f in after["files"])


@pytest.mark.req("REC-07")
def test_a_docx_is_accepted(cast, root):
    from .test_sniff import docx_bytes

    data = docx_bytes()
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast, kind="document", original_name="笔录.docx"))
    ingest.write_chunk(cast.officer_a, session.pk, 0, [data])
    record = ingest.finish_upload(cast.officer_a, session.pk)
    assert record.blob.media_type == sniff.DOCX and record.original_name == "笔录.docx"


@pytest.mark.req("REC-09")
def test_only_the_creator_continues_an_upload(cast, root):
    data = jpeg(2000)
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast))
    for other in (cast.officer_a2, cast.officer_b, cast.leader):
        with pytest.raises(ingest.UploadNotFound):
            ingest.write_chunk(other, session.pk, 0, [data])
        with pytest.raises(ingest.UploadNotFound):
            ingest.finish_upload(other, session.pk)
        with pytest.raises(ingest.UploadNotFound):
            ingest.abort_upload(other, session.pk)
    with pytest.raises(ingest.UploadNotFound):
        ingest.get_session(cast.officer_a, "not-a-uuid")
    session.refresh_from_db()
    assert session.offset == 0 and session.status == UploadSession.Status.OPEN


@pytest.mark.req("REC-07")
def test_finishing_early_and_aborting(cast, root):
    data = jpeg(2000)
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast))
    ingest.write_chunk(cast.officer_a, session.pk, 0, [data[:1000]])
    with pytest.raises(ValidationError, match="尚未完成"):
        ingest.finish_upload(cast.officer_a, session.pk)
    ingest.abort_upload(cast.officer_a, session.pk)
    session.refresh_from_db()
    assert session.status == UploadSession.Status.ABORTED
    assert not storage.session_dir(session.pk).exists()
    with pytest.raises(ingest.UploadGone):
        ingest.write_chunk(cast.officer_a, session.pk, 1000, [data[1000:]])
    assert EvidenceRecord.objects.count() == 0


@pytest.mark.req("REC-07")
def test_a_resumable_upload_refuses_kind_mismatch_at_the_end(cast, root):
    data = jpeg(3000)
    session = ingest.open_upload(cast.officer_a, None, len(data), meta(cast, kind="audio"))
    ingest.write_chunk(cast.officer_a, session.pk, 0, [data])
    with pytest.raises(ValidationError):
        ingest.finish_upload(cast.officer_a, session.pk)
    assert EvidenceRecord.objects.count() == 0 and Blob.objects.count() == 0
    assert list(storage.get_store().names()) == []
