"""A task enqueued by the hot path (one per appeal taken in): the django-tasks database
backend's own `enqueue`, with its row written by `core.rawsql.Inserter` instead of
`DBTaskResult.objects.create`. Same checks (`validate_task`), the same row (its id from
the backend, arguments normalised to JSON the same way, priority, path, queue, run_after,
backend, the model's defaults for the rest, `run_after` as the backend's `pre_save`
receiver sets it) and the same `task_enqueued` signal, so a
worker cannot tell the two apart (tested); any other backend is simply asked to enqueue."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django_tasks import TaskResult
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.backend import TaskResult as DBResult
from django_tasks_db.compat import normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.signal_handlers import set_run_after
from django_tasks_db.utils import normalize_uuid

from jiaoliuba.core.rawsql import Inserter

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


# Only these columns differ between two rows of one task (same queue, priority and
# run_after); the prepared values of the others are kept per task and database, since
# preparing every field of the row took most of an enqueue (0.4 ms).
_VARYING = [
    (i, f) for i, f in enumerate(_ROWS.fields) if f.name in ("id", "args_kwargs", "enqueued_at")
]
_TEMPLATES: dict[tuple[Any, ...], list[Any]] = {}


def _values(row: DBTaskResult) -> list[Any]:
    """`_ROWS.prepared(row)`, from the task's template."""
    key = (
        connection.vendor,
        row.task_path,
        row.queue_name,
        row.priority,
        row.run_after,
        row.backend_name,
    )
    template = _TEMPLATES.get(key)
    if template is None:
        template = _TEMPLATES[key] = _ROWS.prepared(row)
        return list(template)
    values = list(template)
    for i, f in _VARYING:
        values[i] = f.get_db_prep_save(f.pre_save(row, True), connection)
    return values


def enqueue(task: Task, *args: Any, **kwargs: Any) -> TaskResult:
    backend = task.get_backend()
    if type(backend) is not DatabaseBackend:
        return task.enqueue(*args, **kwargs)
    row = _row(backend, task, args, kwargs)
    _ROWS.insert(row, values=_values(row))
    return announce(row, task)


def announce(row: DBTaskResult, task: Task) -> TaskResult:
    """The backend's `task_enqueued` signal for a new row of `task` written here. The
    result is built as `row.task_result` builds it, from the task in hand rather than
    one imported again by its path (which took most of the time of the signal)."""
    row._state.adding = False
    result: TaskResult = DBResult(
        db_result=row,
        task=task,
        id=normalize_uuid(row.id),
        status=TaskResultStatus[row.status],
        enqueued_at=row.enqueued_at,
        started_at=None,
        last_attempted_at=None,
        finished_at=None,
        args=row.args_kwargs["args"],
        kwargs=row.args_kwargs["kwargs"],
        backend=row.backend_name,
        errors=[],
        worker_ids=row.worker_ids,
    )
    object.__setattr__(result, "_return_value", None)
    task_enqueued.send(DatabaseBackend, task_result=result)
    return result
