"""Recorded steps of a case (办案环节记录): append-only, each with its record-log entry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import RestrictedQuerySet


class StepRecord(models.Model):
    """One recorded act in a case (办案环节记录) — a move to a step of the flow, or an act within a step.

    Never updated or deleted (database triggers refuse it); a correction is a new record whose
    ``corrects`` points to what it corrects (REC-01). ``log_seq`` is the record-log entry's sequence
    number; the entry's canonical bytes hold the same data.
    """

    class Action(models.TextChoices):
        REGISTER = "register", _("登记")
        TRANSITION = "transition", _("办理环节")
        EXTEND = "extend", _("延长期限")
        PAUSE = "pause", _("期限中止（不计入）")
        RESUME = "resume", _("期限恢复")
        CORRECT = "correct", _("更正")
        NOTE = "note", _("补充记录")
        EVIDENCE = "evidence", _("关联证据")
        DOCUMENT = "document", _("出具文书")
        OFFICERS = "officers", _("调整承办人员")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="steps")
    index = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("类型"), max_length=12, choices=Action.choices)
    step = models.CharField(_("环节"), max_length=40)
    from_step = models.CharField(_("来自环节"), max_length=40, blank=True)
    data = models.JSONField(_("内容"), default=dict)
    occurred_at = models.DateTimeField(_("发生时间"))
    recorded_at = models.DateTimeField(_("记录时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("记录人"), max_length=100)
    log_seq = models.BigIntegerField(_("记录日志序号"), unique=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    reason = models.TextField(_("理由"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办案环节记录")
        verbose_name_plural = _("办案环节记录")
        ordering = ["case", "index"]
        constraints = [models.UniqueConstraint(fields=["case", "index"], name="cases_step_unique_index")]

    def __str__(self):
        return f"{self.case_id}#{self.index} {self.action} {self.step}"
