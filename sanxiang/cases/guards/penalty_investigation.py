"""Conditions of the general penalty procedure from 案源登记 to 集体讨论 (行政处罚一般程序：立案、调查、审核、告知、听证).

Guards (``@guard``) for flow ``penalty`` and plain functions the decision gates reuse:

- :func:`notice_window_end` — the last day the party may state its case or ask for a hearing
  (5 working days after the prior notice, 《行政处罚法》第六十四条第（一）项、第八十五条);
- :func:`defence_heard` — why a penalty may not be decided yet as far as the party's rights go
  (notice, statement, the window, the hearing), or ``None``;
- :func:`hearing_outstanding` — a hearing within scope was requested and not yet held;
- :func:`in_hearing_scope` — the proposed penalty is one for which the party may ask for a hearing (第六十三条);
- :func:`decision_problem` — ``(rule, reason)`` of the first gate a decision of the current proposal fails
  (LAW-04, LAW-05, REV-01, LAW-06), or ``None``.

Each accepts the engine's ``Context`` (uses its history) or a ``Case`` (reads the step records).
A refusal that is a specific rule other than the guard's own (REV-01 for a review that would be
skipped, LAW-05 for the hearing) is raised as ``RuleViolation`` directly.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from sanxiang.catalog.vocab import PenaltyKind
from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days
from sanxiang.org.models import Person, Role

from .. import review_hook
from ..clocks import local_date
from ..models import Case, CaseOfficer, StepRecord
from ..officers import certificate_problem
from ..rules import Params, params_for
from . import guard

PENALTY = Case.Decision.PENALTY
NON_PENALTY = (Case.Decision.NO_PENALTY, Case.Decision.WITHDRAW, Case.Decision.TRANSFER)
STATEMENT_WORKING_DAYS = 5  # 《行政处罚法》第六十四条第（一）项、第八十五条
HEARING_NOTICE_WORKING_DAYS = 7  # 第六十四条第（二）项、第八十五条
# 第六十三条: penalties for which the party may ask for a hearing whatever the amount.
HEARING_KINDS = {
    PenaltyKind.LOWER_QUALIFICATION: "降低资质等级",
    PenaltyKind.REVOKE_LICENSE: "吊销许可证件",
    PenaltyKind.SUSPEND_OPERATIONS: "责令停产停业",
    PenaltyKind.CLOSE: "责令关闭",
    PenaltyKind.RESTRICT_PRACTICE: "限制从业",
    PenaltyKind.SUSPEND_LICENSE: "暂扣许可证件（其他较重的行政处罚）",
    PenaltyKind.RESTRICT_OPERATIONS: "限制开展生产经营活动（其他较重的行政处罚）",
}
CONFISCATION_KINDS = (PenaltyKind.CONFISCATE_GAINS, PenaltyKind.CONFISCATE_PROPERTY)
STEP_ACTIONS = (StepRecord.Action.REGISTER, StepRecord.Action.TRANSITION)


# --- reading the case ---------------------------------------------------------------------------


def _case(source) -> Case:
    return source.case if hasattr(source, "history") and hasattr(source, "case") else source


def _history(source) -> list[StepRecord]:
    if hasattr(source, "history") and hasattr(source, "case"):
        return source.history
    return list(StepRecord.objects.filter(case=source).order_by("index"))


def _params(source) -> Params:
    return source.params if hasattr(source, "params") and hasattr(source, "case") else params_for(source.agency_id)


def _steps(source, step: str, after: int = -1) -> list[StepRecord]:
    return [r for r in _history(source) if r.step == step and r.action in STEP_ACTIONS and r.index > after]


def _last(source, step: str, after: int = -1) -> StepRecord | None:
    found = _steps(source, step, after)
    return found[-1] if found else None


def _day(record: StepRecord) -> datetime.date:
    return local_date(record.occurred_at)


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _today(source) -> datetime.date:
    return source.day if hasattr(source, "day") and hasattr(source, "case") else timezone.localdate()


def _conclusion_index(source) -> int:
    """The index of the latest 调查终结 (the current proposal); -1 when none."""
    record = _last(source, "conclude")
    return record.index if record else -1


def current_notice(source) -> StepRecord | None:
    """The prior notice (事先告知) of the current proposal: the latest one after the latest 调查终结."""
    return _last(source, "prior_notice", _conclusion_index(source))


def current_statement(source) -> StepRecord | None:
    """The party's statement (陈述申辩、听证申请) recorded after the current notice."""
    notice = current_notice(source)
    return _last(source, "statement", notice.index) if notice else None


def notice_window_end(source) -> datetime.date | None:
    """The last day to state a case or ask for a hearing: 5 working days after the current notice (None: no notice)."""
    notice = current_notice(source)
    return add_working_days(_day(notice), STATEMENT_WORKING_DAYS) if notice else None


def _yuan(amount) -> str:
    return f"{amount:,.2f}元"


def hearing_scope_reasons(case: Case, params: Params | None = None) -> list[str]:
    """Why the proposed penalty is within hearing scope (《行政处罚法》第六十三条), in words (empty: not within)."""
    if case.decision != PENALTY:
        return []
    params = params or params_for(case.agency_id)
    party = case.primary_party
    is_org = bool(party is not None and party.is_organisation)
    threshold = params.hearing_fine_org if is_org else params.hearing_fine_person
    kinds = set(case.penalty_kinds or [])
    reasons = []
    if PenaltyKind.FINE in kinds and case.fine_amount is not None and case.fine_amount >= threshold:
        reasons.append(f"较大数额罚款（{_yuan(case.fine_amount)}，对{'单位' if is_org else '个人'}"
                       f"{_yuan(threshold)}以上）")
    if kinds & set(CONFISCATION_KINDS) and case.confiscation_amount is not None and case.confiscation_amount >= threshold:
        reasons.append(f"没收较大数额违法所得或者较大价值非法财物（{_yuan(case.confiscation_amount)}）")
    reasons.extend(words for kind, words in HEARING_KINDS.items() if kind in kinds)
    return reasons


def in_hearing_scope(case: Case, params: Params | None = None) -> bool:
    return bool(hearing_scope_reasons(case, params))


def hearing_outstanding(source) -> bool:
    """The party asked in time for a hearing on a penalty within scope, and it has not been held yet (LAW-05)."""
    statement = current_statement(source)
    if statement is None or not statement.data.get("hearing_requested"):
        return False
    if not in_hearing_scope(_case(source), _params(source)):
        return False
    return _last(source, "hearing", statement.index) is None


def _defence(source, day: datetime.date) -> tuple[str, str] | None:
    notice = current_notice(source)
    if notice is None:
        return "LAW-04", ("拟给予行政处罚，尚未事先告知当事人拟作出的处罚内容及事实、理由、依据和陈述、申辩、要求听证的权利，"
                          "不能作出决定（《行政处罚法》第四十四条、第六十二条）")
    statement = current_statement(source)
    if statement is None:
        return "LAW-04", "尚未记录当事人的陈述、申辩或者放弃陈述、申辩的书面意见（《行政处罚法》第四十五条）"
    end = add_working_days(_day(notice), STATEMENT_WORKING_DAYS)
    if not statement.data.get("waived") and day <= end:
        return "LAW-05", (f"当事人陈述、申辩和要求听证的期限至{end:%Y年%m月%d日}届满，期满前不能作出决定"
                          "（当事人书面放弃的除外；《行政处罚法》第六十四条第（一）项、第八十五条）")
    if hearing_outstanding(source):
        return "LAW-05", "当事人已依法要求听证，听证尚未举行，不能作出决定（《行政处罚法》第六十三条、第六十四条）"
    return None


def defence_heard(source, day: datetime.date | None = None) -> str | None:
    """Why a penalty may not yet be decided on ``day`` as far as the party's rights go (None: it may)."""
    found = _defence(source, day or _today(source))
    return f"{found[0]}: {found[1]}" if found else None


def collective_needed(source) -> bool:
    """The case is complex or major (情节复杂或者重大违法行为): flags, grounds for review, or a disputed review."""
    case = _case(source)
    return bool(case.complexity_flags) or review_hook.review_required(case) or review_hook.review_disputed(case)


def collective_done(source) -> StepRecord | None:
    """The collective discussion (集体讨论) of the current proposal that reached a decision, if any."""
    record = _last(source, "collective_discussion", _conclusion_index(source))
    if record is None or record.data.get("conclusion") not in (PENALTY, *NON_PENALTY):
        return None
    return record


def _review_block(case: Case) -> tuple[str, str] | None:
    reasons = review_hook.review_reasons(case)
    if not reasons:
        return None
    status = review_hook.review_status(case)
    if status == review_hook.PASSED:
        return None
    return "REV-01", (f"拟作出的决定须经法制审核（{'；'.join(reasons)}），法制审核"
                      f"{review_hook.STATUS_LABELS.get(status, status)}，未经法制审核或者审核未通过的，不得作出决定")


def decision_problem(source, day: datetime.date | None = None, *, collective: bool = True) -> tuple[str, str] | None:
    """``(rule, reason)`` of the first gate the current proposal fails before a decision, or None.

    For a proposed penalty: prior notice, statement and its window, hearing (LAW-04, LAW-05); for every
    proposal: legal review where required (REV-01); with ``collective``, a collective discussion of
    a complex or major case (LAW-06).
    """
    case = _case(source)
    day = day or _today(source)
    if case.decision == PENALTY:
        found = _defence(source, day)
        if found:
            return found
    found = _review_block(case)
    if found:
        return found
    if collective and case.decision == PENALTY and collective_needed(source) and collective_done(source) is None:
        return "LAW-06", ("对情节复杂或者重大违法行为给予行政处罚，须经行政机关负责人集体讨论决定"
                          "（《行政处罚法》第五十七条第二款）")
    return None


def investigators(case: Case, history: list[StepRecord] | None = None) -> set[int]:
    """Person ids of everyone who investigated the case: its officers (current and former) and those named in
    investigation and preservation records."""
    ids = set(CaseOfficer.objects.filter(case=case).values_list("person_id", flat=True))
    for record in history if history is not None else _history(case):
        if record.step in ("register", "investigate", "preserve", "conclude"):
            ids.update(int(i) for i in (record.data.get("officers") or []) if str(i).isdigit())
    return ids


def is_leader(person_id, agency_id) -> bool:
    return Person.objects.filter(pk=person_id, agency_id=agency_id, is_active=True,
                                 roles__role=Role.LEADER).exists()


# --- guards -------------------------------------------------------------------------------------


@guard("filing_approved")
def filing_approved(ctx) -> str | None:
    case = ctx.case
    missing = []
    if not case.parties.exists():
        missing.append("当事人")
    if not (case.item_code or case.legal_basis or ctx.data.get("legal_basis")):
        missing.append("执法事项或者涉嫌违反的法律依据")
    if not (case.act_date or ctx.data.get("act_date")):
        missing.append("违法行为发生日期")
    if missing:
        return "立案须有明确的" + "、".join(missing) + "（《行政处罚法》第五十四条）"
    return None


@guard("filing_refused")
def filing_refused(ctx) -> str | None:
    if not (ctx.data.get("refusal_reason") or "").strip():
        return "不予立案须写明理由，经行政机关负责人批准"
    return None


@guard("preservation_approved")
def preservation_approved(ctx) -> str | None:
    approver = ctx.data.get("approved_by")
    if not approver:
        return "先行登记保存证据须经行政机关负责人批准（请填写批准的负责人）"
    if not is_leader(approver, ctx.case.agency_id):
        return "批准先行登记保存证据的须为本机关负责人（《行政处罚法》第五十六条）"
    return None


@guard("investigation_complete")
def investigation_complete(ctx) -> str | None:
    if not ctx.entries("investigate"):
        return "尚未记录调查取证，不能调查终结"
    people = list(Person.objects.filter(case_links__case=ctx.case, case_links__until__isnull=True)
                  .select_related("agency__region"))
    if len(people) < 2:
        return f"本案承办的执法人员不得少于2人（现为{len(people)}人）"
    problems = [p for p in (certificate_problem(person, ctx.case.agency, ctx.day) for person in people) if p]
    if problems:
        return "；".join(problems)
    return None


def _bypass(ctx, what: str) -> None:
    reasons = review_hook.review_reasons(ctx.case)
    if reasons:
        raise RuleViolation("REV-01", f"拟作出的决定须经法制审核（{'；'.join(reasons)}），不能未经法制审核{what}")


@guard("review_required")
def review_required(ctx) -> str | None:
    if review_hook.review_reasons(ctx.case):
        return None
    return ("拟作出的决定不属于法制审核目录清单所列或者依法应当法制审核的情形；确需审核的，"
            "请在调查终结时勾选“主动提请法制审核”")


@guard("penalty_intended_no_review")
def penalty_intended_no_review(ctx) -> str | None:
    if ctx.case.decision != PENALTY:
        return "调查终结的处理意见不是给予行政处罚"
    _bypass(ctx, "进入事先告知")
    return None


@guard("no_penalty_intended_no_review")
def no_penalty_intended_no_review(ctx) -> str | None:
    if ctx.case.decision == PENALTY:
        raise RuleViolation("LAW-04", "拟给予行政处罚的，须先事先告知当事人拟作出的处罚内容及事实、理由、依据和"
                                      "陈述、申辩、要求听证的权利（《行政处罚法》第四十四条、第六十二条）")
    if ctx.case.decision not in NON_PENALTY:
        return "尚无调查终结的处理意见"
    _bypass(ctx, "报负责人决定")
    return None


@guard("review_returned")
def review_returned(ctx) -> str | None:
    status = review_hook.review_status(ctx.case)
    if status == review_hook.RETURNED:
        return None
    return f"法制审核没有退回（审核状态：{review_hook.STATUS_LABELS.get(status, status)}）"


@guard("review_passed_notice_pending")
def review_passed_notice_pending(ctx) -> str | None:
    status = review_hook.review_status(ctx.case)
    if status != review_hook.PASSED:
        return f"法制审核尚未通过（审核状态：{review_hook.STATUS_LABELS.get(status, status)}），不能进入事先告知"
    if ctx.case.decision != PENALTY:
        return "拟作出的决定不是行政处罚，无须事先告知"
    if current_notice(ctx) is not None:
        return "已经事先告知当事人"
    return None


@guard("collective_required")
def collective_required(ctx) -> str | None:
    if not collective_needed(ctx):
        return "案件不属于情节复杂或者重大违法行为，法制审核意见也没有争议，无须集体讨论"
    found = decision_problem(ctx, collective=False)
    if found:
        raise RuleViolation(*found)
    return None


@guard("ready_to_decide")
def ready_to_decide(ctx) -> str | None:
    found = decision_problem(ctx, collective=False)
    if found:
        raise RuleViolation(*found)
    if collective_needed(ctx) and collective_done(ctx) is None:
        raise RuleViolation("LAW-06", "案件情节复杂或者重大（或者法制审核意见有争议），须先经行政机关负责人集体讨论决定"
                                      "（《行政处罚法》第五十七条第二款）")
    return None


@guard("hearing_requested")
def hearing_requested(ctx) -> str | None:
    notice, statement = current_notice(ctx), current_statement(ctx)
    if statement is None or not statement.data.get("hearing_requested"):
        return "当事人没有要求听证"
    requested = _date(statement.data.get("requested_on"))
    end = add_working_days(_day(notice), STATEMENT_WORKING_DAYS)
    if requested is None or requested > end:
        return f"当事人没有在告知后五个工作日内（{end:%Y年%m月%d日}前）要求听证"
    if not in_hearing_scope(ctx.case, ctx.params):
        return "拟作出的处罚不属于听证范围（《行政处罚法》第六十三条）"
    if _last(ctx, "hearing", statement.index) is not None:
        return "已经举行听证"
    return None


@guard("new_facts_need_investigation")
def new_facts_need_investigation(ctx) -> str | None:
    statement = _last(ctx, "statement")
    if statement is None or not statement.data.get("new_facts"):
        return "当事人没有提出需要补充调查的新的事实、理由或者证据"
    return None


@guard("review_required_after_hearing")
def review_required_after_hearing(ctx) -> str | None:
    if not _steps(ctx, "hearing", _conclusion_index(ctx)):
        return "尚未举行听证"
    if not review_hook.review_reasons(ctx.case):
        return "经过听证的拟作出决定不属于须法制审核的情形"
    return None


@guard("collective_decided")
def collective_decided(ctx) -> str | None:
    record = _last(ctx, "collective_discussion")
    if record is None or record.data.get("conclusion") not in (PENALTY, *NON_PENALTY):
        return "集体讨论没有形成处理决定意见"
    return None


@guard("collective_orders_investigation")
def collective_orders_investigation(ctx) -> str | None:
    record = _last(ctx, "collective_discussion")
    if record is None or record.data.get("conclusion") != "investigate":
        return "集体讨论没有要求补充调查"
    return None


__all__ = ["HEARING_KINDS", "collective_done", "collective_needed", "current_notice", "current_statement",
           "decision_problem", "defence_heard", "hearing_outstanding", "hearing_scope_reasons", "in_hearing_scope",
           "investigators", "is_leader", "notice_window_end"]
