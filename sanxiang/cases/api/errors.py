"""How the case API (办案接口) answers refusals, and how it reads request bodies.

Every refusal is JSON with a Chinese message, never a 500:

- bad input (Django ``ValidationError``, malformed JSON, wrong types) → **400** ``{"errors": {field: [messages]}}``
  (messages not tied to one field are under ``non_field_errors``);
- a legal gate (``RuleViolation``) → **422 Unprocessable Content** ``{"rule": "LAW-01", "detail": "LAW-01: …"}``:
  the request is well formed, but the law does not allow the act now — 409 is kept for concurrency;
- someone changed the case first (``Conflict``) → **409** ``{"detail": …}``;
- the user may see the case but not do this (``PermissionDenied``) → **403** ``{"detail": …}``;
- the case does not exist or is not visible to the user → **404** ``{"detail": …}`` (never a 403 that would
  reveal that another agency's case exists);
- a body over :data:`MAX_BODY_BYTES` → **413**; no holiday schedule for a year a clock needs → **503**.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.core.workdays import CalendarYearMissing

MAX_BODY_BYTES = 1024 * 1024
MAX_ID = 2**63 - 1
NON_FIELD = "non_field_errors"
NOT_FOUND = "案件不存在，或您无权查看"


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"请求内容过大（不能超过{MAX_BODY_BYTES // 1024} KB）"


class CaseJSONParser(JSONParser):
    """JSON bodies only; a body that is too large, not JSON, or nested too deeply is refused with a Chinese message."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and str(length).isdigit() and int(length) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:
            return super().parse(stream, media_type, parser_context)
        except exceptions.ParseError:
            raise exceptions.ParseError("请求内容不是有效的 JSON") from None
        except RecursionError:
            raise exceptions.ParseError("请求内容嵌套层数过多") from None


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {NON_FIELD: [str(m) for m in error.messages]}


def bad_request(errors: dict[str, list[str]]) -> Response:
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def refusal(error: Exception) -> Response | None:
    """The answer to a refused request, or None when ``error`` is not a refusal this module knows."""
    if isinstance(error, RequestDataTooBig | BodyTooLarge):
        return Response({"detail": BodyTooLarge.default_detail}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(error, RuleViolation):
        return Response({"rule": error.rule, "detail": "；".join(str(m) for m in error.messages)},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(error, CalendarYearMissing):
        return Response({"detail": "；".join(str(m) for m in error.messages)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(error, ValidationError):
        return bad_request(messages_of(error))
    if isinstance(error, Conflict):
        return Response({"detail": str(error) or "案件已被他人办理，请刷新后重试"}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, PermissionDenied | exceptions.PermissionDenied):
        detail = getattr(error, "detail", None) or str(error)
        return Response({"detail": str(detail) or "无权执行此操作"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(error, Http404 | exceptions.NotFound):
        return Response({"detail": NOT_FOUND}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(error, exceptions.ParseError):
        return bad_request({NON_FIELD: [str(error.detail)]})
    if isinstance(error, exceptions.UnsupportedMediaType):
        return Response({"detail": "请以 JSON 格式提交（Content-Type: application/json）"},
                        status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
    return None


class RefusalsMixin:
    # For APIViews: JSON bodies only, and refusals answered as this module says. (A comment, not a docstring:
    # drf-spectacular would show a docstring as the description of every operation.)

    parser_classes = [CaseJSONParser]

    def handle_exception(self, exc):
        response = refusal(exc)
        if response is not None:
            return response
        return super().handle_exception(exc)


# --- Reading bodies ---------------------------------------------------------------------------


def body_of(request) -> dict:
    """The request's JSON object; anything else (a list, a number, null) is refused."""
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({NON_FIELD: "请求内容应为 JSON 对象"})
    return data


def version_of(body: dict) -> int:
    value = body.get("version")
    if value is None:
        raise ValidationError({"version": "请提交案件版本号（version），以免覆盖他人的办理"})
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise ValidationError({"version": "案件版本号（version）应为非负整数"})
    return value


def data_of(body: dict, name: str = "data") -> dict:
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError({name: "应为 JSON 对象（字段名: 值）"})
    return value


def id_of(body: dict, name: str, label: str) -> int:
    value = body.get(name)
    if value is None:
        raise ValidationError({name: f"请提交{label}"})
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValidationError({name: f"{label}应为正整数"})
    return value


class ErrorsSerializer(serializers.Serializer):
    """400: a list of messages per field (``non_field_errors`` for the request as a whole)."""

    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class RuleViolationSerializer(serializers.Serializer):
    """422: the legal rule that forbids the act now, and why."""

    rule = serializers.CharField(help_text="规则编号，如 LAW-01、REV-01、PROC（流程不允许的环节）")
    detail = serializers.CharField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
