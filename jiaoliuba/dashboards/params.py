"""What every dashboard request names: a region (in the user's scope), a period and
optionally a category. Pages, exports and the API read their query string here, so a
link copied from one works in the others."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from jiaoliuba.appeals.choices import Category
from jiaoliuba.core import clock
from jiaoliuba.core.errors import ValidationFailed, lazy_format
from jiaoliuba.dashboards import presenters, selectors
from jiaoliuba.dashboards.choices import PeriodKind
from jiaoliuba.dashboards.periods import Period, parse_period, period_containing
from jiaoliuba.regions.models import Region


@dataclass
class View:
    region: Region
    period: Period
    category: str | None
    as_of: dt.datetime | None = None

    @property
    def as_of_text(self) -> str:
        return presenters.as_of_text(self.as_of)

    def query(self, **overrides: Any) -> str:
        params = {
            "region": self.region.pk,
            "period": self.period.kind,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat() if self.period.kind == "custom" else "",
            "category": self.category or "",
        }
        params.update(overrides)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _int(value: str | None, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            lazy_format(_("%(field)s must be a number."), {"field": field}),
            code="invalid_parameter",
        ) from None


def view_from(user: Any, params: Mapping[str, Any]) -> View:
    """Check and read the parameters. Nothing is written: the worker keeps the rollups a
    few seconds behind the events, and the view says how far (`as_of`), so a dashboard
    read never waits on the projection lock and can be served by a read replica."""
    category = params.get("category") or None
    if category and category not in Category.values:
        raise ValidationFailed(_("Unknown category."), code="invalid_category")
    region = selectors.access_region(user=user, region_id=_int(params.get("region"), "region"))
    period = parse_period(
        params.get("period"), params.get("start"), params.get("end"), today=clock.local_now().date()
    )
    return View(region, period, category, selectors.data_as_of())


def baseline_from(params: Mapping[str, Any], current: Period) -> Period:
    """The baseline of a before/after comparison: the same span one year earlier unless
    `baseline_start`/`baseline_end` say otherwise."""
    start, end = params.get("baseline_start"), params.get("baseline_end")
    if start or end:
        return parse_period("custom", start, end, today=current.end)
    if current.calendar_unit or current.kind == PeriodKind.DAY:
        # The same calendar unit a year earlier: all of February, leap year or not.
        return period_containing(current.kind, _year_earlier(current.start))
    return Period(
        current.kind,
        _year_earlier(current.start),
        _year_earlier(current.end),
        to_date=current.to_date,
    )


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
