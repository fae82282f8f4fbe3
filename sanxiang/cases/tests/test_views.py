"""Staff pages of case handling (/cases/): who sees what, the register form, a step's form, no 500 anywhere."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from sanxiang.cases import steps
from sanxiang.cases.models import Case, Party, StepRecord
from sanxiang.cases.steps.base import StepSpec
from sanxiang.cases.testing import move, org_party, person_party, register

PASSWORD = "test-pass-123"


def client_for(user) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user)
    return client


def state(case) -> tuple:
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, fresh.status, StepRecord.objects.filter(case=case).count()


def register_payload(cast, flow="penalty", **overrides) -> dict:
    party = org_party()
    data = {
        "flow": flow, "department": str(cast.department_a1.pk), "title": "销售过期食品", "source": "inspection",
        "act_date": "", "lead": str(cast.officer_a.person.pk), "assistants": [str(cast.officer_a2.person.pk)],
        "confidentiality": "", "parent": "",
        "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "20",
        "parties-0-party_type": party["party_type"], "parties-0-name": party["name"],
        "parties-0-id_type": party["id_type"], "parties-0-id_number": party["id_number"],
        "parties-0-legal_representative": party["legal_representative"], "parties-0-address": party["address"],
    }
    data.update(overrides)
    return data


# --- list -----------------------------------------------------------------------------------------

@pytest.mark.req("SYS-01")
def test_the_list_shows_only_the_cases_the_user_may_see(cast):
    case = register(cast, title="销售过期食品甲")
    other = register(cast, flow="levy", title="征收乙", officers=[cast.officer_a2.person.pk,
                                                                          cast.officer_a.person.pk])
    url = reverse("cases:list")
    page = client_for(cast.officer_a).get(url).content.decode()
    assert case.number in page and other.number in page
    assert case.number not in client_for(cast.officer_b).get(url).content.decode()
    supervisor_page = client_for(cast.supervisor).get(url).content.decode()
    assert case.number in supervisor_page
    assert "登记案件" not in supervisor_page  # read-only: no register button
    assert client_for(cast.anonymous).get(url).status_code == 302  # to the login page


@pytest.mark.req("SYS-01")
def test_the_list_filters_by_text_kind_status_mine_and_deadline(cast):
    penalty = register(cast, title="销售过期食品", parties=[org_party("样例县甲食品有限公司")])
    inspection = register(cast, flow="levy", title="征收事项", parties=[person_party("陈某某")])
    url = reverse("cases:list")
    client = client_for(cast.officer_a)

    def numbers(**params):
        html = client.get(url, params).content.decode()
        return {n for n in (penalty.number, inspection.number) if n in html}

    assert numbers(q="过期") == {penalty.number}
    assert numbers(q="陈某某") == {inspection.number}
    assert numbers(q=inspection.number) == {inspection.number}
    assert numbers(kind="levy") == {inspection.number}
    assert numbers(status="closed") == set()
    assert numbers(status="all") == {penalty.number, inspection.number}
    assert numbers(mine="1") == {penalty.number, inspection.number}
    assert client_for(cast.leader).get(url, {"mine": "1"}).content.decode().count("data-case=") == 0
    today = datetime.date.today()
    Case.objects.filter(pk=penalty.pk).update(deadline_on=today - datetime.timedelta(days=1))
    Case.objects.filter(pk=inspection.pk).update(deadline_on=today + datetime.timedelta(days=1))
    assert numbers(deadline="overdue") == {penalty.number}
    assert numbers(deadline="due_soon") == {inspection.number}
    assert numbers(deadline="on_time") == set()
    html = client.get(url).content.decode()
    assert "已超期" in html and "即将到期" in html  # badges carry text, not only colour
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert numbers(**{"from": tomorrow}) == set()
    assert numbers(to=tomorrow) == {penalty.number, inspection.number}
    assert numbers(department=str(cast.department_a2.pk)) == set()
    # nonsense parameters are ignored, never a 500
    assert client.get(url, {"department": "x", "from": "2026-99-99", "after": "abc", "kind": "<b>"}).status_code == 200


@pytest.mark.req("SYS-01")
def test_the_list_pages_by_keyset_and_caps_its_count(cast, settings):
    from sanxiang.cases import selectors

    for i in range(5):
        register(cast, title=f"案件{i}")
    queryset = selectors.case_list(cast.officer_a)
    first = selectors.page_of(queryset, size=2)
    assert [r.case.title for r in first.rows] == ["案件4", "案件3"] and first.first and first.next_after
    second = selectors.page_of(queryset, after=str(first.next_after), size=2)
    assert [r.case.title for r in second.rows] == ["案件2", "案件1"] and not second.first and second.count is None
    back = selectors.page_of(queryset, before=str(second.prev_before), size=2)
    assert [r.case.title for r in back.rows] == ["案件4", "案件3"] and back.first
    last = selectors.page_of(queryset, after=str(second.next_after), size=2)
    assert [r.case.title for r in last.rows] == ["案件0"] and last.next_after is None
    assert first.count is None  # several pages: no count query (at a million cases it costs more than the page)
    assert selectors.page_of(queryset, size=2, count_first_page=True).count == 5
    html = client_for(cast.officer_a).get(reverse("cases:list")).content.decode()
    assert "共 5 件" in html  # one page holds everything: counted from the page itself


@pytest.mark.req("SYS-01")
def test_the_list_query_count_does_not_grow_with_the_number_of_cases(cast, django_assert_max_num_queries):
    client = client_for(cast.officer_a)
    url = reverse("cases:list")
    register(cast)
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for i in range(6):
        register(cast, title=f"更多{i}", parties=[org_party(), person_party(f"当事人{i}")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-case=") == 7


# --- register -------------------------------------------------------------------------------------

@pytest.mark.req("SYS-01")
def test_register_first_asks_for_the_flow_then_shows_its_form(cast):
    client = client_for(cast.officer_a)
    choose = client.get(reverse("cases:register"))
    assert choose.status_code == 200 and 'data-flow="penalty"' in choose.content.decode()
    form = client.get(reverse("cases:register"), {"flow": "penalty"})
    html = form.content.decode()
    assert form.status_code == 200 and "行政处罚（一般程序）" in html and "张执法" in html
    for user in (cast.supervisor, cast.admin_a, cast.reviewer):
        assert client_for(user).get(reverse("cases:register")).status_code == 403


@pytest.mark.req("SYS-01")
def test_register_form_creates_the_case_with_its_parties_and_officers(cast):
    client = client_for(cast.officer_a)
    response = client.post(reverse("cases:register"), register_payload(cast))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.title == "销售过期食品" and case.flow_key == "penalty" and case.department == cast.department_a1
    assert list(case.officer_links.order_by("-role").values_list("person_id", flat=True)) == [
        cast.officer_a.person.pk, cast.officer_a2.person.pk]
    assert case.officer_links.get(role="lead").person_id == cast.officer_a.person.pk
    assert Party.objects.filter(case=case).count() == 1


@pytest.mark.req("SYS-01")
@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"parties-0-id_number": "91350421MA2Y000000"}, "parties-0-id_number", "校验"),
    ({"parties-0-party_type": "person", "parties-0-id_type": "id_card", "parties-0-id_number": "350421199001011230"},
     "parties-0-id_number", ""),
    ({"act_date": (datetime.date.today() + datetime.timedelta(days=3)).isoformat()}, "act_date", "不能晚于今天"),
    ({"title": "<script>alert(1)</script>"}, "title", "纯文字"),
    ({"title": ""}, "title", "请填写案由"),
    ({"department": str(10 ** 9)}, "department", ""),
])
def test_register_form_refuses_bad_input_per_field_and_stores_nothing(cast, overrides, field, message):
    client = client_for(cast.officer_a)
    response = client.post(reverse("cases:register"), register_payload(cast, **overrides))
    assert response.status_code == 200
    assert Case.objects.count() == 0 and Party.objects.count() == 0 and StepRecord.objects.count() == 0
    html = response.content.decode()
    block = re.search(rf'data-field="{re.escape(field)}">(.*?)</div>', html, re.S)
    assert block is not None and 'class="errorlist"' in block.group(1), html
    assert message in block.group(1)


@pytest.mark.req("LAW-01")
def test_register_form_with_one_officer_shows_the_rule_and_stores_nothing(cast):
    client = client_for(cast.officer_a)
    response = client.post(reverse("cases:register"), register_payload(cast, assistants=[]))
    assert response.status_code == 200
    assert "LAW-01" in response.content.decode() and "不得少于2人" in response.content.decode()
    assert Case.objects.count() == 0 and StepRecord.objects.count() == 0


@pytest.mark.req("SYS-01")
def test_register_form_shows_the_start_steps_own_field_errors(cast):
    response = client_for(cast.officer_a).post(reverse("cases:register"), register_payload(
        cast, flow="inspection", **{"step-inspection_item": "食品经营", "step-basis": "《食品安全法》"}))
    html = response.content.decode()
    block = re.search(r'data-field="step-checklist">(.*?)</div>', html, re.S)
    assert response.status_code == 200 and block and "请填写检查内容" in block.group(1)
    assert Case.objects.count() == 0


@pytest.mark.req("SYS-01")
def test_register_form_adds_a_party_row_without_storing(cast):
    client = client_for(cast.officer_a)
    response = client.post(reverse("cases:register"), register_payload(cast, add_party="1"))
    assert response.status_code == 200 and 'data-party="1"' in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.req("SYS-01")
def test_register_form_with_two_parties_maps_the_second_partys_error(cast):
    payload = register_payload(cast, **{
        "parties-TOTAL_FORMS": "2", "parties-1-party_type": "person", "parties-1-name": "陈某",
        "parties-1-id_type": "id_card", "parties-1-id_number": "123"})
    response = client_for(cast.officer_a).post(reverse("cases:register"), payload)
    html = response.content.decode()
    block = re.search(r'data-field="parties-1-id_number">(.*?)</div>', html, re.S)
    assert block and 'class="errorlist"' in block.group(1)
    assert Case.objects.count() == 0


# --- case page ------------------------------------------------------------------------------------

@pytest.mark.req("SYS-01")
def test_case_page_shows_the_case_to_who_may_see_it_and_hides_it_from_others(cast):
    case = register(cast, parties=[person_party("陈当事")])
    party = case.parties.get()
    url = reverse("cases:detail", args=[case.pk])
    for user in (cast.officer_a, cast.officer_a2, cast.leader, cast.reviewer, cast.admin_a, cast.supervisor):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        html = response.content.decode()
        assert case.number in html and "案源登记" in html
        full = user in (cast.officer_a, cast.officer_a2, cast.leader)
        assert (party.id_number in html) is full, user
        if not full:
            assert party.id_number[:6] + "********" in html
    assert client_for(cast.officer_b).get(url).status_code == 404
    assert client_for(cast.anonymous).get(url).status_code == 302


@pytest.mark.req("SYS-01")
def test_case_page_lists_the_next_moves_with_their_conditions(cast):
    case = register(cast)
    html = client_for(cast.officer_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-section="options"' in html and 'data-target="file"' in html
    supervisor_html = client_for(cast.supervisor).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-section="options"' not in supervisor_html and "补充记录" not in supervisor_html


# --- a step ---------------------------------------------------------------------------------------

def decide_payload(case, **overrides) -> dict:
    data = {"case_version": str(case.version), "outcome": "grant", "decision_text": "准予", "basis": "某条例第五条"}
    data.update(overrides)
    return data


@pytest.mark.req("SYS-01")
def test_a_step_form_shows_the_fields_and_a_post_advances_the_case(cast):
    case = register(cast, flow="other", title="其他行为")
    url = reverse("cases:step", args=[case.pk, "decide"])
    page = client_for(cast.leader).get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "决定结果" in html and f'value="{case.version}"' in html
    response = client_for(cast.leader).post(url, decide_payload(case))
    assert response.status_code == 302, response.content.decode()
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.current_step == "decide" and fresh.version == case.version + 1
    detail = client_for(cast.leader).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "决定内容" in detail and "准予" in detail and "某条例第五条" in detail  # label/value pairs


@pytest.mark.req("SYS-01")
def test_a_step_post_with_bad_input_shows_field_errors_and_changes_nothing(cast):
    case = register(cast, flow="other")
    before = state(case)
    response = client_for(cast.leader).post(reverse("cases:step", args=[case.pk, "decide"]),
                                            decide_payload(case, decision_text="", basis="<b>x</b>"))
    html = response.content.decode()
    assert response.status_code == 200 and "请填写决定内容" in html and "纯文字" in html
    assert state(case) == before


@pytest.mark.req("SYS-01")
def test_a_step_outside_the_flow_shows_the_rule(cast):
    case = register(cast, flow="other")
    before = state(case)
    response = client_for(cast.leader).post(reverse("cases:step", args=[case.pk, "deliver"]),
                                            {"case_version": case.version, "method": "direct"})
    assert response.status_code == 200 and "PROC:" in response.content.decode()
    assert state(case) == before


@pytest.mark.req("LAW-01")
def test_a_step_with_one_officer_shows_law_01_and_changes_nothing(cast, monkeypatch):
    spec = steps.spec_for("other", "decide")
    monkeypatch.setitem(steps.SPECS, ("other", "decide"), StepSpec(
        flow="other", step="decide", fields=spec.fields, checks=spec.checks, apply=spec.apply, officers_act=True))
    case = register(cast, flow="other")
    before = state(case)
    response = client_for(cast.leader).post(reverse("cases:step", args=[case.pk, "decide"]),
                                            decide_payload(case, officers=[str(cast.officer_a.person.pk)]))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="rule-error"' in html and "LAW-01" in html
    assert state(case) == before


@pytest.mark.req("SYS-01")
def test_a_stale_version_gives_the_conflict_message(cast):
    case = register(cast, flow="other")
    stale = case.version
    move(cast.leader, case, "decide", {"outcome": "grant", "decision_text": "准予", "basis": "某条例"})
    before = state(case)
    response = client_for(cast.officer_a).post(reverse("cases:step", args=[case.pk, "deliver"]),
                                               {"case_version": str(stale), "method": "direct"})
    html = response.content.decode()
    assert response.status_code == 200 and "案件已被他人办理，请刷新" in html
    assert reverse("cases:detail", args=[case.pk]) in html
    assert state(case) == before


@pytest.mark.req("SYS-01")
def test_step_forms_refuse_who_may_not_act(cast):
    case = register(cast, flow="other")
    url = reverse("cases:step", args=[case.pk, "decide"])
    assert client_for(cast.supervisor).get(url).status_code == 403  # sees the case, may not act on it
    assert client_for(cast.officer_b).get(url).status_code == 404
    before = state(case)
    response = client_for(cast.officer_a).post(url, decide_payload(case))  # 决定 is the leader's act
    assert response.status_code == 403 and state(case) == before
    assert client_for(cast.supervisor).post(url, decide_payload(case)).status_code == 403
    assert state(case) == before
    assert client_for(cast.leader).get(reverse("cases:step", args=[case.pk, "nosuchstep"])).status_code == 404
    bad_version = client_for(cast.leader).post(url, decide_payload(case, case_version="abc"))
    assert bad_version.status_code == 200 and "版本号无效" in bad_version.content.decode()
    assert state(case) == before


# --- side actions ---------------------------------------------------------------------------------

@pytest.mark.req("REC-01")
def test_a_note_and_a_correction_are_new_records_linked_on_the_timeline(cast):
    case = register(cast)
    client = client_for(cast.officer_a)
    response = client.post(reverse("cases:side-action", args=[case.pk, "note"]),
                           {"case_version": case.version, "text": "补充：现场另有库存"})
    assert response.status_code == 302
    note = StepRecord.objects.get(case=case, action="note")
    fresh = Case.objects.get(pk=case.pk)
    response = client.post(reverse("cases:correct", args=[case.pk, note.pk]),
                           {"case_version": fresh.version, "text": "库存应为两箱", "reason": "笔误"})
    assert response.status_code == 302
    correction = StepRecord.objects.get(case=case, action="correct")
    assert correction.corrects_id == note.pk
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'href="#step-{note.index}"' in html and "已被更正" in html
    assert StepRecord.objects.get(pk=note.pk).data["text"] == "补充：现场另有库存"


@pytest.mark.req("LAW-03")
def test_clock_actions_are_for_leaders_only(cast):
    case = register(cast)
    before = state(case)
    for action in ("extend", "pause", "resume"):
        url = reverse("cases:side-action", args=[case.pk, action])
        assert client_for(cast.officer_a).get(url).status_code == 403
        assert client_for(cast.officer_a).post(url, {"case_version": case.version, "clock": "file", "days": "5",
                                                     "reason": "x"}).status_code == 403
        assert client_for(cast.leader).get(url).status_code == 200
    assert state(case) == before


@pytest.mark.req("LAW-01")
def test_changing_officers_to_one_shows_the_rule_and_changes_nothing(cast):
    case = register(cast)
    before = state(case)
    response = client_for(cast.officer_a).post(reverse("cases:side-action", args=[case.pk, "officers"]), {
        "case_version": case.version, "lead": str(cast.officer_a.person.pk), "reason": "调整"})
    assert response.status_code == 200 and "LAW-01" in response.content.decode()
    assert state(case) == before
    assert case.officer_links.filter(until__isnull=True).count() == 2


# --- home -----------------------------------------------------------------------------------------

@pytest.mark.req("SYS-01")
def test_the_home_page_shows_my_cases_panel(cast):
    case = register(cast)
    Case.objects.filter(pk=case.pk).update(deadline_on=datetime.date.today() - datetime.timedelta(days=2))
    html = client_for(cast.officer_a).get(reverse("home")).content.decode()
    assert 'data-section="cases"' in html and "已超期 1 件" in html and case.number in html
    assert 'data-section="cases"' not in client_for(cast.supervisor).get(reverse("home")).content.decode()


# --- never a 500 ----------------------------------------------------------------------------------

@pytest.mark.req("SYS-01")
def test_no_page_answers_500_for_any_user(cast):
    penalty = register(cast)
    other = register(cast, flow="other")
    move(cast.leader, other, "decide", {"outcome": "grant", "decision_text": "准予", "basis": "某条例"})
    record = StepRecord.objects.filter(case=penalty).first()
    reads = [reverse("cases:list"), reverse("cases:list") + "?status=all&deadline=overdue&mine=1&q=%3C", reverse("home")]
    writes = [reverse("cases:register")] + [reverse("cases:register") + f"?flow={key}" for key in (
        "penalty", "coercion_measure", "inspection", "license")]
    for case in (penalty, other):
        reads.append(reverse("cases:detail", args=[case.pk]))
        writes.append(reverse("cases:correct", args=[case.pk, record.pk]))
        writes += [reverse("cases:side-action", args=[case.pk, a]) for a in ("extend", "pause", "resume", "note", "officers")]
        writes += [reverse("cases:step", args=[case.pk, t]) for t in ("file", "decide", "deliver")]
    users = [cast.officer_a, cast.officer_a2, cast.officer_b, cast.reviewer, cast.leader, cast.admin_a, cast.supervisor,
             cast.anonymous]
    for user in users:
        client = client_for(user)
        for url in reads + writes:
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), (user, url, response.status_code)
        for url in writes:
            response = client.post(url, {"case_version": "0"})
            assert response.status_code in (200, 302, 403, 404), (user, url, response.status_code)
    assert Case.objects.count() == 2


@pytest.mark.req("SYS-01")
def test_the_case_page_query_count_does_not_grow_with_the_timeline(cast, django_assert_max_num_queries):
    from sanxiang.cases import services

    case = register(cast)
    client = client_for(cast.officer_a)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(6):
        fresh = Case.objects.get(pk=case.pk)
        services.add_note(cast.officer_a, case.pk, {"text": f"补充{i}"}, version=fresh.version)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('data-action="note"') == 6


@pytest.mark.req("SYS-01")
def test_register_form_shows_case_and_party_errors_together(cast):
    payload = register_payload(cast, title="", **{"parties-0-id_number": "123"})
    html = client_for(cast.officer_a).post(reverse("cases:register"), payload).content.decode()
    for field in ("title", "parties-0-id_number"):
        block = re.search(rf'data-field="{field}">(.*?)</div>', html, re.S)
        assert block and 'class="errorlist"' in block.group(1), field
    assert Case.objects.count() == 0


@pytest.mark.req("SYS-01")
def test_a_form_is_generated_for_every_field_kind(cast):
    from sanxiang.cases.fields import TYPES, Field
    from sanxiang.cases.forms import SpecForm

    specs = [Field(f"f_{kind}", f"字段{kind}", kind, required=False, choices=(("a", "甲"), ("b", "乙")))
             for kind in TYPES]
    person = cast.officer_a.person
    form = SpecForm({"f_text": "文字", "f_date": "2026-01-02", "f_bool": "on", "f_multichoice": ["a", "b"],
                     "f_people": [str(person.pk)], "f_person": str(person.pk), "f_choice": "b"},
                    specs=specs, people=[person])
    assert form.is_valid(), form.errors
    raw = form.raw()
    assert raw == {"f_text": "文字", "f_date": "2026-01-02", "f_bool": True, "f_multichoice": ["a", "b"],
                   "f_people": [str(person.pk)], "f_person": str(person.pk), "f_choice": "b"}
    html = str(form)
    assert 'type="date"' in html and 'type="datetime-local"' in html and 'type="checkbox"' in html
    assert "<textarea" in html and "<select" in html
    assert not SpecForm({"f_person": "999999"}, specs=specs, people=[person]).is_valid()  # not a choice


@pytest.mark.req("REC-07")
def test_the_upload_link_of_a_case_prefills_the_record_stores_form(client, cast):
    case = register(cast)
    client.force_login(cast.officer_a)
    page = client.get(f"/cases/{case.pk}/")
    upload_url = page.context["upload_url"]
    form = client.get(upload_url).context["form"]
    party = case.primary_party
    assert form.initial["case_ref"] == case.number and form.initial["step_ref"] == case.current_step
    assert form.initial["target_id"] == party.id_number and form.initial["target_type"] == party.party_type


def test_the_timeline_labels_values_the_steps_compute_and_hides_internal_ones():
    from sanxiang.cases.selectors import HIDDEN_KEYS, SIDE_LABELS

    for key in ("notice_on", "served_on", "payment_due", "surcharge_due", "decision_text", "late", "review_reasons"):
        assert SIDE_LABELS[key] and not SIDE_LABELS[key].isascii()
    assert "tracking_code_hash" in HIDDEN_KEYS


def test_internal_fields_are_not_offered_on_forms():
    spec = steps.spec_for("license", "apply")
    assert "tracking_code_hash" in {f.name for f in spec.all_fields()}
    assert "tracking_code_hash" not in {f.name for f in spec.form_fields()}
