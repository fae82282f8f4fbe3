"""Import a workbook into drafts (导入) and export the lists (导出 XLSX / JSON) — ``spreadsheets`` does the work."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sanxiang.core.access import VIEW
from sanxiang.org.access import actor_of
from sanxiang.org.models import Agency

from .. import forms, spreadsheets
from ..access import restrict
from ..models import Entry, ListKind
from .common import drafting_agencies, int_or_none, parse_day

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def import_page(request):
    """Upload an XLSX; show every row's problems (nothing imported) or the drafts it made."""
    user = request.user
    agencies = drafting_agencies(user)
    if not agencies:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    agency = next((a for a in agencies if a.pk == int_or_none(source.get("agency"))), agencies[0])
    result, row_errors = None, []
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = spreadsheets.import_workbook(user, agency, upload.read(), upload.name)
            except spreadsheets.ImportFileError as error:
                form.add_error("file", str(error))
            except spreadsheets.ImportRowsError as error:
                row_errors = error.errors
    else:
        form = forms.ImportForm()
    return render(request, "catalog/staff/import.html", {
        "form": form, "agencies": agencies if len(agencies) > 1 else [], "agency": agency,
        "result": result, "row_errors": row_errors,
        "kinds": [(spreadsheets.sheet_title(k), [c.header for c in spreadsheets.columns(k)]) for k in spreadsheets.ORDER],
    }, status=400 if row_errors or form.errors else 200)


@login_required
def import_example(request):
    """The sample workbook (every kind, a row or two) to fill in."""
    return _download(spreadsheets.example_workbook(), "catalog-example.xlsx", XLSX)


@login_required
def export(request):
    """The agency's lists as XLSX or JSON: in force on a day, or (``drafts=1``) the latest versions, drafts included."""
    user = request.user
    actor = actor_of(user)
    visible = restrict(Entry.objects.all(), user, VIEW).values("agency_id")
    agencies = Agency.objects.filter(pk__in=visible) | Agency.objects.filter(pk=actor.agency_id or 0)
    agency = agencies.filter(pk=int_or_none(request.GET.get("agency")) or actor.agency_id or 0).first()
    if agency is None:
        agency = agencies.order_by("name").first()
    if agency is None:
        raise PermissionDenied
    kind = request.GET.get("kind") if request.GET.get("kind") in ListKind.values else None
    on = parse_day(request.GET.get("on")) or timezone.localdate()
    drafts = request.GET.get("drafts") == "1"
    options = {"kind": kind, "on": on, "drafts_for": user if drafts else None}
    stem = f"catalog-{agency.pk}-{kind or 'all'}-{'drafts' if drafts else on.isoformat()}"
    if request.GET.get("format") == "json":
        return _download(spreadsheets.export_json(agency, **options), f"{stem}.json", "application/json; charset=utf-8")
    return _download(spreadsheets.export_workbook(agency, **options), f"{stem}.xlsx", XLSX)
