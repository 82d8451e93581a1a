"""Where the time of one intake goes: POST /api/v1/appeals (text, Bearer token,
Idempotency-Key) handed straight to the WSGI application gunicorn serves (production
settings, the same middleware), without the network. Prints CPU milliseconds per intake,
the queries of one intake, and (BENCH_PROFILE=1) a cProfile summary by our own functions
and by Django's layers.

    /work/main/.venv/bin/python bench/intake_profile.py          # SQLite (a file in /tmp)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/intake_profile \\
        /work/main/.venv/bin/python bench/intake_profile.py

Knobs: BENCH_REQUESTS (timed intakes, 300), BENCH_PROFILE (1: print cProfile's summary;
pyinstrument: a sampled call tree, when pyinstrument is importable),
BENCH_PROFILE_LINES (40), BENCH_PROFILE_OUT (a file for the cProfile statistics).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-intake-profile.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import intake_http  # the benchmark keys, Django set up on the benchmark database
from _setup import server_cpu_seconds
from intake_http import TEXTS, multipart

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
PROFILE_WITH = os.environ.get("BENCH_PROFILE", "")
PROFILE = PROFILE_WITH == "1"
LINES = int(os.environ.get("BENCH_PROFILE_LINES", "40"))
RUN = uuid.uuid4().hex[:8]


def environ(body: bytes, ctype: str, token: str, key: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/appeals",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": ctype,
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_IDEMPOTENCY_KEY": key,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def main() -> None:
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiaoliuba.accounts import services as account_services
    from jiaoliuba.accounts.models import ResidentProfile
    from jiaoliuba.demo.loader import load_demo

    load_demo(residents=50)
    profiles = list(
        ResidentProfile.objects.filter(grid__isnull=False, community__code__startswith="4117")
        .select_related("user")
        .order_by("pk")[: intake_http.RESIDENTS]
    )
    tokens = [account_services.api_token_create(user=p.user, name="profile")[1] for p in profiles]
    bodies = [multipart({"content": t, "address": "3号楼2单元"}, None) for t in TEXTS]
    app = get_wsgi_application()
    statuses: dict[str, int] = {}

    def one(i: int) -> None:
        body, ctype = bodies[i % len(bodies)]
        answer: list[str] = []
        chunks = app(
            environ(body, ctype, tokens[i % len(tokens)], f"profile-{RUN}-{i}"),
            lambda status, headers, exc_info=None: answer.append(status),
        )
        b"".join(chunks)
        chunks.close()
        statuses[answer[0][:3]] = statuses.get(answer[0][:3], 0) + 1

    for i in range(30):  # warm-up: imports, the classifier, the rulebook, connections
        one(-1 - i)
    with CaptureQueriesContext(connection) as queries:
        one(-100)
    print(f"database: {connection.vendor}; one intake ran {len(queries)} queries:")
    for q in queries.captured_queries:
        print(f"  {q['time']:>6}s  {q['sql'][:150]}")
    statuses.clear()

    server = server_cpu_seconds()
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(REQUESTS):
        one(i)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    server = server_cpu_seconds() - server
    print(
        f"\n{REQUESTS} intakes: {1000 * cpu / REQUESTS:.2f} ms CPU, "
        f"{1000 * wall / REQUESTS:.2f} ms wall each; statuses {statuses}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if connection.vendor == "postgresql":
        print(f"PostgreSQL server process: {1000 * server / REQUESTS:.2f} ms CPU per intake")
    if PROFILE_WITH == "pyinstrument":
        from pyinstrument import Profiler  # a development tool, not a dependency

        sampler = Profiler(interval=0.0002)
        sampler.start()
        for i in range(REQUESTS):
            one(REQUESTS + i)
        sampler.stop()
        print(sampler.output_text(unicode=True, show_all=False, color=False))
    elif PROFILE:
        profiler = cProfile.Profile(time.process_time)  # CPU time: load does not inflate it
        profiler.enable()
        for i in range(REQUESTS):
            one(REQUESTS + i)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        if os.environ.get("BENCH_PROFILE_OUT"):  # for pstats' print_callers afterwards
            stats.dump_stats(os.environ["BENCH_PROFILE_OUT"])
        print_layers(stats)
        stats.sort_stats("cumulative").print_stats(LINES)
        print(out.getvalue())


LAYERS = (  # first match wins: (label, substring of the file path or function)
    ("sqlite3 / psycopg (C)", ("sqlite3.", "psycopg", "{method 'execute'", "{method 'commit'")),
    ("Django ORM (compile, rows)", ("django/db/",)),
    ("scikit-learn / numpy / scipy", ("sklearn", "numpy", "scipy")),
    ("Ninja / pydantic", ("ninja/", "pydantic")),
    (
        "Django request, middleware",
        (
            "django/core/handlers",
            "django/middleware",
            "django/http",
            "django/contrib/sessions",
            "django/contrib/messages",
            "django/contrib/auth",
            "whitenoise",
            "django_htmx",
            "django/utils/datastructures",
            "multipartparser",
        ),
    ),
    ("Django other", ("django/",)),
    ("jiaoliuba", ("jiaoliuba/",)),
)


def print_layers(stats: pstats.Stats) -> None:
    """Own time (tottime) summed by layer, per intake."""
    totals: dict[str, float] = {}
    for (path, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{path}:{func}"
        label = next((lab for lab, keys in LAYERS if any(k in where for k in keys)), "other")
        totals[label] = totals.get(label, 0.0) + tottime
    whole = sum(totals.values())
    print(f"\nCPU by layer (own time, ms per intake; whole {1000 * whole / REQUESTS:.2f} ms):")
    for label, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<32}{1000 * seconds / REQUESTS:>7.2f}")


if __name__ == "__main__":
    main()
