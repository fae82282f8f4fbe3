from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "sanxiang.catalog"
    label = "catalog"
    verbose_name = "事前公开清单"

    def ready(self):
        from sanxiang.records import avrules

        from . import access  # noqa: F401  (registers the access scopes)

        avrules.register_source(_published_av_rule)


def _published_av_rule(agency_id: int, activity: str) -> dict | None:
    """REC-03: the record store reads the AV recording item list the agency has published (音像记录事项清单)."""
    from .selectors import av_requirements

    return av_requirements(agency_id).get(activity)
