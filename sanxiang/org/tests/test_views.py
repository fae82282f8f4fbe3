"""Staff pages of the registry: scoped reads, and forms that call the services and change nothing on bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sanxiang.core.models import AuditEvent
from sanxiang.org import services
from sanxiang.org.models import OfficerCertificate, Person, Role, TrainingRecord

pytestmark = pytest.mark.req("SUP-01")


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def text(response):
    return response.content.decode()


def certificate_of(user):
    return OfficerCertificate.objects.get(person=user.person)


# --- Reads ----------------------------------------------------------------------------------------


def test_it_lists_agencies_with_people_counts_only_where_internal(client, cast):
    page = text(get(client, cast.officer_a, "org:agency-list"))
    assert "样例县市场监督管理局" in page and "样例县生态环境局" in page  # the directory is public


def test_it_shows_an_agency_with_departments_and_history(client, cast):
    page = text(get(client, cast.officer_a, "org:agency-detail", cast.agency_a.pk))
    assert "执法一队" in page and "法规科" in page and "法制审核机构" in page
    assert "变更记录" in page and "创建" in page


def test_it_shows_another_agency_only_its_public_entry(client, cast):
    page = text(get(client, cast.officer_a, "org:agency-detail", cast.agency_b.pk))
    assert "样例县生态环境局" in page
    assert "执法大队" not in page and "变更记录" not in page


def test_it_lists_only_people_of_the_officers_agency(client, cast):
    page = text(get(client, cast.officer_a, "org:person-list"))
    assert "张执法" in page and "赵审核" in page
    assert "王执法" not in page


def test_it_filters_people_by_name_department_and_certificate_status(client, cast):
    OfficerCertificate.objects.filter(number="CERT-officer_a2").update(status="suspended")
    page = text(get(client, cast.leader, "org:person-list", q="张"))
    assert "张执法" in page and "李执法" not in page
    page = text(get(client, cast.leader, "org:person-list", department=cast.review_unit_a.pk))
    assert "赵审核" in page and "张执法" not in page
    page = text(get(client, cast.leader, "org:person-list", state="suspended"))
    assert "李执法" in page and "张执法" not in page
    page = text(get(client, cast.leader, "org:person-list", state="none"))
    assert "钱局长" in page and "张执法" not in page
    page = text(get(client, cast.leader, "org:person-list", q="CERT-officer_a2"))
    assert "李执法" in page and "张执法" not in page
    # Another agency's department in the filter is ignored, never an error or a leak.
    response = get(client, cast.leader, "org:person-list", department=cast.department_b1.pk, state="bogus", page="x")
    assert response.status_code == 200 and "王执法" not in text(response)


def test_it_shows_a_supervisor_people_of_every_agency_with_an_agency_filter(client, cast):
    page = text(get(client, cast.supervisor, "org:person-list"))
    assert "张执法" in page and "王执法" in page
    page = text(get(client, cast.supervisor, "org:person-list", agency=cast.agency_b.pk))
    assert "王执法" in page and "张执法" not in page


def test_it_shows_a_person_with_roles_certificates_qualification_and_training(client, cast):
    person = cast.reviewer.person
    TrainingRecord.objects.create(person=person, title="法制审核业务培训", held_on=datetime.date(2025, 3, 1), hours=16)
    page = text(get(client, cast.officer_a, "org:person-detail", person.pk))
    assert "赵审核" in page and "法制审核人员" in page and "A20183500000001" in page and "法制审核业务培训" in page
    assert person.id_number not in page  # the ID number is masked
    page = text(get(client, cast.officer_a, "org:person-detail", cast.officer_a.person.pk))
    assert "CERT-officer_a" in page and "有效" in page


def test_it_shows_a_certificate_with_its_status_history(client, cast):
    certificate = certificate_of(cast.officer_a)
    services.change_certificate_status(cast.admin_a, certificate, "suspend", reason="涉嫌违规执法")
    page = text(get(client, cast.leader, "org:certificate-detail", certificate.pk))
    assert "CERT-officer_a" in page and "暂扣" in page and "涉嫌违规执法" in page and "状态历史" in page
    page = text(get(client, cast.leader, "org:person-detail", cast.officer_a.person.pk))
    assert "涉嫌违规执法" in page


def test_it_hides_another_agencys_person_and_certificate(client, cast):
    person = cast.officer_a.person
    certificate = certificate_of(cast.officer_a)
    assert get(client, cast.officer_b, "org:person-detail", person.pk).status_code == 404
    assert get(client, cast.officer_b, "org:certificate-detail", certificate.pk).status_code == 404
    for name in ("org:person-edit", "org:certificate-issue", "org:training-add", "org:qualification-add"):
        assert get(client, cast.officer_b, name, person.pk).status_code == 404
    for name in ("org:certificate-status", "org:certificate-renew"):
        assert get(client, cast.officer_b, name, certificate.pk).status_code == 404
    assert get(client, cast.officer_b, "org:person-detail", 999999).status_code == 404


def test_it_requires_login_for_every_staff_page(client, cast):
    for url in (reverse("org:agency-list"), reverse("org:person-list"),
                reverse("org:person-detail", args=[cast.officer_a.person.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Forms: who sees them --------------------------------------------------------------------------


def test_it_shows_forms_only_to_those_who_may_change(client, cast):
    person = cast.officer_a.person
    officer_page = text(get(client, cast.officer_a, "org:person-detail", person.pk))
    admin_page = text(get(client, cast.admin_a, "org:person-detail", person.pk))
    for url in (reverse("org:certificate-issue", args=[person.pk]), reverse("org:training-add", args=[person.pk]),
                reverse("org:certificate-status", args=[certificate_of(cast.officer_a).pk])):
        assert url not in officer_page
        assert url in admin_page
    assert reverse("org:person-add") not in text(get(client, cast.officer_a, "org:person-list"))
    assert reverse("org:person-add") in text(get(client, cast.admin_a, "org:person-list"))


def test_it_refuses_an_officer_every_change(client, cast):
    client.force_login(cast.officer_a)
    person = cast.officer_a2.person
    certificate = certificate_of(cast.officer_a2)
    before = (Person.objects.count(), OfficerCertificate.objects.count(), TrainingRecord.objects.count())
    posts = [
        (reverse("org:person-add"), {"agency": cast.agency_a.pk, "name": "混进来"}),
        (reverse("org:person-edit", args=[person.pk]), {"name": "改名"}),
        (reverse("org:certificate-issue", args=[person.pk]), {"number": "CERT-9999"}),
        (reverse("org:certificate-status", args=[certificate.pk]), {"action": "revoke", "reason": "x"}),
        (reverse("org:certificate-renew", args=[certificate.pk]), {"expires_on": "2035-01-01"}),
        (reverse("org:training-add", args=[person.pk]), {"title": "x", "held_on": "2025-01-01", "hours": "2"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "无权访问" in text(response)
    assert (Person.objects.count(), OfficerCertificate.objects.count(), TrainingRecord.objects.count()) == before
    certificate.refresh_from_db()
    person.refresh_from_db()
    assert certificate.status == "valid" and person.name == "李执法"


def test_it_lets_a_supervisor_issue_certificates_but_not_add_people(client, cast):
    client.force_login(cast.supervisor)
    assert client.get(reverse("org:person-add")).status_code == 403
    assert client.get(reverse("org:certificate-issue", args=[cast.leader.person.pk])).status_code == 200


# --- Forms: good and bad input --------------------------------------------------------------------


def test_it_adds_a_person_with_roles_and_a_login(client, cast):
    client.force_login(cast.admin_a)
    response = client.post(reverse("org:person-add"), {
        "agency": cast.agency_a.pk, "department": cast.department_a2.pk, "name": "新执法", "position": "科员",
        "roles": [Role.OFFICER, Role.PUBLISHER], "username": "new_officer", "password": "a-long-secret-42",
    })
    person = Person.objects.get(name="新执法")
    assert response.status_code == 302 and response["Location"] == reverse("org:person-detail", args=[person.pk])
    assert person.role_codes == {Role.OFFICER, Role.PUBLISHER} and person.user.username == "new_officer"
    assert AuditEvent.objects.filter(action="person.create", object_id=str(person.pk)).exists()


@pytest.mark.parametrize("data, field_error", [
    ({"name": "错号码", "id_number": "350421199001011234"}, "id_number"),
    ({"name": ""}, "name"),
    ({"name": "串单位", "department": "B1"}, "department"),
    ({"name": "缺密码强度", "username": "weak", "password": "123"}, "password"),
    ({"name": "重名账号", "username": "officer_a"}, "username"),
    ({"name": "<script>alert(1)</script>", "id_number": "x" * 30}, "id_number"),
])
def test_it_re_renders_the_person_form_with_errors_and_changes_nothing(client, cast, data, field_error):
    client.force_login(cast.admin_a)
    if data.get("department") == "B1":
        data["department"] = cast.department_b1.pk
    before = (Person.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("org:person-add"), {"agency": cast.agency_a.pk, "roles": [Role.OFFICER], **data})
    assert response.status_code == 200
    page = text(response)
    assert 'class="errorlist' in page
    assert f'name="{field_error}"' in page
    assert "<script>alert(1)</script>" not in page
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_it_keeps_nothing_when_a_role_cannot_be_granted(client, cast):
    """A person and their roles are saved together or not at all."""
    client.force_login(cast.admin_a)
    before = (Person.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("org:person-add"), {
        "agency": cast.agency_a.pk, "name": "赵六", "roles": [Role.OFFICER, Role.OFFICER],  # the second grant fails
    })
    assert response.status_code == 200 and "已有" in text(response)
    assert (Person.objects.count(), AuditEvent.objects.count()) == before
    assert not Person.objects.filter(name="赵六").exists()


def test_it_edits_a_person(client, cast):
    client.force_login(cast.admin_a)
    person = cast.officer_a2.person
    response = client.post(reverse("org:person-edit", args=[person.pk]), {
        "name": "李执法", "department": cast.department_a2.pk, "position": "副队长", "is_active": "on",
    })
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.department == cast.department_a2 and person.position == "副队长"


def test_it_issues_a_certificate(client, cast):
    client.force_login(cast.admin_a)
    person = cast.reviewer.person
    response = client.post(reverse("org:certificate-issue", args=[person.pk]), {
        "number": "35042120250001", "categories": ["market"], "region": cast.region.pk,
        "issued_on": "2025-01-01", "expires_on": "2030-12-31", "issuer": "样例县人民政府",
    })
    certificate = OfficerCertificate.objects.get(number="35042120250001")
    assert response.status_code == 302 and certificate.person == person


@pytest.mark.parametrize("changes, field_error, message", [
    ({"expires_on": "2024-12-31"}, "expires_on", "应晚于发证日期"),  # expires before it is issued
    ({"number": "SX-2024-0001"}, "number", "已存在"),  # duplicate number (also differently cased, or full-width)
    ({"number": "sx-2024-0001"}, "number", "已存在"),
    ({"number": "ＳＸ－２０２４－０００１"}, "number", "已存在"),
    ({"number": "CERT-x"}, "number", "至少应包含4位数字"),
    ({"number": "<b>1234</b>"}, "number", "不允许的字符"),
    ({"categories": []}, "categories", ""),
    ({"issued_on": "2025-02-30"}, "issued_on", ""),
    ({"issued_on": "2999-01-01", "expires_on": "3000-01-01"}, "issued_on", "不能晚于今天"),
])
def test_it_refuses_a_bad_certificate_and_changes_nothing(client, cast, changes, field_error, message):
    services.issue_certificate(cast.admin_a, cast.officer_a2.person, number="SX-2024-0001", categories=["market"],
                               region=cast.region, issued_on=datetime.date(2024, 1, 1),
                               expires_on=datetime.date(2029, 1, 1))
    client.force_login(cast.admin_a)
    data = {"number": "35042120250002", "categories": ["market"], "region": cast.region.pk,
            "issued_on": "2025-01-01", "expires_on": "2030-12-31", **changes}
    before = (OfficerCertificate.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("org:certificate-issue", args=[cast.reviewer.person.pk]), data)
    assert response.status_code == 200
    page = text(response)
    assert 'class="errorlist' in page and f'name="{field_error}"' in page and message in page
    assert "<b>1234</b>" not in page
    assert (OfficerCertificate.objects.count(), AuditEvent.objects.count()) == before


def test_it_changes_a_certificate_status_with_a_reason(client, cast):
    client.force_login(cast.admin_a)
    certificate = certificate_of(cast.officer_a)
    response = client.post(reverse("org:certificate-status", args=[certificate.pk]),
                           {"action": "suspend", "reason": "涉嫌违规执法，调查期间暂扣"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "suspended" and certificate.status_reason == "涉嫌违规执法，调查期间暂扣"
    assert AuditEvent.objects.filter(action="certificate.suspend", reason="涉嫌违规执法，调查期间暂扣").exists()


@pytest.mark.parametrize("data", [
    {"action": "suspend", "reason": ""},  # the reason is required
    {"action": "suspend", "reason": "   "},
    {"action": "restore", "reason": "有效证件不能恢复"},  # not a transition from 'valid'
    {"action": "expire", "reason": "尚未到期"},  # the service refuses: not expired yet
])
def test_it_refuses_a_status_change_without_reason_or_rule_and_changes_nothing(client, cast, data):
    client.force_login(cast.admin_a)
    certificate = certificate_of(cast.officer_a)
    events = AuditEvent.objects.count()
    response = client.post(reverse("org:certificate-status", args=[certificate.pk]), data)
    assert response.status_code == 200 and 'class="errorlist' in text(response)
    certificate.refresh_from_db()
    assert certificate.status == "valid" and AuditEvent.objects.count() == events


def test_it_renews_a_certificate_and_refuses_an_earlier_date(client, cast):
    client.force_login(cast.admin_a)
    certificate = certificate_of(cast.officer_a)
    url = reverse("org:certificate-renew", args=[certificate.pk])
    response = client.post(url, {"expires_on": "2029-01-01"})
    assert response.status_code == 200 and "应晚于原有效期至" in text(response)
    assert client.post(url, {"expires_on": "2034-12-31"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.expires_on == datetime.date(2034, 12, 31)


def test_it_adds_training_and_refuses_bad_hours_or_dates(client, cast):
    client.force_login(cast.admin_a)
    url = reverse("org:training-add", args=[cast.officer_a.person.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for bad in ({"hours": "0"}, {"hours": "-2"}, {"hours": "abc"}, {"held_on": tomorrow.isoformat()},
                {"held_on": "not-a-date"}, {"title": ""}):
        data = {"title": "行政处罚法培训", "held_on": "2025-05-01", "hours": "8", "passed": "on", **bad}
        response = client.post(url, data)
        assert response.status_code == 200 and 'class="errorlist' in text(response), bad
    assert not TrainingRecord.objects.exists()
    response = client.post(url, {"title": "行政处罚法培训", "held_on": "2025-05-01", "hours": "8", "passed": "on"})
    assert response.status_code == 302
    assert TrainingRecord.objects.get().hours == 8


def test_it_adds_a_legal_qualification_and_refuses_a_duplicate(client, cast):
    client.force_login(cast.admin_a)
    url = reverse("org:qualification-add", args=[cast.officer_a.person.pk])
    response = client.post(url, {"certificate_number": "A20183500000001", "kind": "A", "obtained_on": "2020-01-01"})
    assert response.status_code == 200 and "已登记" in text(response)
    response = client.post(url, {"certificate_number": "A20203500000002", "kind": "A", "obtained_on": "2020-01-01"})
    assert response.status_code == 302
    assert cast.officer_a.person.legal_qualifications.count() == 1
