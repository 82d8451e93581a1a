"""Periods are ranges of local (Asia/Shanghai) dates, both ends included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import ValidationFailed, lazy_format
from jiaoliuba.dashboards.choices import PeriodKind

MAX_CUSTOM_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date
    # A calendar unit counted from its start to `end` only: the unit still running (to
    # today), or the same days of an earlier unit, so that a partial month is compared
    # with the same days of the month before and not with a whole month.
    to_date: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def calendar_unit(self) -> str | None:
        """ "week", "month", "quarter" or "year" when the period is exactly one."""
        if self.to_date:
            return None
        if self.kind in (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
            return str(self.kind)
        return None

    def previous(self) -> Period:
        """The period just before: the previous calendar unit, or for a custom range
        the same number of days before it."""
        day_before = self.start - dt.timedelta(days=1)
        if self.to_date:
            unit = period_containing(self.kind, day_before)
            end = min(unit.start + (self.end - self.start), unit.end)
            return Period(self.kind, unit.start, end, to_date=True)
        if self.kind == PeriodKind.CUSTOM or self.kind == PeriodKind.DAY:
            return Period(self.kind, self.start - dt.timedelta(days=self.days), day_before)
        return period_containing(self.kind, day_before)

    def label(self) -> str:
        if self.to_date:
            return f"{self.unit_label()} ({self.start:%m-%d} ~ {self.end:%m-%d})"
        return self.unit_label()

    def unit_label(self) -> str:
        if self.kind == PeriodKind.DAY:
            return self.start.isoformat()
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()} ~ {self.end.isoformat()}"

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label(),
            "to_date": self.to_date,
        }


def period_containing(kind: str, day: dt.date) -> Period:
    if kind == PeriodKind.DAY:
        return Period(kind, day, day)
    if kind == PeriodKind.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return Period(kind, monday, monday + dt.timedelta(days=6))
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
        return Period(kind, start, _next_month(start) - dt.timedelta(days=1))
    if kind == PeriodKind.QUARTER:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        end = _next_month(_next_month(_next_month(start))) - dt.timedelta(days=1)
        return Period(kind, start, end)
    if kind == PeriodKind.YEAR:
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    raise ValidationFailed(_("Unknown period."), code="invalid_period")


def _next_month(first: dt.date) -> dt.date:
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            lazy_format(_("%(field)s is not a date (YYYY-MM-DD)."), {"field": field}),
            code="invalid_date",
        ) from None


def parse_period(kind: str | None, start: str | None, end: str | None, *, today: dt.date) -> Period:
    """From query parameters: `kind` with an optional `start` (any day inside the
    period; today by default), or kind=custom with `start` and `end`."""
    kind = kind or PeriodKind.MONTH
    if kind not in PeriodKind.values:
        raise ValidationFailed(_("Unknown period."), code="invalid_period")
    first = _date(start, "start")
    if kind != PeriodKind.CUSTOM:
        period = period_containing(kind, first or today)
        if period.start <= today < period.end:
            # Still running: count to today, and compare with the same days before.
            return Period(kind, period.start, today, to_date=True)
        return period
    last = _date(end, "end")
    if first is None or last is None:
        raise ValidationFailed(
            _("A custom period needs a start and an end date."), code="invalid_period"
        )
    if last < first:
        raise ValidationFailed(_("The end date is before the start date."), code="invalid_period")
    if (last - first).days + 1 > MAX_CUSTOM_DAYS:
        raise ValidationFailed(
            _("A custom period may span at most three years."), code="invalid_period"
        )
    return Period(kind, first, last)
