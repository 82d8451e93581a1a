"""Closure days of recurring sessions, from the project's holiday calendar
(core.workdays: the admin table, then chinesecalendar, then the statutory fallback).
The rule itself lives in core (`workdays.is_holiday_closure`), shared with venues."""

from __future__ import annotations

from jiaoliuba.core import workdays

is_closed = workdays.is_holiday_closure
