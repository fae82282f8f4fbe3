"""Pages of case documents (执法文书) and document templates (文书模板), and the public verification page.

Staff (under ``/cases/``, namespace ``cases``):

- ``document-list`` ``<case pk>/documents/``: the case's documents; the codes issuable at the current step;
- ``document-issue`` ``<case pk>/documents/issue/<code>/``: the form for the values the case does not fill;
- ``document-download`` ``documents/<pk>/<docx|pdf>/download/``: asks the purpose; every download is
  logged through ``records.access_log.open_record``;
- ``template-list``, ``template-upload``, ``template-download`` ``document-templates/…``: versions of the
  document templates; agency administrators upload their agency's, superusers system-wide ones.

Public (``/gongshi/wenshu/yanzheng/<token>/``, ``document_verify:detail``): the document's name, number,
issuing agency, issue date and digests — nothing about the party — and a check of a file or a digest.
"""

from __future__ import annotations

import hashlib
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from sanxiang.catalog import documents as catalog
from sanxiang.core.access import VIEW
from sanxiang.core.errors import Conflict
from sanxiang.org.access import actor_of
from sanxiang.org.forms import show_errors
from sanxiang.org.models import Agency, Role
from sanxiang.records import access_log
from sanxiang.records.models import AccessEvent

from . import documents as service
from .document_values import missing_placeholders
from .models import Case, IssuedDocument, TemplateVersion

VERIFY_MAX_BYTES = 50 * 1024 * 1024
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")


# --- Forms ------------------------------------------------------------------------------------------------


def field_name(placeholder: str) -> str:
    return placeholder.replace(".", "__")


class IssueForm(forms.Form):
    """The values of a document the case does not fill (one field per placeholder), and the seal."""

    def __init__(self, *args, case: Case, document: catalog.Document, **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholders = missing_placeholders(case, document.code)
        for name, label in self.placeholders:
            self.fields[field_name(name)] = forms.CharField(
                label=label, required=False, max_length=service.EXTRA_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}), help_text=name)
        if document.seal:
            self.fields["sealed"] = forms.BooleanField(label=_("加盖行政机关印章"), required=False)

    def extra(self) -> dict:
        return {name: self.cleaned_data.get(field_name(name), "") for name, _label in self.placeholders
                if self.cleaned_data.get(field_name(name))}


class PurposeForm(forms.Form):
    purpose = forms.CharField(label=gettext_lazy("调阅事由"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=gettext_lazy("下载将记入调阅记录（谁、何时、为何）"))


class TemplateForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("文书"), choices=())
    file = forms.FileField(label=gettext_lazy("模板文件（DOCX）"),
                           help_text=gettext_lazy("不超过 5 MB；填写项写作 {{ party_name }} 等"))
    note = forms.CharField(label=gettext_lazy("修订说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(d.code, f"{d.name}（{d.code}）") for d in catalog.DOCUMENTS.values()]
        if actor_of(user).is_superuser:
            self.fields["agency"] = forms.ModelChoiceField(
                label=_("适用的执法主体"), queryset=Agency.objects.order_by("name"), required=False,
                empty_label=_("系统通用（所有执法主体）"))
            self.fields["holder"] = forms.ModelChoiceField(
                label=_("保存模板记录的执法主体"), queryset=Agency.objects.order_by("name"), required=False,
                help_text=_("系统通用模板且本账号未关联执法主体时必选"))


class VerifyForm(forms.Form):
    sha256 = forms.CharField(label=gettext_lazy("SHA-256 摘要"), required=False, max_length=100,
                             help_text=gettext_lazy("粘贴文件的 SHA-256 摘要（64位十六进制），或上传文件由本页计算"))


# --- The public verification page ------------------------------------------------------------------------


class DigestResult:
    """What the verification upload handler keeps of an uploaded file: its digest and size, not its bytes."""

    def __init__(self, sha256: str, size: int, too_large: bool = False):
        self.sha256, self.size, self.too_large = sha256, size, too_large

    def close(self):
        pass


class DigestUploadHandler(FileUploadHandler):
    """Hashes the uploaded file while it arrives and keeps nothing of it (no memory copy, no temporary file)."""

    too_large = False

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if field_name != "file":
            raise SkipFile()
        self.hasher = hashlib.sha256()
        self.size = 0

    def receive_data_chunk(self, raw_data, start):
        if self.too_large:
            return None
        self.size += len(raw_data)
        if self.size > VERIFY_MAX_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.hasher.update(raw_data)
        return None

    def file_complete(self, file_size):
        return DigestResult(self.hasher.hexdigest(), self.size)


def _too_large() -> str:
    return _("文件超过 %(mb)s MB，无法在线核验；请粘贴文件的 SHA-256 摘要") % {"mb": VERIFY_MAX_BYTES // (1024 * 1024) or 1}


def _verify_document(token: str) -> IssuedDocument:
    if not token or len(token) > 32:
        raise Http404
    document = IssuedDocument.objects.select_related("case__agency").filter(verify_token=token).first()
    if document is None:
        raise Http404
    return document


@csrf_exempt
def verify_detail(request, token: str):
    """核验文书: the document's public facts and a check of a file or a digest against them."""
    document = _verify_document(token)
    handler = None
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > VERIFY_MAX_BYTES + 64 * 1024:
            return _verify_page(request, document, VerifyForm(), error=_too_large())
        handler = DigestUploadHandler(request)
        request.upload_handlers = [handler]
    return csrf_protect(_verify_post)(request, document, handler)


def _verify_post(request, document: IssuedDocument, handler):
    if request.method != "POST":
        return _verify_page(request, document, VerifyForm())
    form = VerifyForm(request.POST)
    form.is_valid()
    uploaded = request.FILES.get("file")
    if handler is not None and getattr(handler, "too_large", False):
        return _verify_page(request, document, form, error=_too_large())
    if isinstance(uploaded, DigestResult):
        digest, source = uploaded.sha256, "file"
    else:
        pasted = (form.cleaned_data.get("sha256") or "").strip()
        if not pasted:
            return _verify_page(request, document, form, error=_("请上传文件或粘贴 SHA-256 摘要"))
        if not SHA256_RE.match(pasted):
            return _verify_page(request, document, form, error=_("SHA-256 摘要应为64位十六进制字符"))
        digest, source = pasted.lower(), "digest"
    if digest == document.sha256:
        match = "docx"
    elif document.pdf_sha256 and digest == document.pdf_sha256:
        match = "pdf"
    else:
        match = ""
    return _verify_page(request, document, form, result={"digest": digest, "match": match, "source": source})


def _verify_page(request, document: IssuedDocument, form, *, error: str = "", result=None):
    public = {  # only these facts reach the public page: nothing about the party
        "name": document.title, "number": document.number, "agency": document.case.agency.name,
        "issued_on": document.issued_at, "sha256": document.sha256, "pdf_sha256": document.pdf_sha256,
    }
    response = render(request, "cases/documents/verify.html", {
        "doc": public, "form": form, "error": error, "result": result, "token": document.verify_token,
        "max_mb": VERIFY_MAX_BYTES // (1024 * 1024)})
    response["Cache-Control"] = "no-store"
    return response


# --- Staff: a case's documents ---------------------------------------------------------------------------


def _case_or_404(user, pk: int) -> Case:
    case = Case.objects.restrict(user, VIEW).select_related("agency").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


@login_required
def document_list(request, case_pk: int):
    case = _case_or_404(request.user, case_pk)
    issued = (IssuedDocument.objects.restrict(request.user, VIEW).filter(case=case)
              .select_related("issued_by__person", "corrects").order_by("-issued_at", "-pk"))
    codes = [catalog.DOCUMENTS[c] for c in service.step_codes(case) if c in catalog.DOCUMENTS]
    return render(request, "cases/documents/list.html", {
        "case": case, "issued": issued, "issuable": codes,
        "may_issue": Case.objects.restrict(request.user, "change").filter(pk=case.pk).exists()})


@login_required
def document_issue(request, case_pk: int, code: str):
    case = _case_or_404(request.user, case_pk)
    document = catalog.get(code)
    if document is None:
        raise Http404
    corrects = None
    corrects_pk = request.GET.get("corrects") or request.POST.get("corrects")
    if corrects_pk:
        corrects = IssuedDocument.objects.restrict(request.user, VIEW).filter(
            pk=int(corrects_pk) if str(corrects_pk).isdigit() else 0, case=case, code=code).first()
        if corrects is None:
            raise Http404
    form = IssueForm(request.POST or None, case=case, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            issued = service.issue_document(request.user, case, code, form.extra(),
                                            sealed=form.cleaned_data.get("sealed", False), corrects=corrects)
        except ValidationError as error:
            show_errors(form, error)
        except Conflict as error:
            form.add_error(None, str(error))
        else:
            title = f"{issued.title} {issued.number}" if issued.number else issued.title
            messages.success(request, _("已出具%(title)s") % {"title": title})
            return redirect("cases:document-list", case_pk=case.pk)
    return render(request, "cases/documents/issue.html", {
        "case": case, "document": document, "form": form, "corrects": corrects,
        "allowed": code in service.step_codes(case) or corrects is not None})


def _purpose_download(request, evidence, *, back: str, title: str):
    """Ask the purpose; on POST log the download (open_record) and stream the file."""
    form = PurposeForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
        try:
            access_log.open_record(request.user, evidence, action=AccessEvent.Action.DOWNLOAD,
                                   purpose=request.POST.get("purpose", ""))
        except ValidationError as error:
            show_errors(form, error)
        else:
            response = FileResponse(access_log.open_content(evidence), as_attachment=True,
                                    filename=evidence.original_name or evidence.title,
                                    content_type=evidence.blob.media_type)
            response["Content-Security-Policy"] = "sandbox"
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "cases/documents/download.html", {"form": form, "title": title, "record": evidence,
                                                             "back": back})


@login_required
def document_download(request, pk: int, fmt: str):
    issued = IssuedDocument.objects.restrict(request.user, VIEW).select_related(
        "docx__blob", "pdf__blob", "case").filter(pk=pk).first()
    if issued is None or fmt not in ("docx", "pdf"):
        raise Http404
    evidence = issued.docx if fmt == "docx" else issued.pdf
    if evidence is None:
        raise Http404
    return _purpose_download(request, evidence, back=reverse("cases:document-list", args=[issued.case_id]),
                             title=_("下载%(document)s") % {"document": f"{issued} {fmt.upper()}"})


# --- Staff: templates --------------------------------------------------------------------------------------


def _may_upload(user) -> bool:
    actor = actor_of(user)
    return actor.is_superuser or (actor.agency_id is not None and actor.has(Role.ADMINISTRATOR))


@login_required
def template_list(request):
    versions = (TemplateVersion.objects.restrict(request.user, VIEW).select_related("agency", "created_by__person", "docx")
                .order_by("code", "agency_id", "-number"))
    by_code: dict[str, list] = {}
    for version in versions:
        by_code.setdefault(version.code, []).append(version)
    rows = [(d, by_code.get(d.code, [])) for d in catalog.DOCUMENTS.values()]
    return render(request, "cases/documents/templates.html", {"rows": rows, "may_upload": _may_upload(request.user)})


@login_required
def template_upload(request):
    if not _may_upload(request.user):
        raise PermissionDenied("只有系统管理员可以上传文书模板")
    form = TemplateForm(request.POST or None, request.FILES or None, user=request.user,
                        initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > service.TEMPLATE_MAX_BYTES:
            form.add_error("file", _("模板文件不能超过 5 MB"))
        else:
            data = upload.read(service.TEMPLATE_MAX_BYTES + 1)
            actor = actor_of(request.user)
            if actor.is_superuser:
                agency = form.cleaned_data.get("agency")
            else:
                agency = Agency.objects.get(pk=actor.agency_id)
            try:
                version = service.upload_template(
                    request.user, form.cleaned_data["code"], data, agency=agency, note=form.cleaned_data["note"],
                    original_name=upload.name, holder=form.cleaned_data.get("holder"))
            except ValidationError as error:
                show_errors(form, error)
            except Conflict as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已上传%(code)s模板第%(n)s版") % {"code": version.code, "n": version.number})
                return redirect("cases:template-list")
    return render(request, "cases/documents/template_upload.html", {"form": form})


@login_required
def template_download(request, pk: int):
    version = TemplateVersion.objects.restrict(request.user, VIEW).select_related("docx__blob").filter(pk=pk).first()
    if version is None:
        raise Http404
    return _purpose_download(request, version.docx, back=reverse("cases:template-list"),
                             title=_("下载文书模板 %(code)s 第%(n)s版") % {"code": version.code, "n": version.number})


urlpatterns = [
    path("<int:case_pk>/documents/", document_list, name="document-list"),
    path("<int:case_pk>/documents/issue/<str:code>/", document_issue, name="document-issue"),
    path("documents/<int:pk>/<str:fmt>/download/", document_download, name="document-download"),
    path("document-templates/", template_list, name="template-list"),
    path("document-templates/upload/", template_upload, name="template-upload"),
    path("document-templates/<int:pk>/download/", template_download, name="template-download"),
]
document_urlpatterns = urlpatterns
