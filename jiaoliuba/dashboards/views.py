"""Dashboard pages, exports and the big screen. Thin: params.view_from checks scope and
period, selectors count, presenters format."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from csp.decorators import csp_update
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from jiaoliuba.accounts.decorators import staff_signed_in
from jiaoliuba.accounts.types import HtmxRequest, SignedInRequest
from jiaoliuba.appeals.choices import Category, Priority, Status
from jiaoliuba.core.dbrouting import reads_from_replica
from jiaoliuba.core.errors import ApplicationError, ValidationFailed
from jiaoliuba.dashboards import charts, exports, sections, selectors, sources
from jiaoliuba.dashboards.choices import KPIS, SEED_TABLE_KEYS, PeriodKind
from jiaoliuba.dashboards.finders import PLOTLY_CSP
from jiaoliuba.dashboards.params import View, baseline_from, view_from
from jiaoliuba.dashboards.presenters import figure_row, service_kind_row

# The columns of the by-area tables (overview and monthly report).
CHILD_KEYS = (
    "received",
    "response_rate",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "repeat_rate",
)

Page = Callable[[HtmxRequest, View], HttpResponse]


def dashboard_page(*, fixed: dict[str, str] | None = None) -> Callable[[Page], Callable]:
    """Signed-in GET pages that read a View from the query string (with `fixed`
    parameters forced). Out of scope is a 404; any other refused request renders the
    error page with its status, and nothing is changed. The page (its figures and its
    "数据截至" stamp) is read on the read replica when there is one (core.dbrouting)."""

    def decorate(page: Page) -> Callable:
        @reads_from_replica
        def read(request: SignedInRequest, params: QueryDict) -> HttpResponse:
            return page(request, view_from(request.user, params))

        # Dashboards are for staff: a signed-out visitor belongs on the staff sign-in.
        @csp_update(PLOTLY_CSP)  # the few fixed styles plotly.js writes (finders.py)
        @staff_signed_in
        @require_GET
        @wraps(page)
        def wrapper(request: SignedInRequest) -> HttpResponse:
            params = request.GET.copy()
            for key, value in (fixed or {}).items():
                params[key] = value
            try:
                return read(request, params)
            except ApplicationError as error:
                if error.status == 404:
                    raise Http404(str(error)) from error
                return render(
                    request, "dashboards/error.html", {"error": error}, status=error.status
                )

        return wrapper

    return decorate


def _base(request: HttpRequest, view: View) -> dict:
    return {
        "view": view,
        "crumbs": selectors.breadcrumbs(user=request.user, region=view.region),
        "period_kinds": PeriodKind.choices,
        "categories": Category.choices,
    }


def _activity_charts(view: View) -> dict:
    return {
        "trend": charts.trend_chart(selectors.trend(region=view.region, period=view.period)),
        "categories": charts.category_chart(
            selectors.category_breakdown(region=view.region, period=view.period)
        ),
    }


@dashboard_page()
def overview(request: HttpRequest, view: View) -> HttpResponse:
    figures = selectors.kpi_figures(region=view.region, period=view.period, category=view.category)
    context = _base(request, view) | {
        "rows": [figure_row(f) for f in figures.values()],
        "children": selectors.children_figures(region=view.region, period=view.period),
        "child_keys": CHILD_KEYS,
        "missing_sources": selectors.missing_sources(),
        "overdue": selectors.overdue_appeals(region=view.region, limit=20),
        "charts": _activity_charts(view),
        "sections": sections.section_tables(region=view.region, period=view.period),
        "panels": sources.panels(view.region.path, view.period.start, view.period.end),
        # Services have kinds, not appeal categories: shown without a category filter.
        "service_kinds": []
        if view.category
        else [
            service_kind_row(r)
            for r in selectors.service_kind_figures(region=view.region, period=view.period)
        ],
    }
    return render(request, "dashboards/overview.html", context)


@dashboard_page()
def ranking(request: HttpRequest, view: View) -> HttpResponse:
    rows = selectors.community_ranking(region=view.region, period=view.period)
    weights = selectors.ranking_weights()
    weighted = [spec for spec in KPIS if weights.get(spec.key)]
    context = _base(request, view) | {
        "ranking": rows,
        "weights": [(spec.label, weights[spec.key]) for spec in weighted],
        "weight_keys": [spec.key for spec in weighted],
        "charts": {"heat": charts.heat_chart(selectors.heat_grid(rows=rows))},
    }
    return render(request, "dashboards/ranking.html", context)


@dashboard_page()
def compare(request: HttpRequest, view: View) -> HttpResponse:
    baseline = baseline_from(request.GET, view.period)
    figures = selectors.kpi_compare(region=view.region, baseline=baseline, current=view.period)
    # The seed's six figures first, in its order; the rest after.
    order = {key: i for i, key in enumerate(SEED_TABLE_KEYS)}
    seed_first = sorted(figures.values(), key=lambda f: order.get(f.key, len(order)))
    context = _base(request, view) | {
        "baseline": baseline,
        "rows": [figure_row(f) for f in seed_first],
    }
    return render(request, "dashboards/compare.html", context)


@dashboard_page()
def screen(request: HtmxRequest, view: View) -> HttpResponse:
    """数据大屏: full screen, dark, refreshes its figures every minute by itself."""
    figures = selectors.kpi_figures(region=view.region, period=view.period)
    context = _base(request, view) | {
        "rows": [figure_row(f) for f in figures.values()],
        "overdue": selectors.overdue_appeals(region=view.region, limit=12),
        "charts": _activity_charts(view),
    }
    template = "dashboards/_screen_body.html" if request.htmx else "dashboards/screen.html"
    return render(request, template, context)


@dashboard_page(fixed={"period": PeriodKind.MONTH})
def report(request: HttpRequest, view: View) -> HttpResponse:
    """The printable monthly report: the month's figures against the month before, by
    area, the ranking and the overdue list, laid out for A4 by the print stylesheet."""
    figures = selectors.kpi_figures(region=view.region, period=view.period)
    context = _base(request, view) | {
        "rows": [figure_row(f) for f in figures.values()],
        "children": selectors.children_figures(region=view.region, period=view.period),
        "child_keys": CHILD_KEYS,
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


@dashboard_page()
def export_kpis(request: HttpRequest, view: View) -> HttpResponse:
    figures = selectors.kpi_figures(region=view.region, period=view.period, category=view.category)
    content = exports.kpi_workbook(
        region=view.region,
        period_label=view.period.label(),
        previous_label=view.period.previous().label(),
        figures=figures,
        children=selectors.children_figures(region=view.region, period=view.period),
        as_of_label=view.as_of_text,
    )
    return _xlsx(content, f"kpis-{view.region.code}-{view.period.start}.xlsx")


@dashboard_page()
def export_appeals(request: HttpRequest, view: View) -> HttpResponse:
    status, priority = request.GET.get("status") or None, request.GET.get("priority") or None
    if (status and status not in Status.values) or (priority and priority not in Priority.values):
        raise ValidationFailed(_("Unknown status or priority."), code="invalid_filter")
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
