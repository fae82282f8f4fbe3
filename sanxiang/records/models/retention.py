from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionCategory(models.Model):
    """Retention category (保存期限类别): ``months`` empty = permanent."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    months = models.PositiveIntegerField(_("保存月数"), null=True, blank=True)

    class Meta:
        verbose_name = _("保存期限类别")
        verbose_name_plural = _("保存期限类别")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.code == "routine" and self.months is not None and self.months < 6:
            raise ValidationError({"months": _("未关联案件的日常音像记录保存期限不得少于6个月")})


class RemovalRequest(models.Model):
    """Removal of a record's content at the end of retention (到期删除): a reason and two people's approval.

    The content goes; the log entry stays, and a tombstone entry says what was removed, by whom, why.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待批准")
        APPROVED = "approved", _("已批准")
        EXECUTED = "executed", _("已删除")
        REJECTED = "rejected", _("已驳回")

    evidence = models.ForeignKey("records.EvidenceRecord", on_delete=models.PROTECT, related_name="removals")
    category = models.ForeignKey(RetentionCategory, on_delete=models.PROTECT)
    reason = models.TextField(_("理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    tombstone = models.OneToOneField(
        "records.LogEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="removal"
    )

    class Meta:
        verbose_name = _("到期删除申请")
        verbose_name_plural = _("到期删除申请")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("requested_by")),
                name="records_removal_two_people",
            ),
        ]

    def __str__(self):
        return f"{self.evidence} · {self.get_status_display()}"
