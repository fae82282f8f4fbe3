"""Signed checkpoints: the key, making, exporting and checking them (REC-02)."""

import base64
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from sanxiang.core.models import AuditEvent
from sanxiang.records import checkpoint as notes
from sanxiang.records import checkpoints, log, merkle
from sanxiang.records.models import Checkpoint, LogHead

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    path = tmp_path / "keys" / "checkpoint.key"
    settings.RECORDS = {**settings.RECORDS, "CHECKPOINT_KEY_FILE": path, "LOG_ORIGIN": "test.example/records",
                        "CHECKPOINT_KEY_NAME": "test.example/records", "CHECKPOINT_ALGORITHM": "ed25519"}
    return path


def _append(n):
    with transaction.atomic():
        for i in range(n):
            log.append("other", {"i": i})


@pytest.mark.req("REC-02")
def test_it_generates_a_private_key_outside_production(key_file):
    signer = checkpoints.signers()[0]
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key_file.parent).st_mode) == 0o700
    assert len(base64.b64decode(key_file.read_bytes().strip())) == 32
    assert checkpoints.signers()[0].key_hash == signer.key_hash  # the same key the second time


@pytest.mark.req("REC-02")
def test_it_refuses_to_invent_a_key_in_production(settings, key_file):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="生产模式下不会自动生成密钥"):
        checkpoints.signers()
    assert not key_file.exists()


@pytest.mark.req("REC-02")
def test_it_reads_raw_and_base64_keys_and_rejects_others(key_file):
    private, public = notes.generate_ed25519_key()
    key_file.parent.mkdir()
    key_file.write_bytes(private)
    assert notes.parse_verifier_key(checkpoints.verifier_key_text())[1] == public
    key_file.write_bytes(base64.b64encode(private) + b"\n")
    assert notes.parse_verifier_key(checkpoints.verifier_key_text())[1] == public
    key_file.write_bytes(b"not a key\n")
    with pytest.raises(ImproperlyConfigured, match="不是 32 字节的私钥"):
        checkpoints.signers()


@pytest.mark.req("REC-02")
def test_it_signs_the_head_and_reuses_the_checkpoint_until_the_log_grows(cast):
    _append(5)
    first = checkpoints.make_checkpoint(cast.admin_a)
    assert first.tree_size == 5 and bytes(first.root) == bytes(LogHead.objects.get().root)
    parsed = checkpoints.verify_note(first.note)
    assert (parsed.origin, parsed.size, parsed.root) == ("test.example/records", 5, bytes(first.root))
    assert AuditEvent.objects.filter(action="records.checkpoint", object_id=str(first.pk), actor=cast.admin_a).exists()
    assert checkpoints.make_checkpoint() == first
    assert Checkpoint.objects.count() == 1
    _append(3)
    second = checkpoints.make_checkpoint()
    assert second.tree_size == 8 and checkpoints.latest() == second


@pytest.mark.req("REC-02")
def test_it_signs_the_empty_log():
    row = checkpoints.make_checkpoint()
    assert row.tree_size == 0 and bytes(row.root) == merkle.EMPTY_ROOT


@pytest.mark.req("REC-02")
def test_it_exports_and_loads_back(tmp_path):
    _append(3)
    checkpoints.make_checkpoint()
    out = tmp_path / "witness"
    path = checkpoints.export(out)
    assert path == out / "checkpoint"
    assert (out / "checkpoint-3").read_text() == path.read_text()
    assert (out / "verifier-key").read_text() == checkpoints.verifier_key_text() + "\n"
    loaded = checkpoints.load_exported(out)
    assert loaded.size == 3 and loaded.root == merkle.root(
        [bytes(h) for h in log.LogEntry.objects.order_by("seq").values_list("leaf_hash", flat=True)])
    assert checkpoints.load_exported(path, trusted_key=(out / "verifier-key").read_text()) == loaded
    assert checkpoints.export(out) == path  # idempotent
    _append(2)
    checkpoints.make_checkpoint()
    checkpoints.export(out)
    assert checkpoints.load_exported(out).size == 5
    assert (out / "checkpoint-3").exists() and (out / "checkpoint-5").exists()


@pytest.mark.req("REC-02")
def test_it_never_overwrites_different_content(tmp_path):
    _append(3)
    checkpoints.make_checkpoint()
    out = tmp_path / "witness"
    out.mkdir()
    (out / "checkpoint-3").write_text("something else\n")
    with pytest.raises(checkpoints.CheckpointRejected, match="不会覆盖"):
        checkpoints.export(out)
    assert (out / "checkpoint-3").read_text() == "something else\n"
    assert not (out / "checkpoint").exists()


@pytest.mark.req("REC-02")
def test_it_refuses_to_export_over_a_larger_checkpoint(tmp_path, settings):
    _append(3)
    checkpoints.make_checkpoint()
    out = tmp_path / "witness"
    checkpoints.export(out)
    # a later, larger checkpoint already in the directory, then the database "restored" to size 3
    body = notes.format_checkpoint("test.example/records", 9, b"\x07" * 32)
    larger = notes.sign_note(body, checkpoints.signers())
    (out / "checkpoint").write_text(larger)
    with pytest.raises(checkpoints.CheckpointRejected) as caught:
        checkpoints.export(out)
    assert caught.value.reason == "rollback"
    assert (out / "checkpoint").read_text() == larger


@pytest.mark.req("REC-02")
def test_it_refuses_to_export_over_an_inconsistent_checkpoint(tmp_path):
    _append(5)
    checkpoints.make_checkpoint()
    out = tmp_path / "witness"
    out.mkdir()
    forged = notes.sign_note(notes.format_checkpoint("test.example/records", 3, b"\x07" * 32), checkpoints.signers())
    (out / "checkpoint").write_text(forged)
    with pytest.raises(checkpoints.CheckpointRejected, match="不一致") as caught:
        checkpoints.export(out)
    assert caught.value.reason == "conflict"
    assert (out / "checkpoint").read_text() == forged
    assert not (out / "checkpoint-5").exists()


@pytest.mark.req("REC-02")
def test_it_refuses_to_export_without_a_checkpoint(tmp_path):
    with pytest.raises(checkpoints.CheckpointRejected, match="还没有签名检查点"):
        checkpoints.export(tmp_path / "w")


@pytest.mark.req("REC-02")
@pytest.mark.parametrize("tamper", ["size", "signature", "origin", "other_key", "garbage", "missing"])
def test_it_rejects_a_bad_exported_checkpoint(tmp_path, tamper):
    _append(4)
    checkpoints.make_checkpoint()
    path = checkpoints.export(tmp_path / "w")
    text = path.read_text()
    reason = {"size": "bad_signature", "signature": "bad_signature", "origin": "wrong_origin",
              "other_key": "unknown_key", "garbage": "malformed", "missing": "missing"}[tamper]
    if tamper == "size":
        text = text.replace("\n4\n", "\n5\n", 1)
    elif tamper == "signature":
        name, sig = text.rsplit(" ", 1)
        raw = bytearray(base64.b64decode(sig))
        raw[10] ^= 1
        text = f"{name} {base64.b64encode(bytes(raw)).decode()}\n"
    elif tamper == "origin":
        body = notes.format_checkpoint("other.example/records", 4, b"\x01" * 32)
        text = notes.sign_note(body, checkpoints.signers())
    elif tamper == "other_key":
        private, _ = notes.generate_ed25519_key()
        text = notes.sign(notes.format_checkpoint("test.example/records", 4, b"\x01" * 32), private,
                          "test.example/records")
    elif tamper == "garbage":
        text = "hello\n"
    path.unlink() if tamper == "missing" else path.write_text(text)
    with pytest.raises(checkpoints.CheckpointRejected) as caught:
        checkpoints.load_exported(path)
    assert caught.value.reason == reason
    assert caught.value.messages[0]


@pytest.mark.req("REC-02")
def test_it_signs_and_verifies_with_sm2(settings, key_file, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "CHECKPOINT_ALGORITHM": "sm2"}
    _append(2)
    row = checkpoints.make_checkpoint()
    assert row.algorithm == "sm2"
    assert checkpoints.verify_note(row.note).size == 2
    key_text = checkpoints.verifier_key_text()
    trusted = checkpoints.parse_verifier_key_text(key_text)
    assert isinstance(trusted, checkpoints.Sm2Verifier)
    assert checkpoints.verify_note(row.note, trusted).size == 2
    flipped = row.note.replace("\n2\n", "\n3\n", 1)
    with pytest.raises(checkpoints.CheckpointRejected) as caught:
        checkpoints.verify_note(flipped)
    assert caught.value.reason == "bad_signature"
    path = checkpoints.export(tmp_path / "w")
    assert checkpoints.load_exported(path, trusted_key=key_text).size == 2


# --------------------------------------------------------------------------- CLI and API

from io import StringIO  # noqa: E402

from django.core.management import CommandError, call_command  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.req("REC-02")
def test_the_command_makes_shows_and_exports(tmp_path):
    _append(3)
    assert "已生成签名检查点：大小 3" in _run("checkpoint", "make")
    assert "沿用已有的检查点" in _run("checkpoint", "make")
    assert AuditEvent.objects.filter(action="records.checkpoint", actor_label="system:checkpoint").count() == 1
    shown = _run("checkpoint", "show")
    assert "树大小：3" in shown and "签名有效" in shown and "\u2014 test.example/records " in shown
    import json

    data = json.loads(_run("checkpoint", "show", "--json"))
    assert data["tree_size"] == 3 and data["verifier_key"] == checkpoints.verifier_key_text()
    assert "已导出大小为 3" in _run("checkpoint", "export", str(tmp_path / "w"))
    assert checkpoints.load_exported(tmp_path / "w").size == 3


@pytest.mark.req("REC-02")
def test_the_command_fails_clearly(tmp_path, settings):
    with pytest.raises(CommandError, match="还没有签名检查点"):
        _run("checkpoint", "show")
    with pytest.raises(CommandError, match="还没有签名检查点"):
        _run("checkpoint", "export", str(tmp_path / "w"))
    (tmp_path / "file").write_text("x")
    _run("checkpoint", "make")
    with pytest.raises(CommandError, match="不是目录"):
        _run("checkpoint", "export", str(tmp_path / "file"))
    settings.PRODUCTION = True
    settings.RECORDS = {**settings.RECORDS, "CHECKPOINT_KEY_FILE": tmp_path / "none" / "key"}
    with pytest.raises(CommandError, match="生产模式下不会自动生成密钥"):
        _run("checkpoint", "make")


def test_the_command_help_says_to_run_it_on_a_schedule():
    from sanxiang.records.management.commands.checkpoint import Command

    text = Command().create_parser("sanxiang", "checkpoint").format_help()
    assert "每 10 分钟" in text and "cron" in text and "systemd" in text


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.req("REC-02")
def test_the_api_gives_the_latest_checkpoint(cast):
    client = _client(cast.officer_b)
    assert client.get("/api/v1/records/checkpoints/latest/").status_code == 404
    _append(4)
    row = checkpoints.make_checkpoint()
    response = client.get("/api/v1/records/checkpoints/latest/")
    assert response.status_code == 200
    data = response.json()
    assert data["tree_size"] == 4 and data["note"] == row.note
    assert base64.b64decode(data["root"]) == bytes(row.root)
    trusted = checkpoints.parse_verifier_key_text(data["verifier_key"])
    assert checkpoints.verify_note(data["note"], trusted).size == 4
    assert APIClient().get("/api/v1/records/checkpoints/latest/").status_code in (401, 403)


@pytest.mark.req("REC-02")
def test_only_administrators_make_checkpoints_through_the_api(cast):
    _append(2)
    for user in (cast.officer_a, cast.leader, cast.supervisor):
        response = _client(user).post("/api/v1/records/checkpoints/")
        assert response.status_code == 403
    assert not Checkpoint.objects.exists()
    response = _client(cast.admin_a).post("/api/v1/records/checkpoints/")
    assert response.status_code == 201 and response.json()["tree_size"] == 2
    assert _client(cast.admin_a).post("/api/v1/records/checkpoints/").status_code == 200
    assert Checkpoint.objects.count() == 1
    assert AuditEvent.objects.filter(action="records.checkpoint", actor=cast.admin_a).count() == 1


@pytest.mark.req("REC-02")
def test_sm2_signatures_interoperate_with_openssl(tmp_path):
    """Our SM2-with-SM3 signatures verify in OpenSSL and OpenSSL's verify here (default ID 1234567812345678)."""
    import shutil
    import subprocess

    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key = tmp_path / "k.pem"
    if subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", str(key)], capture_output=True).returncode:
        pytest.skip("this OpenSSL has no SM2")
    text = subprocess.run(["openssl", "pkey", "-in", str(key), "-text", "-noout"], capture_output=True, text=True,
                          check=True).stdout
    private = bytes.fromhex("".join(text.split("priv:")[1].split("pub:")[0].split()).replace(":", ""))[-32:]
    subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout", "-out", str(tmp_path / "p.pem")], check=True)
    signer = checkpoints.Sm2Signer(private.rjust(32, b"\0"), "test.example/records")
    message = notes.format_checkpoint("test.example/records", 5, b"\x05" * 32).encode()
    (tmp_path / "m").write_bytes(message)
    ours = signer.sign(message)
    (tmp_path / "s").write_bytes(encode_dss_signature(int.from_bytes(ours[:32], "big"), int.from_bytes(ours[32:], "big")))
    common = ["-rawin", "-digest", "sm3", "-in", str(tmp_path / "m"), "-pkeyopt", "distid:1234567812345678"]
    checked = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "p.pem"), *common,
                              "-sigfile", str(tmp_path / "s")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", str(key), *common, "-out", str(tmp_path / "s2")], check=True)
    r, s = decode_dss_signature((tmp_path / "s2").read_bytes())
    theirs = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    verifier = checkpoints.Sm2Verifier(signer.public_key, "test.example/records")
    assert verifier.verify(message, theirs)
    assert not verifier.verify(message + b"x", theirs)
