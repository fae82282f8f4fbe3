"""Signed checkpoints of the records log, in the C2SP text forms (tlog-checkpoint over signed-note).

A checkpoint body is three or more lines, each ending in a newline::

    <origin>                      the log's identity, e.g. "sanxiang.example.gov.cn/records"
    <tree size>                   ASCII decimal, no sign, no leading zeros
    <base64 root hash>            standard base64 (RFC 4648 §4) of the 32-byte RFC 9162 root
    [<extension line> ...]        optional, opaque, non-empty

A *signed note* is that body, a blank line, then one signature line per signer::

    — <key name> <base64(4-byte key hash || signature)>

(U+2014 EM DASH and a space). The signature covers the body bytes including the body's final
newline. For Ed25519 the key hash is ``SHA-256(key name || 0x0A || 0x01 || public key)[:4]``.

Public functions: :func:`format_checkpoint`, :func:`parse_checkpoint` (body only, unsigned),
:func:`sign`, :func:`parse_and_verify`, plus :func:`key_hash`, :func:`verifier_key` /
:func:`parse_verifier_key` (the ``name+hash+base64`` text form of a public key) and the general
:func:`sign_note` / :func:`open_note` over :class:`NoteSigner` / :class:`NoteVerifier` objects.

Every failure raises a subclass of :class:`CheckpointError` (a ``ValueError``):
:class:`MalformedCheckpoint`, :class:`UnknownKey`, :class:`BadSignature`, :class:`WrongOrigin`.

Ed25519 comes from the ``cryptography`` package, imported only when a key is used, so that the
text form can be formatted and parsed without it.

**Extension point — SM2 (GM/T 0003) signing.** Not implemented yet. A later session adds an
``Sm2Signer`` / ``Sm2Verifier`` pair implementing :class:`NoteSigner` / :class:`NoteVerifier`
(e.g. over ``gmssl``): ``name``, ``key_hash`` (``SHA-256(name || 0x0A || type || public key)[:4]``
with a signature-type byte of its own — signed-note reserves 0xff for types it does not
standardise, so SM2 should be 0xff followed by a fixed identifier) and ``sign`` / ``verify``
over the body bytes. :func:`sign_note` and :func:`open_note` already take any such objects, and
a note may carry an Ed25519 and an SM2 signature side by side.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "BadSignature",
    "Checkpoint",
    "CheckpointError",
    "Ed25519Signer",
    "Ed25519Verifier",
    "MalformedCheckpoint",
    "NoteSigner",
    "NoteVerifier",
    "UnknownKey",
    "WrongOrigin",
    "format_checkpoint",
    "generate_ed25519_key",
    "key_hash",
    "open_note",
    "parse_and_verify",
    "parse_checkpoint",
    "parse_verifier_key",
    "sign",
    "sign_note",
    "verifier_key",
]

HASH_SIZE = 32
SIG_PREFIX = "\u2014 "  # EM DASH, SPACE
ED25519_TYPE = 0x01
MAX_SIGNATURES = 100
MAX_NOTE_BYTES = 1 << 20
MAX_TREE_SIZE = (1 << 64) - 1

_DECIMAL = re.compile(r"(0|[1-9][0-9]*)\Z")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


# --------------------------------------------------------------------------- errors


class CheckpointError(ValueError):
    """A checkpoint or signed note that cannot be trusted. ``reason`` is a short machine code."""

    reason = "invalid"


class MalformedCheckpoint(CheckpointError):
    """The text is not a well-formed signed note or checkpoint."""

    reason = "malformed"


class UnknownKey(CheckpointError):
    """No signature line is from the key we trust (by key name and key hash)."""

    reason = "unknown_key"


class BadSignature(CheckpointError):
    """A signature line from the trusted key does not verify: the text was altered or forged."""

    reason = "bad_signature"


class WrongOrigin(CheckpointError):
    """Correctly signed, but a checkpoint of another log."""

    reason = "wrong_origin"


# --------------------------------------------------------------------------- checkpoint body


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: which log (``origin``), how many leaves (``size``) and their root hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The note text of this checkpoint (unsigned)."""
        return format_checkpoint(self.origin, self.size, self.root, self.extensions)


def format_checkpoint(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The checkpoint note text: origin, size and base64 root lines (and extension lines), each ending in ``\\n``."""
    _check_line("origin", origin)
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_TREE_SIZE:
        raise ValueError(f"tree size must be an integer in [0, 2**64) (got {size!r})")
    if not isinstance(root, bytes | bytearray) or len(root) != HASH_SIZE:
        raise ValueError(f"root must be a {HASH_SIZE}-byte hash")
    for ext in extensions:
        _check_line("extension line", ext)
    lines = [origin, str(size), base64.b64encode(bytes(root)).decode("ascii"), *extensions]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(body: str) -> Checkpoint:
    """Parse an (already verified) checkpoint note text. Raises :class:`MalformedCheckpoint`."""
    if not body.endswith("\n"):
        raise MalformedCheckpoint("the checkpoint text does not end with a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise MalformedCheckpoint(f"a checkpoint has at least 3 lines (origin, size, root); this has {len(lines)}")
    for number, line in enumerate(lines, 1):
        if not line:
            raise MalformedCheckpoint(f"line {number} of the checkpoint is empty")
        if _CONTROL.search(line):
            raise MalformedCheckpoint(f"line {number} of the checkpoint holds a control character")
    origin, size_line, root_line, *extensions = lines
    if not _DECIMAL.match(size_line):
        raise MalformedCheckpoint(f"the tree size {size_line!r} is not a decimal number without sign or leading zeros")
    size = int(size_line)
    if size > MAX_TREE_SIZE:
        raise MalformedCheckpoint(f"the tree size {size_line} does not fit in 64 bits")
    root = _b64decode_strict(root_line, "root hash")
    if len(root) != HASH_SIZE:
        raise MalformedCheckpoint(f"the root hash has {len(root)} bytes, not {HASH_SIZE}")
    return Checkpoint(origin=origin, size=size, root=root, extensions=tuple(extensions))


def _check_line(what: str, value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"the {what} must be a non-empty string")
    if "\n" in value or _CONTROL.search(value):
        raise ValueError(f"the {what} must not contain a newline or control character")


def _b64decode_strict(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise MalformedCheckpoint(f"the {what} is not valid base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise MalformedCheckpoint(f"the {what} is not canonical base64")
    return raw


# --------------------------------------------------------------------------- keys


def _check_key_name(name: str) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError("a key name must be a non-empty string")
    if "+" in name or any(ch.isspace() for ch in name) or _CONTROL.search(name):
        raise ValueError(f"a key name must not contain '+', spaces or control characters: {name!r}")


def key_hash(key_name: str, public_key: Any, key_type: int = ED25519_TYPE) -> bytes:
    """``SHA-256(key name || 0x0A || type || public key)[:4]`` — the key hash of signed-note."""
    _check_key_name(key_name)
    raw = _public_key_bytes(public_key) if key_type == ED25519_TYPE else bytes(public_key)
    return hashlib.sha256(key_name.encode("utf-8") + b"\n" + bytes([key_type]) + raw).digest()[:4]


def _ed25519():
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("Ed25519 checkpoint signatures need the 'cryptography' package") from exc
    return ed25519


def _private_key(private_key: Any):
    ed25519 = _ed25519()
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return private_key
    if isinstance(private_key, bytes | bytearray) and len(private_key) == 32:
        return ed25519.Ed25519PrivateKey.from_private_bytes(bytes(private_key))
    raise TypeError("an Ed25519 private key is an Ed25519PrivateKey or its 32 raw bytes")


def _public_key(public_key: Any):
    ed25519 = _ed25519()
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return public_key
    if isinstance(public_key, ed25519.Ed25519PrivateKey):
        return public_key.public_key()
    if isinstance(public_key, bytes | bytearray) and len(public_key) == 32:
        return ed25519.Ed25519PublicKey.from_public_bytes(bytes(public_key))
    raise TypeError("an Ed25519 public key is an Ed25519PublicKey or its 32 raw bytes")


def _public_key_bytes(public_key: Any) -> bytes:
    if isinstance(public_key, bytes | bytearray):
        if len(public_key) != 32:
            raise ValueError("an Ed25519 public key has 32 bytes")
        return bytes(public_key)
    from cryptography.hazmat.primitives import serialization

    return _public_key(public_key).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_ed25519_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as ``(private 32 bytes, public 32 bytes)``."""
    from cryptography.hazmat.primitives import serialization

    key = _ed25519().Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return private, _public_key_bytes(key.public_key())


def verifier_key(key_name: str, public_key: Any) -> str:
    """The text form of a public key that verifiers keep: ``<name>+<hex key hash>+<base64(0x01 || key)>``."""
    raw = _public_key_bytes(public_key)
    return f"{key_name}+{key_hash(key_name, raw).hex()}+{base64.b64encode(bytes([ED25519_TYPE]) + raw).decode('ascii')}"


def parse_verifier_key(text: str) -> tuple[str, bytes]:
    """Parse :func:`verifier_key` text into ``(key name, 32-byte Ed25519 public key)``; ``ValueError`` if wrong."""
    parts = text.strip().split("+", 2)  # the base64 key itself may contain "+"
    if len(parts) != 3:
        raise ValueError("a verifier key is <name>+<hash>+<key>")
    name, hash_hex, key_b64 = parts
    _check_key_name(name)
    try:
        raw = base64.b64decode(key_b64, validate=True)
        expected = bytes.fromhex(hash_hex)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the verifier key is not valid hex and base64") from exc
    if len(raw) != 33 or raw[0] != ED25519_TYPE:
        raise ValueError("the verifier key is not an Ed25519 key")
    if key_hash(name, raw[1:]) != expected:
        raise ValueError("the verifier key's hash does not match its name and key")
    return name, raw[1:]


# --------------------------------------------------------------------------- signers and verifiers


@runtime_checkable
class NoteSigner(Protocol):
    """Something that signs note bodies under a key name (Ed25519 now; SM2 later)."""

    name: str
    key_hash: bytes

    def sign(self, message: bytes) -> bytes: ...


@runtime_checkable
class NoteVerifier(Protocol):
    """Something that checks signatures of one key, known by name and 4-byte key hash."""

    name: str
    key_hash: bytes

    def verify(self, message: bytes, signature: bytes) -> bool: ...


class Ed25519Signer:
    """Signs with an Ed25519 private key (``Ed25519PrivateKey`` or its 32 raw bytes)."""

    def __init__(self, private_key: Any, name: str):
        _check_key_name(name)
        self._key = _private_key(private_key)
        self.name = name
        self.key_hash = key_hash(name, self._key.public_key())

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


class Ed25519Verifier:
    """Checks Ed25519 signatures of one public key (``Ed25519PublicKey`` or its 32 raw bytes)."""

    def __init__(self, public_key: Any, name: str):
        _check_key_name(name)
        self._key = _public_key(public_key)
        self.name = name
        self.key_hash = key_hash(name, self._key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature

        if len(signature) != 64:
            return False
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


# --------------------------------------------------------------------------- signed notes


def _check_body(body: str) -> None:
    if not isinstance(body, str) or not body:
        raise ValueError("a note body must be a non-empty string")
    if not body.endswith("\n"):
        raise ValueError("a note body must end with a newline")
    if "\n\n" in body or body.startswith("\n"):
        raise ValueError("a note body must not contain an empty line")
    if _CONTROL.search(body):
        raise ValueError("a note body must not contain control characters other than newline")


def sign_note(body: str, signers: Sequence[NoteSigner]) -> str:
    """Sign ``body`` with each signer; returns the signed note text (body, blank line, signature lines)."""
    _check_body(body)
    if not signers:
        raise ValueError("a signed note needs at least one signer")
    message = body.encode("utf-8")
    lines = []
    for signer in signers:
        _check_key_name(signer.name)
        if len(signer.key_hash) != 4:
            raise ValueError("a key hash has 4 bytes")
        blob = bytes(signer.key_hash) + bytes(signer.sign(message))
        lines.append(f"{SIG_PREFIX}{signer.name} {base64.b64encode(blob).decode('ascii')}\n")
    return body + "\n" + "".join(lines)


def sign(body: str, private_key: Any, key_name: str) -> str:
    """Sign a checkpoint body (see :func:`format_checkpoint`) with an Ed25519 key; returns the signed note."""
    return sign_note(body, [Ed25519Signer(private_key, key_name)])


def _split_note(text: str | bytes) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """Split a signed note into its body and ``(name, key hash, signature)`` triples; checks syntax only."""
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_NOTE_BYTES:
            raise MalformedCheckpoint("the signed note is too large")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedCheckpoint("the signed note is not UTF-8 text") from exc
    if not isinstance(text, str):
        raise MalformedCheckpoint("the signed note must be text")
    if len(text.encode("utf-8")) > MAX_NOTE_BYTES:
        raise MalformedCheckpoint("the signed note is too large")
    if not text.endswith("\n"):
        raise MalformedCheckpoint("the signed note does not end with a newline (truncated?)")
    cut = text.rfind("\n\n")
    if cut < 0:
        raise MalformedCheckpoint("the signed note has no blank line before its signatures")
    body, block = text[: cut + 1], text[cut + 2 :]
    if _CONTROL.search(body):
        raise MalformedCheckpoint("the note body holds a control character")
    if "\n\n" in body or body.startswith("\n"):
        raise MalformedCheckpoint("the note body holds an empty line")
    lines = block[:-1].split("\n") if block else []
    if not lines:
        raise MalformedCheckpoint("the signed note has no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedCheckpoint(f"the signed note has more than {MAX_SIGNATURES} signatures")
    signatures = []
    for number, line in enumerate(lines, 1):
        if not line.startswith(SIG_PREFIX):
            raise MalformedCheckpoint(f"signature line {number} does not start with an em dash and a space")
        fields = line[len(SIG_PREFIX) :].split(" ")
        if len(fields) != 2 or not fields[0] or not fields[1]:
            raise MalformedCheckpoint(f"signature line {number} is not '— <key name> <signature>'")
        name, blob_b64 = fields
        try:
            _check_key_name(name)
        except ValueError as exc:
            raise MalformedCheckpoint(f"signature line {number}: {exc}") from exc
        blob = _b64decode_strict(blob_b64, f"signature on line {number}")
        if len(blob) < 5:
            raise MalformedCheckpoint(f"signature line {number} is too short to hold a key hash and a signature")
        signatures.append((name, blob[:4], blob[4:]))
    return body, signatures


def open_note(text: str | bytes, verifiers: Sequence[NoteVerifier]) -> tuple[str, list[str]]:
    """Verify a signed note against trusted keys; returns ``(body, names of the keys that signed it)``.

    Signature lines from keys not in ``verifiers`` are ignored (others, such as witnesses, may
    cosign). Raises :class:`MalformedCheckpoint` for bad syntax, :class:`UnknownKey` when no line
    is from a trusted key, and :class:`BadSignature` when a line from a trusted key fails.
    """
    body, signatures = _split_note(text)
    message = body.encode("utf-8")
    by_id = {(v.name, bytes(v.key_hash)): v for v in verifiers}
    verified: list[str] = []
    names_seen = set()
    for name, khash, sig in signatures:
        names_seen.add(name)
        verifier = by_id.get((name, khash))
        if verifier is None:
            continue
        if not verifier.verify(message, sig):
            raise BadSignature(f"the signature of {name!r} does not verify: the checkpoint was altered or forged")
        if name not in verified:
            verified.append(name)
    if not verified:
        trusted = ", ".join(sorted({v.name for v in verifiers})) or "(none)"
        other_key = names_seen & {v.name for v in verifiers}
        if other_key:
            raise UnknownKey(f"signed under the name {sorted(other_key)[0]!r} but by another key than the trusted one")
        raise UnknownKey(f"no signature from a trusted key ({trusted}); signed by: {', '.join(sorted(names_seen))}")
    return body, verified


def parse_and_verify(text: str | bytes, public_key: Any, key_name: str, expected_origin: str) -> Checkpoint:
    """Verify a signed checkpoint from ``key_name`` / ``public_key`` for the log ``expected_origin``.

    Returns the :class:`Checkpoint`; raises :class:`MalformedCheckpoint`, :class:`UnknownKey`,
    :class:`BadSignature` or :class:`WrongOrigin`.
    """
    body, _ = open_note(text, [Ed25519Verifier(public_key, key_name)])
    checkpoint = parse_checkpoint(body)
    if checkpoint.origin != expected_origin:
        raise WrongOrigin(f"the checkpoint is of the log {checkpoint.origin!r}, not {expected_origin!r}")
    return checkpoint
