"""加处罚款 and the court-application window (sanxiang.cases.surcharge): worked examples and properties."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.cases.surcharge import (
    add_months,
    counted_days,
    court_application_window,
    payment_due,
    surcharge,
)

D = datetime.date
fines = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000000"), places=2, allow_nan=False,
                    allow_infinity=False)
days = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


@pytest.mark.req("LAW-07")
def test_the_payment_deadline_is_15_calendar_days_after_delivery():
    assert payment_due(D(2026, 9, 25)) == D(2026, 10, 10)  # across 国庆, calendar days


@pytest.mark.req("LAW-07")
def test_three_percent_a_day_after_the_deadline():
    due = D(2026, 3, 1)
    assert surcharge(Decimal("1000"), due, due) == Decimal("0.00")
    assert surcharge(Decimal("1000"), due, D(2026, 3, 2)) == Decimal("30.00")
    assert surcharge(Decimal("1000"), due, D(2026, 3, 11)) == Decimal("300.00")
    assert surcharge(Decimal("333.33"), due, D(2026, 3, 2)) == Decimal("10.00")  # 9.9999 rounded to the fen


@pytest.mark.req("LAW-07")
def test_the_surcharge_never_exceeds_the_fine():
    due = D(2026, 3, 1)
    assert surcharge(Decimal("1000"), due, D(2026, 4, 3)) == Decimal("990.00")  # 33 days
    assert surcharge(Decimal("1000"), due, D(2026, 4, 4)) == Decimal("1000.00")  # 34 days: 1020 capped
    assert surcharge(Decimal("1000"), due, D(2027, 4, 4)) == Decimal("1000.00")


@pytest.mark.req("LAW-07")
def test_days_of_a_review_or_lawsuit_are_not_counted():
    due = D(2026, 3, 1)
    review = (D(2026, 3, 3), D(2026, 3, 7))  # 5 days pending
    assert counted_days(due, D(2026, 3, 10), []) == 9  # 2–10 March
    assert counted_days(due, D(2026, 3, 10), [review]) == 4  # 2, 8, 9, 10 March
    assert surcharge(Decimal("1000"), due, D(2026, 3, 10), [review]) == Decimal("120.00")
    pending = (D(2026, 3, 3), None)
    assert counted_days(due, D(2026, 12, 31), [pending]) == 1


def test_a_negative_fine_is_refused():
    with pytest.raises(ValueError):
        surcharge(Decimal("-1"), D(2026, 1, 1), D(2026, 2, 1))


@pytest.mark.req("LAW-07")
@given(fine=fines, due=days, a=st.integers(0, 400), b=st.integers(0, 400))
def test_property_capped_and_monotone(fine, due, a, b):
    first, second = sorted((a, b))
    early = surcharge(fine, due, due + datetime.timedelta(days=first))
    late = surcharge(fine, due, due + datetime.timedelta(days=second))
    assert Decimal("0") <= early <= late <= fine
    if fine > 0 and second >= 34:
        assert late == fine


@pytest.mark.req("LAW-07")
@given(fine=fines, due=days, paid=st.integers(0, 200), start=st.integers(0, 200), length=st.integers(0, 100))
def test_property_a_pause_never_increases_the_surcharge(fine, due, paid, start, length):
    paid_on = due + datetime.timedelta(days=paid)
    period = (due + datetime.timedelta(days=start), due + datetime.timedelta(days=start + length))
    assert surcharge(fine, due, paid_on, [period]) <= surcharge(fine, due, paid_on)


def test_months_are_added_to_the_last_day_of_short_months():
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)


@pytest.mark.req("LAW-07")
def test_the_court_window_opens_after_six_months_and_lasts_three():
    window = court_application_window(D(2026, 1, 10))
    assert window.opens == D(2026, 7, 11) and window.closes == D(2026, 10, 10)
    assert not window.contains(D(2026, 7, 10)) and window.contains(D(2026, 7, 11))
    assert window.contains(D(2026, 10, 10)) and not window.contains(D(2026, 10, 11))


@pytest.mark.req("LAW-07")
def test_a_pending_review_or_lawsuit_closes_the_window_and_its_end_moves_it():
    assert court_application_window(D(2026, 1, 10), review=(D(2026, 2, 1), None)) is None
    assert court_application_window(D(2026, 1, 10), lawsuit=(D(2026, 2, 1), None)) is None
    late_review = court_application_window(D(2026, 1, 10), review=(D(2026, 2, 1), D(2026, 7, 1)))
    assert late_review.opens == D(2026, 7, 17)  # 15 days to sue after the review decision
    lawsuit = court_application_window(D(2026, 1, 10), lawsuit=(D(2026, 3, 1), D(2026, 12, 1)))
    assert lawsuit.opens == D(2026, 12, 2) and lawsuit.closes == D(2027, 3, 1)
