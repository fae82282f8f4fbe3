"""Built-in enforcement document definitions (执法文书, PUB-08, REC-02) and their blank samples.

Each :class:`Document` is data: a code, its name, the kinds of act it serves, the statute that fixes
its required contents, and its body as structured :class:`Section` s whose text holds named
placeholders such as ``{{ party.name }}`` or ``{{ case.number }}``. :data:`PLACEHOLDERS` is the
vocabulary of those names with a Chinese description of each; the case workflow (app ``cases``)
fills them, this module renders:

- :func:`render_docx` — a DOCX (python-docx): the agency's name as the header (or a blank), the
  title, the document number line ``〔 〕号``, the sections, the signature/seal and date lines, with
  Chinese fonts (宋体 for titles, 仿宋 for text, 黑体 for headings) set for East Asian text. With no
  values it is the **blank sample** the public sees: every placeholder an underlined blank ``＿＿＿＿``.
- :func:`preview` — the same structure as plain data for the HTML preview template.

Which flow steps produce a document is not repeated here: :func:`produced_at` reads it from the
step definitions in :mod:`sanxiang.catalog.flows`, which check at import that every code they name
exists here. The texts are this project's own wording, following the contents each statute requires
(e.g. 《中华人民共和国行政处罚法》第五十九条 for the penalty decision, 第四十四条 for the prior notice).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from sanxiang.catalog.vocab import ActKind

__all__ = [
    "BLANK",
    "DOCUMENTS",
    "PLACEHOLDERS",
    "Document",
    "DocumentDefinitionError",
    "Section",
    "codes",
    "get",
    "placeholders_of",
    "preview",
    "produced_at",
    "render_docx",
]

BLANK = "＿＿＿＿"
PLACEHOLDER_RE = re.compile(r"\{\{\s*([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)\s*\}\}")
CODE_RE = re.compile(r"^[A-Z]{2,12}$")

FONT_TITLE = "宋体"
FONT_BODY = "仿宋"
FONT_HEADING = "黑体"
FONT_LATIN = "Times New Roman"


class DocumentDefinitionError(ValueError):
    """A built-in document definition is inconsistent (raised at import, so it cannot ship broken)."""


# The placeholder vocabulary (填写项): name → what the case workflow puts there.
PLACEHOLDERS: dict[str, str] = {
    # agency and case
    "agency.name": "行政机关名称",
    "agency.address": "行政机关地址",
    "agency.contact": "联系人",
    "agency.phone": "联系电话",
    "case.number": "案件编号",
    "case.cause": "案由",
    "case.source": "案件来源",
    "case.registered_on": "登记日期",
    "case.clue": "线索内容",
    "case.filed_on": "立案日期",
    "case.summary": "简要案情",
    "case.process": "案件来源及调查经过",
    "case.reason": "理由",
    "case.result": "处理结果",
    "case.execution": "执行情况",
    # party
    "party.name": "当事人姓名或者名称",
    "party.id_number": "身份证件号码或者统一社会信用代码",
    "party.address": "住所（住址）",
    "party.legal_rep": "法定代表人（负责人）",
    "party.phone": "联系电话",
    "party.relation": "与本案关系",
    "party.agent": "委托代理人",
    "party.occupation": "工作单位及职务",
    "party.gender": "性别",
    "party.present": "当事人到场情况",
    # officers, witnesses
    "officers.names": "执法人员姓名",
    "officers.cert_numbers": "执法证件号码",
    "officers.recorder": "记录人",
    "witness.name": "见证人姓名及身份证件号码",
    # facts and law
    "facts.summary": "违法事实",
    "facts.evidence": "证据",
    "facts.statement": "当事人陈述、申辩（听证）意见及采纳情况",
    "law.violated": "违反的法律、法规、规章条款",
    "law.penalty_basis": "处罚依据",
    "law.no_penalty_basis": "不予处罚的法律依据",
    "law.nature": "违法行为性质",
    "penalty.content": "行政处罚的种类和数额",
    "penalty.discretion": "裁量情节及裁量基准适用理由",
    "penalty.fine_amount": "罚款数额（元）",
    "payment.deadline": "缴纳期限",
    "payment.method": "缴纳方式",
    "payment.bank": "指定银行及账户",
    "remedy.review_body": "行政复议机关",
    "remedy.court": "人民法院",
    # records
    "record.time": "时间（起止）",
    "record.place": "地点",
    "record.content": "记录内容",
    "record.statement": "当事人陈述、申辩内容",
    "record.av": "音像记录情况",
    "record.present": "出席（参加）人员",
    "record.host": "主持人",
    # decision process
    "opinion.handler": "承办人员意见",
    "opinion.department": "承办机构意见",
    "opinion.leader": "行政机关负责人意见",
    "decision.date": "决定日期",
    "decision.title": "决定文书名称",
    "decision.number": "决定文书文号",
    "decision.reason": "理由",
    "decision.result": "决定意见",
    "decision.correction": "改正要求",
    "decision.matter": "决定事项",
    "decision.facts": "审查认定的事实",
    "decision.basis": "决定依据",
    "decision.content": "决定内容",
    "decision.performance": "履行方式和期限",
    # documents delivered
    "service.document": "送达文书名称及文号",
    "service.place": "送达地点",
    "service.method": "送达方式",
    "service.receiver": "受送达人",
    "service.signature": "收件人签名",
    "service.proxy": "代收人及代收理由",
    "service.note": "备注（留置送达、邮寄送达等情况）",
    # hearing
    "hearing.matter": "拟作出的决定",
    "hearing.basis": "听证的法律依据",
    "hearing.requested_on": "提出听证要求的日期",
    "hearing.time": "听证时间",
    "hearing.place": "听证地点",
    "hearing.public": "公开或者不公开举行",
    "hearing.host": "听证主持人",
    "hearing.members": "听证员",
    "hearing.clerk": "记录员",
    "hearing.investigators": "案件调查人员",
    # legal review
    "review.submitted_on": "送审日期",
    "review.reviewers": "审核人员",
    "review.body": "执法主体是否合法",
    "review.officers": "执法人员是否具备执法资格",
    "review.facts": "事实是否清楚",
    "review.evidence": "证据是否合法、充分",
    "review.law": "适用法律是否准确",
    "review.discretion": "裁量基准运用是否适当",
    "review.procedure": "程序是否合法",
    "review.authority": "是否超越职权、滥用职权",
    "review.documents": "执法文书是否完备、规范",
    "review.crime": "是否涉嫌犯罪需要移送司法机关",
    "review.conclusion": "审核结论及建议",
    # evidence preservation
    "preservation.place": "保存地点",
    "preservation.method": "保存方式",
    "preservation.decision": "处理决定",
    # coercive measures
    "coercion.measure": "措施（查封或者扣押）",
    "coercion.basis": "实施依据",
    "coercion.items": "场所、设施或者财物名称、数量",
    "coercion.days": "期限（日）",
    "coercion.start": "起始日期",
    "coercion.end": "届满日期",
    "coercion.custodian": "保管人",
    "coercion.urgent": "是否情况紧急当场实施及报告时间",
    "coercion.approval": "批准情况",
    "coercion.release_reason": "解除理由",
    "coercion.release_on": "解除日期",
    "coercion.return": "退还财物的时间和地点",
    "coercion.extension_reason": "延长理由",
    "coercion.extension_days": "延长天数",
    # execution
    "obligation.content": "应当履行的义务",
    "obligation.deadline": "履行期限",
    "obligation.method": "履行方式",
    "obligation.amount": "金额（元）",
    "obligation.statement_deadline": "提出陈述、申辩的期限",
    "obligation.demanded_on": "催告书送达日期",
    "execution.basis": "强制执行的理由和依据",
    "execution.method": "强制执行方式",
    "execution.time": "强制执行时间",
    "surcharge.start": "加处罚款起算日",
    "substitute.target": "代履行标的",
    "substitute.method": "代履行方式",
    "substitute.time": "代履行时间",
    "substitute.budget": "费用预算（元）",
    "substitute.performer": "代履行人",
    # licensing
    "applicant.name": "申请人",
    "application.date": "申请日期",
    "application.number": "受理编号",
    "application.reason": "理由",
    "application.redirect": "告知向有关行政机关申请",
    "application.corrections": "需要补正的全部内容",
    "license.item": "许可事项",
    "license.time_limit": "办理期限（工作日）",
    "license.conditions": "审查认定的条件和标准",
    "license.scope": "许可范围",
    "license.validity": "有效期限",
    "license.certificate": "许可证件名称及编号",
    # inspections
    "inspection.plan": "抽查计划及任务",
    "inspection.item": "抽查事项",
    "inspection.date": "检查日期",
    "inspection.result": "检查结果",
    "inspection.followup": "后续处理意见",
    "inspection.publish_days": "公示期限（工作日）",
    "inspection.channel": "公示渠道",
    "inspection.objection_days": "提出异议的期限（工作日）",
    # transfer to the judiciary
    "transfer.receiver": "接受移送的机关",
    "transfer.crime": "涉嫌罪名",
    "transfer.attachments": "随附材料",
}


@dataclass(frozen=True)
class Section:
    """One part of a document body (文书组成部分).

    ``kind``:

    - ``"address"``: the addressee line (``{{ party.name }}：``), not indented;
    - ``"text"``: paragraphs (``lines``), each indented by two characters, under an optional heading;
    - ``"fields"``: a two-column form (``rows`` of label and value text);
    - ``"grid"``: a table with ``columns`` and ``blank_rows`` empty rows (清单);
    - ``"sign"``: signature lines (签名、日期), not indented;
    - ``"note"``: small print (说明).
    """

    kind: str
    heading: str = ""
    lines: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()
    columns: tuple[str, ...] = ()
    blank_rows: int = 0

    KINDS = ("address", "text", "fields", "grid", "sign", "note")

    def texts(self) -> list[str]:
        return [self.heading, *self.lines, *(label for label, _ in self.rows), *(v for _, v in self.rows), *self.columns]


@dataclass(frozen=True)
class Document:
    """A built-in enforcement document (执法文书): definition, statutory basis of its contents and body.

    ``number_mark`` is the word of the document number line (文号), e.g. ``罚决`` in ``＿＿罚决〔＿＿〕＿＿号``.
    ``seal`` adds the agency's seal and date lines at the end (letters and decisions); forms that are
    signed by the people named in them have ``seal=False``.
    """

    code: str
    name: str
    act_kinds: tuple[str, ...]
    purpose: str
    basis: str
    number_mark: str
    sections: tuple[Section, ...]
    seal: bool = True

    def __post_init__(self):
        problems = []
        if not CODE_RE.match(self.code):
            problems.append("代码须为2至12位大写字母")
        if not self.name or not self.purpose or not self.basis:
            problems.append("名称、用途和依据不能为空")
        unknown_kinds = [k for k in self.act_kinds if k not in ActKind.values]
        if not self.act_kinds or unknown_kinds:
            problems.append(f"适用执法行为无效：{unknown_kinds or '空'}")
        if not self.sections:
            problems.append("没有正文")
        for section in self.sections:
            if section.kind not in Section.KINDS:
                problems.append(f"未知的组成部分类型 {section.kind!r}")
            if section.kind == "grid" and (not section.columns or section.blank_rows < 1):
                problems.append("清单表格须有列名和空行")
            if section.kind == "fields" and not section.rows:
                problems.append("表格须有栏目")
        unknown = sorted(set(placeholders_of(self)) - PLACEHOLDERS.keys())
        if unknown:
            problems.append(f"未登记的填写项：{', '.join(unknown)}")
        if problems:
            raise DocumentDefinitionError(f"文书 {self.code}（{self.name}）：" + "；".join(problems))

    @property
    def act_kind_labels(self) -> list[str]:
        return [str(ActKind(k).label) for k in self.act_kinds]

    @property
    def steps(self) -> list[tuple[str, str]]:
        """The (flow key, step key) pairs of the flow steps that produce this document."""
        return produced_at(self.code)


def placeholders_of(document: Document) -> list[str]:
    """Placeholder names used in the document, in order of first use."""
    seen: dict[str, None] = {}
    for section in document.sections:
        for text in section.texts():
            for name in PLACEHOLDER_RE.findall(text):
                seen.setdefault(name, None)
    return list(seen)


# --- Reusable parts -----------------------------------------------------------------------------------

REMEDY = (
    "如不服本决定，可以自收到本决定书之日起六十日内向{{ remedy.review_body }}申请行政复议，"
    "也可以自收到本决定书之日起六个月内依法向{{ remedy.court }}提起行政诉讼。"
)
REMEDY_NOT_SUSPENDED = "申请行政复议或者提起行政诉讼期间，本决定不停止执行，法律另有规定的除外。"
CONTACT = "联系人：{{ agency.contact }}　　联系电话：{{ agency.phone }}　　地址：{{ agency.address }}"


def address(name: str = "party.name") -> Section:
    return Section("address", lines=(f"{{{{ {name} }}}}：",))


def party_fields(*extra: tuple[str, str]) -> Section:
    return Section("fields", heading="当事人基本情况", rows=(
        ("当事人", "{{ party.name }}"),
        ("身份证件号码或者统一社会信用代码", "{{ party.id_number }}"),
        ("住所（住址）", "{{ party.address }}"),
        ("法定代表人（负责人）", "{{ party.legal_rep }}"),
        ("联系电话", "{{ party.phone }}"),
        *extra,
    ))


def approval_rows() -> tuple[tuple[str, str], ...]:
    return (
        ("承办人员意见", "{{ opinion.handler }}　　签名：＿＿＿＿　　年　月　日"),
        ("承办机构意见", "{{ opinion.department }}　　签名：＿＿＿＿　　年　月　日"),
        ("行政机关负责人意见", "{{ opinion.leader }}　　签名：＿＿＿＿　　年　月　日"),
    )


def record_header(*extra: tuple[str, str]) -> Section:
    return Section("fields", rows=(
        ("时间", "{{ record.time }}"),
        ("地点", "{{ record.place }}"),
        ("执法人员及执法证件号码", "{{ officers.names }}　{{ officers.cert_numbers }}"),
        ("记录人", "{{ officers.recorder }}"),
        *extra,
    ))


def sign_lines(*who: str) -> Section:
    return Section("sign", lines=tuple(f"{w}（签名或者盖章）：＿＿＿＿＿＿　　　　年　　月　　日" for w in who))


ITEM_COLUMNS = ("序号", "名称", "规格（型号）", "数量", "单位", "状况", "存放地点", "备注")

P = ActKind.PENALTY.value
C = ActKind.COERCION.value
L = ActKind.LICENSE.value
I = ActKind.INSPECTION.value  # noqa: E741
SIMPLE_KINDS = (ActKind.LEVY.value, ActKind.REQUISITION.value, ActKind.CONFIRMATION.value, ActKind.ADJUDICATION.value,
                ActKind.PAYMENT.value, ActKind.REWARD.value, ActKind.OTHER.value)
XZCFF = "《中华人民共和国行政处罚法》"
XZQZF = "《中华人民共和国行政强制法》"
XZXKF = "《中华人民共和国行政许可法》"


# --- The definitions ----------------------------------------------------------------------------------

_DEFINITIONS = [
    Document(
        code="AJLY", name="案件来源登记表", act_kinds=(P, I), number_mark="案登",
        purpose="登记监督检查、投诉举报、上级交办、其他机关移送等途径发现的违法线索，并记录核查意见。",
        basis=f"{XZCFF}第五十四条", seal=False,
        sections=(
            Section("fields", rows=(
                ("案件来源", "{{ case.source }}"),
                ("登记日期", "{{ case.registered_on }}"),
                ("当事人", "{{ party.name }}"),
                ("住所（住址）", "{{ party.address }}"),
                ("联系电话", "{{ party.phone }}"),
                ("线索内容", "{{ case.clue }}"),
                ("登记人", "{{ officers.names }}"),
                ("核查意见", "{{ opinion.handler }}　　签名：＿＿＿＿　　年　月　日"),
                ("行政机关负责人意见", "{{ opinion.leader }}　　签名：＿＿＿＿　　年　月　日"),
            )),
        ),
    ),
    Document(
        code="LASP", name="立案审批表", act_kinds=(P,), number_mark="立审",
        purpose="经核查符合立案标准的，报行政机关负责人批准立案。",
        basis=f"{XZCFF}第五十四条第二款", seal=False,
        sections=(
            Section("fields", rows=(("案由", "{{ case.cause }}"), ("案件来源", "{{ case.source }}"))),
            party_fields(),
            Section("fields", heading="立案理由", rows=(
                ("简要案情", "{{ case.summary }}"),
                ("涉嫌违反的规定", "{{ law.violated }}"),
                ("承办人员及执法证件号码", "{{ officers.names }}　{{ officers.cert_numbers }}"),
                *approval_rows(),
            )),
        ),
    ),
    Document(
        code="BYLASP", name="不予立案审批表", act_kinds=(P,), number_mark="不立审",
        purpose="经核查不符合立案标准的，报行政机关负责人批准不予立案，并记录理由。",
        basis=f"{XZCFF}第五十四条", seal=False,
        sections=(
            Section("fields", rows=(("案件来源", "{{ case.source }}"), ("登记日期", "{{ case.registered_on }}"))),
            party_fields(),
            Section("fields", heading="不予立案理由", rows=(
                ("核查情况", "{{ case.summary }}"),
                ("不予立案的理由", "{{ case.reason }}"),
                *approval_rows(),
            )),
        ),
    ),
    Document(
        code="CXLASP", name="撤销立案审批表", act_kinds=(P,), number_mark="撤审",
        purpose="已立案的案件经调查发现不符合立案条件的，报行政机关负责人批准撤销立案。",
        basis="部门行政处罚程序规章关于撤销立案的规定", seal=False,
        sections=(
            Section("fields", rows=(
                ("案由", "{{ case.cause }}"), ("案件编号", "{{ case.number }}"), ("立案日期", "{{ case.filed_on }}"),
            )),
            party_fields(),
            Section("fields", heading="撤销立案理由", rows=(
                ("调查情况", "{{ case.summary }}"),
                ("撤销立案的理由", "{{ case.reason }}"),
                *approval_rows(),
            )),
        ),
    ),
    Document(
        code="XWBL", name="询问笔录", act_kinds=(P, C, I, L), number_mark="询",
        purpose="调查取证时询问当事人或者有关人员，如实记录问答内容。",
        basis=f"{XZCFF}第四十二条、第四十三条、第五十五条", seal=False,
        sections=(
            record_header(
                ("被询问人", "{{ party.name }}　性别：{{ party.gender }}"),
                ("身份证件号码", "{{ party.id_number }}"),
                ("工作单位及职务", "{{ party.occupation }}"),
                ("住址及联系电话", "{{ party.address }}　{{ party.phone }}"),
                ("与本案关系", "{{ party.relation }}"),
            ),
            Section("text", heading="告知", lines=(
                "我们是{{ agency.name }}的执法人员{{ officers.names }}，执法证件号码为{{ officers.cert_numbers }}，"
                "现向你出示执法证件。今天依法就{{ case.cause }}一事向你了解情况，请如实回答，作虚假陈述的须承担法律责任。",
                "执法人员少于两人或者所出示的执法证件与身份不符的，你有权拒绝接受调查和回答问题。"
                "你认为执法人员与本案有直接利害关系或者有其他关系可能影响公正执法的，有权申请回避。你是否申请回避？",
            )),
            Section("text", heading="询问内容", lines=("{{ record.content }}",)),
            Section("sign", lines=(
                "被询问人核对意见：以上笔录我已看过（已向我宣读），与我所说的相符。",
                "被询问人（签名或者盖章）：＿＿＿＿＿＿　　　　年　　月　　日",
                "询问人（签名）：＿＿＿＿＿＿　＿＿＿＿＿＿　　记录人（签名）：＿＿＿＿＿＿",
            )),
            Section("note", lines=("笔录应当逐页签名；被询问人拒绝签名的，由执法人员在笔录中注明情况。",)),
        ),
    ),
    Document(
        code="XCJCBL", name="现场检查（勘验）笔录", act_kinds=(P, C, I, L), number_mark="检",
        purpose="执法人员在现场检查、勘验时，记录检查对象、现场情况和音像记录情况。",
        basis=f"{XZCFF}第五十五条；{XZXKF}第三十四条", seal=False,
        sections=(
            record_header(
                ("当事人", "{{ party.name }}"),
                ("现场负责人及到场人员", "{{ record.present }}"),
                ("见证人", "{{ witness.name }}"),
            ),
            Section("text", heading="告知", lines=(
                "执法人员{{ officers.names }}已向当事人（现场负责人）出示执法证件，表明身份，"
                "告知检查的依据和事项，告知当事人有权进行陈述和申辩，有权申请回避。",
            )),
            Section("text", heading="现场情况", lines=("{{ record.content }}", "音像记录情况：{{ record.av }}")),
            sign_lines("当事人（现场负责人）", "见证人", "检查人员", "记录人"),
            Section("note", lines=("当事人拒绝签名或者不在场的，由执法人员在笔录中注明，并可以邀请见证人签名。",)),
        ),
    ),
    Document(
        code="XXDJBC", name="先行登记保存证据通知书", act_kinds=(P,), number_mark="保存",
        purpose="证据可能灭失或者以后难以取得时，经负责人批准先行登记保存，并告知当事人。",
        basis=f"{XZCFF}第五十六条",
        sections=(
            address(),
            Section("text", lines=(
                "本机关在调查{{ case.cause }}一案中，认为你（单位）的下列物品可能灭失或者以后难以取得，"
                "经本机关负责人批准，依据《中华人民共和国行政处罚法》第五十六条的规定，决定予以先行登记保存。",
                "保存地点：{{ preservation.place }}；保存方式：{{ preservation.method }}。",
                "保存期间，你（单位）及有关人员不得使用、销毁或者转移上述物品。"
                "本机关将在七个工作日内作出处理决定。",
            )),
            Section("grid", heading="先行登记保存物品清单", columns=ITEM_COLUMNS, blank_rows=6),
            sign_lines("当事人", "执法人员"),
        ),
    ),
    Document(
        code="XXDJCL", name="先行登记保存证据处理决定书", act_kinds=(P,), number_mark="保处",
        purpose="在先行登记保存之日起七个工作日内，对保存的物品作出处理决定。",
        basis=f"{XZCFF}第五十六条",
        sections=(
            address(),
            Section("text", lines=(
                "本机关于{{ decision.date }}对你（单位）的物品采取了先行登记保存措施（{{ decision.number }}）。"
                "依据《中华人民共和国行政处罚法》第五十六条的规定，现作出如下处理决定：",
                "{{ preservation.decision }}",
                "（处理方式包括：解除先行登记保存并退还物品；需要检测、检验、鉴定的，送交检测、检验、鉴定；"
                "依法应当查封、扣押的，依法采取查封、扣押措施；依法移送有关机关处理等。）",
            )),
        ),
    ),
    Document(
        code="DCZJBG", name="调查终结报告", act_kinds=(P,), number_mark="终报",
        purpose="调查终结后，承办人员报告案件事实、证据、法律适用、裁量情节和处理意见，报负责人审查。",
        basis=f"{XZCFF}第五十七条", seal=False,
        sections=(
            Section("fields", rows=(("案由", "{{ case.cause }}"), ("案件编号", "{{ case.number }}"))),
            party_fields(),
            Section("text", heading="一、案件来源及调查经过", lines=("{{ case.process }}",)),
            Section("text", heading="二、违法事实及证据", lines=("{{ facts.summary }}", "证据：{{ facts.evidence }}")),
            Section("text", heading="三、违法行为性质和法律依据", lines=(
                "{{ law.nature }}", "违反的规定：{{ law.violated }}", "处罚依据：{{ law.penalty_basis }}",
            )),
            Section("text", heading="四、裁量情节", lines=(
                "{{ penalty.discretion }}",
                "（写明不予处罚、从轻、减轻或者从重处罚的情节，以及所适用的裁量基准阶次。）",
            )),
            Section("text", heading="五、处理意见", lines=(
                "{{ opinion.handler }}",
                "（拟给予行政处罚及其种类、数额；或者拟不予行政处罚、撤销立案、移送司法机关，并说明理由。）",
                "是否属于法制审核目录清单所列情形、是否须集体讨论、是否属于听证范围：{{ case.reason }}",
            )),
            Section("sign", lines=(
                "承办人员（签名）：＿＿＿＿＿＿　＿＿＿＿＿＿　　　　年　　月　　日",
                "承办机构意见：{{ opinion.department }}　　签名：＿＿＿＿　　年　月　日",
            )),
        ),
    ),
    Document(
        code="FZSHYJ", name="法制审核意见书", act_kinds=(P, C, L, I, *SIMPLE_KINDS), number_mark="法审",
        purpose="法制审核机构对重大执法决定逐项审核后出具书面意见。",
        basis=f"{XZCFF}第五十八条；本机关重大执法决定法制审核制度（REV-04、REV-06、REV-07）", seal=True,
        sections=(
            Section("fields", rows=(
                ("案由（事项）", "{{ case.cause }}"),
                ("案件编号", "{{ case.number }}"),
                ("当事人", "{{ party.name }}"),
                ("送审日期", "{{ review.submitted_on }}"),
                ("审核人员", "{{ review.reviewers }}"),
            )),
            Section("fields", heading="审核事项", rows=(
                ("执法主体是否合法", "{{ review.body }}"),
                ("执法人员是否具备执法资格", "{{ review.officers }}"),
                ("事实是否清楚", "{{ review.facts }}"),
                ("证据是否合法、充分", "{{ review.evidence }}"),
                ("适用法律是否准确", "{{ review.law }}"),
                ("裁量基准运用是否适当", "{{ review.discretion }}"),
                ("程序是否合法", "{{ review.procedure }}"),
                ("是否超越职权、滥用职权", "{{ review.authority }}"),
                ("执法文书是否完备、规范", "{{ review.documents }}"),
                ("是否涉嫌犯罪需要移送司法机关", "{{ review.crime }}"),
            )),
            Section("text", heading="审核结论", lines=(
                "{{ review.conclusion }}",
                "（同意；或者逐项列明存在的问题并提出修改、补充调查的意见。承办机构应当研究处理后重新送审；"
                "不能解决或者存在争议的，提交行政机关负责人集体讨论。）",
            )),
            Section("sign", lines=("审核人员（签名）：＿＿＿＿＿＿　＿＿＿＿＿＿　　　　年　　月　　日",)),
            Section("note", lines=("法制审核机构自收到送审材料之日起五个工作日内出具本意见书；疑难复杂的，"
                                   "经分管负责人批准可以延长十个工作日。",)),
        ),
    ),
    Document(
        code="SXGZS", name="行政处罚事先告知书", act_kinds=(P,), number_mark="罚告",
        purpose="作出行政处罚决定前，告知当事人拟作出的处罚内容及事实、理由、依据和陈述、申辩等权利。",
        basis=f"{XZCFF}第四十四条、第四十五条、第六十二条",
        sections=(
            address(),
            Section("text", lines=(
                "本机关于{{ case.filed_on }}对你（单位）{{ case.cause }}一案立案调查。经查明：{{ facts.summary }}",
                "上述事实有下列证据证明：{{ facts.evidence }}",
                "你（单位）的上述行为违反了{{ law.violated }}的规定。依据{{ law.penalty_basis }}的规定，"
                "考虑到{{ penalty.discretion }}，本机关拟对你（单位）作出如下行政处罚：{{ penalty.content }}。",
                "依据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）享有陈述、申辩的权利。"
                "请于收到本告知书之日起五个工作日内向本机关提出陈述、申辩意见，并可以提交证据。"
                "本机关将对你（单位）提出的事实、理由和证据进行复核，成立的予以采纳，不会因你（单位）陈述、"
                "申辩而给予更重的处罚。",
                "拟作出的行政处罚属于听证范围的，本机关将同时送达听证告知书。",
            )),
            Section("text", lines=(CONTACT,)),
        ),
    ),
    Document(
        code="CSSBBL", name="陈述申辩笔录", act_kinds=(P, C), number_mark="陈述",
        purpose="记录当事人口头提出的陈述、申辩意见及其提交的证据，供复核。",
        basis=f"{XZCFF}第四十五条；{XZQZF}第八条、第三十六条", seal=False,
        sections=(
            record_header(("陈述申辩人", "{{ party.name }}"), ("委托代理人", "{{ party.agent }}")),
            Section("text", heading="陈述申辩内容", lines=("{{ record.statement }}",)),
            sign_lines("陈述申辩人", "执法人员", "记录人"),
        ),
    ),
    Document(
        code="TZGZS", name="听证告知书", act_kinds=(P, L), number_mark="听告",
        purpose="拟作出的决定属于听证范围的，告知当事人（申请人、利害关系人）有权要求举行听证。",
        basis=f"{XZCFF}第四十四条、第六十三条、第六十四条；{XZXKF}第四十七条",
        sections=(
            address(),
            Section("text", lines=(
                "本机关拟对你（单位）作出如下决定：{{ hearing.matter }}。",
                "依据{{ hearing.basis }}的规定，你（单位）有权要求举行听证。要求听证的，"
                "请于收到本告知书之日起五个工作日内向本机关提出；逾期未提出的，视为放弃听证权利。",
                "你（单位）不承担本机关组织听证的费用。",
            )),
            Section("text", lines=(CONTACT,)),
        ),
    ),
    Document(
        code="TZTZS", name="听证通知书", act_kinds=(P, L), number_mark="听通",
        purpose="在举行听证七个工作日前，通知当事人及有关人员听证的时间、地点和有关事项。",
        basis=f"{XZCFF}第六十四条；{XZXKF}第四十八条",
        sections=(
            address(),
            Section("text", lines=(
                "根据你（单位）于{{ hearing.requested_on }}提出的听证要求（或者依法应当听证），本机关定于{{ hearing.time }}"
                "在{{ hearing.place }}就{{ hearing.matter }}举行听证，听证{{ hearing.public }}举行。",
                "听证主持人：{{ hearing.host }}；听证员：{{ hearing.members }}；记录员：{{ hearing.clerk }}。",
                "你（单位）认为主持人与本案有直接利害关系的，有权在听证开始前申请回避。"
                "你（单位）可以亲自参加听证，也可以委托一至二人代理，代理人应当提交授权委托书。"
                "请携带身份证明和有关证据材料按时出席。",
                "无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关将终止听证。",
            )),
            Section("text", lines=(CONTACT,)),
        ),
    ),
    Document(
        code="TZBL", name="听证笔录", act_kinds=(P, L), number_mark="听录",
        purpose="如实记录听证过程，由当事人或者其代理人核对后签字或者盖章。",
        basis=f"{XZCFF}第六十四条第（八）项、第六十五条；{XZXKF}第四十八条", seal=False,
        sections=(
            Section("fields", rows=(
                ("案由（事项）", "{{ case.cause }}"),
                ("听证时间", "{{ hearing.time }}"),
                ("听证地点", "{{ hearing.place }}"),
                ("公开或者不公开举行", "{{ hearing.public }}"),
                ("听证主持人", "{{ hearing.host }}"),
                ("听证员", "{{ hearing.members }}"),
                ("记录员", "{{ hearing.clerk }}"),
                ("当事人及法定代表人", "{{ party.name }}　{{ party.legal_rep }}"),
                ("委托代理人", "{{ party.agent }}"),
                ("案件调查人员", "{{ hearing.investigators }}"),
            )),
            Section("text", heading="听证过程", lines=(
                "主持人宣布听证纪律，核对参加人员身份，告知当事人的权利义务，询问是否申请回避。",
                "调查人员提出当事人违法的事实、证据和处理建议；当事人进行申辩和质证；双方辩论；当事人作最后陈述。",
                "{{ record.content }}",
            )),
            sign_lines("当事人或者委托代理人", "听证主持人", "听证员", "记录员"),
            Section("note", lines=("笔录交当事人或者其代理人核对无误后签字或者盖章；拒绝签字或者盖章的，"
                                   "由听证主持人在笔录中注明。",)),
        ),
    ),
    Document(
        code="JTTLJL", name="集体讨论记录", act_kinds=(P, C, L), number_mark="集讨",
        purpose="情节复杂或者重大违法行为，由行政机关负责人集体讨论决定时的会议记录。",
        basis=f"{XZCFF}第五十七条第二款", seal=False,
        sections=(
            Section("fields", rows=(
                ("案由", "{{ case.cause }}"),
                ("案件编号", "{{ case.number }}"),
                ("时间", "{{ record.time }}"),
                ("地点", "{{ record.place }}"),
                ("主持人", "{{ record.host }}"),
                ("出席及列席人员", "{{ record.present }}"),
                ("记录人", "{{ officers.recorder }}"),
            )),
            Section("text", heading="讨论内容", lines=(
                "承办人员汇报案件事实、证据、法律依据、裁量情节和处理意见；法制审核机构说明审核意见；"
                "当事人陈述、申辩或者听证意见及采纳情况。",
                "{{ record.content }}",
            )),
            Section("text", heading="讨论决定", lines=("{{ decision.result }}",)),
            Section("sign", lines=(
                "主持人（签名）：＿＿＿＿＿＿　　出席人员（签名）：＿＿＿＿＿＿＿＿＿＿＿＿　　记录人（签名）：＿＿＿＿＿＿",
            )),
        ),
    ),
    Document(
        code="CFJDS", name="行政处罚决定书", act_kinds=(P,), number_mark="罚决",
        purpose="按一般程序作出的行政处罚决定，写明事实、证据、依据、裁量理由、履行方式和期限及救济途径。",
        basis=f"{XZCFF}第五十九条、第六十一条、第六十七条、第七十二条",
        sections=(
            party_fields(),
            Section("text", heading="一、案件来源及调查经过", lines=("{{ case.process }}",)),
            Section("text", heading="二、违法事实和证据", lines=(
                "经查明：{{ facts.summary }}", "上述事实有下列证据证明：{{ facts.evidence }}",
            )),
            Section("text", heading="三、陈述、申辩和听证情况", lines=("{{ facts.statement }}",)),
            Section("text", heading="四、处罚依据和裁量理由", lines=(
                "你（单位）的上述行为违反了{{ law.violated }}的规定，{{ law.nature }}。",
                "依据{{ law.penalty_basis }}的规定，{{ penalty.discretion }}。",
            )),
            Section("text", heading="五、处罚决定", lines=("本机关决定对你（单位）给予如下行政处罚：{{ penalty.content }}。",)),
            Section("text", heading="六、履行方式和期限", lines=(
                "请自收到本决定书之日起十五日内，将罚没款缴至{{ payment.bank }}，或者通过电子支付系统缴纳。{{ payment.method }}",
                "到期不缴纳罚款的，本机关可以每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额。",
            )),
            Section("text", heading="七、救济途径和期限", lines=(
                REMEDY, REMEDY_NOT_SUSPENDED,
                "逾期不申请行政复议、不提起行政诉讼，又不履行本决定的，本机关将依法申请人民法院强制执行或者依法强制执行。",
            )),
        ),
    ),
    Document(
        code="BYCFJDS", name="不予行政处罚决定书", act_kinds=(P,), number_mark="不罚决",
        purpose="违法行为轻微依法可以不予处罚、初次违法且危害后果轻微并及时改正，或者违法事实不能成立时，作出不予行政处罚决定。",
        basis=f"{XZCFF}第三十三条、第五十七条第一款第（二）项、第（三）项",
        sections=(
            party_fields(),
            Section("text", lines=(
                "本机关于{{ case.filed_on }}对你（单位）{{ case.cause }}一案立案调查。经查明：{{ facts.summary }}",
                "上述事实有下列证据证明：{{ facts.evidence }}",
                "鉴于{{ decision.reason }}，依据{{ law.no_penalty_basis }}的规定，本机关决定对你（单位）不予行政处罚。",
                "本机关已对你（单位）进行教育。请你（单位）{{ decision.correction }}，自觉守法经营。",
                REMEDY,
            )),
        ),
    ),
    Document(
        code="DCCFJDS", name="当场行政处罚决定书", act_kinds=(P,), number_mark="当罚",
        purpose="适用简易程序当场作出行政处罚决定时使用的预定格式、编有号码的决定书。",
        basis=f"{XZCFF}第五十一条、第五十二条", seal=True,
        sections=(
            party_fields(),
            Section("text", lines=(
                "执法人员已出示执法证件，并告知你（单位）拟作出的行政处罚内容及事实、理由、依据和陈述、申辩的权利，"
                "已听取你（单位）的陈述、申辩。",
                "违法行为：{{ record.time }}，在{{ record.place }}，{{ facts.summary }}。",
                "你（单位）的上述行为违反了{{ law.violated }}的规定。依据{{ law.penalty_basis }}的规定，"
                "当场决定给予如下行政处罚：{{ penalty.content }}。",
                "履行方式和期限：{{ payment.method }}（依法当场收缴的，当场出具专用票据；"
                "其他情形请自收到本决定书之日起十五日内到{{ payment.bank }}缴纳或者通过电子支付系统缴纳）。"
                "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额。",
                REMEDY,
            )),
            Section("sign", lines=(
                "执法人员（签名）：＿＿＿＿＿＿　＿＿＿＿＿＿　执法证件号码：{{ officers.cert_numbers }}",
                "当事人（签名或者盖章）：＿＿＿＿＿＿　　　　年　　月　　日",
            )),
            Section("note", lines=("当事人拒绝签收的，执法人员应当在本决定书上注明。执法人员当场作出的行政处罚决定，"
                                   "应当报所属行政机关备案。",)),
        ),
    ),
    Document(
        code="YSS", name="涉嫌犯罪案件移送书", act_kinds=(P,), number_mark="移",
        purpose="违法行为涉嫌犯罪的，将案件移送司法机关依法追究刑事责任。",
        basis=f"{XZCFF}第二十七条、第五十七条第一款第（四）项；《行政执法机关移送涉嫌犯罪案件的规定》第六条、第八条",
        sections=(
            address("transfer.receiver"),
            Section("text", lines=(
                "本机关在查处{{ party.name }}{{ case.cause }}一案中，发现其行为涉嫌{{ transfer.crime }}。"
                "依据《中华人民共和国行政处罚法》第二十七条和《行政执法机关移送涉嫌犯罪案件的规定》的规定，现将该案移送你单位，"
                "请依法审查处理，并将处理结果书面告知本机关。",
                "随附材料：{{ transfer.attachments }}（涉嫌犯罪案件情况的调查报告、涉案物品清单、"
                "有关检验报告或者鉴定意见及其他有关材料）。",
            )),
            Section("text", lines=(CONTACT,)),
        ),
    ),
    Document(
        code="SDHZ", name="送达回证", act_kinds=(P, C, L, I, *SIMPLE_KINDS), number_mark="送",
        purpose="记录执法文书的送达情况，由受送达人签收；留置送达、邮寄送达等依法注明。",
        basis=f"{XZCFF}第六十一条；{XZQZF}第三十八条；《中华人民共和国民事诉讼法》关于送达的规定", seal=True,
        sections=(
            Section("fields", rows=(
                ("送达文书名称及文号", "{{ service.document }}"),
                ("受送达人", "{{ service.receiver }}"),
                ("送达地点", "{{ service.place }}"),
                ("送达方式", "{{ service.method }}"),
                ("送达人", "{{ officers.names }}"),
                ("受送达人签收", "{{ service.signature }}　　　　年　　月　　日"),
                ("代收人及代收理由", "{{ service.proxy }}"),
                ("见证人", "{{ witness.name }}"),
                ("备注", "{{ service.note }}"),
            )),
            Section("note", lines=("受送达人拒绝签收的，送达人可以邀请有关基层组织或者所在单位的代表到场，说明情况，"
                                   "在本回证上记明拒收事由和日期，把文书留在受送达人的住所，并可以采用拍照、"
                                   "录像等方式记录送达过程。",)),
        ),
    ),
    Document(
        code="JABG", name="结案报告", act_kinds=(P, C, L, I, *SIMPLE_KINDS), number_mark="结",
        purpose="案件执行完毕或者依法终结后，报告处理和执行情况，报负责人批准结案。",
        basis="各系统行政执法程序规定关于结案的规定；本机关案卷管理制度（REC-08）", seal=False,
        sections=(
            Section("fields", rows=(
                ("案由", "{{ case.cause }}"),
                ("案件编号", "{{ case.number }}"),
                ("当事人", "{{ party.name }}"),
                ("立案日期", "{{ case.filed_on }}"),
                ("决定文书及文号", "{{ decision.title }}　{{ decision.number }}"),
                ("处理结果", "{{ case.result }}"),
                ("执行情况", "{{ case.execution }}"),
                ("结案理由", "{{ case.reason }}"),
                *approval_rows(),
            )),
        ),
    ),
    Document(
        code="QZCSSP", name="行政强制措施审批表", act_kinds=(C,), number_mark="强审",
        purpose="实施行政强制措施前报行政机关负责人批准；情况紧急当场实施的，在二十四小时内补办批准手续。",
        basis=f"{XZQZF}第十八条第（一）项、第十九条", seal=False,
        sections=(
            Section("fields", rows=(("案由", "{{ case.cause }}"), ("案件编号", "{{ case.number }}"))),
            party_fields(),
            Section("fields", heading="拟采取的措施", rows=(
                ("措施", "{{ coercion.measure }}"),
                ("场所、设施或者财物", "{{ coercion.items }}"),
                ("理由和依据", "{{ coercion.basis }}"),
                ("期限", "{{ coercion.days }}"),
                ("是否情况紧急当场实施", "{{ coercion.urgent }}"),
                *approval_rows(),
            )),
        ),
    ),
    Document(
        code="CFKYXCBL", name="查封（扣押）现场笔录", act_kinds=(C,), number_mark="强录",
        purpose="实施查封、扣押时，记录出示证件、通知当事人到场、告知、听取陈述申辩和实施经过。",
        basis=f"{XZQZF}第十八条", seal=False,
        sections=(
            record_header(
                ("当事人", "{{ party.name }}"),
                ("当事人到场情况", "{{ party.present }}"),
                ("见证人（当事人不到场时）", "{{ witness.name }}"),
            ),
            Section("text", heading="实施经过", lines=(
                "批准情况：{{ coercion.approval }}",
                "执法人员{{ officers.names }}已出示执法证件，通知当事人到场，当场告知当事人采取{{ coercion.measure }}的理由、"
                "依据以及当事人依法享有的权利和救济途径。",
                "当事人陈述、申辩：{{ record.statement }}",
                "{{ record.content }}",
                "音像记录情况：{{ record.av }}",
            )),
            sign_lines("当事人", "见证人", "执法人员", "记录人"),
            Section("note", lines=("现场笔录由当事人和执法人员签名或者盖章，当事人拒绝的，在笔录中注明；当事人不到场的，"
                                   "邀请见证人到场，由见证人和执法人员签名或者盖章。",)),
        ),
    ),
    Document(
        code="CFKYQD", name="查封（扣押）财物清单", act_kinds=(C,), number_mark="强单",
        purpose="逐项列明查封、扣押的场所、设施或者财物，一式二份，当事人和行政机关各执一份。",
        basis=f"{XZQZF}第二十四条", seal=True,
        sections=(
            Section("fields", rows=(
                ("当事人", "{{ party.name }}"),
                ("查封（扣押）决定书文号", "{{ decision.number }}"),
                ("地点", "{{ record.place }}"),
            )),
            Section("grid", columns=ITEM_COLUMNS, blank_rows=10),
            sign_lines("当事人", "见证人", "执法人员", "保管人"),
            Section("note", lines=("本清单一式二份，由当事人和行政机关分别保存。",)),
        ),
    ),
    Document(
        code="CFKYJDS", name="查封（扣押）决定书", act_kinds=(C,), number_mark="强决",
        purpose="决定查封、扣押时制作并当场交付当事人，写明理由、依据、期限、对象和救济途径。",
        basis=f"{XZQZF}第二十四条、第二十五条、第二十六条",
        sections=(
            party_fields(),
            Section("text", lines=(
                "理由：经查，你（单位）{{ facts.summary }}，涉嫌违反{{ law.violated }}的规定，{{ decision.reason }}。",
                "依据{{ coercion.basis }}的规定，本机关决定对你（单位）的下列场所、"
                "设施或者财物实施{{ coercion.measure }}：{{ coercion.items }}（详见查封（扣押）财物清单）。",
                "{{ coercion.measure }}期限为{{ coercion.days }}日，自{{ coercion.start }}起至{{ coercion.end }}止。"
                "情况复杂的，经本机关负责人批准可以延长，延长期限不超过三十日，延长决定将书面告知你（单位）。"
                "需要进行检测、检验、检疫或者技术鉴定的，其期间不计入上述期限，本机关将书面告知该期间。",
                "查封的场所、设施或者财物由{{ coercion.custodian }}保管，任何人不得擅自使用、转移、损毁或者隐匿。",
                REMEDY,
            )),
        ),
    ),
    Document(
        code="YCCFKY", name="延长查封（扣押）期限决定书", act_kinds=(C,), number_mark="强延",
        purpose="情况复杂需要延长查封、扣押期限的，经负责人批准后书面告知当事人并说明理由。",
        basis=f"{XZQZF}第二十五条第一款、第二款",
        sections=(
            address(),
            Section("text", lines=(
                "本机关于{{ coercion.start }}依据{{ decision.number }}对你（单位）"
                "的{{ coercion.items }}实施了{{ coercion.measure }}。"
                "因{{ coercion.extension_reason }}，情况复杂，经本机关负责人批准，"
                "依据《中华人民共和国行政强制法》第二十五条的规定，"
                "决定将{{ coercion.measure }}期限延长{{ coercion.extension_days }}日，至{{ coercion.end }}止。",
                REMEDY,
            )),
        ),
    ),
    Document(
        code="JCCFKY", name="解除查封（扣押）决定书", act_kinds=(C,), number_mark="强解",
        purpose="当事人没有违法行为、财物与违法行为无关、已作出处理决定不再需要、期限届满等情形，及时解除查封、扣押。",
        basis=f"{XZQZF}第二十八条",
        sections=(
            address(),
            Section("text", lines=(
                "本机关于{{ coercion.start }}依据{{ decision.number }}对你（单位）"
                "的{{ coercion.items }}实施了{{ coercion.measure }}。"
                "因{{ coercion.release_reason }}，依据《中华人民共和国行政强制法》第二十八条的规定，"
                "本机关决定自{{ coercion.release_on }}起解除上述{{ coercion.measure }}。",
                "已扣押的财物，请于{{ coercion.return }}领取；已经拍卖、变卖的，退还拍卖、变卖所得款项。",
            )),
        ),
    ),
    Document(
        code="JCFKJDS", name="加处罚款决定书", act_kinds=(P, C), number_mark="加罚",
        purpose="当事人到期不缴纳罚款的，告知并决定每日按罚款数额的百分之三加处罚款。",
        basis=f"{XZCFF}第七十二条第一款第（一）项；{XZQZF}第四十五条",
        sections=(
            address(),
            Section("text", lines=(
                "本机关于{{ decision.date }}作出{{ decision.title }}（{{ decision.number }}），对你（单位）"
                "处以罚款{{ penalty.fine_amount }}元，"
                "要求你（单位）于{{ payment.deadline }}前缴纳。你（单位）到期未缴纳。",
                "依据《中华人民共和国行政处罚法》第七十二条第一款第（一）项和《中华人民共和国行政强制法》第四十五条的规定，"
                "本机关决定自{{ surcharge.start }}起，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额。",
                "请立即缴纳罚款及加处罚款，缴纳方式：{{ payment.method }}。",
                REMEDY,
            )),
        ),
    ),
    Document(
        code="CGS", name="催告书", act_kinds=(P, C), number_mark="催",
        purpose="作出强制执行决定或者申请人民法院强制执行前，书面催告当事人履行义务。",
        basis=f"{XZQZF}第三十五条、第三十六条、第五十四条",
        sections=(
            address(),
            Section("text", lines=(
                "本机关于{{ decision.date }}作出{{ decision.title }}（{{ decision.number }}），"
                "要求你（单位）{{ obligation.content }}。"
                "该决定已依法送达，你（单位）至今未履行。"
                "依据《中华人民共和国行政强制法》第三十五条的规定，现催告你（单位）履行：",
                "一、履行期限：{{ obligation.deadline }}前。",
                "二、履行方式：{{ obligation.method }}。",
                "三、涉及金钱给付的，应缴金额为{{ obligation.amount }}元（含加处罚款或者滞纳金），"
                "缴纳方式：{{ payment.method }}。",
                "四、你（单位）收到本催告书后有权进行陈述和申辩，"
                "请于{{ obligation.statement_deadline }}前以书面或者口头方式向本机关提出。"
                "本机关将充分听取并复核你（单位）提出的事实、理由和证据，成立的予以采纳。",
                "逾期仍不履行且无正当理由的，本机关将依法作出强制执行决定或者申请人民法院强制执行。",
            )),
            Section("text", lines=(CONTACT,)),
        ),
    ),
    Document(
        code="QZZXJDS", name="行政强制执行决定书", act_kinds=(C,), number_mark="强执",
        purpose="经催告当事人逾期仍不履行且无正当理由的，书面作出强制执行决定。",
        basis=f"{XZQZF}第三十七条、第三十八条、第四十三条",
        sections=(
            party_fields(),
            Section("text", lines=(
                "本机关于{{ decision.date }}作出{{ decision.title }}（{{ decision.number }}），并于{{ obligation.demanded_on }}向"
                "你（单位）送达催告书。"
                "你（单位）逾期仍未履行{{ obligation.content }}，且无正当理由。",
                "依据{{ execution.basis }}和《中华人民共和国行政强制法》第三十七条的规定，本机关决定对你（单位）强制执行：",
                "强制执行方式：{{ execution.method }}；强制执行时间：{{ execution.time }}。",
                REMEDY,
            )),
        ),
    ),
    Document(
        code="DLXJDS", name="代履行决定书", act_kinds=(C,), number_mark="代履",
        purpose="当事人不履行排除妨碍、恢复原状等义务，后果已经或者将危害交通安全、造成环境污染或者破坏自然资源的，决定代履行。",
        basis=f"{XZQZF}第五十条、第五十一条",
        sections=(
            party_fields(),
            Section("text", lines=(
                "本机关于{{ decision.date }}作出{{ decision.title }}（{{ decision.number }}），"
                "要求你（单位）{{ obligation.content }}。"
                "经催告，你（单位）仍未履行，其后果已经或者将{{ decision.reason }}。",
                "依据《中华人民共和国行政强制法》第五十条、第五十一条的规定，本机关决定代履行：",
                "代履行标的：{{ substitute.target }}；方式：{{ substitute.method }}；时间：{{ substitute.time }}；"
                "费用预算：{{ substitute.budget }}元；代履行人：{{ substitute.performer }}。",
                "代履行三日前，本机关将催告你（单位）履行；你（单位）履行的，停止代履行。"
                "代履行费用按照成本合理确定，由你（单位）承担。",
                REMEDY,
            )),
        ),
    ),
    Document(
        code="SLTZS", name="受理通知书", act_kinds=(L,), number_mark="许受",
        purpose="申请事项属于本机关职权范围、材料齐全且符合法定形式的，出具受理的书面凭证。",
        basis=f"{XZXKF}第三十二条、第四十二条、第四十五条",
        sections=(
            address("applicant.name"),
            Section("text", lines=(
                "你（单位）于{{ application.date }}提出的{{ license.item }}申请，申请材料齐全、符合法定形式。"
                "依据《中华人民共和国行政许可法》第三十二条第一款第（五）项的规定，本机关决定予以受理，"
                "受理编号为{{ application.number }}。",
                "本机关将自受理之日起{{ license.time_limit }}个工作日内作出行政许可决定。依法需要听证、招标、拍卖、检验、检测、"
                "检疫、鉴定或者专家评审的，"
                "所需时间不计算在内，本机关将另行书面告知。",
            )),
            Section("text", lines=(CONTACT,)),
        ),
    ),
    Document(
        code="BYSLTZS", name="不予受理通知书", act_kinds=(L,), number_mark="许不受",
        purpose="申请事项依法不需要取得行政许可、不属于本机关职权范围，或者申请人未按要求补正的，"
                "出具不予受理的书面凭证并说明理由。",
        basis=f"{XZXKF}第三十二条",
        sections=(
            address("applicant.name"),
            Section("text", lines=(
                "你（单位）于{{ application.date }}提出的{{ license.item }}申请，因{{ application.reason }}，"
                "依据《中华人民共和国行政许可法》第三十二条的规定，本机关决定不予受理。{{ application.redirect }}",
                REMEDY,
            )),
        ),
    ),
    Document(
        code="BZCLTZS", name="补正材料通知书", act_kinds=(L,), number_mark="许补",
        purpose="申请材料不齐全或者不符合法定形式的，当场或者在五个工作日内一次告知需要补正的全部内容。",
        basis=f"{XZXKF}第三十二条第一款第（四）项",
        sections=(
            address("applicant.name"),
            Section("text", lines=(
                "你（单位）于{{ application.date }}提交的{{ license.item }}申请材料不齐全或者不符合法定形式。"
                "依据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次告知你（单位）需要补正的全部内容如下：",
                "{{ application.corrections }}",
                "请按上述要求补正后重新提交。补正材料齐全、符合法定形式的，本机关将予以受理。",
            )),
            Section("grid", heading="需要补正的材料", columns=("序号", "材料名称", "补正要求", "备注"), blank_rows=5),
            Section("text", lines=(CONTACT,)),
        ),
    ),
    Document(
        code="ZYXKJDS", name="准予行政许可决定书", act_kinds=(L,), number_mark="许准",
        purpose="申请符合法定条件、标准的，依法作出准予行政许可的书面决定。",
        basis=f"{XZXKF}第三十八条第一款、第三十九条、第四十条、第四十四条",
        sections=(
            address("applicant.name"),
            Section("text", lines=(
                "你（单位）于{{ application.date }}提出的{{ license.item }}申请，"
                "本机关已于受理后依法审查（受理编号：{{ application.number }}）。"
                "经审查，你（单位）的申请符合{{ license.conditions }}规定的条件、标准。",
                "依据《中华人民共和国行政许可法》第三十八条第一款的规定，本机关决定准予行政许可。许可范围：{{ license.scope }}；"
                "有效期限：{{ license.validity }}；许可证件：{{ license.certificate }}。",
                "本机关将自本决定作出之日起十个工作日内向你（单位）颁发、送达行政许可证件。本决定依法公开，公众有权查阅。",
            )),
        ),
    ),
    Document(
        code="BYXKJDS", name="不予行政许可决定书", act_kinds=(L,), number_mark="许不准",
        purpose="申请不符合法定条件、标准的，作出不予行政许可的书面决定，说明理由并告知救济权利。",
        basis=f"{XZXKF}第三十八条第二款",
        sections=(
            address("applicant.name"),
            Section("text", lines=(
                "你（单位）于{{ application.date }}提出的{{ license.item }}申请，"
                "本机关已依法受理并审查（受理编号：{{ application.number }}）。"
                "经审查，{{ application.reason }}，不符合{{ license.conditions }}规定的条件、标准。",
                "依据《中华人民共和国行政许可法》第三十八条第二款的规定，本机关决定不予行政许可。",
                REMEDY,
            )),
        ),
    ),
    Document(
        code="CCJGGZS", name="抽查结果告知书", act_kinds=(I,), number_mark="抽告",
        purpose="随机抽查检查结束后，将检查结果和后续处理意见告知被检查对象，并告知公示和异议事项。",
        basis="《国务院办公厅关于推广随机抽查规范事中事后监管的通知》；本地区行政执法公示制度（PUB-12）",
        sections=(
            address(),
            Section("text", lines=(
                "根据{{ inspection.plan }}，本机关于{{ inspection.date }}"
                "对你（单位）依法进行了{{ inspection.item }}随机抽查检查。"
                "检查对象和执法检查人员均通过随机方式抽取。",
                "检查结果：{{ inspection.result }}。",
                "处理意见：{{ inspection.followup }}。",
                "检查结果将于检查完毕之日起{{ inspection.publish_days }}个工作日内通过{{ inspection.channel }}向社会公示。"
                "你（单位）对检查结果有异议的，可以自收到本告知书之日起{{ inspection.objection_days }}个工作日内向本机关书面提出"
                "，并提交相关证明材料。",
            )),
            Section("text", lines=(CONTACT,)),
        ),
    ),
    Document(
        code="XZJDS", name="行政决定书", act_kinds=SIMPLE_KINDS, number_mark="决",
        purpose="行政征收、征用、确认、裁决、给付、奖励等行为作出决定时使用的通用决定书。",
        basis="设定该事项的法律、法规、规章",
        sections=(
            address(),
            Section("text", lines=(
                "{{ decision.matter }}",
                "经审查：{{ decision.facts }}",
                "依据{{ decision.basis }}的规定，本机关决定如下：{{ decision.content }}",
                "履行方式和期限：{{ decision.performance }}",
                REMEDY,
            )),
        ),
    ),
]

DOCUMENTS: dict[str, Document] = {}
for _doc in _DEFINITIONS:
    if _doc.code in DOCUMENTS:
        raise DocumentDefinitionError(f"文书代码重复：{_doc.code}")
    DOCUMENTS[_doc.code] = _doc
del _doc


def codes() -> list[str]:
    return list(DOCUMENTS)


def get(code: str) -> Document | None:
    return DOCUMENTS.get(code)


def produced_at(code: str) -> list[tuple[str, str]]:
    """(flow key, step key) of every flow step whose definition lists the document ``code``."""
    from sanxiang.catalog import flows

    return [(flow.key, step.key) for flow in flows.FLOWS.values() for step in flow.steps if code in step.documents]


# --- Rendering ------------------------------------------------------------------------------------------

@dataclass
class Part:
    """A piece of text: literal, or a placeholder (blank or filled)."""

    text: str
    placeholder: str = ""
    label: str = ""
    filled: bool = False


def split(text: str, values: dict | None = None) -> list[Part]:
    """Split ``text`` into literal parts and placeholders (filled from ``values`` when given)."""
    values = values or {}
    parts: list[Part] = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > position:
            parts.append(Part(text[position:match.start()]))
        name = match.group(1)
        value = values.get(name)
        if value is None or str(value) == "":
            parts.append(Part(BLANK, placeholder=name, label=PLACEHOLDERS.get(name, name)))
        else:
            parts.append(Part(str(value), placeholder=name, label=PLACEHOLDERS.get(name, name), filled=True))
        position = match.end()
    if position < len(text):
        parts.append(Part(text[position:]))
    return parts


def number_line(document: Document, number: str = "") -> str:
    return number or f"＿＿{document.number_mark}〔＿＿＿＿〕＿＿号"


@dataclass
class PreviewSection:
    kind: str
    heading: str = ""
    lines: list[list[Part]] = field(default_factory=list)
    rows: list[tuple[list[Part], list[Part]]] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    blank_rows: range = range(0)


def preview(code_or_document, values: dict | None = None) -> dict:
    """The document as data for the HTML preview: header, title, number line, sections, seal and the placeholders used."""
    document = code_or_document if isinstance(code_or_document, Document) else DOCUMENTS[code_or_document]
    sections = []
    for section in document.sections:
        sections.append(PreviewSection(
            kind=section.kind, heading=section.heading,
            lines=[split(line, values) for line in section.lines],
            rows=[(split(label, values), split(value, values)) for label, value in section.rows],
            columns=section.columns, blank_rows=range(section.blank_rows),
        ))
    return {
        "document": document,
        "number_line": number_line(document),
        "sections": sections,
        "placeholders": [(name, PLACEHOLDERS[name]) for name in placeholders_of(document)],
    }


def _font(run, east_asia: str, size: float | None = None, bold: bool = False, underline: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT_LATIN
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), FONT_LATIN)
    fonts.set(qn("w:hAnsi"), FONT_LATIN)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold
    if underline:
        run.font.underline = True


def _write_parts(paragraph, parts: list[Part], size: float, east_asia: str = FONT_BODY, bold: bool = False) -> None:
    for part in parts:
        run = paragraph.add_run(part.text)
        _font(run, east_asia, size, bold=bold, underline=bool(part.placeholder))


def _style_defaults(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    normal.font.name = FONT_LATIN
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT_BODY)
    fonts.set(qn("w:ascii"), FONT_LATIN)
    fonts.set(qn("w:hAnsi"), FONT_LATIN)


def render_docx(code_or_document, values: dict | None = None, *, agency_name: str = "", number: str = "") -> bytes:
    """The document as DOCX bytes. With no ``values`` it is the blank sample (每个填写项为下划线空白)."""
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = code_or_document if isinstance(code_or_document, Document) else DOCUMENTS[code_or_document]
    values = dict(values or {})
    if agency_name:
        values.setdefault("agency.name", agency_name)

    doc = Docx()
    _style_defaults(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    doc.core_properties.title = document.name
    doc.core_properties.subject = "执法文书样本"

    header = doc.add_paragraph()
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(header.add_run(agency_name or "＿＿＿＿＿＿＿＿（行政机关名称）"), FONT_TITLE, 16, bold=True)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(document.name), FONT_TITLE, 22, bold=True)

    num = doc.add_paragraph()
    num.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(num.add_run(number_line(document, number)), FONT_BODY, 12)

    for part in document.sections:
        if part.heading:
            heading = doc.add_paragraph()
            _font(heading.add_run(part.heading), FONT_HEADING, 14, bold=True)
        if part.kind in ("address", "sign"):
            for line in part.lines:
                paragraph = doc.add_paragraph()
                _write_parts(paragraph, split(line, values), 14 if part.kind == "address" else 12)
        elif part.kind == "text":
            for line in part.lines:
                paragraph = doc.add_paragraph()
                paragraph.paragraph_format.first_line_indent = Pt(28)
                paragraph.paragraph_format.line_spacing = Pt(28)
                _write_parts(paragraph, split(line, values), 14)
        elif part.kind == "note":
            for line in part.lines:
                paragraph = doc.add_paragraph()
                _write_parts(paragraph, split("说明：" + line, values), 10.5)
        elif part.kind == "fields":
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for label, value in part.rows:
                cells = table.add_row().cells
                cells[0].width, cells[1].width = Cm(4.5), Cm(11.1)
                _write_parts(cells[0].paragraphs[0], split(label, values), 12, bold=True)
                _write_parts(cells[1].paragraphs[0], split(value, values), 12)
            doc.add_paragraph()
        elif part.kind == "grid":
            table = doc.add_table(rows=1 + part.blank_rows, cols=len(part.columns))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, column in zip(table.rows[0].cells, part.columns, strict=True):
                _font(cell.paragraphs[0].add_run(column), FONT_BODY, 10.5, bold=True)
            doc.add_paragraph()

    if document.seal:
        for text in ((agency_name or "＿＿＿＿＿＿＿＿") + "（印章）", "　　年　　月　　日"):
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(paragraph.add_run(text), FONT_BODY, 14)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
