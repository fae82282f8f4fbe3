"""API endpoints of the record log: signed checkpoints and proofs (RFC 9162, C2SP checkpoints).

- ``GET checkpoints/latest/`` — the latest signed checkpoint: the signed note text and its fields;
- ``POST checkpoints/`` — sign the current log head now (agency administrators and superusers);
  201 with the new checkpoint, 200 with the existing one when the log has not grown;
- ``GET proofs/inclusion/?seq=&size=`` — inclusion proof of entry ``seq`` (``size`` defaults to
  the log's current size);
- ``GET proofs/consistency/?from=&to=`` — consistency proof between two tree sizes.

Hashes are standard base64 in JSON. Bad parameters answer 400 with a Chinese message.

Who may read: proofs and checkpoints hold only hashes, sizes and signatures — no content of any
record, not even its kind — so every signed-in user may fetch them (a party's lawyer or another
platform checking an archived case file needs them too). Reading an entry's content stays scoped
by ``records.access``.
"""

import base64

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.org.access import actor_of
from sanxiang.org.models import Role

from .. import checkpoints, proofs


def _b64(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _bad(error: ValidationError) -> Response:
    return Response({"detail": "；".join(str(m) for m in error.messages)}, status=status.HTTP_400_BAD_REQUEST)


class CheckpointSerializer(serializers.Serializer):
    origin = serializers.CharField()
    tree_size = serializers.IntegerField()
    root = serializers.CharField(help_text="base64")
    key_name = serializers.CharField()
    algorithm = serializers.CharField()
    created_at = serializers.DateTimeField()
    note = serializers.CharField(help_text="C2SP signed note: checkpoint body, blank line, signature lines")
    verifier_key = serializers.CharField(help_text="signed-note verifier key: name+hash+base64 key")


class InclusionProofSerializer(serializers.Serializer):
    leaf_index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    leaf_hash = serializers.CharField(help_text="base64")
    root = serializers.CharField(help_text="base64")
    hashes = serializers.ListField(child=serializers.CharField(), help_text="base64, RFC 9162 order")


class ConsistencyProofSerializer(serializers.Serializer):
    size1 = serializers.IntegerField()
    size2 = serializers.IntegerField()
    root1 = serializers.CharField(help_text="base64")
    root2 = serializers.CharField(help_text="base64")
    hashes = serializers.ListField(child=serializers.CharField(), help_text="base64, RFC 9162 order")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _checkpoint_data(row) -> dict:
    return {
        "origin": row.origin, "tree_size": row.tree_size, "root": _b64(row.root), "key_name": row.key_name,
        "algorithm": row.algorithm, "created_at": row.created_at, "note": row.note,
        "verifier_key": checkpoints.verifier_key_text(),
    }


def _damaged(exc: proofs.MissingNode) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


def _config_error(exc: ImproperlyConfigured) -> Response:
    return Response({"detail": f"检查点签名密钥未配置好：{exc}"}, status=status.HTTP_503_SERVICE_UNAVAILABLE)


class LatestCheckpointView(APIView):
    @extend_schema(responses={200: CheckpointSerializer, 404: ErrorSerializer}, summary="最新的签名检查点")
    def get(self, request):
        row = checkpoints.latest()
        if row is None:
            return Response({"detail": "还没有签名检查点"}, status=status.HTTP_404_NOT_FOUND)
        try:
            return Response(CheckpointSerializer(_checkpoint_data(row)).data)
        except ImproperlyConfigured as exc:
            return _config_error(exc)


class CheckpointCreateView(APIView):
    @extend_schema(request=None, responses={200: CheckpointSerializer, 201: CheckpointSerializer,
                                            400: ErrorSerializer, 403: ErrorSerializer},
                   summary="立即生成签名检查点（系统管理员）")
    def post(self, request):
        actor = actor_of(request.user)
        if not (actor.is_superuser or actor.has(Role.ADMINISTRATOR)):
            raise PermissionDenied("只有系统管理员可以生成签名检查点")
        before = checkpoints.latest()
        try:
            row = checkpoints.make_checkpoint(request.user)
        except ValidationError as exc:
            return _bad(exc)
        except proofs.MissingNode as exc:
            return _damaged(exc)
        except ImproperlyConfigured as exc:
            return _config_error(exc)
        created = before is None or before.pk != row.pk
        return Response(CheckpointSerializer(_checkpoint_data(row)).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _param(request, name: str, label: str, *, required: bool):
    value = request.query_params.get(name)
    if value is None or value == "":
        if required:
            raise ValidationError(f"缺少参数 {name}（{label}）")
        return None
    if not value.isascii() or not value.isdigit():
        raise ValidationError(f"参数 {name}（{label}）“{value[:40]}”不是非负整数")
    if len(value) > 100:
        raise ValidationError(f"参数 {name}（{label}）数值过大")
    return int(value)


class InclusionProofView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("seq", OpenApiTypes.INT, required=True, description="条目序号"),
            OpenApiParameter("size", OpenApiTypes.INT, required=False, description="树大小，默认为日志当前大小"),
        ],
        responses={200: InclusionProofSerializer, 400: ErrorSerializer},
        summary="包含证明",
    )
    def get(self, request):
        try:
            seq = _param(request, "seq", "条目序号", required=True)
            size = _param(request, "size", "树大小", required=False)
            proof = proofs.inclusion_proof(seq, size)
        except ValidationError as exc:
            return _bad(exc)
        except proofs.MissingNode as exc:
            return _damaged(exc)
        return Response({
            "leaf_index": proof["leaf_index"], "tree_size": proof["tree_size"], "leaf_hash": _b64(proof["leaf_hash"]),
            "root": _b64(proof["root"]), "hashes": [_b64(h) for h in proof["hashes"]],
        })


class ConsistencyProofView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True, description="较早的树大小（大于 0）"),
            OpenApiParameter("to", OpenApiTypes.INT, required=True, description="较晚的树大小"),
        ],
        responses={200: ConsistencyProofSerializer, 400: ErrorSerializer},
        summary="一致性证明",
    )
    def get(self, request):
        try:
            size1 = _param(request, "from", "较早的树大小", required=True)
            size2 = _param(request, "to", "较晚的树大小", required=True)
            proof = proofs.consistency_proof(size1, size2)
        except ValidationError as exc:
            return _bad(exc)
        except proofs.MissingNode as exc:
            return _damaged(exc)
        return Response({
            "size1": proof["size1"], "size2": proof["size2"], "root1": _b64(proof["root1"]),
            "root2": _b64(proof["root2"]), "hashes": [_b64(h) for h in proof["hashes"]],
        })


urlpatterns = [
    path("checkpoints/", CheckpointCreateView.as_view(), name="records-api-checkpoints"),
    path("checkpoints/latest/", LatestCheckpointView.as_view(), name="records-api-checkpoint-latest"),
    path("proofs/inclusion/", InclusionProofView.as_view(), name="records-api-proof-inclusion"),
    path("proofs/consistency/", ConsistencyProofView.as_view(), name="records-api-proof-consistency"),
]
