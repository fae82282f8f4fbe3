import pytest

from sanxiang.core.access import CHANGE, VIEW, can
from sanxiang.org.models import Agency, OfficerCertificate, Person

pytestmark = pytest.mark.req("SUP-01")


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_it_shows_officers_only_their_own_agencys_people(cast):
    visible = names(Person.objects.restrict(cast.officer_a, VIEW))
    assert "张执法" in visible and "赵审核" in visible
    assert "王执法" not in visible
    assert names(Person.objects.restrict(cast.officer_b, VIEW)) == {"王执法"}


def test_it_shows_supervisors_every_agency_of_their_region(cast):
    visible = names(Person.objects.restrict(cast.supervisor, VIEW))
    assert {"张执法", "王执法", "周监督"} <= visible


def test_it_hides_internal_data_from_anonymous_visitors(cast):
    assert not Person.objects.restrict(cast.anonymous, VIEW).exists()
    assert not OfficerCertificate.objects.restrict(cast.anonymous, VIEW).exists()
    # The agency directory itself is public (PUB-02).
    assert Agency.objects.restrict(cast.anonymous, VIEW).count() == 3


def test_it_lets_only_administrators_and_supervisors_change_certificates(cast):
    certificate = cast.officer_a.person.certificates.get()
    assert can(cast.admin_a, CHANGE, certificate)
    assert can(cast.supervisor, CHANGE, certificate)
    assert not can(cast.officer_a, CHANGE, certificate)
    assert not can(cast.leader, CHANGE, certificate)
    assert not can(cast.officer_b, VIEW, certificate)


def test_it_keeps_supervisors_to_their_region(cast):
    import random

    from sanxiang.org.models import Role
    from sanxiang.org.testing import make_person

    outsider = make_person(cast.justice_bureau, None, "sup_other", "吴监督", [Role.SUPERVISOR],
                           rng=random.Random(1), region=cast.other_region)
    assert not Person.objects.restrict(outsider, VIEW).filter(name="张执法").exists()


# --- The whole cast against every org model (view and change) -------------------------------------

CAST = ("officer_a", "officer_b", "reviewer", "leader", "admin_a", "supervisor", "anonymous")
AGENCY_A_STAFF = {"officer_a", "reviewer", "leader", "admin_a"}


def objects_of(cast, side: str) -> dict:
    """One object of every org model, in agency A or in agency B."""
    import datetime

    from sanxiang.org.models import LegalQualification, TrainingRecord

    person = (cast.officer_a if side == "a" else cast.officer_b).person
    qualification = LegalQualification.objects.create(
        person=person, certificate_number=f"A2019350000{side}01", obtained_on=datetime.date(2019, 12, 1))
    training = TrainingRecord.objects.create(person=person, title="执法培训", held_on=datetime.date(2025, 1, 1), hours=4)
    return {
        "region": cast.region if side == "a" else cast.other_region,
        "agency": cast.agency_a if side == "a" else cast.agency_b,
        "department": cast.department_a1 if side == "a" else cast.department_b1,
        "person": person,
        "role": person.roles.get(),
        "certificate": person.certificates.get(),
        "qualification": qualification,
        "training": training,
    }


def expected(kind: str, side: str, who: str, action: str) -> bool:
    staff = AGENCY_A_STAFF if side == "a" else {"officer_b"}
    if kind == "region":
        return action == VIEW  # public; only superusers change regions
    if kind == "agency":
        return action == VIEW or who == "supervisor" or (who == "admin_a" and side == "a")
    if action == VIEW:
        return who in staff or who == "supervisor"
    # Change: the agency's administrator; for certificates also the supervisor (the justice bureau issues them).
    return (who == "admin_a" and side == "a") or (kind == "certificate" and who == "supervisor")


@pytest.mark.req("SUP-01")
@pytest.mark.parametrize("side", ["a", "b"])
@pytest.mark.parametrize("action", [VIEW, CHANGE])
def test_the_cast_against_every_org_model(cast, side, action):
    objects = objects_of(cast, side)
    wrong = []
    for who in CAST:
        user = getattr(cast, who)
        for kind, obj in objects.items():
            if can(user, action, obj) != expected(kind, side, who, action):
                wrong.append(f"{who} {action} {kind}: got {can(user, action, obj)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.req("SUP-01")
def test_superusers_view_and_change_everything(cast):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="x")
    for obj in [*objects_of(cast, "a").values(), *objects_of(cast, "b").values()]:
        assert can(root, VIEW, obj) and can(root, CHANGE, obj), obj


@pytest.mark.req("SUP-01")
def test_an_inactive_login_sees_nothing_internal(cast):
    cast.admin_a.is_active = False
    cast.admin_a.save()
    assert not Person.objects.restrict(cast.admin_a, VIEW).exists()
    assert not can(cast.admin_a, CHANGE, cast.agency_a)
