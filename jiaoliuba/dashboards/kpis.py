"""From counters to figures. Pure functions: the selectors gather the counters (rollup
sums plus the few live counts), this module divides them. A rate with nothing to divide
by is None, which every surface shows as "—"."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from jiaoliuba.dashboards.choices import KPI_BY_KEY, KPIS, Unit
from jiaoliuba.dashboards.models import COUNTERS


@dataclass
class Inputs:
    """Everything a figure needs for one scope and period."""

    sums: dict[str, int]
    response_overdue_open: int = 0
    resolution_overdue_open: int = 0
    median_response_seconds: float | None = None
    participants: int | None = None
    residents: int = 0
    service_precision: tuple[int, int] | None = None
    service_satisfaction: tuple[int, int] | None = None  # (satisfied, rated)
    venue_visits: int | None = None


@dataclass
class Figure:
    key: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    previous: float | None = None
    change_percent: float | None = None  # relative change, as the seed's table shows it
    change_points: float | None = None  # for rates: percentage points
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        spec = KPI_BY_KEY[self.key]
        data.update(unit=spec.unit, label=str(spec.label), higher_is_better=spec.higher_is_better)
        return data


def empty_sums() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def _ratio(key: str, numerator: float, denominator: float) -> Figure:
    value = numerator / denominator if denominator else None
    return Figure(key, value, numerator, denominator)


def compute(inputs: Inputs) -> dict[str, Figure]:
    s = inputs.sums
    figures: dict[str, Figure] = {}
    figures["received"] = Figure(
        "received",
        s["received"],
        extra={
            "valid": s["valid"],
            "anonymous": s["anonymous"],
            "red": s["red"],
            "yellow": s["yellow"],
            "blue": s["blue"],
        },
    )
    if inputs.participants is None:
        figures["participation_rate"] = Figure("participation_rate", None)
    else:
        figures["participation_rate"] = _ratio(
            "participation_rate", inputs.participants, inputs.residents
        )
    mean = s["response_seconds"] / s["responded"] / 3600 if s["responded"] else None
    figures["response_hours_mean"] = Figure(
        "response_hours_mean", mean, s["response_seconds"] / 3600, s["responded"]
    )
    median = inputs.median_response_seconds
    figures["response_hours_median"] = Figure(
        "response_hours_median", None if median is None else median / 3600, None, s["responded"]
    )
    figures["response_rate"] = _ratio(
        "response_rate",
        s["response_on_time"],
        s["response_on_time"] + s["response_late"] + inputs.response_overdue_open,
    )
    figures["on_time_rate"] = _ratio(
        "on_time_rate",
        s["resolved_on_time"],
        s["resolved_on_time"] + s["resolved_late"] + inputs.resolution_overdue_open,
    )
    figures["resolution_rate"] = _ratio("resolution_rate", s["resolved"], s["valid"])
    figures["mediation_success_rate"] = _ratio(
        "mediation_success_rate", s["mediations_agreed"], s["mediations_concluded"]
    )
    figures["satisfaction_rate"] = _ratio(
        "satisfaction_rate", s["rated_satisfied"] + s["rated_basic"], s["rated"]
    )
    figures["solved_rate"] = _ratio("solved_rate", s["rated_solved"], s["rated"])
    if inputs.service_precision is None:
        figures["service_precision"] = Figure("service_precision", None)
    else:
        figures["service_precision"] = _ratio("service_precision", *inputs.service_precision)
    if inputs.service_satisfaction is not None:
        # Satisfaction with services, shown beside the precision it qualifies.
        good, rated = inputs.service_satisfaction
        figures["service_precision"].extra = {
            "satisfaction": good / rated if rated else None,
            "satisfied": good,
            "rated": rated,
        }
    figures["repeat_rate"] = _ratio("repeat_rate", s["repeat"], s["valid"])
    figures["extension_rate"] = _ratio("extension_rate", s["extended"], s["dispatched"])
    figures["return_rate"] = _ratio("return_rate", s["returned"], s["dispatched"])
    figures["venue_visits"] = Figure("venue_visits", inputs.venue_visits)
    return {spec.key: figures[spec.key] for spec in KPIS}


def with_previous(current: dict[str, Figure], previous: dict[str, Figure]) -> dict[str, Figure]:
    for key, figure in current.items():
        before = previous[key].value
        figure.previous = before
        figure.change_percent, figure.change_points = change(
            before, figure.value, KPI_BY_KEY[key].unit
        )
    return current


def change(
    before: float | None, after: float | None, unit: str
) -> tuple[float | None, float | None]:
    """(relative change in percent, change in percentage points for rates)."""
    if before is None or after is None:
        return None, None
    points = (after - before) * 100 if unit == Unit.RATE else None
    relative = (after - before) / before * 100 if before else None
    return relative, points


def score(figures: dict[str, Figure], weights: dict[str, float]) -> float | None:
    """考核排名 composite: Σ weight × rate (lower-is-better rates turned into 1 − rate)
    over the weighted rates the community has a value for, divided by those weights, so a
    community is not punished for a figure with nothing to measure. 0–100."""
    total = weighted = 0.0
    for key, weight in weights.items():
        value = figures[key].value if key in figures else None
        if value is None or weight <= 0:
            continue
        good = value if KPI_BY_KEY[key].higher_is_better else 1 - value
        total += weight * good
        weighted += weight
    return total / weighted * 100 if weighted else None
