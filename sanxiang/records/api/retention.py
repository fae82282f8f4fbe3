"""API endpoints: retention and removal at its end (保存期限与到期删除).

- ``GET removals/?status=`` — the removal requests the user may see;
- ``POST removals/`` ``{"evidence": id, "reason": …}`` — ask for a record's content to be removed → 201;
- ``GET removals/due/`` — records whose retention period has ended, not linked to a case (candidates);
- ``GET removals/<id>/`` — one request;
- ``POST removals/<id>/approve/`` — a second person (leader or administrator of the agency) approves;
- ``POST removals/<id>/reject/`` ``{"reason": …}`` — close the request, nothing removed;
- ``POST removals/<id>/execute/`` — remove the content; the answer names the tombstone log entry.

Bad input and refused rules → 400 with the message; not allowed → 403; a request in the wrong state → 409.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.access import VIEW
from sanxiang.core.errors import Conflict

from .. import retention
from ..models import EvidenceRecord, RemovalRequest
from ..views.retention import due_for_removal, requests_visible_to


class RemovalRequestSerializer(serializers.ModelSerializer):
    # A plain string in the schema: an enum named "Status" would collide with other components' enums.
    status = serializers.CharField(read_only=True, help_text="pending 待批准；approved 已批准；executed 已删除；rejected 已驳回")
    evidence_title = serializers.CharField(source="evidence.title", read_only=True)
    agency = serializers.IntegerField(source="evidence.agency_id", read_only=True)
    sha256 = serializers.CharField(source="evidence.blob_id", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, default=None)
    tombstone_seq = serializers.IntegerField(source="tombstone_id", read_only=True)

    class Meta:
        model = RemovalRequest
        fields = ["id", "evidence", "evidence_title", "agency", "sha256", "category", "reason", "status",
                  "status_display", "requested_by", "requested_at", "approved_by", "approved_at", "tombstone_seq"]
        read_only_fields = fields


class DueSerializer(serializers.Serializer):
    evidence = serializers.IntegerField(help_text="证据记录编号")
    title = serializers.CharField()
    agency = serializers.IntegerField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    retention_ends = serializers.DateTimeField(help_text="保存期限届满时间")


class CreateSerializer(serializers.Serializer):
    evidence = serializers.IntegerField(help_text="证据记录编号")
    reason = serializers.CharField(max_length=retention.REASON_MAX, help_text="删除理由")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=retention.REASON_MAX, help_text="驳回理由")


def _value(request, name: str):
    data = request.data if hasattr(request.data, "get") else {}
    return data.get(name, "")


def _text(request, name: str) -> str:
    value = _value(request, name)
    return value if isinstance(value, str) else ""


def _refused(error: Exception) -> Response:
    if isinstance(error, PermissionDenied):
        return Response({"detail": str(error) or "无权进行该操作"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(error, Conflict):
        return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
    if hasattr(error, "error_dict"):
        return Response({field: [str(m) for m in messages] for field, messages in error.message_dict.items()},
                        status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": "；".join(str(m) for m in error.messages)}, status=status.HTTP_400_BAD_REQUEST)


REFUSALS = (PermissionDenied, ValidationError, Conflict)


class RemovalList(APIView):
    @extend_schema(
        responses=RemovalRequestSerializer(many=True), summary="到期删除申请列表",
        parameters=[OpenApiParameter("status", str, enum=RemovalRequest.Status.values, description="按状态筛选")],
    )
    def get(self, request):
        rows = requests_visible_to(request.user)
        wanted = request.query_params.get("status", "")
        if wanted:
            if wanted not in RemovalRequest.Status.values:
                return Response({"status": [f"未知的状态“{wanted}”"]}, status=status.HTTP_400_BAD_REQUEST)
            rows = rows.filter(status=wanted)
        return Response(RemovalRequestSerializer(rows.order_by("-requested_at", "-pk")[:500], many=True).data)

    @extend_schema(request=CreateSerializer, responses={201: RemovalRequestSerializer}, summary="申请删除一件记录的文件内容")
    def post(self, request):
        raw = _value(request, "evidence")
        try:
            pk = int(raw) if not isinstance(raw, bool) else None
        except (TypeError, ValueError):
            pk = None
        if pk is None:
            return Response({"evidence": ["请填写证据记录编号"]}, status=status.HTTP_400_BAD_REQUEST)
        evidence = EvidenceRecord.objects.restrict(request.user, VIEW).filter(pk=pk).first()
        if evidence is None:
            return Response({"evidence": [f"证据记录 {pk} 不存在或无权查看"]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            row = retention.request_removal(request.user, evidence, _text(request, "reason"))
        except REFUSALS as error:
            return _refused(error)
        return Response(RemovalRequestSerializer(requests_visible_to(request.user).get(pk=row.pk)).data,
                        status=status.HTTP_201_CREATED)


class RemovalDue(APIView):
    @extend_schema(responses=DueSerializer(many=True), summary="保存期限已届满、未与案件关联的记录（可申请删除）")
    def get(self, request):
        return Response(DueSerializer([
            {"evidence": r.pk, "title": r.title, "agency": r.agency_id, "sha256": r.blob_id, "size": r.blob.size,
             "retention_ends": ends}
            for r, ends in due_for_removal(request.user)
        ], many=True).data)


def _visible(request, pk: int) -> RemovalRequest:
    row = requests_visible_to(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def _answer(request, pk: int, code=status.HTTP_200_OK) -> Response:
    return Response(RemovalRequestSerializer(_visible(request, pk)).data, status=code)


class RemovalDetail(APIView):
    @extend_schema(responses=RemovalRequestSerializer, summary="一件到期删除申请")
    def get(self, request, pk: int):
        return _answer(request, pk)


class RemovalApprove(APIView):
    @extend_schema(request=None, responses=RemovalRequestSerializer, summary="批准到期删除申请（第二人）")
    def post(self, request, pk: int):
        try:
            retention.approve_removal(request.user, _visible(request, pk))
        except REFUSALS as error:
            return _refused(error)
        return _answer(request, pk)


class RemovalReject(APIView):
    @extend_schema(request=RejectSerializer, responses=RemovalRequestSerializer, summary="驳回到期删除申请")
    def post(self, request, pk: int):
        try:
            retention.reject_removal(request.user, _visible(request, pk), _text(request, "reason"))
        except REFUSALS as error:
            return _refused(error)
        return _answer(request, pk)


class RemovalExecute(APIView):
    @extend_schema(request=None, responses=RemovalRequestSerializer,
                   summary="执行删除：删除文件内容并追加删除记录（墓碑）日志条目")
    def post(self, request, pk: int):
        try:
            retention.execute_removal(request.user, _visible(request, pk))
        except REFUSALS as error:
            return _refused(error)
        return _answer(request, pk)


urlpatterns = [
    path("removals/", RemovalList.as_view(), name="api-removal-list"),
    path("removals/due/", RemovalDue.as_view(), name="api-removal-due"),
    path("removals/<int:pk>/", RemovalDetail.as_view(), name="api-removal-detail"),
    path("removals/<int:pk>/approve/", RemovalApprove.as_view(), name="api-removal-approve"),
    path("removals/<int:pk>/reject/", RemovalReject.as_view(), name="api-removal-reject"),
    path("removals/<int:pk>/execute/", RemovalExecute.as_view(), name="api-removal-execute"),
]
