"""``sanxiang gen-data``: large realistic case data that follows the flows, with a valid record log."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from sanxiang.cases import clocks
from sanxiang.cases.gen_data import PATHS, generate
from sanxiang.cases.management.commands.cases import refresh_deadlines
from sanxiang.cases.models import Case, CaseOfficer, CaseStatus, Party, StepRecord
from sanxiang.cases.testing import org_party
from sanxiang.catalog import flows
from sanxiang.core.identifiers import check_id_number, check_uscc
from sanxiang.records import log
from sanxiang.records.models import LogEntry, LogHead
from sanxiang.records.verify import verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records_settings(settings, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "ROOT": tmp_path / "records",
                        "CHECKPOINT_KEY_FILE": tmp_path / "keys" / "cp.key"}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_every_path_follows_its_flow():
    for key, options in PATHS.items():
        edges = flows.FLOWS[key].edges()
        for _, path in options:
            assert path[0] == flows.FLOWS[key].start
            assert all(pair in edges for pair in zip(path, path[1:], strict=False))
    assert set(PATHS) == set(flows.FLOWS)


@pytest.mark.req("REC-07")
def test_it_generates_cases_whose_step_records_follow_the_flows_and_keep_the_log_valid(records_settings):
    with io.StringIO() as out:
        call_command("gen_data", cases=400, batch=150, seed=3, stdout=out)
        assert "已生成 400 件案件" in out.getvalue()
    cases = list(Case.objects.all())
    assert len(cases) == 400 and len({c.number for c in cases}) == 400
    assert {c.status for c in cases} == {CaseStatus.OPEN, CaseStatus.CLOSED, CaseStatus.ARCHIVED, CaseStatus.ENDED}
    assert len({c.flow_key for c in cases}) >= 8
    records = {}
    for record in StepRecord.objects.order_by("case_id", "index"):
        records.setdefault(record.case_id, []).append(record)
    for case in cases:
        steps = records[case.pk]
        assert 3 <= len(steps) <= 15
        assert [r.index for r in steps] == list(range(len(steps)))
        assert steps[0].action == "register" and steps[0].step == flows.FLOWS[case.flow_key].start
        edges = flows.FLOWS[case.flow_key].edges()
        moves = [r for r in steps if r.action == "transition"]
        assert all((r.from_step, r.step) in edges for r in moves)
        assert all(a.occurred_at <= b.occurred_at for a, b in zip(steps, steps[1:], strict=False))
        assert case.current_step == (moves[-1].step if moves else steps[0].step)
        assert case.version == len(steps) - 1
        if case.status == CaseStatus.OPEN:  # the stored badge is what the clocks say
            found = clocks.nearest(clocks.deadlines(case, steps))
            assert case.deadline_on == (found.due if found else None)
    # Valid identifiers, two officers each.
    for party in Party.objects.all():
        assert (check_uscc(party.id_number) if party.id_type == "uscc" else check_id_number(party.id_number))
    assert CaseOfficer.objects.count() == 800
    # Each step record's log entry holds it; the whole log recomputes.
    seqs = list(StepRecord.objects.values_list("log_seq", flat=True))
    entries = {e.seq: e for e in LogEntry.objects.filter(seq__in=seqs)}
    assert len(entries) == len(seqs)
    sample = StepRecord.objects.select_related("case").order_by("?")[:50]
    for record in sample:
        payload = log.decode(entries[record.log_seq])["payload"]
        assert (payload["case"], payload["index"], payload["step"]) == (record.case.number, record.index, record.step)
    report = verify(quick=True)
    assert report.ok, report.problems
    assert LogHead.objects.get(pk=1).size == report.entries


def test_numbers_continue_after_generation_and_the_counters_move_on(records_settings, cast):
    from sanxiang.cases.testing import register

    generate(60, seed=4, batch=25)
    agency = cast.officer_a.person.agency
    year = timezone.localdate().year
    before = Case.objects.filter(agency=agency, kind="penalty", year=year).count()
    assert before > 0
    case = register(cast, parties=[org_party()])  # the engine's numbering after the generator's
    assert (case.year, case.seq) == (year, before + 1)
    assert Case.objects.filter(agency=agency, kind="penalty", year=case.year, seq=case.seq).count() == 1


def test_refresh_deadlines_fixes_a_stale_badge_and_leaves_the_rest(records_settings):
    generate(120, seed=5, batch=120)
    case = Case.objects.filter(status=CaseStatus.OPEN).exclude(deadline_on=None).first()
    right = (case.deadline_on, case.deadline_state)
    Case.objects.filter(pk=case.pk).update(deadline_state="on_time" if right[1] != "on_time" else "overdue")
    counts = refresh_deadlines(batch=50)
    assert counts["changed"] >= 1 and counts["checked"] == Case.objects.filter(status=CaseStatus.OPEN).count()
    case.refresh_from_db()
    assert (case.deadline_on, case.deadline_state) == right
    assert refresh_deadlines()["changed"] == 0
