from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class LogEntry(models.Model):
    """Record-log entry (全过程记录日志条目): one leaf of the RFC 9162 Merkle log.

    ``canonical`` holds the exact bytes hashed into the leaf (stable JSON that includes ``seq``,
    ``kind`` and ``created_at``); the other columns are copies kept for queries. Append-only.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("文书版本")
        EVIDENCE = "evidence", _("证据/音像记录")
        CASE_EVENT = "case_event", _("办案环节")
        ACCESS = "access", _("调阅")
        DEVICE = "device", _("设备领用")
        ARCHIVE = "archive", _("归档")
        TOMBSTONE = "tombstone", _("到期删除")
        PUBLICATION = "publication", _("公示发布")
        DRAW = "draw", _("双随机抽取")
        OTHER = "other", _("其他")

    seq = models.BigIntegerField(_("序号"), primary_key=True)  # the leaf index: 0, 1, 2, … without gaps
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    created_at = models.DateTimeField(_("时间"))
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("执法主体"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_ref = models.CharField(_("案件编号"), max_length=64, blank=True, db_index=True)
    target_id = models.CharField(_("执法对象证件号码"), max_length=18, blank=True, db_index=True)
    canonical = models.BinaryField(_("规范化内容"))
    leaf_hash = models.BinaryField(_("叶哈希"), max_length=32)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("记录日志条目")
        verbose_name_plural = _("记录日志条目")
        ordering = ["seq"]
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.seq} {self.get_kind_display()}"


class TreeNode(models.Model):
    """Cached hash of a complete subtree (level ≥ 1) of the log: leaves [index·2^level, (index+1)·2^level). Append-only."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("默克尔树节点")
        verbose_name_plural = _("默克尔树节点")
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="records_treenode_unique")]
        default_permissions = ()

    def __str__(self):
        return f"({self.level}, {self.index})"


class LogHead(models.Model):
    """The log's current size and frontier (one row, id=1): derived from the leaves, locked by every append."""

    size = models.BigIntegerField(default=0)
    frontier = models.JSONField(default=list)  # hex hashes of the complete subtrees covering [0, size)
    root = models.BinaryField(max_length=32)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"log head @ {self.size}"


class Checkpoint(models.Model):
    """Signed checkpoint (签名检查点): tree size and root, signed; exported copies are kept outside the database."""

    tree_size = models.BigIntegerField(_("树大小"), db_index=True)
    root = models.BinaryField(_("根哈希"), max_length=32)
    origin = models.CharField(_("日志标识"), max_length=200)
    note = models.TextField(_("签名文本"))
    key_name = models.CharField(_("密钥名称"), max_length=200)
    algorithm = models.CharField(_("签名算法"), max_length=20, default="ed25519")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    timestamp_token = models.BinaryField(_("可信时间戳"), null=True, blank=True)

    class Meta:
        verbose_name = _("签名检查点")
        verbose_name_plural = _("签名检查点")
        ordering = ["-tree_size", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.origin} @ {self.tree_size}"
