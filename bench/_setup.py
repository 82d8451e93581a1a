"""Shared start-up for bench scripts: Django on a dedicated benchmark database.

BENCH_DATABASE_URL picks the database (default: a SQLite file in /tmp). For PostgreSQL
the database is created when missing, e.g.
BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoliuba_bench"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-bench.sqlite3")
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url


def server_cpu_seconds() -> float:
    """Seconds of CPU the PostgreSQL server process of Django's connection has used, from
    /proc when the server runs on this machine; 0 on SQLite, whose work is this process's
    own, or when the server is elsewhere."""
    from django.db import connection  # after setup(), like the imports there

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except OSError:
        return 0.0


def timed(fn, repeat: int = 20) -> tuple[float, float]:
    """(median, p99) in milliseconds over `repeat` runs after one warm-up."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.99))]
