"""Helpers for case tests: a valid party, a registered case, and a move that reads the case's current version."""

import random

from sanxiang.core.fakeids import make_id_number, make_uscc

from . import services
from .models import Case

RNG = random.Random(5)


def person_party(name="陈当事", region_code="350421"):
    return {"party_type": "person", "name": name, "id_type": "id_card",
            "id_number": make_id_number(random.Random(name), region_code), "address": "样例县城关镇1号",
            "phone": "13800000000"}


def org_party(name="样例县某某食品有限公司", region_code="350421"):
    return {"party_type": "organisation", "name": name, "id_type": "uscc",
            "id_number": make_uscc(random.Random(name), region_code), "legal_representative": "林法人",
            "address": "样例县工业园区8号"}


def register(cast, flow="penalty", *, user=None, parties=None, officers=None, **extra) -> Case:
    user = user or cast.officer_a
    raw = {
        "flow": flow, "department": cast.department_a1.pk, "title": extra.pop("title", "销售过期食品"),
        "parties": parties if parties is not None else [org_party()],
        "officers": officers or [cast.officer_a.person.pk, cast.officer_a2.person.pk],
        **extra,
    }
    return services.register_case(user, raw)


def move(user, case, target, data=None):
    """Advance ``case`` to ``target`` with ``data``; returns the refreshed case."""
    fresh = Case.objects.get(pk=case.pk)
    services.advance(user, fresh.pk, target, data or {}, version=fresh.version)
    return Case.objects.get(pk=case.pk)


# --- penalty_ helpers (P1, penalty investigation): walk a general-procedure penalty case along past days ---

def penalty_moment(day, hour=10):
    """An aware datetime at ``hour`` o'clock on ``day`` (local time), as step input (``occurred_at``)."""
    import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))).isoformat()


def penalty_start(days_ago=40):
    """The day a walked case is registered: ``days_ago`` days before today (all later steps stay in the past)."""
    import datetime

    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=days_ago)


def penalty_data(cast, target, **overrides):
    """Valid input for ``target`` of flow ``penalty`` (register … collective_discussion), with ``overrides``."""
    defaults = {
        "file": {"opinion": "同意立案", "legal_basis": "《中华人民共和国食品安全法》第三十四条"},
        "not_filed": {"refusal_reason": "经核查，不存在违法事实"},
        "investigate": {"method": "inspection", "record": "现场检查发现货架上有过期食品12件", "place": "样例县城关镇1号"},
        "preserve": {"items": "过期食品12件", "grounds": "证据可能灭失", "approved_by": cast.leader.person.pk,
                     "place": "样例县城关镇1号"},
        "preserve_decision": {"disposition": "record_copy", "reason": "已拍照、复制，予以解除"},
        "conclude": {"report": "调查终结报告", "decision": "penalty", "facts": "销售超过保质期的食品",
                     "penalty_kinds": ["warning", "fine"], "fine_amount": "5000",
                     "legal_basis": "《中华人民共和国食品安全法》第一百二十四条", "discretion": "初次违法，从轻处罚"},
        "legal_review": {"materials": "调查终结报告及证据材料"},
        "prior_notice": {"facts": "销售超过保质期的食品", "reasons": "违反食品安全法", "legal_basis": "食品安全法第一百二十四条",
                         "proposed_penalty": "警告并处罚款", "rights": "陈述、申辩的权利；要求听证的权利",
                         "hearing_rights_stated": True},
        "statement": {"statement": "当事人称系疏忽所致，请求从轻处罚"},
        "hearing_notice": {"place": "本局听证室", "host": cast.reviewer.person.pk, "public": True},
        "hearing": {"host": cast.reviewer.person.pk, "attendees": "当事人委托代理人、调查人员张执法、李执法",
                    "record": "听证笔录：调查人员提出事实证据，当事人申辩"},
        "collective_discussion": {"attendees": [cast.leader.person.pk, cast.reviewer.person.pk],
                                  "opinions": "钱局长：同意处罚；赵审核：同意", "conclusion": "penalty",
                                  "conclusion_text": "给予警告并处罚款"},
    }
    return {**defaults.get(target, {}), **overrides}


PENALTY_ACTORS = {"file": "leader", "not_filed": "leader", "preserve_decision": "leader", "legal_review": "reviewer",
                  "collective_discussion": "leader", "decide": "leader"}


def penalty_step(cast, case, target, day, hour=10, **overrides):
    """Move ``case`` to ``target`` on ``day`` (as the step's usual actor) with :func:`penalty_data`; the refreshed case."""
    user = getattr(cast, PENALTY_ACTORS.get(target, "officer_a"))
    data = {**penalty_data(cast, target, **overrides), "occurred_at": penalty_moment(day, hour)}
    return move(user, case, target, data)


def penalty_to_conclusion(cast, start=None, *, conclude=None, **register_extra):
    """A penalty case registered on ``start`` (default 40 days ago), filed, investigated and concluded
    (``conclude``: overrides of the proposal) on the following days. Returns ``(case, next free day)``."""
    import datetime

    start = start or penalty_start()
    one = datetime.timedelta(days=1)
    register_extra.setdefault("act_date", (start - datetime.timedelta(days=3)).isoformat())
    register_extra.setdefault("step", {"source_description": "投诉举报", "discovered_on": start.isoformat(),
                                       "occurred_at": penalty_moment(start, 9)})
    case = register(cast, **register_extra)
    case = penalty_step(cast, case, "file", start, 11)
    case = penalty_step(cast, case, "investigate", start + one)
    case = penalty_step(cast, case, "conclude", start + 2 * one, **(conclude or {}))
    return case, start + 3 * one


def penalty_to_statement(cast, start=None, *, conclude=None, statement=None, **register_extra):
    """:func:`penalty_to_conclusion`, then the prior notice and the party's statement (``statement``: overrides)
    on the next two days. Returns ``(case, next free day)``; the statement window closes 5 working days after
    the notice (with the default start, long before today)."""
    import datetime

    case, day = penalty_to_conclusion(cast, start, conclude=conclude, **register_extra)
    case = penalty_step(cast, case, "prior_notice", day)
    case = penalty_step(cast, case, "statement", day + datetime.timedelta(days=1), **(statement or {}))
    return case, day + datetime.timedelta(days=2)
