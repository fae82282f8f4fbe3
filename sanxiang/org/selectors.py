"""Reads of the organisation registry, already scoped to the user (DESIGN.md §2).

Every function takes the signed-in ``user`` and starts from ``Model.objects.restrict(user, ...)``,
so views and home pages never decide access themselves.

Certificate states shown to users (badges): 有效 valid, 即将到期 expiring (valid, but expiring within
``SANXIANG["CERTIFICATE_EXPIRY_WARNING_DAYS"]``), 暂扣 suspended, 吊销 revoked, 过期 expired.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import VIEW

from .access import actor_of, internal_agency_q
from .models import (
    Agency,
    CertificateStatus,
    Department,
    LegalQualification,
    OfficerCertificate,
    Person,
    Role,
    RoleAssignment,
    System,
    TrainingRecord,
)
from .services import agencies_managed_by

EXPIRING = "expiring"
NO_CERTIFICATE = "none"

BADGE_LABELS = {
    CertificateStatus.VALID: _("有效"),
    EXPIRING: _("即将到期"),
    CertificateStatus.SUSPENDED: _("暂扣"),
    CertificateStatus.REVOKED: _("吊销"),
    CertificateStatus.EXPIRED: _("过期"),
    NO_CERTIFICATE: _("无证"),
}
STATUS_FILTER_CHOICES = [(key, label) for key, label in BADGE_LABELS.items()]
PROBLEM_STATES = (EXPIRING, CertificateStatus.SUSPENDED, CertificateStatus.REVOKED, CertificateStatus.EXPIRED)


def today():
    return timezone.localdate()


def warning_days() -> int:
    return settings.SANXIANG["CERTIFICATE_EXPIRY_WARNING_DAYS"]


# --- Certificate states --------------------------------------------------------------------


def certificate_state(certificate: OfficerCertificate, day=None) -> str:
    """The badge key of a certificate on ``day``: its legal status, or ``expiring`` when valid but close to expiry."""
    day = day or today()
    status = certificate.status_on(day)
    if status == CertificateStatus.VALID and (certificate.expires_on - day).days <= warning_days():
        return EXPIRING
    return status


def state_q(state: str, day=None, prefix: str = "") -> Q:
    """The condition on certificates (reached through ``prefix``) matching a badge key, as in :func:`certificate_state`."""
    day = day or today()

    def q(**kwargs):
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    stored_block = q(status=CertificateStatus.SUSPENDED) | q(status=CertificateStatus.REVOKED)
    valid = q(status=CertificateStatus.VALID, issued_on__lte=day, expires_on__gte=day)
    soon = day + datetime.timedelta(days=warning_days())
    if state == CertificateStatus.VALID:
        return valid & q(expires_on__gt=soon)
    if state == EXPIRING:
        return valid & q(expires_on__lte=soon)
    if state in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        return q(status=state)
    if state == CertificateStatus.EXPIRED:
        return ~stored_block & (q(status=CertificateStatus.EXPIRED) | q(expires_on__lt=day) | q(issued_on__gt=day))
    raise ValueError(f"unknown certificate state {state!r}")


def usable_q(day=None, prefix: str = "") -> Q:
    """Certificates that are legally valid on ``day`` (expiring ones included)."""
    return state_q(CertificateStatus.VALID, day, prefix) | state_q(EXPIRING, day, prefix)


def with_states(certificates, day=None) -> list[OfficerCertificate]:
    """The certificates as a list, each with ``state``, ``state_label`` and ``days_left`` set for display."""
    day = day or today()
    result = []
    for certificate in certificates:
        certificate.state = certificate_state(certificate, day)
        certificate.state_label = BADGE_LABELS[certificate.state]
        certificate.days_left = (certificate.expires_on - day).days
        certificate.category_labels = [System(c).label if c in System.values else c for c in certificate.categories or []]
        result.append(certificate)
    return result


def person_state(person: Person, day=None) -> str:
    """The best state among a person's certificates (for lists): valid beats expiring beats the problems."""
    states = {certificate_state(c, day) for c in person.certificates.all()}
    for state in (CertificateStatus.VALID, EXPIRING, CertificateStatus.SUSPENDED,
                  CertificateStatus.EXPIRED, CertificateStatus.REVOKED):
        if state in states:
            return state
    return NO_CERTIFICATE


def _annotate_people(people, day=None) -> list[Person]:
    day = day or today()
    result = []
    for person in people:
        person.state = person_state(person, day)
        person.state_label = BADGE_LABELS[person.state]
        person.role_labels = [Role(r.role).label for r in person.roles.all()]
        result.append(person)
    return result


def _people_queryset(user) -> QuerySet:
    return (
        Person.objects.restrict(user, VIEW)
        .select_related("agency", "department")
        .prefetch_related("roles", "certificates")
    )


# --- Agency figures ------------------------------------------------------------------------


@dataclass
class AgencyFigures:
    """Registry figures of one agency: officers, 持证率, reviewers against the 5% minimum, certificate problems."""

    agency: Agency
    people: int = 0
    officers: int = 0
    certified: int = 0
    reviewers: int = 0
    expiring: int = 0
    suspended: int = 0
    revoked: int = 0
    expired: int = 0
    min_ratio: float = field(default_factory=lambda: settings.SANXIANG["MIN_REVIEWER_RATIO"])

    @property
    def certified_rate(self) -> float | None:
        """持证率: share of officers holding a certificate valid today, in percent."""
        return round(100 * self.certified / self.officers, 1) if self.officers else None

    @property
    def reviewers_required(self) -> int:
        return math.ceil(self.officers * self.min_ratio)

    @property
    def reviewers_ok(self) -> bool:
        return self.reviewers >= self.reviewers_required

    @property
    def min_ratio_percent(self) -> str:
        return f"{self.min_ratio * 100:g}"

    @property
    def uncertified(self) -> int:
        return self.officers - self.certified

    @property
    def problems(self) -> int:
        return self.expiring + self.suspended + self.revoked + self.expired


def agency_figures(user, agencies) -> list[AgencyFigures]:
    """Figures for each of ``agencies``, counting only what ``user`` may view (a few grouped queries in all)."""
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    day = today()
    people = Person.objects.restrict(user, VIEW).filter(agency__in=ids, is_active=True)
    officers = people.filter(roles__role=Role.OFFICER)

    def per_agency(queryset):
        rows = queryset.order_by().values("agency").annotate(n=Count("pk", distinct=True))
        return dict(rows.values_list("agency", "n"))

    valid_certificate = OfficerCertificate.objects.filter(usable_q(day), person=OuterRef("pk"))
    counts = {
        "people": per_agency(people),
        "officers": per_agency(officers),
        "certified": per_agency(officers.filter(Exists(valid_certificate))),
        "reviewers": per_agency(people.filter(roles__role=Role.REVIEWER)),
    }
    certificates = (
        OfficerCertificate.objects.restrict(user, VIEW)
        .filter(person__agency__in=ids, person__is_active=True)
        .order_by()
        .values("person__agency")
        .annotate(
            expiring=Count("pk", filter=state_q(EXPIRING, day), distinct=True),
            suspended=Count("pk", filter=state_q(CertificateStatus.SUSPENDED, day), distinct=True),
            revoked=Count("pk", filter=state_q(CertificateStatus.REVOKED, day), distinct=True),
            expired=Count("pk", filter=state_q(CertificateStatus.EXPIRED, day), distinct=True),
        )
    )
    by_agency = {row.pop("person__agency"): row for row in certificates}
    result = []
    for agency in agencies:
        figures = AgencyFigures(agency=agency, **{key: values.get(agency.pk, 0) for key, values in counts.items()})
        for key, value in by_agency.get(agency.pk, {}).items():
            setattr(figures, key, value)
        result.append(figures)
    return result


def agencies_with_internal_view(user) -> QuerySet:
    """Agencies whose internal data (people, certificates) ``user`` may view."""
    condition = internal_agency_q(user, VIEW, "")
    queryset = Agency.objects.restrict(user, VIEW).select_related("region")
    return queryset if condition is None else queryset.filter(condition)


def can_add_people(user) -> bool:
    """Whether ``user`` administers the registry of at least one agency (the services decide who may)."""
    return agencies_managed_by(user).exists()


# --- Home page sections --------------------------------------------------------------------


def my_person(user) -> Person | None:
    actor = actor_of(user)
    if actor.person_id is None:
        return None
    return (
        Person.objects.restrict(user, VIEW)
        .select_related("agency__region", "department")
        .prefetch_related("roles")
        .filter(pk=actor.person_id)
        .first()
    )


def my_certificates(user) -> list[OfficerCertificate]:
    actor = actor_of(user)
    certificates = OfficerCertificate.objects.restrict(user, VIEW).filter(person_id=actor.person_id).select_related("region")
    return with_states(certificates.order_by("-expires_on"))


def department_people(user, *, exclude_self: bool = False) -> list[Person]:
    """People of the user's own department (colleagues of an officer, staff of a department head)."""
    actor = actor_of(user)
    if actor.department_id is None:
        return []
    people = _people_queryset(user).filter(department_id=actor.department_id, is_active=True).order_by("name")
    if exclude_self:
        people = people.exclude(pk=actor.person_id)
    return _annotate_people(people)


def certificate_problems(user, *, department_id=None, agency_ids=None, limit: int = 100) -> list[OfficerCertificate]:
    """Certificates that need attention: expiring soon, suspended, revoked or expired (of people still active)."""
    day = today()
    problem = Q(pk__in=[])
    for state in PROBLEM_STATES:
        problem |= state_q(state, day)
    certificates = (
        OfficerCertificate.objects.restrict(user, VIEW)
        .filter(problem, person__is_active=True)
        .select_related("person__agency", "person__department")
        .order_by("expires_on")
    )
    if department_id is not None:
        certificates = certificates.filter(person__department_id=department_id)
    if agency_ids is not None:
        certificates = certificates.filter(person__agency__in=agency_ids)
    return with_states(certificates[:limit], day)


def officers_without_certificate(user, *, department_id=None, agency_id=None) -> list[Person]:
    """Active officers holding no certificate valid today (they may not enforce: SUP-01)."""
    valid = OfficerCertificate.objects.filter(usable_q(), person=OuterRef("pk"))
    people = _people_queryset(user).filter(is_active=True, roles__role=Role.OFFICER).exclude(Exists(valid))
    if department_id is not None:
        people = people.filter(department_id=department_id)
    if agency_id is not None:
        people = people.filter(agency_id=agency_id)
    return _annotate_people(people.distinct().order_by("name"))


def expiring_certificates(user, *, agency_ids=None) -> list[OfficerCertificate]:
    day = today()
    certificates = (
        OfficerCertificate.objects.restrict(user, VIEW)
        .filter(state_q(EXPIRING, day), person__is_active=True)
        .select_related("person__department", "person__agency")
        .order_by("expires_on")
    )
    if agency_ids is not None:
        certificates = certificates.filter(person__agency__in=agency_ids)
    return with_states(certificates, day)


def review_unit(user) -> dict:
    """The review unit (法制审核机构) of the user's agency, its members and the user's own qualifications."""
    actor = actor_of(user)
    units = list(Department.objects.restrict(user, VIEW).filter(agency_id=actor.agency_id, is_review_unit=True))
    members = _annotate_people(
        _people_queryset(user).filter(department__in=units, is_active=True).order_by("name")
    ) if units else []
    reviewers = _annotate_people(
        _people_queryset(user)
        .filter(agency_id=actor.agency_id, is_active=True, roles__role__in=[Role.REVIEWER, Role.ADVISER])
        .distinct()
        .order_by("name")
    )
    return {
        "units": units,
        "members": members,
        "reviewers": reviewers,
        "qualifications": list(
            LegalQualification.objects.restrict(user, VIEW).filter(person_id=actor.person_id).order_by("obtained_on")
        ),
        "trainings": list(TrainingRecord.objects.restrict(user, VIEW).filter(person_id=actor.person_id)[:10]),
    }


def supervised_agencies(user) -> list[AgencyFigures]:
    """Every agency a supervisor oversees (their region and below), with figures; enforcement agencies first."""
    agencies = agencies_with_internal_view(user).order_by("kind", "region__code", "name")
    return agency_figures(user, agencies)


def own_agency_figures(user) -> AgencyFigures | None:
    actor = actor_of(user)
    agency = Agency.objects.restrict(user, VIEW).filter(pk=actor.agency_id).first()
    return agency_figures(user, [agency])[0] if agency else None


PUBLIC_FIELDS = ("name", "uscc", "level", "system", "duties", "legal_basis", "address", "phone",
                 "supervision_channel", "remedy_channel")


def directory_entries(user) -> list[dict]:
    """The agency directory entries (执法主体名录) a publisher maintains: their agency, with missing public fields."""
    actor = actor_of(user)
    entries = []
    for agency in Agency.objects.restrict(user, VIEW).filter(pk=actor.agency_id):
        missing = [Agency._meta.get_field(name).verbose_name for name in PUBLIC_FIELDS if not getattr(agency, name)]
        entries.append({"agency": agency, "missing": missing})
    return entries


@dataclass
class Overview:
    """Registry-wide totals for a superuser or administrator."""

    agencies: int
    departments: int
    people: int
    officers: int
    certificates: int
    problems: int


def overview(user) -> Overview:
    people = Person.objects.restrict(user, VIEW).filter(is_active=True)
    return Overview(
        agencies=agencies_with_internal_view(user).count(),
        departments=Department.objects.restrict(user, VIEW).count(),
        people=people.count(),
        officers=people.filter(roles__role=Role.OFFICER).distinct().count(),
        certificates=OfficerCertificate.objects.restrict(user, VIEW).count(),
        problems=len(certificate_problems(user, limit=10_000)),
    )


def home_sections(user) -> dict:
    """Everything the home page shows, one entry per role the user holds (several roles: several sections)."""
    actor = actor_of(user)
    roles = actor.roles
    sections: dict = {"person": my_person(user), "roles": [Role(r) for r in Role.values if r in roles]}
    if Role.OFFICER in roles:
        sections["certificates"] = my_certificates(user)
    elif actor.person_id is not None:  # others see their certificates only when they hold one
        sections["certificates"] = my_certificates(user) or None
    if Role.OFFICER in roles and Role.DEPARTMENT_HEAD not in roles:  # a head sees the department below
        sections["officer"] = {"colleagues": department_people(user, exclude_self=True)}
    if Role.DEPARTMENT_HEAD in roles:
        sections["department_head"] = {
            "people": department_people(user),
            "problems": certificate_problems(user, department_id=actor.department_id),
            "uncertified": officers_without_certificate(user, department_id=actor.department_id),
        }
    if Role.LEADER in roles:
        figures = own_agency_figures(user)
        sections["leader"] = {
            "figures": figures,
            "expiring": expiring_certificates(user, agency_ids=[actor.agency_id]),
            "uncertified": officers_without_certificate(user, agency_id=actor.agency_id),
        }
    if Role.REVIEWER in roles or Role.ADVISER in roles:
        sections["reviewer"] = review_unit(user)
    if Role.SUPERVISOR in roles:
        figures = supervised_agencies(user)
        sections["supervisor"] = {
            "agencies": figures,
            "totals": {
                "officers": sum(f.officers for f in figures),
                "certified": sum(f.certified for f in figures),
                "expiring": sum(f.expiring for f in figures),
                "suspended": sum(f.suspended for f in figures),
                "revoked": sum(f.revoked for f in figures),
            },
            "problems": certificate_problems(user, limit=30),
        }
    if Role.PUBLISHER in roles:
        sections["publisher"] = {"entries": directory_entries(user)}
    if Role.ADMINISTRATOR in roles or actor.is_superuser:
        sections["administrator"] = {"overview": overview(user), "can_add_people": can_add_people(user)}
    if actor.is_superuser and actor.person_id is None:
        sections["agencies"] = supervised_agencies(user)
    return sections


# --- Registry pages ------------------------------------------------------------------------


def agency_list(user) -> list[dict]:
    """Agencies in the directory, with people counts where the user may see the agency's internal data."""
    agencies = list(Agency.objects.restrict(user, VIEW).select_related("region").order_by("kind", "region__code", "name"))
    internal = set(agencies_with_internal_view(user).values_list("pk", flat=True))
    people = dict(
        Person.objects.restrict(user, VIEW).filter(is_active=True)
        .order_by().values("agency").annotate(n=Count("pk", distinct=True)).values_list("agency", "n")
    )
    return [{"agency": a, "internal": a.pk in internal, "people": people.get(a.pk, 0)} for a in agencies]


def agency_detail(user, pk) -> dict:
    agency = Agency.objects.restrict(user, VIEW).select_related("region", "parent", "successor").filter(pk=pk).first()
    if agency is None:
        raise Http404
    internal = agencies_with_internal_view(user).filter(pk=pk).exists()
    context = {"agency": agency, "internal": internal}
    if internal:
        context["departments"] = list(
            Department.objects.restrict(user, VIEW).filter(agency=agency)
            .annotate(people_count=Count("people", filter=Q(people__is_active=True)))
            .order_by("-is_review_unit", "name")
        )
        context["people_count"] = Person.objects.restrict(user, VIEW).filter(agency=agency, is_active=True).count()
        context["figures"] = agency_figures(user, [agency])[0]
        context["history"] = history_of(agency)
    return context


def history_of(obj, limit: int = 50) -> list:
    """The django-simple-history records of ``obj``, newest first, each with ``changes`` (field, old, new)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        record.changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                model_field = obj._meta.get_field(change.field)
                record.changes.append({
                    "field": model_field.verbose_name,
                    "old": _display(model_field, change.old),
                    "new": _display(model_field, change.new),
                })
    return records[:limit]


def _display(model_field, value):
    """A history value as users read it: choice labels, related objects' names, lists joined."""
    if value in (None, ""):
        return ""
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else value
    if isinstance(value, list):
        labels = dict(System.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return value


def person_list(user, *, q: str = "", agency=None, department=None, state: str = "") -> QuerySet:
    """People the user may view, filtered by name/position/certificate number, agency, department and certificate state."""
    people = _people_queryset(user).order_by("agency__region__code", "agency__name", "department__name", "name")
    if q:
        people = people.filter(
            Q(name__icontains=q) | Q(position__icontains=q) | Q(certificates__number__icontains=q)
        ).distinct()
    if agency:
        people = people.filter(agency=agency)
    if department:
        people = people.filter(department=department)
    if state == NO_CERTIFICATE:
        people = people.filter(certificates__isnull=True)
    elif state:
        people = people.filter(Exists(OfficerCertificate.objects.filter(state_q(state), person=OuterRef("pk"))))
    return people


def annotate_people(people) -> list[Person]:
    return _annotate_people(people)


def person_detail(user, pk) -> dict:
    person = _people_queryset(user).select_related("agency__region").filter(pk=pk).first()
    if person is None:
        raise Http404
    certificates = with_states(
        OfficerCertificate.objects.restrict(user, VIEW).filter(person=person).select_related("region").order_by("-expires_on")
    )
    for certificate in certificates:
        certificate.status_history = status_history(certificate)
    return {
        "person": person,
        "roles": list(
            RoleAssignment.objects.restrict(user, VIEW).filter(person=person).select_related("region").order_by("role")
        ),
        "certificates": certificates,
        "qualifications": list(LegalQualification.objects.restrict(user, VIEW).filter(person=person)),
        "trainings": list(TrainingRecord.objects.restrict(user, VIEW).filter(person=person)),
        "training_hours": sum((t.hours for t in TrainingRecord.objects.restrict(user, VIEW).filter(person=person)), 0),
        "history": history_of(person, limit=20),
    }


def status_history(certificate: OfficerCertificate) -> list:
    """The certificate's status changes, oldest first: (date, status label, reason, by whom)."""
    changes = []
    last = None
    for record in certificate.history.select_related("history_user").order_by("history_date", "history_id"):
        if record.status != last:
            changes.append({
                "date": record.history_date,
                "status": CertificateStatus(record.status).label,
                "state": record.status,
                "reason": record.status_reason,
                "user": record.history_user,
            })
            last = record.status
    return changes


def certificate_detail(user, pk) -> dict:
    certificate = (
        OfficerCertificate.objects.restrict(user, VIEW)
        .select_related("person__agency", "person__department", "region")
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    with_states([certificate])
    return {"certificate": certificate, "history": history_of(certificate), "status_history": status_history(certificate)}


def departments_for_filter(user) -> QuerySet:
    return Department.objects.restrict(user, VIEW).select_related("agency").order_by("agency__name", "name")


# --- Public side ---------------------------------------------------------------------------


def public_directory(q: str = "", system: str = "") -> QuerySet:
    """The public agency directory (PUB-02): active agencies, only their public fields."""
    agencies = Agency.objects.restrict(None, VIEW).filter(is_active=True).select_related("region")
    if q:
        agencies = agencies.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if system:
        agencies = agencies.filter(system=system)
    return agencies.only(
        "name", "short_name", "uscc", "level", "system", "kind", "address", "phone", "supervision_channel",
        "remedy_channel", "duties", "legal_basis", "region__name", "region__code",
    ).order_by("kind", "region__code", "name")
