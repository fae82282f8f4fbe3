"""C2SP checkpoints as signed notes: format, sign, parse and verify, and every way to reject one."""

import base64
import hashlib
import importlib.util

import pytest

from sanxiang.records.checkpoint import (
    BadSignature,
    Checkpoint,
    CheckpointError,
    Ed25519Signer,
    Ed25519Verifier,
    MalformedCheckpoint,
    UnknownKey,
    WrongOrigin,
    format_checkpoint,
    key_hash,
    open_note,
    parse_and_verify,
    parse_checkpoint,
    parse_verifier_key,
    sign,
    sign_note,
    verifier_key,
)
from sanxiang.records.merkle import leaf_hash, root

pytestmark = pytest.mark.req("REC-07")

ORIGIN = "sanxiang.test/records"
KEY_NAME = "sanxiang.test/records"
ROOT = root([leaf_hash(b"a"), leaf_hash(b"b"), leaf_hash(b"c")])
# RFC 8032 §7.1 test 1 key pair, so the expected signature bytes are fixed.
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")


# --------------------------------------------------------------------------- text form, no keys


def test_format_checkpoint_is_the_c2sp_body():
    body = format_checkpoint(ORIGIN, 3, ROOT)
    assert body == f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}\n"
    assert parse_checkpoint(body) == Checkpoint(ORIGIN, 3, ROOT)
    with_ext = format_checkpoint(ORIGIN, 3, ROOT, ["ts 2025-01-01"])
    assert parse_checkpoint(with_ext).extensions == ("ts 2025-01-01",)
    assert Checkpoint(ORIGIN, 0, ROOT).body() == format_checkpoint(ORIGIN, 0, ROOT)


@pytest.mark.parametrize(
    "args",
    [("", 1, ROOT), ("a\nb", 1, ROOT), (ORIGIN, -1, ROOT), (ORIGIN, 2**64, ROOT), (ORIGIN, 1, ROOT[:31]), (ORIGIN, True, ROOT)],
)
def test_format_checkpoint_refuses_bad_values(args):
    with pytest.raises(ValueError):
        format_checkpoint(*args)


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n3\n",  # no root line
        f"{ORIGIN}\n03\n{base64.b64encode(ROOT).decode()}\n",  # leading zero
        f"{ORIGIN}\n+3\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n3 \n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n18446744073709551616\n{base64.b64encode(ROOT).decode()}\n",  # 2**64
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT[:31]).decode()}\n",  # 31-byte root
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",  # unpadded base64
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}",  # no final newline
        f"{ORIGIN}\n3\n{base64.b64encode(ROOT).decode()}\n\n",  # empty extension line
        f"\n3\n{base64.b64encode(ROOT).decode()}\n",  # empty origin
    ],
)
def test_parse_checkpoint_rejects_malformed_bodies(body):
    with pytest.raises(MalformedCheckpoint):
        parse_checkpoint(body)


# --------------------------------------------------------------------------- keys and signatures

needs_crypto = pytest.mark.skipif(
    importlib.util.find_spec("cryptography") is None, reason="Ed25519 signing needs the 'cryptography' package"
)


def _other_public_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().public_key()


@needs_crypto
def test_key_hash_is_the_signed_note_ed25519_key_id():
    expected = hashlib.sha256(KEY_NAME.encode() + b"\n\x01" + PUBLIC).digest()[:4]
    assert key_hash(KEY_NAME, PUBLIC) == expected
    vkey = verifier_key(KEY_NAME, PUBLIC)
    encoded_key = base64.b64encode(b"\x01" + PUBLIC).decode()
    assert vkey == f"{KEY_NAME}+{expected.hex()}+{encoded_key}"
    assert parse_verifier_key(vkey) == (KEY_NAME, PUBLIC)
    with pytest.raises(ValueError):
        parse_verifier_key(vkey.replace(expected.hex(), "00000000"))


@needs_crypto
def test_round_trip():
    body = format_checkpoint(ORIGIN, 3, ROOT)
    note = sign(body, SEED, KEY_NAME)
    head, _, sigline = note.partition("\n\n")
    assert head + "\n" == body
    assert sigline.startswith(f"\u2014 {KEY_NAME} ") and sigline.endswith("\n")
    blob = base64.b64decode(sigline.split(" ")[2])
    assert blob[:4] == key_hash(KEY_NAME, PUBLIC) and len(blob) == 4 + 64
    checkpoint = parse_and_verify(note, PUBLIC, KEY_NAME, ORIGIN)
    assert checkpoint == Checkpoint(ORIGIN, 3, ROOT)
    # bytes in, and a key object instead of raw bytes, work the same
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(SEED)
    assert parse_and_verify(note.encode(), key.public_key(), KEY_NAME, ORIGIN) == checkpoint
    assert sign(body, key, KEY_NAME) == note  # Ed25519 is deterministic


@needs_crypto
def test_unrelated_cosignatures_are_ignored():
    witness = Ed25519Signer(bytes(range(32)), "witness.example")
    note = sign_note(format_checkpoint(ORIGIN, 3, ROOT), [witness, Ed25519Signer(SEED, KEY_NAME)])
    assert parse_and_verify(note, PUBLIC, KEY_NAME, ORIGIN).size == 3


@needs_crypto
def test_bad_signature():
    note = sign(format_checkpoint(ORIGIN, 3, ROOT), SEED, KEY_NAME)
    # the body altered after signing (size 3 -> 4)
    forged = note.replace(f"{ORIGIN}\n3\n", f"{ORIGIN}\n4\n", 1)
    with pytest.raises(BadSignature):
        parse_and_verify(forged, PUBLIC, KEY_NAME, ORIGIN)
    # one bit of the signature flipped
    head, sig_line = note.rsplit(" ", 1)
    blob = bytearray(base64.b64decode(sig_line))
    blob[10] ^= 0x01
    with pytest.raises(BadSignature) as err:
        parse_and_verify(f"{head} {base64.b64encode(bytes(blob)).decode()}\n", PUBLIC, KEY_NAME, ORIGIN)
    assert err.value.reason == "bad_signature"


@needs_crypto
def test_other_origin():
    note = sign(format_checkpoint("other.log/records", 3, ROOT), SEED, KEY_NAME)
    with pytest.raises(WrongOrigin, match="other.log/records"):
        parse_and_verify(note, PUBLIC, KEY_NAME, ORIGIN)


@needs_crypto
def test_wrong_key_name_and_unknown_key():
    note = sign(format_checkpoint(ORIGIN, 3, ROOT), SEED, KEY_NAME)
    with pytest.raises(UnknownKey):
        parse_and_verify(note, PUBLIC, "another.name", ORIGIN)
    with pytest.raises(UnknownKey, match="another key"):
        parse_and_verify(note, _other_public_key(), KEY_NAME, ORIGIN)


@needs_crypto
@pytest.mark.parametrize("cut", [1, 20, 60, 90])
def test_truncated_text(cut):
    note = sign(format_checkpoint(ORIGIN, 3, ROOT), SEED, KEY_NAME)
    with pytest.raises(CheckpointError) as err:
        parse_and_verify(note[:-cut], PUBLIC, KEY_NAME, ORIGIN)
    assert isinstance(err.value, MalformedCheckpoint | BadSignature | UnknownKey)


@needs_crypto
@pytest.mark.parametrize(
    "mangle",
    [
        lambda n: n.replace("\n\n", "\n"),  # no blank line
        lambda n: n.replace("\u2014 ", "-- "),  # not an em dash
        lambda n: n + "trailing words\n",
        lambda n: n.rstrip("\n"),
        lambda n: n.replace("\n\n", "\n\n\n"),  # signature block starts with an empty line
        lambda n: n.replace("3\n", "3\r\n", 1),
        lambda n: n.split("\n\n")[0] + "\n\n",  # no signature lines
        lambda n: n[:-3] + "!!\n",  # signature not base64
        lambda n: n.encode("utf-8")[:-1] + b"\xff\n",  # not UTF-8
        lambda n: 12345,
    ],
)
def test_malformed_notes(mangle):
    note = sign(format_checkpoint(ORIGIN, 3, ROOT), SEED, KEY_NAME)
    with pytest.raises(MalformedCheckpoint):
        parse_and_verify(mangle(note), PUBLIC, KEY_NAME, ORIGIN)


@needs_crypto
def test_signed_but_malformed_body():
    note = sign_note(f"{ORIGIN}\nthree\nnot-a-root\n", [Ed25519Signer(SEED, KEY_NAME)])
    body, names = open_note(note, [Ed25519Verifier(PUBLIC, KEY_NAME)])
    assert names == [KEY_NAME] and body.startswith(ORIGIN)
    with pytest.raises(MalformedCheckpoint):
        parse_and_verify(note, PUBLIC, KEY_NAME, ORIGIN)


@needs_crypto
@pytest.mark.parametrize("name", ["", "has space", "a+b", "tab\there"])
def test_bad_key_names_are_refused(name):
    with pytest.raises(ValueError):
        sign(format_checkpoint(ORIGIN, 3, ROOT), SEED, name)


@needs_crypto
def test_bad_bodies_are_not_signed():
    for body in ["no newline", "a\n\nb\n", "", "ctrl\x07\n"]:
        with pytest.raises(ValueError):
            sign(body, SEED, KEY_NAME)


# The example note of Go's golang.org/x/mod/sumdb/note documentation: a published known answer
# showing that our notes are byte for byte what other signed-note implementations produce and accept.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY_B64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"  # 0x01 || Ed25519 seed
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = GO_TEXT + (
    "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


@needs_crypto
def test_interoperates_with_the_published_signed_note_example():
    name, public = parse_verifier_key(GO_VKEY)
    assert name == "PeterNeumann"
    assert open_note(GO_NOTE, [Ed25519Verifier(public, name)]) == (GO_TEXT, [name])
    seed = base64.b64decode(GO_SKEY_B64)[1:]
    assert sign_note(GO_TEXT, [Ed25519Signer(seed, name)]) == GO_NOTE
    with pytest.raises(BadSignature):
        open_note(GO_NOTE.replace("problem,", "problem;"), [Ed25519Verifier(public, name)])
