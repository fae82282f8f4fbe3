"""Demo data of the catalogs (演示数据): the lists every enforcement agency of the fictional 云岫县 publishes.

:func:`load_demo_catalog` is the loader registered in :mod:`sanxiang.core.demo_registry`; it runs
after the organisation registry and the record store, inside the same transaction, and reads the
agencies and people they made. Everything goes through the catalog's own services, by the agency's
own people: the 信息公示员 (publisher) or a 科室负责人 (department head) drafts and submits, the
局长 (leader) approves and publishes; the double-random draw is announced and performed by the
agency's planners; error reports come in through the public service and are answered by the
publisher. Only the first agency (市场监管) has logins in the registry's table; for the other five
the loader gives their publisher and leader an account (``zhzf-publisher``, ``zhzf-leader`` …, same
demo password), so that each agency's lists are drafted and approved by its own people.

What it makes (counts in the ``demo.load.catalog`` audit event):

- the statute library (``sanxiang statutes load``), which every legal basis cites;
- for each of the six enforcement agencies: enforcement items (行政执法事项) across kinds with their
  legal basis, procedure, time limits, fees and remedies — every penalty item with a discretion
  benchmark (裁量基准) whose tiers stay within the cited provision's fine ceiling — the review
  catalog (法制审核目录清单, FZSH) and the AV recording list (音像记录事项清单, YXJL);
- service guides (服务指南) for every licensing item, document templates (执法文书样本) for two agencies;
- random inspection items (随机抽查事项) for four agencies, the market bureau's annual plan, a
  directory of market subjects (检查对象名录库), two conflict declarations, one drawn draw and one
  announced but not yet drawn;
- history: four entries have an older published version that was in force until today and a
  current one; a few drafts, one version returned for changes and one awaiting approval (none of
  them public); two public error reports, one answered.

History before the system: four entries were in force on paper before the system; their first
version is published with its real start date (two years ago, 1 March) through the approval
service's 补录 (``retroactive_reason``, allowed only for an entry's first version), and the current
version follows from today — so the public "in force on a date" view has something to show.

All content is generated deterministically from the random generator passed in (names, codes,
seeds); dates follow today.
"""

from __future__ import annotations

import datetime
import importlib
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.demo_registry import AUDIT_ACTION as REGISTRY_ACTION
from sanxiang.core.demo_registry import DEMO_PASSWORD, DemoLogin
from sanxiang.core.fakeids import make_uscc
from sanxiang.org import demo as org_demo
from sanxiang.org.models import Agency, Department, Person, Region, Role, System
from sanxiang.org.services import SystemActor, update_person

from . import inspections, services
from .kinds import parse_citation
from .models import Entry, ErrorReport, ListKind, MarketSubject, Provision, Version, VersionStatus
from .statutes import ensure_library

AUDIT_ACTION = f"{REGISTRY_ACTION}.catalog"
COUNTY = org_demo.COUNTY
COURT = f"{COUNTY}人民法院"
AREA = org_demo.AREA_CODE
SERVICE_CENTRE = f"{COUNTY}政务服务中心"
SERVICE_CENTRE_ADDRESS = f"{COUNTY}城关镇行政服务路1号"
SERVICE_CENTRE_PHONE = f"{AREA}-5231890"
OFFICE_HOURS = "星期一至星期五（法定节假日除外）上午8:00—12:00，下午14:30—17:30（6月至9月下午15:00—18:00）"

ITEM, INSPECTION_ITEM, PLAN, GUIDE = ListKind.ITEM, ListKind.INSPECTION_ITEM, ListKind.INSPECTION_PLAN, ListKind.GUIDE
TEMPLATE, REVIEW, AV = ListKind.TEMPLATE, ListKind.REVIEW_CATALOG, ListKind.AV_LIST

# Statutes by the short names used below (titles as in the library, sanxiang/catalog/data/statutes.json).
LAW = {
    "处罚法": "中华人民共和国行政处罚法",
    "强制法": "中华人民共和国行政强制法",
    "许可法": "中华人民共和国行政许可法",
    "食品安全法": "中华人民共和国食品安全法",
    "产品质量法": "中华人民共和国产品质量法",
    "安全生产法": "中华人民共和国安全生产法",
    "大气法": "中华人民共和国大气污染防治法",
    "市容条例": "城市市容和环境卫生管理条例",
    "运输条例": "中华人民共和国道路运输条例",
}
SET, IMPL, PUNISH = "设定依据", "实施依据", "处罚依据"


def ref(law: str, citation: str, role: str = "") -> dict:
    """A legal-basis reference to a provision of the library, by statute short name and citation."""
    return {"statute": LAW[law], "citation": citation, "role": role}


def money(amount: int | None) -> str | None:
    return None if amount is None else f"{amount}.00"


def tier(severity: str, circumstances: str, kinds, *, both=None, person=None, org=None, note: str = "") -> dict:
    """One discretion tier (裁量阶次); ``both`` gives the same fine range for persons and organisations."""
    person = person or both or (None, None)
    org = org or both or (None, None)
    return {
        "severity": severity, "circumstances": circumstances, "penalty_kinds": list(kinds),
        "person_fine_min": money(person[0]), "person_fine_max": money(person[1]),
        "org_fine_min": money(org[0]), "org_fine_max": money(org[1]), "note": note,
    }


NO_PENALTY = (
    "有下列情形之一的，不予行政处罚：（一）违法行为轻微并及时改正，没有造成危害后果的（《中华人民共和国行政处罚法》"
    "第三十三条第一款）；（二）当事人有证据足以证明没有主观过错的，法律、行政法规另有规定的从其规定（第三十三条第二款）；"
    "（三）违法行为在二年内未被发现的，涉及公民生命健康安全且有危害后果的期限为五年（第三十六条）；（四）不满十四周岁的"
    "未成年人，或者精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的（第三十条、第三十一条）。"
    "初次违法且危害后果轻微并及时改正的，可以不予行政处罚（首违不罚，第三十三条第一款）。"
    "依法不予行政处罚的，应当对当事人进行教育（第三十三条第三款），并制作不予行政处罚决定书。"
)
LIGHTER = (
    "有下列情形之一的，应当从轻或者减轻行政处罚（《中华人民共和国行政处罚法》第三十二条）：（一）主动消除或者减轻"
    "违法行为危害后果的；（二）受他人胁迫或者诱骗实施违法行为的；（三）主动供述行政机关尚未掌握的违法行为的；"
    "（四）配合行政机关查处违法行为有立功表现的；（五）法律、法规、规章规定其他应当从轻或者减轻行政处罚的。"
    "已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚（第三十条）。"
    "从轻处罚的，在所适用档次幅度的下限至中间值之间确定罚款数额。"
)
MITIGATED = (
    "具有前述应当从轻或者减轻处罚情形，且违法情节轻、危害后果小的，可以减轻处罚，即在法定最低罚款数额以下确定罚款数额，"
    "或者适用较轻的处罚种类。减轻处罚应当经法制审核，并由本机关负责人集体讨论决定。"
)


def benchmark(tiers: list[dict], *, no_penalty: str = "", lighter: str = "", mitigated: str = "") -> dict:
    return {
        "tiers": tiers,
        "no_penalty_conditions": NO_PENALTY + no_penalty,
        "lighter_conditions": LIGHTER + lighter,
        "mitigated_conditions": MITIGATED + mitigated,
    }


PENALTY_PROCEDURE = (
    "立案—调查取证（执法人员不少于两人，出示行政执法证件，依照音像记录事项清单进行音像记录）—案件审核（属于重大执法决定"
    "法制审核目录清单的，由法制审核人员进行法制审核；情节复杂或者重大违法行为，由本机关负责人集体讨论决定）—事先告知（告知"
    "拟作出的行政处罚内容及事实、理由、依据，以及陈述、申辩和依法要求听证的权利）—听取陈述、申辩或者组织听证—作出决定—"
    "送达（宣告后当场交付；当事人不在场的，七日内依法送达）—执行—结案归档。"
)
SIMPLE_PROCEDURE = (
    "违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的，可以适用简易程序，"
    "由执法人员当场作出行政处罚决定并报本机关备案（《中华人民共和国行政处罚法》第五十一条、第五十二条）。"
)
PENALTY_TIME = (
    "自立案之日起九十日内作出行政处罚决定（《中华人民共和国行政处罚法》第六十条）；案情复杂不能在期限内作出决定的，"
    "经本机关负责人批准，依照有关规定延长。"
)
COERCION_PROCEDURE = (
    "实施前向本机关负责人报告并经批准（情况紧急需要当场实施的，二十四小时内报告并补办批准手续）—由两名以上行政执法人员"
    "实施，出示执法证件—通知当事人到场（不到场的邀请见证人到场）—当场告知采取行政强制措施的理由、依据以及当事人依法享有"
    "的权利、救济途径—听取陈述和申辩—制作现场笔录，由当事人和执法人员签名或者盖章—制作并当场交付查封、扣押决定书和清单"
    "—妥善保管—在期限内查清事实，作出没收、销毁或者解除查封、扣押的处理决定。全过程进行音像记录。"
)
COERCION_TIME = (
    "查封、扣押的期限不得超过三十日；情况复杂的，经本机关负责人批准可以延长，但延长期限不得超过三十日（《中华人民共和国"
    "行政强制法》第二十五条）。检测、检验、检疫或者技术鉴定的期间不计入，并书面告知当事人。"
)
INSPECTION_PROCEDURE = (
    "制定检查计划或者通过双随机抽取确定检查对象和检查人员—两名以上执法人员实施检查，出示执法证件—现场检查、查阅复制有关"
    "资料、询问有关人员—制作现场检查笔录，由被检查人签字确认—告知检查结果，发现问题的责令改正—发现违法行为的依法立案查处"
    "或者移送有关部门—随机抽查结果依法向社会公示。"
)
INSPECTION_TIME = "现场检查一般当日完成；随机抽查结果自检查结束之日起二十个工作日内通过公示平台向社会公示。"
LICENSE_FEES = "不收费（《中华人民共和国行政许可法》第五十八条）。"
NO_FEES = "不收费。"


@dataclass
class Staff:
    """The people of one enforcement agency the loader works with, and the agency's departments."""

    agency: Agency
    spec: org_demo.AgencySpec
    slug: str
    publisher: object  # users
    leader: object
    head: object | None  # the first team's head, where that person has a login
    teams: list[Department] = field(default_factory=list)
    review_unit: Department | None = None
    office: Department | None = None

    @property
    def review_body(self) -> str:
        return self.spec.review_body

    def remedy(self, act: str = "行政行为") -> str:
        return (
            f"对本机关作出的{act}不服的，可以自知道或者应当知道该行政行为之日起六十日内向{self.review_body}申请行政复议；"
            f"也可以自知道或者应当知道作出行政行为之日起六个月内依法向{COURT}提起行政诉讼。法律另有规定的除外。"
        )

    def team(self, index: int = 0) -> Department:
        return self.teams[min(index, len(self.teams) - 1)]


# Pinyin initials for the accounts given to the other agencies' publishers and leaders.
SLUGS = {
    System.MARKET: "scjg", System.COMPREHENSIVE: "zhzf", System.ECOLOGY: "sthj", System.TRANSPORT: "jtys",
    System.HEALTH: "wsjk", System.EMERGENCY: "yjgl",
}


def item(name: str, act_kind: str, basis: list[dict], *, procedure: str, time_limit: str, days: int | None,
         fees: str, remedy: str, sector: str, level=("county",), bench: dict | None = None) -> dict:
    """The content of an enforcement item (行政执法事项)."""
    return {
        "name": name, "act_kind": act_kind, "level": list(level), "basis": basis, "procedure": procedure,
        "time_limit": time_limit, "legal_time_limit_days": days, "fees": fees, "remedy": remedy, "sector": sector,
        "benchmark": bench,
    }


def penalty(s: Staff, name: str, basis: list[dict], bench: dict, *, sector: str, simple: bool = False,
            level=("county",)) -> dict:
    procedure = PENALTY_PROCEDURE + (SIMPLE_PROCEDURE if simple else "")
    return item(name, "penalty", basis, procedure=procedure, time_limit=PENALTY_TIME, days=90, fees=NO_FEES,
                remedy=s.remedy("行政处罚决定"), sector=sector, level=level, bench=bench)


def coercion(s: Staff, name: str, basis: list[dict], *, sector: str, procedure: str = COERCION_PROCEDURE,
             time_limit: str = COERCION_TIME, days: int | None = 30, level=("county",)) -> dict:
    return item(name, "coercion", basis, procedure=procedure, time_limit=time_limit, days=days, fees=NO_FEES,
                remedy=s.remedy("行政强制措施"), sector=sector, level=level)


def inspection(s: Staff, name: str, basis: list[dict], *, sector: str, level=("county",)) -> dict:
    return item(name, "inspection", basis, procedure=INSPECTION_PROCEDURE, time_limit=INSPECTION_TIME, days=None,
                fees="不收费。检查中抽取样品的，依法购买样品并支付检验费用，不向被检查人收取。", remedy=s.remedy(),
                sector=sector, level=level)


def fine_surcharge(s: Staff, sector: str) -> dict:
    """加处罚款 (a coercive enforcement measure every agency that fines has)."""
    return item(
        "对到期不缴纳罚款的当事人加处罚款", "coercion",
        [ref("强制法", "第四十五条第一款", SET), ref("强制法", "第四十五条第二款", IMPL),
         ref("处罚法", "第七十二条第一款第（一）项", IMPL)],
        procedure=(
            "在行政处罚决定书中载明罚款缴纳期限和加处罚款的标准—当事人到期不缴纳罚款的，自期限届满次日起每日按罚款数额的"
            "百分之三加处罚款，加处罚款的数额不得超出罚款的数额—书面告知当事人—当事人依法申请延期或者分期缴纳并经批准的，"
            "在批准期限内不加处罚款—加处罚款超过三十日，经催告仍不履行的，依法申请人民法院强制执行。"
        ),
        time_limit="罚款缴纳期限届满之日的次日起计算；当事人申请行政复议或者提起行政诉讼期间，加处罚款的数额不予计算。",
        days=None, fees=NO_FEES, remedy=s.remedy("加处罚款决定"), sector=sector,
    )


# --- 市场监督管理局 -----------------------------------------------------------------------------


FOOD_LICENSE_CONDITIONS = (
    "（一）具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，保持该场所环境整洁，并与有毒、有害"
    "场所以及其他污染源保持规定的距离；（二）具有与经营的食品品种、数量相适应的经营设备或者设施，有相应的消毒、更衣、盥洗、"
    "采光、照明、通风、防腐、防尘、防蝇、防鼠、防虫、洗涤以及处理废水、存放垃圾和废弃物的设备或者设施；（三）有专职或者兼职"
    "的食品安全专业技术人员、食品安全管理人员和保证食品安全的规章制度；（四）具有合理的设备布局和工艺流程，防止待加工食品与"
    "直接入口食品、原料与成品交叉污染，避免食品接触有毒物、不洁物；（五）法律、法规规定的其他条件（《中华人民共和国食品安全法》"
    "第三十三条第一款、第三十五条）。销售食用农产品和仅销售预包装食品的，不需要取得许可；仅销售预包装食品的，向本局备案。"
)


def market_items(s: Staff, history: bool = False) -> list[tuple[str, Department | None, dict]]:
    """Enforcement items of 县市场监督管理局. ``history``: the older published versions of the revised items."""
    team1, team2 = s.team(0), s.team(1)
    food, product = "食品安全", "产品质量"
    if history:
        return [
            ("SC-XK-001", s.office, food_license(s, promised_days=10)),
            ("SC-CF-003", team1, purchase_check_penalty(s, older=True)),
        ]
    return [
        ("SC-XK-001", s.office, food_license(s, promised_days=5)),
        ("SC-CF-001", team1, penalty(
            s, "对未取得食品经营许可从事食品经营活动的行政处罚",
            [ref("食品安全法", "第三十五条第一款", IMPL), ref("食品安全法", "第一百二十二条第一款", PUNISH)],
            benchmark([
                tier("ordinary", "违法经营的食品货值金额不足五千元，经营时间不足三个月，未造成危害后果，责令改正后及时停止经营"
                     "或者依法取得许可的", ["confiscate_gains", "confiscate_property", "fine"], both=(50000, 70000)),
                tier("serious", "货值金额五千元以上不足一万元，或者经营时间三个月以上，或者经营场所位于学校、托幼机构周边及"
                     "旅游景区的", ["confiscate_gains", "confiscate_property", "fine"], both=(70000, 100000)),
                tier("grave", "货值金额一万元以上的；或者被责令停止经营后继续经营的",
                     ["confiscate_gains", "confiscate_property", "fine"],
                     note="货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款，罚款数额随货值金额确定，不设固定上限；"
                          "责令停止经营后继续经营的，在该幅度内从重确定。"),
            ], no_penalty="仅销售预包装食品未备案的，不适用本事项，依法责令改正。"),
            sector=food,
        )),
        ("SC-CF-002", team1, penalty(
            s, "对经营标注虚假生产日期、保质期或者超过保质期的食品的行政处罚",
            [ref("食品安全法", "第三十四条第（十）项", IMPL), ref("食品安全法", "第一百二十四条第一款第（五）项", PUNISH),
             ref("食品安全法", "第一百三十六条", IMPL)],
            benchmark([
                tier("ordinary", "货值金额不足二千元，已全部下架并如实说明进货来源，未造成危害后果的",
                     ["confiscate_gains", "confiscate_property", "fine"], both=(50000, 60000)),
                tier("serious", "货值金额二千元以上不足一万元，或者涉及专供婴幼儿、老年人等特定人群食品的",
                     ["confiscate_gains", "confiscate_property", "fine"], both=(60000, 100000)),
                tier("grave", "货值金额一万元以上的；或者故意篡改生产日期、保质期的",
                     ["confiscate_gains", "confiscate_property", "fine", "revoke_license"],
                     note="并处货值金额十倍以上二十倍以下罚款，不设固定上限；情节严重的，吊销许可证。"),
            ], no_penalty=(
                "食品经营者履行了进货查验等义务，有充分证据证明其不知道所采购的食品不符合食品安全标准，并能如实说明其进货"
                "来源的，可以免予处罚，但应当依法没收其不符合食品安全标准的食品（《中华人民共和国食品安全法》第一百三十六条）。"
            )),
            sector=food,
        )),
        ("SC-CF-003", team1, purchase_check_penalty(s, older=False)),
        ("SC-CF-004", team2, penalty(
            s, "对未按要求进行食品贮存的行政处罚",
            [ref("食品安全法", "第五十四条第一款", IMPL), ref("食品安全法", "第一百三十二条", PUNISH)],
            benchmark([
                tier("minor", "首次被发现，未造成食品污染或者变质，当场或者在责令期限内改正的", ["warning"]),
                tier("ordinary", "经责令改正拒不改正，贮存的食品货值金额不足五千元的", ["suspend_operations", "fine"],
                     both=(10000, 25000)),
                tier("serious", "经责令改正拒不改正，贮存的食品货值金额五千元以上，或者涉及冷藏、冷冻食品的",
                     ["suspend_operations", "fine"], both=(25000, 50000)),
                tier("grave", "拒不改正且造成食品腐败变质流入市场，或者一年内因同一违法行为受过两次以上处罚的",
                     ["suspend_operations", "fine", "revoke_license"], both=(40000, 50000)),
            ]),
            sector=food,
        )),
        ("SC-CF-005", team2, penalty(
            s, "对销售失效、变质的产品的行政处罚",
            [ref("产品质量法", "第三十三条", IMPL), ref("产品质量法", "第五十二条", PUNISH),
             ref("产品质量法", "第五十五条", IMPL)],
            benchmark([
                tier("ordinary", "货值金额不足五千元，初次违法，已停止销售并召回已售产品的",
                     ["confiscate_property", "confiscate_gains", "fine"],
                     note="并处货值金额百分之五十以下的罚款（法定幅度为货值金额二倍以下，按货值金额计算，不设固定上限）。"),
                tier("serious", "货值金额五千元以上不足五万元，或者销售对象为学校、医疗机构等单位的",
                     ["confiscate_property", "confiscate_gains", "fine"],
                     note="并处货值金额百分之五十以上一点五倍以下的罚款。"),
                tier("grave", "货值金额五万元以上，或者造成人身伤害、财产损失的",
                     ["confiscate_property", "confiscate_gains", "fine", "revoke_license"],
                     note="并处货值金额一点五倍以上二倍以下的罚款；情节严重的，吊销营业执照；涉嫌犯罪的，移送司法机关。"),
            ], lighter=(
                "销售者有充分证据证明其不知道该产品为禁止销售的产品并如实说明其进货来源的，可以从轻或者减轻处罚（《中华人民"
                "共和国产品质量法》第五十五条）。"
            )),
            sector=product,
        )),
        ("SC-CF-006", team2, penalty(
            s, "对拒绝接受产品质量监督检查的行政处罚",
            [ref("产品质量法", "第五十六条", PUNISH)],
            benchmark([
                tier("ordinary", "拒绝接受监督检查，经说明法律规定后配合检查的", ["warning"]),
                tier("serious", "给予警告、责令改正后仍拒不改正的", ["warning", "suspend_operations"],
                     note="责令停业整顿。"),
                tier("grave", "情节特别严重的：以暴力、威胁等方法阻碍检查，或者转移、隐匿、销毁被检查产品的",
                     ["revoke_license"], note="吊销营业执照；构成违反治安管理行为的，移送公安机关。"),
            ]),
            sector=product,
        )),
        ("SC-QZ-001", team1, coercion(
            s, "查封、扣押不符合食品安全标准或者存在安全隐患的食品以及违法从事生产经营活动的场所",
            [ref("食品安全法", "第一百一十条第（四）项", SET), ref("食品安全法", "第一百一十条第（五）项", SET),
             ref("强制法", "第十八条", IMPL), ref("强制法", "第二十四条", IMPL), ref("强制法", "第二十五条", IMPL)],
            sector=food,
        )),
        ("SC-QZ-002", team2, coercion(
            s, "查封、扣押不符合保障人体健康和人身、财产安全标准的产品及其原辅材料、包装物、生产工具",
            [ref("产品质量法", "第十八条第（四）项", SET), ref("强制法", "第十八条", IMPL),
             ref("强制法", "第二十四条", IMPL), ref("强制法", "第二十五条", IMPL)],
            sector=product,
        )),
        ("SC-JC-001", team1, inspection(
            s, "对食品生产经营者遵守食品安全法律法规情况的监督检查",
            [ref("食品安全法", "第一百一十条第（一）项", SET), ref("食品安全法", "第一百一十条第（二）项", SET),
             ref("食品安全法", "第一百一十条第（三）项", SET)],
            sector=food, level=("county", "township"),
        )),
        ("SC-JC-002", team2, inspection(
            s, "产品质量监督抽查",
            [ref("产品质量法", "第十五条第一款", SET), ref("产品质量法", "第十五条第三款", IMPL)],
            sector=product,
        )),
    ]


def food_license(s: Staff, *, promised_days: int) -> dict:
    online = "可通过政务服务网全程网上办理，" if promised_days <= 5 else ""
    return item(
        "食品经营许可", "license",
        [ref("食品安全法", "第三十五条第一款", SET), ref("食品安全法", "第三十五条第二款", IMPL),
         ref("许可法", "第四十二条", IMPL)],
        procedure=(
            f"申请（{online}也可到{SERVICE_CENTRE}市场监管窗口提交）—受理（材料齐全、符合法定形式的当场受理；不齐全的当场或者"
            "五日内一次告知需要补正的全部内容）—审查（审核申请材料，必要时指派两名以上工作人员对经营场所进行现场核查）—决定"
            "（符合条件的准予许可，不符合的作出不予许可决定并说明理由）—送达（自作出决定之日起十日内颁发食品经营许可证）。"
        ),
        time_limit=(f"法定时限二十个工作日（经本机关负责人批准可延长十个工作日）；"
                    f"承诺时限{'五' if promised_days == 5 else '十'}个工作日。"),
        days=20, fees=LICENSE_FEES, remedy=s.remedy("不予许可决定"), sector="食品安全", level=("county",),
    )


def purchase_check_penalty(s: Staff, *, older: bool) -> dict:
    name = "对食品经营者进货时未查验许可证和相关证明文件或者未按规定建立并遵守进货查验记录制度的行政处罚"
    basis = [ref("食品安全法", "第五十三条第一款", IMPL), ref("食品安全法", "第五十三条第二款", IMPL),
             ref("食品安全法", "第一百二十六条第一款第（三）项", PUNISH)]
    kinds = ["fine"]
    if older:
        tiers = [
            tier("minor", "首次被发现，经责令改正在期限内改正的", ["warning"]),
            tier("ordinary", "经责令改正拒不改正，涉及食品品种五种以下的", kinds, both=(5000, 20000)),
            tier("serious", "经责令改正拒不改正，涉及食品品种五种以上或者涉及婴幼儿配方食品等特殊食品的", kinds,
                 both=(20000, 50000)),
            tier("grave", "拒不改正且导致不符合食品安全标准的食品流入市场的", ["fine", "suspend_operations", "revoke_license"],
                 both=(50000, 50000), note="处五万元罚款，并责令停产停业，直至吊销许可证。"),
        ]
        return penalty(s, name, basis, benchmark(tiers), sector="食品安全")
    tiers = [
        tier("minor", "首次被发现，进货查验记录不完整但能提供供货者许可证和合格证明文件，经责令改正在期限内改正的",
             ["warning"]),
        tier("ordinary", "经责令改正拒不改正，涉及食品品种五种以下，未发现不符合食品安全标准的食品的", kinds,
             both=(5000, 15000)),
        tier("serious", "经责令改正拒不改正，涉及食品品种五种以上，或者从事集中用餐配送、学校食堂供货的", kinds,
             both=(15000, 35000)),
        tier("grave", "拒不改正且导致不符合食品安全标准的食品流入市场，或者一年内因同一违法行为受过两次以上处罚的",
             ["fine", "suspend_operations", "revoke_license"], both=(35000, 50000),
             note="情节严重的，责令停产停业，直至吊销许可证。"),
    ]
    return penalty(s, name, basis, benchmark(tiers, no_penalty=(
        "初次违法，已按要求补建进货查验记录、能够如实说明进货来源且未发现不符合食品安全标准的食品的，列入本局轻微违法行为"
        "不予处罚清单，依法不予行政处罚。"
    )), sector="食品安全")


SC_INSPECTION_ITEMS = [
    ("SC-SJ-001", {
        "name": "食品经营者（含餐饮服务提供者）经营行为检查",
        "subject": f"{COUNTY}市场监督管理局",
        "basis": [ref("食品安全法", "第一百一十条第（一）项"), ref("食品安全法", "第一百一十条第（三）项")],
        "object": "辖区内取得食品经营许可的食品销售者和餐饮服务提供者",
        "object_tags": ["食品经营"],
        "content": "经营许可证的有效性及公示情况；从业人员健康证明；进货查验记录制度的建立与执行；食品贮存条件和过期食品"
                   "清理；餐具、饮具清洗消毒；食品安全自查情况。",
        "ratio_percent": "10.00",
        "method": "从检查对象名录库中随机抽取检查对象，从执法检查人员名录库中随机抽取执法人员，现场检查，必要时抽样检验。",
        "frequency": "每年不少于一次，对学校周边、农贸市场等重点区域可提高抽查比例。",
        "inspectors_per_object": 2,
    }),
    ("SC-SJ-002", {
        "name": "重点工业产品质量监督抽查",
        "subject": f"{COUNTY}市场监督管理局",
        "basis": [ref("产品质量法", "第十五条第一款"), ref("产品质量法", "第十五条第三款")],
        "object": "辖区内销售电线电缆、电动自行车及其配件、儿童用品、燃气灶具等重点工业产品的经营者",
        "object_tags": ["工业产品"],
        "content": "产品标识、合格证明；按监督抽查实施细则抽取样品送检；销售者进货检查验收制度执行情况。",
        "ratio_percent": "5.00",
        "method": "随机抽取检查对象和执法人员，在市场上或者经营者仓库内的待销产品中随机抽取样品，委托有资质的检验机构检验。",
        "frequency": "每年一次。",
        "inspectors_per_object": 2,
    }),
    ("SC-SJ-003", {
        "name": "食品安全监督抽检",
        "subject": f"{COUNTY}市场监督管理局",
        "basis": [ref("食品安全法", "第八十七条"), ref("食品安全法", "第一百一十条第（二）项")],
        "object": "辖区内的食品销售者和餐饮服务提供者",
        "object_tags": ["食品经营"],
        "content": "按年度食品安全抽检计划购买抽取样品，委托符合规定的食品检验机构检验，检验结果依法公布。",
        "ratio_percent": "3.00",
        "method": "随机抽取被抽样单位和抽样人员，购买样品，不向被抽样单位收取检验费和其他费用。",
        "frequency": "按季度实施。",
        "inspectors_per_object": 2,
    }),
]


# --- 综合行政执法局 -----------------------------------------------------------------------------


def comprehensive_items(s: Staff, history: bool = False) -> list[tuple[str, Department | None, dict]]:
    team1, team2 = s.team(0), s.team(1)
    city, air = "市容环境卫生", "大气污染防治（城市管理领域）"
    if history:
        return [("ZF-CF-001", team1, fume_penalty(s, older=True))]
    return [
        ("ZF-XK-001", s.office, item(
            "临时占用街道两侧和公共场地堆放物料、搭建非永久性建筑物、构筑物或者其他设施审批", "license",
            [ref("市容条例", "第十四条", SET), ref("许可法", "第四十二条", IMPL)],
            procedure=(
                f"申请（到{SERVICE_CENTRE}综合执法窗口或者网上提交）—受理—审查（两名以上工作人员现场踏勘，核实占用位置、面积、"
                "期限及安全防护措施）—决定（符合条件的出具同意临时占用的审批决定，载明位置、面积、期限和市容环境卫生要求）—"
                "送达—期满后核查场地清理恢复情况。"
            ),
            time_limit="法定时限二十个工作日；承诺时限三个工作日。",
            days=20, fees=LICENSE_FEES, remedy=s.remedy("不予许可决定"), sector=city,
        )),
        ("ZF-XK-002", s.office, item(
            "在城市建筑物、设施上张挂、张贴宣传品审批", "license",
            [ref("市容条例", "第十七条第二款", SET), ref("许可法", "第四十二条", IMPL)],
            procedure=(
                "申请—受理—审查（审查张挂、张贴的位置、规格、内容样稿和期限，必要时现场核查）—决定—送达—期满后由申请人"
                "自行撤除，执法人员抽查。"
            ),
            time_limit="法定时限二十个工作日；承诺时限二个工作日。",
            days=20, fees=LICENSE_FEES, remedy=s.remedy("不予许可决定"), sector=city,
        )),
        ("ZF-CF-001", team1, fume_penalty(s, older=False)),
        ("ZF-CF-002", team1, penalty(
            s, "对在人口集中地区露天焚烧秸秆、落叶等产生烟尘污染的物质的行政处罚",
            [ref("大气法", "第一百一十九条第一款", PUNISH)],
            benchmark([
                tier("ordinary", "焚烧量较小，经劝阻后立即熄灭，未对周边居民造成明显影响的", ["fine"], both=(500, 1000)),
                tier("serious", "焚烧量较大或者持续时间较长，或者在医院、学校、居民集中区周边焚烧的", ["fine"],
                     both=(1000, 1500)),
                tier("grave", "经劝阻拒不熄灭，或者在重污染天气预警期间焚烧，或者引发火情的", ["fine"], both=(1500, 2000)),
            ], no_penalty="焚烧量很小，经劝阻立即熄灭并清理现场的，责令改正，可以不予罚款（本条为“可以处”罚款）。"),
            sector=air, level=("county", "township"),
        )),
        ("ZF-CF-003", team2, penalty(
            s, "对运输煤炭、垃圾、渣土、砂石等散装、流体物料的车辆未采取密闭或者其他措施防止物料遗撒的行政处罚",
            [ref("大气法", "第一百一十六条", PUNISH), ref("市容条例", "第三十四条第（六）项", IMPL)],
            benchmark([
                tier("ordinary", "未密闭或者覆盖不严，遗撒长度不足五十米，当场清理的", ["fine"], both=(2000, 5000)),
                tier("serious", "遗撒长度五十米以上不足二百米，或者在主干道、学校周边遗撒的", ["fine"], both=(5000, 12000)),
                tier("grave", "遗撒长度二百米以上，或者造成交通事故隐患，或者一年内因同一违法行为受过两次以上处罚的",
                     ["fine"], both=(12000, 20000), note="拒不改正的，车辆不得上道路行驶。"),
            ]),
            sector=air,
        )),
        ("ZF-CF-004", team2, penalty(
            s, "对施工工地未设置硬质围挡或者未采取覆盖、洒水抑尘、冲洗车辆等有效防尘降尘措施的行政处罚",
            [ref("大气法", "第六十九条第三款", IMPL), ref("大气法", "第一百一十五条第一款第（一）项", PUNISH)],
            benchmark([
                tier("ordinary", "防尘措施落实不到位，未造成明显扬尘，责令改正后及时整改的", ["fine"], both=(10000, 30000)),
                tier("serious", "未设置硬质围挡或者裸土大面积未覆盖，造成明显扬尘污染，或者被投诉举报经查属实的",
                     ["fine"], both=(30000, 60000)),
                tier("grave", "在重污染天气预警期间仍未采取措施，或者一年内因同一违法行为受过两次以上处罚的", ["fine"],
                     both=(60000, 100000), note="拒不改正的，责令停工整治。"),
            ]),
            sector=air,
        )),
        ("ZF-QZ-001", team1, coercion(
            s, "强制拆除不符合城市容貌标准、环境卫生标准且逾期未改造或者未拆除的建筑物、设施",
            [ref("市容条例", "第三十七条", SET), ref("强制法", "第四十四条", IMPL), ref("强制法", "第三十五条", IMPL),
             ref("强制法", "第三十七条第一款", IMPL)],
            procedure=(
                "责令限期改造或者拆除—逾期未改造或者未拆除的，书面催告当事人履行—听取陈述和申辩—报经县人民政府批准—作出"
                "强制执行决定并送达—予以公告，限期当事人自行拆除—当事人在法定期限内不申请行政复议或者提起行政诉讼，又不拆除的，"
                "组织强制拆除—全过程音像记录，制作现场笔录和物品清单。不在夜间或者法定节假日实施（情况紧急的除外）。"
            ),
            time_limit="催告书载明的履行期限届满且法定复议、诉讼期限届满后实施。", days=None, sector=city,
        )),
        ("ZF-JC-001", team1, inspection(
            s, "城市生活废弃物收集、运输和处理监督检查",
            [ref("市容条例", "第二十八条第一款", SET), ref("市容条例", "第二十八条第二款", IMPL)],
            sector=city, level=("county", "township"),
        )),
    ]


def fume_penalty(s: Staff, *, older: bool) -> dict:
    name = "对排放油烟的餐饮服务业经营者未安装油烟净化设施或者不正常使用油烟净化设施，超过排放标准排放油烟的行政处罚"
    basis = [ref("大气法", "第八十一条第一款", IMPL), ref("大气法", "第一百一十八条第一款", PUNISH)]
    if older:
        tiers = [
            tier("ordinary", "首次被查实超标排放，责令改正后及时整改的", ["fine"], both=(5000, 15000)),
            tier("serious", "未安装油烟净化设施，或者被投诉两次以上经查属实的", ["fine"], both=(15000, 30000)),
            tier("grave", "未安装油烟净化设施且对周边居民生活造成严重影响的", ["fine", "suspend_operations"],
                 both=(30000, 50000), note="拒不改正的，责令停业整治。"),
        ]
        return penalty(s, name, basis, benchmark(tiers), sector="大气污染防治（城市管理领域）")
    tiers = [
        tier("ordinary", "经营场所面积一百平方米以下，已安装油烟净化设施但未正常使用或者未按时清洗的", ["fine"],
             both=(5000, 10000)),
        tier("serious", "经营场所面积一百平方米以上，或者未安装油烟净化设施，或者被投诉两次以上经查属实的", ["fine"],
             both=(10000, 30000)),
        tier("grave", "未安装油烟净化设施且对周边居民生活造成严重影响，或者一年内因同一违法行为受过两次以上处罚的",
             ["fine", "suspend_operations"], both=(30000, 50000), note="拒不改正的，责令停业整治。"),
    ]
    return penalty(s, name, basis, benchmark(tiers, no_penalty=(
        "初次违法，已安装油烟净化设施但未正常使用，在责令期限内改正并经检测达标排放、未被投诉的，列入轻微违法行为不予"
        "处罚清单，依法不予行政处罚。"
    )), sector="大气污染防治（城市管理领域）")


# --- 生态环境局（市生态环境局派出分局） ------------------------------------------------------------


def ecology_items(s: Staff) -> list[tuple[str, Department | None, dict]]:
    team = s.team(0)
    air = "大气污染防治"
    level = ("city", "county")
    severe = "报经有批准权的人民政府批准，责令停业、关闭。"
    return [
        ("ST-CF-001", team, penalty(
            s, "对未依法取得排污许可证排放大气污染物的行政处罚",
            [ref("大气法", "第十八条", IMPL), ref("大气法", "第九十九条第（一）项", PUNISH)],
            benchmark([
                tier("ordinary", "属于排污许可简化管理，排放量较小，已提交排污许可申请或者在责令期限内取得排污许可证的",
                     ["fine"], both=(100000, 300000)),
                tier("serious", "属于排污许可重点管理，或者排放有毒有害大气污染物，或者在环境敏感区内排放的", ["fine"],
                     both=(300000, 600000)),
                tier("grave", "拒不改正，或者造成大气污染事故、群体性投诉的", ["fine", "suspend_operations", "close"],
                     both=(600000, 1000000), note=severe),
            ]),
            sector=air, level=level,
        )),
        ("ST-CF-002", team, penalty(
            s, "对超过大气污染物排放标准或者超过重点大气污染物排放总量控制指标排放大气污染物的行政处罚",
            [ref("大气法", "第十八条", IMPL), ref("大气法", "第九十九条第（二）项", PUNISH)],
            benchmark([
                tier("ordinary", "单项污染物超标不足零点五倍，超标时段较短且已及时整改的", ["fine"], both=(100000, 250000)),
                tier("serious", "超标零点五倍以上不足一倍，或者两项以上污染物超标的", ["fine"], both=(250000, 500000)),
                tier("grave", "超标一倍以上，或者在重污染天气预警期间超标排放，或者造成环境污染事故的",
                     ["fine", "suspend_operations", "close"], both=(500000, 1000000), note=severe),
            ], no_penalty="超标因不可抗力导致，企业及时报告并采取应急措施的，依照第三十三条第二款审查是否有主观过错。"),
            sector=air, level=level,
        )),
        ("ST-CF-003", team, penalty(
            s, "对以拒绝进入现场等方式拒不接受大气环境监督检查或者在接受监督检查时弄虚作假的行政处罚",
            [ref("大气法", "第二十九条", IMPL), ref("大气法", "第九十八条", PUNISH)],
            benchmark([
                tier("ordinary", "拖延执法人员进入现场不超过三十分钟，经说服后配合检查的", ["fine"], both=(20000, 60000)),
                tier("serious", "拒绝执法人员进入现场，或者拒绝提供有关资料的", ["fine"], both=(60000, 120000)),
                tier("grave", "在接受检查时弄虚作假，如篡改、伪造监测数据或者临时停产逃避检查的", ["fine"],
                     both=(120000, 200000), note="构成违反治安管理行为的，移送公安机关依法处罚。"),
            ]),
            sector=air, level=level,
        )),
        ("ST-CF-004", team, penalty(
            s, "对未按照规定设置大气污染物排放口的行政处罚",
            [ref("大气法", "第二十条第一款", IMPL), ref("大气法", "第一百条第（五）项", PUNISH)],
            benchmark([
                tier("ordinary", "排放口设置不规范（缺少采样口、标志牌等），责令改正后及时整改的", ["fine"],
                     both=(20000, 60000)),
                tier("serious", "擅自增设或者变更排放口，未造成超标排放的", ["fine"], both=(60000, 120000)),
                tier("grave", "通过未规定的排放口排放污染物，或者拒不改正的", ["fine", "suspend_operations"],
                     both=(120000, 200000), note="拒不改正的，责令停产整治。"),
            ]),
            sector=air, level=level,
        )),
        ("ST-QZ-001", team, coercion(
            s, "查封、扣押违法排放大气污染物，造成或者可能造成严重大气污染的设施、设备、物品",
            [ref("大气法", "第三十条", SET), ref("强制法", "第十八条", IMPL), ref("强制法", "第二十四条", IMPL),
             ref("强制法", "第二十五条", IMPL)],
            sector=air, level=level,
        )),
        ("ST-JC-001", team, inspection(
            s, "对排放大气污染物的企业事业单位和其他生产经营者的现场检查",
            [ref("大气法", "第二十九条", SET)],
            sector=air, level=level,
        )),
    ]


ST_INSPECTION_ITEM = ("ST-SJ-001", {
    "name": "排污单位大气污染物排放情况监督抽查",
    "subject": "云澜市云岫生态环境局",
    "basis": [ref("大气法", "第二十九条")],
    "object": "辖区内纳入排污许可管理的排污单位",
    "object_tags": ["排污单位"],
    "content": "排污许可证执行情况；污染防治设施运行情况；排放口设置；自动监测设备运行与联网；自行监测和台账记录。",
    "ratio_percent": "10.00",
    "method": "双随机抽取检查对象和执法人员，现场检查，必要时委托监测机构现场采样监测。",
    "frequency": "重点排污单位每年不少于一次，一般排污单位每年抽查比例不低于百分之十。",
    "inspectors_per_object": 2,
})


# --- 交通运输局 -------------------------------------------------------------------------------


def transport_items(s: Staff) -> list[tuple[str, Department | None, dict]]:
    team = s.team(0)
    road = "道路运输"
    return [
        ("JT-XK-001", s.office, item(
            "道路货物运输经营许可（危险货物运输除外）", "license",
            [ref("运输条例", "第二十四条第一款第（一）项", SET), ref("运输条例", "第二十一条", IMPL),
             ref("运输条例", "第二十四条第二款", IMPL)],
            procedure=(
                f"申请（到{SERVICE_CENTRE}交通运输窗口或者网上提交）—受理—审查（核查车辆技术条件、驾驶人员从业资格和安全"
                "生产管理制度）—决定—予以许可的，颁发道路运输经营许可证，并为投入运输的车辆配发车辆营运证。使用总质量四千五百"
                "千克及以下普通货运车辆从事普通货运经营的，无需申请本许可。"
            ),
            time_limit="法定时限二十日（自受理申请之日起）；承诺时限五个工作日。",
            days=20, fees=LICENSE_FEES, remedy=s.remedy("不予许可决定"), sector=road,
        )),
        ("JT-CF-001", team, penalty(
            s, "对未取得道路运输经营许可擅自从事道路普通货物运输经营的行政处罚",
            [ref("运输条例", "第二十四条第一款第（一）项", IMPL), ref("运输条例", "第六十三条第（一）项", PUNISH)],
            benchmark([
                tier("ordinary", "没有违法所得或者违法所得不足一万元，首次被查处，停止经营并申请许可的", ["fine"],
                     both=(3000, 10000)),
                tier("serious", "没有违法所得或者违法所得不足一万元，但情节严重：经责令停止后继续经营、使用多辆车辆经营或者"
                     "造成交通事故的", ["fine"], both=(10000, 50000)),
                tier("grave", "违法所得超过一万元的", ["confiscate_gains", "fine"],
                     note="没收违法所得，处违法所得一倍以上五倍以下的罚款，罚款数额随违法所得确定，不设固定上限。"),
            ]),
            sector=road,
        )),
        ("JT-CF-002", team, driver_penalty(s, returned_note=False)),
        ("JT-CF-003", team, penalty(
            s, "对客运经营者、货运经营者、道路运输相关业务经营者非法转让、出租道路运输许可证件的行政处罚",
            [ref("运输条例", "第三十三条", IMPL), ref("运输条例", "第六十六条", PUNISH)],
            benchmark([
                tier("ordinary", "转让、出租车辆营运证一件，时间不足一个月的", ["fine", "confiscate_gains"], both=(2000, 5000)),
                tier("serious", "转让、出租两件以上或者时间一个月以上的", ["fine", "confiscate_gains"], both=(5000, 8000)),
                tier("grave", "转让、出租道路运输经营许可证，或者受让方利用该证件从事危险货物运输的",
                     ["fine", "confiscate_gains"], both=(8000, 10000), note="收缴有关证件；有违法所得的，没收违法所得。"),
            ]),
            sector=road,
        )),
        ("JT-JC-001", team, inspection(
            s, "道路运输经营活动监督检查",
            [ref("运输条例", "第五十九条", SET), ref("许可法", "第六十一条第二款", IMPL)],
            sector=road,
        )),
        ("JT-QZ-001", team, fine_surcharge(s, road)),
    ]


def driver_penalty(s: Staff, *, returned_note: bool) -> dict:
    tiers = [
        tier("ordinary", "驾驶人员从业资格证件过期未满三个月，或者驾驶车型与从业资格类别不符但已取得相应驾驶证的", ["fine"],
             both=(200, 800)),
        tier("serious", "驾驶人员未取得相应从业资格，首次被查处的", ["fine"], both=(800, 1500)),
        tier("grave", "驾驶人员未取得相应从业资格，且一年内再次被查处或者发生交通事故的", ["fine"], both=(1500, 2000)),
    ]
    if returned_note:
        tiers[2]["circumstances"] = "驾驶人员未取得相应从业资格，情节严重的"
    return penalty(
        s, "对不符合规定条件的人员驾驶道路运输经营车辆的行政处罚",
        [ref("运输条例", "第六十四条", PUNISH)], benchmark(tiers), sector="道路运输", simple=True,
    )


JT_INSPECTION_ITEM = ("JT-SJ-001", {
    "name": "道路货物运输经营者监督抽查",
    "subject": f"{COUNTY}交通运输局",
    "basis": [ref("运输条例", "第五十九条"), ref("许可法", "第六十一条第二款")],
    "object": "辖区内取得道路运输经营许可的普通货物运输经营者",
    "object_tags": ["道路货运"],
    "content": "经营资质和车辆营运证；驾驶人员从业资格；车辆维护和检测；安全生产管理制度及动态监控落实情况。",
    "ratio_percent": "5.00",
    "method": "双随机抽取检查对象和执法人员，到经营场所现场检查，调阅动态监控记录。",
    "frequency": "每年一次。",
    "inspectors_per_object": 2,
})


# --- 卫生健康局 -------------------------------------------------------------------------------
# The statute library holds no health statute yet (公共场所卫生管理条例, 医疗机构管理条例 …): the
# bureau's items here rest on the general laws only, until the library is extended.


def health_items(s: Staff) -> list[tuple[str, Department | None, dict]]:
    team = s.team(0)
    sector = "卫生健康"
    return [
        ("WJ-CF-001", team, penalty(
            s, "对行政许可申请人隐瞒有关情况或者提供虚假材料申请卫生健康行政许可的行政处罚",
            [ref("许可法", "第三十一条", IMPL), ref("许可法", "第七十八条", PUNISH)],
            benchmark([
                tier("ordinary", "隐瞒或者虚假的内容不涉及许可条件，经告知后主动更正的", ["warning"],
                     note="不予受理或者不予行政许可，并给予警告。"),
                tier("serious", "隐瞒有关情况或者提供虚假材料，涉及许可条件的", ["warning"],
                     note="不予受理或者不予行政许可，并给予警告。"),
                tier("grave", "申请事项直接关系公共安全、人身健康、生命财产安全（如医疗机构执业、放射诊疗、公共场所卫生等）的",
                     ["warning"], note="给予警告；申请人在一年内不得再次申请该行政许可。涉嫌伪造公文、印章的，移送公安机关。"),
            ]),
            sector=sector, simple=True,
        )),
        ("WJ-QT-001", team, item(
            "撤销卫生健康行政许可", "other",
            [ref("许可法", "第六十九条", SET)],
            procedure=("依利害关系人的请求或者依职权启动—调查核实—告知被许可人拟撤销的事实、理由和依据，听取陈述和申辩—"
                       "可能对公共利益造成重大损害的，不予撤销—作出撤销决定并送达—依法办理注销手续并公告。"),
            time_limit="自启动之日起六十日内作出决定。", days=None, fees=NO_FEES, remedy=s.remedy("撤销行政许可决定"),
            sector=sector,
        )),
        ("WJ-QT-002", s.office, item(
            "注销卫生健康行政许可", "other",
            [ref("许可法", "第七十条", SET)],
            procedure="依申请或者依职权启动—核实注销情形—作出注销决定—收回或者公告作废许可证件—在公示平台公示。",
            time_limit="承诺时限三个工作日。", days=None, fees=NO_FEES, remedy=s.remedy("注销行政许可决定"), sector=sector,
        )),
        ("WJ-JC-001", team, inspection(
            s, "对被许可人从事卫生健康行政许可事项活动的监督检查",
            [ref("许可法", "第六十一条第一款", SET), ref("许可法", "第六十一条第二款", IMPL)],
            sector=sector, level=("county", "township"),
        )),
        ("WJ-QZ-001", team, fine_surcharge(s, sector)),
        ("WJ-QT-003", s.review_unit, item(
            "申请人民法院强制执行", "other",
            [ref("强制法", "第五十三条", SET), ref("强制法", "第五十四条", IMPL), ref("强制法", "第五十五条", IMPL)],
            procedure=("当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行行政决定的—书面催告当事人履行—催告书送达"
                       "十日后仍未履行的，经本机关负责人签名批准—向有管辖权的人民法院提交强制执行申请书及有关材料。"),
            time_limit="自复议、诉讼期限届满之日起三个月内提出申请。", days=None, fees=NO_FEES,
            remedy="本事项为向人民法院提出申请，当事人可以在人民法院审查期间依法提出意见。", sector=sector,
        )),
    ]


# --- 应急管理局 -------------------------------------------------------------------------------


def emergency_items(s: Staff) -> list[tuple[str, Department | None, dict]]:
    team = s.team(0)
    safety = "安全生产"
    suspend = "逾期未改正的，责令停产停业整顿。"
    return [
        ("YJ-CF-001", team, penalty(
            s, "对生产经营单位未按照规定对从业人员进行安全生产教育和培训的行政处罚",
            [ref("安全生产法", "第二十八条第一款", IMPL), ref("安全生产法", "第九十七条第（三）项", PUNISH)],
            benchmark([
                tier("ordinary", "未培训人数三人以下，不涉及特种作业和危险作业岗位，在责令期限内改正的", ["fine"],
                     org=(10000, 30000)),
                tier("serious", "未培训人数三人以上，或者涉及危险作业岗位、被派遣劳动者的", ["fine"], org=(30000, 100000)),
                tier("grave", "逾期未改正的", ["fine", "suspend_operations"], org=(100000, 200000), person=(20000, 50000),
                     note="责令停产停业整顿，对单位处十万元以上二十万元以下罚款，对直接负责的主管人员和其他直接责任人员处"
                          "二万元以上五万元以下罚款。"),
            ]),
            sector=safety,
        )),
        ("YJ-CF-002", team, penalty(
            s, "对餐饮等行业的生产经营单位使用燃气未安装可燃气体报警装置的行政处罚",
            [ref("安全生产法", "第三十六条第四款", IMPL), ref("安全生产法", "第九十九条第（八）项", PUNISH)],
            benchmark([
                tier("ordinary", "经营面积二百平方米以下，首次被查处，在责令期限内安装并正常使用的", ["fine"],
                     org=(5000, 20000), note="个体工商户等个人经营的生产经营单位，适用本档对单位的罚款幅度。"),
                tier("serious", "经营面积二百平方米以上，或者位于人员密集场所、地下空间的", ["fine"], org=(20000, 50000)),
                tier("grave", "逾期未改正的", ["fine", "suspend_operations"], org=(50000, 200000), person=(10000, 20000),
                     note="对直接负责的主管人员和其他直接责任人员处一万元以上二万元以下罚款；情节严重的，责令停产停业整顿。"),
            ], no_penalty="初次违法，当场停止使用燃气并在三日内安装可燃气体报警装置，未造成危害后果的，可以不予处罚。"),
            sector=safety, level=("county", "township"),
        )),
        ("YJ-CF-003", team, penalty(
            s, "对生产经营单位未采取措施消除事故隐患的行政处罚",
            [ref("安全生产法", "第六十五条第一款第（三）项", IMPL), ref("安全生产法", "第一百零二条", PUNISH)],
            benchmark([
                tier("ordinary", "一般事故隐患一至二项，未按要求消除的", ["fine"], org=(10000, 30000)),
                tier("serious", "一般事故隐患三项以上，或者涉及危险化学品、有限空间作业的", ["fine"], org=(30000, 50000)),
                tier("grave", "拒不执行责令消除事故隐患指令的", ["fine", "suspend_operations"], org=(50000, 50000),
                     person=(50000, 100000),
                     note="责令停产停业整顿，对直接负责的主管人员和其他直接责任人员处五万元以上十万元以下罚款。"),
            ]),
            sector=safety,
        )),
        ("YJ-CF-004", team, penalty(
            s, "对占用、锁闭、封堵生产经营场所或者员工宿舍出口、疏散通道的行政处罚",
            [ref("安全生产法", "第四十二条第二款", IMPL), ref("安全生产法", "第一百零五条第（二）项", PUNISH)],
            benchmark([
                tier("ordinary", "占用疏散通道，可以当场清除的", ["fine"], org=(5000, 20000), person=(1000, 3000)),
                tier("serious", "锁闭、封堵出口或者疏散通道，或者涉及员工宿舍的", ["fine"], org=(20000, 40000),
                     person=(3000, 6000)),
                tier("grave", "锁闭、封堵全部出口，或者逾期未改正的", ["fine", "suspend_operations"], org=(40000, 50000),
                     person=(6000, 10000), note=suspend),
            ]),
            sector=safety,
        )),
        ("YJ-CF-005", team, penalty(
            s, "对生产经营单位拒绝、阻碍负有安全生产监督管理职责的部门依法实施监督检查的行政处罚",
            [ref("安全生产法", "第一百零八条", PUNISH)],
            benchmark([
                tier("ordinary", "拖延检查、拒绝提供部分资料，经责令改正仍不改正的", ["fine"], org=(20000, 60000),
                     person=(10000, 13000)),
                tier("serious", "拒绝执法人员进入生产经营场所检查的", ["fine"], org=(60000, 120000), person=(13000, 17000)),
                tier("grave", "以暴力、威胁等方式阻碍检查，或者转移、隐匿、销毁有关资料的", ["fine"], org=(120000, 200000),
                     person=(17000, 20000), note="构成犯罪的，移送司法机关。"),
            ]),
            sector=safety,
        )),
        ("YJ-QZ-001", team, coercion(
            s, "查封、扣押不符合保障安全生产标准的设施、设备、器材以及违法生产、储存、使用、经营、运输的危险物品",
            [ref("安全生产法", "第六十五条第一款第（四）项", SET), ref("强制法", "第十八条", IMPL),
             ref("强制法", "第二十四条", IMPL), ref("强制法", "第二十五条", IMPL)],
            sector=safety,
        )),
        ("YJ-QZ-002", team, coercion(
            s, "重大事故隐患排除前或者排除过程中无法保证安全的，责令暂时停产停业或者停止使用相关设施、设备",
            [ref("安全生产法", "第六十五条第一款第（三）项", SET)],
            procedure=("现场检查发现重大事故隐患—责令从危险区域内撤出作业人员—经本机关负责人批准，书面责令暂时停产停业或者"
                       "停止使用相关设施、设备—督促整改—重大事故隐患排除后，经审查同意，方可恢复生产经营和使用。"),
            time_limit="至重大事故隐患排除并经审查同意恢复为止。", days=None, sector=safety,
        )),
        ("YJ-JC-001", team, inspection(
            s, "安全生产监督检查",
            [ref("安全生产法", "第六十五条第一款第（一）项", SET), ref("安全生产法", "第六十五条第二款", IMPL)],
            sector=safety, level=("county", "township"),
        )),
    ]


YJ_INSPECTION_ITEM = ("YJ-SJ-001", {
    "name": "工贸企业安全生产监督抽查",
    "subject": f"{COUNTY}应急管理局",
    "basis": [ref("安全生产法", "第六十五条第一款第（一）项"), ref("安全生产法", "第六十五条第二款")],
    "object": "辖区内冶金、有色、建材、机械、轻工、纺织、烟草、商贸等工贸行业生产经营单位",
    "object_tags": ["工贸企业"],
    "content": "安全生产责任制和安全管理机构设置；从业人员安全生产教育和培训；事故隐患排查治理；有限空间作业和粉尘防爆；"
               "应急预案及演练。",
    "ratio_percent": "5.00",
    "method": "双随机抽取检查对象和执法人员，现场检查，可邀请技术专家参加。",
    "frequency": "每年不少于一次。",
    "inspectors_per_object": 2,
})


# --- Guides (服务指南) for the licensing items ---------------------------------------------------


def guide(s: Staff, item_code: str, name: str, basis: list[dict], *, window: str, conditions: str, materials: list,
          process: str, time_limit: str, phone: str, preferential: str = "") -> dict:
    return {
        "item_code": item_code, "name": name, "basis": basis,
        "accepting_body": f"{SERVICE_CENTRE}{window}（{s.agency.name}派驻）",
        "approving_body": s.agency.name,
        "conditions": conditions,
        "preferential_policies": preferential,
        "materials": [{"name": m[0], "form": m[1], "copies": m[2], "note": m[3] if len(m) > 3 else ""} for m in materials],
        "process": process,
        "time_limit": time_limit,
        "fees": "不收费。申请书格式文本免费提供（《中华人民共和国行政许可法》第五十八条）。",
        "supervision": (f"{s.agency.name}监督电话：{s.agency.phone}；{SERVICE_CENTRE}投诉电话：{AREA}-5231800；"
                        "12345政务服务便民热线；也可以在本页面“纠错”栏目反映。"),
        "accountability": (
            "工作人员在受理、审查、决定过程中有不予受理应当受理的申请、不在公示场所公示应当公示的材料、未一次告知需要补正的"
            "全部内容、索取或者收受他人财物等行为的，依照《中华人民共和国行政许可法》第七章和有关规定追究责任。申请人隐瞒"
            "有关情况或者提供虚假材料申请的，依照该法第七十八条处理。"
        ),
        "office_hours": OFFICE_HOURS,
        "address": f"{SERVICE_CENTRE}{window}（{SERVICE_CENTRE_ADDRESS}）",
        "phone": phone,
    }


def guides(staff: dict[str, Staff]) -> list[tuple[Staff, str, dict]]:
    sc, zf, jt = staff[System.MARKET], staff[System.COMPREHENSIVE], staff[System.TRANSPORT]
    identity = ("法定代表人（负责人）身份证", "复印件", 1, "现场核验原件；通过部门共享可以获取的免于提交")
    proxy = ("授权委托书及委托代理人身份证", "原件", 1, "委托他人办理的提交")
    return [
        (sc, "SC-ZN-001", guide(
            sc, "SC-XK-001", "食品经营许可（新办）",
            [ref("食品安全法", "第三十五条第一款", SET), ref("食品安全法", "第三十五条第二款", IMPL)],
            window="一楼市场监管窗口", conditions=FOOD_LICENSE_CONDITIONS,
            preferential=("食品经营许可实行全程网上办理，电子证书与纸质证书具有同等法律效力；对小餐饮、小食杂店实行"
                          "“申请即受理、一次性核查”，承诺时限内办结。"),
            materials=[
                ("食品经营许可申请书", "原件", 1, "格式文本在窗口和网上免费提供"),
                ("营业执照或者其他主体资格证明文件", "复印件", 1, "通过部门共享可以获取的免于提交"),
                identity,
                ("与食品经营相适应的主要设备设施布局、操作流程等文件", "原件", 1, ""),
                ("食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度", "原件", 1, ""),
                ("食品安全管理人员名单及其健康证明", "复印件", 1, ""),
                proxy,
            ],
            process=("1.申请：网上或者窗口提交申请材料；2.受理：材料齐全、符合法定形式的当场受理，不齐全的当场或者五日内一次"
                     "告知需要补正的全部内容；3.审查：审核材料，必要时两名以上工作人员现场核查；4.决定：准予许可的作出书面决定，"
                     "不予许可的书面说明理由并告知复议、诉讼权利；5.送达：自作出决定之日起十日内颁发许可证，可邮寄或者窗口领取。"),
            time_limit="法定时限二十个工作日；承诺时限五个工作日（现场核查时间不计入）。",
            phone=f"{AREA}-5231816",
        )),
        (zf, "ZF-ZN-001", guide(
            zf, "ZF-XK-001", "临时占用街道两侧和公共场地堆放物料、搭建非永久性设施审批",
            [ref("市容条例", "第十四条", SET)],
            window="二楼综合执法窗口",
            preferential=("实行容缺受理：主要材料齐全、次要材料暂缺的，可以先行受理，在领取审批文书前补齐；"
                          "因市政、供水供电等抢修需要临时占用的，可以先行占用并在二十四小时内补办手续。"),
            conditions=("（一）确因建设施工、抢修等特殊需要临时占用；（二）占用位置不影响交通、消防和市容环境卫生，不占用"
                        "盲道和绿地；（三）占用期限一般不超过九十日；（四）有符合要求的围挡、警示和保洁措施。"),
            materials=[
                ("临时占用审批申请表", "原件", 1, "载明占用位置、面积、期限和用途"),
                identity,
                ("占用位置平面示意图及现场照片", "原件", 1, ""),
                ("施工许可文件或者其他证明特殊需要的材料", "复印件", 1, "因建设施工需要占用的提交"),
                ("市容环境卫生保洁责任承诺书", "原件", 1, ""),
                proxy,
            ],
            process=("1.申请；2.受理；3.现场踏勘（两名以上工作人员核实位置、面积）；4.决定并出具审批文书，载明位置、面积、"
                     "期限和市容环境卫生要求；5.期满后清理场地，执法人员核查恢复情况。"),
            time_limit="法定时限二十个工作日；承诺时限三个工作日。",
            phone=f"{AREA}-5231822",
        )),
        (zf, "ZF-ZN-002", guide(
            zf, "ZF-XK-002", "在城市建筑物、设施上张挂、张贴宣传品审批",
            [ref("市容条例", "第十七条第二款", SET)],
            window="二楼综合执法窗口",
            preferential="公益性宣传品张挂、张贴的，优先办理，当日办结。",
            conditions=("（一）张挂、张贴的位置不影响建筑物安全、交通安全和市容观瞻；（二）宣传品内容合法，规格、材质符合"
                        "市容要求；（三）张挂期限一般不超过三十日，期满自行撤除。"),
            materials=[
                ("张挂、张贴宣传品申请表", "原件", 1, ""),
                identity,
                ("宣传品样稿及设置位置效果图", "原件", 1, ""),
                ("建筑物、设施所有人或者管理人同意张挂的书面意见", "原件", 1, ""),
                proxy,
            ],
            process="1.申请；2.受理；3.审查（必要时现场核查）；4.决定；5.送达；6.期满自行撤除，执法人员抽查。",
            time_limit="法定时限二十个工作日；承诺时限二个工作日。",
            phone=f"{AREA}-5231822",
        )),
        (jt, "JT-ZN-001", guide(
            jt, "JT-XK-001", "道路货物运输经营许可（危险货物运输除外）",
            [ref("运输条例", "第二十四条第一款第（一）项", SET), ref("运输条例", "第二十一条", IMPL)],
            window="二楼交通运输窗口",
            preferential=("实行告知承诺：申请人书面承诺车辆、驾驶人员和安全生产管理制度符合条件并提交材料齐全的，当场作出"
                          "许可决定，许可后三个月内核查承诺内容；道路运输经营许可证和车辆营运证实行电子证照。"),
            conditions=("（一）有与其经营业务相适应并经检测合格的车辆；（二）有符合规定条件的驾驶人员（取得相应的机动车驾驶证，"
                        "年龄不超过六十周岁，经设区的市级交通运输主管部门考试合格取得从业资格证）；（三）有健全的安全生产管理"
                        "制度（《中华人民共和国道路运输条例》第二十一条）。使用总质量四千五百千克及以下普通货运车辆从事普通货运"
                        "经营的，无需办理本许可。"),
            materials=[
                ("道路货物运输经营申请表", "原件", 1, ""),
                ("营业执照", "复印件", 1, "通过部门共享可以获取的免于提交"),
                identity,
                ("拟投入车辆承诺书（车辆数量、类型、技术性能）", "原件", 1, "已购置车辆的，提交行驶证和车辆技术等级评定材料"),
                ("拟聘用驾驶人员的机动车驾驶证、从业资格证", "复印件", 1, ""),
                ("安全生产管理制度文本", "原件", 1, "含安全生产责任制、安全生产业务操作规程、安全生产监督检查、驾驶员和车辆"
                 "安全生产管理等制度"),
                proxy,
            ],
            process=("1.申请；2.受理；3.审查（核查车辆、驾驶人员和安全生产管理制度）；4.决定；5.予以许可的颁发道路运输经营"
                     "许可证，投入运输的车辆配发车辆营运证；不予许可的书面通知并说明理由。"),
            time_limit="法定时限二十日（自受理申请之日起）；承诺时限五个工作日。",
            phone=f"{AREA}-5231830",
        )),
    ]


# --- Document templates (执法文书样本) ------------------------------------------------------------

TEMPLATES = {
    System.MARKET: [
        ("SC-WS-001", "SXGZS", "行政处罚事先告知书", ["penalty"],
         "作出行政处罚决定前，告知当事人拟处罚的内容及事实、理由、依据和陈述、申辩、要求听证的权利。"),
        ("SC-WS-002", "CFJDS", "行政处罚决定书", ["penalty"],
         "适用普通程序作出行政处罚决定时使用，载明复议、诉讼的途径和期限。"),
        ("SC-WS-003", "CFKYJDS", "查封（扣押）决定书", ["coercion"],
         "实施查封、扣押时当场交付当事人，附查封（扣押）财物清单。"),
        ("SC-WS-004", "XCJCBL", "现场检查（勘验）笔录", ["penalty", "inspection", "coercion"],
         "现场检查、勘验时如实记录检查情况，由当事人和执法人员签名。"),
        ("SC-WS-005", "ZYXKJDS", "准予行政许可决定书", ["license"],
         "申请符合法定条件、标准，准予行政许可时使用。"),
        ("SC-WS-006", "CCJGGZS", "抽查结果告知书", ["inspection"],
         "随机抽查结束后将检查结果书面告知被检查对象。"),
    ],
    System.COMPREHENSIVE: [
        ("ZF-WS-001", "DCCFJDS", "当场行政处罚决定书", ["penalty"],
         "适用简易程序当场作出警告或者小额罚款决定时使用，当场交付当事人。"),
        ("ZF-WS-002", "CFJDS", "行政处罚决定书", ["penalty"],
         "适用普通程序作出行政处罚决定时使用。"),
        ("ZF-WS-003", "TZGZS", "听证告知书", ["penalty"],
         "拟作出较大数额罚款、责令停产停业等决定时，告知当事人有要求听证的权利。"),
        ("ZF-WS-004", "CGS", "催告书", ["penalty", "coercion"],
         "作出强制执行决定前书面催告当事人履行义务。"),
        ("ZF-WS-005", "QZZXJDS", "行政强制执行决定书", ["coercion"],
         "经催告当事人逾期仍不履行的，作出强制执行决定时使用。"),
    ],
}


# --- Review catalogs (法制审核目录清单) and AV lists (音像记录事项清单) ---------------------------------

# Thresholds of a "较大数额" fine that makes a decision major, per sector (个人, 单位), in 元.
REVIEW_THRESHOLDS = {
    System.MARKET: (10000, 100000), System.COMPREHENSIVE: (5000, 50000), System.ECOLOGY: (50000, 200000),
    System.TRANSPORT: (10000, 50000), System.HEALTH: (10000, 50000), System.EMERGENCY: (20000, 100000),
}
DOMAINS = {
    System.MARKET: "市场监管", System.COMPREHENSIVE: "城市管理综合行政执法", System.ECOLOGY: "生态环境",
    System.TRANSPORT: "交通运输", System.HEALTH: "卫生健康", System.EMERGENCY: "应急管理（安全生产）",
}
# Coercive items whose every decision is reviewed, per agency.
REVIEWED_ITEMS = {
    System.MARKET: (["SC-QZ-001", "SC-QZ-002"], "查封经营场所或者扣押货值较大物品的行政强制措施"),
    System.COMPREHENSIVE: (["ZF-QZ-001"], "强制拆除建筑物、设施的行政强制执行"),
    System.ECOLOGY: (["ST-QZ-001"], "查封、扣押排污设施、设备的行政强制措施"),
    System.EMERGENCY: (["YJ-QZ-001", "YJ-QZ-002"], "查封、扣押设施设备或者责令暂时停产停业的决定"),
}


def yuan(amount: int) -> str:
    return f"{amount // 10000}万元" if amount % 10000 == 0 else f"{amount}元"


def review_catalog(system: str, *, older: bool = False) -> dict:
    person, org = REVIEW_THRESHOLDS[system]
    if older:  # before the yearly adjustment: higher thresholds, no rule for items
        person, org = person * 2, org * 2
    rules = [
        {"code": "R01", "description": f"拟对个人处{yuan(person)}以上、对法人或者其他组织处{yuan(org)}以上罚款的",
         "act_kinds": ["penalty"], "penalty_kinds": ["fine"], "min_fine_person": money(person), "min_fine_org": money(org)},
        {"code": "R02", "description": "拟作出降低资质等级、吊销许可证件行政处罚的",
         "penalty_kinds": ["lower_qualification", "revoke_license"]},
        {"code": "R03", "description": "拟作出限制开展生产经营活动、责令停产停业、责令关闭、限制从业行政处罚的",
         "penalty_kinds": ["restrict_operations", "suspend_operations", "close", "restrict_practice"]},
        {"code": "R04", "description": "直接关系当事人或者第三人重大权益，经过听证程序的", "hearing_held": True},
        {"code": "R05", "description": "涉及重大公共利益，或者可能造成重大社会影响、引发社会风险的",
         "complexity_flags": ["public_interest", "social_impact"]},
        {"code": "R06", "description": "案件情况疑难复杂、涉及多个法律关系，或者跨区域、跨部门的",
         "complexity_flags": ["complex", "cross_region"]},
        {"code": "R07", "description": "法律、法规规定应当进行法制审核的其他情形", "complexity_flags": ["other_by_law"]},
    ]
    if system in REVIEWED_ITEMS and not older:
        codes, description = REVIEWED_ITEMS[system]
        rules.append({"code": "R08", "description": description, "act_kinds": ["coercion"], "item_codes": codes})
    if system == System.MARKET and not older:
        rules.append({"code": "R09", "description": "拟作出不予行政许可决定，且经过听证程序的", "act_kinds": ["license"],
                      "hearing_held": True})
    return {"domain": DOMAINS[system], "review_all_non_simple": system == System.ECOLOGY, "rules": rules}


def _default_av_rules() -> list[tuple[str, str, str, str]]:
    """The record store's default AV list (records migration 0003), which each agency's list starts from."""
    module = importlib.import_module("sanxiang.records.migrations.0003_r4_default_av_rules")
    return list(module.DEFAULT_RULES)


AV_TEXT = ("不直接涉及当事人权益、不易引发争议的内部程序，以文字记录为主（国办发〔2018〕118号：对查封扣押财产、"
           "强制拆除等以外的执法活动，可以根据实际情况进行音像记录）。")
AV_EXTRA = {
    System.MARKET: [("sampling", "抽样取证", "as_needed", "抽取样品的过程根据情况进行音像记录，与抽样记录相互印证。")],
    System.COMPREHENSIVE: [("summary_penalty", "当场作出行政处罚决定（简易程序）", "full",
                            "城市管理现场执法当场处罚易引发争议，执法记录仪全程记录。")],
    System.ECOLOGY: [("sampling_monitoring", "现场采样监测", "full",
                      "超标排放等案件的关键证据，采样、封样、送检全过程音像记录。")],
    System.TRANSPORT: [("roadside_check", "路面执法检查", "full", "道路运输路面执法全程使用执法记录仪记录。"),
                       ("vehicle_detention", "暂扣车辆", "full", "暂扣车辆属于对财物的暂时性控制，全过程音像记录。")],
    System.HEALTH: [("sampling", "卫生监督采样", "as_needed", "采样过程根据情况进行音像记录。")],
    System.EMERGENCY: [("order_suspension", "责令暂时停产停业、停止使用设施设备", "full",
                        "直接影响生产经营单位重大财产权益，全过程音像记录。")],
}
# Activities that need full recording in some sectors though the default asks "as needed".
AV_STRICTER = {System.ECOLOGY: {"onsite_inspection"}, System.EMERGENCY: {"onsite_inspection"},
               System.TRANSPORT: {"investigation"}}


def av_list(system: str) -> dict:
    rows = []
    for activity, name, requirement, basis in _default_av_rules():
        if activity in AV_STRICTER.get(system, set()):
            requirement, basis = "full", basis + "本领域现场检查风险较高，本机关规定全过程音像记录。"
        rows.append({"activity": activity, "name": name, "requirement": requirement, "basis": basis})
    for activity, name, requirement, basis in AV_EXTRA.get(system, []):
        rows.append({"activity": activity, "name": name, "requirement": requirement, "basis": basis})
    rows.append({"activity": "collective_discussion", "name": "负责人集体讨论", "requirement": "text_allowed", "basis": AV_TEXT})
    rows.append({"activity": "direct_service", "name": "直接送达（当事人签收的）", "requirement": "text_allowed",
                 "basis": AV_TEXT})
    return {"rows": rows}


# --- The directory of inspection objects (检查对象名录库) ------------------------------------------

BRANDS = (
    "禾丰", "鑫源", "永兴", "福源", "嘉和", "悦来", "恒昌", "隆盛", "惠民", "兴旺", "万家", "百顺", "祥瑞", "金溪", "碧溪",
    "翠峰", "云岭", "山海", "绿源", "家和", "天成", "鸿运", "瑞丰", "裕民", "德福", "佳美", "益康", "好邻", "新丰", "丰泽",
    "春晖", "明珠", "聚福", "顺达", "宏发", "安泰", "鼎盛", "协和", "润田", "溪源", "竹乡", "茗香", "岚山", "和顺", "富民",
    "长兴", "诚信", "信达", "广源", "恒远", "益民", "康桥", "同心", "汇丰", "晨光", "星河", "嘉禾", "优品", "乐购", "友邻",
    "兴达", "昌盛", "华兴", "盛泰", "旺达", "亿家", "源丰", "宏昌", "远航", "捷达", "通达", "畅通", "捷运", "顺丰源",
    "正兴", "建华", "金鼎", "海鑫", "振兴", "永盛", "隆兴", "大成", "合力", "泰和", "吉祥", "天顺", "新星", "利民", "清源",
)
TOWNS = {
    "城关镇": ("府前路", "建设路", "人民路", "滨江东路", "交通路", "解放街", "新华街", "环城北路"),
    "溪口镇": ("溪口街", "新街", "车站路"),
    "青岚镇": ("青岚街", "工业路"),
    "石门乡": ("石门村", "下洋村"),
    "桃源乡": ("桃源街", "岭头村"),
}
INDUSTRIAL_PARK = "城西工业园区"
C, IND, COOP = MarketSubject.Type.COMPANY, MarketSubject.Type.INDIVIDUAL_BUSINESS, MarketSubject.Type.COOPERATIVE
# (how many, name pattern, type, industry, tags); {b} is the brand (字号), {t} the town.
DIRECTORIES = {
    System.MARKET: [
        (6, "云岫县{b}餐饮管理有限公司", C, "餐饮服务", ["食品经营", "餐饮服务"]),
        (12, "云岫县{t}{b}小吃店", IND, "餐饮服务", ["食品经营", "餐饮服务"]),
        (8, "云岫县{t}{b}食品商行", IND, "食品销售", ["食品经营"]),
        (6, "云岫县{b}超市有限公司", C, "综合零售", ["食品经营", "商品零售", "工业产品"]),
        (8, "云岫县{t}{b}便利店", IND, "食品销售", ["食品经营", "商品零售"]),
        (6, "云岫县{t}{b}五金建材商行", IND, "五金建材零售", ["工业产品", "商品零售"]),
        (4, "云岫县{b}电器有限公司", C, "家用电器零售", ["工业产品", "商品零售"]),
        (4, "云岫县{t}{b}电动车商行", IND, "电动自行车销售", ["工业产品"]),
        (3, "云岫县{b}茶业有限公司", C, "茶叶加工", ["食品生产"]),
        (3, "云岫县{t}{b}果蔬专业合作社", COOP, "蔬菜水果种植", ["食用农产品"]),
    ],
    System.ECOLOGY: [
        (3, "云岫县{b}纸业有限公司", C, "纸制品制造", ["排污单位"]),
        (3, "云岫县{b}家具制造有限公司", C, "木质家具制造", ["排污单位", "涂装"]),
        (2, "云岫县{b}新型建材有限公司", C, "建筑材料制造", ["排污单位"]),
        (2, "云岫县{b}汽车维修有限公司", C, "汽车维修", ["涂装"]),
    ],
    System.TRANSPORT: [
        (4, "云岫县{b}物流有限公司", C, "道路货物运输", ["道路货运"]),
        (3, "云岫县{b}货运有限公司", C, "道路货物运输", ["道路货运"]),
        (3, "云岫县{b}运输有限公司", C, "道路货物运输", ["道路货运"]),
    ],
    System.EMERGENCY: [
        (3, "云岫县{b}竹木制品有限公司", C, "竹木制品制造", ["工贸企业"]),
        (2, "云岫县{b}机械制造有限公司", C, "通用设备制造", ["工贸企业"]),
        (2, "云岫县{b}食品有限公司", C, "食品制造", ["工贸企业"]),
        (1, "云岫县{b}纺织有限公司", C, "纺织业", ["工贸企业"]),
        (2, "云岫县{b}化工经营部", IND, "危险化学品经营", ["危险化学品经营"]),
    ],
}


def directory_rows(rng: random.Random, system: str, region: Region) -> list[dict]:
    """Fictional market subjects with valid USCCs of the fictional county (none of them exists)."""
    rows, names, codes = [], set(), set()
    brands = list(BRANDS)
    rng.shuffle(brands)
    for count, pattern, kind, industry, tags in DIRECTORIES[system]:
        made = 0
        while made < count:
            brand = brands.pop()
            town = rng.choice(list(TOWNS))
            name = pattern.format(b=brand, t=town if kind != C else "")
            if name in names:
                continue
            uscc = make_uscc(rng, org_demo.COUNTY_CODE, authority="9", kind={C: "1", IND: "2", COOP: "3"}[kind])
            if uscc in codes:
                continue
            names.add(name)
            codes.add(uscc)
            if kind == C and industry.endswith("制造"):
                address = f"{COUNTY}城关镇{INDUSTRIAL_PARK}{rng.randint(1, 40)}号"
            else:
                address = f"{COUNTY}{town}{rng.choice(TOWNS[town])}{rng.randint(1, 260)}号"
            rows.append({"uscc": uscc, "name": name, "type": kind, "industry": industry, "address": address,
                         "region": region, "tags": list(tags)})
            made += 1
    return rows


# --- The loader --------------------------------------------------------------------------------


def aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _DemoCatalog:
    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.year = today.year
        self.history_day = datetime.date(today.year - 2, 3, 1)
        self.operator = SystemActor("system:demo")
        self.counts: dict[str, int] = {}
        self.accounts: list[dict] = []
        self.password_hash = ""

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    # --- people ---------------------------------------------------------------------------------
    def login_for(self, person: Person, slug: str, role: str):
        """The person's login; a new demo account when the registry gave them none."""
        if person.user_id:
            return person.user
        username = f"{slug}-{role}"
        person = update_person(self.operator, person, username=username)
        user = person.user
        user.password = self.password_hash
        user.last_name, user.first_name = person.name[0], person.name[1:]
        user.save(update_fields=["password", "last_name", "first_name"])
        self.accounts.append({"username": username, "name": person.name, "agency": person.agency.name,
                              "role": str(Role(role).label)})
        return user

    def staff(self, agency: Agency) -> Staff | None:
        spec = next((s for s in org_demo.AGENCIES if s.name == agency.name), None)
        if spec is None:
            return None

        def holder(role):
            return (Person.objects.filter(agency=agency, is_active=True, roles__role=role)
                    .select_related("user", "agency").order_by("pk").first())

        leader, publisher = holder(Role.LEADER), holder(Role.PUBLISHER)
        if leader is None or publisher is None:
            return None
        slug = SLUGS.get(agency.system, f"a{agency.pk}")
        departments = list(Department.objects.filter(agency=agency).order_by("pk"))
        teams = [d for d in departments if not d.is_review_unit and d.name != org_demo.OFFICE]
        head = (Person.objects.filter(agency=agency, department=teams[0], roles__role=Role.DEPARTMENT_HEAD,
                                      user__isnull=False).select_related("user").first() if teams else None)
        return Staff(
            agency=agency, spec=spec, slug=slug,
            publisher=self.login_for(publisher, slug, Role.PUBLISHER), leader=self.login_for(leader, slug, Role.LEADER),
            head=head.user if head else None, teams=teams,
            review_unit=next((d for d in departments if d.is_review_unit), None),
            office=next((d for d in departments if d.name == org_demo.OFFICE), None),
        )

    # --- publishing -----------------------------------------------------------------------------
    def drafter(self, s: Staff, department: Department | None):
        """The first team's head drafts that team's entries where they have a login; the publisher the rest."""
        if s.head is not None and department is not None and s.teams and department.pk == s.teams[0].pk:
            return s.head
        return s.publisher

    def publish(self, s: Staff, kind: str, code: str, content: dict, department=None, note: str = "",
                since: datetime.date | None = None) -> Version:
        """Draft, submit and approve one entry; ``since`` publishes a first version in force before the system (补录)."""
        drafter = self.drafter(s, department)
        content = self.resolve(content)
        version = services.create_entry(drafter, agency=s.agency, kind=kind, code=code, content=content,
                                        department=department, change_note=note)
        version = services.submit(drafter, version)
        reason = f"该版本自{since:%Y年%m月%d日}起已在本机关门户网站公示施行，系统上线时按原施行日期补录" if since else ""
        version = services.approve(s.leader, version, note="经审核，内容与法律法规规定一致，同意发布。",
                                   effective_from=since, retroactive_reason=reason)
        self.count(f"published_{kind}")
        return version

    def resolve(self, content: dict) -> dict:
        """Basis references by provision id (one lookup here instead of one per reference in every check).

        A reference the library does not hold is left as written, so the service's check names it.
        """
        if not isinstance(content.get("basis"), list):
            return content
        basis = []
        for reference in content["basis"]:
            numbers = parse_citation(reference.get("citation", "")) if "statute" in reference else None
            pk = self.provisions.get((reference["statute"], *numbers)) if numbers else None
            basis.append({"provision_id": pk, "role": reference.get("role", "")} if pk else reference)
        return {**content, "basis": basis}

    def revise(self, s: Staff, old: Version, content: dict, note: str) -> Version:
        """Publish the successor of ``old`` (a first version published from ``history_day``) from today."""
        drafter = self.drafter(s, old.entry.department)
        version = services.new_draft(drafter, old.entry, content=self.resolve(content), change_note=note)
        version = services.submit(drafter, version)
        version = services.approve(s.leader, version, note="同意按年度动态调整意见发布新版本。")
        self.count(f"published_{old.entry.kind}")
        self.count("entries_with_history")
        return version

    # --- the whole catalog ----------------------------------------------------------------------
    def run(self) -> None:
        ensure_library()
        self.provisions = {
            (title, article, paragraph, number): pk
            for pk, title, article, paragraph, number in Provision.objects.values_list(
                "pk", "statute__title", "article", "paragraph", "item")
        }
        User = get_user_model()
        known = User.objects.filter(username="publisher").first()
        self.password_hash = known.password if known else ""
        if not self.password_hash:
            from django.contrib.auth.hashers import make_password

            self.password_hash = make_password(DEMO_PASSWORD)
        staff: dict[str, Staff] = {}
        for agency in Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT).order_by("pk"):
            found = self.staff(agency)
            if found is not None:
                staff.setdefault(agency.system, found)
        if not staff:
            return
        self.items(staff)
        self.guides_and_templates(staff)
        self.inspections(staff)
        self.review_and_av(staff)
        self.unpublished(staff)
        self.error_reports(staff)
        self.counts["accounts"] = len(self.accounts)
        audit.record(
            None, AUDIT_ACTION, object_type="catalog", object_repr=f"演示数据：{COUNTY}事前公开清单",
            after={"counts": self.counts, "accounts": self.accounts, "logins": []},
            reason="sanxiang demo：加载演示清单、服务指南、随机抽查和双随机抽取",
        )

    def items(self, staff: dict[str, Staff]) -> None:
        year = self.year
        notes = {
            "SC-XK-001": f"{year}年度清单动态调整：承诺办结时限由十个工作日压缩为五个工作日；增加全程网上办理渠道。",
            "SC-CF-003": (f"{year}年度清单动态调整：将“初次违法、及时补建进货查验记录、未发现不合格食品”的情形列入不予"
                          "处罚情形；拒不改正情形下的罚款细分为五千元至一万五千元、一万五千元至三万五千元、三万五千元至五万元"
                          "三档，并增加集中用餐配送等从重情形。"),
            "ZF-CF-001": (f"{year}年度清单动态调整：一般情形按经营场所面积细分；将“初次违法、限期内改正并达标排放、未被投诉”"
                          "的情形列入首违不罚。"),
        }
        builders = {
            System.MARKET: market_items, System.COMPREHENSIVE: comprehensive_items, System.ECOLOGY: ecology_items,
            System.TRANSPORT: transport_items, System.HEALTH: health_items, System.EMERGENCY: emergency_items,
        }
        for system, build in builders.items():
            s = staff.get(system)
            if s is None:
                continue
            older = {}
            if system in (System.MARKET, System.COMPREHENSIVE):
                older = {code: content for code, _d, content in build(s, history=True)}
            for code, department, content in build(s):
                if code in older:
                    old = self.publish(s, ITEM, code, older[code], department, note="首次发布", since=self.history_day)
                    self.revise(s, old, content, notes[code])
                else:
                    self.publish(s, ITEM, code, content, department)

    def guides_and_templates(self, staff: dict[str, Staff]) -> None:
        for s, code, content in guides(staff):
            self.publish(s, GUIDE, code, content, s.office)
        for system, rows in TEMPLATES.items():
            s = staff.get(system)
            if s is None:
                continue
            for code, doc_code, name, act_kinds, purpose in rows:
                self.publish(s, TEMPLATE, code, {"doc_code": doc_code, "name": name, "act_kinds": act_kinds,
                                                  "purpose": purpose}, s.review_unit)

    def review_and_av(self, staff: dict[str, Staff]) -> None:
        year = self.year
        for system, s in staff.items():
            if system == System.MARKET:
                old = self.publish(s, REVIEW, "FZSH", review_catalog(system, older=True), s.review_unit, note="首次发布",
                                   since=self.history_day)
                self.revise(s, old, review_catalog(system), (
                    f"{year}年度动态调整：罚款审核标准由对个人二万元、对单位二十万元以上调整为对个人一万元、对单位十万元以上；"
                    "将查封经营场所等行政强制措施和经过听证的不予许可决定列入审核目录。"))
            else:
                self.publish(s, REVIEW, "FZSH", review_catalog(system), s.review_unit)
            self.publish(s, AV, "YXJL", av_list(system), s.review_unit)

    # --- random inspections ---------------------------------------------------------------------
    def inspections(self, staff: dict[str, Staff]) -> None:
        items = {System.MARKET: SC_INSPECTION_ITEMS, System.ECOLOGY: [ST_INSPECTION_ITEM],
                 System.TRANSPORT: [JT_INSPECTION_ITEM], System.EMERGENCY: [YJ_INSPECTION_ITEM]}
        published: dict[str, Version] = {}
        for system, rows in items.items():
            s = staff.get(system)
            if s is None:
                continue
            for code, content in rows:
                published[code] = self.publish(s, INSPECTION_ITEM, code, content, s.team(0))
            subjects = inspections.add_subjects(s.publisher, agency=s.agency,
                                                rows=directory_rows(self.rng, system, s.agency.region))
            self.count("market_subjects", len(subjects))
        market = staff.get(System.MARKET)
        if market is None or market.head is None:
            return
        plan = self.publish(market, PLAN, f"SC-JH-{self.year}", self.plan_content(market), market.team(0))
        self.conflicts(market)
        drawn = inspections.completed_draw(
            market.head, item_version=published["SC-SJ-001"], plan_version=plan,
            title=f"{self.year}年第四季度食品经营者经营行为双随机抽查",
            seed=f"{self.rng.getrandbits(256):064x}", seed_source="抽取人员在公布前用随机数发生器生成，抽取前向社会公布",
        )
        self.count("draws_drawn")
        tomorrow = self.today + datetime.timedelta(days=1)
        inspections.announce(
            market.publisher, item_version=published["SC-SJ-002"], plan_version=plan,
            title=f"{self.year}年重点工业产品质量双随机监督抽查", seed=f"{self.rng.getrandbits(256):064x}",
            seed_source="抽取人员在公布前用随机数发生器生成，抽取前向社会公布",
            scheduled_for=aware(tomorrow, 9, 30),
        )
        self.count("draws_announced")
        self.drawn_draw = drawn

    def plan_content(self, s: Staff) -> dict:
        year = self.year
        team1, team2 = s.team(0).name, s.team(1).name
        return {
            "year": year, "name": f"{s.agency.name}{year}年度双随机抽查工作计划",
            "tasks": [
                {"item_code": "SC-SJ-001", "title": f"{year}年第四季度食品经营者经营行为双随机抽查", "ratio_percent": "10.00",
                 "start": f"{year}-10-01", "end": f"{year}-12-20", "department": team1},
                {"item_code": "SC-SJ-002", "title": f"{year}年重点工业产品质量双随机监督抽查", "ratio_percent": "5.00",
                 "start": f"{year}-09-01", "end": f"{year}-12-25", "department": team2},
                {"item_code": "SC-SJ-003", "title": f"{year}年食品安全监督抽检", "ratio_percent": "3.00",
                 "start": f"{year}-03-01", "end": f"{year}-11-30", "department": team1},
            ],
        }

    def conflicts(self, s: Staff) -> None:
        food = [m for m in MarketSubject.objects.filter(agency=s.agency).order_by("uscc") if "食品经营" in m.tags]
        officer = Person.objects.filter(user__username="officer", agency=s.agency).select_related("user").first()
        colleague = (Person.objects.filter(agency=s.agency, department=s.team(1), roles__role=Role.OFFICER)
                     .exclude(roles__role=Role.DEPARTMENT_HEAD).order_by("pk").first())
        pairs = []
        if officer is not None:
            pairs.append((officer.user, officer, food[3], "本人配偶为该经营者的经营者（个体工商户业主）"))
        if colleague is not None:
            pairs.append((s.head, colleague, food[11], "其兄为该公司股东，持股百分之三十"))
        for user, person, subject, reason in pairs:
            inspections.declare_conflict(user, person=person, subject=subject, reason=reason)
            self.count("conflict_declarations")

    # --- not public: drafts, a returned version, one awaiting approval ---------------------------
    def unpublished(self, staff: dict[str, Staff]) -> None:
        market, comprehensive, transport = (staff.get(System.MARKET), staff.get(System.COMPREHENSIVE),
                                            staff.get(System.TRANSPORT))
        if market is not None:
            drafter = market.head or market.publisher
            services.create_entry(drafter, agency=market.agency, kind=ITEM, code="SC-CF-007", department=market.team(0),
                                  content=catering_process_penalty(market), change_note="新增事项，起草中")
            self.count("drafts")
            entry = Entry.objects.get(agency=market.agency, kind=ITEM, code="SC-CF-001")
            content = dict(Version.objects.filter(entry=entry, status=VersionStatus.PUBLISHED).latest("number").content)
            content["benchmark"] = dict(content["benchmark"])
            content["benchmark"]["no_penalty_conditions"] += (
                "在农村集体聚餐中为亲友无偿加工食品的，不属于食品经营活动，不适用本事项。")
            version = services.new_draft(drafter, entry, content=content,
                                         change_note="补充农村集体聚餐不属于食品经营活动的说明")
            services.submit(drafter, version)
            self.count("submitted")
        if comprehensive is not None:
            entry = Entry.objects.get(agency=comprehensive.agency, kind=ITEM, code="ZF-CF-002")
            services.new_draft(comprehensive.publisher, entry, change_note="拟将秸秆禁烧重点区域的情形单列一档，征求乡镇意见中")
            self.count("drafts")
        if transport is not None:
            entry = Entry.objects.get(agency=transport.agency, kind=ITEM, code="JT-CF-002")
            version = services.new_draft(transport.publisher, entry, content=driver_penalty(transport, returned_note=True),
                                         change_note="修改严重情形的表述")
            version = services.submit(transport.publisher, version)
            services.return_draft(transport.leader, version, note=(
                "“情节严重”的表述过于笼统，执法人员无法据此确定档次，请列明具体认定标准（如一年内再次被查处、发生交通"
                "事故等）后重新送审。"))
            self.count("returned")

    # --- public error reports (纠错) ---------------------------------------------------------------
    def error_reports(self, staff: dict[str, Staff]) -> None:
        market, comprehensive = staff.get(System.MARKET), staff.get(System.COMPREHENSIVE)
        if comprehensive is not None:
            entry = Entry.objects.get(agency=comprehensive.agency, kind=GUIDE, code="ZF-ZN-001")
            services.report_error(
                agency=comprehensive.agency, entry=entry, page_path=entry_path(comprehensive.agency, GUIDE, entry.code),
                text="服务指南写的咨询电话工作日下午打了几次都无人接听，请核实号码是否已经变更。另外能否说明占用期限最长可以多久？",
                contact="林先生 13500008821",
            )
            self.count("error_reports")
        if market is not None:
            entry = Entry.objects.get(agency=market.agency, kind=ITEM, code="SC-CF-003")
            report = services.report_error(
                agency=market.agency, entry=entry, page_path=entry_path(market.agency, ITEM, entry.code),
                text="裁量基准“一般”档写的罚款下限是五千元，是不是应该先给予警告？法律规定是怎样的？",
                contact="",
            )
            services.answer_error(market.publisher, report, status=ErrorReport.Status.REJECTED, answer=(
                "经核实，《中华人民共和国食品安全法》第一百二十六条第一款规定，对此类违法行为“责令改正，给予警告；拒不改正的，"
                "处五千元以上五万元以下罚款”。本基准“轻微”档对应首次发现并按期改正的情形，给予警告；“一般”档适用于经责令改正"
                "拒不改正的情形，下限五千元与法律规定一致。页面内容无误，感谢您的关注。"))
            self.count("error_reports")
            self.count("error_reports_answered")


def catering_process_penalty(s: Staff) -> dict:
    return penalty(
        s, "对食品生产企业、餐饮服务提供者未按规定制定、实施生产经营过程控制要求的行政处罚",
        [ref("食品安全法", "第一百二十六条第一款第（十三）项", PUNISH)],
        benchmark([
            tier("minor", "首次被发现，在责令期限内改正的", ["warning"]),
            tier("ordinary", "经责令改正拒不改正的", ["fine"], both=(5000, 20000)),
            tier("serious", "拒不改正且属于学校食堂、集体用餐配送单位的", ["fine"], both=(20000, 50000)),
        ]),
        sector="食品安全",
    )


def entry_path(agency: Agency, kind: str, code: str) -> str:
    """The path of an entry's public page (sanxiang/portal/urls.py: gongshi/zhuti/<pk>/<section>/<code>/).

    Built by hand rather than by ``reverse``: resolving would import every view of the project, which
    costs the demo a second.
    """
    try:
        from sanxiang.portal.sections import BY_KIND

        section = BY_KIND[kind].slug
    except (ImportError, KeyError):
        section = {ITEM: "shixiang", GUIDE: "fuwuzhinan"}.get(kind, kind)
    return f"/gongshi/zhuti/{agency.pk}/{section}/{code}/"


def load_demo_catalog(rng: random.Random) -> list[DemoLogin]:
    """Demo loader (see :mod:`sanxiang.core.demo_registry`): the catalogs of the demo county's agencies.

    Returns no logins of its own for the printed table (the accounts it gives the other agencies'
    publishers and leaders are listed in its ``demo.load.catalog`` audit event and in docs/catalog.md).
    """
    from sanxiang.records.checkpoints import make_checkpoint

    with transaction.atomic():
        _DemoCatalog(rng, timezone.localdate()).run()
        # A signed checkpoint over everything the demo put in the log (publications and draws included),
        # so that `sanxiang verify` on a fresh demo finds no entry outside a checkpoint.
        make_checkpoint()
    return []


__all__ = ["AUDIT_ACTION", "load_demo_catalog"]
