"""Sections other apps add to the staff home page, without ``core`` importing them.

An app registers ``provider(user) -> dict | None`` under a name from its ``AppConfig.ready()``; the
home view puts each non-empty result into the template context under that name.
"""

from collections.abc import Callable

_PROVIDERS: dict[str, Callable] = {}


def register(name: str, provider: Callable) -> None:
    _PROVIDERS[name] = provider


def sections_for(user) -> dict:
    result = {}
    for name, provider in _PROVIDERS.items():
        section = provider(user)
        if section:
            result[name] = section
    return result
