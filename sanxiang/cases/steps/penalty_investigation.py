"""Steps of the general penalty procedure from 案源登记 to 集体讨论 (行政处罚一般程序：立案、调查取证、先行登记保存、
调查终结、法制审核送审、事先告知、陈述申辩、听证、集体讨论).

What each step asks for, the legal gates it checks (LAW-01 officers via ``officers_act``; LAW-09 the
preservation decision; LAW-05 the hearing notice, the hearing request and the hearing host; LAW-06 the
collective discussion) and what it writes on the case (``filed_on``; the proposed decision at 调查终结).
The conditions between steps are in :mod:`sanxiang.cases.guards.penalty_investigation`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from sanxiang.catalog.vocab import ComplexityFlag, PenaltyKind
from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days
from sanxiang.org.models import Person, Role

from .. import review_hook
from ..clocks import local_date
from ..fields import Field
from ..guards import penalty_investigation as g
from ..models import Case
from .base import StepSpec, register

FLOW = "penalty"
XZCFF = "《行政处罚法》"

DECISION_CHOICES = (
    (Case.Decision.PENALTY.value, "给予行政处罚"),
    (Case.Decision.NO_PENALTY.value, "不予行政处罚"),
    (Case.Decision.WITHDRAW.value, "撤销立案"),
    (Case.Decision.TRANSFER.value, "移送司法机关"),
)
CONCLUSION_CHOICES = DECISION_CHOICES + (("investigate", "补充调查"),)
METHOD_CHOICES = (("inquiry", "询问"), ("inspection", "现场检查（勘验）"), ("collection", "调取、复制证据材料"),
                  ("sampling", "抽样取证"), ("appraisal", "检测、检验、鉴定"), ("other", "其他"))
DISPOSITION_CHOICES = (
    ("release", "不再需要保存，解除先行登记保存"),
    ("return", "与违法行为无关，退还当事人"),
    ("record_copy", "记录、复制、拍照后解除"),
    ("appraise", "送交检测、检验、检疫、鉴定"),
    ("seize", "依法采取查封、扣押等行政强制措施"),
    ("confiscate", "依法应当没收的，予以没收"),
    ("transfer", "违法事实不属本机关管辖，移送有关机关处理"),
)


def _require(ctx, *names: str, when: str = "") -> None:
    missing = {name: f"{when}须填写此项" for name in names if ctx.data.get(name) in (None, "", [])}
    if missing:
        raise ValidationError(missing)


# --- 案源登记 ------------------------------------------------------------------------------------


def check_register(ctx) -> None:
    discovered = ctx.data.get("discovered_on")
    if discovered is not None and discovered > ctx.day:
        raise ValidationError({"discovered_on": "发现日期不能晚于登记日期"})


# --- 立案、不予立案 -------------------------------------------------------------------------------


def check_file(ctx) -> None:
    act_date = ctx.data.get("act_date")
    if act_date is None:
        return
    if ctx.case.act_date is not None and act_date != ctx.case.act_date:
        raise ValidationError({"act_date": f"登记时已记载违法行为发生日期（{ctx.case.act_date:%Y-%m-%d}），"
                                           "如有错误请更正登记记录"})
    if act_date > ctx.day:
        raise ValidationError({"act_date": "违法行为发生日期不能晚于立案日期"})
    years = ctx.params.limitation_years_harm if ctx.case.harms_life_health_finance else ctx.params.limitation_years
    try:
        limit = act_date.replace(year=act_date.year + years)
    except ValueError:  # 29 February
        limit = act_date.replace(year=act_date.year + years, day=28)
    if ctx.day > limit:
        raise RuleViolation("LAW-08", f"违法行为发生（终了）于{act_date:%Y年%m月%d日}，至今已超过{years}年追责时效，"
                                      "不再给予行政处罚（《行政处罚法》第三十六条）")


def apply_file(ctx, record) -> None:
    case = ctx.case
    case.filed_on = ctx.day
    if ctx.data.get("act_date") and case.act_date is None:
        case.act_date = ctx.data["act_date"]
    if ctx.data.get("legal_basis") and not case.legal_basis:
        case.legal_basis = ctx.data["legal_basis"]


# --- 调查取证、先行登记保存 ------------------------------------------------------------------------


def check_preserve(ctx) -> None:
    """The approving leader must be a leader of the agency (the guard says so too; this names the field)."""
    if not g.is_leader(ctx.data["approved_by"], ctx.case.agency_id):
        raise ValidationError({"approved_by": "批准人须为本机关负责人"})


def check_preserve_decision(ctx) -> None:
    """LAW-09: the preserved evidence is dealt with within 7 working days (《行政处罚法》第五十六条、第八十五条)."""
    preserved = ctx.last("preserve")
    if preserved is None:
        raise ValidationError({"disposition": "本案没有先行登记保存的证据"})
    start = local_date(preserved.occurred_at)
    due = add_working_days(start, 7)
    if ctx.day > due:
        raise RuleViolation("LAW-09", f"先行登记保存证据（{start:%Y年%m月%d日}）后应当在七个工作日内（{due:%Y年%m月%d日}前）"
                                      "作出处理决定，已超过期限（《行政处罚法》第五十六条、第八十五条）")


# --- 调查终结（拟处理意见） ------------------------------------------------------------------------


def check_conclude(ctx) -> None:
    data = ctx.data
    errors = {}
    if data["decision"] == Case.Decision.PENALTY:
        for name, label in (("penalty_kinds", "处罚种类"), ("legal_basis", "处罚依据"), ("discretion", "裁量理由")):
            if data.get(name) in (None, "", []):
                errors[name] = f"拟给予行政处罚的，须填写{label}"
        kinds = set(data.get("penalty_kinds") or [])
        if PenaltyKind.FINE in kinds and not data.get("fine_amount"):
            errors["fine_amount"] = "拟处罚款的，须填写罚款金额"
        if data.get("fine_amount") and PenaltyKind.FINE not in kinds:
            errors["fine_amount"] = "填写了罚款金额，处罚种类须包括罚款"
        if data.get("confiscation_amount") and not kinds & {PenaltyKind.CONFISCATE_GAINS, PenaltyKind.CONFISCATE_PROPERTY}:
            errors["confiscation_amount"] = "填写了没收金额，处罚种类须包括没收违法所得或者没收非法财物"
    else:
        for name in ("penalty_kinds", "fine_amount", "confiscation_amount"):
            if data.get(name):
                errors[name] = "拟不给予行政处罚的，不能填写处罚种类和金额"
    if errors:
        raise ValidationError(errors)


def apply_conclude(ctx, record) -> None:
    data, case = ctx.data, ctx.case
    penalty = data["decision"] == Case.Decision.PENALTY
    case.decision = data["decision"]
    case.penalty_kinds = list(data.get("penalty_kinds") or []) if penalty else []
    case.fine_amount = data.get("fine_amount") if penalty else None
    case.confiscation_amount = data.get("confiscation_amount") if penalty else None
    case.legal_basis = data.get("legal_basis") or case.legal_basis
    case.facts = data["facts"]
    case.complexity_flags = list(data.get("complexity_flags") or [])
    case.review_flagged = bool(data.get("review_flagged"))


# --- 法制审核（送审） -----------------------------------------------------------------------------


def record_review_reasons(ctx) -> None:
    """The grounds for review as they stand when the case is submitted: kept in ``ctx.extra`` and in the step record."""
    reasons = review_hook.review_reasons(ctx.case)
    ctx.extra["review_reasons"] = reasons
    ctx.data["review_reasons"] = reasons  # recorded with the step (the record is written from this dict)


# --- 事先告知 -----------------------------------------------------------------------------------


def check_prior_notice(ctx) -> None:
    """LAW-05: a notice of a penalty within hearing scope must state the right to a hearing."""
    scope = g.hearing_scope_reasons(ctx.case, ctx.params)
    if scope and not ctx.data.get("hearing_rights_stated"):
        raise RuleViolation("LAW-05", f"拟作出的处罚属于听证范围（{'；'.join(scope)}），告知书须告知当事人有要求听证的权利"
                                      "（《行政处罚法》第四十四条、第六十三条）")
    ctx.data["hearing_scope"] = scope  # recorded with the notice: why the hearing right was (not) stated
    ctx.data["notice_on"] = ctx.day


# --- 陈述申辩和听证申请 ----------------------------------------------------------------------------


def check_statement(ctx) -> None:
    data = ctx.data
    notice = g.current_notice(ctx)
    if notice is None:  # the flow enters statement only from prior_notice; kept for safety
        raise RuleViolation("LAW-04", "尚未事先告知当事人")
    if data.get("waived") and data.get("hearing_requested"):
        raise ValidationError({"waived": "当事人要求听证的，不能同时记载为放弃陈述、申辩和听证权利"})
    if data.get("waived") and not (data.get("waiver") or data.get("evidence")):
        raise ValidationError({"waiver": "当事人放弃陈述、申辩和听证权利的，须记录其书面放弃声明（内容或者扫描件）"})
    if not (data.get("statement") or data.get("waived") or data.get("hearing_requested")):
        raise ValidationError({"statement": "请记录当事人的陈述、申辩，或者当事人书面放弃、要求听证的情况"})
    if data.get("hearing_requested"):
        requested = data.get("requested_on")
        if requested is None:
            raise ValidationError({"requested_on": "当事人要求听证的，须填写提出听证要求的日期"})
        notice_day = local_date(notice.occurred_at)
        if requested < notice_day or requested > ctx.day:
            raise ValidationError({"requested_on": f"提出听证要求的日期应在告知之日（{notice_day:%Y-%m-%d}）至本次记录之日之间"})
        end = add_working_days(notice_day, g.STATEMENT_WORKING_DAYS)
        if requested > end:
            raise RuleViolation("LAW-05", f"当事人应当在告知后五个工作日内（{end:%Y年%m月%d日}前）提出听证要求，"
                                          f"{requested:%Y年%m月%d日}提出的已超过期限（《行政处罚法》第六十四条第（一）项、第八十五条）")


# --- 听证通知、举行听证 ----------------------------------------------------------------------------


def _check_host(ctx, host_id: int) -> None:
    host = Person.objects.filter(pk=host_id, agency_id=ctx.case.agency_id, is_active=True).first()
    if host is None:
        raise ValidationError({"host": "听证主持人须为本机关指定的在岗人员"})
    if host_id in g.investigators(ctx.case, ctx.history):
        raise RuleViolation("LAW-05", f"{host.name}是本案的调查人员，不能主持听证（《行政处罚法》第六十四条第（四）项）")


def check_hearing_notice(ctx) -> None:
    """LAW-05: the party is told at least 7 working days before the hearing; the host did not investigate."""
    data = ctx.data
    earliest = add_working_days(ctx.day, g.HEARING_NOTICE_WORKING_DAYS)
    if data["hearing_date"] < earliest:
        raise RuleViolation("LAW-05", f"应当在举行听证的七个工作日前通知当事人，本次通知（{ctx.day:%Y年%m月%d日}）后"
                                      f"最早可于{earliest:%Y年%m月%d日}举行听证（《行政处罚法》第六十四条第（二）项、第八十五条）")
    if not data.get("public") and not data.get("confidential_reason"):
        raise ValidationError({"confidential_reason": "听证应当公开举行；不公开的须写明涉及国家秘密、商业秘密或者个人隐私的情形"})
    _check_host(ctx, data["host"])


def check_hearing(ctx) -> None:
    notice = ctx.last("hearing_notice")
    if notice is not None:
        earliest = add_working_days(local_date(notice.occurred_at), g.HEARING_NOTICE_WORKING_DAYS)
        if ctx.day < earliest:
            raise RuleViolation("LAW-05", f"听证通知于{local_date(notice.occurred_at):%Y年%m月%d日}送达，"
                                          f"{earliest:%Y年%m月%d日}前不能举行听证（《行政处罚法》第六十四条第（二）项）")
    _check_host(ctx, ctx.data["host"])


# --- 集体讨论 -----------------------------------------------------------------------------------


def check_collective(ctx) -> None:
    """LAW-06: the agency's leaders discuss together (at least two present, at least one a leader) and record it."""
    ids = ctx.data["attendees"]
    people = list(Person.objects.filter(pk__in=ids, agency_id=ctx.case.agency_id, is_active=True))
    if len(people) != len(ids):
        raise ValidationError({"attendees": "参加人员须为本机关的在岗人员"})
    leaders = [p for p in people if p.roles.filter(role=Role.LEADER).exists()]
    if len(people) < 2 or not leaders:
        raise RuleViolation("LAW-06", f"集体讨论须由行政机关负责人集体进行（参加{len(people)}人，其中负责人{len(leaders)}人；"
                                      "至少二人且至少一名负责人，《行政处罚法》第五十七条第二款）")


def apply_collective(ctx, record) -> None:
    if ctx.data["conclusion"] in dict(DECISION_CHOICES):
        ctx.case.decision = ctx.data["conclusion"]


# --- the specs ----------------------------------------------------------------------------------


register(
    StepSpec(FLOW, "register", fields=(
        Field("source_description", "案源情况", "textarea", required=False,
              help="线索来源、发现经过、涉嫌违法的主要情况"),
        Field("discovered_on", "发现线索日期", "date", required=False),
    ), checks=(check_register,), help="登记案件线索；案由、当事人、违法行为发生日期在登记时填写。"),
    StepSpec(FLOW, "file", fields=(
        Field("opinion", "负责人审批意见", "textarea"),
        Field("legal_basis", "涉嫌违反的法律依据", "textarea", required=False,
              help="登记时未选择执法事项的，须填写"),
        Field("act_date", "违法行为发生（终了）日期", "date", required=False, help="登记时未填写的，在此补充"),
    ), checks=(check_file,), apply=apply_file, help=f"符合立案标准的，经行政机关负责人批准立案（{XZCFF}第五十四条第二款）。"),
    StepSpec(FLOW, "not_filed", fields=(
        Field("refusal_reason", "不予立案理由", "textarea"),
    ), help="经核查不符合立案标准的，经行政机关负责人批准不予立案。"),
    StepSpec(FLOW, "investigate", fields=(
        Field("method", "调查方式", "choice", choices=METHOD_CHOICES),
        Field("record", "询问、检查情况（笔录内容）", "textarea"),
        Field("place", "地点", "text"),
        Field("evidence_list", "收集的证据", "textarea", required=False, help="证据名称、来源、数量"),
    ), officers_act=True, help=f"执法人员不少于两人，出示执法证件（{XZCFF}第四十二条、第五十五条）。"),
    StepSpec(FLOW, "preserve", fields=(
        Field("items", "先行登记保存的物品", "textarea", help="名称、规格、数量、存放地点"),
        Field("grounds", "证据可能灭失或者以后难以取得的情形", "textarea"),
        Field("approved_by", "批准的行政机关负责人", "person"),
        Field("place", "地点", "text"),
    ), checks=(check_preserve,), officers_act=True,
        help=f"经行政机关负责人批准，可以先行登记保存，七个工作日内作出处理决定（{XZCFF}第五十六条）。"),
    StepSpec(FLOW, "preserve_decision", fields=(
        Field("disposition", "处理决定", "choice", choices=DISPOSITION_CHOICES),
        Field("reason", "处理理由", "textarea"),
    ), checks=(check_preserve_decision,), help="先行登记保存之日起七个工作日内作出处理决定（LAW-09）。"),
    StepSpec(FLOW, "conclude", fields=(
        Field("report", "调查终结报告", "textarea"),
        Field("decision", "拟处理意见", "choice", choices=DECISION_CHOICES),
        Field("facts", "违法事实", "textarea"),
        Field("penalty_kinds", "拟处罚种类", "multichoice", required=False, choices=tuple(PenaltyKind.choices)),
        Field("fine_amount", "拟罚款金额（元）", "decimal", required=False),
        Field("confiscation_amount", "拟没收金额（元）", "decimal", required=False),
        Field("legal_basis", "处罚依据", "textarea", required=False),
        Field("discretion", "裁量理由", "textarea", required=False, help="适用的裁量基准、阶次和从轻、减轻、从重情节"),
        Field("complexity_flags", "重大复杂情形", "multichoice", required=False, choices=tuple(ComplexityFlag.choices)),
        Field("review_flagged", "主动提请法制审核", "bool", required=False),
    ), checks=(check_conclude,), apply=apply_conclude, help="调查终结，提出拟处理意见。"),
    StepSpec(FLOW, "legal_review", fields=(
        Field("materials", "送审材料", "textarea", required=False),
    ), checks=(record_review_reasons,), help="拟作出的决定须法制审核的，送法制审核机构审核（REV-01、REV-02）。"),
    StepSpec(FLOW, "prior_notice", fields=(
        Field("facts", "违法事实", "textarea"),
        Field("reasons", "理由", "textarea"),
        Field("legal_basis", "依据", "textarea"),
        Field("proposed_penalty", "拟作出的行政处罚", "textarea"),
        Field("rights", "告知的权利", "textarea", help="陈述、申辩的权利；属于听证范围的，要求听证的权利"),
        Field("hearing_rights_stated", "已告知要求听证的权利", "bool", required=False),
    ), checks=(check_prior_notice,), help=f"作出行政处罚决定前告知当事人（{XZCFF}第四十四条，LAW-04）。"),
    StepSpec(FLOW, "statement", fields=(
        Field("statement", "当事人陈述、申辩的内容", "textarea", required=False),
        Field("hearing_requested", "当事人要求听证", "bool", required=False),
        Field("requested_on", "提出听证要求的日期", "date", required=False),
        Field("waived", "当事人书面放弃陈述、申辩和听证", "bool", required=False),
        Field("waiver", "书面放弃声明", "textarea", required=False, help="声明内容，或者在证据中关联扫描件"),
        Field("new_facts", "提出了需要核实的新的事实、理由或者证据", "bool", required=False),
    ), checks=(check_statement,), help="告知后五个工作日内，当事人可以陈述、申辩和要求听证（LAW-05）。"),
    StepSpec(FLOW, "hearing_notice", fields=(
        Field("hearing_date", "举行听证的日期", "date"),
        Field("place", "听证地点", "text"),
        Field("host", "听证主持人", "person", help="非本案调查人员"),
        Field("public", "公开举行", "bool", required=False, default=True),
        Field("confidential_reason", "不公开举行的理由", "text", required=False),
    ), checks=(check_hearing_notice,), help="举行听证的七个工作日前通知当事人（LAW-05）。"),
    StepSpec(FLOW, "hearing", fields=(
        Field("host", "听证主持人", "person"),
        Field("attendees", "参加人员", "textarea", help="当事人及其代理人、调查人员、第三人等"),
        Field("record", "听证笔录", "textarea"),
    ), checks=(check_hearing,), help="由非本案调查人员主持（《行政处罚法》第六十四条）。"),
    StepSpec(FLOW, "collective_discussion", fields=(
        Field("attendees", "参加讨论的负责人", "people"),
        Field("opinions", "参加人员的意见", "textarea", help="逐人记录发表的意见"),
        Field("conclusion", "讨论结论", "choice", choices=CONCLUSION_CHOICES),
        Field("conclusion_text", "讨论决定", "textarea"),
    ), checks=(check_collective,), apply=apply_collective,
        help=f"情节复杂或者重大违法行为，由行政机关负责人集体讨论决定（{XZCFF}第五十七条第二款，LAW-06）。"),
)

__all__ = ["CONCLUSION_CHOICES", "DECISION_CHOICES", "DISPOSITION_CHOICES", "METHOD_CHOICES"]
