"""The admin never edits step records or documents; numbering rules and case parameters are for superusers."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sanxiang.cases.models import AgencyCaseRules, StepRecord
from sanxiang.cases.testing import register


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "test-pass-123")


@pytest.mark.req("REC-01")
def test_the_admin_shows_step_records_read_only(cast, superuser):
    case = register(cast)
    record = StepRecord.objects.get(case=case)
    client = Client()
    client.force_login(superuser)
    assert client.get(reverse("admin:cases_steprecord_changelist")).status_code == 200
    page = client.get(reverse("admin:cases_steprecord_change", args=[record.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(reverse("admin:cases_steprecord_change", args=[record.pk]), {"step": "file", "data": "{}"})
    assert StepRecord.objects.get(pk=record.pk).step == record.step
    assert client.get(reverse("admin:cases_steprecord_add")).status_code == 403
    assert client.post(reverse("admin:cases_steprecord_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    assert StepRecord.objects.filter(pk=record.pk).exists()
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    assert client.get(reverse("admin:cases_issueddocument_add")).status_code == 403


def test_superusers_edit_agency_case_rules(cast, superuser):
    client = Client()
    client.force_login(superuser)
    response = client.post(reverse("admin:cases_agencycaserules_add"), {"agency": cast.agency_a.pk, "due_soon_days": "5"})
    assert response.status_code == 302
    assert AgencyCaseRules.objects.get(agency=cast.agency_a).due_soon_days == 5
