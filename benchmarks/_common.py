"""Shared set-up of the benchmarks: a scratch PostgreSQL database, created, migrated and dropped."""

import contextlib
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def base_url() -> str:
    url = os.environ.get("SANXIANG_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("这些基准测试需要 PostgreSQL：请设置 SANXIANG_DATABASE_URL=postgres://user@host:port/name")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _admin_connect(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "localhost", port=parts.port or 5432, user=parts.username or None,
        password=parts.password or None, dbname="postgres", autocommit=True,
    )


@contextlib.contextmanager
def scratch_database(name: str = "sanxiang_bench", keep: bool = False):
    """Create (replacing any leftover) and migrate the scratch database; yield its URL; drop it.

    ``SANXIANG_BENCH_DATABASE`` overrides the name. The database is dropped afterwards unless ``keep``.
    """
    BENCH_DB = os.environ.get("SANXIANG_BENCH_DATABASE", name)  # noqa: N806
    url = base_url()
    bench_url = with_database(url, BENCH_DB)
    with _admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["SANXIANG_DATABASE_URL"] = bench_url
    setup_django()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"scratch database {BENCH_DB} created and migrated in {time.perf_counter() - started:.1f} s")
    try:
        yield bench_url
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with _admin_connect(url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
