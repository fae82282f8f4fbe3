import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sanxiang.core.models import AuditEvent
from sanxiang.org import services
from sanxiang.org.models import (
    Agency,
    CertificateStatus,
    Department,
    Level,
    OfficerCertificate,
    Person,
    Region,
    Role,
    RoleAssignment,
    System,
    TrainingRecord,
)

from .helpers import nothing_changes, valid_id, valid_uscc, warning_uscc

pytestmark = pytest.mark.req("SUP-01")

MODELS = [Region, Agency, Department, Person, RoleAssignment, OfficerCertificate, TrainingRecord]
HISTORY_MODELS = [Agency, Person, OfficerCertificate]


def url(model, view, *args):
    return reverse(f"admin:org_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="x")


@pytest.fixture
def training(cast):
    return services.add_training_record(services.SystemActor(), cast.officer_a.person, title="执法规范化培训",
                                        held_on=datetime.date(2025, 4, 1), hours=4)


@pytest.fixture
def staff(cast):
    """admin_a and the supervisor as staff (administrators get the flag when granted the role)."""
    get_user_model().objects.filter(username__in=["admin_a", "supervisor", "officer_a"]).update(is_staff=True)
    for user in (cast.admin_a, cast.supervisor, cast.officer_a):
        user.refresh_from_db()
    return cast


def samples(cast, training):
    return {
        Region: cast.region, Agency: cast.agency_a, Department: cast.department_a1, Person: cast.officer_a.person,
        RoleAssignment: cast.officer_a.person.roles.get(), OfficerCertificate: cast.officer_a.person.certificates.get(),
        TrainingRecord: training,
    }


def agency_form(cast, **overrides):
    data = {"name": "样例县交通运输局", "short_name": "", "uscc": valid_uscc(), "uscc_override_reason": "",
            "kind": Agency.Kind.ENFORCEMENT, "level": Level.COUNTY, "system": System.TRANSPORT,
            "region": cast.region.pk, "parent": "", "duties": "", "legal_basis": "", "address": "", "phone": "",
            "supervision_channel": "", "remedy_channel": ""}
    data.update(overrides)
    return data


def change_form(obj, **overrides):
    """The agency's change form as the admin renders it, with some values changed."""
    data = {field: ("" if value is None else value) for field, value in {
        "name": obj.name, "short_name": obj.short_name, "uscc": obj.uscc,
        "uscc_override_reason": obj.uscc_override_reason, "kind": obj.kind, "level": obj.level, "system": obj.system,
        "region": obj.region_id, "parent": obj.parent_id, "duties": obj.duties, "legal_basis": obj.legal_basis,
        "address": obj.address, "phone": obj.phone, "supervision_channel": obj.supervision_channel,
        "remedy_channel": obj.remedy_channel, "abolished_on": obj.abolished_on, "successor": obj.successor_id,
    }.items()}
    if obj.is_active:
        data["is_active"] = "on"
    data.update(overrides)
    return data


def certificate_form(certificate, **overrides):
    data = {"number": certificate.number, "categories": certificate.categories, "region": certificate.region_id,
            "issued_on": certificate.issued_on.isoformat(), "expires_on": certificate.expires_on.isoformat(),
            "issuer": certificate.issuer, "correction_reason": "", "status_action": "", "renew_until": "",
            "status_change_reason": ""}
    data.update(overrides)
    return data


def errors_of(response) -> str:
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return " ".join(f"{field}: {' '.join(messages)}" for field, messages in form.errors.items())


# --- Pages --------------------------------------------------------------------------------------


def test_every_page_opens_for_a_superuser(cast, training, client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, obj in samples(cast, training).items():
        assert client.get(url(model, "changelist")).status_code == 200, model
        assert client.get(url(model, "add")).status_code == 200, model
        assert client.get(url(model, "change", obj.pk)).status_code == 200, model
    for model in HISTORY_MODELS:
        obj = samples(cast, training)[model]
        assert client.get(url(model, "history", obj.pk)).status_code == 200
        version = obj.history.first()
        assert client.get(url(model, "simple_history", obj.pk, version.history_id)).status_code == 200


def test_every_page_opens_for_a_scoped_administrator_showing_only_their_agency(staff, training, client):
    cast = staff
    client.force_login(cast.admin_a)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, obj in samples(cast, training).items():
        assert client.get(url(model, "changelist")).status_code == 200, model
        assert client.get(url(model, "change", obj.pk)).status_code == 200, model
        expected = 403 if model in (Region, Agency) else 200  # regions and new agencies are for others
        assert client.get(url(model, "add")).status_code == expected, model
    people = client.get(url(Person, "changelist"))
    shown = {person.name for person in people.context["cl"].result_list}
    assert "张执法" in shown and "王执法" not in shown
    # Another agency's person is not there at all.
    response = client.get(url(Person, "change", cast.officer_b.person.pk))
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.get(url(Person, "history", cast.officer_b.person.pk)).status_code == 404
    version = cast.officer_b.person.history.first()
    assert client.get(url(Person, "simple_history", cast.officer_b.person.pk, version.history_id)).status_code == 404


def test_the_supervisor_sees_the_region_but_changes_only_what_supervisors_change(staff, client):
    cast = staff
    client.force_login(cast.supervisor)
    people = client.get(url(Person, "changelist")).context["cl"].result_list
    assert {"张执法", "王执法"} <= {person.name for person in people}
    person = cast.officer_b.person
    page = client.get(url(Person, "change", person.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    with nothing_changes(person):
        assert client.post(url(Person, "change", person.pk), {"name": "改名"}).status_code == 403
    certificate = person.certificates.get()
    response = client.post(url(OfficerCertificate, "change", certificate.pk),
                           certificate_form(certificate, status_action="suspend", status_change_reason="停职检查"))
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    assert AuditEvent.objects.get(action="certificate.suspend").actor == cast.supervisor


def test_staff_without_an_org_role_and_non_staff_get_no_registry_admin(staff, client):
    cast = staff
    client.force_login(cast.officer_a)  # is_staff, but only an officer
    assert client.get(url(Person, "changelist")).status_code == 403
    client.force_login(cast.leader)  # not staff
    assert client.get(url(Person, "changelist")).status_code == 302


# --- Saving through the services --------------------------------------------------------------------


def test_adding_an_agency_goes_through_the_service_and_is_audited(cast, client, superuser):
    client.force_login(superuser)
    response = client.post(url(Agency, "add"), agency_form(cast))
    assert response.status_code == 302
    agency = Agency.objects.get(name="样例县交通运输局")
    assert AuditEvent.objects.get(action="agency.create").actor == superuser
    assert agency.history.get().history_user == superuser


@pytest.mark.req("PUB-02")
def test_a_bad_uscc_is_a_form_error_not_a_server_error(cast, client, superuser):
    client.force_login(superuser)
    with nothing_changes():
        response = client.post(url(Agency, "add"), agency_form(cast, uscc="91350421MA2XXXXXX"))
    assert "uscc: 统一社会信用代码应为18位" in errors_of(response)
    with nothing_changes():
        response = client.post(url(Agency, "add"), agency_form(cast, uscc=warning_uscc()))
    assert "例外理由" in errors_of(response)


@pytest.mark.req("PUB-02")
def test_the_uscc_override_in_the_admin(staff, client):
    cast = staff
    code = warning_uscc()
    client.force_login(cast.admin_a)
    agency = cast.agency_a
    with nothing_changes(agency):
        response = client.post(url(Agency, "change", agency.pk), change_form(agency, uscc=code))
    assert "须由系统管理员或执法监督人员填写校验码例外理由" in errors_of(response)
    response = client.post(url(Agency, "change", agency.pk),
                           change_form(agency, uscc=code, uscc_override_reason="2015年赋码，与登记证书一致"))
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.uscc == code
    event = AuditEvent.objects.get(action="agency.uscc_override")
    assert event.actor == cast.admin_a and event.reason == "2015年赋码，与登记证书一致"


@pytest.mark.req("PUB-03")
def test_a_certificate_that_expires_before_it_is_issued_is_a_form_error(cast, client, superuser):
    client.force_login(superuser)
    data = {"person": cast.reviewer.person.pk, "number": "35042100777", "categories": ["market"],
            "region": cast.region.pk, "issued_on": "2025-03-01", "expires_on": "2025-01-01", "issuer": ""}
    with nothing_changes():
        response = client.post(url(OfficerCertificate, "add"), data)
    errors = errors_of(response)
    assert "有效期至" in errors
    data.update(expires_on="2030-01-01", number="闽a35042100777")
    assert client.post(url(OfficerCertificate, "add"), data).status_code == 302
    assert OfficerCertificate.objects.get(number="闽A35042100777").person == cast.reviewer.person
    data.update(person=cast.leader.person.pk, number="闽Ａ 35042100777")
    with nothing_changes():
        response = client.post(url(OfficerCertificate, "add"), data)
    assert "number: 执法证号“闽A35042100777”已存在" in errors_of(response)


@pytest.mark.req("PUB-03")
def test_a_department_of_another_agency_is_a_form_error(cast, client, superuser):
    client.force_login(superuser)
    person = cast.officer_a.person
    data = {"agency": cast.agency_a.pk, "department": cast.department_b1.pk, "name": person.name, "gender": "",
            "id_number": person.id_number, "position": "", "phone": "", "user": person.user_id, "is_active": "on"}
    with nothing_changes(person):
        response = client.post(url(Person, "change", person.pk), data)
    assert "department: 内设机构“执法大队”不属于“样例县市场监督管理局”" in errors_of(response)


def test_a_scoped_administrator_cannot_pick_another_agencys_department(staff, client):
    cast = staff
    client.force_login(cast.admin_a)
    data = {"agency": cast.agency_a.pk, "department": cast.department_b1.pk, "name": "陈晓红", "gender": "",
            "id_number": valid_id(), "position": "", "phone": "", "user": ""}
    with nothing_changes():
        response = client.post(url(Person, "add"), data)
    assert "department" in errors_of(response)
    data["department"] = cast.department_a2.pk
    assert client.post(url(Person, "add"), data).status_code == 302
    assert AuditEvent.objects.get(action="person.create").actor == cast.admin_a


@pytest.mark.req("PUB-03")
def test_certificate_status_changes_in_the_admin_need_a_reason(cast, client, superuser):
    client.force_login(superuser)
    certificate = cast.officer_a.person.certificates.get()
    with nothing_changes(certificate):
        response = client.post(url(OfficerCertificate, "change", certificate.pk),
                               certificate_form(certificate, status_action="revoke"))
    assert "status_change_reason: 请填写吊销理由" in errors_of(response)
    with nothing_changes(certificate):
        response = client.post(url(OfficerCertificate, "change", certificate.pk),
                               certificate_form(certificate, categories=["market", "health"]))
    assert "correction_reason: 请填写更正理由" in errors_of(response)
    with nothing_changes(certificate):
        response = client.post(url(OfficerCertificate, "change", certificate.pk),
                               certificate_form(certificate, renew_until="2020-01-01"))
    assert "renew_until: 新的有效期至应晚于原有效期至" in errors_of(response)
    # A correction and a status change in one save, both audited; a failure in the second undoes the first.
    with nothing_changes(certificate):
        response = client.post(url(OfficerCertificate, "change", certificate.pk), certificate_form(
            certificate, categories=["market", "health"], correction_reason="漏录", status_action="restore",
            status_change_reason="x"))
    assert "status_action" in errors_of(response)
    response = client.post(url(OfficerCertificate, "change", certificate.pk), certificate_form(
        certificate, categories=["market", "health"], correction_reason="漏录", status_action="suspend",
        status_change_reason="停职检查"))
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.categories == ["market", "health"] and certificate.status == CertificateStatus.SUSPENDED
    assert {e.action for e in AuditEvent.objects.all()} >= {"certificate.update", "certificate.suspend"}


def test_roles_are_granted_and_revoked_through_the_services(staff, client):
    cast = staff
    client.force_login(cast.admin_a)
    person = cast.officer_a2.person
    response = client.post(url(RoleAssignment, "add"), {"person": person.pk, "role": Role.REVIEWER, "region": "",
                                                         "granted_on": "2025-01-01"})
    assert response.status_code == 302
    assignment = person.roles.get(role=Role.REVIEWER)
    with nothing_changes():
        response = client.post(url(RoleAssignment, "add"), {"person": person.pk, "role": Role.REVIEWER,
                                                             "region": "", "granted_on": "2025-01-01"})
    assert "已有“法制审核人员”角色" in errors_of(response)
    response = client.post(url(RoleAssignment, "delete", assignment.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not person.roles.filter(role=Role.REVIEWER).exists()
    assert AuditEvent.objects.get(action="role.revoke").actor == cast.admin_a
    other = cast.officer_b.person.roles.get()
    assert client.post(url(RoleAssignment, "delete", other.pk), {"post": "yes"}).status_code == 302
    assert RoleAssignment.objects.filter(pk=other.pk).exists()


def test_history_cannot_be_reverted(cast, client, superuser):
    client.force_login(superuser)
    agency = services.update_agency(superuser, cast.agency_a, phone="0598-1111111")
    first = agency.history.earliest()
    with nothing_changes(agency):
        response = client.post(url(Agency, "simple_history", agency.pk, first.history_id), change_form(agency, phone=""))
    assert response.status_code == 403


def test_nothing_is_deleted_in_the_admin_but_roles(cast, client, superuser):
    client.force_login(superuser)
    for model, obj in [(Agency, cast.agency_b), (Person, cast.officer_b.person), (Department, cast.department_a2)]:
        with nothing_changes(obj):
            assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
