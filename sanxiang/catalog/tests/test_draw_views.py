"""Staff and public pages of the double-random draw (PUB-05): thin views, clear refusals, escaped text, no JS."""

import hashlib
import io
import json
import random

import pytest
from django.urls import reverse
from openpyxl import Workbook

from sanxiang.catalog import inspections
from sanxiang.catalog.models import ConflictDeclaration, Draw, MarketSubject
from sanxiang.catalog.tests.test_draw_services import counts, subject_rows, world  # noqa: F401 — the shared fixture
from sanxiang.core.fakeids import make_uscc

pytestmark = pytest.mark.req("PUB-05")

XSS = "<script>alert('x')</script>"


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def drawn(world):  # noqa: F811
    return inspections.perform(world.head, inspections.announce(world.head, item_version=world.item, title="一季度抽查"))


# --- Staff ----------------------------------------------------------------------------------


def test_staff_pages_need_a_login(client, db):
    response = client.get(reverse("catalog-draw-list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_announce_form_publishes_a_draw_and_the_detail_shows_it(client, world):  # noqa: F811
    login(client, world.head)
    page = client.get(reverse("catalog-draw-announce"))
    assert page.status_code == 200 and "SJ-001" in page.content.decode()
    response = client.post(reverse("catalog-draw-announce"), {
        "item_version": world.item.pk, "plan_version": world.plan.pk, "title": "", "seed": "",
    }, follow=True)
    draw = Draw.objects.get()
    assert response.redirect_chain[-1][0] == reverse("catalog-draw-detail", args=[draw.pk])
    text = response.content.decode()
    assert draw.seed in text and draw.inputs_digest in text and "已公布" in text
    assert "按公布的种子抽取" in text


def test_a_bad_ratio_on_the_form_is_a_message_and_nothing_changes(client, world):  # noqa: F811
    login(client, world.head)
    before = counts()
    response = client.post(reverse("catalog-draw-announce"), {"item_version": world.item.pk, "title": "抽查",
                                                               "ratio_percent": "0"})
    assert response.status_code == 200 and "抽查比例应大于0且不超过100%" in response.content.decode()
    response = client.post(reverse("catalog-draw-announce"), {"item_version": world.item.pk, "title": "抽查",
                                                               "ratio_percent": "250"})
    assert response.status_code == 200 and "不超过100%" in response.content.decode()
    assert counts() == before


def test_too_few_inspectors_on_the_form_is_a_clear_refusal(client, cast):
    from sanxiang.catalog.tests.test_draw_services import make_world

    world = make_world(cast, extra_inspectors=0)  # noqa: F811
    inspections.declare_conflict(world.head, person=cast.officer_a.person, subject=world.subjects[0], reason="亲属")
    login(client, world.head)
    before = counts()
    response = client.post(reverse("catalog-draw-announce"), {"item_version": world.item.pk, "title": "抽查",
                                                               "ratio_percent": "100"})
    assert response.status_code == 200 and "抽取失败：" in response.content.decode()
    assert counts() == before


def test_perform_and_cancel_buttons(client, world):  # noqa: F811
    login(client, world.head)
    first = inspections.announce(world.head, item_version=world.item, title="抽查一")
    response = client.post(reverse("catalog-draw-perform", args=[first.pk]), follow=True)
    first.refresh_from_db()
    assert first.status == Draw.Status.DRAWN
    text = response.content.decode()
    assert "抽取完成" in text and "复核一致" in text and first.result_digest in text
    for row in first.result["assignments"]:
        assert row["subject"]["uscc"] in text
    again = client.post(reverse("catalog-draw-perform", args=[first.pk]), follow=True)
    assert "不能再次抽取" in again.content.decode()
    second = inspections.announce(world.head, item_version=world.item, title="抽查二")
    assert client.get(reverse("catalog-draw-cancel", args=[second.pk])).status_code == 200
    empty = client.post(reverse("catalog-draw-cancel", args=[second.pk]), {"reason": ""})
    assert empty.status_code == 200 and Draw.objects.get(pk=second.pk).status == Draw.Status.ANNOUNCED
    client.post(reverse("catalog-draw-cancel", args=[second.pk]), {"reason": "计划调整"})
    assert Draw.objects.get(pk=second.pk).status == Draw.Status.CANCELLED
    assert client.get(reverse("catalog-draw-perform", args=[second.pk])).status_code == 405


def test_officers_see_but_may_not_perform_other_agencies_see_nothing(client, world):  # noqa: F811
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    login(client, world.cast.officer_a)
    page = client.get(reverse("catalog-draw-detail", args=[draw.pk]))
    assert page.status_code == 200 and "按公布的种子抽取" not in page.content.decode()
    assert client.post(reverse("catalog-draw-perform", args=[draw.pk])).status_code == 403
    assert client.get(reverse("catalog-draw-announce")).status_code == 403
    assert client.get(reverse("catalog-draw-cancel", args=[draw.pk])).status_code == 403
    assert Draw.objects.get(pk=draw.pk).status == Draw.Status.ANNOUNCED
    login(client, world.cast.supervisor)
    assert client.get(reverse("catalog-draw-detail", args=[draw.pk])).status_code == 200
    assert client.post(reverse("catalog-draw-perform", args=[draw.pk])).status_code in (403, 404)
    login(client, world.cast.officer_b)
    assert client.get(reverse("catalog-draw-detail", args=[draw.pk])).status_code == 404
    assert client.post(reverse("catalog-draw-perform", args=[draw.pk])).status_code == 404
    assert "一季度" not in client.get(reverse("catalog-draw-list")).content.decode()
    assert Draw.objects.get(pk=draw.pk).status == Draw.Status.ANNOUNCED


def test_the_subject_pages(client, world):  # noqa: F811
    login(client, world.head)
    listing = client.get(reverse("catalog-draw-subjects"), {"q": "样例药房"})
    assert listing.status_code == 200 and "样例药房" in listing.content.decode()
    before = counts()
    bad = client.post(reverse("catalog-draw-subject-add"), {"agency": world.cast.agency_a.pk, "uscc": "123", "name": "某店",
                                                            "type": "company"})
    assert bad.status_code == 200 and "统一社会信用代码应为18位" in bad.content.decode()
    assert counts() == before
    uscc = make_uscc(random.Random(11), "350421", "9")
    client.post(reverse("catalog-draw-subject-add"), {"agency": world.cast.agency_a.pk, "uscc": uscc, "name": XSS,
                                                      "type": "company", "tags": "食品经营、餐饮服务"})
    subject = MarketSubject.objects.get(uscc=uscc)
    assert subject.tags == ["食品经营", "餐饮服务"]
    text = client.get(reverse("catalog-draw-subjects")).content.decode()
    assert XSS not in text and "&lt;script&gt;" in text


def test_the_import_page_takes_xlsx_and_shows_row_errors(client, world):  # noqa: F811
    login(client, world.head)
    rows = subject_rows(2, seed=123)
    book = Workbook()
    book.active.append(["统一社会信用代码", "名称", "监管标签"])
    book.active.append([rows[0]["uscc"], "甲店", "食品经营"])
    book.active.append(["不对的代码", "乙店", "食品经营"])
    data = io.BytesIO()
    book.save(data)
    before = counts()
    upload = io.BytesIO(data.getvalue())
    upload.name = "subjects.xlsx"
    response = client.post(reverse("catalog-draw-subject-import"), {"agency": world.cast.agency_a.pk, "file": upload})
    assert response.status_code == 200 and "第3行" in response.content.decode()
    assert counts() == before
    junk = io.BytesIO(b"not xlsx")
    junk.name = "x.xlsx"
    response = client.post(reverse("catalog-draw-subject-import"), {"agency": world.cast.agency_a.pk, "file": junk})
    assert response.status_code == 200 and "不是有效的 XLSX" in response.content.decode()
    assert counts() == before


def test_the_conflict_pages(client, world):  # noqa: F811
    subject = world.subjects[0]
    login(client, world.cast.officer_a)
    form = client.get(reverse("catalog-draw-conflict-add"))
    assert form.status_code == 200
    assert world.cast.officer_a2.person.name not in form.content.decode()  # only themself
    unknown = client.post(reverse("catalog-draw-conflict-add"), {"person": world.cast.officer_a.person.pk,
                                                                 "uscc": "91350421MA00000000", "reason": "亲属"})
    assert unknown.status_code == 200 and "名录中没有" in unknown.content.decode()
    client.post(reverse("catalog-draw-conflict-add"), {"person": world.cast.officer_a.person.pk, "uscc": subject.uscc,
                                                       "reason": XSS})
    assert ConflictDeclaration.objects.filter(person=world.cast.officer_a.person, subject=subject).exists()
    text = client.get(reverse("catalog-draw-conflicts")).content.decode()
    assert subject.name in text and XSS not in text and "&lt;script&gt;" in text
    colleague = client.post(reverse("catalog-draw-conflict-add"), {"person": world.cast.officer_a2.person.pk,
                                                                   "uscc": subject.uscc, "reason": "代报"})
    assert colleague.status_code == 200
    assert not ConflictDeclaration.objects.filter(person=world.cast.officer_a2.person).exists()


# --- Public ---------------------------------------------------------------------------------


def test_the_public_list_shows_announced_drawn_and_cancelled_draws(client, world, drawn):  # noqa: F811
    announced = inspections.announce(world.head, item_version=world.item, title="待抽取的任务")
    cancelled = inspections.announce(world.head, item_version=world.item, title="取消的任务")
    inspections.cancel(world.head, cancelled, "事项调整后重新公布")
    text = client.get(reverse("public-draw-index")).content.decode()
    for draw in (drawn, announced, cancelled):
        assert draw.title in text
    assert "<script" not in text  # plain HTML, no JavaScript
    filtered = client.get(reverse("public-draw-index"), {"agency": world.cast.agency_b.pk}).content.decode()
    assert "一季度抽查" in filtered  # agency B has no draws: the filter falls back to all
    page = client.get(reverse("public-draw-detail", args=[cancelled.pk])).content.decode()
    assert "事项调整后重新公布" in page and cancelled.seed in page


def test_the_public_detail_shows_seed_source_time_digests_and_result(client, drawn):
    text = client.get(reverse("public-draw-detail", args=[drawn.pk])).content.decode()
    assert drawn.seed in text and drawn.inputs_digest in text and drawn.result_digest in text
    assert inspections.GENERATED_SEED_SOURCE in text and "如何核对" in text and "docs/draw.md" in text
    for row in drawn.result["assignments"]:
        assert row["subject"]["name"] in text and row["subject"]["uscc"] in text
        for inspector in row["inspectors"]:
            assert inspector["name"] in text and inspector["certificate"] in text
    assert "<script" not in text


def test_the_inputs_download_is_exactly_what_the_digest_covers(client, drawn):
    response = client.get(reverse("public-draw-inputs", args=[drawn.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(response.content).hexdigest() == drawn.inputs_digest
    assert json.loads(response.content)["seed"] == drawn.seed
    result = client.get(reverse("public-draw-result", args=[drawn.pk]))
    assert hashlib.sha256(result.content).hexdigest() == drawn.result_digest


def test_an_announced_draw_has_no_result_download_and_unknown_ids_are_404(client, world):  # noqa: F811
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    assert client.get(reverse("public-draw-result", args=[draw.pk])).status_code == 404
    assert client.get(reverse("public-draw-detail", args=[draw.pk + 100])).status_code == 404
    assert client.get(reverse("public-draw-inputs", args=[draw.pk + 100])).status_code == 404
    assert client.get(reverse("public-draw-index"), {"agency": "x", "page": "zz"}).status_code == 200


def test_html_in_titles_is_escaped_on_every_page(client, world):  # noqa: F811
    draw = inspections.perform(world.head, inspections.announce(world.head, item_version=world.item, title=XSS))
    pages = [reverse("public-draw-index"), reverse("public-draw-detail", args=[draw.pk])]
    for url in pages:
        text = client.get(url).content.decode()
        assert XSS not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    login(client, world.head)
    for url in (reverse("catalog-draw-list"), reverse("catalog-draw-detail", args=[draw.pk])):
        text = client.get(url).content.decode()
        assert XSS not in text and "&lt;script&gt;" in text
