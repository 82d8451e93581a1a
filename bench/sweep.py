"""Does the deadline sweep cost what is due, not what is open? Generates 1,000,000 open
appeals in one grid of the demo city (idempotent: skipped when they are there), then
times appeals_sweep(now=...) with nothing due, with 0.1 % and with 1 % of them due, and
a second sweep right after each (it must find nothing). Prints the query plan of the
sweep's selection.

    .venv/bin/python bench/sweep.py              # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoliuba_bench .venv/bin/python bench/sweep.py

Knobs (environment): BENCH_APPEALS (1000000), BENCH_DUE_SHARES ("0.001,0.01"),
BENCH_BREACH_SHARE (0.3: the share of due appeals whose response deadline has passed,
a 督办 with three recipients; the rest are 催办 reminders with one), BENCH_ROUNDS (1;
repeat each due scenario and print every round), BENCH_SWEEP_NOW (ISO time the sweeps
run at, 2026-11-16T10:00:00+08:00).

The data, as the sweep would have left it: appeals received over the ten days before
NOW, red/yellow/blue with deadlines from clocks.limits_for and core.workdays (the same
arithmetic as clocks.deadlines_for), 80 % already accepted, 10 % with an approved
extension of one to three weeks; every milestone before NOW already stamped (as earlier
sweeps would have), then clocks.refresh sets current_due_at and next_check_at. The due
appeals are red ones whose next look falls in the half hour before NOW; the sweep
scenarios run at the moment when exactly the wanted number of them is due, and the
script puts those rows back (and deletes the events and notifications the sweep wrote)
before each scenario, so it can be run again on the same data.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import time
from functools import cache
from pathlib import Path

from _setup import setup

URL = setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils.dateparse import parse_datetime  # noqa: E402

from jiaoliuba.accounts import services as account_services  # noqa: E402
from jiaoliuba.accounts.choices import Role  # noqa: E402
from jiaoliuba.accounts.models import User  # noqa: E402
from jiaoliuba.appeals import clocks  # noqa: E402
from jiaoliuba.appeals.choices import Channel, Status  # noqa: E402
from jiaoliuba.appeals.models import Appeal, AppealEvent  # noqa: E402
from jiaoliuba.appeals.services import appeals_sweep  # noqa: E402
from jiaoliuba.core import clock, workdays  # noqa: E402
from jiaoliuba.demo.loader import load_demo  # noqa: E402
from jiaoliuba.notifications.models import Notification  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402
from jiaoliuba.regions.services import RegionRow, regions_import  # noqa: E402
from jiaoliuba.triage.choices import Category, Priority  # noqa: E402

TOTAL = int(os.environ.get("BENCH_APPEALS", "1000000"))
SHARES = [
    float(x) for x in os.environ.get("BENCH_DUE_SHARES", "0.001,0.01").split(",") if x.strip()
]
BREACH_SHARE = float(os.environ.get("BENCH_BREACH_SHARE", "0.3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
NOW = parse_datetime(os.environ.get("BENCH_SWEEP_NOW", "2026-11-16T10:00:00+08:00")).astimezone(
    dt.UTC
)
DUE_MAX = round(max(SHARES) * TOTAL) if SHARES else 0
WINDOW = dt.timedelta(minutes=30)  # the due appeals' next looks lie in (NOW - WINDOW, NOW]
BATCH = 10_000

COMMUNITY = "411702001002"  # 健康路社区, 东风街道, 驿城区
GRID = "411702001002090"  # a grid of its own, so other benchmarks' appeals stay out of it
MARK, MARK_URGE, MARK_BREACH = "bench-sweep", "bench-sweep-due-urge", "bench-sweep-due-breach"
TEXTS = {
    Category.SAFETY: "单元门口路灯不亮，楼道电线裸露，担心触电。",
    Category.GROUP_CONFLICT: "小区门口一群人聚集讨薪，堵路了。",
    Category.NEIGHBOR: "楼上邻居深夜跳绳，噪音很大。",
    Category.PROPERTY: "电梯坏了三天，物业一直不修。",
    Category.LIVELIHOOD: "想问一下低保怎么办理。",
    Category.SUGGESTION: "建议小区增加快递柜。",
}
PRIORITY_CATEGORIES = {
    Priority.RED: (Category.SAFETY, Category.GROUP_CONFLICT),
    Priority.YELLOW: (Category.NEIGHBOR, Category.PROPERTY),
    Priority.BLUE: (Category.LIVELIHOOD, Category.SUGGESTION),
}


# --- the place and the people ---------------------------------------------------------------


def bench_place() -> tuple[Region, Region, User]:
    load_demo(residents=50)
    regions_import(rows=[RegionRow(1, GRID, "基准网格", COMMUNITY, "grid")])
    community, grid = Region.objects.get(code=COMMUNITY), Region.objects.get(code=GRID)
    people = {}
    for username, role, region in [
        ("bench-sweep-grid", Role.GRID_WORKER, grid),
        ("bench-sweep-secretary", Role.COMMUNITY_SECRETARY, community),
        ("bench-sweep-staff", Role.COMMUNITY_STAFF, community),
    ]:
        user = User.objects.filter(username=username).first() or account_services.user_create_staff(
            username=username, password="bench-" + "x" * 12, display_name=username
        )
        account_services.role_assign(actor=None, user=user, role=role, region=region)
        people[role] = user
    return community, grid, people[Role.GRID_WORKER]


# --- deadlines, as clocks.deadlines_for computes them (memoised: a million calls) ---------------


@cache
def _limits(priority: str, category: str) -> dict:
    return clocks.limits_for(priority, category)


@cache
def _working(day: dt.date, n: int) -> dt.datetime:
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=clock.SHANGHAI)
    return workdays.deadline_working_days(noon, n)


def deadlines(
    priority: str, category: str, received_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    limits = _limits(priority, category)
    day = received_at.astimezone(clock.SHANGHAI).date()
    if limits["response_hours"]:
        response = workdays.deadline_natural_hours(received_at, limits["response_hours"])
    else:
        response = _working(day, limits["response_working_days"] or 1)
    resolution = _working(day, limits["resolution_working_days"])
    return response, max(resolution, response)


# --- rows ------------------------------------------------------------------------------------------


def _stamp_past(a: Appeal, upto: dt.datetime) -> None:
    """Stamp every milestone before `upto` as the sweep does (_sweep_one): a breach also
    stamps the reminder it made moot."""
    lead = clocks.urge_lead()
    for _ in range(4):
        due = clocks.due_milestones(a, upto)
        if not due:
            return
        for milestone in due:
            name, action = milestone.split("_")
            deadline = a.response_due_at if name == "response" else a.resolution_due_at
            if action == "urge":
                setattr(a, f"{name}_urged_at", deadline - lead)
            else:
                setattr(a, f"{name}_supervised_at", deadline)
                if getattr(a, f"{name}_urged_at") is None:
                    setattr(a, f"{name}_urged_at", deadline - lead)


VARYING = (
    "id",
    "number",
    "content",
    "priority",
    "category",
    "status",
    "received_at",
    "created_at",
    "dispatched_at",
    "first_response_at",
    "response_due_at",
    "resolution_due_at",
    "resolution_due_original_at",
    "current_due_at",
    "next_check_at",
    "response_urged_at",
    "response_supervised_at",
    "resolution_urged_at",
    "resolution_supervised_at",
    "extension_count",
    "routing_reason",
)


def make_row(a: Appeal, i: int, rng: random.Random, due_count: int) -> None:
    """Fill the probe `a` for row i (0-based). Rows below due_count are the due ones."""
    for name in (
        "first_response_at",
        "response_urged_at",
        "response_supervised_at",
        "resolution_urged_at",
        "resolution_supervised_at",
    ):
        setattr(a, name, None)
    a.extension_count = 0
    if i < due_count:
        # Red, not yet answered; the next look at NOW - WINDOW + (i+1)/due_count * WINDOW.
        at = NOW - WINDOW + WINDOW * (i + 1) / due_count
        a.priority, a.category = Priority.RED, PRIORITY_CATEGORIES[Priority.RED][i % 2]
        a.status = Status.DISPATCHED
        breach = (i * 7919) % 1000 < BREACH_SHARE * 1000
        hours = _limits(a.priority, a.category)["response_hours"] or 24
        response_due = at if breach else at + clocks.urge_lead()
        a.received_at = response_due - dt.timedelta(hours=hours)
        a.response_due_at, a.resolution_due_at = deadlines(a.priority, a.category, a.received_at)
        a.response_due_at = response_due
        if breach:
            a.response_urged_at = response_due - clocks.urge_lead()
        a.routing_reason = MARK_BREACH if breach else MARK_URGE
    else:
        roll = rng.random()
        a.priority = (
            Priority.RED if roll < 0.05 else Priority.YELLOW if roll < 0.5 else Priority.BLUE
        )
        a.category = rng.choice(PRIORITY_CATEGORIES[a.priority])
        a.received_at = NOW - dt.timedelta(seconds=rng.randrange(10 * 86400))
        a.response_due_at, a.resolution_due_at = deadlines(a.priority, a.category, a.received_at)
        if rng.random() < 0.8:
            window = max(
                60, int((min(a.response_due_at, NOW) - a.received_at).total_seconds() * 0.8)
            )
            a.first_response_at = a.received_at + dt.timedelta(
                seconds=rng.randrange(60, window + 61)
            )
            a.status = Status.ACCEPTED if rng.random() < 0.5 else Status.IN_PROGRESS
        else:
            a.status = Status.DISPATCHED
        a.routing_reason = MARK
    a.resolution_due_original_at = a.resolution_due_at
    if i >= due_count and rng.random() < 0.1:
        a.resolution_due_at += dt.timedelta(weeks=rng.randint(1, 3))
        a.extension_count = 1
    a.content = TEXTS[a.category]
    a.created_at = a.received_at
    a.dispatched_at = a.received_at + dt.timedelta(minutes=1)
    if i >= due_count:
        _stamp_past(a, NOW)  # earlier sweeps handled everything before NOW
    clocks.refresh(a)
    if i >= due_count and a.next_check_at is not None and a.next_check_at <= NOW:
        raise AssertionError("a background appeal would be due")
    a.number = f"{a.received_at.astimezone(clock.SHANGHAI):%Y%m%d}{a.id:07d}"


def generate(community: Region, grid: Region, handler: User) -> None:
    have = Appeal.objects.filter(region_path=grid.path).count()
    if have >= TOTAL:
        print(f"generation: skipped, {have:,} appeals already in grid {GRID}")
        return
    if have % BATCH:
        raise SystemExit(
            f"grid {GRID} holds {have:,} appeals, not a whole number of batches: drop the database"
        )
    template = Appeal(
        submitter=None,
        created_by=None,
        is_anonymous=False,
        consent_public=False,
        channel=Channel.PHONE,
        type_hint="",
        address="1号楼",
        contact_phone="",
        community=community,
        grid=grid,
        region_path=grid.path,
        triage_confidence=0.8,
        triage_reasons=["bench"],
        handling_region=grid,
        handling_role=Role.GRID_WORKER,
        assignee=handler,
        reply="",
        rejection_reason="",
        is_repeat=False,
        reopen_count=0,
        return_count=0,
        escalation_count=0,
        closure_reason="",
    )
    fields = [f for f in Appeal._meta.concrete_fields]
    columns = [f.column for f in fields]
    constant = {
        f.attname: f.get_db_prep_save(getattr(template, f.attname), connection)
        for f in fields
        if f.attname not in VARYING
    }
    datetime_cols = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}
    adapt = (
        connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else (lambda v: v)
    )
    table = Appeal._meta.db_table
    start_id = (Appeal.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    if have:  # resume: our rows are the newest
        start_id -= have
    probe = Appeal(
        **{f.attname: getattr(template, f.attname) for f in fields if f.attname not in VARYING}
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # 256 MB of page cache for this connection while loading
            cursor.execute("PRAGMA cache_size = -262144")
    for batch_start in range(have, TOTAL, BATCH):
        rng = random.Random(batch_start)
        rows = []
        for i in range(batch_start, min(TOTAL, batch_start + BATCH)):
            probe.id = start_id + i
            make_row(probe, i, rng, DUE_MAX)
            row = []
            for f in fields:
                name = f.attname
                if name in constant:
                    row.append(constant[name])
                else:
                    value = getattr(probe, name)
                    row.append(
                        adapt(value) if name in datetime_cols and value is not None else value
                    )
            rows.append(row)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(
                    f'COPY "{table}" ({", ".join(columns)}) FROM STDIN'
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', rows
                )
        done = batch_start + len(rows)
        if done % 100_000 == 0 or done == TOTAL:
            print(f"  generated {done:,} ({time.perf_counter() - started:.0f}s)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
            cursor.execute(f'ANALYZE "{table}"')  # what autovacuum does soon after a bulk load
    print(f"generation: {TOTAL - have:,} appeals in {time.perf_counter() - started:.1f}s")


# --- scenarios ----------------------------------------------------------------------------------


def due_rows(grid: Region) -> tuple[list[int], list[int]]:
    rows = Appeal.objects.filter(region_path=grid.path, routing_reason__in=[MARK_URGE, MARK_BREACH])
    urge, breach = [], []
    for pk, mark in rows.values_list("id", "routing_reason"):
        (breach if mark == MARK_BREACH else urge).append(pk)
    return urge, breach


def reset(urge: list[int], breach: list[int], staff: list[User]) -> None:
    """Put the due rows back as generated and drop what earlier sweeps of them wrote."""
    lead = clocks.urge_lead()
    ids = urge + breach
    with transaction.atomic():
        for chunk in range(0, len(ids), 5000):
            AppealEvent.objects.filter(appeal_id__in=ids[chunk : chunk + 5000]).delete()
        Notification.objects.filter(recipient__in=staff).delete()
        for chunk in range(0, len(urge), 5000):
            Appeal.objects.filter(pk__in=urge[chunk : chunk + 5000]).update(
                response_urged_at=None,
                response_supervised_at=None,
                next_check_at=F("response_due_at") - lead,
            )
        for chunk in range(0, len(breach), 5000):
            Appeal.objects.filter(pk__in=breach[chunk : chunk + 5000]).update(
                response_urged_at=F("response_due_at") - lead,
                response_supervised_at=None,
                next_check_at=F("response_due_at"),
            )


def sweep_at(moment: dt.datetime, staff: list[User]) -> tuple[float, object, int, int]:
    events, notes = (
        AppealEvent.objects.count(),
        Notification.objects.filter(recipient__in=staff).count(),
    )
    start = time.perf_counter()
    report = appeals_sweep(now=moment)
    seconds = time.perf_counter() - start
    return (
        seconds,
        report,
        AppealEvent.objects.count() - events,
        Notification.objects.filter(recipient__in=staff).count() - notes,
    )


def explain(moment: dt.datetime) -> str:
    # The selection appeals_sweep makes, built the same way.
    qs = (
        Appeal.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(next_check_at__lte=moment)
        .select_related("community", "handling_region", "assignee", "submitter")
        .order_by("next_check_at")[:500]
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return qs.explain(analyze=True, buffers=True)
        return qs.explain()


def main() -> None:
    community, grid, handler = bench_place()
    print(
        f"database: {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}"
        f" ({URL.split('@')[-1]})"
    )
    import jiaoliuba

    print(f"code: {Path(jiaoliuba.__file__).parent.parent}")
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    generate(community, grid, handler)
    staff = list(User.objects.filter(username__startswith="bench-sweep-"))
    total = Appeal.objects.filter(region_path=grid.path).count()
    urge, breach = due_rows(grid)
    due_available = len(urge) + len(breach)
    open_count = Appeal.objects.filter(
        region_path=grid.path, status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS]
    ).count()
    watched = Appeal.objects.filter(region_path=grid.path, next_check_at__isnull=False).count()
    print(
        f"appeals in grid {GRID}: {total:,} ({open_count:,} open, {watched:,} with a next check; "
        f"{due_available:,} due-able: {len(urge):,} reminders, {len(breach):,} breaches); "
        f"all appeals: {Appeal.objects.count():,}; sweeps run at {NOW.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M} +08"
    )

    # The moment at which exactly n are due: the due rows' next looks are evenly spaced.
    def moment_for(n: int) -> dt.datetime:
        if n == 0:
            return NOW - WINDOW - dt.timedelta(seconds=1)
        return NOW - WINDOW + WINDOW * n / due_available

    reset(urge, breach, staff)
    print(
        f"\n{'scenario':<34}{'wall s':>9}{'checked':>9}{'urged':>7}{'superv.':>8}{'events':>8}{'notes':>7}"
        f"{'ms/appeal':>10}"
    )

    def line(label: str, result: tuple) -> None:
        seconds, report, events, notes = result
        per = f"{seconds * 1000 / report.checked:.2f}" if report.checked else "-"
        print(
            f"{label:<34}{seconds:>9.3f}{report.checked:>9,}{report.urged:>7,}{report.supervised:>8,}"
            f"{events:>8,}{notes:>7,}{per:>10}",
            flush=True,
        )

    nothing = moment_for(0)
    for rnd in range(max(ROUNDS, 3)):
        line(f"(a) nothing due (run {rnd + 1})", sweep_at(nothing, staff))
    for index, share in enumerate(SHARES):
        n = round(share * TOTAL)
        if n > due_available:
            print(
                f"    {share:.2%}: {n:,} due wanted but only {due_available:,} generated; regenerate with "
                f"these BENCH_DUE_SHARES on a fresh database"
            )
            continue
        for rnd in range(ROUNDS):
            reset(urge, breach, staff)
            moment = moment_for(n)
            line(
                f"({'bc'[min(index, 1)]}) {n:,} due = {share:.1%}"
                + (f" (round {rnd + 1})" if ROUNDS > 1 else ""),
                sweep_at(moment, staff),
            )
            line("(d)   again right after", sweep_at(moment, staff))
    reset(urge, breach, staff)

    print("\nquery plan of the sweep's selection, nothing due:")
    print(explain(nothing))
    print(f"\nquery plan of the sweep's selection, {int(max(SHARES) * TOTAL):,} due:")
    print(explain(moment_for(min(due_available, round(max(SHARES) * TOTAL)))))


if __name__ == "__main__":
    main()
