from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class Device(models.Model):
    """Audio/video device (执法记录仪、录音笔等): "谁使用、谁保管、谁负责"; its custodian comes from its custody events."""

    class Kind(models.TextChoices):
        BODY_CAMERA = "body_camera", _("执法记录仪")
        RECORDER = "recorder", _("录音笔")
        CAMERA = "camera", _("照相机/摄像机")
        FIXED = "fixed", _("固定录音录像设备")
        STATION = "station", _("采集工作站")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("在用")
        REPAIR = "repair", _("维修")
        RETIRED = "retired", _("报废")

    agency = models.ForeignKey("org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    serial = models.CharField(_("设备编号"), max_length=80, unique=True)
    model_name = models.CharField(_("型号"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.IN_SERVICE)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("音像记录设备")
        verbose_name_plural = _("音像记录设备")
        ordering = ["agency", "serial"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.serial}"


class CustodyEvent(models.Model):
    """A device handed to or returned by a person (设备领用/归还). Append-only."""

    class Action(models.TextChoices):
        ISSUE = "issue", _("领用")
        RETURN = "return", _("归还")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="custody")
    person = models.ForeignKey("org.Person", verbose_name=_("保管人"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("事项"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("设备领用记录")
        verbose_name_plural = _("设备领用记录")
        ordering = ["device", "at", "id"]

    def __str__(self):
        return f"{self.device} {self.get_action_display()} {self.person}"


class Room(models.Model):
    """Case-handling premises with recording (询问室、听证室)."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("询问室")
        HEARING = "hearing", _("听证室")
        OTHER = "other", _("其他办案场所")

    agency = models.ForeignKey("org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    has_recording = models.BooleanField(_("具备录音录像"), default=True)
    device = models.ForeignKey(
        Device, verbose_name=_("固定录制设备"), null=True, blank=True, on_delete=models.PROTECT, related_name="rooms"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办案场所")
        verbose_name_plural = _("办案场所")
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="records_room_unique_name")]

    def __str__(self):
        return self.name
