"""Cases (行政执法案件), their parties and officers, case numbering and each agency's case-handling parameters."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.vocab import ActKind
from sanxiang.core.access import RestrictedQuerySet
from sanxiang.records.models.files import PartyType


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    ENDED = "ended", _("已终止")  # a terminal step that is not 结案: 不予立案, 不予受理, 不予批准 …
    CLOSED = "closed", _("已办结")
    ARCHIVED = "archived", _("已归档")


class DeadlineState(models.TextChoices):
    NONE = "", _("无时限")
    ON_TIME = "on_time", _("正常")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")


class Case(models.Model):
    """An enforcement case (行政执法案件) of any kind: 处罚, 强制, 检查, 许可, 征收 …

    The row is the case's *current state*, maintained by ``cases.services`` only; what happened is in
    the append-only :class:`~sanxiang.cases.models.StepRecord` rows and the record log. ``number`` is
    also the case's ``case_ref`` in the record store.
    """

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("监督检查发现")
        COMPLAINT = "complaint", _("投诉举报")
        REFERRAL = "referral", _("上级交办、其他机关移送")
        SELF_REPORT = "self_report", _("当事人主动报告")
        APPLICATION = "application", _("依申请")
        RANDOM = "random", _("双随机抽查")
        OTHER = "other", _("其他")

    class Decision(models.TextChoices):
        NONE = "", _("未决定")
        PENALTY = "penalty", _("给予行政处罚")
        NO_PENALTY = "no_penalty", _("不予行政处罚")
        WITHDRAW = "withdraw", _("撤销立案")
        TRANSFER = "transfer", _("移送司法机关")
        GRANT = "grant", _("准予")
        DENY = "deny", _("不予准予")
        OTHER = "other", _("其他决定")

    class Confidentiality(models.TextChoices):
        NONE = "", _("无")
        STATE_SECRET = "state_secret", _("涉及国家秘密")
        COMMERCIAL_SECRET = "commercial_secret", _("涉及商业秘密")
        PRIVACY = "privacy", _("涉及个人隐私")

    agency = models.ForeignKey("org.Agency", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey("org.Department", verbose_name=_("承办机构"), on_delete=models.PROTECT,
                                   related_name="cases")
    kind = models.CharField(_("执法行为类别"), max_length=20, choices=ActKind.choices, db_index=True)
    flow_key = models.CharField(_("流程"), max_length=40)
    flow_signature = models.CharField(_("流程定义摘要"), max_length=64)
    number = models.CharField(_("案件编号"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("年度序号"))
    title = models.CharField(_("案由"), max_length=200)
    item = models.ForeignKey("catalog.Entry", verbose_name=_("执法事项"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField(_("事项编码"), max_length=60, blank=True)
    source = models.CharField(_("案件来源"), max_length=20, choices=Source.choices, default=Source.INSPECTION)
    parent = models.ForeignKey("self", verbose_name=_("关联案件"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", help_text=_("检查转处罚、处罚转强制执行等关联程序"))

    current_step = models.CharField(_("当前环节"), max_length=40)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN,
                              db_index=True)

    # Facts that clocks and gates read.
    act_date = models.DateField(_("违法行为发生（终了）日期"), null=True, blank=True)
    harms_life_health_finance = models.BooleanField(_("涉及公民生命健康安全、金融安全且有危害后果"), default=False)
    registered_at = models.DateTimeField(_("登记时间"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    archived_on = models.DateField(_("归档日期"), null=True, blank=True)

    # The proposed (later: the decided) decision.
    simple_procedure = models.BooleanField(_("简易程序"), default=False)
    decision = models.CharField(_("决定类型"), max_length=20, choices=Decision.choices, blank=True, default="")
    penalty_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    fine_amount = models.DecimalField(_("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    confiscation_amount = models.DecimalField(_("没收金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    legal_basis = models.TextField(_("处罚依据"), blank=True)
    facts = models.TextField(_("违法事实"), blank=True)
    complexity_flags = models.JSONField(_("重大复杂情形"), default=list, blank=True)
    review_flagged = models.BooleanField(_("主动提请法制审核"), default=False)
    confidentiality = models.CharField(_("保密情形"), max_length=20, choices=Confidentiality.choices, blank=True,
                                       default="")

    # The nearest deadline, kept by services (and `sanxiang cases refresh-deadlines`) for lists and badges.
    deadline_on = models.DateField(_("最近时限"), null=True, blank=True, db_index=True)
    deadline_label = models.CharField(_("时限事项"), max_length=100, blank=True)
    deadline_state = models.CharField(_("时限状态"), max_length=10, choices=DeadlineState.choices, blank=True,
                                      default="", db_index=True)

    version = models.PositiveIntegerField(_("版本"), default=0, help_text=_("每次办理加一；并发办理时后提交者收到冲突提示"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法案件")
        verbose_name_plural = _("执法案件")
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year", "seq"], name="cases_case_unique_seq"),
            models.CheckConstraint(condition=Q(fine_amount__isnull=True) | Q(fine_amount__gte=0),
                                   name="cases_case_fine_not_negative"),
            models.CheckConstraint(condition=Q(confiscation_amount__isnull=True) | Q(confiscation_amount__gte=0),
                                   name="cases_case_confiscation_not_negative"),
        ]
        indexes = [
            # Lists page by (-registered_at, -id); every list index ends with that key (keyset paging).
            models.Index(fields=["agency", "status", "-registered_at", "-id"], name="cases_agency_status"),
            models.Index(fields=["department", "status", "-registered_at", "-id"], name="cases_department_status"),
            models.Index(fields=["agency", "-registered_at", "-id"], name="cases_agency_registered"),
            models.Index(fields=["-registered_at", "-id"], name="cases_registered"),
            models.Index(fields=["agency", "deadline_state", "deadline_on"], name="cases_agency_deadline"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def case_ref(self) -> str:
        """The case's reference in the record store (its number)."""
        return self.number

    @property
    def primary_party(self):
        return self.parties.order_by("position").first()

    @property
    def fine(self) -> Decimal:
        return self.fine_amount or Decimal("0")


class Party(models.Model):
    """A party of a case (当事人／行政相对人): natural person, 法人及非法人组织, or 个体工商户."""

    class IdType(models.TextChoices):
        ID_CARD = "id_card", _("居民身份证")
        USCC = "uscc", _("统一社会信用代码")
        PASSPORT = "passport", _("护照")
        HMT = "hmt", _("港澳台居民居住证／通行证")
        OTHER = "other", _("其他证件")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    party_type = models.CharField(_("当事人类型"), max_length=20, choices=PartyType.choices)
    name = models.CharField(_("名称／姓名"), max_length=200)
    id_type = models.CharField(_("证件类型"), max_length=10, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=40)
    legal_representative = models.CharField(_("法定代表人（负责人、经营者）"), max_length=50, blank=True)
    representative_id_number = models.CharField(_("法定代表人身份证号码"), max_length=18, blank=True)
    address = models.CharField(_("住所（地址）"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_minor = models.BooleanField(_("未成年人"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "position"]
        indexes = [models.Index(fields=["id_number"], name="cases_party_id_number"),
                   models.Index(fields=["name"], name="cases_party_name")]

    def __str__(self):
        return self.name

    @property
    def is_organisation(self) -> bool:
        return self.party_type != PartyType.PERSON


class CaseOfficer(models.Model):
    """An officer handling a case (承办人员): the lead (主办) and the others (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("协办")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="officer_links")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(_("分工"), max_length=10, choices=Role.choices, default=Role.ASSIST)
    since = models.DateTimeField(_("加入时间"))
    until = models.DateTimeField(_("退出时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("承办人员")
        verbose_name_plural = _("承办人员")
        constraints = [models.UniqueConstraint(fields=["case", "person"], condition=Q(until__isnull=True),
                                               name="cases_officer_unique_active")]
        indexes = [models.Index(fields=["person", "until"], name="cases_officer_person")]

    def __str__(self):
        return f"{self.case_id}:{self.person_id} {self.get_role_display()}"


class NumberingRule(models.Model):
    """An agency's numbering pattern (编号规则) for case numbers or a document's numbers.

    ``series`` is ``case:<act kind>`` or ``doc:<document code>``. ``pattern`` uses ``{agency}`` (the
    agency's short name), ``{year}`` and ``{seq}`` (``{seq:03d}`` pads), e.g. ``{agency}处罚〔{year}〕{seq}号``.
    """

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(_("编号序列"), max_length=40)
    pattern = models.CharField(_("编号格式"), max_length=100)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("编号规则")
        verbose_name_plural = _("编号规则")
        constraints = [models.UniqueConstraint(fields=["agency", "series"], name="cases_numbering_unique")]

    def __str__(self):
        return f"{self.series}: {self.pattern}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from sanxiang.cases.numbering import PatternError, check_pattern

        try:
            check_pattern(self.pattern)
        except PatternError as error:
            raise ValidationError({"pattern": str(error)}) from None


class NumberCounter(models.Model):
    """The last number used in a series per agency and year; numbers are taken under a row lock, so gap-free."""

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号计数")
        verbose_name_plural = _("编号计数")
        constraints = [models.UniqueConstraint(fields=["agency", "series", "year"], name="cases_counter_unique")]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"


class AgencyCaseRules(models.Model):
    """An agency's case-handling parameters (办案参数, DESIGN §4.8). Missing rows and blank fields use the defaults
    of ``settings.CASES``, which follow the law."""

    agency = models.OneToOneField("org.Agency", on_delete=models.PROTECT, related_name="case_rules")
    filing_days = models.PositiveSmallIntegerField(_("立案期限（工作日）"), null=True, blank=True,
                                                   help_text=_("自发现线索或收到材料之日起；行业规定不同的可调整"))
    hearing_fine_person = models.DecimalField(_("听证：对个人较大数额罚款（元）"), max_digits=14, decimal_places=2,
                                              null=True, blank=True)
    hearing_fine_org = models.DecimalField(_("听证：对单位较大数额罚款（元）"), max_digits=14, decimal_places=2,
                                           null=True, blank=True)
    review_all_non_simple = models.BooleanField(_("普通程序决定一律法制审核"), default=False)
    review_days = models.PositiveSmallIntegerField(_("法制审核期限（工作日）"), null=True, blank=True)
    random_inspection_publish_days = models.PositiveSmallIntegerField(_("双随机抽查结果公示期限（工作日）"), null=True,
                                                                      blank=True)
    decision_days = models.PositiveSmallIntegerField(_("处罚决定期限（日）"), null=True, blank=True,
                                                     help_text=_("法律另有规定的从其规定"))
    due_soon_days = models.PositiveSmallIntegerField(_("临期提醒（日）"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办案参数")
        verbose_name_plural = _("办案参数")

    def __str__(self):
        return f"办案参数 {self.agency_id}"
