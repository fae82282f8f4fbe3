"""Who may see the records (REC-09). One scoping function per model; views, API and CLI call ``restrict``.

A case's records (调阅权限) may be viewed by, and only by:

- the officers of the case: whoever recorded one of its records or is named on one as an officer
  (the cases app's officers of the case — :func:`register_case_handlers` — and whoever the records
  themselves name), and their
  department head (科室负责人);
- the agency's leaders (单位负责人);
- the legal reviewers assigned to the case. **Interim rule**, until the review app exists: every
  legal reviewer (法制审核人员) of the agency; the review app narrows this to the assigned reviewers;
- supervisors (执法监督人员) of the justice bureau whose region covers the agency;
- superusers.

A record without a case number is "the case" of its own: its recorder, the officers named on it and
their department head. Nobody else — not the agency's administrator, not another officer of the
same department, not another agency.

The party of a case (行政相对人) sees only the documents served on them (``served_to_party``), through
a per-case access code (:class:`PartyAccessCode`); that path does not go through these scopes, see
:mod:`sanxiang.records.access_log`.

Who accessed a record (调阅记录) is seen by the agency's leaders and the supervisors (调阅监督).
Log entries of kind ``access`` follow that rule too. Devices and rooms are internal data of their
agency (its staff and its supervisors view; its administrators change).
"""

from django.db.models import Q

from sanxiang.core.access import CHANGE, VIEW, scope
from sanxiang.org.access import Actor, actor_of, internal_agency_q
from sanxiang.org.models import Role

from .models import AccessEvent, Device, EvidenceRecord, LogEntry, PartyAccessCode, Room

NOTHING = Q(pk__in=[])


def _supervised(actor: Actor, prefix: str) -> Q:
    condition = NOTHING
    for path in actor.supervised_paths:
        condition |= Q(**{f"{prefix}region__path__startswith": path})
    return condition


def _member_q(user, actor: Actor) -> Q:
    """Records the user handles: recorded by them or naming them as an officer."""
    condition = Q(uploaded_by=user)
    if actor.person_id:
        condition |= Q(officers__id=actor.person_id)
    return condition


def _department_q(actor: Actor) -> Q:
    """Records handled by someone of the actor's department (for department heads)."""
    return Q(officers__department_id=actor.department_id) | Q(uploaded_by__person__department_id=actor.department_id)


def _cases_q(agency_id: int, handled: Q) -> Q:
    """Every record of a case in which one record matches ``handled`` (the officers of the case)."""
    refs = EvidenceRecord.objects.filter(handled, agency_id=agency_id).exclude(case_ref="").values("case_ref")
    return Q(agency_id=agency_id, case_ref__in=refs)


# Callables ``source(user, actor) -> queryset of case numbers | None`` naming the cases the user handles
# (the cases app registers its officers and department heads; see :func:`register_case_handlers`).
_CASE_HANDLER_SOURCES: list = []


def register_case_handlers(source) -> None:
    """Let the cases app say who handles a case, so the case's officers see its records (REC-09)."""
    if source not in _CASE_HANDLER_SOURCES:
        _CASE_HANDLER_SOURCES.append(source)


def handles_case(user, actor: Actor, case_ref: str) -> bool:
    """Whether the cases app names ``user`` among those who handle case ``case_ref``."""
    for source in _CASE_HANDLER_SOURCES:
        refs = source(user, actor)
        if refs is not None and refs.filter(number=case_ref).exists():
            return True
    return False


def handles_whole_agency(actor: Actor) -> bool:
    """Leaders and (interim rule) legal reviewers see every case of their agency."""
    return bool(actor.agency_id) and (actor.has(Role.LEADER) or actor.has(Role.REVIEWER))


def evidence_q(user) -> Q | None:
    """Condition on EvidenceRecord for viewing; ``None`` = everything (superusers)."""
    actor = actor_of(user)
    if actor.is_superuser:
        return None
    condition = _supervised(actor, "agency__")
    if actor.agency_id:
        if handles_whole_agency(actor):
            condition |= Q(agency_id=actor.agency_id)
        handled = _member_q(user, actor)
        if actor.has(Role.DEPARTMENT_HEAD) and actor.department_id:
            handled |= _department_q(actor)
        condition |= Q(handled, agency_id=actor.agency_id) | _cases_q(actor.agency_id, handled)
        for source in _CASE_HANDLER_SOURCES:
            refs = source(user, actor)
            if refs is not None:
                condition |= Q(agency_id=actor.agency_id, case_ref__in=refs)
    return condition


@scope(EvidenceRecord)
def evidence(queryset, user, action):
    if action == CHANGE:
        return queryset.none()  # records are never changed; corrections are new records
    condition = evidence_q(user)
    if condition is None:
        return queryset
    return queryset.filter(pk__in=EvidenceRecord.objects.filter(condition).values("pk"))


def case_refs_visible_to(user):
    """Case numbers (of the user's agency or supervised region) of which the user may view the records."""
    return EvidenceRecord.objects.restrict(user, VIEW).exclude(case_ref="").values("case_ref")


@scope(LogEntry)
def log_entries(queryset, user, action):
    if action == CHANGE:
        return queryset.none()
    actor = actor_of(user)
    if actor.is_superuser:
        return queryset
    sees_accesses = _supervised(actor, "agency__")
    if actor.agency_id and actor.has(Role.LEADER):
        sees_accesses |= Q(agency_id=actor.agency_id)
    records = NOTHING
    if actor.agency_id and actor.has(Role.REVIEWER):
        records |= Q(agency_id=actor.agency_id)
    visible = EvidenceRecord.objects.restrict(user, VIEW)
    records |= Q(seq__in=visible.values("log_entry_id"))
    records |= Q(case_ref__in=visible.exclude(case_ref="").values("case_ref"), agency_id__in=visible.values("agency_id"))
    return queryset.filter(sees_accesses | (records & ~Q(kind=LogEntry.Kind.ACCESS)))


def access_events_visible_to(user):
    """Access events (调阅记录) the user may read: the agency's leaders and the supervisors (调阅监督)."""
    actor = actor_of(user)
    queryset = AccessEvent.objects.all()
    if actor.is_superuser:
        return queryset
    condition = _supervised(actor, "log_entry__agency__")
    if actor.agency_id and actor.has(Role.LEADER):
        condition |= Q(log_entry__agency_id=actor.agency_id)
    return queryset.filter(condition)


def can_see_access_history(user, evidence_record: EvidenceRecord) -> bool:
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    if actor.agency_id == evidence_record.agency_id and actor.has(Role.LEADER):
        return True
    path = evidence_record.agency.region.path
    return any(path.startswith(p) for p in actor.supervised_paths)


def party_codes_visible_to(user):
    """Access codes the user may list and revoke: codes of cases whose records the user may view."""
    actor = actor_of(user)
    queryset = PartyAccessCode.objects.all()
    if actor.is_superuser:
        return queryset
    condition = _supervised(actor, "agency__")
    if actor.agency_id:
        condition |= Q(agency_id=actor.agency_id, case_ref__in=case_refs_visible_to(user))
    return queryset.filter(condition)


@scope(Device)
def devices(queryset, user, action):
    condition = internal_agency_q(user, action, "agency__")
    return queryset if condition is None else queryset.filter(condition)


@scope(Room)
def rooms(queryset, user, action):
    condition = internal_agency_q(user, action, "agency__")
    return queryset if condition is None else queryset.filter(condition)
