from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseArchive(models.Model):
    """Case-file archive (案卷归档): the BagIt bag of a case; once it exists the case's records are sealed. Append-only."""

    case_ref = models.CharField(_("案件编号"), max_length=64, unique=True)
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    log_entry = models.OneToOneField("records.LogEntry", on_delete=models.PROTECT, related_name="archive")
    checkpoint = models.ForeignKey("records.Checkpoint", on_delete=models.PROTECT, related_name="+")
    bag_name = models.CharField(_("归档包"), max_length=255)
    bag_sha256 = models.CharField(max_length=64)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField(_("归档时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案卷归档")
        verbose_name_plural = _("案卷归档")
        ordering = ["-archived_at"]

    def __str__(self):
        return self.case_ref
