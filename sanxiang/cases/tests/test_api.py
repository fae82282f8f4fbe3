"""The case API (/api/v1/cases/): each endpoint, each role, registration, moves, side actions and refusals."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from sanxiang.cases import steps
from sanxiang.cases.fields import Field
from sanxiang.cases.models import Case, StepRecord
from sanxiang.cases.steps.base import StepSpec
from sanxiang.cases.testing import move, org_party, person_party, register
from sanxiang.core.identifiers import mask_id_number
from sanxiang.records.tests.factories import make_evidence

BASE = "/api/v1/cases/"


def client_for(user) -> APIClient:
    client = APIClient()
    if getattr(user, "is_authenticated", False):
        client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def state(case) -> tuple:
    """What a refused request must leave unchanged."""
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, fresh.status, StepRecord.objects.filter(case=case).count()


@pytest.fixture
def plain_levy(monkeypatch):
    """The levy flow's steps with only the common fields: these tests are about the API, not a flow's own rules."""
    monkeypatch.setitem(steps.SPECS, ("levy", "decide"), StepSpec(flow="levy", step="decide"))
    monkeypatch.setitem(steps.SPECS, ("levy", "deliver"), StepSpec(flow="levy", step="deliver"))


def register_body(cast, **extra) -> dict:
    return {"flow": "penalty", "department": cast.department_a1.pk, "title": "销售过期食品",
            "parties": [person_party()], "officers": [cast.officer_a.person.pk, cast.officer_a2.person.pk], **extra}


# --- List ---------------------------------------------------------------------------------------


def test_the_list_shows_a_case_with_its_fields(cast):
    case = register(cast, parties=[person_party("陈某某")])
    response = client_for(cast.officer_a).get(BASE)
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["id"] == case.pk and row["number"] == case.number and row["party"] == "陈某某"
    assert row["flow"] == "penalty" and row["current_step"] == "register" and row["current_step_name"] == "案源登记"
    assert row["status"] == "open" and row["version"] == case.version and row["department_name"] == "执法一队"
    assert set(row) >= {"kind", "deadline_on", "deadline_label", "deadline_state", "registered_at"}
    assert response.json()["next"] is None


@pytest.mark.req("SUP-01")
def test_the_list_is_scoped_to_what_the_user_may_see(cast):
    case = register(cast)
    assert client_for(cast.officer_b).get(BASE).json()["results"] == []
    assert [r["id"] for r in client_for(cast.supervisor).get(BASE).json()["results"]] == [case.pk]
    assert [r["id"] for r in client_for(cast.leader).get(BASE).json()["results"]] == [case.pk]
    assert client_for(cast.anonymous).get(BASE).status_code in (401, 403)


def test_the_list_filters(cast):
    mine = register(cast, title="无照经营", parties=[org_party("样例县甲商贸有限公司")])
    other = register(cast, flow="levy", title="征收排污费", officers=[cast.officer_a2.person.pk, cast.leader.person.pk])
    client = client_for(cast.officer_a2)

    def ids(**params):
        response = client.get(BASE, params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids() == {mine.pk, other.pk}
    assert ids(kind="levy") == {other.pk}
    assert ids(q="甲商贸") == {mine.pk}
    assert ids(q="排污") == {other.pk}
    assert ids(q=mine.number) == {mine.pk}
    assert ids(status="open") == {mine.pk, other.pk} and ids(status="closed") == set()
    assert ids(department=cast.department_a1.pk) == {mine.pk, other.pk} and ids(department=cast.department_a2.pk) == set()
    today = timezone.localdate()
    assert ids(registered_from=today.isoformat(), registered_to=today.isoformat()) == {mine.pk, other.pk}
    assert ids(registered_to=(today - datetime.timedelta(days=1)).isoformat()) == set()
    Case.objects.filter(pk=mine.pk).update(deadline_on=today - datetime.timedelta(days=1))
    Case.objects.filter(pk=other.pk).update(deadline_on=today + datetime.timedelta(days=1))
    assert ids(deadline="overdue") == {mine.pk}
    assert ids(deadline="due_soon") == {other.pk}
    rows = {r["id"]: r for r in client.get(BASE).json()["results"]}
    assert rows[mine.pk]["deadline_state"] == "overdue" and rows[other.pk]["deadline_state"] == "due_soon"
    # officer_a handles only the first case
    response = client_for(cast.officer_a).get(BASE, {"mine": "true"})
    assert {r["id"] for r in response.json()["results"]} == {mine.pk}


def test_bad_filters_are_refused_by_name(cast):
    response = client_for(cast.officer_a).get(BASE, {
        "kind": "nonsense", "status": "x", "department": "abc", "mine": "maybe", "deadline": "soon",
        "registered_from": "2024-13-40", "registered_to": "yesterday", "q": "长" * 101})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"kind", "status", "department", "mine", "deadline", "registered_from",
                                              "registered_to", "q"}


def test_the_list_pages_by_cursor_without_counting_and_without_a_query_per_row(cast):
    cases = [register(cast, title=f"案件{i}") for i in range(5)]
    # Every case registered at the same moment: the cursor must still page through ties exactly once.
    Case.objects.update(registered_at=cases[0].registered_at)
    client = client_for(cast.officer_a)
    seen, url = [], BASE + "?page_size=2"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    small = len(queries.captured_queries)
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.json()
        assert len(page["results"]) <= 2
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen == sorted((c.pk for c in cases), reverse=True)
    with CaptureQueriesContext(connection) as queries:
        client.get(BASE + "?page_size=5")
    assert len(queries.captured_queries) == small  # no query per row


def test_a_bad_cursor_or_page_size_is_a_400(cast):
    client = client_for(cast.officer_a)
    for params in ({"cursor": "not-a-cursor"}, {"cursor": "x" * 300}, {"page_size": "0"}, {"page_size": "1e9"}):
        response = client.get(BASE, params)
        assert response.status_code == 400, params
        assert response.json()["errors"]


# --- Register -----------------------------------------------------------------------------------


def test_registering_answers_201_with_the_case(cast):
    response = post(client_for(cast.officer_a), BASE, register_body(cast))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["number"] == case.number and body["current_step"] == "register" and body["may_act"] is True
    assert body["parties"][0]["id_number"] == case.parties.get().id_number
    assert [o["person"] for o in body["officers"]] == [cast.officer_a.person.pk, cast.officer_a2.person.pk]
    assert StepRecord.objects.filter(case=case, action="register").count() == 1


@pytest.mark.parametrize("change, field", [
    ({"parties": [{**person_party(), "id_number": "350421199001011234"}]}, "parties.0.id_number"),
    ({"act_date": (datetime.date.today() + datetime.timedelta(days=3)).isoformat()}, "act_date"),
    ({"title": "<script>alert(1)</script>"}, "title"),
    ({"title": ""}, "title"),
    ({"parties": "陈某"}, "parties"),
    ({"parties": []}, "parties"),
    ({"officers": [10**30]}, "officers"),
    ({"department": "first"}, "department"),
    ({"step": ["x"]}, "non_field_errors"),
])
def test_bad_registrations_are_refused_field_by_field(cast, change, field):
    before = Case.objects.count()
    response = post(client_for(cast.officer_a), BASE, register_body(cast, **change))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert Case.objects.count() == before


@pytest.mark.req("LAW-01")
def test_registering_a_penalty_case_with_one_officer_is_a_rule_violation(cast):
    response = post(client_for(cast.officer_a), BASE, register_body(cast, officers=[cast.officer_a.person.pk]))
    assert response.status_code == 422
    assert response.json()["rule"] == "LAW-01" and response.json()["detail"].startswith("LAW-01")
    assert Case.objects.count() == 0


@pytest.mark.req("LAW-08")
def test_registering_an_act_beyond_the_limitation_period_is_a_rule_violation(cast):
    old = (datetime.date.today() - datetime.timedelta(days=3 * 366)).isoformat()
    response = post(client_for(cast.officer_a), BASE, register_body(cast, act_date=old))
    assert response.status_code == 422 and response.json()["rule"] == "LAW-08"
    assert Case.objects.count() == 0


def test_who_may_not_register(cast):
    assert post(client_for(cast.supervisor), BASE, register_body(cast)).status_code == 403
    assert post(client_for(cast.anonymous), BASE, register_body(cast)).status_code in (401, 403)
    # another agency's department
    response = post(client_for(cast.officer_b), BASE, register_body(cast))
    assert response.status_code == 400 and "department" in response.json()["errors"]
    assert Case.objects.count() == 0


# --- Detail, timeline, form -----------------------------------------------------------------------


def test_the_detail_shows_parties_officers_deadlines_next_actions_and_documents(cast):
    party = person_party("陈某")
    case = register(cast, parties=[party, org_party()])
    body = client_for(cast.officer_a).get(f"{BASE}{case.pk}/").json()
    assert body["number"] == case.number and body["may_act"] is True
    assert body["parties"][0]["id_number"] == party["id_number"]
    assert body["parties"][1]["name"] == org_party()["name"]
    assert {o["name"] for o in body["officers"]} == {"张执法", "李执法"}
    assert isinstance(body["deadlines"], list) and body["documents"] == []
    targets = {a["target"]: a for a in body["next_actions"]}
    assert set(targets) == {"file", "not_filed"}
    action = targets["file"]
    assert set(action) >= {"name", "guard", "guard_label", "allowed", "reason", "may_perform", "fields"}
    assert action["may_perform"] is False  # 立案 is the leader's
    assert "occurred_at" in {f["name"] for f in action["fields"]}
    assert body["parent"] is None and body["children"] == []


@pytest.mark.req("PUB-14")
def test_id_numbers_are_masked_for_those_who_do_not_handle_the_case(cast):
    party = person_party("陈某")
    case = register(cast, parties=[party, org_party()])
    for user in (cast.supervisor, cast.admin_a):
        body = client_for(user).get(f"{BASE}{case.pk}/").json()
        assert body["parties"][0]["id_number"] == mask_id_number(party["id_number"])
        assert body["parties"][1]["id_number"] == org_party()["id_number"]  # a credit code is public
        assert body["may_act"] is False
        timeline = client_for(user).get(f"{BASE}{case.pk}/timeline/").json()
        assert party["id_number"] not in json.dumps(timeline)
    for user in (cast.officer_a, cast.leader, cast.reviewer):
        body = client_for(user).get(f"{BASE}{case.pk}/").json()
        assert body["parties"][0]["id_number"] == party["id_number"]
    timeline = client_for(cast.officer_a).get(f"{BASE}{case.pk}/timeline/").json()
    assert party["id_number"] in json.dumps(timeline)


@pytest.mark.req("SUP-01")
def test_another_agencys_case_does_not_exist(cast, plain_levy):
    case = register(cast, flow="levy")
    before = state(case)
    client = client_for(cast.officer_b)
    for url in ("", "timeline/", "steps/decide/form/"):
        response = client.get(f"{BASE}{case.pk}/{url}")
        assert response.status_code == 404 and "detail" in response.json()
    assert post(client, f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version}).status_code == 404
    for action in ("extend", "pause", "resume", "note", "correct", "officers"):
        response = post(client, f"{BASE}{case.pk}/actions/{action}/", {"version": case.version, "data": {"text": "x"}})
        assert response.status_code == 404, action
    assert state(case) == before
    assert client.get(f"{BASE}99999999/").status_code == 404
    assert client.get(f"{BASE}{10**30}/").status_code == 404


def test_the_timeline_lists_the_records(cast, plain_levy):
    case = register(cast, flow="levy")
    case = move(cast.leader, case, "decide")
    response = client_for(cast.supervisor).get(f"{BASE}{case.pk}/timeline/")
    assert response.status_code == 200
    rows = response.json()
    assert [(r["index"], r["action"], r["step"]) for r in rows] == [(0, "register", "register"), (1, "transition", "decide")]
    assert rows[1]["step_name"] == "审查并作出决定" and rows[1]["from_step"] == "register"
    assert set(rows[1]) >= {"data", "occurred_at", "recorded_at", "actor_label", "log_seq", "corrects", "reason"}
    assert rows[1]["actor_label"] == "leader"


def test_the_form_of_a_step(cast, monkeypatch):
    monkeypatch.setitem(steps.SPECS, ("levy", "decide"), StepSpec(flow="levy", step="decide", fields=(
        Field("amount", "征收金额（元）", "decimal"), Field("way", "方式", "choice", choices=(("a", "甲"), ("b", "乙"))))))
    case = register(cast, flow="levy")
    response = client_for(cast.officer_a).get(f"{BASE}{case.pk}/steps/decide/form/")
    assert response.status_code == 200
    form = response.json()
    assert form["name"] == "审查并作出决定" and form["offered"] is True
    fields = {f["name"]: f for f in form["fields"]}
    assert fields["amount"]["kind"] == "decimal" and fields["amount"]["required"] is True
    assert fields["way"]["choices"] == [{"value": "a", "label": "甲"}, {"value": "b", "label": "乙"}]
    assert {"occurred_at", "note", "evidence"} <= set(fields)
    assert client_for(cast.officer_a).get(f"{BASE}{case.pk}/steps/nowhere/form/").status_code == 404
    assert client_for(cast.officer_a).get(f"{BASE}{case.pk}/steps/deliver/form/").json()["offered"] is False


def test_parent_and_children(cast):
    parent = register(cast, title="销售过期食品（案源）")
    child = register(cast, parent=parent.pk)
    body = client_for(cast.officer_a).get(f"{BASE}{child.pk}/").json()
    assert body["parent"] == {"id": parent.pk, "number": parent.number}
    body = client_for(cast.officer_a).get(f"{BASE}{parent.pk}/").json()
    assert body["children"] == [{"id": child.pk, "number": child.number}]


# --- Moves ---------------------------------------------------------------------------------------


def fill(form: dict, cast) -> dict:
    """Plausible values for the required fields (and amounts) of a step form, as a mobile client would send them."""
    today = timezone.localdate().isoformat()
    values = {"text": "依法办理", "textarea": "经审查，依法办理。", "date": today, "decimal": "100.00", "int": 1,
              "bool": True, "people": [cast.officer_a.person.pk, cast.officer_a2.person.pk],
              "person": cast.officer_a.person.pk}
    data = {}
    for field in form["fields"]:
        if field["kind"] in ("choice", "multichoice") and field["required"]:
            first = field["choices"][0]["value"]
            data[field["name"]] = first if field["kind"] == "choice" else [first]
        elif field["required"] or field["kind"] == "decimal":
            data[field["name"]] = values[field["kind"]]
    return data


def test_a_client_can_drive_a_move_from_the_step_form(cast):
    """The real levy steps: the form says what to send, the client sends it, the move is recorded."""
    case = register(cast, flow="levy")
    leader = client_for(cast.leader)
    form = leader.get(f"{BASE}{case.pk}/steps/decide/form/").json()
    response = post(leader, f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version, "data": fill(form, cast)})
    assert response.status_code == 201, response.content
    officer = client_for(cast.officer_a)
    form = officer.get(f"{BASE}{case.pk}/steps/deliver/form/").json()
    response = post(officer, f"{BASE}{case.pk}/steps/",
                    {"target": "deliver", "version": response.json()["case"]["version"], "data": fill(form, cast)})
    assert response.status_code == 201, response.content
    assert response.json()["case"]["status"] == "closed"


def test_a_move_answers_201_with_the_record_and_the_new_version(cast, plain_levy):
    case = register(cast, flow="levy")
    response = post(client_for(cast.leader), f"{BASE}{case.pk}/steps/",
                    {"target": "decide", "version": case.version, "data": {"note": "经审查，依法作出决定"}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["record"]["step"] == "decide" and body["record"]["data"]["note"] == "经审查，依法作出决定"
    assert body["case"]["version"] == case.version + 1 and body["case"]["current_step"] == "decide"
    # the officer handling the case records the delivery
    response = post(client_for(cast.officer_a), f"{BASE}{case.pk}/steps/",
                    {"target": "deliver", "version": body["case"]["version"]})
    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=case.pk).current_step == "deliver"


def test_the_second_of_two_moves_from_the_same_version_gets_409(cast, plain_levy):
    case = register(cast, flow="levy")
    client = client_for(cast.leader)
    first = post(client, f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version})
    assert first.status_code == 201
    after_first = state(case)
    second = post(client, f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version})
    assert second.status_code == 409
    assert "已被他人办理" in second.json()["detail"] and "刷新" in second.json()["detail"]
    assert state(case) == after_first


@pytest.mark.req("LAW-01")
def test_a_move_the_flow_does_not_allow_is_422_with_its_rule(cast):
    case = register(cast)
    before = state(case)
    response = post(client_for(cast.leader), f"{BASE}{case.pk}/steps/", {"target": "close", "version": case.version})
    assert response.status_code == 422
    assert response.json()["rule"] == "PROC" and "案源登记" in response.json()["detail"]
    assert state(case) == before


def test_a_step_unknown_to_the_flow_is_400(cast):
    case = register(cast)
    before = state(case)
    response = post(client_for(cast.leader), f"{BASE}{case.pk}/steps/", {"target": "nowhere", "version": case.version})
    assert response.status_code == 400 and "target" in response.json()["errors"]
    assert state(case) == before


def test_the_supervisor_reads_but_may_not_act(cast, plain_levy):
    case = register(cast, flow="levy")
    before = state(case)
    client = client_for(cast.supervisor)
    assert client.get(f"{BASE}{case.pk}/").status_code == 200
    response = post(client, f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version})
    assert response.status_code == 403 and response.json()["detail"]
    response = post(client, f"{BASE}{case.pk}/actions/note/", {"version": case.version, "data": {"text": "督查意见"}})
    assert response.status_code == 403
    assert state(case) == before


def test_an_officer_may_not_perform_the_leaders_step(cast, plain_levy):
    case = register(cast, flow="levy")
    before = state(case)
    response = post(client_for(cast.officer_a), f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version})
    assert response.status_code == 403 and "行政机关负责人" in response.json()["detail"]
    assert state(case) == before


def test_anonymous_may_not_move(cast, plain_levy):
    case = register(cast, flow="levy")
    before = state(case)
    response = post(client_for(cast.anonymous), f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version})
    assert response.status_code in (401, 403)
    assert state(case) == before


def test_a_negative_amount_in_step_data_is_refused(cast, monkeypatch):
    monkeypatch.setitem(steps.SPECS, ("levy", "decide"), StepSpec(flow="levy", step="decide", fields=(
        Field("amount", "征收金额（元）", "decimal"),)))
    case = register(cast, flow="levy")
    before = state(case)
    client = client_for(cast.leader)
    for amount in ("-1", -0.01, "1e12", "12.345", "abc", True, [1]):
        response = post(client, f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version,
                                                              "data": {"amount": amount}})
        assert response.status_code == 400, amount
        assert "amount" in response.json()["errors"]
    assert state(case) == before
    response = post(client, f"{BASE}{case.pk}/steps/", {"target": "decide", "version": case.version,
                                                          "data": {"amount": "1200.50"}})
    assert response.status_code == 201 and response.json()["record"]["data"]["amount"] == "1200.50"


def test_markup_in_step_data_is_refused(cast, plain_levy):
    case = register(cast, flow="levy")
    before = state(case)
    response = post(client_for(cast.leader), f"{BASE}{case.pk}/steps/",
                    {"target": "decide", "version": case.version, "data": {"note": "<b>决定</b>"}})
    assert response.status_code == 400 and "note" in response.json()["errors"]
    assert state(case) == before


def test_a_future_moment_is_refused(cast, plain_levy):
    case = register(cast, flow="levy")
    before = state(case)
    later = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    response = post(client_for(cast.leader), f"{BASE}{case.pk}/steps/",
                    {"target": "decide", "version": case.version, "data": {"occurred_at": later}})
    assert response.status_code == 400 and "occurred_at" in response.json()["errors"]
    assert state(case) == before


# --- Side actions ----------------------------------------------------------------------------------


def test_a_note_by_the_officer_handling_the_case(cast):
    case = register(cast)
    response = post(client_for(cast.officer_a), f"{BASE}{case.pk}/actions/note/",
                    {"version": case.version, "data": {"text": "当事人电话联系不上，改日再访"}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["record"]["action"] == "note" and body["case"]["version"] == case.version + 1


def test_evidence_of_another_agencys_case_is_refused(cast):
    case = register(cast)
    foreign = make_evidence(cast.officer_b, title="他局照片")
    before = state(case)
    response = post(client_for(cast.officer_a), f"{BASE}{case.pk}/actions/note/",
                    {"version": case.version, "data": {"text": "关联证据", "evidence": [foreign.pk]}})
    assert response.status_code == 400 and "evidence" in response.json()["errors"]
    assert state(case) == before
    own = make_evidence(cast.officer_a, title="现场照片", case_ref=case.number)
    response = post(client_for(cast.officer_a), f"{BASE}{case.pk}/actions/note/",
                    {"version": case.version, "data": {"text": "关联证据", "evidence": [own.pk]}})
    assert response.status_code == 201 and response.json()["record"]["data"]["evidence"] == [own.pk]


@pytest.mark.req("REC-01")
def test_a_correction_names_the_record_it_corrects(cast):
    case = register(cast)
    other = register(cast)
    first = StepRecord.objects.get(case=case)
    client = client_for(cast.officer_a)
    response = post(client, f"{BASE}{case.pk}/actions/correct/",
                    {"version": case.version, "record": first.pk, "data": {"text": "当事人住所应为城关镇2号", "reason": "笔误"}})
    assert response.status_code == 201, response.content
    assert response.json()["record"]["corrects"] == first.pk and response.json()["record"]["reason"] == "笔误"
    case.refresh_from_db()
    before = state(case)
    foreign_record = StepRecord.objects.get(case=other)
    for record in (foreign_record.pk, None, "1", 0, 10**30):
        response = post(client, f"{BASE}{case.pk}/actions/correct/",
                        {"version": case.version, "record": record, "data": {"text": "x", "reason": "y"}})
        assert response.status_code == 400, record
    assert state(case) == before


@pytest.mark.req("LAW-03")
def test_extending_a_clock_is_the_leaders(cast):
    case = register(cast)
    before = state(case)
    response = post(client_for(cast.officer_a), f"{BASE}{case.pk}/actions/extend/",
                    {"version": case.version, "data": {"clock": "file", "days": 5, "reason": "案情复杂"}})
    assert response.status_code == 422 and response.json()["rule"] == "LAW-03"
    response = post(client_for(cast.leader), f"{BASE}{case.pk}/actions/extend/",
                    {"version": case.version, "data": {"clock": "no-such-clock", "days": 5, "reason": "案情复杂"}})
    assert response.status_code == 400 and "clock" in response.json()["errors"]
    response = post(client_for(cast.leader), f"{BASE}{case.pk}/actions/extend/",
                    {"version": case.version, "data": {"clock": "file", "days": -5, "reason": "案情复杂"}})
    assert response.status_code == 400 and "days" in response.json()["errors"]
    for action in ("pause", "resume"):
        response = post(client_for(cast.leader), f"{BASE}{case.pk}/actions/{action}/",
                        {"version": case.version, "data": {"clock": "no-such-clock", "pause_kind": "hearing", "reason": "x"}})
        assert response.status_code == 400, action
    assert state(case) == before


@pytest.mark.req("LAW-01")
def test_changing_officers(cast):
    case = register(cast)
    before = state(case)
    client = client_for(cast.officer_a)
    response = post(client, f"{BASE}{case.pk}/actions/officers/",
                    {"version": case.version, "data": {"officers": [cast.officer_a.person.pk], "reason": "人员调整"}})
    assert response.status_code == 422 and response.json()["rule"] == "LAW-01"
    response = post(client, f"{BASE}{case.pk}/actions/officers/",
                    {"version": case.version, "data": {"officers": [cast.officer_a.person.pk, cast.officer_b.person.pk],
                                                       "reason": "人员调整"}})
    assert response.status_code == 400 and "officers" in response.json()["errors"]
    assert state(case) == before
    response = post(client, f"{BASE}{case.pk}/actions/officers/",
                    {"version": case.version, "data": {"officers": [cast.officer_a2.person.pk, cast.officer_a.person.pk],
                                                       "reason": "主办人调整"}})
    assert response.status_code == 201, response.content
