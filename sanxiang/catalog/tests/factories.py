"""Test data for the catalogs: a small statute library, content of every kind, and extra staff roles.

The real library is loaded by ``sanxiang statutes load``; tests build just what they cite here.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from sanxiang.catalog.models import Provision, Statute
from sanxiang.org.models import Role
from sanxiang.org.testing import make_person

PENALTY_LAW = "中华人民共和国行政处罚法"
FOOD_LAW = "中华人民共和国食品安全法"
LICENSING_LAW = "中华人民共和国行政许可法"


def make_library() -> dict[str, Provision]:
    """A few statutes and provisions, keyed by a short name."""
    xzcf, _ = Statute.objects.get_or_create(title=PENALTY_LAW, defaults={
        "short_title": "行政处罚法", "level": Statute.Level.LAW, "issuer": "全国人民代表大会常务委员会",
        "effective_from": datetime.date(2021, 7, 15)})
    food, _ = Statute.objects.get_or_create(title=FOOD_LAW, defaults={
        "short_title": "食品安全法", "level": Statute.Level.LAW, "effective_from": datetime.date(2015, 10, 1)})
    lic, _ = Statute.objects.get_or_create(title=LICENSING_LAW, defaults={
        "short_title": "行政许可法", "level": Statute.Level.LAW, "effective_from": datetime.date(2004, 7, 1)})
    old, _ = Statute.objects.get_or_create(title="已废止的样例条例", defaults={
        "level": Statute.Level.LOCAL_REGULATION, "repealed_on": datetime.date(2020, 1, 1)})

    def provision(statute, article, paragraph=0, item=0, text="条文", person=None, org=None):
        p, _ = Provision.objects.get_or_create(statute=statute, article=article, paragraph=paragraph, item=item,
                                               defaults={"text": text, "max_fine_person": person, "max_fine_org": org})
        return p

    return {
        "xzcf9": provision(xzcf, 9, text="行政处罚的种类：（一）警告、通报批评；……"),
        "xzcf42": provision(xzcf, 42, 1, text="行政处罚应当由具有行政执法资格的执法人员实施。执法人员不得少于两人……"),
        "food122": provision(food, 122, 1, text="违反本法规定，未取得食品生产经营许可从事食品生产经营活动……",
                             person=Decimal("100000"), org=Decimal("200000")),
        "food126": provision(food, 126, 1, 3, text="（三）食品生产经营者未按规定建立并遵守进货查验记录……",
                             person=Decimal("50000"), org=Decimal("50000")),
        "food87": provision(food, 87, text="县级以上人民政府食品安全监督管理部门应当对食品进行定期或者不定期的抽样检验……"),
        "food35": provision(food, 35, 1, text="国家对食品生产经营实行许可制度。"),
        "lic12": provision(lic, 12, text="下列事项可以设定行政许可：……"),
        "old1": provision(old, 1, text="已废止的条文"),
    }


def item_content(lib: dict, **overrides) -> dict:
    """A penalty item with a discretion benchmark, citing 食品安全法第一百二十二条第一款."""
    content = {
        "name": "对未取得食品经营许可从事食品经营活动的行政处罚",
        "act_kind": "penalty",
        "level": ["county"],
        "basis": [{"provision_id": lib["food122"].pk, "role": "处罚依据"},
                  {"statute": PENALTY_LAW, "article": 9, "role": "设定依据"}],
        "procedure": "立案—调查取证—告知—决定—送达—执行",
        "time_limit": "立案之日起九十日内作出处理决定",
        "legal_time_limit_days": 90,
        "fees": "不收费",
        "remedy": "行政复议或者行政诉讼",
        "sector": "食品安全",
        "benchmark": {
            "tiers": [
                {"severity": "minor", "circumstances": "货值金额不足一万元，初次违法", "penalty_kinds": ["fine"],
                 "person_fine_min": "50000", "person_fine_max": "60000", "org_fine_min": "50000",
                 "org_fine_max": "80000", "note": ""},
                {"severity": "grave", "circumstances": "货值金额一万元以上", "penalty_kinds": ["fine", "confiscate_gains"],
                 "person_fine_min": "80000", "person_fine_max": "100000", "org_fine_min": "150000",
                 "org_fine_max": "200000"},
            ],
            "no_penalty_conditions": "违法行为轻微并及时改正，没有造成危害后果的",
            "lighter_conditions": "主动消除或者减轻违法行为危害后果的",
            "mitigated_conditions": "",
        },
    }
    content.update(overrides)
    return content


def license_item_content(lib: dict, **overrides) -> dict:
    content = {"name": "食品经营许可", "act_kind": "license", "level": ["county"],
               "basis": [{"provision_id": lib["food35"].pk, "role": "设定依据"}], "time_limit": "二十个工作日"}
    content.update(overrides)
    return content


def inspection_item_content(lib: dict, **overrides) -> dict:
    content = {"name": "食品经营者经营行为检查", "subject": "县市场监督管理局", "basis": [{"provision_id": lib["food87"].pk}],
               "object": "辖区内食品经营者", "object_tags": ["食品经营"], "content": "经营许可、进货查验、贮存条件",
               "ratio_percent": "5", "method": "现场检查", "frequency": "每年一次", "inspectors_per_object": 2}
    content.update(overrides)
    return content


def plan_content(item_code: str, **overrides) -> dict:
    content = {"year": 2026, "name": "2026年度双随机抽查工作计划", "tasks": [
        {"item_code": item_code, "title": "食品经营者专项抽查", "ratio_percent": "5.00", "start": "2026-04-01",
         "end": "2026-06-30", "department": "执法一队"}]}
    content.update(overrides)
    return content


def guide_content(lib: dict, item_code: str, **overrides) -> dict:
    content = {
        "item_code": item_code, "name": "食品经营许可", "basis": [{"provision_id": lib["food35"].pk, "role": "设定依据"}],
        "accepting_body": "县政务服务中心市场监管窗口", "approving_body": "县市场监督管理局",
        "conditions": "有与经营的食品品种、数量相适应的经营场所……", "preferential_policies": "",
        "materials": [{"name": "食品经营许可申请书", "form": "原件", "copies": 1, "note": ""}],
        "process": "申请—受理—审查—决定", "time_limit": "二十个工作日", "fees": "不收费",
        "supervision": "12315", "accountability": "", "office_hours": "工作日 9:00—17:00", "address": "县政务服务中心二楼",
        "phone": "0591-12345678",
    }
    content.update(overrides)
    return content


def review_catalog_content(**overrides) -> dict:
    content = {"domain": "市场监管", "review_all_non_simple": False, "rules": [
        {"code": "R1", "description": "对单位处十万元以上、对个人处一万元以上罚款的", "act_kinds": ["penalty"],
         "penalty_kinds": ["fine"], "min_fine_person": "10000", "min_fine_org": "100000"},
        {"code": "R2", "description": "吊销许可证件的", "penalty_kinds": ["revoke_license"]},
        {"code": "R3", "description": "经过听证程序作出决定的", "hearing_held": True},
    ]}
    content.update(overrides)
    return content


def av_list_content(**overrides) -> dict:
    content = {"rows": [
        {"activity": "seizure", "name": "查封扣押财产", "requirement": "full", "basis": "《行政强制法》"},
        {"activity": "on_site_inspection", "name": "现场检查", "requirement": "as_needed", "basis": ""},
    ]}
    content.update(overrides)
    return content


def add_staff(cast, username: str, name: str, roles, *, department=None, agency=None):
    """Another member of agency A (by default) with the given roles."""
    rng = random.Random(username)
    return make_person(agency or cast.agency_a, department, username, name, list(roles), rng=rng,
                       region=cast.region if Role.SUPERVISOR in roles else None)
