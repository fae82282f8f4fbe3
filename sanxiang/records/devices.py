"""AV devices and case-handling premises (音像记录设备、办案场所, REC-04).

"谁使用、谁保管、谁负责": a device's custodian is never a column; it is computed from its append-only
custody events (领用/归还), each also a ``device`` entry of the record log. A device held by someone
cannot be issued to someone else, nor retired, until it is returned.

Who may: the agency's administrators (系统管理员) register devices, issue and take them back, retire
them and keep the rooms (the Device/Room ``change`` scope); the agency's staff and its supervisors see
them. Every change is audited.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.access import CHANGE
from sanxiang.org.access import internal_agency_q
from sanxiang.org.models import Agency, Person

from . import log
from .access_log import clean_text
from .models import CustodyEvent, Device, Room

NOT_ALLOWED = "您无权管理该单位的音像记录设备和办案场所"


def _agency_managed(user, agency: Agency) -> bool:
    """Whether ``user`` may change devices and rooms of ``agency`` (checked without needing an existing row)."""
    condition = internal_agency_q(user, CHANGE, "")
    queryset = Agency.objects.filter(pk=agency.pk)
    return (queryset if condition is None else queryset.filter(condition)).exists()


def agencies_managed_by(user):
    """Agencies whose devices and rooms ``user`` may manage."""
    condition = internal_agency_q(user, CHANGE, "")
    return Agency.objects.all() if condition is None else Agency.objects.filter(condition)


def _check_manager(user, agency: Agency) -> None:
    if not _agency_managed(user, agency):
        raise PermissionDenied(NOT_ALLOWED)


def normalise_serial(serial) -> str:
    return unicodedata.normalize("NFKC", serial if isinstance(serial, str) else "").strip().upper()


# --- Devices ---------------------------------------------------------------------------------------


def register_device(user, *, agency: Agency, kind: str, serial: str, model_name: str = "") -> Device:
    """Register an AV device (登记设备). The serial number is unique across the platform."""
    _check_manager(user, agency)
    if kind not in Device.Kind.values:
        raise ValidationError({"kind": "请选择设备类型"})
    serial = normalise_serial(serial)
    clean_text(serial, field="serial", label="设备编号", max_length=80)
    model_name = clean_text(model_name, field="model_name", label="型号", max_length=100, required=False)
    existing = Device.objects.filter(serial__iexact=serial).select_related("agency").first()
    if existing is not None:
        where = f"{existing.agency.name}，{existing.get_kind_display()}"
        raise ValidationError({"serial": f"设备编号{serial}已登记（{where}），不能重复登记"})
    try:
        with transaction.atomic():
            device = Device.objects.create(agency=agency, kind=kind, serial=serial, model_name=model_name)
            audit.record(user, "records.device_registered", device, after=audit.snapshot(device))
    except IntegrityError as error:  # a concurrent registration of the same serial
        raise ValidationError({"serial": f"设备编号{serial}已登记，不能重复登记"}) from error
    return device


@dataclass(frozen=True)
class CustodyPeriod:
    """One holding of a device: who, from when, until when (``None`` = still held)."""

    person: Person
    since: datetime.datetime
    until: datetime.datetime | None
    issued_by: object
    returned_by: object | None = None


def custody_events(device: Device):
    return CustodyEvent.objects.filter(device=device).select_related("person", "recorded_by").order_by("at", "id")


def custodian_at(device: Device, moment: datetime.datetime) -> Person | None:
    """Who held ``device`` at ``moment`` (领用人), from its custody events; ``None`` when nobody did."""
    last = CustodyEvent.objects.filter(device=device, at__lte=moment).select_related("person").order_by("-at", "-id").first()
    return last.person if last is not None and last.action == CustodyEvent.Action.ISSUE else None


def current_custodian(device: Device) -> Person | None:
    last = CustodyEvent.objects.filter(device=device).select_related("person").order_by("-at", "-id").first()
    return last.person if last is not None and last.action == CustodyEvent.Action.ISSUE else None


def custody_history(device: Device) -> list[CustodyPeriod]:
    """The device's holdings, oldest first."""
    periods: list[CustodyPeriod] = []
    open_issue = None
    for event in custody_events(device):
        if event.action == CustodyEvent.Action.ISSUE:
            open_issue = event
        elif open_issue is not None:
            periods.append(CustodyPeriod(open_issue.person, open_issue.at, event.at, open_issue.recorded_by,
                                         event.recorded_by))
            open_issue = None
    if open_issue is not None:
        periods.append(CustodyPeriod(open_issue.person, open_issue.at, None, open_issue.recorded_by))
    return periods


def _moment(at) -> datetime.datetime:
    now = timezone.now()
    if at is None:
        return now
    if not isinstance(at, datetime.datetime):
        raise ValidationError({"at": "时间格式不正确"})
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + datetime.timedelta(minutes=1):
        raise ValidationError({"at": "领用或归还时间不能晚于现在"})
    return at


def _custody(user, device: Device, action: str, person: Person, at, note: str) -> CustodyEvent:
    event = CustodyEvent.objects.create(device=device, person=person, action=action, at=at, recorded_by=user, note=note)
    log.append(
        "device",
        {"device": device.pk, "serial": device.serial, "action": action, "person": person.pk,
         "person_name": person.name, "at": at.isoformat(), "recorded_by": user.pk, "note": note},
        agency=device.agency, at=None,
    )
    audit.record(user, f"records.device_{action}", device, after={"person": person.pk, "at": at, "note": note})
    return event


def _locked(device: Device) -> tuple[Device, CustodyEvent | None]:
    locked = Device.objects.select_for_update().select_related("agency").get(pk=device.pk)
    last = CustodyEvent.objects.filter(device=locked).select_related("person").order_by("-at", "-id").first()
    return locked, last


def issue_device(user, device: Device, person: Person, *, at=None, note: str = "") -> CustodyEvent:
    """Hand a device to a person of its agency (领用). Refused while someone else holds it."""
    _check_manager(user, device.agency)
    at = _moment(at)
    note = clean_text(note, field="note", label="备注", max_length=200, required=False)
    if person.agency_id != device.agency_id:
        raise ValidationError({"person": f"{person.name}不是{device.agency.name}的人员，不能领用该单位的设备"})
    if not person.is_active:
        raise ValidationError({"person": f"{person.name}已离岗，不能领用设备"})
    with transaction.atomic():
        device, last = _locked(device)
        if device.status != Device.Status.IN_SERVICE:
            raise ValidationError(f"设备{device.serial}状态为“{device.get_status_display()}”，不能领用")
        if last is not None and last.action == CustodyEvent.Action.ISSUE:
            raise ValidationError(
                f"设备{device.serial}已由{last.person.name}于{timezone.localtime(last.at):%Y-%m-%d %H:%M}领用，须先归还")
        if last is not None and at < last.at:
            raise ValidationError({"at": "领用时间不能早于该设备上一次归还的时间"})
        return _custody(user, device, CustodyEvent.Action.ISSUE, person, at, note)


def return_device(user, device: Device, *, at=None, note: str = "") -> CustodyEvent:
    """Take a device back from whoever holds it (归还)."""
    _check_manager(user, device.agency)
    at = _moment(at)
    note = clean_text(note, field="note", label="备注", max_length=200, required=False)
    with transaction.atomic():
        device, last = _locked(device)
        if last is None or last.action != CustodyEvent.Action.ISSUE:
            raise ValidationError(f"设备{device.serial}目前无人领用，无需归还")
        if at < last.at:
            raise ValidationError({"at": "归还时间不能早于领用时间"})
        return _custody(user, device, CustodyEvent.Action.RETURN, last.person, at, note)


STATUS_CHANGES = {
    Device.Status.IN_SERVICE: {Device.Status.REPAIR, Device.Status.RETIRED},
    Device.Status.REPAIR: {Device.Status.IN_SERVICE, Device.Status.RETIRED},
    Device.Status.RETIRED: set(),
}


def change_device_status(user, device: Device, status: str, *, reason: str) -> Device:
    """Send a device to repair, back into service, or retire it (报废, final). Refused while the device is held."""
    _check_manager(user, device.agency)
    if status not in Device.Status.values:
        raise ValidationError({"status": "未知的设备状态"})
    reason = clean_text(reason, field="reason", label="理由", max_length=200)
    with transaction.atomic():
        device, last = _locked(device)
        if status not in STATUS_CHANGES[device.status]:
            raise ValidationError({"status": f"设备状态不能从“{device.get_status_display()}”变为“{Device.Status(status).label}”"})
        if last is not None and last.action == CustodyEvent.Action.ISSUE:
            raise ValidationError(f"设备{device.serial}仍由{last.person.name}领用，须先归还")
        before = device.status
        device.status = status
        device.save(update_fields=["status"])
        audit.record(user, "records.device_status", device, before={"status": before}, after={"status": status},
                     reason=reason)
    return device


def retire_device(user, device: Device, *, reason: str) -> Device:
    return change_device_status(user, device, Device.Status.RETIRED, reason=reason)


def check_record_device(device: Device | None, *, agency: Agency) -> None:
    """For ingestion: the device named on a record must be of the record's agency and not retired."""
    if device is None:
        return
    if device.agency_id != agency.pk:
        raise ValidationError({"device": f"设备{device.serial}不属于{agency.name}"})
    if device.status == Device.Status.RETIRED:
        raise ValidationError({"device": f"设备{device.serial}已报废"})


# --- Rooms ---------------------------------------------------------------------------------------


def _room_fields(agency: Agency, *, name, kind, has_recording, device, room: Room | None = None) -> dict:
    name = clean_text(name, field="name", label="场所名称", max_length=100)
    if kind not in Room.Kind.values:
        raise ValidationError({"kind": "请选择场所类型"})
    if device is not None and device.agency_id != agency.pk:
        raise ValidationError({"device": f"设备{device.serial}不属于{agency.name}"})
    if device is not None and device.status == Device.Status.RETIRED:
        raise ValidationError({"device": f"设备{device.serial}已报废"})
    if has_recording and kind in (Room.Kind.INQUIRY, Room.Kind.HEARING) and device is None:
        raise ValidationError({"device": "具备录音录像的询问室、听证室须指定固定录制设备"})
    clash = Room.objects.filter(agency=agency, name=name)
    if room is not None:
        clash = clash.exclude(pk=room.pk)
    if clash.exists():
        raise ValidationError({"name": f"本单位已有名为“{name}”的场所"})
    return {"name": name, "kind": kind, "has_recording": bool(has_recording), "device": device}


def create_room(user, *, agency: Agency, name: str, kind: str, has_recording: bool = True,
                device: Device | None = None) -> Room:
    """Register a case-handling room with recording (询问室、听证室)."""
    _check_manager(user, agency)
    fields = _room_fields(agency, name=name, kind=kind, has_recording=has_recording, device=device)
    try:
        with transaction.atomic():
            room = Room.objects.create(agency=agency, **fields)
            audit.record(user, "records.room_created", room, after=audit.snapshot(room))
    except IntegrityError as error:
        raise ValidationError({"name": f"本单位已有名为“{fields['name']}”的场所"}) from error
    return room


def update_room(user, room: Room, *, name: str, kind: str, has_recording: bool, device: Device | None) -> Room:
    _check_manager(user, room.agency)
    fields = _room_fields(room.agency, name=name, kind=kind, has_recording=has_recording, device=device, room=room)
    with transaction.atomic():
        before = audit.snapshot(room)
        for key, value in fields.items():
            setattr(room, key, value)
        room.save()
        audit.record(user, "records.room_changed", room, before=before, after=audit.snapshot(room))
    return room
