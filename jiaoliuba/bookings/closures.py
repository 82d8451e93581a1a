"""Closure days of recurring sessions, from the project's holiday calendar
(core.workdays: the admin table, then chinesecalendar, then the statutory fallback).

A day is closed when it is a day off that belongs to a holiday: a run of consecutive
days off containing at least one weekday. So 国庆 (Oct 1–7, weekends included) and a
weekend joined to a Monday holiday are closed, an ordinary weekend is not (a Saturday
activity runs), and a 调休 working Sunday is open."""

from __future__ import annotations

import datetime as dt

from jiaoliuba.core import workdays

_DAY = dt.timedelta(days=1)


def is_closed(day: dt.date) -> bool:
    if workdays.is_working_day(day):
        return False
    if day.weekday() < 5:
        return True
    for step in (_DAY, -_DAY):
        probe = day + step
        while not workdays.is_working_day(probe):
            if probe.weekday() < 5:
                return True
            probe += step
    return False
