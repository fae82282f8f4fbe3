from django.db import migrations

from sanxiang.core.append_only import MakeAppendOnly


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [MakeAppendOnly("core_auditevent")]
