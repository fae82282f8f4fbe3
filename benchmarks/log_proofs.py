"""Benchmark: proofs and full recomputation with 1,000,000 log entries on PostgreSQL (issue 3).

    SANXIANG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/log_proofs.py

On a scratch database it builds the log with ``log.bulk_append`` (chunks under one lock each, the
same code path as every append), then measures:

1. inclusion proofs of random entries: ``proofs.inclusion_proof`` (database round trips included)
   and ``GET /api/v1/records/proofs/inclusion/`` through Django's test client — p50/p95/max,
   target p95 ≤ 20 ms;
2. recomputing every leaf and the root from the stored bytes (what ``verify --quick`` does for the
   log), against the baseline of only reading the same rows in the same run — target ≤ 60 s;
3. ``sanxiang verify --quick`` itself, as a separate process, when the command exists.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, percentile, scratch_database  # noqa: E402

PAYLOAD = {"evidence": "1f3a" * 16, "media_type": "image/jpeg", "size": 2480311, "device": "DSJ-2025-000417"}


def build(n, chunk):
    from sanxiang.records import log

    started = time.perf_counter()
    done = 0
    step = 100_000
    while done < n:
        part = min(step, n - done)
        log.bulk_append(({"kind": "evidence", "payload": {**PAYLOAD, "n": done + i}} for i in range(part)), chunk=chunk)
        done += part
        rate = done / (time.perf_counter() - started)
        print(f"  {done:>9,d} entries  {rate:8.0f} entries/s", flush=True)
    return time.perf_counter() - started


def time_proofs(samples, size):
    from django.contrib.auth import get_user_model
    from django.db import reset_queries
    from django.test import Client

    from sanxiang.records import merkle, proofs

    rng = random.Random(7)
    seqs = [rng.randrange(size) for _ in range(samples)]
    timings = []
    for seq in seqs:
        t0 = time.perf_counter()
        proof = proofs.inclusion_proof(seq)
        timings.append(time.perf_counter() - t0)
        reset_queries()
    merkle.verify_inclusion(proof["leaf_hash"], seq, size, proof["hashes"], proof["root"])

    user = get_user_model().objects.create_user("bench-proofs", password="x" * 12)
    client = Client()
    client.force_login(user)
    api = []
    for seq in seqs:
        t0 = time.perf_counter()
        response = client.get(f"/api/v1/records/proofs/inclusion/?seq={seq}", HTTP_HOST="localhost")
        api.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
    return timings, api


def recompute(batch):
    """Stream every entry once: check seq has no gap, leaf = H(0x00‖bytes), root = the head's root."""
    from django.db import connection, transaction

    from sanxiang.records import merkle
    from sanxiang.records.models import LogHead

    read_only = 0.0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DECLARE bench_rows NO SCROLL CURSOR FOR SELECT canonical FROM records_logentry ORDER BY seq")
        count = 0
        while True:
            cursor.execute(f"FETCH {batch} FROM bench_rows")
            rows = cursor.fetchall()
            if not rows:
                break
            count += len(rows)
        cursor.execute("CLOSE bench_rows")
    read_only = time.perf_counter() - started

    started = time.perf_counter()
    frontier = merkle.CompactRange()
    bad = 0
    expected = 0
    leaf_hash = merkle.leaf_hash
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DECLARE bench_rows NO SCROLL CURSOR FOR "
                       "SELECT seq, canonical, leaf_hash FROM records_logentry ORDER BY seq")
        while True:
            cursor.execute(f"FETCH {batch} FROM bench_rows")
            rows = cursor.fetchall()
            if not rows:
                break
            for seq, canonical, stored in rows:
                h = leaf_hash(canonical)
                if seq != expected or h != stored:
                    bad += 1
                expected = seq + 1
                frontier.append(h)
        cursor.execute("CLOSE bench_rows")
    full = time.perf_counter() - started
    head = LogHead.objects.get(pk=1)
    ok = not bad and frontier.size == head.size == count and frontier.root() == bytes(head.root)
    return full, read_only, ok, frontier.size


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=20_000, help="entries per bulk_append transaction")
    parser.add_argument("--samples", type=int, default=2000, help="inclusion proofs timed")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()
    with scratch_database("sanxiang_bench_proofs", keep=args.keep) as url:
        print(f"building {args.entries:,d} entries with log.bulk_append (chunks of {args.chunk:,d}) ...")
        seconds = build(args.entries, args.chunk)
        print(f"built in {seconds:.1f} s ({args.entries / seconds:.0f} entries/s)")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        direct, api = time_proofs(args.samples, args.entries)
        p95 = percentile(direct, 0.95) * 1000
        api95 = percentile(api, 0.95) * 1000
        print(f"inclusion proof, proofs.inclusion_proof: p50 {percentile(direct, 0.5) * 1000:.2f} ms  "
              f"p95 {p95:.2f} ms  max {max(direct) * 1000:.2f} ms  ({len(direct)} random entries)")
        print(f"inclusion proof, GET /api/v1/records/proofs/inclusion/: p50 {percentile(api, 0.5) * 1000:.2f} ms  "
              f"p95 {api95:.2f} ms  max {max(api) * 1000:.2f} ms")
        print(f"  target p95 <= 20 ms: {'met' if api95 <= 20 else 'NOT met'}")
        full, read_only, ok, size = recompute(10_000)
        print(f"recompute {size:,d} leaves and the root: {full:.1f} s ({'root and leaves OK' if ok else 'MISMATCH'}); "
              f"baseline reading the same rows only: {read_only:.1f} s; ratio {full / read_only:.2f}")
        print(f"  target <= 60 s: {'met' if full <= 60 else 'NOT met'}")
        if (ROOT / "sanxiang" / "records" / "management" / "commands" / "verify.py").exists():
            import tempfile

            empty = tempfile.mkdtemp(prefix="sanxiang-bench-")  # no evidence files: this log holds entries only
            env = {**os.environ, "SANXIANG_DATABASE_URL": url, "SANXIANG_RECORDS_ROOT": empty,
                   "SANXIANG_MEDIA_ROOT": empty}
            started = time.perf_counter()
            result = subprocess.run([str(ROOT / ".venv" / "bin" / "sanxiang"), "verify", "--quick", "--no-progress"],
                                    env=env, cwd=ROOT, capture_output=True, text=True)
            took = time.perf_counter() - started
            print(f"sanxiang verify --quick: {took:.1f} s, exit {result.returncode}")
            if result.returncode:
                print((result.stdout + result.stderr)[-1500:])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
