import pytest

from sanxiang.records.models import AVRule, LogHead, RetentionCategory


@pytest.mark.req("REC-06")
@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_log_head_and_default_lists_in_place():
    assert LogHead.objects.filter(pk=1, size=0).exists()
    assert AVRule.objects.filter(agency__isnull=True, activity="seizure", requirement="full").exists()
    assert set(RetentionCategory.objects.values_list("code", flat=True)) == {"routine", "case"}


@pytest.mark.req("REC-06")
@pytest.mark.django_db(transaction=True)
def test_they_are_back_after_the_previous_tests_flush():
    # Runs after the test above (file order): its flush emptied every table, post_migrate restored them.
    assert LogHead.objects.filter(pk=1, size=0).exists()
    assert AVRule.objects.filter(agency__isnull=True).count() == 12
    assert RetentionCategory.objects.count() == 2
