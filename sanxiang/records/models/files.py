from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class Blob(models.Model):
    """Stored content (内容寻址文件): identical bytes are stored once, under their SHA-256; never rewritten. Append-only."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    sm3 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(_("字节数"))
    media_type = models.CharField(_("文件类型"), max_length=100)
    storage_name = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("存储文件")
        verbose_name_plural = _("存储文件")
        default_permissions = ("view",)

    def __str__(self):
        return self.sha256


class PartyType(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")


class EvidenceRecord(models.Model):
    """Evidence or audio/video record (证据材料/音像记录) with its metadata. Append-only: corrections are new records."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        VIDEO = "video", _("视频")
        AUDIO = "audio", _("录音")
        SCAN = "scan", _("扫描件")
        DOCUMENT = "document", _("电子文档")

    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="records")
    log_entry = models.OneToOneField("records.LogEntry", on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    agency = models.ForeignKey("org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+")
    case_ref = models.CharField(_("案件编号"), max_length=64, blank=True, db_index=True)
    step_ref = models.CharField(_("办案环节"), max_length=64, blank=True)
    activity = models.CharField(_("执法活动"), max_length=40, blank=True, help_text=_("音像记录事项清单中的活动代码"))
    target_type = models.CharField(_("执法对象类型"), max_length=20, choices=PartyType.choices, blank=True)
    target_id = models.CharField(_("执法对象证件号码"), max_length=18, blank=True, db_index=True)
    target_name = models.CharField(_("执法对象名称"), max_length=200, blank=True)
    officers = models.ManyToManyField("org.Person", verbose_name=_("执法人员"), blank=True, related_name="+")
    device = models.ForeignKey(
        "records.Device", verbose_name=_("记录设备"), null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    room = models.ForeignKey(
        "records.Room", verbose_name=_("场所"), null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    captured_from = models.DateTimeField(_("拍摄/录制开始"), null=True, blank=True)
    captured_to = models.DateTimeField(_("拍摄/录制结束"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    vendor_integrity_id = models.CharField(_("采集站完整性标识"), max_length=200, blank=True)
    served_to_party = models.BooleanField(_("已送达当事人"), default=False, help_text=_("送达当事人的文书，当事人可凭查询码查看"))
    corrects = models.ForeignKey(
        "self", verbose_name=_("更正的记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("证据/音像记录")
        verbose_name_plural = _("证据/音像记录")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(captured_from__isnull=True) | Q(captured_to__isnull=True) | Q(captured_to__gte=F("captured_from")),
                name="records_evidence_capture_in_order",
            ),
        ]

    def __str__(self):
        return self.title
