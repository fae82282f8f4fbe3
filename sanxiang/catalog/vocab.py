"""Controlled vocabularies the catalogs, the case workflow and the legal review share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActKind(models.TextChoices):
    """Kinds of administrative enforcement act (行政执法行为类别)."""

    LICENSE = "license", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    INSPECTION = "inspection", _("行政检查")
    LEVY = "levy", _("行政征收")
    REQUISITION = "requisition", _("行政征用")
    CONFIRMATION = "confirmation", _("行政确认")
    ADJUDICATION = "adjudication", _("行政裁决")
    PAYMENT = "payment", _("行政给付")
    REWARD = "reward", _("行政奖励")
    OTHER = "other", _("其他行政权力")


class PenaltyKind(models.TextChoices):
    """Kinds of administrative penalty (行政处罚种类, 《行政处罚法》第九条)."""

    WARNING = "warning", _("警告")
    CRITICISM = "criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATE_GAINS = "confiscate_gains", _("没收违法所得")
    CONFISCATE_PROPERTY = "confiscate_property", _("没收非法财物")
    SUSPEND_LICENSE = "suspend_license", _("暂扣许可证件")
    LOWER_QUALIFICATION = "lower_qualification", _("降低资质等级")
    REVOKE_LICENSE = "revoke_license", _("吊销许可证件")
    RESTRICT_OPERATIONS = "restrict_operations", _("限制开展生产经营活动")
    SUSPEND_OPERATIONS = "suspend_operations", _("责令停产停业")
    CLOSE = "close", _("责令关闭")
    RESTRICT_PRACTICE = "restrict_practice", _("限制从业")
    DETENTION = "detention", _("行政拘留")
    OTHER = "other", _("法律、行政法规规定的其他行政处罚")


class Severity(models.TextChoices):
    """Tiers of violation circumstances in a discretion benchmark (裁量阶次)."""

    MINOR = "minor", _("轻微")
    ORDINARY = "ordinary", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class AVRequirement(models.TextChoices):
    """What recording an enforcement activity needs (REC-03). Same values as ``records.AVRule.Requirement``."""

    FULL = "full", _("全过程音像记录")
    AS_NEEDED = "as_needed", _("根据情况音像记录")
    TEXT_ALLOWED = "text_allowed", _("可以文字记录代替")


class ComplexityFlag(models.TextChoices):
    """Circumstances a review catalog may name as making a case major (REV-02, 《行政处罚法》第五十八条)."""

    PUBLIC_INTEREST = "public_interest", _("涉及重大公共利益")
    SOCIAL_IMPACT = "social_impact", _("可能造成重大社会影响或引发社会风险")
    THIRD_PARTY_RIGHTS = "third_party_rights", _("直接关系当事人或者第三人重大权益，经过听证程序的")
    COMPLEX = "complex", _("案件情况疑难复杂、涉及多个法律关系")
    CROSS_REGION = "cross_region", _("跨区域、跨部门的案件")
    OTHER_BY_LAW = "other_by_law", _("法律、法规规定应当进行法制审核的其他情形")
