"""API endpoints: case-file archives (案卷归档, REC-08).

- ``GET archives/`` — the archives the user may see (own agency; supervised regions).
- ``POST archives/`` ``{"case_ref": …}`` — archive a case (leaders, administrators, supervisors) → 201.
- ``GET archives/<id>/`` — one archive.
- ``POST archives/<id>/download/`` ``{"purpose": …}`` — the bag as a zip; every record of the case is
  logged as accessed with that purpose (REC-09).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.errors import Conflict

from .. import archive
from ..models import CaseArchive


class ArchiveSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    archived_by = serializers.CharField(source="archived_by.username", read_only=True)
    log_seq = serializers.IntegerField(source="log_entry_id", read_only=True)
    tree_size = serializers.IntegerField(source="checkpoint.tree_size", read_only=True)

    class Meta:
        model = CaseArchive
        fields = ["id", "case_ref", "agency", "agency_name", "bag_name", "bag_sha256", "archived_by", "archived_at",
                  "log_seq", "tree_size"]
        read_only_fields = fields


class ArchiveRequestSerializer(serializers.Serializer):
    case_ref = serializers.CharField(max_length=64, help_text="案件编号")


class DownloadRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=280, help_text="调阅事由")


def _messages(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"detail": "；".join(str(m) for m in error.messages)}


def _text(request, name: str):
    data = request.data if hasattr(request.data, "get") else {}
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


class ArchiveList(APIView):
    @extend_schema(responses=ArchiveSerializer(many=True), summary="归档案卷列表")
    def get(self, request):
        rows = archive.archives_for(request.user).order_by("-archived_at")[:500]
        return Response(ArchiveSerializer(rows, many=True).data)

    @extend_schema(request=ArchiveRequestSerializer, responses={201: ArchiveSerializer}, summary="归档一个案件")
    def post(self, request):
        try:
            row = archive.build_archive(request.user, _text(request, "case_ref"))
        except PermissionDenied as error:
            return Response({"detail": str(error) or "无权归档"}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as error:
            return Response(_messages(error), status=status.HTTP_400_BAD_REQUEST)
        except Conflict as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(ArchiveSerializer(row).data, status=status.HTTP_201_CREATED)


def _visible(request, pk: int) -> CaseArchive:
    row = archive.archives_for(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


class ArchiveDetail(APIView):
    @extend_schema(responses=ArchiveSerializer, summary="一个归档案卷")
    def get(self, request, pk: int):
        return Response(ArchiveSerializer(_visible(request, pk)).data)


class ArchiveDownload(APIView):
    @extend_schema(request=DownloadRequestSerializer, summary="下载归档包（zip），并登记调阅",
                   responses={(200, "application/zip"): OpenApiResponse(description="BagIt 归档包的 zip")})
    def post(self, request, pk: int):
        row = _visible(request, pk)
        try:
            archive.log_download(request.user, row, _text(request, "purpose"))
        except PermissionDenied as error:
            return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as error:
            return Response(_messages(error), status=status.HTTP_400_BAD_REQUEST)
        response = FileResponse(archive.zip_to_tempfile(row), as_attachment=True, filename=f"{row.bag_name}.zip",
                                content_type="application/zip")
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("archives/", ArchiveList.as_view(), name="api-archive-list"),
    path("archives/<int:pk>/", ArchiveDetail.as_view(), name="api-archive-detail"),
    path("archives/<int:pk>/download/", ArchiveDownload.as_view(), name="api-archive-download"),
]
