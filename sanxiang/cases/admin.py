"""Admin for the cases app (执法案件): read-only views of cases, parties, step records and documents;
superusers edit the numbering rules (编号规则) and each agency's case-handling parameters (办案参数).

Step records and issued documents are append-only (the database refuses UPDATE and DELETE); the admin
never offers to add, change or delete them, nor cases, whose state only the services change.
"""

from django.contrib import admin

from sanxiang.core.admin import ReadOnlyAdminMixin

from .models import AgencyCaseRules, Case, CaseOfficer, IssuedDocument, NumberingRule, Party, StepRecord


class PartyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Party
    fields = ["position", "party_type", "name", "id_type", "id_number", "legal_representative"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class OfficerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseOfficer
    fields = ["person", "role", "since", "until"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "kind", "flow_key", "current_step", "status", "agency", "registered_at",
                    "deadline_on"]
    list_filter = ["kind", "status"]
    search_fields = ["=number", "title"]
    list_select_related = ["agency"]
    show_full_result_count = False
    readonly_fields = [f.name for f in Case._meta.fields]
    inlines = [PartyInline, OfficerInline]


@admin.register(Party)
class PartyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "party_type", "id_type", "case"]
    search_fields = ["=id_number", "name"]
    list_select_related = ["case"]
    show_full_result_count = False
    readonly_fields = [f.name for f in Party._meta.fields]


@admin.register(StepRecord)
class StepRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: view only (更正 is a new record made on the case page, never an edit here)."""

    list_display = ["case", "index", "action", "step", "occurred_at", "actor_label", "log_seq"]
    list_filter = ["action"]
    search_fields = ["=case__number", "=log_seq"]
    list_select_related = ["case"]
    show_full_result_count = False
    readonly_fields = [f.name for f in StepRecord._meta.fields]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "number", "case", "issued_at", "sealed"]
    search_fields = ["=number", "=case__number", "=verify_token"]
    list_select_related = ["case"]
    show_full_result_count = False
    readonly_fields = [f.name for f in IssuedDocument._meta.fields]


class SuperuserEditsMixin:
    """Everyone with admin access may look; only superusers add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(NumberingRule)
class NumberingRuleAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    list_display = ["agency", "series", "pattern"]
    list_filter = ["agency"]
    search_fields = ["series", "pattern"]


@admin.register(AgencyCaseRules)
class AgencyCaseRulesAdmin(SuperuserEditsMixin, admin.ModelAdmin):
    list_display = ["agency", "filing_days", "decision_days", "review_days", "due_soon_days", "review_all_non_simple"]
