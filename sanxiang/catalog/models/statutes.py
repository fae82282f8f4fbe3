from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class Statute(models.Model):
    """A law, regulation or rule in the statute library (法律法规库) that legal bases cite."""

    class Level(models.TextChoices):
        LAW = "law", _("法律")
        ADMINISTRATIVE_REGULATION = "admin_regulation", _("行政法规")
        LOCAL_REGULATION = "local_regulation", _("地方性法规")
        DEPARTMENTAL_RULE = "departmental_rule", _("部门规章")
        LOCAL_RULE = "local_rule", _("地方政府规章")
        NORMATIVE_DOCUMENT = "normative_document", _("规范性文件")

    title = models.CharField(_("名称"), max_length=200)
    short_title = models.CharField(_("简称"), max_length=60, blank=True)
    level = models.CharField(_("效力位阶"), max_length=30, choices=Level.choices)
    issuer = models.CharField(_("制定机关"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    source = models.CharField(_("文本来源"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("法律法规")
        verbose_name_plural = _("法律法规库")
        ordering = ["level", "title"]
        constraints = [models.UniqueConstraint(fields=["title"], name="catalog_statute_unique_title")]

    def __str__(self):
        return f"《{self.title}》"


class Provision(models.Model):
    """One citable provision (条/款/项) of a statute, with its text; 0 for paragraph or item means "the whole".

    ``max_fine_person`` / ``max_fine_org`` are the highest fine (元) the provision allows, where it
    sets one; a discretion tier citing it may not exceed them.
    """

    statute = models.ForeignKey(Statute, on_delete=models.PROTECT, related_name="provisions", verbose_name=_("法律法规"))
    article = models.PositiveIntegerField(_("条"))
    paragraph = models.PositiveIntegerField(_("款"), default=0)
    item = models.PositiveIntegerField(_("项"), default=0)
    text = models.TextField(_("条文"))
    max_fine_person = models.DecimalField(_("对个人罚款上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_fine_org = models.DecimalField(_("对单位罚款上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("条款")
        verbose_name_plural = _("条款")
        ordering = ["statute", "article", "paragraph", "item"]
        constraints = [
            models.UniqueConstraint(fields=["statute", "article", "paragraph", "item"], name="catalog_provision_unique"),
        ]

    def __str__(self):
        return f"{self.statute}{self.citation}"

    @property
    def citation(self) -> str:
        """The provision's number in the usual Chinese form, e.g. 第三十条第一款第（二）项."""
        from sanxiang.catalog.citations import cite

        return cite(self.article, self.paragraph, self.item)
