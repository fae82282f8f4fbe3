"""Opening a record, and the access log (调阅记录, REC-09; DESIGN.md rule 4).

Every view and download of a record goes through :func:`open_record` (staff) or :func:`open_as_party`
(the party, with an access code). Each writes an :class:`AccessEvent` and an ``access`` entry of the
record log, in one transaction, with who, what, why, when and from where. A refused access is not an
access: it writes no log entry, but an audit event ``records.access_denied`` (调阅被拒).

The party's access code (当事人查询码) is issued here: a random code shown once, stored only as its
SHA-256; a new code for the same case and party replaces the old one; codes can be revoked.
"""

import hashlib
import re
import secrets
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sanxiang.core import audit, request_context
from sanxiang.core.access import VIEW
from sanxiang.core.identifiers import check_party_identifier

from . import log, storage
from .access import party_codes_visible_to
from .models import AccessEvent, EvidenceRecord, PartyAccessCode
from .models.files import PartyType

PURPOSE_MAX = 300
PARTY_PURPOSE = "当事人凭查询码查阅送达的文书"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_LENGTH = 12  # 31^12 ≈ 2^59
MARKUP = re.compile(r"[<>]|&[#a-zA-Z0-9]+;")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

DENIED = "您无权调阅该记录"
BAD_CODE = "查询码无效或已失效，请核对后重新输入，或联系办案机关"


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """Plain text: trimmed, no markup, no control characters, within length; else a ValidationError on ``field``."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise ValidationError({field: f"请填写{label}"})
        return ""
    if len(text) > max_length:
        raise ValidationError({field: f"{label}不能超过{max_length}字（现为{len(text)}字）"})
    if MARKUP.search(text) or CONTROL.search(text):
        raise ValidationError({field: f"{label}只能是纯文字，不能含有尖括号、HTML 标记或控制字符"})
    return text


def clean_purpose(purpose) -> str:
    return clean_text(purpose, field="purpose", label="调阅事由", max_length=PURPOSE_MAX)


def _clean_action(action) -> str:
    if action not in AccessEvent.Action.values:
        raise ValidationError({"action": f"未知的调阅方式：{action!s:.20}"})
    return action


def _client_address() -> str:
    context = request_context.current()
    return context.client_address if context else ""


def _deny(actor, evidence: EvidenceRecord, action, purpose, *, label: str = "") -> PermissionDenied:
    """Audit a refused access in its own transaction (it must survive the refusal) and return the error."""
    with transaction.atomic():
        audit.record(
            actor if getattr(actor, "is_authenticated", False) else (label or "anonymous"),
            "records.access_denied", evidence,
            after={"subject_seq": evidence.log_entry_id, "action": str(action)[:20], "purpose": str(purpose or "")[:300],
                   "party": label},
        )
    return PermissionDenied(DENIED)


def _write(evidence: EvidenceRecord, *, action: str, purpose: str, user=None, party_label: str = "") -> AccessEvent:
    now = timezone.now()
    address = _client_address()
    who = (
        {"user": user.pk, "username": user.get_username(), "name": getattr(getattr(user, "person", None), "name", "")}
        if user is not None else {"party": party_label}
    )
    with transaction.atomic():
        entry = log.append(
            "access",
            {
                **who,
                "subject_seq": evidence.log_entry_id,
                "evidence": evidence.pk,
                "action": action,
                "purpose": purpose,
                "at": now.isoformat(),
                "client_address": address,
            },
            agency=evidence.agency, case_ref=evidence.case_ref, at=now,
        )
        return AccessEvent.objects.create(
            log_entry=entry, evidence=evidence, subject_seq=evidence.log_entry_id, user=user, party_label=party_label,
            action=action, purpose=purpose, client_address=address,
        )


def open_record(user, evidence: EvidenceRecord, *, action: str, purpose: str) -> AccessEvent:
    """Log one view or download of ``evidence`` by a staff user, after checking their right to view it.

    Raises PermissionDenied (audited as ``records.access_denied``, not logged as an access) when the
    user may not view the record, and ValidationError (nothing written) for a missing or bad purpose.
    """
    if not EvidenceRecord.objects.restrict(user, VIEW).filter(pk=evidence.pk).exists():
        raise _deny(user, evidence, action, purpose)
    action = _clean_action(action)
    purpose = clean_purpose(purpose)
    _require_content(evidence)
    return _write(evidence, action=action, purpose=purpose, user=user)


CONTENT_GONE = "该记录的文件内容已不在存储中（到期删除或缺失），无法查看或下载；可由执法监督人员运行 sanxiang verify 核查"


def _require_content(evidence: EvidenceRecord) -> None:
    """An access is logged only when there is content to give (a removed file is no completed access)."""
    if not storage.get_store().exists(evidence.blob.storage_name):
        raise ValidationError(CONTENT_GONE, code="content_gone")


# --- The party's access code -----------------------------------------------------------------------


def normalise_code(code) -> str:
    text = unicodedata.normalize("NFKC", code if isinstance(code, str) else "").upper()
    return re.sub(r"[\s\-_]", "", text)


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "replace")).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def party_code_for(code) -> PartyAccessCode:
    """The valid (issued, not revoked) access code for ``code``, or ValidationError."""
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in normalised):
        raise ValidationError({"code": BAD_CODE})
    found = PartyAccessCode.objects.filter(code_hash=hash_code(normalised), revoked_at__isnull=True).first()
    if found is None:
        raise ValidationError({"code": BAD_CODE})
    return found


def served_documents(party_code: PartyAccessCode):
    """The records served on the party of ``party_code``'s case (送达的文书), oldest first."""
    return EvidenceRecord.objects.filter(
        agency_id=party_code.agency_id, case_ref=party_code.case_ref, served_to_party=True,
    ).order_by("uploaded_at", "id")


def party_label(party_code: PartyAccessCode) -> str:
    return f"{party_code.party_name}（查询码#{party_code.pk}）"


def open_as_party(code, evidence: EvidenceRecord, *, action: str = AccessEvent.Action.VIEW,
                  purpose: str = PARTY_PURPOSE) -> AccessEvent:
    """Log one view or download by the party, who holds ``code`` (the code text or a PartyAccessCode).

    Only documents served on the party of that case; a revoked or unknown code is a ValidationError,
    a record not served on them is PermissionDenied (audited).
    """
    party_code = code if isinstance(code, PartyAccessCode) else party_code_for(code)
    if party_code.revoked_at is not None or party_code.pk is None:
        raise ValidationError({"code": BAD_CODE})
    if not served_documents(party_code).filter(pk=evidence.pk).exists():
        raise _deny(None, evidence, action, purpose, label=f"当事人：{party_label(party_code)}")
    action = _clean_action(action)
    purpose = clean_purpose(purpose)
    _require_content(evidence)
    return _write(evidence, action=action, purpose=purpose, party_label=party_label(party_code))


def issue_party_code(user, *, case_ref: str, party_type: str, party_id: str,
                     party_name: str) -> tuple[PartyAccessCode, str]:
    """Issue the party's access code for a case; returns the row and the code, which is shown only now.

    The user must be one who may view the case's records. An earlier code of the same party for the
    same case stops working.
    """
    case_ref = (case_ref or "").strip()
    if not case_ref:
        raise ValidationError({"case_ref": "请填写案件编号"})
    records = EvidenceRecord.objects.restrict(user, VIEW).filter(case_ref=case_ref)
    first = records.select_related("agency").first()
    if first is None:
        raise PermissionDenied(f"没有可由您调阅的案件{case_ref}的记录，不能为该案件发放查询码")
    if party_type not in PartyType.values:
        raise ValidationError({"party_type": "请选择当事人类型"})
    check = check_party_identifier(party_type, party_id or "")
    if check.errors:
        raise ValidationError({"party_id": check.errors})
    name = clean_text(party_name, field="party_name", label="当事人名称", max_length=200)
    code = _new_code()
    now = timezone.now()
    with transaction.atomic():
        replaced = list(
            PartyAccessCode.objects.select_for_update().filter(
                agency=first.agency, case_ref=case_ref, party_id=check.value, revoked_at__isnull=True,
            )
        )
        for old in replaced:
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            audit.record(user, "records.party_code_revoked", old, reason="重新发放查询码，原查询码作废")
        row = PartyAccessCode.objects.create(
            case_ref=case_ref, agency=first.agency, party_name=name, party_id=check.value,
            code_hash=hash_code(code), issued_by=user,
        )
        audit.record(user, "records.party_code_issued", row,
                     after={"case_ref": case_ref, "party_name": name, "party_id": check.value})
    return row, code


def revoke_party_code(user, party_code: PartyAccessCode, *, reason: str) -> PartyAccessCode:
    """Revoke an access code (查询码作废), with a reason."""
    if not party_codes_visible_to(user).filter(pk=party_code.pk).exists():
        raise PermissionDenied("您无权作废该查询码")
    reason = clean_text(reason, field="reason", label="作废理由", max_length=200)
    with transaction.atomic():
        row = PartyAccessCode.objects.select_for_update().get(pk=party_code.pk)
        if row.revoked_at is not None:
            raise ValidationError("该查询码已作废")
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit.record(user, "records.party_code_revoked", row, reason=reason)
    return row


# --- Reading the stored file ---------------------------------------------------------------------


def open_content(evidence: EvidenceRecord):
    """The stored file of a record as a binary file object (read-only), from the content store."""
    return storage.get_store().open(evidence.blob.storage_name)
