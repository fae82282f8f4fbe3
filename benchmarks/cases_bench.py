"""Benchmark: case pages, the case API and a transition with many generated cases on PostgreSQL (issue 5).

    SANXIANG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/cases_bench.py --cases 100000
    # or on a database already filled with `sanxiang gen-data` (kept as it is):
    SANXIANG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanxiang_bench .venv/bin/python benchmarks/cases_bench.py --reuse

Without ``--reuse`` it creates a scratch database, fills it with ``sanxiang gen-data`` (reporting cases/s)
and drops it at the end (``--keep`` keeps it). With Django's test client, logged in as the demo officer
(``officer``; the generator's organisation is the demo county), it measures p50/p95 over ``--requests``:

- baseline: a trivial view doing one indexed single-row SELECT, through the same middleware (same run);
- ``GET /cases/`` (the officer's list page) with varied filters, and ``GET /api/v1/cases/`` likewise;
- ``GET /cases/<pk>/`` (a case page) of random cases the officer sees;
- ``services.advance`` of a real move available on many generated cases (``penalty`` 立案 → 调查取证),
  and ``services.add_note`` (补充记录) on random open cases.

Targets at 1,000,000 cases: list page and API ≤ 150 ms p95, case page ≤ 200 ms, transition ≤ 100 ms p95.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import percentile, scratch_database, setup_django  # noqa: E402

urlpatterns = []  # filled in by main(): the project's URLs plus the baseline view


def baseline_view(request, pk):
    from django.http import JsonResponse

    from sanxiang.cases.models import Case

    row = Case.objects.filter(pk=pk).values_list("number", flat=True).first()
    return JsonResponse({"number": row})


def timed(fn, n):
    times = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def line(name, times, baseline=None, target=None):
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    ratio = f"  p95 ratio {p95 / baseline:5.1f}×" if baseline else ""
    goal = f"  target ≤ {target} ms: {'ok' if p95 <= target else 'MISSED'}" if target else ""
    print(f"{name:<44} n={len(times):4d}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {max(times):7.1f} ms{ratio}{goal}")
    return p95


def run(args):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import include, path

    from sanxiang.cases import services
    from sanxiang.cases.models import Case, CaseOfficer, Party
    from sanxiang.org.models import Person

    urlpatterns[:] = [path("bench-baseline/<int:pk>/", baseline_view), path("", include("sanxiang.urls"))]
    rng = random.Random(args.seed)
    total = Case.objects.count()
    print(f"cases in the database: {total}")
    officer = get_user_model().objects.get(username=args.user)
    person = Person.objects.get(user=officer)
    visible = Case.objects.restrict(officer, "view")
    mine = list(CaseOfficer.objects.filter(person=person).values_list("case_id", flat=True)[:20000])
    print(f"{args.user} sees {visible.count()} cases; handles {len(mine)}+")
    client = Client()
    client.force_login(officer)
    n = args.requests
    today = datetime.date.today()
    names = list(Party.objects.filter(case_id__in=mine[:2000]).values_list("name", flat=True)[:200])
    departments = list(visible.values_list("department_id", flat=True).distinct()[:5])
    filters = [
        {}, {"status": "all"}, {"status": "closed"}, {"status": "archived"}, {"kind": "penalty"},
        {"kind": "inspection", "status": "all"}, {"deadline": "overdue"}, {"deadline": "due_soon"}, {"mine": "1"},
        {"department": str(departments[0])} if departments else {},
        {"from": (today - datetime.timedelta(days=90)).isoformat(), "to": today.isoformat(), "status": "all"},
        {"q": (names[0][3:6] if names else "食品")}, {"q": "处罚〔"}, {"status": "all", "kind": "license"},
    ]
    # The API's spelling of the same filters: no status means every status; dates are registered_from/_to.
    renamed = {"from": "registered_from", "to": "registered_to"}
    api_filters = [
        {renamed.get(k, k): ("true" if k == "mine" else v) for k, v in f.items() if not (k == "status" and v == "all")}
        for f in filters]
    api_filters[0] = {"status": "open"}

    def get(url, params=None):
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise SystemExit(f"{url} {params}: HTTP {response.status_code}")
        return response

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        # warm up
        for f in filters:
            get("/cases/", f)
        for f in api_filters:
            get("/api/v1/cases/", f)
        sample = rng.sample(mine, min(len(mine), n))
        base = line("baseline: one indexed SELECT view", timed(lambda i: get(f"/bench-baseline/{sample[i % len(sample)]}/"), n))
        results = {}
        results["list"] = line("GET /cases/ (varied filters)", timed(lambda i: get("/cases/", filters[i % len(filters)]), n),
                               base, 150)
        results["api"] = line("GET /api/v1/cases/ (varied filters)",
                              timed(lambda i: get("/api/v1/cases/", api_filters[i % len(api_filters)]), n), base, 150)
        # The second page of the list (keyset): after the last case of the first page.
        first = get("/api/v1/cases/", {}).json()
        nxt = first.get("next")
        if nxt:
            line("GET /api/v1/cases/ next page", timed(lambda i: get(nxt), max(n // 4, 50)), base, 150)
        results["detail"] = line("GET /cases/<pk>/ (random visible cases)",
                                 timed(lambda i: get(f"/cases/{sample[i % len(sample)]}/"), n), base, 200)
        results["api_detail"] = line("GET /api/v1/cases/<pk>/",
                                     timed(lambda i: get(f"/api/v1/cases/{sample[i % len(sample)]}/"), n), base, 200)

    # Transitions: 立案 → 调查取证 on penalty cases waiting at 立案 that the officer handles.
    candidates = list(Case.objects.filter(pk__in=mine, flow_key="penalty", current_step="file", status="open")
                      .values_list("pk", flat=True))
    rng.shuffle(candidates)
    if candidates:
        def advance(i):
            case = Case.objects.get(pk=candidates[i])
            services.advance(officer, case.pk, "investigate", {
                "method": "inspection", "record": "基准测试：现场检查", "place": "云岫县城关镇府前路1号"},
                version=case.version)

        times = []
        for i in range(min(len(candidates), n)):
            started = time.perf_counter()
            try:
                advance(i)
            except Exception as exc:  # noqa: BLE001 — report the first refusal and stop measuring this move
                print(f"advance refused on case {candidates[i]}: {type(exc).__name__}: {exc}")
                break
            times.append((time.perf_counter() - started) * 1000)
        if times:
            results["advance"] = line("services.advance 立案→调查取证", times, base, 100)
    open_cases = list(Case.objects.filter(pk__in=mine, status="open").values_list("pk", flat=True)[:5000])
    notes = rng.sample(open_cases, min(n, len(open_cases)))

    def note(i):
        case = Case.objects.get(pk=notes[i])
        services.add_note(officer, case.pk, {"text": "基准测试：补充记录"}, version=case.version)

    results["note"] = line("services.add_note (补充记录)", timed(note, len(notes)), base, 100)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--user", default="officer")
    parser.add_argument("--reuse", action="store_true", help="use the database in SANXIANG_DATABASE_URL as it is")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SANXIANG_RECORDS_ROOT", "/tmp/sanxiang-bench-records")
    if args.reuse:
        setup_django()
        run(args)
        return
    with scratch_database("sanxiang_bench", keep=args.keep):
        from sanxiang.cases.gen_data import generate

        def progress(done, total, seconds):
            print(f"  generated {done}/{total} cases, {seconds:.0f} s, {done / seconds:.0f} cases/s", flush=True)

        stats = generate(args.cases, seed=args.seed, progress=progress)
        print(f"generated {stats.cases} cases ({stats.step_records} step records and log entries) in "
              f"{stats.seconds:.0f} s: {stats.rate:.0f} cases/s")
        run(args)


if __name__ == "__main__":
    main()
