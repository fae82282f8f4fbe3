"""Deadlines from the flows' limits, agency parameters, extensions and excluded periods (LAW-03, LAW-10)."""

import datetime

import pytest
from django.utils import timezone

from sanxiang.cases import clocks
from sanxiang.cases.models import AgencyCaseRules, Case, StepRecord
from sanxiang.core.workdays import add_working_days

A = StepRecord.Action


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def history(*rows):
    return [StepRecord(index=i, action=action, step=step, occurred_at=at(day), data=data or {})
            for i, (action, step, day, data) in enumerate(rows)]


def case_at(cast, step, flow="penalty", status="open", source="inspection"):
    return Case(agency=cast.agency_a, flow_key=flow, current_step=step, status=status, source=source)


FILED = datetime.date(2026, 3, 2)


@pytest.mark.req("LAW-03")
def test_the_decision_is_due_90_days_after_filing(cast):
    case = case_at(cast, "investigate")
    h = history((A.REGISTER, "register", FILED, None), (A.TRANSITION, "file", FILED, None),
                (A.TRANSITION, "investigate", FILED, None))
    deadline = next(d for d in clocks.deadlines(case, h, today=FILED) if d.key == "penalty_decision")
    assert deadline.due == FILED + datetime.timedelta(days=90)
    assert deadline.state == clocks.ON_TIME
    assert "90" in deadline.label and "撤销立案" in deadline.label  # the three ways of deciding share the clock
    late = clocks.deadlines(case, h, today=FILED + datetime.timedelta(days=91))
    assert next(d for d in late if d.key == "penalty_decision").state == clocks.OVERDUE


@pytest.mark.req("LAW-03")
def test_extensions_and_excluded_periods_move_the_decision_deadline(cast):
    case = case_at(cast, "investigate")
    h = history((A.REGISTER, "register", FILED, None), (A.TRANSITION, "file", FILED, None),
                (A.TRANSITION, "investigate", FILED, None),
                (A.PAUSE, "investigate", FILED + datetime.timedelta(days=10), {"clock": "penalty_decision"}),
                (A.RESUME, "investigate", FILED + datetime.timedelta(days=24), {"clock": "penalty_decision"}),
                (A.EXTEND, "investigate", FILED + datetime.timedelta(days=30), {"clock": "penalty_decision", "days": 30}))
    deadline = next(d for d in clocks.deadlines(case, h, today=FILED + datetime.timedelta(days=31))
                    if d.key == "penalty_decision")
    assert deadline.paused_days == 14 and deadline.extended_days == 30
    assert deadline.due == FILED + datetime.timedelta(days=90 + 14 + 30)


def test_a_paused_clock_shows_as_paused(cast):
    case = case_at(cast, "investigate")
    h = history((A.REGISTER, "register", FILED, None), (A.TRANSITION, "file", FILED, None),
                (A.PAUSE, "file", FILED + datetime.timedelta(days=5), {"clock": "penalty_decision"}))
    deadline = next(d for d in clocks.deadlines(case, h, today=FILED + datetime.timedelta(days=200))
                    if d.key == "penalty_decision")
    assert deadline.state == clocks.PAUSED


@pytest.mark.req("LAW-10")
def test_the_statement_window_counts_working_days(cast):
    case = case_at(cast, "statement")
    notice = datetime.date(2026, 9, 30)  # the National Day holiday follows
    h = history((A.REGISTER, "register", FILED, None), (A.TRANSITION, "file", FILED, None),
                (A.TRANSITION, "prior_notice", notice, None), (A.TRANSITION, "statement", notice, None))
    found = {d.key: d for d in clocks.deadlines(case, h, today=notice)}
    assert "statement" not in found or found["statement"].met_on == notice  # entered at once: met
    assert add_working_days(notice, 5) > notice + datetime.timedelta(days=5)


def test_a_met_deadline_stays_met_and_a_late_one_is_marked_late(cast):
    case = case_at(cast, "deliver")
    decided = FILED + datetime.timedelta(days=95)
    h = history((A.REGISTER, "register", FILED, None), (A.TRANSITION, "file", FILED, None),
                (A.TRANSITION, "decide", decided, None), (A.TRANSITION, "penalty_decision", decided, None))
    deadline = next(d for d in clocks.deadlines(case, h, today=decided) if d.key == "penalty_decision")
    assert deadline.state == clocks.LATE and deadline.met_on == decided


def test_limits_that_can_no_longer_be_reached_do_not_apply(cast):
    case = case_at(cast, "close")
    h = history((A.REGISTER, "register", FILED, None), (A.TRANSITION, "file", FILED, None),
                (A.TRANSITION, "decide", FILED, None), (A.TRANSITION, "withdraw_case", FILED, None),
                (A.TRANSITION, "close", FILED, None))
    keys = {d.key for d in clocks.deadlines(case, h, today=FILED)}
    assert "deliver" not in keys and "archive" not in keys


def test_the_agency_parameters_replace_the_defaults(cast):
    AgencyCaseRules.objects.create(agency=cast.agency_a, decision_days=60, filing_days=7)
    case = case_at(cast, "register")
    h = history((A.REGISTER, "register", FILED, None))
    filing = next(d for d in clocks.deadlines(case, h, today=FILED) if d.key == "file")
    assert filing.due == add_working_days(FILED, 7)
    case = case_at(cast, "investigate")
    h = history((A.REGISTER, "register", FILED, None), (A.TRANSITION, "file", FILED, None))
    decision = next(d for d in clocks.deadlines(case, h, today=FILED) if d.key == "penalty_decision")
    assert decision.due == FILED + datetime.timedelta(days=60)


def test_random_inspection_results_use_the_agencys_publication_period(cast):
    AgencyCaseRules.objects.create(agency=cast.agency_a, random_inspection_publish_days=10)
    h = history((A.REGISTER, "task", FILED, None), (A.TRANSITION, "inspect", FILED, None))
    random_case = case_at(cast, "inspect", flow="inspection", source="random")
    targeted = case_at(cast, "inspect", flow="inspection", source="complaint")
    due = {c.source: next(d for d in clocks.deadlines(c, h, today=FILED) if d.key == "publish").due
           for c in (random_case, targeted)}
    assert due["random"] == add_working_days(FILED, 10)
    assert due["complaint"] == add_working_days(FILED, 20)


@pytest.mark.parametrize("offset, state", [(-1, clocks.OVERDUE), (0, clocks.DUE_SOON), (3, clocks.DUE_SOON),
                                           (4, clocks.ON_TIME)])
def test_badges(offset, state):
    today = datetime.date(2026, 5, 11)
    assert clocks.badge_state(today + datetime.timedelta(days=offset), today, 3) == state
    assert clocks.badge_state(None, today, 3) == ""


@pytest.mark.req("LAW-09")
def test_the_24_hour_report_of_an_emergency_measure_shows_as_a_deadline(cast):
    case = case_at(cast, "decision", flow="coercion_measure")
    acted = datetime.date(2026, 6, 1)
    h = history((A.REGISTER, "propose", acted, None), (A.TRANSITION, "present", acted, None),
                (A.TRANSITION, "decision", acted, None))
    deadline = next(d for d in clocks.deadlines(case, h, today=acted) if d.key == "emergency_report")
    assert deadline.due == acted + datetime.timedelta(days=1)
    assert "24小时" in deadline.label
