import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

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
)

from .helpers import bad_check_id, events, nothing_changes, valid_id, valid_uscc, warning_uscc

TODAY = timezone.localdate()


def messages(excinfo, field=None) -> str:
    error = excinfo.value
    if field is None:
        return " ".join(error.messages)
    return " ".join(error.message_dict[field])


def agency_data(cast, **overrides):
    data = {"name": "样例县交通运输局", "uscc": valid_uscc(), "level": Level.COUNTY, "system": System.TRANSPORT,
            "region": cast.region}
    data.update(overrides)
    return data


def certificate_data(cast, **overrides):
    data = {"number": "35042100123", "categories": [System.MARKET], "region": cast.region,
            "issued_on": datetime.date(2025, 3, 1), "expires_on": datetime.date(2030, 2, 28)}
    data.update(overrides)
    return data


def certificate_of(user) -> OfficerCertificate:
    return user.person.certificates.get()


# --- Agencies and the USCC override ------------------------------------------------------------


@pytest.mark.req("PUB-02")
def test_it_registers_an_agency_and_audits_it(cast):
    agency = services.create_agency(cast.supervisor, **agency_data(cast), phone=" 0598-1234567 ")
    assert agency.pk and agency.phone == "0598-1234567"
    event = events("agency.create").get()
    assert event.actor == cast.supervisor and event.object_id == str(agency.pk)
    assert agency.history.count() == 1


@pytest.mark.req("PUB-02")
@pytest.mark.parametrize("uscc, expected", [
    ("12350421", "应为18位"),
    ("12350421MB0000000O", "不允许的字符"),
    ("B2350421MB00000000", "登记管理部门代码"),
    ("12990000MB0000000X", "行政区划码"),
])
def test_it_refuses_an_invalid_uscc(cast, uscc, expected):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_agency(cast.supervisor, **agency_data(cast, uscc=uscc))
    assert expected in messages(excinfo, "uscc")


@pytest.mark.req("PUB-02")
def test_it_refuses_a_duplicate_uscc_or_name(cast):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_agency(cast.supervisor, **agency_data(cast, uscc=cast.agency_a.uscc.lower(),
                                                               name=cast.agency_b.name))
    assert cast.agency_a.name in messages(excinfo, "uscc")
    assert "已有名为" in messages(excinfo, "name")


@pytest.mark.req("PUB-02")
def test_it_refuses_a_warning_only_uscc_without_a_reason(cast):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_agency(cast.supervisor, **agency_data(cast, uscc=warning_uscc()))
    assert "校验码不符" in messages(excinfo, "uscc") and "例外理由" in messages(excinfo, "uscc")


@pytest.mark.req("PUB-02")
def test_it_refuses_the_override_from_an_officer(cast):
    with nothing_changes(cast.agency_a), pytest.raises(PermissionDenied):
        services.update_agency(cast.officer_a, cast.agency_a, uscc=warning_uscc(), override_reason="2015年赋码")


@pytest.mark.req("PUB-02")
def test_it_refuses_the_override_from_an_administrator_of_another_agency(cast):
    # agency A's administrator may register nothing in agency B, override included.
    with nothing_changes(cast.agency_b), pytest.raises(PermissionDenied):
        services.update_agency(cast.admin_a, cast.agency_b, uscc=warning_uscc(), override_reason="2015年赋码")


@pytest.mark.req("PUB-02")
def test_it_accepts_the_override_of_an_administrator_with_a_reason_and_audits_it(cast):
    code = warning_uscc()
    agency = services.update_agency(cast.admin_a, cast.agency_a, uscc=code,
                                    override_reason="2015年赋码，与登记证书一致")
    agency.refresh_from_db()
    assert agency.uscc == code and agency.uscc_override_reason == "2015年赋码，与登记证书一致"
    override = events("agency.uscc_override").get()
    assert override.actor == cast.admin_a and override.reason == "2015年赋码，与登记证书一致"
    assert override.after["uscc"] == code and override.after["warnings"]
    assert events("agency.update").get().after["uscc"] == code
    assert agency.history.first().history_change_reason.startswith("校验码例外")

    # Later edits keep the override on record and are not new overrides.
    services.update_agency(cast.admin_a, agency, phone="0598-7654321")
    assert events("agency.uscc_override").count() == 1
    agency.refresh_from_db()
    assert agency.uscc_override_reason == "2015年赋码，与登记证书一致"


@pytest.mark.req("PUB-02")
def test_it_accepts_the_override_of_a_supervisor_when_registering(cast):
    agency = services.create_agency(cast.supervisor, **agency_data(cast, uscc=warning_uscc()),
                                    override_reason="2014年赋码")
    assert agency.uscc_override_reason == "2014年赋码"
    assert events("agency.uscc_override").get().object_id == str(agency.pk)


@pytest.mark.req("PUB-02")
def test_it_clears_the_override_reason_when_the_uscc_becomes_valid(cast):
    agency = services.update_agency(cast.admin_a, cast.agency_a, uscc=warning_uscc(), override_reason="旧码")
    agency = services.update_agency(cast.admin_a, agency, uscc=valid_uscc())
    assert agency.uscc_override_reason == ""


@pytest.mark.req("SUP-01")
@pytest.mark.parametrize("who", ["officer_a", "reviewer", "leader", "admin_a", "anonymous"])
def test_it_lets_only_supervisors_and_superusers_register_agencies(cast, who):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.create_agency(getattr(cast, who), **agency_data(cast))


@pytest.mark.req("SUP-01")
def test_it_keeps_agency_kinds_and_regions_out_of_administrators_hands(cast):
    with nothing_changes(cast.agency_a), pytest.raises(PermissionDenied):
        services.update_agency(cast.admin_a, cast.agency_a, kind=Agency.Kind.JUSTICE_BUREAU)
    with nothing_changes(cast.agency_a), pytest.raises(PermissionDenied):
        services.update_agency(cast.admin_a, cast.agency_a, region=cast.other_region)
    with pytest.raises(PermissionDenied):
        services.create_agency(cast.supervisor, **agency_data(cast, region=cast.other_region))


@pytest.mark.req("PUB-02")
def test_it_refuses_a_parent_cycle_and_an_active_abolished_agency(cast):
    child = services.create_agency(cast.supervisor, **agency_data(cast), parent=cast.agency_a)
    with nothing_changes(cast.agency_a), pytest.raises(ValidationError) as excinfo:
        services.update_agency(cast.supervisor, cast.agency_a, parent=child)
    assert "上级主管部门" in messages(excinfo, "parent")
    with nothing_changes(cast.agency_a), pytest.raises(ValidationError) as excinfo:
        services.update_agency(cast.supervisor, cast.agency_a, abolished_on=TODAY)
    assert "不能标记为有效" in messages(excinfo, "is_active")


@pytest.mark.req("PUB-02")
def test_it_records_a_reorganisation(cast):
    services.update_agency(cast.supervisor, cast.agency_b, is_active=False, abolished_on=TODAY, successor=cast.agency_a)
    event = events("agency.update").get()
    assert event.before == {"is_active": True, "abolished_on": None, "successor_id": None}
    assert event.after["successor_id"] == cast.agency_a.pk


# --- Departments -------------------------------------------------------------------------------


@pytest.mark.req("SUP-01")
def test_it_adds_departments_once_per_name(cast):
    department = services.create_department(cast.admin_a, agency=cast.agency_a, name="综合科")
    assert events("department.create").get().object_id == str(department.pk)
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_department(cast.admin_a, agency=cast.agency_a, name=" 综合科 ")
    assert "已有名为“综合科”" in messages(excinfo, "name")
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.create_department(cast.admin_a, agency=cast.agency_b, name="综合科")


@pytest.mark.req("SUP-01")
def test_it_deletes_only_empty_departments(cast):
    with nothing_changes(cast.department_a1), pytest.raises(ValidationError) as excinfo:
        services.delete_department(cast.admin_a, cast.department_a1)
    assert "仍有人员" in messages(excinfo)
    services.delete_department(cast.admin_a, cast.department_a2)
    assert not Department.objects.filter(pk=cast.department_a2.pk).exists()
    assert events("department.delete").count() == 1


# --- People ------------------------------------------------------------------------------------


@pytest.mark.req("PUB-03")
def test_it_registers_a_person_with_a_login_and_derives_the_gender(cast):
    number = valid_id(gender="F")
    person = services.create_person(cast.admin_a, agency=cast.agency_a, department=cast.department_a1,
                                    name=" 陈晓红 ", id_number=number.lower(), position="科员",
                                    username="chenxh", password="Sanxiang-2026!")
    assert person.name == "陈晓红" and person.gender == Person.Gender.FEMALE and person.id_number == number
    assert person.user.check_password("Sanxiang-2026!")
    assert events("person.create").get().actor == cast.admin_a
    assert person.history.get().history_user == cast.admin_a


@pytest.mark.req("PUB-03")
@pytest.mark.parametrize("number, expected", [
    ("35042119900101123", "17位数字加1位数字或X"),
    ("350421199002301230", "不是真实日期"),
    ("990421199001011230", "地址码"),
])
def test_it_refuses_an_invalid_id_number(cast, number, expected):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_person(cast.admin_a, agency=cast.agency_a, name="陈晓红", id_number=number)
    assert expected in messages(excinfo, "id_number")


@pytest.mark.req("PUB-03")
def test_it_refuses_an_id_number_with_a_wrong_check_character_or_already_registered(cast):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_person(cast.admin_a, agency=cast.agency_a, name="陈晓红", id_number=bad_check_id())
    assert "校验码不符" in messages(excinfo, "id_number")
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_person(cast.admin_a, agency=cast.agency_a, name="陈晓红",
                               id_number=cast.officer_a.person.id_number)
    assert "已登记" in messages(excinfo, "id_number")


@pytest.mark.req("PUB-03")
def test_it_refuses_a_department_of_another_agency(cast):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_person(cast.admin_a, agency=cast.agency_a, department=cast.department_b1, name="陈晓红",
                               id_number=valid_id())
    assert "不属于“样例县市场监督管理局”" in messages(excinfo, "department")
    person = cast.officer_a.person
    with nothing_changes(person), pytest.raises(ValidationError) as excinfo:
        services.update_person(cast.admin_a, person, department=cast.department_b1)
    assert "执法大队" in messages(excinfo, "department")


@pytest.mark.req("PUB-03")
def test_it_refuses_a_gender_that_contradicts_the_id_number_and_a_taken_login(cast):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_person(cast.admin_a, agency=cast.agency_a, name="陈晓红", id_number=valid_id(gender="F"),
                               gender=Person.Gender.MALE, username="officer_a")
    assert "性别与身份证号码不符" in messages(excinfo, "gender")
    assert "已被使用" in messages(excinfo, "username")
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_person(cast.admin_a, agency=cast.agency_a, name="陈晓红", user=cast.officer_b)
    assert "已关联其他人员" in messages(excinfo, "user")


@pytest.mark.req("SUP-01")
@pytest.mark.parametrize("who", ["officer_a", "officer_b", "reviewer", "leader", "supervisor", "anonymous"])
def test_it_lets_only_the_agencys_administrator_register_people(cast, who):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.create_person(getattr(cast, who), agency=cast.agency_a, name="陈晓红", id_number=valid_id())


@pytest.mark.req("SUP-01")
def test_it_records_only_the_changed_fields_of_a_person(cast):
    person = services.update_person(cast.admin_a, cast.officer_a.person, position="副队长", department=cast.department_a2)
    event = events("person.update").get()
    assert event.before == {"department_id": cast.department_a1.pk, "position": "科员", "gender": ""}
    # The gender, left blank in the cast, is derived from the ID number.
    assert event.after == {"department_id": cast.department_a2.pk, "position": "副队长", "gender": person.gender}
    assert person.gender in {"M", "F"}
    assert person.history.first().history_user == cast.admin_a


@pytest.mark.req("SUP-01")
def test_it_does_not_move_people_into_an_agency_it_does_not_administer(cast):
    with nothing_changes(cast.officer_a.person), pytest.raises(PermissionDenied):
        services.update_person(cast.admin_a, cast.officer_a.person, agency=cast.agency_b, department=None)


# --- Roles -------------------------------------------------------------------------------------


@pytest.mark.req("SUP-01")
def test_it_grants_and_revokes_roles_with_audit(cast):
    person = cast.officer_a.person
    assignment = services.grant_role(cast.admin_a, person, Role.ADMINISTRATOR)
    cast.officer_a.refresh_from_db()
    assert cast.officer_a.is_staff
    assert events("role.grant").get().object_id == str(assignment.pk)
    services.revoke_role(cast.admin_a, assignment, reason="岗位调整")
    cast.officer_a.refresh_from_db()
    assert not cast.officer_a.is_staff
    assert not person.roles.filter(role=Role.ADMINISTRATOR).exists()
    assert events("role.revoke").get().reason == "岗位调整"


@pytest.mark.req("SUP-01")
def test_it_refuses_bad_role_assignments(cast):
    officer, bureau_person = cast.officer_a.person, cast.supervisor.person
    cases = [
        (cast.admin_a, officer, Role.OFFICER, None, "role", "已有“执法人员”角色"),
        (cast.admin_a, officer, "boss", None, "role", "无效"),
        (cast.admin_a, officer, Role.SUPERVISOR, cast.region, "role", "司法行政机关"),
        (cast.admin_a, officer, Role.REVIEWER, cast.region, "region", "只有执法监督人员"),
    ]
    for actor, person, role, region, field, expected in cases:
        with nothing_changes(), pytest.raises(ValidationError) as excinfo:
            services.grant_role(actor, person, role, region=region)
        assert expected in messages(excinfo, field)
    superuser = get_user_model().objects.create_superuser("root", password="x")
    services.revoke_role(superuser, bureau_person.roles.get())
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.grant_role(superuser, bureau_person, Role.SUPERVISOR)
    assert "须指定监督区域" in messages(excinfo, "region")
    city = cast.region.parent
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.grant_role(superuser, bureau_person, Role.SUPERVISOR, region=city)
    assert "样例县" in messages(excinfo, "region")
    assert services.grant_role(superuser, bureau_person, Role.SUPERVISOR, region=cast.region).region == cast.region


@pytest.mark.req("SUP-01")
def test_it_lets_no_one_grant_roles_in_another_agency(cast):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.grant_role(cast.admin_a, cast.officer_b.person, Role.ADMINISTRATOR)
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.grant_role(cast.officer_a, cast.officer_a.person, Role.ADMINISTRATOR)
    assignment = RoleAssignment.objects.get(person=cast.officer_b.person)
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.revoke_role(cast.admin_a, assignment)


# --- Certificates --------------------------------------------------------------------------------


@pytest.mark.req("PUB-03")
def test_it_issues_a_certificate_with_a_normalised_number(cast):
    certificate = services.issue_certificate(cast.supervisor, cast.reviewer.person,
                                             **certificate_data(cast, number=" ３５０４２１ab-0012 ",
                                                                categories=[System.MARKET, "health", "market"]))
    assert certificate.number == "350421AB-0012"
    assert certificate.categories == [System.MARKET, System.HEALTH]
    assert certificate.status == CertificateStatus.VALID
    assert events("certificate.issue").get().actor == cast.supervisor
    assert certificate.history.get().history_change_reason == "发证"


@pytest.mark.req("PUB-03")
@pytest.mark.parametrize("number, expected", [
    ("", "请填写执法证号"),
    ("证#0001", "不允许的字符"),
    ("AB-12", "至少应包含4位数字"),
    ("1" * 41, "不能超过40个字符"),
])
def test_it_refuses_an_invalid_certificate_number(cast, number, expected):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.issue_certificate(cast.admin_a, cast.reviewer.person, **certificate_data(cast, number=number))
    assert expected in messages(excinfo, "number")


@pytest.mark.req("PUB-03")
def test_it_refuses_a_duplicate_certificate_number_with_a_clear_message(cast):
    services.issue_certificate(cast.admin_a, cast.reviewer.person, **certificate_data(cast, number="闽A-35040001"))
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.issue_certificate(cast.admin_a, cast.leader.person, **certificate_data(cast, number="闽a－35040001 "))
    assert messages(excinfo, "number") == "执法证号“闽A-35040001”已存在"


@pytest.mark.req("PUB-03")
def test_it_refuses_a_certificate_that_expires_before_it_is_issued(cast):
    for expires in (datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)):
        with nothing_changes(), pytest.raises(ValidationError) as excinfo:
            services.issue_certificate(cast.admin_a, cast.reviewer.person,
                                       **certificate_data(cast, expires_on=expires))
        assert "应晚于发证日期（2025-03-01）" in messages(excinfo, "expires_on")


@pytest.mark.req("PUB-03")
def test_it_refuses_bad_categories_missing_region_and_future_issue_dates(cast):
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.issue_certificate(cast.admin_a, cast.reviewer.person, **certificate_data(
            cast, categories=["市场监管", "police"], region=None,
            issued_on=TODAY + datetime.timedelta(days=1), expires_on="2030-01-01"))
    assert "执法类别“市场监管”无效" in messages(excinfo, "categories")
    assert "请选择执法区域" in messages(excinfo, "region")
    assert "不能晚于今天" in messages(excinfo, "issued_on")
    assert "不是有效日期" in messages(excinfo, "expires_on")
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.issue_certificate(cast.admin_a, cast.reviewer.person, **certificate_data(cast, categories=[]))
    assert "至少选择一个" in messages(excinfo, "categories")


@pytest.mark.req("PUB-03")
@pytest.mark.parametrize("who", ["officer_a", "officer_b", "reviewer", "leader", "anonymous"])
def test_it_lets_only_administrators_and_supervisors_issue_certificates(cast, who):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.issue_certificate(getattr(cast, who), cast.reviewer.person, **certificate_data(cast))


@pytest.mark.req("PUB-03")
def test_it_refuses_to_issue_to_someone_no_longer_in_service(cast):
    person = services.update_person(cast.admin_a, cast.reviewer.person, is_active=False)
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.issue_certificate(cast.admin_a, person, **certificate_data(cast))
    assert "不在岗" in messages(excinfo, "person")


@pytest.mark.req("PUB-03")
def test_it_suspends_restores_and_revokes_with_reasons_and_history(cast):
    certificate = certificate_of(cast.officer_a)
    services.suspend_certificate(cast.supervisor, certificate, reason="涉嫌违法执法，停职检查")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED and certificate.status_reason == "涉嫌违法执法，停职检查"
    services.restore_certificate(cast.supervisor, certificate, reason="检查结束")
    services.revoke_certificate(cast.admin_a, certificate, reason="调离执法岗位")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    reasons = list(certificate.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-3:] == ["暂扣：涉嫌违法执法，停职检查", "恢复：检查结束", "吊销：调离执法岗位"]
    assert [e.action for e in events("certificate.suspend")] == ["certificate.suspend"]
    revoke = events("certificate.revoke").get()
    assert revoke.before["status"] == "valid" and revoke.after["status"] == "revoked"


@pytest.mark.req("PUB-03")
def test_it_refuses_status_changes_without_a_reason_or_out_of_order(cast):
    certificate = certificate_of(cast.officer_a)
    with nothing_changes(certificate), pytest.raises(ValidationError) as excinfo:
        services.suspend_certificate(cast.supervisor, certificate, reason="  ")
    assert "请填写暂扣理由" in messages(excinfo, "status_reason")
    for action, expected in [("restore", "有效状态的执法证不能恢复"), ("expire", "尚未到期"), ("fly", "未知")]:
        with nothing_changes(certificate), pytest.raises(ValidationError) as excinfo:
            services.change_certificate_status(cast.supervisor, certificate, action, reason="理由")
        assert expected in messages(excinfo, "status")
    services.revoke_certificate(cast.supervisor, certificate, reason="吊销")
    with nothing_changes(certificate), pytest.raises(ValidationError) as excinfo:
        services.restore_certificate(cast.supervisor, certificate, reason="误操作")
    assert "吊销状态的执法证不能恢复" in messages(excinfo, "status")
    with nothing_changes(certificate), pytest.raises(PermissionDenied):
        services.suspend_certificate(cast.officer_a, certificate_of(cast.officer_a2), reason="x")


@pytest.mark.req("PUB-03")
def test_it_marks_expired_certificates_and_renews_them(cast):
    certificate = services.issue_certificate(cast.admin_a, cast.reviewer.person, **certificate_data(
        cast, issued_on=datetime.date(2019, 1, 1), expires_on=datetime.date(2024, 12, 31)))
    services.expire_certificate(cast.admin_a, certificate, reason="到期未换证")
    with nothing_changes(certificate), pytest.raises(ValidationError) as excinfo:
        services.restore_certificate(cast.admin_a, certificate, reason="x")
    assert "过期状态的执法证不能恢复" in messages(excinfo, "status")
    with nothing_changes(certificate), pytest.raises(ValidationError) as excinfo:
        services.renew_certificate(cast.admin_a, certificate, expires_on=datetime.date(2024, 6, 30))
    assert "应晚于原有效期至（2024-12-31）" in messages(excinfo, "expires_on")
    renewed = services.renew_certificate(cast.admin_a, certificate, expires_on=datetime.date(2029, 12, 31),
                                         reason="年审合格")
    assert renewed.status == CertificateStatus.VALID and renewed.expires_on == datetime.date(2029, 12, 31)
    event = events("certificate.renew").get()
    assert event.before == {"expires_on": "2024-12-31", "status": "expired"} and event.reason == "年审合格"


@pytest.mark.req("PUB-03")
def test_it_does_not_renew_a_revoked_certificate(cast):
    certificate = services.revoke_certificate(cast.admin_a, certificate_of(cast.officer_a), reason="违纪")
    with nothing_changes(certificate), pytest.raises(ValidationError) as excinfo:
        services.renew_certificate(cast.admin_a, certificate, expires_on=datetime.date(2035, 1, 1))
    assert "已吊销" in messages(excinfo, "status")


@pytest.mark.req("PUB-03")
def test_it_corrects_a_certificate_only_with_a_reason(cast):
    certificate = certificate_of(cast.officer_a)
    with nothing_changes(certificate), pytest.raises(ValidationError) as excinfo:
        services.update_certificate(cast.admin_a, certificate, reason="", categories=[System.MARKET, System.HEALTH])
    assert "更正理由" in messages(excinfo, "reason")
    other = services.issue_certificate(cast.admin_a, cast.reviewer.person, **certificate_data(cast))
    with nothing_changes(certificate), pytest.raises(ValidationError) as excinfo:
        services.update_certificate(cast.admin_a, certificate, reason="录入错误", number=other.number.lower())
    assert "已存在" in messages(excinfo, "number")
    # The cast's numbers predate the format check: a correction of other fields keeps them.
    services.update_certificate(cast.admin_a, certificate, reason="录入错误", categories=[System.MARKET, System.HEALTH])
    certificate.refresh_from_db()
    assert certificate.categories == ["market", "health"] and certificate.number == "CERT-officer_a"
    event = events("certificate.update").get()
    assert event.reason == "录入错误" and event.after == {"categories": ["market", "health"]}
    assert certificate.history.first().history_change_reason == "更正：录入错误"


# --- Qualifications and training ------------------------------------------------------------------


@pytest.mark.req("SUP-01")
def test_it_adds_legal_qualifications_once(cast):
    qualification = services.add_legal_qualification(cast.admin_a, cast.leader.person,
                                                      certificate_number="a2019 3500 0000 02",
                                                      obtained_on=datetime.date(2019, 12, 1))
    assert qualification.certificate_number == "A20193500000002"
    assert events("qualification.add").count() == 1
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.add_legal_qualification(cast.admin_a, cast.officer_a.person, certificate_number="A20193500000002",
                                         obtained_on=TODAY + datetime.timedelta(days=3))
    assert "已登记" in messages(excinfo, "certificate_number")
    assert "不能晚于今天" in messages(excinfo, "obtained_on")
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.add_legal_qualification(cast.admin_a, cast.officer_a.person, certificate_number="A-1",
                                         obtained_on=datetime.date(2019, 12, 1), kind="Z")
    assert "字母或数字" in messages(excinfo, "certificate_number")
    assert "kind" in excinfo.value.message_dict
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.add_legal_qualification(cast.admin_a, cast.officer_b.person, certificate_number="A20193500000009",
                                         obtained_on=datetime.date(2019, 12, 1))


@pytest.mark.req("SUP-01")
def test_it_adds_and_corrects_training_records(cast):
    record = services.add_training_record(cast.admin_a, cast.officer_a.person, title="行政处罚法专题培训",
                                          held_on=datetime.date(2025, 5, 20), hours="8", provider="县司法局")
    assert record.hours == Decimal("8")
    for hours, expected in [("0", "应大于0"), ("八", "不是数字"), (-2, "应大于0")]:
        with nothing_changes(record), pytest.raises(ValidationError) as excinfo:
            services.update_training_record(cast.admin_a, record, hours=hours)
        assert expected in messages(excinfo, "hours")
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.add_training_record(cast.admin_a, cast.officer_a.person, title=" ", held_on=None, hours=2)
    assert "请填写培训内容" in messages(excinfo, "title") and "请填写培训日期" in messages(excinfo, "held_on")
    services.update_training_record(cast.admin_a, record, passed=False)
    assert events("training.update").get().after == {"passed": False}


# --- Regions and the command-line actor -----------------------------------------------------------


@pytest.mark.req("SUP-01")
def test_it_registers_regions_only_for_superusers_and_checks_their_codes(cast):
    superuser = get_user_model().objects.create_superuser("root", password="x")
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.create_region(cast.supervisor, code="350426", name="新县", level=Level.COUNTY, parent=cast.region.parent)
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_region(superuser, code="360426", name="新县", level=Level.COUNTY, parent=cast.region.parent)
    assert "不属于上级区划" in messages(excinfo, "parent")
    with nothing_changes(), pytest.raises(ValidationError) as excinfo:
        services.create_region(superuser, code="35042", name="", level="galaxy")
    assert set(excinfo.value.message_dict) == {"code", "name", "level"}
    town = services.create_region(superuser, code="350421100", name="城关镇", level=Level.TOWNSHIP, parent=cast.region)
    assert town.path == "350400/350421/350421100/"
    assert Region.objects.filter(path__startswith=cast.region.path).count() == 2


@pytest.mark.req("SUP-01")
def test_the_command_line_actor_is_named_in_the_audit_trail(cast):
    actor = services.SystemActor("system:test")
    services.create_department(actor, agency=cast.agency_b, name="法规科")
    event = events("department.create").get()
    assert event.actor is None and event.actor_label == "system:test"


@pytest.mark.req("SUP-01")
def test_agencies_managed_by_follows_the_access_rules(cast):
    assert list(services.agencies_managed_by(cast.admin_a)) == [cast.agency_a]
    assert not services.agencies_managed_by(cast.supervisor).exists()
    assert set(services.agencies_managed_by(cast.supervisor, certificates=True)) == {
        cast.justice_bureau, cast.agency_a, cast.agency_b}
    assert not services.agencies_managed_by(cast.officer_a, certificates=True).exists()
    assert not services.agencies_managed_by(cast.anonymous).exists()
