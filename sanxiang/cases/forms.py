"""Staff forms of the cases app (办案表单): registering a case, a step's input, the side actions.

The forms only collect what the person typed (strings and lists) and hand it to the services
(``cases.services``), which clean it with the step's :class:`~sanxiang.cases.fields.Field` rules and
answer per field in Chinese. A step's form is generated from ``steps.spec_for(flow, step).all_fields()``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog import flows
from sanxiang.records.models.files import PartyType

from .fields import Field
from .models import Case, Party
from .services import PAUSE_KINDS

EMPTY = [("", "—")]
MAX_PARTIES = 20


def _lenient(field: Field) -> forms.Field:
    """A Django form field for a step :class:`Field`: it collects the raw value; the service judges it."""
    kind = field.kind
    common = {"label": field.label, "required": False, "help_text": field.help}
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), strip=False, **common)
    if kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "datetime":
        return forms.CharField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if kind == "decimal":
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if kind == "int":
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    if kind == "bool":
        return forms.BooleanField(**common)
    if kind == "choice":
        return forms.ChoiceField(choices=EMPTY + [(str(v), str(lbl)) for v, lbl in field.choices], **common)
    if kind == "multichoice":
        return forms.MultipleChoiceField(choices=[(str(v), str(lbl)) for v, lbl in field.choices],
                                         widget=forms.CheckboxSelectMultiple, **common)
    if kind == "people":
        return forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple, **common)
    if kind == "person":
        return forms.ChoiceField(choices=EMPTY, **common)
    if kind == "evidence":
        return forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(**common)


def person_label(person) -> str:
    department = getattr(person, "department", None)
    return f"{person.name}（{department.name}）" if department else person.name


class SpecForm(forms.Form):
    """A form generated from a list of step fields; ``people`` and ``evidence`` give the choices of those kinds."""

    def __init__(self, *args, specs=(), people=(), evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = tuple(specs)
        people_choices = [(str(p.pk), person_label(p)) for p in people]
        evidence_choices = [(str(e.pk), f"{e.title}（#{e.pk}）") for e in evidence]
        for spec in self.specs:
            django_field = _lenient(spec)
            if spec.kind == "people":
                django_field.choices = people_choices
            elif spec.kind == "person":
                django_field.choices = EMPTY + people_choices
            elif spec.kind == "evidence":
                django_field.choices = evidence_choices
            django_field.spec = spec
            self.fields[spec.name] = django_field
            if spec.default is not None and not self.is_bound:
                self.initial.setdefault(spec.name, spec.default)

    def raw(self) -> dict:
        """What was typed, as the service's ``raw`` (empty values left out, so the service's defaults apply)."""
        out = {}
        for spec in self.specs:
            value = self.cleaned_data.get(spec.name)
            if spec.kind == "bool":
                out[spec.name] = bool(value)
            elif value not in (None, "", []):
                out[spec.name] = value
        return out


class StepForm(SpecForm):
    """The input of one step (办理环节): the step's fields and the case version the page was read at."""

    case_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                      error_messages={"required": _("缺少案件版本号，请刷新页面后重试"),
                                                      "invalid": _("案件版本号无效，请刷新页面后重试")})

    def clean_case_version(self):
        return self.cleaned_data["case_version"]


class RegisterForm(forms.Form):
    """登记案件: the case itself (the parties and the start step's fields are separate forms on the same page)."""

    department = forms.ChoiceField(label=_("承办机构"), choices=EMPTY, required=False)
    title = forms.CharField(label=_("案由"), required=False, help_text=_("例如：销售超过保质期的食品"),
                            widget=forms.TextInput(attrs={"maxlength": 200}))
    item_code = forms.ChoiceField(label=_("执法事项"), choices=EMPTY, required=False,
                                  help_text=_("本执法主体权责清单中现行有效的事项"))
    source = forms.ChoiceField(label=_("案件来源"), choices=Case.Source.choices, required=False)
    act_date = forms.CharField(label=_("违法行为发生（终了）日期"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("用于判断追责时效（《行政处罚法》第三十六条）"))
    harms_life_health_finance = forms.BooleanField(label=_("涉及公民生命健康安全、金融安全且有危害后果"), required=False)
    lead = forms.ChoiceField(label=_("主办人"), choices=EMPTY, required=False)
    assistants = forms.MultipleChoiceField(label=_("协办人员"), choices=[], required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("行政处罚、行政强制案件的执法人员不得少于两人（LAW-01）"))
    confidentiality = forms.ChoiceField(label=_("保密情形"), choices=Case.Confidentiality.choices, required=False)
    parent = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, departments=(), items=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = EMPTY + [(str(d.pk), d.name) for d in departments]
        self.fields["item_code"].choices = EMPTY + [(v.entry.code, f"{v.entry.code} {v.title}") for v in items]
        people_choices = [(str(p.pk), person_label(p)) for p in people]
        self.fields["lead"].choices = EMPTY + people_choices
        self.fields["assistants"].choices = people_choices

    def raw(self, flow_key: str) -> dict:
        data = self.cleaned_data
        lead = data.get("lead") or ""
        officers = ([lead] if lead else []) + [p for p in data.get("assistants") or [] if p != lead]
        raw = {"flow": flow_key, "officers": officers,
               "harms_life_health_finance": bool(data.get("harms_life_health_finance"))}
        for name in ("department", "title", "item_code", "source", "act_date", "confidentiality", "parent"):
            if data.get(name) not in (None, ""):
                raw[name] = data[name]
        return raw


class PartyForm(forms.Form):
    """A party (当事人) of the new case."""

    party_type = forms.ChoiceField(label=_("当事人类型"), choices=PartyType.choices, required=False)
    name = forms.CharField(label=_("名称／姓名"), required=False)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=EMPTY + list(Party.IdType.choices), required=False,
                                help_text=_("单位须为统一社会信用代码；不选则按当事人类型"))
    id_number = forms.CharField(label=_("证件号码"), required=False)
    legal_representative = forms.CharField(label=_("法定代表人（负责人、经营者）"), required=False)
    representative_id_number = forms.CharField(label=_("法定代表人身份证号码"), required=False)
    address = forms.CharField(label=_("住所（地址）"), required=False)
    phone = forms.CharField(label=_("联系电话"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("party_type", "name", "id_number"):
            self.fields[name].marked = True  # required (the service says so when missing)

    def raw(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(k) for k in ("name", "id_number", "legal_representative", "address", "phone"))


PartyFormSet = formset_factory(PartyForm, extra=0, min_num=1, max_num=MAX_PARTIES, absolute_max=MAX_PARTIES,
                               validate_max=True)


def flow_choices() -> list[tuple[str, list[flows.Flow]]]:
    """The flows grouped by act kind, for the register page's first choice."""
    groups: dict[str, list[flows.Flow]] = {}
    for flow in flows.FLOWS.values():
        groups.setdefault(flow.act_kind_label, []).append(flow)
    return list(groups.items())


# --- side actions ----------------------------------------------------------------------------------

class SideForm(forms.Form):
    case_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                      error_messages={"required": _("缺少案件版本号，请刷新页面后重试"),
                                                      "invalid": _("案件版本号无效，请刷新页面后重试")})
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def raw(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "case_version" and v not in (None, "", [])}


class ExtendForm(SideForm):
    clock = forms.ChoiceField(label=_("期限"), choices=EMPTY, required=False)
    days = forms.CharField(label=_("延长天数"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    field_order = ["clock", "days", "reason"]


class PauseForm(SideForm):
    clock = forms.ChoiceField(label=_("期限"), choices=EMPTY, required=False)
    pause_kind = forms.ChoiceField(label=_("不计入期限的情形"), choices=EMPTY + list(PAUSE_KINDS), required=False)
    field_order = ["clock", "pause_kind", "reason"]


class ResumeForm(SideForm):
    clock = forms.ChoiceField(label=_("期限"), choices=EMPTY, required=False)
    field_order = ["clock", "reason"]


class NoteForm(SideForm):
    text = forms.CharField(label=_("记录内容"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    evidence = forms.MultipleChoiceField(label=_("关联的证据"), choices=[], required=False,
                                         widget=forms.CheckboxSelectMultiple)
    field_order = ["text", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reason"]


class CorrectForm(SideForm):
    text = forms.CharField(label=_("更正内容"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("写明原记录哪里有误、正确的内容是什么；原记录保持不变"))
    field_order = ["text", "reason"]


class OfficersForm(SideForm):
    lead = forms.ChoiceField(label=_("主办人"), choices=EMPTY, required=False)
    assistants = forms.MultipleChoiceField(label=_("协办人员"), choices=[], required=False,
                                           widget=forms.CheckboxSelectMultiple, help_text=_("调整后不得少于两人（LAW-01）"))
    field_order = ["lead", "assistants", "reason"]

    def raw(self) -> dict:
        data = self.cleaned_data
        lead = data.get("lead") or ""
        officers = ([lead] if lead else []) + [p for p in data.get("assistants") or [] if p != lead]
        raw = {"officers": officers}
        if data.get("reason"):
            raw["reason"] = data["reason"]
        return raw


def set_people(form: forms.Form, people) -> None:
    choices = [(str(p.pk), person_label(p)) for p in people]
    if "lead" in form.fields:
        form.fields["lead"].choices = EMPTY + choices
    if "assistants" in form.fields:
        form.fields["assistants"].choices = choices


def attach_errors(form: forms.Form, error: ValidationError, field_map: dict | None = None) -> None:
    """A service's ValidationError on ``form``: per field where the form has the field, else at the top."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        target = field_map.get(name, name)
        messages = [m for e in errors for m in e.messages]
        form.add_error(target if target in form.fields else None, messages)
