from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "sanxiang.records"
    label = "records"
    verbose_name = "执法全过程记录"

    def ready(self):
        from . import access  # noqa: F401  (registers the access scopes)
