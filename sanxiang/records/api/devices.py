"""API endpoints: AV devices, their custody, and rooms with recording (REC-04).

- ``GET devices/`` · ``POST devices/`` (agency, kind, serial, model_name)
- ``GET devices/<id>/`` with the current custodian and the custody history
- ``POST devices/<id>/issue/`` (person, at?, note?) · ``POST devices/<id>/return/`` (at?, note?) ·
  ``POST devices/<id>/status/`` (status, reason)
- ``GET rooms/`` · ``POST rooms/`` (agency, name, kind, has_recording, device?)

Reads are scoped (the agency's staff and its supervisors); writes go through ``records.devices``
(the agency's administrators); refusals answer 400 with a message per field, or 403.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sanxiang.core.access import CHANGE, VIEW
from sanxiang.org.models import Agency, Person

from .. import devices as services
from ..models import Device, Room


def _messages(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"detail": "；".join(str(m) for m in error.messages)}


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CustodyPeriodSerializer(serializers.Serializer):
    person = PersonRefSerializer()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)


class DeviceSerializer(serializers.ModelSerializer):
    custodian = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = ["id", "agency", "kind", "serial", "model_name", "status", "custodian"]

    @extend_schema(responses=PersonRefSerializer)
    def get_custodian(self, device) -> dict | None:
        person = services.current_custodian(device)
        return {"id": person.pk, "name": person.name} if person else None


class DeviceDetailSerializer(DeviceSerializer):
    history = serializers.SerializerMethodField()

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "history"]

    def get_history(self, device) -> list[dict]:
        return CustodyPeriodSerializer(services.custody_history(device), many=True).data


class DeviceInputSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    kind = serializers.CharField()
    serial = serializers.CharField(allow_blank=True)
    model_name = serializers.CharField(required=False, allow_blank=True, default="")


class IssueSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "agency", "name", "kind", "has_recording", "device"]


class RoomInputSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    name = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    has_recording = serializers.BooleanField(default=True)
    device = serializers.IntegerField(required=False, allow_null=True, default=None)


def _device(user, pk) -> Device:
    device = Device.objects.restrict(user, VIEW).select_related("agency").filter(pk=pk).first()
    if device is None:
        raise Http404
    return device


class DeviceListView(ListAPIView):
    serializer_class = DeviceSerializer

    def get_queryset(self):
        return Device.objects.restrict(self.request.user, VIEW).order_by("agency_id", "serial")

    @extend_schema(request=DeviceInputSerializer, responses={201: DeviceSerializer})
    def post(self, request):
        data = DeviceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            device = services.register_device(request.user, **data.validated_data)
        except ValidationError as error:
            return Response(_messages(error), status=400)
        return Response(DeviceSerializer(device).data, status=201)


class DeviceDetailView(APIView):
    @extend_schema(responses=DeviceDetailSerializer)
    def get(self, request, pk: int):
        return Response(DeviceDetailSerializer(_device(request.user, pk)).data)


class _DeviceAction(APIView):
    input = serializers.Serializer

    def call(self, user, device, data):
        raise NotImplementedError

    def post(self, request, pk: int):
        device = _device(request.user, pk)
        data = self.input(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            self.call(request.user, device, data.validated_data)
        except ValidationError as error:
            return Response(_messages(error), status=400)
        device.refresh_from_db()
        return Response(DeviceDetailSerializer(device).data)


class DeviceIssueView(_DeviceAction):
    input = IssueSerializer

    @extend_schema(request=IssueSerializer, responses=DeviceDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, user, device, data):
        person = Person.objects.restrict(user, VIEW).filter(pk=data["person"]).first()
        if person is None:
            raise ValidationError({"person": "找不到该人员"})
        services.issue_device(user, device, person, at=data["at"], note=data["note"])


class DeviceReturnView(_DeviceAction):
    input = ReturnSerializer

    @extend_schema(request=ReturnSerializer, responses=DeviceDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, user, device, data):
        services.return_device(user, device, at=data["at"], note=data["note"])


class DeviceStatusView(_DeviceAction):
    input = StatusSerializer

    @extend_schema(request=StatusSerializer, responses=DeviceDetailSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def call(self, user, device, data):
        services.change_device_status(user, device, data["status"], reason=data["reason"])


class RoomListView(ListAPIView):
    serializer_class = RoomSerializer

    def get_queryset(self):
        return Room.objects.restrict(self.request.user, VIEW).order_by("agency_id", "name")

    @extend_schema(request=RoomInputSerializer, responses={201: RoomSerializer})
    def post(self, request):
        data = RoomInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        device = None
        if values["device"] is not None:
            device = Device.objects.restrict(request.user, CHANGE).filter(pk=values["device"]).first()
            if device is None:
                return Response({"device": ["找不到该设备"]}, status=400)
        values["device"] = device
        try:
            room = services.create_room(request.user, **values)
        except ValidationError as error:
            return Response(_messages(error), status=400)
        return Response(RoomSerializer(room).data, status=201)


urlpatterns = [
    path("devices/", DeviceListView.as_view(), name="records-api-devices"),
    path("devices/<int:pk>/", DeviceDetailView.as_view(), name="records-api-device"),
    path("devices/<int:pk>/issue/", DeviceIssueView.as_view(), name="records-api-device-issue"),
    path("devices/<int:pk>/return/", DeviceReturnView.as_view(), name="records-api-device-return"),
    path("devices/<int:pk>/status/", DeviceStatusView.as_view(), name="records-api-device-status"),
    path("rooms/", RoomListView.as_view(), name="records-api-rooms"),
]
