"""Ingestion of evidence and audio/video files (证据/音像记录入库, REC-06, REC-07).

Two ways in, one way to store:

- :func:`ingest_stream` takes an iterable of byte chunks (a small upload, the demo, a collection
  station) and stores it in one call.
- The resumable path (断点续传, spoken by the tus endpoints in ``api/uploads.py``):
  :func:`open_upload` → :func:`write_chunk` … → :func:`finish_upload`; :func:`abort_upload` gives up.
  The offset lives in the database (:class:`UploadSession`), the bytes received so far in
  ``RECORDS["ROOT"]/uploads/<session id>/data``, so an upload survives a dropped connection and a
  server restart.

Both stream: bytes go to disk as they come, SHA-256 and SM3 are computed while they pass, once
(:class:`HashingWriter`); nothing holds a whole file in memory.

**Hash state of resumable uploads.** Each process keeps the running SHA-256/SM3 objects of the
uploads it is receiving in a dict keyed by session id (``_hash_states``), together with the offset
they cover. When a chunk arrives and the process has no state for the session, or its state covers
another offset (the server restarted, or the previous chunk went to another worker process), the
partial file is re-hashed from its start up to the session's offset before the new bytes are
appended. That costs one extra read of the partial file per switch of process, never a wrong digest.
Writers of one session are serialised by an exclusive ``flock`` on the partial file plus a
conditional update of the offset (``WHERE offset = <expected>``), so two concurrent PATCHes cannot
both succeed; on a multi-host set-up the uploads directory must be shared storage with working locks.

**Finishing** sniffs the content type (``sniff.py``), validates the metadata again, publishes the
file into the content store (``storage.py``), then in one transaction creates the Blob (if new), the
EvidenceRecord with its officers, the log entry (kind ``evidence``) and the audit event. Every check
that can refuse happens before the file is published; bad input stores nothing. (If the database
transaction itself fails after the file was published — a crash, a lost connection — the file stays
as an "untracked" content-addressed file that ``sanxiang verify`` lists and a retry reuses.)
"""

import base64
import binascii
import contextlib
import datetime
import fcntl
import hashlib
import os
import queue
import shutil
import threading
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import dateparse, timezone

from sanxiang.core import audit
from sanxiang.core.access import VIEW
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.core.identifiers import check_party_identifier, normalise
from sanxiang.org.access import actor_of
from sanxiang.org.models import Agency, Person
from sanxiang.org.services import SystemActor

from . import log, sniff, storage
from .models import Blob, CaseArchive, Device, EvidenceRecord, LogEntry, RemovalRequest, Room, UploadSession
from .models.files import PartyType

PIECE = 1024 * 1024
CHUNK_CHECKSUM_ALGORITHMS = ("sha256",)


# --- Errors ------------------------------------------------------------------------------------


class UploadTooLarge(ValidationError):
    """More bytes than declared, or than ``RECORDS["MAX_UPLOAD_BYTES"]`` (HTTP 413)."""

    def __init__(self, message: str):
        super().__init__(message, code="too_large")


class ChecksumMismatch(ValidationError):
    """A chunk's ``Upload-Checksum`` did not match its bytes; the chunk was discarded (tus: HTTP 460)."""

    def __init__(self, message: str = "数据块校验值不符，该数据块已丢弃，请从原偏移量重新发送"):
        super().__init__(message, code="checksum_mismatch")


class OffsetMismatch(Conflict):
    """A chunk sent for another offset than the session's (HTTP 409)."""


class UploadNotFound(Exception):
    """No open upload of this id that the actor may continue (HTTP 404; never says whose it is)."""


class UploadGone(Exception):
    """The upload was completed or given up (HTTP 410)."""


# --- Hashing while streaming --------------------------------------------------------------------


class _HashThread:
    """Feeds one hash object from a queue in its own thread.

    hashlib releases the GIL while hashing more than 2 KiB, so SM3 (the slower of the two, about
    5× SHA-256 in OpenSSL) runs on another core while the request thread receives, writes and
    computes SHA-256. The queue is bounded: at most ``QUEUE_PIECES`` pieces wait (a few MiB).
    """

    QUEUE_PIECES = 2

    def __init__(self, hasher):
        self.hasher = hasher
        self.queue: queue.Queue = queue.Queue(maxsize=self.QUEUE_PIECES)
        self.thread = threading.Thread(target=self._run, name="sanxiang-sm3", daemon=True)
        self.thread.start()

    def _run(self):
        while (data := self.queue.get()) is not None:
            self.hasher.update(data)

    def update(self, data: bytes) -> None:
        self.queue.put(data)

    def join(self) -> None:
        self.queue.put(None)
        self.thread.join()


class HashingWriter:
    """Writes bytes to ``file`` (if any) and feeds SHA-256 and SM3 with the same bytes, once.

    With ``parallel=True`` SM3 is computed in a helper thread (see :class:`_HashThread`); call
    :meth:`close` (or read a digest, which closes) before using the digests or copying.
    """

    def __init__(self, file=None, *, sha256=None, sm3=None, size: int = 0, parallel: bool = False):
        self.file = file
        self._sha256 = sha256 or hashlib.sha256()
        self._sm3 = sm3 or hashlib.new("sm3")
        self._thread = _HashThread(self._sm3) if parallel else None
        self.size = size

    def write(self, data: bytes) -> int:
        if self.file is not None:
            self.file.write(data)
        self._sha256.update(data)
        if self._thread is not None:
            self._thread.update(data)
        else:
            self._sm3.update(data)
        self.size += len(data)
        return len(data)

    def close(self) -> None:
        """Wait for the helper thread (if any) to hash everything written."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def copy(self, file=None, *, parallel: bool = False) -> "HashingWriter":
        self.close()
        return HashingWriter(file, sha256=self._sha256.copy(), sm3=self._sm3.copy(), size=self.size, parallel=parallel)

    @property
    def sha256(self) -> str:
        self.close()
        return self._sha256.hexdigest()

    @property
    def sm3(self) -> str:
        self.close()
        return self._sm3.hexdigest()


_hash_states: dict[str, HashingWriter] = {}
_hash_lock = threading.Lock()


def clear_hash_cache() -> None:
    """Forget every in-process hash state (what a restart does; tests use it to simulate one)."""
    with _hash_lock:
        _hash_states.clear()


def _hash_file(path: Path, length: int) -> HashingWriter:
    writer = HashingWriter(parallel=True)
    with open(path, "rb") as stream:
        remaining = length
        while remaining:
            piece = stream.read(min(PIECE, remaining))
            if not piece:
                break
            writer.write(piece)
            remaining -= len(piece)
    writer.close()
    return writer


# --- Metadata ----------------------------------------------------------------------------------


TEXT_FIELDS = {  # field: (label, max length)
    "title": ("名称", 200),
    "case_ref": ("案件编号", 64),
    "step_ref": ("办案环节", 64),
    "activity": ("执法活动", 40),
    "target_name": ("执法对象名称", 200),
    "place": ("地点", 200),
    "vendor_integrity_id": ("采集站完整性标识", 200),
}


def _text(errors: dict, metadata: dict, field: str) -> str:
    label, limit = TEXT_FIELDS[field]
    value = metadata.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if any(unicodedata.category(c) == "Cc" for c in value):
        errors[field] = f"{label}不能包含控制字符"
    elif "<" in value or ">" in value:
        errors[field] = f"{label}不能包含“<”“>”等标记字符"
    elif len(value) > limit:
        errors[field] = f"{label}不能超过{limit}个字符"
    return value


def clean_file_name(value) -> str:
    """The original file name as given, if it is a plain base name; otherwise a ValidationError.

    The name is only ever shown (and used for the download's file name); it never becomes a path.
    """
    name = unicodedata.normalize("NFC", str(value or "")).strip()
    if not name:
        return ""
    if len(name) > 255:
        raise ValidationError({"original_name": "原文件名不能超过255个字符"})
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise ValidationError({"original_name": "原文件名不能包含控制字符"})
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("..") or ":" in name:
        raise ValidationError({"original_name": f"原文件名“{name}”含有路径（如 / \\ .. :），只能是文件本身的名称"})
    return name


def _moment(errors: dict, metadata: dict, field: str, label: str) -> datetime.datetime | None:
    value = metadata.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = dateparse.parse_datetime(str(value).strip())
        except ValueError:
            moment = None
        if moment is None:
            errors[field] = f"{label}不是有效的日期时间（例如 2025-03-01T09:30:00+08:00）"
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _id_list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, int):
        return [value]
    return list(value)


def _int_or_none(errors: dict, field: str, value, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        errors[field] = f"{label}编号无效"
        return None


def uploader_agency(actor, metadata: dict, uploaded_by=None) -> Agency:
    """The agency the upload is for: the uploader's own. Superusers and the command line name it."""
    errors: dict = {}
    requested = _int_or_none(errors, "agency", metadata.get("agency"), "执法主体")
    if errors:
        raise ValidationError(errors)
    if isinstance(actor, SystemActor):
        person = getattr(uploaded_by, "person", None) if uploaded_by is not None else None
        agency_id = requested or (person.agency_id if person else None)
    else:
        if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
            raise PermissionDenied("请先登录")
        own = actor_of(actor).agency_id
        if own is None and not actor.is_superuser:
            raise PermissionDenied("未关联执法主体的账号不能上传证据")
        if own is not None and requested is not None and requested != own:
            raise ValidationError({"agency": "只能为本人所在的执法主体上传证据"})
        agency_id = own or requested
    if agency_id is None:
        raise ValidationError({"agency": "请指定执法主体"})
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise ValidationError({"agency": "执法主体不存在"})
    return agency


def case_owner(case_ref: str) -> int | None:
    """The agency a case belongs to: the one whose log entries first used its case number (until the cases app)."""
    return (
        LogEntry.objects.filter(case_ref=case_ref, agency__isnull=False)
        .order_by("seq").values_list("agency_id", flat=True).first()
    )


@dataclass
class Cleaned:
    """Validated metadata: ``data`` is JSON-ready (stored on the session and in the log entry)."""

    data: dict
    agency: Agency
    officers: list
    device: Device | None
    room: Room | None
    corrects: EvidenceRecord | None


def clean_metadata(actor, metadata: dict, *, uploaded_by=None) -> Cleaned:
    """Validate upload metadata; raise ValidationError (per field, in Chinese) or PermissionDenied."""
    if not isinstance(metadata, dict):
        raise ValidationError("元数据格式无效")
    agency = uploader_agency(actor, metadata, uploaded_by)
    errors: dict = {}
    data = {field: _text(errors, metadata, field) for field in TEXT_FIELDS}
    data["agency"] = agency.pk
    if not data["title"] and "title" not in errors:
        errors["title"] = "请填写名称"

    kind = str(metadata.get("kind") or "").strip()
    if kind and kind not in EvidenceRecord.Kind.values:
        errors["kind"] = "类型无效：应为照片、视频、录音、扫描件或电子文档"
    data["kind"] = kind

    try:
        data["original_name"] = clean_file_name(metadata.get("original_name"))
    except ValidationError as error:
        errors.update(error.message_dict)
        data["original_name"] = ""

    case_ref = data["case_ref"]
    if case_ref and "case_ref" not in errors:
        owner = case_owner(case_ref)
        if owner is not None and owner != agency.pk:
            errors["case_ref"] = f"案件{case_ref}属于其他执法主体，不能向该案件上传证据"
        elif CaseArchive.objects.filter(case_ref=case_ref).exists():
            raise RuleViolation("REC-08", f"案件{case_ref}已归档，案卷记录不再接受新的条目（调阅记录除外）")

    target_type = str(metadata.get("target_type") or "").strip()
    target_id = normalise(str(metadata.get("target_id") or ""))
    if target_id or target_type:
        if target_type not in PartyType.values:
            errors["target_type"] = "请选择执法对象类型（自然人、法人或其他组织、个体工商户）"
        elif not target_id:
            errors["target_id"] = "请填写执法对象证件号码"
        else:
            check = check_party_identifier(target_type, target_id)
            if check.errors:
                errors["target_id"] = "；".join(check.errors)
            target_id = check.value
    data["target_type"], data["target_id"] = target_type, target_id

    officer_ids = []
    for item in _id_list(metadata.get("officers")):
        try:
            officer_ids.append(int(item))
        except (TypeError, ValueError):
            errors["officers"] = "执法人员编号无效"
    officers = list(Person.objects.filter(pk__in=officer_ids, agency=agency, is_active=True))
    if "officers" not in errors and len(officers) != len(set(officer_ids)):
        errors["officers"] = "执法人员须为本执法主体的在岗人员"
    data["officers"] = sorted(set(officer_ids))

    device = room = corrects = None
    device_id = _int_or_none(errors, "device", metadata.get("device"), "记录设备")
    if device_id is not None:
        device = Device.objects.filter(pk=device_id, agency=agency).first()
        if device is None:
            errors["device"] = "记录设备须为本执法主体的设备"
    room_id = _int_or_none(errors, "room", metadata.get("room"), "场所")
    if room_id is not None:
        room = Room.objects.filter(pk=room_id, agency=agency).first()
        if room is None:
            errors["room"] = "场所须为本执法主体的办案场所"
    corrects_id = _int_or_none(errors, "corrects", metadata.get("corrects"), "更正的记录")
    if corrects_id is not None:
        visible = EvidenceRecord.objects.all() if isinstance(actor, SystemActor) else EvidenceRecord.objects.restrict(actor, VIEW)
        corrects = visible.filter(pk=corrects_id, agency=agency).first()
        if corrects is None:
            errors["corrects"] = "更正的记录不存在或不属于本执法主体"
    data["device"], data["room"], data["corrects"] = device_id, room_id, corrects_id

    start = _moment(errors, metadata, "captured_from", "拍摄/录制开始时间")
    end = _moment(errors, metadata, "captured_to", "拍摄/录制结束时间")
    if start and end and end < start:
        errors["captured_to"] = "拍摄/录制结束时间早于开始时间"
    data["captured_from"] = start.isoformat() if start else None
    data["captured_to"] = end.isoformat() if end else None

    served = metadata.get("served_to_party", False)
    data["served_to_party"] = served if isinstance(served, bool) else str(served).strip().lower() in ("1", "true", "yes", "on")

    if errors:
        raise ValidationError(errors)
    return Cleaned(data=data, agency=agency, officers=officers, device=device, room=room, corrects=corrects)


# --- Storing a complete file --------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(settings.RECORDS["MAX_UPLOAD_BYTES"])


def limit_message(limit: int) -> str:
    return f"文件超过上传大小上限（{human_size(limit)}）"


def human_size(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{size} 字节"


def _uploaded_by(actor, uploaded_by):
    if isinstance(actor, SystemActor):
        if uploaded_by is None or not isinstance(uploaded_by, get_user_model()):
            raise ValueError("the command line names the account the evidence is recorded for (uploaded_by=user)")
        return uploaded_by
    return actor


def _store(actor, uploaded_by, metadata: dict, temp_path: Path, digest: HashingWriter,
           session: UploadSession | None = None) -> EvidenceRecord:
    """Sniff, validate, publish, and record — the common end of both ways in."""
    media_type, default_kind = sniff.sniff_file(temp_path)
    cleaned = clean_metadata(actor, metadata, uploaded_by=uploaded_by)
    data = cleaned.data
    data["kind"] = data["kind"] or default_kind
    sniff.check_kind(media_type, data["kind"])
    size = os.stat(temp_path).st_size
    if size != digest.size:
        raise Conflict("已接收的数据与记录的长度不一致，请重新上传")
    if RemovalRequest.objects.filter(status=RemovalRequest.Status.EXECUTED, evidence__blob_id=digest.sha256).exists():
        # Re-storing removed bytes would make `verify` report a later loss of them as "removed", not "missing".
        raise ValidationError("相同内容的文件已按保存期限删除，不能再次登记；如确需保存，请联系系统管理员")
    store = storage.get_store()
    name, _created = store.publish(temp_path, digest.sha256, size)
    with transaction.atomic():
        if session is not None:
            session = UploadSession.objects.select_for_update().get(pk=session.pk)
            if session.status != UploadSession.Status.OPEN:
                raise UploadGone("该上传已完成或已放弃")
        blob = _blob(digest, size, media_type, name)
        payload = {
            "sha256": blob.sha256, "sm3": blob.sm3, "size": blob.size, "media_type": blob.media_type,
            "metadata": data, "uploaded_by": uploaded_by.get_username(),
        }
        entry = log.append(
            LogEntry.Kind.EVIDENCE, payload, agency=cleaned.agency, case_ref=data["case_ref"],
            target_id=data["target_id"],
        )
        record = EvidenceRecord.objects.create(
            blob=blob, log_entry=entry, kind=data["kind"], title=data["title"], original_name=data["original_name"],
            agency=cleaned.agency, case_ref=data["case_ref"], step_ref=data["step_ref"], activity=data["activity"],
            target_type=data["target_type"], target_id=data["target_id"], target_name=data["target_name"],
            device=cleaned.device, room=cleaned.room,
            captured_from=dateparse.parse_datetime(data["captured_from"]) if data["captured_from"] else None,
            captured_to=dateparse.parse_datetime(data["captured_to"]) if data["captured_to"] else None,
            place=data["place"], vendor_integrity_id=data["vendor_integrity_id"],
            served_to_party=data["served_to_party"], corrects=cleaned.corrects, uploaded_by=uploaded_by,
        )
        if cleaned.officers:
            record.officers.set(cleaned.officers)
        if session is not None:
            session.status = UploadSession.Status.COMPLETE
            session.evidence = record
            session.save(update_fields=["status", "evidence", "updated_at"])
        audit.record(actor, "records.evidence.ingest", record, after={**payload, "seq": entry.seq, "id": record.pk})
    return record


def _blob(digest: HashingWriter, size: int, media_type: str, name: str) -> Blob:
    existing = Blob.objects.filter(pk=digest.sha256).first()
    if existing is None:
        try:
            with transaction.atomic():
                return Blob.objects.create(
                    sha256=digest.sha256, sm3=digest.sm3, size=size, media_type=media_type, storage_name=name
                )
        except IntegrityError:
            existing = Blob.objects.get(pk=digest.sha256)  # stored by a concurrent upload of the same bytes
    if existing.sm3 != digest.sm3 or existing.size != size:
        raise Conflict(f"存储文件 {digest.sha256} 的 SM3 或大小与已登记的不一致，存储可能已被篡改")
    return existing


def ingest_stream(actor, chunks: Iterable[bytes], metadata: dict, *, uploaded_by=None) -> EvidenceRecord:
    """Store one file from an iterable of byte chunks, with its metadata, in one call.

    ``actor``: the signed-in user, or a :class:`SystemActor` (then ``uploaded_by`` names the account
    the record is attributed to, and ``metadata["agency"]`` may name the agency; default: that
    account's agency). Raises ValidationError / PermissionDenied / RuleViolation; nothing is stored then.
    """
    uploaded_by = _uploaded_by(actor, uploaded_by)
    clean_metadata(actor, metadata, uploaded_by=uploaded_by)  # refuse before reading any bytes
    limit = max_upload_bytes()
    temp = storage.new_staging_file()
    try:
        with open(temp, "wb") as file:
            writer = HashingWriter(file, parallel=True)
            try:
                for chunk in chunks:
                    if writer.size + len(chunk) > limit:
                        raise UploadTooLarge(limit_message(limit))
                    writer.write(chunk)
            finally:
                writer.close()
            file.flush()
            os.fsync(file.fileno())
        return _store(actor, uploaded_by, metadata, temp, writer)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


# --- Resumable uploads --------------------------------------------------------------------------


def partial_path(session_id) -> Path:
    return storage.session_dir(session_id) / "data"


def open_upload(actor, agency, length: int, metadata: dict) -> UploadSession:
    """Start a resumable upload of ``length`` bytes; the metadata is validated now and again at the end.

    ``agency``: the agency the upload is for (``None`` = the uploader's own; anything else is refused
    unless the actor is a superuser without an agency).
    """
    if not isinstance(length, int) or isinstance(length, bool) or length < 0:
        raise ValidationError({"length": "上传长度无效"})
    if length == 0:
        raise ValidationError({"length": "文件为空"})
    limit = max_upload_bytes()
    if length > limit:
        raise UploadTooLarge(limit_message(limit))
    metadata = dict(metadata or {})
    if agency is not None:
        metadata["agency"] = agency.pk if isinstance(agency, Agency) else agency
    if isinstance(actor, SystemActor) or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("断点续传须由登录用户发起")
    cleaned = clean_metadata(actor, metadata)
    with transaction.atomic():
        session = UploadSession.objects.create(
            created_by=actor, agency=cleaned.agency, length=length, metadata=cleaned.data,
        )
        audit.record(actor, "records.upload.open", session, after={"length": length, "metadata": cleaned.data})
    path = partial_path(session.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return session


def get_session(actor, session_id, *, open_only: bool = True) -> UploadSession:
    """The actor's own upload session (only its creator may continue it)."""
    try:
        key = uuid.UUID(str(session_id))
    except ValueError as error:
        raise UploadNotFound("上传不存在") from error
    session = UploadSession.objects.filter(pk=key, created_by_id=getattr(actor, "pk", None)).first()
    if session is None:
        raise UploadNotFound("上传不存在")
    if open_only and session.status != UploadSession.Status.OPEN:
        raise UploadGone("该上传已完成或已放弃")
    return session


@contextlib.contextmanager
def _exclusive(path: Path):
    try:
        file = open(path, "r+b")
    except FileNotFoundError as error:
        raise UploadGone("该上传的临时数据已不存在，请重新上传") from error
    with file:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise Conflict("另一个请求正在写入此上传，请稍后查询偏移量再继续") from error
        try:
            yield file
        finally:
            fcntl.flock(file.fileno(), fcntl.LOCK_UN)


def _state(session: UploadSession, file) -> HashingWriter:
    """The running digests of the partial file's first ``session.offset`` bytes (re-hashed if not in this process)."""
    key = str(session.pk)
    with _hash_lock:
        state = _hash_states.get(key)
    if state is not None and state.size == session.offset:
        return state
    on_disk = os.fstat(file.fileno()).st_size
    covered = min(on_disk, session.offset)
    state = _hash_file(partial_path(session.pk), covered)
    if covered < session.offset:  # bytes lost in a crash before they reached the disk: resume from what is there
        UploadSession.objects.filter(pk=session.pk, offset=session.offset).update(offset=covered, updated_at=timezone.now())
        session.offset = covered
    with _hash_lock:
        _hash_states[key] = state
    return state


class _Writeback:
    """Start the disk writes of a chunk while it is still arriving, so its final fsync has little to wait for.

    Every ``STEP`` bytes the written range is handed to the kernel with ``posix_fadvise(DONTNEED)``,
    which on Linux starts writing dirty pages back without waiting (and drops them from the page
    cache once clean: a large upload does not push everything else out). Elsewhere a no-op.
    """

    STEP = 2 * 1024 * 1024

    def __init__(self, file, offset: int):
        self.file = file
        self.done = offset
        self.enabled = hasattr(os, "posix_fadvise")

    def wrote(self, position: int) -> None:
        if self.enabled and position - self.done >= self.STEP:
            self.file.flush()
            os.posix_fadvise(self.file.fileno(), self.done, position - self.done, os.POSIX_FADV_DONTNEED)
            self.done = position


def parse_checksum(header: str | None) -> bytes | None:
    """``Upload-Checksum: sha256 <base64 digest>`` → the digest; ValidationError if unreadable or unsupported."""
    if not header:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm.lower() not in CHUNK_CHECKSUM_ALGORITHMS:
        raise ValidationError(f"不支持的校验算法“{algorithm}”，应为 sha256")
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError("Upload-Checksum 的校验值不是有效的 Base64") from error
    if len(digest) != 32:
        raise ValidationError("Upload-Checksum 的 SHA-256 校验值长度应为32字节")
    return digest


def write_chunk(actor, session_id, offset: int, data_iter: Iterable[bytes], checksum: str | None = None) -> int:
    """Append a chunk at ``offset``; returns the new offset.

    A wrong offset → :class:`OffsetMismatch`; a ``checksum`` (``"sha256 <base64>"``) that does not
    match → :class:`ChecksumMismatch`; more bytes than declared → :class:`UploadTooLarge`. In each
    case the chunk is discarded and the offset stays. If the first bytes show a type that is not
    allowed, the upload is given up at once (nothing kept) and :class:`sniff.DisallowedType` raised.
    An iterator that ends early (a dropped connection) keeps what arrived unless a checksum was given.
    """
    expected = parse_checksum(checksum)
    session = get_session(actor, session_id)
    if offset != session.offset:
        raise OffsetMismatch(f"偏移量不符：服务器已接收 {session.offset} 字节，本次从 {offset} 开始")
    path = partial_path(session.pk)
    with _exclusive(path) as file:
        session.refresh_from_db(fields=["offset", "status"])
        if session.status != UploadSession.Status.OPEN:
            raise UploadGone("该上传已完成或已放弃")
        if offset != session.offset:
            raise OffsetMismatch(f"偏移量不符：服务器已接收 {session.offset} 字节，本次从 {offset} 开始")
        state = _state(session, file)
        if offset != session.offset:
            raise OffsetMismatch(f"服务器上的数据只有 {session.offset} 字节，请从该偏移量继续")
        chunk_hash = hashlib.sha256() if expected is not None else None
        file.seek(offset)
        file.truncate()
        writer = state.copy(file, parallel=True)
        flushing = _Writeback(file, offset)
        try:
            try:
                for data in data_iter:
                    if not data:
                        continue
                    if writer.size + len(data) > session.length:
                        raise UploadTooLarge(f"数据超过上传时声明的长度（{session.length} 字节）")
                    writer.write(data)
                    if chunk_hash is not None:
                        chunk_hash.update(data)
                    flushing.wrote(writer.size)
                file.flush()
                os.fsync(file.fileno())  # on disk before the offset says so; overlaps the SM3 thread's catching up
            finally:
                writer.close()
            if chunk_hash is not None and chunk_hash.digest() != expected:
                raise ChecksumMismatch()
            new_offset = writer.size
            updated = UploadSession.objects.filter(
                pk=session.pk, offset=offset, status=UploadSession.Status.OPEN
            ).update(offset=new_offset, updated_at=timezone.now())
            if not updated:
                raise OffsetMismatch("该上传已被另一个请求推进，请查询偏移量后继续")
        except BaseException:
            file.seek(offset)
            file.truncate()
            raise
        with _hash_lock:
            _hash_states[str(session.pk)] = writer.copy()
    if offset < sniff.HEAD_BYTES and (new_offset >= sniff.HEAD_BYTES or new_offset == session.length):
        with open(path, "rb") as stream:
            head = stream.read(sniff.HEAD_BYTES)
        try:
            sniff.sniff_head(head)
        except sniff.DisallowedType:
            _discard(session, actor, reason="文件内容不是允许的类型")
            raise
    return new_offset


def finish_upload(actor, session_id) -> EvidenceRecord:
    """Store a fully received upload as evidence. Refusals give the upload up and keep nothing."""
    session = get_session(actor, session_id)
    if session.offset != session.length:
        raise ValidationError(f"上传尚未完成：已接收 {session.offset} / {session.length} 字节")
    path = partial_path(session.pk)
    with _exclusive(path) as file:
        state = _state(session, file)
        if state.size != session.length:
            raise Conflict("服务器上的数据不完整，请查询偏移量后继续上传")
        try:
            record = _store(actor, actor, session.metadata, path, state, session=session)
        except (ValidationError, PermissionDenied) as error:
            _discard(session, actor, reason=_message(error))
            raise
    _remove_partial(session.pk)
    return record


def abort_upload(actor, session_id) -> None:
    """Give an upload up (tus termination): the partial bytes are removed, the session kept as aborted."""
    session = get_session(actor, session_id)
    _discard(session, actor, reason="上传人终止上传")


def _discard(session: UploadSession, actor, *, reason: str) -> None:
    with transaction.atomic():
        updated = UploadSession.objects.filter(pk=session.pk, status=UploadSession.Status.OPEN).update(
            status=UploadSession.Status.ABORTED, updated_at=timezone.now()
        )
        if updated:
            audit.record(actor, "records.upload.abort", session, reason=reason[:500])
    _remove_partial(session.pk)


def _remove_partial(session_id) -> None:
    with _hash_lock:
        _hash_states.pop(str(session_id), None)
    shutil.rmtree(storage.session_dir(session_id), ignore_errors=True)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)
