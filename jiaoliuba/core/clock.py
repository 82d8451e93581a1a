"""The one place that reads the wall clock, so tests can move time deliberately."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return timezone.now()


def local_now() -> dt.datetime:
    return now().astimezone(SHANGHAI)
