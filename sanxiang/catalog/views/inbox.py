"""The 纠错 inbox: error reports from the public, each with its deadline (办理期限), and the answer form."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import forms, selectors, services
from ..models import ErrorReport, Version, VersionStatus
from .common import FAILED, annotate_reports, run, visible_report


@login_required
def error_list(request):
    status = request.GET.get("status", ErrorReport.Status.OPEN)
    status = status if status in ErrorReport.Status.values else ""
    reports = selectors.error_reports(request.user, status=status or None)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "catalog/staff/errors.html", {
        "page": page, "reports": annotate_reports(page.object_list), "status": status,
        "statuses": ErrorReport.Status.choices, "query": f"status={status}",
    })


@login_required
def error_detail(request, pk: int):
    user = request.user
    report = visible_report(user, pk)
    versions = Version.objects.none()
    if report.entry_id:
        versions = Version.objects.filter(entry_id=report.entry_id, status=VersionStatus.PUBLISHED).order_by("-number")
    can_answer = report.status == ErrorReport.Status.OPEN and services.can_answer(user, report)
    form = None
    if can_answer:
        if request.method == "POST":
            form = forms.AnswerForm(request.POST, versions=versions)
            if run(request, form, lambda data: services.answer_error(user, report, **data), _("已答复。")) is not FAILED:
                return redirect("catalog-error", pk=report.pk)
        else:
            form = forms.AnswerForm(versions=versions)
    elif request.method == "POST":
        raise PermissionDenied
    [report] = annotate_reports([report])
    return render(request, "catalog/staff/error.html", {"report": report, "form": form})
