"""Periodic work: the worker enqueues each task in settings.PERIODIC_TASKS when it is due.
Claiming a run is a compare-and-set on PeriodicTaskRun, so any number of workers
enqueue each run once."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils.module_loading import import_string

from jiaoliuba.core import services

logger = logging.getLogger(__name__)


def enqueue_due() -> list[str]:
    enqueued = []
    for path, seconds in getattr(settings, "PERIODIC_TASKS", {}).items():
        if services.periodic_run_claim(name=path, every=dt.timedelta(seconds=seconds)):
            import_string(path).enqueue()
            enqueued.append(path)
            logger.info("enqueued periodic task %s", path)
    return enqueued
