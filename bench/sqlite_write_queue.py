"""SQLite's write lock under a rush: how long writers wait at BEGIN IMMEDIATE with plain
`transaction.atomic()` (SQLite's busy handler) and with `core.writes.write_transaction()`
(a first-come-first-served queue per process). 24 threads, N write transactions that
each hold the lock HOLD seconds (a sleep: no CPU, so the lock alone is measured).

    SQLITE_TIMEOUT=5 .venv/bin/python bench/sqlite_write_queue.py plain
    SQLITE_TIMEOUT=5 .venv/bin/python bench/sqlite_write_queue.py fifo

Environment: N (600), HOLD (0.02), SQLITE_TIMEOUT (the busy timeout, 20)."""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-bench-writes.sqlite3")

from _setup import setup

setup()

from django.db import connection, transaction  # noqa: E402

from jiaoliuba.core.models import AuditLog  # noqa: E402
from jiaoliuba.core.writes import write_transaction  # noqa: E402

HOLD = float(os.environ.get("HOLD", "0.02"))
N = int(os.environ.get("N", "600"))


def main(mode: str) -> None:
    waits: list[float] = []
    failed = 0
    lock = threading.Lock()

    def one(n: int) -> None:
        nonlocal failed
        started = time.perf_counter()
        try:
            with write_transaction() if mode == "fifo" else transaction.atomic():
                waited = time.perf_counter() - started
                AuditLog.objects.create(action="bench.write", target_type="t", target_id=str(n))
                time.sleep(HOLD)
            with lock:
                waits.append(waited)
        except Exception:
            with lock:
                failed += 1
        finally:
            connection.close()

    load = os.getloadavg()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(24) as pool:
        list(pool.map(one, range(N)))
    wall = time.perf_counter() - t0
    waits.sort()
    print(
        f"{mode:5} load {load[0]:.1f} timeout {connection.settings_dict['OPTIONS']['timeout']:g}s "
        f"hold {HOLD * 1000:.0f} ms, {N} writes: wall {wall:.1f}s, failed {failed}, wait p50 "
        f"{statistics.median(waits):.2f}s p99 {waits[int(len(waits) * 0.99) - 1]:.2f}s "
        f"max {waits[-1]:.2f}s"
    )
    AuditLog.objects.filter(action="bench.write").delete()


main(sys.argv[1] if len(sys.argv) > 1 else "fifo")
