"""Drafting pages: create an entry, edit a draft, start a new version. One editor per kind (``forms.EDITORS``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.org.access import actor_of
from sanxiang.org.models import Department

from .. import forms, selectors, services
from ..models import VersionStatus
from .common import drafting_agencies, int_or_none, kind_label, kind_or_404, visible_entry, visible_version


def _spread(error: ValidationError, editor, *forms_):
    """A service's ValidationError: fields of the entry/meta forms there, content keys on the editor."""
    if not hasattr(error, "error_dict"):
        editor.errors.extend(error.messages)
        return
    rest = {}
    for key, errors in error.error_dict.items():
        target = next((f for f in forms_ if f is not None and key in f.fields), None)
        if target is not None:
            target.add_error(key, [m for e in errors for m in e.messages])
        else:
            rest[key] = errors
    if rest:
        editor.add_error(ValidationError(rest))


def _all_valid(editor, *forms_) -> bool:
    results = [f.is_valid() for f in forms_ if f is not None]
    return editor.is_valid() and all(results)


def _page(request, *, title, subject, editor, meta_form, back, entry_form=None, agencies=(), agency=None, kind=""):
    return render(request, "catalog/staff/editor.html", {
        "title": title, "subject": subject, "editor": editor, "meta_form": meta_form, "entry_form": entry_form,
        "back": back, "agencies": agencies if len(agencies) > 1 else [], "agency": agency, "kind": kind,
        "kind_label": kind_label(kind),
    })


def _departments(user, agency):
    """The departments whose entries the user may draft (a department head: their own)."""
    departments = Department.objects.filter(agency=agency).order_by("name")
    return departments.filter(pk__in=[d.pk for d in departments if services.can_draft(user, agency, d)])


@login_required
def entry_add(request, kind: str):
    kind = kind_or_404(kind)
    user = request.user
    agencies = drafting_agencies(user)
    if not agencies:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    agency = next((a for a in agencies if a.pk == int_or_none(source.get("agency"))), agencies[0])
    departments = _departments(user, agency)
    actor = actor_of(user)
    title = _("新建%(kind)s") % {"kind": kind_label(kind)}
    back = f"{reverse('catalog-home')}?kind={kind}"
    if request.method == "POST":
        add_row = request.POST.get("add_row") or None
        editor = forms.editor_for(kind, agency=agency, data=request.POST, add_row=add_row)
        entry_form = forms.EntryForm(request.POST, agency=agency, kind=kind, departments=departments)
        meta_form = forms.MetaForm(request.POST)
        if add_row:
            forms.silence(entry_form, meta_form)
        elif _all_valid(editor, entry_form, meta_form):
            data, meta = entry_form.cleaned_data, meta_form.cleaned_data
            try:
                version = services.create_entry(
                    user, agency=agency, kind=kind, code=data["code"], content=editor.content(),
                    department=data["department"], change_note=meta["change_note"], effective_from=meta["effective_from"],
                )
            except ValidationError as error:
                _spread(error, editor, entry_form, meta_form)
            else:
                messages.success(request, _("已保存草稿（第1版）。核对无误后请送审。"))
                return redirect("catalog-version", pk=version.pk)
    else:
        editor = forms.editor_for(kind, agency=agency)
        initial = {"department": actor.department_id if departments.filter(pk=actor.department_id).exists() else None}
        entry_form = forms.EntryForm(agency=agency, kind=kind, departments=departments, initial=initial)
        meta_form = forms.MetaForm()
    return _page(request, title=title, subject=agency.name, editor=editor, meta_form=meta_form, entry_form=entry_form,
                 back=back, agencies=agencies, agency=agency, kind=kind)


@login_required
def version_edit(request, pk: int):
    user = request.user
    version = visible_version(user, pk)
    entry = version.entry
    if not services.can_draft_entry(user, entry):
        raise PermissionDenied
    if version.status not in services.EDITABLE_STATUSES:
        messages.error(request, _("第%(n)s版%(status)s，不能修改。") % {"n": version.number,
                                                                    "status": version.get_status_display()})
        return redirect("catalog-version", pk=version.pk)
    title = _("修改草稿")
    subject = f"{kind_label(entry.kind)} · {entry.code} · {version.title}（第{version.number}版）"
    back = reverse("catalog-version", args=[version.pk])
    if request.method == "POST":
        add_row = request.POST.get("add_row") or None
        editor = forms.editor_for(entry.kind, agency=entry.agency, data=request.POST, add_row=add_row)
        meta_form = forms.MetaForm(request.POST)
        if add_row:
            forms.silence(meta_form)
        elif _all_valid(editor, meta_form):
            meta = meta_form.cleaned_data
            try:
                services.edit_draft(user, version, content=editor.content(), change_note=meta["change_note"],
                                    effective_from=meta["effective_from"])
            except ValidationError as error:
                _spread(error, editor, meta_form)
            else:
                messages.success(request, _("已保存。"))
                return redirect("catalog-version", pk=version.pk)
    else:
        editor = forms.editor_for(entry.kind, agency=entry.agency, content=version.content)
        meta_form = forms.MetaForm(initial={"change_note": version.change_note, "effective_from": version.effective_from})
    return _page(request, title=title, subject=subject, editor=editor, meta_form=meta_form, back=back, kind=entry.kind)


@login_required
def version_add(request, pk: int):
    """A new version of an entry, starting from its latest content (动态调整)."""
    user = request.user
    entry = visible_entry(user, pk)
    if not services.can_draft_entry(user, entry):
        raise PermissionDenied
    versions = list(selectors.staff_versions(user, entry))
    open_version = next((v for v in versions if v.status != VersionStatus.PUBLISHED), None)
    if open_version is not None:
        messages.info(request, _("该事项已有未发布的第%(n)s版，请在其上修改。") % {"n": open_version.number})
        return redirect("catalog-version", pk=open_version.pk)
    latest = versions[0] if versions else None
    title = _("新建版本")
    subject = f"{kind_label(entry.kind)} · {entry.code}" + (f" · {latest.title}" if latest else "")
    back = reverse("catalog-entry", args=[entry.pk])
    if request.method == "POST":
        add_row = request.POST.get("add_row") or None
        editor = forms.editor_for(entry.kind, agency=entry.agency, data=request.POST, add_row=add_row)
        meta_form = forms.MetaForm(request.POST)
        if add_row:
            forms.silence(meta_form)
        elif _all_valid(editor, meta_form):
            meta = meta_form.cleaned_data
            try:
                version = services.new_draft(user, entry, content=editor.content(), change_note=meta["change_note"],
                                             effective_from=meta["effective_from"])
            except ValidationError as error:
                _spread(error, editor, meta_form)
            else:
                messages.success(request, _("已保存第%(n)s版草稿。核对无误后请送审。") % {"n": version.number})
                return redirect("catalog-version", pk=version.pk)
    else:
        editor = forms.editor_for(entry.kind, agency=entry.agency, content=latest.content if latest else {})
        meta_form = forms.MetaForm()
    return _page(request, title=title, subject=subject, editor=editor, meta_form=meta_form, back=back, kind=entry.kind)
