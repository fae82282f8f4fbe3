"""The catalogs' demo data (sanxiang/catalog/demo.py), loaded by every registered loader as ``sanxiang demo`` does.

The whole demo is loaded once for the module, in a transaction rolled back at the end; each test
runs in its own savepoint inside it.
"""

import datetime
import json
import random
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from sanxiang.catalog import inspections, review_rules, selectors
from sanxiang.catalog.demo import AUDIT_ACTION, directory_rows, load_demo_catalog
from sanxiang.catalog.kinds.basis import fine_caps
from sanxiang.catalog.kinds.guide import TEXT_FIELDS
from sanxiang.catalog.models import (
    ConflictDeclaration,
    Draw,
    Entry,
    ErrorReport,
    ListKind,
    MarketSubject,
    Provision,
    Version,
    VersionStatus,
)
from sanxiang.catalog.vocab import ActKind
from sanxiang.core import demo_registry
from sanxiang.core.identifiers import check_uscc
from sanxiang.core.models import AuditEvent
from sanxiang.org.models import Agency, Person, Region, Role, System
from sanxiang.records import avrules
from sanxiang.records.models import LogEntry

TODAY = timezone.localdate
SIX = {System.MARKET, System.COMPREHENSIVE, System.ECOLOGY, System.TRANSPORT, System.HEALTH, System.EMERGENCY}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every registered loader, once for the module; rolled back afterwards."""
    root = tmp_path_factory.mktemp("demo-records")
    from django.conf import settings

    records = {**settings.RECORDS, "ROOT": root, "CHECKPOINT_KEY_FILE": root / "keys" / "checkpoint-ed25519.key"}
    with override_settings(RECORDS=records, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
            django_db_blocker.unblock(), transaction.atomic():
        logins = demo_registry.load_all()
        yield logins
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def agencies():
    return {a.system: a for a in Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT)}


def in_force_items(kind=ListKind.ITEM, on=None):
    return list(selectors.in_force(kind, on=on))


# These two come first: they run before the module's demo data is loaded.


def test_the_directory_is_the_same_for_the_same_seed(db):
    county = Region(code="359721", name="云岫县")
    first = directory_rows(random.Random(5), System.MARKET, county)
    assert first == directory_rows(random.Random(5), System.MARKET, county)
    assert first != directory_rows(random.Random(6), System.MARKET, county)
    assert len({row["name"] for row in first}) == len(first) == 60


def test_without_the_demo_registry_it_loads_nothing(cast):
    assert load_demo_catalog(random.Random(1)) == []
    assert not Entry.objects.exists() and not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()


@pytest.mark.req("PUB-04")
def test_it_publishes_at_least_30_items_across_kinds_at_least_5_per_agency(loaded):
    items = in_force_items()
    assert len(items) >= 30
    by_agency = {}
    for version in items:
        by_agency.setdefault(version.entry.agency.system, []).append(version)
    assert SIX <= set(by_agency)
    for system, versions in by_agency.items():
        assert len(versions) >= 5, system
    kinds = {v.category for v in items}
    assert {ActKind.PENALTY, ActKind.LICENSE, ActKind.INSPECTION, ActKind.COERCION, ActKind.OTHER} <= kinds
    for version in items:
        content = version.content
        assert content["basis"] and content["procedure"] and content["time_limit"] and content["fees"]
        assert content["level"] and content["sector"]


@pytest.mark.req("PUB-04")
def test_every_basis_cites_a_provision_of_the_library_with_its_text(loaded):
    versions = Version.objects.filter(status=VersionStatus.PUBLISHED,
                                      entry__kind__in=[ListKind.ITEM, ListKind.GUIDE, ListKind.INSPECTION_ITEM])
    provisions = Provision.objects.select_related("statute").in_bulk()
    cited = 0
    for version in versions:
        for reference in version.content.get("basis") or []:
            provision = provisions[reference["provision_id"]]
            assert reference["statute"] == provision.statute.title
            assert reference["citation"] == provision.citation
            assert reference["text"] == provision.text
            cited += 1
    assert cited >= 100


@pytest.mark.req("PUB-04")
def test_every_penalty_item_has_a_benchmark_within_the_law(loaded):
    penalties = [v for v in in_force_items() if v.category == ActKind.PENALTY]
    assert len(penalties) >= 15
    for version in penalties:
        bench = version.content["benchmark"]
        assert bench, version.entry.code
        assert 3 <= len(bench["tiers"]) <= 4, version.entry.code
        assert "第三十三条" in bench["no_penalty_conditions"] and "首违不罚" in bench["no_penalty_conditions"]
        assert "第三十二条" in bench["lighter_conditions"]
        assert bench["mitigated_conditions"]
        provisions = list(Provision.objects.filter(pk__in=[b["provision_id"] for b in version.content["basis"]]))
        cap_person, cap_org = fine_caps(provisions)
        for tier in bench["tiers"]:
            assert tier["penalty_kinds"] and tier["circumstances"]
            for who, cap in (("person", cap_person), ("org", cap_org)):
                low, high = tier[f"{who}_fine_min"], tier[f"{who}_fine_max"]
                if low is not None and high is not None:
                    assert Decimal(low) <= Decimal(high), version.entry.code
                if cap is not None and high is not None:
                    assert Decimal(high) <= cap, version.entry.code
    others = [v for v in in_force_items() if v.category != ActKind.PENALTY]
    assert all(v.content["benchmark"] is None for v in others)


@pytest.mark.req("PUB-04")
def test_remedies_name_the_right_review_body_and_court_and_the_legal_periods(loaded):
    for version in in_force_items():
        remedy = version.content["remedy"]
        if version.entry.code == "WJ-QT-003":  # an application to the court, not a decision
            continue
        body = "云澜市人民政府" if version.entry.agency.system == System.ECOLOGY else "云岫县人民政府"
        assert f"六十日内向{body}申请行政复议" in remedy, version.entry.code
        assert "六个月内" in remedy and "云岫县人民法院" in remedy


@pytest.mark.req("PUB-06")
def test_every_licensing_item_has_a_guide_with_every_field(loaded):
    licences = [v for v in in_force_items() if v.category == ActKind.LICENSE]
    assert len(licences) >= 3
    guides = {(v.entry.agency_id, v.content["item_code"]): v for v in in_force_items(ListKind.GUIDE)}
    for licence in licences:
        guide = guides[(licence.entry.agency_id, licence.entry.code)]
        content = guide.content
        for key, _label, _max, _required in TEXT_FIELDS:
            assert content[key], (guide.entry.code, key)
        assert content["approving_body"] == licence.entry.agency.name
        assert content["materials"] and all(m["copies"] >= 1 and m["form"] for m in content["materials"])
        assert content["phone"].startswith("0590-")
        assert "政务服务中心" in content["address"] and "政务服务中心" in content["accepting_body"]
        assert "工作日" in content["time_limit"] or "日" in content["time_limit"]


@pytest.mark.req("PUB-09")
def test_every_enforcement_agency_has_a_review_catalog_the_gate_can_evaluate(loaded):
    for system, agency in agencies().items():
        catalog = selectors.review_catalog(agency)
        assert catalog is not None and catalog["rules"], system
        revoke = {"act_kind": "penalty", "penalty_kinds": ["revoke_license"], "party_is_org": True}
        assert review_rules.needs_review(catalog, revoke)
        hearing = {"act_kind": "penalty", "penalty_kinds": ["fine"], "fine_amount": "100", "hearing_held": True}
        assert review_rules.needs_review(catalog, hearing)
    market = selectors.review_catalog(agencies()[System.MARKET])
    big = {"act_kind": "penalty", "penalty_kinds": ["fine"], "fine_amount": "100000", "party_is_org": True}
    small = {**big, "fine_amount": "5000"}
    assert review_rules.needs_review(market, big) and not review_rules.needs_review(market, small)
    person = {**big, "party_is_org": False, "fine_amount": "10000"}
    assert review_rules.needs_review(market, person)
    seizure = {"act_kind": "coercion", "item_code": "SC-QZ-001"}
    assert review_rules.needs_review(market, seizure)
    ecology = selectors.review_catalog(agencies()[System.ECOLOGY])
    assert ecology["review_all_non_simple"] and review_rules.needs_review(ecology, small)


@pytest.mark.req("REC-03")
def test_every_enforcement_agency_has_an_av_list_that_the_record_store_follows(loaded):
    for system, agency in agencies().items():
        rows = selectors.av_requirements(agency)
        assert {"seizure", "forced_demolition", "onsite_inspection", "hearing"} <= set(rows), system
        assert rows["seizure"]["requirement"] == "full"
        assert {r["requirement"] for r in rows.values()} == {"full", "as_needed", "text_allowed"}
        assert avrules.rule_for(agency, "collective_discussion").requirement == "text_allowed"
    ecology = agencies()[System.ECOLOGY]
    assert selectors.av_requirements(ecology)["onsite_inspection"]["requirement"] == "full"
    assert avrules.rule_for(ecology, "onsite_inspection").requirement == "full"
    assert avrules.rule_for(agencies()[System.MARKET], "onsite_inspection").requirement == "as_needed"


@pytest.mark.req("PUB-05")
def test_random_inspection_items_plan_and_directory(loaded):
    items = in_force_items(ListKind.INSPECTION_ITEM)
    assert len({v.entry.agency_id for v in items}) >= 3
    market = agencies()[System.MARKET]
    plan = selectors.in_force(ListKind.INSPECTION_PLAN, agency=market).get()
    codes = {v.entry.code for v in items if v.entry.agency_id == market.pk}
    assert plan.content["year"] == TODAY().year and plan.content["tasks"]
    assert {t["item_code"] for t in plan.content["tasks"]} <= codes
    subjects = MarketSubject.objects.filter(agency=market)
    assert 55 <= subjects.count() <= 70
    for subject in MarketSubject.objects.all():
        assert check_uscc(subject.uscc).ok and subject.uscc[2:8] == "359721", subject.uscc
    for version in items:
        tags = set(version.content["object_tags"])
        candidates = inspections.candidate_subjects(version.entry.agency, tags)
        assert candidates, version.entry.code
    assert ConflictDeclaration.objects.filter(subject__agency=market).count() == 2


@pytest.mark.req("PUB-05")
def test_one_draw_is_drawn_by_the_agencys_planners_and_replays(loaded):
    market = agencies()[System.MARKET]
    drawn = Draw.objects.get(agency=market, status=Draw.Status.DRAWN)
    replay = inspections.check(drawn)
    assert replay.ok, replay.problems
    assert drawn.plan is not None and drawn.item.entry.code == "SC-SJ-001"
    assert drawn.result["object_count"] >= 2
    assert len(drawn.inputs["conflicts"]) == 2
    for user in (drawn.announced_by, drawn.drawn_by):
        assert inspections.may_plan(user, market)
    conflicts = {(c.person_id, c.subject.uscc) for c in ConflictDeclaration.objects.select_related("subject")}
    for assignment in drawn.result["assignments"]:
        assert len(assignment["inspectors"]) == 2
        for inspector in assignment["inspectors"]:
            assert (inspector["person_id"], assignment["subject"]["uscc"]) not in conflicts
    waiting = Draw.objects.get(agency=market, status=Draw.Status.ANNOUNCED)
    assert waiting.result is None and waiting.scheduled_for > timezone.now() and waiting.announce_seq


@pytest.mark.req("PUB-10")
def test_unpublished_versions_exist_but_are_never_in_force(loaded):
    statuses = set(Version.objects.exclude(status=VersionStatus.PUBLISHED).values_list("status", flat=True))
    assert statuses == {VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.RETURNED}
    public = set(selectors.in_force(None).values_list("pk", flat=True))
    for day in (TODAY(), TODAY() + datetime.timedelta(days=365), datetime.date(TODAY().year - 1, 6, 1)):
        public |= set(selectors.in_force(None, on=day).values_list("pk", flat=True))
    assert not Version.objects.filter(pk__in=public).exclude(status=VersionStatus.PUBLISHED).exists()
    market = agencies()[System.MARKET]
    assert selectors.public_entry(market.pk, ListKind.ITEM, "SC-CF-007") is None  # a draft only
    pending = Version.objects.get(status=VersionStatus.SUBMITTED)
    assert selectors.version_in_force(pending.entry).number == pending.number - 1
    leader = Person.objects.get(agency=market, roles__role=Role.LEADER).user
    assert pending in selectors.pending_approval(leader)
    returned = Version.objects.get(status=VersionStatus.RETURNED)
    assert returned.decision_note and returned.decided_by != returned.drafted_by


@pytest.mark.req("PUB-10")
def test_older_versions_show_what_was_in_force_on_an_earlier_day(loaded):
    earlier = datetime.date(TODAY().year - 1, 6, 1)
    revised = Entry.objects.filter(versions__status=VersionStatus.PUBLISHED, versions__number=2).distinct()
    assert revised.count() >= 3
    for entry in revised:
        old = selectors.version_in_force(entry, on=earlier)
        new = selectors.version_in_force(entry)
        assert old.number == 1 and new.number == 2, entry.code
        assert old.content != new.content and new.change_note
        assert old.effective_to == new.effective_from == TODAY()
        assert old.effective_from < earlier and old.decision_note.startswith("补录")
        logged = json.loads(bytes(LogEntry.objects.get(seq=old.log_seq).canonical))["payload"]
        assert logged["effective_from"] == old.effective_from.isoformat() and logged["retroactive_reason"]
        assert [v.number for v in selectors.history(entry)] == [2, 1]


@pytest.mark.req("PUB-10")
def test_each_agency_drafts_and_approves_its_own_lists(loaded):
    people = {p.user_id: p for p in Person.objects.filter(user__isnull=False).prefetch_related("roles")}
    for version in Version.objects.filter(status=VersionStatus.PUBLISHED).select_related("entry"):
        drafter, approver = people[version.drafted_by_id], people[version.decided_by_id]
        assert drafter.agency_id == approver.agency_id == version.entry.agency_id
        assert {Role.PUBLISHER, Role.DEPARTMENT_HEAD} & set(drafter.role_codes)
        assert Role.LEADER in approver.role_codes
        assert version.drafted_by_id != version.decided_by_id and version.log_seq


@pytest.mark.req("PUB-10")
def test_two_public_error_reports_one_answered(loaded):
    reports = ErrorReport.objects.all()
    assert reports.count() == 2
    assert reports.filter(status=ErrorReport.Status.OPEN).count() == 1
    answered = reports.exclude(status=ErrorReport.Status.OPEN).get()
    assert answered.answer and answered.answered_by and answered.page_path.startswith("/gongshi/")


def test_it_writes_its_audit_event_with_the_counts(loaded):
    event = AuditEvent.objects.get(action=AUDIT_ACTION)
    counts = event.after["counts"]
    assert counts["published_item"] == Version.objects.filter(entry__kind=ListKind.ITEM,
                                                              status=VersionStatus.PUBLISHED).count()
    assert counts["market_subjects"] == MarketSubject.objects.count()
    assert counts["accounts"] == len(event.after["accounts"]) == 10
    assert all("password" not in row for row in event.after["accounts"])
    # The registry's logins table is unchanged: the catalog adds no rows to it.
    assert [r.username for r in demo_registry.loaded_logins()] == [r.username for r in loaded]


@pytest.mark.req("REC-02")
def test_the_demo_ends_with_a_signed_checkpoint_over_the_whole_log(loaded):
    from sanxiang.records.models import Checkpoint, LogHead

    assert Checkpoint.objects.order_by("-tree_size").first().tree_size == LogHead.objects.get(pk=1).size
