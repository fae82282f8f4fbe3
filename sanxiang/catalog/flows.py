"""Procedure definitions per kind of enforcement act (执法流程, PUB-07, REV-10) — one source for the
case workflow and the published flowcharts.

Each :class:`Flow` is data: its steps (:class:`Step` — who acts, on what legal basis, within what
time limit, producing which documents, under which AV-recording activity) and the allowed
transitions between them (:class:`Transition`, each with the name of a guard the case workflow
implements and the guard's plain Chinese description from :data:`GUARDS`).

The case workflow (app ``cases``) takes its transition table from :func:`transitions` and refuses
any other move; the flowcharts (:mod:`sanxiang.catalog.flowchart`) draw exactly the same edges, and a
test compares the rendered chart's edges with :func:`transitions` for every flow (REV-10).

Every flow is checked when this module is imported (:meth:`Flow.__post_init__`): steps exist for
every transition, exactly one start, every step reachable from it, every non-terminal step can go
on and every path can end in a named terminal step, documents and guards exist, branches are guarded.

Time limits follow the statutes; where a statute says 日 and another article makes those days
working days (《行政处罚法》第八十五条: 二日、三日、五日、七日; 《行政强制法》第六十九条: 十日以内;
《行政许可法》第八十二条: all its periods), ``working_days`` is true (LAW-10). See docs/flows.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections import deque
from dataclasses import dataclass, field

from sanxiang.catalog import documents
from sanxiang.catalog.vocab import ActKind

__all__ = [
    "ACTORS",
    "FLOWS",
    "GUARDS",
    "Flow",
    "FlowDefinitionError",
    "Guard",
    "Step",
    "TimeLimit",
    "Transition",
    "flows_for_act_kind",
    "get",
    "outgoing",
    "signature",
    "transitions",
]

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

XZCFF = "《行政处罚法》"
XZQZF = "《行政强制法》"
XZXKF = "《行政许可法》"

# Who performs a step (执行主体): key → (Chinese name, the org Role that holds it, or "" for the party or a designated person).
ACTORS: dict[str, tuple[str, str]] = {
    "officer": ("执法人员", "officer"),
    "department_head": ("承办机构负责人", "department_head"),
    "leader": ("行政机关负责人", "leader"),
    "leaders_collective": ("行政机关负责人集体讨论", "leader"),
    "reviewer": ("法制审核机构", "reviewer"),
    "hearing_host": ("听证主持人（非本案调查人员）", ""),
    "party": ("当事人", ""),
    "applicant": ("申请人、利害关系人", ""),
    "publisher": ("信息公示员", "publisher"),
}


class FlowDefinitionError(ValueError):
    """A flow definition is inconsistent. Raised at import, so an inconsistent flow never ships."""


@dataclass(frozen=True)
class Guard:
    """A condition on a transition (流转条件) that the case workflow implements under ``name``.

    ``label`` is the short text on the flowchart's edge, ``description`` the plain words the public
    and the officer read, ``rule`` the requirement or article the refusal names.
    """

    name: str
    label: str
    description: str
    rule: str = ""


def _guards(*rows: tuple[str, str, str, str]) -> dict[str, Guard]:
    out: dict[str, Guard] = {}
    for name, label, description, rule in rows:
        if name in out:
            raise FlowDefinitionError(f"条件名称重复：{name}")
        out[name] = Guard(name, label, description, rule)
    return out


GUARDS: dict[str, Guard] = _guards(
    # 行政处罚 (general procedure)
    ("filing_approved", "予以立案", "符合立案标准，经行政机关负责人批准立案（《行政处罚法》第五十四条第二款）。", "XZCFF-54"),
    ("filing_refused", "不予立案", "经核查不符合立案标准，经行政机关负责人批准不予立案。", "XZCFF-54"),
    ("preservation_approved", "先行登记保存", "证据可能灭失或者以后难以取得，"
                                              "经行政机关负责人批准先行登记保存（《行政处罚法》第五十六条）。", "XZCFF-56"),
    ("investigation_complete", "调查终结", "案件事实已调查清楚，"
                                           "由两名以上具有执法资格的执法人员完成调查取证（LAW-01）。", "LAW-01"),
    ("review_required", "须法制审核", "拟作出的决定属于重大执法决定法制审核目录清单所列情形，"
                                      "或者依法应当法制审核（《行政处罚法》第五十八条，REV-02）。", "REV-02"),
    ("penalty_intended_no_review", "拟处罚", "拟给予行政处罚，且不属于须法制审核的情形。", "REV-02"),
    ("no_penalty_intended_no_review", "拟不予处罚等", "拟不予行政处罚、撤销立案或者移送司法机关，"
                                                      "且不属于须法制审核的情形。", "REV-02"),
    ("review_returned", "退回补充调查", "法制审核认为事实不清、证据不足或者存在其他问题，退回承办机构补充调查、"
                                        "修改后重新送审（REV-07）。", "REV-07"),
    ("review_passed_notice_pending", "审核通过", "法制审核通过，拟给予行政处罚，尚未事先告知当事人（REV-01）。", "REV-01"),
    ("collective_required", "须集体讨论",
     "对情节复杂或者重大违法行为拟给予行政处罚，或者法制审核意见存在争议，须由行政机关负责人集体讨论决定；"
     "拟处罚的已事先告知并听取陈述、申辩，须法制审核的已审核通过（《行政处罚法》第五十七条第二款，LAW-06、REV-07）。", "LAW-06"),
    ("ready_to_decide", "报负责人决定",
     "拟处罚的已事先告知并听取陈述、申辩，要求听证的已举行听证；须法制审核的已审核通过；无须集体讨论"
     "（《行政处罚法》第六十二条，LAW-04、LAW-05、REV-01）。", "LAW-04"),
    ("hearing_requested", "要求听证",
     "拟作出的处罚属于听证范围，当事人在告知后五个工作日内要求听证（《行政处罚法》第六十三条、第六十四条，LAW-05）。", "LAW-05"),
    ("new_facts_need_investigation", "补充调查", "当事人提出的事实、理由或者证据成立，"
                                                 "需要补充调查（《行政处罚法》第四十五条）。", "XZCFF-45"),
    ("review_required_after_hearing", "听证后法制审核",
     "经过听证程序、直接关系当事人或者第三人重大权益的，作出决定前须法制审核"
     "（《行政处罚法》第五十八条第一款第（二）项）。", "REV-01"),
    ("collective_decided", "形成决定", "集体讨论已作出决定意见并形成记录（LAW-06）。", "LAW-06"),
    ("collective_orders_investigation", "补充调查", "集体讨论认为需要补充调查。", "LAW-06"),
    ("decided_penalty", "给予处罚",
     "违法事实确凿、依法应当给予处罚：已事先告知并听取陈述、申辩（及听证），须法制审核的已审核通过，须集体讨论的已讨论决定"
     "（《行政处罚法》第五十七条第一款第（一）项、第六十二条，REV-01）。", "REV-01"),
    ("decided_no_penalty", "不予处罚", "违法行为轻微依法可以不予处罚，或者违法事实不能成立（《行政处罚法》第三十三条、"
                                       "第五十七条第一款第（二）（三）项）。", "XZCFF-57"),
    ("decided_withdraw", "撤销立案", "经调查不符合立案条件，经行政机关负责人批准撤销立案。", "XZCFF-57"),
    ("decided_transfer", "移送司法机关",
     "违法行为涉嫌犯罪，移送司法机关（《行政处罚法》第二十七条、第五十七条第一款第（四）项）。", "XZCFF-27"),
    ("penalty_to_execute", "有须履行的义务", "行政处罚决定书已送达，当事人有须履行的义务（罚款、没收等）。", "LAW-07"),
    ("nothing_to_execute", "无须执行", "决定已送达，无须执行（不予处罚，或者仅给予警告、通报批评）。", "LAW-07"),
    ("executed", "履行完毕",
     "当事人已履行，或者依法强制执行完毕、依法终结执行；逾期不履行的，转入行政强制执行程序（《行政处罚法》第六十六条、"
     "第七十二条）。", "LAW-07"),
    # 行政处罚 (simple procedure)
    ("simple_procedure_applies", "当场处罚",
     "违法事实确凿并有法定依据，对公民处二百元以下、对法人或者其他组织处三千元以下罚款或者警告，已听取陈述、申辩"
     "（《行政处罚法》第五十一条，LAW-02）。", "LAW-02"),
    ("simple_procedure_not_applicable", "转普通程序", "不符合当场处罚的条件（如罚款数额超过限额、事实需要调查），"
                                                      "转为普通程序办理。", "LAW-02"),
    # 行政强制措施
    ("measure_routine", "报批",
     "非紧急情况，实施前须向行政机关负责人报告并经批准（《行政强制法》第十八条第（一）项）。", "XZQZF-18"),
    ("measure_emergency", "情况紧急", "情况紧急，需要当场实施行政强制措施（《行政强制法》第十九条）。", "XZQZF-19"),
    ("measure_approved", "批准", "行政机关负责人批准实施。", "XZQZF-18"),
    ("measure_not_approved", "不批准", "行政机关负责人不批准实施。", "XZQZF-18"),
    ("was_emergency", "补办批准", "当场实施的，须在二十四小时内向行政机关负责人报告并补办批准手续（《行政强制法》第十九条，"
                                  "LAW-09）。", "LAW-09"),
    ("approved_in_advance", "已批准", "实施前已经行政机关负责人批准。", "XZQZF-18"),
    ("approval_confirmed", "负责人同意", "行政机关负责人同意采取该措施，补办批准手续。", "XZQZF-19"),
    ("approval_refused_release", "立即解除", "行政机关负责人认为不应当采取行政强制措施，"
                                             "应当立即解除（《行政强制法》第十九条）。", "XZQZF-19"),
    ("extension_approved", "延长期限",
     "情况复杂，经行政机关负责人批准延长一次，延长不超过三十日，并书面告知当事人（《行政强制法》第二十五条，"
     "LAW-09）。", "LAW-09"),
    ("release_grounds", "解除",
     "当事人没有违法行为、财物与违法行为无关、已作出处理决定不再需要、"
     "期限届满或者其他不再需要的情形（《行政强制法》第二十八条）。", "XZQZF-28"),
    ("handling_decided", "依法处理", "在期限内查清事实，作出没收、销毁等处理决定（《行政强制法》第二十七条）。", "XZQZF-27"),
    # 行政强制执行
    ("monetary_surcharge", "加处罚款", "金钱给付义务逾期不履行，依法加处罚款或者滞纳金，"
                                       "数额不超出金钱给付义务的数额（《行政强制法》第四十五条）。", "XZQZF-45"),
    ("no_surcharge", "直接催告", "非金钱给付义务，或者不加处罚款、滞纳金。", "XZQZF-35"),
    ("obligation_performed", "已履行", "当事人在催告期间履行了义务，或者提出的事实、理由、"
                                       "证据成立（《行政强制法》第三十六条）。", "XZQZF-36"),
    ("enforce_by_agency", "强制执行",
     "经催告逾期仍不履行且无正当理由，本机关依法具有行政强制执行权（《行政强制法》第三十四条、第三十七条）。", "XZQZF-37"),
    ("substitute_performance", "代履行",
     "排除妨碍、恢复原状等义务经催告仍不履行，后果已经或者将危害交通安全、"
     "造成环境污染或者破坏自然资源（《行政强制法》第五十条）。", "XZQZF-50"),
    ("apply_to_court", "申请法院执行",
     "本机关没有行政强制执行权，当事人在法定期限内不申请行政复议、"
     "不提起行政诉讼又不履行（《行政强制法》第五十三条）。", "XZQZF-53"),
    # 行政检查
    ("random_inspection", "双随机抽查", "属于随机抽查事项清单的检查，"
                                        "按年度抽查计划随机抽取检查对象和执法检查人员（PUB-05）。", "PUB-05"),
    ("targeted_inspection", "其他检查", "依投诉举报、转办交办、重点监管等确定检查对象的检查。", "PUB-05"),
    ("violation_found", "发现违法", "发现涉嫌违法行为，依法转入行政处罚程序（案源登记）。", "XZCFF-54"),
    ("no_violation", "未发现问题", "未发现违法行为，或者已当场责令改正。", "PUB-12"),
    # 行政许可
    ("materials_complete", "受理", "申请事项属于本机关职权范围，申请材料齐全、"
                                   "符合法定形式（《行政许可法》第三十二条第一款第（五）项）。", "XZXKF-32"),
    ("materials_incomplete", "一次告知补正",
     "申请材料不齐全或者不符合法定形式，一次告知需要补正的全部内容（《行政许可法》第三十二条第一款第（四）项）。", "XZXKF-32"),
    ("application_inadmissible", "不予受理",
     "申请事项依法不需要取得行政许可，或者不属于本机关职权范围（《行政许可法》第三十二条第一款第（一）（二）项）。", "XZXKF-32"),
    ("corrected", "补正齐全", "申请人按照补正通知提交了全部补正材料。", "XZXKF-32"),
    ("not_corrected", "未补正", "申请人未按照补正通知补正。", "XZXKF-32"),
    ("license_hearing_rights", "告知听证权利",
     "许可事项直接涉及申请人与他人之间重大利益关系（《行政许可法》第四十七条）。", "XZXKF-47"),
    ("license_hearing_required", "依法听证",
     "法律、法规、规章规定应当听证，或者涉及公共利益的重大许可事项，"
     "向社会公告并举行听证（《行政许可法》第四十六条）。", "XZXKF-46"),
    ("license_hearing_requested", "申请听证", "申请人、利害关系人在被告知听证权利之日起五个工作日内提出听证申请（《行政许可法》第"
                                              "四十七条）。", "XZXKF-47"),
    ("conditions_met", "准予许可", "申请符合法定条件、标准；依法须听证的已举行听证并根据听证笔录作出决定（《行政许可法》第三十八"
                                   "条第一款、第四十八条）。", "XZXKF-38"),
    ("conditions_not_met", "不予许可", "申请不符合法定条件、标准，"
                                       "书面说明理由并告知救济权利（《行政许可法》第三十八条第二款）。", "XZXKF-38"),
    ("license_granted", "公开", "准予行政许可的决定应当予以公开（《行政许可法》第四十条，PUB-12）。", "PUB-12"),
    ("license_denied", "办结", "不予行政许可决定已送达，办结。", "XZXKF-38"),
)


@dataclass(frozen=True)
class TimeLimit:
    """A time limit of a step (办理时限).

    ``relation``:

    - ``"within"``: the step must be completed within the period counted from ``from_step``;
    - ``"before"``: the step must be completed at least the period **before** ``from_step`` takes place
      (e.g. the hearing notice 7 working days before the hearing);
    - ``"after"``: the step may not be taken until the period after ``from_step`` has passed.

    ``from_step`` is a step of the same flow; the period counts from the day that step was completed
    (the start day itself not counted). When ``from_step`` is the step itself, it counts from the day the
    step began (the previous step's completion). When the case did not pass through ``from_step`` the
    limit does not apply. A period is either ``days`` (calendar days unless ``working_days``) or ``hours``.
    ``extension_days`` is a further period the law allows with approval (``extension_note`` says whose).
    """

    days: int = 0
    working_days: bool = False
    from_step: str = ""
    citation: str = ""
    hours: int = 0
    relation: str = "within"
    extension_days: int = 0
    extension_note: str = ""
    from_label: str = ""
    note: str = ""

    RELATIONS = ("within", "before", "after")

    @property
    def period(self) -> str:
        if self.hours:
            return f"{self.hours}小时"
        return f"{self.days}个工作日" if self.working_days else f"{self.days}日"

    @property
    def extension(self) -> str:
        if not self.extension_days:
            return ""
        unit = "个工作日" if self.working_days else "日"
        return f"经批准可延长{self.extension_days}{unit}"


@dataclass(frozen=True)
class Step:
    """A step of a procedure (流程环节): who acts, on what basis, within what limit, producing which documents.

    ``av_activity`` names the activity of the AV recording item list (音像记录事项清单, REC-03, e.g.
    ``"seizure"``); the requirement (full-process / as needed / text allowed) is read from the agency's
    list at run time. ``optional`` steps happen only when ``condition`` (a guard name) holds; ``branch``
    is the short question the flowchart's decision diamond asks when the step has several ways on.
    """

    key: str
    name: str
    actor: str
    basis: str
    time_limit: TimeLimit | None = None
    documents: tuple[str, ...] = ()
    av_activity: str = ""
    optional: bool = False
    condition: str = ""
    branch: str = ""
    note: str = ""

    @property
    def actor_name(self) -> str:
        return ACTORS[self.actor][0]

    @property
    def actor_role(self) -> str:
        return ACTORS[self.actor][1]

    @property
    def condition_text(self) -> str:
        return GUARDS[self.condition].description if self.condition else ""

    def time_limit_text(self, flow: Flow) -> str:
        """The time limit in plain words, e.g. ``自立案之日起90日内`` (empty when there is none)."""
        limit = self.time_limit
        if limit is None:
            return ""
        if limit.from_label:
            start = limit.from_label
        elif limit.from_step == self.key:
            start = "自本环节开始之日起"
        else:
            start = f"自{flow.step(limit.from_step).name}之日起"
        if limit.relation == "before":
            text = f"{flow.step(limit.from_step).name}{limit.period}前"
        elif limit.relation == "after":
            text = f"{start}满{limit.period}后"
        else:
            text = f"{start}{limit.period}内"
        if limit.extension:
            text += f"（{limit.extension}）"
        return text


@dataclass(frozen=True)
class Transition:
    """An allowed move between two steps (流转). ``guard`` names the condition; empty means always allowed."""

    source: str
    target: str
    guard: str = ""

    @property
    def label(self) -> str:
        return GUARDS[self.guard].label if self.guard else ""

    @property
    def description(self) -> str:
        return GUARDS[self.guard].description if self.guard else ""


@dataclass(frozen=True)
class Flow:
    """A procedure (执法流程) for one kind of act: steps, transitions, the start and the terminal steps."""

    key: str
    act_kind: str
    name: str
    summary: str
    basis: tuple[str, ...]
    steps: tuple[Step, ...]
    transitions: tuple[Transition, ...]
    start: str
    terminals: tuple[str, ...]
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_index", {step.key: step for step in self.steps})
        problems = validate(self)
        if problems:
            raise FlowDefinitionError(f"流程 {self.key}（{self.name}）定义有误：" + "；".join(problems))

    def step(self, key: str) -> Step:
        return self._index[key]

    def has_step(self, key: str) -> bool:
        return key in self._index

    def outgoing(self, key: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == key]

    def edges(self) -> set[tuple[str, str]]:
        return {(t.source, t.target) for t in self.transitions}

    @property
    def act_kind_label(self) -> str:
        return str(ActKind(self.act_kind).label)


def validate(flow: Flow) -> list[str]:
    """Every problem of a flow definition, in Chinese (empty when it is consistent)."""
    problems: list[str] = []
    if not KEY_RE.match(flow.key):
        problems.append(f"流程代码 {flow.key!r} 不合规")
    if flow.act_kind not in ActKind.values:
        problems.append(f"执法行为类别 {flow.act_kind!r} 不存在")
    keys = [step.key for step in flow.steps]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        problems.append(f"环节代码重复：{', '.join(duplicates)}")
    index = {step.key: step for step in flow.steps}
    for step in flow.steps:
        where = f"环节 {step.key}"
        if not KEY_RE.match(step.key):
            problems.append(f"{where}：代码不合规")
        if not step.name.strip() or not step.basis.strip():
            problems.append(f"{where}：名称和依据不能为空")
        if step.actor not in ACTORS:
            problems.append(f"{where}：执行主体 {step.actor!r} 不存在")
        for code in step.documents:
            document = documents.get(code)
            if document is None:
                problems.append(f"{where}：文书 {code} 不存在")
            elif flow.act_kind not in document.act_kinds:
                problems.append(f"{where}：文书 {code} 未列明适用于{flow.act_kind}")
        if step.av_activity and not KEY_RE.match(step.av_activity):
            problems.append(f"{where}：音像记录活动代码不合规")
        if step.optional and step.condition not in GUARDS:
            problems.append(f"{where}：可选环节须写明条件")
        if step.condition and step.condition not in GUARDS:
            problems.append(f"{where}：条件 {step.condition!r} 不存在")
        limit = step.time_limit
        if limit is not None:
            if limit.from_step not in index:
                problems.append(f"{where}：时限起算环节 {limit.from_step!r} 不存在")
            if (limit.days > 0) == (limit.hours > 0):
                problems.append(f"{where}：时限须为天数或者小时数之一")
            if limit.relation not in TimeLimit.RELATIONS:
                problems.append(f"{where}：时限关系 {limit.relation!r} 不存在")
            if limit.relation == "before" and limit.from_step == step.key:
                problems.append(f"{where}：“之前”时限不能以本环节起算")
            if not limit.citation.strip():
                problems.append(f"{where}：时限须注明依据")
    seen_edges = set()
    for t in flow.transitions:
        where = f"流转 {t.source}→{t.target}"
        if t.source not in index or t.target not in index:
            problems.append(f"{where}：引用了不存在的环节")
        if t.source == t.target:
            problems.append(f"{where}：不能流转到自身")
        if (t.source, t.target) in seen_edges:
            problems.append(f"{where}：重复")
        seen_edges.add((t.source, t.target))
        if t.guard and t.guard not in GUARDS:
            problems.append(f"{where}：条件 {t.guard!r} 不存在")
    if problems:
        return problems
    incoming = {t.target for t in flow.transitions}
    if flow.start not in index:
        problems.append(f"起始环节 {flow.start!r} 不存在")
        return problems
    if flow.start in incoming:
        problems.append("起始环节不能有流入")
    others = [k for k in keys if k not in incoming and k != flow.start]
    if others:
        problems.append(f"只能有一个起始环节，另有无流入的环节：{', '.join(others)}")
    unknown_terminals = [k for k in flow.terminals if k not in index]
    if not flow.terminals or unknown_terminals:
        problems.append(f"结束环节无效：{unknown_terminals or '未指定'}")
        return problems
    for key in keys:
        out = flow.outgoing(key)
        if key in flow.terminals and out:
            problems.append(f"结束环节 {key} 不能有流出")
        if key not in flow.terminals and not out:
            problems.append(f"环节 {key} 没有流出，须列为结束环节")
        if len(out) > 1 and any(not t.guard for t in out):
            problems.append(f"环节 {key} 有多个去向，每个去向须有条件")
    reachable = _reach(flow.start, lambda k: [t.target for t in flow.outgoing(k)])
    unreachable = [k for k in keys if k not in reachable]
    if unreachable:
        problems.append(f"从起始环节无法到达：{', '.join(unreachable)}")
    predecessors: dict[str, list[str]] = {k: [] for k in keys}
    for t in flow.transitions:
        predecessors[t.target].append(t.source)
    can_end: set[str] = set()
    for terminal in flow.terminals:
        can_end |= _reach(terminal, lambda k: predecessors[k])
    stuck = [k for k in keys if k not in can_end]
    if stuck:
        problems.append(f"无法到达任何结束环节：{', '.join(stuck)}")
    return problems


def _reach(start: str, neighbours) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in neighbours(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def T(source: str, target: str, guard: str = "") -> Transition:  # noqa: N802 (short constructor for the tables below)
    return Transition(source, target, guard)


# --- 行政处罚 一般程序 -------------------------------------------------------------------------------------

XZCFF_60 = f"{XZCFF}第六十条"
PENALTY_DECISION_LIMIT = TimeLimit(
    days=90, from_step="file", citation=f"{XZCFF_60}（LAW-03）",
    note="法律、法规、规章另有规定的，从其规定；按规章规定延长的，须经批准。",
)

PENALTY = Flow(
    key="penalty", act_kind=ActKind.PENALTY.value, name="行政处罚（一般程序）",
    summary="立案、调查取证、法制审核、事先告知、陈述申辩和听证、集体讨论、决定、送达、执行、结案和归档。",
    basis=(f"{XZCFF}第五章第三节、第四节，第六章", "重大执法决定法制审核制度", "行政执法全过程记录制度"),
    start="register",
    terminals=("not_filed", "archive"),
    steps=(
        Step("register", "案源登记", "officer", f"{XZCFF}第五十四条", documents=("AJLY",),
             note="监督检查、投诉举报、上级交办、其他机关移送等途径发现的违法线索，登记后核查。", branch="是否立案"),
        Step("file", "立案", "leader", f"{XZCFF}第五十四条第二款", documents=("LASP",),
             note="符合立案标准的，及时立案。"),
        Step("not_filed", "不予立案", "leader", f"{XZCFF}第五十四条", documents=("BYLASP",)),
        Step("investigate", "调查取证", "officer", f"{XZCFF}第四十二条、第四十六条、第四十七条、第五十五条",
             documents=("XWBL", "XCJCBL"), av_activity="investigation", branch="调查进展",
             note="执法人员不少于两人，出示执法证件；询问或者检查制作笔录；全过程记录。"),
        Step("preserve", "先行登记保存证据", "officer", f"{XZCFF}第五十六条", documents=("XXDJBC",),
             av_activity="evidence_preservation", optional=True, condition="preservation_approved"),
        Step("preserve_decision", "先行登记保存处理决定", "leader", f"{XZCFF}第五十六条、第八十五条", documents=("XXDJCL",),
             time_limit=TimeLimit(days=7, working_days=True, from_step="preserve", citation=f"{XZCFF}第五十六条、"
                 f"第八十五条（LAW-09）")),
        Step("conclude", "调查终结", "officer", f"{XZCFF}第五十七条", documents=("DCZJBG",), branch="拟处理意见"),
        Step("legal_review", "法制审核", "reviewer", f"{XZCFF}第五十八条", documents=("FZSHYJ",),
             optional=True, condition="review_required", branch="审核意见",
             time_limit=TimeLimit(days=5, working_days=True, from_step="legal_review", from_label="自收到送审材料之日起",
                                  citation="REV-06（开福区司法局实施方案三5，按本机关制度配置）",
                                  extension_days=10, extension_note="疑难复杂案件经分管负责人批准")),
        Step("prior_notice", "事先告知", "officer", f"{XZCFF}第四十四条", documents=("SXGZS", "TZGZS"),
             note="告知拟作出的处罚内容及事实、理由、依据和陈述、申辩、要求听证的权利；属于听证范围的同时送达听证告知书。"),
        Step("statement", "陈述申辩和听证申请", "party", f"{XZCFF}第四十五条、第六十四条第（一）项", documents=("CSSBBL",),
             branch="当事人意见",
             time_limit=TimeLimit(days=5, working_days=True, from_step="prior_notice", from_label="自告知之日起",
                                  citation=f"{XZCFF}第六十四条第（一）项、第八十五条（LAW-05）"),
             note="要求听证的，在告知后五个工作日内提出；不因陈述、申辩而给予更重的处罚。"),
        Step("hearing_notice", "听证通知", "officer", f"{XZCFF}第六十四条第（二）项", documents=("TZTZS",),
             optional=True, condition="hearing_requested",
             time_limit=TimeLimit(days=7, working_days=True, from_step="hearing", relation="before",
                                  citation=f"{XZCFF}第六十四条第（二）项、第八十五条（LAW-05）")),
        Step("hearing", "举行听证", "hearing_host", f"{XZCFF}第六十四条、第六十五条", documents=("TZBL",),
             av_activity="hearing", optional=True, condition="hearing_requested", branch="听证后",
             note="由非本案调查人员主持；除涉及国家秘密、商业秘密或者个人隐私外公开举行。"),
        Step("collective_discussion", "集体讨论", "leaders_collective", f"{XZCFF}第五十七条第二款", documents=("JTTLJL",),
             optional=True, condition="collective_required", branch="讨论结果"),
        Step("decide", "负责人审查决定", "leader", f"{XZCFF}第五十七条第一款、第六十二条", branch="决定类型",
             note="根据调查结果分别作出给予处罚、不予处罚、撤销立案或者移送司法机关的决定。"),
        Step("penalty_decision", "作出行政处罚决定", "leader", f"{XZCFF}第五十七条第一款第（一）项、第五十九条",
             documents=("CFJDS",), time_limit=PENALTY_DECISION_LIMIT),
        Step("no_penalty_decision", "作出不予行政处罚决定", "leader", f"{XZCFF}第三十三条、第五十七条第一款第（二）（三）项",
             documents=("BYCFJDS",), time_limit=PENALTY_DECISION_LIMIT),
        Step("withdraw_case", "撤销立案", "leader", "部门行政处罚程序规章", documents=("CXLASP",),
             time_limit=PENALTY_DECISION_LIMIT),
        Step("transfer", "移送司法机关", "officer", f"{XZCFF}第二十七条、第五十七条第一款第（四）项", documents=("YSS",),
             time_limit=TimeLimit(hours=24, from_step="decide", from_label="自批准移送时起",
                                  citation="《行政执法机关移送涉嫌犯罪案件的规定》第八条")),
        Step("deliver", "送达", "officer", f"{XZCFF}第六十一条", documents=("SDHZ",), branch="是否执行",
             av_activity="service_by_leaving",
             time_limit=TimeLimit(days=7, working_days=True, from_step="deliver", from_label="当事人不在场的，自作出决定之日起",
                                  citation=f"{XZCFF}第六十一条、第八十五条（LAW-07）"),
             note="宣告后当场交付当事人；当事人不在场的，七个工作日内依照民事诉讼法的有关规定送达。"),
        Step("execute", "执行", "party", f"{XZCFF}第六十六条、第六十七条、第七十二条", documents=("JCFKJDS",),
             time_limit=TimeLimit(days=15, from_step="deliver", from_label="自收到行政处罚决定书之日起",
                                  citation=f"{XZCFF}第六十七条第三款（LAW-07）"),
             note="到期不缴纳罚款的，每日按罚款数额的3%加处罚款，不超出罚款数额；仍不履行的转入行政强制执行程序。"),
        Step("close", "结案", "leader", "行政执法全过程记录制度", documents=("JABG",)),
        Step("archive", "立卷归档", "officer", "行政执法全过程记录制度（REC-08）",
             time_limit=TimeLimit(days=30, from_step="deliver", from_label="自行政执法决定送达之日起",
                                  citation="REC-08（开福区司法局实施方案二3）")),
    ),
    transitions=(
        T("register", "file", "filing_approved"),
        T("register", "not_filed", "filing_refused"),
        T("file", "investigate"),
        T("investigate", "preserve", "preservation_approved"),
        T("preserve", "preserve_decision"),
        T("preserve_decision", "investigate"),
        T("investigate", "conclude", "investigation_complete"),
        T("conclude", "legal_review", "review_required"),
        T("conclude", "prior_notice", "penalty_intended_no_review"),
        T("conclude", "decide", "no_penalty_intended_no_review"),
        T("legal_review", "investigate", "review_returned"),
        T("legal_review", "prior_notice", "review_passed_notice_pending"),
        T("legal_review", "collective_discussion", "collective_required"),
        T("legal_review", "decide", "ready_to_decide"),
        T("prior_notice", "statement"),
        T("statement", "hearing_notice", "hearing_requested"),
        T("statement", "investigate", "new_facts_need_investigation"),
        T("statement", "collective_discussion", "collective_required"),
        T("statement", "decide", "ready_to_decide"),
        T("hearing_notice", "hearing"),
        T("hearing", "legal_review", "review_required_after_hearing"),
        T("hearing", "collective_discussion", "collective_required"),
        T("hearing", "decide", "ready_to_decide"),
        T("collective_discussion", "decide", "collective_decided"),
        T("collective_discussion", "investigate", "collective_orders_investigation"),
        T("decide", "penalty_decision", "decided_penalty"),
        T("decide", "no_penalty_decision", "decided_no_penalty"),
        T("decide", "withdraw_case", "decided_withdraw"),
        T("decide", "transfer", "decided_transfer"),
        T("penalty_decision", "deliver"),
        T("no_penalty_decision", "deliver"),
        T("deliver", "execute", "penalty_to_execute"),
        T("deliver", "close", "nothing_to_execute"),
        T("execute", "close", "executed"),
        T("withdraw_case", "close"),
        T("transfer", "close"),
        T("close", "archive"),
    ),
)

# --- 行政处罚 简易程序（当场处罚） ----------------------------------------------------------------------------

PENALTY_SIMPLE = Flow(
    key="penalty_simple", act_kind=ActKind.PENALTY.value, name="行政处罚（简易程序）",
    summary="违法事实确凿并有法定依据、罚款数额较小或者警告的，执法人员当场作出行政处罚决定。",
    basis=(f"{XZCFF}第五章第二节（第五十一条至第五十三条）",),
    start="identify",
    terminals=("file_record", "to_general"),
    steps=(
        Step("identify", "表明身份", "officer", f"{XZCFF}第五十二条第一款", av_activity="onsite_inspection",
             note="向当事人出示执法证件。"),
        Step("inform", "告知", "officer", f"{XZCFF}第四十四条", av_activity="onsite_inspection",
             note="告知拟作出的处罚内容及事实、理由、依据和陈述、申辩的权利。"),
        Step("statement", "陈述申辩", "party", f"{XZCFF}第四十五条", av_activity="onsite_inspection", branch="是否当场处罚",
             note="当场听取当事人的陈述、申辩；事实、理由或者证据成立的，应当采纳。"),
        Step("decide_on_spot", "当场作出决定", "officer", f"{XZCFF}第五十一条、第五十二条", documents=("DCCFJDS",),
             av_activity="onsite_inspection", note="填写预定格式、编有号码的行政处罚决定书，由执法人员签名或者盖章。"),
        Step("hand_over", "交付决定书", "officer", f"{XZCFF}第五十二条第一款", av_activity="onsite_inspection",
             note="当场交付当事人；当事人拒绝签收的，在决定书上注明。"),
        Step("file_record", "报所属行政机关备案", "officer", f"{XZCFF}第五十二条第三款"),
        Step("to_general", "转为普通程序", "officer", f"{XZCFF}第五十四条", optional=True,
             condition="simple_procedure_not_applicable"),
    ),
    transitions=(
        T("identify", "inform"),
        T("inform", "statement"),
        T("statement", "decide_on_spot", "simple_procedure_applies"),
        T("statement", "to_general", "simple_procedure_not_applicable"),
        T("decide_on_spot", "hand_over"),
        T("hand_over", "file_record"),
    ),
)

# --- 行政强制措施（查封、扣押） ------------------------------------------------------------------------------

COERCION_MEASURE = Flow(
    key="coercion_measure", act_kind=ActKind.COERCION.value, name="行政强制措施（查封、扣押）",
    summary="报批（或情况紧急当场实施、24小时内补办批准），两名以上执法人员实施，制作现场笔录、清单和决定书，"
            "在法定期限内解除或者处理。",
    basis=(f"{XZQZF}第三章第一节、第二节（第十六条至第二十八条）",),
    start="propose",
    terminals=("not_approved", "release", "dispose"),
    steps=(
        Step("propose", "报请实施", "officer", f"{XZQZF}第十八条第（一）项、第十九条", documents=("QZCSSP",), branch="是否紧急"),
        Step("approve", "负责人审批", "leader", f"{XZQZF}第十八条第（一）项", branch="审批结果"),
        Step("not_approved", "不予批准", "leader", f"{XZQZF}第十八条第（一）项"),
        Step("present", "两名以上执法人员到场并出示证件", "officer", f"{XZQZF}第十八条第（二）项、第（三）项",
             av_activity="seizure"),
        Step("notify_party", "通知当事人到场", "officer", f"{XZQZF}第十八条第（四）项、第（九）项", av_activity="seizure",
             note="当事人不到场的，邀请见证人到场。"),
        Step("inform", "告知理由、依据和权利", "officer", f"{XZQZF}第十八条第（五）项", av_activity="seizure",
             note="当场告知采取措施的理由、依据以及当事人依法享有的权利、救济途径。"),
        Step("hear", "听取陈述申辩", "party", f"{XZQZF}第十八条第（六）项", documents=("CSSBBL",), av_activity="seizure"),
        Step("record", "制作现场笔录", "officer", f"{XZQZF}第十八条第（七）项至第（九）项", documents=("CFKYXCBL",),
             av_activity="seizure", note="由当事人和执法人员签名或者盖章，当事人拒绝的在笔录中注明。"),
        Step("inventory", "制作财物清单", "officer", f"{XZQZF}第二十四条第三款", documents=("CFKYQD",), av_activity="seizure",
             note="清单一式二份，当事人和行政机关分别保存。"),
        Step("decision", "制作并当场交付决定书", "officer", f"{XZQZF}第二十四条", documents=("CFKYJDS",), av_activity="seizure",
             branch="审批情况"),
        Step("emergency_report", "报告并补办批准手续", "leader", f"{XZQZF}第十九条", documents=("QZCSSP",),
             optional=True, condition="was_emergency", branch="负责人意见",
             time_limit=TimeLimit(hours=24, from_step="present", from_label="自当场实施时起",
                                  citation=f"{XZQZF}第十九条（LAW-09）")),
        Step("custody", "查封扣押期间（查清事实）", "officer", f"{XZQZF}第二十五条、第二十六条、第二十七条", branch="期限内处理",
             time_limit=TimeLimit(days=30, from_step="decision", from_label="自查封、扣押之日起",
                                  citation=f"{XZQZF}第二十五条第一款（LAW-09）",
                                  extension_days=30, extension_note="情况复杂的，经行政机关负责人批准，书面告知当事人"),
             note="检测、检验、检疫或者技术鉴定的期间不计入，须书面告知当事人；法律、行政法规另有规定的除外。"),
        Step("extend", "延长期限", "leader", f"{XZQZF}第二十五条", documents=("YCCFKY",), optional=True,
             condition="extension_approved"),
        Step("release", "解除查封扣押", "leader", f"{XZQZF}第二十八条", documents=("JCCFKY", "SDHZ"),
             note="解除后立即退还财物；已拍卖、变卖的，退还所得款项。"),
        Step("dispose", "依法处理（没收、销毁等）", "leader", f"{XZQZF}第二十七条",
             note="应当没收的作出没收决定（转入行政处罚程序），应当销毁的依法销毁。"),
    ),
    transitions=(
        T("propose", "approve", "measure_routine"),
        T("propose", "present", "measure_emergency"),
        T("approve", "present", "measure_approved"),
        T("approve", "not_approved", "measure_not_approved"),
        T("present", "notify_party"),
        T("notify_party", "inform"),
        T("inform", "hear"),
        T("hear", "record"),
        T("record", "inventory"),
        T("inventory", "decision"),
        T("decision", "emergency_report", "was_emergency"),
        T("decision", "custody", "approved_in_advance"),
        T("emergency_report", "custody", "approval_confirmed"),
        T("emergency_report", "release", "approval_refused_release"),
        T("custody", "extend", "extension_approved"),
        T("extend", "custody"),
        T("custody", "release", "release_grounds"),
        T("custody", "dispose", "handling_decided"),
    ),
)

# --- 行政强制执行 ------------------------------------------------------------------------------------------

COERCION_EXECUTION = Flow(
    key="coercion_execution", act_kind=ActKind.COERCION.value, name="行政强制执行",
    summary="当事人逾期不履行行政决定的，书面催告、听取陈述申辩，再作出强制执行决定、代履行或者申请人民法院强制执行。",
    basis=(f"{XZQZF}第四章（第三十四条至第五十二条）、第五章（第五十三条至第六十条）", f"{XZCFF}第七十二条"),
    start="overdue",
    terminals=("close",),
    steps=(
        Step("overdue", "逾期不履行", "officer", f"{XZQZF}第三十四条", branch="义务类型",
             note="当事人在行政决定的期限内未履行义务。"),
        Step("surcharge", "加处罚款或者滞纳金", "leader", f"{XZQZF}第四十五条；{XZCFF}第七十二条第一款第（一）项",
             documents=("JCFKJDS",), optional=True, condition="monetary_surcharge",
             note="标准应当告知当事人；数额不得超出金钱给付义务的数额。"),
        Step("demand", "催告", "officer", f"{XZQZF}第三十五条、第三十八条", documents=("CGS", "SDHZ"),
             note="书面催告，载明履行期限、方式、金额和陈述申辩权，直接送达当事人。"),
        Step("statement", "陈述申辩", "party", f"{XZQZF}第三十六条", documents=("CSSBBL",), branch="催告结果",
             note="充分听取当事人意见，记录、复核其提出的事实、理由和证据，成立的予以采纳。"),
        Step("execution_decision", "作出强制执行决定", "leader", f"{XZQZF}第三十七条", documents=("QZZXJDS", "SDHZ"),
             optional=True, condition="enforce_by_agency"),
        Step("substitute_decision", "作出代履行决定", "leader", f"{XZQZF}第五十条、第五十一条", documents=("DLXJDS", "SDHZ"),
             optional=True, condition="substitute_performance", note="代履行三日前催告当事人履行，当事人履行的停止代履行。"),
        Step("enforce", "实施强制执行", "officer", f"{XZQZF}第四十三条、第五十一条", av_activity="coercive_measure",
             note="不得在夜间或者法定节假日实施（情况紧急的除外）；不得对居民生活采取停止供水、供电、供热、供燃气等方式。"
                  "强制拆除的，全程音像记录。"),
        Step("apply_court", "申请人民法院强制执行", "leader", f"{XZQZF}第五十三条、第五十四条", optional=True,
             condition="apply_to_court",
             time_limit=TimeLimit(days=10, working_days=True, from_step="demand", relation="after",
                                  from_label="自催告书送达之日起", citation=f"{XZQZF}第五十四条、第六十九条"),
             note="催告书送达十个工作日后仍未履行的，可以申请；自复议、诉讼期限届满之日起三个月内提出。"),
        Step("close", "结案", "leader", "行政执法全过程记录制度", documents=("JABG",)),
    ),
    transitions=(
        T("overdue", "surcharge", "monetary_surcharge"),
        T("overdue", "demand", "no_surcharge"),
        T("surcharge", "demand"),
        T("demand", "statement"),
        T("statement", "close", "obligation_performed"),
        T("statement", "execution_decision", "enforce_by_agency"),
        T("statement", "substitute_decision", "substitute_performance"),
        T("statement", "apply_court", "apply_to_court"),
        T("execution_decision", "enforce"),
        T("substitute_decision", "enforce"),
        T("enforce", "close"),
        T("apply_court", "close"),
    ),
)

# --- 行政检查（含双随机抽查） ------------------------------------------------------------------------------

INSPECTION = Flow(
    key=ActKind.INSPECTION.value, act_kind=ActKind.INSPECTION.value, name="行政检查（含“双随机、一公开”抽查）",
    summary="确定检查任务；双随机抽查的随机抽取检查对象和执法检查人员；两名以上执法人员实施检查，告知结果并公示，"
            "发现违法的转入行政处罚程序。",
    basis=("《国务院办公厅关于推广随机抽查规范事中事后监管的通知》", f"{XZCFF}第五十四条、第五十五条", "行政执法公示制度"),
    start="task",
    terminals=("publish",),
    steps=(
        Step("task", "确定检查任务", "department_head", "随机抽查事项清单、年度抽查计划（PUB-05）", branch="检查类型"),
        Step("draw", "随机抽取检查对象和检查人员", "department_head", "“双随机、一公开”监管制度（PUB-05）", optional=True,
             condition="random_inspection", note="抽取种子事先公布，任何人可据此复现抽取结果；有利害关系的检查人员回避。"),
        Step("inspect", "实施检查", "officer", f"{XZCFF}第四十二条、第五十五条", documents=("XCJCBL", "XWBL"),
             av_activity="onsite_inspection", note="执法人员不少于两人，出示执法证件，制作检查笔录。"),
        Step("result", "告知检查结果", "officer", "行政执法公示制度（PUB-12）", documents=("CCJGGZS", "SDHZ"), branch="检查结果"),
        Step("refer", "转入行政处罚程序", "officer", f"{XZCFF}第五十四条", documents=("AJLY",), optional=True,
             condition="violation_found"),
        Step("publish", "结果公示", "publisher", "行政执法公示制度（PUB-12）",
             time_limit=TimeLimit(days=20, working_days=True, from_step="inspect", from_label="自检查完毕之日起",
                                  citation="PUB-12（明溪县、山西省、开福区实施方案；开福区“双随机一公开”检查为10个工作日，"
                                           "按本机关配置）")),
    ),
    transitions=(
        T("task", "draw", "random_inspection"),
        T("task", "inspect", "targeted_inspection"),
        T("draw", "inspect"),
        T("inspect", "result"),
        T("result", "refer", "violation_found"),
        T("result", "publish", "no_violation"),
        T("refer", "publish"),
    ),
)

# --- 行政许可 -------------------------------------------------------------------------------------------

XZXKF_82 = f"{XZXKF}第八十二条"
LICENSE_ACCEPTANCE_LIMIT = TimeLimit(
    days=5, working_days=True, from_step="apply", from_label="自收到申请材料之日起",
    citation=f"{XZXKF}第三十二条第一款第（四）项、第八十二条", note="逾期不告知补正的，自收到申请材料之日起即为受理。",
)
LICENSE_DECISION_LIMIT = TimeLimit(
    days=20, working_days=True, from_step="accept", from_label="自受理之日起",
    citation=f"{XZXKF}第四十二条、第四十五条、第八十二条", extension_days=10,
    extension_note="经本行政机关负责人批准，并将延长期限的理由告知申请人",
    note="依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，所需时间不计算在内；法律、法规另有规定的，依照其规定。",
)

LICENSE = Flow(
    key=ActKind.LICENSE.value, act_kind=ActKind.LICENSE.value, name="行政许可",
    summary="申请、受理（或一次告知补正、不予受理）、审查、听证（依法适用时）、决定、送达证件和公开。",
    basis=(f"{XZXKF}第四章（第二十九条至第五十七条）",),
    start="apply",
    terminals=("reject", "publish", "close"),
    steps=(
        Step("apply", "申请", "applicant", f"{XZXKF}第二十九条", branch="材料审查"),
        Step("correction", "一次告知补正", "officer", f"{XZXKF}第三十二条第一款第（四）项", documents=("BZCLTZS",),
             optional=True, condition="materials_incomplete", branch="补正情况", time_limit=LICENSE_ACCEPTANCE_LIMIT),
        Step("accept", "受理", "officer", f"{XZXKF}第三十二条第一款第（五）项、第二款", documents=("SLTZS",),
             time_limit=LICENSE_ACCEPTANCE_LIMIT),
        Step("reject", "不予受理", "officer", f"{XZXKF}第三十二条", documents=("BYSLTZS",),
             time_limit=LICENSE_ACCEPTANCE_LIMIT),
        Step("examine", "审查", "officer", f"{XZXKF}第三十四条、第三十六条", documents=("XCJCBL",), branch="审查结论",
             av_activity="onsite_inspection", note="需要核实实质内容的，指派两名以上工作人员核查；涉及他人重大利益的，"
                                                   "告知利害关系人。"),
        Step("hearing_rights", "告知听证权利", "officer", f"{XZXKF}第四十七条", documents=("TZGZS",), optional=True,
             condition="license_hearing_rights"),
        Step("hearing_request", "听证申请", "applicant", f"{XZXKF}第四十七条", branch="是否申请听证",
             time_limit=TimeLimit(days=5, working_days=True, from_step="hearing_rights", from_label="自被告知听证权利之日起",
                                  citation=f"{XZXKF}第四十七条、第八十二条")),
        Step("hearing_notice", "听证通知（公告）", "officer", f"{XZXKF}第四十六条、第四十八条第一款第（一）"
                                                              f"项", documents=("TZTZS",),
             optional=True, condition="license_hearing_requested",
             time_limit=TimeLimit(days=7, working_days=True, from_step="hearing", relation="before",
                                  citation=f"{XZXKF}第四十八条第一款第（一）项、第八十二条")),
        Step("hearing", "举行听证", "hearing_host", f"{XZXKF}第四十八条", documents=("TZBL",), av_activity="hearing",
             branch="听证后决定",
             time_limit=TimeLimit(days=20, working_days=True, from_step="hearing_request", from_label="自收到听证申请之日起",
                                  citation=f"{XZXKF}第四十七条、第八十二条")),
        Step("grant", "准予行政许可决定", "leader", f"{XZXKF}第三十八条第一款", documents=("ZYXKJDS",),
             time_limit=LICENSE_DECISION_LIMIT),
        Step("deny", "不予行政许可决定", "leader", f"{XZXKF}第三十八条第二款", documents=("BYXKJDS",),
             time_limit=LICENSE_DECISION_LIMIT),
        Step("deliver", "颁发、送达", "officer", f"{XZXKF}第三十九条、第四十四条", documents=("SDHZ",), branch="决定结果",
             time_limit=TimeLimit(days=10, working_days=True, from_step="grant", from_label="自作出准予许可决定之日起",
                                  citation=f"{XZXKF}第四十四条、第八十二条")),
        Step("publish", "公开", "publisher", f"{XZXKF}第四十条",
             time_limit=TimeLimit(days=7, working_days=True, from_step="grant", from_label="自作出决定之日起",
                                  citation="PUB-12（明溪县、山西省实施方案，按本机关配置）")),
        Step("close", "办结", "officer", f"{XZXKF}第三十八条第二款"),
    ),
    transitions=(
        T("apply", "accept", "materials_complete"),
        T("apply", "correction", "materials_incomplete"),
        T("apply", "reject", "application_inadmissible"),
        T("correction", "accept", "corrected"),
        T("correction", "reject", "not_corrected"),
        T("accept", "examine"),
        T("examine", "hearing_rights", "license_hearing_rights"),
        T("examine", "hearing_notice", "license_hearing_required"),
        T("examine", "grant", "conditions_met"),
        T("examine", "deny", "conditions_not_met"),
        T("hearing_rights", "hearing_request"),
        T("hearing_request", "hearing_notice", "license_hearing_requested"),
        T("hearing_request", "grant", "conditions_met"),
        T("hearing_request", "deny", "conditions_not_met"),
        T("hearing_notice", "hearing"),
        T("hearing", "grant", "conditions_met"),
        T("hearing", "deny", "conditions_not_met"),
        T("grant", "deliver"),
        T("deny", "deliver"),
        T("deliver", "publish", "license_granted"),
        T("deliver", "close", "license_denied"),
    ),
)

# --- 其他行政行为（征收、征用、确认、裁决、给付、奖励、其他）：登记 → 决定 → 送达 ----------------------------------

SIMPLE_DECISION_KINDS = (
    ActKind.LEVY, ActKind.REQUISITION, ActKind.CONFIRMATION, ActKind.ADJUDICATION, ActKind.PAYMENT, ActKind.REWARD,
    ActKind.OTHER,
)


def simple_decision_flow(kind: ActKind) -> Flow:
    name = str(kind.label)
    return Flow(
        key=kind.value, act_kind=kind.value, name=name,
        summary=f"{name}：登记（受理）、审查后作出决定、送达。各环节的期限和具体要求以设定该事项的法律、法规、规章为准。",
        basis=("设定该事项的法律、法规、规章", "行政执法全过程记录制度"),
        start="register",
        terminals=("deliver",),
        steps=(
            Step("register", "登记（受理）", "officer", "设定该事项的法律、法规、规章"),
            Step("decide", "审查并作出决定", "leader", "设定该事项的法律、法规、规章", documents=("XZJDS",)),
            Step("deliver", "送达", "officer", "《中华人民共和国民事诉讼法》关于送达的规定", documents=("SDHZ",)),
        ),
        transitions=(T("register", "decide"), T("decide", "deliver")),
    )


FLOWS: dict[str, Flow] = {}
for _flow in (PENALTY, PENALTY_SIMPLE, COERCION_MEASURE, COERCION_EXECUTION, INSPECTION, LICENSE,
              *(simple_decision_flow(kind) for kind in SIMPLE_DECISION_KINDS)):
    if _flow.key in FLOWS:
        raise FlowDefinitionError(f"流程代码重复：{_flow.key}")
    FLOWS[_flow.key] = _flow
del _flow

# Which flows serve each kind of act (a kind may have several: 一般程序 and 简易程序; 强制措施 and 强制执行).
BY_ACT_KIND: dict[str, tuple[str, ...]] = {}
for _flow in FLOWS.values():
    BY_ACT_KIND[_flow.act_kind] = (*BY_ACT_KIND.get(_flow.act_kind, ()), _flow.key)
del _flow
_missing = [k for k in ActKind.values if k not in BY_ACT_KIND]
if _missing:
    raise FlowDefinitionError(f"以下执法行为类别没有流程：{', '.join(_missing)}")


def get(key: str) -> Flow | None:
    return FLOWS.get(key)


def flows_for_act_kind(act_kind: str) -> list[Flow]:
    """The flows of one kind of act (ActKind value), main flow first."""
    return [FLOWS[key] for key in BY_ACT_KIND.get(act_kind, ())]


def transitions(flow_key: str) -> set[tuple[str, str]]:
    """The transition table the case workflow enforces: every allowed (from step, to step) of the flow.

    Raises ``KeyError`` for an unknown flow. The flowchart draws exactly these edges (REV-10).
    """
    return FLOWS[flow_key].edges()


def outgoing(flow_key: str, step_key: str) -> list[Transition]:
    """The transitions leaving ``step_key``, with their guard names (for the workflow's next-step choices)."""
    flow = FLOWS[flow_key]
    if not flow.has_step(step_key):
        raise KeyError(step_key)
    return flow.outgoing(step_key)


def signature(flow: str | Flow) -> str:
    """SHA-256 of the flow's steps, time limits and transitions: a case can record which definition it followed."""
    flow = FLOWS[flow] if isinstance(flow, str) else flow
    data = {
        "key": flow.key, "start": flow.start, "terminals": list(flow.terminals),
        "steps": [dataclasses.asdict(step) for step in flow.steps],
        "transitions": [[t.source, t.target, t.guard] for t in flow.transitions],
    }
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
