"""Periodic housekeeping of the task queue itself."""

from __future__ import annotations

from django_tasks import task

from jiaoliuba.core import services


@task()
def purge_finished_tasks() -> int:
    return services.task_results_purge()
