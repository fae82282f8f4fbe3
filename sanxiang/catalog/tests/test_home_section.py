"""The staff home page shows what waits in the catalogs: versions to approve, error reports to answer."""

import pytest

from sanxiang.catalog import services
from sanxiang.catalog.tests import factories as f
from sanxiang.org.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.req("PUB-10")
def test_the_approver_sees_the_version_waiting_and_the_drafter_does_not(client, cast):
    drafter = f.add_staff(cast, "publisher", "吴公示", [Role.PUBLISHER], department=cast.department_a1)
    version = services.create_entry(drafter, agency=cast.agency_a, kind="av_list", code="YXJL", content=f.av_list_content())
    services.submit(drafter, version)

    client.force_login(cast.leader)
    page = client.get("/").content.decode()
    assert 'data-section="catalog"' in page and "1 个清单版本待我审核" in page

    client.force_login(drafter)
    page = client.get("/").content.decode()
    assert 'data-section="catalog"' in page and "待我审核" not in page and "起草、送审" in page

    client.force_login(cast.officer_b)
    assert 'data-section="catalog"' not in client.get("/").content.decode()
