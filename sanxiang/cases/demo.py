"""Demo cases (演示案件): cases of every flow, stopped at many different steps, driven through the services.

Every case is registered with :func:`sanxiang.cases.services.register_case` and moved on with
:func:`sanxiang.cases.services.advance` (and the side actions), with past ``occurred_at`` values, so
every gate, clock, document and record-log entry applies exactly as for an officer at work — no
step record is ever written by hand. Dates are relative to the day of loading; the random
generator (seeded by ``sanxiang demo``) picks parties and officers, so one seed gives the same cases.

The cases belong to the first demo agency (the county's market regulation bureau), whose logins the
demo prints: the ``officer`` login handles every case (主办 or 协办), ``leader`` approves and decides,
``reviewer`` reviews. Some cases are overdue (filed 100 days ago without a decision; a seizure past its
30 days), some due soon (a statement window closing, a licence decision near its 20 working days).

:func:`load_demo_cases` is the loader registered in :mod:`sanxiang.core.demo_registry`; it runs after
the catalog's loader and ends with a signed checkpoint, so ``sanxiang verify`` on a fresh demo finds
every entry under a checkpoint.
"""

from __future__ import annotations

import datetime
import logging
import random
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.demo_registry import AUDIT_ACTION as REGISTRY_ACTION
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.core.fakeids import make_id_number, make_uscc
from sanxiang.org.models import Agency, Person, Role
from sanxiang.org.services import SystemActor

from . import services
from .models import Case
from .officers import certificate_problem

logger = logging.getLogger(__name__)

AUDIT_ACTION = f"{REGISTRY_ACTION}.cases"
COUNTY_CODE = "359721"
PLACES = ("云岫县城关镇建设路农贸市场", "云岫县城关镇府前路", "云岫县溪口镇溪口街", "云岫县青岚镇工业路", "云岫县城西工业园区")


@dataclass
class Move:
    """One move of a walked case: to ``target`` with ``data`` at ``days_ago`` days before today, ``hour`` o'clock."""

    target: str
    data: dict
    days_ago: float
    hour: int = 10
    side: str = ""  # "" (advance), or a side action: "note", "extend", "pause", "resume"


def m(target, days_ago, hour=10, **data) -> Move:
    return Move(target, data, days_ago, hour)


def side(action, days_ago, hour=15, **data) -> Move:
    return Move("", data, days_ago, hour, side=action)


# --------------------------------------------------------------------------- step input

BASIS = "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"
WHEN = "@when"  # in step input: replaced by the moment of the act


def penalty_input(target: str, who: _Cast, **over) -> dict:
    values = {
        "file": {"opinion": "符合立案条件，同意立案", "legal_basis": "《中华人民共和国行政处罚法》第五十四条"},
        "not_filed": {"refusal_reason": "经现场核查，举报反映的问题不存在，不予立案"},
        "investigate": {"method": "inspection", "record": "现场检查发现货架上陈列超过保质期的预包装食品若干",
                        "place": PLACES[0], "evidence_list": "现场检查笔录、现场照片、进货单据"},
        "preserve": {"items": "超过保质期的预包装食品24件", "grounds": "证据可能灭失，以后难以取得",
                     "approved_by": who.leader_person.pk, "place": PLACES[0]},
        "preserve_decision": {"disposition": "record_copy", "reason": "已拍照、抽样并制作清单，予以解除先行登记保存"},
        "conclude": {"report": "案件事实已调查清楚，证据确凿", "decision": "penalty",
                     "facts": "当事人销售超过保质期的预包装食品，货值金额较小", "penalty_kinds": ["warning", "fine"],
                     "fine_amount": "5000", "legal_basis": BASIS, "discretion": "初次违法，积极配合调查，从轻处罚"},
        "legal_review": {"materials": "调查终结报告、证据材料、拟处罚意见"},
        "prior_notice": {"facts": "当事人销售超过保质期的预包装食品", "reasons": "违反《中华人民共和国食品安全法》第三十四条",
                         "legal_basis": BASIS, "proposed_penalty": "警告，并处罚款", "rights": "陈述、申辩的权利；要求听证的权利",
                         "hearing_rights_stated": True},
        "statement": {"statement": "当事人表示系管理疏忽，已下架全部过期食品，请求从轻处罚"},
        "hearing_notice": {"place": "本局听证室", "host": who.reviewer_person.pk, "public": True},
        "hearing": {"host": who.reviewer_person.pk, "attendees": "当事人及其委托代理人、案件调查人员",
                    "record": "听证笔录：调查人员提出违法事实、证据和处罚建议，当事人进行申辩和质证"},
        "collective_discussion": {"attendees": [who.leader_person.pk, who.reviewer_person.pk],
                                  "opinions": "与会负责人一致认为事实清楚、证据确凿，同意给予处罚",
                                  "conclusion": "penalty", "conclusion_text": "给予警告，并处罚款"},
        "decide": {"decision": "penalty", "opinion": "同意承办机构意见，给予行政处罚"},
        "penalty_decision": {"penalty_kinds": ["warning", "fine"], "fine_amount": "5000",
                             "facts": "当事人销售超过保质期的预包装食品", "legal_basis": BASIS,
                             "evidence_reasoning": "现场检查笔录、现场照片、进货单据和当事人询问笔录相互印证，足以认定",
                             "basis_reasoning": "当事人的行为违反《中华人民共和国食品安全法》第三十四条第（十）项，"
                                                "依照第一百二十四条第一款第（五）项处罚",
                             "discretion_reasoning": "当事人初次违法、货值金额较小并积极配合调查，依照本局裁量基准从轻处罚",
                             "payment_manner": "到指定银行缴纳", "payment_deadline_days": 15,
                             "remedies": "六十日内申请行政复议或者六个月内提起行政诉讼"},
        "no_penalty_decision": {"ground": "first_offence", "reasoning": "初次违法且危害后果轻微并及时改正",
                                "legal_basis": "《中华人民共和国行政处罚法》第三十三条第一款",
                                "remedies": "六十日内申请行政复议或者六个月内提起行政诉讼"},
        "withdraw_case": {"reason": "经调查，违法事实不能成立，报负责人批准撤销立案"},
        "transfer": {"receiving_organ": "云岫县公安局", "crime_suspected": "涉嫌生产、销售不符合安全标准的食品罪",
                     "materials": "案件移送书、调查终结报告、涉案物品清单"},
        "deliver": {"method": "direct", "receiver_name": "当事人本人", "signed_at": WHEN},
        "execute": {},
        "close": {"summary": "处罚决定已履行完毕，予以结案"},
        "archive": {"volumes": 1, "pages": 46, "location": "档案室A-03"},
    }.get(target, {})
    return {**values, **over}


def simple_input(target: str, **over) -> dict:
    values = {
        "identify": {"certificates_shown": True},
        "inform": {"penalty_kinds": ["fine"], "fine_amount": "100", "facts": "当事人在人行道上占道摆卖",
                   "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "rights_informed": True},
        "statement": {"statement": "当事人无异议", "waived": False},
        "decide_on_spot": {"penalty_kinds": ["fine"], "fine_amount": "100", "facts": "当事人在人行道上占道摆卖",
                           "legal_basis": "《城市市容和环境卫生管理条例》第三十六条", "payment_manner": "bank"},
        "hand_over": {"receiver_name": "当事人本人"},
        "file_record": {"received_by": "法规科"},
        "to_general": {"reason": "over_limit", "explanation": "拟罚款数额超过当场处罚限额"},
    }.get(target, {})
    return {**values, **over}


def coercion_input(target: str, video: int | None, **over) -> dict:
    evidence = {"evidence": [video]} if video else {}
    values = {
        "propose": {"measure_kind": "seize", "items": "涉嫌过期食品一批（详见清单）",
                    "legal_basis": "《中华人民共和国食品安全法》第一百一十条第（四）项", "reasons": "防止涉案物品转移、灭失"},
        "approve": {"opinion": "approved", "comment": "同意实施扣押"},
        "not_approved": {"reason": "现有证据不足以证明物品与违法行为有关"},
        "present": {"place": PLACES[1], "credentials_shown": True, **evidence},
        "notify_party": {"party_present": True, **evidence},
        "inform": {"content": "告知当事人采取扣押的理由、依据以及依法享有的权利、救济途径", "rights_informed": True, **evidence},
        "hear": {"statement": "当事人表示配合", **evidence},
        "record": {"content": "现场笔录：执法人员依法扣押涉案物品", "party_signature": "signed", "officers_signed": True,
                   **evidence},
        "inventory": {"rows": "过期奶粉｜12罐｜外包装完好\n过期饼干｜30盒｜外包装完好", "copies": 2, "copy_to_party": True,
                      **evidence},
        "decision": {"days": 30, "custodian": "本局涉案物品保管室", "place": "本局涉案物品保管室", "delivery": "party",
                     **evidence},
        "emergency_report": {"opinion": "confirmed", "comment": "同意，补办批准手续"},
        "custody": {},
        "extend": {"clock": "custody", "days": 30, "complex_case": True, "reasons": "案情复杂，需要检验检测",
                   "party_notified": True},
        "release": {"ground": "no_violation", "return_note": "经检验物品合格，予以解除扣押并退还"},
        "dispose": {"handling": "confiscate", "basis": "依法没收，转入行政处罚程序"},
    }.get(target, {})
    return {**values, **over}


def execution_input(target: str, **over) -> dict:
    today = timezone.localdate()
    values = {
        "overdue": {"obligation_kind": "monetary", "obligation": "缴纳罚款", "decision_number": "县市场监管局罚决〔2026〕3号",
                    "decision_delivered_on": (today - datetime.timedelta(days=200)).isoformat(), "amount": "20000",
                    "deadline": (today - datetime.timedelta(days=185)).isoformat()},
        "surcharge": {"kind": "fine", "rate": "3", "amount": "20000", "standard_notified": True},
        "demand": {"performance_deadline": (today - datetime.timedelta(days=20)).isoformat(), "method": "缴纳罚款及加处罚款",
                   "amount": "40000", "statement_rights": True, "delivery": "direct", "own_power": True,
                   "power_basis": "《中华人民共和国行政强制法》第四十六条第三款：已依法扣押的财物，可以依法拍卖抵缴罚款"},
        "statement": {"statement": "当事人称资金周转困难，请求暂缓执行", "review": "经复核，当事人提出的理由不成立",
                      "grounds_accepted": False},
        "execution_decision": {"method": "划拨存款", "reasons": "经催告逾期仍不履行且无正当理由", "remedies_stated": True},
        "substitute_decision": {"harm": "traffic", "performer": "云岫县市政工程有限公司",
                                "planned_on": (today - datetime.timedelta(days=3)).isoformat(), "cost_estimate": "3000"},
        "enforce": {"method": "划拨存款", "result": "已依法划拨罚款及加处罚款"},
        "apply_court": {"court": "云岫县人民法院", "materials": "强制执行申请书、行政决定书及作出决定的事实、理由和依据"},
        "close": {"result": "enforced", "summary": "强制执行完毕，予以结案"},
    }.get(target, {})
    return {**values, **over}


def inspection_input(target: str, **over) -> dict:
    values = {
        "task": {"inspection_item": "食品经营者日常监督检查", "basis": "《中华人民共和国食品安全法》第一百一十条",
                 "checklist": "许可证照是否齐全有效\n进货查验记录是否完整\n食品贮存条件是否符合要求", "reason": "投诉举报"},
        "inspect": {"results": "符合：证照齐全有效\n符合：进货查验记录完整\n符合：贮存条件符合要求", "findings": "",
                    "place": PLACES[2]},
        "result": {"result": "no_problem", "result_text": "未发现违法行为"},
        "refer": {"title": "涉嫌销售过期食品", "facts": "检查发现货架上有超过保质期的食品"},
        "publish": {"channel": "portal"},
    }.get(target, {})
    return {**values, **over}


def license_input(target: str, who: _Cast, **over) -> dict:
    values = {
        "apply": {"item_name": "食品经营许可", "request": "申请食品经营许可（预包装食品销售）",
                  "materials": "申请书；营业执照复印件；经营场所平面图；食品安全管理制度", "channel": "window"},
        "correction": {"items": "补正经营场所平面图（须标明设备布局）"},
        "accept": {"within_scope": True, "materials_complete": True},
        "reject": {"ground": "not_competent", "reasons": "申请事项不属于本机关职权范围",
                   "remedies": "可向有权机关申请；对本决定不服的可依法申请行政复议或者提起行政诉讼",
                   "competent_body": "云澜市市场监督管理局"},
        "examine": {"opinion": "材料齐全，现场核查符合条件", "conclusion": "met", "onsite": False, "others_interest": False,
                    "hearing_by_law": False},
        "hearing_rights": {"told_to": "申请人及相邻利害关系人"},
        "grant": {"content": "准予食品经营许可", "basis": "《中华人民共和国食品安全法》第三十五条"},
        "deny": {"reasons": "经营场所与有毒、有害场所距离不符合要求", "basis": "《食品经营许可和备案管理办法》",
                 "remedies": "六十日内申请行政复议或者六个月内提起行政诉讼"},
        "deliver": {"method": "direct", "certificate_number": "JY13597210012345"},
        "publish": {"channel": "portal"},
        "close": {},
    }.get(target, {})
    return {**values, **over}


def decision_input(target: str, **over) -> dict:
    values = {
        "decide": {"outcome": "grant", "decision_text": "经审查符合条件，予以准予", "basis": "相关法律、法规的规定"},
        "deliver": {"method": "direct", "recipient": "申请人"},
    }.get(target, {})
    return {**values, **over}


# --------------------------------------------------------------------------- the cast


class _Cast:
    """The people who act in the demo cases: the printed logins of the market bureau."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.agency = (Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT, people__user__username="officer").first()
                       or Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT).order_by("pk").first())
        people = Person.objects.filter(agency=self.agency).select_related("user", "department", "agency__region")

        def login(role):
            return people.filter(roles__role=role, user__isnull=False).order_by("pk").first()

        self.officer_person = people.filter(user__username="officer").first() or login(Role.OFFICER)
        self.leader_person = login(Role.LEADER)
        self.reviewer_person = login(Role.REVIEWER)
        self.head_person = login(Role.DEPARTMENT_HEAD)
        self.officer = self.officer_person.user
        self.leader = self.leader_person.user
        self.reviewer = self.reviewer_person.user
        self.head = self.head_person.user if self.head_person else self.officer
        earliest = timezone.localdate() - datetime.timedelta(days=240)
        today = timezone.localdate()
        # Colleagues whose certificates are valid over the whole demo period (LAW-01 on every past day).
        self.partners = [
            p for p in people.filter(roles__role=Role.OFFICER, is_active=True).exclude(pk=self.officer_person.pk)
            .order_by("pk").distinct()
            if not certificate_problem(p, self.agency, earliest) and not certificate_problem(p, self.agency, today)
        ]
        self.department = self.officer_person.department

    def user_for(self, actor: str):
        return {"leader": self.leader, "leaders_collective": self.leader, "reviewer": self.reviewer,
                "department_head": self.head}.get(actor, self.officer)


# --------------------------------------------------------------------------- walking cases


class _DemoCases:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.cast = _Cast(rng)
        self.system = SystemActor("system:demo")
        self.failures: list[str] = []
        self.cases: list[Case] = []
        self.seq = 0
        self.last: datetime.datetime | None = None

    # --- values ------------------------------------------------------------------------------
    def at(self, days_ago: float, hour: int = 10) -> datetime.datetime:
        """The moment of an act: ``hour`` o'clock ``days_ago`` days ago, a few minutes after the case's previous act."""
        day = self.today - datetime.timedelta(days=int(days_ago))
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
        if self.last is not None and moment <= self.last:
            moment = self.last + datetime.timedelta(minutes=7)
        moment = min(moment, self.now - datetime.timedelta(minutes=5))
        self.last = moment
        return moment

    def party(self, kind: str = "organisation") -> dict:
        rng = self.rng
        self.seq += 1
        brand = rng.choice("禾丰 鑫源 永兴 福源 嘉和 悦来 恒昌 隆盛 惠民 兴旺 万家 百顺 祥瑞 金溪 碧溪 翠峰".split())
        address = f"{rng.choice(PLACES)}{rng.randrange(1, 200)}号"
        if kind == "person":
            name = rng.choice("林陈黄张吴王李郑刘杨") + rng.choice("建国 秀英 志强 丽华 文斌 春梅 海峰 晓燕".split())
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 40))
            return {"party_type": "person", "name": name, "id_type": "id_card",
                    "id_number": make_id_number(rng, COUNTY_CODE, born=born), "address": address,
                    "phone": f"1390000{rng.randrange(10000):04d}"}
        if kind == "individual_business":
            return {"party_type": "individual_business", "name": f"云岫县城关镇{brand}食品商行{self.seq}号店",
                    "id_type": "uscc", "id_number": make_uscc(rng, COUNTY_CODE, authority="9", kind="2"),
                    "legal_representative": rng.choice("林陈黄张") + "某", "address": address}
        return {"party_type": "organisation", "name": f"云岫县{brand}食品贸易有限公司（{self.seq}）", "id_type": "uscc",
                "id_number": make_uscc(rng, COUNTY_CODE, authority="9", kind="1"),
                "legal_representative": rng.choice("林陈黄张吴王") + rng.choice("建国 志强 文斌".split()), "address": address}

    def officers(self) -> list[int]:
        partner = self.rng.choice(self.cast.partners)
        pair = [self.cast.officer_person.pk, partner.pk]
        return pair if self.rng.random() < 0.7 else pair[::-1]

    # --- the walk ----------------------------------------------------------------------------
    def walk(self, label: str, flow: str, title: str, start: Move, moves: list[Move], *, party_kind="organisation",
             input_for=None, source="inspection", act_days_ago: int | None = None, video: bool = False) -> Case | None:
        """Register a case with ``start`` (the start step's input and day), then make each move in turn."""
        cast = self.cast
        self.last = None
        officers = self.officers()
        raw = {
            "flow": flow, "department": cast.department.pk, "title": title, "source": source,
            "officers": officers, "parties": [self.party(party_kind)],
            "step": {**start.data, "occurred_at": self.at(start.days_ago, start.hour).isoformat()},
        }
        if act_days_ago is not None:
            raw["act_date"] = (self.today - datetime.timedelta(days=act_days_ago)).isoformat()
        case = None
        try:
            case = services.register_case(cast.officer, raw)
            video_id = self.seizure_video(case, moves) if video else None
            materials = self.application_scan(case) if flow == "license" else None
            for move in moves:
                fresh = Case.objects.get(pk=case.pk)
                when = self.at(move.days_ago, move.hour).isoformat()
                if move.side:
                    action = {"note": services.add_note, "extend": services.extend_clock, "pause": services.pause_clock,
                              "resume": services.resume_clock}[move.side]
                    user = cast.officer if move.side == "note" else cast.leader
                    action(user, fresh.pk, {**move.data, "occurred_at": when}, version=fresh.version)
                    continue
                data = input_for(move.target, video_id) if video else input_for(move.target)
                data = {**data, **move.data, "occurred_at": when}
                data = {key: when if value == WHEN else value for key, value in data.items()}
                if materials and move.target in ("accept", "correction"):
                    data["evidence"] = [materials]
                actor = _step_actor(flow, move.target)
                services.advance(cast.user_for(actor), fresh.pk, move.target, data, version=fresh.version)
        except (RuleViolation, ValidationError, PermissionDenied, Conflict) as error:
            message = getattr(error, "message", None) or "; ".join(getattr(error, "messages", [])) or str(error)
            where = Case.objects.filter(pk=case.pk).values_list("current_step", flat=True).first() if case else "register"
            self.failures.append(f"{label}: {flow} at {where}: {type(error).__name__} {message}")
            logger.warning("demo case %s stopped early: %s", label, self.failures[-1])
        if case is not None:
            case = Case.objects.get(pk=case.pk)
            self.cases.append(case)
        return case

    def seizure_video(self, case: Case, moves: list[Move]) -> int | None:
        """The body-camera video of the seizure (扣押全过程录像), covering every on-site step (REC-03/05)."""
        from sanxiang.records.demo import make_avi
        from sanxiang.records.ingest import ingest_stream

        on_site = [mv for mv in moves if mv.target in ("present", "notify_party", "inform", "hear", "record", "inventory",
                                                       "decision")]
        if not on_site:
            return None
        first, last = on_site[0], on_site[-1]

        def plain(move):
            day = self.today - datetime.timedelta(days=int(move.days_ago))
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(move.hour, 0)))

        start = plain(first) - datetime.timedelta(minutes=5)
        end = min(plain(last) + datetime.timedelta(minutes=120), self.now)
        officers = list(case.officer_links.values_list("person_id", flat=True))
        record = ingest_stream(self.system, [make_avi(self.rng, seconds=2)], {
            "title": "扣押现场执法记录仪视频", "kind": "video", "case_ref": case.number, "activity": "seizure",
            "officers": officers, "captured_from": start.isoformat(), "captured_to": end.isoformat(),
            "place": PLACES[1], "original_name": "seizure.avi", "agency": case.agency_id,
        }, uploaded_by=self.cast.officer)
        return record.pk

    def application_scan(self, case: Case) -> int:
        """The applicant's materials, scanned at the window (申请材料扫描件), as the case's evidence."""
        from sanxiang.records.demo import make_png
        from sanxiang.records.ingest import ingest_stream

        start = case.registered_at
        record = ingest_stream(self.system, [make_png(self.rng, 160, 120)], {
            "title": "申请材料扫描件", "kind": "scan", "case_ref": case.number, "activity": "",
            "officers": [], "captured_from": start.isoformat(), "captured_to": start.isoformat(),
            "original_name": "materials.png", "agency": case.agency_id,
        }, uploaded_by=self.cast.officer)
        return record.pk

    # --- the scenarios ------------------------------------------------------------------------
    def run(self) -> dict:
        self.penalties()
        self.simple_penalties()
        self.coercion()
        self.executions()
        self.inspections()
        self.licences()
        self.decisions()
        return self.summary()

    def penalty(self, label, moves, *, days, title="销售超过保质期的食品", party_kind="organisation", register=None):
        who = self.cast

        def data(target):
            return penalty_input(target, who)

        start = m("register", days, 9, source_description="群众投诉举报反映销售过期食品",
                  discovered_on=(self.today - datetime.timedelta(days=days)).isoformat(), **(register or {}))
        return self.walk(label, "penalty", title, start, moves, party_kind=party_kind, input_for=data,
                         source="complaint", act_days_ago=days + 3)

    # Days after registration of each step of a walked penalty case (and the hour), far enough apart for the
    # statutory windows: the statement window (5 working days after the notice) is over before the decision.
    OFFSETS = {"file": (1, 11), "not_filed": (1, 11), "investigate": (2, 10), "preserve": (3, 10),
               "preserve_decision": (5, 10), "conclude": (8, 16), "legal_review": (9, 10), "prior_notice": (10, 10),
               "statement": (12, 10), "hearing_notice": (13, 10), "hearing": (24, 9), "decide": (26, 10),
               "penalty_decision": (27, 10), "no_penalty_decision": (27, 10), "withdraw_case": (27, 10),
               "transfer": (27, 9), "deliver": (29, 10), "execute": (31, 10), "close": (38, 10), "archive": (50, 10)}

    def plan(self, days, *targets, **over) -> list[Move]:
        """Moves to ``targets`` of a penalty case registered ``days`` ago, on the days of :attr:`OFFSETS`."""
        moves, previous = [], 0
        for target in targets:
            offset, hour = self.OFFSETS[target]
            offset = max(offset, previous + (1 if offset <= previous else 0))
            previous = offset
            moves.append(m(target, days - offset, hour, **over.get(target, {})))
        return moves

    def penalties(self):
        d = self.today
        plan = self.plan

        def ago(days):
            return (d - datetime.timedelta(days=days)).isoformat()

        to_conclusion = ("file", "investigate", "conclude")
        to_statement = (*to_conclusion, "prior_notice", "statement")
        decided = (*to_statement, "decide", "penalty_decision")
        heavy = {"conclude": {"penalty_kinds": ["warning", "suspend_license"], "fine_amount": None}}
        self.penalty("P01 案源登记", [], days=2)
        self.penalty("P02 案源登记（立案期限将届满）", [], days=19)
        self.penalty("P03 不予立案", plan(10, "not_filed"), days=10)
        self.penalty("P04 已立案", plan(6, "file"), days=6)
        self.penalty("P05 调查取证中", plan(20, "file", "investigate"), days=20)
        self.penalty("P06 立案已100日未作决定（超期）", plan(101, "file", "investigate") + [
            side("note", 60, text="当事人经营场所已关闭，正在查找当事人")], days=101)
        self.penalty("P07 先行登记保存", plan(15, "file", "investigate", "preserve"), days=15)
        self.penalty("P08 保存处理后继续调查", plan(25, "file", "investigate", "preserve", "preserve_decision", "investigate"),
                     days=25)
        self.penalty("P09 调查终结", plan(13, *to_conclusion), days=13)
        self.penalty("P10 待法制审核（重大社会影响）", plan(11, *to_conclusion, "legal_review",
                                                     conclude={"complexity_flags": ["social_impact"]}), days=11)
        self.penalty("P11 待法制审核（较大数额罚款）", plan(16, *to_conclusion, "legal_review",
                                                     conclude={"fine_amount": "150000", "penalty_kinds": ["fine"]}),
                     days=16)
        self.penalty("P12 已事先告知（陈述申辩期将届满）", plan(12, *to_conclusion, "prior_notice"), days=12)
        self.penalty("P13 已听取陈述申辩", plan(20, *to_statement), days=20)
        self.penalty("P14 当事人要求听证", plan(16, *to_statement, **heavy,
                                              statement={"hearing_requested": True, "requested_on": ago(4)}), days=16)
        self.penalty("P15 已通知听证", plan(16, *to_statement, "hearing_notice", **heavy,
                                          statement={"hearing_requested": True, "requested_on": ago(4)},
                                          hearing_notice={"hearing_date": (d + datetime.timedelta(days=12)).isoformat()}),
                     days=16)
        self.penalty("P16 听证后待法制审核", plan(30, *to_statement, "hearing_notice", "hearing", "legal_review", **heavy,
                                               statement={"hearing_requested": True, "requested_on": ago(18)},
                                               hearing_notice={"hearing_date": ago(6)}), days=30)
        self.penalty("P17 负责人审查", plan(30, *to_statement, "decide"), days=30)
        sealed = {"penalty_decision": {"sealed": True}, "no_penalty_decision": {"sealed": True}}
        self.penalty("P18 已作出处罚决定", plan(40, *decided, **sealed), days=40)
        self.penalty("P19 已送达", plan(45, *decided, "deliver", **sealed), days=45)
        self.penalty("P20 执行中", plan(50, *decided, "deliver", "execute", **sealed), days=50)
        self.penalty("P21 已结案", plan(70, *decided, "deliver", "execute", "close", **sealed,
                                       execute={"paid_amount": "5000", "paid_on": ago(70 - 31), "receipt_no": "FJ2026001"}),
                     days=70)
        self.penalty("P22 已归档", plan(140, *decided, "deliver", "execute", "close", "archive", **sealed,
                                       execute={"paid_amount": "5000", "paid_on": ago(140 - 31), "receipt_no": "FJ2026002"}),
                     days=140)
        no_penalty = {"conclude": {"decision": "no_penalty", "penalty_kinds": [], "fine_amount": None},
                      "decide": {"decision": "no_penalty", "opinion": "同意不予行政处罚"}, **sealed}
        self.penalty("P23 不予处罚已结案", plan(50, *to_conclusion, "decide", "no_penalty_decision", "deliver", "close",
                                          **no_penalty), days=50)
        withdraw = {"conclude": {"decision": "withdraw", "penalty_kinds": [], "fine_amount": None},
                    "decide": {"decision": "withdraw", "opinion": "同意撤销立案"}}
        self.penalty("P24 撤销立案", plan(36, *to_conclusion, "decide", "withdraw_case", "close", **withdraw), days=36)
        transfer = {"conclude": {"decision": "transfer", "penalty_kinds": [], "fine_amount": None},
                    "decide": {"decision": "transfer", "opinion": "涉嫌犯罪，同意移送公安机关"}}
        self.penalty("P25 移送司法机关", plan(29, *to_conclusion, "decide", "transfer", **transfer), days=29)
        small = {"conclude": {"fine_amount": "800"}, "penalty_decision": {"fine_amount": "800", "sealed": True}}
        self.penalty("P26 个人当事人处罚决定", plan(34, *decided, **small), days=34, party_kind="person",
                     title="无证摆卖食品")
        warning = {"conclude": {"penalty_kinds": ["warning"], "fine_amount": None},
                   "penalty_decision": {"penalty_kinds": ["warning"], "fine_amount": None, "sealed": True}}
        self.penalty("P27 警告（无须执行）已结案", plan(56, *decided, "deliver", "close", **warning), days=56,
                     party_kind="individual_business", title="未按规定公示食品经营许可证")

    def simple_penalties(self):
        def data(target):
            return simple_input(target)

        full = ("inform", "statement", "decide_on_spot", "hand_over", "file_record")
        for n, (days, stop, kind) in enumerate(((1, 5, "person"), (8, 5, "person"), (30, 5, "individual_business"),
                                                (2, 2, "person"), (4, 1, "person"))):
            moves = [Move(t, {"filed_on": (self.today - datetime.timedelta(days=days - 1)).isoformat()}
                          if t == "file_record" else {}, days - (1 if t == "file_record" else 0), 10) for t in full[:stop]]
            self.walk(f"S{n + 1:02d} 简易程序", "penalty_simple", "占道摆卖", m("identify", days, 10, certificates_shown=True),
                      moves, party_kind=kind, input_for=data, act_days_ago=days)
        self.walk("S06 转普通程序", "penalty_simple", "占道经营（数额较大）", m("identify", 3, 10, certificates_shown=True),
                  [m("inform", 3, 10, fine_amount="5000"), m("statement", 3, 10), m("to_general", 3, 10)],
                  party_kind="person", input_for=data, act_days_ago=3)

    def coercion(self):
        def data(target, video):
            return coercion_input(target, video)

        site = ("present", "notify_party", "inform", "hear", "record", "inventory", "decision")

        def routine(days, *after):
            return ([m("approve", days, 9)] + [m(t, days - 1, 10) for t in site]
                    + [m(t, days - 1 - i - 1, 15) for i, t in enumerate(after)])

        start = coercion_input("propose", None)
        self.walk("C01 报请实施", "coercion_measure", "涉嫌销售过期食品（扣押）", m("propose", 1, 9, **start), [],
                  input_for=data, video=True)
        self.walk("C02 已批准待实施", "coercion_measure", "涉嫌销售过期食品（扣押）", m("propose", 3, 9, **start),
                  [m("approve", 3, 10)], input_for=data, video=True)
        self.walk("C03 不予批准", "coercion_measure", "涉嫌无证经营（查封）", m("propose", 6, 9, **start),
                  [m("approve", 6, 10, opinion="refused", comment="证据不足，不同意实施"), m("not_approved", 6, 11)],
                  input_for=data, video=True)
        self.walk("C04 扣押期间", "coercion_measure", "涉嫌销售过期食品（扣押）", m("propose", 12, 9, **start),
                  routine(12, "custody"), input_for=data, video=True)
        self.walk("C05 扣押超过30日（超期）", "coercion_measure", "涉嫌销售假冒商品（扣押）", m("propose", 45, 9, **start),
                  routine(45, "custody"), input_for=data, video=True)
        self.walk("C06 扣押即将到期", "coercion_measure", "涉嫌销售不合格电动车（扣押）", m("propose", 29, 9, **start),
                  routine(29, "custody"), input_for=data, video=True)
        self.walk("C07 延长扣押期限", "coercion_measure", "涉嫌销售不合格化妆品（扣押）", m("propose", 40, 9, **start),
                  routine(40, "custody", "extend", "custody"), input_for=data, video=True)
        self.walk("C08 解除扣押", "coercion_measure", "涉嫌销售过期食品（扣押）", m("propose", 20, 9, **start),
                  routine(20, "custody", "release"), input_for=data, video=True)
        self.walk("C09 依法没收", "coercion_measure", "涉嫌销售假冒商品（扣押）", m("propose", 25, 9, **start),
                  routine(25, "custody", "dispose"), input_for=data, video=True)
        emergency = {**start, "emergency": True, "emergency_reason": "当事人正在转移涉案物品，情况紧急"}
        self.walk("C10 当场扣押补办批准", "coercion_measure", "涉嫌转移涉案物品（当场扣押）", m("propose", 8, 9, **emergency),
                  [m(t, 8, 10) for t in site] + [m("emergency_report", 7, 9), m("custody", 7, 10)], input_for=data,
                  video=True)

    def executions(self):
        def data(target):
            return execution_input(target)

        start = m("overdue", 30, 9, **execution_input("overdue"))
        self.walk("E01 逾期不履行", "coercion_execution", "罚款逾期未缴纳", m("overdue", 2, 9, **execution_input("overdue")),
                  [], input_for=data)
        self.walk("E02 已催告", "coercion_execution", "罚款逾期未缴纳", start,
                  [m("surcharge", 29, 10), m("demand", 28, 10)], input_for=data)
        self.walk("E03 强制执行完毕", "coercion_execution", "罚款逾期未缴纳", start,
                  [m("surcharge", 29, 10), m("demand", 28, 10), m("statement", 25, 10), m("execution_decision", 12, 10),
                   m("enforce", 10, 10), m("close", 9, 10)], input_for=data)
        removal = execution_input("overdue", obligation_kind="remove_obstruction", obligation="拆除违法设置的户外广告牌",
                                  amount=None)
        self.walk("E04 申请法院强制执行", "coercion_execution", "责令拆除逾期未履行", m("overdue", 30, 9, **removal),
                  [m("demand", 28, 10, amount=None, method="自行拆除户外广告牌", own_power=False, power_basis=""),
                   m("statement", 25, 10),
                   m("apply_court", 8, 10)], input_for=data)
        self.walk("E05 催告期间履行", "coercion_execution", "罚款逾期未缴纳", start,
                  [m("demand", 28, 10), m("statement", 24, 10, performed=True, statement="当事人已缴纳罚款及加处罚款",
                                                 review="经复核，当事人已履行全部义务", grounds_accepted=True),
                   m("close", 20, 10, result="performed", summary="当事人在催告期间履行了义务")], input_for=data)

    def inspections(self):
        def data(target):
            return inspection_input(target)

        task = m("task", 10, 9, **inspection_input("task"))
        self.walk("I01 检查任务", "inspection", "食品经营者日常监督检查", m("task", 1, 9, **inspection_input("task")), [],
                  input_for=data, party_kind="individual_business")
        self.walk("I02 已检查", "inspection", "投诉举报核查", task, [m("inspect", 8, 10)], input_for=data,
                  party_kind="individual_business")
        self.walk("I03 已告知结果（待公示）", "inspection", "重点监管对象检查", task,
                  [m("inspect", 9, 10), m("result", 9, 15)], input_for=data)
        self.walk("I04 已公示", "inspection", "节前专项检查", task,
                  [m("inspect", 9, 10), m("result", 9, 15), m("publish", 5, 10)], input_for=data)
        self.walk("I05 发现违法转处罚", "inspection", "日常监督检查", task,
                  [m("inspect", 9, 10, findings="货架上有过期食品"), m("result", 9, 15, result="violation",
                                                                   result_text="发现涉嫌销售过期食品"),
                   m("refer", 8, 10), m("publish", 6, 10)], input_for=data)

    def licences(self):
        who = self.cast

        def data(target):
            return license_input(target, who)

        def start(days):
            return m("apply", days, 9, **license_input("apply", who))

        self.walk("L01 已申请", "license", "食品经营许可申请", start(1), [], input_for=data, source="application")
        self.walk("L02 一次告知补正", "license", "食品经营许可申请", start(3), [m("correction", 2, 10)], input_for=data,
                  source="application")
        self.walk("L03 不予受理", "license", "食品经营许可申请", start(6), [m("reject", 5, 10)], input_for=data,
                  source="application")
        self.walk("L04 已受理（审查中）", "license", "食品经营许可申请", start(12), [m("accept", 11, 10)], input_for=data,
                  source="application")
        self.walk("L05 审查中（即将到期）", "license", "食品经营许可申请", start(29),
                  [m("accept", 27, 10), m("examine", 20, 10)], input_for=data, source="application")
        self.walk("L06 准予许可", "license", "食品经营许可申请", start(20),
                  [m("accept", 19, 10), m("examine", 15, 10), m("grant", 12, 10)], input_for=data, source="application")
        self.walk("L07 已公开", "license", "食品经营许可申请", start(30),
                  [m("accept", 29, 10), m("examine", 25, 10), m("grant", 22, 10), m("deliver", 20, 10),
                   m("publish", 18, 10)], input_for=data, source="application")
        self.walk("L08 不予许可办结", "license", "食品经营许可申请", start(35),
                  [m("accept", 34, 10), m("examine", 30, 10, conclusion="not_met", opinion="场所不符合要求"),
                   m("deny", 26, 10), m("deliver", 24, 10), m("close", 23, 10)], input_for=data, source="application")
        self.walk("L09 补正后受理", "license", "食品经营许可申请", start(16),
                  [m("correction", 15, 10), m("accept", 12, 10, corrected_on=(self.today - datetime.timedelta(days=13))
                                             .isoformat())], input_for=data, source="application")

    def decisions(self):
        def data(target):
            return decision_input(target)

        titles = {"levy": "征收排污费", "requisition": "应急征用运输车辆", "confirmation": "工伤认定申请",
                  "adjudication": "林地权属争议裁决", "payment": "困难群众临时救助金给付", "reward": "举报违法行为奖励",
                  "other": "信用修复申请"}
        for n, (flow, title) in enumerate(titles.items()):
            start = m("register", 20 + n, 9, matter=title)
            self.walk(f"D{n + 1:02d} {title}（已送达）", flow, title, start,
                      [m("decide", 15 + n, 10, **({"amount": "2000"} if flow in ("levy", "payment", "reward") else {})),
                       m("deliver", 12 + n, 10)], input_for=data, source="application",
                      party_kind="person")
            self.walk(f"D{n + 8:02d} {title}（已登记）", flow, title, m("register", 2, 9, matter=title), [],
                      input_for=data, source="application", party_kind="person")

    # --- summary ------------------------------------------------------------------------------
    def summary(self) -> dict:
        flows_count = Counter(c.flow_key for c in self.cases)
        statuses = Counter(c.status for c in self.cases)
        steps = Counter(f"{c.flow_key}:{c.current_step}" for c in self.cases)
        deadlines = Counter(c.deadline_state or "none" for c in self.cases)
        return {"cases": len(self.cases), "by_flow": dict(flows_count), "by_status": dict(statuses),
                "by_step": dict(steps), "deadlines": dict(deadlines), "failures": self.failures}


def _step_actor(flow_key: str, target: str) -> str:
    from sanxiang.catalog import flows

    return flows.get(flow_key).step(target).actor


def load_demo_cases(rng: random.Random) -> list:
    """Demo loader (see :mod:`sanxiang.core.demo_registry`): the demo cases, then a signed checkpoint over the log.

    Writes one ``demo.load.cases`` audit event with the counts (and any case that stopped early).
    """
    from sanxiang.records.checkpoints import make_checkpoint

    if not Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT, people__user__username="officer").exists():
        return []
    summary = _DemoCases(rng).run()
    audit.record(None, AUDIT_ACTION, object_type="cases", object_repr="演示数据：执法案件",
                 after={"counts": summary, "logins": []}, reason="sanxiang demo：加载演示案件")
    make_checkpoint()
    return []
