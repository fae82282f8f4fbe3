"""The case API never answers 500: malformed bodies, wrong types and random JSON are refused, and change nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from sanxiang.cases import steps
from sanxiang.cases.models import Case, StepRecord
from sanxiang.cases.steps.base import StepSpec
from sanxiang.cases.testing import register

BASE = "/api/v1/cases/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def state(case) -> tuple:
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, fresh.status, StepRecord.objects.filter(case=case).count()


@pytest.fixture
def levy_case(cast, monkeypatch):
    monkeypatch.setitem(steps.SPECS, ("levy", "decide"), StepSpec(flow="levy", step="decide"))
    return register(cast, flow="levy")


def raw_post(client, url, body: bytes | str, content_type="application/json"):
    return client.post(url, data=body, content_type=content_type)


NESTED = "[" * 100000 + "]" * 100000


@pytest.mark.parametrize("body", [
    "{", "not json", "", "null", "[]", "[1, 2]", '"text"', "12", "true", "NaN", '{"version": Infinity}',
    '{"target": 1, "version": 0}', '{"target": ["decide"], "version": 0}', '{"target": "decide"}',
    '{"target": "decide", "version": "0"}', '{"target": "decide", "version": 1e400}', '{"target": "decide", "version": -1}',
    '{"target": "decide", "version": true}', '{"target": "decide", "version": 1' + "0" * 40 + "}",
    '{"target": "decide", "version": 0, "data": [1]}', '{"target": "decide", "version": 0, "data": "x"}',
    '{"target": "decide", "version": 0, "data": {"occurred_at": {"a": [1]}}}',
    '{"target": "decide", "version": 0, "data": {"evidence": [1' + "0" * 30 + "]}}",
    '{"target": "decide", "version": 0, "data": {"evidence": "1' + "9" * 5000 + '"}}',
    '{"target": "decide", "version": 0, "data": {"occurred_at": "2024-02-30T10:00"}}',
    '{"target": "decide", "version": 0, "data": {"note": "a\\u0000b"}}',
    '{"target": "' + "x" * 1000 + '", "version": 0}',
    NESTED, b"\xff\xfe\x00garbage",
])
def test_malformed_bodies_are_400_and_change_nothing(cast, levy_case, body):
    before = state(levy_case)
    response = raw_post(client_for(cast.leader), f"{BASE}{levy_case.pk}/steps/", body)
    assert response.status_code == 400, (body[:80], response.content[:300])
    assert response.json()["errors"]
    assert state(levy_case) == before


def test_a_body_that_is_not_json_is_415(cast, levy_case):
    before = state(levy_case)
    response = raw_post(client_for(cast.leader), f"{BASE}{levy_case.pk}/steps/", "target=decide&version=0",
                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert state(levy_case) == before


def test_a_body_too_large_is_413(cast, levy_case):
    before = state(levy_case)
    body = json.dumps({"target": "decide", "version": 0, "data": {"note": "长" * 600000}})
    response = raw_post(client_for(cast.leader), f"{BASE}{levy_case.pk}/steps/", body)
    assert response.status_code == 413
    assert state(levy_case) == before


@pytest.mark.parametrize("action", ["extend", "pause", "resume", "note", "correct", "officers"])
@pytest.mark.parametrize("body", [
    "[]", '{"data": {}}', '{"version": "x"}', '{"version": 0, "data": []}', '{"version": 0, "data": {"officers": {"a": 1}}}',
    '{"version": 0, "record": "1", "data": {}}', '{"version": 0, "data": {"days": 1e999, "clock": []}}',
    '{"version": 0, "data": {"evidence": [99999999999999999999999], "officers": [-1, 1e30]}}',
])
def test_malformed_action_bodies_are_400(cast, levy_case, action, body):
    before = state(levy_case)
    response = raw_post(client_for(cast.leader), f"{BASE}{levy_case.pk}/actions/{action}/", body)
    assert response.status_code == 400, (action, body, response.content[:300])
    assert state(levy_case) == before


@pytest.mark.parametrize("body", ["[]", "{}", '{"parties": {"a": 1}, "officers": "x", "department": [1]}',
                                  '{"flow": ["penalty"], "step": "x", "parties": [[1], "x", null]}',
                                  '{"flow": "penalty", "department": 1e400, "officers": [1e30], "parties": [{}]}'])
def test_malformed_registrations_are_400(cast, body):
    response = raw_post(client_for(cast.officer_a), BASE, body)
    assert response.status_code == 400, response.content[:300]
    assert Case.objects.count() == 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(["occurred_at", "note", "evidence", "officers", "amount", "reason", "text"])
STEP_BODY = st.fixed_dictionaries({
    "target": st.one_of(st.sampled_from(["decide", "deliver", "register", "close", ""]), JSON),
    "version": st.one_of(st.integers(min_value=-2, max_value=3), JSON),
    "data": st.one_of(st.dictionaries(FIELD_NAMES, JSON, max_size=4), JSON),
})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(body=st.one_of(JSON, STEP_BODY), as_bytes=st.one_of(st.none(), st.binary(max_size=40)))
def test_random_json_at_steps_never_fails_and_never_half_changes_the_case(cast, levy_case, body, as_bytes):
    before = state(levy_case)
    payload = as_bytes if as_bytes is not None else json.dumps(body)
    response = raw_post(client_for(cast.leader), f"{BASE}{levy_case.pk}/steps/", payload)
    assert response.status_code < 500, response.content[:300]
    if response.status_code != 201:
        assert state(levy_case) == before
    else:
        version, current_step, _, count = state(levy_case)
        assert (version, count) == (before[0] + 1, before[3] + 1)
        assert response.json()["case"]["version"] == version and current_step == response.json()["record"]["step"]
