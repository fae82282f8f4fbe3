"""Who sees and changes what in the catalogs (sanxiang/catalog/access.py)."""

import pytest
from django.utils import timezone

from sanxiang.catalog import services
from sanxiang.catalog.access import CHANGE, VIEW, restrict
from sanxiang.catalog.models import (
    ConflictDeclaration,
    Draw,
    Entry,
    ErrorReport,
    MarketSubject,
    Provision,
    Statute,
    Version,
)
from sanxiang.org.models import Role

from . import factories as f

PEOPLE = ["officer_a", "officer_a2", "reviewer", "leader", "admin_a", "officer_b", "supervisor", "anonymous"]


def visible(model, user, action=VIEW) -> set[int]:
    return set(restrict(model.objects.all(), user, action).values_list("pk", flat=True))


@pytest.fixture
def world(cast):
    lib = f.make_library()
    publisher = f.add_staff(cast, "publisher", "吴公示", [Role.PUBLISHER])
    head_a2 = f.add_staff(cast, "head_a2", "卫科长", [Role.DEPARTMENT_HEAD], department=cast.department_a2)
    admin_b = f.add_staff(cast, "admin_b", "何管理", [Role.ADMINISTRATOR], agency=cast.agency_b)
    leader_b = f.add_staff(cast, "leader_b", "吕局长", [Role.LEADER], agency=cast.agency_b)
    far = f.add_staff(cast, "supervisor_far", "蒋监督", [Role.SUPERVISOR], agency=cast.justice_bureau)
    far.person.roles.update(region=cast.other_region)
    draft_a = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="A-1", content=f.item_content(lib),
                                    department=cast.department_a1)
    published_a = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="A-2",
                                        content=f.item_content(lib))
    services.submit(publisher, published_a)
    services.approve(cast.leader, published_a)
    version_b = services.create_entry(admin_b, agency=cast.agency_b, kind="item", code="B-1", content=f.item_content(lib))
    report_a = services.report_error(agency=cast.agency_a, page_path="/gongshi/", text="有误", entry=draft_a.entry)
    report_b = services.report_error(agency=cast.agency_b, page_path="/gongshi/", text="有误")
    subject_a = MarketSubject.objects.create(agency=cast.agency_a, uscc="91350421MA00000001", name="甲食品店")
    subject_b = MarketSubject.objects.create(agency=cast.agency_b, uscc="91350421MA00000002", name="乙化工厂")
    conflict_a = ConflictDeclaration.objects.create(person=cast.officer_a.person, subject=subject_a, reason="亲属",
                                                    declared_by=cast.officer_a)
    draw_a = Draw.objects.create(agency=cast.agency_a, item=published_a, title="抽查", seed="s", ratio_percent="5",
                                 inputs_digest="0" * 64, announced_at=timezone.now(), announced_by=cast.leader)
    return {
        "lib": lib, "publisher": publisher, "head_a2": head_a2, "admin_b": admin_b, "leader_b": leader_b, "far": far,
        "draft_a": draft_a, "published_a": published_a, "version_b": version_b, "report_a": report_a,
        "report_b": report_b, "subject_a": subject_a, "subject_b": subject_b, "conflict_a": conflict_a, "draw_a": draw_a,
    }


def user(cast, world, name):
    return world[name] if name in world else getattr(cast, name)


@pytest.mark.parametrize("who, sees_a, sees_b", [
    ("officer_a", True, False), ("reviewer", True, False), ("leader", True, False), ("admin_a", True, False),
    ("officer_b", False, True), ("supervisor", True, True), ("far", False, False), ("anonymous", False, False),
])
@pytest.mark.req("PUB-10")
@pytest.mark.req("SUP-01")
def test_internal_data_is_seen_by_own_agency_and_supervisors_of_the_region(cast, world, who, sees_a, sees_b):
    u = user(cast, world, who)
    a = {
        Entry: {world["draft_a"].entry_id, world["published_a"].entry_id},
        Version: {world["draft_a"].pk, world["published_a"].pk},
        ErrorReport: {world["report_a"].pk},
        MarketSubject: {world["subject_a"].pk},
        ConflictDeclaration: {world["conflict_a"].pk},
        Draw: {world["draw_a"].pk},
    }
    b = {
        Entry: {world["version_b"].entry_id}, Version: {world["version_b"].pk}, ErrorReport: {world["report_b"].pk},
        MarketSubject: {world["subject_b"].pk}, ConflictDeclaration: set(), Draw: set(),
    }
    for model in a:
        expected = (a[model] if sees_a else set()) | (b[model] if sees_b else set())
        assert visible(model, u) == expected, model.__name__


def test_superusers_see_everything(cast, world):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="x")
    assert visible(Version, root) == set(Version.objects.values_list("pk", flat=True))
    assert visible(Version, root, CHANGE) == {world["draft_a"].pk, world["version_b"].pk}  # never a published one


@pytest.mark.req("PUB-10")
def test_change_rights_on_entries_and_versions(cast, world):
    draft_a, published_a = world["draft_a"], world["published_a"]
    assert visible(Entry, world["publisher"], CHANGE) == {draft_a.entry_id, published_a.entry_id}
    assert visible(Version, world["publisher"], CHANGE) == {draft_a.pk}  # published versions: nobody
    assert visible(Version, cast.admin_a, CHANGE) == {draft_a.pk}
    # A department head: entries of their department or of none.
    assert visible(Entry, world["head_a2"], CHANGE) == {published_a.entry_id}
    assert visible(Version, world["head_a2"], CHANGE) == set()
    for name in ("officer_a", "reviewer", "leader", "supervisor", "officer_b", "anonymous"):
        assert visible(Entry, user(cast, world, name), CHANGE) == set(), name
        assert visible(Version, user(cast, world, name), CHANGE) == set(), name


@pytest.mark.req("PUB-10")
def test_change_rights_on_error_reports(cast, world):
    report_a = world["report_a"]
    assert visible(ErrorReport, cast.officer_a, CHANGE) == {report_a.pk}  # the owning department
    assert visible(ErrorReport, cast.officer_a2, CHANGE) == {report_a.pk}
    assert visible(ErrorReport, cast.admin_a, CHANGE) == {report_a.pk}
    assert visible(ErrorReport, world["publisher"], CHANGE) == {report_a.pk}
    for name in ("reviewer", "leader", "supervisor", "officer_b", "head_a2"):
        assert visible(ErrorReport, user(cast, world, name), CHANGE) == set(), name
    services.answer_error(cast.officer_a, report_a, status="rejected", answer="无误")
    assert visible(ErrorReport, cast.admin_a, CHANGE) == set()  # answered: closed


def test_change_rights_on_inspection_data(cast, world):
    assert visible(MarketSubject, cast.admin_a, CHANGE) == {world["subject_a"].pk}
    assert visible(MarketSubject, world["head_a2"], CHANGE) == {world["subject_a"].pk}
    assert visible(MarketSubject, cast.officer_a, CHANGE) == set()
    assert visible(Draw, world["publisher"], CHANGE) == {world["draw_a"].pk}
    assert visible(Draw, cast.officer_a, CHANGE) == set()
    assert visible(Draw, cast.supervisor, CHANGE) == set()
    # A conflict declaration: the person concerned, or the agency's administrator.
    assert visible(ConflictDeclaration, cast.officer_a, CHANGE) == {world["conflict_a"].pk}
    assert visible(ConflictDeclaration, cast.admin_a, CHANGE) == {world["conflict_a"].pk}
    assert visible(ConflictDeclaration, cast.officer_a2, CHANGE) == set()
    assert visible(ConflictDeclaration, cast.officer_b, CHANGE) == set()


def test_statute_library_is_public_and_changed_by_superusers_only(cast, world):
    count = Provision.objects.count()
    for name in PEOPLE:
        assert len(visible(Provision, getattr(cast, name))) == count
        assert visible(Statute, getattr(cast, name), CHANGE) == set()
        assert visible(Provision, getattr(cast, name), CHANGE) == set()


def test_the_public_never_reads_drafts_through_restrict(cast, world):
    for model in (Entry, Version, ErrorReport, MarketSubject, ConflictDeclaration, Draw):
        assert visible(model, cast.anonymous) == set()
        assert visible(model, None) == set()


def test_admin_is_read_only_for_lists_and_scoped(cast, world, client):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(root)
    for path in ("/admin/catalog/entry/", "/admin/catalog/version/", "/admin/catalog/errorreport/",
                 "/admin/catalog/marketsubject/", "/admin/catalog/draw/", "/admin/catalog/statute/",
                 "/admin/catalog/provision/", "/admin/catalog/conflictdeclaration/",
                 f"/admin/catalog/version/{world['published_a'].pk}/change/",
                 f"/admin/catalog/entry/{world['published_a'].entry_id}/change/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/catalog/version/add/").status_code == 403
    assert client.get("/admin/catalog/statute/add/").status_code == 200
    page = client.get(f"/admin/catalog/version/{world['published_a'].pk}/change/").content.decode()
    assert 'name="_save"' not in page
