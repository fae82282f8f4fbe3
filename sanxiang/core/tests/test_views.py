"""The staff home page (one section per role), login and logout, language switch, error pages, public home."""

import datetime
import random

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from sanxiang.org.models import Agency, OfficerCertificate, Role
from sanxiang.org.testing import make_person

pytestmark = pytest.mark.req("SUP-01")


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_sends_anonymous_visitors_to_the_login_page(client, cast):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_logs_in_and_out(client, cast):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "工作人员登录" in page.content.decode()
    assert "行政执法综合管理监督信息系统" in page.content.decode()  # the site's name, not the host's
    response = client.post(reverse("login"), {"username": "officer_a", "password": "test-pass-123"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("logout")).status_code == 405  # logout is a POST form
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_it_refuses_a_wrong_password_with_a_message(client, cast):
    response = client.post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in response.content.decode()


def test_it_shows_an_officer_their_certificate_and_colleagues(client, cast):
    page = home(client, cast.officer_a)
    assert 'data-section="certificates"' in page and "CERT-officer_a" in page
    assert 'data-section="officer"' in page and "李执法" in page  # colleague of department A1
    assert "张执法" in page and "样例县市场监督管理局" in page  # the top bar: name and agency
    assert "王执法" not in page  # another agency's officer
    assert 'data-section="leader"' not in page and 'data-section="supervisor"' not in page


def test_it_warns_an_officer_whose_certificate_expires_soon(client, cast):
    certificate = OfficerCertificate.objects.get(number="CERT-officer_a")
    certificate.expires_on = timezone.localdate() + datetime.timedelta(days=10)
    certificate.save()
    page = home(client, cast.officer_a)
    assert "即将到期" in page and "还有 10 天" in page


def test_it_tells_an_officer_without_a_certificate_they_may_not_enforce(client, cast):
    OfficerCertificate.objects.filter(number="CERT-officer_a").update(status="revoked")
    page = home(client, cast.officer_a)
    assert "吊销" in page and "暂停执法资格" in page


def test_it_shows_a_leader_the_agency_figures(client, cast):
    page = home(client, cast.leader)
    assert 'data-section="leader"' in page
    assert "持证率" in page and "100.0" in page
    # Two officers in agency A: at least 1 reviewer (5%), and there is one.
    assert "法制审核人员" in page and "1<small> / 1</small>" in page


def test_it_flags_a_leader_when_reviewers_fall_short_and_certificates_expire(client, cast):
    rng = random.Random(3)
    for index in range(20):
        make_person(cast.agency_a, cast.department_a2, f"extra{index}", f"新人{index}", [Role.OFFICER], rng=rng,
                    certificate_category="market")
    OfficerCertificate.objects.filter(number="CERT-extra0").update(
        expires_on=timezone.localdate() + datetime.timedelta(days=5)
    )
    page = home(client, cast.leader)
    assert "1<small> / 2</small>" in page and "未达标" in page  # 22 officers need 2 reviewers
    assert "CERT-extra0" in page  # in the expiring list


def test_it_shows_a_reviewer_the_review_unit_and_their_qualification(client, cast):
    page = home(client, cast.reviewer)
    assert 'data-section="reviewer"' in page
    assert "法规科" in page and "A20183500000001" in page and "赵审核" in page


def test_it_shows_a_supervisor_every_agency_of_the_region(client, cast):
    OfficerCertificate.objects.filter(number="CERT-officer_b").update(status="suspended")
    page = home(client, cast.supervisor)
    assert 'data-section="supervisor"' in page
    assert "样例县市场监督管理局" in page and "样例县生态环境局" in page
    assert "CERT-officer_b" in page  # a suspended certificate needs attention
    assert 'data-section="certificates"' not in page  # not an officer: no "you hold no certificate" warning


def test_it_shows_an_administrator_the_maintenance_links(client, cast):
    page = home(client, cast.admin_a)
    assert 'data-section="administrator"' in page
    assert reverse("org:person-add") in page and "import-officers" in page


def test_it_shows_a_department_head_the_department_and_its_problems(client, cast):
    head = make_person(cast.agency_a, cast.department_a1, "head", "高队长", [Role.DEPARTMENT_HEAD, Role.OFFICER],
                       rng=random.Random(4), certificate_category="market")
    OfficerCertificate.objects.filter(number="CERT-officer_a2").update(status="suspended")
    page = home(client, head)
    assert 'data-section="department_head"' in page and 'data-section="certificates"' in page
    assert "张执法" in page and "CERT-officer_a2" in page and "暂扣" in page


def test_it_shows_a_publisher_the_directory_entries_to_complete(client, cast):
    publisher = make_person(cast.agency_a, None, "pub", "罗公示", [Role.PUBLISHER], rng=random.Random(5))
    page = home(client, publisher)
    assert 'data-section="publisher"' in page
    assert "样例县市场监督管理局" in page and "尚未填写" in page and "救济渠道" in page


def test_it_shows_every_section_of_a_person_with_several_roles(client, cast):
    from sanxiang.org.models import RoleAssignment

    RoleAssignment.objects.create(person=cast.leader.person, role=Role.ADMINISTRATOR)
    RoleAssignment.objects.create(person=cast.leader.person, role=Role.REVIEWER)
    page = home(client, cast.leader)
    for section in ("leader", "administrator", "reviewer"):
        assert f'data-section="{section}"' in page


def test_it_gives_a_superuser_without_a_person_an_overview(client, cast):
    root = get_user_model().objects.create_superuser("root", password="test-pass-123")
    page = home(client, root)
    assert 'data-section="overview"' in page and 'data-section="administrator"' in page
    assert "样例县市场监督管理局" in page and "样例县生态环境局" in page


def test_it_tells_a_user_without_a_person_to_ask_the_administrator(client, cast):
    nobody = get_user_model().objects.create_user("nobody", password="test-pass-123")
    page = home(client, nobody)
    assert 'data-section="unlinked"' in page


def test_it_switches_to_english_and_back(client, cast):
    client.force_login(cast.officer_a)
    assert "工作台" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in page and "Dashboard" in page and "My enforcement certificates" in page
    assert "Log out" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert "工作台" in client.get(reverse("home")).content.decode()


def test_it_shows_its_own_not_found_page(client, cast):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.req("PUB-01")
@pytest.mark.req("PUB-02")
def test_it_shows_the_public_agency_directory_without_internal_data(client, cast):
    Agency.objects.filter(pk=cast.agency_a.pk).update(
        phone="0598-1234567", remedy_channel="向样例县人民政府申请行政复议", uscc_override_reason="内部说明不公开",
    )
    response = client.get(reverse("public-home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="viewport"' in page  # usable on a phone
    assert "样例县市场监督管理局" in page and "样例县生态环境局" in page
    assert "0598-1234567" in page and "向样例县人民政府申请行政复议" in page
    for internal in ("张执法", "CERT-officer_a", "执法一队", "内部说明不公开"):
        assert internal not in page
    detail = client.get(reverse("public-agency", args=[cast.agency_a.pk])).content.decode()
    assert cast.agency_a.uscc in detail and "内部说明不公开" not in detail and "执法一队" not in detail


@pytest.mark.req("PUB-02")
def test_it_searches_the_public_directory_and_hides_abolished_agencies(client, cast):
    Agency.objects.filter(pk=cast.agency_b.pk).update(is_active=False)
    page = client.get(reverse("public-home"), {"q": "市场"}).content.decode()
    assert "样例县市场监督管理局" in page and "样例县司法局" not in page
    assert "样例县生态环境局" not in client.get(reverse("public-home")).content.decode()
    assert client.get(reverse("public-agency", args=[cast.agency_b.pk])).status_code == 404
    assert client.get(reverse("public-home"), {"system": "<script>"}).status_code == 200


@pytest.mark.req("PUB-01")
def test_it_speaks_chinese_to_an_english_browser_until_asked(client, cast):
    client.force_login(cast.officer_a)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "工作台" in page
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert "Dashboard" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
