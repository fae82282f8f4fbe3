"""Steps of the penalty flow from 负责人审查决定 to 立卷归档 (行政处罚一般程序：决定、送达、执行、结案、归档).

Gates (each refusal names its rule and leaves nothing changed):

- LAW-03 — 作出处罚决定、不予处罚决定、撤销立案 within the decision clock (90 days from 立案, with approved
  extensions and paused periods; ``clocks.due_date(case, "penalty_decision")``);
- LAW-04 — no heavier penalty than the prior notice's after the party's statement or hearing unless new
  facts were investigated (《行政处罚法》第四十五条第二款);
- PUB-17 — the decision document states the evidence adopted, the basis applied and the discretion, the
  legal basis, the manner and period of payment, the remedies (60 days review, 6 months lawsuit) and the
  seal (《行政处罚法》第五十九条);
- LAW-07 — delivery on the spot or within 7 working days of the decision (第六十一条、第八十五条), with the
  proof each method of service needs; payment within 15 days, 加处罚款 after (第六十七条、第七十二条);
- XZQZF-53/54 — the court application after the remedy periods lapse, within 3 months, 10 working days
  after the demand;
- REC-08 — archived within 30 days of delivery; a late archive is allowed, marked “超期归档” with a reason.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from sanxiang.catalog.vocab import PenaltyKind
from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days

from .. import clocks
from ..fields import Field
from ..surcharge import court_application_window, payment_due, surcharge
from .base import StepSpec, register

FLOW = "penalty"

DECISION_CHOICES = (("penalty", "给予行政处罚"), ("no_penalty", "不予行政处罚"), ("withdraw", "撤销立案"),
                    ("transfer", "移送司法机关"))

# Severity of each kind of penalty (《行政处罚法》第九条), for LAW-04's "heavier" comparison.
SEVERITY = {
    "warning": 1, "criticism": 2, "fine": 3, "other": 3, "confiscate_gains": 4, "confiscate_property": 4,
    "suspend_license": 5, "lower_qualification": 5, "revoke_license": 5, "restrict_operations": 5,
    "suspend_operations": 5, "close": 5, "restrict_practice": 5, "detention": 5,
}
CONFISCATION_KINDS = {"confiscate_gains", "confiscate_property"}

DEFAULT_REMEDIES = ("如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，"
                    "或者在收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
                    "申请行政复议或者提起行政诉讼的，本决定不停止执行，法律另有规定的除外。")


# --- shared checks ------------------------------------------------------------------------------------------


def _decided_on(ctx) -> datetime.date | None:
    if ctx.case.decided_on:
        return ctx.case.decided_on
    for step in ("penalty_decision", "no_penalty_decision"):
        day = ctx.done_on(step)
        if day:
            return day
    return None


def check_decision_clock(ctx) -> None:
    """LAW-03: the decision (or 撤销立案) within 90 days of 立案, counting approved extensions and pauses."""
    due = clocks.due_date(ctx.case, "penalty_decision", ctx.history, ctx.day)
    if due is not None and ctx.day > due:
        filed = ctx.case.filed_on or ctx.done_on("file")
        since = f"自立案之日（{filed:%Y年%m月%d日}）起" if filed else ""
        raise RuleViolation("LAW-03", f"已超过办案期限：{since}应于{due:%Y年%m月%d日}前作出决定（《行政处罚法》第六十条），"
                                      f"本次为{ctx.day:%Y年%m月%d日}。确需延长的，须经行政机关负责人批准延长期限后再作出决定")


def remedies_problems(text: str) -> list[str]:
    text = text or ""
    problems = []
    if "行政复议" not in text or not any(w in text for w in ("六十日", "60日", "60 日", "六十天", "60天")):
        problems.append("未告知申请行政复议的途径和期限（收到决定书之日起六十日内）")
    if "行政诉讼" not in text or not any(w in text for w in ("六个月", "6个月", "6 个月")):
        problems.append("未告知提起行政诉讼的途径和期限（六个月内）")
    return problems


def own_document_problems(values: dict) -> list[str]:
    """PUB-17 (《行政处罚法》第五十九条): what a penalty decision document must say, checked here."""
    problems = []
    for key, label in (("facts", "违法事实"), ("evidence_reasoning", "证据采信理由"),
                       ("basis_reasoning", "依据适用理由"), ("discretion_reasoning", "自由裁量理由"),
                       ("legal_basis", "处罚依据")):
        if not (values.get(key) or "").strip():
            problems.append(f"缺少{label}")
    kinds = set(values.get("penalty_kinds") or [])
    pays = "fine" in kinds or bool(values.get("confiscation_amount"))
    if pays:
        if not (values.get("payment_manner") or "").strip():
            problems.append("缺少履行方式（缴款方式）")
        if not values.get("payment_deadline_days"):
            problems.append("缺少履行期限")
    problems += remedies_problems(values.get("remedies") or "")
    if not values.get("sealed"):
        problems.append("决定书未加盖行政机关印章")
    return problems


def check_document(ctx, values: dict) -> None:
    """PUB-17: the documents module's check (this module's own while that one is missing), plus the facts."""
    from .. import documents

    external = getattr(documents, "check_decision_document", None)
    if external is not None:
        problems = [str(p) for p in (external(values) or [])]
        if not (values.get("facts") or "").strip():
            problems.insert(0, "缺少违法事实")
    else:
        problems = own_document_problems(values)
    if problems:
        raise RuleViolation("PUB-17", "行政处罚决定书内容不完整：" + "；".join(problems))


# --- 负责人审查决定 -----------------------------------------------------------------------------------------

DECIDE = StepSpec(
    FLOW, "decide",
    fields=(
        Field("decision", "审查决定", "choice", choices=DECISION_CHOICES),
        Field("opinion", "负责人审查意见", "textarea"),
    ),
    help="行政机关负责人根据调查结果，分别作出给予处罚、不予处罚、撤销立案或者移送司法机关的决定。",
)


# --- 作出行政处罚决定 ---------------------------------------------------------------------------------------

PENALTY_FIELDS = (
    Field("penalty_kinds", "处罚种类", "multichoice", choices=tuple(PenaltyKind.choices)),
    Field("fine_amount", "罚款金额（元）", "decimal", required=False),
    Field("confiscation_amount", "没收违法所得金额（元）", "decimal", required=False),
    Field("facts", "违法事实", "textarea", required=False),
    Field("evidence_reasoning", "证据采信理由", "textarea", required=False),
    Field("basis_reasoning", "依据适用理由", "textarea", required=False),
    Field("discretion_reasoning", "自由裁量理由", "textarea", required=False),
    Field("legal_basis", "处罚依据", "textarea", required=False),
    Field("payment_manner", "履行方式（缴款方式）", "text", required=False),
    Field("payment_deadline_days", "缴款期限（日）", "int", required=False, default=15, min_value=Decimal(15),
          max_value=Decimal(3650), help="自收到决定书之日起，不少于15日；经批准延期或者分期缴纳的按批准的期限"),
    Field("remedies", "救济途径和期限", "textarea", required=False, default=DEFAULT_REMEDIES),
    Field("sealed", "已加盖行政机关印章", "bool", required=False),
)


def check_amounts(ctx) -> None:
    data = ctx.data
    kinds = set(data["penalty_kinds"])
    errors = {}
    fine = data.get("fine_amount")
    if "fine" in kinds and not (fine and fine > 0):
        errors["fine_amount"] = "处罚种类包括罚款的，罚款金额须大于0"
    if "fine" not in kinds and fine:
        errors["fine_amount"] = "处罚种类不包括罚款，罚款金额应为空"
    confiscation = data.get("confiscation_amount")
    if confiscation and not (CONFISCATION_KINDS & kinds):
        errors["confiscation_amount"] = "处罚种类不包括没收，没收金额应为空"
    if not kinds:
        errors["penalty_kinds"] = "请选择处罚种类"
    if errors:
        raise ValidationError(errors)


def _severity(kinds) -> int:
    return max((SEVERITY.get(k, 3) for k in kinds), default=0)


def notice_terms(ctx) -> dict | None:
    """The penalty the prior notice (事先告知) announced: kinds and amounts; None if there was no notice.

    Read from the notice's own data when it records them, else from the proposal of the 调查终结 it
    announced (the latest one before the notice), else from the case's proposal.
    """
    notice = ctx.last("prior_notice")
    if notice is None:
        return None
    source = notice.data or {}
    if "penalty_kinds" not in source:
        concluded = [r for r in ctx.entries("conclude") if r.index < notice.index]
        source = concluded[-1].data if concluded else {
            "penalty_kinds": ctx.case.penalty_kinds, "fine_amount": ctx.case.fine_amount,
            "confiscation_amount": ctx.case.confiscation_amount}

    def amount(key):
        value = source.get(key)
        return Decimal(str(value)) if value not in (None, "") else Decimal("0")

    return {"kinds": list(source.get("penalty_kinds") or []), "fine_amount": amount("fine_amount"),
            "confiscation_amount": amount("confiscation_amount"), "index": notice.index}


def heavier_than_notice(decision: dict, notice: dict) -> list[str]:
    """How ``decision`` is heavier than ``notice`` (empty when it is not)."""
    out = []
    fine = decision.get("fine_amount") or Decimal("0")
    if fine > notice["fine_amount"]:
        out.append(f"罚款{fine}元高于告知的{notice['fine_amount']}元")
    confiscation = decision.get("confiscation_amount") or Decimal("0")
    if confiscation > notice["confiscation_amount"]:
        out.append(f"没收{confiscation}元高于告知的{notice['confiscation_amount']}元")
    top = _severity(notice["kinds"])
    labels = dict(PenaltyKind.choices)
    added = [k for k in decision.get("penalty_kinds") or [] if k not in notice["kinds"] and SEVERITY.get(k, 3) >= top]
    if added:
        out.append("增加了告知中没有的处罚种类：" + "、".join(str(labels.get(k, k)) for k in added))
    return out


def new_facts_after(ctx, index: int) -> bool:
    """New facts were investigated after the party's statement (补充调查 after 陈述申辩/听证)."""
    return any(r.step == "investigate" and r.index > index for r in ctx.entries("investigate"))


def check_not_heavier(ctx) -> None:
    """LAW-04: 不得因当事人陈述、申辩而给予更重的处罚 (《行政处罚法》第四十五条第二款)."""
    notice = notice_terms(ctx)
    if notice is None:
        return
    heavier = heavier_than_notice(ctx.data, notice)
    if not heavier:
        return
    statement = ctx.last("statement")
    since = statement.index if statement is not None else notice["index"]
    if new_facts_after(ctx, since):
        return
    raise RuleViolation("LAW-04", "不得因当事人陈述、申辩而给予更重的处罚（《行政处罚法》第四十五条第二款）："
                                  + "；".join(heavier) + "。如有新的违法事实，须补充调查并重新告知")


def decision_values(ctx) -> dict:
    data = ctx.data
    return {
        "penalty_kinds": data["penalty_kinds"], "fine_amount": data.get("fine_amount"),
        "confiscation_amount": data.get("confiscation_amount"), "facts": data.get("facts") or "",
        "evidence_reasoning": data.get("evidence_reasoning") or "", "basis_reasoning": data.get("basis_reasoning") or "",
        "discretion_reasoning": data.get("discretion_reasoning") or "", "legal_basis": data.get("legal_basis") or "",
        "payment_manner": data.get("payment_manner") or "", "payment_deadline_days": data.get("payment_deadline_days"),
        "remedies": data.get("remedies") or "", "sealed": bool(data.get("sealed")),
        "party": getattr(ctx.case.primary_party, "name", ""), "case_number": ctx.case.number,
    }


def penalty_text(values: dict) -> str:
    labels = dict(PenaltyKind.choices)
    parts = []
    for kind in values["penalty_kinds"]:
        label = str(labels.get(kind, kind))
        if kind == "fine" and values.get("fine_amount"):
            label += f"人民币{values['fine_amount']}元"
        if kind == "confiscate_gains" and values.get("confiscation_amount"):
            label += f"人民币{values['confiscation_amount']}元"
        parts.append(label)
    return "；".join(parts)


def check_penalty_document(ctx) -> None:
    values = decision_values(ctx)
    check_document(ctx, values)
    ctx.data["penalty_text"] = penalty_text(values)
    ctx.data["decision_text"] = "\n".join((
        f"当事人：{values['party']}", f"违法事实：{values['facts']}", f"证据采信：{values['evidence_reasoning']}",
        f"依据适用：{values['basis_reasoning']}", f"裁量理由：{values['discretion_reasoning']}",
        f"处罚依据：{values['legal_basis']}", f"处罚内容：{ctx.data['penalty_text']}",
        f"履行方式和期限：{values['payment_manner']}，自收到本决定书之日起{values['payment_deadline_days']}日内",
        f"救济途径：{values['remedies']}",
    ))


def apply_penalty(ctx, record) -> None:
    case, data = ctx.case, ctx.data
    case.decision = "penalty"
    case.decided_on = ctx.day
    case.penalty_kinds = list(data["penalty_kinds"])
    case.fine_amount = data.get("fine_amount")
    case.confiscation_amount = data.get("confiscation_amount")
    if data.get("legal_basis"):
        case.legal_basis = data["legal_basis"]
    if data.get("facts"):
        case.facts = data["facts"]


PENALTY_DECISION = StepSpec(
    FLOW, "penalty_decision", fields=PENALTY_FIELDS,
    checks=(check_amounts, check_decision_clock, check_not_heavier, check_penalty_document),
    apply=apply_penalty, documents=("CFJDS",),
    help="决定书载明违法事实和证据、证据采信、依据适用和裁量理由，处罚内容，履行方式和期限，救济途径，并加盖印章。",
)


# --- 不予行政处罚、撤销立案、移送司法机关 ---------------------------------------------------------------------

NO_PENALTY_GROUNDS = (
    ("minor", "违法行为轻微并及时改正，没有造成危害后果"),
    ("first_offence", "初次违法且危害后果轻微并及时改正"),
    ("no_fault", "当事人有证据足以证明没有主观过错"),
    ("under_age", "不满十四周岁的未成年人有违法行为"),
    ("mental", "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为"),
    ("time_barred", "违法行为在追责期限内未被发现"),
    ("not_established", "违法事实不能成立"),
    ("other", "法律、法规规定的其他情形"),
)


def check_no_penalty_document(ctx) -> None:
    problems = remedies_problems(ctx.data.get("remedies") or "")
    if not ctx.data.get("sealed"):
        problems.append("决定书未加盖行政机关印章")
    if problems:
        raise RuleViolation("PUB-17", "不予行政处罚决定书内容不完整：" + "；".join(problems))


def apply_no_penalty(ctx, record) -> None:
    ctx.case.decision = "no_penalty"
    ctx.case.decided_on = ctx.day


NO_PENALTY_DECISION = StepSpec(
    FLOW, "no_penalty_decision",
    fields=(
        Field("ground", "不予处罚的情形", "choice", choices=NO_PENALTY_GROUNDS),
        Field("reasoning", "事实和理由", "textarea"),
        Field("legal_basis", "法律依据", "textarea"),
        Field("remedies", "救济途径和期限", "textarea", required=False, default=DEFAULT_REMEDIES),
        Field("sealed", "已加盖行政机关印章", "bool", required=False),
    ),
    checks=(check_decision_clock, check_no_penalty_document), apply=apply_no_penalty,
)


def apply_withdraw(ctx, record) -> None:
    ctx.case.decision = "withdraw"
    ctx.case.decided_on = ctx.day


WITHDRAW_CASE = StepSpec(
    FLOW, "withdraw_case",
    fields=(Field("reason", "撤销立案的理由", "textarea"),),
    checks=(check_decision_clock,), apply=apply_withdraw,
)

TRANSFER_HOURS = 24


def check_transfer_time(ctx) -> None:
    """《行政执法机关移送涉嫌犯罪案件的规定》第八条: transfer within 24 hours of the approval."""
    approval = ctx.last("decide")
    if approval is None:
        return
    if ctx.occurred_at - approval.occurred_at > datetime.timedelta(hours=TRANSFER_HOURS):
        raise RuleViolation("XZCFF-27", "批准移送后应当在24小时内向司法机关移送（《行政执法机关移送涉嫌犯罪案件的规定》"
                                        "第八条），本次移送已超过24小时；请在情况说明中写明延误原因并报负责人")


def apply_transfer(ctx, record) -> None:
    ctx.case.decision = "transfer"
    ctx.case.decided_on = ctx.day


TRANSFER = StepSpec(
    FLOW, "transfer",
    fields=(
        Field("receiving_organ", "接收移送的司法机关", "text"),
        Field("crime_suspected", "涉嫌罪名", "text"),
        Field("materials", "移送材料", "textarea", help="涉嫌犯罪案件移送书、调查报告、涉案物品清单、检验鉴定结论等"),
        Field("procuratorate_copied", "已抄送同级人民检察院", "bool", required=False),
    ),
    checks=(check_transfer_time,), apply=apply_transfer,
)


# --- 送达 -------------------------------------------------------------------------------------------------

DELIVERY_METHODS = (
    ("direct", "直接送达"), ("leave", "留置送达"), ("post", "邮寄送达"), ("electronic", "电子送达"),
    ("announcement", "公告送达"),
)
ANNOUNCEMENT_DAYS = 30  # 《民事诉讼法》第九十五条: 自发出公告之日起，经过三十日，即视为送达
AV_KINDS = ("video", "audio")


def _require(errors: dict, data: dict, field: str, message: str) -> None:
    if data.get(field) in (None, "", []):
        errors[field] = message


def served_on(ctx) -> datetime.date:
    """When the party counts as served, by the method's proof (ValidationError naming what is missing)."""
    data, method = ctx.data, ctx.data["method"]
    errors: dict = {}
    if method == "direct":
        _require(errors, data, "receiver_name", "直接送达须记录签收人")
        _require(errors, data, "signed_at", "直接送达须记录签收时间")
    elif method == "leave":
        has_av = any(e.kind in AV_KINDS for e in ctx.evidence)
        if not data.get("witnesses") and not has_av:
            errors["witnesses"] = "留置送达须记录见证人，或者关联拍照、录像等方式记录送达过程的音像记录"
    elif method == "post":
        _require(errors, data, "tracking_number", "邮寄送达须记录邮件号码")
        _require(errors, data, "receipt_date", "邮寄送达须记录签收日期（回执）")
    elif method == "electronic":
        _require(errors, data, "consent", "电子送达须经当事人书面同意（记录同意书或送达地址确认书）")
        _require(errors, data, "system_receipt_id", "电子送达须记录送达系统的回执编号")
        _require(errors, data, "receipt_date", "电子送达须记录到达当事人特定系统的日期")
    elif method == "announcement":
        _require(errors, data, "channel", "公告送达须记录公告载体（报纸、网站、公告栏等）")
        _require(errors, data, "announced_on", "公告送达须记录公告发布日期")
        _require(errors, data, "announcement_reason", "公告送达须说明受送达人下落不明或者用其他方式无法送达的情况")
    if errors:
        raise ValidationError(errors)
    if method == "direct":
        return clocks.local_date(data["signed_at"])
    if method == "leave":
        return ctx.day
    if method in ("post", "electronic"):
        return data["receipt_date"]
    return data["announced_on"] + datetime.timedelta(days=ANNOUNCEMENT_DAYS)


def check_delivery(ctx) -> None:
    decided = _decided_on(ctx)
    day = served_on(ctx)
    method = ctx.data["method"]
    if decided is not None:
        if day < decided and method != "announcement":
            raise ValidationError({"method": f"送达日期（{day:%Y-%m-%d}）不能早于决定日期（{decided:%Y-%m-%d}）"})
        act = {"announcement": ctx.data.get("announced_on"), "direct": day}.get(method, ctx.day)
        if act < decided:
            raise ValidationError({"method": "送达不能早于作出决定"})
        limit = add_working_days(decided, 7)
        if act > limit:
            raise RuleViolation("LAW-07", f"行政处罚决定书应当在宣告后当场交付；当事人不在场的，应当在七个工作日内送达"
                                          f"（《行政处罚法》第六十一条、第八十五条）。本案于{decided:%Y年%m月%d日}作出决定，"
                                          f"应于{limit:%Y年%m月%d日}前送达，本次送达于{act:%Y年%m月%d日}")
    if method != "announcement" and day > ctx.day:
        raise ValidationError({"receipt_date": "签收日期不能晚于本次记录的发生日期"})
    ctx.data["served_on"] = day
    if ctx.case.decision == "penalty":
        days = _payment_days(ctx)
        ctx.data["payment_due"] = payment_due(day, days)


def _payment_days(ctx) -> int:
    record = ctx.last("penalty_decision")
    return int((record.data or {}).get("payment_deadline_days") or 15) if record is not None else 15


def apply_delivery(ctx, record) -> None:
    ctx.case.delivered_on = ctx.data["served_on"]


def delivered_by_leaving(ctx) -> bool:
    """The AV activity of the delivery step is 留置送达: it applies only when the document is left (REC-03)."""
    return ctx.data.get("method") == "leave"


DELIVER = StepSpec(
    FLOW, "deliver", officers_act=True, av_when=delivered_by_leaving,
    fields=(
        Field("method", "送达方式", "choice", choices=DELIVERY_METHODS),
        Field("receiver_name", "签收人", "text", required=False, max_length=50),
        Field("signed_at", "签收时间", "datetime", required=False),
        Field("witnesses", "见证人", "text", required=False, help="留置送达：见证人姓名、单位；或者关联音像记录"),
        Field("tracking_number", "邮件号码", "text", required=False, max_length=40),
        Field("receipt_date", "签收（到达）日期", "date", required=False),
        Field("consent", "当事人同意电子送达的书面材料", "text", required=False),
        Field("system_receipt_id", "电子送达系统回执编号", "text", required=False, max_length=80),
        Field("channel", "公告载体", "text", required=False),
        Field("announced_on", "公告发布日期", "date", required=False),
        Field("announcement_reason", "公告送达的理由", "textarea", required=False),
    ),
    checks=(check_delivery,), apply=apply_delivery,
    help="当场交付或者七个工作日内送达；直接送达记录签收人，留置送达记录见证人或音像记录，邮寄送达记录邮件号码和回执，"
         "电子送达须经当事人书面同意并记录系统回执，公告送达自公告之日起经过三十日视为送达。",
)


# --- 执行 -------------------------------------------------------------------------------------------------


def _period(data: dict, start: str, end: str, errors: dict, label: str):
    begin, finish = data.get(start), data.get(end)
    if finish is not None and begin is None:
        errors[start] = f"请填写{label}开始日期"
    if begin is not None and finish is not None and finish < begin:
        errors[end] = f"{label}结束日期不能早于开始日期"
    return (begin, finish) if begin is not None else None


def check_execution(ctx) -> None:
    data, case = ctx.data, ctx.case
    delivered = case.delivered_on or ctx.done_on("deliver")
    errors: dict = {}
    paid = data.get("paid_amount") or Decimal("0")
    if paid > 0:
        _require(errors, data, "paid_on", "请填写缴款日期")
        _require(errors, data, "receipt_no", "请填写缴款票据（收据）号码")
    if data.get("paid_on") is not None:
        if delivered and data["paid_on"] < delivered:
            errors["paid_on"] = "缴款日期不能早于送达日期"
        if data["paid_on"] > ctx.day:
            errors["paid_on"] = "缴款日期不能晚于本次记录的发生日期"
    review = _period(data, "review_started_on", "review_ended_on", errors, "行政复议")
    lawsuit = _period(data, "lawsuit_started_on", "lawsuit_ended_on", errors, "行政诉讼")
    due = payment_due(delivered, _payment_days(ctx)) if delivered else None
    demand = data.get("demand_issued_on")
    if demand is not None and due is not None and demand <= due:
        errors["demand_issued_on"] = f"缴款期限（{due:%Y-%m-%d}）届满前不能催告"
    court = data.get("court_applied_on")
    if court is not None and court > ctx.day:
        errors["court_applied_on"] = "申请日期不能晚于本次记录的发生日期"
    if errors:
        raise ValidationError(errors)
    if court is not None and delivered:
        window = court_application_window(delivered, review=review, lawsuit=lawsuit)
        if window is None or not window.contains(court):
            when = (f"应在{window.opens:%Y年%m月%d日}至{window.closes:%Y年%m月%d日}之间" if window
                    else "复议或者诉讼尚未结束，不能申请")
            raise RuleViolation("XZQZF-53", "当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行的，"
                                            "自期限届满之日起三个月内申请人民法院强制执行（《行政强制法》第五十三条）；"
                                            + when)
        if demand is None or court < add_working_days(demand, 10):
            raise RuleViolation("XZQZF-54", "申请人民法院强制执行前应当催告当事人履行义务，催告书送达十个工作日后仍未履行的，"
                                            "方可申请（《行政强制法》第五十四条）")
    fine = case.fine_amount or Decimal("0")
    until = data.get("paid_on") or ctx.day
    pauses = [p for p in (review, lawsuit) if p]
    extra = surcharge(fine, due, until, pauses) if due is not None else Decimal("0")
    amount_due = fine + (case.confiscation_amount or Decimal("0")) + extra
    data["payment_due"] = due
    data["surcharge_due"] = extra
    data["amount_due"] = amount_due
    data["paid_total"] = paid
    data["paid_in_full"] = paid >= amount_due


EXECUTE = StepSpec(
    FLOW, "execute",
    fields=(
        Field("paid_amount", "已缴金额（元）", "decimal", required=False, help="罚款、没收违法所得和加处罚款合计"),
        Field("paid_on", "缴款日期", "date", required=False),
        Field("receipt_no", "缴款票据号码", "text", required=False, max_length=60),
        Field("review_started_on", "申请行政复议日期", "date", required=False),
        Field("review_ended_on", "行政复议结束日期", "date", required=False),
        Field("lawsuit_started_on", "提起行政诉讼日期", "date", required=False),
        Field("lawsuit_ended_on", "行政诉讼结束日期", "date", required=False),
        Field("demand_issued_on", "催告书送达日期", "date", required=False),
        Field("court_applied_on", "申请人民法院强制执行日期", "date", required=False),
    ),
    checks=(check_execution,),
    help="当事人自收到决定书之日起十五日内缴纳罚款；逾期每日按罚款数额的3%加处罚款，不超出罚款数额；"
         "复议、诉讼期间不计算加处罚款。",
)


# --- 结案、立卷归档 -----------------------------------------------------------------------------------------

CLOSE = StepSpec(
    FLOW, "close",
    fields=(Field("summary", "结案报告", "textarea", help="案件办理和执行情况"),),
)


def archive_due(ctx) -> datetime.date | None:
    """REC-08: the archive clock (30 days from delivery, with extensions) of :mod:`sanxiang.cases.clocks`;
    None for a case never delivered (撤销立案, 移送)."""
    return next((d.due for d in ctx.deadlines() if d.key == "archive"), None)


def check_archive(ctx) -> None:
    from sanxiang.records.archive import may_archive

    if not may_archive(ctx.user, ctx.case.agency, ctx.case.number):
        raise PermissionDenied("立卷归档须由本案承办人员、本机关负责人或者档案管理人员办理")
    due = archive_due(ctx)
    late = due is not None and ctx.day > due
    ctx.data["late"] = late
    if late:
        if not (ctx.data.get("late_reason") or "").strip():
            raise ValidationError({"late_reason": f"超期归档：应于{due:%Y年%m月%d日}前归档（自送达之日起30日内，REC-08），"
                                                  "请说明超期的理由"})
        ctx.data["late_label"] = "超期归档"
        ctx.data["archive_due"] = due


def apply_archive(ctx, record) -> None:
    from sanxiang.records.archive import build_archive

    build_archive(ctx.user, ctx.case.number)
    ctx.case.archived_on = ctx.day


ARCHIVE = StepSpec(
    FLOW, "archive",
    fields=(
        Field("volumes", "卷数", "int", min_value=Decimal(1), max_value=Decimal(1000), required=False, default=1),
        Field("pages", "页数", "int", min_value=Decimal(1), max_value=Decimal(100000), required=False),
        Field("location", "存放位置", "text", required=False),
        Field("late_reason", "超期归档的理由", "textarea", required=False),
    ),
    checks=(check_archive,), apply=apply_archive,
    help="自送达之日起30日内立卷归档（REC-08）；归档后案卷记录不再接受新的条目。",
)

register(DECIDE, PENALTY_DECISION, NO_PENALTY_DECISION, WITHDRAW_CASE, TRANSFER, DELIVER, EXECUTE, CLOSE, ARCHIVE)
