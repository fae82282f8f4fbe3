"""Staff pages of the organisation registry. Thin: reads in ``selectors``, writes in ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.access import CHANGE, VIEW, can

from . import forms, selectors, services
from .models import Agency, OfficerCertificate, Person, Role


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def agency_list(request):
    return render(request, "org/agency_list.html", {"rows": selectors.agency_list(request.user)})


@login_required
def agency_detail(request, pk: int):
    context = selectors.agency_detail(request.user, pk)
    context["can_change"] = can(request.user, CHANGE, context["agency"])
    context["can_add_person"] = _manages(request.user, pk)
    return render(request, "org/agency_detail.html", context)


@login_required
def person_list(request):
    user = request.user
    q = request.GET.get("q", "").strip()[:100]
    departments = selectors.departments_for_filter(user)
    agencies = selectors.agencies_with_internal_view(user)
    department = departments.filter(pk=_int_or_none(request.GET.get("department"))).first()
    agency = agencies.filter(pk=_int_or_none(request.GET.get("agency"))).first()
    state = request.GET.get("state", "")
    if state not in dict(selectors.STATUS_FILTER_CHOICES):
        state = ""
    people = selectors.person_list(user, q=q, agency=agency, department=department, state=state)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "org/person_list.html", {
        "page": page,
        "people": selectors.annotate_people(page.object_list),
        "q": q,
        "departments": departments,
        "department": department,
        "agencies": agencies if agencies.count() > 1 else Agency.objects.none(),
        "agency": agency,
        "state": state,
        "states": selectors.STATUS_FILTER_CHOICES,
        "query": query.urlencode(),
        "can_add_person": services.agencies_managed_by(user).exists(),
    })


@login_required
def person_detail(request, pk: int):
    context = selectors.person_detail(request.user, pk)
    person = context["person"]
    context["can_change"] = can(request.user, CHANGE, person)
    context["can_manage"] = _manages(request.user, person.agency_id)
    context["can_issue"] = _manages(request.user, person.agency_id, certificates=True)
    for certificate in context["certificates"]:
        certificate.can_change = can(request.user, CHANGE, certificate)
    return render(request, "org/person_detail.html", context)


@login_required
def certificate_detail(request, pk: int):
    context = selectors.certificate_detail(request.user, pk)
    context["can_change"] = can(request.user, CHANGE, context["certificate"])
    return render(request, "org/certificate_detail.html", context)



# --- Forms: each calls one service; its ValidationError goes back on the form ------------------


def _visible_person(user, pk) -> Person:
    person = Person.objects.restrict(user, VIEW).select_related("agency__region", "department").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def _visible_certificate(user, pk) -> OfficerCertificate:
    certificate = (
        OfficerCertificate.objects.restrict(user, VIEW).select_related("person__agency", "region").filter(pk=pk).first()
    )
    if certificate is None:
        raise Http404
    return certificate


def _manages(user, agency_id, *, certificates: bool = False) -> bool:
    return services.agencies_managed_by(user, certificates=certificates).filter(pk=agency_id).exists()


def _form_page(request, form, *, title, back, subject=None, submit=None, intro=""):
    return render(request, "org/form.html", {
        "form": form, "title": title, "back": back, "subject": subject, "submit": submit or _("保存"), "intro": intro,
    })


_FAILED = object()


def _submit(request, form, save, success, field_map=None):
    """Validate a bound form and run ``save(cleaned_data)``, a service call.

    Returns the service's result, or ``_FAILED`` when the form or the service refused the input; a
    service's ValidationError goes back onto the form. ``success`` is the message, or a function of the result.
    """
    if not form.is_valid():
        return _FAILED
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        forms.show_errors(form, error, field_map)
        return _FAILED
    messages.success(request, success(result) if callable(success) else success)
    return result


@login_required
def person_add(request):
    user = request.user
    if not services.agencies_managed_by(user).exists():
        raise PermissionDenied
    if request.method == "POST":
        form = forms.PersonForm(user, request.POST)

        def save(data):
            with transaction.atomic():  # the person and their roles, or nothing
                person = services.create_person(
                    user, agency=data["agency"], department=data["department"], name=data["name"],
                    gender=data["gender"], id_number=data["id_number"], position=data["position"],
                    phone=data["phone"], username=data["username"], password=data["password"] or None,
                )
                for role in data["roles"]:
                    services.grant_role(user, person, role)
            return person

        person = _submit(request, form, save, lambda p: _("已登记人员 %(name)s。") % {"name": p.name}, {"role": "roles"})
        if person is not _FAILED:
            return redirect("org:person-detail", pk=person.pk)
    else:
        agency = _int_or_none(request.GET.get("agency"))
        form = forms.PersonForm(user, initial={"agency": agency, "roles": [Role.OFFICER]})
    return _form_page(request, form, title=_("新增人员"), back=reverse("org:person-list"))


@login_required
def person_edit(request, pk: int):
    person = _visible_person(request.user, pk)
    if not can(request.user, CHANGE, person):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.PersonEditForm(request.user, person, request.POST)
        if _submit(request, form, lambda data: services.update_person(request.user, person, **data),
                   _("已保存。")) is not _FAILED:
            return redirect("org:person-detail", pk=person.pk)
    else:
        form = forms.PersonEditForm(request.user, person)
    return _form_page(request, form, title=_("修改人员信息"), subject=person.name,
                      back=reverse("org:person-detail", args=[person.pk]))


@login_required
def certificate_issue(request, pk: int):
    person = _visible_person(request.user, pk)
    if not _manages(request.user, person.agency_id, certificates=True):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.CertificateIssueForm(request.user, person, request.POST)
        certificate = _submit(
            request, form, lambda data: services.issue_certificate(request.user, person, **data),
            lambda c: _("已核发行政执法证 %(number)s。") % {"number": c.number},
        )
        if certificate is not _FAILED:
            return redirect("org:certificate-detail", pk=certificate.pk)
    else:
        form = forms.CertificateIssueForm(request.user, person)
    return _form_page(request, form, title=_("核发行政执法证"), subject=person.name,
                      back=reverse("org:person-detail", args=[person.pk]), submit=_("核发"))


@login_required
def certificate_status(request, pk: int):
    certificate = _visible_certificate(request.user, pk)
    if not can(request.user, CHANGE, certificate):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.CertificateStatusForm(certificate, request.POST)

        def save(data):
            return services.change_certificate_status(request.user, certificate, data["action"], reason=data["reason"])

        if _submit(request, form, save, _("证件状态已变更。"), forms.CertificateStatusForm.FIELD_MAP) is not _FAILED:
            return redirect("org:certificate-detail", pk=certificate.pk)
    else:
        form = forms.CertificateStatusForm(certificate)
    return _form_page(
        request, form, title=_("变更执法证状态"), subject=f"{certificate.number} · {certificate.person.name}",
        back=reverse("org:certificate-detail", args=[certificate.pk]), submit=_("确认变更"),
        intro=_("当前状态：%(status)s。") % {"status": certificate.get_status_display()},
    )


@login_required
def certificate_renew(request, pk: int):
    certificate = _visible_certificate(request.user, pk)
    if not can(request.user, CHANGE, certificate):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.CertificateRenewForm(request.POST)
        if _submit(request, form, lambda data: services.renew_certificate(request.user, certificate, **data),
                   _("有效期已延续。"), forms.CertificateRenewForm.FIELD_MAP) is not _FAILED:
            return redirect("org:certificate-detail", pk=certificate.pk)
    else:
        form = forms.CertificateRenewForm()
    return _form_page(
        request, form, title=_("延续执法证有效期"), subject=f"{certificate.number} · {certificate.person.name}",
        back=reverse("org:certificate-detail", args=[certificate.pk]),
        intro=_("原有效期至：%(date)s。") % {"date": certificate.expires_on.strftime("%Y-%m-%d")},
    )


@login_required
def training_add(request, pk: int):
    person = _visible_person(request.user, pk)
    if not _manages(request.user, person.agency_id):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.TrainingForm(request.POST)
        if _submit(request, form, lambda data: services.add_training_record(request.user, person, **data),
                   _("已登记培训记录。")) is not _FAILED:
            return redirect("org:person-detail", pk=person.pk)
    else:
        form = forms.TrainingForm()
    return _form_page(request, form, title=_("登记培训"), subject=person.name,
                      back=reverse("org:person-detail", args=[person.pk]))


@login_required
def qualification_add(request, pk: int):
    person = _visible_person(request.user, pk)
    if not _manages(request.user, person.agency_id):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.QualificationForm(request.POST)
        if _submit(request, form, lambda data: services.add_legal_qualification(request.user, person, **data),
                   _("已登记法律职业资格。")) is not _FAILED:
            return redirect("org:person-detail", pk=person.pk)
    else:
        form = forms.QualificationForm()
    return _form_page(request, form, title=_("登记法律职业资格"), subject=person.name,
                      back=reverse("org:person-detail", args=[person.pk]))
