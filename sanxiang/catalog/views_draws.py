"""Pages of the double-random draw (双随机抽查): staff pages under /catalog/draws/, public ones under /gongshi/choucha/.

Thin: reads and writes go through :mod:`.inspections`; a refusal comes back as a message or a form
error, never as a server error.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sanxiang.core.identifiers import normalise
from sanxiang.org.forms import show_errors
from sanxiang.org.models import Agency

from . import draw as algorithm
from . import forms_draws as forms
from . import inspections
from .models import Draw, MarketSubject

PAGE_SIZE = 50


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _messages_of(error: ValidationError) -> list[str]:
    return [m for m in error.messages]


def _form_page(request, form, *, title, back, submit, intro="", multipart=False):
    return render(request, "catalog/draws/form.html", {
        "form": form, "title": title, "back": back, "submit": submit, "intro": intro, "multipart": multipart,
    })


def _staff_draw(request, pk) -> Draw:
    draw = inspections.draws_for(request.user).filter(pk=pk).first()
    if draw is None:
        raise Http404
    return draw


def _summary(draw: Draw) -> dict:
    inputs = draw.inputs or {}
    context = inputs.get("context") or {}
    return {
        "context": context,
        "subjects": len(inputs.get("subjects") or []),
        "inspectors": len(inputs.get("inspectors") or []),
        "conflicts": len(inputs.get("conflicts") or []),
        "object_count": (draw.result or {}).get("object_count"),
        "assignments": inspections.assignments_of(draw),
        "cancellation": inspections.cancellation(draw),
    }


# --- Staff: draws ----------------------------------------------------------------------------


@login_required
def draw_list(request):
    draws = inspections.draws_for(request.user)
    status = request.GET.get("status", "")
    if status in Draw.Status.values:
        draws = draws.filter(status=status)
    page = Paginator(draws.order_by("-announced_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/draws/list.html", {
        "page": page, "status": status, "statuses": Draw.Status.choices,
        "can_plan": inspections.planning_agencies(request.user).exists(),
    })


@login_required
def draw_announce(request):
    user = request.user
    if not inspections.planning_agencies(user).exists():
        raise PermissionDenied
    form = forms.AnnounceForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = inspections.announce(
                user, item_version=data["item_version"], plan_version=data["plan_version"], title=data["title"],
                seed=data["seed"], seed_source=data["seed_source"], scheduled_for=data["scheduled_for"],
                ratio_percent=data["ratio_percent"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"已公布抽取“{draw.title}”的种子和范围"
                                      f"（输入摘要 {draw.inputs_digest[:16]}…），可在计划时间抽取。")
            return redirect("catalog-draw-detail", pk=draw.pk)
    intro = ("公布后，检查对象范围、执法人员范围、回避关系和随机种子即被固定并向社会公示，之后不能修改；"
             "抽取结果由这些输入唯一确定。")
    return _form_page(request, form, title="公布双随机抽取", back=reverse("catalog-draw-list"), submit="公布种子和范围",
                      intro=intro)


@login_required
def draw_detail(request, pk: int):
    draw = _staff_draw(request, pk)
    context = {"draw": draw, **_summary(draw), "can_plan": inspections.may_plan(request.user, draw.agency_id)}
    if draw.status == Draw.Status.DRAWN:
        context["replay"] = inspections.check(draw)
    return render(request, "catalog/draws/detail.html", context)


@login_required
@require_POST
def draw_perform(request, pk: int):
    draw = _staff_draw(request, pk)
    try:
        draw = inspections.perform(request.user, draw)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        messages.success(request, f"抽取完成：抽中{draw.result['object_count']}户，结果摘要 {draw.result_digest[:16]}…")
    return redirect("catalog-draw-detail", pk=draw.pk)


@login_required
def draw_cancel(request, pk: int):
    draw = _staff_draw(request, pk)
    if not inspections.may_plan(request.user, draw.agency_id):
        raise PermissionDenied
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspections.cancel(request.user, draw, form.cleaned_data["reason"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "已取消该抽取；取消理由随抽取一并公示。")
            return redirect("catalog-draw-detail", pk=draw.pk)
    return _form_page(request, form, title=f"取消抽取：{draw.title}", back=reverse("catalog-draw-detail", args=[draw.pk]),
                      submit="取消抽取", intro="只有尚未抽取的抽取可以取消；已公布的种子和取消理由仍会公示。")


# --- Staff: directory and conflicts ----------------------------------------------------------


@login_required
def subject_list(request):
    subjects = inspections.subjects_for(request.user)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        subjects = subjects.filter(Q(name__icontains=q) | Q(uscc__icontains=normalise(q)) | Q(industry__icontains=q))
    state = request.GET.get("state", "")
    if state == "active":
        subjects = subjects.filter(is_active=True)
    elif state == "inactive":
        subjects = subjects.filter(is_active=False)
    page = Paginator(subjects.order_by("agency__name", "uscc"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "catalog/draws/subjects.html", {
        "page": page, "q": q, "state": state, "query": query.urlencode(),
        "can_plan": inspections.planning_agencies(request.user).exists(),
    })


@login_required
def subject_add(request):
    user = request.user
    if not inspections.planning_agencies(user).exists():
        raise PermissionDenied
    form = forms.SubjectForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject = inspections.add_subject(
                user, agency=data["agency"], uscc=data["uscc"], name=data["name"], type=data["type"],
                industry=data["industry"], address=data["address"], tags=data["tags"],
                check_char_reason=data["check_char_reason"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"已将“{subject.name}”加入检查对象名录。")
            return redirect("catalog-draw-subjects")
    return _form_page(request, form, title="添加检查对象", back=reverse("catalog-draw-subjects"), submit="保存")


@login_required
def subject_import(request):
    user = request.user
    if not inspections.planning_agencies(user).exists():
        raise PermissionDenied
    form = forms.SubjectImportForm(user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            upload = data["file"]
            if upload.size > inspections.MAX_IMPORT_BYTES:
                raise ValidationError(f"文件不能超过{inspections.MAX_IMPORT_BYTES // (1024 * 1024)}MB")
            rows = inspections.read_subjects_xlsx(upload.read())
            subjects = inspections.add_subjects(user, agency=data["agency"], rows=rows,
                                                check_char_reason=data["check_char_reason"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"已导入{len(subjects)}户检查对象。")
            return redirect("catalog-draw-subjects")
    return _form_page(request, form, title="导入检查对象", back=reverse("catalog-draw-subjects"), submit="导入",
                      multipart=True)


@login_required
def conflict_list(request):
    conflicts = inspections.conflicts_for(request.user).order_by("-declared_at", "-pk")
    page = Paginator(conflicts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/draws/conflicts.html", {"page": page})


@login_required
def conflict_add(request):
    user = request.user
    form = forms.ConflictForm(user, request.POST or None)
    if not form.fields["person"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = data["person"]
        subject = MarketSubject.objects.filter(agency_id=person.agency_id, uscc=normalise(data["uscc"])).first()
        try:
            if subject is None:
                raise ValidationError({"uscc": "本单位检查对象名录中没有该统一社会信用代码的对象"})
            inspections.declare_conflict(user, person=person, subject=subject, reason=data["reason"])
        except ValidationError as error:
            show_errors(form, error, {"subject": "uscc"})
        else:
            messages.success(request, f"已登记{person.name}与“{subject.name}”的回避关系；此后公布的抽取不会派其检查该对象。")
            return redirect("catalog-draw-conflicts")
    return _form_page(request, form, title="回避申报", back=reverse("catalog-draw-conflicts"), submit="提交申报")


# --- Public pages ----------------------------------------------------------------------------


def public_draw_list(request):
    agencies = Agency.objects.filter(draws__isnull=False).distinct().order_by("region__code", "name")
    agency = agencies.filter(pk=_int_or_none(request.GET.get("agency"))).first()
    draws = inspections.public_draws(agency)
    page = Paginator(draws, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/public_draws/list.html", {"page": page, "agencies": agencies, "agency": agency})


def _public_draw(pk) -> Draw:
    draw = inspections.public_draw(pk)
    if draw is None:
        raise Http404
    return draw


def public_draw_detail(request, pk: int):
    draw = _public_draw(pk)
    return render(request, "catalog/public_draws/detail.html", {"draw": draw, **_summary(draw),
                                                                "algorithm_name": algorithm.ALGORITHM})


def _json_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_draw_inputs(request, pk: int):
    draw = _public_draw(pk)
    return _json_download(inspections.inputs_file(draw), f"draw-{draw.pk}-inputs.json")


def public_draw_result(request, pk: int):
    draw = _public_draw(pk)
    content = inspections.result_file(draw)
    if content is None:
        raise Http404
    return _json_download(content, f"draw-{draw.pk}-result.json")
