"""API endpoints: uploads of evidence (证据上传).

- The tus protocol 1.0.0 (https://tus.io/protocols/resumable-upload), core plus the ``creation``,
  ``checksum`` (sha256) and ``termination`` extensions, for files of any size up to
  ``RECORDS["MAX_UPLOAD_BYTES"]``, resumable after a dropped connection or a server restart:

  ``OPTIONS uploads/`` · ``POST uploads/`` (``Upload-Length``, ``Upload-Metadata``) → 201 + ``Location`` ·
  ``HEAD uploads/<id>/`` → ``Upload-Offset`` · ``PATCH uploads/<id>/`` (``Content-Type:
  application/offset+octet-stream``, ``Upload-Offset``, optional ``Upload-Checksum: sha256 <base64>``)
  → 204 + ``Upload-Offset``; the PATCH that completes the upload also stores the evidence and answers
  ``X-Evidence-Id`` · ``DELETE uploads/<id>/`` gives the upload up.

  ``Upload-Metadata`` keys: ``title``, ``kind`` (photo/video/audio/scan/document), ``filename``,
  ``case_ref``, ``step_ref``, ``activity``, ``target_type``, ``target_id``, ``target_name``,
  ``officers`` (comma-separated person ids), ``device``, ``room``, ``captured_from``, ``captured_to``
  (ISO 8601), ``place``, ``vendor_integrity_id``, ``served_to_party``, ``corrects``.

- ``POST evidence/``: one multipart request (field ``file`` plus the same metadata fields) for small files.

Bodies are read from the request in 1 MiB pieces, never as ``request.body``; Django's
DATA_UPLOAD_MAX_MEMORY_SIZE does not apply to such streamed reads, and nothing holds a whole chunk.
Only the creator of an upload may see or continue it; others get 404.
"""

import base64
import binascii

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import UnreadablePostError
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.errors import Conflict

from .. import ingest, sniff
from ..models import EvidenceRecord, UploadSession

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum,termination"
PIECE = 1024 * 1024
METADATA_ALIASES = {"filename": "original_name", "name": "original_name"}


def _messages(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"detail": "；".join(str(m) for m in error.messages)}


def _respond(status: int, body: dict | None = None, **headers) -> Response:
    response = Response(body, status=status)
    if status == 460:
        response.reason_phrase = "Checksum Mismatch"
    response["Tus-Resumable"] = TUS_VERSION
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    return response


def _failure(error: Exception) -> Response:
    """The HTTP answer to a refusal of the ingest services."""
    if isinstance(error, ingest.UploadTooLarge):
        return _respond(413, {"detail": error.messages[0]})
    if isinstance(error, ingest.ChecksumMismatch):
        return _respond(460, {"detail": error.messages[0]})
    if isinstance(error, sniff.DisallowedType):
        return _respond(415, {"detail": error.messages[0]})
    if isinstance(error, ValidationError):
        return _respond(400, _messages(error))
    if isinstance(error, Conflict):
        return _respond(409, {"detail": str(error)})
    if isinstance(error, ingest.UploadNotFound):
        return _respond(404, {"detail": str(error)})
    if isinstance(error, ingest.UploadGone):
        return _respond(410, {"detail": str(error)})
    if isinstance(error, PermissionDenied):
        return _respond(403, {"detail": str(error) or "无权执行此操作"})
    raise error


REFUSALS = (ValidationError, Conflict, ingest.UploadNotFound, ingest.UploadGone, PermissionDenied)


def parse_metadata(header: str) -> dict:
    """``Upload-Metadata: key base64,key base64`` → ``{key: text}`` (keys mapped to service names)."""
    result: dict = {}
    for pair in (header or "").split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, value = pair.partition(" ")
        if not key.isascii() or not key or key in result:
            raise ValidationError(f"Upload-Metadata 的键“{key}”无效或重复")
        try:
            text = base64.b64decode(value.strip(), validate=True).decode("utf-8") if value.strip() else ""
        except (binascii.Error, ValueError, UnicodeDecodeError) as error:
            raise ValidationError(f"Upload-Metadata 中“{key}”的值不是有效的 Base64 编码 UTF-8 文本") from error
        result[METADATA_ALIASES.get(key, key)] = text
    return result


def _int_header(request, name: str) -> int | None:
    value = request.headers.get(name)
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise ValidationError(f"请求头 {name} 应为非负整数")
    if len(value) > 100:
        raise ValidationError(f"请求头 {name} 数值过大")
    return int(value)


def read_body(request, length: int):
    """The request body in pieces of at most 1 MiB; ends early (without error) if the client goes away."""
    remaining = length
    while remaining > 0:
        try:
            piece = request.read(min(PIECE, remaining))
        except (OSError, UnreadablePostError):
            return
        if not piece:
            return
        remaining -= len(piece)
        yield piece


class TusView(APIView):
    """Common checks of every tus request but OPTIONS: the protocol version."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
            self._version_refused = True

    def dispatch(self, request, *args, **kwargs):
        self._version_refused = False
        return super().dispatch(request, *args, **kwargs)

    def _version_response(self):
        return _respond(412, {"detail": f"仅支持 tus 协议 {TUS_VERSION}（请求头 Tus-Resumable）"}, Tus_Version=TUS_VERSION)

    def options(self, request, *args, **kwargs):
        return _respond(
            204, None, Tus_Version=TUS_VERSION, Tus_Extension=TUS_EXTENSIONS, Tus_Max_Size=ingest.max_upload_bytes(),
            Tus_Checksum_Algorithm=",".join(ingest.CHUNK_CHECKSUM_ALGORITHMS),
        )


class UploadCreateView(TusView):
    """tus creation: start a resumable upload."""

    @extend_schema(
        summary="创建断点续传上传（tus creation）",
        parameters=[
            OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Upload-Length", int, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Upload-Metadata", str, OpenApiParameter.HEADER),
        ],
        request=None, responses={201: None},
    )
    def post(self, request):
        if self._version_refused:
            return self._version_response()
        try:
            if request.headers.get("Upload-Defer-Length"):
                raise ValidationError("不支持延迟声明长度（Upload-Defer-Length），请在 Upload-Length 中给出文件大小")
            length = _int_header(request, "Upload-Length")
            if length is None:
                raise ValidationError("缺少请求头 Upload-Length")
            if length > ingest.max_upload_bytes():
                raise ingest.UploadTooLarge(ingest.limit_message(ingest.max_upload_bytes()))
            metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
            session = ingest.open_upload(request.user, None, length, metadata)
        except REFUSALS as error:
            return _failure(error)
        location = request.build_absolute_uri(reverse("records-api-upload", args=[session.pk]))
        return _respond(201, None, Location=location, Upload_Offset=0)


class UploadView(TusView):
    """tus core and termination on one upload."""

    @extend_schema(summary="查询上传偏移量（tus HEAD）", request=None, responses={200: None})
    def head(self, request, upload_id):
        if self._version_refused:
            return self._version_response()
        try:
            session = ingest.get_session(request.user, upload_id, open_only=False)
        except ingest.UploadNotFound as error:
            return _failure(error)
        if session.status == UploadSession.Status.ABORTED:
            return _respond(410, None, Cache_Control="no-store")
        headers = {"Upload_Offset": session.offset, "Upload_Length": session.length, "Cache_Control": "no-store"}
        if session.evidence_id:
            headers["X_Evidence_Id"] = session.evidence_id
        return _respond(200, None, **headers)

    @extend_schema(
        summary="上传数据块（tus PATCH）",
        parameters=[
            OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Upload-Offset", int, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Upload-Checksum", str, OpenApiParameter.HEADER),
        ],
        request={"application/offset+octet-stream": bytes}, responses={204: None},
    )
    def patch(self, request, upload_id):
        if self._version_refused:
            return self._version_response()
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type != "application/offset+octet-stream":
            return _respond(415, {"detail": "Content-Type 应为 application/offset+octet-stream"})
        try:
            offset = _int_header(request, "Upload-Offset")
            if offset is None:
                raise ValidationError("缺少请求头 Upload-Offset")
            session = ingest.get_session(request.user, upload_id)
            length = _int_header(request, "Content-Length")
            if length is None:
                if request.headers.get("Transfer-Encoding"):
                    return _respond(411, {"detail": "请提供请求头 Content-Length（不支持分块传输编码）"})
                length = 0
            if offset == session.offset and offset + length > session.length:
                raise ingest.UploadTooLarge(f"数据超过上传时声明的长度（{session.length} 字节）")
            new_offset = ingest.write_chunk(
                request.user, upload_id, offset, read_body(request._request, length),
                checksum=request.headers.get("Upload-Checksum"),
            )
            headers = {"Upload_Offset": new_offset}
            if new_offset == session.length:
                record = ingest.finish_upload(request.user, upload_id)
                headers["X_Evidence_Id"] = record.pk
        except REFUSALS as error:
            return _failure(error)
        return _respond(204, None, **headers)

    @extend_schema(summary="终止上传（tus termination）", request=None, responses={204: None})
    def delete(self, request, upload_id):
        if self._version_refused:
            return self._version_response()
        try:
            ingest.abort_upload(request.user, upload_id)
        except REFUSALS as error:
            return _failure(error)
        return _respond(204, None)


class EvidenceUploadSerializer(serializers.Serializer):
    """Multipart upload of a small file (the file plus its metadata)."""

    file = serializers.FileField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=EvidenceRecord.Kind.choices, required=False)
    case_ref = serializers.CharField(required=False)
    step_ref = serializers.CharField(required=False)
    activity = serializers.CharField(required=False)
    target_type = serializers.CharField(required=False)
    target_id = serializers.CharField(required=False)
    target_name = serializers.CharField(required=False)
    officers = serializers.ListField(child=serializers.IntegerField(), required=False)
    device = serializers.IntegerField(required=False)
    room = serializers.IntegerField(required=False)
    captured_from = serializers.DateTimeField(required=False)
    captured_to = serializers.DateTimeField(required=False)
    place = serializers.CharField(required=False)
    vendor_integrity_id = serializers.CharField(required=False)
    served_to_party = serializers.BooleanField(required=False)
    corrects = serializers.IntegerField(required=False)


def evidence_summary(record: EvidenceRecord) -> dict:
    return {
        "id": record.pk, "title": record.title, "kind": record.kind, "sha256": record.blob.sha256,
        "sm3": record.blob.sm3, "size": record.blob.size, "media_type": record.blob.media_type,
        "seq": record.log_entry_id,
    }


META_FIELDS = [name for name in EvidenceUploadSerializer._declared_fields if name != "file"]


class EvidenceCreateView(APIView):
    """``POST evidence/``: a small file in one multipart request (the service validates every field)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="上传证据文件（小文件，multipart）", request=EvidenceUploadSerializer, responses={201: None})
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["请选择要上传的文件"]}, status=400)
        if upload.size > ingest.max_upload_bytes():
            return Response({"detail": ingest.limit_message(ingest.max_upload_bytes())}, status=413)
        metadata: dict = {}
        for name in META_FIELDS:
            if name == "officers":
                metadata[name] = [v for item in request.data.getlist(name) for v in str(item).split(",") if v.strip()]
            elif name in request.data:
                metadata[name] = request.data.get(name)
        metadata["original_name"] = upload.name
        try:
            record = ingest.ingest_stream(request.user, upload.chunks(PIECE), metadata)
        except REFUSALS as error:
            response = _failure(error)
            del response["Tus-Resumable"]
            return response
        return Response(evidence_summary(record), status=201, headers={"X-Evidence-Id": str(record.pk)})


urlpatterns = [
    path("uploads/", UploadCreateView.as_view(), name="records-api-uploads"),
    path("uploads/<str:upload_id>/", UploadView.as_view(), name="records-api-upload"),
    path("evidence/", EvidenceCreateView.as_view(), name="records-api-evidence-create"),
]
