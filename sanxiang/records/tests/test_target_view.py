"""REC-07: all text and AV records of one enforcement target across cases, in time order, scoped to the user."""

import random

import pytest
from django.db import transaction
from django.urls import reverse

from sanxiang.core.fakeids import make_id_number, make_uscc
from sanxiang.core.identifiers import mask_id_number
from sanxiang.records import access_log, log
from sanxiang.records.selectors import parse_target, records_of_target

from .factories import make_evidence, moment, records_root

pytestmark = pytest.mark.req("REC-07")
RNG = random.Random(11)
COMPANY = make_uscc(RNG, "350421")
PERSON = make_id_number(RNG, "350421")


@pytest.fixture
def history(cast, settings, tmp_path):
    records_root(settings, tmp_path)
    org = {"target_type": "organisation", "target_id": COMPANY, "target_name": "某某食品有限公司"}
    late = make_evidence(cast.officer_a, title="复查录像", kind="video", case_ref="样市监罚〔2026〕2号",
                         captured_from=moment(15, day=12), captured_to=moment(16, day=12), **org)
    early = make_evidence(cast.officer_a, title="检查照片", case_ref="样市监罚〔2026〕1号",
                          captured_from=moment(9, day=10), **org)
    with transaction.atomic():
        step = log.append("document", {"title": "责令改正通知书"}, agency=cast.agency_a, case_ref="样市监罚〔2026〕1号",
                          target_id=COMPANY, at=moment(11, day=11))
    other_agency = make_evidence(cast.officer_b, title="环保检查", captured_from=moment(10, day=11), **org)
    person = make_evidence(cast.officer_a, title="询问笔录", target_type="person", target_id=PERSON,
                           target_name="张三", captured_from=moment(10, day=11))
    access_log.open_record(cast.leader, early, action="view", purpose="查阅")  # access events are not listed
    return {"late": late, "early": early, "step": step, "other_agency": other_agency, "person": person}


def test_it_lists_a_targets_records_across_cases_in_time_order(cast, history):
    items = records_of_target(cast.leader, COMPANY)
    assert [i.title for i in items] == ["检查照片", "责令改正通知书", "复查录像"]
    assert {i.case_ref for i in items} == {"样市监罚〔2026〕1号", "样市监罚〔2026〕2号"}
    assert items[0].evidence == history["early"] and items[1].evidence is None


def test_it_is_scoped_to_what_the_user_may_see(cast, history):
    assert [i.title for i in records_of_target(cast.supervisor, COMPANY)] == [
        "检查照片", "环保检查", "责令改正通知书", "复查录像"]
    assert [i.title for i in records_of_target(cast.officer_b, COMPANY)] == ["环保检查"]
    assert records_of_target(cast.admin_a, COMPANY) == []
    assert records_of_target(cast.anonymous, COMPANY) == []


def test_identifiers_are_validated_by_the_declared_type():
    assert parse_target("organisation", COMPANY.lower()).ok
    assert parse_target("person", PERSON).display == mask_id_number(PERSON)
    assert not parse_target("person", COMPANY).ok  # never guessed from the value
    assert "18位" in parse_target("organisation", "123").errors[0]
    assert not parse_target("alien", COMPANY).ok


def test_the_page_searches_by_uscc(client, cast, history):
    client.force_login(cast.leader)
    page = client.post(reverse("records:target"), {"type": "organisation", "id": COMPANY}).content.decode()
    assert page.index("检查照片") < page.index("责令改正通知书") < page.index("复查录像")
    assert "环保检查" not in page


def test_the_page_masks_a_natural_persons_id_number(client, cast, history):
    client.force_login(cast.leader)
    page = client.post(reverse("records:target"), {"type": "person", "id": PERSON}).content.decode()
    assert "询问笔录" in page and mask_id_number(PERSON) in page
    assert PERSON not in page


@pytest.mark.parametrize("params, message", [
    ({"type": "organisation", "id": "12345"}, "18位"),
    ({"type": "person", "id": "35042119991332001X"}, "身份证号码"),
    ({"type": "alien", "id": COMPANY}, "请选择执法对象类型"),
    ({"type": "organisation", "id": "<script>x</script>"}, "统一社会信用代码"),
])
def test_the_page_explains_a_bad_identifier(client, cast, history, params, message):
    client.force_login(cast.leader)
    response = client.post(reverse("records:target"), params)
    assert response.status_code == 200 and message in response.content.decode()
    assert "<script>x" not in response.content.decode()


def test_the_api_lists_a_targets_records(client, cast, history):
    client.force_login(cast.officer_a)
    url = reverse("records-api-target-records", args=["organisation", COMPANY])
    body = client.get(url).json()
    assert [r["title"] for r in body["results"]] == ["检查照片", "责令改正通知书", "复查录像"]
    assert body["results"][0]["evidence"] == history["early"].pk and body["results"][1]["evidence"] is None
    assert client.get(reverse("records-api-target-records", args=["person", "123"])).status_code == 400
    client.logout()
    assert client.get(url).status_code in (401, 403)
