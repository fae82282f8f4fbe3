"""Issued documents (执法文书) and administrator-edited template versions (文书模板版本)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class IssuedDocument(models.Model):
    """A document issued in a case (执法文书): numbered, stored as DOCX and PDF in the record store, verifiable by QR.

    Append-only: a corrected document is a new row whose ``corrects`` names the old one.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    step_record = models.ForeignKey("cases.StepRecord", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="documents")
    code = models.CharField(_("文书代码"), max_length=12)
    title = models.CharField(_("文书名称"), max_length=100)
    number = models.CharField(_("文书编号"), max_length=80, blank=True)
    values = models.JSONField(_("填写内容"), default=dict)
    template = models.ForeignKey("cases.TemplateVersion", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    docx = models.ForeignKey("records.EvidenceRecord", on_delete=models.PROTECT, related_name="+")
    pdf = models.ForeignKey("records.EvidenceRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(_("DOCX SHA-256"), max_length=64)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    verify_token = models.CharField(_("核验码"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    sealed = models.BooleanField(_("已加盖印章"), default=False)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["case", "issued_at", "pk"]

    def __str__(self):
        return f"{self.title} {self.number}".strip()


class TemplateVersion(models.Model):
    """A version of a document template (文书模板版本) uploaded by an administrator: a DOCX for docxtpl.

    ``agency`` empty means a system-wide template. Each version is a record (its DOCX is an evidence
    record in the record store); the newest active version of a code is used.
    """

    code = models.CharField(_("文书代码"), max_length=12)
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("版本号"))
    docx = models.ForeignKey("records.EvidenceRecord", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("上传时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("文书模板版本")
        verbose_name_plural = _("文书模板版本")
        ordering = ["code", "-number"]
        constraints = [models.UniqueConstraint(fields=["code", "agency", "number"], name="cases_template_unique")]

    def __str__(self):
        return f"{self.code} v{self.number}"
