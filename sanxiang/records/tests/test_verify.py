"""``sanxiang verify``: a clean store verifies; every way of tampering is found and named (REC-06, REC-07).

Each tampering test does what someone with database or file access could do behind the
application's back: drop the append-only trigger, change the row with raw SQL, put the trigger
back — and expects a non-zero exit status and a message that names what broke.
"""

import base64
import contextlib
import datetime
import hashlib
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from sanxiang.core.append_only import create_sql, drop_sql
from sanxiang.records import checkpoint as notes
from sanxiang.records import checkpoints, demo, log, merkle, retention, storage
from sanxiang.records.ingest import ingest_stream
from sanxiang.records.models import Blob, EvidenceRecord, LogEntry, LogHead, TreeNode
from sanxiang.records.verify import verify

pytestmark = pytest.mark.django_db

CASE = "市监罚〔2026〕7号"


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def records_settings(settings, tmp_path):
    settings.RECORDS = {
        **settings.RECORDS,
        "STORAGE": "local",
        "ROOT": tmp_path / "records",
        "CHECKPOINT_KEY_FILE": tmp_path / "keys" / "checkpoint.key",
        "CHECKPOINT_KEY_NAME": "verify.test/records",
        "LOG_ORIGIN": "verify.test/records",
        "CHECKPOINT_ALGORITHM": "ed25519",
    }
    return settings.RECORDS


def store_file(content: bytes, media_type: str = "image/jpeg") -> Blob:
    """Store ``content`` the way ingestion does: staged, published read-only under its SHA-256."""
    sha256 = hashlib.sha256(content).hexdigest()
    temp = storage.new_staging_file()
    try:
        temp.write_bytes(content)
        name, _ = storage.get_store().publish(temp, sha256, len(content))
    finally:
        temp.unlink()
    return Blob.objects.create(
        sha256=sha256, sm3=hashlib.new("sm3", content).hexdigest(), size=len(content), media_type=media_type,
        storage_name=name,
    )


def add_evidence(user, content: bytes, title: str) -> EvidenceRecord:
    agency = user.person.agency
    with transaction.atomic():
        blob = store_file(content)
        entry = log.append("evidence", {"sha256": blob.sha256, "sm3": blob.sm3, "size": blob.size, "title": title},
                           agency=agency, case_ref=CASE, target_id="91330100MA27XYZ12K")
        return EvidenceRecord.objects.create(
            blob=blob, log_entry=entry, kind=EvidenceRecord.Kind.PHOTO, title=title, agency=agency, case_ref=CASE,
            uploaded_by=user,
        )


def add_events(agency, count: int, start: int = 0) -> None:
    with transaction.atomic():
        for i in range(start, start + count):
            log.append("case_event", {"step": f"环节{i}"}, agency=agency, case_ref=CASE)


@pytest.fixture
def store(cast, records_settings):
    """A small store: 3 evidence files and 8 case events (11 entries), checkpointed at 11."""
    records = []
    for i in range(3):
        records.append(add_evidence(cast.officer_a, f"现场照片 {i} ".encode() * 200, f"现场照片{i}"))
        add_events(cast.agency_a, 4 if i == 2 else 2, start=10 * i)
    assert LogHead.objects.get(pk=1).size == 11
    checkpoint = checkpoints.make_checkpoint()
    return SimpleNamespace(records=records, checkpoint=checkpoint, root=Path(records_settings["ROOT"]),
                           agency=cast.agency_a, cast=cast)


def run(*args) -> tuple[int, str, str]:
    """``sanxiang verify ARGS`` through call_command; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify", "--no-progress", *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def triggers_dropped(*tables):
    """What a DBA can do: drop the append-only triggers, change rows, put the triggers back."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for table in tables:
            for sql in drop_sql(vendor, table):
                cursor.execute(sql)
    try:
        yield connection.cursor()
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                for sql in create_sql(vendor, table):
                    cursor.execute(sql)


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def forged_entry(seq: int, agency, payload: dict) -> tuple[bytes, bytes]:
    """Canonical bytes and leaf hash of a made-up entry that is consistent with itself."""
    document = {"seq": seq, "kind": "case_event", "created_at": "2026-03-10T02:00:00.000000Z", "agency": agency.pk,
                "case_ref": CASE, "target_id": "", "payload": payload}
    data = log.canonical_bytes(document)
    return data, merkle.leaf_hash(data)


def insert_forged(seq: int, agency, payload: dict) -> None:
    data, leaf = forged_entry(seq, agency, payload)
    raw("INSERT INTO records_logentry (seq, kind, created_at, agency_id, case_ref, target_id, canonical, leaf_hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [seq, "case_event", "2026-03-10 02:00:00+00:00", agency.pk, CASE, "", data, leaf])


def path_of(blob: Blob) -> Path:
    return storage.get_store().path(blob.storage_name)


# --------------------------------------------------------------------------- a clean store


@pytest.mark.req("REC-07")
def test_it_passes_a_clean_store(store):
    code, out, err = run()
    assert code == 0, out + err
    assert "核验通过" in out
    assert "日志条目：11 条" in out
    assert "完好（ok）3" in out
    assert "有效检查点覆盖前 11 条" in out

    out, err = io.StringIO(), io.StringIO()
    call_command("verify", stdout=out, stderr=err)  # with the progress bar (shown only on runs over a second)
    assert "核验通过" in out.getvalue()

    report = verify()
    assert report.ok and report.entries == 11 and report.files["ok"] == 3
    assert report.root == bytes(LogHead.objects.get(pk=1).root).hex()
    assert report.nodes_checked == TreeNode.objects.count() > 0
    assert report.evidence_checked == 3 and report.checkpoints_checked == 1


@pytest.mark.req("REC-07")
def test_it_reads_the_log_in_batches(store):
    add_events(store.agency, 30, start=100)
    code, out, err = run("--batch-size", "4")
    assert code == 0, out + err
    report = verify(batch_size=3)
    assert report.ok and report.entries == 41
    assert report.nodes_checked == TreeNode.objects.count()


@pytest.mark.req("REC-07")
def test_it_prints_json(store):
    code, out, _ = run("--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True and data["entries"] == 11 and data["files"]["ok"] == 3 and data["problems"] == []

    path_of(store.records[0].blob).chmod(0o644)
    path_of(store.records[0].blob).write_bytes(b"replaced")
    code, out, _ = run("--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert data["files"]["changed"] == 1
    assert [p["code"] for p in data["problems"]] == ["file_changed"]
    assert data["problems"][0]["file"] == store.records[0].blob.storage_name


@pytest.mark.req("REC-07")
def test_it_verifies_an_empty_log(records_settings):
    code, out, err = run()
    assert code == 0, out + err
    assert "日志条目：0 条" in out


# --------------------------------------------------------------------------- rows


@pytest.mark.req("REC-06")
def test_it_finds_a_row_edited_with_raw_sql(store):
    entry = LogEntry.objects.get(seq=4)
    edited = bytes(entry.canonical).replace("环节".encode(), "改写".encode())
    assert edited != bytes(entry.canonical)
    with triggers_dropped("records_logentry") as cursor:
        cursor.execute("UPDATE records_logentry SET canonical = %s WHERE seq = 4", [edited])

    code, out, err = run()
    assert code == 1
    assert "第 4 条的内容与其叶哈希不符" in out
    assert "日志头的根哈希与由全部条目重算的根哈希不符" in out
    assert "签名检查点 #" in out and "已签名的历史被改写" in out
    assert "核验未通过" in err


@pytest.mark.req("REC-06")
def test_it_finds_an_edited_column(store):
    with triggers_dropped("records_logentry") as cursor:
        cursor.execute("UPDATE records_logentry SET case_ref = %s WHERE seq = 2", ["另一案件"])
    for args in ((), ("--quick",)):
        code, out, _ = run(*args)
        assert code == 1
        assert "第 2 条的 case_ref 字段（'另一案件'）与已入账的内容（'市监罚〔2026〕7号'）不符" in out


@pytest.mark.req("REC-06")
@pytest.mark.parametrize("column", ["created_at", "kind", "agency_id", "target_id"])
def test_it_finds_every_edited_column(store, column):
    value = {"created_at": "2026-01-01 00:00:00", "kind": "other", "agency_id": store.cast.agency_b.pk,
             "target_id": "91330100MA27XYZ12K"}[column]
    with triggers_dropped("records_logentry") as cursor:
        cursor.execute(f"UPDATE records_logentry SET {column} = %s WHERE seq = 8", [value])
    name = column.removesuffix("_id") if column == "agency_id" else column
    for args in ((), ("--quick",)):
        code, out, _ = run(*args)
        assert code == 1
        assert f"第 8 条的 {name} 字段" in out


@pytest.mark.req("REC-06")
def test_it_finds_an_entry_not_in_canonical_form(store):
    """Same document, other bytes (indented), leaf hash made to match: not what the log service writes."""
    document = log.decode(LogEntry.objects.get(seq=3))
    data = json.dumps(document, indent=1, ensure_ascii=False).encode()
    with triggers_dropped("records_logentry") as cursor:
        cursor.execute("UPDATE records_logentry SET canonical = %s, leaf_hash = %s WHERE seq = 3", [data, merkle.leaf_hash(data)])
    for args in ((), ("--quick",)):
        code, out, _ = run(*args)
        assert code == 1
        assert "第 3 条的内容不是日志服务写出的规范形式" in out


@pytest.mark.req("REC-06")
def test_it_finds_a_rewrite_that_fixed_the_leaf_hash_and_the_head(store):
    """A careful forger rewrites the entry, its leaf hash, the nodes above it and the head: the signature still fails."""
    data, leaf = forged_entry(5, store.agency, {"step": "改写后的环节"})
    entries = list(LogEntry.objects.order_by("seq").values_list("seq", "leaf_hash"))
    leaves = [leaf if seq == 5 else bytes(h) for seq, h in entries]
    nodes = {}
    forged = merkle.CompactRange(0, [], on_node=lambda level, index, h: nodes.__setitem__((level, index), h))
    forged.extend(leaves)
    with triggers_dropped("records_logentry", "records_treenode") as cursor:
        cursor.execute("UPDATE records_logentry SET canonical = %s, leaf_hash = %s, created_at = %s WHERE seq = 5",
                       [data, leaf, "2026-03-10 02:00:00+00:00"])
        for (level, index), h in nodes.items():
            if level:
                cursor.execute('UPDATE records_treenode SET hash = %s WHERE level = %s AND "index" = %s', [h, level, index])
    LogHead.objects.filter(pk=1).update(root=forged.root(), frontier=[h.hex() for h in forged.hashes])

    assert set(verify().problem_counts) == {"checkpoint_root"}  # leaves, nodes and head agree with each other
    code, out, _ = run()
    assert code == 1
    assert "（大小 11）的根哈希与前 11 条重算的根哈希不符：已签名的历史被改写" in out


@pytest.mark.req("REC-06")
def test_it_finds_a_deleted_row(store):
    with triggers_dropped("records_logentry") as cursor:
        cursor.execute("DELETE FROM records_logentry WHERE seq = 5")
    code, out, _ = run()
    assert code == 1
    assert "日志缺少第 5 条：序号不连续，条目被删除" in out
    assert "日志头记录 11 条，而数据库中有 10 条" in out
    assert "覆盖 11 条，而日志只有 10 条" in out


@pytest.mark.req("REC-06")
def test_it_finds_a_forged_row_appended(store):
    insert_forged(11, store.agency, {"step": "伪造的环节"})  # INSERT is allowed: no trigger to drop
    code, out, _ = run()
    assert code == 1
    assert "日志头记录 11 条，而数据库中有 12 条：有未经日志服务写入的条目（伪造）" in out
    assert "日志头的根哈希与由全部条目重算的根哈希不符" in out
    assert "叶哈希不符" not in out  # the forgery is consistent with itself; the head and the tree give it away


@pytest.mark.req("REC-06")
def test_it_finds_a_forged_row_in_place_of_a_real_one(store):
    with triggers_dropped("records_logentry") as cursor:
        cursor.execute("DELETE FROM records_logentry WHERE seq = 7")
    insert_forged(7, store.agency, {"step": "伪造的环节"})
    assert "leaf_hash" not in verify().problem_counts and "seq_gap" not in verify().problem_counts
    code, out, _ = run()
    assert code == 1
    assert "树节点（层 1，覆盖第 6–7 条）与重算结果不符" in out
    assert "已签名的历史被改写" in out


@pytest.mark.req("REC-06")
def test_it_finds_a_changed_tree_node(store):
    node = TreeNode.objects.filter(level=2).order_by("index").first()
    with triggers_dropped("records_treenode") as cursor:
        cursor.execute("UPDATE records_treenode SET hash = %s WHERE id = %s", [b"\x00" * 32, node.pk])
    code, out, _ = run()
    assert code == 1
    assert f"树节点（层 2，覆盖第 {node.index * 4}–{node.index * 4 + 3} 条）与重算结果不符" in out


@pytest.mark.req("REC-06")
def test_it_finds_a_deleted_tree_node_and_a_forged_one(store):
    node = TreeNode.objects.get(level=3, index=0)
    with triggers_dropped("records_treenode") as cursor:
        cursor.execute("DELETE FROM records_treenode WHERE id = %s", [node.pk])
    TreeNode.objects.create(level=1, index=5, hash=b"\x01" * 32)  # leaves 10-11: past the end of the log
    code, out, _ = run()
    assert code == 1
    assert "缺少树节点（层 3，覆盖第 0–7 条）：节点被删除" in out
    assert "有 1 个树节点超出了日志的末尾（第一个：层 1，从第 10 条起）" in out


@pytest.mark.req("REC-06")
def test_it_finds_an_evidence_record_pointing_at_other_content(store):
    first, second = store.records[0], store.records[1]
    with triggers_dropped("records_evidencerecord") as cursor:
        cursor.execute("UPDATE records_evidencerecord SET blob_id = %s WHERE id = %s", [second.blob_id, first.pk])
    code, out, _ = run()
    assert code == 1
    assert f"证据记录 #{first.pk} 的文件（SHA-256 {second.blob_id}）与第 {first.log_entry_id} 条日志条目入账的摘要" in out


# --------------------------------------------------------------------------- checkpoints


@pytest.mark.req("REC-06")
def test_it_finds_a_stored_checkpoint_with_a_bad_signature(store):
    note = store.checkpoint.note
    body, sig = note.rsplit("\n\n", 1)
    forged = body.replace("\n11\n", "\n10\n") + "\n\n" + sig
    with triggers_dropped("records_checkpoint") as cursor:
        cursor.execute("UPDATE records_checkpoint SET note = %s WHERE id = %s", [forged, store.checkpoint.pk])
    code, out, _ = run()
    assert code == 1
    assert f"签名检查点 #{store.checkpoint.pk}（大小 11）无法验证：检查点签名无效" in out


@pytest.mark.req("REC-06")
def test_it_proves_consistency_with_an_exported_checkpoint(store, tmp_path):
    exported = checkpoints.export(tmp_path / "witness")
    add_events(store.agency, 9, start=200)
    code, out, err = run("--against", str(exported))
    assert code == 0, out + err
    assert "导出检查点：大小 11，一致" in out
    # The export directory itself is accepted too, and the verifier key kept with it.
    code, out, err = run("--against", str(tmp_path / "witness"), "--trusted-key", str(tmp_path / "witness" / "verifier-key"))
    assert code == 0, out + err


@pytest.mark.req("REC-06")
def test_it_finds_a_database_restored_from_an_older_backup(store, tmp_path):
    """Export a checkpoint at 11 + 6, then put the database back to 11 entries: only the exported copy shows it."""
    old_head = LogHead.objects.values("size", "frontier", "root").get(pk=1)
    add_events(store.agency, 6, start=300)
    later = checkpoints.make_checkpoint()
    assert later.tree_size == 17
    exported = checkpoints.export(tmp_path / "witness")

    # The older backup: no entries, nodes or checkpoints past 11, the head as it was then.
    with triggers_dropped("records_logentry", "records_treenode", "records_checkpoint") as cursor:
        cursor.execute("DELETE FROM records_checkpoint WHERE tree_size > 11")
        cursor.execute("DELETE FROM records_logentry WHERE seq >= 11")
        for level in range(1, 6):
            cursor.execute('DELETE FROM records_treenode WHERE level = %s AND ("index" + 1) * %s > 11',
                           [level, 1 << level])
    LogHead.objects.filter(pk=1).update(**old_head)

    code, out, err = run()
    assert code == 0, out + err  # on its own the restored database is consistent

    code, out, _ = run("--against", str(exported))
    assert code == 1
    assert (f"导出检查点 {exported} 覆盖 17 条，而数据库中的日志只有 11 条：数据库从较旧的备份恢复，或日志末尾被删除"
            in out)
    assert "导出检查点：大小 17，不一致" in out


@pytest.mark.req("REC-06")
def test_it_finds_history_rewritten_after_an_export(store, tmp_path):
    exported = checkpoints.export(tmp_path / "witness")
    with triggers_dropped("records_logentry") as cursor:
        cursor.execute("DELETE FROM records_logentry WHERE seq = 10")
    insert_forged(10, store.agency, {"step": "改写"})
    code, out, _ = run("--against", str(exported))
    assert code == 1
    assert f"前 11 条重算的根哈希与导出检查点 {exported} 不符：导出之后历史被改写" in out


@pytest.mark.req("REC-07")
@pytest.mark.parametrize("case", ["bad_signature", "other_origin", "other_key", "missing", "garbage"])
def test_it_refuses_an_untrustworthy_exported_checkpoint(store, tmp_path, case):
    exported = checkpoints.export(tmp_path / "witness")
    text = exported.read_text(encoding="utf-8")
    target = tmp_path / "suspect"
    if case == "bad_signature":
        body, sig = text.rsplit("\n\n", 1)
        name, blob = sig.rstrip("\n").rsplit(" ", 1)
        raw_sig = bytearray(base64.b64decode(blob))
        raw_sig[10] ^= 1
        target.write_text(f"{body}\n\n{name} {base64.b64encode(bytes(raw_sig)).decode()}\n", encoding="utf-8")
        expected = "检查点签名无效"
    elif case == "other_origin":
        signer = checkpoints.signers()[0]
        body = notes.format_checkpoint("another.county/records", 11, bytes(store.checkpoint.root))
        target.write_text(notes.sign_note(body, [signer]), encoding="utf-8")
        expected = "检查点属于另一个日志“another.county/records”"
    elif case == "other_key":
        private, _ = notes.generate_ed25519_key()
        body = notes.format_checkpoint("verify.test/records", 11, bytes(store.checkpoint.root))
        target.write_text(notes.sign(body, private, "verify.test/records"), encoding="utf-8")
        expected = "检查点不是由受信任的密钥签名的"
    elif case == "missing":
        expected = "不存在"
    else:
        target.write_bytes(b"\xff\xfe not a checkpoint")
        expected = "检查点文件格式不正确"
    code, out, err = run("--against", str(target))
    assert code == 2
    assert expected in err and "未进行核验" in err
    assert out == ""


@pytest.mark.req("REC-07")
def test_it_refuses_a_trusted_key_file_that_is_not_one(store, tmp_path):
    bad = tmp_path / "verifier-key"
    bad.write_text("not a key\n", encoding="utf-8")
    code, _, err = run("--trusted-key", str(bad))
    assert code == 2 and "验证公钥无效" in err
    code, _, err = run("--trusted-key", str(tmp_path / "absent"))
    assert code == 2 and "无法读取验证公钥文件" in err
    code, _, err = run("--batch-size", "0")
    assert code == 2 and "批大小必须是正整数" in err


# --------------------------------------------------------------------------- files


@pytest.mark.req("REC-06")
def test_it_finds_one_bit_flipped_in_a_stored_file(store):
    blob = store.records[1].blob
    path = path_of(blob)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    code, out, _ = run()
    assert code == 1
    assert f"changed   已改变  {blob.storage_name}  SHA-256、SM3与登记不符" in out
    assert f"文件已改变：{blob.storage_name}" in out
    assert "完好（ok）2，已改变（changed）1" in out

    # --quick does not re-hash: a flipped bit of the same length is the one thing it cannot see.
    code, out, _ = run("--quick")
    assert code == 0
    path.write_bytes(bytes(data[:-1]))
    code, out, _ = run("--quick")
    assert code == 1 and "大小与登记不符（现为" in out


@pytest.mark.req("REC-06")
def test_it_finds_a_deleted_file(store):
    blob = store.records[2].blob
    path_of(blob).unlink()
    code, out, _ = run()
    assert code == 1
    assert f"missing   缺失  {blob.storage_name}" in out
    assert f"文件缺失：{blob.storage_name}（SHA-256 {blob.sha256}）" in out
    code, out, _ = run("--quick")
    assert code == 1 and "文件缺失" in out


@pytest.mark.req("REC-06")
def test_it_finds_an_untracked_file(store):
    content = b"dropped in by hand"
    name = storage.name_for(hashlib.sha256(content).hexdigest())
    (store.root / name).parent.mkdir(parents=True, exist_ok=True)
    (store.root / name).write_bytes(content)
    code, out, _ = run()
    assert code == 1
    assert f"untracked 未登记  {name}" in out
    assert f"未登记的文件：{name}" in out
    assert "未登记（untracked）1" in out


@pytest.mark.req("REC-07")
def test_it_reports_content_removed_under_retention_as_removed(store):
    blob = store.records[0].blob
    with transaction.atomic():
        log.append("tombstone", {"sha256": blob.sha256, "reason": "常规执法记录保存期满（6个月）",
                                 "requested_by": store.cast.officer_a.pk, "approved_by": store.cast.leader.pk},
                   agency=store.agency)
        assert storage.get_store().remove_for_retention(blob.sha256)
    code, out, err = run("--list-files")
    assert code == 0, out + err
    assert f"removed   已按期删除  {blob.storage_name}" in out
    requester, approver = store.cast.officer_a, store.cast.leader
    assert (f"删除（{requester.person.name}（{requester.username}）申请、{approver.person.name}（{approver.username}）批准），"
            "理由：常规执法记录保存期满（6个月）") in out
    assert "完好（ok）2" in out and "已按期删除（removed）1" in out and "到期删除记录 1 条" in out
    # Another file gone without a tombstone is still missing.
    path_of(store.records[1].blob).unlink()
    code, out, _ = run()
    assert code == 1 and "缺失（missing）1" in out


@pytest.mark.req("REC-06")
def test_it_reports_a_removal_through_the_retention_service(cast, records_settings):
    """Real ingestion, request, second person's approval, execution: the file is removed, verify still passes."""
    end = timezone.now() - datetime.timedelta(days=31 * 7)
    metadata = {"title": "日常巡查执法记录仪视频", "kind": "video",
                "captured_from": (end - datetime.timedelta(minutes=5)).isoformat(), "captured_to": end.isoformat()}
    footage = ingest_stream(cast.officer_a, [demo.make_avi(random.Random(3), seconds=1)], metadata)
    checkpoints.make_checkpoint()
    request = retention.request_removal(cast.officer_a, footage, "日常巡查录像，保存期限届满")
    retention.approve_removal(cast.leader, request)
    tombstone = retention.execute_removal(cast.admin_a, request)

    report = verify()
    assert report.ok, report.problems
    assert report.files == {"ok": 0, "changed": 0, "missing": 0, "untracked": 0, "removed": 1}
    [item] = report.file_list
    assert item.sha256 == footage.blob_id and item.status == "removed"
    assert f"第 {tombstone.seq} 条到期删除记录" in item.detail and "日常巡查录像，保存期限届满" in item.detail
    assert cast.leader.username in item.detail and cast.officer_a.username in item.detail


# --------------------------------------------------------------------------- the real command line


def _committed_copy(target: Path) -> str:
    """A database URL a child process can open holding what this test wrote.

    SQLite: the test database lives in this process's memory, so it is copied to a file with
    SQLite's backup API. PostgreSQL: the test transaction is committed by the caller
    (``transactional_db``) and the child connects to the same test database.
    """
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        connection.connection.backup(destination)
        destination.close()
        return f"sqlite:///{target}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings_dict['NAME']}"


@pytest.mark.req("REC-06")
@pytest.mark.django_db(transaction=True)
def test_the_console_script_exits_with_the_right_status(cast, records_settings, tmp_path):
    # An earlier transactional test's flush may have removed the head row the migration made.
    LogHead.objects.get_or_create(pk=1, defaults={"size": 0, "frontier": [], "root": merkle.EMPTY_ROOT})
    add_evidence(cast.officer_a, b"body camera footage" * 100, "执法记录仪视频")
    add_events(cast.agency_a, 4)
    checkpoints.make_checkpoint()
    env = {
        **os.environ,
        "SANXIANG_DATABASE_URL": _committed_copy(tmp_path / "copy.sqlite3"),
        "SANXIANG_RECORDS_ROOT": str(records_settings["ROOT"]),
        "SANXIANG_CHECKPOINT_KEY_FILE": str(records_settings["CHECKPOINT_KEY_FILE"]),
        "SANXIANG_CHECKPOINT_KEY_NAME": records_settings["CHECKPOINT_KEY_NAME"],
        "SANXIANG_LOG_ORIGIN": records_settings["LOG_ORIGIN"],
        "SANXIANG_RECORDS_STORAGE": "local",
    }
    script = Path(sys.executable).with_name("sanxiang")

    def sanxiang(*args):
        return subprocess.run([str(script), "verify", *args], env=env, capture_output=True, text=True, timeout=60)

    result = sanxiang()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "核验通过" in result.stdout and "日志条目：5 条" in result.stdout

    blob = Blob.objects.get()
    path = path_of(blob)
    path.chmod(0o644)
    path.write_bytes(b"B" + path.read_bytes()[1:])
    result = sanxiang()
    assert result.returncode == 1
    assert f"文件已改变：{blob.storage_name}" in result.stdout and "核验未通过" in result.stderr

    result = sanxiang("--against", str(tmp_path / "no-such-checkpoint"))
    assert result.returncode == 2 and "不存在" in result.stderr
