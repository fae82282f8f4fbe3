"""Appending to the record log (DESIGN.md rule 2). The only writer of LogEntry and TreeNode.

Every record — a document version, an evidence file, a case event, an access event — is appended
with :func:`append` inside the transaction that stores it. The append locks the single
:class:`LogHead` row, so sequence numbers have no gaps and no duplicates whatever the number of
writers (PostgreSQL: ``SELECT … FOR UPDATE``; SQLite: ``BEGIN IMMEDIATE`` serialises writers).
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


def append(kind: str, payload: dict, *, agency=None, case_ref: str = "", target_id: str = "",
           at: datetime.datetime | None = None) -> LogEntry:
    """Append one entry; must run inside the transaction that stores what it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log entries are appended inside the transaction of what they record")
    if kind not in LogEntry.Kind.values:
        raise ValueError(f"unknown log entry kind {kind!r}")
    if case_ref and kind != LogEntry.Kind.ACCESS and CaseArchive.objects.filter(case_ref=case_ref).exists():
        raise RuleViolation("REC-08", f"案件{case_ref}已归档，案卷记录不再接受新的条目（调阅记录除外）")
    head = LogHead.objects.select_for_update().get(pk=1)
    created_at = at or timezone.now()
    seq = head.size
    document = {
        "seq": seq,
        "kind": kind,
        "created_at": _iso(created_at),
        "agency": agency.pk if agency is not None else None,
        "case_ref": case_ref,
        "target_id": target_id,
        "payload": payload,
    }
    data = canonical_bytes(document)
    leaf = merkle.leaf_hash(data)
    nodes: list[TreeNode] = []
    frontier = merkle.CompactRange(
        head.size, [bytes.fromhex(h) for h in head.frontier],
        on_node=lambda level, index, h: level and nodes.append(TreeNode(level=level, index=index, hash=h)),
    )
    frontier.append(leaf)
    entry = LogEntry.objects.create(
        seq=seq, kind=kind, created_at=created_at, agency=agency, case_ref=case_ref, target_id=target_id,
        canonical=data, leaf_hash=leaf,
    )
    if nodes:
        TreeNode.objects.bulk_create(nodes)
    head.size = frontier.size
    head.frontier = [h.hex() for h in frontier.hashes]
    head.root = frontier.root()
    head.save(update_fields=["size", "frontier", "root", "updated_at"])
    return entry


def decode(entry: LogEntry) -> dict:
    """The entry's canonical document."""
    return json.loads(bytes(entry.canonical))
