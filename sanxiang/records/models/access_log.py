from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessEvent(models.Model):
    """Access to a record (调阅记录): who viewed or downloaded what, and why. Itself a log entry; append-only."""

    class Action(models.TextChoices):
        VIEW = "view", _("查看")
        DOWNLOAD = "download", _("下载")
        PROOF = "proof", _("取证明")

    log_entry = models.OneToOneField("records.LogEntry", on_delete=models.PROTECT, related_name="access")
    evidence = models.ForeignKey(
        "records.EvidenceRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    subject_seq = models.BigIntegerField(_("被调阅条目序号"), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    party_label = models.CharField(_("当事人（凭查询码）"), max_length=200, blank=True)
    action = models.CharField(_("方式"), max_length=10, choices=Action.choices)
    purpose = models.CharField(_("调阅事由"), max_length=300)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    client_address = models.CharField(_("客户端地址"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("调阅记录")
        verbose_name_plural = _("调阅记录")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} #{self.subject_seq}"
