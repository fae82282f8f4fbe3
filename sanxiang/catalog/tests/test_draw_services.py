"""The double-random draw's services (PUB-05): directory, conflicts, announce → perform → replay, cancel.

The helpers and the ``world`` fixture here are shared by the other ``test_draw*`` modules.
"""

import datetime
import io
import random
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import Workbook

from sanxiang.catalog import draw as algorithm
from sanxiang.catalog import inspections, services
from sanxiang.catalog.models import ConflictDeclaration, Draw, ListKind, MarketSubject
from sanxiang.catalog.tests.factories import inspection_item_content, make_library, plan_content
from sanxiang.core.errors import RuleViolation
from sanxiang.core.fakeids import make_uscc
from sanxiang.core.models import AuditEvent
from sanxiang.org.models import CertificateStatus, OfficerCertificate, Role, System
from sanxiang.org.testing import make_person
from sanxiang.records import log
from sanxiang.records.models import LogEntry

pytestmark = pytest.mark.req("PUB-05")


@dataclass
class World:
    cast: object
    head: object  # 科室负责人 of agency A: plans draws
    inspectors: list  # users of agency A holding a valid certificate
    item: object  # published inspection item version (tags 食品经营, 2 per object)
    plan: object  # published annual plan with a task for the item
    subjects: list


def publish(cast, kind, code, content):
    """A published version, through the catalog's own review: drafted by admin_a, approved by the leader."""
    version = services.create_entry(cast.admin_a, agency=cast.agency_a, kind=kind, code=code, content=content)
    services.submit(cast.admin_a, version)
    return services.approve(cast.leader, version)


def subject_rows(count, *, seed=1, region="350421", tags=("食品经营",)):
    rng = random.Random(seed)
    return [{"uscc": make_uscc(rng, region, authority="9", kind="1"), "name": f"样例食品经营户{n:03d}",
             "tags": list(tags)} for n in range(count)]


def make_world(cast, *, subjects=20, extra_inspectors=3) -> World:
    rng = random.Random(5)
    head = make_person(cast.agency_a, cast.department_a1, "head_a", "吴科长", [Role.DEPARTMENT_HEAD], rng=rng)
    inspectors = [cast.officer_a, cast.officer_a2]
    for n in range(extra_inspectors):
        inspectors.append(make_person(cast.agency_a, cast.department_a2, f"insp{n}", f"检查员{n}", [Role.OFFICER], rng=rng,
                                      certificate_category=System.MARKET))
    lib = make_library()
    item = publish(cast, ListKind.INSPECTION_ITEM, "SJ-001", inspection_item_content(lib, ratio_percent="10.00"))
    plan = publish(cast, ListKind.INSPECTION_PLAN, "JH-2026", plan_content("SJ-001", year=timezone.localdate().year, tasks=[
        {"item_code": "SJ-001", "title": "食品经营者专项抽查", "ratio_percent": "25.00",
         "start": f"{timezone.localdate().year}-01-01", "end": f"{timezone.localdate().year}-12-31", "department": "执法一队"}]))
    rows = subject_rows(subjects, region=cast.region.code)
    rows += [{"uscc": make_uscc(rng, cast.region.code, authority="9"), "name": "样例药房", "tags": ["药品经营"]}]
    created = inspections.add_subjects(head, agency=cast.agency_a, rows=rows)
    return World(cast=cast, head=head, inspectors=inspectors, item=item, plan=plan, subjects=created[:subjects])


@pytest.fixture
def world(cast):
    return make_world(cast)


def counts():
    """What a refused request must leave unchanged."""
    return (Draw.objects.count(), LogEntry.objects.count(), AuditEvent.objects.count(), MarketSubject.objects.count(),
            ConflictDeclaration.objects.count())


def draw_entries():
    return [log.decode(e)["payload"] for e in LogEntry.objects.filter(kind=LogEntry.Kind.DRAW).order_by("seq")]


# --- Announce -------------------------------------------------------------------------------


def test_it_announces_the_seed_and_the_frozen_inputs_before_anything_is_drawn(world):
    draw = inspections.announce(world.head, item_version=world.item, title="一季度食品经营抽查")
    draw.refresh_from_db()
    assert draw.status == Draw.Status.ANNOUNCED and draw.result is None and draw.result_digest == ""
    assert len(draw.seed) == 64 and int(draw.seed, 16) >= 0  # 32 random bytes, hex
    assert draw.inputs["seed"] == draw.seed
    assert draw.inputs["context"]["seed_source"] == inspections.GENERATED_SEED_SOURCE
    assert draw.inputs_digest == algorithm.digest(draw.inputs)
    # The item's tags decide the candidates: 20 food businesses, not the pharmacy.
    assert [s["uscc"] for s in draw.inputs["subjects"]] == sorted(s.uscc for s in world.subjects)
    assert {i["person_id"] for i in draw.inputs["inspectors"]} == {u.person.pk for u in world.inspectors}
    assert draw.ratio_percent == 10 and draw.inspectors_per_object == 2
    # The log entry that publishes the seed and the digest is written now, before the draw.
    entry = LogEntry.objects.get(seq=draw.announce_seq)
    payload = log.decode(entry)["payload"]
    assert entry.kind == LogEntry.Kind.DRAW and entry.agency_id == world.cast.agency_a.pk
    assert payload["event"] == "draw.announce" and payload["seed"] == draw.seed
    assert payload["inputs_digest"] == draw.inputs_digest and payload["draw"] == draw.pk
    assert AuditEvent.objects.filter(action="catalog.draw.announce", object_id=str(draw.pk)).exists()


def test_a_plan_task_gives_the_ratio_and_the_title(world):
    draw = inspections.announce(world.head, item_version=world.item, plan_version=world.plan, title="")
    assert draw.title == "食品经营者专项抽查" and draw.plan == world.plan
    assert draw.inputs["ratio_percent"] == "25.00"
    assert draw.inputs["context"]["plan"]["code"] == "JH-2026"


def test_a_public_seed_is_kept_with_its_source(world):
    draw = inspections.announce(world.head, item_version=world.item, title="抽查", seed="03 11 17 22 28 31 + 09",
                                seed_source="福利彩票双色球第2026120期开奖号码")
    assert draw.seed == "03 11 17 22 28 31 + 09"
    assert draw.inputs["context"]["seed_source"] == "福利彩票双色球第2026120期开奖号码"
    assert draw_entries()[-1]["seed_source"] == "福利彩票双色球第2026120期开奖号码"


@pytest.mark.parametrize("seed, source, field", [
    ("0311172228", "", "seed_source"),  # a chosen seed needs its source
    ("abc", "某期开奖号码", "seed"),  # too short
    ("x" * 129, "某期开奖号码", "seed"),
    ("12\x0034", "某期开奖号码", "seed"),
])
def test_a_chosen_seed_without_source_or_malformed_is_refused(world, seed, source, field):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.announce(world.head, item_version=world.item, title="抽查", seed=seed, seed_source=source)
    assert field in refused.value.message_dict
    assert counts() == before


@pytest.mark.parametrize("ratio", ["0", "0.00", "-5", "100.01", "abc", "1e9"])
def test_a_ratio_outside_0_to_100_is_refused_and_nothing_changes(world, ratio):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.announce(world.head, item_version=world.item, title="抽查", ratio_percent=ratio)
    assert refused.value.message_dict["ratio_percent"]
    assert counts() == before


def test_ratio_100_draws_every_candidate_and_the_smallest_ratio_draws_one(world):
    everyone = inspections.perform(world.head, inspections.announce(world.head, item_version=world.item, title="全覆盖",
                                                                     ratio_percent="100"))
    assert everyone.result["object_count"] == 20
    assert sorted(a["subject"]["uscc"] for a in everyone.result["assignments"]) == sorted(s.uscc for s in world.subjects)
    one = inspections.perform(world.head, inspections.announce(world.head, item_version=world.item, title="最小",
                                                                ratio_percent="0.01"))
    assert one.result["object_count"] == 1


def test_fewer_qualified_inspectors_than_needed_is_refused_with_nothing_drawn(world):
    # Five qualified inspectors; a new version of the item asks for six per object.
    lib_item = services.new_draft(world.cast.admin_a, world.item.entry, content={
        **world.item.content, "inspectors_per_object": 6})
    services.submit(world.cast.admin_a, lib_item)
    six = services.approve(world.cast.leader, lib_item)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.announce(world.head, item_version=six, title="人手不足")
    assert refused.value.messages == ["抽取失败：具备执法资格的检查人员只有5名，少于每户所需的6名"]
    assert counts() == before


def test_suspended_expired_and_inactive_officers_are_not_candidates(world):
    suspended, expired, gone = world.inspectors[2:5]
    OfficerCertificate.objects.filter(person=suspended.person).update(status=CertificateStatus.SUSPENDED)
    OfficerCertificate.objects.filter(person=expired.person).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    gone.person.is_active = False
    gone.person.save()
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    assert {i["person_id"] for i in draw.inputs["inspectors"]} == {world.cast.officer_a.person.pk,
                                                                  world.cast.officer_a2.person.pk}


def test_a_conflict_that_leaves_a_drawn_object_short_refuses_the_whole_draw(cast):
    world = make_world(cast, subjects=4, extra_inspectors=0)  # two inspectors, two needed per object
    subject = world.subjects[0]
    inspections.declare_conflict(cast.officer_a, person=cast.officer_a.person, subject=subject, reason="配偶在该单位任职")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.announce(world.head, item_version=world.item, title="全覆盖", ratio_percent="100")
    message = refused.value.messages[0]
    assert message.startswith("抽取失败：") and subject.uscc in message and "回避后只有1名" in message
    assert counts() == before


def test_an_item_that_is_not_published_or_no_longer_in_force_is_refused(world):
    draft = services.new_draft(world.cast.admin_a, world.item.entry)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.announce(world.head, item_version=draft, title="抽查")
    assert "未发布" in refused.value.message_dict["item_version"][0]
    services.repeal(world.cast.leader, world.item.entry, effective_to=timezone.localdate(), reason="事项取消")
    world.item.refresh_from_db()
    with pytest.raises(ValidationError):
        inspections.announce(world.head, item_version=world.item, title="抽查")
    with pytest.raises(ValidationError) as wrong_kind:
        inspections.announce(world.head, item_version=world.plan, title="抽查")
    assert wrong_kind.value.message_dict["item_version"] == ["所选清单不是随机抽查事项"]
    assert counts()[0] == before[0] and counts()[1] == before[1] + 1  # only the repeal's publication entry


def test_a_plan_without_a_task_for_the_item_is_refused(world):
    lib = make_library()
    other = publish(world.cast, ListKind.INSPECTION_ITEM, "SJ-002", inspection_item_content(lib, name="另一事项"))
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.announce(world.head, item_version=other, plan_version=world.plan, title="抽查")
    assert "没有抽查事项SJ-002的任务" in refused.value.message_dict["plan_version"][0]
    assert counts() == before


def test_a_past_schedule_is_refused_and_a_future_one_holds_the_draw_until_then(world):
    with pytest.raises(ValidationError) as refused:
        inspections.announce(world.head, item_version=world.item, title="抽查",
                             scheduled_for=timezone.now() - datetime.timedelta(minutes=1))
    assert refused.value.message_dict["scheduled_for"]
    later = inspections.announce(world.head, item_version=world.item, title="抽查",
                                 scheduled_for=timezone.now() + datetime.timedelta(hours=2))
    before = counts()
    with pytest.raises(ValidationError, match="尚未到时间"):
        inspections.perform(world.head, later)
    assert counts() == before
    Draw.objects.filter(pk=later.pk).update(scheduled_for=timezone.now() - datetime.timedelta(seconds=1))
    assert inspections.perform(world.head, later).status == Draw.Status.DRAWN


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_missing_or_overlong_title_is_refused(world, title):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.announce(world.head, item_version=world.item, title=title)
    assert refused.value.message_dict["title"]
    assert counts() == before


# --- Perform, replay ------------------------------------------------------------------------


def test_perform_computes_the_result_from_the_frozen_inputs_and_logs_its_digest(world):
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    seed, inputs, inputs_digest = draw.seed, draw.inputs, draw.inputs_digest
    draw = inspections.perform(world.head, draw)
    draw.refresh_from_db()
    assert draw.status == Draw.Status.DRAWN and draw.drawn_by == world.head and draw.drawn_at is not None
    assert (draw.seed, draw.inputs, draw.inputs_digest) == (seed, inputs, inputs_digest)  # perform changes no input
    assert draw.result == algorithm.compute(inputs)
    assert draw.result_digest == algorithm.digest(draw.result)
    assert draw.result["object_count"] == 2  # ceil(20 × 10%)
    for row in draw.result["assignments"]:
        assert len({i["person_id"] for i in row["inspectors"]}) == 2
    entry = log.decode(LogEntry.objects.get(seq=draw.draw_seq))["payload"]
    assert entry["event"] == "draw.perform" and entry["result_digest"] == draw.result_digest
    assert entry["inputs_digest"] == inputs_digest and draw.draw_seq > draw.announce_seq
    assert log.decode(LogEntry.objects.get(seq=draw.announce_seq))["payload"]["seed"] == seed
    assert inspections.replay(draw) == (True, draw.result)


def test_the_result_depends_on_the_frozen_inputs_only(world):
    """Changes after the announcement (new subject, revoked certificate, new conflict) do not reach the draw."""
    draw = inspections.announce(world.head, item_version=world.item, title="抽查", ratio_percent="100")
    expected = algorithm.compute(draw.inputs)
    inspections.add_subject(world.head, agency=world.cast.agency_a, uscc=make_uscc(random.Random(99), "350421", "9"),
                            name="公布后新设的食品店", tags=["食品经营"])
    OfficerCertificate.objects.filter(person=world.inspectors[0].person).update(status=CertificateStatus.REVOKED)
    inspections.declare_conflict(world.head, person=world.inspectors[1].person, subject=world.subjects[0], reason="亲属")
    assert inspections.perform(world.head, draw).result == expected


def test_drawing_twice_is_refused_and_changes_nothing(world):
    draw = inspections.perform(world.head, inspections.announce(world.head, item_version=world.item, title="抽查"))
    result, before = draw.result, counts()
    with pytest.raises(RuleViolation, match="PUB-05: .*不能再次抽取"):
        inspections.perform(world.head, draw)
    draw.refresh_from_db()
    assert draw.result == result and counts() == before


def test_changed_inputs_are_caught_before_drawing(world):
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    tampered = {**draw.inputs, "seed": "另一个种子"}
    Draw.objects.filter(pk=draw.pk).update(inputs=tampered)
    before = counts()
    with pytest.raises(RuleViolation, match="与公布时的摘要不符"):
        inspections.perform(world.head, draw)
    assert counts() == before and Draw.objects.get(pk=draw.pk).status == Draw.Status.ANNOUNCED


def test_replay_names_a_changed_result(world):
    draw = inspections.perform(world.head, inspections.announce(world.head, item_version=world.item, title="抽查"))
    changed = {**draw.result, "assignments": list(reversed(draw.result["assignments"]))}
    Draw.objects.filter(pk=draw.pk).update(result=changed)
    draw.refresh_from_db()
    ok, recomputed = inspections.replay(draw)
    assert not ok and recomputed == algorithm.compute(draw.inputs)
    outcome = inspections.check(draw)
    assert any("第1户" in p for p in outcome.problems)


# --- Cancel ---------------------------------------------------------------------------------


def test_cancel_before_the_draw_logs_the_reason_and_blocks_the_draw(world):
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    inspections.cancel(world.head, draw, "抽查事项调整，重新公布")
    draw.refresh_from_db()
    assert draw.status == Draw.Status.CANCELLED
    assert inspections.cancellation(draw)["reason"] == "抽查事项调整，重新公布"
    assert draw_entries()[-1] == {"event": "draw.cancel", "draw": draw.pk, "inputs_digest": draw.inputs_digest,
                                  "reason": "抽查事项调整，重新公布"}
    before = counts()
    with pytest.raises(RuleViolation, match="已取消"):
        inspections.perform(world.head, draw)
    with pytest.raises(RuleViolation, match="已取消"):
        inspections.cancel(world.head, draw, "再取消一次")
    assert counts() == before


def test_a_drawn_draw_cannot_be_cancelled_and_a_reason_is_required(world):
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    with pytest.raises(ValidationError) as refused:
        inspections.cancel(world.head, draw, "  ")
    assert refused.value.message_dict["reason"]
    inspections.perform(world.head, draw)
    before = counts()
    with pytest.raises(RuleViolation, match="已于.*完成，不能取消"):
        inspections.cancel(world.head, draw, "想换个结果")
    assert counts() == before


# --- Who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer_a", "reviewer", "supervisor", "officer_b", "anonymous"])
def test_only_planners_of_the_agency_announce(world, who):
    before = counts()
    with pytest.raises(PermissionDenied):
        inspections.announce(getattr(world.cast, who), item_version=world.item, title="抽查")
    assert counts() == before


def test_administrators_and_department_heads_plan(world):
    assert inspections.announce(world.cast.admin_a, item_version=world.item, title="抽查").pk
    assert inspections.announce(world.head, item_version=world.item, title="抽查").pk


@pytest.mark.parametrize("who", ["officer_a", "supervisor", "officer_b"])
def test_others_may_not_perform_or_cancel(world, who):
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    before = counts()
    with pytest.raises(PermissionDenied):
        inspections.perform(getattr(world.cast, who), draw)
    with pytest.raises(PermissionDenied):
        inspections.cancel(getattr(world.cast, who), draw, "理由")
    assert counts() == before and Draw.objects.get(pk=draw.pk).status == Draw.Status.ANNOUNCED


def test_staff_and_supervisors_see_the_agencys_draws_others_do_not(world):
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    for who in ("officer_a", "leader", "supervisor"):
        assert list(inspections.draws_for(getattr(world.cast, who))) == [draw]
    for who in ("officer_b", "anonymous"):
        assert not inspections.draws_for(getattr(world.cast, who)).exists()


# --- Directory and conflicts ----------------------------------------------------------------


@pytest.mark.parametrize("uscc, message", [
    ("123", "应为18位"),
    ("91350421MA2XXXXXXO", "不允许的字符"),
])
def test_an_invalid_uscc_is_refused(world, uscc, message):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.add_subject(world.head, agency=world.cast.agency_a, uscc=uscc, name="某公司")
    assert message in refused.value.message_dict["uscc"][0]
    assert counts() == before


def test_a_wrong_check_character_needs_a_written_reason_and_a_duplicate_is_refused(world):
    good = make_uscc(random.Random(3), "350421", "9")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.add_subject(world.head, agency=world.cast.agency_a, uscc=wrong, name="老代码公司")
    assert "校验码例外说明" in " ".join(refused.value.message_dict["uscc"])
    assert counts() == before
    subject = inspections.add_subject(world.head, agency=world.cast.agency_a, uscc=wrong, name="老代码公司",
                                      check_char_reason="2015年赋码，营业执照原件核对无误")
    assert AuditEvent.objects.get(action="catalog.subject.add", object_id=str(subject.pk)).reason.startswith("2015年")
    with pytest.raises(ValidationError, match="已在本单位的检查对象名录中"):  # lower case is the same code
        inspections.add_subject(world.head, agency=world.cast.agency_a, uscc=world.subjects[0].uscc.lower(), name="重复")


def test_a_bulk_add_with_one_bad_row_stores_nothing_and_names_the_row(world):
    rows = subject_rows(3, seed=42)
    rows[1]["uscc"] = "不是代码"
    rows.append({"uscc": rows[0]["uscc"], "name": "同一代码两次"})
    before = counts()
    with pytest.raises(ValidationError) as refused:
        inspections.add_subjects(world.head, agency=world.cast.agency_a, rows=rows)
    assert refused.value.messages[0].startswith("第2行：统一社会信用代码应为18位")
    assert refused.value.messages[1].startswith("第4行：") and "已在本单位" in refused.value.messages[1]
    assert counts() == before


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_reads_the_columns_and_reports_row_numbers(world):
    ok = subject_rows(2, seed=77)
    data = _xlsx([["统一社会信用代码", "名称", "主体类型", "行业", "住所", "监管标签"],
                  [ok[0]["uscc"], "甲餐馆", "个体工商户", "餐饮", "城关镇1号", "食品经营、餐饮服务"],
                  [None, None, None, None, None, None],
                  [ok[1]["uscc"], "乙超市", "企业", "零售", "", "食品经营"]])
    rows = inspections.read_subjects_xlsx(data)
    assert [r["row"] for r in rows] == [2, 4]
    created = inspections.add_subjects(world.head, agency=world.cast.agency_a, rows=rows)
    assert created[0].type == MarketSubject.Type.INDIVIDUAL_BUSINESS and created[0].tags == ["食品经营", "餐饮服务"]
    bad = _xlsx([["统一社会信用代码", "名称"], ["12345", "丙公司"]])
    with pytest.raises(ValidationError, match="第2行"):
        inspections.add_subjects(world.head, agency=world.cast.agency_a, rows=inspections.read_subjects_xlsx(bad))
    with pytest.raises(ValidationError, match="不是有效的 XLSX"):
        inspections.read_subjects_xlsx(b"not a spreadsheet")
    with pytest.raises(ValidationError, match="至少包含"):
        inspections.read_subjects_xlsx(_xlsx([["名字", "代码"], ["a", "b"]]))


def test_only_planners_keep_the_directory(world):
    before = counts()
    for who in ("officer_a", "supervisor", "officer_b"):
        with pytest.raises(PermissionDenied):
            inspections.add_subjects(getattr(world.cast, who), agency=world.cast.agency_a, rows=subject_rows(1, seed=8))
    assert counts() == before


def test_a_person_declares_their_own_conflict_but_not_a_colleagues(world):
    subject = world.subjects[0]
    declaration = inspections.declare_conflict(world.cast.officer_a, person=world.cast.officer_a.person, subject=subject,
                                               reason="曾在该单位工作")
    assert declaration.declared_by == world.cast.officer_a
    before = counts()
    with pytest.raises(PermissionDenied):
        inspections.declare_conflict(world.cast.officer_a, person=world.cast.officer_a2.person, subject=subject,
                                     reason="代同事申报")
    with pytest.raises(ValidationError, match="已申报"):
        inspections.declare_conflict(world.head, person=world.cast.officer_a.person, subject=subject, reason="重复")
    with pytest.raises(ValidationError) as empty:
        inspections.declare_conflict(world.head, person=world.cast.officer_a2.person, subject=subject, reason=" ")
    assert empty.value.message_dict["reason"]
    with pytest.raises(ValidationError, match="本单位"):
        inspections.declare_conflict(world.cast.officer_b, person=world.cast.officer_b.person, subject=subject,
                                     reason="跨单位")
    assert counts() == before


def test_declared_conflicts_are_frozen_into_the_inputs_and_respected(world):
    for subject in world.subjects:
        inspections.declare_conflict(world.head, person=world.cast.officer_a.person, subject=subject, reason="亲属经营")
    draw = inspections.perform(world.head, inspections.announce(world.head, item_version=world.item, title="抽查",
                                                                ratio_percent="100"))
    assert len(draw.inputs["conflicts"]) == 20
    for row in draw.result["assignments"]:
        assert world.cast.officer_a.person.pk not in {i["person_id"] for i in row["inspectors"]}


def test_inactive_subjects_are_not_candidates(world):
    inspections.set_subject_active(world.head, world.subjects[0], active=False, reason="已注销")
    draw = inspections.announce(world.head, item_version=world.item, title="抽查")
    assert world.subjects[0].uscc not in {s["uscc"] for s in draw.inputs["subjects"]}
    assert len(draw.inputs["subjects"]) == 19


def test_the_demo_helper_makes_a_completed_draw(world):
    rows = inspections.demo_subject_rows(random.Random(1), region_code="350421", count=10)
    inspections.add_subjects(world.head, agency=world.cast.agency_a, rows=rows)
    draw = inspections.completed_draw(world.head, item_version=world.item, plan_version=world.plan, seed="2026-demo-seed",
                                      seed_source="演示数据固定种子")
    assert draw.status == Draw.Status.DRAWN and inspections.replay(draw)[0]
