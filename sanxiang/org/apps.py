from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "sanxiang.org"
    label = "org"
    verbose_name = "执法主体与人员"

    def ready(self):
        from . import access  # noqa: F401  (registers the access scopes)
