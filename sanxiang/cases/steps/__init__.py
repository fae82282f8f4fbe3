"""What each step of each flow asks for and checks (办案环节): see :mod:`sanxiang.cases.steps.base`.

One module per flow (or part of a flow) registers its :class:`StepSpec` objects; importing this
package imports them all.
"""

from .base import COMMON_FIELDS, SPECS, StepSpec, register, spec_for

__all__ = ["COMMON_FIELDS", "SPECS", "StepSpec", "register", "spec_for"]


def _load() -> None:
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


_load()
