"""Forms of the catalog staff pages (清单维护). They only parse input; ``kinds.clean`` and the services validate.

Each list kind has an :class:`Editor`: a main form for its single fields plus formsets for its rows
(legal bases, discretion tiers, materials, plan tasks, review rules, AV rows). The editor turns the
parsed input into the version's ``content`` dict, turns a content dict back into initial values, and
puts a ``ValidationError`` from ``kinds.clean`` or a service back next to the field it names.

Formsets need no JavaScript: "添加一行" is a submit button (``name="add_row"``, value = the
formset's prefix) that re-renders the page with one more empty row and saves nothing.
"""

import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.utils.translation import gettext_lazy as _

from sanxiang.org.forms import show_errors
from sanxiang.org.models import Department, Level

from .kinds import FIXED_CODES, parse_citation
from .kinds.common import LIST_MAX
from .models import Entry, ErrorReport, ListKind, Provision, Statute
from .vocab import ActKind, AVRequirement, ComplexityFlag, PenaltyKind, Severity

__all__ = [
    "AnswerForm", "ApproveForm", "EDITORS", "Editor", "EntryForm", "ImportForm", "InForceForm", "MetaForm",
    "RepealForm", "ReturnForm", "editor_for", "show_errors", "silence",
]

MAX_ROWS = LIST_MAX  # rows of one list on one page
MAX_TIERS = 20
BASIS_ROLES = [("设定依据", _("设定依据")), ("实施依据", _("实施依据")), ("处罚依据", _("处罚依据"))]
LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
ROW_MESSAGE = re.compile(r"^[^：:]*?第(?P<n>\d+)[条项行档][：:]")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"], **kwargs)


def text_area(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def money_field(label):
    return forms.DecimalField(label=label, required=False, max_digits=14, decimal_places=2)


def checks(label, choices, **kwargs):
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple,
                                     **kwargs)


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _percent(value) -> str:
    return "" if value is None else f"{Decimal(value):.2f}"


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else (value or "")


def _split(text: str) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(text or "") if part]


def _joined(values) -> str:
    return "、".join(str(v) for v in values or [])


def _date_or_text(value):
    """An ISO date string back to a date for a DateField's initial (anything else stays as it is)."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# --- Rows --------------------------------------------------------------------------------------


class RowForm(forms.Form):
    """A row of a formset. ``to_content`` / ``initial_from`` convert between cleaned data and a content row."""

    row_title = _("行")

    @classmethod
    def initial_from(cls, row: dict) -> dict:
        return {name: row.get(name) for name in cls.base_fields}

    @staticmethod
    def to_content(data: dict) -> dict:
        return {name: value for name, value in data.items() if name != "DELETE"}


class BasisForm(RowForm):
    """A legal basis (法律依据): a provision of the statute library, chosen by statute and article/paragraph/item."""

    row_title = _("法律依据")

    statute = forms.TypedChoiceField(label=_("法律法规"), coerce=int, empty_value=None)
    article = forms.IntegerField(label=_("条"))
    paragraph = forms.IntegerField(label=_("款"), required=False, help_text=_("不填表示整条"))
    item = forms.IntegerField(label=_("项"), required=False, help_text=_("不填表示整款"))
    role = forms.ChoiceField(label=_("依据类别"), choices=[("", _("（不注明）"))] + BASIS_ROLES, required=False)

    def __init__(self, *args, statutes=None, **kwargs):
        super().__init__(*args, **kwargs)
        statutes = statute_choices() if statutes is None else statutes
        self.titles = {pk: title for pk, title, _label in statutes}
        self.fields["statute"].choices = [("", _("（请选择）"))] + [(pk, label) for pk, _title, label in statutes]
        for name in ("article", "paragraph", "item"):
            self.fields[name].widget.attrs["class"] = "narrow"

    @classmethod
    def initial_from(cls, row: dict) -> dict:
        provision = None
        if str(row.get("provision_id") or "").isdigit():
            provision = Provision.objects.filter(pk=row["provision_id"]).first()
        if provision is not None:
            return {"statute": provision.statute_id, "article": provision.article,
                    "paragraph": provision.paragraph or None, "item": provision.item or None, "role": row.get("role")}
        # A reference by title and numbers (or citation), as imports and older content carry it.
        title = str(row.get("statute") or "").strip("《》 ")
        statute = Statute.objects.filter(title=title).first() or Statute.objects.filter(short_title=title).first()
        numbers = parse_citation(row["citation"]) if row.get("citation") else None
        article, paragraph, item = numbers or (row.get("article"), row.get("paragraph"), row.get("item"))
        return {"statute": statute.pk if statute else None, "article": article, "paragraph": paragraph or None,
                "item": item or None, "role": row.get("role")}

    def to_content(self, data: dict) -> dict:
        # kinds.clean resolves the numbers to a provision of the library, or says which one does not exist.
        return {"statute": self.titles.get(data["statute"], ""), "article": data["article"],
                "paragraph": data.get("paragraph") or 0, "item": data.get("item") or 0, "role": data.get("role", "")}


def statute_choices() -> list[tuple[int, str, str]]:
    """(pk, title, label) of every statute of the library, for the basis picker (one query per page)."""
    today = datetime.date.today()
    return [
        (pk, title, f"《{title}》" + ("（已废止）" if repealed_on and repealed_on <= today else ""))
        for pk, title, repealed_on in Statute.objects.order_by("level", "title").values_list("pk", "title", "repealed_on")
    ]


class TierForm(RowForm):
    """A tier of a discretion benchmark (裁量阶次)."""

    row_title = _("裁量阶次")

    severity = forms.ChoiceField(label=_("违法程度"), choices=Severity.choices)
    circumstances = forms.CharField(label=_("违法情节"), widget=text_area(2))
    penalty_kinds = checks(_("处罚种类"), PenaltyKind.choices)
    person_fine_min = money_field(_("对个人罚款下限（元）"))
    person_fine_max = money_field(_("对个人罚款上限（元）"))
    org_fine_min = money_field(_("对单位罚款下限（元）"))
    org_fine_max = money_field(_("对单位罚款上限（元）"))
    note = forms.CharField(label=_("备注"), required=False)

    @staticmethod
    def to_content(data: dict) -> dict:
        return {
            "severity": data["severity"], "circumstances": data["circumstances"],
            "penalty_kinds": list(data.get("penalty_kinds") or []),
            "person_fine_min": _money(data.get("person_fine_min")), "person_fine_max": _money(data.get("person_fine_max")),
            "org_fine_min": _money(data.get("org_fine_min")), "org_fine_max": _money(data.get("org_fine_max")),
            "note": data.get("note", ""),
        }


class MaterialForm(RowForm):
    """A material an applicant hands in (申请材料)."""

    row_title = _("申请材料")

    name = forms.CharField(label=_("材料名称"))
    # No initial values: a row added and left blank must stay "unchanged" so it is skipped, not refused.
    form = forms.CharField(label=_("材料形式"), required=False, help_text=_("如：原件、复印件、原件及复印件、电子件"))
    copies = forms.IntegerField(label=_("份数"), required=False, help_text=_("不填为 1 份"))
    note = forms.CharField(label=_("备注"), required=False)

    @staticmethod
    def to_content(data: dict) -> dict:
        return {"name": data["name"], "form": data.get("form", ""), "copies": data.get("copies"),
                "note": data.get("note", "")}


class TaskForm(RowForm):
    """A task of an annual inspection plan (抽查任务)."""

    row_title = _("抽查任务")

    item_code = forms.ChoiceField(label=_("随机抽查事项"))
    title = forms.CharField(label=_("任务名称"))
    ratio_percent = forms.DecimalField(label=_("抽查比例（%）"), max_digits=6, decimal_places=2)
    start = date_field(_("开始日期"))
    end = date_field(_("结束日期"))
    department = forms.CharField(label=_("实施机构"), required=False)

    def __init__(self, *args, item_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_code"].choices = [("", _("（请选择）"))] + list(item_codes)

    @classmethod
    def initial_from(cls, row: dict) -> dict:
        initial = super().initial_from(row)
        initial["start"], initial["end"] = _date_or_text(row.get("start")), _date_or_text(row.get("end"))
        return initial

    @staticmethod
    def to_content(data: dict) -> dict:
        return {"item_code": data["item_code"], "title": data["title"], "ratio_percent": _percent(data["ratio_percent"]),
                "start": _iso(data["start"]), "end": _iso(data["end"]), "department": data.get("department", "")}


class RuleForm(RowForm):
    """A rule of the major-decision review catalog (法制审核目录规则): every condition it sets must hold."""

    row_title = _("审核规则")

    code = forms.CharField(label=_("规则编号"))
    description = forms.CharField(label=_("规则说明（公开文字）"), widget=text_area(2))
    act_kinds = checks(_("执法行为类别"), ActKind.choices)
    item_codes = forms.CharField(label=_("适用事项编码"), required=False, help_text=_("多个编码用逗号或顿号分隔；不填表示不限"))
    penalty_kinds = checks(_("处罚种类"), PenaltyKind.choices)
    min_fine_person = money_field(_("对个人罚款达到（元）"))
    min_fine_org = money_field(_("对单位罚款达到（元）"))
    hearing_held = forms.BooleanField(label=_("经过听证"), required=False)
    complexity_flags = checks(_("情形"), ComplexityFlag.choices)

    @classmethod
    def initial_from(cls, row: dict) -> dict:
        initial = super().initial_from(row)
        initial["item_codes"] = _joined(row.get("item_codes"))
        return initial

    @staticmethod
    def to_content(data: dict) -> dict:
        return {
            "code": data["code"], "description": data["description"], "act_kinds": list(data.get("act_kinds") or []),
            "item_codes": _split(data.get("item_codes", "")), "penalty_kinds": list(data.get("penalty_kinds") or []),
            "min_fine_person": _money(data.get("min_fine_person")), "min_fine_org": _money(data.get("min_fine_org")),
            "hearing_held": bool(data.get("hearing_held")), "complexity_flags": list(data.get("complexity_flags") or []),
        }


class AVRowForm(RowForm):
    """A row of the AV recording item list (音像记录事项)."""

    row_title = _("执法活动")

    activity = forms.CharField(label=_("活动代码"), help_text=_("英文代码，如 seizure（查封扣押）"))
    name = forms.CharField(label=_("执法活动名称"))
    requirement = forms.ChoiceField(label=_("记录要求"), choices=AVRequirement.choices)
    basis = forms.CharField(label=_("依据"), required=False)


# --- Main forms (the single fields of each kind) --------------------------------------------------


class ContentForm(forms.Form):
    """The single fields of a kind's content. ``initial_from`` / ``to_content`` as for rows."""

    list_fields: tuple[str, ...] = ()  # free-text fields that hold a list of short strings

    def __init__(self, *args, editor=None, **kwargs):
        self.editor = editor
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, content: dict) -> dict:
        initial = {name: content.get(name) for name in cls.base_fields}
        for name in cls.list_fields:
            initial[name] = _joined(content.get(name))
        return initial

    def to_content(self, data: dict) -> dict:
        content = dict(data)
        for name in self.list_fields:
            content[name] = _split(data.get(name, ""))
        return content


class ItemForm(ContentForm):
    """An enforcement item (行政执法事项, PUB-04)."""

    name = forms.CharField(label=_("事项名称"), max_length=300)
    act_kind = forms.ChoiceField(label=_("执法行为类别"), choices=ActKind.choices)
    level = checks(_("实施层级"), Level.choices)
    sector = forms.CharField(label=_("执法领域"), required=False)
    procedure = forms.CharField(label=_("办理程序"), widget=text_area(4), required=False)
    time_limit = forms.CharField(label=_("办理时限"), required=False)
    legal_time_limit_days = forms.IntegerField(label=_("法定时限（日）"), required=False)
    fees = forms.CharField(label=_("收费标准"), required=False, help_text=_("不收费请填写“不收费”"))
    remedy = forms.CharField(label=_("救济途径"), widget=text_area(2), required=False)

    def to_content(self, data: dict) -> dict:
        content = super().to_content(data)
        content["level"] = list(data.get("level") or [])
        return content


class BenchmarkForm(ContentForm):
    """The conditions part of a discretion benchmark (裁量基准): 不予处罚 / 从轻 / 减轻."""

    no_penalty_conditions = forms.CharField(label=_("不予处罚情形"), widget=text_area(2), required=False)
    lighter_conditions = forms.CharField(label=_("从轻处罚情形"), widget=text_area(2), required=False)
    mitigated_conditions = forms.CharField(label=_("减轻处罚情形"), widget=text_area(2), required=False)

    @classmethod
    def initial_from(cls, content: dict) -> dict:
        return super().initial_from(content.get("benchmark") or {})


class InspectionItemForm(ContentForm):
    """A random inspection item (随机抽查事项, PUB-05)."""

    list_fields = ("object_tags",)

    name = forms.CharField(label=_("抽查事项名称"), max_length=300)
    subject = forms.CharField(label=_("抽查主体"))
    object = forms.CharField(label=_("抽查对象"))
    object_tags = forms.CharField(label=_("对象标签"), required=False,
                                  help_text=_("检查对象名录库中的监管标签，多个用逗号或顿号分隔，如：食品经营、餐饮服务"))
    content = forms.CharField(label=_("抽查内容"), widget=text_area(3))
    ratio_percent = forms.DecimalField(label=_("抽查比例（%）"), max_digits=6, decimal_places=2,
                                       help_text=_("大于 0，不超过 100"))
    method = forms.CharField(label=_("抽查方式"))
    frequency = forms.CharField(label=_("抽查频次"))
    inspectors_per_object = forms.IntegerField(label=_("每户检查人员数"), initial=2, help_text=_("不少于 2 人"))

    def to_content(self, data: dict) -> dict:
        content = super().to_content(data)
        content["ratio_percent"] = _percent(data["ratio_percent"])
        return content


class PlanForm(ContentForm):
    """An annual inspection plan (年度抽查计划)."""

    year = forms.IntegerField(label=_("年度"))
    name = forms.CharField(label=_("计划名称"), max_length=300)


class GuideForm(ContentForm):
    """A service guide (服务指南, PUB-06)."""

    item_code = forms.ChoiceField(label=_("对应事项"))
    name = forms.CharField(label=_("事项名称"), max_length=300)
    accepting_body = forms.CharField(label=_("受理机构"))
    approving_body = forms.CharField(label=_("决定机构"))
    conditions = forms.CharField(label=_("办理条件"), widget=text_area(3))
    preferential_policies = forms.CharField(label=_("优惠政策"), widget=text_area(2), required=False)
    process = forms.CharField(label=_("办理流程"), widget=text_area(3))
    time_limit = forms.CharField(label=_("办理时限"))
    fees = forms.CharField(label=_("收费标准"), required=False)
    supervision = forms.CharField(label=_("监督投诉"), widget=text_area(2), required=False)
    accountability = forms.CharField(label=_("责任追究"), widget=text_area(2), required=False)
    office_hours = forms.CharField(label=_("办公时间"), required=False)
    address = forms.CharField(label=_("办公地址"), required=False)
    phone = forms.CharField(label=_("咨询电话"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = self.editor.codes(ListKind.ITEM, act_kind=ActKind.LICENSE) if self.editor else []
        self.fields["item_code"].choices = [("", _("（请选择）"))] + codes


class TemplateForm(ContentForm):
    """A published document template (执法文书样本, PUB-08)."""

    doc_code = forms.CharField(label=_("文书代码"))
    name = forms.CharField(label=_("文书名称"), max_length=300)
    act_kinds = checks(_("适用执法行为"), ActKind.choices)
    purpose = forms.CharField(label=_("用途说明"), widget=text_area(3), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = document_choices()
        if choices:
            self.fields["doc_code"] = forms.ChoiceField(label=_("文书"), choices=[("", _("（请选择）"))] + choices)

    def to_content(self, data: dict) -> dict:
        content = super().to_content(data)
        content["act_kinds"] = list(data.get("act_kinds") or [])
        return content


class ReviewCatalogForm(ContentForm):
    """The major-decision review catalog (重大执法决定法制审核目录清单, PUB-09/REV-02)."""

    domain = forms.CharField(label=_("执法领域"))
    review_all_non_simple = forms.BooleanField(label=_("普通程序作出的处罚决定一律法制审核"), required=False)


class EmptyForm(ContentForm):
    """A kind with no single fields (the AV list has only rows)."""


def document_choices() -> list[tuple[str, str]]:
    """The built-in document definitions (``sanxiang.catalog.documents``), once that module exists."""
    try:
        from sanxiang.catalog import documents
    except ImportError:
        return []
    found = getattr(documents, "choices", None)
    if callable(found):
        return list(found())
    definitions = getattr(documents, "DOCUMENTS", None) or getattr(documents, "DEFINITIONS", None) or {}
    values = definitions.values() if isinstance(definitions, dict) else definitions
    result = []
    for definition in values:
        code = getattr(definition, "code", None) or (definition.get("code") if isinstance(definition, dict) else None)
        name = getattr(definition, "name", None) or (definition.get("name") if isinstance(definition, dict) else "")
        if code:
            result.append((code, f"{code} {name}".strip()))
    return result


# --- Editors -------------------------------------------------------------------------------------


class Section:
    """A formset of an editor: its prefix (= the content key), row form and heading."""

    def __init__(self, prefix: str, form: type[RowForm], heading, *, path: tuple[str, ...] = (), help_text="",
                 max_rows: int = MAX_ROWS):
        self.prefix, self.form, self.heading, self.help_text = prefix, form, heading, help_text
        self.max_rows = max_rows
        self.path = path or (prefix,)  # where the rows live in the content, e.g. ("benchmark", "tiers")

    def rows(self, content: dict) -> list[dict]:
        value = content
        for key in self.path:
            value = (value or {}).get(key) if isinstance(value, dict) else None
        return value if isinstance(value, list) else []


class Editor:
    """The content form of one kind: a main form and its row formsets. ``content()`` builds the dict to save."""

    kind: str = ""
    main_form: type[ContentForm] = EmptyForm
    sections: tuple[Section, ...] = ()
    extra_forms: tuple[tuple[str, type[ContentForm]], ...] = ()  # more main-like forms, e.g. the benchmark's conditions

    def __init__(self, *, agency, data=None, content=None, add_row: str | None = None):
        self.agency = agency
        self.bound = data is not None
        content = content or {}
        if data is not None and add_row:
            data = data.copy()
            key = f"{add_row}-TOTAL_FORMS"
            if key in data:
                try:
                    section = next((sec for sec in self.sections if sec.prefix == add_row), None)
                    data[key] = str(min(int(data[key]) + 1, section.max_rows if section else MAX_ROWS))
                except ValueError:
                    pass
        self.main = self.main_form(data, editor=self, prefix="c",
                                   initial=None if data is not None else self.main_form.initial_from(content))
        self.extras = {
            name: form_class(data, editor=self, prefix=name,
                             initial=None if data is not None else form_class.initial_from(content))
            for name, form_class in self.extra_forms
        }
        self.formsets = {}
        for section in self.sections:
            initial = [section.form.initial_from(row) for row in section.rows(content)] if data is None else None
            factory = forms.formset_factory(section.form, extra=1 if data is None and not initial else 0, can_delete=True,
                                            max_num=section.max_rows, validate_max=True,
                                            absolute_max=section.max_rows)
            formset = factory(data, prefix=section.prefix, initial=initial, form_kwargs=self.row_kwargs(section))
            formset.section = section
            self.formsets[section.prefix] = formset
        self.errors = ErrorList()  # content errors no field shows
        if add_row:
            self.silence()

    # -- what the forms need to offer choices ---------------------------------------------------
    def row_kwargs(self, section: Section) -> dict:
        if section.form is BasisForm:
            if not hasattr(self, "_statutes"):
                self._statutes = statute_choices()
            return {"statutes": self._statutes}
        return {}

    def codes(self, kind: str, *, act_kind: str | None = None) -> list[tuple[str, str]]:
        """(code, "code title") of the agency's entries of ``kind`` (their latest version's title)."""
        if self.agency is None:
            return []
        result = []
        for entry in Entry.objects.filter(agency=self.agency, kind=kind).prefetch_related("versions").order_by("code"):
            latest = max(entry.versions.all(), key=lambda v: v.number, default=None)
            if act_kind and latest is not None and latest.category not in ("", act_kind):
                continue
            result.append((entry.code, f"{entry.code} {latest.title if latest else ''}".strip()))
        return result

    # -- parsing ---------------------------------------------------------------------------------
    def all_forms(self):
        yield self.main
        yield from self.extras.values()

    def is_valid(self) -> bool:
        valid = all(form.is_valid() for form in self.all_forms())
        return all([formset.is_valid() for formset in self.formsets.values()]) and valid

    def row_data(self, prefix: str) -> list[dict]:
        """The cleaned rows of a formset, skipping deleted rows and untouched empty rows."""
        rows = []
        for form in self.formsets[prefix].forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not form.has_changed():
                continue
            rows.append(form)
        return rows

    def rows(self, prefix: str) -> list[dict]:
        return [form.to_content(form.cleaned_data) for form in self.row_data(prefix)]

    def content(self) -> dict:
        content = self.main.to_content(self.main.cleaned_data)
        for section in self.sections:
            content[section.prefix] = self.rows(section.prefix)
        return content

    # -- errors ----------------------------------------------------------------------------------
    def silence(self):
        """Re-render the bound input without error messages (after "添加一行")."""
        for form in [*self.all_forms(), *(f for fs in self.formsets.values() for f in fs.forms)]:
            form._errors = ErrorDict()
            form.cleaned_data = {}
        for formset in self.formsets.values():
            formset._errors = [ErrorDict() for _form in formset.forms]
            formset._non_form_errors = ErrorList()

    def add_error(self, error: ValidationError) -> None:
        """Put an error of ``kinds.clean`` or a service next to the field its key names, else at the top.

        Keys are content paths: ``name``, ``basis``, ``basis.0.article``, ``basis[0].article``,
        ``benchmark.tiers.1.person_fine_max`` …
        """
        if not hasattr(error, "error_dict"):
            self.errors.extend(error.messages)
            return
        for key, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            if not self.place(key, messages):
                self.errors.extend(messages)

    def place(self, key: str, messages: list[str]) -> bool:
        parts = [p for p in re.split(r"[.\[\]]+", key or "") if p]
        if not parts:
            return False
        for section in self.sections:
            depth = len(section.path)
            if tuple(parts[:depth]) != section.path and (depth < 2 or tuple(parts) != section.path[:1]):
                continue
            rest = parts[depth:] if tuple(parts[:depth]) == section.path else []
            if rest and rest[0].isdigit():
                form = self._nth_row(section.prefix, int(rest[0]))
                if form is not None:
                    form.add_error(self.row_field(rest[1] if len(rest) > 1 else None, form), messages)
                    return True
            for message in messages:
                self.place_row_message(section, message)
            return True
        for form in self.all_forms():
            field = self.main_field(form, parts)
            if field:
                form.add_error(field, messages)
                return True
        return False

    def place_row_message(self, section: Section, message: str) -> None:
        """``kinds.clean`` names a row in its message ("依据第2条：…", "裁量基准第1档：…"): show it on that row."""
        match = ROW_MESSAGE.match(message)
        form = self._nth_row(section.prefix, int(match["n"]) - 1) if match else None
        if form is not None:
            form.add_error(None, message)
        else:
            formset = self.formsets[section.prefix]
            formset._non_form_errors = ErrorList([*formset.non_form_errors(), message])

    def _nth_row(self, prefix: str, index: int):
        """The form of the ``index``-th saved row (deleted and empty rows are not in the content)."""
        rows = self.row_data(prefix)
        return rows[index] if 0 <= index < len(rows) else None

    @staticmethod
    def row_field(name: str | None, form) -> str | None:
        aliases = {"provision_id": "article", "provision": "article", "statute_id": "statute", "citation": "article",
                   "text": "article"}
        name = aliases.get(name, name)
        return name if name in form.fields else None

    @staticmethod
    def main_field(form, parts: list[str]) -> str | None:
        for candidate in (parts[-1], parts[0]):
            if candidate in form.fields:
                return candidate
        return None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(f.errors for f in self.all_forms()) or any(
            fs.non_form_errors() or any(fs.errors) for fs in self.formsets.values())


class ItemEditor(Editor):
    kind = ListKind.ITEM
    main_form = ItemForm
    extra_forms = (("bm", BenchmarkForm),)
    sections = (
        Section("basis", BasisForm, _("法律依据"),
                help_text=_("从法律法规库选择法律法规，填写条、款、项；保存时核对条文是否存在。")),
        Section("tiers", TierForm, _("裁量基准（仅行政处罚事项）"), path=("benchmark", "tiers"), max_rows=MAX_TIERS,
                help_text=_("按违法程度分档，填写处罚种类和罚款幅度；罚款幅度不得超过法定上限。")),
    )

    def content(self) -> dict:
        content = self.main.to_content(self.main.cleaned_data)
        content["basis"] = self.rows("basis")
        tiers = self.rows("tiers")
        conditions = self.extras["bm"].to_content(self.extras["bm"].cleaned_data)
        if tiers or any(conditions.values()):
            content["benchmark"] = {"tiers": tiers, **conditions}
        else:
            content["benchmark"] = None
        return content



class InspectionItemEditor(Editor):
    kind = ListKind.INSPECTION_ITEM
    main_form = InspectionItemForm
    sections = (Section("basis", BasisForm, _("抽查依据")),)


class PlanEditor(Editor):
    kind = ListKind.INSPECTION_PLAN
    main_form = PlanForm
    sections = (Section("tasks", TaskForm, _("抽查任务")),)

    def row_kwargs(self, section):
        return {"item_codes": self.codes(ListKind.INSPECTION_ITEM)}


class GuideEditor(Editor):
    kind = ListKind.GUIDE
    main_form = GuideForm
    sections = (Section("basis", BasisForm, _("设定依据")), Section("materials", MaterialForm, _("申请材料")))


class TemplateEditor(Editor):
    kind = ListKind.TEMPLATE
    main_form = TemplateForm


class ReviewCatalogEditor(Editor):
    kind = ListKind.REVIEW_CATALOG
    main_form = ReviewCatalogForm
    sections = (Section("rules", RuleForm, _("审核规则"),
                        help_text=_("一条规则设定的条件全部满足时适用；未设定的条件不限制。任一规则适用即须法制审核。")),)


class AVListEditor(Editor):
    kind = ListKind.AV_LIST
    main_form = EmptyForm
    sections = (Section("rows", AVRowForm, _("执法活动及记录要求")),)


EDITORS: dict[str, type[Editor]] = {
    editor.kind: editor
    for editor in (ItemEditor, InspectionItemEditor, PlanEditor, GuideEditor, TemplateEditor, ReviewCatalogEditor,
                   AVListEditor)
}

def editor_for(kind: str, **kwargs) -> Editor:
    return EDITORS[kind](**kwargs)


def silence(*forms_) -> None:
    """Re-render bound forms without error messages (after "添加一行" nothing was submitted for saving)."""
    for form in forms_:
        form._errors = ErrorDict()
        form.cleaned_data = {}


# --- Entry, decisions, inbox ---------------------------------------------------------------------


class DepartmentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EntryForm(forms.Form):
    """The identity of a new entry: its code and owning department (承办机构)."""

    code = forms.CharField(label=_("编码"), max_length=60, help_text=_("本单位同类清单内唯一，如事项编码"))
    department = DepartmentField(label=_("承办机构"), queryset=Department.objects.none(), required=False,
                                 empty_label=_("（本单位）"))

    def __init__(self, *args, agency=None, kind=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is None:
            departments = Department.objects.filter(agency=agency).order_by("name")
        self.fields["department"].queryset = departments
        if kind in FIXED_CODES:
            self.fields["code"].initial = FIXED_CODES[kind]
            self.fields["code"].required = False
            self.fields["code"].help_text = _("每个执法主体一份，编码固定为 %(code)s") % {"code": FIXED_CODES[kind]}


class MetaForm(forms.Form):
    """What a drafter says about a version: the change note (修订说明) and the proposed effective date."""

    change_note = forms.CharField(label=_("修订说明"), widget=text_area(2), required=False, max_length=2000)
    effective_from = date_field(_("拟生效日期"), required=False, help_text=_("不填则由审核人在批准时确定"))


class ApproveForm(forms.Form):
    """Approve and publish a submitted version (审核通过并发布)."""

    effective_from = date_field(_("生效日期"), required=False, help_text=_("不填为起草人拟定的日期，或今天"))
    note = forms.CharField(label=_("审核意见"), widget=text_area(2), required=False, max_length=2000)
    retroactive_reason = forms.CharField(
        label=_("补录理由"), required=False, max_length=2000, widget=text_area(2),
        help_text=_("仅用于系统上线前已经公布施行的首个版本：生效日期早于今天时必填，写明原公布施行的情况"))


class ReturnForm(forms.Form):
    """Return a submitted version to its drafter (退回修改), with the reason."""

    note = forms.CharField(label=_("退回理由"), widget=text_area(3), max_length=2000)


class RepealForm(forms.Form):
    """Repeal an entry (失效): the version in force ends on ``effective_to``."""

    effective_to = date_field(_("失效日期"))
    reason = forms.CharField(label=_("失效理由"), widget=text_area(3), max_length=2000)


class InForceForm(forms.Form):
    """Which version was in force on a day."""

    on = date_field(_("查询日期"))


class AnswerForm(forms.Form):
    """The owning department's answer to an error report (纠错答复)."""

    status = forms.ChoiceField(label=_("处理结果"), widget=forms.RadioSelect,
                               choices=[c for c in ErrorReport.Status.choices if c[0] != ErrorReport.Status.OPEN])
    answer = forms.CharField(label=_("答复内容"), widget=text_area(4), max_length=4000)
    version = forms.ModelChoiceField(label=_("更正后的版本"), queryset=None, required=False,
                                     help_text=_("已更正的，选择发布更正内容的版本"), empty_label=_("（无）"))

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions


class ImportForm(forms.Form):
    """Upload a workbook of lists (XLSX import into drafts; ``spreadsheets.import_workbook`` checks it)."""

    file = forms.FileField(label=_("Excel 工作簿（.xlsx）"),
                           help_text=_("每个工作表一类清单，工作表名称即清单名称；每行一个事项。全部行无误才导入，否则一行也不导入。"))

    def clean_file(self):
        from .spreadsheets import MAX_BYTES

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("请上传 .xlsx 格式的 Excel 工作簿（.xls 请先另存为 .xlsx）。"))
        if upload.size > MAX_BYTES:
            raise ValidationError(_("文件不能超过 %(mb)s MB，请拆分后导入。") % {"mb": MAX_BYTES // (1024 * 1024)})
        return upload
