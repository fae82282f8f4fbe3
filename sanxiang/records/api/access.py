"""API endpoints: opening a record (调阅), its access history, and the records of one enforcement target (REC-07, REC-09).

- ``GET evidence/<id>/content/?purpose=…&action=view|download``: the stored file; the access is
  logged with its purpose first (a missing or bad purpose: 400, nothing logged; no right: 403, audited).
- ``GET evidence/<id>/accesses/``: who accessed the record, when and why (agency leaders, supervisors).
- ``GET targets/<type>/<identifier>/records/``: all records of one target across cases, in time order.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access_log, selectors
from ..access import access_events_visible_to, can_see_access_history
from ..models import AccessEvent, EvidenceRecord


def _messages(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"detail": "；".join(str(m) for m in error.messages)}


def _record(pk) -> EvidenceRecord:
    record = EvidenceRecord.objects.select_related("blob", "agency__region").filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


class EvidenceContentView(APIView):
    """Download or view a record's file; the access is logged with its purpose (调阅)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("purpose", str, required=True, description="调阅事由（必填，300字以内，纯文字）"),
            OpenApiParameter("action", str, enum=["view", "download"], description="查看或下载，默认下载"),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk: int):
        record = _record(pk)
        action = request.query_params.get("action", AccessEvent.Action.DOWNLOAD)
        try:
            event = access_log.open_record(request.user, record, action=action,
                                           purpose=request.query_params.get("purpose", ""))
        except ValidationError as error:
            return Response(_messages(error), status=400)
        response = FileResponse(
            access_log.open_content(record), as_attachment=action == AccessEvent.Action.DOWNLOAD,
            filename=record.original_name or record.title, content_type=record.blob.media_type,
        )
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        response["X-Access-Seq"] = str(event.log_entry_id)
        return response


class AccessEventSerializer(serializers.ModelSerializer):
    who = serializers.SerializerMethodField()
    seq = serializers.IntegerField(source="log_entry_id")

    class Meta:
        model = AccessEvent
        fields = ["seq", "subject_seq", "evidence", "who", "action", "purpose", "at", "client_address"]

    def get_who(self, event) -> str:
        if event.user_id is None:
            return event.party_label
        person = getattr(event.user, "person", None)
        return person.name if person is not None else event.user.get_username()


class EvidenceAccessesView(ListAPIView):
    """The access history of one record (调阅记录): for the agency's leaders and the supervisors."""

    serializer_class = AccessEventSerializer

    def get_queryset(self):
        record = _record(self.kwargs["pk"])
        if not can_see_access_history(self.request.user, record):
            raise PermissionDenied("只有单位负责人和执法监督人员可以查看调阅记录")
        return access_events_visible_to(self.request.user).filter(subject_seq=record.log_entry_id).select_related(
            "user__person").order_by("-at", "-id")


class TargetItemSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    seq = serializers.IntegerField()
    kind = serializers.CharField(source="entry.kind")
    kind_label = serializers.CharField()
    title = serializers.CharField()
    case_ref = serializers.CharField()
    agency = serializers.IntegerField(source="entry.agency_id", allow_null=True)
    evidence = serializers.IntegerField(source="evidence.pk", allow_null=True, default=None)


class TargetRecordsView(APIView):
    """All text and AV records of one enforcement target across cases, in time order (REC-07)."""

    @extend_schema(responses=TargetItemSerializer(many=True))
    def get(self, request, party_type: str, identifier: str):
        query = selectors.parse_target(party_type, identifier[:40])
        if not query.ok:
            return Response({"identifier": list(query.errors)}, status=400)
        items = selectors.records_of_target(request.user, query.value)
        return Response({"target": query.display, "warnings": list(query.warnings),
                         "results": TargetItemSerializer(items, many=True).data})


urlpatterns = [
    path("evidence/<int:pk>/content/", EvidenceContentView.as_view(), name="records-api-evidence-content"),
    path("evidence/<int:pk>/accesses/", EvidenceAccessesView.as_view(), name="records-api-evidence-accesses"),
    path("targets/<str:party_type>/<str:identifier>/records/", TargetRecordsView.as_view(),
         name="records-api-target-records"),
]
