"""What the public may read about officers and their certificates (行政执法人员公示, PUB-03, PUB-11).

The public officer list (行政执法人员清单) and certificate verification (执法证件核验) show only the
fields PUB-03 names: name, unit (agency), position, certificate number, enforcement categories,
enforcement region, and the certificate's status and validity dates. Nothing else leaves this module:
every read selects exactly those columns (``.values()``), and callers receive plain
:class:`PublicCertificate` records, never model instances, so a template cannot reach an ID number,
a phone number or a birth date even by mistake.

Certificates and people have no public access scope (``sanxiang.org.access``): this module is the one
place that reads them for anonymous visitors, and it does so only through :data:`PUBLIC_FIELDS`.

Printed material for the public (the certificate back and the post cards, 岗位信息公示牌) is made by
staff: :func:`printable_certificate` and :func:`post_cards` are scoped to the signed-in user with
``restrict`` like every other staff read.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import VIEW

from .models import (
    Agency,
    CertificateStatus,
    Department,
    OfficerCertificate,
    Person,
    Region,
    Role,
    RoleAssignment,
    System,
)

# The only columns the public side ever reads (PUB-03).
PUBLIC_FIELDS = (
    "number",
    "categories",
    "issued_on",
    "expires_on",
    "status",
    "person__name",
    "person__position",
    "person__agency_id",
    "person__agency__name",
    "region__code",
    "region__name",
)

# Longest text a visitor may search for; a certificate number is at most 40 characters (the model's field).
MAX_QUERY_LENGTH = 100
MAX_NUMBER_LENGTH = OfficerCertificate._meta.get_field("number").max_length

# How the public reads each status: a word that cannot be misread, and one plain sentence.
PUBLIC_STATUS_LABELS = {
    CertificateStatus.VALID: _("有效"),
    CertificateStatus.SUSPENDED: _("已暂扣"),
    CertificateStatus.REVOKED: _("已吊销"),
    CertificateStatus.EXPIRED: _("已过期"),
}
PUBLIC_STATUS_EXPLANATIONS = {
    CertificateStatus.VALID: _("该证件真实有效。持证人可以在所列执法区域内从事所列类别的行政执法工作。"),
    CertificateStatus.SUSPENDED: _("该证件已被暂扣。持证人目前不得从事行政执法工作。"),
    CertificateStatus.REVOKED: _("该证件已被吊销。持证人不得从事行政执法工作。"),
    CertificateStatus.EXPIRED: _("该证件已过有效期。持证人不得凭此证件从事行政执法工作。"),
}
STATUS_CHOICES = list(PUBLIC_STATUS_LABELS.items())

# Control characters (NUL included) never reach the database: PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def today():
    return timezone.localdate()


def clean_text(value, limit: int = MAX_QUERY_LENGTH) -> str:
    """Visitor input made safe to search with: control characters removed, trimmed, at most ``limit`` characters."""
    if not isinstance(value, str):
        return ""
    return _CONTROL.sub("", value).strip()[:limit]


def category_label(code: str) -> str:
    return str(System(code).label) if code in System.values else code


@dataclass(frozen=True)
class PublicCertificate:
    """One officer's certificate as the public sees it (执法人员公示信息): PUB-03's fields and nothing more."""

    number: str
    name: str
    position: str
    agency_id: int
    agency_name: str
    categories: tuple[str, ...]
    region_code: str
    region_name: str
    issued_on: object
    expires_on: object
    status: str  # effective status on ``checked_on``: valid, suspended, revoked or expired
    checked_on: object
    category_codes: tuple[str, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return str(PUBLIC_STATUS_LABELS[self.status])

    @property
    def status_explanation(self) -> str:
        return str(PUBLIC_STATUS_EXPLANATIONS[self.status])

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


def effective_status(*, status: str, issued_on, expires_on, day=None) -> str:
    """The status the public sees on ``day``, as :meth:`OfficerCertificate.status_on` decides it.

    A stored suspension or revocation wins; otherwise a certificate past its ``expires_on`` (or not yet
    issued) is expired even when its row still says valid.
    """
    day = day or today()
    certificate = OfficerCertificate(status=status, issued_on=issued_on, expires_on=expires_on)
    return certificate.status_on(day)


def _public_record(row: dict, day) -> PublicCertificate:
    codes = tuple(c for c in (row["categories"] or []) if isinstance(c, str))
    return PublicCertificate(
        number=row["number"],
        name=row["person__name"],
        position=row["person__position"],
        agency_id=row["person__agency_id"],
        agency_name=row["person__agency__name"],
        categories=tuple(category_label(c) for c in codes),
        category_codes=codes,
        region_code=row["region__code"],
        region_name=row["region__name"],
        issued_on=row["issued_on"],
        expires_on=row["expires_on"],
        status=effective_status(status=row["status"], issued_on=row["issued_on"], expires_on=row["expires_on"], day=day),
        checked_on=day,
    )


def public_records(rows, day=None) -> list[PublicCertificate]:
    """Turn rows of :func:`public_officers` (e.g. one page of them) into :class:`PublicCertificate` records."""
    day = day or today()
    return [_public_record(row, day) for row in rows]


def _status_q(status: str, day) -> Q:
    """Certificates whose effective status on ``day`` is ``status`` (as :func:`effective_status`)."""
    blocked = Q(status=CertificateStatus.SUSPENDED) | Q(status=CertificateStatus.REVOKED)
    if status == CertificateStatus.VALID:
        return Q(status=CertificateStatus.VALID, issued_on__lte=day, expires_on__gte=day)
    if status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        return Q(status=status)
    if status == CertificateStatus.EXPIRED:
        return ~blocked & (Q(status=CertificateStatus.EXPIRED) | Q(expires_on__lt=day) | Q(issued_on__gt=day))
    return Q()


def _category_codes_matching(text: str) -> list[str]:
    """Category codes whose code or Chinese name contains ``text`` (执法类别 search)."""
    needle = text.lower()
    return [code for code, label in System.choices if needle in code.lower() or needle in str(label).lower()]


def _has_category(code: str) -> Q:
    # JSON lists are stored as text like ["market", "ecology"]; matching the quoted code finds whole codes
    # only, on SQLite and PostgreSQL alike (JSON containment is not available on SQLite).
    return Q(categories__icontains=f'"{code}"')


def _listed() -> QuerySet:
    """Certificates of people currently in post at active agencies: the officer list's universe."""
    return OfficerCertificate.objects.filter(person__is_active=True, person__agency__is_active=True)


def public_officers(q: str = "", agency=None, category: str = "", region=None, status: str = "", day=None) -> QuerySet:
    """The public officer list (行政执法人员清单, PUB-03): one row per certificate, as dictionaries of
    :data:`PUBLIC_FIELDS` only. Turn a page of rows into records with :func:`public_records`.

    - ``q`` searches name, certificate number, agency (name or short name), category (code or name) and
      enforcement region (name or code);
    - ``agency``: an :class:`Agency` or its pk; ``category``: a :class:`System` code; ``region``: a
      :class:`Region` or its code — certificates whose enforcement region is that region or lies within it;
    - ``status``: valid, suspended, revoked or expired, as effective on ``day`` (default today).

    Only people who hold a certificate appear; people who left their post or whose agency was
    abolished do not (their certificates can still be verified by number).
    """
    day = day or today()
    rows = _listed()
    q = clean_text(q)
    if q:
        condition = (
            Q(person__name__icontains=q)
            | Q(number__icontains=q)
            | Q(person__agency__name__icontains=q)
            | Q(person__agency__short_name__icontains=q)
            | Q(region__name__icontains=q)
            | Q(region__code=q)
        )
        for code in _category_codes_matching(q):
            condition |= _has_category(code)
        rows = rows.filter(condition)
    if agency:
        rows = rows.filter(person__agency_id=getattr(agency, "pk", agency))
    if category:
        rows = rows.filter(_has_category(category)) if category in System.values else rows.none()
    if region:
        if not isinstance(region, Region):
            region = Region.objects.filter(code=clean_text(str(region), 12)).first()
        rows = rows.filter(region__path__startswith=region.path) if region else rows.none()
    if status:
        rows = rows.filter(_status_q(status, day)) if status in PUBLIC_STATUS_LABELS else rows.none()
    return rows.order_by("person__agency__region__code", "person__agency__name", "person__name", "number").values(
        *PUBLIC_FIELDS
    )


def certificate_by_number(number, day=None) -> PublicCertificate | None:
    """The public record of the certificate numbered ``number`` (PUB-11), with its status effective on
    ``day`` (default today); ``None`` when there is no such certificate. Any string is safe to pass; a
    number typed with full-width characters, spaces or lower-case letters is also tried normalised.

    Every certificate can be verified, also one whose holder left their post: the public must be able to
    see that it is no longer valid.
    """
    if not isinstance(number, str) or not number or len(number) > 4 * MAX_NUMBER_LENGTH or _CONTROL.search(number):
        return None
    from .services import normalise_certificate_number

    candidates = [number]
    normalised = normalise_certificate_number(number)  # as typed from a paper certificate: full-width, spaces, lower case
    if normalised != number:
        candidates.append(normalised)
    for candidate in candidates:
        if not candidate or len(candidate) > MAX_NUMBER_LENGTH:
            continue
        row = OfficerCertificate.objects.filter(number=candidate).values(*PUBLIC_FIELDS).first()
        if row:
            return _public_record(row, day or today())
    return None


def filter_choices() -> dict:
    """What the officer list's filters offer: agencies, categories and regions that appear in it."""
    listed = _listed()
    agencies = (
        Agency.objects.restrict(None, VIEW).filter(pk__in=listed.values("person__agency_id"))
        .order_by("region__code", "name").values_list("pk", "name")
    )
    used = set()
    for categories in listed.values_list("categories", flat=True):
        used.update(c for c in categories or [] if isinstance(c, str))
    regions = Region.objects.filter(pk__in=listed.values("region_id")).order_by("code").values_list("code", "name")
    return {
        "agencies": list(agencies),
        "categories": [(code, label) for code, label in System.choices if code in used],
        "regions": list(regions),
        "statuses": STATUS_CHOICES,
    }


# --- Printed public material, made by staff (scoped to the signed-in user) --------------------------


def printable_certificate(user, number) -> tuple[str, PublicCertificate | None]:
    """The certificate back to print (执法证背面): ``("ok", record)``, ``("missing", None)`` when no
    certificate has that number, or ``("forbidden", None)`` when ``user`` may not see its holder's agency
    (only its own agency's staff, the supervisors over its region and superusers may)."""
    record = certificate_by_number(number)
    if record is None:
        return "missing", None
    if not OfficerCertificate.objects.restrict(user, VIEW).filter(number=number).exists():
        return "forbidden", None
    return "ok", record


@dataclass
class PostCards:
    """The post cards (岗位信息公示牌) of one agency, optionally of one department."""

    agency: Agency
    department: Department | None
    departments: list
    cards: list = field(default_factory=list)  # list[PostCard]
    uncertified: list = field(default_factory=list)  # officers in post without a valid certificate


@dataclass(frozen=True)
class PostCard:
    """One card (岗位信息公示牌) for a service window: an officer in post with a valid certificate."""

    department_name: str
    certificate: PublicCertificate


def post_cards(user, agency_id, department_id=None, day=None) -> PostCards | None:
    """The post cards of an agency whose internal data ``user`` may view, or ``None`` when they may not.

    One card per person in post who holds a certificate valid on ``day``, showing that certificate (the
    one valid longest when several are). ``department_id`` narrows to one department of the agency; one
    that is not the agency's is ignored (the caller says so). Officers in post without a valid
    certificate are listed separately: no card is made for them (SUP-01).
    """
    from .access import internal_agency_q

    day = day or today()
    condition = internal_agency_q(user, VIEW, "")
    agencies = Agency.objects.restrict(user, VIEW)
    if condition is not None:
        agencies = agencies.filter(condition)
    agency = agencies.filter(pk=agency_id).first()
    if agency is None:
        return None
    departments = list(Department.objects.restrict(user, VIEW).filter(agency=agency).order_by("name"))
    department = next((d for d in departments if d.pk == department_id), None)
    people = Person.objects.restrict(user, VIEW).filter(agency=agency, is_active=True)
    if department is not None:
        people = people.filter(department=department)
    people = list(people.select_related("department").order_by("department__name", "name"))
    valid = _status_q(CertificateStatus.VALID, day)
    best: dict[int, dict] = {}
    certificates = (
        OfficerCertificate.objects.restrict(user, VIEW).filter(valid, person__in=[p.pk for p in people])
        .order_by("-expires_on", "number").values(*PUBLIC_FIELDS, "person_id")
    )
    for row in certificates:
        best.setdefault(row["person_id"], row)
    officers = set(
        RoleAssignment.objects.restrict(user, VIEW).filter(person__in=[p.pk for p in people], role=Role.OFFICER)
        .values_list("person_id", flat=True)
    )
    result = PostCards(agency=agency, department=department, departments=departments)
    for person in people:
        row = best.get(person.pk)
        if row is not None:
            department_name = person.department.name if person.department else ""
            result.cards.append(PostCard(department_name=department_name, certificate=_public_record(row, day)))
        elif person.pk in officers:
            result.uncertified.append(person.name)
    return result
