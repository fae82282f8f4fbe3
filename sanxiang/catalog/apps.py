from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "sanxiang.catalog"
    label = "catalog"
    verbose_name = "事前公开清单"

    def ready(self):
        from . import access  # noqa: F401  (registers the access scopes)
