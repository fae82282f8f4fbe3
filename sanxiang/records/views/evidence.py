"""Staff pages: uploading evidence (证据上传), the list of evidence the user may see, and a record's details.

The upload page works in two ways: with JavaScript, ``static/js/records-upload.js`` sends the file
in chunks over the tus endpoints (resumable after a dropped connection); without it, the form posts
the file in one multipart request, handled here by the same ingest service.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.access import VIEW, get_for
from sanxiang.org.access import actor_of
from sanxiang.org.forms import show_errors
from sanxiang.org.models import Person

from .. import ingest, sniff
from ..models import Device, EvidenceRecord, Room
from ..models.files import PartyType

PIECE = 1024 * 1024
CHUNK_BYTES = 8 * 1024 * 1024


PREFILL = ("case_ref", "step_ref", "activity", "target_type", "target_id", "target_name")


class EvidenceForm(forms.Form):
    """Metadata of an upload; the ingest service does the checking (its errors come back per field)."""

    file = forms.FileField(label=gettext_lazy("文件"), required=False,
                           help_text=gettext_lazy("照片、视频、录音、扫描件或电子文档；系统按文件内容识别类型"))
    title = forms.CharField(label=gettext_lazy("名称"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), required=False,
                             choices=[("", gettext_lazy("按文件内容自动识别"))] + list(EvidenceRecord.Kind.choices))
    case_ref = forms.CharField(label=gettext_lazy("案件编号"), max_length=64, required=False)
    step_ref = forms.CharField(label=gettext_lazy("办案环节"), max_length=64, required=False)
    activity = forms.CharField(label=gettext_lazy("执法活动代码"), max_length=40, required=False,
                               help_text=gettext_lazy("音像记录事项清单中的活动代码，例如 seizure"))
    target_type = forms.ChoiceField(label=gettext_lazy("执法对象类型"), required=False,
                                    choices=[("", "—")] + list(PartyType.choices))
    target_id = forms.CharField(label=gettext_lazy("执法对象证件号码"), max_length=18, required=False,
                                help_text=gettext_lazy("统一社会信用代码或身份证号码"))
    target_name = forms.CharField(label=gettext_lazy("执法对象名称"), max_length=200, required=False)
    officers = forms.ModelMultipleChoiceField(label=gettext_lazy("执法人员"), queryset=Person.objects.none(), required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 5}))
    device = forms.ModelChoiceField(label=gettext_lazy("记录设备"), queryset=Device.objects.none(), required=False)
    room = forms.ModelChoiceField(label=gettext_lazy("场所"), queryset=Room.objects.none(), required=False)
    captured_from = forms.DateTimeField(label=gettext_lazy("拍摄/录制开始"), required=False,
                                        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    captured_to = forms.DateTimeField(label=gettext_lazy("拍摄/录制结束"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    vendor_integrity_id = forms.CharField(label=gettext_lazy("采集站完整性标识"), max_length=200, required=False)
    served_to_party = forms.BooleanField(label=gettext_lazy("已送达当事人的文书"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        agency_id = actor_of(user).agency_id
        self.fields["officers"].queryset = Person.objects.filter(agency_id=agency_id, is_active=True).order_by("name")
        self.fields["device"].queryset = Device.objects.filter(agency_id=agency_id).order_by("serial")
        self.fields["room"].queryset = Room.objects.filter(agency_id=agency_id).order_by("name")
        person_id = actor_of(user).person_id
        if person_id and not self.is_bound:
            self.initial.setdefault("officers", [person_id])

    def metadata(self) -> dict:
        data = self.cleaned_data
        result = {name: data.get(name) or "" for name in (
            "title", "kind", "case_ref", "step_ref", "activity", "target_type", "target_id", "target_name", "place",
            "vendor_integrity_id")}
        result["officers"] = [p.pk for p in data.get("officers") or []]
        result["device"] = data["device"].pk if data.get("device") else None
        result["room"] = data["room"].pk if data.get("room") else None
        result["captured_from"] = data.get("captured_from")
        result["captured_to"] = data.get("captured_to")
        result["served_to_party"] = bool(data.get("served_to_party"))
        return result


@login_required
def evidence_upload(request):
    """Upload page: chunked and resumable with JavaScript; one multipart POST without."""
    if actor_of(request.user).agency_id is None:
        raise PermissionDenied(_("未关联执法主体的账号不能上传证据"))
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            if upload is None:
                form.add_error("file", _("请选择要上传的文件"))
            else:
                metadata = {**form.metadata(), "original_name": upload.name}
                try:
                    record = ingest.ingest_stream(request.user, upload.chunks(PIECE), metadata)
                except ValidationError as error:
                    show_errors(form, error)
                else:
                    messages.success(request, _("已上传并登记：%(title)s") % {"title": record.title})
                    return redirect("records:evidence-detail", pk=record.pk)
    else:
        prefill = {key: request.GET[key][:64] for key in PREFILL if request.GET.get(key)}  # from the case page
        form = EvidenceForm(user=request.user, initial=prefill)
    return render(request, "records/upload.html", {
        "form": form,
        "tus_endpoint": reverse("records-api-uploads"),
        "chunk_bytes": CHUNK_BYTES,
        "max_bytes": ingest.max_upload_bytes(),
        "max_label": ingest.human_size(ingest.max_upload_bytes()),
        "allowed_label": sniff.ALLOWED_LABEL,
        "detail_url_template": reverse("records:evidence-detail", args=[0]).replace("/0/", "/{id}/"),
    })


@login_required
def evidence_list(request):
    """The evidence the user may see (scoped by ``restrict``), newest first."""
    records = EvidenceRecord.objects.restrict(request.user, VIEW).select_related("blob", "agency")
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if q:
        records = records.filter(Q(title__icontains=q) | Q(case_ref__icontains=q) | Q(target_name__icontains=q))
    if kind in EvidenceRecord.Kind.values:
        records = records.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(records.order_by("-uploaded_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "records/evidence_list.html", {
        "page": page, "q": q, "kind": kind, "kinds": EvidenceRecord.Kind.choices, "query": query.urlencode(),
        "can_upload": actor_of(request.user).agency_id is not None,
    })


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
def evidence_detail(request, pk: int):
    """A record's metadata, digests and log position. Opening the content itself is logged (调阅) elsewhere."""
    record = get_for(request.user, VIEW, EvidenceRecord.objects.select_related(
        "blob", "agency", "device", "room", "uploaded_by__person", "log_entry", "corrects"), pk=pk)
    return render(request, "records/evidence_detail.html", {
        "record": record,
        "officers": record.officers.select_related("department").order_by("name"),
        "corrections": record.corrections.restrict(request.user, VIEW),
        "corrected": EvidenceRecord.objects.restrict(request.user, VIEW).filter(pk=record.corrects_id).first(),
        "view_url": _url_or_none("records:evidence-view", record.pk),
        "download_url": _url_or_none("records:evidence-download", record.pk),
    })


urlpatterns = [
    path("evidence/", evidence_list, name="evidence-list"),
    path("evidence/upload/", evidence_upload, name="evidence-upload"),
    path("evidence/<int:pk>/", evidence_detail, name="evidence-detail"),
]
