import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadSession(models.Model):
    """Resumable upload (断点续传): the offset lives here, so an upload survives a dropped connection or a restart."""

    class Status(models.TextChoices):
        OPEN = "open", _("上传中")
        COMPLETE = "complete", _("已完成")
        ABORTED = "aborted", _("已放弃")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    length = models.BigIntegerField(_("文件大小"))
    offset = models.BigIntegerField(_("已接收字节"), default=0)
    metadata = models.JSONField(_("元数据"), default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    evidence = models.OneToOneField(
        "records.EvidenceRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="upload"
    )

    class Meta:
        verbose_name = _("上传会话")
        verbose_name_plural = _("上传会话")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offset__gte=0, offset__lte=models.F("length")), name="records_upload_offset_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.id} {self.offset}/{self.length}"
