"""Appending to the record log (DESIGN.md rule 2). The only writer of LogEntry and TreeNode.

Every record — a document version, an evidence file, a case event, an access event — is appended
with :func:`append` (or several at once with :func:`append_many`) inside the transaction that
stores it. Every append locks the single :class:`LogHead` row until its transaction ends, so
sequence numbers have no gaps and no duplicates whatever the number of writers (PostgreSQL:
``SELECT … FOR UPDATE``; SQLite: ``BEGIN IMMEDIATE`` serialises writers). Under the lock an append
costs one read of the head, then the INSERT of the entry (and of the tree nodes it completes, on
every second append) and the UPDATE of the head — on PostgreSQL these three are one statement. A
rolled-back transaction takes its entries with it, so the numbers stay gapless. Keep the work
done after an append in the same transaction short: other writers wait for its commit.
"""

import datetime
import json

from django.db import transaction
from django.utils import timezone

from sanxiang.core.errors import RuleViolation

from . import merkle
from .models import CaseArchive, LogEntry, LogHead, TreeNode


def canonical_bytes(document: dict) -> bytes:
    """Stable JSON: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _check(kind: str) -> None:
    if kind not in LogEntry.Kind.values:
        raise ValueError(f"unknown log entry kind {kind!r}")


def _check_archived(case_refs: set[str]) -> None:
    """REC-08: an archived case's records accept no new entries except access events."""
    if not case_refs:
        return
    archived = sorted(CaseArchive.objects.filter(case_ref__in=case_refs).values_list("case_ref", flat=True))
    if archived:
        raise RuleViolation("REC-08", f"案件{archived[0]}已归档，案卷记录不再接受新的条目（调阅记录除外）")


def _write(specs: list[dict], *, batch_size: int | None = None) -> list[LogEntry]:
    """Lock the head, number, hash and store ``specs`` (already checked), move the head. One lock, few queries."""
    connection = transaction.get_connection()
    postgres = connection.vendor == "postgresql"
    if postgres:
        _defer_flush(connection)
        with connection.cursor() as cursor:
            cursor.execute("SELECT size, frontier FROM records_loghead WHERE id = 1 FOR UPDATE")
            row = cursor.fetchone()
        if row is None:
            raise LogHead.DoesNotExist("the log head row (id=1) is missing")
        size, hexes = row[0], json.loads(row[1]) if isinstance(row[1], str) else row[1]
    else:
        head = LogHead.objects.select_for_update().get(pk=1)
        size, hexes = head.size, head.frontier
    # Checked only now, under the head's lock: an archive committed while this writer waited is seen (REC-08).
    _check_archived({s["case_ref"] for s in specs if s.get("case_ref") and s["kind"] != LogEntry.Kind.ACCESS})
    now = timezone.now()
    nodes: list[TreeNode] = []
    frontier = merkle.CompactRange(
        size, [bytes.fromhex(h) for h in hexes],
        on_node=lambda level, index, h: level and nodes.append(TreeNode(level=level, index=index, hash=h)),
    )
    entries: list[LogEntry] = []
    for spec in specs:
        seq = frontier.size
        created_at = spec.get("at") or now
        agency = spec.get("agency")
        document = {
            "seq": seq,
            "kind": spec["kind"],
            "created_at": _iso(created_at),
            "agency": agency.pk if agency is not None else None,
            "case_ref": spec.get("case_ref", ""),
            "target_id": spec.get("target_id", ""),
            "payload": spec["payload"],
        }
        data = canonical_bytes(document)
        leaf = merkle.leaf_hash(data)
        frontier.append(leaf)
        entries.append(LogEntry(
            seq=seq, kind=spec["kind"], created_at=created_at, agency=agency, case_ref=document["case_ref"],
            target_id=document["target_id"], canonical=data, leaf_hash=leaf,
        ))
    new_frontier = [h.hex() for h in frontier.hashes]
    if postgres:
        _write_postgres(connection, entries, nodes, frontier.size, new_frontier, frontier.root(), now)
        return entries
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        LogEntry.objects.bulk_create(entries, batch_size=batch_size)
    if nodes:
        TreeNode.objects.bulk_create(nodes, batch_size=batch_size)
    LogHead.objects.filter(pk=1).update(size=frontier.size, frontier=new_frontier, root=frontier.root(), updated_at=now)
    return entries


_PG_WRITE = """
WITH new_entries AS (
    INSERT INTO records_logentry (seq, kind, created_at, agency_id, case_ref, target_id, canonical, leaf_hash)
    SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[], %s::bigint[], %s::varchar[],
                         %s::varchar[], %s::bytea[], %s::bytea[])
), new_nodes AS (
    INSERT INTO records_treenode (level, "index", hash)
    SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[])
)
UPDATE records_loghead SET size = %s, frontier = %s::jsonb, root = %s, updated_at = %s WHERE id = 1
"""


def _defer_flush(connection) -> None:
    """Take the disk flush out of the head's lock, without reporting success before the flush.

    Appends are serial: the head row stays locked until the appending transaction has committed.
    With a synchronous commit each writer would hold the lock through its own WAL flush (an fsync),
    so the log could never pass one flush per entry. Instead the appending transaction commits
    with ``synchronous_commit = off`` — the lock is released as soon as the commit record is in
    the WAL buffers — and right after the commit, before control returns to the caller, the writer
    waits for the WAL to reach the disk by committing a tiny transaction synchronously
    (:func:`_wait_for_flush`). Writers waiting for their flush no longer hold the lock, so their
    flushes are shared (group commit).

    What a crash can do: PostgreSQL recovers the WAL in order up to the last flushed record, and
    log transactions commit one after another in sequence order, so what survives is always a
    prefix of the log — no gap. An append lost in a crash was never reported as done: its caller
    was still waiting in :func:`_wait_for_flush`. Signed checkpoints commit synchronously, so
    everything a checkpoint covers is on disk before the checkpoint exists.
    """
    from django.conf import settings

    if not settings.RECORDS.get("LOG_DEFERRED_FLUSH", True):
        return
    if any(getattr(item[1], "sanxiang_flush", False) for item in connection.run_on_commit):
        return  # already arranged in this transaction (a savepoint rollback takes both away together)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")

    def wait():
        _wait_for_flush(connection)

    wait.sanxiang_flush = True
    transaction.on_commit(wait, using=connection.alias)


def _wait_for_flush(connection) -> None:
    """Block until the WAL is on disk up to (at least) the just-committed log transaction."""
    with connection.cursor() as cursor:
        # A transaction that holds a transaction id writes a commit record; committed synchronously,
        # it returns only once the WAL up to that record — ours included — has been flushed.
        cursor.execute("SELECT pg_current_xact_id()")


def _write_postgres(connection, entries, nodes, size, frontier, root, now) -> None:
    """PostgreSQL: entries, nodes and the head in one statement, so the head's lock is held for one round trip less."""
    with connection.cursor() as cursor:
        cursor.execute(_PG_WRITE, [
            [e.seq for e in entries], [e.kind for e in entries], [e.created_at for e in entries],
            [e.agency_id for e in entries], [e.case_ref for e in entries], [e.target_id for e in entries],
            [e.canonical for e in entries], [e.leaf_hash for e in entries],
            [n.level for n in nodes], [n.index for n in nodes], [n.hash for n in nodes],
            size, json.dumps(frontier), root, now,
        ])
    for entry in entries:
        entry._state.adding = False
        entry._state.db = connection.alias


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log entries are appended inside the transaction of what they record")


def append(kind: str, payload: dict, *, agency=None, case_ref: str = "", target_id: str = "",
           at: datetime.datetime | None = None) -> LogEntry:
    """Append one entry; must run inside the transaction that stores what it records."""
    _in_transaction()
    _check(kind)
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        return _append_postgres(connection, kind, payload, agency, case_ref, target_id, at)
    spec = {"kind": kind, "payload": payload, "agency": agency, "case_ref": case_ref, "target_id": target_id, "at": at}
    return _write([spec])[0]


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _append_postgres(connection, kind, payload, agency, case_ref, target_id, at) -> LogEntry:
    """One entry on PostgreSQL through ``sanxiang_log_append`` (migration 0006): one statement under the lock.

    The canonical document is the same stable JSON as :func:`canonical_bytes` gives; only the
    number and the time are filled in by the function, under the head's lock (keys sorted:
    agency, case_ref, created_at, kind, payload, seq, target_id).
    """
    agency_id = agency.pk if agency is not None else None
    head = f'{{"agency":{_dumps(agency_id)},"case_ref":{_dumps(case_ref)},"created_at":"'
    middle = f'","kind":{_dumps(kind)},"payload":{_dumps(payload)},"seq":'
    tail = f',"target_id":{_dumps(target_id)}}}'
    check_archive = bool(case_ref) and kind != LogEntry.Kind.ACCESS
    _defer_flush(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, created_at, canonical, leaf FROM sanxiang_log_append(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [kind, at, agency_id, case_ref, target_id, head.encode(), middle.encode(), tail.encode(), check_archive],
        )
        seq, created_at, canonical, leaf = cursor.fetchone()
    if seq < 0:
        raise RuleViolation("REC-08", f"案件{case_ref}已归档，案卷记录不再接受新的条目（调阅记录除外）")
    entry = LogEntry(seq=seq, kind=kind, created_at=created_at, agency=agency, case_ref=case_ref, target_id=target_id,
                     canonical=bytes(canonical), leaf_hash=bytes(leaf))
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


def append_many(specs, *, batch_size: int | None = 1000) -> list[LogEntry]:
    """Append several entries under one lock of the head, in the given order; inside the caller's transaction.

    Each spec is a dict with the arguments of :func:`append`: ``kind``, ``payload`` and optionally
    ``agency``, ``case_ref``, ``target_id``, ``at``. The entries get consecutive sequence numbers;
    all are checked before any is written, so one bad spec stores none. For a collection station
    or an import that stores many records in one transaction, this is much cheaper than many
    :func:`append` calls (one lock, one head update, batched inserts).
    """
    _in_transaction()
    specs = list(specs)
    if not specs:
        return []
    for spec in specs:
        unknown = set(spec) - {"kind", "payload", "agency", "case_ref", "target_id", "at"}
        if unknown or "kind" not in spec or "payload" not in spec:
            raise ValueError(f"a log entry spec has kind, payload, agency, case_ref, target_id, at; got {sorted(spec)}")
        _check(spec["kind"])
    return _write(specs, batch_size=batch_size)


def bulk_append(specs, *, chunk: int = 20000) -> int:
    """Append a large iterable of specs (see :func:`append_many`) in transactions of ``chunk`` entries.

    For data generation, migrations of old records and benchmarks: each chunk is its own
    transaction holding the head's lock, so the log stays gapless and other writers interleave
    between chunks. Returns the number of entries appended. Must not run inside a transaction
    (the chunks commit one by one).
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk_append commits chunk by chunk; call it outside a transaction")
    total = 0
    batch: list[dict] = []
    for spec in specs:
        batch.append(spec)
        if len(batch) >= chunk:
            with transaction.atomic():
                append_many(batch, batch_size=5000)
            total += len(batch)
            batch = []
    if batch:
        with transaction.atomic():
            append_many(batch, batch_size=5000)
        total += len(batch)
    return total


def decode(entry: LogEntry) -> dict:
    """The entry's canonical document."""
    return json.loads(bytes(entry.canonical))
