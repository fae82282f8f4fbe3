from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    label = "cases"
    verbose_name = "执法办案"

    def ready(self):
        from sanxiang.records.access import register_case_handlers

        from . import access, hooks  # noqa: F401  (access scopes; home sections and other hooks)

        register_case_handlers(access.handled_case_numbers)
