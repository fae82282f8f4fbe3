from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyAccessCode(models.Model):
    """Per-case access code (当事人查询码) with which the party of a case views the documents served on them.

    Only a hash of the code is stored; the code is shown once, when issued, and printed on the served documents.
    """

    case_ref = models.CharField(_("案件编号"), max_length=64, db_index=True)
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    party_name = models.CharField(_("当事人"), max_length=200)
    party_id = models.CharField(_("当事人证件号码"), max_length=18)
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("当事人查询码")
        verbose_name_plural = _("当事人查询码")

    def __str__(self):
        return f"{self.case_ref} · {self.party_name}"
