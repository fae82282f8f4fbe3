"""Reads of the staff pages: filters, deadline states from ``deadline_on``, keyset pages, ID masking, the timeline."""

import datetime

import pytest
from django.http import QueryDict

from sanxiang.cases import selectors
from sanxiang.cases.models import AgencyCaseRules, Case, StepRecord
from sanxiang.cases.testing import move, person_party, register


def test_parse_filters_drops_malformed_values():
    filters = selectors.parse_filters(QueryDict(
        "q=%20abc%20&kind=nope&status=weird&department=1x&mine=1&deadline=late&from=2026-02-30&to=2026-03-01"))
    assert filters.q == "abc" and filters.kind == "" and filters.status == "all" and filters.department is None
    assert filters.mine and filters.deadline == "" and filters.registered_from is None
    assert filters.registered_to == datetime.date(2026, 3, 1)
    default = selectors.parse_filters(QueryDict(""))
    assert default.status == "open" and not default.active


@pytest.mark.req("SYS-01")
def test_deadline_filter_uses_the_date_not_the_stored_state(cast):
    case = register(cast)
    today = datetime.date(2026, 6, 10)
    Case.objects.filter(pk=case.pk).update(deadline_on=datetime.date(2026, 6, 9), deadline_state="on_time")

    def found(state, days=3):
        return list(Case.objects.filter(selectors.deadline_q(state, today, days)).values_list("pk", flat=True))

    assert found("overdue") == [case.pk] and found("on_time") == [] and found("due_soon") == []
    Case.objects.filter(pk=case.pk).update(deadline_on=datetime.date(2026, 6, 13))
    assert found("due_soon") == [case.pk] and found("due_soon", days=2) == [] and found("on_time", days=2) == [case.pk]


@pytest.mark.req("SYS-01")
def test_the_badge_follows_the_agencys_due_soon_days(cast):
    case = register(cast)
    today = datetime.date.today()
    Case.objects.filter(pk=case.pk).update(deadline_on=today + datetime.timedelta(days=5))
    page = selectors.page_of(selectors.case_list(cast.officer_a))
    assert page.rows[0].badge == "on_time" and page.rows[0].badge_label == "正常"
    AgencyCaseRules.objects.create(agency=cast.agency_a, due_soon_days=7)
    page = selectors.page_of(selectors.case_list(cast.officer_a))
    assert page.rows[0].badge == "due_soon" and page.rows[0].badge_label == "即将到期"


@pytest.mark.req("SYS-01")
def test_the_count_is_capped(cast, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for i in range(3):
        register(cast, title=f"案件{i}")
    page = selectors.page_of(selectors.case_list(cast.officer_a), count_first_page=True)
    assert page.count == 2 and page.count_capped and len(page.rows) == 3


@pytest.mark.req("SYS-01")
def test_my_cases_are_the_active_officer_links(cast):
    mine = register(cast)
    theirs = register(cast, officers=[cast.officer_a2.person.pk, cast.officer_a.person.pk])
    leader_view = selectors.case_list(cast.leader, selectors.Filters(mine=True))
    assert list(leader_view) == []
    officer_view = selectors.case_list(cast.officer_a, selectors.Filters(mine=True))
    assert {c.pk for c in officer_view} == {mine.pk, theirs.pk}
    theirs.officer_links.filter(person=cast.officer_a.person).update(until=theirs.registered_at)
    officer_view = selectors.case_list(cast.officer_a, selectors.Filters(mine=True))
    assert {c.pk for c in officer_view} == {mine.pk}


@pytest.mark.req("PUB-14")
def test_id_numbers_are_masked_for_those_who_do_not_handle_the_case(cast):
    case = register(cast, parties=[person_party("陈当事")])
    party = case.parties.get()
    assert selectors.handles(cast.officer_a, case) and selectors.handles(cast.leader, case)
    assert not selectors.handles(cast.reviewer, case) and not selectors.handles(cast.supervisor, case)
    shown = selectors.parties(case, full=False)[0].id_number
    assert shown != party.id_number and shown.startswith(party.id_number[:6]) and "*" in shown
    assert selectors.parties(case, full=True)[0].id_number == party.id_number
    uscc = "91350421MA2YXXXX0X"
    assert selectors.shown_id(uscc, "uscc", False) == uscc  # organisations' codes are public


@pytest.mark.req("REC-01")
def test_the_timeline_labels_values_with_the_steps_fields(cast):
    case = register(cast, flow="other", title="其他行为")
    case = move(cast.leader, case, "decide", {"outcome": "grant", "decision_text": "准予", "basis": "某条例"})
    records = list(StepRecord.objects.filter(case=case).order_by("index"))
    entries = selectors.timeline(case, records, full=True, evidence_urls={})
    register_items = {i.label: i.text for i in entries[0].items}
    assert register_items["承办人员"] == "张执法、李执法" and register_items["承办机构"] == "执法一队"
    decide = {i.label: i.text for i in entries[1].items}
    assert decide["决定结果"].startswith("作出决定") and decide["决定内容"] == "准予" and decide["决定依据"] == "某条例"
    assert entries[1].title == "审查并作出决定"
