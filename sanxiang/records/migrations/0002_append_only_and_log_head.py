import hashlib

from django.db import migrations

from sanxiang.core.append_only import MakeAppendOnly

APPEND_ONLY = [
    "records_logentry",
    "records_treenode",
    "records_checkpoint",
    "records_blob",
    "records_evidencerecord",
    "records_accessevent",
    "records_custodyevent",
    "records_casearchive",
]


def create_head(apps, schema_editor):
    apps.get_model("records", "LogHead").objects.create(pk=1, size=0, frontier=[], root=hashlib.sha256(b"").digest())


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [
        *[MakeAppendOnly(table) for table in APPEND_ONLY],
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
