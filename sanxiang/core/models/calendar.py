"""The holiday schedule table (节假日安排) behind the working-day calendar (LAW-10).

See :mod:`sanxiang.core.workdays` for the computations and :mod:`sanxiang.core.calendar_files` for loading a
year from a CSV or JSON file.
"""

import contextlib
import contextvars
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year's holiday schedule (节假日安排) loaded by an administrator.

    When a year is loaded it replaces, for that whole year, what the ``chinesecalendar`` package knows.
    ``loaded_at`` changes whenever the year or one of its days changes; the working-day cache of every
    process compares it to decide whether its copy of the year is still current.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=300, blank=True, help_text=_("例如：国务院办公厅通知文号"))
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("载入人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A day that departs from the Monday–Friday rule: a statutory holiday (法定节假日) or a make-up working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    year = models.ForeignKey(CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["holiday", "workday"]), name="core_calendarday_kind_valid"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"

    def clean(self):
        super().clean()
        if not isinstance(self.date, datetime.date) or self.year_id is None:
            return
        if self.date.year != self.year.year:
            message = gettext("日期 %(date)s 不在 %(year)s 年内。") % {"date": self.date, "year": self.year.year}
            raise ValidationError({"date": message})
        if self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            raise ValidationError({"date": gettext("调休上班日 %(date)s 不是星期六或星期日。") % {"date": self.date}})


# While a whole year is being replaced, the loader touches the year itself once at the end.
_touch_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("calendar_touch_suspended", default=False)


@contextlib.contextmanager
def bulk_calendar_change():
    """Inside this block, saving or deleting a :class:`CalendarDay` does not touch its year each time."""
    token = _touch_suspended.set(True)
    try:
        yield
    finally:
        _touch_suspended.reset(token)


@receiver(post_save, sender=CalendarDay, dispatch_uid="core.calendarday.touch_on_save")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="core.calendarday.touch_on_delete")
def _touch_year(sender, instance: CalendarDay, **kwargs):
    """A day edited one by one (the admin) makes every process's cached copy of its year stale."""
    if _touch_suspended.get():
        return
    CalendarYear.objects.filter(pk=instance.year_id).update(loaded_at=timezone.now())
