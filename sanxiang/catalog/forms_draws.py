"""Forms of the random-inspection pages (双随机抽查). They only parse input; :mod:`.inspections` validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import inspections
from .models import MarketSubject


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        agency = obj.entry.agency
        return f"{agency.short_name or agency.name} · {obj.entry.code} {obj.title}（第{obj.number}版）"


class AnnounceForm(forms.Form):
    """Announce a draw (公布抽取): the item, optional plan, name, seed and its source."""

    item_version = VersionChoiceField(label=_("随机抽查事项"), queryset=None, empty_label=_("（请选择）"))
    plan_version = VersionChoiceField(label=_("年度抽查计划"), queryset=None, required=False,
                                      empty_label=_("（不属于年度计划）"))
    title = forms.CharField(label=_("抽查任务名称"), max_length=200, required=False,
                            help_text=_("不填则取年度计划中该事项的任务名称。"))
    ratio_percent = forms.DecimalField(label=_("抽查比例（%）"), required=False, max_digits=6, decimal_places=2,
                                       help_text=_("不填则取年度计划或抽查事项中的比例；应大于0且不超过100。"))
    seed = forms.CharField(label=_("随机种子"), max_length=128, required=False,
                           help_text=_("不填则由系统生成32字节随机数；也可填写公开可查的数值，如某期福利彩票开奖号码。"))
    seed_source = forms.CharField(label=_("种子来源"), max_length=300, required=False,
                                  help_text=_("自行填写种子时必填，写明出处，便于社会核对。"))
    scheduled_for = forms.DateTimeField(
        label=_("计划抽取时间"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("可不填；填写后须到时间才能抽取。"),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = inspections.planning_agencies(user)
        self.fields["item_version"].queryset = inspections.inspection_items_in_force(agencies)
        self.fields["plan_version"].queryset = inspections.plans_in_force(agencies)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("理由随抽取一并公示。"))


class AgencyField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SubjectForm(forms.Form):
    """Add one market subject to the directory (检查对象名录库)."""

    agency = AgencyField(label=_("执法主体"), queryset=None, empty_label=None)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    name = forms.CharField(label=_("名称"), max_length=200)
    type = forms.ChoiceField(label=_("主体类型"), choices=MarketSubject.Type.choices)
    industry = forms.CharField(label=_("行业"), max_length=100, required=False)
    address = forms.CharField(label=_("住所"), max_length=300, required=False)
    tags = forms.CharField(label=_("监管标签"), max_length=600, required=False,
                           help_text=_("多个标签用顿号“、”分隔，如：食品经营、餐饮服务。抽查事项按标签圈定检查对象。"))
    check_char_reason = forms.CharField(label=_("校验码例外说明"), max_length=300, required=False,
                                        help_text=_("仅当代码校验码不符（部分2016年以前赋码的代码）时填写。"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = inspections.planning_agencies(user).order_by("name")


class SubjectImportForm(forms.Form):
    """Import market subjects from an XLSX sheet, all rows or none."""

    agency = AgencyField(label=_("执法主体"), queryset=None, empty_label=None)
    file = forms.FileField(label=_("XLSX 表格"),
                           help_text=_("第1行为列名：统一社会信用代码、名称、主体类型、行业、住所、监管标签。任一行有误则整表不导入。"))
    check_char_reason = forms.CharField(label=_("校验码例外说明"), max_length=300, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = inspections.planning_agencies(user).order_by("name")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.agency.short_name or obj.agency.name}）"


class ConflictForm(forms.Form):
    """Declare a conflict of interest (回避申报) between an inspector and an inspection object."""

    person = PersonField(label=_("执法人员"), queryset=None, empty_label=None)
    uscc = forms.CharField(label=_("检查对象统一社会信用代码"), max_length=30,
                           help_text=_("须是本单位检查对象名录中的对象。"))
    reason = forms.CharField(label=_("回避事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("如：近亲属在该单位任职、曾在该单位工作等。"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = inspections.declaring_people(user)
        self.fields["person"].queryset = people.select_related("agency").order_by("agency__name", "name")
