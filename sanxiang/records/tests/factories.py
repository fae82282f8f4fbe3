"""Test helpers: evidence records made the way the ingestion service makes them (file, blob, log entry, metadata).

Point ``settings.RECORDS["ROOT"]`` at a temporary folder first (see :func:`records_root`).
"""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from sanxiang.records import log, storage
from sanxiang.records.models import Blob, EvidenceRecord

try:  # sm3 through OpenSSL where available; tests only need a stable value otherwise
    hashlib.new("sm3")
    _SM3 = True
except ValueError:  # pragma: no cover - depends on the OpenSSL build
    _SM3 = False

MEDIA_TYPES = {
    EvidenceRecord.Kind.PHOTO: "image/jpeg",
    EvidenceRecord.Kind.VIDEO: "video/mp4",
    EvidenceRecord.Kind.AUDIO: "audio/mpeg",
    EvidenceRecord.Kind.SCAN: "application/pdf",
    EvidenceRecord.Kind.DOCUMENT: "application/pdf",
}


def records_root(settings_fixture, tmp_path):
    """Point RECORDS["ROOT"] at ``tmp_path`` (call with pytest-django's ``settings`` fixture)."""
    settings_fixture.RECORDS = {**settings_fixture.RECORDS, "ROOT": tmp_path / "records"}
    return settings_fixture.RECORDS["ROOT"]


def make_blob(content: bytes, media_type: str = "application/octet-stream") -> Blob:
    sha = hashlib.sha256(content).hexdigest()
    existing = Blob.objects.filter(sha256=sha).first()
    if existing is not None:
        return existing
    sm3 = hashlib.new("sm3", content).hexdigest() if _SM3 else hashlib.sha3_256(content).hexdigest()
    temp = storage.new_staging_file("test-")
    try:
        temp.write_bytes(content)
        name, _ = storage.get_store().publish(temp, sha, len(content))
    finally:
        temp.unlink()
    return Blob.objects.create(sha256=sha, sm3=sm3, size=len(content), media_type=media_type, storage_name=name)


_counter = 0


def make_evidence(user, *, agency=None, kind=EvidenceRecord.Kind.PHOTO, title="", content=None, officers=(),
                  case_ref="", step_ref="", activity="", target_type="", target_id="", target_name="",
                  device=None, room=None, captured_from=None, captured_to=None, served_to_party=False,
                  place="", at=None) -> EvidenceRecord:
    """One evidence record with its file, blob and log entry, in one transaction.

    ``officers`` are org.Person rows or users with a person; ``agency`` defaults to the user's agency.
    """
    global _counter
    _counter += 1
    agency = agency or user.person.agency
    people = [getattr(o, "person", o) for o in officers]
    content = content if content is not None else f"evidence {_counter} {title}".encode()
    title = title or f"证据{_counter}"
    with transaction.atomic():
        blob = make_blob(content, MEDIA_TYPES[kind])
        entry = log.append(
            "evidence",
            {
                "sha256": blob.sha256, "sm3": blob.sm3, "size": blob.size, "kind": kind, "title": title,
                "officers": [p.pk for p in people], "device": device.pk if device else None,
                "captured_from": captured_from.isoformat() if captured_from else None,
                "captured_to": captured_to.isoformat() if captured_to else None,
                "served_to_party": served_to_party, "uploaded_by": user.pk,
            },
            agency=agency, case_ref=case_ref, target_id=target_id, at=at,
        )
        record = EvidenceRecord.objects.create(
            blob=blob, log_entry=entry, kind=kind, title=title, original_name=f"{title}.bin", agency=agency,
            case_ref=case_ref, step_ref=step_ref, activity=activity, target_type=target_type, target_id=target_id,
            target_name=target_name, device=device, room=room, captured_from=captured_from, captured_to=captured_to,
            place=place, served_to_party=served_to_party, uploaded_by=user,
        )
        if people:
            record.officers.set(people)
    return record


def moment(hour: int, minute: int = 0, day: int = 10) -> datetime.datetime:
    """An aware time on 2026-03-<day> in the current time zone."""
    return timezone.make_aware(datetime.datetime(2026, 3, day, hour, minute))
