"""``sanxiang demo``: demo data of the registry, logins per role, idempotence, ``--reset`` and ``serve``."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from sanxiang.core import demo_registry
from sanxiang.core.identifiers import birth_date, check_id_number, check_uscc
from sanxiang.core.management.commands import demo as demo_command
from sanxiang.core.management.commands import serve as serve_command
from sanxiang.core.models import AuditEvent
from sanxiang.org.demo import load_demo_org
from sanxiang.org.models import (
    Agency,
    CertificateStatus,
    LegalQualification,
    OfficerCertificate,
    Person,
    Role,
    RoleAssignment,
    System,
    TrainingRecord,
)

pytestmark = pytest.mark.req("SUP-01")

SIX_SYSTEMS = {System.MARKET, System.COMPREHENSIVE, System.ECOLOGY, System.TRANSPORT, System.HEALTH, System.EMERGENCY}


@pytest.fixture
def logins(db):
    return demo_registry.load_all()


def test_it_loads_a_county_with_its_justice_bureau_and_six_systems(logins):
    agencies = Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT)
    assert agencies.count() >= 6
    assert SIX_SYSTEMS <= set(agencies.values_list("system", flat=True))
    bureau = Agency.objects.get(kind=Agency.Kind.JUSTICE_BUREAU)
    assert bureau.departments.filter(name="行政执法协调监督科").exists()
    county = bureau.region
    assert county.parent.parent is not None and county.path.count("/") == 3
    for agency in agencies:
        assert agency.region == county
        assert agency.departments.filter(is_review_unit=True, name="法规科").count() == 1
        assert "组织法" in agency.legal_basis
        assert "六十日内" in agency.remedy_channel and "六个月内" in agency.remedy_channel
        assert agency.address and agency.phone and agency.duties and agency.supervision_channel


def test_it_gives_40_officers_certificates_of_their_agencys_system(logins):
    officers = Person.objects.filter(roles__role=Role.OFFICER).distinct()
    assert officers.count() >= 40
    for officer in officers.select_related("agency", "department"):
        assert officer.department.agency_id == officer.agency_id
        certificates = list(officer.certificates.all())
        assert certificates
        for certificate in certificates:
            assert certificate.categories == [officer.agency.system]
            assert certificate.region_id == officer.agency.region_id
            assert certificate.issued_on < certificate.expires_on
            born = birth_date(officer.id_number)
            assert certificate.issued_on >= born.replace(year=born.year + 22, day=min(born.day, 28))


def test_it_has_expiring_revoked_and_suspended_certificates(logins):
    today = timezone.localdate()
    current = OfficerCertificate.objects.exclude(status=CertificateStatus.EXPIRED)
    expiring = [c for c in current if c.status_on(today) == CertificateStatus.VALID
                and c.expires_on <= today + datetime.timedelta(days=30)]
    assert len(expiring) >= 1
    revoked = OfficerCertificate.objects.filter(status=CertificateStatus.REVOKED)
    suspended = OfficerCertificate.objects.filter(status=CertificateStatus.SUSPENDED)
    assert revoked.count() == 1 and revoked.get().status_reason
    assert suspended.count() == 1 and suspended.get().status_reason
    valid = [c for c in current if c.is_valid_on(today)]
    assert len(valid) > current.count() / 2


def test_every_identifier_passes_its_check(logins):
    for uscc in Agency.objects.values_list("uscc", flat=True):
        assert check_uscc(uscc).ok, uscc
    people = Person.objects.all()
    assert people.count() >= 40
    for person in people:
        assert check_id_number(person.id_number).ok, person.id_number
        # The 17th digit is odd for men, even for women (GB 11643).
        assert int(person.id_number[16]) % 2 == (1 if person.gender == Person.Gender.MALE else 0)
        assert len(person.name) in (2, 3)


def test_reviewers_and_advisers_are_qualified(logins):
    reviewers = Person.objects.filter(roles__role=Role.REVIEWER).select_related("department")
    assert reviewers.exists()
    for reviewer in reviewers:
        assert reviewer.department.is_review_unit
        assert reviewer.legal_qualifications.filter(kind=LegalQualification.Kind.A).exists()
    advisers = Person.objects.filter(roles__role=Role.ADVISER)
    assert advisers.count() >= 2
    assert {a.agency.kind for a in advisers} == {Agency.Kind.JUSTICE_BUREAU}
    supervisors = RoleAssignment.objects.filter(role=Role.SUPERVISOR)
    assert supervisors.exists() and all(s.region_id for s in supervisors)
    assert TrainingRecord.objects.count() >= 40


def test_one_login_per_role_that_can_sign_in(logins, client):
    for row in logins:
        assert client.login(username=row.username, password=row.password), row.username
        client.logout()
    # The printed logins: one per role. (The catalog demo adds drafting and approving accounts for the
    # other agencies; they are listed in docs/catalog.md, not in the printed table.)
    persons = {p.user.username: p for p in Person.objects.filter(
        user__username__in=[r.username for r in logins]).select_related("user")}
    assert len(persons) == len(Role.values)
    for role in Role.values:
        assert any(role in p.role_codes for p in persons.values()), role
    assert {str(label) for label in Role.labels} <= {row.role for row in logins}
    admin = next(row for row in logins if row.username == "admin")
    assert not Person.objects.filter(user__username=admin.username).exists()
    officer = persons[next(r.username for r in logins if r.role == "执法人员")]
    assert any(c.is_valid_on(timezone.localdate()) for c in officer.certificates.all())


def test_it_writes_one_audit_event_with_the_counts(logins):
    event = AuditEvent.objects.get(action=demo_registry.AUDIT_ACTION)
    counts = event.after["counts"]
    assert counts["agencies"] == Agency.objects.count()
    assert counts["certificates"] == OfficerCertificate.objects.count()
    assert counts["certificates_revoked"] == 1 and counts["certificates_suspended"] == 1
    assert all("password" not in row for row in event.after["logins"])
    assert [r.username for r in demo_registry.loaded_logins()] == [r.username for r in logins]


def test_the_same_seed_gives_the_same_data(db):
    def names_and_ids(seed):
        with transaction.atomic():
            load_demo_org(random.Random(seed))
            data = sorted(Person.objects.values_list("name", "id_number"))
            transaction.set_rollback(True)
        return data

    assert names_and_ids(7) == names_and_ids(7)
    assert names_and_ids(7) != names_and_ids(8)


def test_the_command_sets_up_once_and_prints_the_logins(db):
    out = io.StringIO()
    call_command("demo", "--setup-only", stdout=out)
    printed = out.getvalue()
    assert "演示数据已加载" in printed
    for username in ("officer", "dept_head", "leader", "reviewer", "adviser", "supervisor", "publisher",
                     "administrator", "admin"):
        assert f" {username} " in printed
    assert demo_registry.DEMO_PASSWORD in printed and "http://127.0.0.1:8000/" in printed
    people = Person.objects.count()

    out = io.StringIO()
    call_command("demo", "--setup-only", stdout=out)
    assert "跳过" in out.getvalue() and " officer " in out.getvalue()
    assert Person.objects.count() == people
    assert AuditEvent.objects.filter(action=demo_registry.AUDIT_ACTION).count() == 1


def test_the_command_loads_nothing_into_a_registry_that_is_not_the_demo(cast):
    out = io.StringIO()
    call_command("demo", "--setup-only", stdout=out)
    assert "不是演示数据" in out.getvalue()
    assert not AuditEvent.objects.filter(action=demo_registry.AUDIT_ACTION).exists()


def test_the_command_serves_unless_setup_only(db, monkeypatch):
    calls = []
    monkeypatch.setattr(demo_command, "call_command", lambda name, *a, **kw: calls.append((name, kw)))
    monkeypatch.setattr(demo_registry, "load_all", lambda seed: [])
    call_command("demo", "--port", "8123", stdout=io.StringIO())
    assert [name for name, _ in calls] == ["migrate", "serve"]
    assert calls[1][1]["port"] == 8123 and calls[1][1]["host"] == "127.0.0.1"


def test_serve_runs_the_server_without_reloading_and_with_static_files(monkeypatch):
    calls = []
    monkeypatch.setattr(serve_command, "call_command", lambda *a, **kw: calls.append((a, kw)))
    call_command("serve", "--host", "0.0.0.0", "--port", "8001", stdout=io.StringIO())
    (args, kwargs), = calls
    assert args == ("runserver", "0.0.0.0:8001")
    assert kwargs["use_reloader"] is False and kwargs["insecure_serving"] is True
    call_command("serve", "--host", "::1", stdout=io.StringIO())
    assert calls[1][0] == ("runserver", "[::1]:8000") and calls[1][1]["use_ipv6"] is True
    with pytest.raises(CommandError):
        call_command("serve", "--port", "70000", stdout=io.StringIO())


def test_reset_refuses_a_database_that_is_not_sqlite_in_var(db):
    # The test database is in memory (SQLite) or PostgreSQL: --reset must refuse it and change nothing.
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--reset", "--setup-only", stdout=io.StringIO())
    assert not Agency.objects.exists()


def test_reset_deletes_only_an_sqlite_file_under_var(tmp_path):
    var = tmp_path / "var"
    sqlite = "django.db.backends.sqlite3"
    inside = var / "sanxiang.sqlite3"
    assert demo_command.resettable_database({"ENGINE": sqlite, "NAME": str(inside)}, var) == inside.resolve()
    for database in (
        {"ENGINE": sqlite, "NAME": str(tmp_path / "elsewhere.sqlite3")},
        {"ENGINE": sqlite, "NAME": str(var / ".." / "escape.sqlite3")},
        {"ENGINE": sqlite, "NAME": ":memory:"},
        {"ENGINE": "django.db.backends.postgresql", "NAME": "sanxiang"},
    ):
        with pytest.raises(CommandError):
            demo_command.resettable_database(database, var)


def test_reset_removes_the_database_and_its_wal_files(tmp_path, monkeypatch, settings):
    var = tmp_path / "var"
    var.mkdir()
    files = [var / name for name in ("sanxiang.sqlite3", "sanxiang.sqlite3-wal", "sanxiang.sqlite3-shm")]
    for path in files:
        path.write_text("x")
    (var / "secret_key").write_text("keep")
    settings.VAR_DIR = var
    monkeypatch.setitem(
        demo_command.connections["default"].settings_dict, "ENGINE", "django.db.backends.sqlite3"
    )
    monkeypatch.setitem(demo_command.connections["default"].settings_dict, "NAME", str(files[0]))
    monkeypatch.setattr(demo_command.connections["default"], "close", lambda: None)
    command = demo_command.Command(stdout=io.StringIO())
    command.reset_database()
    assert not any(path.exists() for path in files)
    assert (var / "secret_key").exists()


def test_table_columns_line_up_with_chinese_text():
    table = demo_command.format_table(["角色", "用户名"], [["执法人员", "officer"], ["系统管理员", "administrator"]])
    widths = {demo_command.width(line) for line in table.splitlines()}
    assert len(widths) == 1
