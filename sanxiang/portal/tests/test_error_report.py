"""纠错 (PUB-10): anyone reports an error on any public page; it reaches the owning department with a deadline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sanxiang.catalog.models import ErrorReport, ListKind

from .test_pages import ESCAPED, MARK, entry_url

FORM = reverse("public-error-report")


def post(client, data, **extra):
    return client.post(FORM, data, REMOTE_ADDR=extra.pop("ip", "203.0.113.7"), **extra)


def valid(cast, **overrides):
    data = {"page_path": entry_url(cast, ListKind.ITEM, "SC-CF-001"), "agency": str(cast.agency_a.pk),
            "text": "罚款幅度与条例不一致，应为五万元以上。", "contact": "13800000000", "website": ""}
    data.update(overrides)
    return data


@pytest.mark.req("PUB-10")
def test_the_form_opens_with_the_page_it_was_reached_from(client, cast, published):
    item = entry_url(cast, ListKind.ITEM, "SC-CF-001")
    page = client.get(item).content.decode()
    link = f'{FORM}?page=%2Fgongshi%2Fzhuti%2F{cast.agency_a.pk}%2Fshixiang%2FSC-CF-001%2F'
    assert link in page
    form = client.get(link).content.decode()
    assert f'value="{item}"' in form
    assert f'<option value="{cast.agency_a.pk}" selected>' in form  # the page's agency is chosen for the visitor
    assert "编码为 SC-CF-001 的清单事项" in form
    # From a page of no particular agency the visitor chooses one.
    home = client.get(FORM + "?page=/gongshi/").content.decode()
    assert 'value="/gongshi/"' in home and '<option value="" selected>' in home
    assert client.get(FORM + "?page=https://evil.example/").status_code == 200


@pytest.mark.req("PUB-10")
def test_a_report_reaches_the_owning_department_and_the_visitor_gets_a_reference_and_a_due_date(client, cast, published):
    response = post(client, valid(cast))
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    entry = published.versions[ListKind.ITEM].entry
    assert report.agency == cast.agency_a and report.entry == entry and report.department == cast.department_a1
    assert report.page_path == entry_url(cast, ListKind.ITEM, "SC-CF-001") and report.contact == "13800000000"
    assert report.status == ErrorReport.Status.OPEN and report.due_on > report.created_at.date()
    thanks = client.get(response["Location"]).content.decode()
    assert f"JC{report.created_at:%Y%m%d}{report.pk:06d}" in thanks
    assert f"{report.due_on.year}年{report.due_on.month}月{report.due_on.day}日 前核实处理" in thanks
    assert "罚款幅度" not in thanks  # the thank-you page shows no one's text
    # A forged or altered reference link shows nothing.
    assert client.get(reverse("public-error-report-thanks", args=["1"])).status_code == 404
    assert client.get(response["Location"].replace(":", "x", 1) + "x").status_code == 404


@pytest.mark.req("PUB-10")
def test_a_report_about_a_page_of_no_entry_goes_to_the_chosen_agency(client, cast, published):
    assert post(client, valid(cast, page_path="/gongshi/", agency=str(cast.agency_b.pk))).status_code == 302
    report = ErrorReport.objects.get()
    assert report.agency == cast.agency_b and report.entry is None and report.department is None
    # A page of agency A reported to agency B: the report goes to B, not tied to A's entry.
    assert post(client, valid(cast, agency=str(cast.agency_b.pk))).status_code == 302
    assert ErrorReport.objects.latest("pk").entry is None


@pytest.mark.req("PUB-10")
@pytest.mark.parametrize("change, message", [
    ({"text": ""}, "请填写纠错内容"),
    ({"text": "   \n  "}, "请填写纠错内容"),
    ({"text": "错" * 2001}, "纠错内容最多 2000 字"),
    ({"contact": "1" * 101}, "联系方式最多 100 字"),
    ({"page_path": ""}, "请填写有误的页面地址"),
    ({"page_path": "https://evil.example/x"}, "页面地址应为本平台的页面路径"),
    ({"page_path": "javascript:alert(1)"}, "页面地址应为本平台的页面路径"),
    ({"page_path": "//evil.example/"}, "页面地址应为本平台的页面路径"),
    ({"page_path": "/gongshi/ x"}, "页面地址应为本站以“/”开头的地址"),
    ({"page_path": "/" + "a" * 600}, "页面地址过长"),
    ({"agency": ""}, "请选择所涉执法主体"),
    ({"agency": "999999"}, "请选择列出的执法主体"),
    ({"agency": "abc"}, "请选择列出的执法主体"),
    ({"website": "http://spam.example/"}, "提交未被接受"),
    ({"text": "含有控制字符\x07的内容"}, "控制字符"),
    ({"text": "含有空字符\x00的内容"}, "控制字符"),
    ({"contact": "138\x00"}, "控制字符"),
    ({"page_path": "/gongshi/\x00"}, "控制字符"),
])
def test_bad_input_shows_the_form_again_with_a_message_and_saves_nothing(client, cast, published, change, message):
    response = post(client, valid(cast, **change))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "提交未成功" in page
    assert ErrorReport.objects.count() == 0


@pytest.mark.req("PUB-10")
def test_an_inactive_agency_cannot_be_chosen(client, cast, published):
    from sanxiang.org.models import Agency

    Agency.objects.filter(pk=cast.agency_b.pk).update(is_active=False)
    response = post(client, valid(cast, agency=str(cast.agency_b.pk), page_path="/gongshi/"))
    assert response.status_code == 400 and ErrorReport.objects.count() == 0


@pytest.mark.req("PUB-10")
def test_markup_in_a_report_is_escaped_when_the_form_comes_back(client, cast, published):
    page = post(client, valid(cast, text=MARK, agency="")).content.decode()
    assert "<script" not in page and ESCAPED in page
    assert ErrorReport.objects.count() == 0


@pytest.mark.req("PUB-10")
def test_one_address_may_send_only_a_few_reports(client, cast, published, settings):
    settings.SANXIANG = {**settings.SANXIANG, "ERROR_REPORT_RATE": (2, 3600)}
    assert post(client, valid(cast)).status_code == 302
    assert post(client, valid(cast, text="")).status_code == 400  # attempts count too
    refused = post(client, valid(cast))
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert ErrorReport.objects.count() == 1
    # Another address is not held back.
    assert post(client, valid(cast), ip="198.51.100.9").status_code == 302
    assert ErrorReport.objects.count() == 2


@pytest.mark.req("PUB-10")
def test_the_form_needs_no_login_and_a_get_saves_nothing(client, cast, published):
    assert client.get(FORM + "?page=/gongshi/&text=x&agency=1").status_code == 200
    assert ErrorReport.objects.count() == 0


@pytest.mark.req("PUB-10")
def test_a_deadline_the_calendar_cannot_compute_still_saves_the_report_with_a_stricter_deadline(client, cast, published,
                                                                                                  settings):
    # So many working days that the deadline falls in a year with no holiday schedule loaded.
    settings.SANXIANG = {**settings.SANXIANG, "ERROR_REPORT_WORKING_DAYS": 5000}
    response = post(client, valid(cast))
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    assert report.due_on == timezone.localdate() + datetime.timedelta(days=5000)
