"""Organisation registry: regions, enforcement agencies, departments, people and their qualifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sanxiang.core.access import RestrictedQuerySet


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡级")


class Region(models.Model):
    """Administrative region (行政区划), identified by its division code (行政区划代码)."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of codes, "350000/350400/350421/", so a region's descendants are one prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        super().save(*args, **kwargs)


class System(models.TextChoices):
    """Enforcement system or domain (执法领域)."""

    MARKET = "market", _("市场监管")
    COMPREHENSIVE = "comprehensive", _("综合行政执法")
    ECOLOGY = "ecology", _("生态环境")
    TRANSPORT = "transport", _("交通运输")
    HEALTH = "health", _("卫生健康")
    EMERGENCY = "emergency", _("应急管理")
    AGRICULTURE = "agriculture", _("农业农村")
    CULTURE = "culture", _("文化市场")
    NATURAL_RESOURCES = "natural_resources", _("自然资源")
    HOUSING = "housing", _("住房城乡建设")
    PUBLIC_SECURITY = "public_security", _("公安")
    TAX = "tax", _("税务")
    JUSTICE = "justice", _("司法行政")
    OTHER = "other", _("其他")


class Agency(models.Model):
    """Enforcement agency (行政执法主体), or the justice bureau (司法局) that supervises a region's agencies."""

    class Kind(models.TextChoices):
        ENFORCEMENT = "enforcement", _("行政执法主体")
        JUSTICE_BUREAU = "justice_bureau", _("司法行政机关（执法监督）")

    name = models.CharField(_("名称"), max_length=200, unique=True)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_override_reason = models.TextField(
        _("校验码例外理由"), blank=True,
        help_text=_("2016年以前赋码的部分代码不符合校验规则，经授权人员书面说明后方可保存。"),
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.ENFORCEMENT)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    system = models.CharField(_("执法领域"), max_length=30, choices=System.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="agencies")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级主管部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    duties = models.TextField(_("职责"), blank=True)
    legal_basis = models.TextField(_("职权依据"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    supervision_channel = models.TextField(_("监督方式"), blank=True)
    remedy_channel = models.TextField(_("救济渠道"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    abolished_on = models.DateField(_("撤销日期"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("承继主体"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法主体")
        verbose_name_plural = _("执法主体")
        ordering = ["region__code", "name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """Department (内设机构) of an agency; one may be the designated legal review unit (法制审核机构)."""

    agency = models.ForeignKey(Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("名称"), max_length=100)
    is_review_unit = models.BooleanField(_("法制审核机构"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="org_department_unique_name")]

    def __str__(self):
        return f"{self.agency.short_name or self.agency.name}·{self.name}"


class Role(models.TextChoices):
    OFFICER = "officer", _("执法人员")
    DEPARTMENT_HEAD = "department_head", _("科室负责人")
    LEADER = "leader", _("单位负责人")
    REVIEWER = "reviewer", _("法制审核人员")
    ADVISER = "adviser", _("法律顾问/公职律师")
    SUPERVISOR = "supervisor", _("执法监督人员")
    PUBLISHER = "publisher", _("信息公示员")
    ADMINISTRATOR = "administrator", _("系统管理员")


class Person(models.Model):
    """A person of the registry (人员): officer, reviewer, leader, adviser or supervisor."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    agency = models.ForeignKey(Agency, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="people")
    department = models.ForeignKey(
        Department, verbose_name=_("内设机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="person",
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True, null=True, blank=True)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    history = HistoricalRecords(excluded_fields=["user"])
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["agency", "name"]

    def __str__(self):
        return self.name

    @property
    def role_codes(self) -> set[str]:
        return {r.role for r in self.roles.all()}


class RoleAssignment(models.Model):
    """A role a person holds (角色), scoped to their agency, or to a region for supervisors."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("监督区域"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("执法监督人员监督的行政区划"),
    )
    granted_on = models.DateField(_("授予日期"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["person", "role"], name="org_role_unique_per_person")]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("吊销")
    EXPIRED = "expired", _("过期")


class OfficerCertificate(models.Model):
    """Administrative enforcement certificate (行政执法证)."""

    person = models.ForeignKey(Person, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("证件编号"), max_length=40, unique=True)
    categories = models.JSONField(_("执法类别"), default=list, help_text=_("执法领域代码的列表"))
    region = models.ForeignKey(Region, verbose_name=_("执法区域"), on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    status_reason = models.TextField(_("状态变更理由"), blank=True)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)

    history = HistoricalRecords()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政执法证")
        verbose_name_plural = _("行政执法证")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="org_certificate_expires_after_issue"
            ),
        ]

    def __str__(self):
        return self.number

    def status_on(self, day) -> str:
        """The certificate's status on ``day``: a stored suspension or revocation wins, then expiry."""
        if self.status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
            return self.status
        if day > self.expires_on or self.status == CertificateStatus.EXPIRED:
            return CertificateStatus.EXPIRED
        if day < self.issued_on:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    def is_valid_on(self, day, category: str | None = None, region: Region | None = None) -> bool:
        if self.status_on(day) != CertificateStatus.VALID:
            return False
        if category and category not in self.categories:
            return False
        if region and not region.path.startswith(self.region.path):
            return False
        return True


class LegalQualification(models.Model):
    """Legal professional qualification (法律职业资格), required of first-time penalty reviewers."""

    class Kind(models.TextChoices):
        A = "A", _("A类")
        B = "B", _("B类")
        C = "C", _("C类")
        LEGACY = "legacy", _("国家司法考试合格（原）")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_qualifications")
    certificate_number = models.CharField(_("证书编号"), max_length=40, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.A)
    obtained_on = models.DateField(_("取得日期"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("法律职业资格")
        verbose_name_plural = _("法律职业资格")

    def __str__(self):
        return self.certificate_number


class TrainingRecord(models.Model):
    """Training record (培训记录) of a person: course, hours, result."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(_("培训内容"), max_length=200)
    provider = models.CharField(_("组织单位"), max_length=100, blank=True)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("考核合格"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-held_on"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="org_training_positive_hours")]

    def __str__(self):
        return f"{self.person} {self.title}"
