import contextlib

import pytest


@pytest.fixture
def cast(db):
    """The standard cast of users: see sanxiang/org/testing.py."""
    from sanxiang.org.testing import make_cast

    return make_cast()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher would make each take a tenth of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _records_in_tmp(settings, tmp_path_factory):
    """Evidence files, archives and the checkpoint key of every test go to a fresh folder, never ./var."""
    root = tmp_path_factory.mktemp("records")
    settings.RECORDS = {**settings.RECORDS, "ROOT": root, "CHECKPOINT_KEY_FILE": root / "keys" / "checkpoint-ed25519.key"}


# --- Append-only tables and the test runner's flush ------------------------------------------
#
# ``transactional_db`` and ``live_server`` tests end with Django's flush of every table (TRUNCATE on
# PostgreSQL, DELETE on SQLite), which the append-only triggers rightly refuse. During the test the
# triggers stay in force, so tests can prove them; only the runner's own flush, and only for the
# length of that flush, runs with them switched off. The switch-off, the flush and the switch-on are
# one transaction: if anything fails the triggers are never left off, and no other connection (a
# live server thread) ever sees them off. This lives here, never in production code.


@contextlib.contextmanager
def append_only_suspended(connection):
    """Within one transaction: switch the append-only triggers off, run the body, switch them on.

    PostgreSQL: ``ALTER TABLE … DISABLE/ENABLE TRIGGER`` (the test database's owner may; no superuser
    needed). SQLite: drop the triggers and re-create them from the exact SQL they were stored with.
    """
    from django.db import transaction

    from sanxiang.core.append_only import installed_triggers

    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias):
        triggers = [t for t in installed_triggers(connection) if t.enabled]
        if connection.vendor == "postgresql":
            off = [f"ALTER TABLE {quote(t.table)} DISABLE TRIGGER {quote(t.name)}" for t in triggers]
            on = [f"ALTER TABLE {quote(t.table)} ENABLE TRIGGER {quote(t.name)}" for t in triggers]
        else:
            off = [f"DROP TRIGGER {quote(t.name)}" for t in triggers]
            on = [t.definition for t in triggers]
        with connection.cursor() as cursor:
            for sql in off:
                cursor.execute(sql)
        yield
        with connection.cursor() as cursor:
            for sql in on:
                cursor.execute(sql)


@pytest.fixture(scope="session", autouse=True)
def _flush_past_append_only_triggers():
    """Make the test runner's flush (``TransactionTestCase._fixture_teardown``) pass the append-only triggers."""
    from django.db import connections
    from django.test import TransactionTestCase

    runner_flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        with contextlib.ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(append_only_suspended(connections[alias]))
            runner_flush(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = runner_flush


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Each test starts in the default language: a request in English must not leak into the next test."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()
