"""Steps of the simple decision flows (行政征收、征用、确认、裁决、给付、奖励及其他行政行为): 登记（受理）→ 审查并作出决定 → 送达.

The statute that creates each matter sets its own periods; the system records the acts and their dates.
``decide`` (a leader's act) sets the case's decision and ``decided_on``; ``deliver`` sets ``delivered_on``.
An amount (征收额、给付额、奖励金额) is asked for where the kind of act has one.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from sanxiang.catalog.flows import SIMPLE_DECISION_KINDS

from ..fields import Field
from ..models import Case
from .base import StepSpec, register

FLOW_KEYS = tuple(kind.value for kind in SIMPLE_DECISION_KINDS)
AMOUNT_FLOWS = {"levy": "征收金额（元）", "payment": "给付金额（元）", "reward": "奖励金额（元）"}

OUTCOMES = (
    (Case.Decision.GRANT.value, "作出决定（准予、给予、确认等）"),
    (Case.Decision.DENY.value, "不予准予（不予给予、不予确认等）"),
    (Case.Decision.OTHER.value, "其他决定"),
)
DELIVERY_METHODS = (
    ("direct", "直接送达"),
    ("left", "留置送达"),
    ("post", "邮寄送达"),
    ("electronic", "电子送达（经受送达人同意）"),
    ("entrusted", "委托送达"),
    ("announcement", "公告送达"),
)


def _not_before_previous(ctx, day: datetime.date, field: str, label: str) -> None:
    """``day`` may not be in the future nor before the case's last recorded act."""
    if day > ctx.day:
        raise ValidationError({field: f"{label}不能晚于本环节的办理日期（{ctx.day:%Y-%m-%d}）"})
    previous = [r for r in ctx.history if r.occurred_at is not None]
    if previous:
        from ..clocks import local_date

        last = max(local_date(r.occurred_at) for r in previous)
        if day < last:
            raise ValidationError({field: f"{label}不能早于上一环节（{last:%Y-%m-%d}）"})


def _decide_fields(flow_key: str) -> tuple[Field, ...]:
    fields = [
        Field("outcome", "决定结果", "choice", choices=OUTCOMES),
        Field("decision_text", "决定内容", "textarea"),
        Field("basis", "决定依据", "textarea", help="设定该事项的法律、法规、规章条款"),
        Field("decided_on", "决定日期", "date", required=False, help="默认为本环节的办理日期"),
    ]
    if flow_key in AMOUNT_FLOWS:
        fields.append(Field("amount", AMOUNT_FLOWS[flow_key], "decimal", required=False,
                            help="决定给予（征收）的，须填写金额"))
    return tuple(fields)


def check_decide(ctx) -> None:
    day = ctx.data.get("decided_on") or ctx.day
    _not_before_previous(ctx, day, "decided_on", "决定日期")
    ctx.data["decided_on"] = day
    if ctx.flow.key in AMOUNT_FLOWS and ctx.data.get("outcome") == Case.Decision.GRANT and ctx.data.get("amount") is None:
        raise ValidationError({"amount": f"作出决定的，请填写{AMOUNT_FLOWS[ctx.flow.key]}"})


def apply_decide(ctx, record) -> None:
    ctx.case.decision = ctx.data["outcome"]
    ctx.case.decided_on = ctx.data["decided_on"]
    ctx.case.legal_basis = ctx.data["basis"]


DELIVER_FIELDS = (
    Field("method", "送达方式", "choice", choices=DELIVERY_METHODS),
    Field("delivered_on", "送达日期", "date", required=False, help="默认为本环节的办理日期"),
    Field("recipient", "受送达人", required=False, max_length=200),
)


def check_deliver(ctx) -> None:
    day = ctx.data.get("delivered_on") or ctx.day
    _not_before_previous(ctx, day, "delivered_on", "送达日期")
    ctx.data["delivered_on"] = day


def apply_deliver(ctx, record) -> None:
    ctx.case.delivered_on = ctx.data["delivered_on"]


REGISTER_FIELDS = (
    Field("matter", "申请（登记）事项", "textarea", required=False, max_length=2000),
    Field("received_on", "收到申请（发现）日期", "date", required=False),
)


def check_register(ctx) -> None:
    received = ctx.data.get("received_on")
    if received is not None and received > ctx.day:
        raise ValidationError({"received_on": "收到申请日期不能晚于今天"})


for _key in FLOW_KEYS:
    register(
        StepSpec(_key, "register", fields=REGISTER_FIELDS, checks=(check_register,),
                 help="登记申请或依职权启动的事项。"),
        StepSpec(_key, "decide", fields=_decide_fields(_key), checks=(check_decide,), apply=apply_decide,
                 help="行政机关负责人审查后作出决定，写明决定内容和依据。"),
        StepSpec(_key, "deliver", fields=DELIVER_FIELDS, checks=(check_deliver,), apply=apply_deliver,
                 help="将决定书送达当事人，记录送达方式和日期。"),
    )
del _key
