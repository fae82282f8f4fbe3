"""Case-file archives (案卷归档, REC-08): a case's records as a BagIt bag (RFC 8493), then sealed.

:func:`build_archive` assembles the case file of ``case_ref`` — cover (案卷封面), table of contents
(卷内目录) with item numbers, the documents and evidence files, an evidence list (证据清单) — and
writes it as a bag under ``RECORDS["ROOT"]/archives/<case>-<date>/`` (never overwritten)::

    bagit.txt                     BagIt-Version 1.0, UTF-8
    bag-info.txt                  Source-Organization, External-Identifier (case number), Bagging-Date, Payload-Oxum, …
    manifest-sha256.txt           every payload file, SHA-256
    manifest-sm3.txt              every payload file, SM3 (GB/T 32905)
    tagmanifest-sha256.txt        every tag file, SHA-256
    tagmanifest-sm3.txt           every tag file, SM3
    data/files/NNN-<title>.<ext>  the evidence and document files, numbered as in the table of contents
    data/entries/<seq>.json       the exact canonical bytes of each item's log entry (its Merkle leaf)
    sanxiang/cover.txt            案卷封面
    sanxiang/contents.csv         卷内目录
    sanxiang/evidence-list.csv    证据清单
    sanxiang/checkpoint.txt       a signed checkpoint of the log made for this archive
    sanxiang/inclusion-proofs.json  each item's RFC 9162 inclusion proof against that checkpoint
    sanxiang/verifier-key.txt     the public key of the checkpoint (for information; verifiers use their own copy)

The bag is written by this module rather than the ``bagit`` package, whose list of algorithms is
fixed to those ``hashlib`` guarantees (SM3 is not among them) and whose ``make_bag`` moves files in
place; the result is a plain RFC 8493 bag that ``bagit`` and other archivists' tools read.

Archiving writes a :class:`CaseArchive` row and an ``archive`` log entry in one transaction. From
then on :func:`sanxiang.records.log.append` refuses new entries for the case except access events.
``bag_sha256`` (kept in the row and the log entry) is the SHA-256 of ``tagmanifest-sha256.txt``,
which commits to every tag file and, through ``manifest-sha256.txt``, to every payload file.

:func:`validate_bag` checks a bag fully: every payload file re-hashed with SHA-256 and SM3, the tag
manifests, missing and extra files, Payload-Oxum, the checkpoint's signature, each item's inclusion
proof and the link between each file and its log entry, and — when this system holds the archive —
the bag digest recorded at archiving.
"""

from __future__ import annotations

import base64
import csv
import datetime
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.errors import Conflict
from sanxiang.org.access import actor_of
from sanxiang.org.models import Agency, Role

from . import checkpoints, log, merkle, proofs
from .models import CaseArchive, EvidenceRecord, LogEntry, LogHead
from .storage import get_store

ALGORITHMS = ("sha256", "sm3")
BAGIT_VERSION = "1.0"
ARCHIVES_DIR = "archives"
PIECE = 1024 * 1024
REQUIRED_INFO = ("Source-Organization", "External-Identifier", "Bagging-Date", "Payload-Oxum")
SANXIANG_TAGS = ("cover.txt", "contents.csv", "evidence-list.csv", "checkpoint.txt", "inclusion-proofs.json")

EXTENSIONS = {
    "image/png": "png", "image/jpeg": "jpg", "image/tiff": "tif", "image/gif": "gif", "image/webp": "webp",
    "video/mp4": "mp4", "video/x-msvideo": "avi", "video/avi": "avi", "video/quicktime": "mov",
    "audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav", "audio/mpeg": "mp3", "audio/mp4": "m4a",
    "application/pdf": "pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


def _hashers() -> dict:
    return {name: hashlib.new(name) for name in ALGORITHMS}


# --------------------------------------------------------------------------- who may archive


def may_archive(user, agency: Agency, case_ref: str = "") -> bool:
    """Leaders and administrators of the agency, supervisors over its region, superusers, the command line,
    and — for ``case_ref`` — the officers who handle that case (立卷归档 is the handling officers' step)."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    if actor.agency_id == agency.pk and (actor.has(Role.LEADER) or actor.has(Role.ADMINISTRATOR)):
        return True
    if case_ref and actor.agency_id == agency.pk:
        from .access import handles_case

        if handles_case(user, actor, case_ref):
            return True
    path = agency.region.path
    return any(path.startswith(p) for p in actor.supervised_paths)


def archives_for(user):
    """Archives ``user`` may see: their own agency's, those of the regions they supervise; all for superusers."""
    actor = actor_of(user)
    queryset = CaseArchive.objects.select_related("agency", "archived_by", "checkpoint")
    if actor.is_superuser:
        return queryset
    from django.db.models import Q

    condition = Q(pk__in=[])
    if actor.agency_id:
        condition |= Q(agency_id=actor.agency_id)
    for path in actor.supervised_paths:
        condition |= Q(agency__region__path__startswith=path)
    return queryset.filter(condition)


def may_download(user, archive: CaseArchive) -> bool:
    """Downloading a bag shows every record of the case: only for whoever may see the archive and view each
    of its records (REC-09) — in practice the agency's leaders, supervisors, and officers who recorded all of it.
    """
    if not archives_for(user).filter(pk=archive.pk).exists():
        return False
    case = archive.case_ref
    records = EvidenceRecord.objects.filter(case_ref=case)
    if EvidenceRecord.objects.restrict(user, "view").filter(case_ref=case).count() != records.count():
        return False
    entries = LogEntry.objects.filter(case_ref=case, seq__lt=archive.checkpoint.tree_size).exclude(
        kind=LogEntry.Kind.ACCESS)
    return LogEntry.objects.restrict(user, "view").filter(pk__in=entries.values("seq")).count() == entries.count()


# --------------------------------------------------------------------------- assembling


@dataclass
class Item:
    """One entry of the table of contents (卷内目录)."""

    number: int
    entry: LogEntry
    title: str
    kind_label: str
    date: datetime.date
    evidence: EvidenceRecord | None = None
    file_path: str = ""  # bag-relative path of the file, "" for entries without a file
    entry_path: str = ""
    size: int = 0


def _safe_component(text: str, limit: int = 60) -> str:
    """A file-name-safe form of ``text``: letters (CJK included), digits, a few marks; the rest becomes "_"."""
    text = unicodedata.normalize("NFC", text or "")
    out = []
    for ch in text:
        if ch.isalnum() or ch in "-_()（）〔〕[]【】":
            out.append(ch)
        else:
            out.append("_")
    cleaned = re.sub(r"_+", "_", "".join(out)).strip("_.")
    return cleaned[:limit] or "item"


def _extension(evidence: EvidenceRecord) -> str:
    suffix = PurePosixPath(evidence.original_name or "").suffix.lstrip(".").lower()
    if suffix and re.fullmatch(r"[a-z0-9]{1,8}", suffix):
        return suffix
    return EXTENSIONS.get(evidence.blob.media_type, "bin")


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    for unit in ("KB", "MB", "GB", "TB"):
        size /= 1024
        if size < 1024 or unit == "TB":
            return f"{size:.1f} {unit}"
    return f"{size} B"  # pragma: no cover


def case_items(case_ref: str, tree_size: int | None = None) -> list[Item]:
    """The records of a case in log order (access events excepted), numbered 1..n."""
    entries = LogEntry.objects.filter(case_ref=case_ref).exclude(kind=LogEntry.Kind.ACCESS).order_by("seq")
    if tree_size is not None:
        entries = entries.filter(seq__lt=tree_size)
    entries = list(entries)
    evidence = {
        e.log_entry_id: e
        for e in EvidenceRecord.objects.filter(log_entry__in=[x.seq for x in entries]).select_related("blob", "device")
    }
    items = []
    for number, entry in enumerate(entries, 1):
        record = evidence.get(entry.seq)
        if record is not None:
            title = record.title
            kind_label = record.get_kind_display()
            date = _local_date(record.captured_from) or _local_date(entry.created_at)
        else:
            payload = log.decode(entry).get("payload") or {}
            title = str(payload.get("title") or payload.get("name") or entry.get_kind_display())
            kind_label = entry.get_kind_display()
            date = _local_date(entry.created_at)
        item = Item(number=number, entry=entry, title=title, kind_label=kind_label, date=date, evidence=record)
        item.entry_path = f"data/entries/{entry.seq:08d}.json"
        if record is not None:
            item.file_path = f"data/files/{number:03d}-{_safe_component(title)}.{_extension(record)}"
            item.size = record.blob.size
        items.append(item)
    return items


def _csv_text(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()  # BOM: spreadsheet programs then read the Chinese as UTF-8


def _fmt_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _parties(items: list[Item]) -> list[str]:
    seen = []
    for item in items:
        record = item.evidence
        if record is not None and record.target_id:
            label = f"{record.target_name or '（未登记名称）'}（{record.target_id}）"
            if label not in seen:
                seen.append(label)
    return seen


def _cover(case_ref: str, agency: Agency, items: list[Item], archived_by: str, today: datetime.date,
           checkpoint_row) -> str:
    dates = [i.date for i in items if i.date]
    files = sum(1 for i in items if i.evidence is not None)
    parties = _parties(items)
    lines = [
        "案卷封面",
        "",
        f"案件编号：{case_ref}",
        f"执法主体：{agency.name}",
        f"当事人：{'；'.join(parties) if parties else '（未登记）'}",
        f"起止日期：{min(dates):%Y-%m-%d} 至 {max(dates):%Y-%m-%d}" if dates else "起止日期：（无）",
        f"卷内件数：{len(items)} 件（其中证据及文书文件 {files} 个）",
        f"归档人：{archived_by}",
        f"归档日期：{today:%Y-%m-%d}",
        "",
        f"日志标识：{checkpoint_row.origin}",
        f"签名检查点：树大小 {checkpoint_row.tree_size}，根哈希 {base64.b64encode(bytes(checkpoint_row.root)).decode()}",
        "每一件的日志条目及其包含证明见 sanxiang/inclusion-proofs.json；用 sanxiang archive verify 校验本卷。",
    ]
    return "\n".join(lines) + "\n"


def _contents(items: list[Item]) -> str:
    rows = []
    for i in items:
        size = _human_size(i.size) if i.evidence is not None else ""
        rows.append([
            i.number, i.title, i.kind_label, f"{i.date:%Y-%m-%d}" if i.date else "", size,
            i.file_path or i.entry_path, i.entry.seq,
            i.evidence.blob.sha256 if i.evidence is not None else "",
        ])
    return _csv_text(["序号", "题名", "类型", "文件日期", "页数/大小", "文件", "日志序号", "SHA-256"], rows)


def _evidence_list(items: list[Item]) -> str:
    rows = []
    for i in items:
        record = i.evidence
        if record is None:
            continue
        officers = "、".join(p.name for p in record.officers.all())
        target = f"{record.target_name}（{record.target_id}）" if record.target_id else record.target_name
        rows.append([
            i.number, record.title, record.get_kind_display(), target, officers,
            str(record.device) if record.device else "", _fmt_time(record.captured_from), _fmt_time(record.captured_to),
            record.place, record.blob.media_type, record.blob.size, record.blob.sha256, record.blob.sm3, i.entry.seq,
        ])
    return _csv_text(
        ["序号", "证据名称", "类型", "执法对象", "执法人员", "记录设备", "拍摄/录制开始", "拍摄/录制结束", "地点",
         "文件类型", "字节数", "SHA-256", "SM3", "日志序号"],
        rows,
    )


def _manifest_path(path: str) -> str:
    """RFC 8493 §2.1.3: percent-encode CR, LF and % in manifest paths."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _unmanifest_path(path: str) -> str:
    return path.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r").replace("%0d", "\r").replace("%25", "%")


class _BagWriter:
    """Writes a bag's files, hashing each once with every algorithm."""

    def __init__(self, root: Path):
        self.root = root
        self.payload: dict[str, dict[str, str]] = {}
        self.octets = 0

    def _target(self, rel: str) -> Path:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add_stream(self, rel: str, source, expected: dict[str, str] | None = None) -> dict[str, str]:
        hashers = _hashers()
        size = 0
        with open(self._target(rel), "xb") as out:
            while piece := source.read(PIECE):
                for h in hashers.values():
                    h.update(piece)
                out.write(piece)
                size += len(piece)
        digests = {name: h.hexdigest() for name, h in hashers.items()}
        if expected is not None:
            for name, value in expected.items():
                if digests[name] != value:
                    raise ValidationError(
                        f"文件“{rel}”的 {name.upper()} 与存储时记录的不符：存储的文件已被改动，不能归档。请运行 sanxiang verify"
                    )
        if rel.startswith("data/"):
            self.payload[rel] = digests
            self.octets += size
        return digests

    def add_bytes(self, rel: str, data: bytes) -> dict[str, str]:
        return self.add_stream(rel, io.BytesIO(data))

    def add_text(self, rel: str, text: str) -> dict[str, str]:
        return self.add_bytes(rel, text.encode("utf-8"))

    def finish(self, info: dict[str, str]) -> str:
        """Write bagit.txt, bag-info.txt, the manifests and tag manifests; returns the bag digest."""
        self.add_text("bagit.txt", f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n")
        info = {**info, "Payload-Oxum": f"{self.octets}.{len(self.payload)}"}
        self.add_text("bag-info.txt", "".join(f"{k}: {v}\n" for k, v in info.items()))
        for name in ALGORITHMS:
            lines = "".join(f"{d[name]}  {_manifest_path(p)}\n" for p, d in sorted(self.payload.items()))
            self.add_text(f"manifest-{name}.txt", lines)
        tag_files = sorted(
            str(p.relative_to(self.root)).replace(os.sep, "/") for p in self.root.rglob("*")
            if p.is_file() and not str(p.relative_to(self.root)).startswith("data" + os.sep)
        )
        tag_digests = {}
        for rel in tag_files:
            with open(self.root / rel, "rb") as handle:
                tag_digests[rel] = _digest_stream(handle)
        bag_digest = ""
        for name in ALGORITHMS:
            text = "".join(f"{tag_digests[p][name]}  {_manifest_path(p)}\n" for p in tag_files)
            self.add_text(f"tagmanifest-{name}.txt", text)
            if name == "sha256":
                bag_digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        for path in self.root.rglob("*"):
            if path.is_file():
                os.chmod(path, 0o444)
        return bag_digest


def _digest_stream(handle) -> dict[str, str]:
    hashers = _hashers()
    while piece := handle.read(PIECE):
        for h in hashers.values():
            h.update(piece)
    return {name: h.hexdigest() for name, h in hashers.items()}


def archives_root() -> Path:
    return Path(settings.RECORDS["ROOT"]) / ARCHIVES_DIR


def _case_agency(case_ref: str) -> Agency:
    agency_ids = set(
        LogEntry.objects.filter(case_ref=case_ref).exclude(kind=LogEntry.Kind.ACCESS)
        .values_list("agency_id", flat=True).distinct()
    )
    agency_ids.discard(None)
    if not agency_ids:
        raise ValidationError(f"案件“{case_ref}”没有任何记录，无法归档")
    if len(agency_ids) > 1:
        raise ValidationError(f"案件“{case_ref}”的记录属于多个执法主体，无法确定归档单位，请核对案件编号")
    return Agency.objects.select_related("region").get(pk=agency_ids.pop())


def _clean_case_ref(case_ref) -> str:
    if not isinstance(case_ref, str) or not case_ref.strip():
        raise ValidationError("请填写案件编号")
    case_ref = case_ref.strip()
    if len(case_ref) > 64 or any(unicodedata.category(ch).startswith("C") for ch in case_ref):
        raise ValidationError("案件编号无效：最多 64 个字符，不能含控制字符")
    return case_ref


def _user_label(user) -> str:
    person = getattr(user, "person", None) if getattr(user, "pk", None) else None
    name = getattr(person, "name", "") if person is not None else ""
    username = user.get_username() if hasattr(user, "get_username") else str(user)
    return f"{name}（{username}）" if name else username


def build_archive(user, case_ref: str, *, today: datetime.date | None = None) -> CaseArchive:
    """Archive a case: write its bag, then seal it (CaseArchive row + ``archive`` log entry, one transaction).

    ``user`` must be a leader or administrator of the case's agency, a supervisor over it, or a
    superuser. Raises ``ValidationError`` (bad case number, no records, a stored file altered),
    ``PermissionDenied``, or :class:`Conflict` (already archived, or records added meanwhile).
    Nothing is stored when it fails.
    """
    case_ref = _clean_case_ref(case_ref)
    if not getattr(user, "pk", None) or not getattr(user, "is_active", False):
        raise PermissionDenied("归档须由一名有效的用户执行（领导、管理员或监督人员）")
    existing = CaseArchive.objects.filter(case_ref=case_ref).first()
    if existing is not None:
        raise Conflict(f"案件“{case_ref}”已于 {_fmt_time(existing.archived_at)} 归档（{existing.bag_name}），不能重复归档")
    agency = _case_agency(case_ref)
    if not may_archive(user, agency, case_ref):
        raise PermissionDenied("只有本机关的领导、系统管理员或司法行政监督人员可以归档案卷")

    today = today or timezone.localdate()
    row = checkpoints.make_checkpoint(user)
    items = case_items(case_ref, row.tree_size)
    if not items:
        raise ValidationError(f"案件“{case_ref}”没有任何记录，无法归档")

    root = archives_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".building-{uuid.uuid4().hex}"
    base_name = f"{_safe_component(case_ref, 80)}-{today:%Y%m%d}"
    final = None
    sealed = False
    try:
        bag_dir = staging / base_name
        bag_dir.mkdir(parents=True)
        bag_digest = _write_bag(bag_dir, case_ref, agency, items, row, _user_label(user), today)
        with transaction.atomic():
            LogHead.objects.select_for_update().get(pk=1)  # no entry for the case can slip in meanwhile
            if CaseArchive.objects.filter(case_ref=case_ref).exists():
                raise Conflict(f"案件“{case_ref}”已由他人归档，不能重复归档")
            late = (
                LogEntry.objects.filter(case_ref=case_ref, seq__gte=row.tree_size)
                .exclude(kind=LogEntry.Kind.ACCESS).values_list("seq", flat=True)[:1]
            )
            if late:
                raise Conflict(f"归档期间案件“{case_ref}”增加了新的记录（日志序号 {late[0]}），请重新归档")
            final = _free_name(root, base_name)
            entry = log.append(
                LogEntry.Kind.ARCHIVE,
                {
                    "case_ref": case_ref, "bag_name": final.name, "bag_sha256": bag_digest,
                    "tree_size": row.tree_size, "root": base64.b64encode(bytes(row.root)).decode("ascii"),
                    "items": [i.entry.seq for i in items], "archived_by": user.pk,
                },
                agency=agency, case_ref=case_ref,
            )
            try:
                with transaction.atomic():
                    archive = CaseArchive.objects.create(
                        case_ref=case_ref, agency=agency, log_entry=entry, checkpoint=row, bag_name=final.name,
                        bag_sha256=bag_digest, archived_by=user,
                    )
            except IntegrityError:
                raise Conflict(f"案件“{case_ref}”已由他人归档，不能重复归档") from None
            audit.record(user, "records.archive", archive, after={
                "case_ref": case_ref, "bag_name": final.name, "bag_sha256": bag_digest, "items": len(items),
                "tree_size": row.tree_size, "log_seq": entry.seq,
            })
            os.rename(bag_dir, final)  # last step: a failed transaction leaves no bag behind (see below)
        sealed = True
    except BaseException:
        if not sealed and final is not None and final.exists():
            _remove_tree(final)
        raise
    finally:
        if staging.exists():
            _remove_tree(staging)
    return archive


def _free_name(root: Path, base: str) -> Path:
    candidate, n = root / base, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{base}-{n}"
    return candidate


def _remove_tree(path: Path) -> None:
    """Remove a bag this module was writing and did not seal (its files are read-only)."""
    for p in path.rglob("*"):
        if p.is_dir():
            os.chmod(p, 0o755)
    shutil.rmtree(path, ignore_errors=True)


def _write_bag(bag_dir: Path, case_ref: str, agency: Agency, items: list[Item], row, archived_by: str,
               today: datetime.date) -> str:
    writer = _BagWriter(bag_dir)
    store = get_store()
    for item in items:
        writer.add_bytes(item.entry_path, bytes(item.entry.canonical))
        record = item.evidence
        if record is None:
            continue
        blob = record.blob
        try:
            handle = store.open(blob.storage_name)
        except (FileNotFoundError, ValueError):
            raise ValidationError(
                f"第 {item.number} 件“{record.title}”的文件在存储中不存在，不能归档。请运行 sanxiang verify"
            ) from None
        with handle:
            writer.add_stream(item.file_path, handle, expected={"sha256": blob.sha256, "sm3": blob.sm3})
    proofs_doc = _proofs_document(items, row)
    writer.add_text("sanxiang/cover.txt", _cover(case_ref, agency, items, archived_by, today, row))
    writer.add_text("sanxiang/contents.csv", _contents(items))
    writer.add_text("sanxiang/evidence-list.csv", _evidence_list(items))
    writer.add_text("sanxiang/checkpoint.txt", row.note)
    writer.add_text("sanxiang/inclusion-proofs.json", json.dumps(proofs_doc, ensure_ascii=False, indent=1) + "\n")
    writer.add_text("sanxiang/verifier-key.txt", checkpoints.verifier_key_text() + "\n")
    info = {
        "Source-Organization": agency.name,
        "Organization-Address": agency.address or "",
        "External-Identifier": case_ref,
        "External-Description": f"行政执法案卷 {case_ref}（{len(items)} 件）",
        "Bagging-Date": f"{today:%Y-%m-%d}",
        "Bag-Software-Agent": "sanxiang",
        "Sanxiang-Log-Origin": row.origin,
        "Sanxiang-Tree-Size": str(row.tree_size),
    }
    return writer.finish({k: v for k, v in info.items() if v})


def _proofs_document(items: list[Item], row) -> dict:
    proved = proofs.inclusion_proofs([i.entry.seq for i in items], row.tree_size)
    if proved and proved[0]["root"] != bytes(row.root):
        raise ValidationError("日志算出的根哈希与检查点不一致，不能归档。请运行 sanxiang verify")
    return {
        "origin": row.origin,
        "tree_size": row.tree_size,
        "root": base64.b64encode(bytes(row.root)).decode("ascii"),
        "hash": "SHA-256, RFC 9162 (leaf = H(0x00 || entry), node = H(0x01 || left || right))",
        "items": [
            {
                "number": item.number,
                "seq": item.entry.seq,
                "kind": item.entry.kind,
                "title": item.title,
                "entry": item.entry_path,
                "file": item.file_path or None,
                "sha256": item.evidence.blob.sha256 if item.evidence is not None else None,
                "sm3": item.evidence.blob.sm3 if item.evidence is not None else None,
                "leaf_hash": proof["leaf_hash"].hex(),
                "proof": [h.hex() for h in proof["hashes"]],
            }
            for item, proof in zip(items, proved, strict=True)
        ],
    }


def bag_path(archive: CaseArchive) -> Path:
    return archives_root() / archive.bag_name


def write_zip(bag_dir: Path, target) -> None:
    """Write the bag as a zip (one top folder named like the bag) to ``target`` (a path or a binary file)."""
    bag_dir = Path(bag_dir)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for path in sorted(bag_dir.rglob("*")):
            if path.is_file():
                rel = path.relative_to(bag_dir).as_posix()
                stored = rel.startswith("data/files/")  # media are compressed already
                archive.write(path, f"{bag_dir.name}/{rel}",
                              compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)


# --------------------------------------------------------------------------- validating


@dataclass
class BagReport:
    """What :func:`validate_bag` found. ``ok`` only when there are no problems."""

    path: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    case_ref: str = ""
    payload_files: int = 0
    items_proved: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, message: str) -> None:
        self.problems.append(message)


def _read_text(path: Path, report: BagReport, label: str) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        report.problem(f"缺少{label} {path.name}")
        return None
    except OSError as exc:
        report.problem(f"无法读取{label} {path.name}：{exc.strerror}")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        report.problem(f"{label} {path.name} 不是 UTF-8 文本")
        return None


def _parse_tag_file(text: str) -> list[tuple[str, str]] | None:
    """``Label: value`` lines with continuation lines (RFC 8493 §2.2.2); None if malformed."""
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[0] in " \t":
            if not pairs:
                return None
            label, value = pairs[-1]
            pairs[-1] = (label, value + " " + line.strip())
            continue
        if ":" not in line:
            return None
        label, value = line.split(":", 1)
        if not label.strip() or label != label.strip():
            return None
        pairs.append((label, value.strip()))
    return pairs


def _bad_rel_path(rel: str) -> bool:
    if not rel or rel.startswith("/") or "\\" in rel or re.match(r"^[A-Za-z]:", rel):
        return True
    return any(part in ("", ".", "..") for part in rel.split("/"))


def _parse_manifest(path: Path, algorithm: str, report: BagReport, *, payload: bool) -> dict[str, str] | None:
    text = _read_text(path, report, "清单")
    if text is None:
        return None
    length = hashlib.new(algorithm).digest_size * 2
    entries: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        match = re.match(r"^([0-9A-Fa-f]+)[ \t]+(.+)$", line.rstrip("\r"))
        if not match or len(match.group(1)) != length:
            report.problem(f"{path.name} 第 {number} 行格式不正确")
            continue
        rel = _unmanifest_path(match.group(2))
        if _bad_rel_path(rel):
            report.problem(f"{path.name} 第 {number} 行的路径“{rel}”不安全（绝对路径或含 ..）")
            continue
        if payload != rel.startswith("data/"):
            where = "数据目录 data/ 之外" if payload else "数据目录 data/ 之内"
            report.problem(f"{path.name} 第 {number} 行的文件“{rel}”位于{where}")
            continue
        if rel in entries:
            report.problem(f"{path.name} 重复列出了文件“{rel}”")
            continue
        entries[rel] = match.group(1).lower()
    return entries


def _walk(root: Path, report: BagReport) -> tuple[list[str], list[str]]:
    """Payload files (under data/) and tag files (the rest), bag-relative; symlinks are problems."""
    payload, tags = [], []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        for name in list(dirnames):
            if (base / name).is_symlink():
                report.problem(f"包内有符号链接“{(base / name).relative_to(root).as_posix()}”，不允许")
                dirnames.remove(name)
        for name in filenames:
            full = base / name
            rel = full.relative_to(root).as_posix()
            if full.is_symlink() or not full.is_file():
                report.problem(f"包内有符号链接或特殊文件“{rel}”，不允许")
                continue
            (payload if rel.startswith("data/") else tags).append(rel)
    return sorted(payload), sorted(tags)


def validate_bag(path, *, trusted_key: str | None = None, check_database: bool = True) -> BagReport:
    """Validate a bag directory or a .zip of one. Never raises for a bad bag: problems go in the report.

    ``trusted_key``: verifier-key text of the checkpoint key (default: this system's configured key).
    """
    path = Path(path)
    report = BagReport(path=str(path))
    if path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="bag-") as temp:
            root = _extract_zip(path, Path(temp), report)
            if root is not None:
                _validate_dir(root, report, trusted_key, check_database)
        return report
    if not path.is_dir():
        report.problem(f"{path} 既不是归档包目录，也不是 zip 文件")
        return report
    _validate_dir(path, report, trusted_key, check_database)
    return report


def _extract_zip(path: Path, temp: Path, report: BagReport) -> Path | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for info in archive.infolist():
                name = info.filename
                if _bad_rel_path(name.rstrip("/")) or (info.external_attr >> 16) & 0o170000 == 0o120000:
                    report.problem(f"zip 中的路径“{name}”不安全，未解压")
                    return None
            archive.extractall(temp)
    except (zipfile.BadZipFile, OSError) as exc:
        report.problem(f"zip 文件损坏：{exc}")
        return None
    tops = {n.split("/", 1)[0] for n in names}
    if "bagit.txt" in names:
        return temp
    if len(tops) == 1:
        return temp / tops.pop()
    report.problem("zip 中找不到 bagit.txt（应为一个归档包目录）")
    return None


def _validate_dir(root: Path, report: BagReport, trusted_key: str | None, check_database: bool) -> None:
    # bagit.txt: the bag declaration.
    declaration = _read_text(root / "bagit.txt", report, "包声明文件")
    if declaration is not None:
        pairs = _parse_tag_file(declaration)
        fields = dict(pairs or [])
        if pairs is None or set(fields) != {"BagIt-Version", "Tag-File-Character-Encoding"}:
            report.problem("bagit.txt 应当只含 BagIt-Version 和 Tag-File-Character-Encoding 两行")
        elif fields["BagIt-Version"] not in ("1.0", "0.97") or fields["Tag-File-Character-Encoding"].upper() != "UTF-8":
            report.problem(f"不支持的 BagIt 版本或编码：{fields['BagIt-Version']} / {fields['Tag-File-Character-Encoding']}")
    if not (root / "data").is_dir():
        report.problem("缺少数据目录 data/")

    payload_files, tag_files = _walk(root, report)
    report.payload_files = len(payload_files)

    # Payload manifests: both algorithms required; every file listed in each; every listed file present.
    manifests: dict[str, dict[str, str]] = {}
    for name in sorted(p.name for p in root.glob("manifest-*.txt")):
        algorithm = name[len("manifest-"):-len(".txt")]
        if algorithm not in hashlib.algorithms_available:
            report.problem(f"{name}：不支持的摘要算法“{algorithm}”")
            continue
        parsed = _parse_manifest(root / name, algorithm, report, payload=True)
        if parsed is not None:
            manifests[algorithm] = parsed
    for algorithm in ALGORITHMS:
        if algorithm not in manifests and not (root / f"manifest-{algorithm}.txt").exists():
            report.problem(f"缺少 {algorithm.upper()} 数据清单 manifest-{algorithm}.txt")

    actual: dict[str, dict[str, str]] = {}
    sizes: dict[str, int] = {}
    wanted = sorted(set(manifests) | set(ALGORITHMS))
    for rel in payload_files:
        hashers = {a: hashlib.new(a) for a in wanted}
        size = 0
        with open(root / rel, "rb") as handle:
            while piece := handle.read(PIECE):
                size += len(piece)
                for h in hashers.values():
                    h.update(piece)
        actual[rel] = {a: h.hexdigest() for a, h in hashers.items()}
        sizes[rel] = size
    present = set(payload_files)
    for algorithm, entries in manifests.items():
        label = f"manifest-{algorithm}.txt"
        for rel, digest in entries.items():
            if rel not in present:
                report.problem(f"文件缺失：{rel}（{label} 中列出，包内没有）")
            elif actual[rel][algorithm] != digest:
                report.problem(f"文件已改动：{rel} 的 {algorithm.upper()} 摘要与 {label} 不符")
        for rel in sorted(present - set(entries)):
            report.problem(f"多余的文件：{rel}（不在 {label} 中）")

    # bag-info.txt and Payload-Oxum.
    info_text = _read_text(root / "bag-info.txt", report, "包信息文件")
    info: dict[str, str] = {}
    if info_text is not None:
        pairs = _parse_tag_file(info_text)
        if pairs is None:
            report.problem("bag-info.txt 格式不正确")
        else:
            info = dict(pairs)
            for label in REQUIRED_INFO:
                if not info.get(label):
                    report.problem(f"bag-info.txt 缺少 {label}")
            oxum = info.get("Payload-Oxum", "")
            expected = f"{sum(sizes.values())}.{len(payload_files)}"
            if oxum and oxum != expected:
                report.problem(f"Payload-Oxum 为 {oxum}，实际为 {expected}（字节数.文件数）")
    report.case_ref = info.get("External-Identifier", "")

    # Tag manifests: both algorithms; every tag file listed and matching.
    tag_manifests: dict[str, dict[str, str]] = {}
    for name in sorted(p.name for p in root.glob("tagmanifest-*.txt")):
        algorithm = name[len("tagmanifest-"):-len(".txt")]
        if algorithm not in hashlib.algorithms_available:
            report.problem(f"{name}：不支持的摘要算法“{algorithm}”")
            continue
        parsed = _parse_manifest(root / name, algorithm, report, payload=False)
        if parsed is not None:
            tag_manifests[algorithm] = parsed
    for algorithm in ALGORITHMS:
        if algorithm not in tag_manifests and not (root / f"tagmanifest-{algorithm}.txt").exists():
            report.problem(f"缺少 {algorithm.upper()} 标签清单 tagmanifest-{algorithm}.txt")
    listed_tags = {t for t in tag_files if not re.fullmatch(r"tagmanifest-[^/]+\.txt", t)}
    for algorithm, entries in tag_manifests.items():
        label = f"tagmanifest-{algorithm}.txt"
        for rel, digest in entries.items():
            if re.fullmatch(r"tagmanifest-[^/]+\.txt", rel):
                report.problem(f"{label} 不应列出标签清单 {rel}")
                continue
            if rel not in listed_tags:
                report.problem(f"文件缺失：{rel}（{label} 中列出，包内没有）")
                continue
            with open(root / rel, "rb") as handle:
                got = hashlib.new(algorithm)
                while piece := handle.read(PIECE):
                    got.update(piece)
            if got.hexdigest() != digest:
                report.problem(f"文件已改动：{rel} 的 {algorithm.upper()} 摘要与 {label} 不符")
        for rel in sorted(listed_tags - set(entries)):
            report.problem(f"多余的文件：{rel}（不在 {label} 中）")

    _validate_sanxiang(root, report, actual, trusted_key)
    if check_database and report.case_ref:
        _compare_with_database(root, report)


def _validate_sanxiang(root: Path, report: BagReport, actual: dict[str, dict[str, str]], trusted_key) -> None:
    """The checkpoint's signature, each item's inclusion proof, and the link from each file to its entry."""
    note = _read_text(root / "sanxiang" / "checkpoint.txt", report, "签名检查点")
    proofs_text = _read_text(root / "sanxiang" / "inclusion-proofs.json", report, "包含证明文件")
    if note is None or proofs_text is None:
        return
    try:
        trusted = checkpoints.parse_verifier_key_text(trusted_key) if trusted_key else None
        head = checkpoints.verify_note(note, trusted)
    except ValidationError as exc:
        report.problem(f"签名检查点无法验证：{'；'.join(exc.messages)}")
        return
    report.notes.append(f"签名检查点有效：{head.origin}，树大小 {head.size}")
    try:
        document = json.loads(proofs_text)
        items = document["items"]
        if document["tree_size"] != head.size or base64.b64decode(document["root"]) != head.root:
            report.problem("包含证明文件中的树大小或根哈希与签名检查点不一致")
            return
        if not isinstance(items, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        report.problem("包含证明文件 inclusion-proofs.json 格式不正确")
        return
    seqs = []
    for position, item in enumerate(items, 1):
        try:
            number, seq, entry_rel = int(item["number"]), int(item["seq"]), str(item["entry"])
            proof = [bytes.fromhex(h) for h in item["proof"]]
            file_rel = item.get("file")
        except (KeyError, TypeError, ValueError):
            report.problem(f"包含证明文件第 {position} 项格式不正确")
            continue
        seqs.append(seq)
        label = f"第 {number} 件（日志序号 {seq}）"
        if number != position:
            report.problem(f"{label}：件号应为 {position}")
        if entry_rel not in actual:
            report.problem(f"{label}：缺少日志条目文件 {entry_rel}")
            continue
        data = (root / entry_rel).read_bytes()
        leaf = merkle.leaf_hash(data)
        try:
            merkle.verify_inclusion(leaf, seq, head.size, proof, head.root)
        except (merkle.ProofError, ValueError) as exc:
            report.problem(f"{label}：包含证明不成立，条目不在签名检查点的日志中或已被改动（{exc}）")
            continue
        try:
            entry = json.loads(data)
        except ValueError:
            report.problem(f"{label}：日志条目不是 JSON")
            continue
        if entry.get("seq") != seq:
            report.problem(f"{label}：日志条目的序号为 {entry.get('seq')}")
        if report.case_ref and entry.get("case_ref") != report.case_ref:
            report.problem(f"{label}：日志条目属于案件“{entry.get('case_ref')}”，不是本卷")
        if file_rel:
            if file_rel not in actual:
                report.problem(f"{label}：缺少文件 {file_rel}")
                continue
            recorded = (entry.get("payload") or {}).get("sha256") or item.get("sha256")
            if actual[file_rel]["sha256"] != recorded:
                report.problem(f"{label}：文件 {file_rel} 的 SHA-256 与日志条目记录的不符")
                continue
            recorded_sm3 = (entry.get("payload") or {}).get("sm3")
            if recorded_sm3 and actual[file_rel]["sm3"] != recorded_sm3:
                report.problem(f"{label}：文件 {file_rel} 的 SM3 与日志条目记录的不符")
                continue
        report.items_proved += 1
    contents = _read_text(root / "sanxiang" / "contents.csv", report, "卷内目录")
    if contents is not None:
        rows = list(csv.reader(io.StringIO(contents.lstrip("\ufeff"))))[1:]
        try:
            listed = [int(r[6]) for r in rows if r]
        except (IndexError, ValueError):
            report.problem("卷内目录 contents.csv 格式不正确")
            return
        if listed != seqs:
            report.problem("卷内目录 contents.csv 与包含证明文件列出的条目不一致")


def _compare_with_database(root: Path, report: BagReport) -> None:
    archive = CaseArchive.objects.filter(case_ref=report.case_ref).first()
    if archive is None:
        report.notes.append(f"本系统没有案件“{report.case_ref}”的归档记录，未核对归档时记录的包摘要")
        return
    try:
        digest = hashlib.sha256((root / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    except OSError:
        return  # already reported as missing
    if digest != archive.bag_sha256:
        report.problem(
            f"本包与 {_fmt_time(archive.archived_at)} 归档时记录的包摘要不符：包被重新打包、增删了文件或条目"
        )
    else:
        report.notes.append("包摘要与归档时记录的一致")


__all__ = [
    "BagReport", "Item", "archives_for", "bag_path", "build_archive", "case_items", "may_archive",
    "log_download", "may_download", "validate_bag", "write_zip", "zip_to_tempfile",
]


# --------------------------------------------------------------------------- downloading


def log_download(user, archive_row: CaseArchive, purpose: str) -> int:
    """Record the download of a bag (REC-09): one access event per record it holds, with the purpose.

    Raises PermissionDenied when ``user`` may not view every record of the case, ValidationError for
    a missing or bad purpose. Returns the number of access events written.
    """
    from . import access_log

    if not may_download(user, archive_row):
        raise PermissionDenied("只有能够查看本案全部记录的人员（本机关领导、执法监督人员等）可以下载归档包")
    purpose = access_log.clean_purpose(purpose)
    records = list(EvidenceRecord.objects.filter(case_ref=archive_row.case_ref).select_related("agency").order_by("pk"))
    with transaction.atomic():
        for record in records:
            access_log.open_record(user, record, action="download", purpose=f"下载归档包：{purpose}"[:300])
        audit.record(user, "records.archive.download", archive_row, after={"records": len(records)}, reason=purpose)
    return len(records)


def zip_to_tempfile(archive_row: CaseArchive):
    """The bag as a zip in an anonymous temporary file, positioned at its start."""
    handle = tempfile.TemporaryFile()
    write_zip(bag_path(archive_row), handle)
    handle.seek(0)
    return handle
