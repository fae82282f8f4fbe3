from django.db import models
from django.utils.translation import gettext_lazy as _


class AVRule(models.Model):
    """An entry of the AV recording item list (音像记录事项清单, REC-03): which activity needs which recording.

    ``agency`` empty = the default for every agency; an agency's own entry for the same activity wins.
    The catalog app takes this table over later.
    """

    class Requirement(models.TextChoices):
        FULL = "full", _("全过程音像记录")
        AS_NEEDED = "as_needed", _("根据情况音像记录")
        TEXT_ALLOWED = "text_allowed", _("可以文字记录代替")

    activity = models.CharField(_("活动代码"), max_length=40)
    name = models.CharField(_("执法活动"), max_length=100)
    requirement = models.CharField(_("记录要求"), max_length=20, choices=Requirement.choices)
    basis = models.TextField(_("依据"), blank=True)
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("音像记录事项")
        verbose_name_plural = _("音像记录事项清单")
        ordering = ["activity"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "agency"], name="records_avrule_unique_per_agency"),
            models.UniqueConstraint(
                fields=["activity"], condition=models.Q(agency__isnull=True), name="records_avrule_unique_default"
            ),
        ]

    def __str__(self):
        return self.name
