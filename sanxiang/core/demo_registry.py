"""Demo data loaders (演示数据), run in order by ``sanxiang demo``.

A loader is a callable ``loader(rng: random.Random) -> list[DemoLogin]`` that creates its app's demo
data with the ORM and writes one ``demo.load`` audit event summarising what it created (its ``after``
holds ``{"counts": {...}, "logins": [...]}``, without passwords). Loaders run in the order listed,
inside one transaction: the organisation registry comes first, because everything else hangs on
its agencies and people; a later loader reads what the earlier ones made from the database.

An app adds its loader by appending its dotted path to :data:`LOADERS` here, or by calling
:func:`register` from its ``AppConfig.ready()``. Paths, not imports, keep ``core`` free of
dependencies on the apps above it. Each loader gets its own random generator, seeded from the demo
seed and the loader's path, so adding a loader never changes another loader's data.
"""

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

# One password for every demo account, printed with the logins table. Demo only.
DEMO_PASSWORD = "sanxiang-demo-2026"
DEFAULT_SEED = 2026
AUDIT_ACTION = "demo.load"

LOADERS: list[str] = [
    "sanxiang.org.demo.load_demo_org",
    "sanxiang.records.demo.load_demo_records",
    "sanxiang.catalog.demo.load_demo_catalog",
    "sanxiang.cases.demo.load_demo_cases",
]


@dataclass(frozen=True)
class DemoLogin:
    """One row of the printed table of demo logins."""

    username: str
    password: str
    role: str  # role in Chinese, e.g. 执法人员
    name: str  # the person's name
    agency: str  # the person's agency, or "—"

    def public(self) -> dict:
        """The row without its password, as kept in the ``demo.load`` audit event."""
        data = asdict(self)
        del data["password"]
        return data


Loader = Callable[[random.Random], list[DemoLogin]]


def register(path: str) -> None:
    """Add a loader (dotted path) after those already registered; registering twice is a no-op."""
    if path not in LOADERS:
        LOADERS.append(path)


def loaders() -> list[tuple[str, Loader]]:
    return [(path, import_string(path)) for path in LOADERS]


def has_data() -> bool:
    """Whether the database already holds an organisation registry (demo or real): then nothing is loaded."""
    return apps.get_model("org", "Agency").objects.exists()


def load_all(seed: int = DEFAULT_SEED) -> list[DemoLogin]:
    """Run every loader in one transaction; returns the logins they created, in loader order."""
    logins: list[DemoLogin] = []
    with transaction.atomic():
        for path, loader in loaders():
            logins.extend(loader(random.Random(f"{seed}:{path}")))
    return logins


def loaded_logins() -> list[DemoLogin]:
    """The logins of demo data loaded earlier, read back from the ``demo.load`` audit events."""
    events = apps.get_model("core", "AuditEvent").objects.filter(action=AUDIT_ACTION).order_by("id")
    rows: list[DemoLogin] = []
    for event in events:
        for row in (event.after or {}).get("logins", []):
            rows.append(DemoLogin(password=DEMO_PASSWORD, **row))
    return rows
