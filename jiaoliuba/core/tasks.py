"""Periodic housekeeping of the task queue itself."""

from __future__ import annotations

from django_tasks import task

from jiaoliuba.core import partitions, services


@task()
def purge_finished_tasks() -> int:
    return services.task_results_purge()


@task()
def partitions_create_ahead() -> list[str]:
    """The months ahead of every partitioned table (core/partitions.py); nothing on SQLite
    or before `jiaoliuba partition_tables` has run."""
    return partitions.partitions_create_ahead()
