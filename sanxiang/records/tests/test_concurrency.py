"""Concurrent writers never make a gap or a duplicate in the record log (REC-02)."""

import threading

import pytest
from django.db import connection, connections, transaction

from sanxiang.records import log, merkle
from sanxiang.records.models import LogEntry, LogHead

WRITERS = 8
PER_WRITER = 25


def _ensure_head():
    # the test runner's flush after a transactional test removes the head row the migration made
    LogHead.objects.get_or_create(pk=1, defaults={"size": 0, "frontier": [], "root": merkle.EMPTY_ROOT})


def _check_log(expected):
    entries = list(LogEntry.objects.order_by("seq").values_list("seq", "canonical", "leaf_hash"))
    assert [seq for seq, _, _ in entries] == list(range(expected))
    leaves = [merkle.leaf_hash(bytes(data)) for _, data, _ in entries]
    assert leaves == [bytes(h) for _, _, h in entries]
    head = LogHead.objects.get(pk=1)
    assert head.size == expected
    assert bytes(head.root) == merkle.root(leaves)
    assert merkle.CompactRange(head.size, [bytes.fromhex(h) for h in head.frontier]).root() == bytes(head.root)
    for seq, data, _ in entries:
        assert log.decode(LogEntry(canonical=data))["seq"] == seq


@pytest.mark.req("REC-02")
@pytest.mark.django_db(transaction=True)
def test_it_gives_eight_concurrent_writers_gapless_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on one database file (BEGIN IMMEDIATE); "
                    "the row lock of concurrent writers is a PostgreSQL matter")
    _ensure_head()
    errors = []
    barrier = threading.Barrier(WRITERS)

    def writer(number):
        try:
            barrier.wait()
            for i in range(PER_WRITER):
                with transaction.atomic():
                    if i % 5 == 4:
                        log.append_many([{"kind": "other", "payload": {"w": number, "i": i, "j": j}} for j in range(3)])
                    else:
                        log.append("other", {"w": number, "i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    per_writer = PER_WRITER + 2 * (PER_WRITER // 5)  # every fifth transaction appends three entries
    _check_log(WRITERS * per_writer)
    # each writer's own entries appear in the order it wrote them
    seen = {}
    for entry in LogEntry.objects.order_by("seq"):
        payload = log.decode(entry)["payload"]
        key = (payload["i"], payload.get("j", 0))
        assert seen.get(payload["w"], (-1, -1)) < key
        seen[payload["w"]] = key


@pytest.mark.req("REC-02")
@pytest.mark.django_db(transaction=True)
def test_bulk_append_commits_gapless_chunks():
    _ensure_head()
    with transaction.atomic():
        log.append("other", {"first": True})
    count = log.bulk_append(({"kind": "other", "payload": {"n": n}} for n in range(250)), chunk=64)
    assert count == 250
    _check_log(251)
