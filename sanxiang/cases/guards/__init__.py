"""Guard implementations (流转条件): one function per name in ``catalog.flows.GUARDS``.

A guard is ``check(ctx) -> str | None``: ``None`` when the condition holds, else the reason in plain
Chinese (the engine raises ``RuleViolation(guard.rule, reason)``). Guards only read. Modules of this
package add theirs to :data:`GUARD_CHECKS` with :func:`guard`; importing the package imports them all.
"""

from __future__ import annotations

from collections.abc import Callable

GUARD_CHECKS: dict[str, Callable] = {}


def guard(name: str):
    def register(function: Callable) -> Callable:
        if name in GUARD_CHECKS:
            raise ValueError(f"guard {name!r} implemented twice")
        GUARD_CHECKS[name] = function
        return function

    return register


def _load() -> None:
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_load()
