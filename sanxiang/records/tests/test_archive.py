"""Case-file archives (REC-08): the bag, its strict validation, sealing, rights, CLI, pages and API."""

import csv
import hashlib
import io
import json
import os
import random
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.core.fakeids import make_uscc
from sanxiang.records import archive, demo, log
from sanxiang.records.ingest import ingest_stream
from sanxiang.records.models import CaseArchive, Checkpoint, LogEntry, LogHead

CASE = "样市监罚〔2026〕12号"


@pytest.fixture(autouse=True)
def records_settings(settings, tmp_path):
    settings.RECORDS = {
        **settings.RECORDS, "ROOT": tmp_path / "records", "CHECKPOINT_KEY_FILE": tmp_path / "keys" / "cp.key",
        "LOG_ORIGIN": "test.example/records", "CHECKPOINT_KEY_NAME": "test.example/records",
        "CHECKPOINT_ALGORITHM": "ed25519",
    }
    return settings.RECORDS


def add_evidence(user, content: bytes, title: str, *, case_ref=CASE, kind="", **extra):
    metadata = {"title": title, "case_ref": case_ref, "kind": kind, **extra}
    return ingest_stream(user, [content[:1000], content[1000:]], metadata)


def case_event(agency, title: str, case_ref=CASE):
    with transaction.atomic():
        return log.append("case_event", {"title": title, "step": "立案"}, agency=agency, case_ref=case_ref)


@pytest.fixture
def case(cast):
    rng = random.Random(7)
    party = make_uscc(rng, "350421", authority="9")
    target = {"target_type": "organisation", "target_id": party, "target_name": "样例县某某食品有限公司"}
    photo = add_evidence(cast.officer_a, demo.make_png(rng), "现场检查照片", place="样例县城关镇", **target,
                         officers=[cast.officer_a.person.pk, cast.officer_a2.person.pk])
    case_event(cast.agency_a, "立案审批表")
    audio = add_evidence(cast.officer_a, demo.make_wav(rng, seconds=1), "询问录音", **target)
    video = add_evidence(cast.officer_a, demo.make_avi(rng, seconds=1), "现场执法视频", **target)
    add_evidence(cast.officer_a, demo.make_png(rng), "其他案件照片", case_ref="样市监罚〔2026〕99号")
    return {"records": [photo, audio, video], "party": party}


def build(cast, user=None):
    return archive.build_archive(user or cast.leader, CASE)


def flip_bit(path: Path, offset: int = 200) -> None:
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[min(offset, len(data) - 1)] ^= 0x01
    path.write_bytes(bytes(data))


def editable(bag: Path) -> Path:
    for p in bag.rglob("*"):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return bag


def rewrite_manifests(bag: Path) -> None:
    """What a forger would do: recompute every manifest and tag manifest after changing the payload."""
    payload = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    for alg in ("sha256", "sm3"):
        lines = "".join(f"{hashlib.new(alg, p.read_bytes()).hexdigest()}  {p.relative_to(bag).as_posix()}\n"
                        for p in payload)
        (bag / f"manifest-{alg}.txt").write_text(lines, encoding="utf-8")
    size = sum(p.stat().st_size for p in payload)
    info = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    info = [f"Payload-Oxum: {size}.{len(payload)}" if x.startswith("Payload-Oxum") else x for x in info]
    (bag / "bag-info.txt").write_text("\n".join(info) + "\n", encoding="utf-8")
    tags = sorted(p for p in bag.rglob("*") if p.is_file() and not p.relative_to(bag).as_posix().startswith(
        ("data/", "tagmanifest-")))
    for alg in ("sha256", "sm3"):
        lines = "".join(f"{hashlib.new(alg, p.read_bytes()).hexdigest()}  {p.relative_to(bag).as_posix()}\n"
                        for p in tags)
        (bag / f"tagmanifest-{alg}.txt").write_text(lines, encoding="utf-8")


# --------------------------------------------------------------------------- building


@pytest.mark.req("REC-08")
def test_it_archives_a_case_as_a_complete_valid_bag(cast, case):
    row = build(cast)
    bag = archive.bag_path(row)
    assert bag.parent == archive.archives_root() and bag.name.startswith("样市监罚〔2026〕12号-")
    assert bag.is_dir() and row.case_ref == CASE and row.agency == cast.agency_a and row.archived_by == cast.leader
    entry = LogEntry.objects.get(seq=row.log_entry_id)
    assert entry.kind == "archive" and entry.case_ref == CASE
    payload = log.decode(entry)["payload"]
    assert payload["bag_sha256"] == row.bag_sha256 == hashlib.sha256((bag / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    assert row.checkpoint.tree_size == entry.seq  # the checkpoint covers every item, made just before sealing

    names = {p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file()}
    for required in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sm3.txt", "tagmanifest-sha256.txt",
                     "tagmanifest-sm3.txt", "sanxiang/cover.txt", "sanxiang/contents.csv", "sanxiang/evidence-list.csv",
                     "sanxiang/checkpoint.txt", "sanxiang/inclusion-proofs.json"):
        assert required in names
    files = sorted(n for n in names if n.startswith("data/files/"))
    assert [f.rsplit(".", 1)[1] for f in files] == ["png", "wav", "avi"]
    assert files[0].startswith("data/files/001-") and files[1].startswith("data/files/003-")
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    assert f"External-Identifier: {CASE}" in info and f"Source-Organization: {cast.agency_a.name}" in info
    assert "Bagging-Date: " in info and "Payload-Oxum: " in info
    assert (bag / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

    cover = (bag / "sanxiang/cover.txt").read_text(encoding="utf-8")
    assert CASE in cover and cast.agency_a.name in cover and case["party"] in cover and "卷内件数：4 件" in cover
    rows = list(csv.reader(io.StringIO((bag / "sanxiang/contents.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["序号", "题名", "类型"] and [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert [r[1] for r in rows[1:]] == ["现场检查照片", "立案审批表", "询问录音", "现场执法视频"]
    evidence_rows = list(csv.reader(io.StringIO((bag / "sanxiang/evidence-list.csv").read_text(encoding="utf-8-sig"))))
    assert len(evidence_rows) == 4 and "张执法" in evidence_rows[1][4] and "李执法" in evidence_rows[1][4]
    assert "其他案件照片" not in (bag / "sanxiang/contents.csv").read_text(encoding="utf-8-sig")

    report = archive.validate_bag(bag)
    assert report.ok, report.problems
    assert report.items_proved == 4 and report.payload_files == 7 and report.case_ref == CASE
    assert any("包摘要与归档时记录的一致" in n for n in report.notes)


@pytest.mark.req("REC-08")
def test_it_stores_each_file_byte_for_byte_and_each_entry_as_its_leaf(cast, case):
    bag = archive.bag_path(build(cast))
    proofs = json.loads((bag / "sanxiang/inclusion-proofs.json").read_text(encoding="utf-8"))
    by_file = {i["file"]: i for i in proofs["items"] if i["file"]}
    for record in case["records"]:
        item = next(i for i in by_file.values() if i["seq"] == record.log_entry_id)
        data = (bag / item["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record.blob.sha256
        assert hashlib.new("sm3", data).hexdigest() == record.blob.sm3
        entry = (bag / item["entry"]).read_bytes()
        assert entry == bytes(LogEntry.objects.get(seq=record.log_entry_id).canonical)


@pytest.mark.req("REC-08")
def test_the_bagit_library_reads_the_bag_with_both_algorithms(cast, case, monkeypatch):
    import bagit

    bag = archive.bag_path(build(cast))
    monkeypatch.setattr(bagit, "CHECKSUM_ALGOS", set(bagit.CHECKSUM_ALGOS) | {"sm3"})
    reader = bagit.Bag(str(bag))
    assert set(reader.algorithms) == {"sha256", "sm3"}
    reader.validate()  # raises BagValidationError when anything is wrong
    assert reader.info["External-Identifier"] == CASE


@pytest.mark.req("REC-08")
def test_an_archived_case_accepts_only_access_entries(cast, case):
    build(cast)
    with pytest.raises(RuleViolation, match="REC-08"), transaction.atomic():
        log.append("case_event", {"title": "补充材料"}, agency=cast.agency_a, case_ref=CASE)
    with pytest.raises(RuleViolation, match="REC-08"):
        add_evidence(cast.officer_a, demo.make_png(random.Random(3)), "补拍照片")
    with transaction.atomic():
        entry = log.append("access", {"action": "view"}, agency=cast.agency_a, case_ref=CASE)
    assert entry.kind == "access"
    case_event(cast.agency_a, "另一案件的立案", case_ref="样市监罚〔2026〕13号")  # other cases are unaffected


@pytest.mark.req("REC-08")
@pytest.mark.parametrize("who", ["admin_a", "supervisor"])
def test_administrators_and_supervisors_may_archive(cast, case, who):
    row = build(cast, getattr(cast, who))
    assert row.archived_by == getattr(cast, who)


@pytest.mark.req("REC-08")
@pytest.mark.parametrize("who", ["officer_a", "officer_b", "reviewer"])
def test_others_may_not_archive_and_nothing_is_stored(cast, case, who):
    size = LogHead.objects.get(pk=1).size
    with pytest.raises(PermissionDenied):
        build(cast, getattr(cast, who))
    assert not CaseArchive.objects.exists() and not Checkpoint.objects.exists()
    assert LogHead.objects.get(pk=1).size == size
    assert not archive.archives_root().exists() or not any(archive.archives_root().iterdir())


@pytest.mark.req("REC-08")
def test_a_case_is_archived_once(cast, case):
    first = build(cast)
    with pytest.raises(Conflict, match="已于"):
        build(cast)
    assert CaseArchive.objects.count() == 1
    assert [p.name for p in archive.archives_root().iterdir()] == [first.bag_name]


@pytest.mark.req("REC-08")
@pytest.mark.parametrize("case_ref, message", [("", "请填写案件编号"), ("无此案", "没有任何记录"), ("x" * 65, "最多 64")])
def test_bad_case_numbers_are_refused(cast, case, case_ref, message):
    with pytest.raises(ValidationError, match=message):
        archive.build_archive(cast.leader, case_ref)
    assert not CaseArchive.objects.exists()


@pytest.mark.req("REC-06")
def test_an_altered_stored_file_is_not_archived(cast, case):
    from sanxiang.records.storage import get_store

    store = get_store()
    path = store.path(case["records"][1].blob.storage_name)
    flip_bit(path, 100)
    size = LogHead.objects.get(pk=1).size
    with pytest.raises(ValidationError, match="已被改动"):
        build(cast)
    assert not CaseArchive.objects.exists() and LogHead.objects.get(pk=1).size == size + 0
    assert not any(p for p in archive.archives_root().iterdir())


# --------------------------------------------------------------------------- validating: every tampering


@pytest.fixture
def bag(cast, case):
    return editable(archive.bag_path(build(cast)))


def problems(path, **kwargs):
    report = archive.validate_bag(path, **kwargs)
    assert not report.ok
    return "\n".join(report.problems)


@pytest.mark.req("REC-08")
def test_one_flipped_bit_in_a_payload_file_is_found_by_both_digests(bag):
    video = next((bag / "data/files").glob("*.avi"))
    oxum_before = (bag / "bag-info.txt").read_text(encoding="utf-8")
    flip_bit(video, 5000)
    found = problems(bag)
    assert f"文件已改动：{video.relative_to(bag).as_posix()} 的 SHA256" in found
    assert "SM3 摘要与 manifest-sm3.txt 不符" in found
    assert "Payload-Oxum" not in found  # same size: only re-hashing finds it
    assert (bag / "bag-info.txt").read_text(encoding="utf-8") == oxum_before


@pytest.mark.req("REC-08")
def test_a_changed_tag_file_is_found(bag):
    cover = bag / "sanxiang/cover.txt"
    cover.write_text(cover.read_text(encoding="utf-8").replace("卷内件数", "卷内件數"), encoding="utf-8")
    assert "文件已改动：sanxiang/cover.txt 的 SHA256 摘要与 tagmanifest-sha256.txt 不符" in problems(bag)


@pytest.mark.req("REC-08")
def test_missing_and_extra_files_are_reported(bag):
    photo = next((bag / "data/files").glob("*.png"))
    photo.unlink()
    (bag / "data/files/999-extra.txt").write_text("x")
    (bag / "sanxiang/note.txt").write_text("x")
    found = problems(bag)
    assert f"文件缺失：{photo.relative_to(bag).as_posix()}" in found
    assert "多余的文件：data/files/999-extra.txt" in found and "多余的文件：sanxiang/note.txt" in found
    assert "Payload-Oxum" in found


@pytest.mark.req("REC-08")
def test_a_bag_without_its_sm3_manifests_is_incomplete(bag):
    (bag / "manifest-sm3.txt").unlink()
    (bag / "tagmanifest-sm3.txt").unlink()
    found = problems(bag)
    assert "缺少 SM3 数据清单 manifest-sm3.txt" in found and "缺少 SM3 标签清单 tagmanifest-sm3.txt" in found


@pytest.mark.req("REC-08")
def test_unsafe_manifest_paths_are_refused(bag):
    with open(bag / "manifest-sha256.txt", "a", encoding="utf-8") as handle:
        handle.write(f"{'0' * 64}  data/../../etc/passwd\n")
    assert "不安全" in problems(bag)


@pytest.mark.req("REC-08")
def test_a_forged_checkpoint_signature_is_found(bag):
    path = bag / "sanxiang/checkpoint.txt"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[1] = str(int(lines[1]) + 1)  # claim a larger tree
    path.write_text("\n".join(lines), encoding="utf-8")
    rewrite_manifests(bag)
    assert "签名检查点无法验证" in problems(bag, check_database=False)


@pytest.mark.req("REC-08")
def test_a_checkpoint_of_another_key_is_not_trusted(bag):
    from sanxiang.records import checkpoint as notes

    _, public = notes.generate_ed25519_key()
    other = notes.verifier_key("test.example/records", public)
    assert "签名检查点无法验证" in problems(bag, trusted_key=other)


@pytest.mark.req("REC-08")
def test_an_altered_entry_fails_its_inclusion_proof_even_with_rewritten_manifests(bag):
    proofs = json.loads((bag / "sanxiang/inclusion-proofs.json").read_text(encoding="utf-8"))
    entry = bag / proofs["items"][1]["entry"]
    entry.write_bytes(entry.read_bytes().replace("立案审批表".encode(), "立案审批单".encode()))
    rewrite_manifests(bag)
    found = problems(bag, check_database=False)
    assert "第 2 件" in found and "包含证明不成立" in found


@pytest.mark.req("REC-08")
def test_a_replaced_file_is_found_against_its_log_entry_even_with_rewritten_manifests(bag):
    photo = next((bag / "data/files").glob("*.png"))
    photo.write_bytes(demo.make_png(random.Random(99)))
    rewrite_manifests(bag)
    found = problems(bag, check_database=False)
    assert "第 1 件" in found and "SHA-256 与日志条目记录的不符" in found


@pytest.mark.req("REC-08")
def test_a_tampered_proof_hash_is_found(bag):
    path = bag / "sanxiang/inclusion-proofs.json"
    proofs = json.loads(path.read_text(encoding="utf-8"))
    first = proofs["items"][0]["proof"][0]
    proofs["items"][0]["proof"][0] = ("1" if first[0] != "1" else "2") + first[1:]
    path.write_text(json.dumps(proofs), encoding="utf-8")
    rewrite_manifests(bag)
    assert "第 1 件" in problems(bag, check_database=False)


@pytest.mark.req("REC-08")
def test_a_rebuilt_bag_with_an_item_left_out_does_not_match_the_archive_record(bag):
    path = bag / "sanxiang/inclusion-proofs.json"
    proofs = json.loads(path.read_text(encoding="utf-8"))
    dropped = proofs["items"].pop()
    (bag / dropped["entry"]).unlink()
    (bag / dropped["file"]).unlink()
    path.write_text(json.dumps(proofs), encoding="utf-8")
    contents = bag / "sanxiang/contents.csv"
    contents.write_text("\n".join(contents.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")
    rewrite_manifests(bag)
    assert archive.validate_bag(bag, check_database=False).ok  # internally consistent …
    assert "包摘要不符" in problems(bag)  # … but not the bag this system sealed


@pytest.mark.req("REC-08")
def test_a_zipped_bag_validates_and_a_flipped_bit_inside_it_is_found(bag, tmp_path):
    target = tmp_path / "bag.zip"
    archive.write_zip(bag, target)
    assert archive.validate_bag(target).ok
    with zipfile.ZipFile(target) as source, zipfile.ZipFile(tmp_path / "bad.zip", "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".wav"):
                data = data[:300] + bytes([data[300] ^ 0x80]) + data[301:]
            out.writestr(info, data)
    assert "文件已改动" in problems(tmp_path / "bad.zip")


@pytest.mark.req("REC-08")
def test_a_zip_with_unsafe_paths_is_not_extracted(tmp_path, db):
    target = tmp_path / "evil.zip"
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("../evil.txt", "x")
    assert "不安全" in problems(target)
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.req("REC-08")
def test_not_a_bag(tmp_path, db):
    assert "既不是归档包目录" in problems(tmp_path / "nothing")
    assert "缺少包声明文件 bagit.txt" in problems(tmp_path)


# --------------------------------------------------------------------------- command line


@pytest.mark.req("REC-08")
def test_the_command_builds_exports_and_verifies(cast, case, tmp_path, capsys):
    call_command("archive", "build", CASE, "--actor", "leader", "--output", str(tmp_path / "out"))
    out = capsys.readouterr().out
    row = CaseArchive.objects.get()
    assert "已归档" in out and row.bag_sha256 in out
    zipped = tmp_path / "out" / f"{row.bag_name}.zip"
    assert zipped.is_file()
    call_command("archive", "verify", str(archive.bag_path(row)))
    assert "归档包完好" in capsys.readouterr().out
    call_command("archive", "verify", str(zipped))
    assert "SHA-256 和 SM3" in capsys.readouterr().out

    bag = editable(archive.bag_path(row))
    flip_bit(next((bag / "data/files").glob("*.wav")), 400)
    with pytest.raises(CommandError, match="归档包校验未通过") as failure:
        call_command("archive", "verify", str(bag))
    assert failure.value.returncode == 1
    assert "文件已改动" in capsys.readouterr().err


@pytest.mark.req("REC-08")
def test_the_command_refuses_clearly(cast, case):
    with pytest.raises(CommandError, match="只有本机关的领导") as refused:
        call_command("archive", "build", CASE, "--actor", "officer_a")
    assert refused.value.returncode == 1
    with pytest.raises(CommandError, match="不存在或已停用"):
        call_command("archive", "build", CASE, "--actor", "nobody")
    assert not CaseArchive.objects.exists()


# --------------------------------------------------------------------------- pages and API


@pytest.mark.req("REC-08")
def test_a_leader_archives_from_the_page_and_downloads_with_a_purpose(cast, case, client, tmp_path):
    from sanxiang.records.models import AccessEvent

    client.force_login(cast.leader)
    page = client.get("/records/archives/")
    assert page.status_code == 200 and "归档" in page.content.decode()
    response = client.post("/records/archives/", {"case_ref": CASE})
    assert response.status_code == 302
    row = CaseArchive.objects.get()
    listing = client.get("/records/archives/").content.decode()
    assert row.bag_name in listing and "已归档" in listing

    refused = client.post(f"/records/archives/{row.pk}/download/", {"purpose": ""})
    assert refused.status_code == 200 and "请填写调阅事由" in refused.content.decode()
    assert not AccessEvent.objects.exists()
    response = client.post(f"/records/archives/{row.pk}/download/", {"purpose": "案卷评查"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    target = tmp_path / "download.zip"
    target.write_bytes(b"".join(response.streaming_content))
    assert archive.validate_bag(target).ok
    assert AccessEvent.objects.filter(user=cast.leader, action="download").count() == 3
    assert LogEntry.objects.filter(case_ref=CASE, kind="access").count() == 3  # access entries pass the seal


@pytest.mark.req("REC-08")
def test_the_page_shows_refusals_in_chinese_and_stores_nothing(cast, case, client):
    client.force_login(cast.leader)
    response = client.post("/records/archives/", {"case_ref": "无此案"})
    assert response.status_code == 200 and "没有任何记录" in response.content.decode()
    client.force_login(cast.officer_a)
    response = client.post("/records/archives/", {"case_ref": CASE})
    assert response.status_code == 200 and "只有本机关的领导" in response.content.decode()
    assert not CaseArchive.objects.exists()


@pytest.mark.req("REC-09")
def test_others_cannot_see_or_download_a_bag(cast, case, client):
    row = build(cast)
    client.force_login(cast.officer_b)
    assert client.get(f"/records/archives/{row.pk}/download/").status_code == 404
    assert row.bag_name not in client.get("/records/archives/").content.decode()
    client.force_login(cast.admin_a)  # may archive, may not view the evidence itself
    assert client.post(f"/records/archives/{row.pk}/download/", {"purpose": "查看"}).status_code == 403
    client.force_login(cast.supervisor)
    assert client.post(f"/records/archives/{row.pk}/download/", {"purpose": "执法监督"}).status_code == 200


@pytest.mark.req("REC-08")
def test_the_api_archives_lists_and_downloads(cast, case):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(cast.officer_a)
    response = api.post("/api/v1/records/archives/", {"case_ref": CASE}, format="json")
    assert response.status_code == 403 and "只有本机关的领导" in response.json()["detail"]
    api.force_authenticate(cast.leader)
    assert api.post("/api/v1/records/archives/", {"case_ref": ["x"]}, format="json").status_code == 400
    response = api.post("/api/v1/records/archives/", {"case_ref": CASE}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case_ref"] == CASE and len(body["bag_sha256"]) == 64
    assert api.post("/api/v1/records/archives/", {"case_ref": CASE}, format="json").status_code == 409
    assert [r["case_ref"] for r in api.get("/api/v1/records/archives/").json()] == [CASE]
    assert api.get(f"/api/v1/records/archives/{body['id']}/").json()["bag_name"] == body["bag_name"]
    assert api.post(f"/api/v1/records/archives/{body['id']}/download/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/records/archives/{body['id']}/download/", {"purpose": "复核"}, format="json")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    api.force_authenticate(cast.officer_b)
    assert api.get(f"/api/v1/records/archives/{body['id']}/").status_code == 404
    assert api.get("/api/v1/records/archives/").json() == []
