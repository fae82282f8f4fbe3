"""Drafting, review, publishing, repeal and error reports (sanxiang/catalog/services.py)."""

import datetime
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.catalog import selectors, services
from sanxiang.catalog.models import Entry, ErrorReport, Version, VersionStatus
from sanxiang.core.errors import RuleViolation
from sanxiang.core.models import AuditEvent
from sanxiang.core.workdays import CalendarYearMissing, add_working_days
from sanxiang.org.models import Role, RoleAssignment
from sanxiang.records.log import canonical_bytes
from sanxiang.records.models import LogEntry

from . import factories as f

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def lib(db):
    return f.make_library()


@pytest.fixture
def publisher(cast):
    return f.add_staff(cast, "publisher", "吴公示", [Role.PUBLISHER], department=cast.department_a1)


def state():
    """Everything the services write, to prove that a refused call changed nothing."""
    return (
        list(Entry.objects.order_by("pk").values()),
        list(Version.objects.order_by("pk").values()),
        list(ErrorReport.objects.order_by("pk").values()),
        LogEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def publish(drafter, approver, entry_or_none=None, *, agency=None, kind="item", code="CF-001", content=None,
            effective_from=None, department=None):
    if entry_or_none is None:
        version = services.create_entry(drafter, agency=agency, kind=kind, code=code, content=content,
                                        department=department)
    else:
        version = services.new_draft(drafter, entry_or_none, content=content)
    services.submit(drafter, version)
    return services.approve(approver, version, effective_from=effective_from)


# --- The publishing flow -----------------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_draft_submit_approve_publishes_with_log_entry_and_audit(cast, lib, publisher):
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001",
                                    content=f.item_content(lib), department=cast.department_a1, change_note="首次发布")
    assert (version.number, version.status, version.title, version.category) == (
        1, VersionStatus.DRAFT, "对未取得食品经营许可从事食品经营活动的行政处罚", "penalty")
    services.submit(publisher, version)
    version = services.approve(cast.leader, version, note="同意发布")
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.effective_from == TODAY() and version.effective_to is None
    assert version.decided_by == cast.leader and version.published_at is not None

    log_entry = LogEntry.objects.get(seq=version.log_seq)
    assert log_entry.kind == LogEntry.Kind.PUBLICATION and log_entry.agency_id == cast.agency_a.pk
    payload = json.loads(log_entry.canonical)["payload"]
    assert payload == {
        "event": "catalog.publish", "agency": cast.agency_a.pk, "kind": "item", "code": "CF-001", "version": 1,
        "title": version.title, "effective_from": TODAY().isoformat(),
        "sha256": services.content_sha256(version.content),
    }
    assert payload["sha256"] == hashlib.sha256(canonical_bytes(version.content)).hexdigest()

    actions = list(AuditEvent.objects.filter(object_type="catalog.Version", object_id=str(version.pk))
                   .order_by("id").values_list("action", "actor__username"))
    assert actions == [("catalog.create", "publisher"), ("catalog.submit", "publisher"), ("catalog.approve", "leader")]


@pytest.mark.req("PUB-10")
def test_return_edit_resubmit(cast, lib, publisher):
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    services.submit(publisher, version)
    with pytest.raises(ValidationError, match="退回意见不能为空"):
        services.return_draft(cast.reviewer, version, note="  ")
    services.return_draft(cast.reviewer, version, note="依据引用不全")
    version.refresh_from_db()
    assert version.status == VersionStatus.RETURNED and version.decision_note == "依据引用不全"
    services.edit_draft(publisher, version, content=f.item_content(lib, name="修改后的名称"), change_note="补充依据")
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT and version.title == "修改后的名称"
    services.submit(publisher, version)
    services.approve(cast.reviewer, version)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED


@pytest.mark.req("PUB-10")
def test_bad_content_changes_nothing(cast, lib, publisher):
    before = state()
    bad = f.item_content(lib, basis=[{"statute": f.PENALTY_LAW, "article": 900}])
    with pytest.raises(ValidationError, match="没有第九百条"):
        services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=bad)
    assert state() == before
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    before = state()
    with pytest.raises(ValidationError, match="超过所引条款规定的最高罚款额"):
        content = f.item_content(lib)
        content["benchmark"]["tiers"][0]["person_fine_max"] = "1000000"
        services.edit_draft(publisher, version, content=content)
    assert state() == before


@pytest.mark.req("PUB-10")
def test_codes_are_unique_per_agency_and_kind(cast, lib, publisher):
    services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    before = state()
    with pytest.raises(ValidationError) as caught:
        services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    assert caught.value.message_dict == {"code": ["本机关的行政执法事项清单中已有编码为“CF-001”的事项"]}
    assert state() == before
    # The same code in another kind is fine.
    services.create_entry(publisher, agency=cast.agency_a, kind="inspection_item", code="CF-001",
                          content=f.inspection_item_content(lib))


@pytest.mark.parametrize("code", ["", "带 空格", "x" * 61, "-lead", "a/b"])
def test_bad_codes_are_refused(cast, lib, publisher, code):
    before = state()
    with pytest.raises(ValidationError) as caught:
        services.create_entry(publisher, agency=cast.agency_a, kind="item", code=code, content=f.item_content(lib))
    assert "code" in caught.value.message_dict
    assert state() == before


@pytest.mark.req("PUB-09")
@pytest.mark.req("REC-03")
def test_review_catalog_and_av_list_are_one_per_agency(cast, lib, publisher):
    v = services.create_entry(publisher, agency=cast.agency_a, kind="review_catalog", code="", content=f.review_catalog_content())
    assert v.entry.code == "FZSH"
    with pytest.raises(ValidationError, match="本机关已有重大执法决定法制审核目录清单"):
        services.create_entry(publisher, agency=cast.agency_a, kind="review_catalog", code="FZSH",
                              content=f.review_catalog_content())
    with pytest.raises(ValidationError, match="编码固定为“YXJL”"):
        services.create_entry(publisher, agency=cast.agency_a, kind="av_list", code="AV-2", content=f.av_list_content())
    assert services.create_entry(publisher, agency=cast.agency_a, kind="av_list", code=None,
                                 content=f.av_list_content()).entry.code == "YXJL"


def test_unknown_kind_and_foreign_department_are_refused(cast, lib, publisher):
    with pytest.raises(ValidationError, match="清单类别“menu”不存在"):
        services.create_entry(publisher, agency=cast.agency_a, kind="menu", code="X1", content={})
    with pytest.raises(ValidationError, match="承办机构不属于该执法主体"):
        services.create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="X1", content=f.item_content(lib),
                              department=cast.department_b1)


@pytest.mark.req("PUB-06")
def test_guide_for_a_licensing_item(cast, lib, publisher):
    services.create_entry(publisher, agency=cast.agency_a, kind="item", code="XK-001", content=f.license_item_content(lib))
    guide = services.create_entry(publisher, agency=cast.agency_a, kind="guide", code="ZN-001",
                                  content=f.guide_content(lib, "XK-001"))
    assert guide.title == "食品经营许可"
    with pytest.raises(ValidationError, match="没有编码为“XK-002”的事项"):
        services.create_entry(publisher, agency=cast.agency_a, kind="guide", code="ZN-002",
                              content=f.guide_content(lib, "XK-002"))


# --- Four eyes and rights ------------------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_the_drafter_may_not_approve_even_with_an_approver_role(cast, lib):
    both = f.add_staff(cast, "both", "冯双岗", [Role.PUBLISHER, Role.LEADER])
    version = services.create_entry(both, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    services.submit(both, version)
    before = state()
    with pytest.raises(RuleViolation) as caught:
        services.approve(both, version)
    assert str(caught.value.message).startswith("PUB-10: ")
    assert caught.value.rule == "PUB-10"
    assert state() == before
    assert not selectors.in_force("item").exists()


@pytest.mark.req("PUB-10")
def test_whoever_edited_or_submitted_may_not_approve(cast, lib, publisher):
    editor = f.add_staff(cast, "editor", "陈编辑", [Role.ADMINISTRATOR, Role.REVIEWER])
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    services.edit_draft(editor, version, content=f.item_content(lib, name="改过的名称"))
    services.submit(publisher, version)
    with pytest.raises(RuleViolation, match="PUB-10"):
        services.approve(editor, version)
    assert not services.can_approve_version(editor, version)
    assert services.can_approve_version(cast.reviewer, version)
    services.approve(cast.reviewer, version)


@pytest.mark.parametrize("who", ["officer_a", "reviewer", "leader", "officer_b", "supervisor", "anonymous"])
@pytest.mark.req("PUB-10")
def test_only_publishers_administrators_and_department_heads_draft(cast, lib, who):
    user = getattr(cast, who)
    before = state()
    with pytest.raises(PermissionDenied):
        services.create_entry(user, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    assert state() == before


@pytest.mark.req("PUB-10")
def test_administrator_may_draft_but_not_for_another_agency(cast, lib):
    services.create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    with pytest.raises(PermissionDenied):
        services.create_entry(cast.admin_a, agency=cast.agency_b, kind="item", code="CF-001", content=f.item_content(lib))


@pytest.mark.req("PUB-10")
def test_department_heads_draft_for_their_own_department_only(cast, lib, publisher):
    head_a1 = f.add_staff(cast, "head_a1", "褚科长", [Role.DEPARTMENT_HEAD], department=cast.department_a1)
    head_a2 = f.add_staff(cast, "head_a2", "卫科长", [Role.DEPARTMENT_HEAD], department=cast.department_a2)
    version = services.create_entry(head_a1, agency=cast.agency_a, kind="item", code="CF-001",
                                    content=f.item_content(lib), department=cast.department_a1)
    services.create_entry(head_a2, agency=cast.agency_a, kind="item", code="CF-002", content=f.item_content(lib))
    with pytest.raises(PermissionDenied):
        services.create_entry(head_a2, agency=cast.agency_a, kind="item", code="CF-003", content=f.item_content(lib),
                              department=cast.department_a1)
    before = state()
    with pytest.raises(PermissionDenied):
        services.edit_draft(head_a2, version, content=f.item_content(lib, name="别的科室改"))
    with pytest.raises(PermissionDenied):
        services.submit(head_a2, version)
    assert state() == before


@pytest.mark.parametrize("who", ["officer_a", "admin_a", "officer_b", "anonymous"])
@pytest.mark.req("PUB-10")
def test_wrong_roles_may_not_approve_or_return(cast, lib, publisher, who):
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    services.submit(publisher, version)
    before = state()
    with pytest.raises(PermissionDenied):
        services.approve(getattr(cast, who), version)
    with pytest.raises(PermissionDenied):
        services.return_draft(getattr(cast, who), version, note="不行")
    assert state() == before


@pytest.mark.req("PUB-10")
@pytest.mark.req("SUP-01")
def test_supervisors_approve_for_agencies_of_their_region_only(cast, lib, publisher):
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    services.submit(publisher, version)
    elsewhere = f.add_staff(cast, "supervisor_far", "蒋监督", [Role.SUPERVISOR], agency=cast.justice_bureau)
    RoleAssignment.objects.filter(person__user=elsewhere).update(region=cast.other_region)
    with pytest.raises(PermissionDenied):
        services.approve(elsewhere, version)
    services.approve(cast.supervisor, version)
    version.refresh_from_db()
    assert version.decided_by == cast.supervisor


@pytest.mark.req("PUB-10")
def test_approver_roles_are_configurable(cast, lib, publisher, settings):
    settings.SANXIANG = {**settings.SANXIANG, "CATALOG_APPROVER_ROLES": ("leader",)}
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    services.submit(publisher, version)
    for refused in (cast.reviewer, cast.supervisor):
        with pytest.raises(PermissionDenied):
            services.approve(refused, version)
    services.approve(cast.leader, version)


# --- Published versions never change -------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_published_versions_never_change(cast, lib, publisher):
    version = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    before = state()
    with pytest.raises(RuleViolation, match="PUB-10: 已发布的版本不能修改"):
        services.edit_draft(publisher, version, content=f.item_content(lib, name="偷偷改"))
    for call in (lambda: services.submit(publisher, version),
                 lambda: services.return_draft(cast.reviewer, version, note="退回"),
                 lambda: services.approve(cast.reviewer, version)):
        with pytest.raises(RuleViolation, match="PUB-10"):
            call()
    # A stale copy of the version (still saying "draft") is refused too: the service re-reads it under lock.
    stale = Version.objects.get(pk=version.pk)
    stale.status = VersionStatus.DRAFT
    with pytest.raises(RuleViolation, match="PUB-10"):
        services.edit_draft(publisher, stale, content=f.item_content(lib, name="偷偷改"))
    assert state() == before
    assert Version.objects.get(pk=version.pk).title == "对未取得食品经营许可从事食品经营活动的行政处罚"


@pytest.mark.req("PUB-10")
def test_one_open_draft_at_a_time(cast, lib, publisher):
    version = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    draft = services.new_draft(publisher, version.entry)
    assert draft.number == 2 and draft.content == version.content and draft.status == VersionStatus.DRAFT
    with pytest.raises(ValidationError, match="已有未发布的第2版"):
        services.new_draft(publisher, version.entry)


@pytest.mark.req("PUB-10")
def test_approve_refuses_content_the_library_no_longer_supports(cast, lib, publisher):
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    services.submit(publisher, version)
    lib["food122"].text = "修订后的条文"
    lib["food122"].save()
    before = state()
    with pytest.raises(ValidationError, match="与现行法律法规库不一致"):
        services.approve(cast.leader, version)
    assert state() == before


# --- Versions over time --------------------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_what_was_in_force_on_a_given_day(cast, lib, publisher):
    v1 = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    v2 = publish(publisher, cast.leader, v1.entry, content=f.item_content(lib, name="第二版名称"), effective_from=days(10))
    v1.refresh_from_db()
    assert v1.effective_to == days(10)
    entry = v1.entry
    assert selectors.version_in_force(entry, TODAY()) == v1
    assert selectors.version_in_force(entry, days(9)) == v1
    assert selectors.version_in_force(entry, days(10)) == v2
    assert selectors.version_in_force(entry, days(400)) == v2
    assert selectors.version_in_force(entry, days(-1)) is None
    assert list(selectors.in_force("item", on=days(9))) == [v1]
    assert list(selectors.in_force("item", on=days(10))) == [v2]
    assert [v.number for v in selectors.history(entry)] == [2, 1]


@pytest.mark.req("PUB-10")
def test_a_later_dated_version_ends_a_future_version_at_its_date(cast, lib, publisher):
    v1 = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    v2 = publish(publisher, cast.leader, v1.entry, content=f.item_content(lib, name="第二版"), effective_from=days(30))
    v3 = publish(publisher, cast.leader, v1.entry, content=f.item_content(lib, name="第三版"), effective_from=days(40))
    for v in (v1, v2, v3):
        v.refresh_from_db()
    assert (v1.effective_to, v2.effective_from, v2.effective_to, v3.effective_to) == (days(30), days(30), days(40), None)
    assert [selectors.version_in_force(v1.entry, days(n)) for n in (0, 30, 39, 40)] == [v1, v2, v2, v3]


@pytest.mark.req("PUB-10")
def test_a_newer_approval_replaces_a_future_version_not_yet_in_force(cast, lib, publisher):
    v1 = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    v2 = publish(publisher, cast.leader, v1.entry, content=f.item_content(lib, name="第二版"), effective_from=days(30))
    v3 = publish(publisher, cast.leader, v1.entry, content=f.item_content(lib, name="第三版"), effective_from=days(10))
    for v in (v1, v2, v3):
        v.refresh_from_db()
    assert v1.effective_to == days(10)
    assert (v2.effective_from, v2.effective_to) == (days(30), days(30))  # never in force
    assert v3.effective_to is None
    assert selectors.never_in_force(v2) and not selectors.never_in_force(v1) and not selectors.never_in_force(v3)
    assert [selectors.version_in_force(v1.entry, days(n)) for n in (0, 9, 10, 30, 100)] == [v1, v1, v3, v3, v3]
    assert [v.number for v in selectors.history(v1.entry)] == [3, 2, 1]
    assert AuditEvent.objects.filter(action="catalog.supersede", object_id=str(v2.pk)).exists()


@pytest.mark.req("PUB-10")
def test_effective_dates_are_checked(cast, lib, publisher):
    v1 = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    draft = services.new_draft(publisher, v1.entry, content=f.item_content(lib, name="第二版"))
    services.submit(publisher, draft)
    before = state()
    with pytest.raises(ValidationError, match="早于今天"):
        services.approve(cast.leader, draft, effective_from=days(-1))
    with pytest.raises(ValidationError, match="不是有效日期"):
        services.approve(cast.leader, draft, effective_from="明天")
    assert state() == before


@pytest.mark.req("PUB-10")
def test_the_date_planned_in_the_draft_is_used_unless_the_approver_gives_one(cast, lib, publisher):
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="CF-001",
                                    content=f.item_content(lib), effective_from=days(7))
    services.submit(publisher, version)
    assert services.approve(cast.leader, version).effective_from == days(7)
    late = services.new_draft(publisher, version.entry, effective_from=days(-3))
    services.submit(publisher, late)
    before = state()
    with pytest.raises(ValidationError, match="早于今天"):
        services.approve(cast.leader, late)
    assert state() == before
    assert services.approve(cast.leader, late, effective_from=days(8)).effective_from == days(8)


# --- Repeal ----------------------------------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_repeal_ends_the_version_in_force(cast, lib, publisher):
    v1 = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib))
    entries_before = LogEntry.objects.count()
    before = state()
    with pytest.raises(PermissionDenied):
        services.repeal(publisher, v1.entry, effective_to=days(5), reason="职能调整")
    with pytest.raises(ValidationError, match="废止理由不能为空"):
        services.repeal(cast.leader, v1.entry, effective_to=days(5), reason="")
    with pytest.raises(ValidationError, match="早于今天"):
        services.repeal(cast.leader, v1.entry, effective_to=days(-5), reason="职能调整")
    assert state() == before
    ended = services.repeal(cast.leader, v1.entry, effective_to=days(5), reason="职能调整")
    assert [v.pk for v in ended] == [v1.pk]
    v1.refresh_from_db()
    assert v1.effective_to == days(5)
    assert selectors.version_in_force(v1.entry, days(4)) == v1
    assert selectors.version_in_force(v1.entry, days(5)) is None
    assert LogEntry.objects.count() == entries_before + 1
    payload = json.loads(LogEntry.objects.order_by("-seq").first().canonical)["payload"]
    assert payload["event"] == "catalog.repeal" and payload["effective_to"] == days(5).isoformat()
    with pytest.raises(ValidationError, match="没有施行中的版本"):
        services.repeal(cast.leader, v1.entry, effective_to=days(6), reason="再废止一次")


# --- Error reports (纠错) --------------------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_public_error_report_reaches_the_owning_department_with_a_deadline(cast, lib, publisher):
    version = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib),
                      department=cast.department_a1)
    report = services.report_error(agency=cast.agency_a, page_path="/gongshi/shixiang/1/", text="罚款幅度写错了",
                                   contact="13800000000", entry=version.entry)
    assert report.department == cast.department_a1
    assert report.due_on == add_working_days(TODAY(), 5)
    assert report.status == ErrorReport.Status.OPEN
    assert AuditEvent.objects.filter(action="catalog.report_error", object_id=str(report.pk), actor=None).exists()


@pytest.mark.parametrize("text, path, expected", [
    ("", "/gongshi/", "纠错内容不能为空"),
    ("字" * 2001, "/gongshi/", "纠错内容不能超过2000个字"),
    ("有\x07控制字符", "/gongshi/", "纠错内容含有不可见的控制字符"),
    ("正常", "https://evil.example/", "页面地址应为本站以“/”开头的地址"),
    ("正常", "", "页面地址不能为空"),
])
@pytest.mark.req("PUB-10")
def test_bad_error_reports_are_refused(cast, text, path, expected):
    before = state()
    with pytest.raises(ValidationError) as caught:
        services.report_error(agency=cast.agency_a, page_path=path, text=text)
    assert any(m.startswith(expected) for m in caught.value.messages), caught.value.messages
    assert state() == before


def test_error_report_markup_is_kept_as_text(cast):
    report = services.report_error(agency=cast.agency_a, page_path="/gongshi/", text="<script>alert(1)</script>")
    assert report.text == "<script>alert(1)</script>"


@pytest.mark.req("PUB-10")
def test_an_error_report_is_kept_with_a_stricter_deadline_when_the_calendar_lacks_the_year(cast, settings):
    days = 250 * 200  # far beyond any loaded holiday schedule
    settings.SANXIANG = {**settings.SANXIANG, "ERROR_REPORT_WORKING_DAYS": days}
    with pytest.raises(CalendarYearMissing):
        add_working_days(timezone.localdate(), days)
    report = services.report_error(agency=cast.agency_a, page_path="/gongshi/", text="有误")
    assert report.due_on == timezone.localdate() + datetime.timedelta(days=days)  # N calendar days <= N working days
    event = AuditEvent.objects.get(action="catalog.report_error", object_id=str(report.pk))
    assert "自然日" in event.reason


@pytest.mark.req("PUB-10")
def test_answering_an_error_report(cast, lib, publisher):
    v1 = publish(publisher, cast.leader, agency=cast.agency_a, content=f.item_content(lib), department=cast.department_a1)
    report = services.report_error(agency=cast.agency_a, page_path="/gongshi/", text="有误", entry=v1.entry)
    for refused in (cast.officer_b, cast.reviewer, cast.supervisor):
        with pytest.raises(PermissionDenied):
            services.answer_error(refused, report, status="rejected", answer="无误")
    before = state()
    with pytest.raises(ValidationError) as caught:
        services.answer_error(cast.officer_a, report, status="ignored", answer="")
    assert set(caught.value.message_dict) == {"status", "answer"}
    assert state() == before
    draft = services.new_draft(publisher, v1.entry, content=f.item_content(lib, name="更正后"))
    with pytest.raises(ValidationError, match="更正后的版本尚未发布"):
        services.answer_error(cast.officer_a, report, status="corrected", answer="已更正", version=draft)
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.OPEN
    services.submit(publisher, draft)
    v2 = services.approve(cast.leader, draft)
    services.answer_error(cast.officer_a, report, status="corrected", answer="已按意见更正", version=v2)
    report.refresh_from_db()
    assert (report.status, report.answered_by, report.corrected_by_version) == ("corrected", cast.officer_a, v2)
    with pytest.raises(ValidationError, match="已经处理"):
        services.answer_error(cast.admin_a, report, status="rejected", answer="再答一次")


@pytest.mark.req("PUB-10")
def test_publisher_or_administrator_answers_reports_without_a_department(cast):
    report = services.report_error(agency=cast.agency_a, page_path="/gongshi/", text="首页电话有误")
    with pytest.raises(PermissionDenied):
        services.answer_error(cast.officer_a, report, status="rejected", answer="无误")
    services.answer_error(cast.admin_a, report, status="rejected", answer="经核实无误")


@pytest.mark.req("PUB-10")
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_publish_one_version_once(cast):
    import threading

    from django.db import connection, connections

    from sanxiang.records import merkle
    from sanxiang.records.models import LogHead

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on one database file; row locks are a PostgreSQL matter")
    LogHead.objects.get_or_create(pk=1, defaults={"size": 0, "frontier": [], "root": merkle.EMPTY_ROOT})
    lib = f.make_library()
    drafter = f.add_staff(cast, "publisher_c", "吴公示", [Role.PUBLISHER])
    version = services.create_entry(drafter, agency=cast.agency_a, kind="item", code="CF-001", content=f.item_content(lib))
    services.submit(drafter, version)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        try:
            barrier.wait()
            services.approve(user, Version.objects.get(pk=version.pk))
            outcomes.append("published")
        except (RuleViolation, ValidationError) as refused:
            outcomes.append(type(refused).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (cast.leader, cast.reviewer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["RuleViolation", "published"]
    assert LogEntry.objects.filter(kind=LogEntry.Kind.PUBLICATION).count() == 1
    assert AuditEvent.objects.filter(action="catalog.approve").count() == 1


# --- Retroactive first versions (补录) -----------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_a_first_version_may_be_published_from_a_past_date_only_with_a_reason(cast, lib, publisher):
    _dt = datetime
    past = timezone.localdate() - _dt.timedelta(days=400)
    version = services.create_entry(publisher, agency=cast.agency_a, kind="item", code="HIST-1", content=f.item_content(lib))
    services.submit(publisher, version)
    with pytest.raises(ValidationError):
        services.approve(cast.leader, version, effective_from=past)
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
    published = services.approve(cast.leader, version, effective_from=past, retroactive_reason="2025年纸质清单已公布施行")
    assert published.effective_from == past and "补录" in published.decision_note
    payload = json.loads(bytes(LogEntry.objects.get(seq=published.log_seq).canonical))["payload"]
    assert payload["effective_from"] == past.isoformat() and payload["retroactive_reason"] == "2025年纸质清单已公布施行"
    assert selectors.version_in_force(published.entry, on=past) == published

    # A later version can never reach back: what the system showed as in force stays so.
    draft = services.new_draft(publisher, published.entry, change_note="调整")
    services.submit(publisher, draft)
    with pytest.raises(ValidationError):
        services.approve(cast.leader, draft, effective_from=past + _dt.timedelta(days=10), retroactive_reason="想改历史")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.SUBMITTED
    assert selectors.version_in_force(published.entry, on=past + _dt.timedelta(days=10)) == published
