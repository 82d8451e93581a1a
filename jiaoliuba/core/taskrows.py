"""A task enqueued by the hot path (one per appeal taken in): the django-tasks database
backend's own `enqueue`, with its row written by `core.rawsql.Inserter` instead of
`DBTaskResult.objects.create`. Same checks (`validate_task`), the same row (its id from
the backend, arguments normalised to JSON the same way, priority, path, queue, run_after,
backend, the model's defaults for the rest, `run_after` as the backend's `pre_save`
receiver sets it) and the same `task_enqueued` signal, so a
worker cannot tell the two apart (tested); any other backend is simply asked to enqueue.

`row_select` gives the same row for a statement of the caller's own, so a task can be
queued by the statement that decides whether it is due (a ballot's points credit: the
task row goes in only if the ballot did)."""

from __future__ import annotations

from typing import Any

from django_tasks import TaskResult
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.signal_handlers import set_run_after

from jiaoliuba.core.rawsql import Inserter, RowSelect

_ROWS = Inserter(DBTaskResult, replaces=[set_run_after])  # done below


def _row(backend: DatabaseBackend, task: Task, args: Any, kwargs: Any) -> DBTaskResult:
    backend.validate_task(task)
    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after if task.run_after is not None else get_date_max(),
        backend_name=backend.alias,
    )


def enqueue(task: Task, *args: Any, **kwargs: Any) -> TaskResult:
    backend = task.get_backend()
    if type(backend) is not DatabaseBackend:
        return task.enqueue(*args, **kwargs)
    row = _row(backend, task, args, kwargs)
    _ROWS.insert(row)
    return announce(row)


def row_select(task: Task, *args: Any, **kwargs: Any) -> tuple[DBTaskResult, RowSelect] | None:
    """The task row for a caller's own statement (`INSERT … SELECT … FROM` something that
    only has a row when the task is due: a ballot that went in), named parameters
    prefixed `task_`; call `announce` once the row is known to be written. None when the
    task's backend is not the database: then call `enqueue` instead."""
    backend = task.get_backend()
    if type(backend) is not DatabaseBackend:
        return None
    row = _row(backend, task, args, kwargs)
    return row, _ROWS.select_list(row, prefix="task_")


def announce(row: DBTaskResult) -> TaskResult:
    """The backend's `task_enqueued` signal for a row written here."""
    row._state.adding = False
    result = row.task_result
    task_enqueued.send(DatabaseBackend, task_result=result)
    return result
