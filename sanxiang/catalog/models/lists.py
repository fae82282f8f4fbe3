from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class ListKind(models.TextChoices):
    """The kinds of list an agency publishes before enforcement (事前公开)."""

    ITEM = "item", _("行政执法事项清单")
    INSPECTION_ITEM = "inspection_item", _("随机抽查事项清单")
    INSPECTION_PLAN = "inspection_plan", _("年度抽查计划")
    GUIDE = "guide", _("服务指南")
    TEMPLATE = "template", _("执法文书样本")
    REVIEW_CATALOG = "review_catalog", _("重大执法决定法制审核目录清单")
    AV_LIST = "av_list", _("音像记录事项清单")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    PUBLISHED = "published", _("已发布")


class Entry(models.Model):
    """One entry of an agency's list (清单事项) — its identity across all its versions.

    ``code`` is unique per agency and kind (e.g. an item's 事项编码). ``department`` is the owning
    department (承办机构) that drafts its versions and answers error reports about it.
    """

    kind = models.CharField(_("清单类别"), max_length=30, choices=ListKind.choices)
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="catalog_entries",
                               verbose_name=_("执法主体"))
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="catalog_entries", verbose_name=_("承办机构"))
    code = models.CharField(_("编码"), max_length=60)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["agency", "kind", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "kind", "code"], name="catalog_entry_unique_code")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code}"


class Version(models.Model):
    """One version (版本) of a list entry: drafted, checked, then published with its effective dates (PUB-10).

    ``content`` holds the kind's fields, checked by ``sanxiang.catalog.kinds`` before it is saved.
    A published version's content never changes; a change is a new version. The version in force
    on a day is the published one whose ``effective_from`` ≤ day < ``effective_to`` (open end = still
    in force). ``title`` and ``category`` repeat what lists and filters need from ``content``.
    """

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="versions", verbose_name=_("清单事项"))
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    title = models.CharField(_("名称"), max_length=300)
    category = models.CharField(_("类别"), max_length=40, blank=True)
    content = models.JSONField(_("内容"), default=dict)
    search_text = models.TextField(_("检索文本"), blank=True)
    change_note = models.TextField(_("修订说明"), blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("起草人"))
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("送审时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    log_seq = models.BigIntegerField(_("记录日志序号"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("清单版本")
        verbose_name_plural = _("清单版本")
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="catalog_version_unique_number"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_from__isnull=False,
                                                                          effective_to__gte=models.F("effective_from")),
                name="catalog_version_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_from"], name="catalog_version_in_force")]

    def __str__(self):
        return f"{self.title}（第{self.number}版）"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED
