"""Staff pages: AV devices with their custody history, and rooms with recording (REC-04). Writes in ``devices``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.access import CHANGE, VIEW
from sanxiang.org.forms import show_errors
from sanxiang.org.models import Person

from .. import devices as services
from ..models import Device, Room


class DeviceForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("执法主体"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Device.Kind.choices)
    serial = forms.CharField(label=gettext_lazy("设备编号"), max_length=80)
    model_name = forms.CharField(label=gettext_lazy("型号"), max_length=100, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = services.agencies_managed_by(user)


class IssueForm(forms.Form):
    person = forms.ModelChoiceField(label=gettext_lazy("领用人"), queryset=None)
    at = forms.DateTimeField(label=gettext_lazy("领用时间"), required=False,
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], help_text=gettext_lazy("不填为现在"))
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(agency=device.agency, is_active=True).order_by("name")


class ReturnForm(forms.Form):
    at = forms.DateTimeField(
        label=gettext_lazy("归还时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], help_text=gettext_lazy("不填为现在"))
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("新状态"), choices=Device.Status.choices)
    reason = forms.CharField(label=gettext_lazy("理由"), max_length=200)


class RoomForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("执法主体"), queryset=None, empty_label=None)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Room.Kind.choices)
    has_recording = forms.BooleanField(label=gettext_lazy("具备录音录像"), required=False, initial=True)
    device = forms.ModelChoiceField(label=gettext_lazy("固定录制设备"), queryset=None, required=False)

    def __init__(self, user, *args, room=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = services.agencies_managed_by(user)
        self.fields["agency"].queryset = agencies
        self.fields["device"].queryset = Device.objects.filter(agency__in=agencies).exclude(
            status=Device.Status.RETIRED)
        if room is not None:
            del self.fields["agency"]


def _form_page(request, form, *, title, back, subject=None, submit=None):
    return render(request, "org/form.html", {
        "form": form, "title": title, "back": back, "subject": subject, "submit": submit or _("保存"), "intro": "",
    })


def _run(request, form, call, success):
    """Validate ``form``, call the service; its errors go back on the form. Returns the result or None."""
    if not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationError as error:
        show_errors(form, error)
        return None
    messages.success(request, success)
    return result or True


def _device(user, pk, action=VIEW) -> Device:
    device = Device.objects.restrict(user, action).select_related("agency").filter(pk=pk).first()
    if device is None:
        if action == CHANGE and Device.objects.restrict(user, VIEW).filter(pk=pk).exists():
            raise PermissionDenied(services.NOT_ALLOWED)
        raise Http404
    return device


@login_required
def device_list(request):
    user = request.user
    devices = Device.objects.restrict(user, VIEW).select_related("agency").order_by("agency__name", "serial")
    status = request.GET.get("status", "")
    if status in Device.Status.values:
        devices = devices.filter(status=status)
    rows = list(devices[:500])
    for device in rows:
        device.custodian = services.current_custodian(device)
    rooms = Room.objects.restrict(user, VIEW).select_related("agency", "device").order_by("agency__name", "name")
    return render(request, "records/device_list.html", {
        "devices": rows, "rooms": rooms, "status": status, "statuses": Device.Status.choices,
        "can_manage": services.agencies_managed_by(user).exists(),
    })


@login_required
def device_detail(request, pk: int):
    device = _device(request.user, pk)
    return render(request, "records/device_detail.html", {
        "device": device, "custodian": services.current_custodian(device),
        "history": services.custody_history(device),
        "rooms": device.rooms.all(), "records_count": device.records.count(),
        "can_manage": Device.objects.restrict(request.user, CHANGE).filter(pk=pk).exists(),
    })


@login_required
def device_add(request):
    if not services.agencies_managed_by(request.user).exists():
        raise PermissionDenied(services.NOT_ALLOWED)
    form = DeviceForm(request.user, request.POST or None)
    if request.method == "POST":
        device = _run(request, form, lambda d: services.register_device(request.user, **d), _("设备已登记。"))
        if device:
            return redirect("records:device-detail", pk=device.pk)
    return _form_page(request, form, title=_("登记设备"), back=reverse("records:device-list"))


@login_required
def device_issue(request, pk: int):
    device = _device(request.user, pk, CHANGE)
    form = IssueForm(device, request.POST or None)
    if request.method == "POST" and _run(
            request, form, lambda d: services.issue_device(request.user, device, d["person"], at=d["at"], note=d["note"]),
            _("已登记领用。")):
        return redirect("records:device-detail", pk=device.pk)
    return _form_page(request, form, title=_("设备领用"), subject=str(device),
                      back=reverse("records:device-detail", args=[pk]), submit=_("领用"))


@login_required
def device_return(request, pk: int):
    device = _device(request.user, pk, CHANGE)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and _run(
            request, form, lambda d: services.return_device(request.user, device, at=d["at"], note=d["note"]),
            _("已登记归还。")):
        return redirect("records:device-detail", pk=device.pk)
    return _form_page(request, form, title=_("设备归还"), subject=str(device),
                      back=reverse("records:device-detail", args=[pk]), submit=_("归还"))


@login_required
def device_status(request, pk: int):
    device = _device(request.user, pk, CHANGE)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and _run(
            request, form,
            lambda d: services.change_device_status(request.user, device, d["status"], reason=d["reason"]),
            _("设备状态已变更。")):
        return redirect("records:device-detail", pk=device.pk)
    return _form_page(request, form, title=_("变更设备状态"), subject=str(device),
                      back=reverse("records:device-detail", args=[pk]))


@login_required
def room_add(request):
    if not services.agencies_managed_by(request.user).exists():
        raise PermissionDenied(services.NOT_ALLOWED)
    form = RoomForm(request.user, request.POST or None)
    if request.method == "POST" and _run(request, form, lambda d: services.create_room(request.user, **d),
                                         _("办案场所已登记。")):
        return redirect("records:device-list")
    return _form_page(request, form, title=_("登记办案场所"), back=reverse("records:device-list"))


@login_required
def room_edit(request, pk: int):
    room = Room.objects.restrict(request.user, CHANGE).select_related("agency").filter(pk=pk).first()
    if room is None:
        raise Http404
    initial = {"name": room.name, "kind": room.kind, "has_recording": room.has_recording, "device": room.device_id}
    form = RoomForm(request.user, request.POST or None, room=room, initial=initial)
    if request.method == "POST" and _run(request, form, lambda d: services.update_room(request.user, room, **d),
                                         _("已保存。")):
        return redirect("records:device-list")
    return _form_page(request, form, title=_("修改办案场所"), subject=room.name, back=reverse("records:device-list"))


urlpatterns = [
    path("devices/", device_list, name="device-list"),
    path("devices/add/", device_add, name="device-add"),
    path("devices/<int:pk>/", device_detail, name="device-detail"),
    path("devices/<int:pk>/issue/", device_issue, name="device-issue"),
    path("devices/<int:pk>/return/", device_return, name="device-return"),
    path("devices/<int:pk>/status/", device_status, name="device-status"),
    path("rooms/add/", room_add, name="room-add"),
    path("rooms/<int:pk>/edit/", room_edit, name="room-edit"),
]
