"""Where a vote's time goes: one online ballot end to end through the WSGI handler, in
process, against the bare one-row insert of bench/votes_bench_urls.py.

Runs the production settings of the votes bench (votes_bench_settings) on the bench
database, calls the WSGI application directly (no HTTP, no client threads), and prints
for each target: CPU time per request (process time, which the load of other work on
the machine does not inflate as much as wall time), the SQL statements of one request,
and, with --profile, the functions that take the most cumulative time.

    .venv/bin/python bench/votes_profile.py [--requests 200] [--profile]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/votes_bench .venv/bin/python bench/votes_profile.py
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

BENCH_KEYS = {
    "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
    "FIELD_ENCRYPTION_KEY": "bG9jYWwtZGV2LW9ubHktZmllbGQta2V5LTMyYnl0ZXM=",
    "FIELD_HASH_KEY": "local-dev-only-hash-key",
}
for _name, _value in BENCH_KEYS.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-votes-bench.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "votes_bench_settings"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _setup import server_cpu_seconds, setup  # noqa: E402

setup()

import votes_http  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from jiaoliuba.accounts.models import ApiToken  # noqa: E402
from jiaoliuba.core import clock  # noqa: E402

APP = get_wsgi_application()


def call(path: str, body: bytes, headers: dict[str, str]) -> int:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": headers.get("Content-Type", ""),
    }
    if "Authorization" in headers:
        environ["HTTP_AUTHORIZATION"] = headers["Authorization"]
    status: list[str] = []

    def start_response(s, _headers, _exc=None):
        status.append(s)

    result = APP(environ, start_response)
    b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return int(status[0].split()[0])


def measure(name: str, requests: list, profile: bool) -> None:
    path, body, headers = requests[0]
    with CaptureQueriesContext(connection) as queries:
        status = call(path, body, headers)
    print(f"\n== {name}: first request {status}, {len(queries)} SQL statements")
    for q in queries.captured_queries:
        print("   ", q["sql"][:150].replace("\n", " "))
    profiler = cProfile.Profile(time.process_time) if profile else None
    server0 = server_cpu_seconds()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    statuses: dict[int, int] = {}
    for path, body, headers in requests[1:]:
        code = call(path, body, headers)
        statuses[code] = statuses.get(code, 0) + 1
    if profiler:
        profiler.disable()
    n = len(requests) - 1
    cpu = (time.process_time() - cpu0) / n * 1000
    wall = (time.perf_counter() - wall0) / n * 1000
    server = (server_cpu_seconds() - server0) / n * 1000
    print(
        f"   {n} more: {statuses}; CPU {cpu:.2f} ms, wall {wall:.2f} ms per request"
        + (f"; database server CPU {server:.2f} ms" if connection.vendor == "postgresql" else "")
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("PROFILE_SORT", "cumulative")
        ).print_stats(int(os.environ.get("PROFILE_LINES", "45")))
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    votes_http.VOTERS = args.requests + 1
    votes_http.prepare_bare_table()
    organiser, tokens = votes_http.prepare_people()
    print(f"database: {connection.vendor}; load average: {os.getloadavg()}")
    bare = [
        ("/bench/bare", b"content=profile", {"Content-Type": "application/x-www-form-urlencoded"})
    ] * len(tokens)
    # Each token's first use stamps last_used_at (then once a minute), as in votes_http.
    ApiToken.objects.update(last_used_at=clock.now())
    for tag, secret in (("roll-call", False), ("secret", True)):
        vote = votes_http.new_vote(organiser, secret=secret, tag=f"profile {tag}")
        path = f"/api/v1/votes/{vote.pk}/ballots"
        body = json.dumps({"choices": [1]}).encode()
        ballots = [
            (path, body, {"Authorization": f"Bearer {t}", "Content-Type": "application/json"})
            for t in tokens
        ]
        measure("bare insert", bare, args.profile)
        measure(f"vote {tag}", ballots, args.profile)
        measure(f"vote {tag}, repeated (409)", ballots, args.profile)


if __name__ == "__main__":
    main()
