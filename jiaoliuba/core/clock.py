"""The one place that reads the wall clock, so tests can move time deliberately and the
demo can replay a year of history through the real services."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")

_pinned: ContextVar[dt.datetime | None] = ContextVar("jiaoliuba_clock", default=None)


def now() -> dt.datetime:
    return _pinned.get() or timezone.now()


def local_now() -> dt.datetime:
    return now().astimezone(SHANGHAI)


@contextmanager
def pinned(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, now() is `moment` (for this thread or task only)."""
    token = _pinned.set(moment)
    try:
        yield moment
    finally:
        _pinned.reset(token)
