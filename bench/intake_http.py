"""How many appeals per second can the intake take over real HTTP, and how long does one
take? Starts gunicorn (production settings, sync workers) on the benchmark database, then
drives POST /api/v1/appeals (multipart, Bearer token, Idempotency-Key) from a thread pool
at several concurrency levels: text only, text + one ~200 KB JPEG, and a retry storm in
which every key is sent twice at the same moment. Prints requests/s, p50, p99 and the
status codes per configuration, then checks that the appeals in the database match the
201 answers one for one (nothing lost, nothing doubled).

    .venv/bin/python bench/intake_http.py              # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoliuba_bench .venv/bin/python bench/intake_http.py

Knobs (environment): BENCH_WORKERS (gunicorn sync workers, 3), BENCH_CONCURRENCY
("1,4,8"), BENCH_REQUESTS (per configuration, 200), BENCH_PHOTO_REQUESTS (100),
BENCH_ROUNDS (1; with more, each configuration is run that many times and the best
round by requests/s is printed, since other processes may share the machine).
The keys below are fixed benchmark keys (the local development ones unless set in the
environment): the server and this process must share them, and so must every run that
reuses the database, or phone look-ups stop matching.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

BENCH_KEYS = {
    "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
    "FIELD_ENCRYPTION_KEY": "bG9jYWwtZGV2LW9ubHktZmllbGQta2V5LTMyYnl0ZXM=",  # = settings.local's
    "FIELD_HASH_KEY": "local-dev-only-hash-key",  # = settings.local's
}
for _name, _value in BENCH_KEYS.items():
    os.environ.setdefault(_name, _value)

from _setup import ROOT, setup  # noqa: E402

URL = setup()

from django.db import connection  # noqa: E402

from jiaoliuba.accounts import services as account_services  # noqa: E402
from jiaoliuba.accounts.models import ResidentProfile  # noqa: E402
from jiaoliuba.appeals.models import Appeal, Attachment, IdempotencyRecord  # noqa: E402
from jiaoliuba.demo.loader import load_demo  # noqa: E402

WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
LEVELS = [int(x) for x in os.environ.get("BENCH_CONCURRENCY", "1,4,8").split(",") if x.strip()]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
PHOTO_REQUESTS = int(os.environ.get("BENCH_PHOTO_REQUESTS", "100"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
RESIDENTS = 8  # distinct submitters (one token each), spread over the threads
RUN = uuid.uuid4().hex[:8]

TEXTS = [
    "楼上邻居每天晚上十一点以后还在跳绳，噪音很大，孩子没法睡觉，希望社区协调一下。",
    "小区3号楼电梯坏了三天了，物业一直说在等配件，老人上下楼很困难。",
    "我家母亲的医保报销材料不知道去哪里办理，希望社区告诉一下流程。",
    "建议在小区门口增加一个快递柜，现在快递都堆在门卫室。",
    "单元门口的路灯不亮了，晚上很黑，担心有安全隐患。",
    "楼道里堆了很多杂物，占用消防通道，跟物业说了也不管。",
    "二楼厨房有一股煤气味，敲门没人应答，请尽快派人来看看！",
    "隔壁装修每天早上七点就开始电钻，严重影响休息。",
]


# --- the server -------------------------------------------------------------------------------


def follow_ups_pending() -> int:
    """New appeals whose follow-up the worker has not done: the appeals' own queue, and
    any follow-up handed to the task queue (a failure there, or one queued before it)."""
    from django_tasks_db.models import DBTaskResult

    from jiaoliuba.appeals.services import appeal_follow_ups_due

    return (
        appeal_follow_ups_due()
        + DBTaskResult.objects.filter(
            task_path__endswith="intake_follow_up", status__in=["READY", "RUNNING"]
        ).count()
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workdir: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=URL,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        JIAOLIUBA_VAR_DIR=str(workdir),
        LOG_LEVEL="WARNING",
    )
    (workdir / "static").mkdir(parents=True, exist_ok=True)
    log = open(workdir / "gunicorn.log", "ab")  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # A loaded machine can take minutes to start the workers (BENCH_START_SECONDS).
    deadline = time.monotonic() + float(os.environ.get("BENCH_START_SECONDS", "60"))
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"gunicorn exited with {proc.returncode}; see {workdir / 'gunicorn.log'}"
            )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status < 500:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("gunicorn did not answer in time (BENCH_START_SECONDS)")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- requests ---------------------------------------------------------------------------------


def jpeg_of_about(size: int) -> bytes:
    """A photo-like JPEG of roughly `size` bytes (noise over a gradient, quality 85)."""
    from PIL import Image

    rng = random.Random(7)
    side = 300
    while True:
        img = Image.new("RGB", (side, side))
        img.putdata(
            [
                ((x * 255) // side, (y * 255) // side, rng.randrange(256))
                for y in range(side)
                for x in range(side)
            ]
        )
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=85)
        if buf.tell() >= size * 0.95:
            return buf.getvalue()
        side = int(side * (size / buf.tell()) ** 0.5) + 8


def multipart(fields: dict[str, str], photo: bytes | None) -> tuple[bytes, str]:
    boundary = "----bench" + secrets.token_hex(8)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    if photo is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="photo.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + photo
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Result:
    status: int
    seconds: float
    appeal_id: int | None
    key: str
    error: str = ""


@dataclass
class Config:
    name: str
    concurrency: int
    requests: int
    photo: bool = False
    duplicate: bool = False  # every key sent twice at once
    results: list[Result] = field(default_factory=list)
    wall: float = 0.0


def post(port: int, token: str, body: bytes, ctype: str, key: str) -> Result:
    start = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request(
            "POST",
            "/api/v1/appeals",
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": ctype,
                "Idempotency-Key": key,
            },
        )
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
    except OSError as exc:
        return Result(0, time.perf_counter() - start, None, key, error=type(exc).__name__)
    elapsed = time.perf_counter() - start
    appeal_id = None
    error = ""
    if resp.status in (200, 201):
        appeal_id = json.loads(payload)["id"]
    else:
        error = payload[:200].decode(errors="replace")
    return Result(resp.status, elapsed, appeal_id, key, error)


def run_config(
    cfg: Config, port: int, tokens: list[str], bodies: list[tuple[bytes, str]], tag: str
) -> None:
    jobs = []
    for i in range(cfg.requests):
        key = f"bench-{RUN}-{tag}-{i}"
        token = tokens[i % len(tokens)]
        body, ctype = bodies[i % len(bodies)]
        jobs.append((token, body, ctype, key))
        if cfg.duplicate:
            jobs.append((token, body, ctype, key))  # the same request again, right behind it
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=cfg.concurrency) as pool:
        start = time.perf_counter()
        futures = [pool.submit(post, port, *job) for job in jobs]
        for f in futures:
            r = f.result()
            with lock:
                cfg.results.append(r)
        cfg.wall = time.perf_counter() - start


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * q))] * 1000 if s else float("nan")


def verify(tag_prefix: str, results: list[Result]) -> tuple[int, int, bool, str]:
    """(appeals in the database for these keys, 201 answers, consistent, note)."""
    created = [r for r in results if r.status == 201]
    records = IdempotencyRecord.objects.filter(key__startswith=tag_prefix)
    in_db = records.count()
    ids_db = set(records.values_list("appeal_id", flat=True))
    ids_201 = [r.appeal_id for r in created]
    notes = []
    if len(set(ids_201)) != len(ids_201):
        notes.append("a 201 id repeats")
    if set(ids_201) != ids_db:
        notes.append(f"201 ids vs database differ by {len(set(ids_201) ^ ids_db)}")
    by_key: dict[str, set[int]] = {}
    for r in results:
        if r.appeal_id is not None:
            by_key.setdefault(r.key, set()).add(r.appeal_id)
    split = sum(1 for ids in by_key.values() if len(ids) > 1)
    if split:
        notes.append(f"{split} keys answered with two different appeals")
    keys_ok = {r.key for r in results if r.status in (200, 201)}
    unanswered = {r.key for r in results} - keys_ok
    if unanswered:
        notes.append(f"{len(unanswered)} keys never succeeded")
    return in_db, len(created), not notes, "; ".join(notes) or "ok"


def main() -> None:
    load_demo(residents=50)
    profiles = list(
        ResidentProfile.objects.filter(grid__isnull=False, community__code__startswith="4117")
        .select_related("user")
        .order_by("pk")[:RESIDENTS]
    )
    tokens = [
        account_services.api_token_create(user=p.user, name=f"bench {RUN}")[1] for p in profiles
    ]
    photo = jpeg_of_about(200 * 1024)
    text_bodies = [multipart({"content": t, "address": "3号楼2单元"}, None) for t in TEXTS]
    photo_bodies = [multipart({"content": t, "address": "3号楼2单元"}, photo) for t in TEXTS]
    appeals_before = Appeal.objects.count()
    attachments_before = Attachment.objects.count()

    print(
        f"database: {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}"
        f" ({URL.split('@')[-1]}); appeals already there: {appeals_before:,}"
    )
    import jiaoliuba

    print(f"code: {Path(jiaoliuba.__file__).parent.parent}")
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"server: gunicorn {WORKERS} sync workers, settings.production; clients: threads in this process; "
        f"photo {len(photo) / 1024:.0f} KB; run {RUN}"
    )

    configs: list[Config] = []
    for level in LEVELS:
        configs.append(Config(f"text c={level}", level, REQUESTS))
    for level in LEVELS:
        configs.append(Config(f"photo c={level}", level, PHOTO_REQUESTS, photo=True))
    configs.append(Config(f"retry x2 c={max(LEVELS)}", max(LEVELS), REQUESTS // 2, duplicate=True))
    configs.append(
        Config(
            f"photo retry x2 c={max(LEVELS)}",
            max(LEVELS),
            PHOTO_REQUESTS // 2,
            photo=True,
            duplicate=True,
        )
    )

    workdir = Path(tempfile.mkdtemp(prefix="jiaoliuba-intake-"))
    port = free_port()
    proc = start_server(port, workdir)
    try:
        warm = Config("warm-up", 2, 20)
        run_config(warm, port, tokens, text_bodies, "warm")
        print(
            f"\n{'configuration':<22}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses"
        )
        all_results = list(warm.results)
        for n, cfg in enumerate(configs):
            best: Config | None = None
            for rnd in range(ROUNDS):
                trial = Config(cfg.name, cfg.concurrency, cfg.requests, cfg.photo, cfg.duplicate)
                run_config(
                    trial, port, tokens, photo_bodies if cfg.photo else text_bodies, f"{n}r{rnd}"
                )
                all_results += trial.results
                if best is None or len(trial.results) / trial.wall > len(best.results) / best.wall:
                    best = trial
            assert best is not None
            lat = [r.seconds for r in best.results]
            statuses: dict[str, int] = {}
            for r in best.results:
                label = str(r.status) if r.status else (r.error or "conn-error")
                statuses[label] = statuses.get(label, 0) + 1
            status_text = " ".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
            print(
                f"{best.name:<22}{len(best.results):>9}{len(best.results) / best.wall:>8.1f}"
                f"{pct(lat, 0.50):>9.0f}{pct(lat, 0.99):>9.0f}{max(lat) * 1000:>9.0f}  {status_text}"
            )
            errors = [r for r in best.results if r.status not in (200, 201)]
            for r in errors[:3]:
                print(f"    e.g. {r.status or r.error}: {r.error[:160]}")
    finally:
        stop_server(proc)

    in_db, n201, ok, note = verify(f"bench-{RUN}-", all_results)
    replays = sum(1 for r in all_results if r.status == 200)
    failed = sum(1 for r in all_results if r.status not in (200, 201))
    print(
        f"\nconsistency: {n201} answered 201, {in_db} appeals in the database for this run's keys, "
        f"{replays} replays answered 200, {failed} failed requests -> {'OK' if ok else 'MISMATCH'} ({note})"
    )
    made = Appeal.objects.count() - appeals_before
    attached = Attachment.objects.count() - attachments_before
    files = sum(1 for p in (workdir / "media").rglob("*") if p.is_file())
    print(
        f"appeals table grew by {made} (201s: {n201}); attachments grew by {attached}; "
        f"files written to MEDIA_ROOT: {files}"
        + (f" ({files - attached} with no Attachment row)" if files != attached else "")
    )
    shutil.rmtree(workdir / "media", ignore_errors=True)  # counted above; ~140 MB a run
    log_lines = [
        line
        for line in (workdir / "gunicorn.log").read_text(errors="replace").splitlines()
        if line.strip() and "was sent SIGTERM" not in line  # that one is our own stop
    ]
    if log_lines:
        print(f"server log ({len(log_lines)} lines, {workdir / 'gunicorn.log'}), last lines:")
        for line in log_lines[-5:]:
            print("   ", line[:200])
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
