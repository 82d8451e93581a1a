"""When a venue is open: its weekly hours, less holiday closures (core.workdays, the
admin table first) and its special closures. Pure over rows read once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import workdays
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.venues.models import Closure, OpeningHours, Venue

LOOKAHEAD_DAYS = 31


@dataclass
class DayPlan:
    day: dt.date
    intervals: list[tuple[dt.time, dt.time]] = field(default_factory=list)
    closed_reason: str = ""  # a holiday or special closure

    @property
    def open(self) -> bool:
        return bool(self.intervals) and not self.closed_reason

    @property
    def late(self) -> bool:
        """An evening opening (until 19:00 or later)."""
        return self.open and any(c >= dt.time(19) for _o, c in self.intervals)


@dataclass
class OpeningState:
    open_now: bool
    closes_at: dt.datetime | None = None  # when open now
    next_opens_at: dt.datetime | None = None  # when closed now (None: nothing planned)
    next_closes_at: dt.datetime | None = None
    closed_today: str = ""  # the reason, when today is a closure day


class Plan:
    """The venue's hours and closures, read once, answering for any day."""

    def __init__(self, venue: Venue, start: dt.date, end: dt.date) -> None:
        self.hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for row in OpeningHours.objects.filter(venue=venue).order_by("weekday", "opens"):
            self.hours.setdefault(row.weekday, []).append((row.opens, row.closes))
        self.special = dict(
            Closure.objects.filter(venue=venue, day__gte=start, day__lte=end).values_list(
                "day", "reason"
            )
        )

    def day(self, day: dt.date) -> DayPlan:
        intervals = self.hours.get(day.weekday(), [])
        reason = self.special.get(day, "")
        if not reason and intervals and workdays.is_holiday_closure(day):
            reason = str(_("Public holiday"))
        return DayPlan(day=day, intervals=list(intervals), closed_reason=reason)


def days(venue: Venue, start: dt.date, count: int) -> list[DayPlan]:
    plan = Plan(venue, start, start + dt.timedelta(days=count))
    return [plan.day(start + dt.timedelta(days=i)) for i in range(count)]


def state(venue: Venue, at: dt.datetime) -> OpeningState:
    local = at.astimezone(SHANGHAI)
    today = local.date()
    plan = Plan(venue, today, today + dt.timedelta(days=LOOKAHEAD_DAYS))
    result = OpeningState(open_now=False, closed_today=plan.day(today).closed_reason)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day_plan = plan.day(today + dt.timedelta(days=offset))
        if not day_plan.open:
            continue
        for opens, closes in day_plan.intervals:
            start = dt.datetime.combine(day_plan.day, opens, tzinfo=SHANGHAI)
            end = dt.datetime.combine(day_plan.day, closes, tzinfo=SHANGHAI)
            if start <= local < end:
                result.open_now, result.closes_at = True, end
                return result
            if start > local:
                result.next_opens_at, result.next_closes_at = start, end
                return result
    return result
