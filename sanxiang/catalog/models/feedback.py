from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class ErrorReport(models.Model):
    """A public report of an error on a published page (纠错, PUB-10), handled by the owning department by a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        CORRECTED = "corrected", _("已更正")
        REJECTED = "rejected", _("经核实无误")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="error_reports",
                               verbose_name=_("执法主体"))
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="error_reports", verbose_name=_("承办机构"))
    entry = models.ForeignKey("catalog.Entry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="error_reports", verbose_name=_("清单事项"))
    page_path = models.CharField(_("页面地址"), max_length=500)
    text = models.TextField(_("纠错内容"))
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    due_on = models.DateField(_("办理期限"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("处理结果"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("处理人"))
    answered_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    corrected_by_version = models.ForeignKey("catalog.Version", null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+", verbose_name=_("更正后的版本"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("纠错")
        verbose_name_plural = _("纠错")
        ordering = ["status", "due_on"]

    def __str__(self):
        return f"{self.page_path} {self.created_at:%Y-%m-%d}"
