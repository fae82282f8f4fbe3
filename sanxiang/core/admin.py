"""Admin for core: the audit trail and the holiday schedule, both read-only here.

Audit events are append-only (the database refuses UPDATE and DELETE); holiday schedules change only
through ``sanxiang calendar load``, which replaces a whole year in one audited transaction.
"""

import json

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, CalendarDay, CalendarYear


class ReadOnlyAdminMixin:
    """View only: no adding, changing or deleting through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _pretty_json(value):
    if value is None:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "actor_label", "action", "object_type", "object_id", "object_repr", "request_id",
                    "client_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["=request_id", "=object_id"]
    search_help_text = _("按请求标识或对象标识精确查找")
    date_hierarchy = "occurred_at"
    show_full_result_count = False  # the table only grows; spare a full count on every page
    fields = ["occurred_at", "actor", "actor_label", "action", "object_type", "object_id", "object_repr",
              "before_pretty", "after_pretty", "reason", "request_id", "client_address"]
    readonly_fields = fields

    @admin.display(description=_("变更前"))
    def before_pretty(self, obj):
        return _pretty_json(obj.before)

    @admin.display(description=_("变更后"))
    def after_pretty(self, obj):
        return _pretty_json(obj.after)


CALENDAR_NOTE = _(
    "节假日安排由系统管理员使用命令 sanxiang calendar load 文件 载入（CSV 或 JSON，整年替换，并记入审计日志）；"
    "此处仅供查看。已载入的年度优先于 chinesecalendar 软件包的数据。"
)


class CalendarDayInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CalendarDay
    fields = ["date", "kind", "name"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "holiday_count", "workday_count", "source", "loaded_at", "loaded_by"]
    fieldsets = [(None, {"fields": ["year", "source", "loaded_at", "loaded_by"], "description": CALENDAR_NOTE})]
    readonly_fields = ["year", "source", "loaded_at", "loaded_by"]
    inlines = [CalendarDayInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("loaded_by").annotate(
            holidays=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
            workdays=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
        )

    @admin.display(description=_("放假天数"), ordering="holidays")
    def holiday_count(self, obj):
        return obj.holidays

    @admin.display(description=_("调休上班天数"), ordering="workdays")
    def workday_count(self, obj):
        return obj.workdays

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"subtitle": CALENDAR_NOTE, **(extra_context or {})})
