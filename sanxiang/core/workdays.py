"""Working-day calendar (工作日计算, LAW-10): statutory holidays (法定节假日) and make-up working days (调休上班).

Rules (see ``docs/calendar.md``):

- A day is a working day if it is Monday–Friday and not a holiday of the State Council's schedule, or if it
  is a make-up working day (a Saturday or Sunday that the schedule makes a working day).
- Where a year's schedule comes from, in this order:

  1. a loaded table: if a :class:`~sanxiang.core.models.CalendarYear` row exists for the year, its
     :class:`~sanxiang.core.models.CalendarDay` rows alone decide that year (``sanxiang calendar load FILE``);
  2. the ``chinesecalendar`` package, for the years it knows;
  3. otherwise :class:`CalendarYearMissing` is raised. There is never a weekends-only guess (DESIGN.md §4.5).

- Counting: the start day is never counted. ``add_working_days(start, n)`` with ``n > 0`` returns the n-th
  working day after ``start``; with ``n < 0`` the |n|-th working day before ``start``; with ``n == 0``
  ``start`` itself (even when it is not a working day). ``working_days_between(start, end)`` is the number of
  working days in the half-open interval (start, end]; ``-working_days_between(end, start)`` if ``end < start``.
  So ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 0``.

Each process keeps each year's schedule in memory, keyed by the year's row (``pk`` and ``loaded_at``) or by
"package" when there is no row. Every computation asks the database once for the keys of the years it needs,
so a year loaded (or edited in the admin) by another process is seen by the next computation. Adding 20
working days costs one query when the year is cached and two when it must be (re)read.
"""

from __future__ import annotations

import bisect
import datetime
import operator
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.core.exceptions import ValidationError

__all__ = [
    "CalendarYearMissing",
    "YearSchedule",
    "add_working_days",
    "is_working_day",
    "working_days_between",
    "year_schedule",
]

SOURCE_TABLE = "table"
SOURCE_PACKAGE = "package"

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class CalendarYearMissing(ValidationError):
    """No holiday schedule is known for a year a computation needs. ``.year`` is that year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"缺少 {year} 年的节假日安排，无法计算工作日。"
            f"请按国务院办公厅公布的 {year} 年部分节假日安排通知整理放假和调休上班日期，"
            f"用命令 `sanxiang calendar load 文件` 载入（CSV 或 JSON 格式，见 docs/calendar.md），"
            f"然后用 `sanxiang calendar show {year}` 核对。",
            code="calendar_year_missing",
        )


@dataclass(frozen=True)
class YearSchedule:
    """One year's schedule, whichever source it came from."""

    year: int
    source: str  # SOURCE_TABLE or SOURCE_PACKAGE
    holidays: Mapping[datetime.date, str]  # date -> holiday name (春节, 国庆节, …)
    workdays: Mapping[datetime.date, str]  # make-up working day -> name of the holiday it belongs to
    working_ordinals: tuple[int, ...]  # proleptic ordinals of the year's working days, ascending
    source_text: str = ""  # table: the notice it was loaded from; package: "chinesecalendar x.y.z"
    loaded_at: datetime.datetime | None = None
    loaded_by: str = ""

    @classmethod
    def build(cls, year: int, source: str, holidays: Mapping, workdays: Mapping, **meta) -> YearSchedule:
        day = datetime.date(year, 1, 1)
        last = datetime.date(year, 12, 31).toordinal()
        ordinals = []
        for ordinal in range(day.toordinal(), last + 1):
            d = datetime.date.fromordinal(ordinal)
            if d in workdays or (d.weekday() < 5 and d not in holidays):
                ordinals.append(ordinal)
        return cls(
            year=year, source=source,
            holidays=MappingProxyType(dict(sorted(holidays.items()))),
            workdays=MappingProxyType(dict(sorted(workdays.items()))),
            working_ordinals=tuple(ordinals), **meta,
        )

    def is_working_day(self, d: datetime.date) -> bool:
        i = bisect.bisect_left(self.working_ordinals, d.toordinal())
        return i < len(self.working_ordinals) and self.working_ordinals[i] == d.toordinal()

    @property
    def source_label(self) -> str:
        """A sentence for people: where this year's data come from."""
        if self.source == SOURCE_TABLE:
            parts = [f"来源：{self.source_text or '未注明'}"]
            if self.loaded_at is not None:
                from django.utils import timezone

                parts.append(f"载入时间：{timezone.localtime(self.loaded_at):%Y-%m-%d %H:%M}")
            if self.loaded_by:
                parts.append(f"载入人：{self.loaded_by}")
            return f"已载入的节假日表（{'；'.join(parts)}），优先于 chinesecalendar 软件包"
        return f"{self.source_text} 软件包内置数据（本系统未载入该年的节假日表）"


# year -> (key, schedule). Keys: ("table", pk, loaded_at) or ("package",).
_cache: dict[int, tuple[tuple, YearSchedule]] = {}
_package_cache: dict[int, YearSchedule | None] = {}
_lock = threading.Lock()


def _package_schedule(year: int) -> YearSchedule | None:
    """The ``chinesecalendar`` package's schedule for ``year``, or None if it does not know the year."""
    if year in _package_cache:
        return _package_cache[year]
    import chinese_calendar

    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        schedule = None
    else:
        names = {h.value: h.chinese for h in chinese_calendar.Holiday}
        holidays = {d: names.get(n, str(n)) for d, n in chinese_calendar.holidays.items() if d.year == year}
        workdays = {d: names.get(n, str(n)) for d, n in chinese_calendar.workdays.items() if d.year == year}
        schedule = YearSchedule.build(
            year, SOURCE_PACKAGE, holidays, workdays,
            source_text=f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip(),
        )
    with _lock:
        _package_cache[year] = schedule
    return schedule


def _table_schedule(year: int, pk: int, loaded_at, source_text: str, loaded_by: str) -> YearSchedule:
    from .models import CalendarDay

    holidays, workdays = {}, {}
    rows = CalendarDay.objects.filter(
        year_id=pk, date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    ).values_list("date", "kind", "name")
    for d, kind, name in rows:
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays)[d] = name
    return YearSchedule.build(
        year, SOURCE_TABLE, holidays, workdays, source_text=source_text, loaded_at=loaded_at, loaded_by=loaded_by,
    )


class _Resolver:
    """Finds the schedules one computation needs, with one query for the keys of a span of years."""

    def __init__(self, years: Iterable[int] = ()):
        self._rows: dict[int, tuple | None] = {}
        self._fetch(years)

    def _fetch(self, years: Iterable[int]) -> None:
        from django.contrib.auth import get_user_model

        from .models import CalendarYear

        wanted = sorted({y for y in years if y not in self._rows and 1 <= y <= 9999})
        if not wanted:
            return
        rows = CalendarYear.objects.filter(year__in=wanted).values_list(
            "year", "pk", "loaded_at", "source", f"loaded_by__{get_user_model().USERNAME_FIELD}"
        )
        found = {row[0]: row[1:] for row in rows}
        for y in wanted:
            self._rows[y] = found.get(y)

    def get(self, year: int) -> YearSchedule:
        if not 1 <= year <= 9999:
            raise CalendarYearMissing(year)
        if year not in self._rows:
            self._fetch([year])
        row = self._rows[year]
        if row is None:
            key: tuple = (SOURCE_PACKAGE,)
        else:
            pk, loaded_at, source_text, loaded_by = row
            key = (SOURCE_TABLE, pk, loaded_at)
        cached = _cache.get(year)
        if cached is not None and cached[0] == key:
            return cached[1]
        if row is None:
            schedule = _package_schedule(year)
            if schedule is None:
                raise CalendarYearMissing(year)
        else:
            schedule = _table_schedule(year, pk, loaded_at, source_text, loaded_by or "")
        with _lock:
            _cache[year] = (key, schedule)
        return schedule


def _check_date(d, name: str) -> datetime.date:
    if isinstance(d, datetime.datetime) or not isinstance(d, datetime.date):
        raise TypeError(f"{name} must be a datetime.date (use timezone.localdate() for a datetime), not {type(d).__name__}")
    return d


def year_schedule(year: int) -> YearSchedule:
    """The schedule that decides ``year``. Raises :class:`CalendarYearMissing` if none is known."""
    return _Resolver([year]).get(year)


def is_working_day(d: datetime.date) -> bool:
    """Whether ``d`` is a working day (工作日) under the State Council's schedule for its year."""
    d = _check_date(d, "d")
    return _Resolver([d.year]).get(d.year).is_working_day(d)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start`` (the start day is not counted).

    ``n > 0``: the n-th working day after ``start``; the result is always a working day.
    ``n < 0``: the |n|-th working day before ``start`` (counting backwards, e.g. "3 working days before
    the hearing"); the result is always a working day.
    ``n == 0``: ``start`` itself, without consulting the calendar.

    Raises :class:`CalendarYearMissing` if a year on the way has no known schedule.
    """
    start = _check_date(start, "start")
    n = operator.index(n)
    if n == 0:
        return start
    # A working year has about 250 working days; fetch the keys of the likely span in one query.
    span = abs(n) // 240 + 1
    pos = start.toordinal()
    if n > 0:
        year = (start + datetime.timedelta(days=1)).year if start < datetime.date.max else start.year + 1
        resolver = _Resolver(range(year, year + span))
        remaining = n
        while True:
            ordinals = resolver.get(year).working_ordinals
            i = bisect.bisect_right(ordinals, pos)
            available = len(ordinals) - i
            if remaining <= available:
                return datetime.date.fromordinal(ordinals[i + remaining - 1])
            remaining -= available
            year += 1
    year = (start - datetime.timedelta(days=1)).year if start > datetime.date.min else start.year - 1
    resolver = _Resolver(range(year - span + 1, year + 1))
    remaining = -n
    while True:
        ordinals = resolver.get(year).working_ordinals
        i = bisect.bisect_left(ordinals, pos)  # ordinals[:i] are the working days before pos
        if remaining <= i:
            return datetime.date.fromordinal(ordinals[i - remaining])
        remaining -= i
        year -= 1


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days in (start, end]: after ``start``, up to and including ``end``.

    Negative when ``end < start`` (``-working_days_between(end, start)``); 0 when they are equal.
    Raises :class:`CalendarYearMissing` if a year in the interval has no known schedule.
    """
    start = _check_date(start, "start")
    end = _check_date(end, "end")
    if end < start:
        return -working_days_between(end, start)
    if end == start:
        return 0
    first_year = (start + datetime.timedelta(days=1)).year
    resolver = _Resolver(range(first_year, end.year + 1))
    lo, hi = start.toordinal(), end.toordinal()
    total = 0
    for year in range(first_year, end.year + 1):
        ordinals = resolver.get(year).working_ordinals
        total += bisect.bisect_right(ordinals, hi) - bisect.bisect_right(ordinals, lo)
    return total


def clear_cache() -> None:
    """Forget every cached year (the database is consulted anyway; this only frees memory)."""
    with _lock:
        _cache.clear()
        _package_cache.clear()
