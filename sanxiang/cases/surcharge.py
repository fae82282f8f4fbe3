"""Late-payment surcharge (加处罚款) and the court-application window (申请人民法院强制执行期限).

Pure functions, no database:

- :func:`payment_due` — the last day to pay a fine: 15 calendar days after the party received the
  decision (《行政处罚法》第六十七条第三款).
- :func:`surcharge` — 加处罚款: 3 % of the fine for each day after that last day, never more than the
  fine itself (《行政处罚法》第七十二条第一款第（一）项; 《行政强制法》第四十五条第二款). Days while an
  administrative review (行政复议) or a lawsuit (行政诉讼) is pending are not counted (《行政处罚法》
  第七十三条第三款).
- :func:`court_application_window` — an agency without its own enforcement power may apply to the
  people's court only after the remedy periods have lapsed (复议 60 days, 《行政复议法》; 诉讼 6 months,
  《行政诉讼法》第四十六条) and within 3 months after that (《行政强制法》第五十三条).

Days are counted the Chinese way: the start day is not counted (day 1 is the day after).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "DAILY_RATE",
    "PAYMENT_DAYS",
    "REVIEW_DAYS",
    "SUIT_MONTHS",
    "APPLICATION_MONTHS",
    "Window",
    "add_months",
    "counted_days",
    "court_application_window",
    "payment_due",
    "surcharge",
]

DAILY_RATE = Decimal("0.03")  # 每日按罚款数额的百分之三加处罚款
PAYMENT_DAYS = 15  # 收到行政处罚决定书之日起十五日内缴纳罚款
REVIEW_DAYS = 60  # 知道行政行为之日起六十日内申请行政复议
SUIT_MONTHS = 6  # 知道作出行政行为之日起六个月内提起行政诉讼
APPLICATION_MONTHS = 3  # 期限届满之日起三个月内申请人民法院强制执行
AFTER_REVIEW_SUIT_DAYS = 15  # 不服复议决定的，收到复议决定书之日起十五日内起诉（《行政诉讼法》第四十五条）
CENT = Decimal("0.01")

Period = tuple[datetime.date, "datetime.date | None"]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has no such day, e.g. 31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def payment_due(delivered_on: datetime.date, days: int = PAYMENT_DAYS) -> datetime.date:
    """The last day to pay: ``days`` calendar days after delivery (the delivery day itself not counted)."""
    return delivered_on + datetime.timedelta(days=days)


def _paused(day: datetime.date, periods: Iterable[Period]) -> bool:
    for start, end in periods:
        if start is None:
            continue
        if start <= day and (end is None or day <= end):
            return True
    return False


def counted_days(due_date: datetime.date, paid_on: datetime.date, paused_periods: Iterable[Period] = ()) -> int:
    """Days after ``due_date`` up to and including ``paid_on`` that are not inside a paused period.

    A paused period is ``(start, end)``, both days inclusive; ``end`` ``None`` means still pending.
    """
    if paid_on <= due_date:
        return 0
    periods = [p for p in paused_periods if p and p[0] is not None]
    total = 0
    day = due_date + datetime.timedelta(days=1)
    one = datetime.timedelta(days=1)
    while day <= paid_on:
        if not _paused(day, periods):
            total += 1
        day += one
    return total


def surcharge(fine, due_date: datetime.date, paid_on: datetime.date,
              paused_periods: Iterable[Period] = ()) -> Decimal:
    """加处罚款 on ``fine`` paid on ``paid_on`` when the last day to pay was ``due_date``.

    3 % of the fine per counted day (:func:`counted_days`), rounded to the fen, capped at the fine.
    A negative fine is refused (``ValueError``); a fine of 0 gives 0.
    """
    amount = Decimal(str(fine))
    if not amount.is_finite() or amount < 0:
        raise ValueError("罚款数额不能为负数")
    days = counted_days(due_date, paid_on, paused_periods)
    if days == 0 or amount == 0:
        return Decimal("0.00")
    value = (amount * DAILY_RATE * days).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(value, amount.quantize(CENT, rounding=ROUND_HALF_UP))


class Window(tuple):
    """``(opens, closes)``: the first and the last day on which the court application may be filed."""

    __slots__ = ()

    def __new__(cls, opens: datetime.date, closes: datetime.date):
        return super().__new__(cls, (opens, closes))

    @property
    def opens(self) -> datetime.date:
        return self[0]

    @property
    def closes(self) -> datetime.date:
        return self[1]

    def contains(self, day: datetime.date) -> bool:
        return self.opens <= day <= self.closes


def court_application_window(delivered_on: datetime.date, *, review: Period | None = None,
                             lawsuit: Period | None = None, review_days: int = REVIEW_DAYS,
                             suit_months: int = SUIT_MONTHS,
                             application_months: int = APPLICATION_MONTHS) -> Window | None:
    """When the agency may apply to the court to enforce the decision delivered on ``delivered_on``.

    The remedy periods lapse at the later of 60 days (复议) and 6 months (诉讼) after delivery. A review
    or a lawsuit the party started moves the lapse: after a review decision the party may still sue
    within 15 days of it; after a lawsuit, enforcement follows its end. While either is pending (no end
    date) there is no window yet: ``None``. The application is possible from the day after the lapse and
    until 3 months after it (《行政强制法》第五十三条).
    """
    lapse = max(delivered_on + datetime.timedelta(days=review_days), add_months(delivered_on, suit_months))
    for period, extra in ((review, AFTER_REVIEW_SUIT_DAYS), (lawsuit, 0)):
        if period is None or period[0] is None:
            continue
        end = period[1]
        if end is None:
            return None
        lapse = max(lapse, end + datetime.timedelta(days=extra))
    return Window(lapse + datetime.timedelta(days=1), add_months(lapse, application_months))
