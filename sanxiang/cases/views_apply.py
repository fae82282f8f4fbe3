"""Public pages for online licence applications (网上申请行政许可, SYS-06): apply, receipt, progress (查询).

Thin views: validation and writes are in :mod:`sanxiang.cases.applications`. CSRF protected; a
honeypot field and a per-address rate limit keep robots out, as on the public error-report form.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from sanxiang.records.models.files import PartyType

from . import applications
from .models import Party

RATE_DEFAULT = (5, 3600)  # applications per address per hour
TRACK_RATE_DEFAULT = (30, 3600)  # progress look-ups per address per hour
CONTROL = gettext_lazy("含有不可见的控制字符，请删除后重新输入。")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ApplicationForm(forms.Form):
    """The online application (网上申请). ``website`` is a honeypot people never see."""

    item = forms.ChoiceField(label=gettext_lazy("申请事项"), choices=(), error_messages={
        "required": gettext_lazy("请选择申请事项。"), "invalid_choice": gettext_lazy("请选择列出的申请事项。")})
    party_type = forms.ChoiceField(label=gettext_lazy("申请人类型"), choices=PartyType.choices,
                                   error_messages={"required": gettext_lazy("请选择申请人类型。"),
                                                   "invalid_choice": gettext_lazy("请选择申请人类型。")})
    name = forms.CharField(label=gettext_lazy("申请人名称／姓名"), max_length=200,
                           error_messages={"required": gettext_lazy("请填写申请人名称或姓名。")})
    id_type = forms.ChoiceField(label=gettext_lazy("证件类型"), choices=Party.IdType.choices, required=False)
    id_number = forms.CharField(label=gettext_lazy("证件号码"), max_length=40,
                                error_messages={"required": gettext_lazy("请填写证件号码。")},
                                help_text=gettext_lazy("自然人填写身份证号码，单位填写统一社会信用代码"))
    legal_representative = forms.CharField(label=gettext_lazy("法定代表人（负责人、经营者）"), max_length=50, required=False)
    address = forms.CharField(label=gettext_lazy("住所（地址）"), max_length=200, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    request = forms.CharField(label=gettext_lazy("申请内容"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}), help_text=gettext_lazy("简要说明申请的内容（选填）"))
    files = MultipleFileField(label=gettext_lazy("申请材料"), required=False,
                              help_text=format_lazy(gettext_lazy("PDF、JPEG、PNG 或 DOCX 文件，最多{files}个，每个不超过{mb}MB"),
                                                    files=applications.MAX_FILES,
                                                    mb=applications.MAX_FILE_BYTES // (1024 * 1024)))
    website = forms.CharField(label=gettext_lazy("请勿填写此项"), required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("请选择")), *((v.entry.code, f"{v.entry.code} {v.title}") for v in items)]
        for field in self.fields.values():
            field.error_messages.setdefault("null_characters_not_allowed", CONTROL)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交未被接受，请勿填写隐藏的“请勿填写此项”一栏。"))
        return ""


class TrackForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("申请编号（案件编号）"), max_length=64,
                             error_messages={"required": gettext_lazy("请填写申请编号。")})
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=40,
                           error_messages={"required": gettext_lazy("请填写查询码。")})
    website = forms.CharField(label=gettext_lazy("请勿填写此项"), required=False)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交未被接受。"))
        return ""


def _rate_limited(request, name: str, default) -> bool:
    limit, window = settings.SANXIANG.get(name, default)
    key = f"cases:{name}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    fields = {"item", "party_type", "name", "id_type", "id_number", "legal_representative", "address", "phone", "files"}
    for key, messages in error.message_dict.items():
        field = key if key in fields else None
        if key == "representative_id_number":
            field = None
        for message in messages:
            form.add_error(field, message)


@never_cache
def apply(request):
    """Pick an agency, then fill in the application (GET ?agency=), submit it (POST)."""
    agencies = list(applications.agencies_with_items())
    agency = None
    raw = request.POST.get("agency") if request.method == "POST" else request.GET.get("agency")
    if raw and str(raw).isdigit():
        agency = next((a for a in agencies if a.pk == int(raw)), None)
    if agency is None:
        status = 400 if raw else 200
        return render(request, "cases/apply/index.html", {"agencies": agencies, "bad_agency": bool(raw)}, status=status)
    items = applications.license_items(agency)
    if request.method != "POST":
        return render(request, "cases/apply/form.html", {"agency": agency, "form": ApplicationForm(items=items)})
    form = ApplicationForm(request.POST, request.FILES, items=items)
    if _rate_limited(request, "LICENSE_APPLY_RATE", RATE_DEFAULT):
        form.is_valid()
        return render(request, "cases/apply/form.html", {"agency": agency, "form": form,
                                                         "refused": _("提交过于频繁，请稍后再试。")}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        party = {k: data[k] for k in ("party_type", "name", "id_type", "id_number", "legal_representative", "address",
                                      "phone")}
        try:
            receipt = applications.submit(agency=agency, item_code=data["item"], party=party,
                                          request_text=data["request"], files=data["files"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return render(request, "cases/apply/receipt.html", {"agency": agency, "receipt": receipt})
    return render(request, "cases/apply/form.html", {"agency": agency, "form": form}, status=400)


@never_cache
def track(request):
    """查询: the application's progress, for whoever holds its number and tracking code."""
    if request.method != "POST":
        return render(request, "cases/apply/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if _rate_limited(request, "LICENSE_TRACK_RATE", TRACK_RATE_DEFAULT):
        form.is_valid()
        return render(request, "cases/apply/track.html", {"form": form, "refused": _("查询过于频繁，请稍后再试。")},
                      status=429)
    if form.is_valid():
        try:
            found = applications.progress(form.cleaned_data["number"], form.cleaned_data["code"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return render(request, "cases/apply/track.html", {"form": TrackForm(), "progress": found})
    return render(request, "cases/apply/track.html", {"form": form}, status=400)


__all__ = ["ApplicationForm", "TrackForm", "apply", "track"]
