"""REC-09 access rights: every role of the cast against every scoped model of the record store.

Who may view a case's records: its officers and their department head, the agency's leaders, its
reviewers (interim rule: the agency's reviewers), supervisors over the agency's region; nobody else.
"""

import random

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from sanxiang.core.access import CHANGE, VIEW
from sanxiang.org.models import Role
from sanxiang.org.testing import make_person
from sanxiang.records import access_log, devices, log
from sanxiang.records.access import access_events_visible_to, can_see_access_history, party_codes_visible_to
from sanxiang.records.models import Device, EvidenceRecord, LogEntry, Room

from .factories import make_evidence, records_root

pytestmark = pytest.mark.req("REC-09")
CASE = "样市监罚〔2026〕1号"


@pytest.fixture
def world(cast, settings, tmp_path):
    records_root(settings, tmp_path)
    rng = random.Random(5)
    cast.head_a1 = make_person(cast.agency_a, cast.department_a1, "head_a1", "吴科长", [Role.DEPARTMENT_HEAD], rng=rng)
    cast.head_a2 = make_person(cast.agency_a, cast.department_a2, "head_a2", "郑科长", [Role.DEPARTMENT_HEAD], rng=rng)
    cast.far_supervisor = make_person(cast.justice_bureau, None, "far_supervisor", "冯监督", [Role.SUPERVISOR],
                                      rng=rng, region=cast.other_region)
    cast.root = get_user_model().objects.create_superuser("root", password="x")
    r1 = make_evidence(cast.officer_a, title="r1", officers=[cast.officer_a], case_ref=CASE)
    r2 = make_evidence(cast.leader, title="r2", officers=[cast.officer_a2], case_ref=CASE, served_to_party=True)
    r3 = make_evidence(cast.officer_a2, title="r3", officers=[cast.officer_a2])
    rb = make_evidence(cast.officer_b, title="rb", officers=[cast.officer_b], case_ref="样环罚〔2026〕1号")
    with transaction.atomic():
        step = log.append("case_event", {"step": "立案"}, agency=cast.agency_a, case_ref=CASE)
    device = devices.register_device(cast.admin_a, agency=cast.agency_a, kind=Device.Kind.BODY_CAMERA, serial="DSJ-1")
    devices.issue_device(cast.admin_a, device, cast.officer_a.person)
    device_entry = LogEntry.objects.get(kind="device")
    room = devices.create_room(cast.admin_a, agency=cast.agency_a, name="一号询问室", kind=Room.Kind.INQUIRY,
                               device=device)
    opened = access_log.open_record(cast.leader, r1, action="view", purpose="审批前查阅")
    return {"cast": cast, "r1": r1, "r2": r2, "r3": r3, "rb": rb, "step": step, "device": device, "room": room,
            "device_entry": device_entry, "access": opened}


USERS = ["officer_a", "officer_a2", "head_a1", "head_a2", "leader", "reviewer", "admin_a", "officer_b",
         "supervisor", "far_supervisor", "anonymous", "root"]

EVIDENCE = {
    "officer_a": {"r1", "r2"},  # r1 is theirs; r2 belongs to the same case
    "officer_a2": {"r1", "r2", "r3"},
    "head_a1": {"r1", "r2", "r3"},  # department head of the officers of those records
    "head_a2": set(),
    "leader": {"r1", "r2", "r3"},
    "reviewer": {"r1", "r2", "r3"},  # interim: the agency's reviewers
    "admin_a": set(),  # an administrator keeps the registry, not the case files
    "officer_b": {"rb"},
    "supervisor": {"r1", "r2", "r3", "rb"},
    "far_supervisor": set(),
    "anonymous": set(),
    "root": {"r1", "r2", "r3", "rb"},
}


def _log_names(world, user):
    names = {world[k].log_entry_id: k for k in ("r1", "r2", "r3", "rb")}
    names[world["step"].seq] = "step"
    names[world["device_entry"].seq] = "device"
    names[world["access"].log_entry_id] = "access"
    return {names[seq] for seq in LogEntry.objects.restrict(user, VIEW).values_list("seq", flat=True)}


LOG = {
    "officer_a": {"r1", "r2", "step"},  # the case's entries, not who read them
    "officer_a2": {"r1", "r2", "r3", "step"},
    "head_a1": {"r1", "r2", "r3", "step"},
    "head_a2": set(),
    "leader": {"r1", "r2", "r3", "step", "device", "access"},
    "reviewer": {"r1", "r2", "r3", "step", "device"},
    "admin_a": set(),
    "officer_b": {"rb"},
    "supervisor": {"r1", "r2", "r3", "rb", "step", "device", "access"},
    "far_supervisor": set(),
    "anonymous": set(),
    "root": {"r1", "r2", "r3", "rb", "step", "device", "access"},
}


ACCESS_HISTORY = {"leader", "supervisor", "root"}


INTERNAL_VIEW = {"officer_a", "officer_a2", "head_a1", "head_a2", "leader", "reviewer", "admin_a", "supervisor", "root"}
INTERNAL_CHANGE = {"admin_a", "root"}


PARTY_CODES = {"officer_a", "officer_a2", "head_a1", "leader", "reviewer", "supervisor", "root"}


@pytest.mark.parametrize("who", USERS)
def test_each_role_sees_exactly_its_part_of_every_scoped_model(world, who):
    cast = world["cast"]
    user = getattr(cast, who)
    access_log.issue_party_code(cast.officer_a, case_ref=CASE, party_type="organisation",
                                party_id=cast.agency_b.uscc, party_name="某某商贸有限公司")
    assert set(EvidenceRecord.objects.restrict(user, VIEW).values_list("title", flat=True)) == EVIDENCE[who]
    assert not EvidenceRecord.objects.restrict(user, CHANGE).exists()  # corrections are new records
    assert _log_names(world, user) == LOG[who]
    assert not LogEntry.objects.restrict(user, CHANGE).exists()
    assert access_events_visible_to(user).exists() == (who in ACCESS_HISTORY)
    assert can_see_access_history(user, world["r1"]) == (who in ACCESS_HISTORY)
    for model in (Device, Room):
        assert model.objects.restrict(user, VIEW).exists() == (who in INTERNAL_VIEW), model
        assert model.objects.restrict(user, CHANGE).exists() == (who in INTERNAL_CHANGE), model
    assert party_codes_visible_to(user).exists() == (who in PARTY_CODES)


def test_an_officer_named_on_one_record_sees_the_whole_case_but_not_the_agencys_other_records(world):
    cast = world["cast"]
    other = make_evidence(cast.officer_a2, title="other case", officers=[cast.officer_a2], case_ref="样市监罚〔2026〕2号")
    visible = EvidenceRecord.objects.restrict(cast.officer_a, VIEW)
    assert world["r2"] in visible and other not in visible


def test_an_officer_who_left_service_sees_nothing_any_more(world):
    person = world["cast"].officer_a.person
    person.is_active = False
    person.save()
    user = get_user_model().objects.get(pk=world["cast"].officer_a.pk)
    assert not EvidenceRecord.objects.restrict(user, VIEW).exists()
    assert not LogEntry.objects.restrict(user, VIEW).exists()
