"""Reads of the record store, already scoped to the user."""

import datetime
from dataclasses import dataclass

from sanxiang.core.access import VIEW
from sanxiang.core.identifiers import PartyType, check_party_identifier, mask_id_number, normalise

from . import log
from .models import EvidenceRecord, LogEntry


@dataclass
class TargetItem:
    """One record of an enforcement target: an evidence/AV record, or another log entry (document, case event…)."""

    at: datetime.datetime
    entry: LogEntry
    evidence: EvidenceRecord | None = None

    @property
    def kind_label(self) -> str:
        return self.evidence.get_kind_display() if self.evidence else self.entry.get_kind_display()

    @property
    def title(self) -> str:
        if self.evidence:
            return self.evidence.title
        payload = log.decode(self.entry).get("payload") or {}
        return str(payload.get("title") or payload.get("name") or payload.get("step") or "")[:200]

    @property
    def case_ref(self) -> str:
        return self.entry.case_ref

    @property
    def seq(self) -> int:
        return self.entry.seq


def records_of_target(user, target_id: str) -> list[TargetItem]:
    """All text and AV records of one enforcement target (执法对象) across cases, in time order (REC-07).

    Evidence and AV records the user may view, and log entries of any kind (documents, case events…)
    with that target the user may view. An evidence record's time is when it was captured, else when it
    was recorded. Access events carry no target and are not listed.
    """
    target_id = normalise(target_id)
    if not target_id:
        return []
    evidence = (
        EvidenceRecord.objects.restrict(user, VIEW).filter(target_id=target_id)
        .select_related("log_entry", "agency", "device").prefetch_related("officers")
    )
    items = [TargetItem(at=e.captured_from or e.log_entry.created_at, entry=e.log_entry, evidence=e) for e in evidence]
    seen = {item.entry.seq for item in items}
    entries = LogEntry.objects.restrict(user, VIEW).filter(target_id=target_id).exclude(kind=LogEntry.Kind.ACCESS)
    items += [TargetItem(at=entry.created_at, entry=entry) for entry in entries.select_related("agency")
              if entry.seq not in seen]
    items.sort(key=lambda item: (item.at, item.entry.seq))
    return items


@dataclass
class TargetQuery:
    party_type: str
    value: str = ""
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.value) and not self.errors

    @property
    def display(self) -> str:
        """The identifier as a page may show it: a natural person's ID number masked."""
        if self.party_type == PartyType.PERSON:
            return mask_id_number(self.value)
        return self.value


def parse_target(party_type: str, value: str) -> TargetQuery:
    """Validate a USCC or ID number by the declared party type (never guessed from the value)."""
    if party_type not in (PartyType.PERSON, PartyType.ORGANISATION, PartyType.INDIVIDUAL_BUSINESS):
        return TargetQuery(party_type="", errors=("请选择执法对象类型",))
    check = check_party_identifier(party_type, value or "")
    return TargetQuery(party_type=party_type, value=check.value if not check.errors else "",
                       errors=tuple(check.errors), warnings=tuple(check.warnings))
