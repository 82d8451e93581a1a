"""Rollup catch-up after N new events, on a city made by gen_city.py.

    BENCH_DATABASE_URL=sqlite:////tmp/jiaoliuba-bench-dash.sqlite3 .venv/bin/python bench/catch_up.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash .venv/bin/python bench/catch_up.py

Three kinds of 100 events, each timed over --rounds rounds (median and worst, ms) on
fresh appeals every round:

- notes: an event that changes no figure (a note, an urge, a re-read by the worker);
- changes: the appeal's fact changes (marked a repeat by hand), its chain does not;
- new: appeals the rollups have never seen (their facts deleted first, as for a fresh
  intake), so facts are inserted and the submitters' participation chains recomputed.

Each row gives wall-clock milliseconds and the CPU milliseconds the catch-up used: this
process plus, on a local PostgreSQL, the server process serving it (its
/proc/<pid>/schedstat). On a shared machine the wall clock mostly measures the queue for
a core; the CPU time is the work itself.

The worker runs with DEBUG off (config.settings.production), and so does this script
unless DEBUG=1 is set: with DEBUG on, Django also keeps a log of every statement with its
parameters quoted (on SQLite one more query per 999 parameters), which cost a catch-up
of 100 new appeals more than its own statements did.

It writes to the bench database (events, and the repeat marks it flips back), so run it
on a bench copy, never on real data."""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from collections import defaultdict

from _setup import server_cpu_seconds, setup

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--events", type=int, default=100)
parser.add_argument("--rounds", type=int, default=7)
parser.add_argument(
    "--profile", action="store_true", help="print the statements of each kind's last round"
)
parser.add_argument(
    "--cprofile",
    action="store_true",
    help="cProfile each round: function calls per round and the functions taking the most",
)
ARGS = parser.parse_args()


def main() -> None:
    os.environ.setdefault("DEBUG", "0")  # as the worker runs; DEBUG=1 to see the query log's cost
    url = setup()
    from django.conf import settings
    from django.db import connection, transaction

    from jiaoliuba.appeals.choices import EventKind
    from jiaoliuba.appeals.models import Appeal, AppealEvent
    from jiaoliuba.core import clock
    from jiaoliuba.dashboards import projection, services
    from jiaoliuba.dashboards.models import COUNTERS, AppealFact

    print(
        f"database: {connection.vendor} ({url.split('@')[-1]}), appeals {Appeal.objects.count():,}"
        f", load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        f", DEBUG {'on' if settings.DEBUG else 'off'}"
    )
    services.rollups_sync()
    pool = list(
        Appeal.objects.order_by("-pk").values_list("pk", "is_repeat")[
            : ARGS.events * 3 * ARGS.rounds
        ]
    )

    cpu: list[float] = []
    calls: list[tuple[float, str]] = []
    profiler = cProfile.Profile()

    def record(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            calls.append(((time.perf_counter() - start) * 1000, sql))

    def timed(prepare) -> list[float]:
        samples = []
        cpu.clear()
        profiler.clear()
        for round_ in range(ARGS.rounds):
            chunk = pool[round_ * ARGS.events : (round_ + 1) * ARGS.events]
            ids = [pk for pk, _ in chunk]
            prepare(chunk, ids)
            AppealEvent.objects.bulk_create(
                [AppealEvent(appeal_id=i, kind=EventKind.NOTE, created_at=clock.now()) for i in ids]
            )
            server = server_cpu_seconds()
            calls.clear()
            start, own = time.perf_counter(), time.process_time()
            if ARGS.profile:
                with connection.execute_wrapper(record):
                    services.rollups_sync()
            elif ARGS.cprofile:
                profiler.enable()
                services.rollups_sync()
                profiler.disable()
            else:
                services.rollups_sync()
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - own) * 1000 + (server_cpu_seconds() - server) * 1000)
        if ARGS.profile:
            for ms, sql in sorted(calls, reverse=True)[:8]:
                print(f"    {ms:7.1f} ms  {sql[:150]}")
            print(f"    {len(calls)} statements, {sum(ms for ms, _ in calls):.1f} ms in all")
        if ARGS.cprofile:
            stats = pstats.Stats(profiler, stream=io.StringIO())
            per_round = stats.total_calls / ARGS.rounds  # type: ignore[attr-defined]
            print(f"    {per_round:,.0f} function calls per round (cProfile)")
            out = io.StringIO()
            stats.stream = out
            stats.sort_stats("tottime").print_stats(25)
            print("\n".join("    " + line for line in out.getvalue().splitlines()[6:]))
        del pool[: ARGS.events * ARGS.rounds]
        return samples

    def notes(chunk, ids):
        pass

    def changes(chunk, ids):
        for pk, repeat in chunk:
            Appeal.objects.filter(pk=pk).update(is_repeat=not repeat)

    renewed: list[int] = []

    def new(chunk, ids):
        renewed.extend(ids)
        AppealFact.objects.filter(appeal_id__in=ids).delete()

    # Put the repeat marks back afterwards by flipping them once more.
    changed = pool[ARGS.events * ARGS.rounds : 2 * ARGS.events * ARGS.rounds]
    print(
        f"\n| {ARGS.events} new events | median ms | worst ms | CPU median ms | rounds |"
        "\n|---|---:|---:|---:|---:|"
    )
    for name, prepare in (
        ("notes (no fact changes)", notes),
        ("changes (facts change)", changes),
        ("new appeals (facts + chains)", new),
    ):
        samples = timed(prepare)
        print(
            f"| {name} | {statistics.median(samples):,.1f} | {max(samples):,.1f} | "
            f"{statistics.median(cpu):,.1f} | {len(samples)} |",
            flush=True,
        )
    # Leave the bench city as it was: the repeat marks flipped back (and applied), and
    # the rollups of the "new" appeals counted once, not twice.
    for pk, repeat in changed:
        Appeal.objects.filter(pk=pk).update(is_repeat=repeat)
    AppealEvent.objects.bulk_create(
        [
            AppealEvent(appeal_id=pk, kind=EventKind.NOTE, created_at=clock.now())
            for pk, _ in changed
        ]
    )
    services.rollups_sync()
    deltas = defaultdict(lambda: [0] * len(COUNTERS))
    for fact in AppealFact.objects.filter(appeal_id__in=renewed):
        projection._add(deltas, *projection._appeal_key_counters(fact), -1)
    with transaction.atomic():
        projection._apply(deltas)


if __name__ == "__main__":
    main()
