"""Downloads of the public site (XLSX, JSON) per agency and per kind: published versions in force only."""

import datetime
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from sanxiang.catalog.models import ListKind
from sanxiang.portal.sections import SECTIONS

from .conftest import NEVER_PUBLISHED, UNAPPROVED, republish, today


def workbook_text(body: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def download_urls(cast):
    a = cast.agency_a.pk
    urls = [reverse("public-download-xlsx", args=[a]), reverse("public-download-json", args=[a])]
    for section in SECTIONS:
        urls += [reverse("public-kind-download-xlsx", args=[a, section.slug]),
                 reverse("public-kind-download-json", args=[a, section.slug])]
    return urls


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return workbook_text(body)


@pytest.mark.req("PUB-01")
@pytest.mark.req("PUB-10")
def test_every_list_downloads_as_xlsx_and_json_with_published_content_only(client, cast, site):
    later = (today() + datetime.timedelta(days=400)).isoformat()
    for url in download_urls(cast):
        for query in ("", f"?on={later}", "?on=2026-13-45"):
            response = client.get(url + query)
            assert response.status_code == 200, url
            assert "attachment;" in response["Content-Disposition"]
            text = text_of(response)
            for marker in [*UNAPPROVED.values(), NEVER_PUBLISHED]:
                assert marker not in text, (url, marker)
    everything = text_of(client.get(reverse("public-download-json", args=[cast.agency_a.pk])))
    for version in site.versions.values():
        assert version.title in everything
    items = json.loads(client.get(reverse("public-kind-download-json", args=[cast.agency_a.pk, "shixiang"])).content)
    codes = [e["code"] for e in items["lists"][ListKind.ITEM]["entries"]]
    assert sorted(codes) == ["SC-CF-001", "SC-XK-001"] and list(items["lists"]) == [ListKind.ITEM]
    sheet = text_of(client.get(reverse("public-kind-download-xlsx", args=[cast.agency_a.pk, "fuwuzhinan"])))
    assert "县政务服务中心市场监管窗口" in sheet and "SC-CF-001" not in sheet


@pytest.mark.req("PUB-10")
def test_a_download_for_a_day_holds_what_was_in_force_that_day(client, cast, published):
    first = published.versions[ListKind.ITEM]
    switch = today() + datetime.timedelta(days=10)
    republish(cast, first.entry, {**first.content, "name": "下载用的修订名称"}, effective_from=switch)
    url = reverse("public-kind-download-json", args=[cast.agency_a.pk, "shixiang"])
    assert "下载用的修订名称" not in text_of(client.get(url))
    assert "下载用的修订名称" in text_of(client.get(url + f"?on={switch.isoformat()}"))


@pytest.mark.req("PUB-01")
def test_downloads_are_linked_and_refuse_unknown_agencies_and_lists(client, cast, published):
    from sanxiang.org.models import Agency

    page = client.get(reverse("public-agency", args=[cast.agency_a.pk])).content.decode()
    assert reverse("public-download-xlsx", args=[cast.agency_a.pk]) in page
    assert reverse("public-download-json", args=[cast.agency_a.pk]) in page
    listing = client.get(reverse("public-agency-list", args=[cast.agency_a.pk, "shixiang"])).content.decode()
    assert reverse("public-kind-download-xlsx", args=[cast.agency_a.pk, "shixiang"]) in listing
    across = client.get(reverse("public-list", args=["shixiang"]) + f"?agency={cast.agency_a.pk}").content.decode()
    assert reverse("public-kind-download-json", args=[cast.agency_a.pk, "shixiang"]) in across
    assert client.get(reverse("public-kind-download-xlsx", args=[cast.agency_a.pk, "no-such"])).status_code == 404
    assert client.get(reverse("public-download-json", args=[999999])).status_code == 404
    Agency.objects.filter(pk=cast.agency_b.pk).update(is_active=False)
    assert client.get(reverse("public-download-xlsx", args=[cast.agency_b.pk])).status_code == 404
