"""Conditions of the 行政强制执行 flow (催告、强制执行决定、代履行、申请人民法院强制执行;
《行政强制法》第三十四至三十八、四十五、五十、五十三、五十四条).

Also the helpers its steps share: the obligation (from the start step ``overdue``), the demand
(``demand``), the party's answer (``statement``) and the window for applying to the court.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days

from .. import surcharge
from . import guard

MONETARY = "monetary"
SUBSTITUTABLE = ("remove_obstruction", "restore")  # 排除妨碍、恢复原状 (第五十条)
HARMS = (("traffic", "危害交通安全"), ("pollution", "造成环境污染"), ("resources", "破坏自然资源"))
COURT_WAIT_WORKING_DAYS = 10  # 第五十四条、第六十九条


def _data(ctx, step) -> dict:
    record = ctx.last(step)
    return (record.data or {}) if record is not None else {}


def as_date(value) -> datetime.date | None:
    """A date from a step record's JSON (ISO text) or a cleaned value."""
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value) if value else None


def obligation(ctx) -> dict:
    return _data(ctx, "overdue")


def obligation_amount(ctx) -> Decimal:
    return Decimal(str(obligation(ctx).get("amount") or "0"))


def performance_deadline(ctx) -> datetime.date | None:
    """The end of the period the demand (催告书) gave for performance."""
    return as_date(_data(ctx, "demand").get("performance_deadline"))


def has_own_power(ctx) -> bool:
    return bool(_data(ctx, "demand").get("own_power"))


def court_window(ctx) -> surcharge.Window | None:
    """When the court may be asked (第五十三条): after the remedy periods lapse, within 3 months."""
    data = obligation(ctx)
    delivered = as_date(data.get("decision_delivered_on"))
    if delivered is None:
        return None
    review = (as_date(data.get("review_started_on")), as_date(data.get("review_ended_on")))
    lawsuit = (as_date(data.get("lawsuit_started_on")), as_date(data.get("lawsuit_ended_on")))
    return surcharge.court_application_window(delivered, review=review if review[0] else None,
                                              lawsuit=lawsuit if lawsuit[0] else None)


def _performed(ctx) -> bool:
    answer = _data(ctx, "statement")
    return bool(answer.get("performed") or answer.get("grounds_accepted"))


def _still_not_performed(ctx) -> str:
    """Why enforcement may not follow yet: the party performed, or the demand's period has not passed."""
    if _performed(ctx):
        return "当事人已经履行义务，或者其陈述申辩的事实、理由、证据成立，不再强制执行（《行政强制法》第三十六条）"
    deadline = performance_deadline(ctx)
    if deadline is not None and ctx.day <= deadline:
        return f"催告书载明的履行期限（{deadline:%Y年%m月%d日}）尚未届满（《行政强制法》第三十七条第一款）"
    return ""


@guard("monetary_surcharge")
def monetary_surcharge(ctx):
    if obligation(ctx).get("obligation_kind") != MONETARY or obligation_amount(ctx) <= 0:
        return "只有金钱给付义务逾期不履行的，才可以加处罚款或者滞纳金（《行政强制法》第四十五条）"
    return None


@guard("no_surcharge")
def no_surcharge(ctx):
    return None  # a non-monetary obligation, or no surcharge decided: demand directly


@guard("obligation_performed")
def obligation_performed(ctx):
    if not _performed(ctx):
        return "当事人尚未履行义务，陈述申辩的事实、理由、证据也不成立"
    return None


@guard("enforce_by_agency")
def enforce_by_agency(ctx):
    reason = _still_not_performed(ctx)
    if reason:
        return reason
    if not has_own_power(ctx):
        return "本机关没有行政强制执行权，应当申请人民法院强制执行（《行政强制法》第十三条、第五十三条）"
    return None


@guard("substitute_performance")
def substitute_performance(ctx):
    reason = _still_not_performed(ctx)
    if reason:
        return reason
    if obligation(ctx).get("obligation_kind") not in SUBSTITUTABLE:
        return "代履行只适用于排除妨碍、恢复原状等义务（《行政强制法》第五十条）"
    harm = (ctx.data or {}).get("harm")
    if harm is not None and harm not in dict(HARMS):
        return "代履行须后果已经或者将危害交通安全、造成环境污染或者破坏自然资源（《行政强制法》第五十条）"
    return None


@guard("apply_to_court")
def apply_to_court(ctx):
    if _performed(ctx):
        return "当事人已经履行义务，或者其陈述申辩成立，无需申请人民法院强制执行"
    if has_own_power(ctx):
        return "本机关依法具有行政强制执行权，应当自行作出强制执行决定"
    demand = ctx.last("demand")
    if demand is not None:
        earliest = add_working_days(ctx.done_on("demand"), COURT_WAIT_WORKING_DAYS)
        if ctx.day < earliest:
            raise RuleViolation("XZQZF-54", f"催告书送达十个工作日后当事人仍未履行的，才可以申请人民法院强制执行"
                                            f"（《行政强制法》第五十四条、第六十九条）；最早可于{earliest:%Y年%m月%d日}申请")
    window = court_window(ctx)
    if window is None:
        return "当事人申请的行政复议或者提起的行政诉讼尚未结束，不能申请人民法院强制执行"
    if ctx.day < window.opens:
        return (f"当事人申请行政复议、提起行政诉讼的法定期限尚未届满，{window.opens:%Y年%m月%d日}起才可以申请"
                "人民法院强制执行（《行政强制法》第五十三条）")
    if ctx.day > window.closes:
        return (f"申请人民法院强制执行应当自期限届满之日起三个月内提出，已于{window.closes:%Y年%m月%d日}届满"
                "（《行政强制法》第五十三条）")
    return None
