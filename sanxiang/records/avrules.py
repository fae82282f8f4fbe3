"""The AV recording item list (音像记录事项清单) and the checks the case workflow calls (REC-03, REC-05).

- REC-03: full-process audio/video recording (全程音像记录) for acts that directly affect personal
  freedom, life and health or major property rights (查封扣押财产, 强制拆除, 留置) and in case-handling
  premises (询问室询问); AV recording as the situation needs (根据实际情况) for acts easily disputed
  (现场执法/现场检查, 随机抽查, 调查取证, 证据保全, 听证, 行政强制, 留置送达, 公告送达); text may stand in
  otherwise, where it fully captures the act.
- REC-05: a recording's time must agree with the time on the activity's document, within
  ``RECORDS["AV_TIME_TOLERANCE_SECONDS"]``.

Where the rules come from, first match wins: the agency's published AV recording item list (the
catalog app registers itself as a source with :func:`register_source`, so this module does not
depend on it), then the agency's own row in ``AVRule``, then the default list (migration
``r4_default_av_rules``), then "text allowed".
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import AVRule, EvidenceRecord

AV_KINDS = frozenset({EvidenceRecord.Kind.VIDEO, EvidenceRecord.Kind.AUDIO})

BASIS_TEXT = "对文字记录能够全面有效记录执法行为的，可以不进行音像记录。（开司发〔2020〕2号）"


# Callables ``source(agency_id, activity) -> dict | None`` giving a row {activity, name, requirement, basis}.
_SOURCES: list = []


def register_source(source) -> None:
    """Add a source of AV rules consulted before this app's own table (the catalog's published list)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def rule_for(agency, activity: str) -> AVRule:
    """The rule for ``activity`` in ``agency``: a registered source's, else its own entry, else the default,
    else "text allowed" (an unsaved ``AVRule``)."""
    agency_id = getattr(agency, "pk", agency)
    if agency_id is not None:
        for source in _SOURCES:
            row = source(agency_id, activity)
            if row:
                return AVRule(activity=activity, name=row.get("name") or activity, requirement=row["requirement"],
                              basis=row.get("basis", ""), agency_id=agency_id)
    candidates = AVRule.objects.filter(activity=activity).filter(Q(agency__isnull=True) | Q(agency_id=agency_id))
    rules = {r.agency_id: r for r in candidates}
    found = (rules.get(agency_id) if agency_id is not None else None) or rules.get(None)
    if found is not None:
        return found
    return AVRule(activity=activity, name=activity, requirement=AVRule.Requirement.TEXT_ALLOWED, basis=BASIS_TEXT)


@dataclass(frozen=True)
class Finding:
    """Something missing or inconsistent in an activity's records. ``str()`` starts with the rule's ID."""

    rule: str
    message: str
    evidence_id: int | None = None
    gap_minutes: int | None = None

    def __str__(self):
        return f"{self.rule}: {self.message}"


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _fmt(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"


def time_gap_seconds(record: EvidenceRecord, document_time: datetime.datetime) -> float:
    """How far ``document_time`` lies outside the record's capture interval (0 inside it)."""
    start = _aware(record.captured_from)
    end = _aware(record.captured_to or record.captured_from)
    document_time = _aware(document_time)
    if document_time < start:
        return (start - document_time).total_seconds()
    if document_time > end:
        return (document_time - end).total_seconds()
    return 0.0


def check_activity_records(agency, activity: str, records: Iterable[EvidenceRecord],
                           document_time: datetime.datetime | None) -> list[Finding]:
    """Check the records of one enforcement activity against the AV item list and the document's time.

    - REC-03: an activity that needs full-process AV and has no video or audio record;
    - REC-05: an AV record without a capture time, or whose capture interval is farther from
      ``document_time`` (the time on the activity's document) than the configured tolerance.

    An empty list means the records are in order. ``document_time`` ``None`` skips the REC-05 check.
    """
    rule = rule_for(agency, activity)
    records = list(records)
    av = [r for r in records if r.kind in AV_KINDS]
    findings: list[Finding] = []
    if rule.requirement == AVRule.Requirement.FULL and not av:
        findings.append(Finding(
            "REC-03", f"“{rule.name}”须全程音像记录，但没有录像或录音记录",
        ))
    if document_time is None:
        return findings
    tolerance = settings.RECORDS["AV_TIME_TOLERANCE_SECONDS"]
    for record in av:
        if record.captured_from is None:
            findings.append(Finding("REC-05", f"音像记录“{record.title}”未记载拍摄/录制时间，无法与文书时间核对",
                                    evidence_id=record.pk))
            continue
        gap = time_gap_seconds(record, document_time)
        if gap > tolerance:
            minutes = math.ceil(gap / 60)
            end = record.captured_to or record.captured_from
            findings.append(Finding(
                "REC-05",
                f"音像记录“{record.title}”的录制时间（{_fmt(record.captured_from)} 至 {_fmt(end)}）"
                f"与文书记载的时间（{_fmt(_aware(document_time))}）相差约{minutes}分钟，"
                f"超过允许的{math.ceil(tolerance / 60)}分钟",
                evidence_id=record.pk, gap_minutes=minutes,
            ))
    return findings
