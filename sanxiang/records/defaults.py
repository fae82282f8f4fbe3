"""Rows the records migrations create, restored when missing: the log head, the default AV item list,
the retention categories.

Connected to ``post_migrate`` (see apps.py), which Django sends after every ``migrate`` and after every
``flush`` — including the test runner's flush after a transactional test, which would otherwise leave
later tests without a log head. It only creates what is missing; it never changes an existing row.
"""

import importlib

from django.db import transaction


def ensure_defaults(sender=None, using: str = "default", **kwargs) -> None:
    from .models import AVRule, LogEntry, LogHead, RetentionCategory

    av_rules = importlib.import_module("sanxiang.records.migrations.0003_r4_default_av_rules")
    retention = importlib.import_module("sanxiang.records.migrations.0004_r5_retention_categories")
    with transaction.atomic(using=using):
        if not LogHead.objects.using(using).filter(pk=1).exists() and not LogEntry.objects.using(using).exists():
            # A log with entries but no head is damage for `sanxiang verify` to report, not to paper over.
            from .merkle import EMPTY_ROOT

            LogHead.objects.using(using).create(pk=1, size=0, frontier=[], root=EMPTY_ROOT)
        if not AVRule.objects.using(using).filter(agency__isnull=True).exists():
            for activity, name, requirement, basis in av_rules.DEFAULT_RULES:
                AVRule.objects.using(using).create(activity=activity, name=name, requirement=requirement, basis=basis)
        if not RetentionCategory.objects.using(using).exists():
            retention.seed(_RealApps(), None)


class _RealApps:
    """Stands in for the migration state's ``apps`` so a migration's seed function can run on the real models."""

    @staticmethod
    def get_model(app_label, model_name):
        from django.apps import apps

        return apps.get_model(app_label, model_name)
