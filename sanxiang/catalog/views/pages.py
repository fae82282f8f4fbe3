"""Reading pages: the catalog home (lists, 待我审核, 纠错 inbox), an entry's versions, one version with its diff."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import VIEW
from sanxiang.org.models import Agency, Department

from .. import forms, selectors, services
from ..access import restrict
from ..models import Entry, ErrorReport, ListKind, VersionStatus
from . import display
from .common import STATUS_BADGES, annotate_reports, drafting_agencies, int_or_none, kind_label, visible_entry, visible_version

STATUS_LABELS = dict(VersionStatus.choices)
STATES = [
    ("in_force", _("现行有效")),
    ("not_in_force", _("无现行版本")),
    (VersionStatus.DRAFT, _("最新版本为草稿")),
    (VersionStatus.SUBMITTED, _("待审核")),
    (VersionStatus.RETURNED, _("被退回")),
]
STATE_FILTERS = {
    "in_force": {"in_force_number__isnull": False},
    "not_in_force": {"in_force_number__isnull": True},
    VersionStatus.DRAFT: {"latest_status": VersionStatus.DRAFT},
    VersionStatus.SUBMITTED: {"latest_status": VersionStatus.SUBMITTED},
    VersionStatus.RETURNED: {"latest_status": VersionStatus.RETURNED},
}


@login_required
def home(request):
    user = request.user
    kind = request.GET.get("kind", "")
    kind = kind if kind in ListKind.values else ""
    q = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "")
    state = state if state in STATE_FILTERS else ""
    visible = restrict(Entry.objects.all(), user, VIEW)
    agencies = Agency.objects.filter(pk__in=visible.values("agency_id")).order_by("name")
    agency = agencies.filter(pk=int_or_none(request.GET.get("agency"))).first()
    departments = Department.objects.filter(pk__in=visible.values("department_id")).select_related("agency").order_by(
        "agency__name", "name")
    department = departments.filter(pk=int_or_none(request.GET.get("department"))).first()

    entries = selectors.staff_entries(user, agency=agency, kind=kind or None, q=q)
    if state:
        entries = entries.filter(**STATE_FILTERS[state])
    if department is not None:
        entries = entries.filter(department=department)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.latest_badge = STATUS_BADGES.get(entry.latest_status, "badge-none")
        entry.latest_status_label = STATUS_LABELS.get(entry.latest_status, "")
    query = request.GET.copy()
    query.pop("page", None)

    counted = visible.filter(agency=agency) if agency else visible
    counts = dict(counted.order_by().values_list("kind").annotate(n=Count("pk", distinct=True)))
    kinds = [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in ListKind.choices]
    open_reports = selectors.error_reports(user, status=ErrorReport.Status.OPEN)
    return render(request, "catalog/staff/home.html", {
        "page": page,
        "entries": page.object_list,
        "query": query.urlencode(),
        "kinds": kinds,
        "kind": kind,
        "kind_label": kind_label(kind) if kind else "",
        "q": q,
        "state": state,
        "states": STATES,
        "agencies": agencies if agencies.count() > 1 else Agency.objects.none(),
        "agency": agency,
        "departments": departments,
        "department": department,
        "pending": list(selectors.pending_approval(user)[:50]),
        "reports": annotate_reports(open_reports[:50]),
        "reports_total": open_reports.count(),
        "can_create": bool(drafting_agencies(user)),
        "filtered": bool(q or state or agency or department),
    })


@login_required
def entry_detail(request, pk: int):
    """Every version of an entry with its status and effective dates; which version was in force on a day."""
    user = request.user
    entry = visible_entry(user, pk)
    versions = list(selectors.staff_versions(user, entry))
    for version in versions:
        version.badge = STATUS_BADGES.get(version.status, "badge-none")
    today = timezone.localdate()
    current = selectors.version_in_force(entry, today)
    on_form, on_day, on_version = forms.InForceForm(), None, None
    if "on" in request.GET:
        on_form = forms.InForceForm(request.GET)
        if on_form.is_valid():
            on_day = on_form.cleaned_data["on"]
            on_version = selectors.version_in_force(entry, on_day)
    open_version = next((v for v in versions if v.status != VersionStatus.PUBLISHED), None)
    can_approve = services.can_approve(user, entry.agency)
    still_running = any(v.status == VersionStatus.PUBLISHED and (v.effective_to is None or v.effective_to > today)
                        for v in versions)
    return render(request, "catalog/staff/entry.html", {
        "entry": entry,
        "kind_label": kind_label(entry.kind),
        "versions": versions,
        "latest": versions[0] if versions else None,
        "current": current,
        "today": today,
        "on_form": on_form,
        "on_day": on_day,
        "on_version": on_version,
        "open_version": open_version,
        "can_draft": services.can_draft_entry(user, entry),
        "can_repeal": can_approve and still_running,
        "reports": annotate_reports(selectors.error_reports(user).filter(entry=entry)),
    })


def version_page(request, version, *, approve_form=None, return_form=None, status=200):
    """One version: content, who did what when, the publication's log entry, and the diff to the previous one."""
    user = request.user
    entry = version.entry
    previous = next((v for v in selectors.history(entry) if v.number < version.number), None)
    changes = display.diff(entry.kind, previous.content if previous is not None else None, version.content)
    show_all = request.GET.get("all") == "1"
    editable = version.status in services.EDITABLE_STATUSES
    can_draft = services.can_draft_entry(user, entry)
    submitted = version.status == VersionStatus.SUBMITTED
    approver = submitted and services.can_approve(user, entry.agency)
    is_author = user.pk in services.authors_of(version)
    can_decide = approver and not is_author
    # A refusal when the decision forms are not shown (e.g. an author who tried anyway) goes at the top.
    refusals = [] if can_decide else [e for form in (approve_form, return_form) if form is not None
                                      for e in form.non_field_errors()]
    context = {
        "entry": entry,
        "version": version,
        "kind_label": kind_label(entry.kind),
        "badge": STATUS_BADGES.get(version.status, "badge-none"),
        "groups": display.groups(entry.kind, version.content),
        "previous": previous,
        "changes": changes if show_all else [c for c in changes if c.changed],
        "changed_count": sum(1 for c in changes if c.changed),
        "show_all": show_all,
        "can_edit": editable and can_draft,
        "can_submit": editable and can_draft,
        "can_decide": can_decide,
        "refusals": refusals,
        "author_blocked": approver and is_author,
        "approve_form": approve_form or forms.ApproveForm(initial={"effective_from": version.effective_from}),
        "return_form": return_form or forms.ReturnForm(),
        "log_link": (f"{reverse('records-api-proof-inclusion')}?seq={version.log_seq}"
                     if version.log_seq is not None else ""),
        "sha256": services.content_sha256(version.content) if version.is_published else "",
    }
    return render(request, "catalog/staff/version.html", context, status=status)


@login_required
def version_detail(request, pk: int):
    return version_page(request, visible_version(request.user, pk))
