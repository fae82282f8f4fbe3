from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    label = "cases"
    verbose_name = "执法办案"

    def ready(self):
        from . import (
            access,  # noqa: F401  (registers the access scopes)
            hooks,  # noqa: F401  (registers home sections and other hooks)
        )
