"""The catalog staff pages (清单维护, PUB-10): draft → submit → approve or return → versions, through the UI.

Forms are filled the way a browser would: :func:`form_data` renders an editor's fields as the page
does and collects what the browser would post, so every kind's form is exercised with real content.
"""

import datetime
import re

import pytest
from django.utils import timezone

from sanxiang.catalog import forms
from sanxiang.catalog.models import Entry, ErrorReport, Version, VersionStatus
from sanxiang.catalog.services import approve, create_entry, new_draft, report_error, submit
from sanxiang.core.models import AuditEvent
from sanxiang.org.models import Role
from sanxiang.records.models import LogEntry

from . import factories as f

TODAY = timezone.localdate


@pytest.fixture
def lib(db):
    return f.make_library()


# --- Filling the forms as a browser does ------------------------------------------------------


def _put(data: dict, bound_field) -> None:
    value = bound_field.value()
    name = bound_field.html_name
    if value is None or value == "":
        return
    if isinstance(value, bool):
        if value:
            data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    elif isinstance(value, datetime.date):
        data[name] = value.isoformat()
    else:
        data[name] = str(value)


def form_data(editor, **extra) -> dict:
    """What the editing page posts for ``editor`` as rendered (its initial values), plus ``extra``."""
    data: dict = {}
    for form in editor.all_forms():
        for bound_field in form:
            _put(data, bound_field)
    for formset in editor.formsets.values():
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset.forms:
            for bound_field in form:
                _put(data, bound_field)
    data.update(extra)
    return data


def content_data(cast, kind, content, **extra) -> dict:
    return form_data(forms.editor_for(kind, agency=cast.agency_a, content=content), **extra)


def entry_post(cast, kind, content, code, **extra) -> dict:
    data = content_data(cast, kind, content, code=code, **extra)
    data.setdefault("change_note", "首次编制")
    return data


def text_of(response) -> str:
    return response.content.decode()


def leader_login(client, cast):
    client.force_login(cast.leader)


# --- Anonymous visitors and other agencies -----------------------------------------------------


@pytest.mark.req("PUB-10")
@pytest.mark.parametrize("path", ["/catalog/", "/catalog/new/item/", "/catalog/errors/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, cast, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.req("PUB-10")
def test_anonymous_visitors_cannot_see_or_decide_a_draft(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-1", content=f.item_content(lib))
    for path in (f"/catalog/versions/{version.pk}/", f"/catalog/entries/{version.entry_id}/"):
        assert client.get(path)["Location"].startswith("/login/")
    response = client.post(f"/catalog/versions/{version.pk}/submit/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


@pytest.mark.req("PUB-10")
def test_a_user_of_another_agency_cannot_see_or_act_on_drafts(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-1", content=f.item_content(lib))
    submit(cast.admin_a, version)
    client.force_login(cast.officer_b)
    for path in (f"/catalog/versions/{version.pk}/", f"/catalog/entries/{version.entry_id}/",
                 f"/catalog/versions/{version.pk}/edit/", f"/catalog/entries/{version.entry_id}/new-version/",
                 f"/catalog/entries/{version.entry_id}/repeal/"):
        assert client.get(path).status_code == 404, path
    for action in ("approve", "return", "submit"):
        response = client.post(f"/catalog/versions/{version.pk}/{action}/", {"note": "越权", "effective_from": ""})
        assert response.status_code == 404
    home = text_of(client.get("/catalog/"))
    assert "XK-1" not in home and "待我审核" not in home
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED


@pytest.mark.req("PUB-10")
def test_an_officer_without_a_drafting_role_cannot_create_entries(client, cast, lib):
    client.force_login(cast.officer_a)
    assert client.get("/catalog/new/item/").status_code == 403
    response = client.post("/catalog/new/item/", entry_post(cast, "item", f.item_content(lib), "XK-1"))
    assert response.status_code == 403
    assert "新建" not in text_of(client.get("/catalog/")).split("清单维护", 2)[-1].split("data-section=\"entries\"")[0]
    assert not Entry.objects.exists()


def test_an_unknown_kind_is_not_found(client, cast):
    client.force_login(cast.admin_a)
    assert client.get("/catalog/new/nonsense/").status_code == 404


# --- The whole cycle ------------------------------------------------------------------------------


@pytest.mark.req("PUB-10")
@pytest.mark.req("PUB-04")
def test_draft_submit_approve_publishes_with_a_log_entry_and_the_drafter_cannot_approve(client, cast, lib):
    # The administrator drafts an item through the form.
    client.force_login(cast.admin_a)
    response = client.post("/catalog/new/item/", entry_post(cast, "item", f.item_content(lib), "XK-001",
                                                            department=str(cast.department_a1.pk)))
    assert response.status_code == 302, text_of(response)
    version = Version.objects.get()
    assert response["Location"] == f"/catalog/versions/{version.pk}/"
    assert version.status == VersionStatus.DRAFT and version.entry.department == cast.department_a1
    assert version.content["basis"][0]["citation"] == "第一百二十二条第一款"
    assert version.content["benchmark"]["tiers"][1]["org_fine_max"] == "200000.00"
    page = text_of(client.get(response["Location"]))
    assert "草稿" in page and lib["food122"].text in page  # the article text, from the library

    # It is submitted; the drafter sees no approval form and cannot approve through a forged post.
    response = client.post(f"/catalog/versions/{version.pk}/submit/")
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
    assert 'data-form="approve"' not in text_of(client.get(f"/catalog/versions/{version.pk}/"))
    assert client.post(f"/catalog/versions/{version.pk}/approve/", {"note": ""}).status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED

    # The leader finds it under 待我审核 and approves it with an effective date and a note.
    leader_login(client, cast)
    home = text_of(client.get("/catalog/"))
    assert 'data-section="pending"' in home and f"/catalog/versions/{version.pk}/" in home
    page = text_of(client.get(f"/catalog/versions/{version.pk}/"))
    assert 'data-form="approve"' in page and 'data-form="return"' in page
    start = TODAY() + datetime.timedelta(days=3)
    response = client.post(f"/catalog/versions/{version.pk}/approve/", {"effective_from": start.isoformat(),
                                                                       "note": "同意发布"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and version.effective_from == start
    assert version.decided_by == cast.leader and version.decision_note == "同意发布"
    entry = LogEntry.objects.get(seq=version.log_seq)
    assert entry.kind == LogEntry.Kind.PUBLICATION
    page = text_of(client.get(f"/catalog/versions/{version.pk}/"))
    assert f"第 {version.log_seq} 号条目" in page and f"/api/v1/records/proofs/inclusion/?seq={version.log_seq}" in page
    assert "钱局长" in page and "孙管理" in page and "同意发布" in page
    assert "这是第一个发布的版本" in page
    assert 'data-section="pending"' not in text_of(client.get("/catalog/"))


@pytest.mark.req("PUB-10")
def test_someone_who_drafted_a_version_cannot_approve_it_even_with_an_approver_role(client, cast, lib):
    both = f.add_staff(cast, "pub_leader", "吴兼任", [Role.PUBLISHER, Role.LEADER])
    client.force_login(both)
    client.post("/catalog/new/item/", entry_post(cast, "item", f.item_content(lib), "XK-002"))
    version = Version.objects.get()
    client.post(f"/catalog/versions/{version.pk}/submit/")
    page = text_of(client.get(f"/catalog/versions/{version.pk}/"))
    assert 'data-testid="author-blocked"' in page and 'data-form="approve"' not in page
    response = client.post(f"/catalog/versions/{version.pk}/approve/", {"note": "自己批准"})
    assert response.status_code == 400
    assert "PUB-10" in text_of(response) and "不能审核发布该版本" in text_of(response)
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED and version.log_seq is None
    assert not LogEntry.objects.filter(kind=LogEntry.Kind.PUBLICATION).exists()


@pytest.mark.req("PUB-10")
def test_returned_then_edited_then_resubmitted_then_published_and_the_diff_shows_the_change(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-003", content=f.item_content(lib))
    submit(cast.admin_a, version)
    approve(cast.leader, version)

    # A new version, changed through the form.
    client.force_login(cast.admin_a)
    entry = version.entry
    page = client.get(f"/catalog/entries/{entry.pk}/new-version/")
    assert page.status_code == 200
    editor = page.context["editor"]
    data = form_data(editor, change_note="调整办理时限")
    data["c-time_limit"] = "立案之日起六十日内作出处理决定"
    response = client.post(f"/catalog/entries/{entry.pk}/new-version/", data)
    assert response.status_code == 302, text_of(response)
    v2 = entry.versions.get(number=2)
    client.post(f"/catalog/versions/{v2.pk}/submit/")

    # The leader returns it; a note is required.
    leader_login(client, cast)
    response = client.post(f"/catalog/versions/{v2.pk}/return/", {"note": "  "})
    assert response.status_code == 400 and "退回理由" in text_of(response)
    v2.refresh_from_db()
    assert v2.status == VersionStatus.SUBMITTED
    response = client.post(f"/catalog/versions/{v2.pk}/return/", {"note": "请注明法定时限依据"})
    assert response.status_code == 302
    v2.refresh_from_db()
    assert v2.status == VersionStatus.RETURNED and v2.decision_note == "请注明法定时限依据"

    # The drafter sees why, edits and resubmits.
    client.force_login(cast.admin_a)
    page = text_of(client.get(f"/catalog/versions/{v2.pk}/"))
    assert "退回修改" in page and "请注明法定时限依据" in page
    editor = client.get(f"/catalog/versions/{v2.pk}/edit/").context["editor"]
    data = form_data(editor, change_note="调整办理时限，注明依据")
    data["c-legal_time_limit_days"] = "60"
    assert client.post(f"/catalog/versions/{v2.pk}/edit/", data).status_code == 302
    v2.refresh_from_db()
    assert v2.status == VersionStatus.DRAFT and v2.content["legal_time_limit_days"] == 60
    client.post(f"/catalog/versions/{v2.pk}/submit/")

    leader_login(client, cast)
    assert client.post(f"/catalog/versions/{v2.pk}/approve/", {"note": "同意"}).status_code == 302
    v2.refresh_from_db()
    version.refresh_from_db()
    assert v2.status == VersionStatus.PUBLISHED and version.effective_to == v2.effective_from

    # The diff against version 1: the two changed fields, the change marked.
    response = client.get(f"/catalog/versions/{v2.pk}/")
    changes = response.context["changes"]
    assert {c.label for c in changes} == {"办理时限", "法定时限（日）"}
    page = text_of(response)
    assert "与上一发布版本（第1版）比较" in page
    # Inside a changed value only the changed characters are marked.
    assert "立案之日起<del>九</del>十日内" in page and "立案之日起<ins>六</ins>十日内" in page
    assert "<del>9</del>0" in page and "<ins>6</ins>0" in page
    full = client.get(f"/catalog/versions/{v2.pk}/?all=1").context["changes"]
    assert len(full) > len(changes) and any(c.label == "事项名称" and not c.changed for c in full)


@pytest.mark.req("PUB-10")
def test_the_versions_page_shows_every_version_and_what_was_in_force_on_a_day(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-004", content=f.item_content(lib))
    submit(cast.admin_a, version)
    approve(cast.leader, version)
    later = TODAY() + datetime.timedelta(days=10)
    v2 = new_draft(cast.admin_a, version.entry, content=f.item_content(lib, time_limit="三十日"))
    submit(cast.admin_a, v2)
    approve(cast.leader, v2, effective_from=later)
    client.force_login(cast.officer_a)  # any member of the agency may read
    page = client.get(f"/catalog/entries/{version.entry_id}/")
    assert [v.number for v in page.context["versions"]] == [2, 1]
    html = text_of(page)
    assert later.isoformat() in html and "已发布" in html
    assert page.context["current"].number == 1
    on_later = client.get(f"/catalog/entries/{version.entry_id}/", {"on": later.isoformat()})
    assert on_later.context["on_version"].number == 2 and "施行的是第2版" in text_of(on_later)
    before = client.get(f"/catalog/entries/{version.entry_id}/", {"on": "2000-01-01"})
    assert before.context["on_version"] is None and "没有施行中的版本" in text_of(before)
    bad = client.get(f"/catalog/entries/{version.entry_id}/", {"on": "2026-13-45"})
    assert bad.status_code == 200 and bad.context["on_version"] is None and "errorlist" in text_of(bad)
    # Only drafters get the "new version" button; an officer does not.
    assert "新建版本" not in html and "废止" not in html


# --- Bad input through the forms: a clear message, nothing saved --------------------------------


@pytest.mark.req("PUB-04")
def test_a_basis_citing_an_article_the_library_does_not_have_is_refused(client, cast, lib):
    client.force_login(cast.admin_a)
    data = entry_post(cast, "item", f.item_content(lib), "XK-010")
    data["basis-1-article"] = "900"
    response = client.post("/catalog/new/item/", data)
    assert response.status_code == 200
    html = text_of(response)
    assert "未保存" in html and "《中华人民共和国行政处罚法》没有第九百条" in html
    # The message sits on the second basis row.
    editor = response.context["editor"]
    assert any("第九百条" in e for e in editor.formsets["basis"].forms[1].non_field_errors())
    assert not Entry.objects.exists() and not Version.objects.exists()


@pytest.mark.req("PUB-04")
def test_an_inverted_fine_range_or_one_above_the_statute_maximum_is_refused(client, cast, lib):
    client.force_login(cast.admin_a)
    data = entry_post(cast, "item", f.item_content(lib), "XK-011")
    data["tiers-0-person_fine_min"], data["tiers-0-person_fine_max"] = "60000", "50000"
    data["tiers-1-org_fine_max"] = "900000"
    response = client.post("/catalog/new/item/", data)
    html = text_of(response)
    assert "对个人罚款的下限60000元大于上限50000元" in html
    assert "对单位罚款上限900000元超过所引条款规定的最高罚款额200000元" in html
    tiers = response.context["editor"].formsets["tiers"].forms
    assert any("下限" in e for e in tiers[0].non_field_errors())
    assert any("最高罚款额" in e for e in tiers[1].non_field_errors())
    assert not Entry.objects.exists()


@pytest.mark.req("PUB-05")
@pytest.mark.parametrize("ratio", ["150", "0", "-5"])
def test_a_random_inspection_ratio_outside_0_to_100_is_refused(client, cast, lib, ratio):
    client.force_login(cast.admin_a)
    data = entry_post(cast, "inspection_item", f.inspection_item_content(lib), "CC-01")
    data["c-ratio_percent"] = ratio
    response = client.post("/catalog/new/inspection_item/", data)
    assert response.status_code == 200
    errors = response.context["editor"].main.errors["ratio_percent"]
    assert any("抽查比例应大于0且不超过100%" in e or "不能为负数" in e for e in errors)
    assert not Entry.objects.exists()


@pytest.mark.req("PUB-10")
def test_html_in_text_is_saved_as_text_and_escaped_on_every_staff_page(client, cast, lib):
    client.force_login(cast.admin_a)
    script = '<script>alert("x")</script>'
    data = entry_post(cast, "item", f.item_content(lib, name=f"食品经营{script}", remedy=f"<b>复议</b>{script}"),
                      "XK-012", change_note=f"说明{script}")
    response = client.post("/catalog/new/item/", data)
    assert response.status_code == 302
    version = Version.objects.get()
    assert version.title == f"食品经营{script}" and version.content["remedy"] == f"<b>复议</b>{script}"
    for path in (f"/catalog/versions/{version.pk}/", f"/catalog/entries/{version.entry_id}/", "/catalog/",
                 f"/catalog/versions/{version.pk}/edit/"):
        html = text_of(client.get(path))
        assert "<script>alert" not in html and "<b>复议" not in html, path
        assert "&lt;script&gt;" in html, path


@pytest.mark.req("PUB-10")
def test_a_duplicate_code_is_shown_on_the_code_field(client, cast, lib):
    create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-013", content=f.item_content(lib))
    client.force_login(cast.admin_a)
    response = client.post("/catalog/new/item/", entry_post(cast, "item", f.item_content(lib), "XK-013"))
    assert "已有编码为“XK-013”的事项" in str(response.context["entry_form"].errors["code"])
    assert Entry.objects.count() == 1


@pytest.mark.req("PUB-10")
def test_missing_fields_and_unparsable_numbers_keep_the_input_and_save_nothing(client, cast, lib):
    client.force_login(cast.admin_a)
    data = entry_post(cast, "item", f.item_content(lib), "XK-014")
    data["c-name"] = ""
    data["c-legal_time_limit_days"] = "九十天"
    data["tiers-0-person_fine_max"] = "五万"
    response = client.post("/catalog/new/item/", data)
    editor = response.context["editor"]
    assert editor.main.errors["name"] and editor.main.errors["legal_time_limit_days"]
    assert editor.formsets["tiers"].forms[0].errors["person_fine_max"]
    assert 'value="九十天"' in text_of(response)
    assert not Entry.objects.exists()


@pytest.mark.req("PUB-10")
def test_a_published_version_cannot_be_edited_and_an_approval_date_in_the_past_is_refused(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-015", content=f.item_content(lib))
    submit(cast.admin_a, version)
    leader_login(client, cast)
    response = client.post(f"/catalog/versions/{version.pk}/approve/", {"effective_from": "2001-01-01"})
    assert response.status_code == 400
    assert "早于今天" in str(response.context["approve_form"].errors["effective_from"])
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
    approve(cast.leader, version)
    client.force_login(cast.admin_a)
    response = client.get(f"/catalog/versions/{version.pk}/edit/")
    assert response.status_code == 302
    data = content_data(cast, "item", f.item_content(lib, name="改过的名称"))
    client.post(f"/catalog/versions/{version.pk}/edit/", data)
    version.refresh_from_db()
    assert version.title == f.item_content(lib)["name"]


@pytest.mark.req("PUB-10")
def test_a_first_version_in_force_before_the_system_is_published_from_its_date_with_a_reason(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-016", content=f.item_content(lib))
    submit(cast.admin_a, version)
    leader_login(client, cast)
    response = client.post(f"/catalog/versions/{version.pk}/approve/",
                           {"effective_from": "2024-03-01", "retroactive_reason": "2024年3月1日起已在门户网站公示"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.effective_from.isoformat()) == (VersionStatus.PUBLISHED, "2024-03-01")
    assert "补录" in text_of(client.get(f"/catalog/versions/{version.pk}/"))


# --- Formsets without JavaScript ----------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_add_row_re_renders_with_one_more_empty_row_and_saves_nothing(client, cast, lib):
    client.force_login(cast.admin_a)
    data = entry_post(cast, "item", f.item_content(lib), "XK-020", add_row="basis")
    data["c-name"] = ""  # incomplete input is kept, not complained about yet
    response = client.post("/catalog/new/item/", data)
    assert response.status_code == 200
    formset = response.context["editor"].formsets["basis"]
    assert len(formset.forms) == 3
    html = text_of(response)
    assert "未保存" not in html and "这个字段是必填项" not in html
    assert 'name="basis-TOTAL_FORMS" value="3"' in html
    assert not Entry.objects.exists()


@pytest.mark.req("PUB-10")
def test_deleting_a_row_removes_it_from_the_saved_content(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="guide", code="ZN-01",
                           content=_guide_with_item(cast, lib))
    client.force_login(cast.admin_a)
    editor = client.get(f"/catalog/versions/{version.pk}/edit/").context["editor"]
    data = form_data(editor)
    data["materials-0-DELETE"] = "on"
    # A row added and left blank is skipped, not refused.
    added = client.post(f"/catalog/versions/{version.pk}/edit/", {**data, "add_row": "materials"})
    data = form_data(added.context["editor"])
    assert data["materials-TOTAL_FORMS"] == "3" and data["materials-0-DELETE"] == "on"
    assert client.post(f"/catalog/versions/{version.pk}/edit/", data).status_code == 302
    version.refresh_from_db()
    assert [m["name"] for m in version.content["materials"]] == ["营业执照复印件"]
    assert version.content["materials"][0]["copies"] == 1


def _guide_with_item(cast, lib):
    licence = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-LIC",
                           content=f.license_item_content(lib))
    submit(cast.admin_a, licence)
    approve(cast.leader, licence)
    return f.guide_content(lib, "XK-LIC", materials=[
        {"name": "食品经营许可申请书", "form": "原件", "copies": 1, "note": ""},
        {"name": "营业执照复印件", "form": "复印件", "copies": 1, "note": ""}])


# --- Every kind has a form that fits its content ------------------------------------------------


def _kind_contents(cast, lib):
    inspection = create_entry(cast.admin_a, agency=cast.agency_a, kind="inspection_item", code="CC-100",
                              content=f.inspection_item_content(lib))
    licence = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-100",
                           content=f.license_item_content(lib))
    for version in (inspection, licence):
        submit(cast.admin_a, version)
        approve(cast.leader, version)
    return {
        "item": ("XK-200", f.item_content(lib)),
        "inspection_item": ("CC-200", f.inspection_item_content(lib)),
        "inspection_plan": ("JH-2026", f.plan_content("CC-100")),
        "guide": ("ZN-200", f.guide_content(lib, "XK-100")),
        "template": ("WS-200", {"doc_code": "penalty_decision", "name": "行政处罚决定书", "act_kinds": ["penalty"],
                                "purpose": "作出行政处罚决定时使用"}),
        "review_catalog": ("FZSH", f.review_catalog_content()),
        "av_list": ("YXJL", f.av_list_content()),
    }


@pytest.mark.req("PUB-04")
@pytest.mark.req("PUB-05")
@pytest.mark.req("PUB-06")
@pytest.mark.req("PUB-08")
@pytest.mark.req("PUB-09")
@pytest.mark.req("REC-03")
@pytest.mark.parametrize("kind", ["item", "inspection_item", "inspection_plan", "guide", "template", "review_catalog",
                                  "av_list"])
def test_every_kind_can_be_drafted_through_its_form_and_its_content_survives_a_round_trip(client, cast, lib, kind):
    from sanxiang.catalog.kinds import KINDS

    code, content = _kind_contents(cast, lib)[kind]
    if kind == "template":
        choices = forms.document_choices()
        if choices:
            content["doc_code"] = choices[0][0]
    client.force_login(cast.admin_a)
    assert client.get(f"/catalog/new/{kind}/").status_code == 200
    response = client.post(f"/catalog/new/{kind}/", entry_post(cast, kind, content, code))
    assert response.status_code == 302, response.context["editor"].errors if response.context else response
    version = Version.objects.get(entry__kind=kind, entry__code=code)
    assert version.content == KINDS[kind].clean(content, agency=cast.agency_a)
    # Saving the edit page unchanged keeps the content as it is.
    editor = client.get(f"/catalog/versions/{version.pk}/edit/").context["editor"]
    assert client.post(f"/catalog/versions/{version.pk}/edit/", form_data(editor)).status_code == 302
    saved = version.content
    version.refresh_from_db()
    assert version.content == saved
    page = text_of(client.get(f"/catalog/versions/{version.pk}/"))
    assert version.title in page


@pytest.mark.req("PUB-09")
def test_the_review_catalog_and_av_list_keep_their_fixed_codes(client, cast):
    client.force_login(cast.admin_a)
    data = content_data(cast, "av_list", f.av_list_content(), code="")
    assert client.post("/catalog/new/av_list/", data).status_code == 302
    assert Entry.objects.get(kind="av_list").code == "YXJL"
    response = client.post("/catalog/new/av_list/", data)
    assert "已有" in str(response.context["entry_form"].errors["code"])


# --- Repeal -----------------------------------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_only_approvers_repeal_with_a_date_and_a_reason(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-030", content=f.item_content(lib))
    submit(cast.admin_a, version)
    approve(cast.leader, version)
    client.force_login(cast.admin_a)
    assert client.get(f"/catalog/entries/{version.entry_id}/repeal/").status_code == 403
    assert client.post(f"/catalog/entries/{version.entry_id}/repeal/",
                       {"effective_to": TODAY().isoformat(), "reason": "x"}).status_code == 403

    leader_login(client, cast)
    assert "废止" in text_of(client.get(f"/catalog/entries/{version.entry_id}/"))
    response = client.post(f"/catalog/entries/{version.entry_id}/repeal/", {"effective_to": TODAY().isoformat(),
                                                                            "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(f"/catalog/entries/{version.entry_id}/repeal/", {"effective_to": "2001-01-01",
                                                                            "reason": "上位法修改"})
    assert "早于今天" in str(response.context["form"].errors["effective_to"])
    version.refresh_from_db()
    assert version.effective_to is None
    end = TODAY() + datetime.timedelta(days=1)
    response = client.post(f"/catalog/entries/{version.entry_id}/repeal/", {"effective_to": end.isoformat(),
                                                                            "reason": "上位法修改"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.effective_to == end
    assert AuditEvent.objects.filter(action="catalog.repeal", reason="上位法修改").exists()


# --- 纠错 inbox --------------------------------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_error_reports_reach_the_inbox_with_their_deadline_and_are_answered(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-040", content=f.item_content(lib),
                           department=cast.department_a1)
    submit(cast.admin_a, version)
    approve(cast.leader, version)
    report = report_error(agency=cast.agency_a, page_path="/gongshi/x/", text="办理时限<script>x</script>有误",
                          entry=version.entry)
    late = report_error(agency=cast.agency_a, page_path="/gongshi/y/", text="电话号码错了")
    ErrorReport.objects.filter(pk=late.pk).update(due_on=TODAY() - datetime.timedelta(days=2))
    soon = report_error(agency=cast.agency_a, page_path="/gongshi/z/", text="地址错了")
    ErrorReport.objects.filter(pk=soon.pk).update(due_on=TODAY() + datetime.timedelta(days=1))

    client.force_login(cast.officer_a)  # staff of the owning department
    home = text_of(client.get("/catalog/"))
    assert 'data-section="errors"' in home and "已逾期 2 天" in home and "1 天内到期" in home
    assert "<script>x</script>" not in home
    page = text_of(client.get(f"/catalog/errors/{report.pk}/"))
    assert 'data-section="answer"' in page and "&lt;script&gt;" in page

    response = client.post(f"/catalog/errors/{report.pk}/", {"status": "corrected", "answer": ""})
    assert response.status_code == 200 and response.context["form"].errors["answer"]
    response = client.post(f"/catalog/errors/{report.pk}/", {"status": "corrected", "answer": "已核实并更正",
                                                             "version": str(version.pk)})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.CORRECTED and report.corrected_by_version == version
    assert report.answered_by == cast.officer_a
    assert 'data-section="answer"' not in text_of(client.get(f"/catalog/errors/{report.pk}/"))

    # Another agency sees none of it; the list page filters by status.
    client.force_login(cast.officer_b)
    assert client.get(f"/catalog/errors/{late.pk}/").status_code == 404
    assert "电话号码错了" not in text_of(client.get("/catalog/errors/?status=all"))
    client.force_login(cast.admin_a)
    answered = text_of(client.get("/catalog/errors/?status=corrected"))
    assert "办理时限" in answered and "电话号码错了" not in answered


@pytest.mark.req("PUB-10")
def test_a_member_of_another_department_cannot_answer_a_report(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-041", content=f.item_content(lib),
                           department=cast.department_a2)
    submit(cast.admin_a, version)
    approve(cast.leader, version)
    report = report_error(agency=cast.agency_a, page_path="/gongshi/x/", text="有误", entry=version.entry)
    client.force_login(cast.officer_a)  # department A1, not A2
    assert 'data-section="answer"' not in text_of(client.get(f"/catalog/errors/{report.pk}/"))
    assert client.post(f"/catalog/errors/{report.pk}/", {"status": "rejected", "answer": "无误"}).status_code == 403
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.OPEN


# --- The home page's lists and filters -------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_home_lists_the_agencys_entries_by_kind_with_their_state_and_filters(client, cast, lib):
    published = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-050",
                             content=f.item_content(lib))
    submit(cast.admin_a, published)
    approve(cast.leader, published)
    create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-051",
                 content=f.item_content(lib, name="对未按规定查验进货的处罚"))
    create_entry(cast.admin_a, agency=cast.agency_a, kind="av_list", code="YXJL", content=f.av_list_content())
    client.force_login(cast.admin_a)
    response = client.get("/catalog/", {"kind": "item"})
    codes = [e.code for e in response.context["entries"]]
    assert codes == ["XK-050", "XK-051"]
    html = text_of(response)
    assert "第1版 施行中" in html and "草稿" in html
    assert [e.code for e in client.get("/catalog/", {"state": "in_force"}).context["entries"]] == ["XK-050"]
    assert {e.code for e in client.get("/catalog/", {"state": "draft"}).context["entries"]} == {"XK-051", "YXJL"}
    assert [e.code for e in client.get("/catalog/", {"q": "进货"}).context["entries"]] == ["XK-051"]
    assert client.get("/catalog/", {"kind": "bogus", "state": "bogus", "page": "x"}).status_code == 200
    counts = {k["value"]: k["count"] for k in response.context["kinds"]}
    assert counts["item"] == 2 and counts["av_list"] == 1


def test_no_page_of_the_catalog_answers_with_a_server_error_for_odd_input(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-060", content=f.item_content(lib))
    client.force_login(cast.admin_a)
    odd = {"basis-TOTAL_FORMS": "x", "tiers-TOTAL_FORMS": "99999", "c-level": ["nowhere"], "add_row": "nonsense"}
    for path in ("/catalog/new/item/", f"/catalog/versions/{version.pk}/edit/",
                 f"/catalog/entries/{version.entry_id}/new-version/"):
        assert client.post(path, odd).status_code in (200, 302), path
        assert client.post(path, {}).status_code in (200, 302), path
    assert re.search(r"第1版", text_of(client.get(f"/catalog/versions/{version.pk}/")))
    assert Version.objects.count() == 1


# --- Other approvers and drafters ----------------------------------------------------------------


@pytest.mark.req("PUB-10")
def test_a_supervisor_of_the_justice_bureau_approves_an_agency_of_their_region(client, cast, lib):
    version = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-070", content=f.item_content(lib))
    submit(cast.admin_a, version)
    client.force_login(cast.supervisor)
    home = client.get("/catalog/")
    assert [v.pk for v in home.context["pending"]] == [version.pk]
    assert client.post(f"/catalog/versions/{version.pk}/approve/", {"note": "监督审核同意"}).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and version.decided_by == cast.supervisor
    # A supervisor drafts nothing.
    assert client.get("/catalog/new/item/").status_code == 403


@pytest.mark.req("PUB-10")
def test_a_department_head_drafts_only_for_their_own_department(client, cast, lib):
    head = f.add_staff(cast, "head_a1", "冯科长", [Role.DEPARTMENT_HEAD], department=cast.department_a1)
    client.force_login(head)
    page = client.get("/catalog/new/item/")
    assert list(page.context["entry_form"].fields["department"].queryset) == [cast.department_a1]
    response = client.post("/catalog/new/item/", entry_post(cast, "item", f.item_content(lib), "XK-071",
                                                            department=str(cast.department_a2.pk)))
    assert response.status_code == 200 and response.context["entry_form"].errors["department"]
    assert not Entry.objects.exists()
    response = client.post("/catalog/new/item/", entry_post(cast, "item", f.item_content(lib), "XK-071",
                                                            department=str(cast.department_a1.pk)))
    assert response.status_code == 302
    other = create_entry(cast.admin_a, agency=cast.agency_a, kind="item", code="XK-072", content=f.item_content(lib),
                         department=cast.department_a2)
    assert client.get(f"/catalog/versions/{other.pk}/edit/").status_code == 403
    assert client.post(f"/catalog/versions/{other.pk}/submit/").status_code == 403
    other.refresh_from_db()
    assert other.status == VersionStatus.DRAFT
