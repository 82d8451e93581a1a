"""The month grain of the rollups: kept equal to the day rows by the live projection and
by the rebuild, and read for the whole months of a period with day rows for its ragged
edges, so every figure is what the day rows alone give, whatever the period."""

import contextlib
import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db.models import Sum

from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.dashboards import selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import COUNTERS, MONTH_LEVELS, MonthRollup, Rollup
from jiaoliuba.dashboards.periods import Period, parse_period, period_containing
from jiaoliuba.dashboards.tests.conftest import local
from jiaoliuba.dashboards.tests.test_figures import snapshot
from jiaoliuba.dashboards.tests.test_projection_random import _step
from jiaoliuba.regions.choices import LEVEL_ORDER, SEGMENT, RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.models.region import subtree_q
from jiaoliuba.testing.fixtures import CITY, JIEFANG

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def walk(at, submit, staff, residents):
    """A random walk through the appeal loop from late October 2026 into 2027, a move
    every day or two, caught up at random moments: appeals in four calendar months and
    two years."""
    rng = random.Random(10)
    moment = local(2026, 10, 27, 8, 0)
    while moment < local(2027, 2, 10, 0, 0):
        moment += dt.timedelta(hours=rng.uniform(2, 40))
        at(*moment.timetuple()[:5])
        with contextlib.suppress(ApplicationError):
            _step(rng, staff, residents, submit)
        if rng.random() < 0.3:
            dashboard_services.rollups_sync()
    dashboard_services.rollups_sync()
    days = {a.received_at.astimezone(local(2026, 1, 1).tzinfo).date() for a in Appeal.objects.all()}
    assert {(d.year, d.month) for d in days} >= {(2026, 11), (2026, 12), (2027, 1)}


def _month_sums_of_day_rows():
    rows: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    for r in Rollup.objects.filter(level__lte=MONTH_LEVELS):
        row = rows[(r.path, r.day.replace(day=1), r.category)]
        for i, c in enumerate(COUNTERS):
            row[i] += getattr(r, c)
    return {key: tuple(row) for key, row in rows.items() if any(row)}


def _month_rows():
    return {
        (r.path, r.day, r.category): tuple(getattr(r, c) for c in COUNTERS)
        for r in MonthRollup.objects.all()
        if any(getattr(r, c) for c in COUNTERS)
    }


def test_month_rows_are_the_sum_of_the_day_rows_live_and_rebuilt(walk):
    live = _month_rows()
    assert live == _month_sums_of_day_rows()
    assert len({key[1] for key in live}) >= 4  # several months, in two years
    assert {key[1].day for key in live} == {1}
    # City to community only: the grids read their day rows.
    assert {len(key[0]) // SEGMENT for key in live} == set(range(1, MONTH_LEVELS + 1))
    assert LEVEL_ORDER.index(RegionLevel.COMMUNITY) + 1 == MONTH_LEVELS
    everything = snapshot()
    dashboard_services.rollups_rebuild()
    assert snapshot() == everything


PERIODS = [
    Period("custom", D(2026, 11, 15), D(2027, 1, 10)),  # mid-month to mid-month, two years
    Period("custom", D(2026, 11, 1), D(2026, 12, 31)),  # whole months only
    Period("custom", D(2026, 10, 31), D(2027, 2, 1)),  # one ragged day at each end
    Period("custom", D(2026, 12, 24), D(2027, 1, 6)),  # across the new year, no whole month
    Period("custom", D(2026, 11, 3), D(2026, 11, 20)),  # inside one month
    Period("custom", D(2026, 12, 1), D(2027, 1, 20)),  # starts on the first, ends ragged
    Period("custom", D(2026, 11, 20), D(2027, 1, 31)),  # starts ragged, ends on the last
    period_containing("month", D(2026, 12, 5)),
    period_containing("quarter", D(2026, 11, 5)),
    period_containing("year", D(2026, 11, 5)),
    period_containing("year", D(2027, 1, 5)),
    parse_period("month", "2027-01-01", None, today=D(2027, 1, 17)),  # running: 1–17 Jan
    parse_period("year", None, None, today=D(2027, 2, 3)),  # running year: Jan + 3 days
]


def _day_row_sums(within, level, period, category=None):
    """The oracle: the day rows of the period, summed per node, nothing else."""
    rows = Rollup.objects.filter(
        subtree_q(within), level=level, day__gte=period.start, day__lte=period.end
    )
    if category:
        rows = rows.filter(category=category)
    found = rows.values("path").annotate(**{c: Sum(c) for c in COUNTERS}).order_by()
    return {row["path"]: {c: row[c] or 0 for c in COUNTERS} for row in found}


def test_every_period_reads_what_the_day_rows_alone_give(walk):
    city = Region.objects.get(code=CITY)
    community = Region.objects.get(code=JIEFANG)
    for period in PERIODS:
        assert any(_day_row_sums(city.path, 1, period).values()), period  # it holds appeals
        for within, level in [
            (city, 1),
            *((city, depth) for depth in range(2, MONTH_LEVELS + 1)),
            (community, MONTH_LEVELS + 1),  # grids: day rows only
        ]:
            for category in (None, "property"):
                expected = _day_row_sums(within.path, level, period, category)
                nodes = sorted(expected) or [within.path[: level * SEGMENT]]
                found = selectors.node_inputs(
                    within=within.path, level=level, period=period, nodes=nodes, category=category
                )
                for node in nodes:
                    want = expected.get(node, dict.fromkeys(COUNTERS, 0))
                    assert found[node].sums == want, (period, level, node, category)


def test_trend_and_categories_read_what_the_day_rows_give(walk):
    city = Region.objects.get(code=CITY)
    for period in PERIODS:
        day_rows = Rollup.objects.filter(path=city.path, day__gte=period.start, day__lte=period.end)
        received: dict[str, int] = defaultdict(int)
        monthly = period.days > 92
        for day, count in day_rows.values_list("day", "received"):
            received[f"{day:%Y-%m}" if monthly else day.isoformat()] += count
        trend = selectors.trend(region=city, period=period)
        assert {row["bucket"]: row["received"] for row in trend if row["received"]} == {
            k: v for k, v in received.items() if v
        }, period
        valid = dict(
            day_rows.values("category").annotate(n=Sum("valid")).values_list("category", "n")
        )
        breakdown = selectors.category_breakdown(region=city, period=period)
        assert {row["category"]: row["valid"] for row in breakdown if row["valid"]} == {
            k: v for k, v in valid.items() if v
        }, period


def test_the_ranking_over_a_year_is_the_ranking_from_day_rows(walk, monkeypatch):
    city = Region.objects.get(code=CITY)
    year = period_containing("year", D(2026, 6, 1))
    with_months = selectors.community_ranking(region=city, period=year)
    monkeypatch.setattr(selectors, "MONTH_LEVELS", 0)  # day rows only
    with_days = selectors.community_ranking(region=city, period=year)

    def table(rows):
        return [
            (r.region.code, r.rank, r.score, {k: f.value for k, f in r.figures.items()})
            for r in rows
        ]

    assert table(with_months) == table(with_days)
    assert any(row.score is not None for row in with_months)
