"""Admin for the catalogs.

Lists, versions, error reports, inspection objects, conflict declarations and draws are read-only
here: they change only through the services (review, versions, audit and record-log entries), i.e.
the staff pages and the command line. The statute library (法律法规库) is reference data that
superusers may correct here (normally it is loaded with ``sanxiang statutes load``).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import VIEW
from sanxiang.core.admin import ReadOnlyAdminMixin, _pretty_json

from .access import restrict
from .models import ConflictDeclaration, Draw, Entry, ErrorReport, MarketSubject, Provision, Statute, Version


class ScopedReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """View only, and only the rows the user may see (sanxiang.catalog.access)."""

    show_full_result_count = False

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, VIEW)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class SuperuserEditableAdmin(admin.ModelAdmin):
    """Reference data: everyone with admin access may look; only superusers add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class ProvisionInline(admin.TabularInline):
    model = Provision
    extra = 0
    fields = ["article", "paragraph", "item", "text", "max_fine_person", "max_fine_org"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Statute)
class StatuteAdmin(SuperuserEditableAdmin):
    list_display = ["title", "short_title", "level", "issuer", "effective_from", "repealed_on"]
    list_filter = ["level"]
    search_fields = ["title", "short_title", "document_number"]
    inlines = [ProvisionInline]


@admin.register(Provision)
class ProvisionAdmin(SuperuserEditableAdmin):
    list_display = ["statute", "article", "paragraph", "item", "max_fine_person", "max_fine_org"]
    list_select_related = ["statute"]
    list_filter = ["statute__level"]
    search_fields = ["statute__title", "text"]
    autocomplete_fields = ["statute"]


class VersionInline(admin.TabularInline):
    model = Version
    extra = 0
    fields = ["number", "status", "title", "effective_from", "effective_to", "drafted_by", "decided_by", "log_seq"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ScopedReadOnlyAdmin):
    list_display = ["code", "kind", "agency", "department", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["agency", "department"]
    search_fields = ["code", "versions__title"]
    inlines = [VersionInline]


@admin.register(Version)
class VersionAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "entry", "number", "status", "effective_from", "effective_to", "published_at", "log_seq"]
    list_filter = ["status", "entry__kind"]
    list_select_related = ["entry__agency"]
    search_fields = ["title", "entry__code"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "content"] + ["content_pretty"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("内容"))
    def content_pretty(self, obj):
        return _pretty_json(obj.content)


@admin.register(ErrorReport)
class ErrorReportAdmin(ScopedReadOnlyAdmin):
    list_display = ["page_path", "agency", "department", "created_at", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["agency", "department"]


@admin.register(MarketSubject)
class MarketSubjectAdmin(ScopedReadOnlyAdmin):
    list_display = ["name", "uscc", "agency", "type", "industry", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "=uscc"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ScopedReadOnlyAdmin):
    list_display = ["person", "subject", "reason", "declared_at"]
    list_select_related = ["person", "subject"]


@admin.register(Draw)
class DrawAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "agency", "status", "announced_at", "drawn_at", "announce_seq", "draw_seq"]
    list_filter = ["status"]
    list_select_related = ["agency"]
