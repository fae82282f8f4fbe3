"""The demo cases (sanxiang/cases/demo.py), loaded by every registered loader as ``sanxiang demo`` does.

The whole demo is loaded once for the module, in a transaction rolled back at the end; each test runs
in its own savepoint inside it.
"""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from sanxiang.cases import clocks
from sanxiang.cases.demo import AUDIT_ACTION
from sanxiang.cases.models import Case, CaseStatus, StepRecord
from sanxiang.catalog import flows
from sanxiang.core import demo_registry
from sanxiang.core.models import AuditEvent
from sanxiang.records.models import Checkpoint, LogEntry
from sanxiang.records.verify import verify

MIN_CASES = 60


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-cases")
    from django.conf import settings

    records = {**settings.RECORDS, "ROOT": root, "CHECKPOINT_KEY_FILE": root / "keys" / "checkpoint-ed25519.key"}
    with override_settings(RECORDS=records, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
            django_db_blocker.unblock(), transaction.atomic():
        logins = demo_registry.load_all()
        yield logins, records
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo[0]


@pytest.fixture
def demo_records(demo):
    with override_settings(RECORDS=demo[1]):
        yield


def summary():
    return AuditEvent.objects.get(action=AUDIT_ACTION).after["counts"]


@pytest.mark.req("REC-01")
def test_every_demo_case_was_walked_to_its_planned_step_through_the_services(loaded):
    assert summary()["failures"] == []
    assert Case.objects.count() >= MIN_CASES
    # Driven through the services: every case has its registration and one log entry per step record.
    for case in Case.objects.all():
        records = list(StepRecord.objects.filter(case=case).order_by("index"))
        assert records[0].action == StepRecord.Action.REGISTER
        assert [r.index for r in records] == list(range(len(records)))
        entries = LogEntry.objects.filter(seq__in=[r.log_seq for r in records], case_ref=case.number, kind="case_event")
        assert entries.count() == len(records)
        moves = [r for r in records if r.action == StepRecord.Action.TRANSITION]
        assert case.version >= len(moves)
        edges = flows.get(case.flow_key).edges()
        assert all((r.from_step, r.step) in edges for r in moves)
        assert (moves[-1].step if moves else records[0].step) == case.current_step


@pytest.mark.req("REC-01")
def test_every_flow_and_every_status_is_present(loaded):
    assert set(Case.objects.values_list("flow_key", flat=True)) == set(flows.FLOWS)
    assert {CaseStatus.OPEN, CaseStatus.CLOSED, CaseStatus.ARCHIVED, CaseStatus.ENDED} <= set(
        Case.objects.values_list("status", flat=True))
    stopped_at = set(Case.objects.filter(flow_key="penalty").values_list("current_step", flat=True))
    assert {"register", "file", "investigate", "conclude", "legal_review", "prior_notice", "statement", "hearing_notice",
            "decide", "penalty_decision", "deliver", "execute", "close", "archive", "not_filed"} <= stopped_at
    seizures = Case.objects.filter(flow_key="coercion_measure")
    assert {"propose", "approve", "not_approved", "custody", "release", "dispose"} <= set(
        seizures.values_list("current_step", flat=True))


@pytest.mark.req("LAW-03")
def test_some_cases_are_overdue_and_some_due_soon(loaded):
    today = timezone.localdate()
    overdue = Case.objects.filter(deadline_state="overdue")
    assert overdue.exists() and Case.objects.filter(deadline_state="due_soon").exists()
    # Filed 100 days ago without a decision: the 90-day decision limit has passed.
    late = Case.objects.get(flow_key="penalty", current_step="investigate", filed_on__lte=today - datetime.timedelta(days=99))
    assert late in overdue and late.deadline_on < today
    # A seizure past its 30 days.
    assert overdue.filter(flow_key="coercion_measure", current_step="custody").exists()
    # The stored badges are what the clocks say today.
    for case in Case.objects.filter(status=CaseStatus.OPEN):
        found = clocks.nearest(clocks.deadlines(case))
        assert (case.deadline_on, case.deadline_state) == ((found.due, found.state) if found else (None, ""))


@pytest.mark.req("REC-03")
def test_seizures_carry_their_body_camera_video(loaded):
    from sanxiang.records.models import EvidenceRecord

    for case in Case.objects.filter(flow_key="coercion_measure", current_step__in=("custody", "release", "dispose")):
        video = EvidenceRecord.objects.get(case_ref=case.number, activity="seizure", kind="video")
        on_site = StepRecord.objects.filter(case=case, step__in=("present", "inventory", "decision"))
        assert on_site.count() == 3 and all(video.pk in r.data["evidence"] for r in on_site)


def test_the_officer_login_sees_every_demo_case(loaded):
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="officer")
    assert Case.objects.restrict(officer, "view").count() == Case.objects.count() >= MIN_CASES
    assert "officer" in {row.username for row in loaded}


@pytest.mark.req("REC-07")
def test_verify_on_the_fresh_demo_finds_every_entry_under_a_signed_checkpoint(loaded, demo_records):
    report = verify(quick=True)
    assert report.ok, report.problems
    assert report.entries == LogEntry.objects.count() == report.signed_size
    last_case_entry = LogEntry.objects.filter(kind="case_event").order_by("-seq").first()
    assert Checkpoint.objects.filter(tree_size__gt=last_case_entry.seq).exists()
