"""Steps of the 行政强制执行 flow (《行政强制法》第三十四至三十八、四十三、四十五、五十至五十四条).

逾期不履行 → （金钱给付的）加处罚款或者滞纳金 → 催告 → 陈述申辩 → 已履行结案，或者本机关作出强制执行决定、
代履行决定后实施强制执行，或者（没有强制执行权的）催告十个工作日后、复议诉讼期限届满三个月内申请人民法院强制执行。
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days

from .. import surcharge
from ..fields import Field
from ..guards.coercion_execution import HARMS, MONETARY, as_date, obligation, obligation_amount
from .base import StepSpec, register

FLOW = "coercion_execution"

OBLIGATIONS = ((MONETARY, "金钱给付义务（罚款、没收违法所得等）"), ("remove_obstruction", "排除妨碍"),
               ("restore", "恢复原状"), ("other", "其他行为义务"))
SURCHARGE_KINDS = (("fine", "加处罚款"), ("late_fee", "滞纳金"))
DELIVERY = (("direct", "直接送达"), ("left", "留置送达"), ("mail", "邮寄送达"), ("announcement", "公告送达"))
CLOSE_RESULTS = (("performed", "当事人已履行义务"), ("accepted", "当事人陈述申辩成立，不再执行"),
                 ("enforced", "强制执行完毕"), ("substituted", "代履行完毕"), ("court", "已申请人民法院强制执行"))
MAX_RATE = Decimal("3")  # 每日百分之三（《行政处罚法》第七十二条第一款第（一）项）
SUBSTITUTE_NOTICE_WORKING_DAYS = 3  # 代履行三日前催告（第五十一条第（二）项、第六十九条）
NIGHT_FROM, NIGHT_UNTIL = 22, 6  # 夜间：二十二时至次日六时


# --- 逾期不履行 --------------------------------------------------------------------------------------------


def _check_overdue(ctx):
    data = ctx.data
    errors = {}
    if data["obligation_kind"] == MONETARY and not data.get("amount"):
        errors["amount"] = "金钱给付义务请填写金额"
    if data["decision_delivered_on"] > ctx.day:
        errors["decision_delivered_on"] = "行政决定送达日期不能晚于今天"
    for start, end in (("review_started_on", "review_ended_on"), ("lawsuit_started_on", "lawsuit_ended_on")):
        if data.get(end) and (not data.get(start) or data[end] < data[start]):
            errors[end] = "结束日期应在开始日期之后"
    if errors:
        raise ValidationError(errors)
    if data["deadline"] >= ctx.day:
        raise RuleViolation("XZQZF-34", f"行政决定确定的履行期限（{data['deadline']:%Y年%m月%d日}）尚未届满，"
                                        "当事人逾期不履行的才可以依法强制执行（《行政强制法》第三十四条）")


def _apply_overdue(ctx, record):
    ctx.case.facts = ctx.data["obligation"]
    if ctx.data["obligation_kind"] == MONETARY:
        ctx.case.fine_amount = ctx.data["amount"]


# --- 加处罚款或者滞纳金 ----------------------------------------------------------------------------------------


def surcharge_cap(principal: Decimal, deadline, day, rate: Decimal) -> Decimal:
    """The most that may be added by ``day``: ``rate`` % of the principal a day after ``deadline``, at most the principal."""
    days = surcharge.counted_days(deadline, day)
    value = (principal * rate / Decimal(100) * days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(value, principal)


def _check_surcharge(ctx):
    data = ctx.data
    principal = obligation_amount(ctx)
    if data["rate"] > MAX_RATE:
        raise RuleViolation("XZCFF-72", f"加处罚款每日不得超过罚款数额的百分之三（本次为{data['rate']}%）"
                                        "（《行政处罚法》第七十二条第一款第（一）项）")
    if data["amount"] > principal:
        raise RuleViolation("XZQZF-45", f"加处罚款或者滞纳金的数额（{data['amount']}元）不得超出金钱给付义务的数额"
                                        f"（{principal}元）（《行政强制法》第四十五条第二款）")
    deadline = as_date(obligation(ctx).get("deadline"))
    cap = surcharge_cap(principal, deadline, ctx.day, data["rate"])
    if data["amount"] > cap:
        raise RuleViolation("XZQZF-45", f"按每日{data['rate']}%的标准，截至{ctx.day:%Y年%m月%d日}最多加处{cap}元"
                                        f"（本次为{data['amount']}元）")
    if not data.get("standard_notified"):
        raise RuleViolation("XZQZF-45", "加处罚款或者滞纳金的标准应当告知当事人（《行政强制法》第四十五条第一款）")
    data["cap"] = cap


# --- 催告、陈述申辩 --------------------------------------------------------------------------------------------


def _check_demand(ctx):
    data = ctx.data
    if data["performance_deadline"] <= ctx.day:
        raise ValidationError({"performance_deadline": "催告书的履行期限应在催告之日以后"})
    if obligation(ctx).get("obligation_kind") == MONETARY and not data.get("amount"):
        raise ValidationError({"amount": "涉及金钱给付的，催告书应当载明金额"})
    if data.get("own_power") and not (data.get("power_basis") or "").strip():
        raise ValidationError({"power_basis": "请写明本机关行政强制执行权的法律依据"})
    if not data.get("statement_rights"):
        raise RuleViolation("XZQZF-35", "催告书应当载明当事人依法享有的陈述权和申辩权（《行政强制法》第三十五条第（四）项）")


def _check_statement(ctx):
    data = ctx.data
    if not (data.get("waived") or (data.get("statement") or "").strip() or data.get("performed")):
        raise ValidationError({"statement": "请记录当事人的陈述、申辩，或者注明当事人未陈述申辩、已履行义务"})
    if (data.get("statement") or "").strip() and not (data.get("review") or "").strip():
        raise ValidationError({"review": "当事人提出的事实、理由和证据，应当进行记录、复核（《行政强制法》第三十六条）"})


# --- 决定与实施 ----------------------------------------------------------------------------------------------


def _check_execution_decision(ctx):
    if not ctx.data.get("remedies_stated"):
        raise RuleViolation("XZQZF-37", "强制执行决定书应当载明申请行政复议或者提起行政诉讼的途径和期限"
                                        "（《行政强制法》第三十七条第二款第（四）项）")


def _check_substitute_decision(ctx):
    earliest = add_working_days(ctx.day, SUBSTITUTE_NOTICE_WORKING_DAYS)
    if ctx.data["planned_on"] < earliest:
        raise RuleViolation("XZQZF-51", f"代履行三日前应当催告当事人履行，代履行最早可定于{earliest:%Y年%m月%d日}"
                                        "（《行政强制法》第五十一条第一款第（二）项、第六十九条）")


def _check_enforce(ctx):
    hour = timezone.localtime(ctx.occurred_at).hour
    if (hour >= NIGHT_FROM or hour < NIGHT_UNTIL) and not ctx.data.get("emergency"):
        raise RuleViolation("XZQZF-43", "行政机关不得在夜间或者法定节假日实施行政强制执行，情况紧急的除外"
                                        "（《行政强制法》第四十三条第一款）")
    if ctx.source == "substitute_decision":
        planned = as_date((ctx.last("substitute_decision").data or {}).get("planned_on"))
        if planned is not None and ctx.day < planned:
            raise RuleViolation("XZQZF-51", f"代履行决定书确定的代履行时间为{planned:%Y年%m月%d日}，此前应给当事人自行履行的机会"
                                            "（《行政强制法》第五十一条）")


register(
    StepSpec(
        FLOW, "overdue",
        fields=(
            Field("obligation_kind", "义务类型", "choice", choices=OBLIGATIONS),
            Field("obligation", "行政决定确定的义务", "textarea"),
            Field("decision_number", "行政决定文书号", max_length=100),
            Field("decision_delivered_on", "行政决定送达日期", "date"),
            Field("amount", "金钱给付义务金额（元）", "decimal", required=False),
            Field("deadline", "履行期限（截止日期）", "date"),
            Field("review_started_on", "当事人申请行政复议日期", "date", required=False),
            Field("review_ended_on", "行政复议决定日期", "date", required=False),
            Field("lawsuit_started_on", "当事人提起行政诉讼日期", "date", required=False),
            Field("lawsuit_ended_on", "行政诉讼终结日期", "date", required=False),
        ),
        checks=(_check_overdue,), apply=_apply_overdue,
        help="当事人在行政决定的期限内不履行义务的，依法强制执行（《行政强制法》第三十四条）。",
    ),
    StepSpec(
        FLOW, "surcharge",
        fields=(Field("kind", "种类", "choice", choices=SURCHARGE_KINDS),
                Field("rate", "标准（每日百分比）", "decimal", required=False, default=Decimal("3")),
                Field("amount", "截至决定之日加处的数额（元）", "decimal"),
                Field("standard_notified", "已将加处标准告知当事人", "bool", required=False)),
        checks=(_check_surcharge,),
        help="每日按罚款数额的百分之三加处罚款；数额不得超出金钱给付义务的数额（《行政强制法》第四十五条）。",
    ),
    StepSpec(
        FLOW, "demand",
        fields=(Field("performance_deadline", "履行期限", "date"),
                Field("method", "履行方式", max_length=200),
                Field("amount", "金额（元）", "decimal", required=False, help="涉及金钱给付的，载明金额和给付方式"),
                Field("statement_rights", "已载明当事人的陈述权和申辩权", "bool", required=False),
                Field("delivery", "送达方式", "choice", choices=DELIVERY),
                Field("own_power", "本机关依法具有行政强制执行权", "bool", required=False),
                Field("power_basis", "行政强制执行权的法律依据", "textarea", required=False)),
        checks=(_check_demand,),
        help="作出强制执行决定前，应当事先书面催告当事人履行义务（《行政强制法》第三十五条）。",
    ),
    StepSpec(
        FLOW, "statement",
        fields=(Field("statement", "当事人的陈述、申辩", "textarea", required=False),
                Field("waived", "当事人未陈述、申辩", "bool", required=False),
                Field("review", "对事实、理由、证据的复核意见", "textarea", required=False),
                Field("grounds_accepted", "当事人提出的事实、理由或者证据成立", "bool", required=False),
                Field("performed", "当事人已履行义务", "bool", required=False)),
        checks=(_check_statement,),
    ),
    StepSpec(
        FLOW, "execution_decision",
        fields=(Field("method", "强制执行的方式", max_length=200),
                Field("reasons", "强制执行的理由和依据", "textarea"),
                Field("execute_on", "强制执行的时间", "date", required=False),
                Field("remedies_stated", "已载明申请行政复议或者提起行政诉讼的途径和期限", "bool", required=False)),
        checks=(_check_execution_decision,),
    ),
    StepSpec(
        FLOW, "substitute_decision",
        fields=(Field("harm", "危害后果", "choice", choices=HARMS),
                Field("performer", "代履行人", max_length=200),
                Field("planned_on", "代履行时间", "date"),
                Field("cost_estimate", "代履行费用（估算，元）", "decimal", required=False)),
        checks=(_check_substitute_decision,),
        help="代履行决定书载明当事人、理由和依据、方式和时间、标的、费用预算及代履行人；代履行三日前催告当事人履行。",
    ),
    StepSpec(
        FLOW, "enforce",
        fields=(Field("method", "执行方式", max_length=200),
                Field("result", "执行情况", "textarea"),
                Field("emergency", "情况紧急（夜间、法定节假日实施）", "bool", required=False)),
        checks=(_check_enforce,), officers_act=True,
    ),
    StepSpec(
        FLOW, "apply_court",
        fields=(Field("court", "受理的人民法院", max_length=200),
                Field("materials", "申请材料", "textarea",
                      help="强制执行申请书、行政决定书及作出决定的事实理由依据、当事人的意见及催告情况、财产状况等")),
        help="催告书送达十个工作日后仍未履行的，自复议、诉讼期限届满之日起三个月内申请（《行政强制法》第五十三条、第五十四条）。",
    ),
    StepSpec(
        FLOW, "close",
        fields=(Field("result", "执行结果", "choice", choices=CLOSE_RESULTS),
                Field("summary", "结案说明", "textarea")),
    ),
)

__all__ = ["CLOSE_RESULTS", "OBLIGATIONS", "surcharge_cap"]
