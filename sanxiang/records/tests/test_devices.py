"""REC-04 devices and premises: registration, custody from append-only events, rooms with recording."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from sanxiang.core.models import AuditEvent
from sanxiang.records import devices, log
from sanxiang.records.models import CustodyEvent, Device, LogEntry, Room

pytestmark = pytest.mark.req("REC-04")


@pytest.fixture
def camera(cast):
    return devices.register_device(cast.admin_a, agency=cast.agency_a, kind=Device.Kind.BODY_CAMERA,
                                   serial=" dsj-0001 ", model_name="DSJ-V9")


def ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def test_it_registers_a_device_with_a_normalised_serial(cast, camera):
    assert camera.serial == "DSJ-0001" and camera.status == Device.Status.IN_SERVICE
    assert AuditEvent.objects.filter(action="records.device_registered", object_id=str(camera.pk)).exists()


@pytest.mark.parametrize("serial", ["DSJ-0001", "dsj-0001", "ＤＳＪ－０００１"])
def test_a_serial_registered_twice_gets_a_clear_error(cast, camera, serial):
    with pytest.raises(ValidationError, match="已登记"):
        devices.register_device(cast.admin_a, agency=cast.agency_a, kind=Device.Kind.RECORDER, serial=serial)
    assert Device.objects.count() == 1


@pytest.mark.parametrize("data, field", [
    ({"serial": ""}, "serial"),
    ({"serial": "<b>1</b>"}, "serial"),
    ({"kind": "drone"}, "kind"),
    ({"serial": "X" * 81}, "serial"),
])
def test_bad_device_input_is_refused(cast, data, field):
    with pytest.raises(ValidationError) as caught:
        devices.register_device(cast.admin_a, **{"agency": cast.agency_a, "kind": "recorder", "serial": "LY-1", **data})
    assert field in caught.value.message_dict
    assert not Device.objects.exists()


@pytest.mark.parametrize("who", ["officer_a", "leader", "officer_b", "supervisor"])
def test_only_the_agencys_administrators_manage_devices(cast, camera, who):
    user = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        devices.register_device(user, agency=cast.agency_a, kind="recorder", serial="LY-9")
    with pytest.raises(PermissionDenied):
        devices.issue_device(user, camera, cast.officer_a.person)
    assert not CustodyEvent.objects.exists() and Device.objects.count() == 1


def test_custody_is_computed_from_issue_and_return_events(cast, camera):
    a, a2 = cast.officer_a.person, cast.officer_a2.person
    devices.issue_device(cast.admin_a, camera, a, at=ago(10))
    devices.return_device(cast.admin_a, camera, at=ago(8))
    devices.issue_device(cast.admin_a, camera, a2, at=ago(5), note="外勤")
    assert devices.custodian_at(camera, ago(11)) is None
    assert devices.custodian_at(camera, ago(9)) == a
    assert devices.custodian_at(camera, ago(7)) is None
    assert devices.custodian_at(camera, ago(1)) == a2
    assert devices.current_custodian(camera) == a2
    history = devices.custody_history(camera)
    assert [(p.person, p.until is None) for p in history] == [(a, False), (a2, True)]
    entries = LogEntry.objects.filter(kind="device").order_by("seq")
    assert [log.decode(e)["payload"]["action"] for e in entries] == ["issue", "return", "issue"]
    assert log.decode(entries.last())["payload"]["person_name"] == "李执法"


def test_a_device_already_held_is_not_issued_again_until_returned(cast, camera):
    devices.issue_device(cast.admin_a, camera, cast.officer_a.person)
    with pytest.raises(ValidationError, match="已由张执法.*领用，须先归还"):
        devices.issue_device(cast.admin_a, camera, cast.officer_a2.person)
    assert CustodyEvent.objects.count() == 1 and LogEntry.objects.filter(kind="device").count() == 1
    devices.return_device(cast.admin_a, camera)
    devices.issue_device(cast.admin_a, camera, cast.officer_a2.person)
    assert devices.current_custodian(camera) == cast.officer_a2.person


def test_returning_a_device_nobody_holds_is_refused(cast, camera):
    with pytest.raises(ValidationError, match="无人领用"):
        devices.return_device(cast.admin_a, camera)
    assert not CustodyEvent.objects.exists()


def test_the_person_must_belong_to_the_devices_agency_and_be_in_service(cast, camera):
    with pytest.raises(ValidationError, match="不是样例县市场监督管理局的人员"):
        devices.issue_device(cast.admin_a, camera, cast.officer_b.person)
    person = cast.officer_a2.person
    person.is_active = False
    person.save()
    with pytest.raises(ValidationError, match="已离岗"):
        devices.issue_device(cast.admin_a, camera, person)
    assert not CustodyEvent.objects.exists()


def test_times_out_of_order_or_in_the_future_are_refused(cast, camera):
    with pytest.raises(ValidationError, match="不能晚于现在"):
        devices.issue_device(cast.admin_a, camera, cast.officer_a.person, at=timezone.now() + datetime.timedelta(days=1))
    devices.issue_device(cast.admin_a, camera, cast.officer_a.person, at=ago(2))
    with pytest.raises(ValidationError, match="不能早于领用时间"):
        devices.return_device(cast.admin_a, camera, at=ago(3))
    assert CustodyEvent.objects.count() == 1


def test_custody_events_cannot_be_changed_or_deleted(cast, camera):
    event = devices.issue_device(cast.admin_a, camera, cast.officer_a.person)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).update(note="改")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).delete()
    assert CustodyEvent.objects.get().note == ""


def test_retiring_a_held_device_is_refused_and_retired_is_final(cast, camera):
    devices.issue_device(cast.admin_a, camera, cast.officer_a.person)
    with pytest.raises(ValidationError, match="须先归还"):
        devices.retire_device(cast.admin_a, camera, reason="损坏")
    devices.return_device(cast.admin_a, camera)
    devices.retire_device(cast.admin_a, camera, reason="镜头损坏无法维修")
    camera.refresh_from_db()
    assert camera.status == Device.Status.RETIRED
    assert AuditEvent.objects.get(action="records.device_status").reason == "镜头损坏无法维修"
    with pytest.raises(ValidationError, match="不能领用"):
        devices.issue_device(cast.admin_a, camera, cast.officer_a.person)
    with pytest.raises(ValidationError, match="不能从“报废”"):
        devices.change_device_status(cast.admin_a, camera, Device.Status.IN_SERVICE, reason="修好了")
    with pytest.raises(ValidationError, match="理由"):
        devices.change_device_status(cast.admin_a, camera, Device.Status.REPAIR, reason="")


def test_rooms_with_recording_name_a_fixed_device_of_the_agency(cast, camera):
    fixed = devices.register_device(cast.admin_a, agency=cast.agency_a, kind=Device.Kind.FIXED, serial="GD-1")
    room = devices.create_room(cast.admin_a, agency=cast.agency_a, name="一号询问室", kind=Room.Kind.INQUIRY, device=fixed)
    assert room.has_recording and room.device == fixed
    with pytest.raises(ValidationError, match="已有名为"):
        devices.create_room(cast.admin_a, agency=cast.agency_a, name="一号询问室", kind=Room.Kind.HEARING, device=fixed)
    with pytest.raises(ValidationError, match="须指定固定录制设备"):
        devices.create_room(cast.admin_a, agency=cast.agency_a, name="听证室", kind=Room.Kind.HEARING, device=None)
    other = devices.register_device(cast.admin_a, agency=cast.agency_a, kind=Device.Kind.FIXED, serial="GD-B")
    Device.objects.filter(pk=other.pk).update(agency=cast.agency_b)
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="不属于"):
        devices.create_room(cast.admin_a, agency=cast.agency_a, name="听证室", kind=Room.Kind.HEARING, device=other)
    assert Room.objects.count() == 1
    devices.update_room(cast.admin_a, room, name="第一询问室", kind=Room.Kind.INQUIRY, has_recording=True, device=fixed)
    assert Room.objects.get().name == "第一询问室"


def test_a_record_names_a_device_of_its_own_agency(cast, camera):
    devices.check_record_device(camera, agency=cast.agency_a)
    with pytest.raises(ValidationError, match="不属于"):
        devices.check_record_device(camera, agency=cast.agency_b)


# --- Pages, API and admin --------------------------------------------------------------------------


def test_the_pages_register_issue_and_show_the_custody_history(client, cast):
    client.force_login(cast.admin_a)
    response = client.post(reverse("records:device-add"), {
        "agency": cast.agency_a.pk, "kind": "body_camera", "serial": "DSJ-7", "model_name": ""})
    device = Device.objects.get(serial="DSJ-7")
    assert response.status_code == 302
    twice = client.post(reverse("records:device-add"), {"agency": cast.agency_a.pk, "kind": "recorder", "serial": "dsj-7"})
    assert "已登记" in twice.content.decode() and Device.objects.count() == 1
    client.post(reverse("records:device-issue", args=[device.pk]), {"person": cast.officer_a.person.pk, "note": ""})
    held = client.post(reverse("records:device-issue", args=[device.pk]), {"person": cast.officer_a2.person.pk})
    assert "须先归还" in held.content.decode()
    client.force_login(cast.officer_a2)
    page = client.get(reverse("records:device-detail", args=[device.pk])).content.decode()
    assert "张执法" in page and "使用中" in page
    assert client.get(reverse("records:device-issue", args=[device.pk])).status_code == 403
    client.force_login(cast.officer_b)
    assert client.get(reverse("records:device-detail", args=[device.pk])).status_code == 404
    assert "DSJ-7" not in client.get(reverse("records:device-list")).content.decode()


def test_the_room_pages_register_a_room(client, cast, camera):
    client.force_login(cast.admin_a)
    client.post(reverse("records:room-add"), {"agency": cast.agency_a.pk, "name": "听证室", "kind": "hearing",
                                              "has_recording": "on", "device": camera.pk})
    room = Room.objects.get()
    bad = client.post(reverse("records:room-add"), {"agency": cast.agency_a.pk, "name": "听证室", "kind": "hearing",
                                                    "has_recording": "on", "device": camera.pk})
    assert "已有名为" in bad.content.decode() and Room.objects.count() == 1
    client.post(reverse("records:room-edit", args=[room.pk]), {"name": "第一听证室", "kind": "hearing",
                                                                "has_recording": "on", "device": camera.pk})
    page = client.get(reverse("records:device-list")).content.decode()
    assert "第一听证室" in page
    assert f'<a href="{reverse("records:device-list")}" class="active"' in page  # the main navigation
    assert f'href="{reverse("records:evidence-list")}"' in page


def test_the_api_manages_devices_and_custody(client, cast):
    client.force_login(cast.admin_a)
    created = client.post(reverse("records-api-devices"), {"agency": cast.agency_a.pk, "kind": "recorder",
                                                           "serial": "LY-1"}, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    again = client.post(reverse("records-api-devices"), {"agency": cast.agency_a.pk, "kind": "recorder",
                                                         "serial": "ly-1"}, content_type="application/json")
    assert again.status_code == 400 and "已登记" in again.json()["serial"][0]
    issued = client.post(reverse("records-api-device-issue", args=[pk]), {"person": cast.officer_a.person.pk},
                         content_type="application/json")
    assert issued.json()["custodian"]["name"] == "张执法"
    refused = client.post(reverse("records-api-device-issue", args=[pk]), {"person": cast.officer_b.person.pk},
                          content_type="application/json")
    assert refused.status_code == 400
    client.post(reverse("records-api-device-return", args=[pk]), {}, content_type="application/json")
    detail = client.get(reverse("records-api-device", args=[pk])).json()
    assert detail["custodian"] is None and detail["history"][0]["person"]["name"] == "张执法"
    room = client.post(reverse("records-api-rooms"), {"agency": cast.agency_a.pk, "name": "询问室", "kind": "inquiry",
                                                      "device": pk}, content_type="application/json")
    assert room.status_code == 201
    client.force_login(cast.officer_a)
    assert client.post(reverse("records-api-device-return", args=[pk]), {}, content_type="application/json"
                       ).status_code == 403
    assert client.get(reverse("records-api-devices")).json()["count"] == 1
    client.force_login(cast.officer_b)
    assert client.get(reverse("records-api-devices")).json()["count"] == 0
    assert client.get(reverse("records-api-device", args=[pk])).status_code == 404


def test_the_admin_shows_records_read_only_and_deletes_nothing(client, cast, camera):
    from django.contrib import admin as django_admin
    from django.contrib.auth import get_user_model

    from sanxiang.records.models import AVRule

    devices.issue_device(cast.admin_a, camera, cast.officer_a.person)
    root = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(root)
    for model in (Device, CustodyEvent, LogEntry, AVRule):
        url = reverse(f"admin:records_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model
    for model, model_admin in django_admin.site._registry.items():
        if model._meta.app_label == "records":
            assert not model_admin.has_delete_permission(None), model
    request = type("R", (), {"user": root})()
    assert not django_admin.site._registry[CustodyEvent].has_change_permission(request)
    rule = AVRule.objects.get(activity="seizure", agency__isnull=True)
    response = client.post(reverse("admin:records_avrule_change", args=[rule.pk]), {
        "activity": "seizure", "name": "查封扣押财产", "requirement": "full", "basis": "新依据", "agency": ""})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="records.avrule_changed").exists()
