from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "sanxiang.catalog"
    label = "catalog"
    verbose_name = "事前公开清单"

    def ready(self):
        from sanxiang.core import home_sections
        from sanxiang.records import avrules

        from . import access  # noqa: F401  (registers the access scopes)

        avrules.register_source(_published_av_rule)
        home_sections.register("catalog", _home_section)


def _published_av_rule(agency_id: int, activity: str) -> dict | None:
    """REC-03: the record store reads the AV recording item list the agency has published (音像记录事项清单)."""
    from .selectors import av_requirements

    return av_requirements(agency_id).get(activity)


def _home_section(user) -> dict | None:
    """The staff home page's catalog panel: what waits for this user (审核, 纠错), for those who draft or approve."""
    from sanxiang.org.access import actor_of

    from . import selectors, services

    actor = actor_of(user)
    if actor.agency_id is None and not actor.supervised_paths and not actor.is_superuser:
        return None
    may_draft = actor.is_superuser or (actor.agency_id is not None and services.can_draft(user, actor.agency_id))
    pending = selectors.pending_approval(user).count()
    open_reports = selectors.error_reports(user, status="open")
    if not (may_draft or pending or open_reports.exists()):
        return None
    return {
        "may_draft": may_draft,
        "pending": pending,
        "open_reports": open_reports.count(),
        "overdue_reports": selectors.overdue_error_reports(user).count(),
    }
