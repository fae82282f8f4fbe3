"""Public officer list and certificate verification (PUB-03, PUB-11): search, status, QR, privacy, odd input."""

import datetime
import re
from urllib.parse import quote

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from sanxiang.org import public
from sanxiang.org.models import OfficerCertificate, Person, Region, System

TODAY = timezone.localdate


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """Read a segno SVG back into its dark modules (row, column), counted from the symbol's corner.

    segno draws each row's dark runs as one path: ``M x y`` then ``h n`` (a run of n dark modules) and
    ``m dx dy`` (a relative move). The top-left finder pattern's corner is always dark, so the smallest
    row and column are the quiet zone's width and are subtracted.
    """
    match = re.search(r'<path[^>]*\sd="([^"]+)"', svg)
    assert match, "no QR path in the SVG"
    tokens = re.findall(r"[MmHh]|-?[0-9.]+", match.group(1))
    x = y = 0.0
    dark = set()
    index = 0
    while index < len(tokens):
        command = tokens[index]
        if command in "Mm":
            dx, dy = float(tokens[index + 1]), float(tokens[index + 2])
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
            index += 3
        elif command == "h":
            length = float(tokens[index + 1])
            for column in range(int(x), int(x + length)):
                dark.add((int(y), column))
            x += length
            index += 2
        else:
            raise AssertionError(f"unexpected path command {command!r}")
    top, left = min(r for r, _ in dark), min(c for _, c in dark)
    return {(r - top, c - left) for r, c in dark}


@pytest.fixture
def officers(cast):
    """The cast plus certificates in every state, and real-looking phone numbers on everyone."""
    day = TODAY()
    person_b = cast.officer_b.person
    OfficerCertificate.objects.filter(person=cast.officer_a2.person).update(status="suspended")
    OfficerCertificate.objects.create(
        person=cast.reviewer.person, number="3504210100099", categories=["market", "health"], region=cast.region,
        issued_on=day - datetime.timedelta(days=900), expires_on=day + datetime.timedelta(days=300), status="revoked",
    )
    # Expired by its date alone: the row still says valid.
    OfficerCertificate.objects.create(
        person=cast.leader.person, number="3504210100077", categories=["market"], region=cast.region,
        issued_on=day - datetime.timedelta(days=1500), expires_on=day - datetime.timedelta(days=1), status="valid",
    )
    person_b.position = "执法大队队员"
    person_b.save()
    for index, person in enumerate(Person.objects.all()):
        person.phone = f"1390595{index:04d}"
        person.save()
    return cast


def private_strings():
    """Everything about people the public must never see: ID numbers, phone numbers, birth dates."""
    values = []
    for person in Person.objects.all():
        assert person.id_number and len(person.id_number) == 18
        born = datetime.date(int(person.id_number[6:10]), int(person.id_number[10:12]), int(person.id_number[12:14]))
        values += [person.id_number, person.id_number[:17], person.phone, person.id_number[6:14],
                   born.isoformat(), f"{born.year}年{born.month}月{born.day}日", born.strftime("%Y.%m.%d")]
    return [v for v in values if v]


def certificate_path(number):
    return reverse("public-certificate", args=[number])


def listed_numbers(response):
    return re.findall(r'href="/gongshi/zhengjian/([^/"]+)/"', response.content.decode())


# --- Search (PUB-03) ----------------------------------------------------------------------------------


@pytest.mark.req("PUB-03")
@pytest.mark.parametrize("query, expected", [
    ("王执法", {"CERT-officer_b"}),  # name
    ("officer_a2", {"CERT-officer_a2"}),  # certificate number (part)
    ("生态环境局", {"CERT-officer_b"}),  # agency name
    ("生态环境", {"CERT-officer_b"}),  # category name (and agency)
    ("卫生健康", {"3504210100099"}),  # category name only
    ("样例县", {"CERT-officer_a", "CERT-officer_a2", "CERT-officer_b", "3504210100099", "3504210100077"}),  # region
])
def test_it_searches_by_name_number_agency_category_and_region(client, officers, query, expected):
    response = client.get(reverse("public-officers"), {"q": query})
    assert response.status_code == 200
    assert set(listed_numbers(response)) == expected


@pytest.mark.req("PUB-03")
def test_it_filters_by_agency_category_region_and_status(client, officers):
    url = reverse("public-officers")
    by_agency = client.get(url, {"agency": officers.agency_b.pk})
    assert set(listed_numbers(by_agency)) == {"CERT-officer_b"}
    by_category = client.get(url, {"category": System.HEALTH})
    assert set(listed_numbers(by_category)) == {"3504210100099"}
    by_status = client.get(url, {"status": "expired"})
    assert set(listed_numbers(by_status)) == {"3504210100077"}
    assert set(listed_numbers(client.get(url, {"status": "valid"}))) == {"CERT-officer_a", "CERT-officer_b"}

    other = Region.objects.get(code="350425")
    OfficerCertificate.objects.filter(number="CERT-officer_b").update(region=other)
    assert set(listed_numbers(client.get(url, {"region": other.code}))) == {"CERT-officer_b"}
    assert "CERT-officer_b" not in listed_numbers(client.get(url, {"region": officers.region.code}))
    # A region takes in the regions below it: the city holds all five certificates of its two counties.
    assert len(public.public_records(public.public_officers(region="350400"))) == 5
    combined = client.get(url, {"agency": officers.agency_a.pk, "q": "张"})
    assert set(listed_numbers(combined)) == {"CERT-officer_a"}


@pytest.mark.req("PUB-03")
def test_it_shows_only_the_public_fields_of_each_officer(client, officers):
    response = client.get(reverse("public-officers"), {"q": "王执法"})
    text = response.content.decode()
    for value in ("王执法", "样例县生态环境局", "执法大队队员", "CERT-officer_b", "生态环境", "样例县", "有效"):
        assert value in text
    assert "执法大队" not in text.replace("执法大队队员", "")  # the department is not a public field


@pytest.mark.req("PUB-03")
def test_it_lists_only_people_with_a_certificate_who_are_in_post(client, officers):
    response = client.get(reverse("public-officers"))
    text = response.content.decode()
    assert "孙管理" not in text and "周监督" not in text  # no certificate
    assert "张执法" in text
    person = officers.officer_a.person
    person.is_active = False
    person.save()
    assert "张执法" not in client.get(reverse("public-officers")).content.decode()
    # ...but the certificate of someone who left can still be verified.
    assert client.get(certificate_path("CERT-officer_a")).status_code == 200


@pytest.mark.req("PUB-03")
def test_it_paginates_and_keeps_the_filters(client, officers):
    day = TODAY()
    for index in range(35):
        person = Person.objects.create(agency=officers.agency_a, name=f"分页{index:02d}", position="科员")
        OfficerCertificate.objects.create(
            person=person, number=f"PAGE-{index:04d}", categories=["market"], region=officers.region,
            issued_on=day - datetime.timedelta(days=10), expires_on=day + datetime.timedelta(days=500),
        )
    first = client.get(reverse("public-officers"), {"q": "分页", "agency": officers.agency_a.pk})
    assert len(listed_numbers(first)) == 30
    assert "共 35 条记录" in first.content.decode()
    assert f"q=%E5%88%86%E9%A1%B5&amp;agency={officers.agency_a.pk}&amp;page=2" in first.content.decode()
    second = client.get(reverse("public-officers"), {"q": "分页", "agency": officers.agency_a.pk, "page": 2})
    assert len(listed_numbers(second)) == 5
    assert not set(listed_numbers(first)) & set(listed_numbers(second))


# --- Certificate verification (PUB-11) -------------------------------------------------------------------


@pytest.mark.req("PUB-11")
@pytest.mark.parametrize("number, status, word", [
    ("CERT-officer_a", "valid", "有效"),
    ("CERT-officer_a2", "suspended", "已暂扣"),
    ("3504210100099", "revoked", "已吊销"),
    ("3504210100077", "expired", "已过期"),
])
def test_it_shows_each_status_in_colour_and_words(client, officers, number, status, word):
    response = client.get(certificate_path(number))
    assert response.status_code == 200
    text = response.content.decode()
    assert f'class="cert-result cert-{status}"' in text
    assert f'data-status="{status}"' in text
    shown = re.search(r'<span class="cert-word">(.*?)</span>\s*<p>', text, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", shown).strip().endswith(word)  # the big word, after its mark
    for other in {"有效", "已暂扣", "已吊销", "已过期"} - {word}:
        assert other not in shown
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.req("PUB-11")
def test_expiry_is_computed_from_the_date_not_the_stored_status(officers):
    day = TODAY()
    assert OfficerCertificate.objects.get(number="3504210100077").status == "valid"
    assert public.certificate_by_number("3504210100077").status == "expired"
    # The same certificate the day before it expired was valid.
    assert public.certificate_by_number("3504210100077", day=day - datetime.timedelta(days=1)).status == "valid"
    assert public.certificate_by_number("CERT-officer_a", day=datetime.date(2030, 1, 1)).status == "expired"


@pytest.mark.req("PUB-11")
def test_the_certificate_page_shows_name_agency_categories_region_and_dates(client, officers):
    text = client.get(certificate_path("3504210100099")).content.decode()
    cert = OfficerCertificate.objects.get(number="3504210100099")
    for value in ("赵审核", "样例县市场监督管理局", "市场监管、卫生健康", "样例县",
                  f"{cert.issued_on.year}年{cert.issued_on.month}月{cert.issued_on.day}日",
                  f"{cert.expires_on.year}年{cert.expires_on.month}月{cert.expires_on.day}日"):
        assert value in text


@pytest.mark.req("PUB-11")
def test_an_unknown_number_is_a_clear_404(client, officers):
    response = client.get(certificate_path("3504219999999"))
    assert response.status_code == 404
    text = response.content.decode()
    assert "未查到该证件" in text and "3504219999999" in text
    assert client.get(reverse("public-certificate-qr", args=["3504219999999"])).status_code == 404


@pytest.mark.req("PUB-11")
def test_the_check_form_goes_to_the_certificate(client, officers):
    form = client.get(reverse("public-certificate-check"))
    assert form.status_code == 200 and 'name="number"' in form.content.decode()
    found = client.get(reverse("public-certificate-check"), {"number": " 3504210100099 "})
    assert found.status_code == 302 and found["Location"] == certificate_path("3504210100099")
    missing = client.get(reverse("public-certificate-check"), {"number": "NOPE-0000"})
    assert missing.status_code == 404 and "未查到该证件" in missing.content.decode()
    empty = client.get(reverse("public-certificate-check"), {"number": "   "})
    assert empty.status_code == 200 and "请输入证件编号" in empty.content.decode()


@pytest.mark.req("PUB-11")
def test_a_number_typed_full_width_or_lower_case_is_found(client, officers):
    OfficerCertificate.objects.create(
        person=officers.officer_b.person, number="闽A-0123456", categories=["ecology"], region=officers.region,
        issued_on=TODAY() - datetime.timedelta(days=3), expires_on=TODAY() + datetime.timedelta(days=30),
    )
    response = client.get(reverse("public-certificate-check"), {"number": "闽ａ－０１２３ 456"})
    assert response.status_code == 302
    assert response["Location"] == certificate_path("闽A-0123456")
    assert client.get(response["Location"]).status_code == 200


# --- QR codes (PUB-11) ----------------------------------------------------------------------------------


def assert_qr_encodes(svg: str, url: str):
    """The dark modules drawn by ``svg`` are exactly those of a QR code of ``url`` (at some error level)."""
    modules = svg_modules(svg)
    candidates = [segno.make(url, error=level, micro=False) for level in "lmqh"]
    matches = [qr for qr in candidates if modules == {(r, c) for r, row in enumerate(qr.matrix) for c, v in enumerate(row) if v}]
    assert matches, f"the QR code does not encode {url}"
    other = segno.make(url + "x", error=matches[0].error.lower(), micro=False)
    assert modules != {(r, c) for r, row in enumerate(other.matrix) for c, v in enumerate(row) if v}


@pytest.mark.req("PUB-11")
def test_the_qr_code_encodes_the_absolute_certificate_url(client, officers):
    response = client.get(reverse("public-certificate-qr", args=["CERT-officer_a"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert_qr_encodes(response.content.decode(), "http://testserver/gongshi/zhengjian/CERT-officer_a/")
    page = client.get(certificate_path("CERT-officer_a")).content.decode()
    assert "http://testserver/gongshi/zhengjian/CERT-officer_a/" in page  # the URL text beside the QR code


@pytest.mark.req("PUB-11")
def test_the_qr_code_uses_the_public_base_url(client, officers, settings):
    settings.SANXIANG = {**settings.SANXIANG, "PUBLIC_BASE_URL": "https://zfgs.example.gov.cn/"}
    svg = client.get(reverse("public-certificate-qr", args=["3504210100099"])).content.decode()
    assert_qr_encodes(svg, "https://zfgs.example.gov.cn/gongshi/zhengjian/3504210100099/")
    client.force_login(officers.admin_a)
    printed = client.get(reverse("public-certificate-print", args=["3504210100099"])).content.decode()
    assert_qr_encodes(printed, "https://zfgs.example.gov.cn/gongshi/zhengjian/3504210100099/")
    assert "https://zfgs.example.gov.cn/gongshi/zhengjian/3504210100099/" in printed


@pytest.mark.req("PUB-11")
def test_a_non_ascii_number_is_percent_encoded_in_the_qr_url(client, officers):
    OfficerCertificate.objects.create(
        person=officers.officer_b.person, number="闽A-0123456", categories=["ecology"], region=officers.region,
        issued_on=TODAY() - datetime.timedelta(days=3), expires_on=TODAY() + datetime.timedelta(days=30),
    )
    svg = client.get(reverse("public-certificate-qr", args=["闽A-0123456"])).content.decode()
    assert_qr_encodes(svg, f"http://testserver/gongshi/zhengjian/{quote('闽A-0123456')}/")


# --- Privacy (PUB-03, DESIGN §4.7) ------------------------------------------------------------------------


@pytest.mark.req("PUB-03")
def test_no_id_number_phone_or_birth_date_in_any_public_output(client, officers):
    secrets = private_strings()
    assert len(secrets) >= 40
    urls = [reverse("public-officers"), reverse("public-officers") + "?page=1", reverse("public-certificate-check")]
    for number in OfficerCertificate.objects.values_list("number", flat=True):
        urls += [certificate_path(number), reverse("public-certificate-qr", args=[number])]
    urls += [certificate_path("NOPE-1"), reverse("public-certificate-check") + "?number=NOPE-1"]
    for url in urls:
        body = client.get(url, follow=True).content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)


@pytest.mark.req("PUB-03")
def test_id_numbers_and_phones_are_not_searchable(client, officers):
    person = Person.objects.get(user=officers.officer_a)
    assert person.phone and person.id_number
    for query in (person.id_number, person.id_number[6:14], person.phone):
        response = client.get(reverse("public-officers"), {"q": query})
        assert listed_numbers(response) == [], query
        assert public.certificate_by_number(query) is None


@pytest.mark.req("PUB-03")
def test_public_records_carry_only_the_public_fields():
    assert set(public.PUBLIC_FIELDS) == {
        "number", "categories", "issued_on", "expires_on", "status", "person__name", "person__position",
        "person__agency_id", "person__agency__name", "region__code", "region__name",
    }


# --- Bad input never 500s; HTML is escaped -------------------------------------------------------------------

ODD = [
    "\x00", "%00", "a" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "..", "😀证件", "ＣＥＲＴ", "\u202e123",
    "%", "%%", "\\", "\t\n", "null", "0", "-1", "9" * 400, "𠀀" * 50,
]


@pytest.mark.req("PUB-11")
@pytest.mark.parametrize("value", ODD)
def test_odd_input_never_500s(client, officers, value):
    path_value = quote(value, safe="")
    responses = [
        client.get(f"/gongshi/zhengjian/{path_value}/"),
        client.get(f"/gongshi/zhengjian/{path_value}/qr.svg"),
        client.get(reverse("public-certificate-check"), {"number": value}),
        client.get(reverse("public-officers"), {"q": value}),
        client.get(reverse("public-officers"), {"agency": value, "category": value, "region": value, "status": value,
                                                "page": value}),
    ]
    for response in responses:
        assert response.status_code in (200, 302, 404), (value, response.status_code)
    assert "<script>alert(1)</script>" not in "".join(r.content.decode() for r in responses)
    client.force_login(officers.admin_a)
    for response in (client.get(f"/gongshi/zhengjian/{path_value}/print/"),
                     client.get(reverse("public-post-cards", args=[officers.agency_a.pk]), {"department": value})):
        assert response.status_code in (200, 404), (value, response.status_code)


@pytest.mark.req("PUB-11")
def test_odd_numbers_in_paths_and_pages(client, officers):
    assert client.get("/gongshi/zhengjian/%E2%80%8B/").status_code == 404
    assert client.get("/gongshi/renyuan/?page=99999999999999999999999").status_code == 200
    assert client.get("/gongshi/renyuan/?agency=99999999999999999999999").status_code == 200
    client.force_login(officers.admin_a)
    assert client.get("/gongshi/gangwei/99999999999999999999999/").status_code == 404
    assert client.get("/gongshi/gangwei/0/").status_code == 404
    assert client.post(reverse("public-officers")).status_code == 405


@pytest.mark.req("PUB-03")
def test_html_in_names_and_positions_is_escaped(client, officers):
    person = officers.officer_b.person
    person.name = '<script>alert("x")</script>'
    person.position = "<b>队长</b>"
    person.save()
    client.force_login(officers.supervisor)
    pages = [
        client.get(reverse("public-officers")),
        client.get(reverse("public-officers"), {"q": "<script>"}),
        client.get(certificate_path("CERT-officer_b")),
        client.get(reverse("public-certificate-print", args=["CERT-officer_b"])),
        client.get(reverse("public-post-cards", args=[officers.agency_b.pk])),
    ]
    for response in pages:
        text = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in text and "<b>队长</b>" not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
