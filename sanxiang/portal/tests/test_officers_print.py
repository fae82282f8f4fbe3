"""Printed material for certificate verification (PUB-11, SUP-01): the certificate back and the post cards
(岗位信息公示牌) — who may print them, what they show, and that their QR codes open the public record."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sanxiang.org.models import OfficerCertificate, Person

from .test_officers import assert_qr_encodes, private_strings


@pytest.fixture
def officers(cast):
    """Agency A: officer_a valid, officer_a2 suspended, the reviewer's certificate revoked."""
    day = timezone.localdate()
    OfficerCertificate.objects.filter(person=cast.officer_a2.person).update(status="suspended")
    OfficerCertificate.objects.create(
        person=cast.reviewer.person, number="3504210100099", categories=["market"], region=cast.region,
        issued_on=day - datetime.timedelta(days=900), expires_on=day + datetime.timedelta(days=300), status="revoked",
    )
    for index, person in enumerate(Person.objects.all()):
        person.phone = f"1390595{index:04d}"
        person.save()
    return cast


def print_url(number):
    return reverse("public-certificate-print", args=[number])


def cards_url(agency):
    return reverse("public-post-cards", args=[agency.pk])


def svgs(html):
    return re.findall(r"<svg.*?</svg>", html, re.S)


@pytest.mark.req("PUB-11")
def test_print_pages_refuse_anonymous_visitors(client, officers):
    for url in (print_url("CERT-officer_a"), cards_url(officers.agency_a)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.req("PUB-11")
def test_print_pages_refuse_other_agencies_staff(client, officers):
    client.force_login(officers.officer_b)
    assert client.get(print_url("CERT-officer_a")).status_code == 403
    assert client.get(cards_url(officers.agency_a)).status_code == 403
    assert client.get(cards_url(officers.agency_a), {"department": officers.department_a1.pk}).status_code == 403
    # ...and their own agency's are theirs to print.
    assert client.get(print_url("CERT-officer_b")).status_code == 200
    assert client.get(cards_url(officers.agency_b)).status_code == 200


@pytest.mark.req("PUB-11")
@pytest.mark.parametrize("who", ["officer_a", "leader", "admin_a", "supervisor"])
def test_own_agency_staff_and_supervisors_may_print(client, officers, who):
    client.force_login(getattr(officers, who))
    assert client.get(print_url("CERT-officer_a")).status_code == 200
    assert client.get(cards_url(officers.agency_a)).status_code == 200


@pytest.mark.req("PUB-11")
def test_a_supervisor_of_another_region_may_not_print(client, officers):
    from sanxiang.org.models import RoleAssignment

    RoleAssignment.objects.filter(person=officers.supervisor.person).update(region=officers.other_region)
    client.force_login(officers.supervisor)
    assert client.get(print_url("CERT-officer_a")).status_code == 403
    assert client.get(cards_url(officers.agency_a)).status_code == 403


@pytest.mark.req("PUB-11")
def test_an_unknown_certificate_or_agency_is_404(client, officers):
    client.force_login(officers.admin_a)
    assert client.get(print_url("NOPE-0001")).status_code == 404
    assert client.get(reverse("public-post-cards", args=[999999])).status_code == 404


@pytest.mark.req("PUB-11")
def test_the_certificate_back_shows_the_holder_the_certificate_and_its_qr_code(client, officers):
    client.force_login(officers.admin_a)
    response = client.get(print_url("CERT-officer_a"))
    text = response.content.decode()
    for value in ("照片", "张执法", "样例县市场监督管理局", "CERT-officer_a", "市场监管", "样例县", "2024.01.01", "2029.12.31",
                  "扫码核验", "@page { size: A4"):
        assert value in text, value
    assert "<script" not in text  # no JavaScript
    (svg,) = svgs(text)
    assert_qr_encodes(svg, "http://testserver/gongshi/zhengjian/CERT-officer_a/")
    assert "已吊销" not in text and 'class="stamp"' not in text


@pytest.mark.req("PUB-11")
def test_a_revoked_certificate_prints_with_its_status_stamped(client, officers):
    client.force_login(officers.admin_a)
    text = client.get(print_url("3504210100099")).content.decode()
    assert '<div class="stamp">已吊销</div>' in text
    assert "不得作为有效执法证件使用" in text


@pytest.mark.req("SUP-01")
def test_post_cards_only_for_officers_in_post_with_a_valid_certificate(client, officers):
    client.force_login(officers.leader)
    text = client.get(cards_url(officers.agency_a)).content.decode()
    assert text.count('data-testid="post-card"') == 1
    card = text[text.index('data-testid="post-card"'):]
    for value in ("岗位信息公示牌", "张执法", "科员", "CERT-officer_a", "市场监管", "样例县", "照片", "扫码核验执法证"):
        assert value in card, value
    (svg,) = svgs(text)
    assert_qr_encodes(svg, "http://testserver/gongshi/zhengjian/CERT-officer_a/")
    # The suspended officer gets no card and is named as lacking a valid certificate.
    uncertified = re.search(r'data-testid="uncertified">(.*?)</p>', text, re.S).group(1)
    assert "李执法" in uncertified and "张执法" not in uncertified
    assert "CERT-officer_a2" not in text and "3504210100099" not in text
    assert "@page { size: A4" in text and "<script" not in text


@pytest.mark.req("SUP-01")
def test_post_cards_follow_the_department_filter(client, officers):
    day = timezone.localdate()
    person = Person.objects.create(
        agency=officers.agency_a, department=officers.department_a2, name="郑窗口", position="窗口负责人"
    )
    OfficerCertificate.objects.create(
        person=person, number="3504210100123", categories=["market"], region=officers.region,
        issued_on=day - datetime.timedelta(days=10), expires_on=day + datetime.timedelta(days=700),
    )
    client.force_login(officers.admin_a)
    everyone = client.get(cards_url(officers.agency_a)).content.decode()
    assert everyone.count('data-testid="post-card"') == 2
    a2 = client.get(cards_url(officers.agency_a), {"department": officers.department_a2.pk}).content.decode()
    assert a2.count('data-testid="post-card"') == 1 and "郑窗口" in a2 and "张执法" not in a2
    assert "执法二队" in a2
    other = client.get(cards_url(officers.agency_a), {"department": officers.department_b1.pk})
    assert other.status_code == 200
    text = other.content.decode()
    assert "没有找到所选的内设机构" in text and text.count('data-testid="post-card"') == 2


@pytest.mark.req("SUP-01")
def test_a_post_card_shows_the_certificate_valid_longest_and_none_for_people_who_left(client, officers):
    day = timezone.localdate()
    person = Person.objects.get(user=officers.officer_a)
    OfficerCertificate.objects.create(
        person=person, number="3504210100555", categories=["market"], region=officers.region,
        issued_on=day - datetime.timedelta(days=1), expires_on=day + datetime.timedelta(days=3000),
    )
    client.force_login(officers.admin_a)
    text = client.get(cards_url(officers.agency_a)).content.decode()
    assert text.count('data-testid="post-card"') == 1 and "3504210100555" in text
    person.is_active = False
    person.save()
    text = client.get(cards_url(officers.agency_a)).content.decode()
    assert text.count('data-testid="post-card"') == 0 and "没有在岗且持有有效执法证的人员" in text


@pytest.mark.req("PUB-11")
def test_printed_material_has_no_id_number_phone_or_birth_date(client, officers):
    secrets = private_strings()
    client.force_login(officers.supervisor)
    urls = [cards_url(officers.agency_a), cards_url(officers.agency_b)]
    urls += [print_url(n) for n in OfficerCertificate.objects.values_list("number", flat=True)]
    for url in urls:
        body = client.get(url).content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)
