"""Dashboard pages, exports and the big screen. Thin: params.view_from checks scope and
period, selectors count, presenters format."""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from jiaoliuba.appeals.choices import Category, Priority, Status
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.dashboards import charts, exports, selectors
from jiaoliuba.dashboards.choices import KPIS, SEED_TABLE_KEYS, PeriodKind
from jiaoliuba.dashboards.params import View, baseline_from, view_from
from jiaoliuba.dashboards.presenters import figure_row

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _view_or_error(request: HttpRequest):
    try:
        return view_from(request.user, request.GET), None
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(str(error)) from error
        return None, error


def _base(request: HttpRequest, view: View) -> dict:
    return {
        "view": view,
        "roots": selectors.dashboard_roots(request.user),
        "crumbs": selectors.breadcrumbs(user=request.user, region=view.region),
        "period_kinds": PeriodKind.choices,
        "categories": Category.choices,
        "plotly_version": plotly.__version__,
    }


def _error_page(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(request, "dashboards/error.html", {"error": error}, status=error.status)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    view, error = _view_or_error(request)
    if error:
        return _error_page(request, error)
    figures = selectors.kpi_figures(region=view.region, period=view.period, category=view.category)
    children = selectors.children_figures(region=view.region, period=view.period)
    context = _base(request, view) | {
        "rows": [figure_row(f) for f in figures.values()],
        "children": children,
        "child_keys": [
            "received",
            "response_rate",
            "on_time_rate",
            "resolution_rate",
            "satisfaction_rate",
            "repeat_rate",
        ],
        "missing_sources": selectors.missing_sources(),
        "overdue": selectors.overdue_appeals(region=view.region, limit=20),
        "charts": {
            "trend": charts.trend_chart(selectors.trend(region=view.region, period=view.period)),
            "categories": charts.category_chart(
                selectors.category_breakdown(region=view.region, period=view.period)
            ),
        },
    }
    return render(request, "dashboards/overview.html", context)


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    view, error = _view_or_error(request)
    if error:
        return _error_page(request, error)
    rows = selectors.community_ranking(region=view.region, period=view.period)
    heat = selectors.heat_grid(rows=rows)
    weights = selectors.ranking_weights()
    context = _base(request, view) | {
        "ranking": rows,
        "weights": [(spec.label, weights[spec.key]) for spec in KPIS if weights.get(spec.key)],
        "weight_keys": [spec.key for spec in KPIS if weights.get(spec.key)],
        "charts": {"heat": charts.heat_chart(heat)},
    }
    return render(request, "dashboards/ranking.html", context)


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    view, error = _view_or_error(request)
    if error:
        return _error_page(request, error)
    try:
        baseline = baseline_from(request.GET, view.period)
    except ApplicationError as exc:
        return _error_page(request, exc)
    figures = selectors.kpi_compare(region=view.region, baseline=baseline, current=view.period)
    seed_first = sorted(
        figures.values(),
        key=lambda f: (
            f.key not in SEED_TABLE_KEYS,
            SEED_TABLE_KEYS.index(f.key) if f.key in SEED_TABLE_KEYS else 0,
        ),
    )
    context = _base(request, view) | {
        "baseline": baseline,
        "rows": [figure_row(f) for f in seed_first],
    }
    return render(request, "dashboards/compare.html", context)


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """数据大屏: full screen, dark, refreshes its figures every minute by itself."""
    view, error = _view_or_error(request)
    if error:
        return _error_page(request, error)
    figures = selectors.kpi_figures(region=view.region, period=view.period)
    context = _base(request, view) | {
        "rows": [figure_row(f) for f in figures.values()],
        "overdue": selectors.overdue_appeals(region=view.region, limit=12),
        "charts": {
            "trend": charts.trend_chart(selectors.trend(region=view.region, period=view.period)),
            "categories": charts.category_chart(
                selectors.category_breakdown(region=view.region, period=view.period)
            ),
        },
    }
    template = "dashboards/_screen_body.html" if request.htmx else "dashboards/screen.html"
    return render(request, template, context)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The printable monthly report: the month's figures against the month before, by
    area, the ranking and the overdue list, laid out for A4 by the print stylesheet."""
    params = request.GET.copy()
    params["period"] = PeriodKind.MONTH
    try:
        view = view_from(request.user, params)
    except ApplicationError as error:
        if error.status == 404:
            raise Http404(str(error)) from error
        return _error_page(request, error)
    figures = selectors.kpi_figures(region=view.region, period=view.period)
    context = _base(request, view) | {
        "rows": [figure_row(f) for f in figures.values()],
        "children": selectors.children_figures(region=view.region, period=view.period),
        "child_keys": [
            "received",
            "response_rate",
            "on_time_rate",
            "resolution_rate",
            "satisfaction_rate",
            "repeat_rate",
        ],
        "ranking": selectors.community_ranking(region=view.region, period=view.period)[:10],
        "categories": selectors.category_breakdown(region=view.region, period=view.period),
        "overdue": selectors.overdue_appeals(region=view.region, limit=30),
    }
    return render(request, "dashboards/report.html", context)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def export_kpis(request: HttpRequest) -> HttpResponse:
    view, error = _view_or_error(request)
    if error:
        return _error_page(request, error)
    figures = selectors.kpi_figures(region=view.region, period=view.period, category=view.category)
    content = exports.kpi_workbook(
        region=view.region,
        period_label=view.period.label(),
        previous_label=view.period.previous().label(),
        figures=figures,
        children=selectors.children_figures(region=view.region, period=view.period),
    )
    return _xlsx(content, f"kpis-{view.region.code}-{view.period.start}.xlsx")


@login_required
@require_GET
def export_appeals(request: HttpRequest) -> HttpResponse:
    view, error = _view_or_error(request)
    if error:
        return _error_page(request, error)
    status, priority = request.GET.get("status") or None, request.GET.get("priority") or None
    if (status and status not in Status.values) or (priority and priority not in Priority.values):
        return _error_page(
            request, ApplicationError(_("Unknown status or priority."), code="invalid_filter")
        )
    appeals = selectors.appeals_for_export(
        region=view.region,
        period=view.period,
        status=status,
        category=view.category,
        priority=priority,
    )
    return _xlsx(
        exports.appeal_workbook(appeals), f"appeals-{view.region.code}-{view.period.start}.xlsx"
    )


@require_GET
@cache_control(max_age=365 * 24 * 3600, public=True, immutable=True)
def plotly_js(request: HttpRequest) -> FileResponse:
    """plotly.js from the installed plotly package: nothing fetched from a CDN, nothing
    vendored into the repository. The URL carries the version, so it caches for a year."""
    return FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript")
