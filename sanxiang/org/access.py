"""Access rules of the organisation registry: one scoping function per model.

- Everyone, anonymous visitors included, may view regions and the agency directory (PUB-02).
- Staff see their own agency's internal data (people, certificates, roles, training).
- Supervisors of the justice bureau see every agency of their region and the regions below it.
- Administrators of an agency change its registry data; supervisors also change certificates
  (the justice bureau issues them). Superusers may do everything.
- Nobody sees another agency's internal data.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from sanxiang.core.access import CHANGE, VIEW, public, scope

from .models import (
    Agency,
    Department,
    LegalQualification,
    OfficerCertificate,
    Person,
    Region,
    Role,
    RoleAssignment,
    TrainingRecord,
)


@dataclass(frozen=True)
class Actor:
    """What access rules need to know about a signed-in user."""

    is_superuser: bool = False
    person_id: int | None = None
    agency_id: int | None = None
    department_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    supervised_paths: tuple[str, ...] = ()

    def has(self, role: str) -> bool:
        return role in self.roles


def actor_of(user) -> Actor:
    """The user's :class:`Actor`, computed once per user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor()
    cached = getattr(user, "_sanxiang_actor", None)
    if cached is not None:
        return cached
    person = Person.objects.filter(user=user, is_active=True).select_related("agency__region").first()
    if person is None:
        result = Actor(is_superuser=user.is_superuser)
    else:
        assignments = list(person.roles.select_related("region"))
        roles = frozenset(a.role for a in assignments)
        paths: tuple[str, ...] = ()
        if Role.SUPERVISOR in roles:
            paths = tuple(a.region.path for a in assignments if a.role == Role.SUPERVISOR and a.region)
            paths = paths or (person.agency.region.path,)
        result = Actor(
            is_superuser=user.is_superuser,
            person_id=person.pk,
            agency_id=person.agency_id,
            department_id=person.department_id,
            roles=roles,
            supervised_paths=paths,
        )
    user._sanxiang_actor = result
    return result


def _supervised(prefix: str, actor: Actor) -> Q:
    """Agencies (reached through ``prefix``) in the regions the actor supervises."""
    condition = Q(pk__in=[])
    for path in actor.supervised_paths:
        condition |= Q(**{f"{prefix}region__path__startswith": path})
    return condition


def internal_agency_q(user, action: str, prefix: str, *, supervisors_change: bool = False) -> Q | None:
    """The condition on agency (reached through ``prefix``) under which ``user`` may act on internal data.

    ``None`` means no restriction (superusers).
    """
    actor = actor_of(user)
    if actor.is_superuser:
        return None
    condition = Q(pk__in=[])
    if action == VIEW:
        if actor.agency_id:
            condition |= Q(**{f"{prefix}pk": actor.agency_id})
        condition |= _supervised(prefix, actor)
    elif action == CHANGE:
        if actor.agency_id and actor.has(Role.ADMINISTRATOR):
            condition |= Q(**{f"{prefix}pk": actor.agency_id})
        if supervisors_change:
            condition |= _supervised(prefix, actor)
    return condition


def _filter(queryset, condition):
    return queryset if condition is None else queryset.filter(condition).distinct()


@scope(Region)
@public
def regions(queryset, user, action):
    if action == VIEW:
        return queryset
    return queryset if user is not None and actor_of(user).is_superuser else queryset.none()


@scope(Agency)
@public
def agencies(queryset, user, action):
    if action == VIEW:
        return queryset  # The directory is public (PUB-02).
    return _filter(queryset, internal_agency_q(user, action, "", supervisors_change=True))


@scope(Department)
def departments(queryset, user, action):
    return _filter(queryset, internal_agency_q(user, action, "agency__"))


@scope(Person)
def people(queryset, user, action):
    return _filter(queryset, internal_agency_q(user, action, "agency__"))


@scope(RoleAssignment)
def role_assignments(queryset, user, action):
    return _filter(queryset, internal_agency_q(user, action, "person__agency__"))


@scope(OfficerCertificate)
def certificates(queryset, user, action):
    return _filter(queryset, internal_agency_q(user, action, "person__agency__", supervisors_change=True))


@scope(LegalQualification)
def legal_qualifications(queryset, user, action):
    return _filter(queryset, internal_agency_q(user, action, "person__agency__"))


@scope(TrainingRecord)
def trainings(queryset, user, action):
    return _filter(queryset, internal_agency_q(user, action, "person__agency__"))
