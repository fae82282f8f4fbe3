"""REC-03: the record store's AV check reads the AV recording item list the agency has published."""

import pytest

from sanxiang.catalog import services
from sanxiang.catalog.tests import factories as f
from sanxiang.org.models import Role
from sanxiang.records import avrules

pytestmark = pytest.mark.django_db


def _publish_av_list(cast, rows):
    drafter = f.add_staff(cast, "publisher", "吴公示", [Role.PUBLISHER], department=cast.department_a1)
    version = services.create_entry(drafter, agency=cast.agency_a, kind="av_list", code="YXJL",
                                    content=f.av_list_content(rows=rows))
    services.submit(drafter, version)
    return services.approve(cast.leader, version)


@pytest.mark.req("REC-03")
def test_the_published_av_list_decides_over_the_default_list(cast):
    assert avrules.rule_for(cast.agency_a, "on_site_inspection").requirement != "full"
    _publish_av_list(cast, [{"activity": "on_site_inspection", "name": "现场检查（本局要求全程录像）",
                             "requirement": "full", "basis": "本局音像记录事项清单"}])
    rule = avrules.rule_for(cast.agency_a, "on_site_inspection")
    assert (rule.requirement, rule.name) == ("full", "现场检查（本局要求全程录像）")
    findings = avrules.check_activity_records(cast.agency_a, "on_site_inspection", [], None)
    assert [x.rule for x in findings] == ["REC-03"]
    # Another agency without a published list keeps the default; an activity the list omits falls back to it too.
    assert avrules.rule_for(cast.agency_b, "on_site_inspection").requirement != "full"
    assert avrules.rule_for(cast.agency_a, "seizure").requirement == "full"


@pytest.mark.req("REC-03")
def test_an_unapproved_av_list_changes_nothing(cast):
    drafter = f.add_staff(cast, "publisher", "吴公示", [Role.PUBLISHER], department=cast.department_a1)
    version = services.create_entry(drafter, agency=cast.agency_a, kind="av_list", code="YXJL", content=f.av_list_content(
        rows=[{"activity": "on_site_inspection", "name": "现场检查", "requirement": "full", "basis": ""}]))
    services.submit(drafter, version)
    assert avrules.rule_for(cast.agency_a, "on_site_inspection").requirement != "full"
