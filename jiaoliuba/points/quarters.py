"""Quarters as the honours name them ("2026Q4"), in Shanghai time."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.core.errors import ValidationFailed

PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


def parse(quarter: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the quarter, aware, Shanghai time."""
    match = PATTERN.match(quarter or "")
    if not match:
        raise ValidationFailed(_("A quarter looks like 2026Q4."), code="quarter")
    year, q = int(match[1]), int(match[2])
    start = dt.datetime(year, 3 * q - 2, 1, tzinfo=clock.SHANGHAI)
    end = dt.datetime(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1, tzinfo=clock.SHANGHAI)
    return start, end


def current() -> str:
    now = clock.local_now()
    return f"{now.year}Q{(now.month - 1) // 3 + 1}"


def previous(quarter: str) -> str:
    start, _end = parse(quarter)
    before = start - dt.timedelta(days=1)
    return f"{before.year}Q{(before.month - 1) // 3 + 1}"
