"""LAW-10: working days follow the State Council's schedule, holidays and make-up working days (调休)."""

import datetime

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.core import workdays
from sanxiang.core.calendar_files import load_calendar, parse_calendar_csv
from sanxiang.core.models import CalendarDay, CalendarYear
from sanxiang.core.workdays import (
    CalendarYearMissing,
    add_working_days,
    is_working_day,
    working_days_between,
    year_schedule,
)

pytestmark = [pytest.mark.req("LAW-10"), pytest.mark.usefixtures("db")]

D = datetime.date
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year  # 2026 for chinesecalendar 1.11


def load_csv(text: str, **kwargs) -> CalendarYear:
    return load_calendar(parse_calendar_csv(text), **kwargs)


# --- the start day is not counted ------------------------------------------------------------------------------


def test_it_does_not_count_the_start_day():
    assert add_working_days(D(2024, 3, 4), 1) == D(2024, 3, 5)  # Monday -> Tuesday
    assert add_working_days(D(2024, 3, 8), 1) == D(2024, 3, 11)  # Friday -> Monday
    assert add_working_days(D(2024, 3, 9), 1) == D(2024, 3, 11)  # from a Saturday: Monday is the first
    assert add_working_days(D(2024, 3, 4), 5) == D(2024, 3, 11)


def test_it_returns_the_start_for_zero_days_even_on_a_holiday():
    assert add_working_days(D(2024, 2, 12), 0) == D(2024, 2, 12)
    assert add_working_days(D(2099, 1, 1), 0) == D(2099, 1, 1)  # no calendar needed for zero days


def test_it_counts_working_days_after_start_up_to_and_including_end():
    assert working_days_between(D(2024, 3, 4), D(2024, 3, 4)) == 0
    assert working_days_between(D(2024, 3, 4), D(2024, 3, 5)) == 1
    assert working_days_between(D(2024, 3, 8), D(2024, 3, 10)) == 0  # Friday to Sunday
    assert working_days_between(D(2024, 3, 4), D(2024, 3, 11)) == 5
    assert working_days_between(D(2024, 3, 11), D(2024, 3, 4)) == -5


# --- holidays and make-up working days ------------------------------------------------------------------------


def test_it_knows_the_2024_spring_festival():
    # 国办发明电〔2023〕7号: 2月10日至17日放假调休，2月4日（星期日）、2月18日（星期日）上班.
    for day in range(10, 18):
        assert not is_working_day(D(2024, 2, day))
    assert is_working_day(D(2024, 2, 4))  # a Sunday, made a working day
    assert is_working_day(D(2024, 2, 18))  # a Sunday, made a working day
    assert is_working_day(D(2024, 2, 9))  # 除夕 is officially a working day in 2024


def test_it_crosses_the_spring_festival_and_lands_on_a_make_up_sunday():
    assert add_working_days(D(2024, 2, 8), 1) == D(2024, 2, 9)
    assert add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 18)  # the make-up Sunday after the holiday
    assert add_working_days(D(2024, 2, 9), 2) == D(2024, 2, 19)
    assert add_working_days(D(2024, 2, 2), 1) == D(2024, 2, 4)  # Friday -> the make-up Sunday before
    assert working_days_between(D(2024, 2, 8), D(2024, 2, 19)) == 3


def test_it_lands_on_the_make_up_saturday_after_national_day_2025():
    # 2025: 10月1日至8日放假调休，9月28日（星期日）、10月11日（星期六）上班.
    for day in range(1, 9):
        assert not is_working_day(D(2025, 10, day))
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Friday -> make-up Sunday
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)  # over the eight days off
    assert add_working_days(D(2025, 10, 9), 2) == D(2025, 10, 11)  # make-up Saturday
    assert D(2025, 10, 11).weekday() == 5
    assert add_working_days(D(2025, 10, 9), 3) == D(2025, 10, 13)


def test_it_counts_a_five_day_period_over_national_day_2026():
    # 2026 (chinesecalendar): 中秋 9月25日至27日, 国庆 10月1日至7日放假, 9月20日（星期日）、10月10日（星期六）上班.
    start = D(2026, 9, 29)
    assert [add_working_days(start, n) for n in range(1, 6)] == [
        D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12),
    ]
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)  # make-up Sunday
    assert working_days_between(start, D(2026, 10, 12)) == 5


def test_it_crosses_the_new_year():
    # 2026: 1月1日至3日放假, 1月4日（星期日）上班.
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 2
    assert working_days_between(D(2026, 1, 5), D(2025, 12, 31)) == -2


def test_it_counts_backwards_for_negative_days():
    assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert add_working_days(D(2024, 2, 19), -1) == D(2024, 2, 18)
    assert add_working_days(D(2024, 2, 19), -2) == D(2024, 2, 9)
    assert add_working_days(D(2026, 1, 4), -1) == D(2025, 12, 31)  # backwards over a year boundary
    assert add_working_days(D(2024, 3, 10), -1) == D(2024, 3, 8)  # from a Sunday: the Friday before


def test_it_agrees_with_the_package_on_every_day_it_knows():
    first = min(chinese_calendar.holidays).year
    for year in range(first, PACKAGE_LAST_YEAR + 1):
        schedule = year_schedule(year)
        assert schedule.source == workdays.SOURCE_PACKAGE
        day = D(year, 1, 1)
        while day.year == year:
            assert schedule.is_working_day(day) == chinese_calendar.is_workday(day), day
            day += datetime.timedelta(days=1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(D(2005, 1, 1), D(2025, 12, 31)), n=st.integers(-200, 200))
def test_it_is_consistent_with_itself(start, n):
    result = add_working_days(start, n)
    if n == 0:
        assert result == start
        return
    assert is_working_day(result)
    assert (result > start) == (n > 0)
    if n > 0 or is_working_day(start):
        assert working_days_between(start, result) == n
    # one day earlier (later, going backwards) falls short
    assert add_working_days(start, n - (1 if n > 0 else -1)) != result


# --- where the data come from ---------------------------------------------------------------------------------


def test_it_refuses_a_year_nobody_knows_instead_of_guessing():
    missing = PACKAGE_LAST_YEAR + 1
    with pytest.raises(CalendarYearMissing) as exc:
        add_working_days(D(PACKAGE_LAST_YEAR, 12, 30), 5)
    assert exc.value.year == missing
    message = exc.value.messages[0]
    assert str(missing) in message and "sanxiang calendar load" in message
    assert isinstance(exc.value, ValidationError)
    with pytest.raises(CalendarYearMissing):
        working_days_between(D(PACKAGE_LAST_YEAR, 12, 1), D(missing, 1, 5))
    with pytest.raises(CalendarYearMissing):
        is_working_day(D(2099, 3, 2))  # an ordinary Monday, but no schedule is known for 2099
    with pytest.raises(CalendarYearMissing) as exc:
        add_working_days(D(2004, 1, 2), -5)  # the package starts in 2004
    assert exc.value.year == 2003


def test_it_only_needs_the_years_it_reaches():
    # Counting from New Year's Eve of a known year into the next needs only the next year.
    assert working_days_between(D(2004, 12, 31), D(2004, 12, 31)) == 0
    assert add_working_days(D(2003, 12, 31), 1) == D(2004, 1, 2)  # 2003 is unknown, but not needed
    assert working_days_between(D(2003, 12, 31), D(2004, 1, 2)) == 1


def test_a_loaded_year_overrides_the_package():
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert not is_working_day(D(2026, 2, 16))  # Spring Festival in the package
    load_csv(
        "date,kind,name\n"
        + "".join(f"2026-10-{day:02d},holiday,国庆节\n" for day in range(1, 10))
        + "2026-10-10,workday,国庆节\n"
    )
    assert year_schedule(2026).source == workdays.SOURCE_TABLE
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 10)  # 8 and 9 October are now off
    assert is_working_day(D(2026, 2, 16))  # the loaded rows alone decide 2026: no Spring Festival in them
    assert not is_working_day(D(2026, 2, 14))  # and no make-up Saturday either
    assert is_working_day(D(2025, 10, 9))  # other years still come from the package


def test_a_loaded_year_extends_the_calendar_beyond_the_package():
    year = PACKAGE_LAST_YEAR + 1
    jan1 = D(year, 1, 1)
    monday = jan1 + datetime.timedelta(days=(7 - jan1.weekday()) % 7 or 7)
    load_csv(f"date,kind,name\n{monday},holiday,测试假日\n")
    assert not is_working_day(monday)
    assert add_working_days(monday - datetime.timedelta(days=3), 1) == monday + datetime.timedelta(days=1)


def test_it_sees_a_year_written_by_another_process():
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)  # cached from the package now
    # Another process loads 2026: rows appear without this process's loader or signals being involved.
    cal = CalendarYear.objects.create(year=2026, source="另一进程")
    CalendarDay.objects.bulk_create(
        [CalendarDay(year=cal, date=D(2026, 10, day), kind="holiday", name="国庆节") for day in range(1, 9)]
    )
    CalendarYear.objects.filter(pk=cal.pk).update(loaded_at=timezone.now())
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)
    # ... and loads it again later.
    CalendarDay.objects.filter(year=cal).delete()
    CalendarYear.objects.filter(pk=cal.pk).update(loaded_at=timezone.now() + datetime.timedelta(seconds=1))
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 1)  # an empty table: only weekends are off
    # ... and deletes it: back to the package.
    cal.delete()
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_it_sees_single_days_edited_in_the_admin():
    cal = load_csv("date,kind,name\n2026-10-01,holiday,国庆节\n")
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 2)
    day = CalendarDay.objects.create(year=cal, date=D(2026, 10, 2), kind="holiday", name="国庆节")
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 5)
    day.kind = "workday"
    day.date = D(2026, 10, 3)
    day.save()
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 2)
    assert add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 3)
    day.delete()
    assert add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 5)


def test_it_is_fast(django_assert_max_num_queries):
    workdays.clear_cache()
    with django_assert_max_num_queries(1):  # the year's key; the package needs nothing else
        assert add_working_days(D(2024, 1, 25), 20) == D(2024, 2, 27)  # over the Spring Festival
    with django_assert_max_num_queries(1):
        add_working_days(D(2024, 1, 25), 20)
    load_csv("date,kind,name\n2026-10-01,holiday,国庆节\n")
    with django_assert_max_num_queries(2):  # the key, then the loaded rows
        add_working_days(D(2026, 9, 20), 20)
    with django_assert_max_num_queries(1):  # cached
        add_working_days(D(2026, 9, 20), 20)
    with django_assert_max_num_queries(2):  # twenty-two years of keys in one query, one year's rows
        assert working_days_between(D(2004, 1, 1), D(2026, 12, 31)) > 5000


def test_it_refuses_datetimes():
    with pytest.raises(TypeError):
        add_working_days(datetime.datetime(2024, 3, 4, 12, 0), 1)
    with pytest.raises(TypeError):
        working_days_between(D(2024, 3, 4), "2024-03-05")


# --- the table itself ------------------------------------------------------------------------------------------


def test_the_admin_form_checks_a_day_against_its_year():
    cal = CalendarYear.objects.create(year=2027)
    with pytest.raises(ValidationError) as exc:
        CalendarDay(year=cal, date=D(2028, 1, 1), kind="holiday").full_clean()
    assert "不在 2027 年内" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        CalendarDay(year=cal, date=D(2027, 1, 4), kind="workday").full_clean()  # a Monday
    assert "星期六或星期日" in str(exc.value)
    CalendarDay(year=cal, date=D(2027, 1, 3), kind="workday").full_clean()  # a Sunday: fine
