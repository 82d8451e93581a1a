"""Dates and times typed by people, read without surprises.

Django's `parse_date`, `parse_time` and `parse_datetime` answer None for text that is
not a date, but raise ValueError for text shaped like one that names no real day or
hour ("2026-02-30", "2026-13", "25:00"): a typing slip became a 500. These answer None
for both, so every caller's own "not a valid date" message covers the slip too. The
rest of the project imports these, never `django.utils.dateparse` (a test checks)."""

from __future__ import annotations

import datetime as dt

from django.utils import dateparse


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dateparse.parse_date(value or "")
    except ValueError:
        return None


def parse_time(value: str | None) -> dt.time | None:
    try:
        return dateparse.parse_time(value or "")
    except ValueError:
        return None


def parse_datetime(value: str | None) -> dt.datetime | None:
    try:
        return dateparse.parse_datetime(value or "")
    except ValueError:
        return None
