"""Reads for the dashboards, the exports and the API: one set of functions, so the three
show the same numbers. Every entry point starts from `access_region`, which keeps the
user inside the subtrees their roles cover."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.accounts.selectors import user_scope_paths
from jiaoliuba.accounts.types import Viewer
from jiaoliuba.appeals.choices import OPEN_STATUSES, Category
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import clock
from jiaoliuba.core.errors import NotFound
from jiaoliuba.dashboards import sources
from jiaoliuba.dashboards.choices import KPI_BY_KEY, KPIS, Unit
from jiaoliuba.dashboards.kpis import Figure, Inputs, compute, empty_sums, score, with_previous
from jiaoliuba.dashboards.models import (
    BAND_COUNTERS,
    COUNTERS,
    MONTH_LEVELS,
    RESPONSE_BAND_BOUNDS,
    AppealFact,
    MonthRollup,
    ProjectionState,
    RankingWeight,
    Rollup,
)
from jiaoliuba.dashboards.periods import Period
from jiaoliuba.dashboards.projection import STATE
from jiaoliuba.regions.choices import LEVEL_ORDER, SEGMENT, RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.models.region import subtree_q

# --- scope ------------------------------------------------------------------------


def access_region(*, user: Viewer, region_id: int | None) -> Region:
    """The region if it lies inside the user's scope (the user's first scope root when
    none is asked for); 404 otherwise, as for any object out of scope."""
    roots = user_scope_paths(user)
    if not roots:
        raise NotFound(_("No such region."), code="region_not_found")
    if region_id is None:
        return Region.objects.get(path=roots[0])
    region = Region.objects.filter(pk=region_id).first()
    if region is None or not any(region.path.startswith(root) for root in roots):
        raise NotFound(_("No such region."), code="region_not_found")
    return region


def breadcrumbs(*, user: Viewer, region: Region) -> list[Region]:
    """The path from the user's scope root down to the region, for drill-up links."""
    roots = user_scope_paths(user)
    root = next(r for r in roots if region.path.startswith(r))
    paths = [region.path[:end] for end in range(len(root), len(region.path) + 1, SEGMENT)]
    return list(Region.objects.filter(path__in=paths).order_by("path"))


# --- counting ---------------------------------------------------------------------


def _local_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _in_period(period: Period) -> Q:
    return Q(day__gte=period.start, day__lte=period.end)


def _grains(period: Period, level: int) -> list[tuple[QuerySet, Q]]:
    """Rollup rows that cover the period once: month rows for the whole calendar months
    inside it, day rows for the ragged days before and after them (and day rows only below
    MONTH_LEVELS, or when no whole month fits). A year is 12 month rows per node and
    category instead of 365 day rows."""
    everything = [(Rollup.objects.all(), _in_period(period))]
    if level > MONTH_LEVELS:
        return everything
    first = period.start if period.start.day == 1 else _month_after(period.start)
    following = period.end + dt.timedelta(days=1)
    after = following if following.day == 1 else period.end.replace(day=1)
    if first >= after:
        return everything
    grains: list[tuple[QuerySet, Q]] = [
        (MonthRollup.objects.all(), Q(day__gte=first, day__lt=after))
    ]
    edges = Q()
    if period.start < first:
        edges |= Q(day__gte=period.start, day__lt=first)
    if after <= period.end:
        edges |= Q(day__gte=after, day__lte=period.end)
    if edges:
        grains.append((Rollup.objects.all(), edges))
    return grains


def _month_after(day: dt.date) -> dt.date:
    """The first day of the month after the one holding `day`."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _grouped(queryset: QuerySet, field: str, width: int, **aggregates: Any) -> QuerySet:
    return (
        queryset.annotate(node=Substr(field, 1, width))
        .values("node")
        .annotate(**aggregates)
        .order_by()
    )


def _kth_response(
    path: str, period: Period, category: str | None, bands: list[int], k: int
) -> int | None:
    """The k-th smallest (0-based) response time in the scope and period. The rollups'
    band counts say which band holds it and how many come before, so only that band's
    facts are read, through the (response_time, day, path) index."""
    below, band = 0, 0
    while k >= below + bands[band]:
        below += bands[band]
        band += 1
    low = RESPONSE_BAND_BOUNDS[band - 1] if band else 0
    facts = AppealFact.objects.filter(subtree_q(path), _in_period(period), response_time__gte=low)
    if band < len(RESPONSE_BAND_BOUNDS):
        facts = facts.filter(response_time__lt=RESPONSE_BAND_BOUNDS[band])
    if category:
        facts = facts.filter(category=category)
    ordered = facts.order_by("response_time").values_list("response_time", flat=True)
    found = list(ordered[k - below : k - below + 1])
    if not found:
        # The projection committed between reading the counts and reading the band:
        # fall back to ranking every response of the period.
        everything = AppealFact.objects.filter(
            subtree_q(path), _in_period(period), response_time__isnull=False
        )
        if category:
            everything = everything.filter(category=category)
        ranked = everything.order_by("response_time").values_list("response_time", flat=True)
        found = list(ranked[k : k + 1]) or list(ranked.reverse()[:1])
    return int(found[0] or 0) if found else None


def median_response_seconds(
    path: str, period: Period, category: str | None, sums: dict[str, int]
) -> float | None:
    """Exact median of the response times: the middle one, or the mean of the two."""
    bands = [sums[name] for name in BAND_COUNTERS]
    count = sum(bands)
    if not count:
        return None
    middle = {(count - 1) // 2, count // 2}
    values = [_kth_response(path, period, category, bands, k) for k in sorted(middle)]
    if any(value is None for value in values):
        return None
    return sum(v for v in values if v is not None) / len(values)


def node_inputs(
    *,
    within: str,
    level: int,
    period: Period,
    nodes: list[str],
    category: str | None = None,
    median: bool = False,
) -> dict[str, Inputs]:
    """Inputs for each of `nodes` (paths of `level` inside `within`), from a handful of
    grouped queries whatever the number of nodes. With level = the depth of `within`
    and nodes = [within] this is that one node."""
    width = level * SEGMENT
    result: dict[str, Inputs] = {node: Inputs(sums=empty_sums()) for node in nodes}

    def inputs(node: str) -> Inputs:
        return result.get(node) or Inputs(sums=empty_sums())  # outside `nodes`: dropped

    for rows, days in _grains(period, level):
        rollups = rows.filter(subtree_q(within), days, level=level)
        if category:
            rollups = rollups.filter(category=category)
        for row in rollups.values("path").annotate(**{c: Sum(c) for c in COUNTERS}).order_by():
            sums = inputs(row["path"]).sums
            for c in COUNTERS:
                sums[c] += row[c] or 0

    now = clock.now()
    facts = AppealFact.objects.filter(subtree_q(within), _in_period(period), valid=1)
    if category:
        facts = facts.filter(category=category)
    for row in _grouped(
        facts.filter(resolved=0, resolution_due_original_at__lt=now), "path", width, n=Count("*")
    ):
        inputs(row["node"]).resolution_overdue_open = row["n"]
    for row in _grouped(
        facts.filter(responded=0, response_due_at__lt=now), "path", width, n=Count("*")
    ):
        inputs(row["node"]).response_overdue_open = row["n"]

    _, end = _local_bounds(period)
    residents = ResidentProfile.objects.filter(subtree_q(within, field="region_path"))
    if end <= now:  # a period still running counts everyone registered so far
        residents = residents.filter(created_at__lt=end)
    if width == len(within):  # the subtree itself: a plain count over the index range
        inputs(within).residents = residents.count()
    else:
        # Grouped by the residents' own paths, in the order the (region_path, created_at)
        # index already holds them, then added up per node here: a few thousand rows
        # instead of sorting every resident of the subtree by a substring.
        grouped = residents.values("region_path").annotate(n=Count("*")).order_by()
        for path, count in grouped.values_list("region_path", "n"):
            if len(path) >= width:
                inputs(path[:width]).residents += count

    # Figures fed by other modules; a category means nothing to them.
    participants = None
    if category is None:
        participants = sources.participants(
            within, width, period.start, period.end, period.calendar_unit
        )
    # One grouped query per connected source for all the nodes, not one per node.
    fed = {
        figure: sources.by_node(figure, within, width, nodes, period.start, period.end)
        if category is None
        else None
        for figure in ("service_precision", "service_satisfaction", "venue_visits")
    }
    for node, item in result.items():
        if participants is not None:
            item.participants = participants.get(node, 0)
        if category is None:
            values = {figure: (found or {}).get(node) for figure, found in fed.items()}
            item.service_precision = values["service_precision"]
            item.service_satisfaction = values["service_satisfaction"]
            item.venue_visits = values["venue_visits"]
        if median:
            item.median_response_seconds = median_response_seconds(
                node, period, category, item.sums
            )
    return result


def _figures(region: Region, period: Period, category: str | None) -> dict[str, Figure]:
    found = node_inputs(
        within=region.path,
        level=region.depth,
        period=period,
        nodes=[region.path],
        category=category,
        median=True,
    )
    return compute(found[region.path])


# --- figures ----------------------------------------------------------------------


def kpi_figures(
    *, region: Region, period: Period, category: str | None = None
) -> dict[str, Figure]:
    """Every KPI of the region for the period, with the previous period and the change."""
    current = _figures(region, period, category)
    return with_previous(current, _figures(region, period.previous(), category))


def kpi_compare(*, region: Region, baseline: Period, current: Period) -> dict[str, Figure]:
    """The seed's before/after table: `previous` holds the baseline."""
    return with_previous(_figures(region, current, None), _figures(region, baseline, None))


@dataclass
class NodeRow:
    region: Region
    figures: dict[str, Figure]
    score: float | None = None
    rank: int | None = None


def children_figures(*, region: Region, period: Period) -> list[NodeRow]:
    """One row per child node (drill-down), children without data included."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    found = node_inputs(
        within=region.path,
        level=region.depth + 1,
        period=period,
        nodes=[child.path for child in children],
    )
    return [NodeRow(child, compute(found[child.path])) for child in children]


def ranking_weights() -> dict[str, float]:
    return {w.kpi: float(w.weight) for w in RankingWeight.objects.all()}


def community_ranking(*, region: Region, period: Period) -> list[NodeRow]:
    """考核排名 of the communities inside the region, best first; communities without a
    score (no activity in the period, or nothing weighted could be measured) come last,
    unranked."""
    communities = list(
        Region.objects.filter(subtree_q(region.path), level=RegionLevel.COMMUNITY).order_by("code")
    )
    found = node_inputs(
        within=region.path,
        level=LEVEL_ORDER.index(RegionLevel.COMMUNITY) + 1,
        period=period,
        nodes=[community.path for community in communities],
    )
    weights = ranking_weights()
    rows = []
    for community in communities:
        figures = compute(found[community.path])
        # A community where nothing happened (no appeal, nobody took part, no mediation)
        # has no score: "—" and last, not a participation rate of 0 read as a score of 0.
        active = (
            figures["received"].value
            or figures["participation_rate"].numerator
            or figures["mediation_success_rate"].denominator
        )
        rows.append(NodeRow(community, figures, score(figures, weights) if active else None))
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.region.code))
    for position, row in enumerate(rows, start=1):
        row.rank = position if row.score is not None else None
    return rows


def heat_grid(*, rows: list[NodeRow]) -> dict[str, Any]:
    """Communities × rates, for the heat grid (no map needed), from the ranking's rows."""
    keys = [spec.key for spec in KPIS if spec.unit == Unit.RATE]
    return {
        "kpis": [
            {
                "key": k,
                "label": str(KPI_BY_KEY[k].label),
                "higher_is_better": KPI_BY_KEY[k].higher_is_better,
            }
            for k in keys
        ],
        "communities": [
            {
                "id": row.region.pk,
                "name": row.region.name,
                "values": [row.figures[k].value for k in keys],
            }
            for row in sorted(rows, key=lambda r: r.region.code)
        ],
    }


def trend(*, region: Region, period: Period) -> list[dict[str, Any]]:
    """Received, resolved and satisfaction per day (per month for periods over 92 days)."""
    monthly = period.days > 92
    # Daily buckets need day rows; monthly ones read whole months from the month rows.
    grains = (
        _grains(period, region.depth) if monthly else [(Rollup.objects.all(), _in_period(period))]
    )
    rows = [
        row
        for model_rows, days in grains
        for row in model_rows.filter(days, path=region.path, level=region.depth)
        .values("day")
        .annotate(
            received=Sum("received"),
            valid=Sum("valid"),
            resolved=Sum("resolved"),
            rated=Sum("rated"),
            good=Sum("rated_satisfied") + Sum("rated_basic"),
        )
        .order_by("day")
    ]
    buckets: dict[str, dict[str, int]] = {}
    day = period.start
    while day <= period.end:
        buckets.setdefault(
            f"{day:%Y-%m}" if monthly else day.isoformat(),
            dict.fromkeys(("received", "valid", "resolved", "rated", "good"), 0),
        )
        day += dt.timedelta(days=1)
    for row in rows:
        bucket = buckets[f"{row['day']:%Y-%m}" if monthly else row["day"].isoformat()]
        for name in bucket:
            bucket[name] += row[name] or 0
    return [
        {
            "bucket": key,
            "received": b["received"],
            "resolved": b["resolved"],
            "satisfaction_rate": b["good"] / b["rated"] if b["rated"] else None,
        }
        for key, b in buckets.items()
    ]


def category_breakdown(*, region: Region, period: Period) -> list[dict[str, Any]]:
    names = ("valid", "red", "yellow", "blue", "resolved")
    sums: dict[str, dict[str, int]] = {}
    for rows, days in _grains(period, region.depth):
        for row in (
            rows.filter(days, path=region.path, level=region.depth)
            .values("category")
            .annotate(**{k: Sum(k) for k in names})
            .order_by()
        ):
            found = sums.setdefault(row["category"], dict.fromkeys(names, 0))
            for k in names:
                found[k] += row[k] or 0
    return [
        {
            "category": value,
            "label": str(label),
            **{k: (sums.get(value) or {}).get(k) or 0 for k in names},
        }
        for value, label in Category.choices
    ]


def overdue_appeals(*, region: Region, limit: int = 50) -> QuerySet[Appeal]:
    """Open appeals past their current deadline, most overdue first."""
    return (
        Appeal.objects.filter(
            subtree_q(region.path, field="region_path"),
            status__in=OPEN_STATUSES,
            current_due_at__lt=clock.now(),
        )
        .select_related("community", "grid", "handling_region", "assignee")
        .order_by("current_due_at")[:limit]
    )


def appeals_for_export(
    *,
    region: Region,
    period: Period,
    status: str | None = None,
    category: str | None = None,
    priority: str | None = None,
) -> QuerySet[Appeal]:
    start, end = _local_bounds(period)
    appeals = Appeal.objects.filter(
        subtree_q(region.path, field="region_path"), received_at__gte=start, received_at__lt=end
    )
    if status:
        appeals = appeals.filter(status=status)
    if category:
        appeals = appeals.filter(category=category)
    if priority:
        appeals = appeals.filter(priority=priority)
    return appeals.select_related("community", "grid", "handling_region").order_by("received_at")


def service_kind_figures(*, region: Region, period: Period) -> list[dict[str, Any]]:
    """服务精准度 and satisfaction with services by kind of service, for the region the
    dashboard view already scoped: rows with both ratios (None for an empty
    denominator, shown "—"); empty when no source is connected or nothing was held."""
    rows = sources.service_kinds(region.path, period.start, period.end) or []
    return [
        row
        | {
            "precision": row["attended"] / row["capacity"] if row["capacity"] else None,
            "satisfaction": row["satisfied"] / row["rated"] if row["rated"] else None,
        }
        for row in rows
    ]


def participation_sources() -> list[sources.Source]:
    return (
        sources.sources("participation")
        + sources.sources("service_precision")
        + sources.sources("venue_visits")
    )


def missing_sources() -> list[Any]:
    """Labels of the modules not connected yet, each once."""
    labels: dict[str, Any] = {}
    for source in participation_sources():
        if not source.connected:
            labels.setdefault(source.key, source.label)
    return list(labels.values())


def data_as_of() -> dt.datetime | None:
    """How far the rollups go: every event committed before this moment is counted."""
    return ProjectionState.objects.filter(name=STATE).values_list("as_of", flat=True).first()
