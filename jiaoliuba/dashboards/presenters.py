"""Figures as the three surfaces show them. One formatter, so a number reads the same on
the page, in the Excel file and on the big screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiaoliuba.core import clock
from jiaoliuba.dashboards.choices import KPI_BY_KEY, Unit
from jiaoliuba.dashboards.kpis import Figure

DASH = "—"


def as_of_text(as_of: dt.datetime | None) -> str:
    """数据截至 HH:MM:SS (local time), with the date when it is not today."""
    if as_of is None:
        return _("Data not compiled yet")
    local = timezone.localtime(as_of)
    shown = local.strftime("%H:%M:%S")
    if local.date() != clock.local_now().date():
        shown = local.strftime("%Y-%m-%d %H:%M:%S")
    return _("Data as of %(time)s") % {"time": shown}


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return DASH
    if unit == Unit.RATE:
        return f"{value * 100:.1f}%"
    if unit == Unit.HOURS:
        return _("%(hours).1f h") % {"hours": value}
    return f"{int(value):,}"


def fmt_change(figure: Figure) -> str:
    """Relative change in percent (as the seed's table), and points for rates."""
    parts = []
    if figure.change_percent is not None:
        parts.append(f"{figure.change_percent:+.1f}%")
    if figure.change_points is not None:
        parts.append(_("%(points)+.1f pts") % {"points": figure.change_points})
    return " / ".join(parts) if parts else DASH


def trend_class(figure: Figure) -> str:
    """'good' or 'bad' for colouring the change; '' when there is none."""
    delta = None
    if figure.value is not None and figure.previous is not None:
        delta = figure.value - figure.previous
    if not delta:
        return ""
    better = delta > 0 if KPI_BY_KEY[figure.key].higher_is_better else delta < 0
    return "good" if better else "bad"


def figure_row(figure: Figure) -> dict[str, Any]:
    spec = KPI_BY_KEY[figure.key]
    return {
        "key": figure.key,
        "label": spec.label,
        "definition": spec.definition,
        "value": figure.value,
        "shown": fmt(figure.value, spec.unit),
        "previous_shown": fmt(figure.previous, spec.unit),
        "change_shown": fmt_change(figure),
        "trend": trend_class(figure),
        # "3/6" beside a rate says what it rests on; for counts and hours it would confuse.
        "numerator": figure.numerator if spec.unit == Unit.RATE else None,
        "denominator": figure.denominator if spec.unit == Unit.RATE else None,
        "satisfaction_shown": (
            fmt(figure.extra["satisfaction"], Unit.RATE) if "satisfaction" in figure.extra else None
        ),
    }


def figure_json(figure: Figure) -> dict[str, Any]:
    data = figure.as_dict()
    data["shown"] = fmt(figure.value, data["unit"])
    data["previous_shown"] = fmt(figure.previous, data["unit"])
    return data


def service_kind_row(row: dict[str, Any]) -> dict[str, Any]:
    return row | {
        "precision_shown": fmt(row["precision"], Unit.RATE),
        "satisfaction_shown": fmt(row["satisfaction"], Unit.RATE),
    }
