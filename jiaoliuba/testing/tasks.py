"""Run queued tasks in the test's own process and transaction, as the worker would: the
rows the code under test wrote are claimed, run and marked, one by one in queue order."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult


def run_queued(task_name: str) -> int:
    """Run every ready task whose function is named `task_name`; returns how many ran."""
    ran = 0
    rows = DBTaskResult.objects.ready().filter(task_path__endswith=f".{task_name}")
    for row in rows.order_by("enqueued_at", "id"):
        row.claim("tests")
        value = row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.set_successful(value)
        ran += 1
    return ran


def run_intake_follow_ups() -> int:
    """The work a new appeal leaves to the worker (bands, notices, risk detection), as the
    worker's cycle runs it: the appeals' own queue, then any `intake_follow_up` task rows
    (a follow-up that failed there, or one queued before the appeals held their own)."""
    from jiaoliuba.appeals.services import appeal_follow_ups_run  # noqa: PLC0415 — testing stays importable without the apps loaded

    return appeal_follow_ups_run() + run_queued("intake_follow_up")
