"""The Merkle tree of the records log: RFC 6962 / RFC 9162 §2.1 exactly, with SHA-256.

Pure Python, no Django. Everything here works on 32-byte hashes; what a leaf *is* (the canonical
bytes of a log entry) is decided by the caller, who hashes it with :func:`leaf_hash`.

Definitions (RFC 9162 §2.1.1), for a list ``D[n]`` of leaf inputs:

- ``MTH({}) = SHA-256()`` — the empty tree;
- ``MTH({d0}) = SHA-256(0x00 || d0)`` — :func:`leaf_hash`;
- ``MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`` for ``n > 1``, where ``k`` is the
  largest power of two smaller than ``n`` — :func:`node_hash`.

Three layers, so that a database-backed log never has to hold every leaf in memory:

1. **Index arithmetic** (no hashing): :func:`inclusion_proof_ranges` and
   :func:`consistency_proof_ranges` say *which* leaf ranges ``[start, end)`` a proof is made of;
   :func:`subtrees_of_range` splits such a range into complete ("perfect") subtrees, named
   ``(level, index)`` = leaves ``[index * 2**level, (index + 1) * 2**level)``. Complete subtrees
   never change once written, so a later session can keep their hashes in a table and fetch
   all the nodes a proof needs in one query.
2. **Proofs over a range hasher**: :func:`inclusion_proof_from` and
   :func:`consistency_proof_from` take any ``range_hash(start, end) -> MTH(D[start:end])``
   callable. :func:`list_range_hasher` is the in-memory one; :func:`subtree_range_hasher` builds
   one over a ``subtree_hash(level, index)`` lookup (e.g. the cached-node table).
3. **Appending**: :class:`CompactRange` holds the frontier (the roots of the complete subtrees
   covering ``D[0:n]``, at most ``log2(n) + 1`` hashes), appends a leaf hash and gives the root of
   the current size in ``O(log n)``; it reports every complete subtree it finishes, which is
   exactly what a node-cache table needs to store.

Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). The verifiers
return ``None`` when the proof holds and raise :class:`ProofError` (a ``ValueError``) whose
message says why it does not; they never return ``False``. Every malformed input is rejected:
a wrong number of hashes, a hash that is not 32 bytes, ``index >= size``, ``size1 > size2``, a
consistency proof from the empty tree, a non-empty proof between equal sizes, and so on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "ProofError",
    "consistency_proof",
    "consistency_proof_from",
    "consistency_proof_ranges",
    "fold_subtrees",
    "inclusion_proof",
    "inclusion_proof_from",
    "inclusion_proof_ranges",
    "leaf_hash",
    "list_range_hasher",
    "node_hash",
    "root",
    "subtree_range_hasher",
    "subtrees_of_range",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
#: MTH of the empty tree: SHA-256 of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256

#: ``range_hash(start, end)`` returns ``MTH(D[start:end])``.
RangeHash = Callable[[int, int], bytes]
#: ``subtree_hash(level, index)`` returns the hash of leaves ``[index << level, (index + 1) << level)``.
SubtreeHash = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof, or the sizes and hashes it is checked against, does not hold. ``str()`` says why."""


# --------------------------------------------------------------------------- hashing


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``: the hash of one leaf input."""
    return _sha256(_LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def fold_subtrees(hashes: Sequence[bytes]) -> bytes:
    """Combine the hashes of consecutive complete subtrees of strictly decreasing size.

    The right-most two are joined first: ``h0, h1, h2`` gives ``node(h0, node(h1, h2))``. This is
    how RFC 9162 hashes a range whose complete subtrees are ``h0, h1, h2`` (see
    :func:`subtrees_of_range`). An empty sequence gives :data:`EMPTY_ROOT`.
    """
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = _sha256(_NODE_PREFIX + h + acc).digest()
    return acc


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """``MTH`` of a whole list of leaf hashes (not leaf inputs: hash those with :func:`leaf_hash`).

    Computed level by level: pairing neighbours and carrying a last odd node up unchanged gives
    the same tree as splitting at the largest power of two (RFC 9162 §2.1.1). ``O(n)`` hashes.
    """
    level = list(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    _check_hashes(level, "leaf hash")
    while len(level) > 1:
        paired = [_sha256(_NODE_PREFIX + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# --------------------------------------------------------------------------- index arithmetic


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_size(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative (got {value})")


def inclusion_proof_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTHs form the audit path of leaf ``index`` in a tree of ``size``.

    RFC 9162 §2.1.3.1 ``PATH(m, D[n])``, in proof order (the leaf's sibling first, the root's
    other child last). Raises ``ValueError`` unless ``0 <= index < size``.
    """
    _check_size("index", index)
    _check_size("size", size)
    if index >= size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        mid = start + k
        if index < mid:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            start = mid
    ranges.reverse()
    return ranges


def consistency_proof_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTHs form the consistency proof from ``size1`` to ``size2``.

    RFC 9162 §2.1.4.1 ``PROOF(m, D[n]) = SUBPROOF(m, D[n], true)``, in proof order. Empty when the
    sizes are equal. Raises ``ValueError`` unless ``0 < size1 <= size2``.
    """
    _check_size("size1", size1)
    _check_size("size2", size2)
    if size1 == 0:
        raise ValueError("a consistency proof needs size1 > 0 (every tree extends the empty tree)")
    if size1 > size2:
        raise ValueError(f"size1 {size1} is larger than size2 {size2}")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size2
    whole = True  # the "b" flag of SUBPROOF: the subtree is the root of the old tree itself
    while True:
        if size1 == end:
            # SUBPROOF(m, D[m], b): nothing when b, else the old subtree's own hash
            if not whole:
                ranges.append((start, end))
            break
        k = _split(end - start)
        mid = start + k
        if size1 <= mid:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            start = mid
            whole = False
    ranges.reverse()
    return ranges


def subtrees_of_range(start: int, end: int) -> list[tuple[int, int]]:
    """Split leaves ``[start, end)`` into complete subtrees ``(level, index)``, left to right.

    Every range used by RFC 9162 (a tree, or a node of a tree's split recursion) starts at a
    multiple of a power of two at least as large as the range, so its complete subtrees have
    strictly decreasing sizes and its MTH is :func:`fold_subtrees` of their hashes. Such
    ranges are the only ones accepted; ``ValueError`` otherwise.
    """
    _check_size("start", start)
    _check_size("end", end)
    length = end - start
    if length <= 0:
        raise ValueError(f"empty or inverted range [{start}, {end})")
    if start and start & -start < length:  # start's lowest set bit must cover the whole range
        raise ValueError(f"[{start}, {end}) is not a subtree range of an RFC 9162 tree")
    out: list[tuple[int, int]] = []
    pos = start
    for level in range(length.bit_length() - 1, -1, -1):
        if length >> level & 1:
            out.append((level, pos >> level))
            pos += 1 << level
    return out


# --------------------------------------------------------------------------- range hashers


def list_range_hasher(leaf_hashes: Sequence[bytes]) -> RangeHash:
    """A ``range_hash(start, end)`` over an in-memory list of leaf hashes (no caching)."""
    _check_hashes(leaf_hashes, "leaf hash")

    def mth(start: int, end: int) -> bytes:
        n = end - start
        if n == 1:
            return leaf_hashes[start]
        if n <= 0:
            return EMPTY_ROOT
        k = _split(n)
        return _sha256(_NODE_PREFIX + mth(start, start + k) + mth(start + k, end)).digest()

    def range_hash(start: int, end: int) -> bytes:
        if not 0 <= start <= end <= len(leaf_hashes):
            raise ValueError(f"range [{start}, {end}) is outside a list of {len(leaf_hashes)} leaves")
        return mth(start, end)

    return range_hash


def subtree_range_hasher(subtree_hash: SubtreeHash) -> RangeHash:
    """A ``range_hash(start, end)`` built on ``subtree_hash(level, index)`` lookups.

    This is the shape a database-backed log uses: complete subtree hashes are written once (see
    :class:`CompactRange`) and any RFC 9162 range is at most ``log2(n) + 1`` of them.
    """

    def range_hash(start: int, end: int) -> bytes:
        if start == end:
            return EMPTY_ROOT
        return fold_subtrees([subtree_hash(level, index) for level, index in subtrees_of_range(start, end)])

    return range_hash


# --------------------------------------------------------------------------- proof generation


def inclusion_proof_from(range_hash: RangeHash, index: int, size: int) -> list[bytes]:
    """The inclusion proof (audit path) of leaf ``index`` in the tree of ``size`` leaves."""
    return [range_hash(s, e) for s, e in inclusion_proof_ranges(index, size)]


def consistency_proof_from(range_hash: RangeHash, size1: int, size2: int) -> list[bytes]:
    """The consistency proof between the trees of ``size1`` and ``size2`` leaves."""
    return [range_hash(s, e) for s, e in consistency_proof_ranges(size1, size2)]


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The inclusion proof of leaf ``index`` in the tree made of all of ``leaf_hashes``."""
    return inclusion_proof_from(list_range_hasher(leaf_hashes), index, len(leaf_hashes))


def consistency_proof(leaf_hashes: Sequence[bytes], m: int) -> list[bytes]:
    """The consistency proof from the tree of the first ``m`` leaves to the tree of all of them."""
    return consistency_proof_from(list_range_hasher(leaf_hashes), m, len(leaf_hashes))


# --------------------------------------------------------------------------- verification


def _check_hashes(hashes: Iterable[bytes], what: str) -> None:
    for i, h in enumerate(hashes):
        if not isinstance(h, bytes | bytearray | memoryview):
            raise TypeError(f"{what} {i} must be bytes, not {type(h).__name__}")
        if len(h) != HASH_SIZE:
            raise ValueError(f"{what} {i} has {len(h)} bytes, not {HASH_SIZE}")


def _check_proof_hashes(proof: Sequence[bytes], expected: int) -> list[bytes]:
    if proof is None:
        proof = []
    proof = list(proof)
    if len(proof) != expected:
        raise ProofError(f"the proof has {len(proof)} hashes; a correct one has {expected}")
    for i, h in enumerate(proof):
        if not isinstance(h, bytes | bytearray | memoryview) or len(h) != HASH_SIZE:
            raise ProofError(f"proof hash {i} is not a {HASH_SIZE}-byte hash")
    return [bytes(h) for h in proof]


def _check_sizes(**sizes: int) -> None:
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ProofError(f"{name} must be a non-negative integer (got {value!r})")


def _check_hash_arg(name: str, value: bytes) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview) or len(value) != HASH_SIZE:
        raise ProofError(f"{name} is not a {HASH_SIZE}-byte hash")
    return bytes(value)


def _shift_until_odd_or_zero(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift ``fn`` and ``sn`` together until ``fn`` is odd or zero (RFC 9162 step b.ii/iii)."""
    if fn == 0:
        return fn, sn
    shift = (fn & -fn).bit_length() - 1  # number of trailing zero bits of fn
    return fn >> shift, sn >> shift


def verify_inclusion(leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``tree_size`` leaves with ``root``.

    RFC 9162 §2.1.3.2. Returns ``None``; raises :class:`ProofError` saying why otherwise.
    ``proof`` may be ``None`` for an empty proof (a tree of one leaf).
    """
    _check_sizes(index=index, tree_size=tree_size)
    if index >= tree_size:
        raise ProofError(f"leaf index {index} is not less than the tree size {tree_size}")
    leaf = _check_hash_arg("the leaf hash", leaf_hash)
    expected_root = _check_hash_arg("the root", root)
    path = _check_proof_hashes(proof, len(inclusion_proof_ranges(index, tree_size)))

    # RFC 9162 §2.1.3.2 steps 2-5.
    fn, sn = index, tree_size - 1
    r = leaf
    for p in path:
        if sn == 0:
            raise ProofError("the proof is longer than the path from the leaf to the root")
        if fn & 1 or fn == sn:
            r = _sha256(_NODE_PREFIX + p + r).digest()
            if not fn & 1:
                fn, sn = _shift_until_odd_or_zero(fn, sn)
        else:
            r = _sha256(_NODE_PREFIX + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path from the leaf to the root")
    if r != expected_root:
        raise ProofError("the proof does not lead to the given root: this leaf is not in that tree")


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]) -> None:
    """Check that the tree of ``size2`` leaves with ``root2`` extends the tree of ``size1`` with ``root1``.

    RFC 9162 §2.1.4.2. Returns ``None``; raises :class:`ProofError` saying why otherwise.

    - ``size1 > size2`` is rejected;
    - ``size1 == size2``: the proof must be empty and the roots equal byte for byte;
    - ``size1 == 0`` (and ``size2 > 0``): rejected — every tree extends the empty tree, so such a
      "proof" shows nothing; a caller holding an empty checkpoint checks ``root2`` directly;
    - otherwise the proof must have exactly the expected number of 32-byte hashes and lead to
      both roots.
    """
    _check_sizes(size1=size1, size2=size2)
    if size1 > size2:
        raise ProofError(f"size1 {size1} is larger than size2 {size2}: a log cannot shrink")
    if size1 == size2:
        if proof:
            raise ProofError("the sizes are equal, so the proof must be empty")
        if size1 == 0:
            raise ProofError("both trees are empty: there is nothing to prove")
        if not isinstance(root1, bytes | bytearray) or not isinstance(root2, bytes | bytearray):
            raise ProofError("the roots must be bytes")
        if bytes(root1) != bytes(root2):
            raise ProofError("the sizes are equal but the roots differ: the log was forked or rewritten")
        return
    if size1 == 0:
        raise ProofError("size1 is 0: consistency with the empty tree proves nothing")
    first = _check_hash_arg("root1", root1)
    second = _check_hash_arg("root2", root2)
    path = _check_proof_hashes(proof, len(consistency_proof_ranges(size1, size2)))
    if not path:  # cannot happen for 0 < size1 < size2, kept as RFC 9162 step 1
        raise ProofError("the proof is empty")

    # Step 2: when size1 is a power of two the old root is itself a node of the new tree.
    if size1 & (size1 - 1) == 0:
        path.insert(0, first)
    # Steps 3-4.
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Steps 5-6.
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the trees allow")
        if fn & 1 or fn == sn:
            fr = _sha256(_NODE_PREFIX + c + fr).digest()
            sr = _sha256(_NODE_PREFIX + c + sr).digest()
            if not fn & 1:
                fn, sn = _shift_until_odd_or_zero(fn, sn)
        else:
            sr = _sha256(_NODE_PREFIX + sr + c).digest()
        fn >>= 1
        sn >>= 1
    # Step 7.
    if sn != 0:
        raise ProofError("the proof is shorter than the trees require")
    if fr != first:
        raise ProofError("the proof does not lead to root1: the old tree is not a prefix of the new one")
    if sr != second:
        raise ProofError("the proof does not lead to root2: the new tree does not extend the old one")


# --------------------------------------------------------------------------- appending


class CompactRange:
    """The frontier of a growing log: the roots of the complete subtrees covering ``D[0:size]``.

    ``size`` in binary says which subtrees there are: one of ``2**level`` leaves for each set bit,
    largest (left-most) first. Appending a leaf merges equal-sized subtrees at the right edge
    (amortised ``O(1)``, at most ``log2(n)`` hashes); :meth:`root` folds at most ``log2(n) + 1``
    hashes. The frontier is small enough to store with each checkpoint or log row, and
    :meth:`__init__` takes one back, so a database-backed log can resume from it.

    ``on_node(level, index, hash)``, when given, is called for every complete subtree that an
    append finishes — the new leaf itself (level 0) and each merged node — which is exactly the
    set of rows a node-cache table needs (see :func:`subtree_range_hasher`).
    """

    __slots__ = ("_size", "_hashes", "_on_node")

    def __init__(
        self,
        size: int = 0,
        hashes: Sequence[bytes] = (),
        on_node: Callable[[int, int, bytes], object] | None = None,
    ):
        _check_size("size", size)
        hashes = [bytes(h) for h in hashes]
        if len(hashes) != size.bit_count():
            raise ValueError(f"a frontier of size {size} has {size.bit_count()} hashes, not {len(hashes)}")
        _check_hashes(hashes, "frontier hash")
        self._size = size
        self._hashes = hashes
        self._on_node = on_node

    @property
    def size(self) -> int:
        """Number of leaves appended so far (including those the frontier started with)."""
        return self._size

    @property
    def hashes(self) -> list[bytes]:
        """The frontier: complete subtree roots, largest first (a copy)."""
        return list(self._hashes)

    def subtrees(self) -> list[tuple[int, int, bytes]]:
        """The frontier as ``(level, index, hash)`` rows, largest first."""
        ids = subtrees_of_range(0, self._size) if self._size else []
        return [(level, index, h) for (level, index), h in zip(ids, self._hashes, strict=True)]

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf hash (already ``H(0x00 || data)``) at the right edge."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, not {len(leaf_hash)}")
        hashes = self._hashes
        n = self._size
        h = bytes(leaf_hash)
        visit = self._on_node
        if visit is not None:
            visit(0, n, h)
        level = 0
        # Each trailing 1-bit of n is a subtree of 2**level leaves the new one completes.
        while n >> level & 1:
            h = _sha256(_NODE_PREFIX + hashes.pop() + h).digest()
            level += 1
            if visit is not None:
                visit(level, n >> level, h)
        hashes.append(h)
        self._size = n + 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append many leaf hashes in order."""
        for h in leaf_hashes:
            self.append(h)

    def root(self) -> bytes:
        """MTH of the current tree; :data:`EMPTY_ROOT` when nothing was appended."""
        return fold_subtrees(self._hashes)

    def copy(self) -> CompactRange:
        """An independent frontier with the same leaves (the ``on_node`` callback is not copied)."""
        return CompactRange(self._size, self._hashes)

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()})"
