"""Demo data of the organisation registry (演示数据): a fictional county, its agencies and their people.

Everything is generated from the random generator passed in, so one seed gives the same county,
names, identifiers and certificate numbers on every run; only dates follow today (certificates
expire relative to the day of loading). Identifiers carry real check characters
(:mod:`sanxiang.core.fakeids`) but belong to nobody: the county and its city do not exist.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history

from sanxiang.core import audit
from sanxiang.core.demo_registry import AUDIT_ACTION, DEMO_PASSWORD, DemoLogin
from sanxiang.core.fakeids import make_id_number, make_uscc
from sanxiang.core.identifiers import birth_date

from .models import (
    Agency,
    CertificateStatus,
    Department,
    LegalQualification,
    Level,
    OfficerCertificate,
    Person,
    Region,
    Role,
    RoleAssignment,
    System,
    TrainingRecord,
)

# --- The fictional county ---------------------------------------------------------------------
# The province is real (福建省, 350000) because identifier checks accept only real province codes.
# The city 云澜市 (359700) and the county 云岫县 (359721) are fictional: GB/T 2260 has no 3597xx
# division codes (Fujian's cities are 3501xx–3509xx), and no real county is called 云岫县.
PROVINCE_CODE, PROVINCE = "350000", "福建省"
CITY_CODE, CITY = "359700", "云澜市"
COUNTY_CODE, COUNTY = "359721", "云岫县"
COUNTY_GOVERNMENT = f"{COUNTY}人民政府"
CITY_GOVERNMENT = f"{CITY}人民政府"
# Telephone area code of the fictional city: Fujian's real ones are 0591–0599.
AREA_CODE = "0590"
CERTIFICATE_ISSUER = COUNTY_GOVERNMENT
CERTIFICATE_YEARS = 5
LAW_FIRM = "云岫正衡律师事务所"  # fictional

ORGANIC_LAW = "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》"

SURNAMES = (
    "林陈黄张吴王李郑刘杨蔡许谢何游罗曾叶苏庄江邱洪朱周徐翁魏钟余詹潘肖卢高范赖方彭施"
    "傅沈郭宋唐韩冯邓曹田董袁蒋杜程姚陆孙胡"
)
GIVEN = {
    "M": {
        "single": "伟强磊军勇杰涛斌超鹏辉峰毅坤彬航",
        "first": "志建国文明永俊家晓宏伟鹏子振庆德荣海天金",
        "second": "强军华斌杰辉涛峰勇刚波鑫宇航凯龙东平林彬",
    },
    "F": {
        "single": "静丽敏燕芳娟婷颖霞琳萍洁",
        "first": "秀丽晓雅淑美春玉思欣佳慧婷雪梦静艳红佩诗",
        "second": "英芳娟敏燕玲琳婷颖娜萍霞倩璐洁怡琪雯蓉岚",
    },
}
MEMBER_POSITIONS = ("一级科员", "二级科员", "四级主任科员", "三级主任科员", "执法队员", "执法队员")


@dataclass(frozen=True)
class AgencySpec:
    name: str
    short_name: str
    system: str
    cert_code: str  # two digits of the enforcement system in certificate numbers
    teams: tuple[tuple[str, int], ...]  # enforcement teams and how many officers each has, head included
    duties: str
    legal_basis: str
    address: str
    sector_training: str
    sector_trainer: str
    review_body: str = COUNTY_GOVERNMENT  # 行政复议机关


AGENCIES = (
    AgencySpec(
        name=f"{COUNTY}市场监督管理局", short_name="县市场监管局", system=System.MARKET, cert_code="01",
        teams=(("执法稽查一队", 5), ("执法稽查二队", 5)),
        duties=(
            "负责全县市场综合监督管理，统一登记市场主体并建立信息公示和共享机制；负责食品安全、"
            "药品（零售、使用环节）、医疗器械、化妆品、特种设备和工业产品质量安全监督管理；负责价格"
            "监督检查、反不正当竞争、计量、标准化、认证认可监督管理；依法查处市场监管领域违法行为。"
        ),
        legal_basis=(
            f"{ORGANIC_LAW}；《中华人民共和国行政处罚法》；《中华人民共和国食品安全法》；"
            "《中华人民共和国产品质量法》；《中华人民共和国药品管理法》；《中华人民共和国特种设备安全法》；"
            "《中华人民共和国反不正当竞争法》；《中华人民共和国价格法》；"
            f"《{COUNTY}市场监督管理局职能配置、内设机构和人员编制规定》。"
        ),
        address=f"{COUNTY}城关镇府前路18号",
        sector_training="市场监管综合执法业务培训", sector_trainer=f"{CITY}市场监督管理局",
    ),
    AgencySpec(
        name=f"{COUNTY}综合行政执法局", short_name="县综合执法局", system=System.COMPREHENSIVE, cert_code="02",
        teams=(("执法一中队", 5), ("执法二中队", 5)),
        duties=(
            "集中行使城市管理领域法律、法规、规章规定的行政处罚权及相关的行政检查、行政强制权，"
            "包括市容环境卫生、园林绿化、违法建设、市政公用、户外广告和住房城乡建设领域的部分行政处罚权；"
            "指导乡镇综合行政执法工作。"
        ),
        legal_basis=(
            f"{ORGANIC_LAW}；《中华人民共和国行政处罚法》第十八条（综合行政执法和相对集中行政处罚权）；"
            "《中华人民共和国城乡规划法》；《城市市容和环境卫生管理条例》；《城市绿化条例》；"
            f"经{PROVINCE}人民政府批准的{COUNTY}相对集中行政处罚权实施方案。"
        ),
        address=f"{COUNTY}城关镇建设路66号",
        sector_training="城市管理综合执法规范化培训", sector_trainer=f"{CITY}城市管理局",
    ),
    AgencySpec(
        # After the vertical reform a county's ecology bureau is a branch of the city bureau, named
        # like this; its 行政复议机关 is therefore the city government.
        name=f"{CITY}{COUNTY[:-1]}生态环境局", short_name="云岫生态环境局", system=System.ECOLOGY, cert_code="03",
        teams=(("生态环境保护综合执法大队", 7),),
        duties=(
            "负责辖区生态环境监督管理；监督管理大气、水、土壤、噪声、固体废物和化学品等污染防治；"
            "按权限审批建设项目环境影响评价文件，办理排污许可；统一负责生态环境执法，查处生态环境违法行为。"
        ),
        legal_basis=(
            f"{ORGANIC_LAW}；《中华人民共和国环境保护法》；《中华人民共和国大气污染防治法》；"
            "《中华人民共和国水污染防治法》；《中华人民共和国固体废物污染环境防治法》；"
            "《中华人民共和国环境影响评价法》；《排污许可管理条例》。"
        ),
        address=f"{COUNTY}城关镇滨江东路9号",
        sector_training="生态环境执法大练兵专题培训", sector_trainer=f"{CITY}生态环境局",
        review_body=CITY_GOVERNMENT,
    ),
    AgencySpec(
        name=f"{COUNTY}交通运输局", short_name="县交通运输局", system=System.TRANSPORT, cert_code="04",
        teams=(("交通运输综合执法大队", 7),),
        duties=(
            "负责全县公路、水路交通运输行业管理；负责道路运输、公路路政、水路运输和交通工程质量安全"
            "监督等领域的行政执法，具体由交通运输综合执法大队实施。"
        ),
        legal_basis=(
            f"{ORGANIC_LAW}；《中华人民共和国公路法》；《中华人民共和国道路运输条例》；"
            "《公路安全保护条例》；《中华人民共和国安全生产法》。"
        ),
        address=f"{COUNTY}城关镇交通路2号",
        sector_training="交通运输综合执法业务培训", sector_trainer=f"{CITY}交通运输局",
    ),
    AgencySpec(
        name=f"{COUNTY}卫生健康局", short_name="县卫生健康局", system=System.HEALTH, cert_code="05",
        teams=(("卫生健康综合监督执法队", 6),),
        duties=(
            "负责全县医疗卫生、公共卫生、职业卫生、放射卫生、学校卫生和传染病防治的监督管理；"
            "负责医疗机构和医务人员执业活动的监督检查；依法查处卫生健康领域违法行为。"
        ),
        legal_basis=(
            f"{ORGANIC_LAW}；《中华人民共和国基本医疗卫生与健康促进法》；《中华人民共和国传染病防治法》；"
            "《中华人民共和国医师法》；《中华人民共和国职业病防治法》；《医疗机构管理条例》；"
            "《公共场所卫生管理条例》。"
        ),
        address=f"{COUNTY}城关镇人民路101号",
        sector_training="卫生健康监督执法业务培训", sector_trainer=f"{CITY}卫生健康委员会",
    ),
    AgencySpec(
        name=f"{COUNTY}应急管理局", short_name="县应急管理局", system=System.EMERGENCY, cert_code="06",
        teams=(("应急管理综合行政执法大队", 6),),
        duties=(
            "负责全县应急管理和安全生产综合监督管理；依法对工矿商贸生产经营单位安全生产实施监督检查，"
            "负责危险化学品安全监督管理；组织指导防灾减灾救灾工作；依法查处安全生产违法行为。"
        ),
        legal_basis=(
            f"{ORGANIC_LAW}；《中华人民共和国安全生产法》；《中华人民共和国突发事件应对法》；"
            "《危险化学品安全管理条例》；《生产安全事故报告和调查处理条例》；《生产安全事故应急条例》。"
        ),
        address=f"{COUNTY}城关镇府前路20号",
        sector_training="安全生产执法检查业务培训", sector_trainer=f"{CITY}应急管理局",
    ),
)

JUSTICE_BUREAU = AgencySpec(
    name=f"{COUNTY}司法局", short_name="县司法局", system=System.JUSTICE, cert_code="00", teams=(),
    duties=(
        "承担全县行政执法协调监督工作，推行行政执法公示、执法全过程记录、重大执法决定法制审核制度；"
        "负责行政执法人员资格审查和行政执法证件管理；承办县人民政府行政复议、行政应诉工作；"
        "统筹全县公共法律服务体系建设，管理法律顾问和公职律师工作。"
    ),
    legal_basis=(
        f"{ORGANIC_LAW}；《中华人民共和国行政处罚法》；《中华人民共和国行政复议法》；"
        "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》"
        "（国办发〔2018〕118号）。"
    ),
    address=f"{COUNTY}城关镇府前路16号",
    sector_training="", sector_trainer="",
)
SUPERVISION_UNIT = "行政执法协调监督科"
# The logins, one per role, in the order the table prints them.
LOGIN_ROLES = {
    "officer": Role.OFFICER,
    "dept_head": Role.DEPARTMENT_HEAD,
    "leader": Role.LEADER,
    "reviewer": Role.REVIEWER,
    "adviser": Role.ADVISER,
    "supervisor": Role.SUPERVISOR,
    "publisher": Role.PUBLISHER,
    "administrator": Role.ADMINISTRATOR,
}
LEGAL_SERVICE_UNIT = "公共法律服务管理科"
REVIEW_UNIT = "法规科"
OFFICE = "办公室"


@dataclass
class Plan:
    """A person to create, with what goes with them."""

    person: Person
    roles: list[str]
    login: str = ""
    certificate: str = ""  # "", "normal", "expiring", "revoked", "suspended", "renewed"
    qualification: str = ""  # "", "A", "legacy"
    trainings: list[tuple[str, str, int]] = field(default_factory=list)  # (title, provider, hours)
    failed_training: bool = False


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _DemoOrg:
    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.names: set[str] = set()
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()
        self.plans: list[Plan] = []
        self.certificate_serial = rng.randrange(120, 360)

    # --- generated values ---------------------------------------------------------------------
    def name(self, gender: str) -> str:
        parts = GIVEN[gender]
        while True:
            surname = self.rng.choice(SURNAMES)
            if self.rng.random() < 0.25:
                given = self.rng.choice(parts["single"])
            else:
                given = self.rng.choice(parts["first"]) + self.rng.choice(parts["second"])
            if given[0] != given[-1] or len(given) == 1:
                full = surname + given
                if full not in self.names:
                    self.names.add(full)
                    return full

    def id_number(self, gender: str, youngest: int = 24, oldest: int = 57) -> str:
        earliest = add_years(self.today, -oldest)
        latest = add_years(self.today, -youngest)
        while True:
            born = earliest + datetime.timedelta(days=self.rng.randrange((latest - earliest).days))
            number = make_id_number(self.rng, COUNTY_CODE, born=born, gender=gender)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def mobile(self) -> str:
        # 1xx-0000-nnnn: a block that reads as a placeholder, never a subscriber's number.
        while True:
            number = f"1{self.rng.choice('3589')}{self.rng.randrange(10)}0000{self.rng.randrange(10000):04d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def landline(self) -> str:
        return f"{AREA_CODE}-52{self.rng.randrange(10000, 100000)}"

    def certificate_number(self, spec_code: str) -> str:
        self.certificate_serial += self.rng.randrange(1, 6)
        return f"{COUNTY_CODE}{spec_code}{self.certificate_serial:05d}"

    def day_within(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(max((end - start).days, 1)))

    # --- people -------------------------------------------------------------------------------
    def plan(self, agency, department, position, roles, *, login="", female_share=0.4, **extra) -> Plan:
        gender = "F" if self.rng.random() < female_share else "M"
        person = Person(
            agency=agency, department=department, name=self.name(gender), gender=gender,
            id_number=self.id_number(gender, youngest=30 if Role.LEADER in roles else 24),
            position=position, phone=self.mobile(),
        )
        plan = Plan(person=person, roles=list(roles), login=login, **extra)
        self.plans.append(plan)
        return plan

    # --- the whole registry --------------------------------------------------------------------
    def run(self) -> list[DemoLogin]:
        province = Region.objects.create(code=PROVINCE_CODE, name=PROVINCE, level=Level.PROVINCE)
        city = Region.objects.create(code=CITY_CODE, name=CITY, level=Level.CITY, parent=province)
        self.county = Region.objects.create(code=COUNTY_CODE, name=COUNTY, level=Level.COUNTY, parent=city)

        bureau = self.agency(JUSTICE_BUREAU, Agency.Kind.JUSTICE_BUREAU)
        self.bureau_phone = bureau.phone
        agencies = [self.agency(spec, Agency.Kind.ENFORCEMENT) for spec in AGENCIES]

        departments = [Department(agency=bureau, name=n) for n in (SUPERVISION_UNIT, LEGAL_SERVICE_UNIT, OFFICE)]
        for agency, spec in zip(agencies, AGENCIES, strict=True):
            departments += [Department(agency=agency, name=team) for team, _ in spec.teams]
            departments.append(Department(agency=agency, name=REVIEW_UNIT, is_review_unit=True))
            departments.append(Department(agency=agency, name=OFFICE))
        Department.objects.bulk_create(departments)
        self.department_count = len(departments)
        units = {(d.agency_id, d.name): d for d in departments}

        self.plan_bureau(bureau, units)
        for index, (agency, spec) in enumerate(zip(agencies, AGENCIES, strict=True)):
            self.plan_agency(agency, spec, units, with_logins=index == 0)
        self.pick_certificate_cases()
        return self.save()

    def agency(self, spec: AgencySpec, kind: str) -> Agency:
        phone = self.landline()
        if kind == Agency.Kind.JUSTICE_BUREAU:
            supervision = (
                f"本机关依法接受{COUNTY}人民代表大会常务委员会、{COUNTY_GOVERNMENT}和{CITY}司法局的监督，"
                f"接受社会监督。行政执法监督投诉电话：{phone}（工作日）；12345政务服务便民热线；"
                f"来信请寄：{spec.address}。"
            )
        else:
            supervision = (
                f"本机关依法接受{COUNTY}人民代表大会常务委员会、{COUNTY_GOVERNMENT}和上级主管部门的监督，"
                f"接受{COUNTY}司法局的行政执法监督，接受社会监督。监督电话：{phone}（工作日）；"
                f"{COUNTY}司法局行政执法监督投诉电话：{self.bureau_phone}；12345政务服务便民热线；"
                f"来信请寄：{spec.address}。"
            )
        return Agency.objects.create(
            name=spec.name, short_name=spec.short_name, uscc=make_uscc(self.rng, COUNTY_CODE), kind=kind,
            level=Level.COUNTY, system=spec.system, region=self.county, duties=spec.duties,
            legal_basis=spec.legal_basis, address=spec.address, phone=phone,
            supervision_channel=supervision,
            remedy_channel=(
                "公民、法人或者其他组织认为本机关作出的行政行为侵犯其合法权益的，可以自知道或者应当知道"
                f"该行政行为之日起六十日内向{spec.review_body}申请行政复议；也可以自知道或者应当知道作出"
                "行政行为之日起六个月内依法向人民法院提起行政诉讼。法律另有规定的除外。"
            ),
        )

    def plan_bureau(self, bureau: Agency, units) -> None:
        supervision = units[(bureau.id, SUPERVISION_UNIT)]
        legal_service = units[(bureau.id, LEGAL_SERVICE_UNIT)]
        self.plan(bureau, None, "局长", [Role.LEADER])
        self.plan(bureau, supervision, f"{SUPERVISION_UNIT}科长", [Role.SUPERVISOR, Role.DEPARTMENT_HEAD],
                  login="supervisor", trainings=self.supervisor_trainings())
        for _ in range(2):
            self.plan(bureau, supervision, "一级科员", [Role.SUPERVISOR], trainings=self.supervisor_trainings())
        # A shared pool of public lawyers and retained lawyers that every agency may consult.
        self.plan(bureau, legal_service, "公职律师", [Role.ADVISER], login="adviser", qualification="A")
        self.plan(bureau, legal_service, "公职律师", [Role.ADVISER], qualification="A")
        self.plan(bureau, None, f"法律顾问（{LAW_FIRM}律师）", [Role.ADVISER], qualification="legacy")
        self.plan(bureau, None, f"法律顾问（{LAW_FIRM}律师）", [Role.ADVISER], qualification="A")

    def plan_agency(self, agency: Agency, spec: AgencySpec, units, *, with_logins: bool) -> None:
        def login(name):
            return name if with_logins else ""

        self.plan(agency, None, "局长", [Role.LEADER], login=login("leader"), female_share=0.2)
        first_member = True
        for team, size in spec.teams:
            unit = units[(agency.id, team)]
            head_title = "大队长" if team.endswith("大队") else "中队长" if team.endswith("中队") else "队长"
            self.plan(agency, unit, head_title, [Role.OFFICER, Role.DEPARTMENT_HEAD],
                      login=login("dept_head") if first_member else "", female_share=0.25,
                      certificate="normal", trainings=self.officer_trainings(spec))
            for _ in range(size - 1):
                self.plan(agency, unit, self.rng.choice(MEMBER_POSITIONS), [Role.OFFICER],
                          login=login("officer") if first_member else "", certificate="normal",
                          trainings=self.officer_trainings(spec))
                first_member = False
        review = units[(agency.id, REVIEW_UNIT)]
        reviewer_trainings = [("法制审核人员业务能力提升培训", f"{CITY}司法局", 24)]
        self.plan(agency, review, f"{REVIEW_UNIT}科长", [Role.REVIEWER, Role.DEPARTMENT_HEAD],
                  login=login("reviewer"), qualification="A", trainings=reviewer_trainings)
        self.plan(agency, review, "一级科员", [Role.REVIEWER], qualification="A", trainings=reviewer_trainings)
        office = units[(agency.id, OFFICE)]
        self.plan(agency, office, "办公室科员（信息公示员）", [Role.PUBLISHER], login=login("publisher"))
        self.plan(agency, office, "办公室科员（系统管理员）", [Role.ADMINISTRATOR], login=login("administrator"))

    def officer_trainings(self, spec: AgencySpec) -> list[tuple[str, str, int]]:
        trainings = [
            (f"{self.today.year - 1}年度行政执法人员公共法律知识培训", f"{COUNTY}司法局", 16),
            (spec.sector_training, spec.sector_trainer, self.rng.choice((8, 12, 24))),
        ]
        if self.rng.random() < 0.5:
            trainings.append(("行政执法“三项制度”专题培训", f"{COUNTY}司法局", 6))
        return trainings

    def supervisor_trainings(self) -> list[tuple[str, str, int]]:
        return [("行政执法监督业务培训", f"{PROVINCE}司法厅", 24)]

    def pick_certificate_cases(self) -> None:
        """Most certificates are valid; a few expire within 30 days, one is revoked, one suspended."""
        # Officers of 30 or more, whose certificates may date back a full term or more.
        thirty = add_years(self.today, -30)
        candidates = [
            p for p in self.plans
            if p.certificate and not p.login and p.roles == [Role.OFFICER] and birth_date(p.person.id_number) <= thirty
        ]
        picked = self.rng.sample(candidates, 8)
        for plan, case in zip(picked, ("expiring",) * 4 + ("revoked", "suspended", "renewed", "renewed"), strict=True):
            plan.certificate = case
        self.rng.choice([p for p in candidates if p not in picked]).failed_training = True

    # --- writing -------------------------------------------------------------------------------
    def save(self) -> list[DemoLogin]:
        User = get_user_model()
        # One demo password, hashed once: hashing is slow by design and every account shares it.
        password = make_password(DEMO_PASSWORD)
        users = {}
        for plan in self.plans:
            if plan.login:
                name = plan.person.name
                users[plan.login] = User(username=plan.login, password=password, last_name=name[0], first_name=name[1:])
        users["admin"] = User(username="admin", password=password, is_staff=True, is_superuser=True,
                              first_name="超级管理员")
        User.objects.bulk_create(users.values())
        for plan in self.plans:
            if plan.login:
                plan.person.user = users[plan.login]

        # bulk_create sets primary keys on SQLite and PostgreSQL, the two supported databases.
        bulk_create_with_history([p.person for p in self.plans], Person, default_change_reason="演示数据")

        roles, certificates, qualifications, trainings = [], [], [], []
        for plan in self.plans:
            person = plan.person
            granted = self.day_within(add_years(self.today, -6), add_years(self.today, -1))
            for role in plan.roles:
                roles.append(RoleAssignment(
                    person=person, role=role, granted_on=granted,
                    region=self.county if role == Role.SUPERVISOR else None,
                ))
            if plan.certificate:
                certificates += self.certificates(plan)
            if plan.qualification:
                qualifications.append(self.qualification(plan))
            for title, provider, hours in plan.trainings:
                trainings.append(TrainingRecord(
                    person=person, title=title, provider=provider, hours=Decimal(hours),
                    held_on=self.training_day(title),
                ))
            if plan.failed_training:
                trainings.append(TrainingRecord(
                    person=person, title="行政执法资格考试（补考前专题培训）", provider=f"{COUNTY}司法局",
                    hours=Decimal(8), held_on=self.day_within(add_years(self.today, -1), self.today), passed=False,
                ))
        RoleAssignment.objects.bulk_create(roles)
        bulk_create_with_history(certificates, OfficerCertificate, default_change_reason="演示数据")
        LegalQualification.objects.bulk_create(qualifications)
        TrainingRecord.objects.bulk_create(trainings)

        order = list(LOGIN_ROLES)
        with translation.override("zh-hans"):
            logins = [
                DemoLogin(plan.login, DEMO_PASSWORD, str(LOGIN_ROLES[plan.login].label), plan.person.name,
                          plan.person.agency.name)
                for plan in sorted((p for p in self.plans if p.login), key=lambda p: order.index(p.login))
            ]
        logins.append(DemoLogin("admin", DEMO_PASSWORD, "超级管理员（全部权限）", "—", "—"))

        soon = self.today + datetime.timedelta(days=30)
        counts = {
            "regions": 3,
            "agencies": 1 + len(AGENCIES),
            "departments": self.department_count,
            "people": len(self.plans),
            "officers": sum(1 for p in self.plans if Role.OFFICER in p.roles),
            "reviewers": sum(1 for p in self.plans if Role.REVIEWER in p.roles),
            "advisers": sum(1 for p in self.plans if Role.ADVISER in p.roles),
            "role_assignments": len(roles),
            "certificates": len(certificates),
            "certificates_expiring_within_30_days": sum(
                1 for c in certificates if c.status == CertificateStatus.VALID and self.today <= c.expires_on <= soon
            ),
            "certificates_revoked": sum(1 for c in certificates if c.status == CertificateStatus.REVOKED),
            "certificates_suspended": sum(1 for c in certificates if c.status == CertificateStatus.SUSPENDED),
            "legal_qualifications": len(qualifications),
            "training_records": len(trainings),
            "users": len(users),
        }
        audit.record(
            None, AUDIT_ACTION, object_type="org", object_repr=f"演示数据：{COUNTY}",
            after={"counts": counts, "logins": [row.public() for row in logins]},
            reason="sanxiang demo：加载演示数据",
        )
        return logins

    def certificates(self, plan: Plan) -> list[OfficerCertificate]:
        spec = next(s for s in AGENCIES if s.name == plan.person.agency.name)
        life = CERTIFICATE_YEARS
        case = plan.certificate
        if case == "expiring":
            expires = self.today + datetime.timedelta(days=self.rng.randrange(3, 29))
            issued = add_years(expires, -life)
        elif case == "renewed":
            issued = self.today - datetime.timedelta(days=self.rng.randrange(30, 400))
            expires = add_years(issued, life)
        else:
            # Valid for at least another 60 days, so only the "expiring" cases show in the 30-day warning.
            issued = self.today - datetime.timedelta(days=self.rng.randrange(30, 365 * life - 60))
            # Nobody holds a certificate before 22: younger officers got theirs later.
            issued = max(issued, add_years(birth_date(plan.person.id_number), 22))
            expires = add_years(issued, life)

        def make(number, issued_on, expires_on, status=CertificateStatus.VALID, reason=""):
            return OfficerCertificate(
                person=plan.person, number=number, categories=[spec.system], region=self.county,
                issued_on=issued_on, expires_on=expires_on, status=status, status_reason=reason,
                issuer=CERTIFICATE_ISSUER,
            )

        result = []
        if case == "renewed":
            old_issued = add_years(issued, -life)
            result.append(make(self.certificate_number(spec.cert_code), old_issued, issued - datetime.timedelta(days=1),
                               CertificateStatus.EXPIRED, "有效期届满，经年度审验合格换发新证。"))
        status, reason = CertificateStatus.VALID, ""
        if case == "revoked":
            day = self.today - datetime.timedelta(days=self.rng.randrange(20, 120))
            status = CertificateStatus.REVOKED
            reason = (
                f"持证人在执法活动中违反法定程序，造成严重后果，于{day.year}年{day.month}月{day.day}日受到政务处分；"
                f"经{COUNTY}司法局审核，依照行政执法证件管理规定吊销其行政执法证，收回证件。"
            )
        elif case == "suspended":
            day = self.today - datetime.timedelta(days=self.rng.randrange(5, 40))
            status = CertificateStatus.SUSPENDED
            reason = (
                f"持证人涉嫌违规执法，{day.year}年{day.month}月{day.day}日起接受调查；"
                "调查期间暂扣行政执法证，暂停其执法资格。"
            )
        result.append(make(self.certificate_number(spec.cert_code), issued, expires, status, reason))
        return result

    def qualification(self, plan: Plan) -> LegalQualification:
        # The number carries the exam year; the exam is held in the autumn, the certificate granted next spring.
        if plan.qualification == "legacy":  # 国家司法考试, held until 2017
            year = self.rng.randrange(2004, 2018)
            kind, number = LegalQualification.Kind.LEGACY, f"{year}{PROVINCE_CODE[:2]}{self.rng.randrange(10**7, 10**8)}"
        else:  # 国家统一法律职业资格考试, from 2018
            year = self.rng.randrange(2018, self.today.year - 1)
            kind, number = LegalQualification.Kind.A, f"A{year}{PROVINCE_CODE[:2]}{self.rng.randrange(10**7, 10**8)}"
        return LegalQualification(
            person=plan.person, certificate_number=number, kind=kind,
            obtained_on=datetime.date(year + 1, self.rng.choice((3, 4)), self.rng.randrange(1, 29)),
        )

    def training_day(self, title: str) -> datetime.date:
        if title.startswith(f"{self.today.year - 1}年度"):
            return datetime.date(self.today.year - 1, self.rng.randrange(3, 12), self.rng.randrange(1, 29))
        return self.day_within(self.today - datetime.timedelta(days=330), self.today - datetime.timedelta(days=1))


def load_demo_org(rng: random.Random) -> list[DemoLogin]:
    """Create the demo county's registry and one login per role; returns the logins table's rows.

    Writes one ``demo.load`` audit event with the counts of what was created.
    """
    with transaction.atomic():
        return _DemoOrg(rng, timezone.localdate()).run()
