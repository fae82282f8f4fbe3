"""One place decides who may see and change what (DESIGN.md §2).

Every model with access rules uses :class:`RestrictedQuerySet` as its manager and registers one
scoping function with :func:`scope`. Views, the API and the admin all call
``Model.objects.restrict(user, action)``; nothing else filters by user.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import models

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)

ScopeFunction = Callable[[models.QuerySet, object, str], models.QuerySet]
_scopes: dict[type[models.Model], ScopeFunction] = {}


def scope(model: type[models.Model]):
    """Register ``function(queryset, user, action) -> queryset`` as the access rule of ``model``."""

    def register(function: ScopeFunction) -> ScopeFunction:
        _scopes[model] = function
        return function

    return register


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW) -> models.QuerySet:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        function = _scopes.get(self.model)
        if function is None:
            raise LookupError(f"no access scope registered for {self.model.__name__}")
        if user is None or not getattr(user, "is_active", False):
            return function(self, None, action) if getattr(function, "public", False) else self.none()
        return function(self, user, action)


def public(function: ScopeFunction) -> ScopeFunction:
    """Mark a scope whose VIEW part answers anonymous visitors too (called with ``user=None``)."""
    function.public = True  # type: ignore[attr-defined]
    return function


def can(user, action: str, obj: models.Model) -> bool:
    return type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()


def get_for(user, action: str, queryset: models.QuerySet, **lookup) -> models.Model:
    """Fetch one object the user may act on, or raise PermissionDenied (never reveals existence)."""
    try:
        return queryset.restrict(user, action).get(**lookup)
    except queryset.model.DoesNotExist as missing:
        raise PermissionDenied from missing
