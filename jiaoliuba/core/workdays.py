"""Working days and deadlines (docs/appeal-loop.md, "分级、派单与时限").

Whether a day is a working day comes from the first of these that knows it:

1. a CalendarDay row kept by administrators (it wins, so a wrong or missing package
   entry can be fixed without a release);
2. the `chinesecalendar` package, for the years it ships (2004–2026 in 1.11.0), which
   include the State Council's 调休 arrangements;
3. the fallback for any other year: weekends off plus the statutory holidays of the
   全国年节及纪念日放假办法 (2024 revision), lunar dates included. The State Council
   announces 调休 and 补假 each year, so the fallback cannot know them, and
   calendar_warnings() tells administrators to enter the year.

Deadlines must never fail because a year is unknown: every year gets an answer.

Each process caches one table per year. A process's own saves clear it at once (model
signals); other processes (the worker beside the web server) notice within
WORKDAYS_CACHE_SECONDS by comparing a cheap version of the calendar tables (row count
and latest updated_at). Change calendar rows with save() or delete(), as the admin
does; a queryset update() must set updated_at too or other processes will not see it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import chinese_calendar
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lunardate import LunarDate

from jiaoliuba.core import clock
from jiaoliuba.core.models import CalendarDay, CalendarYear

logger = logging.getLogger(__name__)

Source = Literal["admin", "package", "fallback"]

SOURCE_LABELS: dict[str, Any] = {
    "admin": _("confirmed by an administrator"),
    "package": _("official schedule shipped with the software"),
    "fallback": _("provisional: weekends and statutory holidays only"),
}

END_OF_DAY = dt.time(23, 59, 59)

# lunardate 0.3.0 stops at lunar year 2099, but deadlines must work through 2100. These
# come from the 1900–2100 table shared by most Chinese calendar libraries: lunar 2100 is
# entry 0x0d520 (no leap month; months 1–8 have 30, 30, 29, 30, 29, 30, 29, 30 days) and
# starts on 2100-02-09, the day after lunardate's last 除夕. A test checks that seam.
_LUNAR_BEYOND_LUNARDATE: dict[int, dict[tuple[int, int], dt.date]] = {
    2100: {
        (1, 1): dt.date(2100, 2, 9),
        (5, 5): dt.date(2100, 6, 12),
        (8, 15): dt.date(2100, 9, 18),
    },
}


# --- The fallback: statutory holidays -------------------------------------------------


def qingming(year: int) -> dt.date:
    """The date of the 清明 solar term, by the 寿星 formula for 2000–2100:
    day of April = [Y × 0.2422 + 4.81] − L, where Y = year − 2000 and L counts the leap
    days since 2000. The usual shorthand L = [Y / 4] is wrong for 2100, which is not a
    leap year (清明 2100 is April 5). Integer arithmetic keeps [·] exact. Outside
    2000–2100 the result is approximate but always a valid date."""
    y = year - 2000
    if year > 2000:
        leap_days = calendar.leapdays(2001, year + 1)
    else:
        leap_days = -calendar.leapdays(year + 1, 2001)
    day = (y * 2422 + 48100) // 10000 - leap_days
    return dt.date(year, 4, min(max(day, 4), 6))


def _lunar_to_solar(year: int, month: int, day: int) -> dt.date | None:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:
        known = _LUNAR_BEYOND_LUNARDATE.get(year, {}).get((month, day))
        if known is None:
            # Never fail a deadline over a missing lunar table: the day counts as
            # working, so the deadline errs on the early side.
            logger.warning("No lunar calendar for %s; lunar %s/%s ignored", year, month, day)
        return known


def statutory_holidays(year: int) -> frozenset[dt.date]:
    """Days off in `year` under the 全国年节及纪念日放假办法 (2024 revision): 元旦 Jan 1;
    春节 from 除夕 to 正月初三 (4 days); 清明; 劳动节 May 1–2; 端午 (lunar 5/5);
    中秋 (lunar 8/15); 国庆 Oct 1–3. No 调休 and no 补假: those are announced yearly."""
    days = {dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 5, 2), qingming(year)}
    days |= {dt.date(year, 10, d) for d in (1, 2, 3)}
    new_year = _lunar_to_solar(year, 1, 1)
    if new_year is not None:
        # 除夕 is the day before 正月初一, whether lunar month 12 has 29 or 30 days.
        days |= {new_year + dt.timedelta(days=offset) for offset in range(-1, 3)}
    for month, day in ((5, 5), (8, 15)):
        solar = _lunar_to_solar(year, month, day)
        if solar is not None:
            days.add(solar)
    return frozenset(days)


# --- Per-year tables and their cache ----------------------------------------------------


@cache
def package_knows(year: int) -> bool:
    """True if the installed `chinesecalendar` has the official schedule of `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range(366 if calendar.isleap(year) else 365)]


def _build_year(year: int) -> bytes:
    """One byte per day of `year`, 1 for a working day."""
    days = _days_of(year)
    if package_knows(year):
        flags = [chinese_calendar.is_workday(day) for day in days]
    else:
        off = statutory_holidays(year)
        flags = [day.weekday() < 5 and day not in off for day in days]
    rows = CalendarDay.objects.filter(
        date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1)
    ).values_list("date", "is_working_day")
    for day, working in rows:
        flags[day.timetuple().tm_yday - 1] = working
    return bytes(flags)


class _Cache:
    def __init__(self) -> None:
        self.version: tuple[Any, ...] | None = None
        self.checked_at = -math.inf
        self.years: dict[int, bytes] = {}
        self.complete_years: frozenset[int] | None = None
        # Set when this process changed calendar rows inside a transaction: until it ends
        # (commit or rollback, which sends no signal) the version is checked on every call.
        self.in_transaction = False

    def clear(self) -> None:
        self.version = None
        self.years = {}
        self.complete_years = None


_cache = _Cache()


def _version() -> tuple[Any, ...]:
    days = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (days["n"], days["last"], years["n"], years["last"])


def _revalidate() -> None:
    """Drop the cached tables if the calendar tables changed since they were built;
    looks at the database at most every WORKDAYS_CACHE_SECONDS."""
    now = time.monotonic()
    if _cache.in_transaction and not transaction.get_connection().in_atomic_block:
        _cache.in_transaction = False
        _cache.checked_at = -math.inf
    ttl = float(getattr(settings, "WORKDAYS_CACHE_SECONDS", 5.0))
    if not _cache.in_transaction and now - _cache.checked_at < ttl:
        return
    version = _version()
    if version != _cache.version:
        _cache.clear()
        _cache.version = version
    _cache.checked_at = now


def _year(year: int) -> bytes:
    table = _cache.years.get(year)
    if table is None:
        years = _cache.years
        table = _build_year(year)
        years[year] = table  # into the dict it was built for, even if cleared meanwhile
    return table


def _is_working(day: dt.date) -> bool:
    return bool(_year(day.year)[day.timetuple().tm_yday - 1])


def clear_cache() -> None:
    """Forget every cached table in this process (tests; after a raw bulk change)."""
    _cache.clear()
    _cache.checked_at = -math.inf
    _cache.in_transaction = False


def _on_calendar_change(**kwargs: Any) -> None:
    clear_cache()
    if transaction.get_connection().in_atomic_block:
        _cache.in_transaction = True


for _model in (CalendarDay, CalendarYear):
    post_save.connect(_on_calendar_change, sender=_model, dispatch_uid=f"workdays.{_model}")
    post_delete.connect(_on_calendar_change, sender=_model, dispatch_uid=f"workdays.{_model}")


# --- Public API ---------------------------------------------------------------------


def _require_date(day: dt.date) -> None:
    # A datetime is a date too, but which calendar day it is depends on the time zone.
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")


def is_working_day(day: dt.date) -> bool:
    """True if `day` is a working day: the admin table, else the package, else the
    statutory fallback (weekends and 法定节假日 off, no 调休)."""
    _require_date(day)
    _revalidate()
    return _is_working(day)


def is_holiday_closure(day: dt.date) -> bool:
    """A day a place that keeps regular hours (a service, a venue) stays shut for a
    holiday: a day off in a run of consecutive days off containing at least one weekday.
    So 国庆 (Oct 1–7, weekends included) and a weekend joined to a Monday holiday are
    closed, an ordinary weekend is not (Saturday hours run), and a 调休 working Sunday
    is open."""
    if is_working_day(day):
        return False
    if day.weekday() < 5:
        return True
    one = dt.timedelta(days=1)
    for step in (one, -one):
        probe = day + step
        while not is_working_day(probe):
            if probe.weekday() < 5:
                return True
            probe += step
    return False


def calendar_source(year: int) -> Source:
    """Where the schedule of `year` comes from: "admin" once an administrator marked it
    entered in full (CalendarYear), "package" if `chinesecalendar` knows it, else
    "fallback". Admin rows for single days win in every case."""
    _revalidate()
    if _cache.complete_years is None:
        _cache.complete_years = frozenset(
            CalendarYear.objects.filter(schedule_complete=True).values_list("year", flat=True)
        )
    if year in _cache.complete_years:
        return "admin"
    if package_knows(year):
        return "package"
    return "fallback"


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The `n`th working day after `day` (`day` itself never counts), n ≥ 1."""
    _require_date(day)
    if n < 1:
        raise ValueError("n must be at least 1")
    _revalidate()
    current = day
    while n:
        current += dt.timedelta(days=1)
        if _is_working(current):
            n -= 1
    return current


def deadline_working_days(received_at: dt.datetime, n: int) -> dt.datetime:
    """23:59:59 Asia/Shanghai on the `n`th working day after the local date of
    `received_at` (the day of receipt does not count), as an aware UTC datetime."""
    _require_aware(received_at)
    received_on = received_at.astimezone(clock.SHANGHAI).date()
    due_on = add_working_days(received_on, n)
    return dt.datetime.combine(due_on, END_OF_DAY, tzinfo=clock.SHANGHAI).astimezone(dt.UTC)


def deadline_natural_hours(received_at: dt.datetime, hours: int) -> dt.datetime:
    """`hours` natural hours after `received_at`, holidays included, as aware UTC."""
    _require_aware(received_at)
    if hours < 1:
        raise ValueError("hours must be at least 1")
    return (received_at + dt.timedelta(hours=hours)).astimezone(dt.UTC)


@dataclass(frozen=True)
class CalendarWarning:
    """A year whose deadlines rest on the fallback; `message` is translated when read."""

    year: int

    @property
    def message(self) -> str:
        return gettext(
            "The official holidays and make-up working days of %(year)s have not been "
            "entered yet, so deadlines in %(year)s count only weekends and statutory "
            "holidays as days off. Enter them under “Holidays” and confirm the year "
            "under “Holiday schedules”."
        ) % {"year": self.year}

    def __str__(self) -> str:
        return self.message


def calendar_warnings(
    today: dt.date | None = None, years: Iterable[int] = ()
) -> list[CalendarWarning]:
    """One warning per year, among this year, next year and `years` (e.g. the years of
    open deadlines), that neither the package knows nor an administrator confirmed."""
    today = today or clock.local_now().date()
    wanted = {today.year, today.year + 1, *years}
    return [CalendarWarning(y) for y in sorted(wanted) if calendar_source(y) == "fallback"]
