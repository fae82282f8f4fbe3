"""Steps of an administrative licence (行政许可; 《行政许可法》第二十九条至第五十七条; SYS-06 online applications).

All periods of the licensing law are working days (第八十二条).

- ``apply`` 申请: item, applicant (the case's party), the list of materials (材料清单) and the day they were
  received; the materials themselves are evidence records of the case (``evidence`` ids).
- ``correction`` 一次告知补正: ALL the items to correct, in one notice (第三十二条第一款第（四）项).
- ``accept`` 受理 / ``reject`` 不予受理 (reasons and remedies): within 5 working days of receipt. A late
  acceptance is not refused — the law deems the application accepted from receipt when the applicant
  was not told in time what to correct — it is recorded as ``deemed_accepted`` (受理日视为收到材料之日).
- ``examine`` 审查: an on-site check (``onsite``) takes two officers with valid certificates (第三十四条第三款).
- ``hearing_rights`` → ``hearing_request`` (within 5 working days, XZXKF-47) → ``hearing_notice`` (7 working
  days before the hearing, XZXKF-48) → ``hearing`` (hosted by someone who did not examine, XZXKF-48).
- ``grant`` / ``deny``: within 20 working days of acceptance (+10 with the head's approval,
  ``services.extend_clock(clock="grant")``); later decisions are refused (XZXKF-42). A denial states its
  reasons and the applicant's remedies (第三十八条第二款).
- ``deliver`` 颁发、送达 (10 working days, 第四十四条), ``publish`` 公开 (7 working days), ``close`` 办结.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days
from sanxiang.org.models import Person

from ..clocks import local_date
from ..fields import Field
from ..models import Case, CaseOfficer
from ..officers import check_officers
from .base import StepSpec, register

FLOW = "license"
ACCEPT_DAYS = 5  # 第三十二条第一款第（四）项、第八十二条
HEARING_REQUEST_DAYS = 5  # 第四十七条
HEARING_NOTICE_DAYS = 7  # 第四十八条第一款第（一）项
DELIVER_DAYS = 10  # 第四十四条
PUBLISH_DAYS = 7  # PUB-12 (seeds)
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

CHANNELS = (("window", "窗口申请"), ("online", "网上申请"), ("post", "信函申请"), ("email", "电子邮件、传真等"))
REJECT_GROUNDS = (
    ("not_required", "申请事项依法不需要取得行政许可"),
    ("not_competent", "申请事项不属于本行政机关职权范围"),
    ("not_corrected", "申请人未按补正通知补正全部内容"),
)
CONCLUSIONS = (("met", "符合法定条件、标准"), ("not_met", "不符合法定条件、标准"))
DELIVERY_METHODS = (("direct", "直接送达（当面领取）"), ("post", "邮寄送达"), ("electronic", "电子送达（经申请人同意）"),
                    ("announcement", "公告送达"))
PUBLISH_CHANNELS = (("portal", "本平台行政执法公示栏目"), ("website", "本机关门户网站"), ("credit", "信用信息公示平台"),
                    ("other", "其他渠道"))


def lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def data_of(ctx, step: str) -> dict:
    record = ctx.last(step)
    return (record.data if record is not None else {}) or {}


def received_on(ctx):
    """The day the application's materials were received (收到申请材料之日)."""
    record = ctx.last("apply")
    if record is None:
        return None
    given = (record.data or {}).get("received_on")
    if given:
        from datetime import date

        return date.fromisoformat(given)
    return local_date(record.occurred_at)


def material_ids(ctx) -> list[int]:
    """The application's materials: evidence listed at the application, the correction or with it (关联证据)."""
    ids: list[int] = []
    for record in ctx.history:
        if record.step in ("apply", "correction") or record.action == "evidence":
            ids += list((record.data or {}).get("evidence") or [])
    ids += list(ctx.data.get("evidence") or [])
    return list(dict.fromkeys(ids))


def decision_day(ctx):
    for step in ("grant", "deny"):
        if ctx.passed(step):
            return ctx.done_on(step)
    return None


def _day_between(ctx, field: str, label: str, earliest, *, default=None):
    day = ctx.data.get(field) or default or ctx.day
    if day > ctx.day:
        raise ValidationError({field: f"{label}不能晚于今天"})
    if earliest is not None and day < earliest:
        raise ValidationError({field: f"{label}不能早于{earliest:%Y-%m-%d}"})
    ctx.data[field] = day
    return day


# --- apply ------------------------------------------------------------------------------------------

APPLY_FIELDS = (
    Field("item_name", "申请事项", max_length=200),
    Field("request", "申请内容", "textarea", required=False, max_length=4000),
    Field("materials", "申请材料清单", "textarea", max_length=4000, help="每行一项材料"),
    Field("received_on", "收到申请材料日期", "date", required=False, help="默认为登记日期"),
    Field("channel", "申请方式", "choice", required=False, choices=CHANNELS, default="window"),
    Field("tracking_code_hash", "查询码摘要", required=False, max_length=64, help="网上申请时由系统填写", internal=True),
)


def check_apply(ctx) -> None:
    if ctx.data.get("received_on") and ctx.data["received_on"] > ctx.day:
        raise ValidationError({"received_on": "收到申请材料日期不能晚于今天"})
    code_hash = ctx.data.get("tracking_code_hash")
    if code_hash and not SHA256_HEX.match(code_hash):
        raise ValidationError({"tracking_code_hash": "查询码摘要格式无效"})


def apply_apply(ctx, record) -> None:
    ctx.case.source = Case.Source.APPLICATION


# --- correction, accept, reject ---------------------------------------------------------------------

CORRECTION_FIELDS = (
    Field("items", "需要补正的全部内容", "textarea", max_length=8000, help="一次告知全部内容，每行一项"),
    Field("deadline", "补正期限", "date", required=False),
)


def check_correction(ctx) -> None:
    received = received_on(ctx)
    due = add_working_days(received, ACCEPT_DAYS)
    if ctx.data.get("deadline") is not None and ctx.data["deadline"] < ctx.day:
        raise ValidationError({"deadline": "补正期限不能早于告知日期"})
    ctx.data.update(items_list=lines(ctx.data.get("items")), received_on=received, notice_due=due,
                    notice_late=ctx.day > due)


ACCEPT_FIELDS = (
    Field("within_scope", "申请事项属于本机关职权范围、依法需要取得行政许可", "bool"),
    Field("materials_complete", "申请材料齐全、符合法定形式", "bool"),
    Field("corrected_on", "收到全部补正材料日期", "date", required=False, help="经补正后受理的填写"),
)


def check_accept(ctx) -> None:
    received = received_on(ctx)
    due = add_working_days(received, ACCEPT_DAYS)
    correction = ctx.last("correction")
    told_in_time = correction is not None and local_date(correction.occurred_at) <= due
    if correction is not None:
        _day_between(ctx, "corrected_on", "收到补正材料日期", local_date(correction.occurred_at))
    deemed = not told_in_time and ctx.day > due
    ctx.data.update(received_on=received, acceptance_due=due, deemed_accepted=deemed,
                    accepted_on=received if deemed else ctx.day, materials=material_ids(ctx))


REJECT_FIELDS = (
    Field("ground", "不予受理的情形", "choice", choices=REJECT_GROUNDS),
    Field("reasons", "不予受理的理由", "textarea", max_length=8000),
    Field("remedies", "申请人的权利（向有关机关申请、申请行政复议或者提起行政诉讼）", "textarea", max_length=4000),
    Field("competent_body", "有权机关", required=False, max_length=200, help="不属于本机关职权范围的，告知向有关行政机关申请"),
)


def check_reject(ctx) -> None:
    if ctx.data.get("ground") == "not_competent" and not ctx.data.get("competent_body"):
        raise ValidationError({"competent_body": "不属于本机关职权范围的，应当告知申请人向有关行政机关申请"})


# --- examine ----------------------------------------------------------------------------------------

EXAMINE_FIELDS = (
    Field("opinion", "审查意见", "textarea", max_length=20000),
    Field("conclusion", "审查结论", "choice", choices=CONCLUSIONS),
    Field("onsite", "进行了实地核查", "bool", help="需要对申请材料的实质内容进行核实的，应当指派两名以上工作人员核查"),
    Field("officers", "核查人员", "people", required=False, help="实地核查的人员，不填则为本案承办人员"),
    Field("others_interest", "涉及申请人与他人之间重大利益关系", "bool"),
    Field("hearing_by_law", "依法应当听证或者涉及公共利益的重大许可事项", "bool"),
)


def check_examine(ctx) -> None:
    if ctx.data.get("onsite"):
        check_officers(ctx.officers, ctx.case.agency, ctx.day)
        ctx.data["officers"] = [p.pk for p in ctx.officers]


# --- hearing ----------------------------------------------------------------------------------------

HEARING_RIGHTS_FIELDS = (
    Field("told_to", "被告知人（申请人、利害关系人）", "textarea", max_length=2000),
)

HEARING_REQUEST_FIELDS = (
    Field("requested", "申请听证", "bool"),
    Field("requested_on", "提出听证申请日期", "date", required=False, help="默认为本环节的办理日期"),
    Field("requester", "申请人", required=False, max_length=200),
    Field("waived", "明确表示放弃听证", "bool", help="期限届满前记录不申请听证的，须申请人明确放弃"),
)


def check_hearing_request(ctx) -> None:
    told = ctx.done_on("hearing_rights")
    due = add_working_days(told, HEARING_REQUEST_DAYS)
    ctx.data["request_due"] = due
    if ctx.data.get("requested"):
        day = _day_between(ctx, "requested_on", "提出听证申请日期", told)
        if day > due:
            raise RuleViolation("XZXKF-47", f"申请人、利害关系人应当在被告知听证权利之日起五个工作日内提出听证申请"
                                            f"（{told:%Y-%m-%d}告知，期限至{due:%Y-%m-%d}），{day:%Y-%m-%d}提出的申请已逾期"
                                            "（《行政许可法》第四十七条）")
    elif ctx.day <= due and not ctx.data.get("waived"):
        raise RuleViolation("XZXKF-47", f"听证申请期限至{due:%Y-%m-%d}尚未届满；申请人未明确放弃的，期限届满后方可记录不申请听证")


def examiners(ctx) -> set[int]:
    """Who examined the application (审查该行政许可申请的工作人员): the case's officers, the on-site checkers
    and whoever recorded the examination."""
    people = set(CaseOfficer.objects.filter(case=ctx.case).values_list("person_id", flat=True))
    for record in ctx.entries("examine"):
        people |= set((record.data or {}).get("officers") or [])
        if record.actor_id:
            people |= set(Person.objects.filter(user_id=record.actor_id).values_list("pk", flat=True))
    return people


def _host(ctx, person_id) -> Person:
    host = Person.objects.filter(pk=person_id, agency_id=ctx.case.agency_id, is_active=True).first()
    if host is None:
        raise ValidationError({"host": "听证主持人须为本机关的在岗人员"})
    if host.pk in examiners(ctx):
        raise RuleViolation("XZXKF-48", f"{host.name}参与了本申请的审查，不能主持听证；应当指定审查该申请的工作人员以外的人员"
                                        "为听证主持人（《行政许可法》第四十八条第一款第（三）项）")
    return host


HEARING_NOTICE_FIELDS = (
    Field("hearing_at", "举行听证的时间", "datetime"),
    Field("place", "听证地点", max_length=200),
    Field("host", "听证主持人", "person"),
    Field("announced", "已向社会公告", "bool", help="依法应当听证或者涉及公共利益的重大许可事项，应当向社会公告"),
)


def check_hearing_notice(ctx) -> None:
    earliest = add_working_days(ctx.day, HEARING_NOTICE_DAYS)
    held = local_date(ctx.data["hearing_at"])
    if held < earliest:
        raise RuleViolation("XZXKF-48", f"应当于举行听证的七个工作日前通知申请人、利害关系人；{ctx.day:%Y-%m-%d}通知的，"
                                        f"听证最早于{earliest:%Y-%m-%d}举行（《行政许可法》第四十八条第一款第（一）项）")
    if data_of(ctx, "examine").get("hearing_by_law") and not ctx.passed("hearing_rights") and not ctx.data.get("announced"):
        raise ValidationError({"announced": "依法应当听证或者涉及公共利益的重大许可事项，应当向社会公告"})
    _host(ctx, ctx.data["host"])


HEARING_FIELDS = (
    Field("host", "听证主持人", "person", required=False, help="默认为听证通知确定的主持人"),
    Field("record", "听证笔录要点", "textarea", max_length=20000),
    Field("conclusion", "根据听证笔录的审查结论", "choice", choices=CONCLUSIONS),
)


def check_hearing(ctx) -> None:
    notice = data_of(ctx, "hearing_notice")
    host = ctx.data.get("host") or notice.get("host")
    _host(ctx, host)
    ctx.data["host"] = host
    planned = notice.get("hearing_at")
    if planned:
        from django.utils.dateparse import parse_datetime

        day = local_date(parse_datetime(planned))
        if ctx.day < day:
            raise RuleViolation("XZXKF-48", f"听证通知确定于{day:%Y-%m-%d}举行，不能提前举行")


# --- grant, deny ------------------------------------------------------------------------------------

def check_decision_due(ctx) -> None:
    clock = next((d for d in ctx.deadlines() if d.key == "grant"), None)
    if clock is not None and ctx.day > clock.due:
        extended = f"（已延长{clock.extended_days}个工作日）" if clock.extended_days else ""
        raise RuleViolation("XZXKF-42", f"应当自受理之日起二十个工作日内作出行政许可决定，期限至{clock.due:%Y-%m-%d}{extended}，"
                                        "已逾期；经本机关负责人批准可以延长十个工作日（《行政许可法》第四十二条）")
    if clock is not None:
        ctx.data["decision_due"] = clock.due


GRANT_FIELDS = (
    Field("content", "准予许可的内容", "textarea", max_length=8000),
    Field("basis", "决定依据", "textarea", max_length=4000),
)
DENY_FIELDS = (
    Field("reasons", "不予许可的理由", "textarea", max_length=8000),
    Field("basis", "决定依据", "textarea", max_length=4000),
    Field("remedies", "申请人依法申请行政复议或者提起行政诉讼的权利", "textarea", max_length=4000),
)


def apply_grant(ctx, record) -> None:
    ctx.case.decision = Case.Decision.GRANT
    ctx.case.decided_on = ctx.day
    ctx.case.legal_basis = ctx.data["basis"]


def apply_deny(ctx, record) -> None:
    ctx.case.decision = Case.Decision.DENY
    ctx.case.decided_on = ctx.day
    ctx.case.legal_basis = ctx.data["basis"]


# --- deliver, publish, close ------------------------------------------------------------------------

DELIVER_FIELDS = (
    Field("method", "送达方式", "choice", choices=DELIVERY_METHODS),
    Field("delivered_on", "送达日期", "date", required=False, help="默认为本环节的办理日期"),
    Field("certificate_number", "许可证件编号", required=False, max_length=100, help="准予许可的，须填写"),
    Field("valid_from", "有效期自", "date", required=False),
    Field("valid_until", "有效期至", "date", required=False, help="无期限的不填"),
)


def check_deliver(ctx) -> None:
    decided = decision_day(ctx)
    day = _day_between(ctx, "delivered_on", "送达日期", decided)
    if ctx.case.decision == Case.Decision.GRANT:
        if not ctx.data.get("certificate_number"):
            raise ValidationError({"certificate_number": "准予许可的，应当颁发加盖本机关印章的许可证件，请填写证件编号"})
        ctx.data["valid_from"] = ctx.data.get("valid_from") or decided
        if ctx.data.get("valid_until") and ctx.data["valid_until"] < ctx.data["valid_from"]:
            raise ValidationError({"valid_until": "有效期至不能早于有效期自"})
        due = add_working_days(decided, DELIVER_DAYS)
        ctx.data.update(due_on=due, on_time=day <= due)


def apply_deliver(ctx, record) -> None:
    ctx.case.delivered_on = ctx.data["delivered_on"]


PUBLISH_FIELDS = (
    Field("published_on", "公开日期", "date", required=False, help="默认为本环节的办理日期"),
    Field("channel", "公开渠道", "choice", choices=PUBLISH_CHANNELS),
    Field("link", "公开网址或位置", required=False, max_length=500),
)


def check_publish(ctx) -> None:
    decided = decision_day(ctx)
    day = _day_between(ctx, "published_on", "公开日期", decided)
    due = add_working_days(decided, PUBLISH_DAYS)
    ctx.data.update(due_on=due, on_time=day <= due)


register(
    StepSpec(FLOW, "apply", fields=APPLY_FIELDS, checks=(check_apply,), apply=apply_apply,
             help="登记申请事项、申请人和申请材料；材料作为本案证据上传。"),
    StepSpec(FLOW, "correction", fields=CORRECTION_FIELDS, checks=(check_correction,),
             help="材料不齐全或者不符合法定形式的，一次告知申请人需要补正的全部内容。"),
    StepSpec(FLOW, "accept", fields=ACCEPT_FIELDS, checks=(check_accept,),
             help="申请事项属于本机关职权范围、材料齐全且符合法定形式的，予以受理。"),
    StepSpec(FLOW, "reject", fields=REJECT_FIELDS, checks=(check_reject,),
             help="不予受理的，书面说明理由，并告知申请人的权利。"),
    StepSpec(FLOW, "examine", fields=EXAMINE_FIELDS, checks=(check_examine,),
             help="审查申请材料；需要核实实质内容的，由两名以上工作人员实地核查。"),
    StepSpec(FLOW, "hearing_rights", fields=HEARING_RIGHTS_FIELDS,
             help="告知申请人、利害关系人享有要求听证的权利。"),
    StepSpec(FLOW, "hearing_request", fields=HEARING_REQUEST_FIELDS, checks=(check_hearing_request,),
             help="记录申请人、利害关系人是否在五个工作日内申请听证。"),
    StepSpec(FLOW, "hearing_notice", fields=HEARING_NOTICE_FIELDS, checks=(check_hearing_notice,),
             help="于举行听证七个工作日前通知申请人、利害关系人，必要时予以公告。"),
    StepSpec(FLOW, "hearing", fields=HEARING_FIELDS, checks=(check_hearing,),
             help="由审查该申请的工作人员以外的人员主持听证，制作听证笔录。"),
    StepSpec(FLOW, "grant", fields=GRANT_FIELDS, checks=(check_decision_due,), apply=apply_grant,
             help="自受理之日起二十个工作日内作出准予行政许可的书面决定。"),
    StepSpec(FLOW, "deny", fields=DENY_FIELDS, checks=(check_decision_due,), apply=apply_deny,
             help="不予行政许可的，说明理由，并告知申请行政复议或者提起行政诉讼的权利。"),
    StepSpec(FLOW, "deliver", fields=DELIVER_FIELDS, checks=(check_deliver,), apply=apply_deliver,
             help="颁发、送达许可证件或者决定书。"),
    StepSpec(FLOW, "publish", fields=PUBLISH_FIELDS, checks=(check_publish,), help="公开准予行政许可的决定。"),
    StepSpec(FLOW, "close", help="办结。"),
)
