"""Public pages of the flowcharts and document samples (/gongshi/liucheng/, /gongshi/wenshu/)."""

import io
import xml.etree.ElementTree as ET

import docx
import pytest
from django.urls import reverse

from sanxiang.catalog import documents, flows, services
from sanxiang.catalog.models import ListKind, Version

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.req("PUB-07")
def test_flow_index_lists_every_flow(client, db):
    response = client.get("/gongshi/liucheng/")
    assert response.status_code == 200
    html = response.content.decode()
    for flow in flows.FLOWS.values():
        assert reverse("public-flow-detail", args=[flow.key]) in html
        assert flow.name in html
    assert reverse("public-flow-index") == "/gongshi/liucheng/"


@pytest.mark.req("PUB-07")
@pytest.mark.req("REV-10")
@pytest.mark.parametrize("key", list(flows.FLOWS))
def test_flow_pages_answer_for_every_flow(client, db, key):
    flow = flows.FLOWS[key]
    page = client.get(f"/gongshi/liucheng/{key}/")
    assert page.status_code == 200
    html = page.content.decode()
    # the inline chart carries the enforced transitions, and the text version lists every step in order
    for source, target in flows.transitions(key):
        assert f'data-from="{source}" data-to="{target}"' in html
    assert '<ol class="flow-steps">' in html
    positions = [html.index(f'id="step-{s.key}"') for s in flow.steps]
    assert positions == sorted(positions)

    svg = client.get(f"/gongshi/liucheng/{key}.svg")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)
    assert root.tag == f"{SVG}svg"
    png = client.get(f"/gongshi/liucheng/{key}.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


def test_flow_page_explains_steps_in_words(client, db):
    html = client.get("/gongshi/liucheng/penalty/").content.decode()
    assert "自立案之日起90日内" in html
    assert "举行听证7个工作日前" in html
    assert "重大执法决定法制审核目录清单" in html  # the guard's plain description
    assert reverse("public-document-detail", args=["CFJDS"]) in html


@pytest.mark.parametrize("path", [
    "/gongshi/liucheng/nothing/", "/gongshi/liucheng/nothing.svg", "/gongshi/liucheng/nothing.png",
    "/gongshi/wenshu/NOPE/", "/gongshi/wenshu/NOPE.docx", "/gongshi/liucheng/PENALTY/",
])
def test_unknown_keys_are_404(client, db, path):
    assert client.get(path).status_code == 404


def test_pages_are_read_only(client, db):
    assert client.post("/gongshi/liucheng/penalty/").status_code == 405
    assert client.post("/gongshi/wenshu/CFJDS.docx").status_code == 405


@pytest.mark.req("PUB-08")
@pytest.mark.parametrize("code", list(documents.DOCUMENTS))
def test_document_pages_answer_for_every_document(client, db, code):
    document = documents.DOCUMENTS[code]
    page = client.get(f"/gongshi/wenshu/{code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert document.name in html and "{{" not in html
    download = client.get(f"/gongshi/wenshu/{code}.docx")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert download["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    opened = docx.Document(io.BytesIO(download.content))
    assert opened.paragraphs[1].text == document.name


@pytest.mark.req("PUB-08")
def test_document_index_shows_built_ins_without_an_agency(client, db):
    html = client.get("/gongshi/wenshu/").content.decode()
    for document in documents.DOCUMENTS.values():
        assert reverse("public-document-detail", args=[document.code]) in html


def publish_template(cast, code: str, content: dict) -> Version:
    version = services.create_entry(cast.admin_a, agency=cast.agency_a, kind=ListKind.TEMPLATE, code=code, content=content)
    services.submit(cast.admin_a, version)
    return services.approve(cast.leader, version)


@pytest.mark.req("PUB-08")
@pytest.mark.req("PUB-10")
def test_an_agency_s_published_template_list_is_shown_and_drafts_are_not(client, cast):
    publish_template(cast, "WS-01", {"doc_code": "CFJDS", "name": "本局行政处罚决定书（2024版）", "act_kinds": ["penalty"],
                                     "purpose": "一般程序<b>处罚</b>决定"})
    draft = services.create_entry(cast.admin_a, agency=cast.agency_a, kind=ListKind.TEMPLATE, code="WS-02",
                                  content={"doc_code": "SXGZS", "name": "未审核的告知书草稿", "act_kinds": ["penalty"],
                                           "purpose": ""})
    assert draft.status == "draft"
    html = client.get(f"/gongshi/wenshu/?agency={cast.agency_a.pk}").content.decode()
    assert "本局行政处罚决定书（2024版）" in html
    assert "一般程序&lt;b&gt;处罚&lt;/b&gt;决定" in html and "<b>处罚</b>" not in html
    assert "未审核的告知书草稿" not in html
    assert f"/gongshi/wenshu/CFJDS/?agency={cast.agency_a.pk}" in html
    # the built-in list is not shown when the agency publishes its own
    assert "系统内置的执法文书样本" not in html
    # the index without an agency points to the agencies that publish a list
    index = client.get("/gongshi/wenshu/").content.decode()
    assert f"?agency={cast.agency_a.pk}" in index
    # an agency without a published list falls back to the built-ins
    other = client.get(f"/gongshi/wenshu/?agency={cast.agency_b.pk}").content.decode()
    assert "尚未公布执法文书样本清单" in other and reverse("public-document-detail", args=["CFJDS"]) in other


@pytest.mark.parametrize("value", ["abc", "<script>alert(1)</script>", "99999999", "1" * 40, "-1"])
def test_a_bad_agency_parameter_gets_a_clear_message(client, cast, value):
    response = client.get("/gongshi/wenshu/", {"agency": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "未找到该执法主体" in html
    assert "<script>alert(1)</script>" not in html
    assert client.get("/gongshi/wenshu/CFJDS/", {"agency": value}).status_code == 200
    assert client.get("/gongshi/wenshu/CFJDS.docx", {"agency": value}).status_code == 200


def test_agency_name_appears_escaped_in_preview_and_sample(client, cast):
    cast.agency_a.name = "样例县<i>市场</i>监督管理局"
    cast.agency_a.save()
    html = client.get(f"/gongshi/wenshu/CFJDS/?agency={cast.agency_a.pk}").content.decode()
    assert "样例县&lt;i&gt;市场&lt;/i&gt;监督管理局" in html and "<i>市场</i>" not in html
    data = client.get(f"/gongshi/wenshu/CFJDS.docx?agency={cast.agency_a.pk}").content
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text == "样例县<i>市场</i>监督管理局"


def test_document_detail_links_the_steps_that_produce_it(client, db):
    html = client.get("/gongshi/wenshu/SDHZ/").content.decode()
    assert f"{reverse('public-flow-detail', args=['penalty'])}#step-deliver" in html
    assert "填写项说明" in html and "service.receiver" in html
