"""Helpers shared by the org tests: identifiers with known defects and a "nothing changed" guard."""

import random
from contextlib import contextmanager

from django.contrib.auth import get_user_model

from sanxiang.core.fakeids import make_id_number, make_uscc
from sanxiang.core.identifiers import USCC_ALPHABET, check_uscc
from sanxiang.core.models import AuditEvent
from sanxiang.org.models import (
    Agency,
    Department,
    LegalQualification,
    OfficerCertificate,
    Person,
    Region,
    RoleAssignment,
    TrainingRecord,
)

RNG = random.Random(7)

TRACKED = [
    Region, Agency, Department, Person, RoleAssignment, OfficerCertificate, LegalQualification, TrainingRecord,
    AuditEvent, Agency.history.model, Person.history.model, OfficerCertificate.history.model,
]


def valid_uscc(region_code="350421") -> str:
    return make_uscc(RNG, region_code)


def warning_uscc(region_code="350421") -> str:
    """A USCC whose only defect is its GB 32100 check character (as some real pre-2016 codes)."""
    code = valid_uscc(region_code)
    wrong = next(c for c in USCC_ALPHABET if c != code[17])
    result = check_uscc(code[:17] + wrong)
    assert not result.errors and result.warnings
    return result.value


def valid_id(region_code="350421", **kwargs) -> str:
    return make_id_number(RNG, region_code, **kwargs)


def bad_check_id(region_code="350421") -> str:
    number = valid_id(region_code)
    return number[:17] + ("0" if number[17] != "0" else "1")


def counts() -> dict[str, int]:
    tables = {model._meta.label: model.objects.count() for model in TRACKED}
    tables["users"] = get_user_model().objects.count()
    return tables


@contextmanager
def nothing_changes(*objects):
    """Assert that no row is added or removed, and that the given objects keep their stored values."""
    from sanxiang.core.audit import snapshot

    before_counts = counts()
    before_rows = [snapshot(type(obj).objects.get(pk=obj.pk)) for obj in objects]
    yield
    assert counts() == before_counts
    assert [snapshot(type(obj).objects.get(pk=obj.pk)) for obj in objects] == before_rows


def events(action: str):
    return AuditEvent.objects.filter(action=action)
