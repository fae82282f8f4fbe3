from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class MarketSubject(models.Model):
    """An entry of the directory of inspection objects (检查对象名录库) the double-random draw picks from."""

    class Type(models.TextChoices):
        COMPANY = "company", _("企业")
        INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
        COOPERATIVE = "cooperative", _("农民专业合作社")
        OTHER_ORG = "other_org", _("其他组织")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="market_subjects",
                               verbose_name=_("监管主体"))
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=200)
    type = models.CharField(_("主体类型"), max_length=30, choices=Type.choices, default=Type.COMPANY)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    region = models.ForeignKey("org.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在区域"))
    tags = models.JSONField(_("监管标签"), default=list, blank=True,
                            help_text=_("随机抽查事项按标签圈定检查对象范围，如“食品经营”"))
    is_active = models.BooleanField(_("在册"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录库")
        ordering = ["agency", "uscc"]
        constraints = [models.UniqueConstraint(fields=["agency", "uscc"], name="catalog_subject_unique_uscc")]

    def __str__(self):
        return self.name


class ConflictDeclaration(models.Model):
    """An inspector's declared conflict of interest (利害关系回避申报) with an inspection object."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="conflicts",
                               verbose_name=_("执法人员"))
    subject = models.ForeignKey(MarketSubject, on_delete=models.PROTECT, related_name="conflicts",
                                verbose_name=_("检查对象"))
    reason = models.CharField(_("回避事由"), max_length=300)
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [models.UniqueConstraint(fields=["person", "subject"], name="catalog_conflict_unique")]

    def __str__(self):
        return f"{self.person} / {self.subject}"


class Draw(models.Model):
    """A double-random draw (双随机抽取) of inspection objects and inspectors for one inspection task.

    Announcing it freezes its inputs (the candidate objects, the candidate inspectors, the declared
    conflicts) and its seed, and publishes them with their digest before anything is drawn; the draw
    is then a pure function of those inputs, so anyone can run it again (``sanxiang draw replay``).
    """

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("已公布种子，待抽取")
        DRAWN = "drawn", _("已抽取")
        CANCELLED = "cancelled", _("已取消")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="draws", verbose_name=_("执法主体"))
    plan = models.ForeignKey("catalog.Version", null=True, blank=True, on_delete=models.PROTECT, related_name="draws",
                             verbose_name=_("年度抽查计划（版本）"))
    item = models.ForeignKey("catalog.Version", on_delete=models.PROTECT, related_name="item_draws",
                             verbose_name=_("随机抽查事项（版本）"))
    title = models.CharField(_("抽查任务名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ANNOUNCED)
    algorithm = models.CharField(_("抽取算法"), max_length=40, default="sha256-rank-v1")
    seed = models.CharField(_("随机种子"), max_length=128)
    ratio_percent = models.DecimalField(_("抽查比例（%）"), max_digits=6, decimal_places=2)
    inspectors_per_object = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    inputs = models.JSONField(_("抽取输入"), default=dict)
    inputs_digest = models.CharField(_("输入摘要（SHA-256）"), max_length=64)
    result = models.JSONField(_("抽取结果"), null=True, blank=True)
    result_digest = models.CharField(_("结果摘要（SHA-256）"), max_length=64, blank=True)
    announced_at = models.DateTimeField(_("公布时间"))
    announced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("公布人"))
    scheduled_for = models.DateTimeField(_("计划抽取时间"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("抽取人"))
    announce_seq = models.BigIntegerField(_("公布记录序号"), null=True, blank=True)
    draw_seq = models.BigIntegerField(_("抽取记录序号"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-announced_at"]

    def __str__(self):
        return self.title
