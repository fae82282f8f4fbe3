"""RFC 6962 / 9162 Merkle tree: known roots, proofs, verifiers, the shared probe vectors, the frontier."""

import base64
import json
from pathlib import Path

import pytest

from sanxiang.records import merkle
from sanxiang.records.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    consistency_proof_ranges,
    inclusion_proof,
    inclusion_proof_ranges,
    leaf_hash,
    list_range_hasher,
    node_hash,
    root,
    subtree_range_hasher,
    subtrees_of_range,
    verify_consistency,
    verify_inclusion,
)

pytestmark = pytest.mark.req("REC-06")

# The standard leaf inputs of RFC 6962 test suites and the SHA-256 root of the first n of them.
LEAF_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
KNOWN_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
STANDARD_LEAVES = [leaf_hash(bytes.fromhex(x)) for x in LEAF_INPUTS]


def _leaves(n):
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[(bit // 8) % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


def _rejects(func, *args):
    with pytest.raises(ProofError):
        func(*args)


# --------------------------------------------------------------------------- known answers


@pytest.mark.parametrize("n", range(len(KNOWN_ROOTS)))
def test_known_roots(n):
    assert root(STANDARD_LEAVES[:n]).hex() == KNOWN_ROOTS[n]
    assert list_range_hasher(STANDARD_LEAVES)(0, n).hex() == KNOWN_ROOTS[n]
    cr = CompactRange()
    cr.extend(STANDARD_LEAVES[:n])
    assert cr.root().hex() == KNOWN_ROOTS[n]


def test_hash_primitives():
    assert EMPTY_ROOT.hex() == KNOWN_ROOTS[0]
    assert leaf_hash(b"").hex() == KNOWN_ROOTS[1]  # H(0x00)
    assert node_hash(STANDARD_LEAVES[0], STANDARD_LEAVES[1]).hex() == KNOWN_ROOTS[2]
    # domain separation: a leaf of 64 bytes is not an interior node over the same bytes
    assert leaf_hash(STANDARD_LEAVES[0] + STANDARD_LEAVES[1]) != node_hash(STANDARD_LEAVES[0], STANDARD_LEAVES[1])


def test_root_rejects_bad_leaf_hashes():
    with pytest.raises(ValueError):
        root([b"short"])


# --------------------------------------------------------------------------- index arithmetic


def test_proof_ranges_examples():
    # RFC 9162 §2.1.5 example tree of 7 leaves (d0..d6)
    assert inclusion_proof_ranges(0, 7) == [(1, 2), (2, 4), (4, 7)]
    assert inclusion_proof_ranges(3, 7) == [(2, 3), (0, 2), (4, 7)]
    assert inclusion_proof_ranges(4, 7) == [(5, 6), (6, 7), (0, 4)]
    assert inclusion_proof_ranges(6, 7) == [(4, 6), (0, 4)]
    assert consistency_proof_ranges(3, 7) == [(2, 3), (3, 4), (0, 2), (4, 7)]
    assert consistency_proof_ranges(4, 7) == [(4, 7)]
    assert consistency_proof_ranges(6, 7) == [(4, 6), (6, 7), (0, 4)]
    assert consistency_proof_ranges(7, 7) == []
    for bad in [(0, 0), (7, 7), (-1, 3)]:
        with pytest.raises(ValueError):
            inclusion_proof_ranges(*bad)
    for bad in [(0, 3), (4, 3)]:
        with pytest.raises(ValueError):
            consistency_proof_ranges(*bad)


def test_subtrees_of_range():
    assert subtrees_of_range(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert subtrees_of_range(8, 13) == [(2, 2), (0, 12)]
    assert subtrees_of_range(4, 8) == [(2, 1)]
    with pytest.raises(ValueError):
        subtrees_of_range(2, 7)  # not a node of any RFC 9162 tree
    with pytest.raises(ValueError):
        subtrees_of_range(3, 3)


def test_every_proof_range_is_a_subtree_range():
    for size in range(1, 130):
        for index in range(size):
            for s, e in inclusion_proof_ranges(index, size):
                subtrees_of_range(s, e)
        for m in range(1, size + 1):
            for s, e in consistency_proof_ranges(m, size):
                subtrees_of_range(s, e)


# --------------------------------------------------------------------------- the frontier appender


def test_compact_range_matches_root_for_sizes_0_to_300():
    leaves = _leaves(300)
    cr = CompactRange()
    assert cr.root() == EMPTY_ROOT
    for n in range(1, 301):
        cr.append(leaves[n - 1])
        assert cr.size == n
        assert len(cr.hashes) == n.bit_count()
        assert cr.root() == root(leaves[:n]), n


def test_compact_range_reports_complete_subtrees_and_serves_proofs():
    leaves = _leaves(300)
    nodes = {}
    cr = CompactRange(on_node=lambda level, index, h: nodes.__setitem__((level, index), h))
    cr.extend(leaves)
    mth = list_range_hasher(leaves)
    # every complete subtree was reported once, with its right hash
    for (level, index), h in nodes.items():
        assert mth(index << level, (index + 1) << level) == h
    assert len(nodes) == sum(300 >> level for level in range(9))
    # a log that keeps only those nodes answers proofs without the leaves
    from_nodes = subtree_range_hasher(lambda level, index: nodes[(level, index)])
    for size in (1, 5, 64, 100, 255, 256, 257, 300):
        assert from_nodes(0, size) == root(leaves[:size])
        for index in (0, size // 3, size - 1):
            assert merkle.inclusion_proof_from(from_nodes, index, size) == inclusion_proof(leaves[:size], index)
        for m in (1, size // 2 or 1, size):
            assert merkle.consistency_proof_from(from_nodes, m, size) == consistency_proof(leaves[:size], m)


def test_compact_range_resumes_from_a_stored_frontier():
    leaves = _leaves(77)
    a = CompactRange()
    a.extend(leaves[:50])
    stored = [(level, index, h.hex()) for level, index, h in a.subtrees()]
    assert [(lv, ix) for lv, ix, _ in stored] == subtrees_of_range(0, 50)
    b = CompactRange(50, [bytes.fromhex(h) for _, _, h in stored])
    b.extend(leaves[50:])
    assert b.root() == root(leaves)
    c = a.copy()
    c.append(leaves[50])
    assert a.size == 50 and c.size == 51
    with pytest.raises(ValueError):
        CompactRange(50, [leaves[0]])  # 50 = 0b110010 needs three hashes
    with pytest.raises(ValueError):
        a.append(b"not a hash")


# --------------------------------------------------------------------------- generated proofs


def test_every_inclusion_proof_up_to_64_verifies_and_any_bit_flip_fails():
    leaves = _leaves(64)
    for size in range(1, 65):
        tree = leaves[:size]
        r = root(tree)
        for index in range(size):
            proof = inclusion_proof(tree, index)
            verify_inclusion(tree[index], index, size, proof, r)
            for i in range(len(proof)):
                bad = list(proof)
                bad[i] = _flip(bad[i], 7 * index + 3 * i + size)
                _rejects(verify_inclusion, tree[index], index, size, bad, r)
            _rejects(verify_inclusion, tree[index], index, size, proof, _flip(r, index + size))
            _rejects(verify_inclusion, _flip(tree[index], index), index, size, proof, r)
            if size > 1:
                _rejects(verify_inclusion, tree[index], (index + 1) % size, size, proof, r)


def test_every_consistency_proof_up_to_64_verifies_and_any_bit_flip_fails():
    leaves = _leaves(64)
    roots = [root(leaves[:n]) for n in range(65)]
    for size2 in range(1, 65):
        for size1 in range(1, size2 + 1):
            proof = consistency_proof(leaves[:size2], size1)
            verify_consistency(size1, size2, roots[size1], roots[size2], proof)
            for i in range(len(proof)):
                bad = list(proof)
                bad[i] = _flip(bad[i], 5 * size1 + 11 * i + size2)
                _rejects(verify_consistency, size1, size2, roots[size1], roots[size2], bad)
            _rejects(verify_consistency, size1, size2, _flip(roots[size1], size2), roots[size2], proof)
            _rejects(verify_consistency, size1, size2, roots[size1], _flip(roots[size2], size1), proof)
            if size1 < size2:
                # a proof against the wrong old size fails too
                other = size1 + 1
                _rejects(verify_consistency, other, size2, roots[other], roots[size2], proof)


def test_malformed_inclusion_proofs_are_rejected():
    leaves = _leaves(10)
    r = root(leaves)
    proof = inclusion_proof(leaves, 3)
    verify_inclusion(leaves[3], 3, 10, proof, r)
    _rejects(verify_inclusion, leaves[3], 3, 10, proof[:-1], r)  # too short
    _rejects(verify_inclusion, leaves[3], 3, 10, [*proof, r], r)  # too long
    _rejects(verify_inclusion, leaves[3], 3, 10, [proof[0] + b"\x00", *proof[1:]], r)  # element of 33 bytes
    _rejects(verify_inclusion, leaves[3], 3, 10, [b"", *proof[1:]], r)
    _rejects(verify_inclusion, leaves[3], 10, 10, proof, r)  # index == size
    _rejects(verify_inclusion, leaves[3], 11, 10, proof, r)  # index > size
    _rejects(verify_inclusion, leaves[3], -1, 10, proof, r)
    _rejects(verify_inclusion, leaves[3], 3, 10, proof, r[:31])  # short root
    _rejects(verify_inclusion, leaves[0], 0, 0, [], EMPTY_ROOT)  # nothing is in the empty tree
    _rejects(verify_inclusion, leaves[3], 3, 10, list(reversed(proof)), r)


def test_malformed_consistency_proofs_are_rejected():
    leaves = _leaves(10)
    r6, r10 = root(leaves[:6]), root(leaves)
    proof = consistency_proof(leaves, 6)
    verify_consistency(6, 10, r6, r10, proof)
    _rejects(verify_consistency, 6, 10, r6, r10, proof[:-1])
    _rejects(verify_consistency, 6, 10, r6, r10, [*proof, r6])
    _rejects(verify_consistency, 6, 10, r6, r10, [])
    _rejects(verify_consistency, 10, 6, r10, r6, proof)  # size1 > size2
    _rejects(verify_consistency, 0, 10, EMPTY_ROOT, r10, proof)  # from the empty tree, non-empty proof
    _rejects(verify_consistency, 0, 10, EMPTY_ROOT, r10, [])
    _rejects(verify_consistency, 10, 10, r10, r10, [r10])  # equal sizes need an empty proof
    _rejects(verify_consistency, 10, 10, r10, r6, [])  # equal sizes, different roots: a fork
    _rejects(verify_consistency, 6, 10, r10, r6, proof)  # swapped roots
    _rejects(verify_consistency, 6, 10, r6, r10, [p[:16] for p in proof])
    verify_consistency(10, 10, r10, r10, [])


# --------------------------------------------------------------------------- shared probe vectors


def _find_vectors():
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            return parent.parent / "shared" / "testdata" / "merkle"
    return None


VECTORS = _find_vectors()
MISSING = "the shared Merkle probe vectors (../shared/testdata/merkle) are not on this machine; CI has them"


def _vector_params(kind):
    folder = VECTORS / kind if VECTORS else None
    if folder is None or not folder.is_dir():
        return [pytest.param(None, id=f"{kind}-absent", marks=pytest.mark.skip(reason=MISSING))]
    files = sorted(folder.rglob("*.json"))
    return [pytest.param(f, id=f.relative_to(folder).as_posix()) for f in files]


def _b64(value):
    return base64.b64decode(value) if value else b""


def _accepts(func, *args):
    try:
        func(*args)
    except ProofError:
        return False
    return True


@pytest.mark.parametrize("path", _vector_params("inclusion"))
def test_inclusion_probe_vectors(path):
    probe = json.loads(path.read_text())
    accepted = _accepts(
        verify_inclusion,
        _b64(probe["leafHash"]),
        probe["leafIdx"],
        probe["treeSize"],
        [_b64(p) for p in probe["proof"] or []],
        _b64(probe["root"]),
    )
    assert accepted is not probe["wantErr"], probe["desc"]


@pytest.mark.parametrize("path", _vector_params("consistency"))
def test_consistency_probe_vectors(path):
    probe = json.loads(path.read_text())
    accepted = _accepts(
        verify_consistency,
        probe["size1"],
        probe["size2"],
        _b64(probe["root1"]),
        _b64(probe["root2"]),
        [_b64(p) for p in probe["proof"] or []],
    )
    assert accepted is not probe["wantErr"], probe["desc"]


def test_all_probe_vectors_are_there():
    if VECTORS is None or not VECTORS.is_dir():
        pytest.skip(MISSING)
    count = sum(1 for kind in ("inclusion", "consistency") for _ in (VECTORS / kind).rglob("*.json"))
    assert count == 196
