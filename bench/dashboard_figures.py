"""How fast are the dashboard's whole-city figures at 1,000,000 appeals? Times, against
the city bench/gen_city.py built, what the dashboard computes: kpi_figures for the
current month and the current year (each with its previous period), the district
drill-down, the community ranking (city and one district), the trend and the category
breakdown, and rollups_sync() with nothing new. Median and p95 over --repeat runs after
one warm-up; then, for every entry over the budget, the slowest SQL statements of one
run with their query plans.

    .venv/bin/python bench/dashboard_figures.py                   # SQLite, /tmp/jiaoliuba-bench-dash.sqlite3
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash .venv/bin/python bench/dashboard_figures.py

Flags: --repeat N (20; entries whose warm-up takes longer than --slow seconds run
--slow-repeat times instead), --budget MS (300), --only SUBSTRING (run the matching
entries only), --no-explain, --sync-writes (also time a sync after 1 and after 100 new
events; this appends AppealEvent rows to the bench database). Runs with DEBUG off, as in
production, unless DEBUG=1 is in the environment.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_URL = "sqlite:////tmp/jiaoliuba-bench-dash.sqlite3"  # as gen_city.py


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--slow", type=float, default=5.0)
    parser.add_argument("--slow-repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=300.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--sync-writes", action="store_true")
    return parser.parse_args()


ARGS = parse_args()
os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
# As in production: DEBUG logs every query, and it changes how Django formats SQL.
os.environ.setdefault("DEBUG", "0")

from _setup import server_cpu_seconds, setup  # noqa: E402

URL = setup()

from django.db import connection  # noqa: E402

from jiaoliuba.appeals.choices import EventKind  # noqa: E402
from jiaoliuba.appeals.models import Appeal, AppealEvent  # noqa: E402
from jiaoliuba.core import clock  # noqa: E402
from jiaoliuba.dashboards import selectors, services  # noqa: E402
from jiaoliuba.dashboards.choices import PeriodKind  # noqa: E402
from jiaoliuba.dashboards.models import AppealFact, Rollup  # noqa: E402
from jiaoliuba.dashboards.periods import period_containing  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402

CITY = "419800000000"
DISTRICT = "419801000000"


def code_version() -> str:
    """The commit measured, and whether the dashboards code had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--", "jiaoliuba/dashboards", "jiaoliuba/appeals")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


class Recorder:
    """Collects (sql, params, seconds) of every statement run inside it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, float]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append((sql, params, time.perf_counter() - start))


def measure(fn: Callable[[], object]) -> tuple[float, float, int, float, float]:
    """(median ms, p95 ms, runs, warm-up ms, median CPU ms). The CPU time is this
    process's plus the PostgreSQL server process's: on a shared machine the wall clock
    also counts the wait for a core."""
    start = time.perf_counter()
    fn()
    warm = (time.perf_counter() - start) * 1000
    runs = ARGS.repeat if warm < ARGS.slow * 1000 else ARGS.slow_repeat
    samples, cpu = [], []
    for _ in range(runs):
        server = server_cpu_seconds()
        start, own = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - own) * 1000 + (server_cpu_seconds() - server) * 1000)
    samples.sort()
    cpu.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    return samples[len(samples) // 2], p95, runs, warm, cpu[len(cpu) // 2]


def explain(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(r[0] for r in rows)
    return "\n".join(f"  {r[-1]}" for r in rows)


def inline(sql: str, params: tuple) -> str:
    """The statement with its parameters, to read (not to run)."""
    text = sql.replace("%s", "{}")
    try:
        return text.format(*(repr(p) for p in params or ()))
    except (IndexError, KeyError, ValueError):
        return sql


def rerun(sql: str, params: tuple) -> tuple[float, int]:
    """(ms, rows) for the statement run alone with every row fetched: a SQLite SELECT
    does most of its work while rows are fetched, after execute() has returned."""
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        return (time.perf_counter() - start) * 1000, len(rows)


def profile(name: str, fn: Callable[[], object]) -> None:
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        start = time.perf_counter()
        fn()
        total = (time.perf_counter() - start) * 1000
    timed_alone = []
    for sql, params, _seconds in recorder.calls:
        if sql.lstrip().upper().startswith("SELECT"):
            ms, rows = rerun(sql, params)
            timed_alone.append((ms, rows, sql, params))
    timed_alone.sort(key=lambda item: -item[0])
    alone = sum(item[0] for item in timed_alone)
    print(
        f"\n### {name}: {total:.0f} ms in one run, {len(recorder.calls)} statements; "
        f"the SELECTs run alone with all rows fetched: {alone:.0f} ms"
    )
    for ms, rows, sql, params in timed_alone[:4]:
        print(f"\n{ms:.0f} ms, {rows} rows: {inline(sql, params)[:1200]}")
        try:
            print(explain(sql, params))
        except Exception as exc:  # a plan is a bonus; never fail the bench for it
            print(f"(no plan: {exc})")


def main() -> None:
    city = Region.objects.get(code=CITY)
    district = Region.objects.get(code=DISTRICT)
    today = clock.local_now().date()
    month = period_containing(PeriodKind.MONTH, today)
    year = period_containing(PeriodKind.YEAR, today)
    print(f"database: {connection.vendor} ({URL.split('@')[-1]}), code {code_version()}")
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
        f", load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"appeals: {Appeal.objects.count():,}  facts: {AppealFact.objects.count():,}  "
        f"rollup rows: {Rollup.objects.count():,}  events: {AppealEvent.objects.count():,}"
    )
    print(f"month: {month.start}..{month.end}  year: {year.start}..{year.end}  (previous included)")
    services.rollups_sync()  # make sure the cursor is at the end before timing "nothing new"

    entries: list[tuple[str, Callable[[], object]]] = [
        ("kpi_figures city month", lambda: selectors.kpi_figures(region=city, period=month)),
        ("kpi_figures city year", lambda: selectors.kpi_figures(region=city, period=year)),
        ("children_figures city month", lambda: selectors.children_figures(region=city, period=month)),
        ("children_figures city year", lambda: selectors.children_figures(region=city, period=year)),
        ("community_ranking city month", lambda: selectors.community_ranking(region=city, period=month)),
        ("community_ranking city year", lambda: selectors.community_ranking(region=city, period=year)),
        ("community_ranking district month", lambda: selectors.community_ranking(region=district, period=month)),
        ("community_ranking district year", lambda: selectors.community_ranking(region=district, period=year)),
        ("trend city year", lambda: selectors.trend(region=city, period=year)),
        ("category_breakdown city year", lambda: selectors.category_breakdown(region=city, period=year)),
        ("rollups_sync, nothing new", services.rollups_sync),
    ]  # fmt: skip
    entries = [e for e in entries if ARGS.only in e[0]]

    results = []
    print(
        "\n| figure | median ms | p95 ms | CPU median ms | runs | warm-up ms |"
        "\n|---|---:|---:|---:|---:|---:|"
    )
    for name, fn in entries:
        median, p95, runs, warm, cpu = measure(fn)
        results.append((name, fn, median))
        print(
            f"| {name} | {median:,.1f} | {p95:,.1f} | {cpu:,.1f} | {runs} | {warm:,.0f} |",
            flush=True,
        )

    if ARGS.sync_writes:
        appeals = list(Appeal.objects.order_by("-pk").values_list("pk", flat=True)[:5000])
        for n in (1, 100):
            samples = []
            for round_ in range(5):
                ids = appeals[round_ * n : round_ * n + n]
                AppealEvent.objects.bulk_create(
                    [
                        AppealEvent(appeal_id=i, kind=EventKind.NOTE, created_at=clock.now())
                        for i in ids
                    ]
                )
                start = time.perf_counter()
                services.rollups_sync()
                samples.append((time.perf_counter() - start) * 1000)
            samples.sort()
            print(
                f"| rollups_sync, {n} new event{'s' if n > 1 else ''} | {samples[2]:,.1f} | "
                f"{samples[-1]:,.1f} | 5 | – |",
                flush=True,
            )

    if ARGS.no_explain:
        return
    for name, fn, median in results:
        if median > ARGS.budget:
            profile(name, fn)


if __name__ == "__main__":
    main()
