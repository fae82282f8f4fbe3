"""Inputs and races found in review: oversized numbers, removed content opened or stored again."""

import random

import pytest
from django.core.exceptions import ValidationError

from sanxiang.records import access_log, demo, ingest, retention
from sanxiang.records.models import AccessEvent

from .test_retention import REASON, footage

pytestmark = pytest.mark.req("REC-09")


def test_an_oversized_sequence_number_is_a_clear_400(cast, client):
    client.force_login(cast.officer_a)
    response = client.get("/api/v1/records/proofs/inclusion/", {"seq": "1" * 5000})
    assert response.status_code == 400
    assert "数值过大" in response.content.decode()


def test_an_oversized_upload_length_is_a_clear_400(cast, client):
    client.force_login(cast.officer_a)
    response = client.post("/api/v1/records/uploads/", HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="9" * 5000)
    assert response.status_code == 400


@pytest.mark.req("REC-06")
def test_removed_content_cannot_be_opened_or_stored_again(cast):
    content = demo.make_avi(random.Random(7), seconds=1)
    record = footage(cast.officer_a, content=content)
    request = retention.request_removal(cast.officer_a, record, REASON)
    retention.approve_removal(cast.leader, request)
    retention.execute_removal(cast.admin_a, request)
    before = AccessEvent.objects.count()
    with pytest.raises(ValidationError, match="已不在存储中"):
        access_log.open_record(cast.leader, record, action="view", purpose="复查")
    assert AccessEvent.objects.count() == before  # a refused open is no completed access
    with pytest.raises(ValidationError, match="已按保存期限删除"):
        ingest.ingest_stream(cast.officer_a, [content], {"title": "再次上传", "kind": "video"})


@pytest.mark.req("REC-06")
def test_routine_footage_is_kept_at_least_six_months(db):
    from sanxiang.records.models import RetentionCategory

    routine = RetentionCategory.objects.get(code="routine")
    routine.months = 3
    with pytest.raises(ValidationError, match="不得少于6个月"):
        routine.full_clean()
