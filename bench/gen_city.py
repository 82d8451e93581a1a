"""A city for the dashboards: 1 city, 10 districts, ~50 streets, ~300 communities and
~1,500 grids; 100,000 residents; 1,000,000 appeals received over the two years up to
now; then the facts and rollups built by the project's own `rollups_rebuild()`.

    .venv/bin/python bench/gen_city.py --reset                    # SQLite, /tmp/jiaoliuba-bench-dash.sqlite3
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash .venv/bin/python bench/gen_city.py --reset

Flags: --appeals N (1,000,000), --residents N (100,000), --seed S (2026), --reset (throw
the bench database away first: the SQLite file, or DROP DATABASE on PostgreSQL; without
it the script refuses to add to a database that already holds appeals), --no-rebuild
(generate only), --rebuild-only (keep the generated data, migrate and rebuild again: after
a change to the facts or the rollups).

Rows are written with executemany (SQLite) or COPY (PostgreSQL), not through the
services: the appeal services take milliseconds per appeal, this takes microseconds. The
rows are what the services would have left behind:

- regions through regions_import (codes of the 12/15-digit scheme, city 4198…);
- 30 staff users and N residents: User with an encrypted phone and its keyed hash,
  ResidentProfile placed in a grid (region_path = the grid's path); 80 % registered
  before the two years began, the rest during them;
- appeals: red/yellow/blue 10/50/40 %, categories by priority, deadlines by the default
  time limits (clocks.DEFAULT_LIMITS, working days from core.workdays); 3 % rejected,
  2 % merged; the rest dispatched, answered (~92 % on time), resolved (~87 % on time by the
  original deadline), with extensions (6 %), returns (4 %), escalations (1.5 %), repeats
  (4 %) and reopenings (2.5 %, rated twice: only the latest rating counts); 60 % of
  the resolved ones rated; closed 3 days after the rating or 7 days after resolution
  without one. Whatever would happen after now has not happened yet, so the last weeks
  hold open appeals; ~1 % of appeals got stuck (never answered or never resolved) and
  are open and overdue;
- ~1 % of the neighbour / property / collective disputes went to mediation (70 % agreement);
- one AppealEvent (submitted) per appeal, so the projection has a cursor to keep.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import os
import random
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_URL = "sqlite:////tmp/jiaoliuba-bench-dash.sqlite3"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="drop the bench database first")
    parser.add_argument("--no-rebuild", action="store_true", help="skip rollups_rebuild()")
    parser.add_argument(
        "--rebuild-only", action="store_true", help="keep the data, run rollups_rebuild() again"
    )
    parser.add_argument(
        "--no-probe",
        action="store_true",
        help="do not probe, from another process, how long a writer waits during the rebuild",
    )
    return parser.parse_args()


ARGS = parse_args()
os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
# As in production: DEBUG logs every query, and it changes how Django formats SQL.
os.environ.setdefault("DEBUG", "0")
URL = os.environ["BENCH_DATABASE_URL"]


def reset_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1]
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if ARGS.reset:
    reset_database(URL)

import writer_probe  # noqa: E402
from _setup import server_cpu_seconds, setup  # noqa: E402

T0 = time.perf_counter()
setup()
T_MIGRATE = time.perf_counter() - T0

from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from jiaoliuba.accounts.models import ResidentProfile, User  # noqa: E402
from jiaoliuba.appeals.choices import (  # noqa: E402
    Category,
    Channel,
    ClosureReason,
    EventKind,
    MediationOutcome,
    Priority,
    RatingLevel,
    Status,
)
from jiaoliuba.appeals.models import Appeal, AppealEvent, Mediation, Rating  # noqa: E402
from jiaoliuba.core import clock, crypto, workdays  # noqa: E402
from jiaoliuba.dashboards import services  # noqa: E402
from jiaoliuba.dashboards.models import AppealFact, MediationFact, Rollup  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402
from jiaoliuba.regions.services import RegionRow, regions_import  # noqa: E402

PG = connection.vendor == "postgresql"
UTC = dt.UTC
LOCAL = dt.timedelta(hours=8)  # Asia/Shanghai, no daylight saving
DAYS = 730
STAFF = 30
CITY = "419800000000"

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def code_version() -> str:
    """The commit measured, and whether the dashboards code had uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--", "jiaoliuba/dashboards", "jiaoliuba/appeals")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


# --- writing rows -----------------------------------------------------------------------


def ts(moment: dt.datetime | None):
    """Naive UTC in, what the backend stores out (Django keeps SQLite datetimes as
    naive UTC text)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if PG else str(moment)


def insert(model, columns: list[str], rows) -> int:
    """Write rows (tuples in `columns` order) to the model's table; COPY on PostgreSQL."""
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    connection.ensure_connection()
    with transaction.atomic():
        if PG:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            raw = connection.connection.cursor()
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= 20_000:
                    raw.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            raw.executemany(sql, chunk)
            count += len(chunk)
    return count


def reset_sequences(*models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- the region tree ----------------------------------------------------------------------


def build_regions(rng: random.Random) -> None:
    rows = [RegionRow(1, CITY, "基准市", "", "city")]
    for d in range(1, 11):
        dcode = f"4198{d:02d}000000"
        rows.append(RegionRow(1, dcode, f"第{d}区", CITY, "district"))
        for s in range(1, rng.randint(4, 6) + 1):
            scode = f"4198{d:02d}{s:03d}000"
            rows.append(RegionRow(1, scode, f"{d}区第{s}街道", dcode, "street"))
            for c in range(1, rng.randint(5, 7) + 1):
                ccode = f"4198{d:02d}{s:03d}{c:03d}"
                rows.append(RegionRow(1, ccode, f"{d}-{s}-{c}社区", scode, "community"))
                for g in range(1, rng.randint(4, 6) + 1):
                    rows.append(RegionRow(1, f"{ccode}{g:03d}", f"第{g}网格", ccode, "grid"))
    regions_import(rows=rows)


# --- people ---------------------------------------------------------------------------------

USER_COLUMNS = [
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "display_name",
    "phone",
    "phone_hash",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
]
PROFILE_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "user_id",
    "community_id",
    "grid_id",
    "region_path",
    "address",
    "household_id",
    "household_relation",
    "id_number",
    "id_number_hash",
    "verification_status",
    "verified_by_id",
    "verified_at",
]
UNUSABLE = "!bench-no-password"


def build_people(rng, grids, start, now) -> tuple[list[tuple], list[dt.datetime]]:
    """Staff users 1..STAFF, resident users STAFF+1..; returns each resident's
    (user id, grid) and registration time, indexed by resident number."""
    staff = [
        (
            i,
            UNUSABLE,
            None,
            False,
            f"bench-staff-{i}",
            f"工作人员{i}",
            "",
            None,
            "",
            False,
            True,
            ts(start - 400 * D),
        )
        for i in range(1, STAFF + 1)
    ]
    insert(User, USER_COLUMNS, staff)
    # Grids differ in size: weights from a log-normal.
    weights = [rng.lognormvariate(0, 0.5) for _ in grids]
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    homes, joined = [], []
    for n in range(ARGS.residents):
        grid = grids[bisect.bisect(cum, rng.random() * total)]
        if rng.random() < 0.8:
            at = start - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        else:
            at = start + dt.timedelta(seconds=rng.randrange(int((now - start).total_seconds())))
        homes.append((STAFF + 1 + n, grid))
        joined.append(at.replace(microsecond=0))

    token_cache = crypto.encrypt("13900000000")

    def users():
        for n, (user_id, _grid) in enumerate(homes):
            phone = f"15{n:09d}"
            # One real encryption per 50 rows: every row is a valid token, and the
            # generator does not spend its time in Fernet.
            token = crypto.encrypt(phone) if n % 50 == 0 else token_cache
            yield (
                user_id,
                UNUSABLE,
                None,
                False,
                None,
                f"居民{n}",
                token,
                crypto.lookup_hash(phone, purpose="phone"),
                "",
                False,
                True,
                ts(joined[n]),
            )

    def profiles():
        for n, (user_id, grid) in enumerate(homes):
            verified = n % 10 < 7
            yield (
                n + 1,
                ts(joined[n]),
                ts(joined[n]),
                user_id,
                grid.parent_id,
                grid.id,
                grid.path,
                f"{n % 12 + 1}号楼{n % 4 + 1}单元",
                None,
                "",
                "",
                None,
                "verified" if verified else "unverified",
                1 if verified else None,
                ts(joined[n] + D) if verified else None,
            )

    insert(User, USER_COLUMNS, users())
    insert(ResidentProfile, PROFILE_COLUMNS, profiles())
    return homes, joined


# --- appeals ----------------------------------------------------------------------------------

CATEGORIES = {
    Priority.RED: ([Category.SAFETY, Category.GROUP_CONFLICT, Category.NEIGHBOR], [6, 3, 1]),
    Priority.YELLOW: (
        [Category.NEIGHBOR, Category.PROPERTY, Category.LIVELIHOOD],
        [35, 45, 20],
    ),
    Priority.BLUE: ([Category.LIVELIHOOD, Category.SUGGESTION, Category.PROPERTY], [55, 40, 5]),
}
TEXTS = {
    Category.SAFETY: "单元门口路灯不亮，楼道电线裸露，担心触电。",
    Category.GROUP_CONFLICT: "小区门口一群人聚集讨薪，堵路了。",
    Category.NEIGHBOR: "楼上邻居深夜跳绳，噪音很大。",
    Category.PROPERTY: "电梯坏了三天，物业一直不修。",
    Category.LIVELIHOOD: "想问一下低保怎么办理。",
    Category.SUGGESTION: "建议小区增加快递柜。",
}
MEDIATED = {Category.NEIGHBOR, Category.PROPERTY, Category.GROUP_CONFLICT}
CHANNELS = [Channel.ONLINE, Channel.PHONE, Channel.WINDOW, Channel.PATROL, Channel.VISIT]
CHANNEL_WEIGHTS = [60, 15, 10, 10, 5]
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 9, 10, 12, 12, 11, 10, 9, 8, 6, 4, 2, 1]

APPEAL_COLUMNS = [
    "id", "number", "submitter_id", "created_by_id", "is_anonymous", "consent_public",
    "channel", "type_hint", "content", "address", "latitude", "longitude", "contact_phone",
    "community_id", "grid_id", "region_path", "priority", "category", "triage_confidence",
    "triage_reasons", "triage_needs_review", "status", "closure_reason", "handling_region_id",
    "handling_role", "assignee_id", "routing_reason", "received_at", "created_at",
    "dispatched_at", "first_response_at", "resolved_at", "closed_at", "response_due_at",
    "resolution_due_at", "resolution_due_original_at", "current_due_at", "next_check_at",
    "response_urged_at", "response_supervised_at", "resolution_urged_at",
    "resolution_supervised_at", "reply", "rejection_reason", "is_repeat", "repeat_of_id",
    "merged_into_id", "reopen_count", "return_count", "extension_count", "escalation_count",
]  # fmt: skip
RATING_COLUMNS = ["id", "appeal_id", "rater_id", "level", "solved", "comment", "created_at"]
MEDIATION_COLUMNS = [
    "id", "appeal_id", "mediator_id", "started_by_id", "outcome", "agreement_text",
    "started_at", "concluded_at",
]  # fmt: skip
EVENT_COLUMNS = [
    "id", "appeal_id", "kind", "actor_id", "from_status", "to_status", "message",
    "visible_to_resident", "data", "created_at",
]  # fmt: skip


DEADLINES: dict[tuple[dt.date, int], dt.datetime] = {}


def prepare_deadlines(first: dt.date, last: dt.date) -> None:
    """Working-day deadlines for every day the appeals need, computed before any rows
    are written: workdays reads the calendar tables, and on PostgreSQL the connection is
    busy with COPY while the rows are generated."""
    day = first
    while day <= last:
        for n in (1, 3, 5, 7):
            due = workdays.add_working_days(day, n)
            DEADLINES[(day, n)] = dt.datetime.combine(due, dt.time(23, 59, 59)) - LOCAL
        day += D


def working_deadline(local_day: dt.date, n: int) -> dt.datetime:
    """As workdays.deadline_working_days: 23:59:59 local on the nth working day after
    the local day of receipt, here as naive UTC."""
    return DEADLINES[(local_day, n)]


def received_times(rng: random.Random, start: dt.datetime, now: dt.datetime) -> list[dt.datetime]:
    """N moments in (start, now]: volume grows ~1.9× over the two years, weekends are
    quieter, the working day is busiest."""
    first_local = (start + LOCAL).date()
    days = [first_local + dt.timedelta(days=i) for i in range(DAYS + 1)]
    weights = [
        (0.7 + 0.6 * i / DAYS) * (0.7 if day.weekday() >= 5 else 1.0) for i, day in enumerate(days)
    ]
    hours = list(range(24))
    chosen = rng.choices(days, weights=weights, k=ARGS.appeals)
    hour_of = rng.choices(hours, weights=HOUR_WEIGHTS, k=ARGS.appeals)
    out = []
    for day, hour in zip(chosen, hour_of, strict=True):
        moment = dt.datetime.combine(day, dt.time(hour)) - LOCAL
        moment += dt.timedelta(seconds=rng.randrange(3600))
        if moment > now or moment <= start:
            moment = now - dt.timedelta(seconds=rng.randrange(1, 6 * 3600))
        out.append(moment)
    out.sort()
    return out


def build_appeals(rng, grids, homes, joined, start, now) -> dict[str, int]:
    stats = {"ratings": 0, "mediations": 0, "mediations_concluded": 0}
    ratings: list[tuple] = []
    mediations: list[tuple] = []
    times = received_times(rng, start, now)
    prepare_deadlines((start + LOCAL).date() - D, (now + LOCAL).date() + 40 * D)
    n_res = len(homes)

    def appeals():
        for i, received in enumerate(times):
            pk = i + 1
            local = received + LOCAL
            # Who and where: a few residents file many appeals; most file where they live.
            submitter = None
            grid = None
            if rng.random() < 0.9 and n_res:
                for _ in range(3):
                    k = int(n_res * rng.random() ** 1.6)
                    if joined[k] <= received:
                        submitter, grid = homes[k]
                        break
                if grid is not None and rng.random() < 0.15:
                    grid = grids[rng.randrange(len(grids))]
            if grid is None:
                grid = grids[rng.randrange(len(grids))]
            channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
            created_by = rng.randint(1, STAFF) if channel != Channel.ONLINE else None
            priority = rng.choices((Priority.RED, Priority.YELLOW, Priority.BLUE), (10, 50, 40))[0]
            category = rng.choices(*CATEGORIES[priority])[0]

            if priority == Priority.RED:
                response_due = received + 24 * H
            else:
                response_due = working_deadline(local.date(), 1)
            resolution_days = 7 if priority == Priority.BLUE else 3
            resolution_due_original = max(
                working_deadline(local.date(), resolution_days), response_due
            )
            resolution_due = resolution_due_original

            dispatched = first_response = resolved = closed = None
            status, closure = Status.SUBMITTED, ""
            merged_into = None
            extension = returned = escalated = reopened = 0
            is_repeat = rng.random() < 0.04
            rejection = ""
            rated_at = None
            r = rng.random()
            if r < 0.03:
                status, rejection = Status.REJECTED, "无效诉求：与社区事务无关"
                closed = received + dt.timedelta(minutes=rng.randint(10, 600))
            elif r < 0.05 and pk > 1:
                status, merged_into = Status.MERGED, max(1, pk - rng.randint(1, 200))
                closed = received + dt.timedelta(minutes=rng.randint(10, 600))
            else:
                dispatched = received + dt.timedelta(
                    minutes=rng.randint(5, 30) if priority == Priority.RED else rng.randint(5, 180)
                )
                never_answered = rng.random() < 0.004
                never_resolved = rng.random() < 0.008
                if not never_answered:
                    window = max((response_due - dispatched).total_seconds(), 600)
                    if rng.random() < 0.92:
                        first_response = dispatched + dt.timedelta(seconds=rng.random() * window)
                    else:
                        first_response = response_due + dt.timedelta(hours=rng.expovariate(1 / 10))
                returned = int(rng.random() < 0.04)
                escalated = int(rng.random() < 0.015)
                if rng.random() < 0.06:
                    extension = 1
                    resolution_due = working_deadline((resolution_due_original + LOCAL).date(), 5)
                if first_response is not None and not never_resolved:
                    if rng.random() < 0.87:
                        span = max((resolution_due_original - first_response).total_seconds(), 3600)
                        resolved = first_response + dt.timedelta(seconds=rng.random() * span)
                    elif extension and rng.random() < 0.6:
                        span = max((resolution_due - resolution_due_original).total_seconds(), 3600)
                        resolved = resolution_due_original + dt.timedelta(
                            seconds=rng.random() * span
                        )
                    else:
                        resolved = resolution_due_original + dt.timedelta(
                            hours=rng.expovariate(1 / 48)
                        )
                    if rng.random() < 0.025:
                        reopened = 1
                        resolved += dt.timedelta(days=rng.uniform(2, 6))
                # What has happened by now.
                if dispatched > now:
                    dispatched = first_response = resolved = None
                elif first_response is None or first_response > now:
                    status, first_response, resolved = Status.DISPATCHED, None, None
                elif resolved is None or resolved > now:
                    status = Status.IN_PROGRESS if rng.random() < 0.7 else Status.ACCEPTED
                    resolved = None
                else:
                    status = Status.RESOLVED
                    if rng.random() < 0.6:
                        rated_at = resolved + dt.timedelta(hours=rng.uniform(1, 72))
                        if rated_at > now:
                            rated_at = None
                    if rated_at is not None:
                        closed = rated_at + 3 * D
                        if closed <= now:
                            status, closure = Status.CLOSED, ClosureReason.RATED
                        else:
                            status, closed = Status.RATED, None
                    elif resolved + 7 * D <= now:
                        status, closure, closed = (
                            Status.CLOSED,
                            ClosureReason.NOT_RATED,
                            resolved + 7 * D,
                        )
            if closed is not None and closed > now:
                closed = None if status not in (Status.REJECTED, Status.MERGED) else now
            if rated_at is not None:
                rater = submitter
                if reopened:
                    stats["ratings"] += 1
                    ratings.append((pk, rater, RatingLevel.UNSATISFIED, False, "没解决",
                                    ts(rated_at - dt.timedelta(days=rng.uniform(1.5, 2)))))  # fmt: skip
                level = rng.choices(
                    (RatingLevel.SATISFIED, RatingLevel.BASIC, RatingLevel.UNSATISFIED), (72, 20, 8)
                )[0]
                solved = rng.random() < {"satisfied": 0.95, "basic": 0.8, "unsatisfied": 0.3}[level]
                ratings.append((pk, rater, level, solved, "", ts(rated_at)))
                stats["ratings"] += 1
            if (
                category in MEDIATED
                and first_response is not None
                and status not in (Status.REJECTED, Status.MERGED)
                and rng.random() < 0.012
            ):
                started = first_response + dt.timedelta(hours=rng.uniform(2, 48))
                if started <= now:
                    concluded = started + dt.timedelta(days=rng.uniform(1, 20))
                    outcome = rng.choices(
                        (MediationOutcome.AGREEMENT, MediationOutcome.NO_AGREEMENT,
                         MediationOutcome.REFERRED), (70, 20, 10),
                    )[0]  # fmt: skip
                    if concluded > now:
                        concluded, outcome = None, ""
                    else:
                        stats["mediations_concluded"] += 1
                    mediations.append((
                        pk, rng.randint(1, STAFF), rng.randint(1, STAFF), outcome,
                        "双方达成一致" if outcome == MediationOutcome.AGREEMENT else "",
                        ts(started), ts(concluded),
                    ))  # fmt: skip
                    stats["mediations"] += 1
            open_ = status in (
                Status.SUBMITTED,
                Status.DISPATCHED,
                Status.ACCEPTED,
                Status.IN_PROGRESS,
            )
            current_due = (
                (response_due if first_response is None else resolution_due) if open_ else None
            )
            g = grid
            yield (
                pk, f"{local:%Y%m%d}{pk:06d}", submitter, created_by,
                rng.random() < 0.1, rng.random() < 0.3, channel, "", TEXTS[category], "", None,
                None, "", g.parent_id, g.id, g.path, priority, category, 0.9,
                "[]", False, status, closure, g.parent_id, "community_staff" if dispatched else "",
                None, "", ts(received), ts(received), ts(dispatched), ts(first_response),
                ts(resolved), ts(closed), ts(response_due), ts(resolution_due),
                ts(resolution_due_original), ts(current_due), None, None, None, None, None,
                "已处理" if resolved else "", rejection, is_repeat, max(1, pk - 1000) if is_repeat and pk > 1 else None,
                merged_into, reopened, returned, extension, escalated,
            )  # fmt: skip

    count = insert(Appeal, APPEAL_COLUMNS, appeals())
    insert(
        Rating,
        RATING_COLUMNS,
        ((n + 1, *row) for n, row in enumerate(ratings)),
    )
    insert(Mediation, MEDIATION_COLUMNS, ((n + 1, *row) for n, row in enumerate(mediations)))
    insert(
        AppealEvent,
        EVENT_COLUMNS,
        (
            (n + 1, n + 1, EventKind.SUBMITTED, None, "", Status.SUBMITTED, "", True, "{}", ts(t))
            for n, t in enumerate(times)
        ),
    )
    stats["appeals"] = count
    return stats


def main() -> None:
    if ARGS.rebuild_only:
        print(
            f"database: {connection.vendor} ({URL.split('@')[-1]}), code {code_version()}, "
            f"migrate {T_MIGRATE:.1f}s"
        )
        print(
            f"appeals: {Appeal.objects.count():,}  residents: {ResidentProfile.objects.count():,}"
        )
        rebuild()
        return
    if Appeal.objects.exists():
        sys.exit("the bench database already holds appeals: run with --reset to start over")
    rng = random.Random(ARGS.seed)
    now = clock.now().astimezone(UTC).replace(tzinfo=None, microsecond=0)
    start = now - DAYS * D
    print(
        f"database: {connection.vendor} ({URL.split('@')[-1]}), code {code_version()}, "
        f"migrate {T_MIGRATE:.1f}s"
    )

    t = time.perf_counter()
    build_regions(rng)
    grids = list(Region.objects.filter(level="grid", code__startswith="4198").order_by("path"))
    t_regions = time.perf_counter() - t
    t = time.perf_counter()
    homes, joined = build_people(rng, grids, start, now)
    t_people = time.perf_counter() - t
    t = time.perf_counter()
    stats = build_appeals(rng, grids, homes, joined, start, now)
    reset_sequences(User, ResidentProfile, Appeal, Rating, Mediation, AppealEvent)
    t_appeals = time.perf_counter() - t
    print(
        f"generate: regions {t_regions:.1f}s, users+residents {t_people:.1f}s, "
        f"appeals+ratings+mediations+events {t_appeals:.1f}s"
    )
    levels = dict(Region.objects.values_list("level").annotate(n=Count("pk")))
    print(f"regions: {levels}")
    print(f"users: {User.objects.count():,}  residents: {ResidentProfile.objects.count():,}")
    print(
        f"appeals: {stats['appeals']:,}  ratings: {stats['ratings']:,}  "
        f"mediations: {stats['mediations']:,} ({stats['mediations_concluded']:,} concluded)  "
        f"events: {AppealEvent.objects.count():,}"
    )
    statuses = dict(Appeal.objects.values_list("status").annotate(n=Count("pk")).order_by())
    print("status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())))

    if ARGS.no_rebuild:
        return
    rebuild()


def rebuild() -> None:
    """rollups_rebuild(), timed as a whole and by phase. The phases are measured by
    wrapping the rebuild's own steps, not by doing them here. Also: the CPU time used
    (this process + the PostgreSQL server process; on a shared machine the wall clock
    mostly measures the queue for a core), and the longest single transaction of each
    kind, which is the longest any other writer can have waited on SQLite."""
    from jiaoliuba.dashboards import rebuild as rebuild_module

    phases: dict[str, float] = {}
    phase_cpu: dict[str, float] = {}

    def timing(name: str, fn):
        def wrapper(*args, **kwargs):
            start, cpu = time.perf_counter(), time.process_time() + server_cpu_seconds()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - start
                used = time.process_time() + server_cpu_seconds() - cpu
                phase_cpu[name] = phase_cpu.get(name, 0.0) + used

        return wrapper

    steps = {
        "participation chains (one window-function statement, into a temporary table)": (
            "_shadow_chains"
        ),
        "facts into the shadow, chains included (read appeals, ratings, homes)": "_shadow_facts",
        "chains of appeals changed meanwhile": "_chains_touched",
        "rollups, day and month (each level summed from the level below)": "_shadow_rollups",
        "the swap (one transaction: drop, rename)": "_swap",
    }
    # Between two calls of _progress runs one transaction of the rebuild.
    marks: list[tuple[str, float]] = []
    steps_and_hook = {**steps, "progress": "_progress"}
    originals = {
        attr: getattr(rebuild_module, attr)
        for attr in steps_and_hook.values()
        if hasattr(rebuild_module, attr)
    }
    for name, attr in steps.items():
        if attr in originals:
            setattr(rebuild_module, attr, timing(name, originals[attr]))
    if "_progress" in originals:
        rebuild_module._progress = lambda phase: marks.append((phase, time.perf_counter()))
    probe = writer_probe.start(URL, enabled=not ARGS.no_probe)
    try:
        t = time.perf_counter()
        cpu, server = time.process_time(), server_cpu_seconds()
        marks.append(("start", t))
        result = services.rollups_rebuild()
        t_rebuild = time.perf_counter() - t
        cpu, server = time.process_time() - cpu, server_cpu_seconds() - server
        marks.append(("end", time.perf_counter()))
    finally:
        for attr, fn in originals.items():
            setattr(rebuild_module, attr, fn)
    rest = t_rebuild - sum(phases.values())
    print(f"rebuild: {t_rebuild:.1f}s  {result}")
    print(f"rebuild CPU: this process {cpu:.1f}s, PostgreSQL server process {server:.1f}s")
    print(
        "rebuild phases: shadow tables, helper and model indexes outside the swap "
        f"{rest:.1f}s, " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in phases.items())
    )
    print(
        "rebuild phases, CPU (this process + PostgreSQL server process): outside the phases "
        f"{cpu + server - sum(phase_cpu.values()):.1f}s, "
        + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in phase_cpu.items())
    )
    longest: dict[str, float] = {}
    for (_, before), (phase, after) in itertools.pairwise(marks):
        longest[phase] = max(longest.get(phase, 0.0), after - before)
    print(
        "longest step ending at each progress mark (one transaction each, except 'swapped',"
        " which also holds the work just before the swap): "
        + ", ".join(f"{phase} {seconds:.2f}s" for phase, seconds in longest.items())
    )
    writer_probe.report(URL, probe, marks)
    print(
        f"facts: {AppealFact.objects.count():,} appeal, {MediationFact.objects.count():,} "
        f"mediation; rollup rows: {Rollup.objects.count():,}"
    )
    per_level = dict(Rollup.objects.values_list("level").annotate(n=Count("pk")).order_by())
    print(
        "rollup rows per level: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(per_level.items()))
    )
    if PG:
        # What autovacuum would have done by the time anybody looks at a dashboard.
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"vacuum analyze: {time.perf_counter() - t:.1f}s")
    print(f"total: {time.perf_counter() - T0:.1f}s")


if __name__ == "__main__":
    main()
