"""Large realistic case data (大批量模拟案件数据) for load tests and benchmarks: ``sanxiang gen-data``.

Cases of every flow with parties, officers and 3–15 step records each that follow the flows'
transition tables (``catalog.flows``), dated over the last two years in registration order, with
the case's current state (status, dates, decision, fine, nearest deadline) as the services would
leave it. Every step record has its own record-log entry, appended with
:func:`sanxiang.records.log.append_many` in the same transaction as the batch it belongs to, so
the Merkle log stays gapless and valid (``sanxiang verify``).

This bypasses the workflow engine on purpose (gates, documents and audit events are not run): it
writes what a busy county would have accumulated, fast — PostgreSQL ``COPY`` for the case tables,
``bulk_create`` on SQLite. It is for test and benchmark databases, never for real data.

The organisation registry is reused when present (the first ``agencies`` enforcement agencies);
without one the demo registry (``sanxiang.org.demo``) is created, and further agencies are added
when more are asked for. Case numbers continue each agency's counters, which are moved on at the end.
"""

from __future__ import annotations

import datetime
import functools
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.catalog import flows
from sanxiang.core.fakeids import make_id_number, make_uscc
from sanxiang.org.models import (
    Agency,
    CertificateStatus,
    Department,
    OfficerCertificate,
    Person,
    Region,
    Role,
    RoleAssignment,
    System,
)
from sanxiang.records import log
from sanxiang.records.models import LogEntry

from . import clocks, numbering
from .engine import ARCHIVE_STEP, CLOSING_STEPS, ENDING_STEPS
from .models import Case, CaseOfficer, CaseStatus, NumberCounter, Party, StepRecord
from .rules import params_for

__all__ = ["PATHS", "Stats", "generate"]

SPAN_DAYS = 730
MIN_RECORDS, MAX_RECORDS = 3, 15
ACTOR = "system:gen-data"

# Full paths through each flow (each consecutive pair is a transition of the flow; checked at import).
PATHS: dict[str, list[tuple[float, tuple[str, ...]]]] = {
    "penalty": [
        (0.34, ("register", "file", "investigate", "conclude", "prior_notice", "statement", "decide", "penalty_decision",
                "deliver", "execute", "close", "archive")),
        (0.12, ("register", "file", "investigate", "conclude", "legal_review", "prior_notice", "statement",
                "hearing_notice", "hearing", "decide", "penalty_decision", "deliver", "execute", "close", "archive")),
        (0.10, ("register", "file", "investigate", "preserve", "preserve_decision", "investigate", "conclude",
                "prior_notice", "statement", "decide", "penalty_decision", "deliver", "execute", "close")),
        (0.08, ("register", "file", "investigate", "conclude", "prior_notice", "statement", "collective_discussion",
                "decide", "penalty_decision", "deliver", "execute", "close", "archive")),
        (0.12, ("register", "file", "investigate", "conclude", "decide", "no_penalty_decision", "deliver", "close",
                "archive")),
        (0.06, ("register", "file", "investigate", "conclude", "decide", "withdraw_case", "close", "archive")),
        (0.03, ("register", "file", "investigate", "conclude", "decide", "transfer", "close")),
        (0.05, ("register", "not_filed")),
        (0.10, ("register", "file", "investigate", "conclude", "prior_notice", "statement", "decide", "penalty_decision",
                "deliver", "close", "archive")),
    ],
    "penalty_simple": [
        (0.92, ("identify", "inform", "statement", "decide_on_spot", "hand_over", "file_record")),
        (0.08, ("identify", "inform", "statement", "to_general")),
    ],
    "coercion_measure": [
        (0.55, ("propose", "approve", "present", "notify_party", "inform", "hear", "record", "inventory", "decision",
                "custody", "dispose")),
        (0.25, ("propose", "present", "notify_party", "inform", "hear", "record", "inventory", "decision",
                "emergency_report", "custody", "extend", "custody", "release")),
        (0.15, ("propose", "approve", "present", "notify_party", "inform", "hear", "record", "inventory", "decision",
                "custody", "release")),
        (0.05, ("propose", "approve", "not_approved")),
    ],
    "coercion_execution": [
        (0.45, ("overdue", "surcharge", "demand", "statement", "execution_decision", "enforce", "close")),
        (0.30, ("overdue", "demand", "statement", "close")),
        (0.15, ("overdue", "demand", "statement", "apply_court", "close")),
        (0.10, ("overdue", "demand", "statement", "substitute_decision", "enforce", "close")),
    ],
    "inspection": [
        (0.55, ("task", "draw", "inspect", "result", "publish")),
        (0.30, ("task", "inspect", "result", "publish")),
        (0.15, ("task", "inspect", "result", "refer", "publish")),
    ],
    "license": [
        (0.62, ("apply", "accept", "examine", "grant", "deliver", "publish")),
        (0.15, ("apply", "correction", "accept", "examine", "grant", "deliver", "publish")),
        (0.10, ("apply", "accept", "examine", "deny", "deliver", "close")),
        (0.05, ("apply", "accept", "examine", "hearing_rights", "hearing_request", "grant", "deliver", "publish")),
        (0.08, ("apply", "reject")),
    ],
    **{key: [(1.0, ("register", "decide", "deliver"))]
       for key in ("levy", "requisition", "confirmation", "adjudication", "payment", "reward", "other")},
}

# Flow mix (weights), by the agency's system: what a county's enforcement looks like.
FLOW_MIX = {
    "penalty": 30, "penalty_simple": 18, "inspection": 26, "license": 12, "coercion_measure": 5,
    "coercion_execution": 3, "levy": 1, "requisition": 0.3, "confirmation": 2, "adjudication": 0.5, "payment": 0.7,
    "reward": 0.5, "other": 1,
}
NO_LICENSE = {System.COMPREHENSIVE, System.EMERGENCY}

# Mean days spent before reaching a step (exponential), and the chance to stall before it.
MEAN_GAP_DAYS = {
    "file": 4, "not_filed": 4, "investigate": 2, "preserve": 1, "preserve_decision": 3, "conclude": 18,
    "legal_review": 3, "prior_notice": 2, "statement": 4, "hearing_notice": 3, "hearing": 8,
    "collective_discussion": 5, "decide": 3, "penalty_decision": 1, "no_penalty_decision": 1, "withdraw_case": 1,
    "transfer": 1, "deliver": 2, "execute": 12, "close": 5, "archive": 14,
    "approve": 0.2, "not_approved": 0.2, "present": 0.5, "emergency_report": 0.5, "custody": 0.05, "extend": 25,
    "release": 20, "dispose": 22, "surcharge": 3, "demand": 5, "execution_decision": 12, "substitute_decision": 12,
    "enforce": 6, "apply_court": 14, "draw": 5, "inspect": 10, "result": 1, "refer": 2, "publish": 6,
    "correction": 2, "accept": 2, "reject": 2, "examine": 5, "hearing_rights": 2, "hearing_request": 4,
    "grant": 6, "deny": 6,
}
SAME_VISIT = {"notify_party", "inform", "hear", "record", "inventory", "decision"}  # minutes apart, on site
SIMPLE_FLOWS = {"levy", "requisition", "confirmation", "adjudication", "payment", "reward", "other"}
DECIDING = {
    "penalty_decision": Case.Decision.PENALTY, "no_penalty_decision": Case.Decision.NO_PENALTY,
    "withdraw_case": Case.Decision.WITHDRAW, "transfer": Case.Decision.TRANSFER, "decide_on_spot": Case.Decision.PENALTY,
    "grant": Case.Decision.GRANT, "deny": Case.Decision.DENY,
}
DELIVERING = {"deliver", "hand_over"}

TITLES = {
    System.MARKET: ("销售过期食品", "未取得食品经营许可从事食品经营活动", "销售不符合食品安全标准的食品", "虚假宣传",
                    "未明码标价", "使用未经检验的特种设备", "销售不合格电动自行车", "经营超过保质期的化妆品"),
    System.COMPREHENSIVE: ("占道经营", "擅自设置户外广告", "违法建设", "随意倾倒建筑垃圾", "餐饮油烟直排",
                           "损毁城市绿地"),
    System.ECOLOGY: ("超标排放水污染物", "未批先建", "违法排放大气污染物", "危险废物贮存不规范", "噪声污染扰民"),
    System.TRANSPORT: ("超限运输", "未取得道路运输经营许可从事道路运输", "货车非法改装", "客车超员"),
    System.HEALTH: ("未取得医疗机构执业许可证执业", "公共场所卫生不合格", "医疗废物处置不规范", "非医师行医"),
    System.EMERGENCY: ("未按规定开展安全生产教育培训", "安全设备未经常性维护", "未建立事故隐患排查治理制度",
                       "危险化学品储存不规范"),
}
LICENSE_TITLES = ("食品经营许可申请", "公共场所卫生许可申请", "道路运输经营许可申请", "排污许可申请", "特种设备使用登记")
INSPECTION_TITLES = ("年度双随机抽查", "投诉举报核查", "重点监管对象检查", "节前专项检查", "日常监督检查")
OTHER_TITLES = {"levy": "征收排污费", "requisition": "应急征用车辆", "confirmation": "工伤认定", "adjudication": "权属争议裁决",
                "payment": "最低生活保障金给付", "reward": "举报奖励", "other": "信用修复"}
SURNAMES = "林陈黄张吴王李郑刘杨蔡许谢何游罗曾叶苏庄江邱洪朱周徐翁魏钟余詹潘肖卢高范赖方彭施"
GIVEN = "伟强磊军勇杰涛斌超鹏辉峰毅坤彬航静丽敏燕芳娟婷颖霞琳萍洁志建国文明永俊家晓宏"
BRANDS = ("禾丰 鑫源 永兴 福源 嘉和 悦来 恒昌 隆盛 惠民 兴旺 万家 百顺 祥瑞 金溪 碧溪 翠峰 云岭 山海 绿源 家和 天成 "
          "鸿运 瑞丰").split()
TOWNS = ("城关镇", "溪口镇", "青岚镇", "石门乡", "桃源乡")
STREETS = ("府前路", "建设路", "人民路", "滨江东路", "交通路", "解放街", "新华街", "环城北路", "工业路", "车站路")
TRADES = ("食品有限公司", "餐饮管理有限公司", "贸易有限公司", "物流有限公司", "建材有限公司", "纸业有限公司", "机械制造有限公司")
SHOPS = ("小吃店", "便利店", "食品商行", "五金商行", "理发店", "诊所", "汽车修理厂")


def _check_paths() -> None:
    for key, options in PATHS.items():
        flow = flows.FLOWS[key]
        edges = flow.edges()
        for _, path in options:
            assert path[0] == flow.start, (key, path)
            for pair in zip(path, path[1:], strict=False):
                assert pair in edges, (key, pair)


_check_paths()


@dataclass
class Stats:
    cases: int = 0
    parties: int = 0
    officer_links: int = 0
    step_records: int = 0
    log_entries: int = 0
    seconds: float = 0.0
    by_status: dict = field(default_factory=lambda: defaultdict(int))
    by_flow: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


@dataclass
class Unit:
    """An agency as the generator uses it: its teams, officers (with a user, if any) and leader."""

    agency: Agency
    teams: list[int]
    officers: list[tuple[int, int | None, str]]  # (person id, user id, actor label)
    leader: tuple[int | None, str]
    params: object = None
    flows: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)


# --------------------------------------------------------------------------- the organisation


def _units(rng: random.Random, wanted: int | None) -> list[Unit]:
    agencies = list(Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT, is_active=True).order_by("pk"))
    if not agencies:
        from sanxiang.org.demo import load_demo_org

        load_demo_org(random.Random(f"{rng.random()}:org"))
        agencies = list(Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT, is_active=True).order_by("pk"))
    if wanted:
        for n in range(len(agencies), wanted):
            agencies.append(_extra_agency(rng, n))
        agencies = agencies[:wanted]
    units = []
    for agency in agencies:
        people = list(
            Person.objects.filter(agency=agency, is_active=True, roles__role=Role.OFFICER,
                                  certificates__status=CertificateStatus.VALID)
            .select_related("user").order_by("pk").distinct()
        )
        teams = list(Department.objects.filter(agency=agency, is_review_unit=False, people__in=people).order_by("pk")
                     .values_list("pk", flat=True).distinct())
        if len(people) < 2 or not teams:
            continue
        leader = Person.objects.filter(agency=agency, roles__role=Role.LEADER).select_related("user").first()
        unit = Unit(
            agency=agency, teams=teams,
            officers=[(p.pk, p.user_id, p.user.get_username() if p.user_id else p.name) for p in people],
            leader=(leader.user_id, leader.user.get_username() if leader and leader.user_id else
                    (leader.name if leader else ACTOR)) if leader else (None, ACTOR),
            params=params_for(agency),
        )
        for key, weight in FLOW_MIX.items():
            if key == "license" and agency.system in NO_LICENSE:
                continue
            unit.flows.append(key)
            unit.weights.append(weight)
        units.append(unit)
    if not units:
        raise RuntimeError("没有可用的执法主体（须有至少两名持有效执法证的执法人员）")
    return units


def _extra_agency(rng: random.Random, n: int) -> Agency:
    """One more enforcement agency with two teams of six certified officers, a leader and one login."""
    region = Region.objects.filter(level="county").order_by("pk").first()
    systems = [System.MARKET, System.COMPREHENSIVE, System.ECOLOGY, System.TRANSPORT, System.HEALTH, System.EMERGENCY]
    system = systems[n % len(systems)]
    code = region.code if region else "359721"
    agency = Agency.objects.create(
        name=f"模拟执法局{n + 1:03d}", short_name=f"模拟{n + 1:03d}局", uscc=make_uscc(rng, code), level="county",
        system=system, region=region, address=f"{TOWNS[0]}{rng.choice(STREETS)}{n + 1}号",
    )
    teams = [Department.objects.create(agency=agency, name=f"执法{i + 1}队") for i in range(2)]
    Department.objects.create(agency=agency, name="法规科", is_review_unit=True)
    today = timezone.localdate()
    password = make_password(None)
    user = get_user_model().objects.create(username=f"gen_officer{n + 1:03d}", password=password, first_name="模拟")
    leader_user = get_user_model().objects.create(username=f"gen_leader{n + 1:03d}", password=password)
    leader = Person.objects.create(agency=agency, name=f"{rng.choice(SURNAMES)}局长{n + 1}", user=leader_user,
                                   id_number=make_id_number(rng, code))
    RoleAssignment.objects.create(person=leader, role=Role.LEADER)
    for t, team in enumerate(teams):
        for i in range(6):
            person = Person.objects.create(
                agency=agency, department=team, name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                id_number=make_id_number(rng, code), user=user if (t, i) == (0, 0) else None,
            )
            RoleAssignment.objects.create(person=person, role=Role.OFFICER)
            OfficerCertificate.objects.create(
                person=person, number=f"GEN{n + 1:03d}{t}{i:02d}{rng.randrange(10**6):06d}", categories=[system],
                region=region, issued_on=today - datetime.timedelta(days=900), expires_on=today + datetime.timedelta(days=900),
            )
    return agency


# --------------------------------------------------------------------------- writing


class _Record:
    """A step record before it is written: what the clocks read (a model instance costs ten times more)."""

    __slots__ = ("action", "actor_id", "actor_label", "case_id", "data", "from_step", "id", "index", "occurred_at",
                 "recorded_at", "step")

    def __init__(self, **values):
        self.id = None
        for name, value in values.items():
            setattr(self, name, value)


def _table_fields(model):
    return [(f.attname, f.column, f.get_internal_type() == "JSONField") for f in model._meta.concrete_fields]


class _Writer:
    """Bulk writes: PostgreSQL COPY, or ``bulk_create`` elsewhere; ids reserved beforehand."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.fields = {m: _table_fields(m) for m in (Case, Party, CaseOfficer, StepRecord)}
        self.next_id = {}

    def reserve(self, model, count: int) -> list[int]:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                               [count])
                return [row[0] for row in cursor.fetchall()]
            if model not in self.next_id:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                self.next_id[model] = cursor.fetchone()[0] + 1
        first = self.next_id[model]
        self.next_id[model] = first + count
        return list(range(first, first + count))

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        if not self.postgres:
            model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
            return
        fields = [f for f in self.fields[model] if f[0] in rows[0]]  # columns left out take their defaults (ids)
        columns = ", ".join(connection.ops.quote_name(column) for _, column, _ in fields)
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row.get(name), ensure_ascii=False) if is_json else row.get(name)
                                for name, _, is_json in fields])


# --------------------------------------------------------------------------- one case


class _Generator:
    def __init__(self, rng: random.Random, units: list[Unit], now: datetime.datetime):
        self.rng = rng
        self.units = units
        self.now = now
        self.today = timezone.localdate(now)
        self.signatures = {key: flows.signature(key) for key in flows.FLOWS}
        self.counters: dict[tuple[int, str, int], int] = {}
        self.patterns: dict[tuple[int, str], str] = {}
        self.stats = Stats()

    def seq(self, agency: Agency, kind: str, year: int) -> int:
        key = (agency.pk, f"case:{kind}", year)
        if key not in self.counters:
            counter = NumberCounter.objects.filter(agency=agency, series=key[1], year=year).first()
            used = Case.objects.filter(agency=agency, kind=kind, year=year).aggregate(m=Max("seq"))["m"] or 0
            self.counters[key] = max(counter.last if counter else 0, used)
        self.counters[key] += 1
        return self.counters[key]

    def number(self, agency: Agency, kind: str, year: int, seq: int) -> str:
        key = (agency.pk, f"case:{kind}")
        if key not in self.patterns:
            self.patterns[key] = numbering._pattern(agency, key[1], numbering.DEFAULT_CASE_PATTERN)
        return numbering.format_number(self.patterns[key], agency=agency, word=numbering.CASE_WORDS.get(kind, "案"),
                                       year=year, seq=seq)

    def save_counters(self) -> None:
        for (agency_id, series, year), last in self.counters.items():
            updated = NumberCounter.objects.filter(agency_id=agency_id, series=series, year=year, last__lt=last).update(
                last=last)
            if not updated and not NumberCounter.objects.filter(agency_id=agency_id, series=series, year=year).exists():
                NumberCounter.objects.create(agency_id=agency_id, series=series, year=year, last=last)

    # --- values ------------------------------------------------------------------------------
    def party(self, code: str) -> dict:
        rng = self.rng
        roll = rng.random()
        address = f"云岫县{rng.choice(TOWNS)}{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
        phone = f"1{rng.choice('3589')}{rng.randrange(10)}0000{rng.randrange(10000):04d}"
        if roll < 0.3:
            return {"party_type": "person", "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    "id_type": Party.IdType.ID_CARD, "id_number": make_id_number(rng, code), "legal_representative": "",
                    "representative_id_number": "", "address": address, "phone": phone, "is_minor": False}
        boss = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        if roll < 0.55:
            name = f"云岫县{rng.choice(TOWNS)}{rng.choice(BRANDS)}{rng.choice(SHOPS)}"
            return {"party_type": "individual_business", "name": name,
                    "id_type": Party.IdType.USCC, "id_number": make_uscc(rng, code, authority="9", kind="2"),
                    "legal_representative": boss, "representative_id_number": "", "address": address, "phone": phone,
                    "is_minor": False}
        return {"party_type": "organisation", "name": f"云岫县{rng.choice(BRANDS)}{rng.choice(TRADES)}",
                "id_type": Party.IdType.USCC, "id_number": make_uscc(rng, code, authority="9", kind="1"),
                "legal_representative": boss, "representative_id_number": "", "address": address, "phone": phone,
                "is_minor": False}

    def title(self, unit: Unit, flow_key: str) -> str:
        if flow_key in ("penalty", "penalty_simple", "coercion_measure", "coercion_execution"):
            return self.rng.choice(TITLES.get(unit.agency.system, TITLES[System.MARKET]))
        if flow_key == "inspection":
            return self.rng.choice(INSPECTION_TITLES)
        if flow_key == "license":
            return self.rng.choice(LICENSE_TITLES)
        return OTHER_TITLES[flow_key]

    def path(self, flow_key: str) -> tuple[str, ...]:
        options = PATHS[flow_key]
        return self.rng.choices([p for _, p in options], weights=[w for w, _ in options])[0]

    # --- a case ------------------------------------------------------------------------------
    def case(self, unit: Unit, case_id: int, registered_at: datetime.datetime, step_ids) -> tuple[dict, list, list, list]:
        rng = self.rng
        flow_key = rng.choices(unit.flows, weights=unit.weights)[0]
        flow = flows.FLOWS[flow_key]
        path = self.path(flow_key)
        agency = unit.agency
        code = agency.region.code if agency.region_id else "359721"
        year = timezone.localtime(registered_at).year
        seq = self.seq(agency, flow.act_kind, year)
        lead, assist = rng.sample(unit.officers, 2)
        parties = [self.party(code) for _ in range(2 if rng.random() < 0.08 else 1)]
        title = self.title(unit, flow_key)
        source = ("application" if flow_key in ("license",) or flow_key in SIMPLE_FLOWS else
                  "random" if path[:2] == ("task", "draw") else rng.choice(("inspection", "complaint", "referral",
                                                                            "inspection", "self_report")))
        act_date = (timezone.localtime(registered_at).date() - datetime.timedelta(days=rng.randrange(0, 40))
                    if flow.act_kind in ("penalty", "coercion") else None)
        case = {
            "id": case_id, "agency_id": agency.pk, "department_id": rng.choice(unit.teams), "kind": flow.act_kind,
            "flow_key": flow_key, "flow_signature": self.signatures[flow_key],
            "number": self.number(agency, flow.act_kind, year, seq), "year": year, "seq": seq, "title": title,
            "item_id": None, "item_code": "", "source": source, "parent_id": None, "current_step": flow.start,
            "status": CaseStatus.OPEN, "act_date": act_date, "harms_life_health_finance": rng.random() < 0.05,
            "registered_at": registered_at, "registered_by_id": lead[1], "filed_on": None, "decided_on": None,
            "delivered_on": None, "closed_on": None, "archived_on": None, "simple_procedure": flow_key == "penalty_simple",
            "decision": "", "penalty_kinds": [], "fine_amount": None, "confiscation_amount": None, "legal_basis": "",
            "facts": "", "complexity_flags": [], "review_flagged": False, "confidentiality": "", "deadline_on": None,
            "deadline_label": "", "deadline_state": "", "version": 0, "updated_at": registered_at,
        }
        party_rows = [{"case_id": case_id, "position": i, **p} for i, p in enumerate(parties)]
        officer_rows = [
            {"case_id": case_id, "person_id": lead[0], "role": CaseOfficer.Role.LEAD, "since": registered_at, "until": None},
            {"case_id": case_id, "person_id": assist[0], "role": CaseOfficer.Role.ASSIST, "since": registered_at,
             "until": None},
        ]
        # How far the case got: as far as time allows, unless it stalls on the way.
        stall_at = len(path)
        if rng.random() < 0.12 and len(path) > 2:
            stall_at = rng.randrange(1, len(path) - 1)
        moments = [registered_at]
        moment = registered_at
        for step in path[1:stall_at]:
            if flow_key == "penalty_simple" or step in SAME_VISIT:
                gap = datetime.timedelta(minutes=rng.randrange(3, 25))
            elif flow_key in SIMPLE_FLOWS:
                gap = datetime.timedelta(days=rng.expovariate(1 / 6), minutes=10)
            else:
                gap = datetime.timedelta(days=rng.expovariate(1 / MEAN_GAP_DAYS.get(step, 3)), minutes=10)
            moment = moment + gap
            if moment > self.now:
                break
            moments.append(moment)
        reached = path[:len(moments)]
        fine = None
        kinds: list[str] = []
        if flow.act_kind == "penalty":
            if flow_key == "penalty_simple":
                cap = 200 if parties[0]["party_type"] == "person" else 3000
                fine = Decimal(rng.choice((50, 100, 200, 500, 1000, 2000, 3000))).min(Decimal(cap))
                kinds = ["fine"] if rng.random() < 0.85 else ["warning"]
            else:
                fine = Decimal(rng.choice((2000, 5000, 10000, 20000, 50000, 100000, 150000)))
                kinds = ["warning", "fine"] if rng.random() < 0.3 else ["fine"]
                if rng.random() < 0.2:
                    kinds.append("confiscate_gains")
                    case["confiscation_amount"] = Decimal(rng.randrange(300, 20000))
            case["penalty_kinds"] = kinds
            case["fine_amount"] = fine if "fine" in kinds else None
            case["legal_basis"] = "《中华人民共和国行政处罚法》及相关法律、法规"
            case["facts"] = f"当事人涉嫌{title}。"
        officers = [lead[0], assist[0]]
        steps: list[_Record] = []
        for index, (step, at) in enumerate(zip(reached, moments, strict=True)):
            data = {"occurred_at": at.isoformat()}
            if index == 0:
                data.update({"title": title, "parties": [{k: v for k, v in p.items() if k != "is_minor"} for p in parties],
                             "officers": officers, "department": case["department_id"], "item_code": "",
                             "source": source, "act_date": act_date.isoformat() if act_date else None, "parent": ""})
            if flow.step(step).actor in ("officer",) and flow.step(step).av_activity:
                data["officers"] = officers
            if step in ("penalty_decision", "decide_on_spot"):
                data.update({"penalty_kinds": kinds, "fine_amount": str(case["fine_amount"]) if case["fine_amount"] else None})
            elif step in ("conclude", "investigate") and rng.random() < 0.5:
                data["note"] = "现场检查发现的情况已记录，相关证据已提取。"
            leader_step = flow.step(step).actor in ("leader", "leaders_collective")
            user_id, label = unit.leader if leader_step else (lead[1], lead[2])
            steps.append(_Record(
                case_id=case_id, index=index, action=StepRecord.Action.REGISTER if index == 0 else StepRecord.Action.TRANSITION,
                step=step, from_step=reached[index - 1] if index else "", data=data, occurred_at=at,
                recorded_at=min(at + datetime.timedelta(minutes=rng.randrange(1, 90)), self.now), actor_id=user_id,
                actor_label=label[:100],
            ))
            self.apply(case, flow, step, at)
        while len(steps) < MIN_RECORDS:
            at = min(moments[-1] + datetime.timedelta(hours=rng.randrange(1, 48)), self.now)
            moments.append(at)
            steps.append(_Record(
                case_id=case_id, index=len(steps), action=StepRecord.Action.NOTE, step=reached[-1], from_step=reached[-1],
                data={"text": rng.choice(("补充当事人联系方式。", "已电话告知当事人办理进度。", "补充提交材料已收到。"))},
                occurred_at=at, recorded_at=at, actor_id=lead[1], actor_label=lead[2][:100],
            ))
        case["version"] = len(steps) - 1
        case["updated_at"] = steps[-1].recorded_at
        if case["status"] == CaseStatus.OPEN:
            self.deadline(case, steps, unit)
        for record, pk in zip(steps, step_ids(len(steps)), strict=True):
            record.id = pk
        return case, party_rows, officer_rows, steps

    def apply(self, case: dict, flow, step: str, at: datetime.datetime) -> None:
        day = timezone.localtime(at).date()
        case["current_step"] = step
        if step == "file":
            case["filed_on"] = day
        if step in DECIDING or (flow.key in SIMPLE_FLOWS and step == "decide"):
            case["decided_on"] = day
            case["decision"] = DECIDING.get(step, Case.Decision.OTHER)
        if step in DELIVERING:
            case["delivered_on"] = day
        if step == ARCHIVE_STEP:
            case["status"] = CaseStatus.ARCHIVED
            case["archived_on"] = day
        elif step in ENDING_STEPS:
            case["status"] = CaseStatus.ENDED
        elif step in CLOSING_STEPS or step in flow.terminals:
            case["status"] = CaseStatus.CLOSED
            case["closed_on"] = case["closed_on"] or day

    def deadline(self, case: dict, steps: list[_Record], unit: Unit) -> None:
        shell = SimpleNamespace(agency_id=case["agency_id"], flow_key=case["flow_key"], current_step=case["current_step"],
                                status=case["status"], source=case["source"])
        try:
            found = clocks.nearest(clocks.deadlines(shell, steps, self.today, unit.params))
        except Exception:  # noqa: BLE001 — e.g. a holiday schedule missing for next year: no badge, as the services would
            found = None
        if found is not None:
            case["deadline_on"] = found.due
            case["deadline_label"] = found.label[:100]
            case["deadline_state"] = found.state


def _payload(case: dict, record: _Record) -> dict:
    return {
        "type": "case_step", "case": case["number"], "case_id": case["id"], "kind": case["kind"], "flow": case["flow_key"],
        "flow_signature": case["flow_signature"], "index": record.index, "action": record.action,
        "from": record.from_step, "step": record.step, "data": record.data, "occurred_at": record.occurred_at.isoformat(),
        "actor": record.actor_label, "reason": "", "corrects": None,
    }


class _cached_workdays:
    """Memoise ``add_working_days`` while generating: the same (start, n) pairs recur thousands of times."""

    def __enter__(self):
        self.original = clocks.add_working_days
        clocks.add_working_days = functools.lru_cache(maxsize=65536)(self.original)

    def __exit__(self, *exc):
        clocks.add_working_days = self.original


class _server_binding:
    """PostgreSQL: bind parameters on the server while generating (the log's array parameters of thousands of
    entries are then sent as they are, not quoted into the SQL text by the client — several times faster)."""

    def __enter__(self):
        self.saved = None
        if connection.vendor == "postgresql":
            from django.db.backends.postgresql.base import ServerBindingCursor

            connection.ensure_connection()
            self.saved = connection.connection.cursor_factory
            connection.connection.cursor_factory = ServerBindingCursor

    def __exit__(self, *exc):
        if self.saved is not None and connection.connection is not None:
            connection.connection.cursor_factory = self.saved


def generate(cases: int, *, agencies: int | None = None, seed: int = 1, batch: int = 10000, progress=None) -> Stats:
    """Generate ``cases`` cases (see the module docstring); ``progress(done, total, seconds)`` after each batch.

    Must run outside a transaction: each batch commits on its own (cases, parties, officers, step
    records and their log entries together).
    """
    if connection.in_atomic_block:
        raise RuntimeError("gen-data commits batch by batch; call it outside a transaction")
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        units = _units(rng, agencies)
    now = timezone.now().replace(microsecond=0)
    generator = _Generator(rng, units, now)
    writer = _Writer()
    stats = generator.stats
    start = now - datetime.timedelta(days=SPAN_DAYS)
    done = 0
    with _cached_workdays(), _server_binding():
        while done < cases:
            size = min(batch, cases - done)
            with transaction.atomic():
                case_ids = writer.reserve(Case, size)
                pool: list[int] = writer.reserve(StepRecord, size * 8)

                def step_ids(n, pool=pool, size=size):
                    if len(pool) < n:
                        pool.extend(writer.reserve(StepRecord, max(n, size)))
                    taken = pool[:n]
                    del pool[:n]
                    return taken

                case_rows, party_rows, officer_rows, records = [], [], [], []
                for i, case_id in enumerate(case_ids):
                    # Registration times increase with i (so numbers follow dates); more cases lately.
                    u = (done + i + rng.random()) / cases
                    age = datetime.timedelta(days=SPAN_DAYS * (1 - u) ** 1.6)
                    registered_at = min(start + (datetime.timedelta(days=SPAN_DAYS) - age), now)
                    unit = units[(done + i) % len(units)] if rng.random() < 0.5 else rng.choice(units)
                    case, parties, officers, steps = generator.case(unit, case_id, registered_at, step_ids)
                    case_rows.append(case)
                    party_rows += parties
                    officer_rows += officers
                    records += [(case, r) for r in steps]
                    stats.by_status[case["status"]] += 1
                    stats.by_flow[case["flow_key"]] += 1
                agencies_by_id = {u.agency.pk: u.agency for u in units}
                primaries = {row["case_id"]: row for row in party_rows if row["position"] == 0}
                entries = log.append_many(
                    ({"kind": LogEntry.Kind.CASE_EVENT, "payload": _payload(case, r),
                      "agency": agencies_by_id[case["agency_id"]], "case_ref": case["number"],
                      "target_id": _target(case, primaries), "at": r.recorded_at} for case, r in records),
                    batch_size=5000)
                step_rows = []
                for (_case, record), entry in zip(records, entries, strict=True):
                    step_rows.append({
                        "id": record.id, "case_id": record.case_id, "index": record.index, "action": record.action,
                        "step": record.step, "from_step": record.from_step, "data": record.data,
                        "occurred_at": record.occurred_at, "recorded_at": record.recorded_at, "actor_id": record.actor_id,
                        "actor_label": record.actor_label, "log_seq": entry.seq, "corrects_id": None, "reason": "",
                    })
                writer.write(Case, case_rows)
                writer.write(Party, party_rows)
                writer.write(CaseOfficer, officer_rows)
                writer.write(StepRecord, step_rows)
                stats.cases += size
                stats.parties += len(party_rows)
                stats.officer_links += len(officer_rows)
                stats.step_records += len(step_rows)
                stats.log_entries += len(entries)
                generator.save_counters()
            done += size
            if progress is not None:
                progress(done, cases, time.perf_counter() - started)
    if writer.postgres:
        with connection.cursor() as cursor:
            for model in (Case, Party, CaseOfficer, StepRecord):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    stats.seconds = time.perf_counter() - started
    return stats


def _target(case: dict, primaries: dict[int, dict]) -> str:
    party = primaries.get(case["id"])
    return party["id_number"] if party and len(party["id_number"]) <= 18 else ""
