"""Recorded steps and issued documents are never updated or deleted (DESIGN.md rule 2)."""

from django.db import migrations

from sanxiang.core.append_only import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        MakeAppendOnly("cases_steprecord"),
        MakeAppendOnly("cases_issueddocument"),
        MakeAppendOnly("cases_templateversion"),
    ]
