"""Signed checkpoints of the record log (签名检查点): the signing key, making, exporting, checking.

A checkpoint is the log's origin, size and root hash in the C2SP checkpoint text form, signed
(:mod:`sanxiang.records.checkpoint` holds the text forms). The application stores each one in the
``Checkpoint`` table, and :func:`export` writes the latest outside the database — the witness copy
an operator keeps elsewhere; ``sanxiang verify --against`` later proves the database still extends it.

The signing key lives in ``settings.RECORDS["CHECKPOINT_KEY_FILE"]``: 32 raw bytes, or their
base64 (a hex string of 64 digits is also accepted). Outside production a missing key is generated
(file mode 0600, directory 0700); in production a missing or unreadable key is an error, because a
new key would silently break the chain of trust. ``CHECKPOINT_ALGORITHM`` chooses Ed25519
(default) or SM2 with SM3 (GM/T 0003, over ``gmssl``); the key file holds the private key of that
algorithm.

Functions other parts call:

- :func:`signers` / :func:`verifier` / :func:`verifier_key_text` — the configured key;
- :func:`make_checkpoint` — sign the current log head (or return the checkpoint of it that exists);
- :func:`latest` — the newest stored checkpoint of this log;
- :func:`export` — write ``checkpoint``, ``checkpoint-<size>`` and ``verifier-key`` to a directory;
- :func:`load_exported` / :func:`verify_note` — read and check a signed checkpoint.

Errors for bad input or a checkpoint that cannot be trusted are :class:`CheckpointRejected` (a
``ValidationError`` with a Chinese message and a ``reason``: ``missing``, ``malformed``,
``unknown_key``, ``bad_signature``, ``wrong_origin``, ``rollback``, ``conflict``); a missing
or unusable key is :class:`KeyNotConfigured` (``ImproperlyConfigured``).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from sanxiang.core import audit

from . import checkpoint as notes
from . import merkle, proofs
from .models import Checkpoint, LogHead

__all__ = [
    "CheckpointRejected",
    "KeyNotConfigured",
    "Sm2Signer",
    "Sm2Verifier",
    "export",
    "latest",
    "load_exported",
    "make_checkpoint",
    "origin",
    "parse_verifier_key_text",
    "signers",
    "verifier",
    "verifier_key_text",
    "verify_note",
]

ED25519 = "ed25519"
SM2 = "sm2"

#: Signed-note signature type for SM2: 0xff (types the spec does not standardise) and a fixed identifier.
SM2_TYPE = b"\xff" + b"sanxiang/sm2-sm3"


class KeyNotConfigured(ImproperlyConfigured):
    """The checkpoint signing key is missing, unreadable or of the wrong form."""


class CheckpointRejected(ValidationError):
    """A signed checkpoint that cannot be trusted or stored. ``reason`` is a short machine code."""

    def __init__(self, message: str, reason: str):
        self.reason = reason
        super().__init__(message, code=reason)


# --------------------------------------------------------------------------- configuration


def origin() -> str:
    """The origin line of this log's checkpoints (``RECORDS["LOG_ORIGIN"]``)."""
    return settings.RECORDS["LOG_ORIGIN"]


def _key_name() -> str:
    return settings.RECORDS["CHECKPOINT_KEY_NAME"]


def _algorithm() -> str:
    algorithm = str(settings.RECORDS.get("CHECKPOINT_ALGORITHM", ED25519)).lower()
    if algorithm not in (ED25519, SM2):
        raise KeyNotConfigured(f"CHECKPOINT_ALGORITHM 只能是 ed25519 或 sm2，而不是“{algorithm}”")
    return algorithm


def _production() -> bool:
    return bool(getattr(settings, "PRODUCTION", False)) or getattr(settings, "MODE", "") == "production"


def _decode_key(raw: bytes, path: Path) -> bytes:
    if len(raw) == 32:
        return raw
    text = raw.strip()
    try:
        if len(text) == 64:
            return bytes.fromhex(text.decode("ascii"))
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = b""
    if len(key) != 32:
        raise KeyNotConfigured(f"签名密钥文件 {path} 的内容不是 32 字节的私钥（原始字节、base64 或十六进制）")
    return key


def _new_private_key(algorithm: str) -> bytes:
    if algorithm == SM2:
        return _sm2_random_scalar().to_bytes(32, "big")
    private, _ = notes.generate_ed25519_key()
    return private


def _private_key() -> bytes:
    """The configured private key; generated outside production when the file does not exist."""
    path = Path(settings.RECORDS["CHECKPOINT_KEY_FILE"])
    algorithm = _algorithm()
    try:
        return _decode_key(path.read_bytes(), path)
    except FileNotFoundError:
        if _production():
            raise KeyNotConfigured(
                f"检查点签名密钥文件 {path} 不存在。生产模式下不会自动生成密钥：请生成密钥并保管好，"
                "再用 SANXIANG_CHECKPOINT_KEY_FILE 指向它（见 docs/records.md）"
            ) from None
    except OSError as exc:
        raise KeyNotConfigured(f"无法读取检查点签名密钥文件 {path}：{exc.strerror}") from None
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = _new_private_key(algorithm)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process generated it first: use theirs
        return _decode_key(path.read_bytes(), path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(base64.b64encode(key) + b"\n")
    return key


def signers() -> list[notes.NoteSigner]:
    """The signers of new checkpoints (one: the configured key)."""
    key = _private_key()
    if _algorithm() == SM2:
        return [_sm2_signer(key, _key_name())]
    return [notes.Ed25519Signer(key, _key_name())]


def verifier() -> notes.NoteVerifier:
    """The verifier of the configured key (for stored and exported checkpoints)."""
    signer = signers()[0]
    if isinstance(signer, Sm2Signer):
        return Sm2Verifier(signer.public_key, signer.name)
    return notes.Ed25519Verifier(signer._key.public_key(), signer.name)


def verifier_key_text() -> str:
    """The public key in signed-note verifier-key text form ``<name>+<hex key hash>+<base64 key>``."""
    v = verifier()
    if isinstance(v, Sm2Verifier):
        return v.text()
    return notes.verifier_key(v.name, v._key)


def parse_verifier_key_text(text: str) -> notes.NoteVerifier:
    """A verifier from verifier-key text (Ed25519 or SM2); ``CheckpointRejected`` when it is not one."""
    text = text.strip()
    parts = text.split("+", 2)
    if len(parts) == 3:
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if raw.startswith(SM2_TYPE):
            verifier_ = Sm2Verifier(raw[len(SM2_TYPE):], parts[0])
            if verifier_.key_hash.hex() != parts[1]:
                raise CheckpointRejected("验证公钥文本的密钥哈希与名称和公钥不符", "malformed")
            return verifier_
    try:
        name, public = notes.parse_verifier_key(text)
    except ValueError as exc:
        raise CheckpointRejected(f"验证公钥文本无效：{exc}", "malformed") from None
    return notes.Ed25519Verifier(public, name)


# --------------------------------------------------------------------------- SM2 (GM/T 0003 with SM3)

_SM2_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


def _sm2_random_scalar() -> int:
    return secrets.randbelow(_SM2_N - 2) + 1  # [1, n-2]: the private key d must satisfy d + 1 != n


def _gmssl_sm2():
    try:
        from gmssl import sm2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise KeyNotConfigured("SM2 检查点签名需要安装 gmssl 软件包") from exc
    return sm2


def _sm2_crypt(private_hex: str, public_hex: str):
    sm2 = _gmssl_sm2()
    crypt = sm2.CryptSM2(private_key=private_hex, public_key="00" * 64)
    crypt.public_key = public_hex  # set directly: the constructor's lstrip("04") can eat digits of x
    return crypt


def _sm2_key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + SM2_TYPE + public).digest()[:4]


@functools.lru_cache(maxsize=4)
def _sm2_signer(key: bytes, name: str) -> Sm2Signer:
    return Sm2Signer(key, name)  # deriving the public key is slow in pure Python: once per key


class Sm2Signer:
    """Signs note bodies with SM2 over SM3 (default user ID ``1234567812345678``); signature is ``r || s``.

    The nonce comes from :mod:`secrets` (gmssl's own comes from :mod:`random`, which must not be
    used for signatures). ``public_key`` is the 64-byte ``x || y`` point.
    """

    def __init__(self, private_key: bytes, name: str):
        d = int.from_bytes(bytes(private_key), "big")
        if not 1 <= d <= _SM2_N - 2:
            raise KeyNotConfigured("SM2 私钥不在有效范围内")
        sm2 = _gmssl_sm2()
        crypt = _sm2_crypt(f"{d:064x}", "00" * 64)
        public_hex = crypt._kg(d, sm2.default_ecc_table["g"])
        crypt.public_key = public_hex
        self._crypt = crypt
        self.public_key = bytes.fromhex(public_hex)
        self.name = name
        self.key_hash = _sm2_key_hash(name, self.public_key)

    def sign(self, message: bytes) -> bytes:
        for _ in range(16):
            signature = self._crypt.sign_with_sm3(message, f"{_sm2_random_scalar():064x}")
            if signature:
                return bytes.fromhex(signature)
        raise RuntimeError("SM2 signing failed repeatedly")  # pragma: no cover - probability ~2^-250


class Sm2Verifier:
    """Checks SM2-with-SM3 signatures of one public key (64 bytes ``x || y``, or 65 with a 0x04 prefix)."""

    def __init__(self, public_key: bytes, name: str):
        public = bytes(public_key)
        if len(public) == 65 and public[0] == 4:
            public = public[1:]
        if len(public) != 64:
            raise CheckpointRejected("SM2 公钥应为 64 字节（x‖y）", "malformed")
        self.public_key = public
        self.name = name
        self.key_hash = _sm2_key_hash(name, public)
        self._crypt = _sm2_crypt("00" * 32, public.hex())

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 64:
            return False
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        if not (1 <= r < _SM2_N and 1 <= s < _SM2_N):
            return False
        try:
            return bool(self._crypt.verify_with_sm3(signature.hex(), message))
        except (ValueError, TypeError, ZeroDivisionError):
            return False

    def text(self) -> str:
        blob = base64.b64encode(SM2_TYPE + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_hash.hex()}+{blob}"


# --------------------------------------------------------------------------- checking notes

_REASONS = {
    "malformed": "检查点文件格式不正确",
    "unknown_key": "检查点不是由受信任的密钥签名的",
    "bad_signature": "检查点签名无效：文件被改动或伪造",
    "wrong_origin": "检查点属于另一个日志",
}


def verify_note(text: str | bytes, trusted: notes.NoteVerifier | None = None) -> notes.Checkpoint:
    """Check a signed checkpoint against ``trusted`` (default: the configured key) and this log's origin."""
    trusted = trusted or verifier()
    try:
        body, _ = notes.open_note(text, [trusted])
        parsed = notes.parse_checkpoint(body)
    except notes.CheckpointError as exc:
        raise CheckpointRejected(f"{_REASONS.get(exc.reason, '检查点无效')}（{exc}）", exc.reason) from exc
    if parsed.origin != origin():
        raise CheckpointRejected(
            f"检查点属于另一个日志“{parsed.origin}”，本系统的日志标识是“{origin()}”", "wrong_origin"
        )
    return parsed


def load_exported(path, trusted_key: str | None = None) -> notes.Checkpoint:
    """Read an exported checkpoint file (or the ``checkpoint`` file of an export directory) and check it.

    ``trusted_key`` is verifier-key text the operator kept apart (default: the configured key).
    Returns the parsed :class:`sanxiang.records.checkpoint.Checkpoint` (origin, size, root).
    """
    path = Path(path)
    if path.is_dir():
        path = path / "checkpoint"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointRejected(f"检查点文件 {path} 不存在", "missing") from None
    except OSError as exc:
        raise CheckpointRejected(f"无法读取检查点文件 {path}：{exc.strerror}", "missing") from None
    trusted = parse_verifier_key_text(trusted_key) if trusted_key else None
    return verify_note(data, trusted)


# --------------------------------------------------------------------------- making


def latest() -> Checkpoint | None:
    """The newest stored checkpoint of this log (largest size)."""
    return Checkpoint.objects.filter(origin=origin()).order_by("-tree_size", "-id").first()


def make_checkpoint(actor=None) -> Checkpoint:
    """Sign the current log head and store it; the existing checkpoint when the log has not grown.

    Locks the log head, so the size and root signed are those of one moment. The root is recomputed
    from the stored leaves and nodes and must equal the head's: a tampered head is never signed.
    """
    signer_list = signers()
    algorithm = _algorithm()
    with transaction.atomic():
        head = LogHead.objects.select_for_update().get(pk=1)
        existing = latest()
        if (existing is not None and existing.tree_size == head.size and bytes(existing.root) == bytes(head.root)
                and existing.key_name == _key_name() and existing.algorithm == algorithm):
            return existing
        if existing is not None and existing.tree_size > head.size:
            raise CheckpointRejected(
                f"日志只有 {head.size} 条，而已有大小为 {existing.tree_size} 的检查点：数据库可能被回滚到旧的备份",
                "rollback",
            )
        root = proofs.root_at(head.size) if head.size else merkle.EMPTY_ROOT
        if root != bytes(head.root):
            raise CheckpointRejected("日志头记录的根哈希与日志条目算出的不一致：请运行 sanxiang verify", "conflict")
        body = notes.format_checkpoint(origin(), head.size, root)
        note = notes.sign_note(body, signer_list)
        row = Checkpoint.objects.create(
            tree_size=head.size, root=root, origin=origin(), note=note, key_name=_key_name(), algorithm=algorithm,
        )
        audit.record(actor, "records.checkpoint", row, after={
            "tree_size": head.size, "root": base64.b64encode(root).decode("ascii"),
            "key_name": row.key_name, "algorithm": algorithm,
        })
    return row


# --------------------------------------------------------------------------- exporting


def _write_new(path: Path, content: str) -> None:
    """Create ``path`` with ``content``; an existing file must already hold exactly that."""
    data = content.encode("utf-8")
    if path.exists():
        if path.read_bytes() != data:
            raise CheckpointRejected(f"{path} 已存在且内容不同，不会覆盖", "conflict")
        return
    _atomic_write(path, data, replace=False)


def _atomic_write(path: Path, data: bytes, *, replace: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if path appeared meanwhile: never overwrite
            os.unlink(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def export(directory, checkpoint: Checkpoint | None = None) -> Path:
    """Write the latest signed checkpoint outside the database; returns the path of ``checkpoint``.

    Files: ``checkpoint-<size>`` (never overwritten with other content), ``verifier-key`` (the
    public key; a different key already there is refused) and ``checkpoint`` (the latest). The
    ``checkpoint`` file is replaced only by a correctly signed, larger or equal checkpoint proved
    consistent with the one it replaces; a smaller one (the database went back to an older backup)
    or an inconsistent one (the log was rewritten) is refused and nothing is written.
    """
    directory = Path(directory)
    row = checkpoint or latest()
    if row is None:
        raise CheckpointRejected("还没有签名检查点：请先运行 sanxiang checkpoint make", "missing")
    current = verify_note(row.note)
    if directory.exists() and not directory.is_dir():
        raise CheckpointRejected(f"{directory} 不是目录", "conflict")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "checkpoint"
    key_text = verifier_key_text() + "\n"
    key_file = directory / "verifier-key"
    if key_file.exists() and key_file.read_text(encoding="utf-8", errors="replace") != key_text:
        raise CheckpointRejected(f"{key_file} 中是另一把公钥：签名密钥被更换过，请换一个导出目录并记录原因", "conflict")
    if target.exists():
        previous = target.read_bytes()
        if previous != row.note.encode("utf-8"):
            old = verify_note(previous)
            if old.size > current.size:
                raise CheckpointRejected(
                    f"导出目录中的检查点（大小 {old.size}）比数据库中最新的（大小 {current.size}）更大："
                    "数据库可能被回滚到旧的备份", "rollback",
                )
            _check_consistent(old, current)
    _write_new(directory / f"checkpoint-{current.size}", row.note)
    _write_new(key_file, key_text)
    _atomic_write(target, row.note.encode("utf-8"), replace=True)
    return target


def _check_consistent(old: notes.Checkpoint, new: notes.Checkpoint) -> None:
    if old.size == new.size:
        if old.root != new.root:
            raise CheckpointRejected(f"大小同为 {old.size} 的两个检查点根哈希不同：日志被改写过", "conflict")
        return
    if old.size == 0:
        return
    proof = proofs.consistency_proof(old.size, new.size)
    try:
        merkle.verify_consistency(old.size, new.size, old.root, new.root, proof["hashes"])
    except merkle.ProofError as exc:
        raise CheckpointRejected(
            f"新的检查点与导出目录中大小为 {old.size} 的检查点不一致：日志被改写过（{exc}）", "conflict"
        ) from exc
