"""Access rules of the catalogs: one scoping function per model (see sanxiang/core/access.py).

- The statute library (法律法规库) is public reference data: everyone may view it; only superusers
  change it (and the library loader at the command line).
- Entries, versions, error reports, the directory of inspection objects, conflict declarations and
  draws are internal data: staff see their own agency's, justice-bureau supervisors the agencies of
  the regions they supervise, superusers everything.
- The public never reads these tables through ``restrict``: published versions reach the public
  site only through :mod:`sanxiang.catalog.selectors` (``in_force``, ``public_entry``, ``history``),
  which return nothing but published versions.
- Change (the base the services narrow further): entries and their unpublished versions — the
  agency's publisher and administrator, and a department head for their department's entries or
  entries of no department; published versions — nobody. Error reports — open ones, by the owning
  department's staff or the agency's publisher/administrator. Inspection objects and draws — the
  agency's publisher, administrator and department heads. Conflict declarations — the person
  concerned, or the agency's administrator or department heads.
"""

from django.db.models import Q

from sanxiang.core.access import CHANGE, VIEW, public, scope
from sanxiang.org.access import actor_of, internal_agency_q
from sanxiang.org.models import Role

from .models import ConflictDeclaration, Draw, Entry, ErrorReport, MarketSubject, Provision, Statute, Version, VersionStatus

NOBODY = Q(pk__in=[])


def restrict(queryset, user, action: str = VIEW):
    """``queryset.restrict(user, action)`` for any catalog queryset (works on plain managers too)."""
    from sanxiang.core.access import RestrictedQuerySet

    method = getattr(queryset, "restrict", None)
    if method is not None:
        return method(user, action)
    return RestrictedQuerySet.restrict(queryset, user, action)


def _filter(queryset, condition):
    return queryset if condition is None else queryset.filter(condition).distinct()


def _roles_q(user, prefix: str, roles: tuple[str, ...], *, department_heads: bool = False,
             department_field: str | None = None) -> Q | None:
    """Rows of the user's agency when the user holds one of ``roles``; department heads only for their department.

    ``None`` means no restriction (superusers).
    """
    actor = actor_of(user)
    if actor.is_superuser:
        return None
    if actor.agency_id is None:
        return NOBODY
    own = Q(**{f"{prefix}pk": actor.agency_id})
    if any(actor.has(r) for r in roles):
        return own
    if department_heads and actor.has(Role.DEPARTMENT_HEAD):
        if department_field is None:
            return own
        return own & (Q(**{f"{department_field}__isnull": True}) | Q(**{department_field: actor.department_id}))
    return NOBODY


DRAFTERS = (Role.PUBLISHER, Role.ADMINISTRATOR)


@scope(Statute)
@public
def statutes(queryset, user, action):
    if action == VIEW:
        return queryset
    return queryset if user is not None and actor_of(user).is_superuser else queryset.none()


@scope(Provision)
@public
def provisions(queryset, user, action):
    if action == VIEW:
        return queryset
    return queryset if user is not None and actor_of(user).is_superuser else queryset.none()


@scope(Entry)
def entries(queryset, user, action):
    if action == VIEW:
        return _filter(queryset, internal_agency_q(user, VIEW, "agency__"))
    return _filter(queryset, _roles_q(user, "agency__", DRAFTERS, department_heads=True, department_field="department"))


@scope(Version)
def versions(queryset, user, action):
    if action == VIEW:
        return _filter(queryset, internal_agency_q(user, VIEW, "entry__agency__"))
    condition = _roles_q(user, "entry__agency__", DRAFTERS, department_heads=True, department_field="entry__department")
    unpublished = Q(status__in=[VersionStatus.DRAFT, VersionStatus.RETURNED])
    return queryset.filter(unpublished if condition is None else condition & unpublished).distinct()


@scope(ErrorReport)
def error_reports(queryset, user, action):
    if action == VIEW:
        return _filter(queryset, internal_agency_q(user, VIEW, "agency__"))
    actor = actor_of(user)
    condition = _roles_q(user, "agency__", DRAFTERS)
    if condition is not None and actor.agency_id and actor.department_id:
        condition |= Q(agency_id=actor.agency_id, department_id=actor.department_id)
    is_open = Q(status=ErrorReport.Status.OPEN)
    return queryset.filter(is_open if condition is None else condition & is_open).distinct()


@scope(MarketSubject)
def market_subjects(queryset, user, action):
    if action == VIEW:
        return _filter(queryset, internal_agency_q(user, VIEW, "agency__"))
    return _filter(queryset, _roles_q(user, "agency__", DRAFTERS, department_heads=True))


@scope(ConflictDeclaration)
def conflict_declarations(queryset, user, action):
    if action == VIEW:
        return _filter(queryset, internal_agency_q(user, VIEW, "subject__agency__"))
    condition = _roles_q(user, "subject__agency__", (Role.ADMINISTRATOR,), department_heads=True)
    actor = actor_of(user)
    if condition is not None and actor.person_id:
        condition |= Q(person_id=actor.person_id, subject__agency_id=actor.agency_id)
    return _filter(queryset, condition)


@scope(Draw)
def draws(queryset, user, action):
    if action == VIEW:
        return _filter(queryset, internal_agency_q(user, VIEW, "agency__"))
    return _filter(queryset, _roles_q(user, "agency__", DRAFTERS, department_heads=True))


__all__ = ["CHANGE", "VIEW", "restrict"]
