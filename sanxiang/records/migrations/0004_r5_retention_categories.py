"""Retention categories (保存期限类别): routine footage not linked to a case, and records of a case (permanent).

The routine period is seeded from ``RECORDS["ROUTINE_RETENTION_MONTHS"]`` (default 6); afterwards the
row is the truth and an administrator may lengthen it.
"""

from django.conf import settings
from django.db import migrations

ROUTINE = "routine"
CASE = "case"


def seed(apps, schema_editor):
    RetentionCategory = apps.get_model("records", "RetentionCategory")
    months = int(getattr(settings, "RECORDS", {}).get("ROUTINE_RETENTION_MONTHS", 6))
    RetentionCategory.objects.get_or_create(
        code=ROUTINE, defaults={"name": "日常执法音像记录（未关联案件）", "months": months}
    )
    RetentionCategory.objects.get_or_create(code=CASE, defaults={"name": "案件记录（永久保存）", "months": None})


def unseed(apps, schema_editor):
    RetentionCategory = apps.get_model("records", "RetentionCategory")
    RemovalRequest = apps.get_model("records", "RemovalRequest")
    used = set(RemovalRequest.objects.values_list("category__code", flat=True))
    RetentionCategory.objects.filter(code__in={ROUTINE, CASE} - used).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0003_r4_default_av_rules"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
