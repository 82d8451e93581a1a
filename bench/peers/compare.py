"""Intake speed against two peers, side by side in one run: a bare Django one-row insert,
django-helpdesk's ticket create through its API, and 交流吧's POST /api/v1/appeals (text,
Bearer token, Idempotency-Key). All three are served by gunicorn with the same settings
(BENCH_WORKERS sync workers, 2 by default), on the same kind of database (SQLite in WAL
mode, or PostgreSQL), and loaded by the same Python client (BENCH_CONCURRENCY threads, 8;
BENCH_REQUESTS requests per target and round, a new connection per request). The targets
take turns, round after round (BENCH_ROUNDS, 3), so that the load other processes put on
the machine falls on all three alike; the best round of each is printed with the median
round beside it, and the ratios.

交流吧's intake leaves its follow-up work (notices, similarity bands, risk detection) to
the background worker as task rows written with each appeal. The timed rounds measure what
a server takes in, as a peer's ticket API is measured: by default the worker is started
only after the last round, and the script then times how long it takes to drain the queue
and checks that every appeal got its follow-up (BENCH_WORKER_DURING=1 runs the worker
beside the servers during the rounds instead, competing for the same cores; BENCH_DRAIN_SECONDS,
600, bounds the wait for the queue). It also
checks that the rows in each database match the 201 answers one for one (nothing lost,
nothing doubled).

    make -C bench/peers venv                     # once: the peers' own virtual environment
    .venv/bin/python bench/peers/compare.py      # SQLite (files in /tmp)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/intake_bench \\
    PEER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/peers_bench \\
        .venv/bin/python bench/peers/compare.py  # PostgreSQL

"""

from __future__ import annotations

import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("BENCH_WORKERS", "2")
os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-intake-peers.sqlite3")

import intake_http  # noqa: E402  (sets Django up on the benchmark database)
import wrkload  # noqa: E402
from intake_http import TEXTS, free_port, multipart, stop_server  # noqa: E402

PEER_PYTHON = HERE / ".venv" / "bin" / "python"
PEER_DB = os.environ.get("PEER_DATABASE_URL", "sqlite:////tmp/jiaoliuba-peers.sqlite3")
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKER_DURING = os.environ.get("BENCH_WORKER_DURING", "0") == "1"
# "python": the threads below, every answer checked one for one; "wrk": Debian's wrk for
# BENCH_WRK_SECONDS per round (see wrkload.py).
CLIENT = os.environ.get("BENCH_CLIENT", "python")
WRK_SECONDS = float(os.environ.get("BENCH_WRK_SECONDS", "15"))
RUN = uuid.uuid4().hex[:8]


@dataclass
class Target:
    name: str
    path: str
    bodies: list[tuple[bytes, str]]
    headers: dict[str, str]
    port: int = 0
    idempotent: bool = False
    tokens: list[str] = field(default_factory=list)  # Bearer tokens taken in turn
    # (answers per second, statuses, p50 ms, p99 ms)
    rounds: list[tuple[float, dict[str, int], float, float]] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    answered_201: int = 0  # wrk: counted by the Lua script, ids not seen


def peer_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(HERE), PEER_DATABASE_URL=PEER_DB, DJANGO_SETTINGS_MODULE="")
    env.pop("DJANGO_SETTINGS_MODULE")
    return env


def peer_call(command: str) -> dict:
    if not PEER_PYTHON.exists():
        raise SystemExit("bench/peers/.venv is missing: run `make -C bench/peers venv` first")
    if PEER_DB.startswith("postgres"):
        import psycopg

        base, _, name = PEER_DB.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    out = subprocess.run(
        [str(PEER_PYTHON), "-m", "peersite.prepare", command],
        cwd=HERE,
        env=peer_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_peer_server(port: int, workdir: Path) -> subprocess.Popen:
    """The peers' project under gunicorn with the flags intake_http uses for 交流吧."""
    log = open(workdir / "peers-gunicorn.log", "ab")  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen(
        [
            str(PEER_PYTHON.parent / "gunicorn"),
            "peersite.wsgi",
            "--chdir",
            str(HERE),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(intake_http.WORKERS),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=peer_env() | {"PEER_MEDIA_ROOT": str(workdir / "peers-media")},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"peers' gunicorn exited; see {workdir / 'peers-gunicorn.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bare/notes")  # 405: it answers
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("the peers' gunicorn did not answer within 60 s")


def start_worker(workdir: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=intake_http.URL,
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        JIAOLIUBA_VAR_DIR=str(workdir),
        LOG_LEVEL="WARNING",
    )
    log = open(workdir / "worker.log", "ab")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "jiaoliuba", "worker", "--interval", "0.2"],
        cwd=intake_http.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def send(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float, bytes]:
    start = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
    except OSError:
        return 0, time.perf_counter() - start, b""
    return resp.status, time.perf_counter() - start, payload


def run_round(target: Target, rnd: int) -> None:
    if CLIENT == "wrk":
        got = wrkload.run(
            port=target.port,
            path=target.path,
            bodies=target.bodies,
            headers=target.headers,
            tokens=target.tokens,
            idempotent=target.idempotent,
            prefix=f"peers-{RUN}-{rnd}",
            connections=CONCURRENCY,
            seconds=WRK_SECONDS,
        )
        target.answered_201 += got["n201"]
        statuses = {"201": got["n201"], "other": got["other"], "socket": got["socket_errors"]}
        target.rounds.append((got["n201"] / got["seconds"], statuses, got["p50"], got["p99"]))
        return

    def one(i: int) -> tuple[int, float, bytes, str]:
        body, ctype = target.bodies[i % len(target.bodies)]
        headers = {**target.headers, "Content-Type": ctype}
        key = f"peers-{RUN}-{rnd}-{i}"
        if target.idempotent:
            headers["Idempotency-Key"] = key
        if target.tokens:
            headers["Authorization"] = f"Bearer {target.tokens[i % len(target.tokens)]}"
        status, seconds, payload = send(target.port, target.path, body, headers)
        return status, seconds, payload, key

    lock = threading.Lock()
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        start = time.perf_counter()
        results = list(pool.map(one, range(REQUESTS)))
        wall = time.perf_counter() - start
    for status, seconds, payload, _key in results:
        with lock:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            latencies.append(seconds)
        if status == 201:
            target.created_ids.append(json.loads(payload)["id"])
            target.answered_201 += 1
    target.rounds.append((REQUESTS / wall, statuses, pct(latencies, 0.5), pct(latencies, 0.99)))


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * q))] * 1000


def main() -> None:
    from django.db import connection
    from django.db.models import Count

    from jiaoliuba.accounts import services as account_services
    from jiaoliuba.accounts.models import ResidentProfile
    from jiaoliuba.appeals.models import Appeal, AppealBand, IdempotencyRecord
    from jiaoliuba.demo.loader import load_demo
    from jiaoliuba.notifications.models import Notification

    load_demo(residents=50)
    profiles = list(
        ResidentProfile.objects.filter(grid__isnull=False, community__code__startswith="4117")
        .select_related("user")
        .order_by("pk")[: intake_http.RESIDENTS]
    )
    tokens = [
        account_services.api_token_create(user=p.user, name=f"peers {RUN}")[1] for p in profiles
    ]
    peer = peer_call("prepare")
    before_peer = peer

    ours_bodies = [multipart({"content": t, "address": "3号楼2单元"}, None) for t in TEXTS]
    # The same texts and field sizes for every target; each peer gets the fields it needs.
    helpdesk_bodies = [
        multipart(
            {
                "queue": str(peer["queue"]),
                "title": t[:20],
                "description": t,
                "submitter_email": "resident@example.invalid",
                "priority": "3",
            },
            None,
        )
        for t in TEXTS
    ]
    bare_bodies = [multipart({"content": t}, None) for t in TEXTS]
    targets = [
        Target("bare Django insert", "/bare/notes", bare_bodies, {}),
        Target(
            "django-helpdesk ticket API",
            "/helpdesk/api/tickets/",
            helpdesk_bodies,
            {"Authorization": f"Token {peer['token']}"},
        ),
        Target(
            "交流吧 POST /api/v1/appeals",
            "/api/v1/appeals",
            ours_bodies,
            {},
            idempotent=True,
            tokens=tokens,
        ),
    ]

    workdir = Path(tempfile.mkdtemp(prefix="jiaoliuba-peers-"))
    ours_port, peers_port = free_port(), free_port()
    targets[0].port = targets[1].port = peers_port
    targets[2].port = ours_port
    last_appeal_before = Appeal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if CLIENT == "wrk" and not wrkload.available():
        raise SystemExit("BENCH_CLIENT=wrk needs wrk on the PATH (Debian: apt-get install wrk)")
    load_before = os.getloadavg()
    print(
        f"database: {connection.vendor} (ours {intake_http.URL.split('@')[-1]}, "
        f"peers {PEER_DB.split('@')[-1]}); appeals already there: {Appeal.objects.count():,}"
    )
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"gunicorn {intake_http.WORKERS} sync workers each; "
        + (
            f"client: {CONCURRENCY} threads, {REQUESTS} requests per target and round, "
            if CLIENT == "python"
            else f"client: wrk, 2 threads, {CONCURRENCY} connections, {WRK_SECONDS:g} s per "
            "target and round, "
        )
        + f"{ROUNDS} rounds; "
        f"交流吧 worker {'during the rounds' if WORKER_DURING else 'after the rounds'}; run {RUN}"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}")

    procs = [intake_http.start_server(ours_port, workdir), start_peer_server(peers_port, workdir)]
    worker = start_worker(workdir) if WORKER_DURING else None
    try:
        for target in targets:  # warm-up: imports, connections, caches
            saved, target.created_ids = list(target.created_ids), []
            run_round(target, -1)
            target.rounds.clear()
            target.created_ids = saved + target.created_ids
        for rnd in range(ROUNDS):
            for target in targets:
                run_round(target, rnd)
        load_after = os.getloadavg()
        for proc in procs:
            stop_server(proc)
        drain_started = time.monotonic()
        worker = worker or start_worker(workdir)
        drained = wait_for_follow_ups()
        drain_seconds = time.monotonic() - drain_started
    finally:
        if worker is not None:
            stop_server(worker)
        for proc in procs:
            stop_server(proc)

    print(f"\n{'target':<30}{'best req/s':>11}{'median':>8}{'p50 ms':>8}{'p99 ms':>8}  statuses")
    best: dict[str, float] = {}
    medians: dict[str, float] = {}
    for target in targets:
        rates = [r[0] for r in target.rounds]
        top = max(target.rounds, key=lambda r: r[0])
        best[target.name], medians[target.name] = top[0], statistics.median(rates)
        statuses = " ".join(f"{k}×{v}" for k, v in sorted(top[1].items()))
        print(
            f"{target.name:<30}{top[0]:>11.1f}{medians[target.name]:>8.1f}"
            f"{top[2]:>8.0f}{top[3]:>8.0f}  {statuses}"
        )
    ours, helpdesk, bare = (best[t.name] for t in reversed(targets))
    m_ours, m_helpdesk = medians[targets[2].name], medians[targets[1].name]
    print(
        f"\n交流吧 / django-helpdesk = {ours / helpdesk:.2f}× (medians {m_ours / m_helpdesk:.2f}×)   "
        f"交流吧 / bare insert = {100 * ours / bare:.0f} %   "
        f"django-helpdesk / bare insert = {100 * helpdesk / bare:.0f} %"
    )

    # Nothing lost, nothing doubled. wrk may leave one request per connection in flight at
    # the end of each round (stored, its answer unread): that many rows may lack a 201.
    slack = 0 if CLIENT == "python" else CONCURRENCY * (ROUNDS + 1)

    def verdict(n201: int, made: int, distinct: bool) -> str:
        return "OK" if distinct and 0 <= made - n201 <= slack else "MISMATCH"

    after_peer = peer_call("count")
    for target, kind in ((targets[0], "notes"), (targets[1], "tickets")):
        made = after_peer[kind] - before_peer[kind]
        n201 = target.answered_201
        distinct = len(target.created_ids) == len(set(target.created_ids))
        print(
            f"{target.name}: {n201} answered 201, {made} rows made -> {verdict(n201, made, distinct)}"
        )
    new = Appeal.objects.filter(pk__gt=last_appeal_before)
    made = new.count()
    n201 = targets[2].answered_201
    distinct = len(targets[2].created_ids) == len(set(targets[2].created_ids))
    doubled = (
        IdempotencyRecord.objects.filter(appeal__in=new)
        .values("owner", "key")
        .annotate(n=Count("appeal_id", distinct=True))
        .filter(n__gt=1)
        .count()
    )
    print(
        f"{targets[2].name}: {n201} answered 201, {made} appeals made, "
        f"{doubled} keys with two appeals -> {verdict(n201, made, distinct and not doubled)}"
    )
    banded = new.filter(pk__in=AppealBand.objects.values("appeal_id")).count()
    receipts = Notification.objects.filter(
        kind="appeal.received", link__in=[f"/t/{a.tracking_code}/" for a in new]
    ).count()
    print(
        f"follow-up: queue {'drained' if drained else 'NOT drained'} in {drain_seconds:.1f} s "
        f"after the last round; {banded}/{made} appeals indexed, "
        f"{receipts}/{made} receipts in the inbox"
    )
    print(f"load average after the rounds: {' '.join(f'{x:.2f}' for x in load_after)}")


def wait_for_follow_ups(
    seconds: float = float(os.environ.get("BENCH_DRAIN_SECONDS", "600")),
) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if intake_http.follow_ups_pending() == 0:
            return True
        time.sleep(0.5)
    return False


if __name__ == "__main__":
    main()
