"""Admin of the organisation registry.

- What a user sees is scoped by the access rules (``restrict(user, VIEW)``), object by object.
- The org admin is for superusers, administrators (系统管理员) and supervisors (执法监督人员).
- Every save goes through ``services.py``, so it is validated and audited like any other change.
  The service runs while the form is validated, in a savepoint: its errors become form errors
  (never a server error) and leave nothing behind.
- Nothing is deleted here except role assignments (revoked through the service): certificates are
  revoked, people leave service, agencies are abolished.
- Row history (django-simple-history) can be read but not reverted, since a revert would bypass
  the services.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms.models import construct_instance
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from sanxiang.core.access import CHANGE, VIEW, can

from . import services
from .access import actor_of
from .models import (
    Agency,
    Department,
    LegalQualification,
    OfficerCertificate,
    Person,
    Region,
    Role,
    RoleAssignment,
    System,
    TrainingRecord,
)

ORG_ADMIN_ROLES = {Role.ADMINISTRATOR, Role.SUPERVISOR}


class ServiceForm(forms.ModelForm):
    """A model form whose saving is a service call, made during validation.

    ``model_admin`` and ``request`` are set by :meth:`RegistryAdmin.get_form`. After the model's own
    checks pass, the admin's ``perform`` runs in a savepoint; its result becomes ``self.instance``.
    """

    model_admin = None
    request = None

    def _post_clean(self):
        # The model's own checks (lengths, choices, uniqueness, constraints) are the service's job:
        # it gives clearer messages, and knows about normalised values (full-width, case).
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as error:
            self._update_errors(error)
        if self._errors:
            return
        original = None if self.instance._state.adding else self.instance
        try:
            with transaction.atomic():
                self.instance = self.model_admin.perform(self.request, original, self)
        except ValidationError as error:
            self._add_service_error(error)
        except PermissionDenied as error:
            self.add_error(None, str(error) or services.NOT_ALLOWED)

    def _add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        renames = self.model_admin.service_fields
        for key, errors in error.error_dict.items():
            name = renames.get(key, key)
            self.add_error(name if name in self.fields else None, errors)


def _renamed(error: ValidationError, renames: dict[str, str]) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({renames.get(key, key): errors for key, errors in error.error_dict.items()})


class RegistryAdmin(admin.ModelAdmin):
    """Scoped, service-backed admin; subclasses define :meth:`perform` (and may rename error keys)."""

    form = ServiceForm
    service_fields: dict[str, str] = {}  # service error key -> form field
    certificates_scope = False  # choices of agency/person follow the certificate rules (supervisors too)
    readonly_on_change: tuple[str, ...] = ()
    change_only_fields: tuple[str, ...] = ()  # not on the add form (the service sets them)

    def perform(self, request, obj, form):
        raise NotImplementedError

    # Rights

    def has_module_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or bool(actor_of(user).roles & ORG_ADMIN_ROLES)

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or self.model.objects.restrict(request.user, VIEW).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or can(request.user, CHANGE, obj)

    def has_add_permission(self, request):
        return self.has_module_permission(request) and self.may_add(request)

    def may_add(self, request) -> bool:
        return self.managed_agencies(request).exists()

    def has_delete_permission(self, request, obj=None):
        return False

    # Data

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.restrict(request.user, VIEW)

    def managed_agencies(self, request):
        return services.agencies_managed_by(request.user, certificates=self.certificates_scope)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        managed = self.managed_agencies(request)
        if db_field.name == "agency":
            kwargs["queryset"] = managed
        elif db_field.name == "department":
            kwargs["queryset"] = Department.objects.filter(agency__in=managed).select_related("agency")
        elif db_field.name == "person":
            kwargs["queryset"] = Person.objects.filter(agency__in=managed, is_active=True).select_related("agency")
        elif db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = get_user_model().objects.filter(
                Q(person__isnull=True, is_superuser=False) | Q(person__agency__in=managed))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"model_admin": self, "request": request})

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_on_change if obj is not None else ()

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [f for f in fields if f not in self.change_only_fields]

    # Saving happened in the form (ServiceForm); the admin only logs it.

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        pass


class HistoryRegistryAdmin(RegistryAdmin, SimpleHistoryAdmin):
    """With a read-only row history."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        if request.method == "POST":
            raise PermissionDenied("历史版本只读：请在修改页面中更正")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _require_visible(self, request, object_id):
        """Like the change page: an object outside the user's scope is not found (its existence is not revealed)."""
        try:
            visible = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible:
            raise Http404


def _data(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


@admin.register(Region)
class RegionAdmin(RegistryAdmin):
    fields = ("code", "name", "level", "parent")
    readonly_on_change = ("code", "parent")
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")

    def may_add(self, request):
        return request.user.is_superuser

    def perform(self, request, obj, form):
        data = _data(form, ("code", "name", "level", "parent"))
        if obj is None:
            return services.create_region(request.user, **data)
        return services.update_region(request.user, obj, name=data["name"], level=data["level"])


@admin.register(Agency)
class AgencyAdmin(HistoryRegistryAdmin):
    fieldsets = [
        (None, {"fields": ("name", "short_name", "uscc", "uscc_override_reason", "kind", "level", "system",
                           "region", "parent")}),
        ("公示信息", {"fields": ("duties", "legal_basis", "address", "phone", "supervision_channel",
                              "remedy_channel")}),
        ("沿革（机构改革）", {"fields": ("is_active", "abolished_on", "successor")}),
    ]
    list_display = ("name", "uscc", "level", "system", "region", "is_active")
    list_filter = ("kind", "level", "system", "is_active")
    search_fields = ("name", "short_name", "uscc")
    list_select_related = ("region",)

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj is not None else self.fieldsets[:2]

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("kind",)

    def may_add(self, request):
        return request.user.is_superuser or bool(actor_of(request.user).supervised_paths)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("parent", "successor"):
            kwargs["queryset"] = Agency.objects.all()  # the directory is public
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def perform(self, request, obj, form):
        data = _data(form, services.AGENCY_FIELDS)
        reason = form.cleaned_data.get("uscc_override_reason", "")
        if obj is None:
            return services.create_agency(request.user, override_reason=reason, **data)
        return services.update_agency(request.user, obj, override_reason=reason, **data)


@admin.register(Department)
class DepartmentAdmin(RegistryAdmin):
    fields = ("agency", "name", "is_review_unit")
    readonly_on_change = ("agency",)
    list_display = ("name", "agency", "is_review_unit")
    list_filter = ("is_review_unit", "agency")
    search_fields = ("name", "agency__name")
    list_select_related = ("agency",)

    def perform(self, request, obj, form):
        data = _data(form, ("agency", "name", "is_review_unit"))
        if obj is None:
            return services.create_department(request.user, **data)
        return services.update_department(request.user, obj, name=data["name"],
                                          is_review_unit=data["is_review_unit"])


@admin.register(Person)
class PersonAdmin(HistoryRegistryAdmin):
    fields = ("agency", "department", "name", "gender", "id_number", "position", "phone", "user", "is_active")
    change_only_fields = ("is_active",)
    list_display = ("name", "agency", "department", "position", "is_active")
    list_filter = ("is_active", "agency")
    search_fields = ("name", "id_number", "position")
    list_select_related = ("agency", "department")

    def perform(self, request, obj, form):
        data = _data(form, services.PERSON_FIELDS)
        if obj is None:
            return services.create_person(request.user, **data)
        return services.update_person(request.user, obj, **data)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(RegistryAdmin):
    """Roles are granted here and revoked by deleting; a role is never edited in place."""

    fields = ("person", "role", "region", "granted_on")
    list_display = ("person", "role", "region", "granted_on")
    list_filter = ("role",)
    search_fields = ("person__name",)
    list_select_related = ("person", "region")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or can(request.user, CHANGE, obj)

    def perform(self, request, obj, form):
        data = form.cleaned_data
        return services.grant_role(request.user, data["person"], data["role"], region=data.get("region"),
                                   granted_on=data.get("granted_on"))

    def delete_model(self, request, obj):
        services.revoke_role(request.user, obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            services.revoke_role(request.user, assignment)


class CertificateForm(ServiceForm):
    categories = forms.MultipleChoiceField(label="执法类别", choices=System.choices,
                                           widget=forms.CheckboxSelectMultiple)
    correction_reason = forms.CharField(label="更正理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text="修改上方证件信息时必填，记入证件历史和审计日志")
    status_action = forms.ChoiceField(
        label="状态变更", required=False,
        choices=[("", "不变更"), ("suspend", "暂扣"), ("revoke", "吊销"), ("restore", "恢复"), ("expire", "标记过期")])
    status_change_reason = forms.CharField(label="状态变更或延续理由", required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    renew_until = forms.DateField(label="延续有效期至", required=False, widget=AdminDateWidget)


@admin.register(OfficerCertificate)
class OfficerCertificateAdmin(HistoryRegistryAdmin):
    form = CertificateForm
    certificates_scope = True
    service_fields = {"reason": "correction_reason", "status_reason": "status_change_reason",
                      "status": "status_action"}
    add_fieldsets = [(None, {"fields": ("person", "number", "categories", "region", "issued_on", "expires_on",
                                        "issuer")})]
    change_fieldsets = [
        (None, {"fields": ("person", "status", "status_reason")}),
        ("证件信息", {"fields": ("number", "categories", "region", "issued_on", "expires_on", "issuer",
                             "correction_reason")}),
        ("状态变更与延续", {"fields": ("status_action", "renew_until", "status_change_reason")}),
    ]
    list_display = ("number", "person", "status", "issued_on", "expires_on", "region")
    list_filter = ("status",)
    search_fields = ("number", "person__name")
    list_select_related = ("person", "region")

    def get_fieldsets(self, request, obj=None):
        return self.change_fieldsets if obj is not None else self.add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ("person", "status", "status_reason") if obj is not None else ()

    def perform(self, request, obj, form):
        data, user = form.cleaned_data, request.user
        fields = _data(form, services.CERTIFICATE_FIELDS)
        if obj is None:
            return services.issue_certificate(user, data["person"], **fields)
        certificate = obj
        if set(form.changed_data) & set(services.CERTIFICATE_FIELDS):
            certificate = services.update_certificate(user, certificate, reason=data.get("correction_reason", ""),
                                                      **fields)
        reason = data.get("status_change_reason", "")
        if data.get("renew_until"):
            try:
                certificate = services.renew_certificate(user, certificate, expires_on=data["renew_until"],
                                                         reason=reason)
            except ValidationError as error:
                raise _renamed(error, {"expires_on": "renew_until", "status": "renew_until"}) from error
        if data.get("status_action"):
            certificate = services.change_certificate_status(user, certificate, data["status_action"], reason=reason)
        return certificate


@admin.register(LegalQualification)
class LegalQualificationAdmin(RegistryAdmin):
    fields = ("person", "certificate_number", "kind", "obtained_on")
    readonly_on_change = ("person",)
    list_display = ("certificate_number", "person", "kind", "obtained_on")
    list_filter = ("kind",)
    search_fields = ("certificate_number", "person__name")
    list_select_related = ("person",)

    def perform(self, request, obj, form):
        data = _data(form, services.QUALIFICATION_FIELDS)
        if obj is None:
            return services.add_legal_qualification(request.user, form.cleaned_data["person"], **data)
        return services.update_legal_qualification(request.user, obj, **data)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(RegistryAdmin):
    fields = ("person", "title", "provider", "held_on", "hours", "passed")
    readonly_on_change = ("person",)
    list_display = ("title", "person", "held_on", "hours", "passed")
    list_filter = ("passed",)
    search_fields = ("title", "person__name")
    list_select_related = ("person",)

    def perform(self, request, obj, form):
        data = _data(form, services.TRAINING_FIELDS)
        if obj is None:
            return services.add_training_record(request.user, form.cleaned_data["person"], **data)
        return services.update_training_record(request.user, obj, **data)
