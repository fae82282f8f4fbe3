"""Serializers of the case API (办案接口): what a case, its timeline, next actions and step forms look like in JSON.

Output only: inputs are cleaned by ``cases.services`` (the same rules as the staff pages); the input
serializers here describe request bodies for the OpenAPI schema.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sanxiang.cases import clocks
from sanxiang.cases.fields import TYPES, Field, jsonable
from sanxiang.cases.models import Case, CaseOfficer, CaseStatus, Party, StepRecord
from sanxiang.cases.rules import params_for
from sanxiang.catalog import flows
from sanxiang.core.identifiers import mask_id_number
from sanxiang.org.access import actor_of
from sanxiang.org.models import Role

# --- Helpers ----------------------------------------------------------------------------------


def step_name(flow_key: str, step: str) -> str:
    flow = flows.get(flow_key)
    return flow.step(step).name if flow is not None and step and flow.has_step(step) else step


def _number(value):
    return str(value) if isinstance(value, Decimal) else value


def field_definition(spec: Field) -> dict:
    """A step field as a mobile client needs it to build a form."""
    return {
        "name": spec.name, "label": spec.label, "kind": spec.kind, "required": spec.required,
        "choices": [{"value": value, "label": str(label)} for value, label in spec.choices],
        "help": spec.help, "max_length": spec.max_length or (
            (20000 if spec.kind == "textarea" else 200) if spec.kind in ("text", "textarea") else None),
        "min_value": _number(spec.min_value), "max_value": _number(spec.max_value),
        "default": jsonable(spec.default),
    }


def mask_identifier(number: str) -> str:
    return mask_id_number(number) if number else number


def sees_full_ids(user, case: Case) -> bool:
    """Whether ``user`` handles the case: its officers, the department's head, the agency's leaders and reviewers."""
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    if not actor.agency_id or actor.agency_id != case.agency_id:
        return False
    if actor.has(Role.LEADER) or actor.has(Role.REVIEWER):
        return True
    if actor.has(Role.DEPARTMENT_HEAD) and actor.department_id == case.department_id:
        return True
    return bool(actor.person_id) and CaseOfficer.objects.filter(case=case, person_id=actor.person_id,
                                                                until__isnull=True).exists()


ID_KEYS = ("id_number", "representative_id_number")


def masked_data(value):
    """Step data with every identity-document number masked (records of 登记 hold the parties)."""
    if isinstance(value, dict):
        return {k: (mask_identifier(v) if _hidden(value, k, v) else masked_data(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_data(v) for v in value]
    return value


def _hidden(container: dict, key: str, value) -> bool:
    """An identity-document number to mask (an organisation's unified social credit code is public)."""
    if key not in ID_KEYS or not isinstance(value, str):
        return False
    return not (key == "id_number" and container.get("id_type") == Party.IdType.USCC)


class Badges:
    """Today's deadline badge of a stored nearest deadline, with each agency's due-soon days looked up once."""

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self._days: dict[int, int] = {}

    def state(self, case: Case) -> str:
        if case.deadline_on is None:
            return ""
        if case.agency_id not in self._days:
            self._days[case.agency_id] = params_for(case.agency_id).due_soon_days
        return clocks.badge_state(case.deadline_on, self.today, self._days[case.agency_id])


# --- Output -----------------------------------------------------------------------------------


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class FieldDefinitionSerializer(serializers.Serializer):
    """One input of a step (环节填写项)."""

    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=TYPES, help_text=(
        "text 单行文字；textarea 多行文字；date YYYY-MM-DD；datetime ISO 8601；decimal 金额（字符串或数字，"
        "不小于0，最多两位小数）；int 整数；bool 是否；choice 单选（choices 的 value）；multichoice 多选（value 的数组）；"
        "people 人员编号数组；person 一个人员编号；evidence 本案证据编号数组"))
    required = serializers.BooleanField()
    choices = ChoiceSerializer(many=True)
    help = serializers.CharField(allow_blank=True)
    max_length = serializers.IntegerField(allow_null=True)
    min_value = serializers.CharField(allow_null=True)
    max_value = serializers.CharField(allow_null=True)
    default = serializers.JSONField(allow_null=True)


@extend_schema_field({"type": "string", "description": "；".join(f"{v} {label}" for v, label in CaseStatus.choices)})
class CaseStatusField(serializers.CharField):
    """The case's status. The schema lists the values in words, not as an enum: an enum named ``status`` would
    collide with the records app's device status (drf-spectacular's enum naming)."""


class CaseListItemSerializer(serializers.Serializer):
    """A case in lists: number, title, where it stands and its nearest deadline."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="案件编号")
    title = serializers.CharField(help_text="案由")
    kind = serializers.CharField(help_text="执法行为类别")
    kind_label = serializers.CharField(source="get_kind_display")
    flow = serializers.CharField(source="flow_key", help_text="流程代码（catalog.flows）")
    flow_name = serializers.SerializerMethodField()
    current_step = serializers.CharField()
    current_step_name = serializers.SerializerMethodField()
    status = CaseStatusField()
    status_label = serializers.CharField(source="get_status_display")
    deadline_on = serializers.DateField(allow_null=True, help_text="最近的未完成时限")
    deadline_label = serializers.CharField(allow_blank=True)
    deadline_state = serializers.SerializerMethodField(help_text="按今天计算：''（无）、on_time、due_soon、overdue")
    party = serializers.SerializerMethodField(help_text="第一当事人名称")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    registered_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="办理（POST）时提交，用于发现并发修改")

    def get_flow_name(self, case) -> str:
        flow = flows.get(case.flow_key)
        return flow.name if flow is not None else case.flow_key

    def get_current_step_name(self, case) -> str:
        return step_name(case.flow_key, case.current_step)

    def get_deadline_state(self, case) -> str:
        badges = self.context.get("badges")
        if badges is None:
            badges = self.context["badges"] = Badges()
        return badges.state(case)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_party(self, case):
        if hasattr(case, "party_name"):
            return case.party_name
        party = case.primary_party
        return party.name if party is not None else None


class PartySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    party_type = serializers.CharField()
    party_type_label = serializers.CharField(source="get_party_type_display")
    name = serializers.CharField()
    id_type = serializers.CharField()
    id_type_label = serializers.CharField(source="get_id_type_display")
    id_number = serializers.SerializerMethodField(help_text="非本案承办人员看到的是遮蔽后的证件号码")
    legal_representative = serializers.CharField(allow_blank=True)
    representative_id_number = serializers.SerializerMethodField()
    address = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    is_minor = serializers.BooleanField()

    def _full(self) -> bool:
        return bool(self.context.get("full_ids"))

    def get_id_number(self, party) -> str:
        if self._full() or party.id_type == Party.IdType.USCC:
            return party.id_number
        return mask_identifier(party.id_number)

    def get_representative_id_number(self, party) -> str:
        return party.representative_id_number if self._full() else mask_identifier(party.representative_id_number)


class OfficerSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)


class DeadlineSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="期限名称（环节代码），延长、中止时作为 clock 提交")
    label = serializers.CharField()
    start = serializers.DateField()
    due = serializers.DateField()
    state = serializers.ChoiceField(choices=list(clocks.STATE_LABELS.items()))
    state_label = serializers.CharField()
    basis = serializers.CharField(allow_blank=True)
    met_on = serializers.DateField(allow_null=True)
    extended_days = serializers.IntegerField()
    paused_days = serializers.IntegerField()


class NextActionSerializer(serializers.Serializer):
    """A way on from the current step (下一步可办理的环节)."""

    target = serializers.CharField()
    name = serializers.CharField()
    guard = serializers.CharField(allow_blank=True, help_text="流转条件代码")
    guard_label = serializers.CharField(source="label", allow_blank=True)
    allowed = serializers.BooleanField(help_text="条件目前是否满足（提交的内容仍须通过校验）")
    reason = serializers.CharField(allow_blank=True)
    may_perform = serializers.BooleanField(help_text="当前用户是否可以办理该环节")
    fields = serializers.SerializerMethodField(method_name="fields_of", help_text="该环节的填写项")

    @extend_schema_field(FieldDefinitionSerializer(many=True))
    def fields_of(self, option):
        from sanxiang.cases import steps

        spec = steps.spec_for(self.context["flow"], option.target)
        return [field_definition(f) for f in spec.form_fields()]


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    issued_at = serializers.DateTimeField()
    verify_token = serializers.CharField()
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class CaseDetailSerializer(CaseListItemSerializer):
    """A case with its parties, officers, deadlines, next actions and documents."""

    source = serializers.CharField()
    item_code = serializers.CharField(allow_blank=True)
    act_date = serializers.DateField(allow_null=True)
    filed_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    delivered_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    simple_procedure = serializers.BooleanField()
    decision = serializers.CharField(allow_blank=True)
    penalty_kinds = serializers.ListField(child=serializers.CharField())
    fine_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    confiscation_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    may_act = serializers.SerializerMethodField(help_text="当前用户可否办理本案（否则只读）")
    parties = serializers.SerializerMethodField()
    officers = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    next_actions = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    def get_may_act(self, case) -> bool:
        return bool(self.context.get("may_act"))

    @extend_schema_field(PartySerializer(many=True))
    def get_parties(self, case):
        return PartySerializer(case.parties.order_by("position"), many=True, context=self.context).data

    @extend_schema_field(OfficerSerializer(many=True))
    def get_officers(self, case):
        links = case.officer_links.select_related("person").order_by("until", "-role", "since", "pk")
        return OfficerSerializer(links, many=True).data

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, case):
        found = clocks.deadlines(case, self.context.get("history"))
        return DeadlineSerializer(found, many=True).data

    @extend_schema_field(NextActionSerializer(many=True))
    def get_next_actions(self, case):
        from sanxiang.cases import engine

        return NextActionSerializer(engine.options(self.context["user"], case), many=True,
                                    context={"flow": case.flow_key}).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, case):
        return DocumentSerializer(case.documents.order_by("issued_at", "pk"), many=True).data

    @extend_schema_field(CaseRefSerializer(allow_null=True))
    def get_parent(self, case):
        parent = self.context.get("parent")
        return {"id": parent.pk, "number": parent.number} if parent is not None else None

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_children(self, case):
        return [{"id": c.pk, "number": c.number} for c in self.context.get("children", [])]


class TimelineItemSerializer(serializers.Serializer):
    """A recorded step (办案环节记录): append-only; a correction is a later record naming what it corrects."""

    id = serializers.IntegerField()
    index = serializers.IntegerField()
    action = serializers.ChoiceField(choices=StepRecord.Action.choices)
    action_label = serializers.CharField(source="get_action_display")
    step = serializers.CharField()
    step_name = serializers.SerializerMethodField()
    from_step = serializers.CharField(allow_blank=True)
    from_step_name = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField()
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    actor_label = serializers.CharField()
    log_seq = serializers.IntegerField(help_text="记录日志序号（可据此取得包含证明）")
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)
    reason = serializers.CharField(allow_blank=True)

    def get_step_name(self, record) -> str:
        return step_name(self.context["flow"], record.step)

    def get_from_step_name(self, record) -> str:
        return step_name(self.context["flow"], record.from_step)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, record):
        return record.data if self.context.get("full_ids") else masked_data(record.data)


class StepResultSerializer(serializers.Serializer):
    """201 after a step or an action: the new record and the case as it is now (with its new ``version``)."""

    record = TimelineItemSerializer()
    case = CaseListItemSerializer()


class StepFormSerializer(serializers.Serializer):
    """The form of a step: what a client must ask for before POSTing it to ``steps/``."""

    target = serializers.CharField()
    name = serializers.CharField()
    actor = serializers.CharField(help_text="办理主体")
    help = serializers.CharField(allow_blank=True)
    offered = serializers.BooleanField(help_text="是否为当前环节之后可办理的环节")
    fields = FieldDefinitionSerializer(many=True)


# --- Inputs (for the schema; the services clean and validate them) -----------------------------


class PartyInputSerializer(serializers.Serializer):
    party_type = serializers.ChoiceField(choices=Party._meta.get_field("party_type").choices)
    name = serializers.CharField(max_length=200)
    id_type = serializers.ChoiceField(choices=Party.IdType.choices, required=False)
    id_number = serializers.CharField(max_length=40, help_text="身份证号码或统一社会信用代码（须通过校验）")
    legal_representative = serializers.CharField(required=False, help_text="单位、个体工商户必填")
    representative_id_number = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)


class RegisterRequestSerializer(serializers.Serializer):
    """登记案件."""

    flow = serializers.ChoiceField(choices=[(k, f.name) for k, f in flows.FLOWS.items()])
    department = serializers.IntegerField(help_text="承办机构（本执法主体的内设机构）")
    title = serializers.CharField(max_length=200, help_text="案由")
    item_code = serializers.CharField(required=False, help_text="权责清单中的执法事项编码")
    source = serializers.ChoiceField(choices=Case.Source.choices, required=False)
    act_date = serializers.DateField(required=False, help_text="违法行为发生（终了）日期，不能晚于今天（LAW-08 追责时效）")
    harms_life_health_finance = serializers.BooleanField(required=False)
    officers = serializers.ListField(child=serializers.IntegerField(),
                                     help_text="承办人员编号，第一位为主办人；处罚、强制不少于2人")
    parent = serializers.IntegerField(required=False, help_text="关联案件编号（id）")
    confidentiality = serializers.ChoiceField(choices=Case.Confidentiality.choices, required=False)
    parties = PartyInputSerializer(many=True)
    step = serializers.DictField(required=False, help_text="登记环节的填写项（见 steps/register/form/）")


class StepRequestSerializer(serializers.Serializer):
    target = serializers.CharField(help_text="目标环节代码（见 next_actions）")
    version = serializers.IntegerField(help_text="读取案件时的 version")
    data = serializers.DictField(required=False, help_text="目标环节的填写项（见 steps/{target}/form/）")


class ActionRequestSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="读取案件时的 version")


class ExtendDataSerializer(serializers.Serializer):
    clock = serializers.CharField(help_text="期限名称（deadlines 的 key）")
    days = serializers.IntegerField(min_value=1, max_value=365)
    reason = serializers.CharField(help_text="延长理由（须经负责人批准，由负责人办理）")


class PauseDataSerializer(serializers.Serializer):
    clock = serializers.CharField()
    pause_kind = serializers.ChoiceField(choices=["suspension", "hearing", "appraisal", "announcement", "other"])
    reason = serializers.CharField()


class ResumeDataSerializer(serializers.Serializer):
    clock = serializers.CharField()
    reason = serializers.CharField(required=False)


class NoteDataSerializer(serializers.Serializer):
    text = serializers.CharField()
    evidence = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="本案证据编号")


class CorrectDataSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="更正内容")
    reason = serializers.CharField()


class OfficersDataSerializer(serializers.Serializer):
    officers = serializers.ListField(child=serializers.IntegerField(), help_text="调整后的全部承办人员，第一位为主办人")
    reason = serializers.CharField()


class ExtendRequestSerializer(ActionRequestSerializer):
    data = ExtendDataSerializer()


class PauseRequestSerializer(ActionRequestSerializer):
    data = PauseDataSerializer()


class ResumeRequestSerializer(ActionRequestSerializer):
    data = ResumeDataSerializer()


class NoteRequestSerializer(ActionRequestSerializer):
    data = NoteDataSerializer()


class CorrectRequestSerializer(ActionRequestSerializer):
    record = serializers.IntegerField(help_text="要更正的记录（timeline 的 id）")
    data = CorrectDataSerializer()


class OfficersRequestSerializer(ActionRequestSerializer):
    data = OfficersDataSerializer()
