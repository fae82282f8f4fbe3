"""The inspection flow (行政检查, PUB-05, PUB-12): task → (draw) → inspect → result → (refer) → publish."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.cases.models import AgencyCaseRules, Case, CaseStatus, StepRecord
from sanxiang.cases.testing import move, org_party, register
from sanxiang.catalog import inspections
from sanxiang.catalog.models import Draw
from sanxiang.catalog.tests.test_draw_services import make_world
from sanxiang.core.errors import RuleViolation
from sanxiang.core.workdays import add_working_days
from sanxiang.org.models import Role
from sanxiang.org.testing import make_person

CHECKLIST = "证照是否齐全\n是否销售过期食品\n从业人员健康证明"


def state(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, StepRecord.objects.filter(case=case).count(), Case.objects.count()


def task(**extra):
    return {"inspection_item": "SJ-001 食品经营者检查", "basis": "《食品安全法》第一百一十条", "checklist": CHECKLIST,
            **extra}


def inspect_data(**extra):
    return {"results": "符合\n不符合：货架有过期牛奶2盒\n符合", "findings": "现场检查发现过期食品。",
            "place": "样例县城关镇1号", **extra}


def head(cast):
    return make_person(cast.agency_a, cast.department_a1, "head_x", "吴科长", [Role.DEPARTMENT_HEAD],
                       rng=random.Random(3))


@pytest.mark.req("PUB-12")
def test_a_targeted_inspection_finds_nothing_and_is_published(cast):
    case = register(cast, flow="inspection", title="投诉举报核查", step=task(reason="投诉举报"))
    assert case.current_step == "task" and case.source == "inspection"
    case = move(cast.officer_a, case, "inspect", inspect_data(results="符合\n符合\n不涉及"))
    record = StepRecord.objects.get(case=case, step="inspect")
    assert record.data["counts_for_statistics"] is True
    assert [r["answer"] for r in record.data["checklist_results"]] == ["符合", "符合", "不涉及"]
    assert sorted(record.data["officers"]) == sorted([cast.officer_a.person.pk, cast.officer_a2.person.pk])
    case = move(cast.officer_a, case, "result", {"result": "no_problem", "result_text": "未发现问题"})
    before = state(case)
    with pytest.raises(RuleViolation) as refused:  # nothing to refer
        move(cast.officer_a, case, "refer", {"facts": "无"})
    assert refused.value.rule == "XZCFF-54" and state(case) == before
    case = move(cast.officer_a, case, "publish", {"channel": "portal"})
    assert case.status == CaseStatus.CLOSED
    published = StepRecord.objects.get(case=case, step="publish")
    assert published.data["on_time"] is True
    assert published.data["due_on"] == add_working_days(timezone.localdate(), 20).isoformat()


@pytest.mark.req("PUB-12")
def test_an_incomplete_record_does_not_count_for_statistics(cast):
    case = register(cast, flow="inspection", title="检查", step=task())
    case = move(cast.officer_a, case, "inspect", inspect_data(results="符合\n符合"))  # one item unanswered
    assert StepRecord.objects.get(case=case, step="inspect").data["counts_for_statistics"] is False
    other = register(cast, flow="inspection", title="检查", step=task())
    other = move(cast.officer_a, other, "inspect", inspect_data(findings=""))  # no record text
    assert StepRecord.objects.get(case=other, step="inspect").data["counts_for_statistics"] is False


@pytest.mark.req("LAW-01")
def test_inspection_gates_refuse_with_nothing_changed(cast):
    case = register(cast, flow="inspection", title="检查", step=task())
    before = state(case)
    with pytest.raises(RuleViolation) as refused:  # a targeted task has no draw
        move(head(cast), case, "draw", {})
    assert refused.value.rule == "PUB-05"
    with pytest.raises(RuleViolation) as refused:  # one officer
        move(cast.officer_a, case, "inspect", inspect_data(officers=[cast.officer_a.person.pk]))
    assert refused.value.rule == "LAW-01"
    with pytest.raises(ValidationError) as bad:  # more answers than items
        move(cast.officer_a, case, "inspect", inspect_data(results="符合\n符合\n符合\n符合"))
    assert "results" in bad.value.message_dict
    with pytest.raises(ValidationError) as bad:  # an answer that is not one of the words
        move(cast.officer_a, case, "inspect", inspect_data(results="好\n符合\n符合"))
    assert "results" in bad.value.message_dict
    with pytest.raises(RuleViolation):  # steps out of order
        move(cast.officer_a, case, "publish", {"channel": "portal"})
    assert state(case) == before
    case = move(cast.officer_a, case, "inspect", inspect_data())
    case = move(cast.officer_a, case, "result", {"result": "violation", "result_text": "发现销售过期食品"})
    before = state(case)
    with pytest.raises(RuleViolation) as refused:  # a violation must be referred before publication
        move(cast.officer_a, case, "publish", {"channel": "portal"})
    assert refused.value.rule == "PUB-12" and state(case) == before


@pytest.mark.req("PUB-05")
def test_a_violation_is_referred_to_a_new_penalty_case(cast):
    case = register(cast, flow="inspection", title="食品专项检查", parties=[org_party()], step=task())
    case = move(cast.officer_a, case, "inspect", inspect_data())
    case = move(cast.officer_a, case, "result", {"result": "violation", "result_text": "发现销售过期食品"})
    case = move(cast.officer_a, case, "refer", {"facts": "销售超过保质期的牛奶2盒"})
    record = StepRecord.objects.get(case=case, step="refer")
    child = Case.objects.get(number=record.data["penalty_case"])
    assert child.flow_key == "penalty" and child.parent_id == case.pk and child.current_step == "register"
    assert child.title == "检查发现：食品专项检查" and child.department_id == case.department_id
    registered = StepRecord.objects.get(case=child, action="register")
    assert "销售超过保质期的牛奶2盒" in registered.data["source_description"]
    assert registered.data["discovered_on"] == timezone.localdate().isoformat()
    assert [p.id_number for p in child.parties.all()] == [p.id_number for p in case.parties.all()]
    assert set(child.officer_links.values_list("person_id", flat=True)) == set(
        case.officer_links.values_list("person_id", flat=True))
    case = move(cast.officer_a, case, "publish", {"channel": "gsxt"})
    assert case.status == CaseStatus.CLOSED


@pytest.mark.req("PUB-05")
def test_a_refused_referral_leaves_no_penalty_case(cast):
    case = register(cast, flow="inspection", title="检查", step=task())
    case = move(cast.officer_a, case, "inspect", inspect_data())
    case = move(cast.officer_a, case, "result", {"result": "violation", "result_text": "发现问题"})
    before = state(case)
    with pytest.raises(ValidationError):
        move(cast.officer_a, case, "refer", {"facts": "<b>x</b>"})
    assert state(case) == before


@pytest.fixture
def drawn(cast):
    world = make_world(cast)
    draw = inspections.announce(world.head, item_version=world.item, title="一季度食品经营抽查")
    draw = inspections.perform(world.head, draw)
    return world, draw


def drawn_party(row):
    return {"party_type": "organisation", "name": row["subject"]["name"], "id_type": "uscc",
            "id_number": row["subject"]["uscc"], "legal_representative": "林经营"}


@pytest.mark.req("PUB-05")
def test_a_random_inspection_follows_its_draw(cast, drawn):
    world, draw = drawn
    AgencyCaseRules.objects.create(agency=cast.agency_a, random_inspection_publish_days=10)
    row = draw.result["assignments"][0]
    case = register(cast, flow="inspection", title="双随机抽查", parties=[drawn_party(row)], step=task(draw_id=draw.pk))
    assert case.source == "random"
    before = state(case)
    with pytest.raises(RuleViolation) as refused:  # a random task goes through the draw step
        move(cast.officer_a, case, "inspect", inspect_data())
    assert refused.value.rule == "PUB-05" and state(case) == before
    case = move(world.head, case, "draw", {})
    record = StepRecord.objects.get(case=case, step="draw")
    drawn_people = [i["person_id"] for i in row["inspectors"]]
    assert record.data["inspectors"] == drawn_people and record.data["result_digest"] == draw.result_digest
    others = [u.person.pk for u in world.inspectors if u.person.pk not in drawn_people][:2]
    before = state(case)
    with pytest.raises(RuleViolation) as refused:  # inspectors who were not drawn
        move(cast.officer_a, case, "inspect", inspect_data(officers=others))
    assert refused.value.rule == "PUB-05" and state(case) == before
    case = move(cast.officer_a, case, "inspect", inspect_data(officers=drawn_people))
    case = move(cast.officer_a, case, "result", {"result": "corrected", "result_text": "当场责令改正"})
    case = move(cast.officer_a, case, "publish", {"channel": "portal"})
    published = StepRecord.objects.get(case=case, step="publish")
    assert published.data["due_on"] == add_working_days(timezone.localdate(), 10).isoformat()  # the agency's period


@pytest.mark.req("PUB-05")
def test_a_draw_of_another_agency_or_not_drawing_the_party_is_refused(cast, drawn):
    world, draw = drawn
    count = Case.objects.count()
    drawn_ids = {a["subject"]["uscc"] for a in draw.result["assignments"]}
    outsider = next(s for s in world.subjects if s.uscc not in drawn_ids)
    with pytest.raises(RuleViolation) as refused:
        register(cast, flow="inspection", title="抽查", step=task(draw_id=draw.pk),
                 parties=[{"party_type": "organisation", "name": outsider.name, "id_type": "uscc",
                           "id_number": outsider.uscc, "legal_representative": "某人"}])
    assert refused.value.rule == "PUB-05"
    with pytest.raises(ValidationError) as bad:
        register(cast, flow="inspection", title="抽查", step=task(draw_id=draw.pk + 999),
                 parties=[drawn_party(draw.result["assignments"][0])])
    assert "draw_id" in bad.value.message_dict
    announced = inspections.announce(world.head, item_version=world.item, title="未抽取")
    with pytest.raises(RuleViolation):
        register(cast, flow="inspection", title="抽查", step=task(draw_id=announced.pk),
                 parties=[drawn_party(draw.result["assignments"][0])])
    assert Draw.objects.get(pk=announced.pk).status == Draw.Status.ANNOUNCED
    assert Case.objects.count() == count
