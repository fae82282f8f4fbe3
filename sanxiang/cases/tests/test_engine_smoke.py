import pytest

from sanxiang.cases.models import StepRecord
from sanxiang.cases.testing import register
from sanxiang.records.models import LogEntry


@pytest.mark.req("REC-01")
def test_it_registers_a_case_with_a_number_a_step_record_and_a_log_entry(cast):
    case = register(cast)
    assert case.number == f"市场监督管理局处罚〔{case.year}〕1号"
    assert case.current_step == "register"
    record = StepRecord.objects.get(case=case)
    entry = LogEntry.objects.get(seq=record.log_seq)
    assert entry.case_ref == case.number and entry.kind == "case_event"
    second = register(cast)
    assert second.seq == 2
