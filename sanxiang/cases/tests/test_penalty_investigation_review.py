"""Legal review in the penalty procedure (REV-01, REV-02): the grounds (review_hook.review_reasons), and the
status that fails closed until the legal-review app answers."""

import datetime

import pytest

from sanxiang.cases import review_hook
from sanxiang.cases.models import AgencyCaseRules, Case, StepRecord
from sanxiang.cases.testing import penalty_data, penalty_start, penalty_step, penalty_to_conclusion, penalty_to_statement
from sanxiang.catalog import services as catalog_services
from sanxiang.catalog.tests import factories as f
from sanxiang.core.workdays import add_working_days
from sanxiang.org.models import Role

from .test_penalty_investigation import DECIDE, options, refused

DAY = datetime.timedelta(days=1)
BIG_FINE = {"fine_amount": "150000"}


def publish_catalog(cast, **content):
    publisher = f.add_staff(cast, "publisher", "吴公示", [Role.PUBLISHER], department=cast.department_a1)
    version = catalog_services.create_entry(publisher, agency=cast.agency_a, kind="review_catalog", code="FZSH",
                                            content=f.review_catalog_content(**content))
    catalog_services.submit(publisher, version)
    return catalog_services.approve(cast.leader, version)


@pytest.mark.req("REV-02")
def test_a_decision_listed_in_the_agencys_review_catalog_needs_review(cast):
    publish_catalog(cast)
    case, day = penalty_to_conclusion(cast, conclude=BIG_FINE)
    reasons = review_hook.review_reasons(case)
    assert len(reasons) == 1 and "R1" in reasons[0] and "150000元达到对单位100000元的标准" in reasons[0]
    assert "R1" in refused(cast.officer_a, case, "prior_notice", penalty_data(cast, "prior_notice"), "REV-01", day=day)
    assert options(cast.reviewer, case)["legal_review"].allowed


@pytest.mark.req("REV-02")
def test_a_decision_outside_every_ground_needs_no_review_and_cannot_be_sent_to_it(cast):
    publish_catalog(cast)
    case, day = penalty_to_conclusion(cast)  # 5000 yuan: below R1
    assert review_hook.review_reasons(case) == [] and not review_hook.review_required(case)
    refused(cast.reviewer, case, "legal_review", penalty_data(cast, "legal_review"), "REV-02", day=day)
    assert options(cast.officer_a, case)["prior_notice"].allowed


@pytest.mark.req("REV-02")
def test_the_agency_may_review_every_general_procedure_decision(cast):
    case, day = penalty_to_conclusion(cast)
    assert review_hook.review_reasons(case) == []
    AgencyCaseRules.objects.create(agency=cast.agency_a, review_all_non_simple=True)
    assert review_hook.review_reasons(case) == [review_hook.AGENCY_ALL]


@pytest.mark.req("REV-02")
def test_officers_may_ask_for_review_themselves(cast):
    case, day = penalty_to_conclusion(cast, conclude={"review_flagged": True})
    assert review_hook.review_reasons(case) == [review_hook.VOLUNTARY]
    case = penalty_step(cast, case, "legal_review", day)
    record = StepRecord.objects.filter(case=case).last()
    assert record.step == "legal_review" and record.data["review_reasons"] == [review_hook.VOLUNTARY]


@pytest.mark.req("REV-02")
@pytest.mark.parametrize("flag, words", [("public_interest", "第（一）项"), ("social_impact", "重大社会影响"),
                                         ("complex", "第（三）项"), ("other_by_law", "第（四）项")])
def test_the_statutes_own_grounds_need_review(cast, flag, words):
    case, day = penalty_to_conclusion(cast, conclude={"complexity_flags": [flag]})
    [reason] = review_hook.review_reasons(case)
    assert words in reason


def _heard(cast, **conclude):
    start = penalty_start(35)
    statement = {"hearing_requested": True, "requested_on": (start + 4 * DAY).isoformat()}
    case, day = penalty_to_statement(cast, start, conclude={**BIG_FINE, **conclude}, statement=statement)
    hearing_day = add_working_days(day, 7)
    case = penalty_step(cast, case, "hearing_notice", day, hearing_date=hearing_day.isoformat())
    return penalty_step(cast, case, "hearing", hearing_day), hearing_day + DAY


@pytest.mark.req("REV-01")
def test_a_decision_on_third_party_rights_needs_review_once_a_hearing_was_held(cast):
    case, day = penalty_to_conclusion(cast, conclude={**BIG_FINE, "complexity_flags": ["third_party_rights"]})
    assert review_hook.review_reasons(case) == []  # no hearing yet: the notice may go out
    case, day = _heard(cast, complexity_flags=["third_party_rights"])
    [reason] = review_hook.review_reasons(case)
    assert "经过听证程序" in reason and "第（二）项" in reason
    refused(cast.leader, case, "decide", DECIDE, "REV-01", day=day)
    refused(cast.leader, case, "collective_discussion", penalty_data(cast, "collective_discussion"), "REV-01", day=day)
    assert review_hook.review_status(case) == review_hook.NOT_SUBMITTED
    case = penalty_step(cast, case, "legal_review", day)
    assert case.current_step == "legal_review"
    assert review_hook.review_status(case) == review_hook.PENDING
    refused(cast.leader, case, "decide", DECIDE, "REV-01", day=day + DAY)


@pytest.mark.req("REV-01")
def test_a_catalog_rule_on_hearings_applies_after_the_hearing(cast):
    publish_catalog(cast, rules=[{"code": "R3", "description": "经过听证程序作出决定的", "hearing_held": True}])
    case, day = _heard(cast)
    assert any("R3" in r for r in review_hook.review_reasons(case))
    assert options(cast.reviewer, case)["legal_review"].allowed
    assert not options(cast.leader, case)["decide"].allowed


@pytest.mark.req("REV-01")
def test_the_review_status_never_passes_until_the_review_app_answers(cast):
    case, day = penalty_to_conclusion(cast, conclude={"review_flagged": True})
    assert review_hook.review_status(case) == review_hook.NOT_SUBMITTED
    case = penalty_step(cast, case, "legal_review", day)
    assert review_hook.review_status(case) == review_hook.PENDING
    assert not any(o.allowed for o in options(cast.leader, case).values())


@pytest.mark.req("REV-01")
def test_the_guards_follow_the_review_status_when_the_review_app_answers(cast, monkeypatch):
    """The one place issue 6 replaces: a passed review opens the notice, a returned one sends the case back."""
    case, day = penalty_to_conclusion(cast, conclude={"review_flagged": True})
    case = penalty_step(cast, case, "legal_review", day)
    monkeypatch.setattr(review_hook, "review_status", lambda case: review_hook.RETURNED)
    allowed = {k for k, o in options(cast.officer_a, case).items() if o.allowed}
    assert allowed == {"investigate"}
    monkeypatch.setattr(review_hook, "review_status", lambda case: review_hook.PASSED)
    allowed = {k for k, o in options(cast.officer_a, case).items() if o.allowed}
    assert allowed == {"prior_notice"}
    case = penalty_step(cast, case, "prior_notice", day + DAY)
    assert Case.objects.get(pk=case.pk).current_step == "prior_notice"


@pytest.mark.req("LAW-06")
def test_a_disputed_review_calls_for_collective_discussion(cast, monkeypatch):
    case, day = penalty_to_statement(cast)
    assert not options(cast.leader, case)["collective_discussion"].allowed
    monkeypatch.setattr(review_hook, "review_disputed", lambda case: True)
    assert options(cast.leader, case)["collective_discussion"].allowed
    assert not options(cast.leader, case)["decide"].allowed
