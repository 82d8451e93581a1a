"""What does connecting deliberation to 参与率 cost the dashboard? With one participation
source the dashboard asks the appeals' provider for a count (an index range per
period); with two it must take the union of every source's (resident, path) acts, so
each resident counts once. This times `kpi_figures` for the whole city and for one
community, month and year, with participation from appeals only and from appeals +
deliberation, on a city built by bench/gen_city.py plus deliberation acts written here
(one per resident for --share of the residents, on random days of the past year).

    .venv/bin/python bench/gen_city.py --reset --appeals 200000 --residents 20000   # with BENCH_DATABASE_URL
    BENCH_DATABASE_URL=sqlite:////tmp/jiaoliuba-bench-delib.sqlite3 .venv/bin/python bench/deliberation_participation.py

Flags: --repeat N (10), --share F (0.3)."""

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
ARGS = parser.parse_args()
os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:////tmp/jiaoliuba-bench-delib.sqlite3")
os.environ.setdefault("DEBUG", "0")

from _setup import setup  # noqa: E402

URL = setup()

from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402

from jiaoliuba.accounts.models import ResidentProfile  # noqa: E402
from jiaoliuba.core import clock  # noqa: E402
from jiaoliuba.dashboards import selectors, services  # noqa: E402
from jiaoliuba.dashboards.choices import PeriodKind  # noqa: E402
from jiaoliuba.dashboards.models import AppealFact  # noqa: E402
from jiaoliuba.dashboards.periods import period_containing  # noqa: E402
from jiaoliuba.deliberation.models import ParticipationAct  # noqa: E402
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


def main() -> None:
    services.rollups_sync()
    acts = write_acts()
    city = Region.objects.get(code=CITY)
    community = Region.objects.filter(level="community", path__startswith=city.path).first()
    today = clock.local_now().date()
    print(
        f"database {URL.split('://')[0]}: {AppealFact.objects.count():,} appeal facts, "
        f"{ResidentProfile.objects.count():,} residents, {acts:,} deliberation acts"
    )
    appeals_only = {**settings.DASHBOARD_SOURCES["participation"], "deliberation": None}
    both = settings.DASHBOARD_SOURCES["participation"]
    print("| figure | appeals only: median / p95 ms | appeals + deliberation: median / p95 ms |")
    print("|---|---:|---:|")
    for region, name in ((city, "city"), (community, "one community")):
        for kind in (PeriodKind.MONTH, PeriodKind.YEAR):
            period = period_containing(kind, today)
            cells = []
            for sources in (appeals_only, both):
                patched = {**settings.DASHBOARD_SOURCES, "participation": sources}
                with override_settings(DASHBOARD_SOURCES=patched):
                    median, p95 = measure(
                        lambda r=region, p=period: selectors.kpi_figures(region=r, period=p)
                    )
                cells.append(f"{median:,.1f} / {p95:,.1f}")
            print(f"| every KPI, {name}, {kind} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
