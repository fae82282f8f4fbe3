"""Benchmark: appends to the record log with concurrent writers on PostgreSQL (issue 3).

    SANXIANG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/log_append.py

Each writer is a process with its own connection. Measured in the same run, on a scratch database:

1. baseline — every writer INSERTs single rows of the same size into an ordinary table, one
   transaction per row;
2. ``log.append`` — one entry per transaction (what a service does when it stores one record);
3. ``log.append_many`` — a writer's entries in batches under one lock (collection stations and
   imports that store many records at once).

Then it checks the log: sequence numbers exactly 0..n-1, every stored leaf hash equals the hash of
the stored bytes, and the root recomputed from the leaves equals the log head's.
"""

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import scratch_database, setup_django  # noqa: E402

PAYLOAD = {
    "evidence": "1f3a" * 16,
    "sm3": "9c2b" * 16,
    "media_type": "video/mp4",
    "size": 734003200,
    "officers": [101, 102],
    "device": "DSJ-2025-000417",
    "captured": ["2025-11-23T08:30:00Z", "2025-11-23T09:12:41Z"],
    "note": "现场检查全过程记录",
}


def _worker(mode, url, writer, ready, go, seconds, batch, results):
    os.environ["SANXIANG_DATABASE_URL"] = url
    setup_django()
    from django.db import connection, transaction

    from sanxiang.records import log

    payload = {**PAYLOAD, "writer": writer}
    size = len(log.canonical_bytes({"seq": 0, "kind": "evidence", "payload": payload, "x": "0" * 90}))
    data = os.urandom(size)
    connection.ensure_connection()
    count = 0
    ready.release()
    go.wait()
    deadline = time.time() + seconds
    latencies = []
    while True:
        if time.time() >= deadline:
            break
        t0 = time.perf_counter()
        if mode == "plain":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO bench_plain (kind, created_at, canonical, leaf_hash) VALUES (%s, now(), %s, %s)",
                    ["evidence", data, data[:32]],
                )
            count += 1
        elif mode == "append":
            with transaction.atomic():
                log.append("evidence", payload, case_ref="", target_id="")
            count += 1
        else:
            with transaction.atomic():
                log.append_many([{"kind": "evidence", "payload": payload}] * batch)
            count += batch
        latencies.append(time.perf_counter() - t0)
    results.put((writer, count, latencies))


def run(mode, url, writers, seconds, batch=1):
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    ready, go = ctx.Semaphore(0), ctx.Event()
    procs = [ctx.Process(target=_worker, args=(mode, url, w, ready, go, seconds, batch, results)) for w in range(writers)]
    for p in procs:
        p.start()
    for _ in procs:  # every writer has started Django and connected before the clock starts
        ready.acquire()
    go.set()
    got = [results.get() for _ in procs]
    for p in procs:
        p.join()
    total = sum(c for _, c, _ in got)
    lat = sorted(x for _, _, ls in got for x in ls)
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else 0
    return total, total / seconds, p95


def check_log():
    from django.db import connection

    from sanxiang.records import merkle
    from sanxiang.records.models import LogHead

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(seq), max(seq), count(DISTINCT seq) FROM records_logentry")
        count, low, high, distinct = cursor.fetchone()
        cursor.execute("SELECT canonical, leaf_hash FROM records_logentry ORDER BY seq")
        leaves = []
        bad = 0
        for canonical, leaf in cursor:
            h = merkle.leaf_hash(bytes(canonical))
            bad += h != bytes(leaf)
            leaves.append(h)
    head = LogHead.objects.get(pk=1)
    ok = count == distinct == head.size and (count == 0 or (low == 0 and high == count - 1)) and not bad
    ok = ok and merkle.root(leaves) == bytes(head.root)
    print(f"log check: {count} entries, seq {low}..{high}, {distinct} distinct, head size {head.size}, "
          f"leaf mismatches {bad}, root {'matches' if merkle.root(leaves) == bytes(head.root) else 'DIFFERS'}"
          f" -> {'OK' if ok else 'FAILED'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=50, help="entries per append_many call")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()
    with scratch_database(keep=args.keep) as url:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_plain (id bigserial PRIMARY KEY, kind varchar(20), "
                           "created_at timestamptz, canonical bytea, leaf_hash bytea)")
        connection.close()
        print(f"{args.writers} writers, {args.seconds:.0f} s each run, CPUs: {os.cpu_count()}")
        plain_n, plain_rate, plain_p95 = run("plain", url, args.writers, args.seconds)
        print(f"baseline plain INSERT      : {plain_n:8d} rows    {plain_rate:9.0f} rows/s    p95 {plain_p95:6.1f} ms")
        n1, rate1, p95_1 = run("append", url, args.writers, args.seconds)
        print(f"log.append (1 per txn)     : {n1:8d} entries {rate1:9.0f} entries/s p95 {p95_1:6.1f} ms"
              f"  ratio to baseline {rate1 / plain_rate:.2f}")
        ok = check_log()
        n2, rate2, p95_2 = run("many", url, args.writers, args.seconds, args.batch)
        print(f"log.append_many ({args.batch}/txn)  : {n2:8d} entries {rate2:9.0f} entries/s p95 {p95_2:6.1f} ms/batch"
              f"  ratio to baseline {rate2 / plain_rate:.2f}")
        ok = check_log() and ok
        print(f"target >= 2000 entries/s: single {'met' if rate1 >= 2000 else 'NOT met'}, "
              f"batched {'met' if rate2 >= 2000 else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
