from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "sanxiang.records"
    label = "records"
    verbose_name = "执法全过程记录"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import access  # noqa: F401  (registers the access scopes)
        from .defaults import ensure_defaults

        post_migrate.connect(ensure_defaults, sender=self, dispatch_uid="sanxiang.records.defaults")
