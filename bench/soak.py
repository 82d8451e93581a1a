"""Soak: the whole production shape under a mixed load for minutes, with a worker killed
and restarted in the middle, and a count at the end that nothing was lost.

gunicorn (production settings, BENCH_WORKERS sync workers) on the benchmark database
(PostgreSQL by default), two `jiaoliuba worker` processes beside it, and locust (in its own
virtual environment, bench/soak/) driving residents who file appeals and check on them, grid
workers who accept, reply and resolve, and leaders who read the dashboards. Halfway through,
one worker is killed with SIGKILL (no chance to clean up) and a new one started
SOAK_RESTART_AFTER seconds later; the tasks it was running are queued again by the others
once it stops beating (WORKER_STALE_SECONDS). At the end the script waits for the queue to
drain and checks, against the database: every 201 is one appeal, no appeal without a 201,
and every appeal got its follow-up (similarity bands, the resident's receipt).

    make -C bench/soak venv                                  # once: locust's own venv
    .venv/bin/python bench/soak.py                           # PostgreSQL, 10 minutes
    SOAK_SECONDS=120 SOAK_USERS=30 .venv/bin/python bench/soak.py
    BENCH_DATABASE_URL=sqlite:////tmp/soak.sqlite3 .venv/bin/python bench/soak.py

Knobs: SOAK_SECONDS (600), SOAK_USERS (60 simulated people), SOAK_SPAWN_RATE (5/s),
SOAK_RESTART_AFTER (15 s), BENCH_WORKERS (3), WORKER_STALE_SECONDS (20 for the soak).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiaoliuba_soak")
os.environ.setdefault("BENCH_WORKERS", "3")
os.environ.setdefault("WORKER_STALE_SECONDS", "20")
os.environ.setdefault("BENCH_START_SECONDS", "300")

import intake_http  # noqa: E402  (sets Django up on the benchmark database)
from intake_http import TEXTS, free_port, start_server, stop_server  # noqa: E402

from jiaoliuba.accounts import services as account_services  # noqa: E402
from jiaoliuba.accounts.models import ResidentProfile, User  # noqa: E402
from jiaoliuba.appeals.models import Appeal, AppealBand, IdempotencyRecord  # noqa: E402
from jiaoliuba.demo.loader import load_demo  # noqa: E402
from jiaoliuba.notifications.models import Notification  # noqa: E402

LOCUST = HERE / "soak" / ".venv" / "bin" / "locust"
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
USERS = int(os.environ.get("SOAK_USERS", "60"))
SPAWN_RATE = float(os.environ.get("SOAK_SPAWN_RATE", "5"))
RESTART_AFTER = float(os.environ.get("SOAK_RESTART_AFTER", "15"))
STREET = "411702001"  # 东风街道 of the demo city: its staff have tokens, its residents file
HANDLERS = ("grid_worker", "community_staff", "community_secretary", "street_officer")
LEADERS = ("city_admin", "district_officer", "street_officer", "secretary")


def start_worker(workdir: Path, n: int) -> subprocess.Popen:
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
    log = open(workdir / f"worker-{n}.log", "ab")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "jiaoliuba", "worker", "--interval", "0.5"],
        cwd=intake_http.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def tokens() -> dict[str, list[str]]:
    residents = ResidentProfile.objects.filter(grid__path__startswith=_path(STREET))[:40]
    handlers = User.objects.filter(
        role_assignments__role__in=HANDLERS,
        role_assignments__region__path__startswith=_path(STREET),
    ).distinct()
    leaders = User.objects.filter(username__in=LEADERS)
    make = account_services.api_token_create
    return {
        "residents": [make(user=p.user, name="soak")[1] for p in residents],
        "staff": [{"token": make(user=u, name="soak")[1], "user_id": u.pk} for u in handlers],
        "leaders": [make(user=u, name="soak")[1] for u in leaders],
    }


def _path(code: str) -> str:
    from jiaoliuba.regions.models import Region

    return Region.objects.get(code=code.ljust(12, "0")).path


def kill_and_restart(workers: list[subprocess.Popen], workdir: Path, log: list[str]) -> None:
    time.sleep(SECONDS / 2)
    victim = workers[0]
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    log.append(f"t={SECONDS / 2:.0f}s: worker 1 (pid {victim.pid}) killed with SIGKILL")
    time.sleep(RESTART_AFTER)
    workers[0] = start_worker(workdir, 3)
    log.append(f"t={SECONDS / 2 + RESTART_AFTER:.0f}s: a new worker started")


def wait_for_queue(seconds: float = 900) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if intake_http.follow_ups_pending() == 0:
            return True
        time.sleep(1)
    return False


def main() -> None:
    if not LOCUST.exists():
        raise SystemExit("run `make -C bench/soak venv` first (locust's own environment)")
    load_demo(residents=300)
    issued = tokens()
    if not issued["staff"] or not issued["residents"]:
        raise SystemExit("the demo city has no staff or residents under 东风街道")
    workdir = Path(tempfile.mkdtemp(prefix="jiaoliuba-soak-"))
    config = workdir / "config.json"
    ids_out = workdir / "created.json"
    config.write_text(json.dumps({**issued, "texts": TEXTS, "ids_out": str(ids_out)}))
    appeals_before = Appeal.objects.count()
    load_before = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}; "
        f"database: {intake_http.URL.split('://')[0]}; gunicorn {intake_http.WORKERS} sync "
        f"workers; 2 task workers; {USERS} users for {SECONDS} s; "
        f"{len(issued['residents'])} residents, {len(issued['staff'])} staff, "
        f"{len(issued['leaders'])} leaders with tokens"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}")

    port = free_port()
    server = start_server(port, workdir)
    workers = [start_worker(workdir, 1), start_worker(workdir, 2)]
    events: list[str] = []
    chaos = threading.Thread(target=kill_and_restart, args=(workers, workdir, events))
    started = time.monotonic()
    try:
        chaos.start()
        subprocess.run(
            [
                str(LOCUST),
                "-f",
                str(HERE / "soak" / "locustfile.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--run-time",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(workdir / "soak"),
                "--only-summary",
                "--stop-timeout",
                "30",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "SOAK_CONFIG": str(config)},
            check=False,
            timeout=SECONDS + 300,
        )
        load_after = os.getloadavg()
        chaos.join()
        stop_server(server)
        drain_started = time.monotonic()
        drained = wait_for_queue()
        drain_seconds = time.monotonic() - drain_started
    finally:
        for proc in [server, *workers]:
            stop_server(proc)
    wall = time.monotonic() - started
    report(workdir, ids_out, appeals_before, drained, drain_seconds, events, load_after, wall)


def report(workdir, ids_out, appeals_before, drained, drain_seconds, events, load_after, wall):
    print("\n" + "\n".join(events))
    print(
        f"\n{'request':<30}{'count':>8}{'fail':>6}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}"
    )
    with open(workdir / "soak_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            print(
                f"{row['Name']:<30}{int(row['Request Count']):>8}{int(row['Failure Count']):>6}"
                f"{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['99%']:>8}"
                f"{float(row['Max Response Time']):>8.0f}"
            )
    failures = workdir / "soak_failures.csv"
    if failures.exists():
        rows = list(csv.DictReader(open(failures, encoding="utf-8")))  # noqa: SIM115
        for row in rows[:10]:
            print(f"  failure: {row['Name']}: {row['Error'][:160]} ×{row['Occurrences']}")
    written = json.loads(ids_out.read_text())
    created = written["created"]
    print(
        f"\nexpected races (409, another user moved the appeal first): {written['expected_races']}"
    )
    made = Appeal.objects.count() - appeals_before
    distinct = set(created)
    # Every appeal made in the run must be one a client sent (its key), and every 201 one
    # appeal; an appeal whose answer never came back (a request cut when the run stopped)
    # is counted apart, not as lost.
    by_key = set(
        IdempotencyRecord.objects.filter(key__in=written["sent"]).values_list(
            "appeal_id", flat=True
        )
    )
    unanswered = by_key - distinct
    ok = made == len(by_key) and distinct <= by_key and len(created) == len(distinct)
    print(
        f"intake: {len(written['sent'])} sent, {len(created)} answered 201, {made} appeals made, "
        f"{len(by_key)} of them from the clients' keys, {len(unanswered)} made but unanswered "
        f"-> {'OK (nothing lost, nothing doubled)' if ok else 'MISMATCH'}"
    )
    new = Appeal.objects.filter(pk__in=by_key)
    banded = new.filter(pk__in=AppealBand.objects.values("appeal_id")).count()
    receipts = Notification.objects.filter(
        kind="appeal.received", link__in=[f"/t/{a.tracking_code}/" for a in new]
    ).count()
    print(
        f"follow-up: queue {'drained' if drained else 'NOT drained'} {drain_seconds:.0f} s after "
        f"the load stopped; {banded}/{len(by_key)} appeals indexed, "
        f"{receipts}/{len(by_key)} receipts"
    )
    print(f"load average at the end of the load: {' '.join(f'{x:.2f}' for x in load_after)}")
    print(f"wall time {wall:.0f} s; files in {workdir}")


if __name__ == "__main__":
    main()
