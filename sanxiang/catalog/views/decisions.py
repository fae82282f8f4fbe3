"""Decisions on a version: submit (送审), approve and publish (审核发布), return (退回修改); repeal an entry (失效)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import forms, services
from .common import FAILED, kind_label, run, visible_entry, visible_version
from .pages import version_page


@login_required
@require_POST
def version_submit(request, pk: int):
    version = visible_version(request.user, pk)
    run(request, None, lambda _data: services.submit(request.user, version),
        _("已送审，等待审核人审核发布。"))
    return redirect("catalog-version", pk=version.pk)


@login_required
def version_approve(request, pk: int):
    version = visible_version(request.user, pk)
    if request.method != "POST":
        return redirect("catalog-version", pk=version.pk)
    form = forms.ApproveForm(request.POST)
    result = run(request, form, lambda data: services.approve(request.user, version, note=data["note"],
                                                              effective_from=data["effective_from"],
                                                              retroactive_reason=data["retroactive_reason"]),
                 lambda v: _("已审核发布第%(n)s版，自 %(day)s 起施行。") % {"n": v.number,
                                                                   "day": v.effective_from.strftime("%Y-%m-%d")})
    if result is FAILED:
        return version_page(request, visible_version(request.user, pk), approve_form=form, status=400)
    return redirect("catalog-version", pk=version.pk)


@login_required
def version_return(request, pk: int):
    version = visible_version(request.user, pk)
    if request.method != "POST":
        return redirect("catalog-version", pk=version.pk)
    form = forms.ReturnForm(request.POST)
    result = run(request, form, lambda data: services.return_draft(request.user, version, note=data["note"]),
                 _("已退回起草人修改。"))
    if result is FAILED:
        return version_page(request, visible_version(request.user, pk), return_form=form, status=400)
    return redirect("catalog-version", pk=version.pk)


@login_required
def entry_repeal(request, pk: int):
    """Repeal (失效): the version in force ends on the given day. Approvers only (the service checks)."""
    entry = visible_entry(request.user, pk)
    if not services.can_approve(request.user, entry.agency):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.RepealForm(request.POST)
        if run(request, form, lambda data: services.repeal(request.user, entry, effective_to=data["effective_to"],
                                                           reason=data["reason"]),
               _("已废止，自失效日期起不再施行。")) is not FAILED:
            return redirect("catalog-entry", pk=entry.pk)
    else:
        form = forms.RepealForm()
    return render(request, "catalog/staff/form.html", {
        "form": form, "title": _("废止（失效）"), "subject": f"{kind_label(entry.kind)} · {entry.code}",
        "back": reverse("catalog-entry", args=[entry.pk]), "submit": _("确认废止"), "danger": True,
        "intro": _("失效日期起，该事项不再施行，公示平台不再显示为现行有效；历史版本仍可查询。"),
    })
