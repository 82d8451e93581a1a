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
