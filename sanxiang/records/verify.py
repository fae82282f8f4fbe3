"""Verification of the record store (记录完整性核验): what ``sanxiang verify`` runs (DESIGN.md rule 2).

:func:`verify` reads everything the record store promises and recomputes it from the bottom up:

1. **Log entries**, in ``seq`` order, a batch at a time (keyset pagination, never the whole log in
   memory): sequence numbers 0, 1, 2, … without gaps; each leaf hash recomputed from the entry's
   canonical bytes; the ``seq``, ``kind``, ``created_at``, ``agency``, ``case_ref`` and
   ``target_id`` columns equal to the canonical document (the columns are copies kept for
   queries; a row edited in one place and not the other is found).
2. **The tree**: the root recomputed with :class:`merkle.CompactRange` over the recomputed leaves,
   compared with the log head; every cached ``TreeNode`` compared with the node recomputed at the
   same place, and cached nodes beyond the end of the log reported.
3. **Stored checkpoints**: each signature checked under the trusted key, its columns equal to its
   signed text, and its root equal to the recomputed root at its size; a checkpoint for a larger
   size than the log means entries were cut off the end.
4. **An exported checkpoint** (``against``): its signature and origin checked; the log must be at
   least that long, the recomputed root at that size must equal it, and a consistency proof built
   from the stored nodes must carry it to the current root.
5. **Evidence records**: each must point to a log entry whose payload names the blob's SHA-256.
6. **Files**: each blob's file re-hashed with SHA-256 and SM3 (streamed); with ``quick`` only its
   presence and size are checked. Each file is *ok*, *changed*, *missing* or *untracked*
   (Archivematica's words), or *removed* when a tombstone entry in the log says it was removed
   at the end of its retention period, by whom and why.

The result is a :class:`Report`: counts, file statuses and each :class:`Problem` with a Chinese
message naming the entry (``seq``) or file concerned. ``report.ok`` is true only when everything
holds. Usage and configuration errors (an unreadable or untrusted exported checkpoint, no
verifier key) raise :class:`VerifyConfigError` before anything is read.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import CharField, Func, Q, Sum

from . import checkpoint as notes
from . import checkpoints, merkle, proofs, storage
from .models import Blob, Checkpoint, EvidenceRecord, LogEntry, LogHead, TreeNode

__all__ = ["FILE_STATUSES", "FileStatus", "Problem", "Report", "VerifyConfigError", "verify"]

#: Archivematica's words for a file, plus "removed" for content removed under the retention rules.
OK, CHANGED, MISSING, UNTRACKED, REMOVED = "ok", "changed", "missing", "untracked", "removed"
FILE_STATUSES = (OK, CHANGED, MISSING, UNTRACKED, REMOVED)
STATUS_LABELS = {OK: "完好", CHANGED: "已改变", MISSING: "缺失", UNTRACKED: "未登记", REMOVED: "已按期删除"}

#: Problems listed per kind; the rest are counted (a cut log can make every later node differ).
MAX_LISTED = 50
BATCH = 5000
CHUNK = 1 << 20


class VerifyConfigError(Exception):
    """Verification cannot start: a bad exported checkpoint, a missing key, a bad argument. Chinese message."""


@dataclass
class Problem:
    """One thing that does not hold. ``code`` is a short machine word; ``message`` says it in Chinese."""

    code: str
    message: str
    seq: int | None = None
    file: str | None = None


@dataclass
class FileStatus:
    """One stored file: its blob's SHA-256, its name in the content store, and its status."""

    sha256: str | None
    name: str
    status: str
    detail: str = ""


@dataclass
class Report:
    """What :func:`verify` found. ``ok`` only when ``problems`` is empty."""

    quick: bool = False
    entries: int = 0
    root: str = ""  # hex of the recomputed root
    head_size: int | None = None
    nodes_checked: int = 0
    checkpoints_checked: int = 0
    signed_size: int = 0  # the largest size covered by a valid stored checkpoint
    against: dict | None = None
    evidence_checked: int = 0
    tombstones: int = 0
    files: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILE_STATUSES, 0))
    file_list: list[FileStatus] = field(default_factory=list)  # every file not ok (all files if asked)
    problems: list[Problem] = field(default_factory=list)
    problem_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problem_counts

    @property
    def unlisted(self) -> int:
        return sum(self.problem_counts.values()) - len(self.problems)

    def add(self, code: str, message: str, *, seq: int | None = None, file: str | None = None) -> None:
        self.problem_counts[code] = self.problem_counts.get(code, 0) + 1
        if self.problem_counts[code] <= MAX_LISTED:
            self.problems.append(Problem(code, message, seq, file))

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        data["unlisted_problems"] = self.unlisted
        return data

    def summary_lines(self) -> list[str]:
        """The summary in Chinese, one line each (the command prints them)."""
        lines = [
            f"日志条目：{self.entries} 条；重算根哈希：{self.root or '-'}",
            f"日志头：{self.head_size if self.head_size is not None else '缺失'} 条；已核对树节点 {self.nodes_checked} 个",
            f"签名检查点：核对 {self.checkpoints_checked} 个；有效检查点覆盖前 {self.signed_size} 条"
            + (f"（其后 {self.entries - self.signed_size} 条尚未被检查点覆盖）" if self.entries > self.signed_size else ""),
        ]
        if self.against is not None:
            lines.append(f"导出检查点：大小 {self.against['size']}，{'一致' if self.against['consistent'] else '不一致'}")
        lines.append(f"证据记录：核对 {self.evidence_checked} 条；到期删除记录 {self.tombstones} 条")
        counts = "，".join(f"{STATUS_LABELS[s]}（{s}）{self.files[s]}" for s in FILE_STATUSES)
        lines.append(f"文件{'（快速模式：只核对是否存在和大小，未重算哈希）' if self.quick else ''}：{counts}")
        return lines


# --------------------------------------------------------------------------- helpers


_DOCUMENT_KEYS = {"seq", "kind", "created_at", "agency", "case_ref", "target_id", "payload"}
_json_str = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class _UtcText(Func):
    """A timestamp column as text in UTC, formatted by the database (parsing a million datetimes is slow).

    PostgreSQL gives the canonical form itself (``2026-03-10T02:00:00.000000Z``); SQLite stores
    UTC text (``2026-03-10 02:00:00[.ffffff]``) that :func:`_utc_text` completes.
    """

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)", **extra)


def _utc_text(value) -> str | None:
    """The canonical ``created_at`` text (as :func:`sanxiang.records.log.append` writes it) of a column value."""
    if value is None or isinstance(value, datetime.datetime):
        return None if value is None else value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if value.endswith("Z"):
        return value
    text = value.replace(" ", "T", 1)
    for suffix in ("+00:00", "+00"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    main, _, fraction = text.partition(".")
    return f"{main}.{fraction.ljust(6, '0')}Z"


def _bar(progress, total: int, desc: str, unit: str):
    if progress is None:
        return None
    from tqdm import tqdm

    return tqdm(total=total, file=progress, desc=desc, unit=unit, unit_scale=unit == "B", delay=1.0, leave=False)


def _keyset(queryset, key: str, fields: tuple[str, ...], batch: int) -> Iterator[list[tuple]]:
    """Rows of ``queryset`` in ``key`` order, ``batch`` at a time, by keyset pagination."""
    last = None
    while True:
        page = queryset.order_by(key)
        if last is not None:
            page = page.filter(**{f"{key}__gt": last})
        rows = list(page.values_list(key, *fields)[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def payload_digest(payload) -> str | None:
    """The SHA-256 a log entry's payload names (``sha256``, or ``blob``/``file`` → ``sha256``)."""
    if not isinstance(payload, dict):
        return None
    value = payload.get("sha256")
    if value is None:
        for key in ("blob", "file"):
            inner = payload.get(key)
            if isinstance(inner, dict) and inner.get("sha256"):
                value = inner["sha256"]
                break
            if key == "blob" and isinstance(inner, str):
                value = inner
                break
    return value if isinstance(value, str) else None


def _hash_stream(handle, bar=None) -> tuple[str, str, int]:
    """SHA-256, SM3 and length of a stream, read a chunk at a time; closes it."""
    sha256, sm3, size = hashlib.sha256(), hashlib.new("sm3"), 0
    with contextlib.closing(handle):
        while chunk := handle.read(CHUNK):
            sha256.update(chunk)
            sm3.update(chunk)
            size += len(chunk)
            if bar is not None:
                bar.update(len(chunk))
    return sha256.hexdigest(), sm3.hexdigest(), size


def _trusted(trusted_key: str | None) -> notes.NoteVerifier:
    try:
        if trusted_key is not None:
            return checkpoints.parse_verifier_key_text(trusted_key)
        return checkpoints.verifier()
    except ValidationError as exc:
        raise VerifyConfigError(f"验证公钥无效：{'；'.join(exc.messages)}") from exc
    except ImproperlyConfigured as exc:
        raise VerifyConfigError(f"无法取得检查点验证公钥：{exc}") from exc


def load_against(path, trusted_key: str | None = None) -> notes.Checkpoint:
    """The exported checkpoint at ``path``, its signature and origin checked; ``VerifyConfigError`` if not."""
    try:
        return checkpoints.load_exported(path, trusted_key)
    except ValidationError as exc:
        raise VerifyConfigError(f"导出检查点 {path} 不可用：{'；'.join(exc.messages)}") from exc
    except ImproperlyConfigured as exc:
        raise VerifyConfigError(f"无法取得检查点验证公钥：{exc}") from exc


# --------------------------------------------------------------------------- the passes


class _TreePass:
    """Recomputes leaves, nodes and roots while the log streams by."""

    def __init__(self, report: Report, sizes: set[int], fast: bool):
        self.report = report
        self.fast = fast
        self.sizes = sizes
        self.roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT} if 0 in sizes else {}
        self.pending: dict[tuple[int, int], bytes] = {}
        self.compare_nodes = True
        self.range = merkle.CompactRange(0, [], on_node=self._on_node)
        self.tombstones: dict[str, dict] = {}

    def _on_node(self, level: int, index: int, h: bytes) -> None:
        if level and self.compare_nodes:
            self.pending[(level, index)] = h

    def entry(self, seq, kind, created_at, agency_id, case_ref, target_id, canonical, stored_leaf) -> None:
        """Check one row (``created_at`` as the text :class:`_UtcText` gives) and add its leaf to the tree."""
        report = self.report
        expected = self.range.size
        if seq != expected:
            first, last = expected, seq - 1
            where = f"第 {first} 条" if first == last else f"第 {first}–{last} 条（共 {last - first + 1} 条）"
            report.add("seq_gap", f"日志缺少{where}：序号不连续，条目被删除", seq=first)
            # Later nodes can no longer be compared place by place; the roots and checkpoints say the rest.
            self.flush_nodes()
            self.compare_nodes = False
        data = bytes(canonical)
        leaf = merkle.leaf_hash(data)
        if bytes(stored_leaf) != leaf:
            report.add("leaf_hash", f"第 {seq} 条的内容与其叶哈希不符：条目内容被改动", seq=seq)
        created = _utc_text(created_at)
        if self.fast and kind != LogEntry.Kind.TOMBSTONE:
            # The canonical document is stable JSON with sorted keys, so the columns fix everything
            # around the payload byte for byte: compare without parsing the payload.
            head = (f'{{"agency":{"null" if agency_id is None else int(agency_id)},"case_ref":{_json_str(case_ref)},'
                    f'"created_at":{_json_str(created)},"kind":{_json_str(kind)},"payload":').encode()
            tail = f',"seq":{seq},"target_id":{_json_str(target_id)}}}'.encode()
            if data.startswith(head) and data.endswith(tail) and len(data) > len(head) + len(tail):
                self._add_leaf(leaf)
                return
        try:
            document = json.loads(data)
            if not isinstance(document, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            report.add("canonical", f"第 {seq} 条的规范化内容不是有效的 JSON 文档：条目被改动", seq=seq)
        else:
            columns = {
                "seq": (seq, document.get("seq")),
                "kind": (kind, document.get("kind")),
                "created_at": (created, document.get("created_at")),
                "agency": (agency_id, document.get("agency")),
                "case_ref": (case_ref, document.get("case_ref")),
                "target_id": (target_id, document.get("target_id")),
            }
            mismatched = False
            for name, (column, signed) in columns.items():
                if column != signed:
                    mismatched = True
                    report.add(
                        "column", f"第 {seq} 条的 {name} 字段（{column!r}）与已入账的内容（{signed!r}）不符：数据库行被改动",
                        seq=seq,
                    )
            if not mismatched and (set(document) != _DOCUMENT_KEYS or _canonical(document) != data):
                report.add("canonical", f"第 {seq} 条的内容不是日志服务写出的规范形式：条目是伪造或改写的", seq=seq)
            if kind == LogEntry.Kind.TOMBSTONE and document.get("kind") == LogEntry.Kind.TOMBSTONE:
                payload = document.get("payload")
                digest = payload_digest(payload)
                if digest:
                    self.tombstones[digest] = {**payload, "seq": seq, "at": document.get("created_at")}
        self._add_leaf(leaf)

    def _add_leaf(self, leaf: bytes) -> None:
        self.range.append(leaf)
        if self.range.size in self.sizes:
            self.roots[self.range.size] = self.range.root()

    def flush_nodes(self) -> None:
        """Compare the nodes completed since the last flush with the cached ones."""
        if not self.pending:
            return
        by_level: dict[int, list[int]] = {}
        for level, index in self.pending:
            by_level.setdefault(level, []).append(index)
        condition = Q()
        for level, indexes in by_level.items():
            condition |= Q(level=level, index__gte=min(indexes), index__lte=max(indexes))
        stored = {(lv, ix): bytes(h) for lv, ix, h in TreeNode.objects.filter(condition).values_list("level", "index", "hash")}
        for (level, index), h in sorted(self.pending.items()):
            first, last = index << level, ((index + 1) << level) - 1
            cached = stored.get((level, index))
            if cached is None:
                self.report.add("node_missing", f"缺少树节点（层 {level}，覆盖第 {first}–{last} 条）：节点被删除", seq=first)
            elif cached != h:
                self.report.add(
                    "node_mismatch", f"树节点（层 {level}，覆盖第 {first}–{last} 条）与重算结果不符：条目或节点被改动",
                    seq=first,
                )
        self.report.nodes_checked += len(self.pending)
        self.pending.clear()


def _check_log(report: Report, sizes: set[int], progress, batch: int, fast: bool) -> _TreePass:
    tree = _TreePass(report, sizes, fast)
    head = LogHead.objects.filter(pk=1).first()
    report.head_size = head.size if head else None
    bar = _bar(progress, head.size if head else 0, "核对日志条目", "条")
    fields = ("kind", "created_text", "agency_id", "case_ref", "target_id", "canonical", "leaf_hash")
    entries = LogEntry.objects.annotate(created_text=_UtcText("created_at"))
    for rows in _keyset(entries, "seq", fields, batch):
        for row in rows:
            tree.entry(*row)
        tree.flush_nodes()
        if bar is not None:
            bar.update(len(rows))
    if bar is not None:
        bar.close()
    report.entries = tree.range.size
    root = tree.range.root()
    report.root = root.hex()
    report.tombstones = len(tree.tombstones)

    if head is None:
        report.add("head", "日志头（LogHead）缺失")
    else:
        if head.size != tree.range.size:
            report.add(
                "head_size", f"日志头记录 {head.size} 条，而数据库中有 {tree.range.size} 条："
                + ("条目被删除或截断" if head.size > tree.range.size else "有未经日志服务写入的条目（伪造）"),
                seq=min(head.size, tree.range.size),
            )
        if bytes(head.root) != root:
            report.add("head_root", "日志头的根哈希与由全部条目重算的根哈希不符：日志被改动")
        elif [bytes.fromhex(h) for h in head.frontier] != list(tree.range.hashes):
            report.add("head_frontier", "日志头的边界哈希与重算结果不符：日志头被改动")

    # Cached nodes past the end of the log (a forged node, or what remains of a cut-off tail).
    size = tree.range.size
    extra = Q()
    for level in range(1, 64):
        extra |= Q(level=level, index__gte=size >> level)
        if size >> level == 0:
            break
    extras = TreeNode.objects.filter(extra)
    count = extras.count()
    if count:
        level, index = extras.order_by("level", "index").values_list("level", "index").first()
        report.add(
            "node_extra",
            f"有 {count} 个树节点超出了日志的末尾（第一个：层 {level}，从第 {index << level} 条起）："
            "日志末尾的条目被删除或节点是伪造的",
            seq=index << level,
        )
    return tree


def _check_checkpoints(report: Report, tree: _TreePass, trusted: notes.NoteVerifier) -> None:
    size = tree.range.size
    for row in Checkpoint.objects.order_by("tree_size", "id").iterator(chunk_size=500):
        report.checkpoints_checked += 1
        label = f"签名检查点 #{row.pk}（大小 {row.tree_size}）"
        try:
            parsed = checkpoints.verify_note(row.note, trusted)
        except ValidationError as exc:
            report.add("checkpoint_signature", f"{label}无法验证：{'；'.join(exc.messages)}")
            continue
        if parsed.size != row.tree_size or parsed.root != bytes(row.root) or parsed.origin != row.origin:
            report.add("checkpoint_column", f"{label}的大小、根哈希或日志标识与其签名文本不符：数据库行被改动")
        if parsed.size > size:
            report.add(
                "checkpoint_beyond",
                f"{label}覆盖 {parsed.size} 条，而日志只有 {size} 条：日志末尾的 {parsed.size - size} 条被删除"
                "（或数据库从较旧的备份恢复）",
                seq=size,
            )
            continue
        recomputed = tree.roots.get(parsed.size)
        if recomputed is None:
            continue  # its size is not its column's: already reported above
        if recomputed != parsed.root:
            report.add("checkpoint_root", f"{label}的根哈希与前 {parsed.size} 条重算的根哈希不符：已签名的历史被改写")
        else:
            report.signed_size = max(report.signed_size, parsed.size)


def _check_against(report: Report, tree: _TreePass, exported: notes.Checkpoint, path: str) -> None:
    size, root = tree.range.size, tree.range.root()
    result = {"file": str(path), "size": exported.size, "root": exported.root.hex(), "consistent": False}
    report.against = result
    if exported.size > size:
        report.add(
            "against_shorter",
            f"导出检查点 {path} 覆盖 {exported.size} 条，而数据库中的日志只有 {size} 条："
            "数据库从较旧的备份恢复，或日志末尾被删除",
            seq=size,
        )
        return
    if tree.roots.get(exported.size) != exported.root:
        report.add(
            "against_root",
            f"前 {exported.size} 条重算的根哈希与导出检查点 {path} 不符：导出之后历史被改写",
        )
        return
    if 0 < exported.size < size:
        # The recomputed roots agree; the proof shows the cached nodes (what the API serves) agree too.
        try:
            proof = proofs.consistency_proof(exported.size, size)
            merkle.verify_consistency(exported.size, size, exported.root, root, proof["hashes"])
        except (proofs.MissingNode, ValidationError, merkle.ProofError) as exc:
            report.add("against_proof", f"由缓存节点生成的一致性证明（{exported.size} → {size}）不成立：{exc}")
            return
    result["consistent"] = True


def _check_evidence(report: Report, batch: int) -> None:
    for rows in _keyset(EvidenceRecord.objects.all(), "id", ("blob_id", "log_entry_id"), batch):
        entries = {
            seq: bytes(canonical)
            for seq, canonical in LogEntry.objects.filter(seq__in=[r[2] for r in rows]).values_list("seq", "canonical")
        }
        for pk, blob_id, seq in rows:
            report.evidence_checked += 1
            data = entries.get(seq)
            if data is None:
                report.add("evidence_entry", f"证据记录 #{pk} 指向的第 {seq} 条日志条目不存在", seq=seq)
                continue
            try:
                digest = payload_digest(json.loads(data).get("payload"))
            except (ValueError, AttributeError):
                digest = None
            if digest != blob_id:
                report.add(
                    "evidence_digest",
                    f"证据记录 #{pk} 的文件（SHA-256 {blob_id}）与第 {seq} 条日志条目入账的摘要（{digest}）不符",
                    seq=seq, file=blob_id,
                )


def _person(value, cache: dict) -> str:
    """A user named in a tombstone (by primary key, as the retention service writes it) as a readable name."""
    if not isinstance(value, int) or isinstance(value, bool):
        return str(value)
    if value not in cache:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=value).select_related("person").first()
        person = getattr(user, "person", None) if user is not None else None
        cache[value] = (f"{person.name}（{user.username}）" if person is not None else user.username) if user else f"用户#{value}"
    return cache[value]


def _removed_detail(removal: dict, cache: dict) -> str:
    roles = [("requested_by", "申请"), ("approved_by", "批准"), ("executed_by", "执行")]
    people = "、".join(f"{_person(removal[key], cache)}{verb}" for key, verb in roles if removal.get(key) not in (None, ""))
    return (f"第 {removal['seq']} 条到期删除记录：{removal.get('at') or ''} 删除（{people or '未记录经办人'}），"
            f"理由：{removal.get('reason') or '-'}")


def _check_files(report: Report, tree: _TreePass, store, quick: bool, progress, batch: int, list_all: bool,
                 on_file: Callable[[FileStatus], None] | None) -> None:
    total = 0 if quick else (Blob.objects.aggregate(total=Sum("size"))["total"] or 0)
    bar = _bar(progress, total, "核对文件", "B")
    people: dict = {}

    def status(state: str, sha256: str | None, name: str, detail: str = "") -> None:
        report.files[state] += 1
        item = FileStatus(sha256, name, state, detail)
        if state != OK or list_all:
            report.file_list.append(item)
        if on_file is not None:
            on_file(item)

    for rows in _keyset(Blob.objects.all(), "sha256", ("sm3", "size", "storage_name"), batch):
        for sha256, sm3, size, name in rows:
            try:
                actual_size = store.size(name)
                if not quick:
                    got_sha256, got_sm3, actual_size = _hash_stream(store.open(name), bar)
            except FileNotFoundError:
                removal = tree.tombstones.get(sha256)
                if removal is not None:
                    status(REMOVED, sha256, name, _removed_detail(removal, people))
                else:
                    status(MISSING, sha256, name, "文件不存在")
                    report.add("file_missing", f"文件缺失：{name}（SHA-256 {sha256}）", file=name)
                continue
            except (OSError, ValueError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                status(MISSING, sha256, name, f"无法读取：{reason}")
                report.add("file_missing", f"文件无法读取：{name}（{reason}）", file=name)
                continue
            checks = [("大小", actual_size == size)]
            if not quick:
                checks += [("SHA-256", got_sha256 == sha256), ("SM3", got_sm3 == sm3)]
            mismatched = [label for label, good in checks if not good]
            if mismatched:
                detail = f"{'、'.join(mismatched)}与登记不符"
                if actual_size != size:
                    detail += f"（现为 {actual_size} 字节，登记为 {size} 字节）"
                status(CHANGED, sha256, name, detail)
                report.add("file_changed", f"文件已改变：{name}（{detail}）", file=name)
            else:
                status(OK, sha256, name)
    if bar is not None:
        bar.close()

    # Untracked: a file in the content store that no blob names.
    names: list[str] = []

    def flush() -> None:
        known = set(Blob.objects.filter(storage_name__in=names).values_list("storage_name", flat=True))
        for name in names:
            if name not in known:
                status(UNTRACKED, None, name, "内容存储中有此文件，但没有任何记录指向它")
                report.add("file_untracked", f"未登记的文件：{name}", file=name)
        names.clear()

    for name in store.names():
        names.append(name)
        if len(names) >= min(batch, 500):
            flush()
    if names:
        flush()


# --------------------------------------------------------------------------- entry point


def verify(*, against=None, trusted_key: str | None = None, quick: bool = False, progress=None,
           batch_size: int = BATCH, list_files: bool = False,
           on_file: Callable[[FileStatus], None] | None = None) -> Report:
    """Verify the whole record store; see the module docstring. Raises :class:`VerifyConfigError`.

    ``against``: path of an exported checkpoint (or export directory). ``trusted_key``: verifier-key
    text kept apart from the system (default: the configured key). ``progress``: a stream for tqdm
    progress bars (``None``: none). ``list_files``: keep every file in ``report.file_list``, not only
    those that are not ok. ``on_file`` is called with each file's :class:`FileStatus` as it is found.
    """
    if batch_size < 1:
        raise VerifyConfigError("批大小必须是正整数")
    trusted = _trusted(trusted_key)
    try:
        store = storage.get_store()
    except ImproperlyConfigured as exc:
        raise VerifyConfigError(f"证据存储配置有误：{exc}") from exc
    exported = load_against(against, trusted_key) if against is not None else None
    report = Report(quick=quick)
    sizes = set(Checkpoint.objects.values_list("tree_size", flat=True).distinct())
    if exported is not None:
        sizes.add(exported.size)
    tree = _check_log(report, sizes, progress, batch_size, fast=quick)
    _check_checkpoints(report, tree, trusted)
    if exported is not None:
        _check_against(report, tree, exported, str(against))
    _check_evidence(report, batch_size)
    _check_files(report, tree, store, quick, progress, batch_size, list_files, on_file)
    return report
