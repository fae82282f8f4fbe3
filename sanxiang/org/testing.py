"""The standard cast for tests (DESIGN.md §6, Healthchecks style): who may, and who may not.

- ``officer_a``: officer of agency A (市场监管), department A1.
- ``officer_b``: officer of agency B (生态环境).
- ``reviewer``: legal reviewer in agency A's review unit, with a 法律职业资格.
- ``leader``: leader of agency A.
- ``admin_a``: administrator of agency A.
- ``supervisor``: supervisor of the county justice bureau, over the county region.
- ``anonymous``: a visitor who has not signed in.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from sanxiang.core.fakeids import make_id_number, make_uscc

from .models import (
    Agency,
    Department,
    LegalQualification,
    Level,
    OfficerCertificate,
    Person,
    Region,
    Role,
    RoleAssignment,
    System,
)


@dataclass
class Cast:
    region: Region
    other_region: Region
    justice_bureau: Agency
    agency_a: Agency
    agency_b: Agency
    department_a1: Department
    department_a2: Department
    review_unit_a: Department
    department_b1: Department
    officer_a: object
    officer_a2: object
    officer_b: object
    reviewer: object
    leader: object
    admin_a: object
    supervisor: object
    anonymous: AnonymousUser


def make_person(agency, department, username, name, roles, *, rng, region=None, certificate_category=None):
    user = get_user_model().objects.create_user(username=username, password="test-pass-123")
    person = Person.objects.create(
        agency=agency, department=department, user=user, name=name,
        id_number=make_id_number(rng, agency.region.code), position="科员",
    )
    for role in roles:
        RoleAssignment.objects.create(person=person, role=role, region=region if role == Role.SUPERVISOR else None)
    if certificate_category:
        OfficerCertificate.objects.create(
            person=person, number=f"CERT-{username}", categories=[certificate_category],
            region=agency.region, issued_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2029, 12, 31),
        )
    return user


def make_cast() -> Cast:
    rng = random.Random(20261123)
    city = Region.objects.create(code="350400", name="样例市", level=Level.CITY)
    county = Region.objects.create(code="350421", name="样例县", level=Level.COUNTY, parent=city)
    other = Region.objects.create(code="350425", name="邻县", level=Level.COUNTY, parent=city)

    def agency(name, system, kind=Agency.Kind.ENFORCEMENT, region=county):
        return Agency.objects.create(
            name=name, short_name=name[3:], uscc=make_uscc(rng, region.code), kind=kind,
            level=Level.COUNTY, system=system, region=region,
        )

    bureau = agency("样例县司法局", System.JUSTICE, Agency.Kind.JUSTICE_BUREAU)
    agency_a = agency("样例县市场监督管理局", System.MARKET)
    agency_b = agency("样例县生态环境局", System.ECOLOGY)
    a1 = Department.objects.create(agency=agency_a, name="执法一队")
    a2 = Department.objects.create(agency=agency_a, name="执法二队")
    review_a = Department.objects.create(agency=agency_a, name="法规科", is_review_unit=True)
    b1 = Department.objects.create(agency=agency_b, name="执法大队")
    supervision = Department.objects.create(agency=bureau, name="行政执法协调监督科")

    officer_a = make_person(agency_a, a1, "officer_a", "张执法", [Role.OFFICER], rng=rng,
                            certificate_category=System.MARKET)
    officer_a2 = make_person(agency_a, a1, "officer_a2", "李执法", [Role.OFFICER], rng=rng,
                             certificate_category=System.MARKET)
    officer_b = make_person(agency_b, b1, "officer_b", "王执法", [Role.OFFICER], rng=rng,
                            certificate_category=System.ECOLOGY)
    reviewer = make_person(agency_a, review_a, "reviewer", "赵审核", [Role.REVIEWER], rng=rng)
    LegalQualification.objects.create(
        person=reviewer.person, certificate_number="A20183500000001", obtained_on=datetime.date(2018, 12, 1)
    )
    leader = make_person(agency_a, None, "leader", "钱局长", [Role.LEADER], rng=rng)
    admin_a = make_person(agency_a, review_a, "admin_a", "孙管理", [Role.ADMINISTRATOR], rng=rng)
    supervisor = make_person(bureau, supervision, "supervisor", "周监督", [Role.SUPERVISOR], rng=rng, region=county)
    return Cast(
        region=county, other_region=other, justice_bureau=bureau, agency_a=agency_a, agency_b=agency_b,
        department_a1=a1, department_a2=a2, review_unit_a=review_a, department_b1=b1,
        officer_a=officer_a, officer_a2=officer_a2, officer_b=officer_b, reviewer=reviewer, leader=leader,
        admin_a=admin_a, supervisor=supervisor, anonymous=AnonymousUser(),
    )
