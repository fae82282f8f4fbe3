"""The case list of the API (案件列表): filters and keyset pagination.

Pages are cut by the key ``(registered_at, id)`` of the last row shown (a keyset cursor), newest first: a
page is one indexed range query with ``LIMIT``, never an ``OFFSET`` or a ``COUNT(*)`` of the table, so
the thousandth page of a million cases costs what the first does.
"""

from __future__ import annotations

import base64
import binascii
import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from sanxiang.catalog.vocab import ActKind
from sanxiang.core.access import VIEW
from sanxiang.org.access import actor_of

from ..models import Case, CaseOfficer, CaseStatus, Party
from ..rules import params_for

MAX_QUERY = 100
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")
DEADLINE_FILTERS = ("overdue", "due_soon")
LIST_COLUMNS = ("id", "number", "title", "kind", "flow_key", "current_step", "status", "deadline_on", "deadline_label",
                "agency", "department", "department__name", "registered_at", "version")

FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="按案件编号、案由、当事人名称查找"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=list(ActKind.values), description="执法行为类别"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=list(CaseStatus.values), description="状态"),
    OpenApiParameter("department", OpenApiTypes.INT, description="承办机构编号"),
    OpenApiParameter("mine", OpenApiTypes.BOOL, description="只看本人承办的案件"),
    OpenApiParameter("deadline", OpenApiTypes.STR, enum=list(DEADLINE_FILTERS),
                     description="overdue 已超期；due_soon 即将到期（按今天和本单位的临期提醒天数）"),
    OpenApiParameter("registered_from", OpenApiTypes.DATE, description="登记日期自（含）"),
    OpenApiParameter("registered_to", OpenApiTypes.DATE, description="登记日期至（含）"),
]


def _day(params, name: str, label: str, errors: dict) -> datetime.date | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        errors[name] = [f"{label}格式应为 YYYY-MM-DD"]
    return day


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def cases_for_list(user, params) -> QuerySet:
    """The cases ``user`` may see, filtered by the query ``params``; ValidationError names each bad parameter."""
    errors: dict[str, list[str]] = {}
    actor = actor_of(user)
    queryset = Case.objects.restrict(user, VIEW)
    q = params.get("q", "").strip()
    if len(q) > MAX_QUERY:
        errors["q"] = [f"查找内容不能超过{MAX_QUERY}字"]
    elif q:
        named = Party.objects.filter(case=OuterRef("pk"), name__icontains=q)
        queryset = queryset.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(Exists(named)))
    kind = params.get("kind", "")
    if kind:
        if kind not in ActKind.values:
            errors["kind"] = ["不是可选的执法行为类别"]
        queryset = queryset.filter(kind=kind)
    state = params.get("status", "")
    if state:
        if state not in CaseStatus.values:
            errors["status"] = ["不是可选的状态"]
        queryset = queryset.filter(status=state)
    department = params.get("department", "").strip()
    if department:
        if not department.isascii() or not department.isdigit() or len(department) > 18:
            errors["department"] = ["承办机构编号应为正整数"]
        else:
            queryset = queryset.filter(department_id=int(department))
    mine = params.get("mine", "").strip().lower()
    if mine not in TRUE + FALSE:
        errors["mine"] = ["应为 true 或 false"]
    elif mine in TRUE:
        links = CaseOfficer.objects.filter(person_id=actor.person_id or 0, until__isnull=True).values("case_id")
        queryset = queryset.filter(pk__in=links)
    deadline = params.get("deadline", "")
    if deadline:
        today = timezone.localdate()
        if deadline == "overdue":
            queryset = queryset.filter(deadline_on__lt=today)
        elif deadline == "due_soon":
            days = params_for(actor.agency_id).due_soon_days
            queryset = queryset.filter(deadline_on__gte=today, deadline_on__lte=today + datetime.timedelta(days=days))
        else:
            errors["deadline"] = ["应为 overdue（已超期）或 due_soon（即将到期）"]
    start = _day(params, "registered_from", "登记日期自", errors)
    end = _day(params, "registered_to", "登记日期至", errors)
    if start:
        queryset = queryset.filter(registered_at__gte=_start_of(start))
    if end:
        queryset = queryset.filter(registered_at__lt=_start_of(end + datetime.timedelta(days=1)))
    if start and end and start > end:
        errors["registered_to"] = ["登记日期至不能早于登记日期自"]
    if errors:
        raise ValidationError(errors)
    first_party = Party.objects.filter(case=OuterRef("pk")).order_by("position", "pk").values("name")[:1]
    return (queryset.select_related("department").only(*LIST_COLUMNS)
            .annotate(party_name=Subquery(first_party)))


# --- Keyset pagination ------------------------------------------------------------------------


def encode_cursor(case: Case) -> str:
    text = f"{case.registered_at.isoformat()}|{case.pk}"
    return base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    bad = ValidationError({"cursor": "分页游标无效，请从第一页重新读取"})
    if len(cursor) > 200:
        raise bad
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        moment_text, _, pk_text = text.partition("|")
        moment = datetime.datetime.fromisoformat(moment_text)
        pk = int(pk_text)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if timezone.is_naive(moment) or not 0 < pk < 2**63:
        raise bad
    return moment, pk


class CaseKeysetPagination(BasePagination):
    """Newest first by ``(registered_at, id)``; ``next`` holds the cursor of the following page (or null)."""

    page_size = 50
    max_page_size = 200

    def _size(self, request) -> int:
        text = request.query_params.get("page_size", "").strip()
        if not text:
            return self.page_size
        if not text.isascii() or not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= self.max_page_size:
            raise ValidationError({"page_size": f"每页条数应为 1 至 {self.max_page_size} 的整数"})
        return int(text)

    def paginate_queryset(self, queryset, request, view=None):
        size = self._size(request)
        cursor = request.query_params.get("cursor", "")
        if cursor:
            moment, pk = decode_cursor(cursor)
            queryset = queryset.filter(Q(registered_at__lt=moment) | Q(registered_at=moment, pk__lt=pk))
        rows = list(queryset.order_by("-registered_at", "-pk")[:size + 1])
        self.request = request
        self.next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def get_paginated_response(self, data):
        url = None
        if self.next_cursor:
            url = replace_query_param(self.request.build_absolute_uri(), "cursor", self.next_cursor)
        return Response({"next": url, "cursor": self.next_cursor, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "cursor", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri", "description": "下一页的地址；没有下一页时为 null"},
                "cursor": {"type": "string", "nullable": True, "description": "下一页的游标"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "cursor", "required": False, "in": "query", "description": "分页游标（取自上一页的 cursor）",
             "schema": {"type": "string"}},
            {"name": "page_size", "required": False, "in": "query",
             "description": f"每页条数，1 至 {self.max_page_size}，默认 {self.page_size}",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]
