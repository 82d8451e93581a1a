"""The writer probe of gen_city.py's rebuild: in another process, every 50 ms take the write
lock the way an intake does and give it back at once, so the longest wait any writer had
during the rebuild is measured, not guessed. Needs no Django."""

from __future__ import annotations

import subprocess
import sys
import time

# Run in another process while the rebuild runs: every 50 ms take the write lock the
# way an intake does (SQLite: BEGIN IMMEDIATE, WAL's one writer; PostgreSQL: read a
# rollup row, which only the swap's exclusive lock can hold up) and give it back at once,
# printing "<epoch seconds when granted> <seconds waited>" per try, until stdin closes.
PROBE = r"""
import sys, threading, time
url = sys.argv[1]
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
if url.startswith("sqlite"):
    import sqlite3
    conn = sqlite3.connect(url.split("sqlite:///", 1)[1], timeout=600, isolation_level=None)
    def once():
        conn.execute("BEGIN IMMEDIATE")
        granted = time.time()
        conn.execute("ROLLBACK")
        return granted
else:
    import psycopg
    conn = psycopg.connect(url, autocommit=True)
    def once():
        conn.execute("SELECT 1 FROM dashboards_rollup LIMIT 1").fetchall()
        return time.time()
while not stop.is_set():
    asked = time.time()
    granted = once()
    print(f"{granted:.3f} {granted - asked:.3f}", flush=True)
    time.sleep(0.05)
"""


def start(url: str, *, enabled: bool = True) -> subprocess.Popen | None:
    if not enabled:
        return None
    return subprocess.Popen(
        [sys.executable, "-c", PROBE, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def report(url: str, probe: subprocess.Popen | None, marks: list[tuple[str, float]]) -> None:
    """The longest waits the probe saw, each with the rebuild step it fell in."""
    if probe is None:
        return
    out, _ = probe.communicate("", timeout=600)
    waits = []
    for line in out.split("\n"):
        if line.strip():
            granted, waited = (float(x) for x in line.split())
            waits.append((waited, granted))
    if not waits:
        print("probe: no sample")
        return
    waits.sort(reverse=True)
    offset = time.time() - time.perf_counter()

    def step(at: float) -> str:
        for phase, when in marks:
            if when + offset >= at:
                return phase
        return "after"

    what = "a writer's BEGIN IMMEDIATE" if url.startswith("sqlite") else "a rollup read"
    over = sum(1 for w, _ in waits if w > 1.0)
    print(
        f"probe ({what}, every 50 ms, {len(waits):,} tries): longest waits "
        + ", ".join(f"{w:.2f}s (step ending at '{step(g)}')" for w, g in waits[:6])
        + f"; {over} tries waited over 1 s"
    )
