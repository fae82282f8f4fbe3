"""Staff pages: opening a record (with its purpose), the access history, the per-target view, the party's codes,
and the party's own page (no login, an access code instead). Reads in ``selectors``, writes in ``access_log``.
"""

import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanxiang.core.access import VIEW
from sanxiang.core.identifiers import PartyType, mask_id_number
from sanxiang.org.forms import show_errors

from .. import access_log, selectors
from ..access import access_events_visible_to, can_see_access_history, party_codes_visible_to
from ..models import AccessEvent, EvidenceRecord, PartyAccessCode
from ..models.files import PartyType as PartyTypes

GRANTS = "records_view_grants"
GRANT_SECONDS = 30 * 60  # a logged view lets the page load the file for half an hour
PARTY_SESSION = "records_party_code"
PARTY_FAILURES_ALLOWED = 10
PARTY_LOCK_SECONDS = 15 * 60
INLINE_TYPES = ("image/", "video/", "audio/")


class PurposeForm(forms.Form):
    purpose = forms.CharField(label=gettext_lazy("调阅事由"), required=False,  # checked by the service
                              widget=forms.Textarea(attrs={"rows": 3, "maxlength": access_log.PURPOSE_MAX}),
                              help_text=gettext_lazy("调阅将记入调阅记录（谁、何时、为何），并可由单位负责人和执法监督人员查看"))


def _record_or_404(pk: int) -> EvidenceRecord:
    record = EvidenceRecord.objects.select_related("blob", "agency__region", "device").filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _file_response(record: EvidenceRecord, *, attachment: bool) -> FileResponse:
    response = FileResponse(
        access_log.open_content(record), as_attachment=attachment, filename=record.original_name or record.title,
        content_type=record.blob.media_type,
    )
    response["Content-Security-Policy"] = "sandbox"  # stored content never runs as part of the site
    response["Cache-Control"] = "private, no-store"
    return response


def _open(request, pk: int, action: str):
    record = _record_or_404(pk)
    if request.method == "POST":
        form = PurposeForm(request.POST)
        form.is_valid()  # the service checks the purpose; its errors go back on the form
        try:
            access_log.open_record(request.user, record, action=action, purpose=request.POST.get("purpose", ""))
        except ValidationError as error:
            show_errors(form, error)
        else:
            if action == AccessEvent.Action.DOWNLOAD:
                return _file_response(record, attachment=True)
            grants = {k: v for k, v in request.session.get(GRANTS, {}).items() if v > time.time()}
            grants[str(record.pk)] = time.time() + GRANT_SECONDS
            request.session[GRANTS] = grants
            return render(request, "records/access_view.html", {
                "record": record, "inline": record.blob.media_type.startswith(INLINE_TYPES),
                "media_kind": record.blob.media_type.split("/")[0],
                "can_see_history": can_see_access_history(request.user, record),
            })
    elif not EvidenceRecord.objects.restrict(request.user, VIEW).filter(pk=pk).exists():
        raise PermissionDenied(access_log.DENIED)
    else:
        form = PurposeForm()
    return render(request, "records/access_form.html", {
        "record": record, "form": form, "action": action,
        "title": _("下载记录") if action == AccessEvent.Action.DOWNLOAD else _("查看记录"),
    })


@login_required
def evidence_view(request, pk: int):
    """Ask the purpose, log the view, show the record (调阅)."""
    return _open(request, pk, AccessEvent.Action.VIEW)


@login_required
def evidence_download(request, pk: int):
    """Ask the purpose, log the download, stream the stored file."""
    return _open(request, pk, AccessEvent.Action.DOWNLOAD)


@login_required
def evidence_content(request, pk: int):
    """The file shown on the view page: only within the half hour after a logged view by this user."""
    record = _record_or_404(pk)
    expiry = request.session.get(GRANTS, {}).get(str(pk), 0)
    if expiry < time.time() or not EvidenceRecord.objects.restrict(request.user, VIEW).filter(pk=pk).exists():
        raise PermissionDenied(_("请先填写调阅事由再查看"))
    return _file_response(record, attachment=False)


@login_required
def evidence_accesses(request, pk: int):
    """Who accessed a record, when and why (调阅记录): the agency's leaders and the supervisors."""
    record = _record_or_404(pk)
    if not can_see_access_history(request.user, record):
        raise PermissionDenied(_("只有单位负责人和执法监督人员可以查看调阅记录"))
    events = access_events_visible_to(request.user).filter(subject_seq=record.log_entry_id).select_related(
        "user__person", "log_entry")
    page = Paginator(events.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "records/access_history.html", {"record": record, "page": page})


# --- Per-target view (REC-07) ---------------------------------------------------------------------


TARGET_TYPES = [
    (PartyType.ORGANISATION, gettext_lazy("法人或其他组织（统一社会信用代码）")),
    (PartyType.INDIVIDUAL_BUSINESS, gettext_lazy("个体工商户（统一社会信用代码）")),
    (PartyType.PERSON, gettext_lazy("自然人（身份证号码）")),
]


@login_required
def target(request):
    """All text and AV records of one enforcement target across cases, in time order.

    The search is a POST, so that identifiers (ID numbers of natural persons) stay out of URLs, browser
    history and server logs; the page shows a natural person's ID number masked.
    """
    data = request.POST if request.method == "POST" else {}
    party_type = data.get("type", PartyType.ORGANISATION)
    raw = data.get("id", "")[:40]
    query = None
    items = []
    if raw.strip():
        query = selectors.parse_target(party_type, raw)
        if query.ok:
            items = selectors.records_of_target(request.user, query.value)
    return render(request, "records/target.html", {
        "types": TARGET_TYPES, "party_type": party_type, "raw": raw if query and not query.ok else "",
        "query": query, "items": items,
    })


# --- The party's access codes (staff side) ------------------------------------------------------


class PartyCodeForm(forms.Form):
    case_ref = forms.CharField(label=gettext_lazy("案件编号"), max_length=64)
    party_type = forms.ChoiceField(label=gettext_lazy("当事人类型"), choices=PartyTypes.choices)
    party_id = forms.CharField(label=gettext_lazy("当事人证件号码"), max_length=30,
                               help_text=gettext_lazy("统一社会信用代码或身份证号码"))
    party_name = forms.CharField(label=gettext_lazy("当事人名称"), max_length=200)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("作废理由"), max_length=200)


@login_required
def party_codes(request):
    """List the access codes of cases the user handles; issue a new one (shown once)."""
    issued = None
    if request.method == "POST":
        form = PartyCodeForm(request.POST)
        if form.is_valid():
            try:
                row, code = access_log.issue_party_code(request.user, **form.cleaned_data)
            except ValidationError as error:
                show_errors(form, error)
            except PermissionDenied as error:
                form.add_error("case_ref", str(error))
            else:
                issued = {"row": row, "code": code}
                form = PartyCodeForm()
    else:
        form = PartyCodeForm(initial={"case_ref": request.GET.get("case", "")[:64]})
    rows = party_codes_visible_to(request.user).select_related("agency", "issued_by__person").order_by("-issued_at")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.masked_id = mask_id_number(row.party_id) if len(row.party_id) == 18 and row.party_id[:17].isdigit() \
            else row.party_id
    response = render(request, "records/party_codes.html", {"form": form, "page": page, "issued": issued})
    if issued:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def party_code_revoke(request, pk: int):
    row = party_codes_visible_to(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    if request.method == "POST":
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                access_log.revoke_party_code(request.user, row, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("查询码已作废。"))
                return redirect("records:party-codes")
    else:
        form = RevokeForm()
    return render(request, "records/party_code_revoke.html", {"form": form, "row": row})


# --- The party's page (no login) ---------------------------------------------------------------


def _session_code(request) -> PartyAccessCode | None:
    held = request.session.get(PARTY_SESSION)
    if not isinstance(held, dict):
        return None
    return PartyAccessCode.objects.filter(pk=held.get("id"), code_hash=held.get("hash"), revoked_at__isnull=True).first()


def _failures_key(request) -> str:
    return f"records:party-failures:{request.META.get('REMOTE_ADDR', '')}"


def party(request):
    """The party enters the access code and sees the documents served on them (当事人查阅)."""
    error = ""
    if request.method == "POST":
        key = _failures_key(request)
        failures = cache.get(key, 0)
        if failures >= PARTY_FAILURES_ALLOWED:
            error = _("查询码输入错误次数过多，请15分钟后再试")
        else:
            try:
                row = access_log.party_code_for(request.POST.get("code", "")[:40])
            except ValidationError as invalid:
                cache.add(key, 0, PARTY_LOCK_SECONDS)
                cache.incr(key)  # atomic, so parallel guesses each count
                error = invalid.message_dict["code"][0]
            else:
                request.session.cycle_key()
                request.session[PARTY_SESSION] = {"id": row.pk, "hash": row.code_hash}
                return redirect("records:party")
    code = _session_code(request)
    documents = access_log.served_documents(code).select_related("blob") if code else []
    return render(request, "records/party.html", {"code": code, "documents": documents, "error": error})


@require_POST
def party_open(request, pk: int, action: str):
    if action not in (AccessEvent.Action.VIEW, AccessEvent.Action.DOWNLOAD):
        raise Http404
    code = _session_code(request)
    if code is None:
        messages.error(request, _("查询码已失效，请重新输入"))
        return redirect("records:party")
    record = _record_or_404(pk)
    access_log.open_as_party(code, record, action=action)
    return _file_response(record, attachment=action == AccessEvent.Action.DOWNLOAD)


@require_POST
def party_exit(request):
    request.session.pop(PARTY_SESSION, None)
    return redirect("records:party")


urlpatterns = [
    path("evidence/<int:pk>/view/", evidence_view, name="evidence-view"),
    path("evidence/<int:pk>/download/", evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/content/", evidence_content, name="evidence-content"),
    path("evidence/<int:pk>/accesses/", evidence_accesses, name="evidence-accesses"),
    path("target/", target, name="target"),
    path("party-codes/", party_codes, name="party-codes"),
    path("party-codes/<int:pk>/revoke/", party_code_revoke, name="party-code-revoke"),
    path("party/", party, name="party"),
    path("party/documents/<int:pk>/<str:action>/", party_open, name="party-open"),
    path("party/exit/", party_exit, name="party-exit"),
]
