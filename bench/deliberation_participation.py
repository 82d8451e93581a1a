"""What does connecting deliberation and votes to 参与率 cost the dashboard? With one
participation source the dashboard asks the appeals' provider for a count (an index
range per period); each further source adds only the residents no earlier source
counted (dashboards/sources.py), so each resident counts once. This times `kpi_figures`
for the whole city and for one community, month and year, with participation from
appeals only, appeals + deliberation, and appeals + deliberation + votes, on a city built
by bench/gen_city.py plus deliberation acts (one per resident for --share of the
residents) and voter-register rows (one per resident for --vote-share of them, in one of
twelve votes) written here on random days of the past year. Runs on SQLite and
PostgreSQL (BENCH_DATABASE_URL).

    .venv/bin/python bench/gen_city.py --reset --appeals 200000 --residents 20000   # with BENCH_DATABASE_URL
    BENCH_DATABASE_URL=sqlite:////tmp/jiaoliuba-bench-delib.sqlite3 .venv/bin/python bench/deliberation_participation.py

Flags: --repeat N (10), --share F (0.3), --vote-share F (0.2)."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import time
from collections.abc import Callable

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--repeat", type=int, default=10)
parser.add_argument("--share", type=float, default=0.3)
parser.add_argument("--vote-share", type=float, default=0.2)
ARGS = parser.parse_args()
os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-bench-delib.sqlite3")
os.environ.setdefault("DEBUG", "0")

from _setup import setup  # noqa: E402

URL = setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from jiaoliuba.accounts.models import ResidentProfile  # noqa: E402
from jiaoliuba.core import clock  # noqa: E402
from jiaoliuba.dashboards import selectors, services  # noqa: E402
from jiaoliuba.dashboards.choices import PeriodKind  # noqa: E402
from jiaoliuba.dashboards.models import AppealFact  # noqa: E402
from jiaoliuba.dashboards.periods import period_containing  # noqa: E402
from jiaoliuba.deliberation.models import ParticipationAct, Vote, VoterRecord  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402

CITY = "419800000000"


def measure(fn: Callable[[], object]) -> tuple[float, float]:
    fn()
    samples = []
    for _ in range(ARGS.repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[max(0, math.ceil(0.95 * len(samples)) - 1)]


def write_acts() -> int:
    if ParticipationAct.objects.exists():
        return ParticipationAct.objects.count()
    rng = random.Random(2026)
    today = clock.local_now().date()
    rows = [
        ParticipationAct(
            user_id=user_id,
            resident_path=path,
            day=today - dt.timedelta(days=rng.randrange(365)),
            kind="comment",
            topic=None,
        )
        for user_id, path in ResidentProfile.objects.values_list("user_id", "region_path")
        if rng.random() < ARGS.share
    ]
    ParticipationAct.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def write_voters(city: Region) -> int:
    """Twelve closed votes of the city, and register rows as the services write them (the
    ballot box is not read by participation, so it is left empty)."""
    if VoterRecord.objects.exists():
        return VoterRecord.objects.count()
    rng = random.Random(2027)
    now = clock.now()
    votes = [
        Vote.objects.create(
            title=f"bench vote {i}",
            scope=city,
            scope_path=city.path,
            kind="approval",
            eligibility="person",
            status="closed",
            created_at=now,
            updated_at=now,
        )
        for i in range(12)
    ]
    rows = [
        VoterRecord(
            vote=votes[rng.randrange(12)],
            voter_key=f"u:{user_id}",
            voter_id=user_id,
            voter_path=path,
            channel="online",
            units=[],
            created_at=now - dt.timedelta(days=rng.randrange(365), seconds=rng.randrange(86400)),
        )
        for user_id, path in ResidentProfile.objects.values_list("user_id", "region_path")
        if rng.random() < ARGS.vote_share
    ]
    VoterRecord.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def main() -> None:
    services.rollups_sync()
    acts = write_acts()
    city = Region.objects.get(code=CITY)
    voters = write_voters(city)
    if connection.vendor == "postgresql":
        # Fresh planner statistics for the rows just written, as autovacuum would keep.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE deliberation_participationact")
            cursor.execute("ANALYZE deliberation_voterrecord")
    community = Region.objects.filter(level="community", path__startswith=city.path).first()
    today = clock.local_now().date()
    print(
        f"database {URL.split('://')[0]}: {AppealFact.objects.count():,} appeal facts, "
        f"{ResidentProfile.objects.count():,} residents, {acts:,} deliberation acts, "
        f"{voters:,} voter-register rows; load average {os.getloadavg()[0]:.2f}"
    )
    every = settings.DASHBOARD_SOURCES["participation"]
    appeals_only = {**every, "deliberation": None, "votes": None}
    with_deliberation = {**every, "votes": None}
    print(
        "| figure | appeals only: median / p95 ms | + deliberation: median / p95 ms "
        "| + deliberation + votes: median / p95 ms |"
    )
    print("|---|---:|---:|---:|")
    for region, name in ((city, "city"), (community, "one community")):
        for kind in (PeriodKind.MONTH, PeriodKind.YEAR):
            period = period_containing(kind, today)
            cells = []
            for sources in (appeals_only, with_deliberation, every):
                patched = {**settings.DASHBOARD_SOURCES, "participation": sources}
                with override_settings(DASHBOARD_SOURCES=patched):
                    median, p95 = measure(
                        lambda r=region, p=period: selectors.kpi_figures(region=r, period=p)
                    )
                cells.append(f"{median:,.1f} / {p95:,.1f}")
            print(f"| every KPI, {name}, {kind} | {' | '.join(cells)} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
