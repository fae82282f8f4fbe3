"""The public error report form (纠错, PUB-10)."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 2000
MAX_PATH = 500
CONTROL = _("含有不可见的控制字符，请删除后重新输入。")


class ErrorReportForm(forms.Form):
    """What a visitor reports about a public page (纠错). ``website`` is a honeypot people never see."""

    page_path = forms.CharField(label=_("有误的页面"), max_length=MAX_PATH,
                                error_messages={"required": _("请填写有误的页面地址。"),
                                                "max_length": _("页面地址过长。"), "null_characters_not_allowed": CONTROL})
    agency = forms.TypedChoiceField(label=_("所涉执法主体"), coerce=int, choices=(),
                                    error_messages={"required": _("请选择所涉执法主体。"),
                                                    "invalid_choice": _("请选择列出的执法主体。")})
    text = forms.CharField(label=_("纠错内容"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("请说明哪里有误、正确的内容是什么，最多 2000 字。"),
                           error_messages={"required": _("请填写纠错内容。"),
                                           "max_length": _("纠错内容最多 2000 字。"), "null_characters_not_allowed": CONTROL})
    contact = forms.CharField(label=_("联系方式（选填）"), max_length=100, required=False,
                              help_text=_("留下电话或邮箱，便于告知处理结果。"),
                              error_messages={"max_length": _("联系方式最多 100 字。"),
                                              "null_characters_not_allowed": CONTROL})
    website = forms.CharField(label=_("请勿填写此项"), required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("请选择")), *((a.pk, a.name) for a in agencies)]

    def clean_page_path(self):
        path = self.cleaned_data["page_path"].strip()
        # A path on this site only: no scheme, no other host, no control characters.
        if not path.startswith("/") or path.startswith("//") or any(ord(c) < 32 for c in path) or "\\" in path:
            raise forms.ValidationError(_("页面地址应为本平台的页面路径，例如 /gongshi/。"))
        return path

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("请填写纠错内容。"))
        return text

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交未被接受，请勿填写隐藏的“请勿填写此项”一栏。"))
        return ""
