"""Published catalog content for the public site's tests, made through the catalog's own services.

``site`` publishes one entry of every kind the portal shows for agency A (drafted by its
administrator, approved by its leader), and keeps beside each published version a newer version
that is not approved (draft, submitted or returned) and an entry that was never published, so every
test can check that no unapproved text reaches a public page.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.utils import timezone

from sanxiang.catalog import services
from sanxiang.catalog.models import Entry, ListKind, Version
from sanxiang.catalog.tests.factories import (
    add_staff,
    av_list_content,
    guide_content,
    inspection_item_content,
    item_content,
    license_item_content,
    make_library,
    plan_content,
    review_catalog_content,
)
from sanxiang.org.models import Role

# Text that must never be shown, whatever the page: it sits only in unapproved versions.
UNAPPROVED = {
    "draft": "草稿尚未审核XQ1",
    "submitted": "送审尚未审核XQ2",
    "returned": "退回修改内容XQ3",
}
NEVER_PUBLISHED = "从未发布的事项XQ4"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The error-report rate limit lives in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def today() -> datetime.date:
    return timezone.localdate()


def publish(cast, kind, code, content, *, effective_from=None, change_note="首次发布", department=None) -> Version:
    """Create an entry and publish its first version (drafter: admin_a, approver: leader)."""
    version = services.create_entry(cast.admin_a, agency=cast.agency_a, kind=kind, code=code, content=content,
                                    department=department or cast.department_a1, change_note=change_note)
    services.submit(cast.admin_a, version)
    return services.approve(cast.leader, version, effective_from=effective_from)


def republish(cast, entry, content, *, effective_from=None, change_note="修订") -> Version:
    """Publish the entry's next version."""
    version = services.new_draft(cast.admin_a, entry, content=content, change_note=change_note)
    services.submit(cast.admin_a, version)
    return services.approve(cast.leader, version, effective_from=effective_from)


def unapproved(cast, entry, content, status: str) -> Version:
    """A newer version of the entry left as a draft, submitted, or returned."""
    version = services.new_draft(cast.admin_a, entry, content=content, change_note=f"{UNAPPROVED[status]}说明")
    if status in ("submitted", "returned"):
        services.submit(cast.admin_a, version)
    if status == "returned":
        services.return_draft(cast.leader, version, note="请修改")
    version.refresh_from_db()
    assert version.status == status
    return version


@dataclass
class Site:
    lib: dict
    versions: dict = field(default_factory=dict)  # kind → published Version
    slugs: dict = field(default_factory=dict)

    def entry(self, kind) -> Entry:
        return self.versions[kind].entry


# kind → (code, content maker(lib, name_suffix), name key) ; name keys are the fields a draft changes.
def contents(lib, text: str = "") -> dict:
    """Content of every kind; ``text`` is added to each free-text field (markup tests pass ``<script>``)."""
    t = text
    item = item_content(lib, name=f"对未取得食品经营许可从事食品经营活动的行政处罚{t}", procedure=f"立案—调查—决定{t}",
                        time_limit=f"九十日{t}", fees=f"不收费{t}", remedy=f"行政复议{t}", sector=f"食品安全{t}")
    bench = item["benchmark"]
    for tier in bench["tiers"]:
        tier["circumstances"] += t
        tier["note"] = f"说明{t}"
    for key in ("no_penalty_conditions", "lighter_conditions", "mitigated_conditions"):
        bench[key] = f"{bench[key] or '情形'}{t}"
    return {
        ListKind.ITEM: ("SC-CF-001", item),
        ListKind.INSPECTION_ITEM: ("SC-CC-001", inspection_item_content(
            lib, name=f"食品经营者经营行为检查{t}", subject=f"县市场监督管理局{t}", object=f"辖区内食品经营者{t}",
            content=f"经营许可、进货查验{t}", method=f"现场检查{t}", frequency=f"每年一次{t}")),
        ListKind.INSPECTION_PLAN: ("JH-2026", plan_content("SC-CC-001", name=f"2026年度双随机抽查工作计划{t}", tasks=[
            {"item_code": "SC-CC-001", "title": f"食品经营者专项抽查{t}", "ratio_percent": "5.00",
             "start": "2026-04-01", "end": "2026-06-30", "department": f"执法一队{t}"}])),
        ListKind.GUIDE: ("ZN-001", guide_content(
            lib, "SC-XK-001", name=f"食品经营许可{t}", accepting_body=f"县政务服务中心市场监管窗口{t}",
            approving_body=f"县市场监督管理局{t}", conditions=f"有经营场所{t}", preferential_policies=f"无{t}",
            materials=[{"name": f"食品经营许可申请书{t}", "form": f"原件{t}"[:20], "copies": 1, "note": f"签字{t}"}],
            process=f"申请—受理—审查—决定{t}", time_limit=f"二十个工作日{t}", fees=f"不收费{t}", supervision=f"12315{t}",
            accountability=f"依法追责{t}", office_hours=f"工作日 9:00—17:00{t}", address=f"县政务服务中心二楼{t}",
            phone=f"0591-12345678{t}")),
        ListKind.REVIEW_CATALOG: ("FZSH", review_catalog_content(domain=f"市场监管{t}", rules=[
            {"code": "R1", "description": f"对单位处十万元以上罚款的{t}", "act_kinds": ["penalty"],
             "penalty_kinds": ["fine"], "min_fine_org": "100000"},
            {"code": "R2", "description": f"吊销许可证件的{t}", "penalty_kinds": ["revoke_license"]},
            {"code": "R3", "description": f"经过听证程序作出决定的{t}", "hearing_held": True},
            {"code": "R4", "description": f"所列处罚事项{t}", "item_codes": ["SC-CF-001"], "act_kinds": ["penalty"]},
        ])),
        ListKind.AV_LIST: ("YXJL", av_list_content(rows=[
            {"activity": "seizure", "name": f"查封扣押财产{t}", "requirement": "full", "basis": f"《行政强制法》{t}"},
            {"activity": "on_site_inspection", "name": f"现场检查{t}", "requirement": "as_needed", "basis": ""},
        ])),
    }


def with_marker(kind, content: dict, marker: str) -> dict:
    """The content with ``marker`` in its title field (and, for the one-per-agency kinds, in their rows)."""
    content = {**content}
    if kind == ListKind.REVIEW_CATALOG:
        content["domain"] = marker
        content["rules"] = [*content["rules"], {"code": "RX", "description": marker, "complexity_flags": ["complex"]}]
    elif kind == ListKind.AV_LIST:
        content["rows"] = [*content["rows"], {"activity": "hearing", "name": marker, "requirement": "full", "basis": ""}]
    else:
        content["name"] = marker
    return content


def build_site(cast, text: str = "", lib: dict | None = None) -> Site:
    lib = lib or make_library()
    site = Site(lib=lib)
    license_code = "SC-XK-001"
    publish(cast, ListKind.ITEM, license_code, license_item_content(lib))
    for kind, (code, content) in contents(lib, text).items():
        site.versions[kind] = publish(cast, kind, code, content, change_note=f"首次发布{text}")
    return site


@pytest.fixture
def published(cast):
    """Every kind published for agency A (one version each), nothing else."""
    return build_site(cast)


@pytest.fixture
def site(cast, published):
    """Every kind published for agency A, each with a newer unapproved version, and never-published entries."""
    site = published
    statuses = list(UNAPPROVED)
    for index, (kind, version) in enumerate(site.versions.items()):
        status = statuses[index % len(statuses)]
        unapproved(cast, version.entry, with_marker(kind, version.content, UNAPPROVED[status]), status)
    # Entries that were never published, in every state and kind.
    for kind, (code, content) in contents(site.lib).items():
        if kind in (ListKind.REVIEW_CATALOG, ListKind.AV_LIST):
            continue  # one per agency: their unpublished versions are the newer ones above
        for status in statuses:
            version = services.create_entry(cast.admin_a, agency=cast.agency_a, kind=kind, code=f"{code}-{status}",
                                            content=with_marker(kind, content, f"{NEVER_PUBLISHED}{status}"),
                                            department=cast.department_a1)
            if status != "draft":
                services.submit(cast.admin_a, version)
            if status == "returned":
                services.return_draft(cast.leader, version, note="请修改")
    # Agency B has never published its one-per-agency lists: one waits as a draft, one is submitted.
    admin_b = add_staff(cast, "admin_b", "吴管理", [Role.ADMINISTRATOR], agency=cast.agency_b)
    for kind, status in ((ListKind.REVIEW_CATALOG, "draft"), (ListKind.AV_LIST, "submitted")):
        code, content = contents(site.lib)[kind]
        if kind == ListKind.REVIEW_CATALOG:
            content = {**content, "rules": [r for r in content["rules"] if not r.get("item_codes")]}
        version = services.create_entry(admin_b, agency=cast.agency_b, kind=kind, code=code,
                                        content=with_marker(kind, content, f"{NEVER_PUBLISHED}{status}"))
        if status == "submitted":
            services.submit(admin_b, version)
    return site
