"""Appending to the record log: gapless numbers, exact RFC 9162 tree, batches, archived cases (REC-02, REC-08)."""

import datetime
import json

import pytest
from django.db import transaction

from sanxiang.core.errors import RuleViolation
from sanxiang.records import checkpoints, log, merkle
from sanxiang.records.models import CaseArchive, LogEntry, LogHead, TreeNode

pytestmark = pytest.mark.django_db


def _state():
    entries = list(LogEntry.objects.order_by("seq"))
    head = LogHead.objects.get(pk=1)
    return entries, head


def _assert_consistent():
    entries, head = _state()
    assert [e.seq for e in entries] == list(range(len(entries)))
    leaves = [merkle.leaf_hash(bytes(e.canonical)) for e in entries]
    assert leaves == [bytes(e.leaf_hash) for e in entries]
    assert head.size == len(entries) and bytes(head.root) == merkle.root(leaves)
    # every cached node is the hash of its complete subtree, and every complete subtree is cached
    hasher = merkle.list_range_hasher(leaves)
    nodes = {(n.level, n.index): bytes(n.hash) for n in TreeNode.objects.all()}
    expected = {(level, index) for level in range(1, 20) for index in range(len(leaves) >> level)}
    assert set(nodes) == expected
    for (level, index), h in nodes.items():
        assert h == hasher(index << level, (index + 1) << level)
    assert merkle.CompactRange(head.size, [bytes.fromhex(h) for h in head.frontier]).root() == bytes(head.root)
    return entries, head


@pytest.mark.req("REC-02")
def test_it_appends_canonical_entries_without_gaps(cast):
    at = datetime.datetime(2025, 11, 23, 8, 30, tzinfo=datetime.UTC)
    with transaction.atomic():
        first = log.append("evidence", {"名称": "现场照片", "b": 1}, agency=cast.agency_a, case_ref="C-1",
                           target_id="91350400MA2Y0X0X0X", at=at)
        second = log.append("access", {"why": "审核"})
    assert (first.seq, second.seq) == (0, 1)
    agency = cast.agency_a.pk
    assert bytes(first.canonical) == (
        f'{{"agency":{agency},"case_ref":"C-1","created_at":"2025-11-23T08:30:00.000000Z","kind":"evidence",'
        '"payload":{"b":1,"名称":"现场照片"},"seq":0,"target_id":"91350400MA2Y0X0X0X"}'
    ).encode()
    assert log.decode(LogEntry.objects.get(seq=0))["payload"] == {"名称": "现场照片", "b": 1}
    assert LogEntry.objects.get(seq=0).agency == cast.agency_a
    _assert_consistent()


@pytest.mark.req("REC-02")
def test_it_keeps_the_tree_exact_over_many_appends_and_batches():
    with transaction.atomic():
        for i in range(13):
            log.append("other", {"i": i})
    with transaction.atomic():
        batch = log.append_many([{"kind": "case_event", "payload": {"j": j}} for j in range(20)])
    assert [e.seq for e in batch] == list(range(13, 33))
    with transaction.atomic():
        log.append("other", {"last": True})
    entries, head = _assert_consistent()
    assert head.size == 34
    assert json.loads(bytes(entries[20].canonical))["payload"] == {"j": 7}


@pytest.mark.req("REC-02")
def test_it_numbers_from_where_a_rolled_back_append_left_off():
    with transaction.atomic():
        log.append("other", {"i": 0})
    with pytest.raises(RuntimeError, match="later failure"), transaction.atomic():
        log.append("other", {"i": "lost"})
        raise RuntimeError("a later failure in the same transaction")
    with transaction.atomic():
        entry = log.append("other", {"i": 1})
    assert entry.seq == 1
    _assert_consistent()


@pytest.mark.req("REC-02")
def test_it_refuses_appends_outside_a_transaction_or_of_unknown_kind():
    # the test itself runs in a transaction; leave it to see "outside"
    with pytest.raises(ValueError, match="unknown log entry kind"), transaction.atomic():
        log.append("gossip", {})
    with pytest.raises(ValueError), transaction.atomic():
        log.append_many([{"kind": "other", "payload": {}}, {"kind": "other"}])
    with pytest.raises(ValueError), transaction.atomic():
        log.append_many([{"kind": "other", "payload": {}, "colour": "red"}])
    assert LogHead.objects.get(pk=1).size == 0 and not LogEntry.objects.exists()


@pytest.mark.req("REC-02")
def test_it_refuses_appends_outside_a_transaction():
    from django.db import connection

    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            log.append("other", {})
        with pytest.raises(RuntimeError, match="inside the transaction"):
            log.append_many([{"kind": "other", "payload": {}}])
    finally:
        connection.in_atomic_block = atomic
    with pytest.raises(RuntimeError, match="outside a transaction"):
        log.bulk_append([{"kind": "other", "payload": {}}])


@pytest.mark.req("REC-08")
def test_it_refuses_new_entries_of_an_archived_case_except_access(cast, settings, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "CHECKPOINT_KEY_FILE": tmp_path / "k"}
    with transaction.atomic():
        sealed = log.append("archive", {"bag": "x"}, case_ref="C-9")
    cp = checkpoints.make_checkpoint()
    CaseArchive.objects.create(case_ref="C-9", agency=cast.agency_a, log_entry=sealed, checkpoint=cp,
                               bag_name="C-9.zip", bag_sha256="0" * 64, archived_by=cast.admin_a)
    with pytest.raises(RuleViolation, match="REC-08"), transaction.atomic():
        log.append("document", {"v": 2}, case_ref="C-9")
    with pytest.raises(RuleViolation, match="REC-08"), transaction.atomic():
        log.append_many([{"kind": "other", "payload": {}}, {"kind": "evidence", "payload": {}, "case_ref": "C-9"}])
    assert LogHead.objects.get(pk=1).size == 1
    with transaction.atomic():
        log.append("access", {"purpose": "监督检查"}, case_ref="C-9")
        log.append_many([{"kind": "access", "payload": {}, "case_ref": "C-9"}, {"kind": "other", "payload": {}}])
    assert LogHead.objects.get(pk=1).size == 4
    _assert_consistent()


@pytest.mark.req("REC-02")
def test_postgres_appends_build_the_same_canonical_bytes_and_defer_the_flush_once_per_transaction(cast):
    """On PostgreSQL one server-side function appends; its bytes equal :func:`log.canonical_bytes` exactly."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the server-side append function and the deferred flush exist only on PostgreSQL")
    payload = {"说明": "现场检查", "n": [1, 2.5, None], "z": {"b": "\"引号\" \\ 反斜杠", "a": True}}
    at = datetime.datetime(2026, 11, 23, 8, 30, 0, 123456, tzinfo=datetime.UTC)
    with transaction.atomic():
        first = log.append("evidence", payload, agency=cast.agency_a, case_ref="X-1", target_id="350421199001011234", at=at)
        second = log.append("evidence", {"k": 1})
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "off"
        flushes = [f for _, f, *_ in connection.run_on_commit if getattr(f, "sanxiang_flush", False)]
        assert len(flushes) == 1
    for entry in (first, second):
        stored = LogEntry.objects.get(seq=entry.seq)
        document = log.decode(stored)
        assert bytes(stored.canonical) == log.canonical_bytes(document) == entry.canonical
        assert bytes(stored.leaf_hash) == merkle.leaf_hash(bytes(stored.canonical))
    assert log.decode(first)["created_at"] == "2026-11-23T08:30:00.123456Z"
    assert log.decode(first)["payload"] == payload
    assert second.seq == first.seq + 1
    head = LogHead.objects.get(pk=1)
    leaves = [bytes(e.leaf_hash) for e in LogEntry.objects.order_by("seq")]
    assert bytes(head.root) == merkle.root(leaves)
    frontier = merkle.CompactRange()
    frontier.extend(leaves)
    assert head.size == len(leaves) and head.frontier == [h.hex() for h in frontier.hashes]


@pytest.mark.req("REC-02")
def test_postgres_rearms_the_flush_after_a_rolled_back_savepoint():
    """A savepoint rollback takes the deferred commit setting and its flush wait away together; the next append re-arms both."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the deferred flush exists only on PostgreSQL")
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            log.append("other", {"n": 1})
            raise RuntimeError("roll the savepoint back")
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
        assert not [f for _, f, *_ in connection.run_on_commit if getattr(f, "sanxiang_flush", False)]
        log.append("other", {"n": 2})
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "off"
        assert len([f for _, f, *_ in connection.run_on_commit if getattr(f, "sanxiang_flush", False)]) == 1
