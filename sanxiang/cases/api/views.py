"""Views of the case API (办案接口, for field and mobile use): thin wrappers over ``cases.services``.

Every query is scoped with ``Case.objects.restrict(user, "view")``: a case the user may not see answers
404, whatever agency it belongs to. Writes go through the services (the same rules as the staff pages);
refusals are answered as :mod:`sanxiang.cases.api.errors` says.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.catalog import flows
from sanxiang.core.access import CHANGE, VIEW

from .. import services, steps
from ..models import Case, StepRecord
from . import serializers as s
from .errors import (
    MAX_ID,
    DetailSerializer,
    ErrorsSerializer,
    RefusalsMixin,
    RuleViolationSerializer,
    body_of,
    data_of,
    id_of,
    version_of,
)
from .queries import FILTER_PARAMETERS, CaseKeysetPagination, cases_for_list

TAG = ["cases"]
READ_ERRORS = {404: OpenApiResponse(DetailSerializer, description="案件不存在或无权查看")}
WRITE_ERRORS = {
    400: OpenApiResponse(ErrorsSerializer, description="提交的内容有误（逐项说明）"),
    403: OpenApiResponse(DetailSerializer, description="可以查看但无权办理"),
    404: OpenApiResponse(DetailSerializer, description="案件不存在或无权查看"),
    409: OpenApiResponse(DetailSerializer, description="案件已被他人办理（version 不是最新），未保存"),
    422: OpenApiResponse(RuleViolationSerializer, description="法定条件不满足（rule 为规则编号），未保存"),
}


def visible_case(user, pk: int, *, related: bool = False) -> Case:
    """The case if ``user`` may see it; else 404 (another agency's case is never confirmed to exist)."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    queryset = Case.objects.restrict(user, VIEW)
    if related:
        queryset = queryset.select_related("department", "agency__region", "parent")
    case = queryset.filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def may_act(user, case: Case) -> bool:
    return Case.objects.restrict(user, CHANGE).filter(pk=case.pk).exists()


def detail_data(request, case: Case) -> dict:
    parent = case.parent if case.parent_id else None
    if parent is not None and not Case.objects.restrict(request.user, VIEW).filter(pk=parent.pk).exists():
        parent = None
    children = list(Case.objects.restrict(request.user, VIEW).filter(parent=case).only("id", "number").order_by("pk"))
    context = {
        "request": request, "user": request.user, "full_ids": s.sees_full_ids(request.user, case),
        "may_act": may_act(request.user, case), "parent": parent, "children": children,
        "history": list(StepRecord.objects.filter(case=case).order_by("index")),
    }
    return s.CaseDetailSerializer(case, context=context).data


def step_result(request, case_id: int, record: StepRecord) -> Response:
    case = visible_case(request.user, case_id, related=True)
    context = {"flow": case.flow_key, "full_ids": s.sees_full_ids(request.user, case)}
    body = {"record": s.TimelineItemSerializer(record, context=context).data,
            "case": s.CaseListItemSerializer(case, context={"request": request}).data}
    return Response(body, status=status.HTTP_201_CREATED)


class CaseListView(RefusalsMixin, ListAPIView):
    """案件列表 and 登记案件."""

    serializer_class = s.CaseListItemSerializer
    pagination_class = CaseKeysetPagination

    def get_queryset(self):
        return cases_for_list(self.request.user, self.request.query_params)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "badges": s.Badges()}

    @extend_schema(summary="案件列表（按登记时间倒序，游标分页）", tags=TAG, parameters=FILTER_PARAMETERS,
                   description="本人可以查看的案件。翻页：用上一页返回的 cursor（或直接请求 next）。不返回总数。",
                   responses={200: s.CaseListItemSerializer(many=True), 400: ErrorsSerializer})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="登记案件", tags=TAG, request=s.RegisterRequestSerializer,
                   description="在流程的起始环节登记新案件（当事人、承办人员、起始环节填写项）；返回案件详情。",
                   responses={201: s.CaseDetailSerializer, **{k: v for k, v in WRITE_ERRORS.items() if k not in (404, 409)}})
    def post(self, request, *args, **kwargs):
        case = services.register_case(request.user, body_of(request))
        case = visible_case(request.user, case.pk, related=True)
        return Response(detail_data(request, case), status=status.HTTP_201_CREATED)


class CaseDetailView(RefusalsMixin, APIView):
    """One case with what a client needs to act on it."""

    @extend_schema(summary="案件详情：当事人、承办人员、时限、下一步可办理的环节、文书", tags=TAG,
                   description="非本案承办人员（及科室负责人、单位负责人、法制审核人员）看到的个人证件号码经遮蔽。",
                   responses={200: s.CaseDetailSerializer, **READ_ERRORS})
    def get(self, request, pk: int):
        return Response(detail_data(request, visible_case(request.user, pk, related=True)))


class CaseTimelineView(RefusalsMixin, APIView):
    """The case's step records, oldest first."""

    @extend_schema(summary="办案记录（按序号）", tags=TAG,
                   description="全部环节记录，只增不改；更正记录的 corrects 指向被更正的记录。",
                   responses={200: s.TimelineItemSerializer(many=True), **READ_ERRORS})
    def get(self, request, pk: int):
        case = visible_case(request.user, pk)
        records = StepRecord.objects.filter(case=case).order_by("index")
        context = {"flow": case.flow_key, "full_ids": s.sees_full_ids(request.user, case)}
        return Response(s.TimelineItemSerializer(records, many=True, context=context).data)


class CaseStepView(RefusalsMixin, APIView):
    """A move to the next step (``services.advance``)."""

    @extend_schema(summary="办理下一环节", tags=TAG, request=s.StepRequestSerializer,
                   description="target 取自案件详情的 next_actions；version 为读取案件时的版本号，他人已办理时返回 409。"
                               "法定条件不满足时返回 422 及规则编号。",
                   responses={201: s.StepResultSerializer, **WRITE_ERRORS})
    def post(self, request, pk: int):
        case = visible_case(request.user, pk)
        body = body_of(request)
        target = body.get("target")
        if not isinstance(target, str) or not target.strip() or len(target) > 40:
            raise ValidationError({"target": "请提交目标环节代码（target）"})
        version = version_of(body)
        record = services.advance(request.user, case.pk, target.strip(), data_of(body), version=version)
        return step_result(request, case.pk, record)


class StepFormView(RefusalsMixin, APIView):
    """The fields a step asks for."""

    @extend_schema(summary="环节的填写项（供移动端生成表单）", tags=TAG, description="流程中没有该环节时返回 404。",
                   responses={200: s.StepFormSerializer, **READ_ERRORS})
    def get(self, request, pk: int, target: str):
        case = visible_case(request.user, pk)
        flow = flows.get(case.flow_key)
        if flow is None or not flow.has_step(target):
            raise Http404
        step = flow.step(target)
        spec = steps.spec_for(case.flow_key, target)
        offered = any(t.target == target for t in flow.outgoing(case.current_step))
        return Response({
            "target": target, "name": step.name, "actor": step.actor_name, "help": spec.help, "offered": offered,
            "fields": [s.field_definition(f) for f in spec.form_fields()],
        })


class CaseActionView(RefusalsMixin, APIView):
    """A side action on the case's current step (延长、中止、恢复计时，补充记录，更正，调整承办人员)."""

    action_name = ""

    def perform(self, user, case_id: int, body: dict, version: int) -> StepRecord:
        raise NotImplementedError

    def post(self, request, pk: int):
        case = visible_case(request.user, pk)
        body = body_of(request)
        version = version_of(body)
        record = self.perform(request.user, case.pk, body, version)
        return step_result(request, case.pk, record)


def _action_schema(summary: str, request_serializer):
    return extend_schema(summary=summary, tags=TAG, request=request_serializer,
                         responses={201: s.StepResultSerializer, **WRITE_ERRORS})


class ExtendView(CaseActionView):
    @_action_schema("延长期限（负责人批准）", s.ExtendRequestSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, user, case_id, body, version):
        return services.extend_clock(user, case_id, data_of(body), version=version)


class PauseView(CaseActionView):
    @_action_schema("期限中止：不计入期限的期间开始（负责人批准）", s.PauseRequestSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, user, case_id, body, version):
        return services.pause_clock(user, case_id, data_of(body), version=version)


class ResumeView(CaseActionView):
    @_action_schema("期限恢复计算", s.ResumeRequestSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, user, case_id, body, version):
        return services.resume_clock(user, case_id, data_of(body), version=version)


class NoteView(CaseActionView):
    @_action_schema("补充记录（可关联本案证据）", s.NoteRequestSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, user, case_id, body, version):
        return services.add_note(user, case_id, data_of(body), version=version)


class CorrectView(CaseActionView):
    @_action_schema("更正一条记录（原记录保留）", s.CorrectRequestSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, user, case_id, body, version):
        record_id = id_of(body, "record", "要更正的记录编号（record）")
        return services.correct_record(user, case_id, record_id, data_of(body), version=version)


class OfficersView(CaseActionView):
    @_action_schema("调整承办人员", s.OfficersRequestSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, user, case_id, body, version):
        return services.change_officers(user, case_id, data_of(body), version=version)


ACTION_VIEWS = {"extend": ExtendView, "pause": PauseView, "resume": ResumeView, "note": NoteView,
                "correct": CorrectView, "officers": OfficersView}

__all__ = ["ACTION_VIEWS", "CaseDetailView", "CaseListView", "CaseStepView", "CaseTimelineView", "StepFormView"]
