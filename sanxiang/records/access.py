"""Who may see the records (REC-09). One scoping function per model; views, API and CLI call ``restrict``.

Evidence of an agency may be viewed by: the person who recorded it and the officers it names, the
heads of their departments, the agency's leaders, its legal reviewers (until cases say which
reviewers are assigned), and supervisors of the justice bureau whose region covers the agency.
Nobody else. The party of a case sees documents served on them through a per-case access code,
which does not go through these scopes. Devices and rooms are internal data of their agency.
"""

from django.db.models import Q

from sanxiang.core.access import CHANGE, VIEW, scope
from sanxiang.org.access import actor_of, internal_agency_q
from sanxiang.org.models import Role

from .models import Device, EvidenceRecord, LogEntry, Room


def _supervised(actor, prefix: str) -> Q:
    condition = Q(pk__in=[])
    for path in actor.supervised_paths:
        condition |= Q(**{f"{prefix}region__path__startswith": path})
    return condition


def evidence_q(user) -> Q | None:
    """Condition on EvidenceRecord for viewing; ``None`` = everything (superusers)."""
    actor = actor_of(user)
    if actor.is_superuser:
        return None
    condition = _supervised(actor, "agency__")
    if actor.agency_id:
        condition |= Q(uploaded_by=user) | Q(officers__id=actor.person_id)
        if actor.has(Role.LEADER) or actor.has(Role.REVIEWER):
            condition |= Q(agency_id=actor.agency_id)
        if actor.has(Role.DEPARTMENT_HEAD) and actor.department_id:
            condition |= Q(agency_id=actor.agency_id, officers__department_id=actor.department_id)
            condition |= Q(agency_id=actor.agency_id, uploaded_by__person__department_id=actor.department_id)
    return condition


@scope(EvidenceRecord)
def evidence(queryset, user, action):
    if action == CHANGE:
        return queryset.none()  # records are never changed; corrections are new records
    condition = evidence_q(user)
    return queryset if condition is None else queryset.filter(condition).distinct()


@scope(LogEntry)
def log_entries(queryset, user, action):
    if action == CHANGE:
        return queryset.none()
    actor = actor_of(user)
    if actor.is_superuser:
        return queryset
    condition = _supervised(actor, "agency__")
    if actor.agency_id and actor.has(Role.LEADER):
        condition |= Q(agency_id=actor.agency_id)
    visible_evidence = EvidenceRecord.objects.restrict(user, VIEW).values("log_entry_id")
    return queryset.filter(condition | Q(seq__in=visible_evidence))


@scope(Device)
def devices(queryset, user, action):
    condition = internal_agency_q(user, action, "agency__")
    return queryset if condition is None else queryset.filter(condition)


@scope(Room)
def rooms(queryset, user, action):
    condition = internal_agency_q(user, action, "agency__")
    return queryset if condition is None else queryset.filter(condition)
