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
