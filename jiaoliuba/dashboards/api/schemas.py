"""The dashboards' API contract (it appears in /api/v1/openapi.json). A null value is a
figure with nothing to measure, shown as "—"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class DashboardRegion(Schema):
    """The region a figure is about; its id is what the dashboards' `region` filter takes."""

    id: int
    code: str
    name: str
    level: str | None = None


class PeriodOut(Schema):
    kind: str
    start: str
    end: str
    label: str
    # True while the unit is still running (counted to `end`, today) and for the same
    # days of the unit it is compared with.
    to_date: bool = False


class Head(Schema):
    region: DashboardRegion
    period: PeriodOut
    previous_period: PeriodOut
    category: str | None
    # The figures count every appeal event committed before this moment (the worker
    # catches up every few seconds); null before the first catch-up.
    data_as_of: dt.datetime | None = None
    data_as_of_shown: str = ""


class FigureOut(Schema):
    key: str
    label: str
    unit: str
    higher_is_better: bool
    value: float | None
    previous: float | None
    change_percent: float | None
    change_points: float | None
    numerator: float | None
    denominator: float | None
    shown: str
    previous_shown: str
    extra: dict[str, Any]


class KpisOut(Head):
    figures: list[FigureOut]


class KpiOut(Head):
    figure: FigureOut


class NodeOut(Schema):
    region: DashboardRegion
    score: float | None
    rank: int | None
    figures: dict[str, float | None]


class ChildrenOut(Head):
    children: list[NodeOut]


class RankingOut(Head):
    weights: dict[str, float]
    communities: list[NodeOut]


class CompareOut(Head):
    baseline: PeriodOut
    figures: list[FigureOut]


class TrendPoint(Schema):
    bucket: str
    received: int
    resolved: int
    satisfaction_rate: float | None


class TrendOut(Head):
    series: list[TrendPoint]


class CategoryRow(Schema):
    category: str
    label: str
    valid: int
    red: int
    yellow: int
    blue: int
    resolved: int


class CategoriesOut(Head):
    categories: list[CategoryRow]


class HeatKpi(Schema):
    key: str
    label: str
    higher_is_better: bool


class HeatRow(Schema):
    id: int
    name: str
    values: list[float | None]


class HeatOut(Head):
    kpis: list[HeatKpi]
    communities: list[HeatRow]


class OverdueRow(Schema):
    id: int
    number: str | None
    priority: str
    category: str
    status: str
    community: str
    due_at: dt.datetime | None


class OverdueOut(Head):
    appeals: list[OverdueRow]


class SourceRow(Schema):
    figure: str
    source: str
    label: str
    connected: bool


class SourcesOut(Head):
    sources: list[SourceRow]


class SectionLineOut(Schema):
    key: str
    label: str
    group: str
    unit: str
    value: float | None
    previous: float | None
    numerator: int | None
    denominator: int | None
    change_percent: float | None
    change_points: float | None
    shown: str
    previous_shown: str


class SectionAreaOut(Schema):
    region: DashboardRegion
    values: dict[str, float | None]


class SectionOut(Schema):
    key: str
    title: str
    lines: list[SectionLineOut]
    areas: list[SectionAreaOut]


class SectionsOut(Head):
    sections: list[SectionOut]
