"""Append-only triggers and the test runner's flush (see the root conftest.py).

The triggers must stay in force during a transactional test, yet the runner's flush after it must
empty every table and leave the triggers in place for the next test. The two ``test_it_*_then_*``
tests below run in file order: the first leaves a committed audit event behind, the second finds the
table empty and the triggers back.
"""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import TransactionTestCase

from sanxiang.core import append_only
from sanxiang.core.audit import record
from sanxiang.core.models import AuditEvent

pytestmark = [pytest.mark.req("SUP-03"), pytest.mark.req("REC-07")]

TABLE = AuditEvent._meta.db_table


def _write_event(reason="transactional"):
    with transaction.atomic():
        return record("system", "test.transactional", object_type="test.Thing", object_id="1", reason=reason)


def _assert_update_refused(event):
    with pytest.raises(DatabaseError, match=f"append-only table {TABLE}: UPDATE refused"):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    assert AuditEvent.objects.get(pk=event.pk).reason == event.reason


def _assert_triggers_in_place():
    names = {t.name for t in append_only.installed_triggers(connection) if t.table == TABLE and t.enabled}
    assert names == set(append_only.trigger_names(connection.vendor, TABLE))


def test_it_refuses_changes_in_a_transactional_test_then(transactional_db):
    event = _write_event()
    assert not connection.in_atomic_block  # committed: the runner's flush must deal with this row
    _assert_triggers_in_place()
    _assert_update_refused(event)
    with pytest.raises(DatabaseError, match=f"append-only table {TABLE}: DELETE refused"):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_then_finds_the_table_flushed_and_the_triggers_back(transactional_db):
    assert AuditEvent.objects.count() == 0
    _assert_triggers_in_place()
    _assert_update_refused(_write_event())


def test_a_plain_flush_is_refused_by_the_triggers(transactional_db):
    """Without the conftest's wrapper, Django's flush of a table with audit events fails."""
    event = _write_event()
    with pytest.raises(CommandError, match="couldn't be flushed") as refused:
        call_command("flush", verbosity=0, interactive=False)
    # PostgreSQL truncates all tables at once and names whichever append-only table it meets first.
    assert re.search(r"append-only table \w+: (TRUNCATE|DELETE) refused", str(refused.value.__cause__))
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    _assert_triggers_in_place()


def test_the_runner_flush_empties_the_table_and_restores_the_triggers(transactional_db):
    """What pytest-django runs after each transactional test, run here so its effect can be checked."""
    _write_event("first")
    TransactionTestCase(methodName="__init__")._fixture_teardown()
    assert AuditEvent.objects.count() == 0
    _assert_triggers_in_place()
    _assert_update_refused(_write_event("second"))


def test_every_declared_append_only_table_has_its_triggers(db):
    declared = append_only.declared_tables()
    assert TABLE in declared
    installed = {(t.table, t.name) for t in append_only.installed_triggers(connection) if t.enabled}
    for table in declared:
        for name in append_only.trigger_names(connection.vendor, table):
            assert (table, name) in installed, f"{table} lacks trigger {name}"
