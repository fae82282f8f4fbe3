"""Admin of the record store: a window for superusers and administrators, never a way around the services.

- Append-only tables (log entries, evidence, blobs, checkpoints, access events, custody events,
  archives) are read-only here, like in the database.
- Devices, rooms, access codes, uploads and removal requests change only through their services
  (custody, audit, two-person approval), so they are read-only here too.
- The AV item list and the retention categories are configuration (DESIGN.md rule 4.8): they may be
  added and changed here, each save audited; nothing is deleted anywhere.
- What a user sees is scoped by the access rules where the model has them; file contents are never
  shown here (opening a file is an access, logged through the records pages).
"""

from django.contrib import admin
from django.db import transaction

from sanxiang.core import audit
from sanxiang.core.access import VIEW
from sanxiang.core.admin import ReadOnlyAdminMixin

from .access import access_events_visible_to, party_codes_visible_to
from .models import (
    AccessEvent,
    AVRule,
    Blob,
    CaseArchive,
    Checkpoint,
    CustodyEvent,
    Device,
    EvidenceRecord,
    LogEntry,
    PartyAccessCode,
    RemovalRequest,
    RetentionCategory,
    Room,
    UploadSession,
)


class ScopedReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if hasattr(queryset, "restrict"):
            return queryset.restrict(request.user, VIEW)
        return queryset if request.user.is_superuser else queryset.none()

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(LogEntry)
class LogEntryAdmin(ScopedReadOnlyAdmin):
    list_display = ["seq", "kind", "created_at", "agency", "case_ref"]
    list_filter = ["kind"]
    search_fields = ["=seq", "=case_ref"]
    exclude = ["canonical", "leaf_hash"]

    def get_readonly_fields(self, request, obj=None):
        return ["seq", "kind", "created_at", "agency", "case_ref", "target_id", "leaf_hash_hex"]

    @admin.display(description="叶哈希")
    def leaf_hash_hex(self, obj):
        return bytes(obj.leaf_hash).hex()


@admin.register(EvidenceRecord)
class EvidenceRecordAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "kind", "agency", "case_ref", "device", "captured_from", "uploaded_at", "served_to_party"]
    list_filter = ["kind", "served_to_party"]
    search_fields = ["title", "=case_ref"]
    date_hierarchy = "uploaded_at"


@admin.register(Blob)
class BlobAdmin(ScopedReadOnlyAdmin):
    list_display = ["sha256", "media_type", "size", "created_at"]
    search_fields = ["=sha256", "=sm3"]


@admin.register(Checkpoint)
class CheckpointAdmin(ScopedReadOnlyAdmin):
    list_display = ["tree_size", "origin", "key_name", "algorithm", "created_at"]
    exclude = ["root", "timestamp_token"]

    def get_readonly_fields(self, request, obj=None):
        return ["tree_size", "origin", "note", "key_name", "algorithm", "created_at"]

    def get_queryset(self, request):  # checkpoints say nothing about a case: staff admins may read them
        return Checkpoint.objects.all()


@admin.register(AccessEvent)
class AccessEventAdmin(ScopedReadOnlyAdmin):
    list_display = ["at", "user", "party_label", "action", "subject_seq", "purpose", "client_address"]
    list_filter = ["action"]
    search_fields = ["=subject_seq"]

    def get_queryset(self, request):
        return access_events_visible_to(request.user).select_related("user")


@admin.register(CustodyEvent)
class CustodyEventAdmin(ScopedReadOnlyAdmin):
    list_display = ["device", "action", "person", "at", "recorded_by"]

    def get_queryset(self, request):
        return CustodyEvent.objects.filter(device__in=Device.objects.restrict(request.user, VIEW))


@admin.register(CaseArchive)
class CaseArchiveAdmin(ScopedReadOnlyAdmin):
    list_display = ["case_ref", "agency", "bag_name", "archived_at"]

    def get_queryset(self, request):
        visible = EvidenceRecord.objects.restrict(request.user, VIEW).values("case_ref")
        return CaseArchive.objects.filter(case_ref__in=visible)


@admin.register(Device)
class DeviceAdmin(ScopedReadOnlyAdmin):
    list_display = ["serial", "kind", "model_name", "agency", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["serial"]


@admin.register(Room)
class RoomAdmin(ScopedReadOnlyAdmin):
    list_display = ["name", "kind", "agency", "has_recording", "device"]


@admin.register(PartyAccessCode)
class PartyAccessCodeAdmin(ScopedReadOnlyAdmin):
    list_display = ["case_ref", "party_name", "agency", "issued_at", "revoked_at"]
    exclude = ["code_hash"]

    def get_readonly_fields(self, request, obj=None):
        return ["case_ref", "agency", "party_name", "party_id", "issued_by", "issued_at", "revoked_at"]

    def get_queryset(self, request):
        return party_codes_visible_to(request.user)


@admin.register(UploadSession)
class UploadSessionAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "created_by", "agency", "offset", "length", "status", "updated_at"]
    list_filter = ["status"]


@admin.register(RemovalRequest)
class RemovalRequestAdmin(ScopedReadOnlyAdmin):
    list_display = ["evidence", "category", "status", "requested_by", "approved_by"]
    list_filter = ["status"]


class ConfigurationAdmin(admin.ModelAdmin):
    """Configuration rows: add and change (audited), never delete."""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(request.user, f"records.{obj._meta.model_name}_{'changed' if change else 'created'}", obj,
                         before=before, after=audit.snapshot(obj))


@admin.register(AVRule)
class AVRuleAdmin(ConfigurationAdmin):
    list_display = ["activity", "name", "requirement", "agency"]
    list_filter = ["requirement"]
    search_fields = ["activity", "name"]


@admin.register(RetentionCategory)
class RetentionCategoryAdmin(ConfigurationAdmin):
    list_display = ["code", "name", "months"]
