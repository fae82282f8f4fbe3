"""Helpers the catalog staff views share: fetching what the user may see, running a service on a form."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from sanxiang.core.access import VIEW
from sanxiang.org.access import actor_of
from sanxiang.org.forms import show_errors
from sanxiang.org.models import Agency

from .. import services
from ..access import restrict
from ..models import Entry, ErrorReport, ListKind, Version, VersionStatus

FAILED = object()
DUE_SOON_DAYS = 2

STATUS_BADGES = {
    VersionStatus.DRAFT: "badge-none",
    VersionStatus.SUBMITTED: "badge-expiring",
    VersionStatus.RETURNED: "badge-revoked",
    VersionStatus.PUBLISHED: "badge-valid",
}


def visible_entry(user, pk) -> Entry:
    entry = restrict(Entry.objects.select_related("agency__region", "department"), user, VIEW).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def visible_version(user, pk) -> Version:
    version = (restrict(Version.objects.select_related("entry__agency__region", "entry__department", "drafted_by",
                                                       "decided_by"), user, VIEW).filter(pk=pk).first())
    if version is None:
        raise Http404
    return version


def visible_report(user, pk) -> ErrorReport:
    report = restrict(ErrorReport.objects.select_related("agency", "department", "entry"), user, VIEW).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def kind_or_404(kind: str) -> str:
    if kind not in ListKind.values:
        raise Http404
    return kind


def kind_label(kind: str) -> str:
    return str(dict(ListKind.choices).get(kind, kind))


def drafting_agencies(user) -> list[Agency]:
    """Agencies the user may draft lists for: their own (if they may), every enforcement agency for superusers."""
    actor = actor_of(user)
    if actor.is_superuser:
        return list(Agency.objects.exclude(kind=Agency.Kind.JUSTICE_BUREAU).order_by("name")) or list(
            Agency.objects.order_by("name"))
    if actor.agency_id is None:
        return []
    agency = Agency.objects.filter(pk=actor.agency_id).first()
    if agency is None:
        return []
    may = services.can_draft(user, agency) or services.can_draft(user, agency, actor.department_id)
    return [agency] if may else []


def run(request, form, save, success):
    """Validate ``form`` (if any), call ``save(cleaned_data)`` (a service); its ValidationError goes back on the form.

    Returns the service's result, or ``FAILED``.
    """
    if form is not None and not form.is_valid():
        return FAILED
    try:
        result = save(form.cleaned_data if form is not None else {})
    except ValidationError as error:
        if form is not None:
            show_errors(form, error)
        else:
            for message in error.messages:
                messages.error(request, message)
        return FAILED
    messages.success(request, success(result) if callable(success) else success)
    return result


def due_state(report: ErrorReport, today: datetime.date | None = None) -> str:
    """"overdue", "due_soon" or "" for an open error report (办理期限)."""
    if report.status != ErrorReport.Status.OPEN:
        return ""
    today = today or timezone.localdate()
    if report.due_on < today:
        return "overdue"
    if (report.due_on - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return ""


def annotate_reports(reports) -> list[ErrorReport]:
    """The reports with ``due_state``, ``days_left`` and ``days_overdue`` for the deadline badges."""
    today = timezone.localdate()
    rows = list(reports)
    for report in rows:
        report.due_state = due_state(report, today)
        report.days_left = (report.due_on - today).days
        report.days_overdue = -report.days_left
    return rows


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
