"""Staff pages: case-file archives (案卷归档, REC-08) — list, archive a case, download a bag (with its purpose)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.errors import Conflict
from sanxiang.org.forms import show_errors

from .. import archive


class ArchiveForm(forms.Form):
    case_ref = forms.CharField(label=gettext_lazy("案件编号"), max_length=64, required=False,  # checked by the service
                               help_text=gettext_lazy("归档后，该案件的记录不再接受新的条目（调阅记录除外）"))


class DownloadForm(forms.Form):
    purpose = forms.CharField(label=gettext_lazy("调阅事由"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "maxlength": 280}),
                              help_text=gettext_lazy("下载归档包即调阅本案全部记录，每件记录都会记入调阅记录"))


def _may_archive_any(user) -> bool:
    from sanxiang.org.access import actor_of
    from sanxiang.org.models import Role

    actor = actor_of(user)
    return bool(actor.is_superuser or actor.supervised_paths
                or (actor.agency_id and (actor.has(Role.LEADER) or actor.has(Role.ADMINISTRATOR))))


@login_required
def archive_list(request):
    form = ArchiveForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
        try:
            row = archive.build_archive(request.user, request.POST.get("case_ref", ""))
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("无权归档"))
        except ValidationError as error:
            show_errors(form, error, {"__all__": "case_ref"})
        except Conflict as error:
            form.add_error("case_ref", str(error))
        else:
            messages.success(request, _("案件 %(case)s 已归档，归档包 %(bag)s") % {"case": row.case_ref, "bag": row.bag_name})
            return redirect("records:archive-list")
    rows = archive.archives_for(request.user).order_by("-archived_at")[:200]
    return render(request, "records/archive_list.html", {
        "rows": rows, "form": form, "can_archive": _may_archive_any(request.user),
    })


@login_required
def archive_download(request, pk: int):
    row = archive.archives_for(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    if not archive.may_download(request.user, row):
        raise PermissionDenied(_("只有能够查看本案全部记录的人员可以下载归档包"))
    form = DownloadForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
        try:
            archive.log_download(request.user, row, request.POST.get("purpose", ""))
        except ValidationError as error:
            show_errors(form, error)
        else:
            response = FileResponse(archive.zip_to_tempfile(row), as_attachment=True, filename=f"{row.bag_name}.zip",
                                    content_type="application/zip")
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "records/archive_download.html", {"row": row, "form": form})


urlpatterns = [
    path("archives/", archive_list, name="archive-list"),
    path("archives/<int:pk>/download/", archive_download, name="archive-download"),
]
