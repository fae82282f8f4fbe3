"""The admin shows the audit trail and the holiday schedule, and changes neither."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from sanxiang.core.audit import record
from sanxiang.core.models import AuditEvent, CalendarDay, CalendarYear

pytestmark = pytest.mark.req("SUP-03")


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser(username="root", password="test-pass-123")
    client.force_login(user)
    return client


@pytest.fixture
def events(db):
    from sanxiang.core import request_context

    made = []
    for request_id, action, object_id in [("req1", "org.agency.update", "7"), ("req2", "calendar.load", "2026")]:
        token = request_context.bind(request_context.RequestContext(request_id, "192.0.2.1"))
        try:
            with transaction.atomic():
                made.append(record("system", action, object_type=action.rsplit(".", 1)[0], object_id=object_id,
                                   before={"名称": "旧"}, after={"名称": "新"}))
        finally:
            request_context.reset(token)
    return made


def test_the_audit_list_filters_and_searches(admin_client, events):
    def listed(**query):
        response = admin_client.get("/admin/core/auditevent/", query)
        assert response.status_code == 200
        return [e.action for e in response.context["cl"].result_list]

    assert sorted(listed()) == ["calendar.load", "org.agency.update"]
    assert listed(q="req2") == ["calendar.load"]
    assert listed(q="7") == ["org.agency.update"]
    assert listed(q="req") == []  # ids are matched whole
    assert listed(action="org.agency.update") == ["org.agency.update"]
    assert listed(object_type="calendar") == ["calendar.load"]


def test_an_audit_event_is_shown_but_cannot_be_added_changed_or_deleted(admin_client, events):
    event = events[0]
    detail = f"/admin/core/auditevent/{event.pk}/change/"
    page = admin_client.get(detail)
    assert page.status_code == 200
    assert "旧" in page.content.decode() and 'name="reason"' not in page.content.decode()

    assert admin_client.get("/admin/core/auditevent/add/").status_code == 403
    assert admin_client.post(detail, {"reason": "篡改"}).status_code == 403
    assert admin_client.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    changelist = admin_client.post("/admin/core/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]})
    assert changelist.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


def test_a_staff_user_without_the_view_permission_sees_nothing(client, db, events):
    staff = get_user_model().objects.create_user(username="staff", password="test-pass-123", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/core/auditevent/").status_code == 403


@pytest.fixture
def calendar_year(db):
    year = CalendarYear.objects.create(year=2031, source="国办发明电〔2030〕1号")
    CalendarDay.objects.create(year=year, date=datetime.date(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(year=year, date=datetime.date(2031, 1, 26), kind=CalendarDay.Kind.WORKDAY, name="春节")
    return year


def test_the_calendar_is_shown_read_only_and_says_how_to_load_it(admin_client, calendar_year):
    page = admin_client.get("/admin/core/calendaryear/").content.decode()
    assert "sanxiang calendar load" in page
    assert "2031" in page

    detail = f"/admin/core/calendaryear/{calendar_year.pk}/change/"
    page = admin_client.get(detail).content.decode()
    assert "sanxiang calendar load" in page
    assert "元旦" in page and "春节" in page
    assert 'name="days-0-date"' not in page and 'name="source"' not in page

    assert admin_client.get("/admin/core/calendaryear/add/").status_code == 403
    assert admin_client.post(detail, {"source": "改"}).status_code == 403
    assert admin_client.get(f"/admin/core/calendaryear/{calendar_year.pk}/delete/").status_code == 403
    assert CalendarDay.objects.filter(year=calendar_year).count() == 2
