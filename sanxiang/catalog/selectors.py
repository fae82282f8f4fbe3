"""Reads of the catalogs.

Public reads (safe for anonymous visitors: they return **published** versions only, never drafts,
submitted or returned ones): :func:`in_force`, :func:`version_in_force`, :func:`public_entry`,
:func:`history`, :func:`review_catalog`, :func:`review_rules`, :func:`av_requirements`.

Staff reads (scoped by :mod:`sanxiang.catalog.access`): :func:`staff_entries`, :func:`staff_versions`,
:func:`pending_approval`, :func:`error_reports`.

A version is in force on day D when it is published, ``effective_from`` ≤ D, and ``effective_to`` is
empty or later than D.
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from sanxiang.core.access import VIEW
from sanxiang.org.access import actor_of
from sanxiang.org.models import Agency, Role

from .access import restrict
from .kinds import FIXED_CODES
from .models import Entry, ErrorReport, ListKind, Version, VersionStatus


def _day(on) -> datetime.date:
    return timezone.localdate() if on is None else on


def _published() -> QuerySet[Version]:
    return Version.objects.filter(status=VersionStatus.PUBLISHED)


def in_force_q(on: datetime.date, prefix: str = "") -> Q:
    """The condition "published and in force on ``on``" (for versions reached through ``prefix``)."""
    return (
        Q(**{f"{prefix}status": VersionStatus.PUBLISHED, f"{prefix}effective_from__lte": on})
        & (Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gt": on}))
    )


def in_force(kind: str | None, *, agency=None, on: datetime.date | None = None, q: str = "") -> QuerySet[Version]:
    """Published versions in force on ``on`` (default today) of ``kind`` (None: every kind), optionally of one agency.

    ``q`` searches the title, the search text and the entry's code (case-insensitive substring).
    Ordered by agency, then code.
    """
    day = _day(on)
    versions = Version.objects.filter(in_force_q(day))
    if kind:
        versions = versions.filter(entry__kind=kind)
    if agency is not None:
        versions = versions.filter(entry__agency_id=getattr(agency, "pk", agency))
    q = (q or "").strip()
    if q:
        versions = versions.filter(Q(title__icontains=q) | Q(search_text__icontains=q) | Q(entry__code__icontains=q))
    return versions.select_related("entry__agency", "entry__department").order_by("entry__agency_id", "entry__code")


def version_in_force(entry: Entry, on: datetime.date | None = None) -> Version | None:
    """The entry's version in force on ``on`` (default today), or None."""
    return (Version.objects.filter(in_force_q(_day(on)), entry=entry).select_related("entry__agency")
            .order_by("-effective_from", "-number").first())


def public_entry(agency_id, kind: str, code: str) -> Entry | None:
    """The entry, if it has ever had a published version (else None: drafts are not public)."""
    try:
        agency_id = int(getattr(agency_id, "pk", agency_id))
    except (TypeError, ValueError):
        return None
    return (Entry.objects.filter(agency_id=agency_id, kind=kind, code=code, versions__status=VersionStatus.PUBLISHED)
            .select_related("agency", "department").distinct().first())


def never_in_force(version: Version) -> bool:
    """A published version replaced before its effective date (its span is empty): show it as "未施行"."""
    return version.effective_to is not None and version.effective_to == version.effective_from


def history(entry: Entry) -> QuerySet[Version]:
    """The entry's published versions, newest first (public): what was in force from when to when."""
    return _published().filter(entry=entry).order_by("-number")


def public_version(entry: Entry, number: int) -> Version | None:
    """One published version of the entry by its number (for a link to an old version), or None."""
    return _published().filter(entry=entry, number=number).first()


def _fixed(agency, kind: str, on) -> Version | None:
    return (Version.objects.filter(in_force_q(_day(on)), entry__agency_id=getattr(agency, "pk", agency),
                                   entry__kind=kind, entry__code=FIXED_CODES[kind])
            .order_by("-effective_from", "-number").first())


def review_catalog(agency, on: datetime.date | None = None) -> dict | None:
    """The content of the agency's review catalog (法制审核目录清单) in force on ``on``, or None."""
    version = _fixed(agency, ListKind.REVIEW_CATALOG, on)
    return version.content if version is not None else None


def review_rules(agency, on: datetime.date | None = None) -> list[dict]:
    """The rules of the agency's review catalog in force on ``on`` (empty list when there is none).

    Whether the agency reviews every decision outside the simple procedure is in :func:`review_catalog`
    (``review_all_non_simple``); :func:`sanxiang.catalog.review_rules.evaluate` takes that whole content.
    """
    content = review_catalog(agency, on)
    return list(content.get("rules", [])) if content else []


def av_requirements(agency, on: datetime.date | None = None) -> dict[str, dict]:
    """The agency's AV recording item list in force on ``on``: ``{activity: {"activity", "name", "requirement", "basis"}}``.

    Empty when the agency has published none (the record store then uses its default list).
    """
    version = _fixed(agency, ListKind.AV_LIST, on)
    if version is None:
        return {}
    return {row["activity"]: {k: row.get(k, "") for k in ("activity", "name", "requirement", "basis")}
            for row in version.content.get("rows", [])}


# --- Staff reads -----------------------------------------------------------------------------


def staff_entries(user, *, agency=None, kind: str | None = None, q: str = "") -> QuerySet[Entry]:
    """Entries the user may see, each annotated with its latest version (``latest_number``, ``latest_title``,
    ``latest_status``, ``latest_id``) and the number of the version in force today (``in_force_number``)."""
    entries = restrict(Entry.objects.all(), user, VIEW)
    if agency is not None:
        entries = entries.filter(agency_id=getattr(agency, "pk", agency))
    if kind:
        entries = entries.filter(kind=kind)
    latest = Version.objects.filter(entry=OuterRef("pk")).order_by("-number")
    current = Version.objects.filter(in_force_q(timezone.localdate()), entry=OuterRef("pk")).order_by("-effective_from")
    entries = entries.annotate(
        latest_number=Subquery(latest.values("number")[:1]),
        latest_title=Subquery(latest.values("title")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        latest_id=Subquery(latest.values("pk")[:1]),
        in_force_number=Subquery(current.values("number")[:1]),
    )
    q = (q or "").strip()
    if q:
        matching = Version.objects.filter(Q(title__icontains=q) | Q(search_text__icontains=q)).values("entry_id")
        entries = entries.filter(Q(code__icontains=q) | Q(pk__in=matching))
    return entries.select_related("agency", "department").order_by("agency_id", "kind", "code")


def staff_versions(user, entry: Entry) -> QuerySet[Version]:
    """Every version of the entry (drafts included) if the user may see the entry; newest first."""
    return restrict(Version.objects.filter(entry=entry), user, VIEW).select_related(
        "drafted_by", "decided_by").order_by("-number")


def pending_approval(user) -> QuerySet[Version]:
    """Submitted versions the user may approve or return (not the ones the user drafted), oldest first."""
    from .services import approver_roles

    actor = actor_of(user)
    versions = Version.objects.filter(status=VersionStatus.SUBMITTED)
    if user is None or not getattr(user, "is_authenticated", False):
        return versions.none()
    if not actor.is_superuser:
        roles = approver_roles()
        condition = Q(pk__in=[])
        if actor.agency_id and any(actor.has(r) for r in roles if r != Role.SUPERVISOR):
            condition |= Q(entry__agency_id=actor.agency_id)
        if Role.SUPERVISOR in roles and actor.has(Role.SUPERVISOR):
            for path in actor.supervised_paths:
                condition |= Q(entry__agency__region__path__startswith=path)
        versions = versions.filter(condition)
    return (versions.exclude(drafted_by=user).select_related("entry__agency", "drafted_by")
            .order_by("submitted_at", "pk").distinct())


def error_reports(user, *, status: str | None = None) -> QuerySet[ErrorReport]:
    """Error reports the user may see (own agency; supervisors their regions'), open ones first by deadline."""
    reports = restrict(ErrorReport.objects.all(), user, VIEW)
    if status:
        reports = reports.filter(status=status)
    return reports.select_related("agency", "department", "entry").order_by("status", "due_on", "pk")


def overdue_error_reports(user, on: datetime.date | None = None) -> QuerySet[ErrorReport]:
    """Open error reports past their deadline (办理期限) that the user may see."""
    return error_reports(user, status=ErrorReport.Status.OPEN).filter(due_on__lt=_day(on))


def agencies_publishing(kind: str | None = None, on: datetime.date | None = None) -> QuerySet[Agency]:
    """Agencies with at least one version in force (of ``kind``) on ``on`` — for the public navigation."""
    condition = in_force_q(_day(on), "catalog_entries__versions__")
    if kind:
        condition &= Q(catalog_entries__kind=kind)
    return Agency.objects.filter(condition).distinct().order_by("name")


__all__ = [
    "agencies_publishing", "av_requirements", "error_reports", "history", "in_force", "in_force_q", "never_in_force",
    "overdue_error_reports", "pending_approval", "public_entry", "public_version", "review_catalog", "review_rules",
    "staff_entries", "staff_versions", "version_in_force",
]
