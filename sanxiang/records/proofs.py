"""Proofs of the record log served from the database (RFC 9162 §2.1.3, §2.1.4).

A proof is made of the hashes of complete subtrees: level 0 is a leaf (``LogEntry.leaf_hash``),
levels ≥ 1 are cached in ``TreeNode`` rows written by :mod:`sanxiang.records.log`. Each function
works out, with :mod:`merkle`'s index arithmetic alone, every ``(level, index)`` it needs, fetches
them in one query (after reading the log's size) and folds them; nothing is hashed from the raw entries.

Results are plain dicts with ``bytes`` hashes (the API and CLI encode them):

- :func:`inclusion_proof` → ``{"leaf_index", "tree_size", "leaf_hash", "hashes", "root"}``;
- :func:`consistency_proof` → ``{"size1", "size2", "root1", "root2", "hashes"}``;
- :func:`root_at` → the 32-byte root of the first ``size`` leaves.

Bad input (a leaf not in the tree, a size larger than the log, ``size1 > size2``, ``size1 = 0``)
raises Django's ``ValidationError`` with a Chinese message. A node that should exist and does not
(the database was tampered with) raises :class:`MissingNode`.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection

from . import merkle

_INDEX = '"index"'  # a column named like an SQL keyword; double quotes work on PostgreSQL and SQLite

__all__ = ["MissingNode", "consistency_proof", "inclusion_proof", "inclusion_proofs", "log_size", "root_at"]


class MissingNode(RuntimeError):
    """A leaf or cached node the log must hold is absent: rows were removed behind the application's back."""


def log_size() -> int:
    """The number of entries in the log (from the log head)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT size FROM records_loghead WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        raise MissingNode("日志头记录（records_loghead id=1）不存在：数据库被改动过，请运行 sanxiang verify")
    return row[0]


def _as_int(name: str, value) -> int:
    if isinstance(value, bool):
        raise ValidationError(f"{name}必须是整数", code="invalid")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{name}“{value}”不是整数", code="invalid") from None
    if isinstance(value, float) and value != number:
        raise ValidationError(f"{name}“{value}”不是整数", code="invalid")
    if number < 0:
        raise ValidationError(f"{name}不能为负数（{number}）", code="invalid")
    return number


def _check_size(size: int, current: int, name: str = "树大小") -> None:
    if size > current:
        raise ValidationError(f"{name} {size} 超过了日志当前的条目数 {current}", code="too_large")


def _fetch(subtrees: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Hashes of the given complete subtrees, leaves and cached nodes together, in one query."""
    wanted = set(subtrees)
    leaves = sorted(index for level, index in wanted if level == 0)
    by_level: dict[int, list[int]] = {}
    for level, index in sorted(wanted):
        if level > 0:
            by_level.setdefault(level, []).append(index)
    parts, params = [], []
    if leaves:
        parts.append(f"SELECT 0, seq, leaf_hash FROM records_logentry WHERE seq IN ({', '.join(['%s'] * len(leaves))})")
        params.extend(leaves)
    if by_level:
        conditions = []
        for level, indexes in by_level.items():
            conditions.append(f"(level = %s AND {_INDEX} IN ({', '.join(['%s'] * len(indexes))}))")
            params.extend([level, *indexes])
        parts.append(f"SELECT level, {_INDEX}, hash FROM records_treenode WHERE {' OR '.join(conditions)}")
    found: dict[tuple[int, int], bytes] = {}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for level, index, h in cursor.fetchall():
                found[(level, index)] = bytes(h)
    missing = wanted - found.keys()
    if missing:
        level, index = min(missing)
        what = f"第 {index} 条的叶哈希" if level == 0 else f"树节点 (层 {level}, 序号 {index})"
        raise MissingNode(f"日志缺少{what}：数据库中的记录被删除或改动过，请运行 sanxiang verify")
    return found


def _subtrees(ranges: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for start, end in ranges:
        out.update(merkle.subtrees_of_range(start, end))
    return out


def _hasher(found: dict[tuple[int, int], bytes]):
    return merkle.subtree_range_hasher(lambda level, index: found[(level, index)])


def root_at(size) -> bytes:
    """The root of the tree of the first ``size`` entries (``size`` ≤ the log's size)."""
    size = _as_int("树大小", size)
    _check_size(size, log_size())
    if size == 0:
        return merkle.EMPTY_ROOT
    found = _fetch(merkle.subtrees_of_range(0, size))
    return _hasher(found)(0, size)


def inclusion_proof(seq, tree_size=None) -> dict:
    """Inclusion proof of entry ``seq`` in the tree of ``tree_size`` entries (default: the whole log)."""
    return inclusion_proofs([seq], tree_size)[0]


def inclusion_proofs(seqs, tree_size=None) -> list[dict]:
    """Inclusion proofs of many entries in one tree, with all the hashes fetched in one query."""
    current = log_size()
    size = current if tree_size is None else _as_int("树大小", tree_size)
    _check_size(size, current)
    indexes = [_as_int("条目序号", seq) for seq in seqs]
    for index in indexes:
        if index >= size:
            raise ValidationError(f"条目序号 {index} 不在大小为 {size} 的树中（序号应小于树大小）", code="not_in_tree")
    if not indexes:
        return []
    ranges = {(0, size)}
    for index in indexes:
        ranges.add((index, index + 1))
        ranges.update(merkle.inclusion_proof_ranges(index, size))
    found = _fetch(_subtrees(ranges))
    range_hash = _hasher(found)
    root = range_hash(0, size)
    return [
        {
            "leaf_index": index,
            "tree_size": size,
            "leaf_hash": found[(0, index)],
            "hashes": merkle.inclusion_proof_from(range_hash, index, size),
            "root": root,
        }
        for index in indexes
    ]


def consistency_proof(size1, size2) -> dict:
    """Consistency proof that the tree of ``size2`` entries extends the tree of ``size1`` entries."""
    size1 = _as_int("起始树大小", size1)
    size2 = _as_int("目标树大小", size2)
    if size1 == 0:
        raise ValidationError("起始树大小必须大于 0：任何树都包含空树，与空树的一致性证明没有意义", code="empty")
    if size1 > size2:
        raise ValidationError(f"起始树大小 {size1} 大于目标树大小 {size2}：日志只会增长", code="order")
    _check_size(size2, log_size(), "目标树大小")
    ranges = {(0, size1), (0, size2), *merkle.consistency_proof_ranges(size1, size2)}
    found = _fetch(_subtrees(ranges))
    range_hash = _hasher(found)
    return {
        "size1": size1,
        "size2": size2,
        "root1": range_hash(0, size1),
        "root2": range_hash(0, size2),
        "hashes": merkle.consistency_proof_from(range_hash, size1, size2),
    }
