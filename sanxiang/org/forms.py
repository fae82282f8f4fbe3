"""Forms of the registry's staff pages. They only parse input; the services validate and write.

:func:`show_errors` puts a service's ``ValidationError`` back on the form, per field where it can.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.core.access import VIEW

from . import services
from .models import CertificateStatus, Department, LegalQualification, Person, Region, Role, System


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"], **kwargs)


def show_errors(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Attach a service's ValidationError to ``form``: per field when the form has it, else to the whole form."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = field_map.get(name, name)
            messages = [m for e in errors for m in e.messages]
            form.add_error(target if target in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.agency.short_name or obj.agency.name} · {obj.name}"


ASSIGNABLE_ROLES = [(value, label) for value, label in Role.choices if value != Role.SUPERVISOR]


class PersonForm(forms.Form):
    """Register a person (人员) of an agency the user manages, with roles and an optional login."""

    agency = forms.ModelChoiceField(label=_("所在单位"), queryset=None, empty_label=None)
    department = DepartmentChoiceField(label=_("内设机构"), queryset=None, required=False, empty_label=_("（不属于内设机构）"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=[("", _("根据身份证号码确定"))] + list(Person.Gender.choices),
                               required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=30, required=False)
    position = forms.CharField(label=_("职务"), max_length=60, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    roles = forms.MultipleChoiceField(label=_("角色"), choices=ASSIGNABLE_ROLES, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    username = forms.CharField(label=_("登录名"), max_length=150, required=False,
                               help_text=_("填写后为该人员开通登录账号；不填则暂不开通。"))
    password = forms.CharField(label=_("初始密码"), required=False, strip=False,
                               widget=forms.PasswordInput(render_value=False))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = services.agencies_managed_by(user).order_by("name")
        self.fields["agency"].queryset = agencies
        self.fields["department"].queryset = (
            Department.objects.restrict(user, VIEW).filter(agency__in=agencies).select_related("agency")
            .order_by("agency__name", "name")
        )


class PersonEditForm(forms.Form):
    """Change a person's registry data (not the agency: moving between agencies is the admin's)."""

    department = DepartmentChoiceField(label=_("内设机构"), queryset=None, required=False, empty_label=_("（不属于内设机构）"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=[("", "—")] + list(Person.Gender.choices), required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=30, required=False)
    position = forms.CharField(label=_("职务"), max_length=60, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    is_active = forms.BooleanField(label=_("在岗"), required=False)

    def __init__(self, user, person: Person, *args, **kwargs):
        kwargs.setdefault("initial", {
            "department": person.department_id, "name": person.name, "gender": person.gender,
            "id_number": person.id_number or "", "position": person.position, "phone": person.phone,
            "is_active": person.is_active,
        })
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            Department.objects.restrict(user, VIEW).filter(agency_id=person.agency_id).select_related("agency")
        )


class CertificateIssueForm(forms.Form):
    """Issue an enforcement certificate (行政执法证)."""

    number = forms.CharField(label=_("证件编号"), max_length=60)
    categories = forms.MultipleChoiceField(label=_("执法类别"), choices=System.choices, widget=forms.CheckboxSelectMultiple)
    region = forms.ModelChoiceField(label=_("执法区域"), queryset=Region.objects.none(), empty_label=None)
    issuer = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    issued_on = _date_field(_("发证日期"))
    expires_on = _date_field(_("有效期至"))

    def __init__(self, user, person: Person, *args, **kwargs):
        agency = person.agency
        kwargs.setdefault("initial", {
            "region": agency.region_id, "categories": [agency.system] if agency.system in System.values else [],
            "issued_on": timezone.localdate(),
        })
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user, VIEW).order_by("code")


class CertificateStatusForm(forms.Form):
    """Suspend (暂扣), revoke (吊销), restore (恢复) or mark expired (过期), with a written reason."""

    ACTION_LABELS = {
        "suspend": _("暂扣"),
        "revoke": _("吊销"),
        "restore": _("恢复有效"),
        "expire": _("标记过期"),
    }

    action = forms.ChoiceField(label=_("变更为"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=_("必填，将记入证件状态历史和审计记录。"))

    def __init__(self, certificate, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = CertificateStatus(certificate.status)
        self.fields["action"].choices = [
            (action, self.ACTION_LABELS[action])
            for action, (sources, _target, _label) in services.CERTIFICATE_TRANSITIONS.items()
            if status in sources
        ]

    FIELD_MAP = {"status": "action", "status_reason": "reason"}


class CertificateRenewForm(forms.Form):
    """Extend a certificate's validity (延续)."""

    expires_on = _date_field(_("新的有效期至"))
    reason = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    FIELD_MAP = {"status": None}


class TrainingForm(forms.Form):
    """Record a training (培训) a person attended."""

    title = forms.CharField(label=_("培训内容"), max_length=200)
    provider = forms.CharField(label=_("组织单位"), max_length=100, required=False)
    held_on = _date_field(_("培训日期"))
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1)
    passed = forms.BooleanField(label=_("考核合格"), required=False, initial=True)


class QualificationForm(forms.Form):
    """Record a legal professional qualification (法律职业资格)."""

    certificate_number = forms.CharField(label=_("证书编号"), max_length=60)
    kind = forms.ChoiceField(label=_("类别"), choices=LegalQualification.Kind.choices)
    obtained_on = _date_field(_("取得日期"))
