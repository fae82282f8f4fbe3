"""Two officers act on one case at the same moment: one wins, the other gets a clear conflict (issue 5)."""

import threading

import pytest
from django.db import connection, connections

from sanxiang.cases import services
from sanxiang.cases.models import Case, StepRecord
from sanxiang.cases.testing import register
from sanxiang.core.errors import Conflict
from sanxiang.records import merkle
from sanxiang.records.models import LogHead


@pytest.mark.req("REC-01")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_moves_on_one_case_one_wins_and_the_other_gets_a_conflict():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time (BEGIN IMMEDIATE); the stale-version test covers it there")
    LogHead.objects.get_or_create(pk=1, defaults={"size": 0, "frontier": [], "root": merkle.EMPTY_ROOT})
    from sanxiang.org.testing import make_cast

    cast = make_cast()
    case = register(cast)
    version = case.version
    barrier = threading.Barrier(2)
    outcomes: list = []

    def act(user, text):
        try:
            barrier.wait()
            services.add_note(user, case.pk, {"text": text}, version=version)
            outcomes.append("ok")
        except Conflict as error:
            outcomes.append(str(error))
        except Exception as error:  # pragma: no cover - reported by the assertion
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(cast.officer_a, "甲的记录")),
               threading.Thread(target=act, args=(cast.officer_a2, "乙的记录"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert any("已被他人办理" in o for o in outcomes)
    assert Case.objects.get(pk=case.pk).version == version + 1
    assert StepRecord.objects.filter(case=case, action=StepRecord.Action.NOTE).count() == 1
