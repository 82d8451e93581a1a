"""One endpoint per figure, all scoped through params.view_from (region in scope or
404). Query parameters everywhere: region, period (day|week|month|quarter|year|custom),
start, end, category."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Router

from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.core.dbrouting import reads_from_replica
from jiaoliuba.core.errors import NotFound
from jiaoliuba.dashboards import sections, selectors
from jiaoliuba.dashboards.api.schemas import (
    CategoriesOut,
    ChildrenOut,
    CompareOut,
    HeatOut,
    KpiOut,
    KpisOut,
    OverdueOut,
    RankingOut,
    SectionsOut,
    SourcesOut,
    TrendOut,
)
from jiaoliuba.dashboards.choices import KPI_BY_KEY
from jiaoliuba.dashboards.params import View, baseline_from, view_from
from jiaoliuba.dashboards.presenters import figure_json

router = Router(tags=["dashboards"])
# Every handler only reads: on the read replica when there is one (core.dbrouting), the
# figures and data_as_of from one snapshot of it.
router.add_decorator(reads_from_replica, mode="operation")


def _head(view: View) -> dict[str, Any]:
    return {
        "region": {
            "id": view.region.pk,
            "code": view.region.code,
            "name": view.region.name,
            "level": view.region.level,
        },
        "period": view.period.as_dict(),
        "previous_period": view.period.previous().as_dict(),
        "category": view.category,
        "data_as_of": view.as_of,
        "data_as_of_shown": view.as_of_text,
    }


def _view(request: ApiRequest) -> View:
    return view_from(request.auth, request.GET)


@router.get("/dashboards/kpis", response=KpisOut)
def kpis(request: ApiRequest):
    """Every KPI of the region for the period, with the previous period and the change.
    A value of null is shown as "—": nothing to divide by, or a module not installed."""
    view = _view(request)
    figures = selectors.kpi_figures(region=view.region, period=view.period, category=view.category)
    return {**_head(view), "figures": [figure_json(f) for f in figures.values()]}


@router.get("/dashboards/kpis/{key}", response=KpiOut)
def kpi(request: ApiRequest, key: str):
    """One KPI (see /dashboards/kpis for the keys)."""
    if key not in KPI_BY_KEY:
        raise NotFound(_("No such figure."), code="figure_not_found")
    view = _view(request)
    figures = selectors.kpi_figures(region=view.region, period=view.period, category=view.category)
    return {**_head(view), "figure": figure_json(figures[key])}


def _rows(rows: list[selectors.NodeRow]) -> list[dict[str, Any]]:
    return [
        {
            "region": {"id": row.region.pk, "code": row.region.code, "name": row.region.name},
            "score": row.score,
            "rank": row.rank,
            "figures": {key: figure.value for key, figure in row.figures.items()},
        }
        for row in rows
    ]


@router.get("/dashboards/children", response=ChildrenOut)
def children(request: ApiRequest):
    """Drill-down: the figures of each child of the region."""
    view = _view(request)
    return {
        **_head(view),
        "children": _rows(selectors.children_figures(region=view.region, period=view.period)),
    }


@router.get("/dashboards/ranking", response=RankingOut)
def ranking(request: ApiRequest):
    """考核排名 of the communities in the region by the weighted score (0–100)."""
    view = _view(request)
    return {
        **_head(view),
        "weights": selectors.ranking_weights(),
        "communities": _rows(selectors.community_ranking(region=view.region, period=view.period)),
    }


@router.get("/dashboards/compare", response=CompareOut)
def compare(request: ApiRequest):
    """Baseline against now: `baseline_start`/`baseline_end` (default: a year earlier)
    against the period; change in percent as the seed's table shows it."""
    view = _view(request)
    baseline = baseline_from(request.GET, view.period)
    figures = selectors.kpi_compare(region=view.region, baseline=baseline, current=view.period)
    return {
        **_head(view),
        "baseline": baseline.as_dict(),
        "figures": [figure_json(f) for f in figures.values()],
    }


@router.get("/dashboards/trend", response=TrendOut)
def trend(request: ApiRequest):
    view = _view(request)
    return {**_head(view), "series": selectors.trend(region=view.region, period=view.period)}


@router.get("/dashboards/categories", response=CategoriesOut)
def categories(request: ApiRequest):
    view = _view(request)
    return {
        **_head(view),
        "categories": selectors.category_breakdown(region=view.region, period=view.period),
    }


@router.get("/dashboards/heat", response=HeatOut)
def heat(request: ApiRequest):
    view = _view(request)
    return {
        **_head(view),
        **selectors.heat_grid(
            rows=selectors.community_ranking(region=view.region, period=view.period)
        ),
    }


@router.get("/dashboards/overdue", response=OverdueOut)
def overdue(request: ApiRequest):
    """Open appeals past their deadline in the region, most overdue first."""
    view = _view(request)
    return {
        **_head(view),
        "appeals": [
            {
                "id": a.pk,
                "number": a.number,
                "priority": a.priority,
                "category": a.category,
                "status": a.status,
                "community": a.community.name,
                "due_at": a.current_due_at,
            }
            for a in selectors.overdue_appeals(region=view.region)
        ],
    }


@router.get("/dashboards/sources", response=SourcesOut)
def figure_sources(request: ApiRequest):
    """Which modules feed the module-fed figures; unconnected ones show "—"."""
    view = _view(request)
    return {
        **_head(view),
        "sources": [
            {"figure": s.figure, "source": s.key, "label": str(s.label), "connected": s.connected}
            for s in selectors.participation_sources()
        ],
    }


@router.get("/dashboards/sections", response=SectionsOut)
def module_sections(request: ApiRequest):
    """Sections fed by other modules (议事: topics, meetings, resolutions, milestones) for
    the region and period, with the period before and each child area. Not split by
    category."""
    view = _view(request)
    tables = sections.section_tables(region=view.region, period=view.period)
    return {**_head(view), "sections": [table.as_dict() for table in tables]}
