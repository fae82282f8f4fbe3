"""Audit trail (审计日志): events written in the change's transaction, attributable, and append-only."""

import datetime
import decimal
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import path

from sanxiang.core import request_context
from sanxiang.core.audit import record, snapshot
from sanxiang.core.models import AuditEvent

pytestmark = pytest.mark.req("SUP-03")

TABLE = AuditEvent._meta.db_table
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


# --- A view that writes an audit event, served through the project's whole middleware stack ---

def audited_change(request):
    with transaction.atomic():
        event = record(
            request.user, "test.change", object_type="test.Thing", object_id="42", object_repr="测试对象",
            before={"status": "draft"}, after={"status": "final"}, reason="依法更正",
        )
    return HttpResponse(str(event.pk))


urlpatterns = [path("audited/", audited_change)]


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="zhangsan", password="test-pass-123")


# --- record() ---------------------------------------------------------------------------------

def test_it_refuses_to_record_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        record("system", "test.outside")
    assert not AuditEvent.objects.exists()


def test_it_rolls_back_with_the_change_it_describes(transactional_db):
    with pytest.raises(ValueError), transaction.atomic():
        record("system", "test.rolled-back")
        raise ValueError("the change failed")
    assert not AuditEvent.objects.exists()

    with transaction.atomic():
        record("system", "test.committed")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.committed"]


def test_it_records_actor_object_before_after_and_reason(user):
    with transaction.atomic():
        event = record(
            user, "test.update", user, before=snapshot(user, ["username", "date_joined"]),
            after={"amount": decimal.Decimal("200.00"), "due": datetime.date(2025, 10, 9)}, reason="当事人申请更正",
        )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == user
    assert event.actor_label == "zhangsan"
    assert event.action == "test.update"
    assert event.object_type == "auth.User"
    assert event.object_id == str(user.pk)
    assert event.object_repr == "zhangsan"
    assert event.before == {"username": "zhangsan", "date_joined": user.date_joined.isoformat()}
    assert event.after == {"amount": "200.00", "due": "2025-10-09"}
    assert event.reason == "当事人申请更正"
    assert event.occurred_at is not None
    # Outside a request there is no request id or client address.
    assert (event.request_id, event.client_address) == ("", "")


def test_it_records_a_system_actor_without_a_user(db):
    with transaction.atomic():
        event = record("calendar-loader", "test.system", object_type="core.CalendarYear", object_id="2026")
    assert event.actor is None
    assert event.actor_label == "calendar-loader"
    with transaction.atomic():
        assert record(None, "test.none").actor_label == "system"


def test_snapshot_gives_foreign_keys_as_ids_and_dates_as_text(user):
    with transaction.atomic():
        event = record(user, "test.snapshot")
    data = snapshot(event)
    assert data["actor_id"] == user.pk
    assert data["occurred_at"] == event.occurred_at.isoformat()
    assert snapshot(event, ["action"]) == {"action": "test.snapshot"}
    assert snapshot(None) is None


# --- Through a request: request id and client address ----------------------------------------

@pytest.mark.urls(__name__)
def test_a_request_gives_the_event_its_request_id_and_client_address(client, user):
    client.force_login(user)
    response = client.post("/audited/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert GENERATED_ID.fullmatch(request_id)

    event = AuditEvent.objects.get(pk=int(response.content))
    assert event.request_id == request_id
    assert event.client_address == "198.51.100.7"
    assert event.actor == user
    assert (event.object_type, event.object_id, event.object_repr) == ("test.Thing", "42", "测试对象")
    assert (event.before, event.after, event.reason) == ({"status": "draft"}, {"status": "final"}, "依法更正")
    # The request's context does not outlive the request.
    assert request_context.current() is None


@pytest.mark.urls(__name__)
def test_each_request_gets_its_own_id(client, user):
    client.force_login(user)
    ids = {client.post("/audited/")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.urls(__name__)
def test_an_incoming_alphanumeric_request_id_is_kept(client, user):
    client.force_login(user)
    response = client.post("/audited/", headers={"X-Request-ID": "gateway20250101abcXYZ"})
    assert response["X-Request-ID"] == "gateway20250101abcXYZ"
    assert AuditEvent.objects.get(pk=int(response.content)).request_id == "gateway20250101abcXYZ"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("incoming", [
    "abc\r\nSet-Cookie: sessionid=stolen",
    "<script>alert(1)</script>",
    "x'; DROP TABLE core_auditevent; --",
    "../../etc/passwd",
    "has space",
    "a" * 65,
])
def test_a_malicious_request_id_is_replaced(client, user, incoming):
    client.force_login(user)
    response = client.post("/audited/", HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert request_id != incoming
    assert GENERATED_ID.fullmatch(request_id)
    assert AuditEvent.objects.get(pk=int(response.content)).request_id == request_id


# --- Append-only: the database refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) ---------

@pytest.fixture
def event(user):
    with transaction.atomic():
        return record(user, "test.original", user, before={"a": 1}, after={"a": 2}, reason="原始理由")


def _row(pk):
    return AuditEvent.objects.filter(pk=pk).values().get()


def _assert_refused(operation, change):
    """``change`` must fail with the trigger's message; the savepoint keeps the test's transaction usable."""
    with pytest.raises(DatabaseError, match=f"append-only table {TABLE}: {operation} refused"):
        with transaction.atomic():
            change()


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(TABLE)), params)


ORM_CHANGES = {
    "queryset update": ("UPDATE", lambda e: AuditEvent.objects.filter(pk=e.pk).update(reason="篡改")),
    "instance save": ("UPDATE", lambda e: (setattr(e, "reason", "篡改"), e.save())),
    "instance delete": ("DELETE", lambda e: e.delete()),
    "queryset delete": ("DELETE", lambda e: AuditEvent.objects.all().delete()),
}
RAW_CHANGES = {
    "raw update": ("UPDATE", lambda e: _raw("UPDATE {table} SET reason = %s WHERE id = %s", ["篡改", e.pk])),
    "raw update of every row": ("UPDATE", lambda e: _raw("UPDATE {table} SET actor_id = NULL")),
    "raw delete": ("DELETE", lambda e: _raw("DELETE FROM {table} WHERE id = %s", [e.pk])),
    "raw delete of every row": ("DELETE", lambda e: _raw("DELETE FROM {table}")),
}


@pytest.mark.parametrize("name", list(ORM_CHANGES) + list(RAW_CHANGES))
def test_the_database_refuses_to_change_an_audit_event(event, name):
    operation, change = {**ORM_CHANGES, **RAW_CHANGES}[name]
    before = _row(event.pk)
    _assert_refused(operation, lambda: change(event))
    assert _row(event.pk) == before


def test_the_database_refuses_truncate(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE is refused in the test above")
    before = _row(event.pk)
    # The test runs in one transaction: fire the deferred foreign-key checks of the insert now, or
    # PostgreSQL refuses the TRUNCATE for its pending trigger events before our trigger is reached.
    _raw("SET CONSTRAINTS ALL IMMEDIATE")
    _assert_refused("TRUNCATE", lambda: _raw("TRUNCATE {table}"))
    assert _row(event.pk) == before


def test_appending_is_still_allowed(event):
    with transaction.atomic():
        record("system", "test.second")
    assert AuditEvent.objects.count() == 2
    assert _row(event.pk)["reason"] == "原始理由"
