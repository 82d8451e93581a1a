"""Exactly once under load: votes over real HTTP against a bare one-row insert.

Starts gunicorn (production settings, sync workers, as bench/intake_http.py does) on the
benchmark database and drives, from a thread pool, in turns round after round:

- bare: POST /bench/bare, one row inserted by the same Django, middleware and database,
  with no sign-in and no checks (bench/votes_bench_urls.py) — the floor;
- vote (roll-call) and vote (secret): POST /api/v1/votes/{id}/ballots (JSON, Bearer
  token) by BENCH_VOTERS distinct verified residents, each with a fixed choice; a quarter
  of them also send the same ballot again at the same moment (a double tap), and one in
  ten sends it once more after the first answer (a retry).

With PEERS_PYTHON (the interpreter of bench/peers' own environment) and bench/peers/
present, the peers' bare Django app (POST /bare/notes) is run as a second floor.

After each vote round the script closes the vote and checks, in the database: one
register row and one ballot per voter, the tally per option equal to the choices sent,
exactly one 201 per voter and only 409 already_voted besides, the stored result equal
to a recount of the ballot box, and the voters' 积分: one register row due for credit per
voter, which the credits' sweep (run after the round, untimed) pays once, and again nothing.
It prints requests/s, p50/p99 and the ratio to the floor.

Every token is used once before the clock runs and marked used again before each timed
vote, as a voter's app uses it to open the vote's page before casting: a token's
last-used stamp (at most once a minute) is not part of a ballot's cost.

    .venv/bin/python bench/votes_http.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/votes_bench .venv/bin/python bench/votes_http.py

Knobs: BENCH_WORKERS (3), BENCH_CONCURRENCY (8), BENCH_VOTERS (300), BENCH_ROUNDS (3).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import platform
import signal
import socket
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

BENCH_KEYS = {
    "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
    "FIELD_ENCRYPTION_KEY": "bG9jYWwtZGV2LW9ubHktZmllbGQta2V5LTMyYnl0ZXM=",
    "FIELD_HASH_KEY": "local-dev-only-hash-key",
}
for _name, _value in BENCH_KEYS.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-votes-bench.sqlite3")

from _setup import ROOT, setup  # noqa: E402

URL = setup()

from django.db import connection  # noqa: E402

from jiaoliuba.accounts import services as account_services  # noqa: E402
from jiaoliuba.accounts.choices import Role, VerificationStatus  # noqa: E402
from jiaoliuba.accounts.models import ApiToken, ResidentProfile, User  # noqa: E402
from jiaoliuba.core import clock  # noqa: E402
from jiaoliuba.deliberation.models import Ballot, Vote, VoterRecord  # noqa: E402
from jiaoliuba.deliberation.voting import rewards, services  # noqa: E402
from jiaoliuba.deliberation.voting.services import VoteSpec  # noqa: E402
from jiaoliuba.deliberation.voting.tally import compute_result  # noqa: E402
from jiaoliuba.demo.loader import REGIONS_CSV  # noqa: E402
from jiaoliuba.points.choices import Act  # noqa: E402
from jiaoliuba.points.models import PointsEntry, PointsRule  # noqa: E402
from jiaoliuba.points.services.ledger import rule_for  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402
from jiaoliuba.regions.services import parse_region_csv, regions_import  # noqa: E402

WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
VOTERS = int(os.environ.get("BENCH_VOTERS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PEERS_PYTHON = os.environ.get("PEERS_PYTHON", "")
PEERS_DIR = ROOT / "bench" / "peers"
RUN = uuid.uuid4().hex[:8]
COMMUNITY = "411702001001"  # 解放路社区 in the demo tree
GRID = "411702001001001"
BARE_TABLE = "bench_bare_insert"


# --- servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(proc: subprocess.Popen, port: int, path: str, log: Path) -> None:
    deadline = time.monotonic() + 180  # a loaded machine starts three workers slowly
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"gunicorn did not answer within 180 s; see {log}")


def gunicorn(binary: Path, app: str, chdir: Path, port: int, env: dict, log: Path, extra=()):
    handle = open(log, "ab")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(
        [
            str(binary),
            app,
            "--chdir",
            str(chdir),
            *extra,
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
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_project(port: int, workdir: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="votes_bench_settings",
        DATABASE_URL=URL,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        JIAOLIUBA_VAR_DIR=str(workdir),
        LOG_LEVEL="WARNING",
    )
    (workdir / "static").mkdir(parents=True, exist_ok=True)
    log = workdir / "gunicorn.log"
    proc = gunicorn(
        Path(sys.executable).parent / "gunicorn",
        "config.wsgi",
        ROOT,
        port,
        env,
        log,
        extra=("--pythonpath", str(ROOT / "bench")),
    )
    wait_up(proc, port, "/healthz", log)
    return proc


def start_peers(port: int, workdir: Path) -> subprocess.Popen | None:
    if not PEERS_PYTHON or not (PEERS_DIR / "peersite").is_dir():
        return None
    peer_db = (
        URL.rpartition("/")[0] + "/votes_peers_bench"
        if URL.startswith("postgres")
        else "sqlite:////tmp/jiaoliuba-votes-peers.sqlite3"
    )
    if peer_db.startswith("postgres"):
        import psycopg

        base, _, name = peer_db.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(PYTHONPATH=str(PEERS_DIR), PEER_DATABASE_URL=peer_db)
    subprocess.run(
        [PEERS_PYTHON, "-m", "peersite.prepare", "prepare"],
        env=env,
        cwd=PEERS_DIR,
        check=True,
        capture_output=True,
    )
    log = workdir / "peers-gunicorn.log"
    proc = gunicorn(
        Path(PEERS_PYTHON).parent / "gunicorn", "peersite.wsgi", PEERS_DIR, port, env, log
    )
    wait_up(proc, port, "/bare/notes", log)
    return proc


def stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- data ----------------------------------------------------------------------------------------


def prepare_bare_table() -> None:
    ident = (
        "id BIGSERIAL PRIMARY KEY"
        if connection.vendor == "postgresql"
        else "id INTEGER PRIMARY KEY AUTOINCREMENT"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} ({ident}, content TEXT NOT NULL)")


def bare_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {BARE_TABLE}")
        return cursor.fetchone()[0]


def prepare_people() -> tuple[User, list[str]]:
    """An organiser and VOTERS verified residents (kept between runs), with fresh tokens."""
    regions_import(rows=parse_region_csv(REGIONS_CSV.read_text(encoding="utf-8")))
    community, grid = Region.objects.get(code=COMMUNITY), Region.objects.get(code=GRID)
    organiser = User.objects.filter(username="votes-bench-organiser").first()
    if organiser is None:
        organiser = account_services.user_create_staff(
            username="votes-bench-organiser", password="bench-pass-123456"
        )
        account_services.role_assign(
            actor=None, user=organiser, role=Role.COMMUNITY_STAFF, region=community
        )
    users = []
    for i in range(VOTERS):
        phone = f"1360000{i:04d}"
        user = User.objects.filter(phone_hash=account_services.phone_hash(phone)).first()
        if user is None:
            user = account_services.resident_register(
                phone=phone, display_name=f"投票人{i}", grid=grid, address=f"{i}号"
            )
        profile = ResidentProfile.objects.get(user=user)
        if profile.verification_status != VerificationStatus.VERIFIED:
            account_services.resident_verify(actor=organiser, resident=profile)
        users.append(user)
    tokens = [account_services.api_token_create(user=u, name=f"votes {RUN}")[1] for u in users]
    # The same residents vote in every round and run: lift the rule's daily and monthly
    # caps on the bench database, so each credit pays and can be counted.
    rule_for(Act.VOTE_CAST)
    PointsRule.objects.filter(act=Act.VOTE_CAST).update(daily_cap=None, monthly_cap=None)
    return organiser, tokens


def new_vote(organiser: User, *, secret: bool, tag: str) -> Vote:
    spec = VoteSpec(
        title=f"bench {RUN} {tag}",
        scope=Region.objects.get(code=COMMUNITY),
        kind="single",
        eligibility="person",
        options=["甲方案", "乙方案", "丙方案"],
        secret=secret,
    )
    vote = services.vote_create(actor=organiser, spec=spec)
    return services.vote_open(vote=vote, actor=organiser)


def choice_of(i: int) -> int:
    return (1, 1, 2, 3)[i % 4]


# --- load ----------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    seconds: float
    voter: int
    code: str = ""


@dataclass
class Round:
    name: str
    answers: list[Answer] = field(default_factory=list)
    wall: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.answers) / self.wall if self.wall else 0.0


def request(port: int, path: str, body: bytes, headers: dict, voter: int) -> Answer:
    start = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
    except OSError as exc:
        return Answer(0, time.perf_counter() - start, voter, type(exc).__name__)
    code = ""
    if resp.status >= 400:
        try:
            code = json.loads(payload).get("code", "")
        except ValueError:
            code = payload[:80].decode(errors="replace")
    return Answer(resp.status, time.perf_counter() - start, voter, code)


def run_jobs(name: str, jobs: list) -> Round:
    result = Round(name)
    lock = threading.Lock()

    def do(job):
        for answer in job():
            with lock:
                result.answers.append(answer)

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        start = time.perf_counter()
        list(pool.map(do, jobs))
        result.wall = time.perf_counter() - start
    return result


def vote_jobs(port: int, vote: Vote, tokens: list[str]) -> list:
    path = f"/api/v1/votes/{vote.pk}/ballots"

    def job(i: int, repeat: int):
        body = json.dumps({"choices": [choice_of(i)]}).encode()
        headers = {"Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json"}
        return lambda: [request(port, path, body, headers, i) for _ in range(repeat)]

    jobs = []
    for i in range(len(tokens)):
        jobs.append(job(i, 2 if i % 10 == 3 else 1))  # a retry after the first answer
        if i % 4 == 0:
            jobs.append(job(i, 1))  # a double tap: queued right behind, runs at once
    return jobs


def token_jobs(port: int, tokens: list[str]) -> list:
    def job(token: str):
        def go():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(
                "GET", "/api/v1/votes?limit=1", headers={"Authorization": f"Bearer {token}"}
            )
            conn.getresponse().read()
            conn.close()
            return []

        return go

    return [job(t) for t in tokens]


STALE_TOKENS: list[int] = []


def restamp_tokens() -> int:
    """Marks this run's tokens used now; returns how many the ballots would have stamped
    again (last used more than a minute ago)."""
    now = clock.now()
    mine = ApiToken.objects.filter(name=f"votes {RUN}")
    stale = mine.filter(last_used_at__lt=now - dt.timedelta(seconds=60)).count()
    mine.update(last_used_at=now)
    return stale


def bare_jobs(port: int, path: str, count: int) -> list:
    body = f"content=bench+{RUN}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return [lambda i=i: [request(port, path, body, headers, i)] for i in range(count)]


def check_vote(vote: Vote, organiser: User, rnd: Round, voters: int) -> str:
    problems = []
    per_voter: dict[int, list[Answer]] = {}
    for a in rnd.answers:
        per_voter.setdefault(a.voter, []).append(a)
    for i in range(voters):
        statuses = [a.status for a in per_voter.get(i, [])]
        if statuses.count(201) != 1:
            problems.append(f"voter {i}: {statuses}")
        others = [a for a in per_voter.get(i, []) if a.status != 201]
        if any(a.status != 409 or a.code != "already_voted" for a in others):
            problems.append(f"voter {i}: {[(a.status, a.code) for a in others]}")
    if VoterRecord.objects.filter(vote=vote).count() != voters:
        problems.append("register rows ≠ voters")
    if Ballot.objects.filter(vote=vote).count() != voters:
        problems.append("ballots ≠ voters")
    problems += check_credits(vote, voters)
    closed = services.vote_close(vote=vote, actor=organiser)
    sent = {p: sum(1 for i in range(voters) if choice_of(i) == p) for p in (1, 2, 3)}
    counted = {o["position"]: o["count"] for o in closed.result["options"]}
    if counted != sent:
        problems.append(f"tally {counted} ≠ sent {sent}")
    if closed.result != compute_result(closed):
        problems.append("stored result ≠ recount")
    shown = problems[:3] + ([f"… {len(problems) - 3} more"] if len(problems) > 3 else [])
    return "OK" if not problems else "MISMATCH: " + "; ".join(shown)


def check_credits(vote: Vote, voters: int) -> list[str]:
    """The voters' 积分, which the ballots left to the worker (voting/rewards.py): one
    register row per voter still to pay; the worker's sweep, run after the round (not
    timed), pays each voter once, and run again over rows marked unpaid once more (a
    sweep that died before marking) pays nothing more."""
    problems = []
    records = VoterRecord.objects.filter(vote=vote, voter__isnull=False)
    due = records.filter(credited_at__isnull=True)
    if due.count() != voters or due.values("voter_id").distinct().count() != voters:
        problems.append(f"credits due {due.count()} ≠ voters")
    start = time.perf_counter()
    rewards.vote_credits_pay()
    CREDIT_SECONDS.append((time.perf_counter() - start, voters))
    source = f"earn:{Act.VOTE_CAST}:deliberation.vote:{vote.pk}:"
    paid = PointsEntry.objects.filter(key__startswith=source)
    if paid.count() != voters or due.exists():
        problems.append(f"points entries {paid.count()} ≠ voters")
    again = list(records.values_list("pk", flat=True)[:50])
    VoterRecord.objects.filter(pk__in=again).update(credited_at=None)
    rewards.vote_credits_pay()
    if paid.count() != voters:
        problems.append("a credit paid again paid twice")
    return problems


CREDIT_SECONDS: list[tuple[float, int]] = []


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * q))] * 1000 if s else float("nan")


def main() -> None:
    prepare_bare_table()
    t0 = time.perf_counter()
    organiser, tokens = prepare_people()
    print(
        f"database: {connection.vendor} ({URL.split('@')[-1]}); voters: {len(tokens)} "
        f"(ready in {time.perf_counter() - t0:.0f} s)"
    )
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"server: gunicorn {WORKERS} sync workers, production settings; clients: {CONCURRENCY} "
        f"threads, a new connection per request; rounds: {ROUNDS}; run {RUN}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="jiaoliuba-votes-"))
    port, peer_port = free_port(), free_port()
    proc = start_project(port, workdir)
    peers = start_peers(peer_port, workdir)
    results: dict[str, list[Round]] = {}
    checks: list[str] = []
    bare_before = bare_rows()
    try:
        run_jobs("warm-up", bare_jobs(port, "/bench/bare", 20))
        # Each token's first use stamps last_used_at (then at most once a minute): a
        # resident's app has used its token before, so stamp them before the clock runs.
        run_jobs("tokens", token_jobs(port, tokens))
        for rnd in range(ROUNDS):
            # Alternate which vote goes first, so neither always meets the warmer server.
            for secret in (False, True) if rnd % 2 == 0 else (True, False):
                name = "vote secret" if secret else "vote roll-call"
                vote = new_vote(organiser, secret=secret, tag=f"{rnd}{name}")
                # The checks of the round before (the credits' sweep: up to a minute for 3,000
                # voters on PostgreSQL) can outlast the stamp's minute; a voter opens the
                # vote's page before casting, which stamps the token, so it is fresh here.
                STALE_TOKENS.append(restamp_tokens())
                r = run_jobs(name, vote_jobs(port, vote, tokens))
                results.setdefault(name, []).append(r)
                checks.append(
                    f"{name} round {rnd + 1}: " + check_vote(vote, organiser, r, len(tokens))
                )
            size = len(results["vote roll-call"][-1].answers)
            results.setdefault("bare insert", []).append(
                run_jobs("bare insert", bare_jobs(port, "/bench/bare", size))
            )
            if peers is not None:
                results.setdefault("peers bare", []).append(
                    run_jobs("peers bare", bare_jobs(peer_port, "/bare/notes", size))
                )
    finally:
        stop(proc)
        stop(peers)
    bare_made = bare_rows() - bare_before - 20
    bare_201 = sum(1 for r in results["bare insert"] for a in r.answers if a.status == 201)

    print(
        f"\n{'target':<16}{'requests':>9}{'best req/s':>11}{'median':>8}{'p50 ms':>8}{'p99 ms':>8}  statuses (best round)"
    )
    best: dict[str, Round] = {}
    for name, rounds in results.items():
        top = max(rounds, key=lambda r: r.rate)
        best[name] = top
        lat = [a.seconds for a in top.answers]
        statuses: dict[str, int] = {}
        for a in top.answers:
            key = f"{a.status}" + (f" {a.code}" if a.code else "")
            statuses[key] = statuses.get(key, 0) + 1
        print(
            f"{name:<16}{len(top.answers):>9}{top.rate:>11.1f}"
            f"{statistics.median(r.rate for r in rounds):>8.1f}"
            f"{pct(lat, 0.5):>8.0f}{pct(lat, 0.99):>8.0f}  "
            + " ".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
        )
    floor = best["bare insert"].rate
    for name in ("vote roll-call", "vote secret"):
        ratio = best[name].rate / floor if floor else 0
        med = statistics.median(r.rate for r in results[name]) / statistics.median(
            r.rate for r in results["bare insert"]
        )
        print(f"{name}: {ratio:.0%} of the bare insert (best rounds), {med:.0%} (medians)")
    if "peers bare" in best:
        peers_median = statistics.median(r.rate for r in results["peers bare"])
        for name in ("vote roll-call", "vote secret"):
            ratio = best[name].rate / best["peers bare"].rate
            med = statistics.median(r.rate for r in results[name]) / peers_median
            print(f"{name}: {ratio:.0%} of the peers' bare app (best rounds), {med:.0%} (medians)")
    print("\nexactly once:")
    for line in checks:
        print("  " + line)
    print(f"  bare insert: {bare_201} answered 201, {bare_made} rows written")
    print(
        "  tokens last used over a minute before each timed vote (restamped): "
        + ", ".join(map(str, STALE_TOKENS))
    )
    seconds, credits = map(sum, zip(*CREDIT_SECONDS, strict=True)) if CREDIT_SECONDS else (0, 0)
    if credits:
        print(
            f"  points credits run after the rounds in this process: {credits} in {seconds:.1f} s "
            f"({seconds / credits * 1000:.1f} ms each)"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
