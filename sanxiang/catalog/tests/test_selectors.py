"""Reads of the catalogs: the public ones return published versions only; staff ones are scoped."""

import datetime

import pytest
from django.utils import timezone

from sanxiang.catalog import selectors, services
from sanxiang.catalog.models import Version, VersionStatus
from sanxiang.org.models import Role

from . import factories as f


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def lib(db):
    return f.make_library()


@pytest.fixture
def publisher(cast):
    return f.add_staff(cast, "publisher", "吴公示", [Role.PUBLISHER], department=cast.department_a1)


def publish(drafter, approver, *, agency, kind="item", code="CF-001", content, effective_from=None):
    version = services.create_entry(drafter, agency=agency, kind=kind, code=code, content=content)
    services.submit(drafter, version)
    return services.approve(approver, version, effective_from=effective_from)


@pytest.fixture
def unpublished(cast, lib, publisher):
    """One entry of every kind in each unpublished state: draft, submitted, returned; plus a draft v2 of a published one."""
    made = []
    for kind, code, content in [
        ("item", "D-1", f.item_content(lib, name="草稿事项")),
        ("item", "D-2", f.item_content(lib, name="待审事项")),
        ("item", "D-3", f.item_content(lib, name="退回事项")),
        ("review_catalog", "FZSH", f.review_catalog_content()),
        ("av_list", "YXJL", f.av_list_content()),
        ("inspection_item", "D-4", f.inspection_item_content(lib, name="草稿抽查事项")),
    ]:
        made.append(services.create_entry(publisher, agency=cast.agency_a, kind=kind, code=code, content=content,
                                          effective_from=timezone.localdate()))
    services.submit(publisher, made[1])
    services.submit(publisher, made[2])
    services.return_draft(cast.leader, made[2], note="退回")
    services.submit(publisher, made[3])
    published = publish(publisher, cast.leader, agency=cast.agency_a, code="P-1", content=f.item_content(lib, name="已发布事项"))
    made.append(services.new_draft(publisher, published.entry, content=f.item_content(lib, name="已发布事项的修订草稿")))
    return made, published


@pytest.mark.req("PUB-10")
def test_unapproved_versions_never_reach_public_selectors(cast, unpublished):
    made, published = unpublished
    statuses = {v.status for v in Version.objects.exclude(pk=published.pk)}
    assert statuses == {VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.RETURNED}
    for on in (days(-1), days(0), days(1), days(3650)):
        for kind in (None, "item", "review_catalog", "av_list", "inspection_item"):
            assert set(selectors.in_force(kind, on=on)) <= {published}
            assert set(selectors.in_force(kind, on=on, q="草稿")) == set()
        for version in made:
            assert selectors.version_in_force(version.entry, on) in (None, published)
        assert selectors.review_rules(cast.agency_a, on) == []
        assert selectors.review_catalog(cast.agency_a, on) is None
        assert selectors.av_requirements(cast.agency_a, on) == {}
    for version in made[:6]:
        assert selectors.public_entry(cast.agency_a.pk, version.entry.kind, version.entry.code) is None
        assert list(selectors.history(version.entry)) == []
        assert selectors.public_version(version.entry, 1) is None
    assert list(selectors.history(published.entry)) == [published]
    assert selectors.public_version(published.entry, 2) is None
    assert selectors.version_in_force(published.entry).title == "已发布事项"
    assert selectors.public_entry(cast.agency_a.pk, "item", "P-1") == published.entry
    assert selectors.public_entry(str(cast.agency_a.pk), "item", "P-1") == published.entry
    assert selectors.public_entry("not-a-number", "item", "P-1") is None
    assert selectors.public_entry(cast.agency_b.pk, "item", "P-1") is None


@pytest.mark.req("PUB-04")
def test_in_force_filters_and_searches(cast, lib, publisher):
    admin_b = f.add_staff(cast, "admin_b", "何管理", [Role.ADMINISTRATOR], agency=cast.agency_b)
    leader_b = f.add_staff(cast, "leader_b", "吕局长", [Role.LEADER], agency=cast.agency_b)
    a = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    b = publish(admin_b, leader_b, agency=cast.agency_b, code="HB-001",
                content=f.item_content(lib, name="对违法排放污染物的行政处罚", sector="生态环境"))
    lic = publish(publisher, cast.leader, agency=cast.agency_a, code="XK-001", content=f.license_item_content(lib))
    assert list(selectors.in_force("item", agency=cast.agency_a)) == [a, lic]
    assert list(selectors.in_force("item", agency=cast.agency_b.pk)) == [b]
    assert list(selectors.in_force("item", q="污染")) == [b]
    assert list(selectors.in_force("item", q="食品经营")) == [a, lic]
    assert list(selectors.in_force("item", q="xk-0")) == [lic]  # the code, case-insensitive
    assert list(selectors.in_force("item", q="生态环境")) == [b]  # search text (sector)
    assert list(selectors.in_force("guide")) == []
    assert list(selectors.agencies_publishing("item")) == sorted([cast.agency_a, cast.agency_b], key=lambda x: x.name)
    assert list(selectors.agencies_publishing("guide")) == []


@pytest.mark.req("PUB-09")
@pytest.mark.req("REV-02")
@pytest.mark.req("REC-03")
def test_review_rules_and_av_requirements_in_force(cast, lib, publisher):
    publish(publisher, cast.leader, agency=cast.agency_a, kind="review_catalog", code="FZSH",
            content=f.review_catalog_content(review_all_non_simple=True))
    publish(publisher, cast.leader, agency=cast.agency_a, kind="av_list", code="YXJL", content=f.av_list_content(),
            effective_from=days(3))
    rules = selectors.review_rules(cast.agency_a)
    assert [r["code"] for r in rules] == ["R1", "R2", "R3"]
    assert selectors.review_catalog(cast.agency_a)["review_all_non_simple"] is True
    assert selectors.review_rules(cast.agency_b) == []
    assert selectors.av_requirements(cast.agency_a) == {}  # not yet in force
    assert selectors.av_requirements(cast.agency_a, days(3)) == {
        "seizure": {"activity": "seizure", "name": "查封扣押财产", "requirement": "full", "basis": "《行政强制法》"},
        "on_site_inspection": {"activity": "on_site_inspection", "name": "现场检查", "requirement": "as_needed",
                               "basis": ""},
    }


def test_staff_entries_are_scoped_and_annotated(cast, lib, publisher):
    published = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    services.new_draft(publisher, published.entry)
    services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-002",
                          content=f.item_content(lib, name="另一个事项"))
    entries = list(selectors.staff_entries(cast.officer_a, kind="item"))
    assert [e.code for e in entries] == ["CF-001", "CF-002"]
    first = entries[0]
    assert (first.latest_number, first.latest_status, first.in_force_number) == (2, "draft", 1)
    assert entries[1].in_force_number is None
    assert [e.code for e in selectors.staff_entries(cast.officer_a, q="另一个")] == ["CF-002"]
    assert [e.code for e in selectors.staff_entries(cast.supervisor)] == ["CF-001", "CF-002"]
    assert list(selectors.staff_entries(cast.officer_b)) == []
    assert list(selectors.staff_entries(cast.anonymous)) == []
    assert len(selectors.staff_versions(cast.officer_a, published.entry)) == 2
    assert list(selectors.staff_versions(cast.officer_b, published.entry)) == []


@pytest.mark.req("PUB-10")
def test_pending_approval(cast, lib, publisher):
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    assert list(selectors.pending_approval(cast.leader)) == []
    services.submit(publisher, version)
    assert list(selectors.pending_approval(cast.leader)) == [version]
    assert list(selectors.pending_approval(cast.reviewer)) == [version]
    assert list(selectors.pending_approval(cast.supervisor)) == [version]
    for nobody in (cast.officer_a, cast.admin_a, cast.officer_b, publisher, cast.anonymous):
        assert list(selectors.pending_approval(nobody)) == []


@pytest.mark.req("PUB-10")
def test_error_reports_are_scoped(cast):
    report = services.report_error(agency=cast.agency_a, page_path="/gongshi/", text="有误")
    assert list(selectors.error_reports(cast.officer_a)) == [report]
    assert list(selectors.error_reports(cast.supervisor)) == [report]
    assert list(selectors.error_reports(cast.officer_b)) == []
    assert list(selectors.error_reports(cast.anonymous)) == []
    assert list(selectors.overdue_error_reports(cast.officer_a)) == []
    assert list(selectors.overdue_error_reports(cast.officer_a, report.due_on + datetime.timedelta(days=1))) == [report]
