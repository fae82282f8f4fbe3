"""Registrations of the cases app with other apps: the staff home page's 办案 panel (my open cases, due soon, overdue)."""

from sanxiang.core import home_sections


def _home_section(user):
    from . import selectors

    return selectors.home_section(user)


home_sections.register("cases", _home_section)
