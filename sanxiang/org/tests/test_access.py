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
