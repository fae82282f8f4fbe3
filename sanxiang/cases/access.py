"""Who may see and act on cases (one scoping function per model; DESIGN §2).

- The officers of a case (承办人员, current or former) see it and act on it.
- A department head (科室负责人) sees and acts on the department's cases.
- The agency's leaders (单位负责人) and legal reviewers (法制审核人员) see every case of the agency and
  act on it (each step still checks who may perform it: ``flows.Step.actor``).
- The agency's information publishers (信息公示员) and administrators see the agency's cases, read-only.
- Supervisors (执法监督人员) of the justice bureau see the cases of the agencies in their regions, read-only.
- Superusers see and act on everything. Nobody else sees anything — another agency's case does not exist for them.

Parties, officers, step records and documents follow their case.
"""

from django.db.models import Q

from sanxiang.core.access import CHANGE, VIEW, scope
from sanxiang.org.access import Actor, actor_of
from sanxiang.org.models import Role

from .models import AgencyCaseRules, Case, CaseOfficer, IssuedDocument, NumberingRule, Party, StepRecord, TemplateVersion

NOTHING = Q(pk__in=[])
WHOLE_AGENCY_ACT = (Role.LEADER, Role.REVIEWER)
WHOLE_AGENCY_VIEW = (Role.LEADER, Role.REVIEWER, Role.PUBLISHER, Role.ADMINISTRATOR)


def case_q(user, action: str, prefix: str = "") -> Q | None:
    """The condition on Case (reached through ``prefix``) for ``action``; ``None`` means everything."""
    actor = actor_of(user)
    if actor.is_superuser:
        return None
    condition = NOTHING
    if action == VIEW:
        for path in actor.supervised_paths:
            condition |= Q(**{f"{prefix}agency__region__path__startswith": path})
    if not actor.agency_id:
        return condition
    whole = WHOLE_AGENCY_VIEW if action == VIEW else WHOLE_AGENCY_ACT
    if any(actor.has(role) for role in whole):
        return condition | Q(**{f"{prefix}agency_id": actor.agency_id})
    if actor.has(Role.DEPARTMENT_HEAD) and actor.department_id:
        condition |= Q(**{f"{prefix}agency_id": actor.agency_id, f"{prefix}department_id": actor.department_id})
    if actor.person_id and (actor.has(Role.OFFICER) or actor.has(Role.DEPARTMENT_HEAD)):
        mine = CaseOfficer.objects.filter(person_id=actor.person_id).values("case_id")
        condition |= Q(**{f"{prefix}agency_id": actor.agency_id, f"{prefix}pk__in": mine})
    return condition


def _filter(queryset, condition):
    return queryset if condition is None else queryset.filter(condition)


@scope(Case)
def cases(queryset, user, action):
    return _filter(queryset, case_q(user, action))


def _follow_case(queryset, user, action):
    return _filter(queryset, case_q(user, action, "case__"))


for _model in (Party, CaseOfficer, StepRecord, IssuedDocument):
    scope(_model)(_follow_case)


def _agency_admin(queryset, user, action, prefix="agency"):
    actor: Actor = actor_of(user)
    if actor.is_superuser:
        return queryset
    if not actor.agency_id:
        return queryset.none()
    if action == CHANGE and not actor.has(Role.ADMINISTRATOR):
        return queryset.none()
    return queryset.filter(**{f"{prefix}_id": actor.agency_id})


scope(NumberingRule)(_agency_admin)
scope(AgencyCaseRules)(_agency_admin)


@scope(TemplateVersion)
def templates(queryset, user, action):
    """Staff view their agency's and the system-wide templates; administrators change their agency's."""
    actor = actor_of(user)
    if actor.is_superuser:
        return queryset
    if not actor.agency_id:
        return queryset.none()
    if action == CHANGE:
        return queryset.filter(agency_id=actor.agency_id) if actor.has(Role.ADMINISTRATOR) else queryset.none()
    return queryset.filter(Q(agency__isnull=True) | Q(agency_id=actor.agency_id))


def handled_case_numbers(user, actor: Actor):
    """The numbers of the cases ``user`` handles — their own (承办) and, for a department head, the
    department's — for the record store's access rule (REC-09). Leaders and reviewers see the records
    of the whole agency there already; administrators and publishers see no records."""
    if not actor.agency_id or not (actor.has(Role.OFFICER) or actor.has(Role.DEPARTMENT_HEAD)):
        return None
    condition = NOTHING
    if actor.person_id:
        condition |= Q(pk__in=CaseOfficer.objects.filter(person_id=actor.person_id).values("case_id"))
    if actor.has(Role.DEPARTMENT_HEAD) and actor.department_id:
        condition |= Q(department_id=actor.department_id)
    return Case.objects.filter(condition, agency_id=actor.agency_id).values("number")
