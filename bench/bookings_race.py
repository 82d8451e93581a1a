"""Bookings under load: 200 residents race for the last seats of a session through the
real service (threads, one database connection each), then cancellations race new
bookings while a waiting list waits. Prints, per round, the outcomes, whether the
guarantees held (exactly the capacity reserved; one promotion per freed seat), the wall
time and the bookings per second, plus CPU time of this process.

    BENCH_DATABASE_URL=sqlite:////tmp/jiaoliuba-bench-bookings.sqlite3 .venv/bin/python bench/bookings_race.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoliuba_bench_bookings .venv/bin/python bench/bookings_race.py

Flags: --rounds N (3), --racers N (200), --seats N (5, the seats left when the race
starts), --workers N (24 threads). SQLITE_TIMEOUT (seconds, default 20) sets SQLite's
busy timeout: a short one shows the lock queue at a lower load."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--racers", type=int, default=200)
parser.add_argument("--seats", type=int, default=5)
parser.add_argument("--workers", type=int, default=24)
ARGS = parser.parse_args()
os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-bench-bookings.sqlite3")
os.environ.setdefault("DEBUG", "0")

from _setup import setup  # noqa: E402

URL = setup()

from jiaoliuba.accounts import services as account_services  # noqa: E402
from jiaoliuba.accounts.choices import Role  # noqa: E402
from jiaoliuba.accounts.models import User  # noqa: E402
from jiaoliuba.bookings import services  # noqa: E402
from jiaoliuba.bookings.choices import BookingEventKind, BookingStatus  # noqa: E402
from jiaoliuba.bookings.models import Booking, BookingEvent, Session  # noqa: E402
from jiaoliuba.bookings.tests.race import bulk_residents, race  # noqa: E402
from jiaoliuba.core import clock  # noqa: E402
from jiaoliuba.core.clock import SHANGHAI  # noqa: E402
from jiaoliuba.demo.loader import REGIONS_CSV  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402
from jiaoliuba.regions.services import parse_region_csv, regions_import  # noqa: E402

JIEFANG, JIEFANG_G1 = "411702001001", "411702001001001"


def world():
    if not Region.objects.filter(code=JIEFANG).exists():
        regions_import(rows=parse_region_csv(REGIONS_CSV.read_text(encoding="utf-8")))
    staff = User.objects.filter(username="bench-bookings-staff").first()
    if staff is None:
        staff = account_services.user_create_staff(
            username="bench-bookings-staff", password="bench-pass-123", display_name="bench"
        )
        account_services.role_assign(
            actor=None,
            user=staff,
            role=Role.COMMUNITY_STAFF,
            region=Region.objects.get(code=JIEFANG),
        )
    service = services.service_create(
        actor=staff,
        region=Region.objects.get(code=JIEFANG),
        title="bench 活动",
        kind="activity",
        provider_kind="staff",
        place="活动室",
    )
    stamp = int(time.time())
    people = bulk_residents(Region.objects.get(code=JIEFANG_G1), ARGS.racers + 40, f"bb{stamp}")
    return staff, service, people


def session_for(staff, service, capacity: int) -> Session:
    day = clock.local_now().date() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(19), tzinfo=SHANGHAI)
    return services.session_create(
        actor=staff,
        service=service,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
        capacity=capacity,
    )


def last_seats_round(staff, service, people) -> dict:
    held = 7
    session = session_for(staff, service, held + ARGS.seats)
    for p in people[:held]:
        services.booking_reserve(actor=p, session=session)
    racers = people[held : held + ARGS.racers]
    latencies: list[float] = []

    def timed_reserve(person):
        started = time.perf_counter()
        try:
            return services.booking_reserve(actor=person, session=session)
        finally:
            latencies.append(time.perf_counter() - started)

    calls = [(lambda p=p: timed_reserve(p)) for p in racers]
    cpu = time.process_time()
    outcomes, seconds = race(calls, workers=ARGS.workers)
    cpu = time.process_time() - cpu
    fresh = Session.objects.get(pk=session.pk)
    reserved = Booking.objects.filter(session=session, status=BookingStatus.RESERVED).count()
    ok = (
        outcomes.get(BookingStatus.RESERVED) == ARGS.seats
        and fresh.seats_taken == reserved == fresh.capacity
        and not any(str(k).startswith("error") for k in outcomes)
    )
    return {
        "outcomes": dict(outcomes),
        "seconds": seconds,
        "cpu": cpu,
        "ok": ok,
        "per_s": len(calls) / seconds,
        "p50": statistics.median(latencies),
        "p99": sorted(latencies)[int(len(latencies) * 0.99) - 1],
        "max": max(latencies),
    }


def cancel_round(staff, service, people) -> dict:
    session = session_for(staff, service, 6)
    bookings = [services.booking_reserve(actor=p, session=session) for p in people[:20]]
    calls = [
        (lambda b=b: services.booking_cancel(actor=b.resident, booking=b))
        for b in bookings[:4]
        for _ in range(2)
    ]
    calls += [
        (lambda p=p: services.booking_reserve(actor=p, session=session)) for p in people[20:40]
    ]
    outcomes, seconds = race(calls, workers=ARGS.workers)
    promoted = BookingEvent.objects.filter(booking__session=session, kind=BookingEventKind.PROMOTED)
    fresh = Session.objects.get(pk=session.pk)
    ok = (
        promoted.count() == promoted.values("booking").distinct().count() == 4
        and fresh.seats_taken == 6
        and not any(str(k).startswith("error") for k in outcomes)
    )
    return {"outcomes": dict(outcomes), "seconds": seconds, "ok": ok, "promoted": promoted.count()}


def main() -> None:
    print(f"database: {URL.split('://')[0]}  load average: {os.getloadavg()}")
    print(f"racers {ARGS.racers}, seats left {ARGS.seats}, threads {ARGS.workers}")
    print(f"SQLite busy timeout: {os.environ.get('SQLITE_TIMEOUT', '20')} s")
    rows = []
    for n in range(ARGS.rounds):
        staff, service, people = world()
        race_row = last_seats_round(staff, service, people)
        cancel_row = cancel_round(staff, service, people[ARGS.racers :] + people[: ARGS.racers])
        rows.append(race_row)
        print(
            f"round {n + 1}: last seats {race_row['outcomes']} ok={race_row['ok']} "
            f"{race_row['seconds']:.2f}s {race_row['per_s']:.0f} bookings/s "
            f"cpu {race_row['cpu']:.2f}s; per request p50 {race_row['p50']:.2f}s "
            f"p99 {race_row['p99']:.2f}s max {race_row['max']:.2f}s | cancellations {cancel_row['outcomes']} "
            f"promoted {cancel_row['promoted']} ok={cancel_row['ok']} {cancel_row['seconds']:.2f}s"
        )
    rates = [r["per_s"] for r in rows]
    print(
        f"bookings/s best {max(rates):.0f} median {statistics.median(rates):.0f}; "
        f"all guarantees held: {all(r['ok'] for r in rows)}"
    )
    print(f"load average after: {os.getloadavg()}")


main()
